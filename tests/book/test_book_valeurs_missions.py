"""Pages « valeurs » et « missions » du livre construit : grille téléchargeable, vignettes, tableaux sourcés."""

from __future__ import annotations

import csv
import html as html_lib
import io
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from atelier_mg.core import data

pytestmark = pytest.mark.slow


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def test_missions_page_offers_the_mid_stage_grid_as_a_working_download(built_book):
    page = (built_book / "book" / "missions.html").read_text()
    parser = _Links()
    parser.feed(page)
    downloads = [a for a in parser.links if a.get("download")]
    assert len(downloads) == 1, "une seule grille téléchargeable attendue"
    link = downloads[0]
    assert link["download"].endswith(".csv")
    prefix = "data:text/csv;charset=utf-8,"
    assert link["href"].startswith(prefix)
    text = unquote(link["href"][len(prefix):]).removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][3:6] == ["Exercée", "Observée", "Jamais rencontrée"]
    missions = data.load_table("missions").sort_values("ordre")
    assert [r[2] for r in rows[1:]] == list(missions["mission"])


def test_missions_page_teaches_the_care_framework_and_certificates(built_book):
    page = html_lib.unescape((built_book / "book" / "missions.html").read_text())
    for row in data.load_table("reperes_juridiques").query("rubrique != 'deontologie'").itertuples():
        assert row.theme in page and row.reference in page
    assert "mis-q6" in page and "certificat de complaisance" in page


def test_values_page_renders_vignettes_studies_and_deontology(built_book):
    page = html_lib.unescape((built_book / "book" / "valeurs.html").read_text())
    vignettes = data.load_table("vignettes_ethiques")
    for row in vignettes.itertuples():
        assert row.vignette in page and row.discussion in page
    # Answers stay folded until the reader opens them (self-check).
    assert page.count("<summary>Voir la réponse</summary>") >= len(vignettes) + len(data.load_table("cas_medecine_generale"))
    for row in data.load_table("relation_soin_etudes").itertuples():
        assert row.etude in page and row.resultat in page
    for row in data.load_table("reperes_juridiques").query("rubrique == 'deontologie'").itertuples():
        assert row.theme in page
    for name in ("Beauchamp", "Hojat", "Kaptchuk", "Chaitoff"):
        assert name in page, name
