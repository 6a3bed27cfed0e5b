"""Équipe de soins primaires : capacité en consultations par semaine, et frise des rémunérations."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from atelier_mg.topics.context import incentives, team


def test_gps_alone_follow_the_national_active_file():
    # Without anyone else, each GP gives the national acts per year, hence follows the national active file.
    t = team.composition("depart")
    c = team.capacity(t)
    assert math.isclose(c.doctors * t.weeks, 4 * t.acts_per_doctor)
    assert math.isclose(c.per_doctor, t.active_file) and math.isclose(c.patients, 4 * t.active_file)
    assert c.assistants == c.ipa == c.nurses == 0


def test_team_counts_the_active_file_not_the_mt_list_of_the_territory_simulator():
    # The two simulators of the part count patients in different units: the team simulator the
    # patients seen in the year (file active), the territory simulator the médecin traitant list.
    # The sentence must say which one, so that nobody compares 1,710 with 1,120 as if alike.
    from atelier_mg.topics.context import capacity

    t = team.composition("depart")
    c = team.capacity(t)
    mt_list = capacity.defaults().patients_per_doctor
    assert math.isclose(c.per_doctor, team.reference_value("file_active_medecin"))
    assert math.isclose(mt_list, team.reference_value("patients_mt_medecin"))
    assert c.per_doctor > mt_list
    text = team.describe(t, c)
    assert "file active" in text and "pas patientèle médecin traitant" in text


def test_hand_computed_vendee_team():
    t = team.defaults(weeks=46, acts_per_doctor=4600, active_file=1600, assistant_gain=20, ipa_consultations=35)
    c = team.capacity(t)  # 4 GPs, 2 assistants, 1 IPA, 0 nurse
    assert math.isclose(c.doctors, 400) and math.isclose(c.assistants, 40) and math.isclose(c.ipa, 35)
    assert math.isclose(c.total, 475)
    # 440 GP consultations a week × 46 weeks / (4600 / 1600 acts per patient) = 7040 patients.
    assert math.isclose(c.patients, 7040) and math.isclose(c.per_doctor, 1760)


def test_at_most_one_assistant_counted_per_gp():
    one = team.capacity(team.defaults(doctors=2, assistants=2))
    more = team.capacity(team.defaults(doctors=2, assistants=5))
    assert math.isclose(one.assistants, more.assistants)
    none, half = team.capacity(team.defaults(doctors=2, assistants=0)), team.capacity(team.defaults(doctors=2, assistants=1))
    assert none.assistants == 0 and math.isclose(half.assistants, one.assistants / 2)
    assert none.patients < half.patients < one.patients


def test_nurses_and_ipa_add_consultations_not_gp_patients():
    base, richer = team.composition("vendee_2025"), team.composition("variante_asalee")
    a, b = team.capacity(base), team.capacity(richer)
    assert b.total - a.total == pytest.approx(richer.nurse_consultations)
    assert a.patients == pytest.approx(b.patients)


def test_the_vendee_figure_is_out_of_reach_of_the_national_mean():
    # 9,000 patients for 4 GPs: more than the model gives with national means and the team of 2025.
    c = team.capacity(team.composition("vendee_2025"))
    assert c.patients < team.reference_value("patients_vendee")
    assert team.reference_value("patients_vendee") / 4 > team.reference_value("patients_mt_medecin")


def test_the_vega_formulas_are_the_python_model():
    grid = [dict(doctors=d, assistants=a, ipa=i, nurses=n, assistant_gain=g)
            for d in (1, 4, 7) for a in (0, 1.5, 8) for i in (0, 2.5) for n in (0, 3) for g in (0, 25)]
    bound = ("medecins", "assistants", "ipa", "infirmiers", "gain_assistant")
    for changes in grid:
        t = team.defaults(**changes)
        values = {team.CODES[a]: getattr(t, a) for a in team.CODES}
        datum = SimpleNamespace()
        env = {"min": min, "max": max, "datum": datum, **values}
        for name, expr in team.expressions(t, bound).items():
            setattr(datum, name, eval(expr, {"__builtins__": {}}, env))  # noqa: S307 (our own formulas)
        c = team.capacity(t)
        assert math.isclose(datum.c_med, c.doctors) and math.isclose(datum.c_am, c.assistants, abs_tol=1e-9)
        assert math.isclose(datum.c_ipa, c.ipa, abs_tol=1e-9) and math.isclose(datum.c_inf, c.nurses, abs_tol=1e-9)
        assert math.isclose(datum.c_total, c.total) and math.isclose(datum.patients, c.patients)
        assert math.isclose(datum.par_med, c.per_doctor)


def test_parameters_are_sourced_or_marked_illustrative():
    table = team.parameters()
    assert set(table["statut"]) <= {"sourcé", "illustratif"}
    for code in ("gain_assistant", "consultations_ipa", "consultations_infirmier", "semaines"):
        assert table.loc[code, "statut"] == "illustratif"
    assert all("Référentiel 2025, p. " in ref for ref in table[table["statut"] == "sourcé"]["reference"])


def test_bad_values_refused_in_french():
    with pytest.raises(team.TeamError, match="médecins traitants : valeur attendue entre 1 et 10"):
        team.defaults(doctors=0)
    with pytest.raises(team.TeamError, match="Composition « x » inconnue"):
        team.composition("x")


def test_text_alternative_gives_the_numbers():
    t = team.defaults(assistants=1.5)
    text = team.describe(t, team.capacity(t))
    assert "1,5 assistants médicaux" in text and "consultations par semaine" in text
    assert f"{round(team.capacity(t).total)}" in text


def test_chart_binds_the_adjustable_parameters_and_describes_itself():
    spec = team.chart(interactive=True).to_dict()
    binds = {p["name"]: p["bind"]["input"] for p in spec["params"]}
    assert binds == {n: "range" for n in ("medecins", "assistants", "ipa", "infirmiers", "gain_assistant",
                                          "consultations_ipa", "consultations_infirmier")}
    assert "Équipe de soins primaires" in spec["description"]
    assert all("bind" not in p for p in team.chart().to_dict()["params"])


def test_simulator_composition_switches_the_text_alternative():
    ui = team.simulator("depart")
    choose, text = ui.children[0], ui.children[9]
    assert "0 assistants médicaux" in text.value and "role='status'" in text.value
    choose.value = "projet_2026"
    assert "2 assistants médicaux, 2 IPA" in text.value


def test_incentive_timeline_in_order_and_open_schemes_reach_the_update_year():
    table = incentives.schemes()
    assert list(table["debut"]) == sorted(table["debut"])
    rosp, capi = (table.set_index("code").loc[c] for c in ("rosp", "capi"))
    assert capi["jusqu_a"] < rosp["debut"]  # the ROSP took over from the CAPI
    forfait = table.set_index("code").loc["forfait_mt"]
    assert forfait["en_cours"] and forfait["jusqu_a"] == incentives.UPDATE_YEAR and rosp["jusqu_a"] < forfait["debut"]
    text = incentives.describe()
    assert "ROSP (2012 à 2025)" in text and "Forfait médecin traitant (depuis 2026)" in text
    assert incentives.chart().to_dict()["description"] == text
