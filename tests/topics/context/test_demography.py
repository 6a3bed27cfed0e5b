"""Démographie et activité des généralistes : les calculs retrouvent ce que dit le texte du référentiel."""

from __future__ import annotations

import math

import pytest

from atelier_mg.core import data
from atelier_mg.topics.context import demography


def test_the_workforce_fell_by_four_percent_as_the_source_says():
    # Source 001 l. 1926: « a baissé de 4 % entre 2016 et 2022 » (49,410 → 47,412).
    assert round(demography.change("medecins") * 100) == -4
    assert math.isclose(demography.change("medecins"), 47_412 / 49_410 - 1)
    # Compound rate: applying it six times gives back the 2022 count.
    assert math.isclose(49_410 * (1 + demography.annual_rate()) ** 6, 47_412)
    assert demography.change("patients_mt_par_medecin") > 0.2 > demography.change("file_active_par_medecin") > 0


def test_projection_continues_the_2016_2022_rate():
    assert math.isclose(demography.projected(2022), 47_412)
    # Eight more years at the 2016-2022 rate: 47,412 × (47,412 / 49,410)^(8/6), about 44,900 doctors.
    assert math.isclose(demography.projected(2030), 47_412 * (47_412 / 49_410) ** (8 / 6))
    assert 44_800 < demography.projected(2030) < 45_000


def test_implied_total_and_year_errors():
    assert demography.implied_total("patients_mt_par_medecin", 2022) == 47_412 * 1_120
    with pytest.raises(data.DataError, match="Année 2018 absente"):
        demography.change("medecins", 2018, 2022)
    with pytest.raises(data.DataError, match="Colonne « x » inconnue"):
        demography.change("x")


def test_general_practitioners_do_most_of_the_acts_for_children_as_the_source_says():
    shares = demography.pediatric_shares()
    assert list(shares.index) == ["0-2 ans", "3-5 ans", "6-16 ans"]
    # l. 1958: « plus de 60 % des actes des enfants de moins de 2 ans », « plus de la moitié » in ALD,
    # « quasiment la même » for the older bands. This also checks the three reconstructed values.
    assert (shares["part_mg_tous"] > 0.6).all() and (shares["part_mg_ald"] > 0.5).all()
    assert shares.loc["0-2 ans", "part_mg_tous"] < 0.65
    # Paediatricians see far more children each, general practitioners are about twenty times as many.
    assert (shares["actes_par_pediatre"] > 2 * shares["actes_par_mg"]).all()
    assert (shares["mg_par_pediatre"] > 20).all()


def test_reconstructed_values_are_flagged():
    t = data.load_table("activite_pediatrique_2023")
    rebuilt = t[t["lecture"] == "reconstitué"]
    assert set(rebuilt["actes"]) == {400_758, 73_421, 19_884_506}
    assert rebuilt["reference"].str.contains("imprimé").all()
