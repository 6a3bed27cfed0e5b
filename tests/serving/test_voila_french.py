"""Voilà en français et jamais bloqué : textes de chargement, erreurs sans trace, délai d'exécution puis rechargement."""

from __future__ import annotations

import contextlib
import html
import urllib.request

import nbformat
import pytest
from conftest import voila_on
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def notebook(path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Essai"), nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """Our Voilà (atelier serve's) on dashboards that fail, stall, or work; cells time out after 4 s."""
    base = tmp_path_factory.mktemp("voila")
    dashboards = base / "tableaux"
    dashboards.mkdir()
    notebook(dashboards / "erreur.ipynb", "donnees = {'a': 1}\ndonnees['secret_de_correction']")
    notebook(dashboards / "lent.ipynb", "import time\ntime.sleep(30)")
    notebook(dashboards / "rapide.ipynb", "print('bonjour')")
    with voila_on(base, allowed=("erreur", "lent", "rapide"), execution_timeout=4) as url:
        yield url


def page_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=120) as r:
        return html.unescape(r.read().decode())


def test_loading_texts_are_in_french(voila):
    text = page_text(f"{voila}/voila/render/rapide.ipynb")
    assert "Chargement du tableau de bord…" in text
    assert "Calcul de la cellule" in text
    for english in ("Running ", "Executing ", "Reading "):
        assert english not in text, english


@contextlib.contextmanager
def page_counting_loads(browser):
    """A fresh page, and the list that grows by one at every load (first load and reloads)."""
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        loads = []
        page.on("load", lambda _: loads.append(1))
        yield page, loads
    finally:
        context.close()


def test_a_page_that_works_is_not_reloaded(voila, browser):
    with page_counting_loads(browser) as (page, loads):
        page.goto(f"{voila}/voila/render/rapide.ipynb")
        expect(page.locator("body")).to_contain_text("bonjour", timeout=30_000)
        page.wait_for_timeout(5_000)
        assert len(loads) == 1


def test_an_error_shows_a_french_message_and_no_code(voila):
    text = page_text(f"{voila}/voila/render/erreur.ipynb")
    assert "n'a pas pu être calculée" in text
    for leak in ("secret_de_correction", "KeyError", "Traceback", "There was an error"):
        assert leak not in text, leak


def test_a_stalled_cell_is_stopped_then_the_page_reloads_once(voila, browser):
    with page_counting_loads(browser) as (page, loads):
        page.goto(f"{voila}/voila/render/lent.ipynb", timeout=60_000)
        expect(page.locator("body")).to_contain_text("Le calcul a pris trop de temps", timeout=30_000)
        assert "timed out" not in page.locator("body").inner_text()
        page.wait_for_timeout(13_000)  # 3 s before the reload, then 4 s of execution again
        expect(page.locator("body")).to_contain_text("Le calcul a pris trop de temps", timeout=30_000)
        page.wait_for_timeout(5_000)
        assert len(loads) == 2  # reloaded once by itself, not in a loop
