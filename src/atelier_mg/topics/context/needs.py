"""Besoins de santé : affections de longue durée et inégalités sociales devant les maladies chroniques.

Pure functions over ``data/`` (no hard-coded figure) and one chart with its text alternative:

- :func:`ald_trend`: beneficiaries of the ALD scheme if the 2005-2022 mean growth went on (a
  what-if, not a forecast: the source gives no projection);
- :func:`implied_population`: the population implied by « 13,8 millions, soit 20,1 % »;
- :func:`inequality_chart`: relative risk of chronic diseases, poorest tenth against richest tenth.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ...core import data
from ...core.formatting import french_number

NEEDS = "besoins_sante"
INEQUALITIES = "inegalites_maladies_chroniques"
BASE_YEAR = 2022


def figures(name: str = NEEDS) -> pd.Series:
    """The values of a ``chiffres_periode`` dataset, keyed by indicator."""
    return data.load_table(name).set_index("indicateur")["valeur"]


def ald_trend(year: int, growth: float | None = None) -> float:
    """ALD beneficiaries in ``year`` if they kept growing at ``growth`` a year (default: the 2005-2022 mean)."""
    f = figures()
    rate = f["croissance_ald"] if growth is None else growth
    if not -0.5 < rate < 0.5:
        raise data.DataError(f"Taux de croissance annuel invraisemblable : {rate} (attendu entre -0,5 et 0,5).")
    return float(f["beneficiaires_ald"] * (1 + rate) ** (year - BASE_YEAR))


def implied_population() -> float:
    """Population implied by the number of ALD beneficiaries and their share of the population."""
    f = figures()
    return float(f["beneficiaires_ald"] / f["part_population_ald"])


def inequalities() -> pd.DataFrame:
    """Relative risks, highest first."""
    return data.load_table(INEQUALITIES).sort_values("valeur", ascending=False).reset_index(drop=True)


def describe_inequalities(table: pd.DataFrame | None = None) -> str:
    """French sentence with every relative risk (text alternative of the chart)."""
    table = inequalities() if table is None else table
    parts = [f"{r.libelle[0].lower() + r.libelle[1:]} : {french_number(r.valeur)}" for r in table.itertuples()]
    return ("Risque de développer une maladie chronique du dixième le plus modeste de la population rapporté à celui "
            "du dixième le plus aisé, à âge et sexe comparables : " + " ; ".join(parts) + ".")


def inequality_chart() -> alt.LayerChart:
    """Horizontal bars of the relative risks, each labelled with its value, and a rule at 1 (no difference)."""
    table = inequalities()[["libelle", "valeur"]]  # only what is drawn goes into the page
    table["etiquette"] = [french_number(v) for v in table["valeur"]]
    order = list(table["libelle"])
    base = alt.Chart(table)
    x = alt.X("valeur:Q", title="Risque relatif (dixième le plus modeste / dixième le plus aisé)",
              scale=alt.Scale(domain=[0, 3]))
    y = alt.Y("libelle:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    bars = base.mark_bar(color="#2166ac").encode(
        x=x, y=y, tooltip=[alt.Tooltip("libelle:N", title="Maladie"), alt.Tooltip("etiquette:N", title="Risque relatif")])
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(x=x, y=y, text="etiquette:N")
    rule = alt.Chart(pd.DataFrame({"un": [1]})).mark_rule(strokeDash=[4, 3], color="black").encode(x="un:Q")
    return (
        (bars + labels + rule)
        .properties(width=420, height=30 * len(table), description=describe_inequalities(table),
                    title="Maladies chroniques : risque des plus modestes rapporté à celui des plus aisés")
        .configure_view(stroke=None)
        .configure_title(anchor="start", fontSize=14)
    )
