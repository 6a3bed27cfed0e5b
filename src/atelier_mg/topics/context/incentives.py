"""Rémunération et incitations : frise des dispositifs qui ont payé le médecin traitant sur des objectifs.

The timeline is a dataset of ``data/`` (one row per scheme, first and last year, what it paid for).
A scheme still in force has no last year: the chart draws it up to the year of the book's update.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ...core import data

DATASET = "dispositifs_remuneration"
UPDATE_YEAR = 2026  # schemes in force are drawn up to this year (the book describes 2026).
STATES = {False: "terminé", True: f"en vigueur fin {UPDATE_YEAR}"}


def schemes() -> pd.DataFrame:
    """The schemes in chronological order, with ``jusqu_a`` (last year drawn) and ``periode`` (French text)."""
    table = data.load_table(DATASET).sort_values("ordre").copy()
    table["en_cours"] = table["fin"].isna()
    table["jusqu_a"] = table["fin"].fillna(UPDATE_YEAR).astype(int)
    table["periode"] = [
        f"depuis {d}" if open_ else (f"{d}" if d == f else f"{d} à {int(f)}")
        for d, f, open_ in zip(table["debut"], table["fin"], table["en_cours"], strict=True)
    ]
    return table.reset_index(drop=True)


def describe() -> str:
    """Text alternative of the timeline: every scheme with its period."""
    parts = [f"{row.court} ({row.periode})" for row in schemes().itertuples()]
    return "Frise des dispositifs, dans l'ordre chronologique : " + " ; ".join(parts) + "."


def chart() -> alt.LayerChart:
    """Horizontal bars from the first to the last year of each scheme, labelled with their period."""
    table = schemes()
    table["fin_trait"] = table["jusqu_a"] + 1  # a bar covers its last year entirely
    table["etat"] = table["en_cours"].map(STATES)
    order = list(table["court"])
    y = alt.Y("court:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    bars = alt.Chart(table).mark_bar(height=16).encode(
        x=alt.X("debut:Q", title="Année", scale=alt.Scale(domain=[2003, UPDATE_YEAR + 5]),
                axis=alt.Axis(format="d", tickMinStep=1)),
        x2="fin_trait:Q",
        y=y,
        color=alt.Color("etat:N", scale=alt.Scale(domain=list(STATES.values()), range=["#757575", "#2166ac"]),
                        legend=alt.Legend(title="État")),
        tooltip=[alt.Tooltip("dispositif:N", title="Dispositif"), alt.Tooltip("periode:N", title="Période"),
                 alt.Tooltip("cadre:N", title="Cadre")],
    )
    labels = alt.Chart(table).mark_text(align="left", dx=4, fontSize=12).encode(
        x="fin_trait:Q", y=y, text="periode:N")
    return (bars + labels).properties(
        width=480, height=30 * len(table),
        title="Du médecin traitant au forfait de 2026 : les dispositifs et leurs dates",
        description=describe(),
    ).configure_view(stroke=None).configure_title(anchor="start", fontSize=14)

