"""Antibiotiques : tester ou traiter, score de Mac Isaac, trajectoire des prescriptions."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from atelier_mg.topics.pertinence import antibiotics as ab


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
    assert {p["name"] for p in ab.static_chart().to_dict()["params"]} == {"n", "prev", "se", "sp"}


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
    spec = ab.trajectory_chart().to_dict()
    shapes = [layer["encoding"]["shape"] for layer in spec["layer"] if "shape" in layer.get("encoding", {})]
    assert shapes and shapes[0]["scale"]["range"] == ["diamond", "square"]
