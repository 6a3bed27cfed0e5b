"""Besoins de santé : tendance des ALD, population implicite, graphique des inégalités et son texte."""

from __future__ import annotations

import math
import re

import pytest

from atelier_mg.core import charts, data
from atelier_mg.topics.context import needs


def test_ald_trend_compounds_the_published_growth():
    assert math.isclose(needs.ald_trend(2022), 13_800_000)
    assert math.isclose(needs.ald_trend(2023), 13_800_000 * 1.028)
    # Going back to 2005 at the same rate: about 8.6 million (a check of the orders of magnitude, not a datum).
    assert 8.5e6 < needs.ald_trend(2005) < 8.7e6
    assert needs.ald_trend(2030, growth=0) == 13_800_000
    with pytest.raises(data.DataError, match="invraisemblable"):
        needs.ald_trend(2030, growth=2.8)


def test_implied_population_is_that_of_france():
    # 13.8 million = 20.1 % of the population: about 68.7 million people.
    assert 68.5e6 < needs.implied_population() < 68.8e6


def test_inequality_chart_shows_every_risk_and_says_it_in_words():
    table = needs.inequalities()
    assert list(table["valeur"]) == sorted(table["valeur"], reverse=True) and (table["valeur"] > 1).all()
    text = needs.describe_inequalities()
    for row in table.itertuples():
        assert f"{row.libelle.lower()} : " in text.lower()
    assert "diabète : 2,8" in text and "respiratoires chroniques : 1,58" in text
    spec = needs.inequality_chart().to_dict()
    assert spec["description"] == text
    rows = next(iter(spec["datasets"].values()))
    assert set(rows[0]) == {"libelle", "valeur", "etiquette"}  # no internal reference (« source 001 l. … ») in the page
    rendered = [t for t in re.findall(r">([^<]+)<", charts.to_svg(needs.inequality_chart())) if t.strip()]
    assert {"2,8", "1,58", "1,4"} <= set(rendered) and "Diabète" in rendered
