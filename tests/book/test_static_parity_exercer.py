"""« Une année de médecin généraliste » dans le livre statique : la phrase de la page est celle du modèle Python.

The chapter « Exercer la médecine générale » carries a simulator that recomputes in the page with no kernel.
The built page is opened in chromium; over a grid of inputs (the ends of every range, each majoration of the
list, rounding cases, the defaults) every input is moved as a person would, and the text alternative under the
chart must be, character for character, the sentence of :func:`practice_year.describe` for the same inputs.
An impossible patientèle gets the model's French message. Then the chapter is opened on a 390 × 844 phone
screen: no horizontal scrolling, inputs visible and at least 24 px tall.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from static_pages import check_fits_phone, open_chapter, rendered, set_input

from atelier_mg.topics.context import practice_year as py

pytestmark = pytest.mark.slow

CHAPTER = "exercer"
SELECTOR = ".atelier-graphique:has(input[name=part_css])"


def set_all(chart, values: py.Practice) -> None:
    """Move every input of ``chart`` to the value of the model's parameters (names from ``data/``)."""
    # Lower the GL first: a page state with too many GL for the old-patient shares is only a message.
    set_input(chart, "gl", "0")
    for attr, code in py.CODES.items():
        if code != "gl":
            set_input(chart, code, f"{float(getattr(values, attr)):g}")
    set_input(chart, "gl", f"{float(values.long_consultations):g}")


def test_practice_year_page_equals_the_python_model(page, server):
    open_chapter(page, server, CHAPTER)
    chart, text = rendered(page, SELECTOR)
    grid = [
        {},
        dict(majoration=0.1),
        dict(majoration=0.3, share_c2s=0.5, indicators=5),
        dict(majoration=0.5, patients=3000, consultations=10000, long_consultations=500, share_ald_80=0.1, share_80=0.1),
        dict(patients=100, share_ald_80=0, share_80=0, share_ald=0, share_75=0, share_children=0, share_c2s=0,
             indicators=0, consultations=0, long_consultations=0),  # only the socle of 7-74-year-olds: 0 % ?
        dict(patients=1370, share_ald_80=0.07, share_80=0.05, share_ald=0.21, share_75=0.04, share_children=0.09,
             share_c2s=0.13, indicators=2.3, consultations=5237, long_consultations=41),
        dict(patients=250, share_ald_80=0.5, share_80=0.5, share_ald=0, share_75=0, share_children=0,
             long_consultations=375),  # every patient aged 80+, GL at their ceiling
        dict(patients=2510, share_ald=0.33, share_children=0.17, indicators=0.7, consultations=3333),
    ]
    shown = []
    for changes in grid:
        values = py.defaults(**changes)
        set_all(chart, values)
        expected = py.describe(values, py.year(values))
        expect(text).to_have_text(expected)
        shown.append(expected)
    assert len(set(shown)) == len(grid)  # each point of the grid really moved the page
    set_input(chart, "part_ages", "0.5")
    set_input(chart, "part_ald", "0.5")
    expect(text).to_have_text(py.SHARES_TOO_HIGH)
    set_input(chart, "part_ald", "0")
    set_input(chart, "part_ald_ages", "0")
    set_input(chart, "part_ages", "0")
    set_input(chart, "gl", "10")
    expect(text).to_have_text(py.TOO_MANY_GL)
    # The GL are counted among the consultations: more GL than consultations is only a message.
    set_input(chart, "part_ages", "0.5")
    set_input(chart, "consultations", "5")
    expect(text).to_have_text(py.GL_OVER_ALL)
    assert not page.failures, page.failures


def test_practice_year_fits_a_phone_screen(phone, server, tmp_path):
    open_chapter(phone, server, CHAPTER)
    check_fits_phone(phone, [phone.locator(SELECTOR)], CHAPTER, tmp_path)
    expect(phone.locator(f"{SELECTOR} + p.atelier-alternative")).not_to_be_empty()
