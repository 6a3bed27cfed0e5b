"""Règles de contrôle communes aux schémas, chacune avec son message d'erreur en français."""

from __future__ import annotations

import pandera.pandas as pa


def non_empty() -> pa.Check:
    return pa.Check.str_length(min_value=1, error="le texte ne doit pas être vide")


def between(low: float, high: float) -> pa.Check:
    return pa.Check.in_range(low, high, error=f"la valeur doit être comprise entre {low} et {high}")


def at_least(low: float) -> pa.Check:
    return pa.Check.ge(low, error=f"la valeur doit être supérieure ou égale à {low}")


def proportion() -> pa.Check:
    return between(0, 1)


def one_of(values, what: str) -> pa.Check:
    """Value from a closed list; the French error lists the accepted values."""
    return pa.Check.isin(list(values), error=f"{what} inconnu(e) (choix : {', '.join(map(str, values))})")


def code(pattern: str, example: str) -> pa.Check:
    return pa.Check.str_matches(pattern, error=f"code invalide : format attendu comme « {example} »")


# -- columns and tables that many datasets share -------------------------------------------------

def text(unique: bool = False) -> pa.Column:
    """Non-empty French text."""
    return pa.Column(str, non_empty(), unique=unique)


def short_label(max_length: int) -> pa.Column:
    """Unique short label (chart axes, lists), at most ``max_length`` characters."""
    check = pa.Check.str_length(1, max_length, error=f"libellé court de 1 à {max_length} caractères")
    return pa.Column(str, check, unique=True)


def order() -> pa.Column:
    """Display order: unique integer from 1."""
    return pa.Column(int, at_least(1), unique=True, coerce=True)


def referential(code_pattern: str, example: str, columns: dict[str, pa.Column], ordered: bool = True,
                checks: list[pa.Check] | None = None) -> pa.DataFrameSchema:
    """A list of coded items with their wording and where the source says it (competencies, families,
    values, pillars, missions…): unique ``code``, unique ``ordre`` if ``ordered``, the given columns,
    a ``reference``; no other column."""
    head = {"code": pa.Column(str, code(code_pattern, example), unique=True)}
    if ordered:
        head["ordre"] = order()
    return pa.DataFrameSchema({**head, **columns, "reference": text()}, checks=checks, strict=True)


def _value_within_bounds(df):
    return (df["minimum"] <= df["valeur"]) & (df["valeur"] <= df["maximum"])


def simulator_parameters(example: str, statuses: list[str], reference: bool = True,
                         checks: list[pa.Check] | None = None) -> pa.DataFrameSchema:
    """A simulator's parameter table: one row per parameter with its value, bounds, step, unit, whether
    it is adjustable, its status (sourced, illustrative…) and its explanation; the value within its bounds."""
    columns = {
        "code": pa.Column(str, code(r"^[a-z_]+$", example), unique=True),
        "ordre": order(),
        "libelle": text(unique=True),
        "valeur": pa.Column(float, at_least(0), coerce=True),
        "minimum": pa.Column(float, at_least(0), coerce=True),
        "maximum": pa.Column(float, at_least(0), coerce=True),
        "pas": pa.Column(float, pa.Check.gt(0, error="le pas doit être strictement positif"), coerce=True),
        "unite": text(),
        "reglable": pa.Column(int, one_of([0, 1], "réglable"), coerce=True),
        "statut": pa.Column(str, one_of(statuses, "statut")),
        "explication": text(),
    }
    if reference:
        columns["reference"] = text()
    bounds = pa.Check(_value_within_bounds, error="la valeur doit être comprise entre le minimum et le maximum")
    return pa.DataFrameSchema(columns, checks=[bounds, *(checks or [])], strict=True)
