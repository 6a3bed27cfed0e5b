"""Tableau de bord de bilan de stage dans un vrai navigateur : téléversement d'un carnet, radar, écarts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def test_review_dashboard_loads_a_carnet_and_shows_the_radar(page, server, tmp_path):
    from atelier_mg.carnet import model as cm

    # The intern's file, as it would be brought to the review meeting.
    carnet = cm.Carnet.open(cm.EXAMPLE).copy_to(tmp_path / "carnet_competences.json")
    carnet.save()
    page.goto(f"{server}/voila/render/bilan_stage.ipynb", wait_until="commit")  # stalls: bounded, then reloaded
    button = page.locator(".atelier-televerser")
    expect(button).to_be_visible(timeout=90_000)

    def upload(path):
        with page.expect_file_chooser() as chooser:
            button.click()
        chooser.value.set_files(str(path))

    upload(carnet.path)
    expect(page.locator(".atelier-message")).to_contain_text("carnet_competences.json")
    radar = page.locator(".atelier-radar .atelier-graphique[data-atelier-rendu=ok] svg")
    expect(radar).to_contain_text("Premier recours", timeout=30_000)
    expect(radar).to_contain_text("Évaluation du MSU")
    gaps = page.locator(".atelier-ecarts")
    expect(gaps).to_contain_text("Premier recours : l'auto-évaluation de l'interne (Intermédiaire) dépasse")
    expect(page.locator(".atelier-grille .atelier-graphique[data-atelier-rendu=ok] svg")).to_contain_text("F01 Chronique")
    expect(page.locator(".atelier-non-rencontre")).to_contain_text("F09")

    # The MSU rates « Premier recours » as « Intermédiaire »: the gap disappears.
    page.locator(".atelier-eval-msu-C1 select").select_option(label="Intermédiaire")
    page.locator(".atelier-enregistrer-msu").click()
    expect(page.locator(".atelier-message")).to_contain_text("Évaluation du MSU prise en compte")
    expect(gaps).not_to_contain_text("Premier recours : l'auto-évaluation")
    expect(page.locator("a.atelier-telecharger").first).to_have_attribute("download", "carnet_competences.json")

    # A file that is not a carnet gets a French message; the carnet shown is kept.
    bad = tmp_path / "notes.json"
    bad.write_text('{"format": "autre"}')
    upload(bad)
    expect(page.locator(".atelier-message")).to_contain_text("n'est pas un carnet de compétences")
    expect(radar).to_contain_text("Premier recours")
    assert "Traceback" not in page.locator("body").inner_text()
