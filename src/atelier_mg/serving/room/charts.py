"""Graphiques de la salle : compilation Vega des simulateurs, distribution des réponses (Altair)."""

from __future__ import annotations

import re
from typing import Any

import altair as alt


def to_vega(spec: dict[str, Any]) -> dict[str, Any]:
    """A Vega-Lite spec compiled to Vega on the server (offline): the page then needs only vega.min.js."""
    import vl_convert as vlc

    match = re.search(r"/v(\d+)\.(\d+)", spec.get("$schema", ""))
    available = vlc.get_vegalite_versions()
    version = f"{match.group(1)}.{match.group(2)}" if match else available[-1]
    if version not in available:
        version = available[-1]
    return vlc.vegalite_to_vega(spec, vl_version=version)


def choices_chart(big: bool = False) -> alt.LayerChart:
    """Participants per choice; the expected choice turns green once revealed (data set « reponses »)."""
    base = alt.Chart(alt.NamedData("reponses")).encode(
        y=alt.Y("choix:N", sort=None, title=None, axis=alt.Axis(labelLimit=520 if big else 320, labelFontSize=20 if big else 14)),
        x=alt.X("nombre:Q", title="Participants", axis=alt.Axis(tickMinStep=1, format="d", labelFontSize=18 if big else 11,
                                                                  titleFontSize=18 if big else 11)),
    )
    bars = base.mark_bar().encode(
        color=alt.condition("datum.juste", alt.value("#1b7837"), alt.value("#4575b4")),
        tooltip=[alt.Tooltip("choix:N", title="Réponse"), alt.Tooltip("nombre:Q", title="Participants")],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=22 if big else 14).encode(text="nombre:Q")
    return alt.layer(bars, labels).properties(
        width=760 if big else 460, height=alt.Step(56 if big else 40),
        description="Barres horizontales : nombre de participants ayant choisi chaque réponse.",
    ).configure_view(stroke=None)


def numbers_chart(big: bool = False) -> alt.Chart:
    """Histogram of the numbers given (data set « reponses », one row per answer)."""
    return alt.Chart(alt.NamedData("reponses")).mark_bar(color="#4575b4").encode(
        x=alt.X("valeur:Q", bin=alt.Bin(maxbins=15), title="Réponse donnée",
                axis=alt.Axis(labelFontSize=18 if big else 11, titleFontSize=18 if big else 11)),
        y=alt.Y("count():Q", title="Participants", axis=alt.Axis(tickMinStep=1, format="d", labelFontSize=18 if big else 11,
                                                                   titleFontSize=18 if big else 11)),
        tooltip=[alt.Tooltip("count():Q", title="Participants")],
    ).properties(
        width=760 if big else 460, height=360 if big else 240,
        description="Histogramme des nombres répondus par les participants.",
    ).configure_view(stroke=None)


def distribution_specs(big: bool = False) -> dict[str, dict[str, Any]]:
    """The two live charts of answers; ``big`` for the projected view (read from the back of the room)."""
    return {"choix": to_vega(choices_chart(big).to_dict()), "nombres": to_vega(numbers_chart(big).to_dict())}
