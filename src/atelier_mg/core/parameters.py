"""Tables de paramètres des simulateurs (valeur, bornes, unité, statut) : lecture et contrôle des bornes.

Each simulator model (screening biases, territory capacity, team capacity, DMG planning) reads its
parameters from one ``data/`` table and refuses, in French, any value outside the table's bounds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields

import pandas as pd

from . import data


def parameter_table(dataset: str) -> pd.DataFrame:
    """The parameters' values, bounds, units and explanations of ``dataset``, in display order, by code."""
    return data.load_table(dataset).sort_values("ordre").set_index("code")


def parameter_values(table: pd.DataFrame, codes: dict[str, str]) -> dict[str, float]:
    """The value of each field's row (``codes`` maps a field to its row), as a float: a model's defaults."""
    return {attr: float(table.loc[code, "valeur"]) for attr, code in codes.items()}


def bound_problems(params, table: pd.DataFrame, codes: dict[str, str], template: str,
                   name: Callable[[str], str] = str.lower,
                   extra: Callable[[str, float, pd.Series], str | None] | None = None) -> list[str]:
    """French messages for the fields of the dataclass ``params`` that are not finite numbers within the
    bounds of their row (``codes`` maps a field to its row). ``template`` words a message with ``{nom}``
    (the row's label passed through ``name``), ``{low}``, ``{high}`` and ``{value}``; ``extra`` may add a
    message for a value within its bounds."""
    problems = []
    for f in fields(params):
        value, row = getattr(params, f.name), table.loc[codes[f.name]]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not row["minimum"] <= value <= row["maximum"]:
            problems.append(template.format(nom=name(row["libelle"]), low=row["minimum"], high=row["maximum"],
                                            value=value))
        elif extra is not None and (message := extra(f.name, value, row)):
            problems.append(message)
    return problems
