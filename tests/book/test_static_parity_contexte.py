"""Les simulateurs du « contexte » dans le livre statique : la phrase de la page est celle du modèle Python.

Three chapters of the part « Le contexte » carry a simulator that recomputes in the page with no kernel:
territory capacity (demographie), care team (organisation), DMG planning (formation). Here the built pages
are opened in chromium; over a grid of inputs (every range's ends, rounding ties, the defaults, mixed
values) every bound input is moved as a person would, and the text alternative under the chart (refreshed
with the inputs) must be, character for character, the sentence of the model's ``describe()`` for the same
inputs. Then each chapter is opened on a 390 × 844 phone screen: no horizontal scrolling, inputs visible and
at least 24 px tall.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from static_pages import check_fits_phone, open_chapter, rendered, set_input

from atelier_mg.topics.context import capacity, planning, team

pytestmark = pytest.mark.slow

# Each simulator: its chapter and a CSS selector of its chart (an input only it has).
SIMULATORS = {
    "capacity": ("demographie", ".atelier-graphique:has(input[name=departs])"),
    "team": ("organisation", ".atelier-graphique:has(input[name=gain_assistant])"),
    "planning": ("formation", ".atelier-graphique:has(input[name=msu_saspas])"),
}


def set_all(chart, model, values) -> None:
    """Move every bound input of ``chart`` to the value of the model's parameters (names from ``data/``)."""
    table = model.parameters()
    for attr, code in model.CODES.items():
        if table.loc[code, "reglable"] == 1:
            set_input(chart, code, f"{float(getattr(values, attr)):g}")


def check_grid(page, server, key, model, grid, make, describe) -> None:
    chapter, selector = SIMULATORS[key]
    open_chapter(page, server, chapter)
    chart, text = rendered(page, selector)
    shown = []
    for changes in grid:
        values = make(**changes)
        set_all(chart, model, values)
        expected = describe(values)
        expect(text).to_have_text(expected)
        shown.append(expected)
    assert len(set(shown)) == len(grid)  # each point of the grid really moved the page
    assert not page.failures, page.failures


def test_territory_capacity_page_equals_the_python_model(page, server):
    grid = [
        {},
        dict(doctors=1, patients=8000, patients_per_doctor=1500),  # 81.25 % without a doctor: 81,2 %
        dict(departures=0, arrivals=1, new_activity=0.35, patients_per_doctor=510, horizon=1, growth=0),  # 12,928.5
        dict(doctors=1, patients=1000, growth=0, patients_per_doctor=500, departures=0, arrivals=0, new_activity=0.3,
             horizon=1),
        dict(doctors=200, patients=200_000, growth=0.03, patients_per_doctor=2500, departures=0.2, arrivals=10,
             new_activity=1.2, horizon=20),
        dict(doctors=200, patients=1000),  # « 0 patient »
        dict(doctors=1, departures=0.2, arrivals=0, horizon=20),  # « 1 médecin traitant peut suivre », « 0 médecin »
        dict(doctors=1000, patients=1_000_000),  # upper ends: a département, not only a CPTS
        dict(departures=0.13, arrivals=3, new_activity=0.65, growth=0.017, horizon=13, doctors=37, patients=41_000),
        dict(departures=0.01, arrivals=2, new_activity=1, growth=0.012, horizon=7, patients_per_doctor=1370),
    ]
    check_grid(page, server, "capacity", capacity, grid, capacity.defaults,
               lambda t: capacity.describe(t, capacity.project(t)))


def test_care_team_page_equals_the_python_model(page, server):
    grid = [
        {},
        dict(doctors=1, assistants=0, ipa=0, nurses=0, assistant_gain=0, ipa_consultations=0, nurse_consultations=0),
        dict(doctors=10, assistants=10, ipa=5, nurses=5, assistant_gain=40, ipa_consultations=60, nurse_consultations=60),
        dict(doctors=1, assistants=1.5),  # at most one assistant counted per doctor
        dict(ipa=1.5, ipa_consultations=31, nurses=0.5, nurse_consultations=45, assistants=2.5),  # 46.5 → 46, 22.5 → 22
        dict(doctors=7, assistants=3.5, ipa=2.5, nurses=4.5, assistant_gain=13),
        dict(doctors=3, assistants=0.5, ipa=0.5, nurses=1, assistant_gain=27, ipa_consultations=12),
    ]
    check_grid(page, server, "team", team, grid, team.defaults, lambda t: team.describe(t, team.capacity(t)))


def test_dmg_planning_page_equals_the_python_model(page, server):
    grid = [
        {},
        dict(promotion=10, msu_first_level=1, msu_saspas=1, msu_junior=1, share_coupled=0, share_free=0,
             available_msu=50),
        dict(promotion=600, msu_first_level=3, msu_saspas=4, msu_junior=3, share_coupled=1, share_free=1,
             available_msu=3000),
        dict(promotion=10, msu_first_level=1, msu_saspas=1, msu_junior=1, share_coupled=1, share_free=0,
             available_msu=200),  # 0.125 engagement each: 0,12
        dict(promotion=10, share_coupled=0.5, share_free=0),  # 22.5 interns in ambulatory stages: 22
        dict(promotion=10, msu_first_level=2, msu_saspas=1, msu_junior=1, share_coupled=0.5, share_free=0.2),  # 31,2 %
        dict(promotion=270, msu_first_level=2, msu_saspas=3, msu_junior=2, share_coupled=0.3, share_free=0.7,
             available_msu=350),
    ]
    check_grid(page, server, "planning", planning, grid, planning.defaults,
               lambda p: planning.describe(p, planning.simulate(p)))


@pytest.mark.parametrize("key", list(SIMULATORS))
def test_context_simulators_fit_a_phone_screen(phone, server, key, tmp_path):
    chapter, selector = SIMULATORS[key]
    open_chapter(phone, server, chapter)
    check_fits_phone(phone, [phone.locator(selector)], chapter, tmp_path)
    expect(phone.locator(f"{selector} + p.atelier-alternative")).not_to_be_empty()
