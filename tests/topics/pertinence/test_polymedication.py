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


def test_deprescription_follows_the_programme_targets():
    lines = pm.generate(400, seed=9)
    before = pm.per_patient(lines)
    after = pm.per_patient(pm.deprescribe(lines, 1.0))
    removed = before["molecules"] - after["molecules"]
    hyper = before["statut"] == "hyperpolymédiqué"
    poly = before["statut"] == "polymédiqué"
    assert (removed[hyper] == 4).all() and (removed[poly] == 2).all() and (removed[~(hyper | poly)] == 0).all()
    # Lines « à réévaluer » go first.
    ident = before[hyper & (before["a_reevaluer"] >= 4)].index[0]
    assert after.loc[ident, "a_reevaluer"] == before.loc[ident, "a_reevaluer"] - 4
    assert pm.summary(pm.deprescribe(lines, 0.0)) == pm.summary(lines)
    with pytest.raises(pm.PolymedicationError, match="entre 0 et 1"):
        pm.deprescribe(lines, 2)
