"""Schémas du registre des documents sources et de leur découpage en pages ou diapositives."""

from __future__ import annotations

import pandera.pandas as pa

from .checks import at_least, code, non_empty, text

DOCUMENTS_SOURCES = pa.DataFrameSchema(
    {
        "document": pa.Column(str, code(r"^\d{3}$", "001"), unique=True),
        "titre_court": text(unique=True),
        "reference": text(),
        "acces": text(),
        "url": pa.Column(str, pa.Check.str_matches(r"^https://", error="adresse en https:// attendue"), nullable=True),
    },
    strict=True,
)


def _lines_increase(df) -> bool:
    return all(group["ligne"].is_monotonic_increasing and group["ligne"].is_unique for _, group in df.groupby("document"))


def _pages_never_go_back(df) -> bool:
    return all(group["page"].dropna().is_monotonic_increasing for _, group in df.groupby("document"))


SECTIONS_SOURCES = pa.DataFrameSchema(
    {
        "document": pa.Column(str, code(r"^\d{3}$", "001")),
        "ligne": pa.Column(int, at_least(1), coerce=True),
        "page": pa.Column(float, at_least(1), nullable=True, coerce=True),
        "titre": pa.Column(str, non_empty()),
    },
    checks=[
        pa.Check(_lines_increase, error="dans un document, les lignes de début doivent croître sans doublon"),
        pa.Check(_pages_never_go_back, error="dans un document, les numéros de page ne doivent jamais reculer"),
    ],
    strict=True,
)
