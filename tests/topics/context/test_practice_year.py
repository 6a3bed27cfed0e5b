"""Une année de médecin généraliste : forfait médecin traitant (socle, majorations, C2S, prévention) et actes."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from atelier_mg.core import data
from atelier_mg.topics.context import practice_year as py


def test_amounts_come_from_the_forfait_and_tariff_tables():
    a = py.amounts()
    forfait = data.load_table("forfait_medecin_traitant_2026").set_index("code")
    assert a.socle["ald_80_plus"] == forfait.loc["ald_80_plus", "montant_eur"]
    assert a.c2s == forfait.loc["age_7_74", "montant_c2s_eur"] - forfait.loc["age_7_74", "montant_eur"]
    tariffs = data.load_table("tarifs_mg_2026").set_index("code")["montant_eur"]
    assert (a.g, a.gl) == (tariffs["G"], tariffs["GL"])


def test_hand_computed_small_list():
    # 100 patients: 10 aged 80+ in ALD, 20 in ALD under 80, 70 aged 7 to 74; 5 with the C2S; one indicator each.
    a = py.amounts()
    p = py.defaults(patients=100, share_ald_80=0.1, share_80=0, share_ald=0.2, share_75=0, share_children=0,
                    share_c2s=0.05, indicators=1, consultations=1000, long_consultations=30, majoration=0)
    y = py.year(p)
    socle = 10 * a.socle["ald_80_plus"] + 20 * a.socle["ald_0_79"] + 70 * a.socle["age_7_74"]
    assert math.isclose(y.socle, socle)
    assert math.isclose(y.c2s, 5 * a.c2s) and math.isclose(y.prevention, 100 * a.indicator)
    # 1000 consultations in all, of which 30 are GL: 970 G and 30 GL.
    assert math.isclose(y.acts, 970 * a.g + 30 * a.gl)
    assert math.isclose(y.total, socle + 5 * a.c2s + 100 * a.indicator + 970 * a.g + 30 * a.gl)


def test_a_long_consultation_replaces_a_g_for_the_same_workload():
    a = py.amounts()
    none, some = py.year(py.defaults(long_consultations=0)), py.year(py.defaults(long_consultations=30))
    # Same number of consultations: each GL adds only its difference with a G, not a whole GL.
    assert math.isclose(some.acts - none.acts, 30 * (a.gl - a.g))
    assert math.isclose(some.g, (py.defaults().consultations - 30) * a.g)
    with pytest.raises(py.PracticeError, match="comptées parmi les consultations"):
        py.defaults(consultations=20, long_consultations=30)
    py.defaults(consultations=30, long_consultations=30)  # every consultation a GL: allowed


def test_majoration_raises_the_socle_only():
    plain, raised = py.year(py.defaults(majoration=0)), py.year(py.defaults(majoration=0.5))
    assert math.isclose(raised.majoration, 0.5 * plain.socle)
    assert (raised.socle, raised.c2s, raised.prevention, raised.acts) == (plain.socle, plain.c2s, plain.prevention, plain.acts)


def test_older_and_sicker_patients_bring_more_forfait():
    young = py.year(py.defaults(share_ald_80=0, share_80=0, share_ald=0, share_75=0, share_children=0, long_consultations=0))
    old = py.year(py.defaults(share_ald_80=0.3, share_80=0.2, share_ald=0.3, share_75=0.1, share_children=0))
    assert old.socle > 5 * young.socle


def test_rates_are_the_situations_of_data():
    table = py.rates()
    assert list(table["taux"]) == sorted(table["taux"]) and table["taux"].iloc[0] == 0
    with pytest.raises(py.PracticeError, match="taux attendu parmi 0\u202f%, 10\u202f%, 30\u202f%, 50\u202f%"):
        py.defaults(majoration=0.2)


def test_impossible_patientele_refused_in_french():
    with pytest.raises(py.PracticeError, match="dépassent 100 %"):
        py.defaults(share_ald=0.5, share_80=0.5, share_75=0.1)
    with pytest.raises(py.PracticeError, match="trois consultations longues"):
        py.defaults(patients=100, share_ald_80=0.01, share_80=0, long_consultations=4)
    py.defaults(patients=100, share_ald_80=0.01, share_80=0, long_consultations=3)  # the ceiling itself is allowed
    with pytest.raises(py.PracticeError, match="patients médecin traitant : valeur attendue entre 100 et 3000"):
        py.defaults(patients=50)
    with pytest.raises(py.PracticeError, match="valeur attendue"):
        py.defaults(indicators=float("nan"))


def _evaluate(p: py.Practice, bound: tuple[str, ...]) -> SimpleNamespace:
    values = {py.CODES[k]: getattr(p, k) for k in py.CODES}
    datum = SimpleNamespace()
    env = {"datum": datum, **values}
    for name, expr in py.expressions(p, bound).items():
        setattr(datum, name, eval(expr, {"__builtins__": {}}, env))  # noqa: S307 (our own formulas)
    return datum


def test_the_vega_formulas_are_the_python_model():
    bound = tuple(py.CODES.values())
    grid = [dict(patients=n, share_ald_80=s, share_ald=d, share_c2s=c, majoration=m, indicators=i, long_consultations=5)
            for n in (100, 1120, 3000) for s in (0, 0.07) for d in (0, 0.33) for c in (0, 0.5)
            for m in (0, 0.3) for i in (0, 2.7)]
    for changes in grid:
        p = py.defaults(**changes)
        datum, y = _evaluate(p, bound), py.year(p)
        for key, value in (("socle", y.socle), ("majore", y.majoration), ("c2s", y.c2s), ("prevention", y.prevention),
                           ("actes_g", y.g), ("actes_gl", y.gl), ("forfait", y.forfait), ("total", y.total)):
            assert getattr(datum, key) == value, key  # same operations in the same order: equal, not close


def test_text_alternative_gives_the_numbers():
    p = py.defaults(majoration=0.1)
    y = py.year(p)
    text = py.describe(p, y)
    assert text.startswith("Pour 1\u202f120 patients médecin traitant")
    assert f"{round(y.total):,}".replace(",", "\u202f") + "\u00a0€" in text
    assert "hors paiement à l'acte" in text and "avant charges et cotisations" in text


def test_chart_binds_every_input_and_lists_the_situations():
    spec = py.chart(interactive=True).to_dict()
    binds = {p["name"]: p["bind"] for p in spec["params"]}
    assert set(binds) == set(py.CODES.values())
    assert binds["majoration"]["input"] == "select" and binds["majoration"]["options"] == [0.0, 0.1, 0.3, 0.5]
    assert all(b["input"] == "range" for name, b in binds.items() if name != "majoration")
    assert "forfait médecin traitant" in spec["description"]
    assert all("bind" not in p for p in py.chart().to_dict()["params"])


def test_simulator_shows_the_error_and_recovers():
    ui = py.simulator()
    sliders = {s._dom_classes[-1]: s for s in ui.children if hasattr(s, "_dom_classes") and s._dom_classes}
    message = next(c for c in ui.children if "atelier-message" in c._dom_classes)
    text = next(c for c in ui.children if "atelier-description" in c._dom_classes)
    before = text.value
    assert "Pour 1\u202f120 patients" in before
    sliders["atelier-gl"].value = 500
    assert "trois consultations longues" in message.value and text.value == before
    sliders["atelier-gl"].value = 10
    assert message.value == "" and "les 10 consultations longues" in text.value
    assert f"les {py.format_count(py.defaults().consultations - 10)} consultations G" in text.value
    sliders["atelier-majoration"].value = 0.5
    assert "0 € de majoration" not in text.value


def test_room_answer_is_the_model():
    from pathlib import Path

    from atelier_mg.serving.room import definition

    folder = Path(__file__).resolve().parents[3] / "dashboards"
    room = definition.load("annee_mg", folder)
    raised = py.year(py.defaults(majoration=float(py.rates().loc["primo_1", "taux"])))
    question = room.question("primo_zip")
    assert abs(question.answer - raised.majoration) <= question.tolerance
    assert room.question("tarif_g").answer == py.tariffs()["G"]


def test_first_installation_is_priced_on_a_starting_list_not_the_average_one():
    table, a = py.parameters(), py.amounts()
    start, average = table.loc["patients_debut", "valeur"], table.loc["patients", "valeur"]
    assert table.loc["patients_debut", "reglable"] == 0 and 0 < start < average
    p = py.defaults()
    per_patient = (p.share_ald_80 * a.socle["ald_80_plus"] + p.share_80 * a.socle["age_80_plus"]
                   + p.share_ald * a.socle["ald_0_79"] + p.share_75 * a.socle["age_75_79"]
                   + p.share_children * a.socle["age_0_6"] + py.others(p) * a.socle["age_7_74"])
    rate = py.rates().loc["primo_1", "taux"]
    assert math.isclose(py.first_installation(), start * per_patient * rate)
    assert math.isclose(py.first_installation(patients=average), py.year(py.defaults(majoration=rate)).majoration)
    assert py.first_installation() < py.first_installation(patients=average)
    assert math.isclose(py.first_installation("primo_2", start), start * per_patient * py.rates().loc["primo_2", "taux"])
    assert py.first_installation(patients=0) == 0  # no list at 31 December of the year before: nothing to raise
    with pytest.raises(py.PracticeError, match="valeur attendue entre 100"):
        py.first_installation(patients=50)


def test_cnam_estimate_is_a_comparison_row_not_an_input():
    table = py.parameters()
    assert table.loc["estimation_cnam", "reglable"] == 0 and table.loc["estimation_cnam", "statut"] == "à confirmer"
    assert "estimation_cnam" not in py.CODES.values() and "patients_debut" not in py.CODES.values()


def test_rates_and_unconfirmed_amounts_say_so():
    assert set(py.rates().query("taux > 0")["statut"]) == {"à confirmer"}
    forfait = data.load_table("forfait_medecin_traitant_2026").set_index("code")
    # ameli gives only the ceiling (100 € for a patient over 80 in ALD): the other rows stay to be confirmed
    assert forfait.loc["ald_80_plus", "statut"] == "sourcé"
    assert set(forfait.drop(index="ald_80_plus")["statut"]) == {"à confirmer"}
