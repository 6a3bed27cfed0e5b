"""Accessibilité du livre : chaque page passe axe-core (aucune violation grave ou critique) dans chromium."""

from __future__ import annotations

import pytest
from conftest import ROOT, serious_accessibility_violations
from playwright.sync_api import expect

from atelier_mg.core.accessibility import fix_page

pytestmark = pytest.mark.slow

PAGES = ["index", *sorted(f"book/{p.stem}" for p in (ROOT / "book").glob("*.md"))]


@pytest.mark.parametrize("name", PAGES)
def test_every_book_page_passes_axe(page, server, name):
    page.set_default_timeout(90_000)  # a long chapter on a busy 2-core machine
    page.goto(f"{server}/livre/{name}.html")
    page.wait_for_load_state("networkidle")
    charts = page.locator(".atelier-graphique")
    for i in range(charts.count()):  # the interactive charts are drawn before the check
        expect(charts.nth(i)).to_have_attribute("data-atelier-rendu", "ok", timeout=60_000)
    assert serious_accessibility_violations(page) == []
    assert not page.failures, page.failures


def test_fixes_touch_only_the_faulty_attributes():
    theme = ('<button class="btn btn-sm nav-link pst-navbar-icon theme-switch-button pst-js-only" aria-label="Thème" '
             'data-bs-title="Thème">\n  <i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Clair"></i>'
             '<i class="theme-switch fa-solid fa-moon   fa-lg" data-mode="dark"  title="Sombre"></i>')
    fixed = fix_page(theme)
    assert 'aria-label="Thème : clair, sombre ou selon les paramètres du système"' in fixed
    assert 'data-mode="light" aria-hidden="true"></i>' in fixed and 'title="Clair"' not in fixed
    assert 'data-mode="dark" aria-hidden="true"></i>' in fixed and 'title="Sombre"' not in fixed
    search = ('<button class="btn search-button-field search-button__button pst-js-only" title="Recherche" '
              'aria-label="Recherche" data-bs-toggle="tooltip">')
    assert fix_page(search) == search.replace(' aria-label="Recherche"', "")
    assert fix_page('<div role="list" class="citation-list">') == '<div class="citation-list">'
    assert fix_page("<p>rien à corriger</p>") == "<p>rien à corriger</p>"
