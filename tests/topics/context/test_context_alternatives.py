"""Simulateurs du « contexte » (territoire, équipe, planning d'un DMG) : la phrase calculée par Vega est celle de Python.

Each static simulator carries, in a text layer named ``atelier_alt``, the sentence of its model's ``describe()``
written again as a Vega expression. Here the charts are drawn by vl-convert (the Vega engine of the page, with
the French locale of the page) with the inputs set as parameter values; the drawn sentence must be the Python
one, character for character, over a grid that includes rounding ties (x.5 to the unit, 12.25 to one decimal,
0.125 to two), where JavaScript's rounding (half up) and Python's (half to even) part ways. The browser test
(tests/book/test_static_parity_contexte.py) checks the same in the built pages with the inputs moved by hand.
"""

from __future__ import annotations

import html
import re

import altair as alt
import pandas as pd
import pytest

from atelier_mg.core import charts
from atelier_mg.core.formatting import french_number
from atelier_mg.topics.context import capacity, planning, team


def drawn_sentence(chart) -> str:
    """The text of the ``atelier_alt`` layer, as Vega draws it (what the page copies under the chart)."""
    svg = charts.to_svg(chart)
    found = re.findall(r'atelier_alt_marks"[^>]*><text[^>]*>([^<]*)</text>', svg)
    assert len(found) == 1, f"{len(found)} textes « atelier_alt »"
    return html.unescape(found[0])


def test_vega_fixed_and_number_round_ties_to_even_as_python():
    values = [12.25, 12.75, 81.25, 68.75, 0.125, 0.375, 0.0625, 2.5, 1.5, 1.0, 100.0, 0.0, 1234.0, 6.666666, 0.8]
    rows = pd.DataFrame({"i": range(len(values)), "x": values})
    parts = [charts.vega_fixed("datum.x", 1), charts.vega_fixed("datum.x", 2), charts.vega_number("datum.x"),
             charts.vega_number("datum.x / 100", True)]
    shown = alt.Chart(rows).transform_calculate(s=" + '|' + ".join(parts)).mark_text().encode(y="i:O", text="s:N")
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", charts.to_svg(shown)) if "|" in t]
    expected = ["|".join([f"{v:.1f}".replace(".", ","), f"{v:.2f}".replace(".", ","), french_number(v),
                          french_number(v / 100, percent=True)]) for v in values]
    assert texts == expected
    assert texts[0].startswith("12,2|") and texts[4].split("|")[1] == "0,12"  # not 12,3 and 0,13 (JavaScript)


CAPACITY_GRID = [
    {},
    # First year: 6,500 of 8,000 patients without a doctor = 81.25 %, written 81,2 % (half to even).
    dict(doctors=1, patients=8000, patients_per_doctor=1500),
    # Last year: 25 doctors + 1 newcomer at 35 % × 510 patients = 12,928.5, written 12 928.
    dict(departures=0, arrivals=1, new_activity=0.35, patients_per_doctor=510, horizon=1, growth=0),
    dict(doctors=1, patients=1000, growth=0, patients_per_doctor=500, departures=0, arrivals=0, new_activity=0.3,
         horizon=1),
    dict(doctors=200, patients=200_000, growth=0.03, patients_per_doctor=2500, departures=0.2, arrivals=10,
         new_activity=1.2, horizon=20),
    dict(doctors=200, patients=1000),  # nobody without a doctor: « 0 patient »
    dict(departures=0.13, arrivals=3, new_activity=0.65, growth=0.017, horizon=13, doctors=37, patients=41_000),
]


@pytest.mark.parametrize("changes", CAPACITY_GRID)
def test_capacity_page_sentence_is_describe(changes):
    t = capacity.defaults(**changes)
    assert drawn_sentence(capacity.chart(t, interactive=True)) == capacity.describe(t, capacity.project(t))


def test_capacity_grid_reaches_the_rounding_ties():
    first = capacity.project(capacity.defaults(**CAPACITY_GRID[1]))[0]
    assert first.share_without * 100 == 81.25 and "(81,2\u202f%)" in capacity.describe(
        capacity.defaults(**CAPACITY_GRID[1]), [first, first])
    last = capacity.project(capacity.defaults(**CAPACITY_GRID[2]))[-1]
    assert last.capacity == 12_928.5 and capacity.format_count(last.capacity) == "12\u202f928"


def test_capacity_closed_form_is_the_year_by_year_recursion():
    t = capacity.defaults(departures=0.07, arrivals=3, new_activity=0.65, horizon=20)
    doctors = activity = float(t.doctors)
    for step, year in enumerate(capacity.project(t)):
        if step:
            doctors = doctors * (1 - t.departures) + t.arrivals
            activity = activity * (1 - t.departures) + t.arrivals * t.new_activity
        assert year.doctors == pytest.approx(doctors, rel=1e-12)
        assert year.capacity == pytest.approx(activity * t.patients_per_doctor, rel=1e-12)


TEAM_GRID = [
    {},
    dict(doctors=1, assistants=0, ipa=0, nurses=0, assistant_gain=0, ipa_consultations=0, nurse_consultations=0),
    dict(doctors=10, assistants=10, ipa=5, nurses=5, assistant_gain=40, ipa_consultations=60, nurse_consultations=60),
    dict(doctors=1, assistants=1.5),  # at most one assistant counted per doctor
    # 1.5 IPA × 31 = 46.5 consultations, written 46; 0.5 nurse × 45 = 22.5, written 22 (half to even).
    dict(ipa=1.5, ipa_consultations=31, nurses=0.5, nurse_consultations=45, assistants=2.5),
    dict(doctors=7, assistants=3.5, ipa=2.5, nurses=4.5, assistant_gain=13),
]


@pytest.mark.parametrize("changes", TEAM_GRID)
def test_team_page_sentence_is_describe(changes):
    t = team.defaults(**changes)
    sentence = drawn_sentence(team.chart(t, interactive=True))
    assert sentence == team.describe(t, team.capacity(t))
    if changes.get("ipa") == 1.5:
        assert "46 par les IPA et 22 par les infirmiers" in sentence and "2,5 assistants" in sentence


PLANNING_GRID = [
    {},
    dict(promotion=10, msu_first_level=1, msu_saspas=1, msu_junior=1, share_coupled=0, share_free=0, available_msu=50),
    dict(promotion=600, msu_first_level=3, msu_saspas=4, msu_junior=3, share_coupled=1, share_free=1,
         available_msu=3000),
    # 25 engagements for 200 MSU: 0.125 each, written 0,12; 22.5 interns in ambulatory stages, written 22.
    dict(promotion=10, msu_first_level=1, msu_saspas=1, msu_junior=1, share_coupled=1, share_free=0, available_msu=200),
    dict(promotion=10, share_coupled=0.5, share_free=0),
    # 31.25 % of the engagements for the docteurs juniors, written 31,2 %.
    dict(promotion=10, msu_first_level=2, msu_saspas=1, msu_junior=1, share_coupled=0.5, share_free=0.2),
    dict(promotion=270, msu_first_level=2, msu_saspas=3, msu_junior=2, share_coupled=0.3, share_free=0.7,
         available_msu=350),  # more than two engagements each: plural
]


@pytest.mark.parametrize("changes", PLANNING_GRID)
def test_planning_page_sentence_is_describe(changes):
    p = planning.defaults(**changes)
    assert drawn_sentence(planning.chart(p, interactive=True)) == planning.describe(p, planning.simulate(p))


def test_planning_grid_reaches_the_rounding_ties():
    texts = [planning.describe(p, planning.simulate(p)) for p in (planning.defaults(**PLANNING_GRID[i]) for i in (3, 4, 5))]
    assert "0,12 engagement par semestre" in texts[0]
    assert "dont 22 en ambulatoire" in texts[1] and "(31,2\u202f%)" in texts[2]
    assert "engagements par semestre" in planning.describe(planning.defaults(**PLANNING_GRID[6]),
                                                           planning.simulate(planning.defaults(**PLANNING_GRID[6])))


@pytest.mark.parametrize("chart", [capacity.chart, team.chart, planning.chart])
def test_only_the_static_page_carries_the_sentence(chart):
    # The widget shows describe() itself: its chart must not add a second live sentence.
    assert "atelier_alt" not in str(chart().to_dict())
    svg = charts.to_svg(chart(interactive=True))
    assert "atelier_alt_marks" in svg
    assert float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1)) <= 340  # a phone's column


def test_planning_phases_are_told_apart_without_colour_and_labels_agree_in_number():
    spec = planning.chart().to_dict()
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["strokeDash"]["field"] == bars["encoding"]["color"]["field"] == "phase"
    assert len({str(d) for d in bars["encoding"]["strokeDash"]["scale"]["range"]}) == len(planning.PHASE_COLOURS)
    # With nothing ambulatory in the free stage, its bar reads « 0 engagement » (French: singular below 2).
    svg = charts.to_svg(planning.chart(planning.defaults(share_free=0)))
    assert ">0 engagement<" in svg and ">100 engagements<" in svg
