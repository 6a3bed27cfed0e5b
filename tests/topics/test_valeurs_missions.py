"""Chapitres « Valeurs » et « Missions » : grille de mi-stage, vignettes éthiques, repères juridiques, études citées."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

import pytest
from conftest import ROOT

from atelier_mg.core import data
from atelier_mg.topics import competencies

ARTICLE = re.compile(r"\b([LR])\.\s?(\d{4}-\d+(?:-\d+)?)")


def _rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "le fichier doit commencer par l'indicateur d'ordre des octets (tableurs français)"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_grid_has_one_empty_row_per_mission_in_the_referential_order():
    rows = _rows(competencies.missions_grid_csv())
    header, body = rows[0], rows[1:]
    assert header[3:6] == ["Exercée", "Observée", "Jamais rencontrée"]
    missions = data.load_table("missions").sort_values("ordre")
    assert [r[0] for r in body] == list(missions["code"])
    assert [r[2] for r in body] == list(missions["mission"])
    # Every box is left for the intern and the MSU to fill in.
    assert all(len(r) == len(header) and r[3:] == ["", "", "", ""] for r in body)


def test_grid_follows_the_missions_dataset(tmp_path, monkeypatch):
    # A mission added to the data appears in the downloadable grid without touching the code.
    for name in ("missions.csv", "missions.meta.yaml"):
        (tmp_path / name).write_text((ROOT / "data" / name).read_text())
    with (tmp_path / "missions.csv").open("a") as f:
        f.write('M99,99,"Transmettre, améliorer, innover",Mission ajoutée pour le test,Résumé.,Exemple.,"Source 001, l. 1"\n')
    monkeypatch.setenv("ATELIER_DATA_DIR", str(tmp_path))
    body = _rows(competencies.missions_grid_csv())[1:]
    assert body[-1][:3] == ["M99", "Transmettre, améliorer, innover", "Mission ajoutée pour le test"]


def test_grid_link_downloads_exactly_the_grid():
    link = competencies.missions_grid_link()
    match = re.search(r"href='data:text/csv;charset=utf-8,([^']*)' download='([^']+)'", link)
    assert match, link[:200]
    assert match[2].endswith(".csv")
    assert unquote(match[1]) == competencies.missions_grid_csv()
    # The payload is percent-encoded: no raw quote or angle bracket can break out of the attribute.
    assert not re.search(r"[<>'\"\s]", match[1])


def test_ethical_vignettes_ask_for_a_justified_choice_and_discuss_options():
    table = data.load_table("vignettes_ethiques")
    assert len(table) >= 3
    for row in table.itertuples():
        assert "Quels principes" in row.vignette and "pourquoi" in row.vignette, row.code
        # Answers weigh defensible options instead of giving one « right » answer.
        assert "défendable" in row.discussion, row.code
        assert ARTICLE.search(row.reference), row.code


def test_every_article_cited_to_learners_is_in_the_checked_bibliography_entry():
    bib = (ROOT / "book" / "references.bib").read_text()
    entry = bib[bib.index("@misc{csp2026"):]
    entry = entry[:entry.index("\n}\n")]
    checked = {f"{k}. {n}" for k, n in ARTICLE.findall(entry)}
    cited = set()
    for name in ("vignettes_ethiques", "reperes_juridiques"):
        for ref in data.load_table(name)["reference"]:
            cited |= {f"{k}. {n}" for k, n in ARTICLE.findall(ref)}
    assert cited and cited <= checked, cited - checked


def test_legal_landmarks_cover_both_chapters_rubrics():
    table = data.load_table("reperes_juridiques")
    assert set(table["rubrique"]) == {"deontologie", "organisation", "certificats"}
    themes = " ".join(table["theme"])
    for needed in ("Secret", "Médecin traitant", "Permanence des soins", "accès aux soins", "complaisance"):
        assert needed in themes, needed


def test_studies_cited_by_the_referential_are_shown_with_a_dissenting_one():
    table = data.load_table("relation_soin_etudes").set_index("code")
    # Hojat 2011 and Kaptchuk 2008 are the référentiel's notes 54 and 55.
    assert "86(3):359-64" in table.loc["R02", "reference"]
    assert "336:999" in table.loc["R01", "reference"]
    # The table keeps the study that did not replicate the association: the chapter must show both sides.
    assert "Aucune association" in table.loc["R04", "resultat"]
    assert (table["patients"] > 0).all()


def test_unknown_legal_rubric_is_refused_in_french(tmp_path, monkeypatch):
    for name in ("reperes_juridiques.csv", "reperes_juridiques.meta.yaml"):
        (tmp_path / name).write_text((ROOT / "data" / name).read_text().replace(",certificats,", ",fiscalite,", 1))
    monkeypatch.setenv("ATELIER_DATA_DIR", str(tmp_path))
    with pytest.raises(data.DataError, match="rubrique inconnu"):
        data.load("reperes_juridiques")
