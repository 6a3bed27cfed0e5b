"""Le livre statique dans un vrai navigateur : le simulateur fonctionne sans noyau."""

from __future__ import annotations

import pytest
from conftest import NNBSP
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def test_static_book_simulator_works_without_a_kernel(page, server):
    page.goto(f"{server}/livre/book/ecologie.html")
    chart = page.locator(".atelier-graphique[data-atelier-rendu=ok]")
    expect(chart).to_be_visible(timeout=30_000)
    svg = chart.locator("svg")
    expect(svg).to_contain_text(f"14{NNBSP}100 consultent un médecin généraliste")  # Laporte 2024, 60,000
    before = svg.text_content()

    slider = chart.locator("input[type=range][name=population]")
    slider.evaluate("el => { el.value = '120000'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    expect(svg).to_contain_text(f"28{NNBSP}200 consultent un médecin généraliste")  # 235 × 120
    assert svg.text_content() != before

    chart.locator("select[name=jeu]").select_option("ecologie_white_1961")
    expect(svg).to_contain_text(f"30{NNBSP}000 consultent un médecin")
    assert not page.failures, page.failures

    # The page links to its live dashboard, which opens on the same server.
    page.locator("a[data-atelier-tableau=ecologie]").click()
    expect(page.locator(".atelier-figure .atelier-graphique[data-atelier-rendu=ok]")).to_be_visible(timeout=90_000)
