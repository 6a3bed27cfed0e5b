"""Démographie et activité des médecins généralistes : calculs sur les tableaux de l'annexe 1 du référentiel 2025.

Pure functions over the datasets of ``data/`` (no hard-coded figure): changes between two years of
the 2016-2022 series, compound annual rate, and the general practitioners' share of the acts for
children in each age band. The chapter glues their results; the tests check them against the
sentences of the source (« baissé de 4 % », « plus de 60 % des actes des enfants de moins de 2 ans »).
"""

from __future__ import annotations

import pandas as pd

from ...core import data

SERIES = "demographie_mg_2016_2022"
PEDIATRICS = "activite_pediatrique_2023"
GP = "Généraliste"


def series() -> pd.DataFrame:
    """The 2016-2022 series, one row per year (index: the year)."""
    return data.load_table(SERIES).set_index("annee").sort_index()


def change(column: str, start: int | None = None, end: int | None = None) -> float:
    """Relative change of a column of the series between two years (default: first and last), e.g. −0.04."""
    s = series()
    if column not in s:
        raise data.DataError(f"Colonne « {column} » inconnue dans la série 2016-2022.")
    start = s.index.min() if start is None else start
    end = s.index.max() if end is None else end
    for year in (start, end):
        if year not in s.index:
            raise data.DataError(f"Année {year} absente de la série (années : {', '.join(map(str, s.index))}).")
    return float(s.loc[end, column] / s.loc[start, column] - 1)


def annual_rate(column: str = "medecins") -> float:
    """Compound annual rate of change of a column between the first and last years of the series."""
    s = series()
    first, last = s.index.min(), s.index.max()
    return float((s.loc[last, column] / s.loc[first, column]) ** (1 / (last - first)) - 1)


def projected(year: int, column: str = "medecins") -> float:
    """Value of a column in ``year`` if its compound annual rate of the series went on (a what-if, not a forecast)."""
    s = series()
    last = s.index.max()
    return float(s.loc[last, column] * (1 + annual_rate(column)) ** (year - last))


def implied_total(column: str, year: int) -> float:
    """Doctors × mean per doctor: e.g. the patients médecin traitant of all the doctors of the field."""
    s = series()
    return float(s.loc[year, "medecins"] * s.loc[year, column])


def pediatric_shares() -> pd.DataFrame:
    """Per age band: acts of all the professionals, general practitioners' share of the acts (all patients and
    patients in ALD), and acts per professional for general practitioners and paediatricians."""
    t = data.load_table(PEDIATRICS)
    rows = []
    for band, group in t.groupby("tranche", sort=False):
        row = {"tranche": band}
        for scope, suffix in (("tous", "tous"), ("en ALD", "ald")):
            g = group[group["patients"] == scope].set_index("specialite")
            row[f"actes_{suffix}"] = int(g["actes"].sum())
            row[f"part_mg_{suffix}"] = float(g.loc[GP, "actes"] / g["actes"].sum())
        everyone = group[group["patients"] == "tous"].set_index("specialite")
        row["actes_par_mg"] = float(everyone.loc[GP, "actes"] / everyone.loc[GP, "professionnels"])
        row["actes_par_pediatre"] = float(everyone.loc["Pédiatre", "actes"] / everyone.loc["Pédiatre", "professionnels"])
        row["mg_par_pediatre"] = float(everyone.loc[GP, "professionnels"] / everyone.loc["Pédiatre", "professionnels"])
        rows.append(row)
    return pd.DataFrame(rows).set_index("tranche")
