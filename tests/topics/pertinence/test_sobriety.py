"""Sobriété de prescription : standardisation indirecte, bonus, pratique tirée d'une patientèle."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from atelier_mg.core import data
from atelier_mg.topics.pertinence import sobriety as sb

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
    from atelier_mg.topics.patientele import generator

    pat = generator.generate(300, seed=2)
    practice = sb.practice_from_patientele(pat, 0.9, seed=2)
    assert practice["patients"].sum() == 300
    assert 0.75 < sb.indicator(practice).ratio < 1.05
