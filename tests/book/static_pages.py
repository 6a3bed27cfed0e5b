"""Outils communs aux tests des simulateurs statiques : ouvrir un chapitre, attendre un graphique, régler ses entrées.

A static simulator is a ``div.atelier-graphique`` whose Vega view sets ``data-atelier-rendu="ok"`` once drawn;
its text alternative is the ``p.atelier-alternative`` right after it, refreshed with the inputs. Inputs are the
Vega-Lite bindings: ``input[name=…]`` (range, checkbox) or ``select[name=…]``, named by the parameter.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect


def open_chapter(page: Page, server: str, stem: str) -> None:
    page.goto(f"{server}/livre/book/{stem}.html")


def rendered(page: Page, selector: str):
    """The chart matched by ``selector`` once drawn, and its text alternative."""
    chart = page.locator(selector)
    expect(chart).to_have_attribute("data-atelier-rendu", "ok", timeout=30_000)
    return chart, page.locator(f"{selector} + p.atelier-alternative")


def set_input(chart, name: str, value) -> None:
    """Set one bound input as a person would (the page recomputes on the ``input`` event)."""
    if isinstance(value, bool):
        box = chart.locator(f"input[name={name}]")
        if box.is_checked() != value:
            box.click()
    elif chart.locator(f"select[name={name}]").count():
        chart.locator(f"select[name={name}]").select_option(str(value))
    else:
        chart.locator(f"input[name={name}]").evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", str(value))


def check_touch_targets(block, width: int = 390) -> None:
    """Every control of ``block`` is visible, at least 24 px tall and inside a ``width``-px screen."""
    controls = block.locator("input, select, button")
    assert controls.count() > 0
    for k in range(controls.count()):
        control = controls.nth(k)
        expect(control).to_be_visible()
        box = control.bounding_box()
        assert box["height"] >= 24, f"{control.evaluate('el => el.outerHTML')[:120]} : {box['height']} px de haut"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"hors de l'écran : {box}"


def check_fits_phone(phone: Page, blocks: list, stem: str, folder) -> None:
    """Each block (chart or quiz) fits a 390-px screen and keeps usable controls; screenshots go to ``folder``."""
    for n, block in enumerate(blocks):
        if "atelier-graphique" in (block.get_attribute("class") or ""):
            expect(block).to_have_attribute("data-atelier-rendu", "ok", timeout=30_000)
            # The chart itself fits: no scrolling inside its box either.
            assert block.evaluate("el => el.scrollWidth <= el.clientWidth"), block.evaluate("el => el.scrollWidth")
        block.scroll_into_view_if_needed()
        check_touch_targets(block)
        block.screenshot(path=str(folder / f"{stem}-{n}-390px.png"))
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390
    phone.screenshot(path=str(folder / f"{stem}-390px.png"))
