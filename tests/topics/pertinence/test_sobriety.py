"""Sobriété de prescription : standardisation indirecte, bonus, pratique tirée d'une patientèle."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from atelier_mg.core import data
from atelier_mg.topics.pertinence import sobriety as sb
from atelier_mg.topics.pertinence import sobriety_views as sbv

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


def test_level_bonus_is_weighted_by_the_patientele_over_the_mean_one():
    dist = np.linspace(0.5, 1.5, 1001)  # 30th percentile: 0.5 + 0.3 × 1.0 = 0.8
    rules = sb.bonus_rules()
    assert rules["bonus_niveau_eur"] == 1000 and rules["part_beneficiaires_niveau"] == 30
    assert rules["patientele_mt_moyenne_2022"] == 1120  # source 001, table « Démographie et activité », 2022
    b = sb.bonuses(0.7, None, 1680, dist)
    # 1,680 / 1,120 = 1.5 → 1,000 € × 1.5; no previous ratio → no evolution bonus.
    assert math.isclose(b["seuil_30_pourcent"], 0.8) and b["groupe_niveau"]
    assert math.isclose(b["bonus_niveau"], 1500) and b["bonus_evolution"] == 0 and b["baisse"] is None
    assert math.isclose(sb.bonuses(0.7, None, 1000, dist, mean_patientele=2000)["bonus_niveau"], 500)
    assert sb.bonuses(0.81, None, 5000, dist)["bonus_niveau"] == 0  # just above the threshold


def test_evolution_bonus_needs_a_fall_of_more_than_ten_percent_and_is_not_weighted():
    dist = np.linspace(0.5, 1.5, 1001)
    b = sb.bonuses(1.2, 1.4, 560, dist)  # fell by 0.2 / 1.4 = 14.3 %; half the mean patientèle
    assert b["bonus_niveau"] == 0 and b["bonus_evolution"] == 1000 and math.isclose(b["baisse"], 0.2 / 1.4)
    assert sb.bonuses(1.2, 1.3, 1000, dist)["bonus_evolution"] == 0  # fell by 7.7 %
    assert sb.bonuses(1.08, 1.2, 1000, dist)["bonus_evolution"] == 0  # exactly 10 %: « plus de 10 % » is not met
    assert sb.bonuses(1.3, 1.2, 1000, dist)["baisse"] < 0  # the ratio rose


def test_the_two_bonuses_do_not_add_up_unless_the_alternative_reading_is_chosen():
    dist = np.linspace(0.5, 1.5, 1001)
    # Ratio 0.7 (in the 30 %) after 1.0: a 30 % fall. By default the evolution bonus goes to the others.
    b = sb.bonuses(0.7, 1.0, 1120, dist)
    assert (b["bonus_niveau"], b["bonus_evolution"], b["total"]) == (1000, 0, 1000) and b["baisse_suffisante"]
    assert sb.bonuses(0.7, 1.0, 1120, dist, cumulative=True)["total"] == 2000
    text = sbv.describe(sb.Indicator(70_000, 100_000, 1120), b, dist)
    assert "non cumulables" in text and "0,70" in text and "1\u202f000\u00a0€" in text


def test_every_unsettled_rule_is_labelled_and_shown():
    statuses = sb.rule_statuses().set_index("code")["statut"]
    assert statuses["cumul"] == statuses["suivi_amelipro"] == "presse ou syndicat"
    assert statuses["patientele_moyenne"] == "hypothèse affichée du livre"
    assert statuses["ponderation_evolution"] == statuses["patientele_minimale"] == "non précisé par les textes publics"
    assert statuses["perimetre"] == "texte officiel"
    shown = sbv.assumptions(1120, cumulative=False)
    assert "1\u202f120" in shown and "non cumulables" in shown and "non pondéré" in shown
    assert "valeur saisie" in sbv.assumptions(900, cumulative=True) and "cumulables" in sbv.assumptions(900, True)
    assert set(sbv.rules_table()["Statut"]) == set(statuses)


def test_one_costly_patient_and_ageing_inside_the_open_band():
    # One patient on a 1,269 €/year drug in a 1,000-patient practice expected at 410 € per patient.
    assert math.isclose(sb.outlier_shift(1269, 1000 * 410), 1269 / 410_000)
    assert math.isclose(sb.outlier_shift(1269, 500 * 410, patients=2), 2 * 1269 / 205_000)
    with pytest.raises(sb.SobrietyError):
        sb.outlier_shift(1269, 0)
    example = data.load_table("exemple_pratique_sobriete")
    aged = sb.age_within_open_band(example, 0.2)
    # Only the 75+ stratum (75,000 € observed) costs 20 % more: (201,500 + 15,000) / 219,060.
    assert math.isclose(sb.indicator(aged).ratio, 216_500 / 219_060)
    assert math.isclose(sb.indicator(aged).expected, 219_060)
    with pytest.raises(sb.SobrietyError, match="surcoût"):
        sb.age_within_open_band(example, 5)


def test_practice_built_from_a_patientele_matches_its_size():
    from atelier_mg.topics.patientele import generator

    pat = generator.generate(300, seed=2)
    practice = sb.practice_from_patientele(pat, 0.9, seed=2)
    assert practice["patients"].sum() == 300
    assert 0.75 < sb.indicator(practice).ratio < 1.05


def _find(box, cls):
    for child in getattr(box, "children", ()):
        if cls in getattr(child, "_dom_classes", ()):
            return child
        found = _find(child, cls)
        if found is not None:
            return found
    return None


def test_simulator_text_alternative_follows_the_inputs():
    box = sbv.simulator()
    summary = _find(box, "atelier-synthese")
    assert "role='status'" in summary.value and "aria-live='polite'" in summary.value
    assert "Hypothèses affichées" in summary.value
    before = summary.value
    ageing = _find(box, "atelier-vieillissement")
    ageing.value = 40  # the 75+ cost 40 % more: the ratio and its sentence change
    assert summary.value != before and "Ratio de sobriété" in summary.value
    previous = _find(box, "atelier-ratio-precedent")
    previous.value = 0  # unknown previous ratio
    assert "ne peut être calculé" in summary.value
    chart = sbv.distribution_chart(np.linspace(0.5, 1.5, 11), 0.95, 0.8)
    spec = chart.to_dict()
    assert "0,95" in spec["description"] and "0,80" in spec["description"]
    # Colour is not the only carrier: the two rules differ by their dash and carry a written label.
    assert any(layer["mark"]["type"] == "text" if isinstance(layer["mark"], dict) else layer["mark"] == "text"
               for layer in spec["layer"])


def test_static_simulator_embeds_the_model_strata_and_names_its_inputs():
    from atelier_mg.topics.patientele import generator

    pat = generator.generate(300, seed=5)
    strata = sb.strata(pat, seed=5)
    practice = sb.practice_from_patientele(pat, 1.2, seed=5)
    assert strata["patients"].sum() == 300 == practice["patients"].sum()
    observed = (strata["patients"] * strata["montant_moyen_eur"] * 1.2 * strata["ecart"]).round(2)
    assert math.isclose(observed.sum(), practice["montant_observe_eur"].sum())
    spec = sbv.static_chart(300, seed=5).to_dict()
    assert [p["name"] for p in spec["params"]] == ["profil", "vieillissement", "precedent", "moyenne", "cumul"]
    assert spec["params"][3]["value"] == sb.bonus_rules()["patientele_mt_moyenne_2022"]
    assert any(layer.get("name") == "atelier_alt" for layer in spec["layer"])
