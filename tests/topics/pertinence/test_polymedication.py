"""Polymédication : générateur 65 ans et plus, déprescription."""

from __future__ import annotations

import pandas as pd
import pytest

from atelier_mg.topics.pertinence import polymedication as pm


def test_polymedication_generator_is_reproducible_and_calibrated():
    a, b = pm.generate(1500, seed=4), pm.generate(1500, seed=4)
    pd.testing.assert_frame_equal(a.lignes, b.lignes)
    assert (a.patients["age"] >= 65).all()
    s = pm.summary(a)
    assert 0.44 <= s["polymediques"] / s["patients"] <= 0.57
    assert 0.08 <= s["hyperpolymediques"] / s["patients"] <= 0.17


def test_deprescription_is_a_reasoned_review_capped_by_the_programme_targets():
    lines = pm.generate(400, seed=9)
    before = pm.per_patient(lines)
    result = pm.review(lines, 1.0)
    after = pm.per_patient(result.after)
    removed = before["molecules"] - after["molecules"]
    hyper = before["statut"] == "hyperpolymédiqué"
    poly = before["statut"] == "polymédiqué"
    # Up to the target, never more, and only where a criterion justifies it.
    assert (removed[hyper] == before.loc[hyper, "a_reevaluer"].clip(upper=4)).all()
    assert (removed[poly] == before.loc[poly, "a_reevaluer"].clip(upper=2)).all()
    assert (removed[~(hyper | poly)] == 0).all()
    assert set(result.removed["classe"]) <= set(pm.classes().index[pm.classes()["a_reevaluer"] == "oui"])
    assert result.removed["critere"].str.len().gt(10).all(), "chaque arrêt a son critère écrit"
    # Essential treatments are never stopped to fill the quota.
    for essential in ("antiagregant", "statine", "levothyroxine", "diuretique", "anticoagulant"):
        assert (lines.lignes["classe"] == essential).sum() == (result.after.lignes["classe"] == essential).sum()
    # What the targets would still require is reported, not done.
    assert result.lines_unjustified == result.lines_target - len(result.removed) > 0
    assert result.patients_target_met < result.patients_reviewed == int((hyper | poly).sum())
    assert "sans critère de réévaluation" in pm.review_message(result)
    assert pm.summary(pm.deprescribe(lines, 0.0)) == pm.summary(lines)
    with pytest.raises(pm.PolymedicationError, match="entre 0 et 1"):
        pm.deprescribe(lines, 2)
