"""Graphiques et exports du carnet de compétences : radar, grille de couverture, synthèse imprimable."""

from __future__ import annotations

import datetime as dt
import html
import math
from pathlib import Path

import altair as alt
import pandas as pd

from . import carnet as cm
from .charts import FORMAT_LOCALE_FR

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
    pts = radar_points(table)
    lines = alt.Chart(pts).mark_line(strokeWidth=2.5, opacity=0.85).encode(
        x=x, y=y, color=colour, order="ordre:Q", detail="evaluation:N"
    )
    dots = alt.Chart(pts).mark_point(filled=True, size=55).encode(
        x=x, y=y, color=colour,
        tooltip=[alt.Tooltip("evaluation:N", title="Évaluation"), alt.Tooltip("competence:N", title="Compétence"),
                 alt.Tooltip("niveau:N", title="Niveau")],
    )
    return alt.layer(grid, rules, rnames, names, lines, dots).properties(
        width=420, height=420,
        title="Auto-évaluation et évaluation du MSU par compétence",
        description=(
            "Radar des huit compétences : anneaux du centre vers l'extérieur novice, intermédiaire, compétent ; "
            "une ligne pour l'auto-évaluation de l'interne, une pour l'évaluation du MSU ; le centre signifie non évalué."
        ),
    ).configure_view(stroke=None)


def coverage_chart(grid: pd.DataFrame) -> alt.LayerChart:
    """Heatmap families × competencies; empty cells stand out as what has not been met yet."""
    fam, comp = cm.labels("familles", "libelle_court"), cm.labels("competences", "libelle_court")
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
        width=8 * 46, height=11 * 24,
        title=alt.Title(
            "Grille de synthèse : traces par famille de situations et par compétence",
            subtitle="Cases rosées : combinaison pas encore rencontrée",
        ),
        description=(
            "Tableau de couverture : onze familles de situations en lignes, huit compétences en colonnes ; "
            "chaque case donne le nombre de traces d'apprentissage ; les cases vides sont à rencontrer."
        ),
    ).configure_view(stroke=None)


def _svg(chart: alt.TopLevelMixin) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict(), format_locale=FORMAT_LOCALE_FR)


def _png(chart: alt.TopLevelMixin) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_dict(), scale=2, format_locale=FORMAT_LOCALE_FR)


def gaps_html(table: pd.DataFrame) -> str:
    """The assessment gaps as an HTML list (printable summary and review dashboard)."""
    items = "".join(f"<li>{html.escape(g)}</li>" for g in cm.assessment_gaps(table))
    return f"<ul>{items or '<li>Aucun écart entre les deux évaluations.</li>'}</ul>"


def missing_html(grid: pd.DataFrame) -> dict[str, str]:
    """Families and competencies not yet met, each as an HTML list."""
    missing = cm.not_yet_met(grid)
    fam, comp = cm.labels("familles", "famille"), cm.labels("competences", "competence")
    f = "".join(f"<li>{c} — {html.escape(fam[c])}</li>" for c in missing["familles"])
    c = "".join(f"<li>{k} — {html.escape(comp[k])}</li>" for k in missing["competences"])
    return {"familles": f"<ul>{f or '<li>Toutes rencontrées.</li>'}</ul>",
            "competences": f"<ul>{c or '<li>Toutes mobilisées.</li>'}</ul>"}


def summary_html(carnet: cm.Carnet, radar_svg: str | None = None, grid_svg: str | None = None) -> str:
    """One printable, self-contained HTML page: radar, gaps, grid, not-yet-met, traces."""
    table = cm.assessment_table(carnet)
    grid = cm.coverage(carnet)
    missing = missing_html(grid)
    radar_svg = radar_svg or _svg(radar_chart(table))
    grid_svg = grid_svg or _svg(coverage_chart(grid))
    e = html.escape
    traces = cm.traces_table(carnet).drop(columns=["Identifiant"])
    traces_html = traces.to_html(index=False, border=0, classes="traces", escape=True) if len(traces) else "<p>Aucune trace.</p>"
    who = e(carnet.interne) if carnet.interne else "interne"
    today = dt.date.today().strftime("%d/%m/%Y")
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Carnet de compétences — {who}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; margin: 2em; color: #222; }}
h1 {{ font-size: 18pt; margin-bottom: 0; }} h2 {{ font-size: 13pt; border-bottom: 1px solid #999; margin-top: 1.5em; }}
.meta {{ color: #555; }} figure {{ margin: 1em 0; page-break-inside: avoid; }}
table.traces {{ border-collapse: collapse; width: 100%; font-size: 9pt; }}
table.traces th, table.traces td {{ border: 1px solid #bbb; padding: 3px 5px; vertical-align: top; text-align: left; }}
@media print {{ body {{ margin: 0; }} h2 {{ page-break-after: avoid; }} }}
</style></head><body>
<h1>Carnet de compétences — {who}</h1>
<p class="meta">Synthèse éditée le {today} : {len(carnet.traces)} trace(s) d'apprentissage.
Référentiel des compétences : CMG 2025 ; familles de situations : Attali et al., Exercer 2013.</p>
<h2>Auto-évaluation et évaluation du MSU</h2>
<figure>{radar_svg}<figcaption>Anneaux : novice, intermédiaire, compétent (centre : non évalué).</figcaption></figure>
<h3>Écarts et compétences à évaluer</h3>{gaps_html(table)}
<h2>Grille de synthèse familles × compétences</h2>
<figure>{grid_svg}</figure>
<h3>Familles de situations pas encore rencontrées</h3>{missing["familles"]}
<h3>Compétences pas encore mobilisées dans une trace</h3>{missing["competences"]}
<h2>Traces d'apprentissage</h2>
{traces_html}
</body></html>"""


def export(carnet: cm.Carnet, folder: str | Path) -> dict[str, Path]:
    """Write the portfolio files into ``folder``; returns them by kind."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table, grid = cm.assessment_table(carnet), cm.coverage(carnet)
    radar, cover = radar_chart(table), coverage_chart(grid)
    radar_svg, grid_svg = _svg(radar), _svg(cover)
    files = {
        "traces_csv": folder / "traces.csv",
        "carnet_json": folder / "carnet.json",
        "radar_svg": folder / "radar.svg",
        "radar_png": folder / "radar.png",
        "grille_svg": folder / "grille.svg",
        "grille_png": folder / "grille.png",
        "synthese_html": folder / "synthese.html",
    }
    # Semicolon and BOM: opens directly in a French spreadsheet.
    cm.traces_table(carnet).to_csv(files["traces_csv"], index=False, sep=";", encoding="utf-8-sig")
    files["carnet_json"].write_text(carnet.to_json(), encoding="utf-8")
    files["radar_svg"].write_text(radar_svg, encoding="utf-8")
    files["grille_svg"].write_text(grid_svg, encoding="utf-8")
    files["radar_png"].write_bytes(_png(radar))
    files["grille_png"].write_bytes(_png(cover))
    files["synthese_html"].write_text(summary_html(carnet, radar_svg, grid_svg), encoding="utf-8")
    return files
