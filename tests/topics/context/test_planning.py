"""Planning d'un DMG : internes par stage et engagements de maîtres de stage, modèle et graphique."""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace

import pytest

from atelier_mg.core import data
from atelier_mg.topics.context import planning


def test_stage_lengths_add_up_to_the_des_of_the_2023_maquette():
    stages = planning.stages()
    des = data.load_table("des_mg_2026").set_index("indicateur")["valeur"]
    assert stages["semestres"].sum() == des["semestres_des"]  # 8 semesters
    assert set(stages["code"]) == set(data.load_table("maquette_des_mg_2023")["code"])
    # A hospital stage never needs a MSU; each ambulatory or shared stage has exactly one supervision kind.
    for row in stages.itertuples():
        kinds = row.est_n1 + row.est_saspas + row.est_dj
        assert kinds == (0 if row.lieu == "hospitalier" else 1), row.code


def test_steady_state_hand_computed_case():
    # 100 interns a year: 400 present; every one-semester stage holds 50 of them, the docteur junior year 100.
    p = planning.defaults(promotion=100, msu_first_level=2, msu_saspas=3, msu_junior=1,
                          share_coupled=0.5, share_free=0, available_msu=500)
    need = planning.simulate(p)
    assert math.isclose(need.interns, 400)
    by_code = need.table.set_index("code")["msu"]
    assert by_code["S01"] == 100 and by_code["S05"] == 150 and by_code["S07"] == 100
    assert by_code["S04"] == 50 and by_code["S06"] == 0 and by_code["S02"] == 0 and by_code["S03"] == 0
    assert math.isclose(need.msu, 400) and math.isclose(need.msu_junior, 100) and math.isclose(need.per_msu, 0.8)
    # Ambulatory interns: 50 (niveau 1) + 25 (half the coupled stages) + 50 (SASPAS) + 100 (juniors).
    assert math.isclose(need.ambulatory, 225)


def test_the_docteur_junior_year_adds_what_its_supervision_costs():
    one, two = (planning.simulate(planning.defaults(msu_junior=k)) for k in (1, 2))
    assert math.isclose(two.msu - one.msu, one.msu_junior)
    assert math.isclose(two.msu_junior, 2 * one.msu_junior)


def test_need_is_proportional_to_the_promotion():
    small, big = (planning.simulate(planning.defaults(promotion=n)) for n in (50, 150))
    assert math.isclose(big.msu, 3 * small.msu) and math.isclose(big.interns, 3 * small.interns)


def _vega_rows(p, bound):
    """Evaluate the Vega expressions in Python, row by row (same names, same order)."""
    values = {planning.CODES[a]: getattr(p, a) for a in planning.CODES}
    out = []
    for row in planning.stages().to_dict("records"):
        datum = SimpleNamespace(**row)
        for name, expr in planning.expressions(p, bound).items():
            setattr(datum, name, eval(expr, {"__builtins__": {}}, {"datum": datum, **values}))  # noqa: S307 (our formulas)
        out.append(datum)
    return out, values


@pytest.mark.parametrize("promotion,first,saspas,junior,coupled,free", list(itertools.product(
    (10, 130, 600), (1, 3), (1, 4), (1, 2), (0, 0.3, 1), (0, 0.7))))
def test_the_vega_formulas_are_the_python_model(promotion, first, saspas, junior, coupled, free):
    p = planning.defaults(promotion=promotion, msu_first_level=first, msu_saspas=saspas, msu_junior=junior,
                          share_coupled=coupled, share_free=free, available_msu=250)
    need = planning.simulate(p)
    bound = tuple(planning.CODES.values())
    rows, values = _vega_rows(p, bound)
    expected = need.table.set_index("code")
    for datum in rows:
        assert math.isclose(datum.internes, expected.loc[datum.code, "internes"])
        assert math.isclose(datum.msu, expected.loc[datum.code, "msu"])
    total = sum(d.msu for d in rows)
    assert math.isclose(total, need.msu) and math.isclose(sum(d.msu_dj for d in rows), need.msu_junior)
    assert math.isclose(sum(d.internes_amb for d in rows), need.ambulatory)
    charge = eval(planning.total_expression(p, bound), {"__builtins__": {}},  # noqa: S307
                  {"datum": SimpleNamespace(total=total), **values})
    assert math.isclose(charge, need.per_msu)
    # With nothing bound, the inlined constants give the same numbers.
    inlined, _ = _vega_rows(p, ())
    assert math.isclose(sum(d.msu for d in inlined), need.msu)


def test_parameters_are_illustrative_and_bad_values_refused_in_french():
    assert set(planning.parameters()["statut"]) == {"illustratif"}
    with pytest.raises(planning.PlanningError, match="msu par interne en saspas doit être compris entre 1 et 4"):
        planning.defaults(msu_saspas=7)
    with pytest.raises(planning.PlanningError, match="internes entrant dans le des"):
        planning.defaults(promotion=float("nan"))


def test_text_alternative_gives_the_totals():
    p = planning.defaults(promotion=100, msu_first_level=2, msu_saspas=3, msu_junior=1,
                          share_coupled=0.5, share_free=0, available_msu=500)
    text = planning.describe(p, planning.simulate(p))
    assert "400 internes sont en stage" in text and "dont 225 en ambulatoire" in text
    assert "400 engagements de MSU" in text and "dont 100 pour les docteurs juniors (25\u202f%)" in text
    assert "0,8 engagement par semestre" in text


def test_chart_binds_every_parameter_and_describes_itself():
    spec = planning.chart(interactive=True).to_dict()
    binds = {p["name"]: p["bind"]["input"] for p in spec["params"]}
    assert binds == {code: "range" for code in planning.CODES.values()}
    assert "Planning d'un DMG" in spec["description"]
    assert all("bind" not in p for p in planning.chart().to_dict()["params"])


def test_simulator_updates_its_sentence_when_a_slider_moves():
    ui = planning.simulator()
    sliders = ui.children[:len(planning.CODES)]
    text = ui.children[len(planning.CODES) + 1]
    assert "role='status'" in text.value and "engagements de MSU" in text.value
    before = text.value
    sliders[0].value = 200  # promotion
    assert text.value != before and "promotions de 200 internes" in text.value


def test_a_load_per_msu_above_the_threshold_of_data_is_flagged_in_french():
    # Defaults (promotion 100): 420 engagements a semester. 50 MSU take 8.4 each, 400 MSU 1.05 each.
    threshold = data.load_table("parametres_planning_dmg").set_index("code").loc["seuil_engagements_msu", "valeur"]
    assert planning.load_threshold() == threshold
    crowded = planning.defaults(available_msu=50)
    need = planning.simulate(crowded)
    assert need.per_msu > threshold
    text = planning.describe(crowded, need)
    assert text.endswith(planning.overload_warning(need)) and "Attention" in text
    assert f"seuil d'alerte de {int(threshold)} engagements par MSU" in text
    relaxed = planning.simulate(planning.defaults(available_msu=400))
    assert relaxed.per_msu < threshold
    assert planning.overload_warning(relaxed) == "" and "Attention" not in planning.describe(planning.defaults(), relaxed)
    # The comparison is strict and follows the threshold it is given.
    assert planning.overload_warning(need, threshold=need.per_msu) == ""
    assert planning.overload_warning(relaxed, threshold=1) != ""
