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


def test_benzodiazepines_are_stopped_only_beyond_the_recommended_duration():
    s = pm.settings()
    assert s["benzodiazepine_duree_max_semaines"] == 12  # HAS 2015: 8 to 12 weeks for anxiety, taper included
    lines = pm.generate(1500, seed=11)
    bzd = lines.lignes[lines.lignes["classe"] == "benzodiazepine"]
    assert len(bzd) > 100 and bzd["duree_semaines"].notna().all()
    assert lines.lignes.loc[lines.lignes["classe"] != "benzodiazepine", "duree_semaines"].isna().all()
    # Flagged exactly when the line has lasted longer than the maximum.
    assert (bzd["a_reevaluer"] == (bzd["duree_semaines"] > 12)).all()
    recent_share = (bzd["duree_semaines"] <= 12).mean()
    assert 0.08 < recent_share < 0.22  # 15 % of recent lines (illustrative), sampling noise of ~190 lines
    result = pm.review(lines, 1.0)
    stopped = result.removed[result.removed["classe"] == "benzodiazepine"].merge(
        bzd[["identifiant", "duree_semaines"]], on="identifiant")
    assert len(stopped) > 0 and (stopped["duree_semaines"] > 12).all()
    assert "durée maximale recommandée" in stopped.iloc[0:1].merge(
        pm.removed_by_class(result), left_on="libelle", right_on="Classe")["Critère de réévaluation"].iloc[0]
    assert result.recent_kept > 0 and "12 semaines ou moins sont laissées" in pm.review_message(result)


def test_polymedication_simulator_writes_its_result_out_and_does_not_rely_on_colour():
    before = pm.generate(300, seed=5)
    after = pm.review(before, 1.0).after
    b, a = pm.summary(before), pm.summary(after)
    text = pm.describe(before, after)
    assert f"{b['molecules']:,}".replace(",", "\u202f") in text and f"{a['molecules']:,}".replace(",", "\u202f") in text
    spec = pm.distribution_chart(before, after).to_dict()
    assert text in spec["description"]
    assert spec["encoding"]["fillOpacity"]["scale"]["range"] == [0.3, 0.95]  # pale « Avant », dark « Après »
    box = pm.simulator()
    status = next(w for w in box.children if "atelier-tableau" in w._dom_classes)
    assert "aria-live='polite'" in status.value and "Lignes de traitement chronique" in status.value
    slider = next(w for w in box.children if "atelier-atteinte" in w._dom_classes)
    first = status.value
    slider.value = 0.0  # nothing reviewed: the sentence says so
    assert status.value != first and "Aucune ordonnance revue." in status.value
