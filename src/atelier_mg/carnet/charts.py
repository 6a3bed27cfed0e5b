"""Graphiques du carnet de compétences : radar des deux évaluations, grille de couverture familles × compétences."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from . import model as cm

COLOURS = {"auto": "#d95f02", "msu": "#1b6ca8"}


def radar_points(table: pd.DataFrame) -> pd.DataFrame:
    """Cartesian points of the two ratings on the radar (missing rating = centre), closed polygons."""
    n = len(table)
    rows = []
    for rater, label in cm.RATERS.items():
        ranks = list(table[f"rang_{rater}"])
        for i in range(n + 1):  # back to the first axis to close the polygon
            k = i % n
            angle = 2 * math.pi * k / n
            r = ranks[k] or 0
            rows.append({
                "evaluation": label, "ordre": i, "competence": table["competence"].iloc[k],
                "niveau": table[rater].iloc[k] or "non évalué", "x": r * math.sin(angle), "y": r * math.cos(angle),
            })
    return pd.DataFrame(rows)


def radar_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Self-assessment and MSU assessment overlaid on one radar (3 rings = 3 levels)."""
    levels = cm.referentials()["niveaux"]
    n, top = len(table), int(levels["rang"].max())
    rings = pd.DataFrame([
        {"anneau": r, "ordre": i, "x": r * math.sin(2 * math.pi * (i % n) / n), "y": r * math.cos(2 * math.pi * (i % n) / n)}
        for r in range(1, top + 1) for i in range(n + 1)
    ])
    spokes = pd.DataFrame([
        {"x": 0.0, "y": 0.0, "x2": top * math.sin(2 * math.pi * i / n), "y2": top * math.cos(2 * math.pi * i / n)}
        for i in range(n)
    ])
    labels = pd.DataFrame([
        {"competence": table["competence"].iloc[i], "x": (top + 0.75) * math.sin(2 * math.pi * i / n),
         "y": (top + 0.45) * math.cos(2 * math.pi * i / n)}
        for i in range(n)
    ])
    ring_names = pd.DataFrame({"y": levels["rang"].astype(float), "x": 0.08, "niveau": levels["niveau"]})
    scale = alt.Scale(domain=[-(top + 1.6), top + 1.6])
    x, y = alt.X("x:Q", scale=scale, axis=None), alt.Y("y:Q", scale=scale, axis=None)
    grid = alt.Chart(rings).mark_line(color="#c8c8c8", strokeWidth=1).encode(x=x, y=y, detail="anneau:N", order="ordre:Q")
    rules = alt.Chart(spokes).mark_rule(color="#c8c8c8").encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    names = alt.Chart(labels).mark_text(fontSize=11, fontWeight="bold").encode(x=x, y=y, text="competence:N")
    rnames = alt.Chart(ring_names).mark_text(fontSize=9, align="left", color="#666", dy=-5).encode(x=x, y=y, text="niveau:N")
    colour = alt.Color(
        "evaluation:N",
        scale=alt.Scale(domain=list(cm.RATERS.values()), range=list(COLOURS.values())),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    # Colour is never the only carrier: the MSU line is dashed and its points are squares.
    raters = list(cm.RATERS.values())
    dash = alt.StrokeDash("evaluation:N", scale=alt.Scale(domain=raters, range=[[1, 0], [6, 4]]), legend=None)
    shape = alt.Shape("evaluation:N", scale=alt.Scale(domain=raters, range=["circle", "square"]), legend=None)
    pts = radar_points(table)
    lines = alt.Chart(pts).mark_line(strokeWidth=2.5, opacity=0.85).encode(
        x=x, y=y, color=colour, strokeDash=dash, order="ordre:Q", detail="evaluation:N"
    )
    dots = alt.Chart(pts).mark_point(filled=True, size=55).encode(
        x=x, y=y, color=colour, shape=shape,
        tooltip=[alt.Tooltip("evaluation:N", title="Évaluation"), alt.Tooltip("competence:N", title="Compétence"),
                 alt.Tooltip("niveau:N", title="Niveau")],
    )
    return alt.layer(grid, rules, rnames, names, lines, dots).properties(
        width=420, height=420,
        title="Auto-évaluation et évaluation du MSU par compétence",
        description=(
            f"Radar des {n} compétences : anneaux du centre vers l'extérieur novice, intermédiaire, compétent ; "
            "une ligne continue à points ronds pour l'auto-évaluation de l'interne, une ligne pointillée à points "
            "carrés pour l'évaluation du MSU ; le centre signifie non évalué. Le tableau qui suit le radar donne "
            "les mêmes niveaux en texte."
        ),
    ).configure_view(stroke=None)


def coverage_chart(grid: pd.DataFrame) -> alt.LayerChart:
    """Heatmap families × competencies; empty cells stand out as what has not been met yet."""
    fam = cm.labels("familles", "libelle_court")
    comp = cm.labels("competences", "libelle_court", cm.grid_of(grid.columns))
    long = grid.stack().rename("traces").reset_index()
    long["famille_libelle"] = [f"{c} {fam[c]}" for c in long["famille"]]
    long["competence_libelle"] = [f"{c} {comp[c]}" for c in long["competence"]]
    fam_order = [f"{c} {fam[c]}" for c in grid.index]
    comp_order = [f"{c} {comp[c]}" for c in grid.columns]
    top = max(int(long["traces"].max()), 1)
    base = alt.Chart(long).encode(
        x=alt.X("competence_libelle:N", sort=comp_order, title="Compétences",
                axis=alt.Axis(labelAngle=-35, labelLimit=160, orient="top")),
        y=alt.Y("famille_libelle:N", sort=fam_order, title="Familles de situations", axis=alt.Axis(labelLimit=240)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.condition(
            "datum.traces == 0",
            alt.value("#f1e4e4"),
            alt.Color("traces:Q", scale=alt.Scale(scheme="blues", domain=[0, top]),
                      legend=alt.Legend(title="Traces", format="d", tickMinStep=1)),
        ),
        tooltip=[alt.Tooltip("famille_libelle:N", title="Famille"), alt.Tooltip("competence_libelle:N", title="Compétence"),
                 alt.Tooltip("traces:Q", title="Traces")],
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("traces:Q"),
        color=alt.condition(f"datum.traces > {top / 2}", alt.value("white"), alt.value("#333")),
    )
    return alt.layer(cells, text).properties(
        width=len(grid.columns) * 46, height=len(grid.index) * 24,
        title=alt.Title(
            "Grille de synthèse : traces par famille de situations et par compétence",
            subtitle="Cases rosées : combinaison pas encore rencontrée",
        ),
        description=(
            f"Tableau de couverture : {len(grid.index)} familles de situations en lignes, {len(grid.columns)} "
            "compétences en colonnes ; "
            "chaque case donne le nombre de traces d'apprentissage ; les cases vides sont à rencontrer."
        ),
    ).configure_view(stroke=None)
