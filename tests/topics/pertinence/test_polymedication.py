"""Polymédication : générateur 65 ans et plus, déprescription."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from atelier_mg.core import data
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
    stoppable = pm.classes().index[pm.classes()["regle_arret"].isin(["duree", "sans_indication"])]
    assert set(result.removed["classe"]) <= set(stoppable)
    assert result.removed["critere"].str.len().gt(10).all(), "chaque arrêt a son critère écrit"
    # Essential treatments are never stopped to fill the quota.
    for essential in ("antiagregant", "statine", "levothyroxine", "diuretique", "anticoagulant", "antalgique_palier2",
                      "alpha_bloquant"):
        assert (lines.lignes["classe"] == essential).sum() == (result.after.lignes["classe"] == essential).sum()
    # What the targets would still require is reported, not done.
    assert result.lines_unjustified == result.lines_target - len(result.removed) > 0
    assert result.patients_target_met < result.patients_reviewed == int((hyper | poly).sum())
    assert "sans critère de réévaluation" in pm.review_message(result)
    assert "laissées après vérification" in pm.review_message(result) and result.kept_checked > 0
    assert pm.summary(pm.deprescribe(lines, 0.0)) == pm.summary(lines)
    with pytest.raises(pm.PolymedicationError, match="entre 0 et 1"):
        pm.deprescribe(lines, 2)


def test_benzodiazepines_are_stopped_only_beyond_the_recommended_duration_for_their_use_and_age():
    s = pm.settings()
    # HAS 2015 (adults): 4 weeks in insomnia, 8 to 12 weeks in anxiety, taper included (a stop beyond them);
    # STOPP/START v3 (older people): any benzodiazepine taken for 4 weeks or more. Every simulated patient is 65 or
    # older: the review proposes a stop from week 4 on, for an anxiolytic as for a hypnotic.
    assert (s["hypnotique_duree_max_semaines"], s["anxiolytique_duree_max_semaines"]) == (4, 12)
    assert s["benzodiazepine_duree_max_65plus_semaines"] == 4
    first = {code: pm.stop_from_weeks(code) for code in ("hypnotique", "anxiolytique")}
    assert first == {"hypnotique": 4, "anxiolytique": 4}
    lines = pm.generate(1500, seed=11)
    ruled = lines.lignes["classe"].isin(list(first))
    assert lines.lignes.loc[~ruled, "duree_semaines"].isna().all()
    result = pm.review(lines, 1.0)
    for code, week in first.items():
        bzd = lines.lignes[lines.lignes["classe"] == code]
        assert len(bzd) > 80 and bzd["duree_semaines"].notna().all()
        # Flagged exactly when the line has lasted 4 weeks or more (STOPP/START at 65 or more).
        assert (bzd["a_reevaluer"] == (bzd["duree_semaines"] >= week)).all()
        assert ((bzd["motif_maintien"] == pm.KEPT_DURATION) == (bzd["duree_semaines"] < week)).all()
        assert 0.06 < (bzd["duree_semaines"] < week).mean() < 0.25  # 15 % of recent lines (illustrative)
        stopped = result.removed[result.removed["classe"] == code].merge(bzd[["identifiant", "duree_semaines"]],
                                                                         on="identifiant")
        assert len(stopped) > 0 and (stopped["duree_semaines"] >= week).all()
    # At 65 or more, an anxiolytic taken for 6 weeks is beyond the STOPP/START limit, like a hypnotic; so is one taken
    # for exactly 4 weeks (« 4 weeks or more »); one taken for 3 weeks is not (nor a hypnotic).
    hand = pd.DataFrame({"identifiant": ["a", "b"], "classe": ["hypnotique", "anxiolytique"], "cout_annuel_eur": 25.0,
                         "a_reevaluer": True})
    assert "durée maximale recommandée dans l'insomnie" in pm.classes().loc["hypnotique", "commentaire"]
    assert pm.apply_duration_rules(hand, _Weeks(6))["a_reevaluer"].tolist() == [True, True]
    assert pm.apply_duration_rules(hand, _Weeks(4))["a_reevaluer"].tolist() == [True, True]
    assert pm.apply_duration_rules(hand, _Weeks(3))["a_reevaluer"].tolist() == [False, False]


class _Weeks:
    """A stand-in generator: every line is « recent » or not as the rule asks, and lasts ``weeks`` weeks."""

    def __init__(self, weeks: int):
        self.weeks = weeks

    def random(self, n):
        return np.full(n, 0.5)  # 0.5 ≥ 15 %: the long branch of the draw

    def integers(self, low, high, n):
        return np.full(n, self.weeks)


def _one_patient(*classes: str):
    """The lines of one hand-built patient, with the class flags of the table (before any check)."""
    table = pm.classes()
    return pd.DataFrame({"identifiant": "p", "classe": list(classes),
                         "cout_annuel_eur": [float(table.loc[c, "cout_annuel_eur"]) for c in classes],
                         "a_reevaluer": [table.loc[c, "regle_arret"] != "non" for c in classes]})


class _NoOtherIndication:
    """A generator for which no line has another documented indication (draw 1.0 ≥ every share)."""

    def random(self, n):
        return np.ones(n)


class _AlwaysIndicated:
    """A generator for which every line has another documented indication (draw 0 < every positive share)."""

    def random(self, n):
        return np.zeros(n)


def test_an_ipp_is_stopped_only_without_a_documented_indication_and_an_antithrombotic_alone_is_not_one():
    # HAS 2022: with an NSAID, the IPP is justified at 65 or with an antithrombotic; without an NSAID, it is
    # useless to protect a patient at low digestive risk from an antiplatelet or an anticoagulant. An antiplatelet
    # together with an anticoagulant is a high digestive bleeding risk (review RP1): that IPP is kept.
    assert pm.indicating_sets(pm.classes().loc["ipp", "indique_avec"]) == [frozenset({"antiagregant", "anticoagulant"})]
    assert "ne suffit pas" in pm.classes().loc["ipp", "commentaire"]
    lines = pm.generate(1500, seed=2026)
    result = pm.review(lines, 1.0, seed=2026)
    by_patient = lines.lignes.groupby("identifiant")["classe"].agg(set)
    both = {i for i, c in by_patient.items() if {"antiagregant", "anticoagulant"} <= c}
    on_antithrombotic = {i for i, c in by_patient.items() if c & {"antiagregant", "anticoagulant"}} - both
    ipp = lines.lignes[lines.lignes["classe"] == "ipp"]
    # Every IPP of a patient on both an antiplatelet and an anticoagulant is kept, as indicated by them.
    ipp_both = ipp[ipp["identifiant"].isin(both)]
    assert len(ipp_both) > 10 and (ipp_both["motif_maintien"] == pm.KEPT_WITH).all()
    assert not ipp_both["a_reevaluer"].any()
    ipp = ipp[~ipp["identifiant"].isin(both)]
    stopped = result.removed[result.removed["classe"] == "ipp"]
    assert len(stopped) > 20 and len(ipp) > 300
    # No IPP is stopped without its indication having been checked and found missing.
    stopped_lines = ipp.merge(stopped[["identifiant"]], on="identifiant")
    assert (stopped_lines["motif_maintien"] == "").all() and stopped_lines["a_reevaluer"].all()
    # An antithrombotic does not keep the IPP by itself: some patients on one have their IPP stopped…
    assert stopped["identifiant"].isin(on_antithrombotic).any()
    # … and, with or without one, about 30 % (illustrative share) have a documented indication and keep it.
    for group in (ipp[ipp["identifiant"].isin(on_antithrombotic)], ipp[~ipp["identifiant"].isin(on_antithrombotic)]):
        assert len(group) > 60
        share = (group["motif_maintien"] == pm.KEPT_INDICATION).mean()
        assert 0.2 < share < 0.4 and (group["a_reevaluer"] == (group["motif_maintien"] == "")).all()
    # Hand-built: 84 years, aspirin + IPP + laxative with tramadol, no documented digestive risk: the IPP is
    # stoppable (HAS 2022), the laxative is kept (opioid), the antithrombotic is never stopped by a rule.
    checked = pm.apply_indication_rules(_one_patient("antiagregant", "ipp", "laxatif",
                                                     "antalgique_palier2", "vitamine_d"), _NoOtherIndication())
    flags = dict(zip(checked["classe"], checked["a_reevaluer"], strict=True))
    assert flags == {"antiagregant": False, "ipp": True, "laxatif": False,
                     "antalgique_palier2": False, "vitamine_d": True}
    for single in ("antiagregant", "anticoagulant"):
        alone_with = pm.apply_indication_rules(_one_patient(single, "ipp"), _NoOtherIndication()).set_index("classe")
        assert alone_with.loc["ipp", "a_reevaluer"] == True  # noqa: E712
    # The same patient with a DOAC added: antiplatelet + anticoagulant, the IPP is kept whatever the draw.
    both_checked = pm.apply_indication_rules(_one_patient("anticoagulant", "antiagregant", "ipp"),
                                             _NoOtherIndication()).set_index("classe")
    assert both_checked.loc["ipp", "a_reevaluer"] == False  # noqa: E712
    assert both_checked.loc["ipp", "motif_maintien"] == pm.KEPT_WITH
    # With a documented indication (ulcer or upper digestive bleeding history…), the same IPP is kept.
    documented = pm.apply_indication_rules(_one_patient("antiagregant", "ipp"), _AlwaysIndicated())
    assert documented.set_index("classe").loc["ipp", "a_reevaluer"] == False  # noqa: E712
    assert documented.set_index("classe").loc["ipp", "motif_maintien"] == pm.KEPT_INDICATION
    alone = pm.apply_indication_rules(_one_patient("ipp"), _NoOtherIndication())
    assert alone["a_reevaluer"].tolist() == [True] and alone["motif_maintien"].tolist() == [""]


def test_sex_specific_classes_are_drawn_by_sex_and_clinical_assessments_are_not_automated():
    lines = pm.generate(2000, seed=3)
    sexes = lines.lignes.merge(lines.patients[["identifiant", "sexe"]], on="identifiant")
    table = pm.classes()
    for code, sex in table.loc[table["sexe"] != "tous", "sexe"].items():
        drawn = sexes[sexes["classe"] == code]
        assert len(drawn) > 30 and (drawn["sexe"] == sex).all(), f"{code} tiré hors du sexe {sex}"
    assert table.loc["alpha_bloquant", "sexe"] == "M"
    # Lines whose stop needs a clinical assessment are flagged for the consultation, never stopped by a rule.
    consult = lines.lignes[lines.lignes["classe"].map(table["regle_arret"]) == "consultation"]
    assert len(consult) > 50 and not consult["a_reevaluer"].any()
    assert (consult["motif_maintien"] == pm.KEPT_CONSULTATION).all()


def test_the_riskiest_stoppable_lines_are_stopped_first():
    lines = pm.generate(1500, seed=21)
    result = pm.review(lines, 1.0)
    priority = pm.classes()["priorite"]
    stoppable = lines.lignes[lines.lignes["a_reevaluer"]]
    assert stoppable["classe"].map(priority).notna().all(), "toute classe arrêtable a une priorité"
    for ident, group in result.removed.groupby("identifiant"):
        stopped = group["classe"].map(priority)
        left = stoppable[stoppable["identifiant"] == ident]["classe"].map(priority).iloc[len(group):]
        assert stopped.is_monotonic_increasing
        assert left.empty or left.min() >= stopped.max(), f"{ident} : une ligne plus à risque est restée"


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


def test_indicating_combinations_are_parsed_and_malformed_ones_refused_by_the_schema():
    import pandera.errors

    from atelier_mg.core.schemas.pertinence import CLASSES_TRAITEMENT

    assert pm.indicating_sets("a+b;c") == [frozenset({"a", "b"}), frozenset({"c"})]
    assert pm.indicating_sets(float("nan")) == [] and pm.indicating_sets("") == []
    table = data.load_table("classes_traitement_chronique")
    for bad in ("antiagregant+", "+anticoagulant", "antiagregant;;ipp", "antiagregant ou anticoagulant"):
        broken = table.copy()
        broken.loc[broken["code"] == "ipp", "indique_avec"] = bad
        with pytest.raises(pandera.errors.SchemaError):
            CLASSES_TRAITEMENT.validate(broken)
    # Every class named in a combination exists in the table.
    named = {c for v in table["indique_avec"] for group in pm.indicating_sets(v) for c in group}
    assert named and named <= set(table["code"])
