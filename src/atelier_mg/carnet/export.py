"""Exports du carnet : synthèse imprimable (HTML autonome), fichiers du portfolio (CSV, JSON, SVG, PNG)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pandas as pd

from ..core.charts import to_png, to_svg
from . import analysis
from . import model as cm
from .charts import coverage_chart, radar_chart

DEFAULT_FOLDER = "export_portfolio"
_FOLDER_NAME = re.compile(r"^\w[\w .-]{0,59}$")


def portfolio_folder(carnet_path: Path | None, name: str) -> Path:
    """Where to export: a plain folder name, always created next to the carnet file, never a path.

    Whatever is typed cannot name another place on the machine (no ``/``, no ``..``).
    """
    name = (name or "").strip() or DEFAULT_FOLDER
    if not _FOLDER_NAME.match(name) or ".." in name:
        raise cm.CarnetError(
            f"Nom de dossier d'export refusé : « {name} ». Donnez un simple nom de dossier (lettres, chiffres, "
            "espace, « - », « _ » ou « . », sans « / » ni « .. ») : il sera créé à côté du carnet."
        )
    base = carnet_path.parent if carnet_path is not None else Path.cwd()
    return base / name


def assessment_html(table: pd.DataFrame) -> str:
    """The radar as an HTML table (its text alternative): one row per competency, both levels, the gap."""
    levels = cm.labels("niveaux", "niveau")

    def level(code) -> str:
        return levels[code] if code else "non évalué"

    def gap(value) -> str:
        if value is None:
            return "—"
        return "identique" if value == 0 else ("auto-évaluation plus haute" if value > 0 else "auto-évaluation plus basse")

    rows = "".join(
        f"<tr><th scope='row'>{html.escape(str(r.code))} {html.escape(str(r.competence))}</th>"
        f"<td>{html.escape(level(r.auto))}</td><td>{html.escape(level(r.msu))}</td><td>{gap(r.ecart)}</td></tr>"
        for r in table.itertuples()
    )
    return (
        "<table class='atelier-table atelier-radar-texte'><caption>Niveaux du radar en texte, compétence par "
        "compétence</caption><thead><tr><th scope='col'>Compétence</th><th scope='col'>Auto-évaluation de "
        "l'interne</th><th scope='col'>Évaluation du MSU</th><th scope='col'>Écart</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def gaps_html(table: pd.DataFrame) -> str:
    """The assessment gaps as an HTML list (printable summary and review dashboard)."""
    items = "".join(f"<li>{html.escape(g)}</li>" for g in analysis.assessment_gaps(table))
    return f"<ul>{items or '<li>Aucun écart entre les deux évaluations.</li>'}</ul>"


def missing_html(grid: pd.DataFrame) -> dict[str, str]:
    """Families and competencies not yet met, each as an HTML list."""
    missing = analysis.not_yet_met(grid)
    fam = cm.labels("familles", "famille")
    comp = cm.labels("competences", "competence", cm.grid_of(grid.columns))
    f = "".join(f"<li>{c} — {html.escape(fam[c])}</li>" for c in missing["familles"])
    c = "".join(f"<li>{k} — {html.escape(comp[k])}</li>" for k in missing["competences"])
    return {"familles": f"<ul>{f or '<li>Toutes rencontrées.</li>'}</ul>",
            "competences": f"<ul>{c or '<li>Toutes mobilisées.</li>'}</ul>"}


def summary_html(carnet: cm.Carnet, radar_svg: str | None = None, grid_svg: str | None = None) -> str:
    """One printable, self-contained HTML page: radar, gaps, grid, not-yet-met, traces."""
    table = analysis.assessment_table(carnet)
    grid = analysis.coverage(carnet)
    missing = missing_html(grid)
    radar_svg = radar_svg or to_svg(radar_chart(table))
    grid_svg = grid_svg or to_svg(coverage_chart(grid))
    e = html.escape
    traces = analysis.traces_table(carnet).drop(columns=["Identifiant"])
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
Grille de compétences : {e(cm.GRID_SOURCES[carnet.grille])} ; familles de situations : Attali et al., Exercer 2013.</p>
<h2>Auto-évaluation et évaluation du MSU</h2>
<figure>{radar_svg}<figcaption>Anneaux : novice, intermédiaire, compétent (centre : non évalué). Ligne continue
et points ronds : auto-évaluation ; ligne pointillée et points carrés : MSU.</figcaption></figure>
{assessment_html(table)}
<h3>Écarts et compétences à évaluer</h3>{gaps_html(table)}
<h2>Grille de synthèse familles × compétences</h2>
<figure>{grid_svg}</figure>
<h3>Familles de situations pas encore rencontrées</h3>{missing["familles"]}
<h3>Compétences pas encore mobilisées dans une trace</h3>{missing["competences"]}
<h2>Traces d'apprentissage</h2>
{traces_html}
</body></html>"""


def write_portfolio(carnet: cm.Carnet, folder: str | Path) -> dict[str, Path]:
    """Write the portfolio files into ``folder``; returns them by kind."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table, grid = analysis.assessment_table(carnet), analysis.coverage(carnet)
    radar, cover = radar_chart(table), coverage_chart(grid)
    radar_svg, grid_svg = to_svg(radar), to_svg(cover)
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
    analysis.traces_table(carnet).to_csv(files["traces_csv"], index=False, sep=";", encoding="utf-8-sig")
    files["carnet_json"].write_text(carnet.to_json(), encoding="utf-8")
    files["radar_svg"].write_text(radar_svg, encoding="utf-8")
    files["grille_svg"].write_text(grid_svg, encoding="utf-8")
    files["radar_png"].write_bytes(to_png(radar))
    files["grille_png"].write_bytes(to_png(cover))
    files["synthese_html"].write_text(summary_html(carnet, radar_svg, grid_svg), encoding="utf-8")
    return files
