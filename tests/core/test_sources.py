"""Repères lisibles : les lignes de nos textes extraits deviennent des pages ou des titres de diapositive."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import ROOT

from atelier_mg.core import book, data, sources

LINE_REF = re.compile(r"\b\d{3}\s+l\.\s*\d+|\bsource 00\d\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _fresh_registry():
    sources.documents.cache_clear()
    yield
    sources.documents.cache_clear()


def test_a_line_is_placed_on_the_pages_of_its_section_from_the_table_of_contents():
    # Sommaire of the 2025 référentiel: values start p. 54, missions p. 57, competencies p. 69, chapter 3 p. 79.
    assert sources.locate("001", 1184) == "p. 54-56"
    assert sources.locate("001", 1220, 1400) == "p. 57-68"
    assert sources.locate("001", 1184, 1300) == "p. 54-68"
    assert sources.locate("001", 1574, 1703) == "p. 69-78"
    # Two sections starting on the same page (conclusion and thanks, p. 86).
    assert sources.locate("001", 1840) == "p. 86"
    # The annexes are the last part: their last page is not in the table of contents.
    assert sources.locate("001", 1900) == "p. 89 et suivantes"


def test_a_slide_deck_without_page_numbers_is_cited_by_slide_title():
    assert sources.locate("003", 84) == "diapositive « Convention médicale : les 15 programmes de pertinence »"
    assert sources.locate("003", 398, 405).startswith("diapositives « Distribution des indicateurs")


def test_readable_replaces_every_line_reference_and_keeps_the_rest():
    text = "Chapitre 2, source 001 l. 1168-1211 ; notes (l. 1558-1572) ; voir aussi 003 l. 84."
    assert sources.readable(text) == (
        "Chapitre 2, Référentiel 2025, p. 54-56 ; notes (p. 69-78) ; voir aussi Cnam, congrès du CNGE 2024, "
        "diapositive « Convention médicale : les 15 programmes de pertinence »."
    )
    # A slide already named in the text is not named twice.
    named = "Diapositive « Polymédication et déprescription », source 003 l. 55-60."
    assert sources.readable(named) == "Diapositive « Polymédication et déprescription », Cnam, congrès du CNGE 2024."
    # No known document: nothing to translate.
    assert sources.readable("Tableau 2, l. 12.") == "Tableau 2, l. 12."
    assert sources.readable("source 999 l. 12") == "source 999 l. 12"


def test_unknown_document_gets_a_french_error():
    with pytest.raises(data.DataError, match="Document source « 999 » inconnu"):
        sources.locate("999", 1)


def test_every_dataset_citation_and_reference_is_readable():
    for name in data.available():
        ds = data.load(name)
        assert not LINE_REF.search(ds.citation), (name, ds.citation)
        for column in ("reference", "source"):
            if column in ds.table:
                for value in ds.table[column].dropna().astype(str):
                    assert not LINE_REF.search(value), (name, value)


def test_figures_link_to_where_the_source_can_be_opened():
    page = book.source_table("valeurs", {"valeur": "Valeur", "reference": "Où"}).data
    assert "Référentiel 2025, p. 54-56" in page
    assert "<a href='https://cmg.fr'" in page
    assert "l. 1168" not in page


def test_pages_that_go_backwards_are_refused_in_french(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    monkeypatch.setenv("ATELIER_DATA_DIR", str(folder))
    path = folder / "sections_sources.csv"
    path.write_text(path.read_text().replace("001,1215,57,", "001,1215,40,"))
    with pytest.raises(data.DataError, match="ne doivent jamais reculer"):
        data.load("sections_sources")


def test_year_columns_are_written_as_plain_years_not_as_thousands():
    years = [str(int(y)) for y in data.load("calendrier_vaccinal_nouveautes").table["depuis"]]
    plain = book.source_table("calendrier_vaccinal_nouveautes", {"depuis": "Depuis"}, years=("depuis",)).data
    for year in years:
        assert f"<td>{year}</td>" in plain
    counted = book.source_table("calendrier_vaccinal_nouveautes", {"depuis": "Depuis"}).data
    assert f"<td>{years[0]}</td>" not in counted


def test_two_references_to_the_same_pages_read_as_one_place():
    # 001 l. 677 and l. 679 fall in the same section of the référentiel: one place, not the same twice.
    both = sources.readable("source 001 l. 677 ; source 001 l. 679")
    alone = sources.readable("source 001 l. 677")
    assert both == alone and both.count("Référentiel 2025") == 1
    assert sources.readable("source 001 l. 677 ; source 003 l. 178").count(" ; ") == 1
