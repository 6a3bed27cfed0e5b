"""Antibiotiques : tester ou traiter, score de Mac Isaac, trajectoire des prescriptions."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import pandas as pd
import pytest

from atelier_mg.topics.pertinence import antibiotics as ab
from atelier_mg.topics.pertinence import antibiotics_views as av


def test_rapid_test_arithmetic_by_hand():
    empirical, tested = ab.test_or_treat(1000, 0.2, 0.9, 0.95)
    assert (empirical.antibiotics, empirical.missed, empirical.unnecessary) == (1000, 0, 800)
    assert math.isclose(tested.antibiotics, 220) and math.isclose(tested.avoided, 780)
    assert math.isclose(tested.missed, 20) and math.isclose(tested.unnecessary, 40)


def test_sore_throat_strategies_with_the_mcisaac_score():
    scores = pd.DataFrame({"score": [0, 1, 2], "part_patients": [0.5, 0.3, 0.2], "probabilite_sga": [0.1, 0.2, 0.5]})
    out = {o.strategy: o for o in ab.sore_throat(1000, 2, 0.9, 0.95, scores)}
    # 1,000 patients: 500 score 0 (50 ill), 300 score 1 (60 ill), 200 score 2 (100 ill).
    assert math.isclose(out["score_test"].tests, 200)
    assert math.isclose(out["score_test"].antibiotics, 90 + 5)
    assert math.isclose(out["score_test"].missed, 50 + 60 + 10)
    assert math.isclose(out["score_seul"].antibiotics, 200) and math.isclose(out["score_seul"].unnecessary, 100)
    assert math.isclose(out["test"].missed, 210 * 0.1)
    # With the published McIsaac probabilities, a higher threshold avoids antibiotics but misses more infections.
    low, high = ab.sore_throat(1000, 1, 0.9, 0.95)[2], ab.sore_throat(1000, 3, 0.9, 0.95)[2]
    assert high.antibiotics < low.antibiotics and high.missed > low.missed


def test_bad_parameters_are_refused_in_french():
    with pytest.raises(ab.AntibioticError, match="La prévalence doit être une proportion"):
        ab.test_or_treat(100, 1.5, 0.9, 0.9)
    with pytest.raises(ab.AntibioticError, match="seuil du score"):
        ab.sore_throat(100, 7, 0.9, 0.9)
    with pytest.raises(ab.AntibioticError, match="baisse annuelle"):
        ab.trajectory(1.2)


def test_trajectory_against_the_targets():
    t = ab.trajectory(0.1).set_index("annee")
    assert math.isclose(t.loc[2025, "prescriptions"], 90) and math.isclose(t.loc[2025, "objectif"], 90)
    assert math.isclose(t.loc[2027, "objectif"], 75)
    # SpF's national target: 650 prescriptions per 1,000 in 2027 against 860.4 in 2024 (about -24.5 %).
    assert math.isclose(t.loc[2027, "cible_nationale"], 100 * 650 / 860.4)
    assert "moyenne_europeenne" not in t  # consumption is not drawn on a prescriptions index
    rate = ab.reduction_to_reach(0.75, 3)
    assert math.isclose((1 - rate) ** 3, 0.75)
    params = {p["name"]: p for p in ab.trajectory_chart(interactive=True).to_dict()["params"]}
    assert params["baisse"]["bind"]["input"] == "range"
    assert {p["name"] for p in av.static_chart().to_dict()["params"]} == {"n", "prev", "se", "sp"}


def test_text_alternative_names_every_strategy_and_count():
    outcomes = ab.test_or_treat(1000, 0.2, 0.9, 0.95)
    text = ab.describe(outcomes)
    assert text.startswith("Sur 1")
    # 220 antibiotics (180 true + 40 false positives), 20 missed, 1,000 tests with the test strategy.
    assert "220 antibiotiques prescrits" in text and "20 infections bactériennes non traitées" in text
    assert "800 antibiotiques sans infection" in text  # empirical strategy
    assert text.count("Antibiotique pour tous") == 1 and "Test pour tous" in text
    with pytest.raises(ab.AntibioticError):
        ab.describe([])


def test_charts_do_not_rely_on_colour_alone():
    layers = ab.outcomes_chart(ab.test_or_treat(100, 0.3, 0.9, 0.9)).to_dict()["layer"]
    assert {layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in layers} == {"bar", "text"}
    spec = ab.trajectory_chart().to_dict()["vconcat"][0]
    shapes = [layer["encoding"]["shape"] for layer in spec["layer"] if "shape" in layer.get("encoding", {})]
    assert shapes and shapes[0]["scale"]["range"] == ["diamond", "square"]


def test_trajectory_text_alternative_by_hand():
    # -10 % a year: 90 in 2025 (the convention's target, met), 100 × 0.9³ = 72.9 in 2027 (below 75 and below
    # SpF's 100 × 650 / 860.4 = 75.5), 100 × 0.9⁶ = 53.1 in 2030.
    text = ab.describe_trajectory(0.1)
    assert text.startswith("Avec une baisse de 10\u202f% par an, l'indice des prescriptions d'antibiotiques (base 100 en 2024)")
    assert "serait de 90,0 en 2025 (objectif de la convention : 90,0, atteint)" in text
    assert "de 72,9 en 2027 (objectif de la convention : 75,0, atteint ; cible nationale de Santé publique France : " \
           "75,5, atteinte) et de 53,1 en 2030." in text
    # -5 % a year misses both: 95.0 in 2025, 100 × 0.95³ = 85.7 in 2027.
    slow = ab.describe_trajectory(0.05)
    assert "95,0 en 2025 (objectif de la convention : 90,0, non atteint)" in slow and "non atteinte" in slow
    alternative = ab.trajectory_chart(interactive=True).to_dict()["vconcat"][-1]
    assert alternative["name"] == "atelier_alt" and "cible nationale de Santé publique France" in json.dumps(
        alternative, ensure_ascii=False)


def test_static_test_or_treat_fields_are_the_python_model_to_the_last_bit():
    for n, prev, se, sp in ((1000, 0.2, 0.9, 0.95), (2500, 0.35, 0.93, 0.71), (700, 0.15, 0.75, 0.65)):
        empirical, tested = ab.test_or_treat(n, prev, se, sp)
        datum = SimpleNamespace()
        env = {"n": n, "prev": prev, "se": se, "sp": sp, "datum": datum}
        for name, expr in av.FIELDS.items():
            setattr(datum, name, eval(expr, {"__builtins__": {}}, env))  # noqa: S307 (our own formulas)
        value = {key: eval(expr, {"__builtins__": {}}, env) for key, expr in av.VALUES.items()}  # noqa: S307
        assert [value["empirique", k] for k in range(3)] == [empirical.antibiotics, empirical.missed, empirical.unnecessary]
        assert [value["test", k] for k in range(3)] == [tested.antibiotics, tested.missed, tested.unnecessary]
    alternative = av.static_chart().to_dict()["vconcat"][-1]
    assert alternative["name"] == "atelier_alt" and "infections bactériennes non traitées" in json.dumps(
        alternative, ensure_ascii=False)
