"""Capacité d'un territoire en médecins traitants : le modèle, sa version Vega, le texte, l'interface."""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace

import pytest

from atelier_mg.topics.context import capacity


def test_nothing_moves_without_departures_arrivals_or_growth():
    t = capacity.defaults(departures=0, arrivals=0, growth=0, doctors=20, patients=25_000, patients_per_doctor=1000)
    years = capacity.project(t)
    assert len(years) == t.horizon + 1 and [y.year for y in years] == list(range(2026, 2026 + t.horizon + 1))
    for y in years:
        assert (y.doctors, y.capacity, y.needs, y.without) == (20, 20_000, 25_000, 5_000)
        assert math.isclose(y.share_without, 0.2)


def test_hand_computed_two_years():
    # 10 doctors, 10 % leave each year, 2 arrive at half activity, 1,000 patients each; needs +2 % a year.
    t = capacity.defaults(doctors=10, departures=0.1, arrivals=2, new_activity=0.5, patients_per_doctor=1000,
                          patients=10_000, growth=0.02, horizon=2)
    y0, y1, y2 = capacity.project(t)
    assert math.isclose(y1.doctors, 11) and math.isclose(y1.activity, 10)      # 9 + 2 ; 9 + 1
    assert math.isclose(y2.doctors, 11.9) and math.isclose(y2.activity, 10)    # 9.9 + 2 ; 9 + 1
    assert math.isclose(y2.capacity, 10_000) and math.isclose(y2.needs, 10_404)  # 10,000 × 1.02²
    assert math.isclose(y2.without, 404) and y0.without == 0


def test_capacity_tends_to_arrivals_times_activity_over_departures():
    t = capacity.defaults(departures=0.05, arrivals=2, new_activity=0.8, horizon=20, doctors=200)
    activities = [y.activity for y in capacity.project(t)]
    assert all(a > b for a, b in zip(activities, activities[1:], strict=False))  # 200 → towards 2 × 0.8 / 0.05 = 32
    assert activities[-1] > 32


def test_more_arrivals_or_full_time_newcomers_leave_fewer_patients_without_doctor():
    base = capacity.project(capacity.defaults())[-1].without
    assert capacity.project(capacity.defaults(arrivals=3))[-1].without < base
    assert capacity.project(capacity.defaults(new_activity=1))[-1].without < base
    assert capacity.project(capacity.defaults(patients_per_doctor=1500))[-1].without < base
    assert capacity.project(capacity.defaults(departures=0.1))[-1].without > base


def test_the_sourced_parameter_is_the_2022_mean_and_the_others_are_illustrative():
    table = capacity.parameters()
    assert table.loc["patients_par_medecin", "statut"] == "sourcé"
    assert table.loc["patients_par_medecin", "valeur"] == 1120
    from atelier_mg.topics.context import demography
    assert demography.series().loc[2022, "patients_mt_par_medecin"] == 1120
    assert set(table.drop(index="patients_par_medecin")["statut"]) == {"illustratif"}


def test_bad_values_are_refused_in_french():
    with pytest.raises(capacity.CapacityError, match="« Départs chaque année » doit être compris entre 0 et 0.2"):
        capacity.defaults(departures=0.5)
    with pytest.raises(capacity.CapacityError, match="nombre entier d'années"):
        capacity.defaults(horizon=2.5)
    with pytest.raises(capacity.CapacityError, match="Médecins traitants"):
        capacity.defaults(doctors=float("nan"))


def _python(expr: str) -> str:
    """A Vega expression as Python: « c ? a : b » (one, unnested) becomes « (a) if (c) else (b) »."""
    if " ? " not in expr:
        return expr
    cond, rest = expr.split(" ? ")
    yes, no = rest.split(" : ")
    return f"({yes}) if ({cond}) else ({no})"


GRID = list(itertools.product((0, 0.03, 0.2), (0, 1, 7), (0.3, 0.8, 1.2), (0, 0.005, 0.03), (500, 1120, 2500)))


@pytest.mark.parametrize("departures,arrivals,activity,growth,per_doctor", GRID)
def test_the_vega_formulas_are_the_python_model(departures, arrivals, activity, growth, per_doctor):
    t = capacity.defaults(departures=departures, arrivals=arrivals, new_activity=activity, growth=growth,
                          patients_per_doctor=per_doctor, doctors=37, patients=41_000, horizon=20)
    bound = tuple(c for c in capacity.CODES.values() if c != "annee_depart")
    values = {capacity.CODES[a]: getattr(t, a) for a in capacity.CODES}
    for y in capacity.project(t):
        datum = SimpleNamespace(t=y.year - t.start_year)
        env = {"pow": pow, "max": max, "datum": datum, **values}
        for name, expr in capacity.expressions(t, bound).items():
            setattr(datum, name, eval(_python(expr), {"__builtins__": {}}, env))  # noqa: S307 (our own formulas)
        assert datum.annee == y.year
        assert math.isclose(datum.medecins, y.doctors, rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(datum.capacite, y.capacity, rel_tol=1e-9, abs_tol=1e-6)
        assert math.isclose(datum.besoins, y.needs, rel_tol=1e-9)
        assert math.isclose(datum.sans, y.without, rel_tol=1e-9, abs_tol=1e-6)
        assert math.isclose(datum.part_sans, y.share_without, rel_tol=1e-9, abs_tol=1e-12)


def test_text_alternative_gives_first_and_last_year():
    t = capacity.defaults(doctors=20, patients=25_000, patients_per_doctor=1000, departures=0, arrivals=0, growth=0,
                          horizon=5)
    text = capacity.describe(t, capacity.project(t))
    assert text.startswith("En 2026, 20 médecins traitants peuvent suivre 20\u202f000 patients pour 25\u202f000")
    assert "En 2031" in text and "5\u202f000 patients sans médecin traitant (20,0\u202f%)" in text


def test_a_departement_fits_the_bounds_of_the_inputs():
    # An ARS looking at a département (400 GPs for 450,000 patients) must not be refused.
    table = capacity.parameters()
    assert table.loc["medecins", "maximum"] >= 400 and table.loc["patients", "maximum"] >= 450_000
    t = capacity.defaults(doctors=400, patients=450_000)
    assert capacity.project(t)[0].capacity == 400 * t.patients_per_doctor


def test_text_alternative_agrees_in_number_with_one_or_no_doctor():
    # One doctor who may leave (20 % a year, nobody arrives): « 1 médecin traitant peut suivre », then « 0 médecin ».
    t = capacity.defaults(doctors=1, departures=0.2, arrivals=0, horizon=20)
    text = capacity.describe(t, capacity.project(t))
    assert text.startswith("En 2026, 1 médecin traitant peut suivre ")
    assert "En 2046, avec 0 médecin, la capacité" in text
    assert "médecins" not in text
    assert capacity.doctors_phrase(1.5, False) == "2 médecins" and capacity.doctors_phrase(0.5, False) == "0 médecin"


def test_the_chart_tells_the_two_series_apart_without_colour():
    spec = capacity.chart().to_dict()
    top = spec["vconcat"][0]
    assert top["encoding"]["strokeDash"]["scale"]["range"] == [[6, 3], [1, 0]]  # dashes: needs; solid: capacity
    assert top["encoding"]["strokeDash"]["legend"]["symbolType"] == "stroke"
    assert "tirets" in " ".join(top["title"]["text"]) and "trait plein" in " ".join(top["title"]["text"])
    assert capacity.patients(0) == "0 patient" and capacity.patients(1.4) == "1 patient"
    assert capacity.patients(1.5) == "2 patients"


def test_chart_binds_the_adjustable_parameters_and_describes_itself():
    spec = capacity.chart(interactive=True).to_dict()
    binds = {p["name"]: p["bind"]["input"] for p in spec["params"]}
    assert binds == {c: "range" for c in ("medecins", "patients", "croissance", "patients_par_medecin", "departs",
                                          "arrivees", "activite_nouveaux", "horizon")}
    assert "Capacité d'un territoire" in spec["description"] and "tiretée" in spec["description"]
    assert all("bind" not in p for p in capacity.chart().to_dict()["params"])


def test_simulator_updates_the_text_alternative_when_a_slider_moves():
    ui = capacity.simulator()
    sliders = {child._dom_classes[0]: child for child in ui.children if child._dom_classes
               and child._dom_classes[0].startswith("atelier-") and hasattr(child, "max")}
    text = next(c for c in ui.children if "atelier-description" in c._dom_classes)
    before = text.value
    assert "role='status'" in before and "En 2036" in before
    sliders["atelier-horizon"].value = 5
    assert "En 2031" in text.value and "En 2036" not in text.value
    sliders["atelier-arrivees"].value = 0
    assert text.value != before
