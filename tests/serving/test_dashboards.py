"""Tableaux de bord Voilà dans un vrai navigateur (chromium de Debian, sans réseau)."""

from __future__ import annotations

import pytest
from conftest import NNBSP, chart_text, serious_accessibility_violations
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def test_dashboard_recomputes_when_the_slider_moves(page, server):
    page.goto(f"{server}/voila/render/ecologie.ipynb", wait_until="commit")  # stalls: bounded, then reloaded
    figure = page.locator(".atelier-figure .atelier-graphique[data-atelier-rendu=ok]")
    expect(figure).to_be_visible(timeout=90_000)
    table = page.locator(".atelier-tableau")
    expect(table).to_contain_text(f"15{NNBSP}000")  # White 1961: 250 per 1,000 × 60,000
    before = chart_text(page, ".atelier-figure")
    assert f"15{NNBSP}000 consultent un médecin" in before

    readout = page.locator(".atelier-population .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("120000")
    page.keyboard.press("Enter")

    expect(table).to_contain_text(f"30{NNBSP}000", timeout=30_000)
    expect(page.locator(".atelier-description")).to_contain_text(f"30{NNBSP}000 consultent un médecin")
    expect(page.locator(".atelier-figure svg").last).to_contain_text(f"30{NNBSP}000 consultent un médecin", timeout=30_000)
    assert chart_text(page, ".atelier-figure") != before

    # French, no code, no traceback; a link back to the chapter.
    body = page.locator("body").inner_text()
    assert "Écologie des soins : simulateur en direct" in body
    assert "Traceback" not in body and "import " not in body
    assert not page.failures, page.failures
    assert page.locator("html").get_attribute("lang") == "fr"
    with page.context.expect_page() as new_tab:
        page.locator("a[href='/livre/book/ecologie.html']").click()
    book = new_tab.value
    book.wait_for_load_state()
    assert book.url == f"{server}/livre/book/ecologie.html"
    expect(book.locator("h1").first).to_contain_text("écologie des soins")


def test_screening_dashboard_recomputes_the_cascade(page, server):
    page.goto(f"{server}/voila/render/depistage.ipynb", wait_until="commit")  # stalls: bounded, then reloaded
    table = page.locator(".atelier-tableau")
    expect(table).to_contain_text("475", timeout=90_000)  # false positives, primary-care preset, 10 000 people
    text = page.locator(".atelier-description")
    expect(text).to_contain_text(f"48,6{NNBSP}%")
    chart = page.locator(".atelier-figure .atelier-graphique[data-atelier-rendu=ok] svg")
    expect(chart).to_contain_text("Valeur prédictive positive")
    page.locator(".atelier-situation select").select_option(
        label="Test diagnostique chez des patients adressés à l'hôpital par un médecin")
    expect(text).to_contain_text(f"88,5{NNBSP}%", timeout=30_000)
    expect(text).to_contain_text("pas de surdiagnostic")
    expect(page.locator(".atelier-note")).to_contain_text("illustratif")
    expect(chart).to_contain_text(f"88,5{NNBSP}%")
    assert not page.failures, page.failures


def test_screening_biases_dashboard_shows_survival_without_deaths_avoided(page, server):
    page.goto(f"{server}/voila/render/biais_depistage.ipynb", wait_until="commit")  # stalls: bounded, then reloaded
    text = page.locator(".atelier-description")
    expect(text).to_contain_text("aucun décès évité", timeout=90_000)
    chart = page.locator(".atelier-figure .atelier-graphique[data-atelier-rendu=ok] svg")
    expect(chart).to_contain_text("Survie à 5 ans")
    page.locator(".atelier-scenario select").select_option(label="Les trois biais et un vrai bénéfice")
    expect(text).to_contain_text("décès évités", timeout=30_000)
    expect(text).not_to_contain_text("aucun décès")
    assert not page.failures, page.failures


def test_territory_capacity_dashboard_follows_its_sliders(page, server):
    page.goto(f"{server}/voila/render/capacite_territoire.ipynb", wait_until="commit")  # stalls: bounded, then reloaded
    text = page.locator(".atelier-description [role=status]")
    expect(text).to_contain_text("En 2036", timeout=90_000)
    expect(text).to_contain_text(f"7{NNBSP}579 patients sans médecin traitant")  # default values of data/
    chart = page.locator(".atelier-figure .atelier-graphique[data-atelier-rendu=ok] svg")
    expect(chart).to_contain_text("Patients sans médecin traitant")
    expect(chart).to_contain_text("2036")  # the last year of the projection, on the axis
    readout = page.locator(".atelier-horizon .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(text).to_contain_text("En 2031", timeout=30_000)
    expect(chart).not_to_contain_text("2036", timeout=30_000)
    expect(chart).to_contain_text("2031")
    assert not page.failures, page.failures


def test_tester_ou_traiter_dashboard(page, server):
    page.goto(f"{server}/voila/render/tester_ou_traiter.ipynb", wait_until="commit")  # stalls: bounded, then reloaded
    table = page.locator(".atelier-tableau")
    expect(table).to_contain_text("Test si score ≥ seuil", timeout=90_000)
    expect(page.locator(".atelier-figure .atelier-graphique[data-atelier-rendu=ok] svg")).to_contain_text("Comparer")
    before = table.inner_text()
    page.locator(".atelier-situation select").select_option(label="Suspicion de cystite de la femme (bandelette urinaire)")
    expect(table).not_to_contain_text("Test si score ≥ seuil", timeout=30_000)
    expect(table).to_contain_text("660")  # 1,000 women, prevalence 60 %, Se 90 %, Sp 70 %: 540 + 120 antibiotics
    assert table.inner_text() != before
    # The text alternative follows the sliders and is announced to screen readers.
    summary = page.locator(".atelier-resume [role=status][aria-live=polite]")
    expect(summary).to_contain_text("660 antibiotiques prescrits")
    expect(summary).to_contain_text("60 infections bactériennes non traitées")  # 10 % of 600 missed by the dipstick
    # The trajectory chart recomputes in the page when its slider moves.
    trajectory = page.locator(".atelier-graphique[data-atelier-rendu=ok]", has_text="Trajectoire").locator("svg")
    expect(trajectory).to_be_visible(timeout=30_000)
    before_svg = trajectory.inner_html()
    slider = page.locator("input[type=range][name=baisse]")
    slider.evaluate("el => { el.value = '0.15'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_function("([el, old]) => el.innerHTML !== old", arg=[trajectory.element_handle(), before_svg])
    assert not page.failures, page.failures


DASHBOARDS = sorted(p.stem for p in (__import__("conftest").ROOT / "dashboards").glob("*.ipynb"))


@pytest.mark.parametrize("name", DASHBOARDS)
def test_every_dashboard_renders_in_french_without_errors(page, server, name):
    page.goto(f"{server}/voila/render/{name}.ipynb", wait_until="commit")  # stalls: bounded, then reloaded
    expect(page.locator(".jupyter-widgets").first).to_be_visible(timeout=90_000)
    expect(page.locator("h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    body = page.locator("body").inner_text()
    for word in ("Traceback", "Error", "Exception", "NameError"):
        assert word not in body, (name, word)
    assert page.locator("html").get_attribute("lang") == "fr"
    link = page.locator("a[href^='/livre/book/']")
    assert link.count() == 1  # link back to the chapter, which exists
    assert page.request.get(server + link.get_attribute("href")).status == 200
    assert not page.failures, page.failures
    assert serious_accessibility_violations(page) == []
