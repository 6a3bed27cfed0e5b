"""Pertinence : tester ou traiter, trajectoire, polymédication, indicateur de sobriété, données de la Cnam."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from atelier_mg import antibiotics as ab
from atelier_mg import data
from atelier_mg import polymedication as pm
from atelier_mg import sobriety as sb

# -- data checked against the source figures ------------------------------------------------------

def test_source_figures_are_those_of_the_cnam_talk():
    atb = ab.national_figures()
    assert (atb["patients_antibiotique"], atb["rang_europe"], atb["ecart_moyenne_europeenne"]) == (26.8, 5, 30)
    assert (atb["objectif_2025"], atb["objectif_2027"], atb["ratio_allemagne"]) == (-10, -25, 2)
    poly = data.load_table("polymedication_65plus").set_index("groupe")
    assert list(poly["patients_millions"]) == [13.3, 6.7, 1.6] and list(poly["rembourse_milliards_eur"]) == [10.0, 7.7, 3.5]
    programmes = data.load_table("programmes_pertinence_2024")
    assert list(programmes["numero"]) == list(range(1, 16))
    assert programmes.set_index("numero").loc[2, "cible_valeur"] == "10;25"
    vol = data.load_table("top20_medicaments_volume").set_index("produit")
    assert vol.loc["DOLIPRANE", "boites_millions"] == 308.2 and vol.loc["ELIQUIS", "rembourse_millions_eur"] == 754.9
    rem = data.load_table("top20_medicaments_remboursement").set_index("produit")
    assert rem.loc["VYNDAQEL", "rembourse_moyen_par_patient_eur"] == 66671 and rem.loc["HEMLIBRA", "asmr"] == "II"
    assert round(rem["rembourse_millions_eur"].sum()) == 7250
    med = data.load_table("medicaments_chiffres_2024").set_index("indicateur")["valeur"]
    assert (med["remboursement_moyen_assure"], med["consommateurs_ipp"], med["consommateurs_palier2"]) == (410, 16, 11)
    assert (med["ipp_age_seuil"], med["ipp_duree_seuil"]) == (65, 8)
    scores = ab.score_table()
    assert list(scores["probabilite_sga"]) == [0.08, 0.14, 0.23, 0.37, 0.55]  # Fine et al. 2012
    assert set(data.load_table("tests_rapides")["statut"]) == {"illustratif"}
    rules = sb.bonus_rules()
    assert (rules["bonus_niveau_eur"], rules["part_beneficiaires_niveau"], rules["baisse_minimale_evolution"]) == (1000, 30, 10)


def test_the_hyperpolymedication_share_inconsistency_is_kept_and_visible():
    nat = pm.national()
    assert nat.loc["hyperpolymedication", "part_patients_annoncee"] == 14
    assert round(nat.loc["hyperpolymedication", "part_patients_calculee"], 1) == 12.0
    assert round(nat.loc["polymedication", "part_patients_calculee"]) == 50
    assert round(nat.loc["hyperpolymedication", "rembourse_moyen_eur"]) == 2188


# -- tester ou traiter --------------------------------------------------------------------------------

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
    assert math.isclose(t.loc[2024, "moyenne_europeenne"], 100 / 1.3)
    rate = ab.reduction_to_reach(0.75, 3)
    assert math.isclose((1 - rate) ** 3, 0.75)
    params = {p["name"]: p for p in ab.trajectory_chart(interactive=True).to_dict()["params"]}
    assert params["baisse"]["bind"]["input"] == "range"
    assert {p["name"] for p in ab.static_chart().to_dict()["params"]} == {"n", "prev", "se", "sp"}


# -- polymedication -------------------------------------------------------------------------------------

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


# -- sobriety --------------------------------------------------------------------------------------------

RATES = pd.DataFrame({"tranche_age": ["16-44", "75+"], "sexe": ["F", "M"], "ald": ["non", "oui"], "c2s": ["non", "non"],
                      "montant_moyen_eur": [100.0, 1000.0]})
PRACTICE = pd.DataFrame({"tranche_age": ["16-44", "75+"], "sexe": ["F", "M"], "ald": ["non", "oui"],
                         "c2s": ["non", "non"], "patients": [300, 20], "montant_observe_eur": [24000.0, 25000.0]})


def test_indirect_standardisation_by_hand():
    ind = sb.indicator(PRACTICE, RATES)
    # Expected: 300 × 100 + 20 × 1,000 = 50,000 €; observed 49,000 €.
    assert (ind.expected, ind.observed, ind.patients) == (50_000, 49_000, 320)
    assert math.isclose(ind.ratio, 0.98)
    example = sb.indicator(data.load_table("exemple_pratique_sobriete"))
    assert math.isclose(example.expected, 219_060) and math.isclose(example.observed, 201_500)


def test_missing_stratum_and_bad_practice_tables_are_refused():
    with pytest.raises(sb.SobrietyError, match="Strate sans taux national : 75\\+, M, ALD oui"):
        sb.indicator(PRACTICE, RATES.iloc[:1])
    with pytest.raises(data.DataError, match="colonne « patients » manquante"):
        sb.indicator(PRACTICE.drop(columns="patients"), RATES)


def test_bonuses_follow_the_two_rules():
    dist = np.linspace(0.5, 1.5, 1001)
    threshold = np.quantile(dist, 0.3)
    b = sb.bonuses(0.7, None, 1500, dist)
    assert math.isclose(b["seuil_30_pourcent"], threshold) and b["bonus_niveau"] == 1500 and b["bonus_evolution"] == 0
    b = sb.bonuses(1.2, 1.4, 1000, dist)
    assert b["bonus_niveau"] == 0 and b["bonus_evolution"] == 1000  # fell by 14 %
    assert sb.bonuses(1.2, 1.3, 1000, dist)["bonus_evolution"] == 0  # fell by 7.7 %
    assert sb.percentile(1.0, dist) == pytest.approx(0.5, abs=0.002)


def test_practice_built_from_a_patientele_matches_its_size():
    from atelier_mg import patientele

    pat = patientele.generate(300, seed=2)
    practice = sb.practice_from_patientele(pat, 0.9, seed=2)
    assert practice["patients"].sum() == 300
    assert 0.75 < sb.indicator(practice).ratio < 1.05
