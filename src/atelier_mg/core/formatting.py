"""Nombres écrits à la française pour tout ce que lit l'apprenant : effectifs, fourchettes, euros.

French thousands separator (narrow no-break space), decimal comma, « 3 à 5 » for ranges.
Every chapter, simulator and dashboard formats its numbers here.
"""

from __future__ import annotations

import pandas as pd


def format_count(value: float) -> str:
    """French rendering of a count: thin space between thousands, rounded to the unit."""
    return f"{round(value):,}".replace(",", "\u202f")


def format_range(low: float, high: float) -> str:
    if round(low) == round(high):
        return format_count(low)
    return f"{format_count(low)} à {format_count(high)}"


def format_ranges(table: pd.DataFrame, prefix: str) -> list[str]:
    """:func:`format_range` of the ``<prefix>_min`` and ``<prefix>_max`` columns, row by row."""
    return [format_range(a, b) for a, b in zip(table[f"{prefix}_min"], table[f"{prefix}_max"], strict=True)]


def french_number(value: object, percent: bool = False) -> str:
    """« 0,5 % », « 12,5 », « 1 000 »: numbers as a French reader expects them."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if percent:
        return f"{value * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "\u202f%"
    if float(value).is_integer():
        return format_count(value)
    return f"{value:.3f}".rstrip("0").replace(".", ",")


def euros(value: float) -> str:
    """« 1 234 € »: an amount rounded to the euro."""
    return f"{format_count(value)}\u00a0€"
