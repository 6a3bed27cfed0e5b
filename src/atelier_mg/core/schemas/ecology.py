"""Schéma des taux de l'écologie des soins (personnes pour 1 000 par mois)."""

from __future__ import annotations

import pandera.pandas as pa

from .checks import at_least, between, non_empty, one_of


def _first_row_is_reference(df):
    first = df.sort_values("ordre").iloc[0]
    return bool(first["pour_1000_min"] == 1000 and first["pour_1000_max"] == 1000)


ECOLOGIE = pa.DataFrameSchema(
    {
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "code": pa.Column(
            str,
            pa.Check.str_matches(r"^[a-z_]+$", error="le code ne doit contenir que des minuscules et « _ »"),
            unique=True,
        ),
        "niveau": pa.Column(str, non_empty()),
        "pour_1000_min": pa.Column(float, between(0, 1000), coerce=True),
        "pour_1000_max": pa.Column(float, between(0, 1000), coerce=True),
        "reference": pa.Column(str, non_empty()),
    },
    checks=[
        pa.Check(
            lambda df: df["pour_1000_min"] <= df["pour_1000_max"],
            error="la borne basse (pour_1000_min) dépasse la borne haute (pour_1000_max)",
        ),
        pa.Check(
            _first_row_is_reference,
            error="la première ligne (ordre le plus petit) doit être la population de référence, 1 000 pour 1 000",
        ),
    ],
    strict=True,
)


TERRITOIRES = pa.DataFrameSchema(
    {
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "code": pa.Column(
            str,
            pa.Check.str_matches(r"^[a-z_]+$", error="le code ne doit contenir que des minuscules et « _ »"),
            unique=True,
        ),
        "territoire": pa.Column(str, non_empty(), unique=True),
        "population": pa.Column(int, between(1000, 1_000_000), coerce=True),
        "statut": pa.Column(str, one_of(["illustratif"], "statut")),
        "ordre_de_grandeur": pa.Column(str, non_empty()),
    },
    strict=True,
)
