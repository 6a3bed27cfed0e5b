"""Référentiel de compétences : les huit compétences de 2025, leurs manifestations et les autres cadres.

Pure functions over the datasets of ``data/`` (tables and HTML fragments for the chapters); the
answer checking of graded exercises is :func:`atelier_mg.core.answers.score_answers`.
"""

from __future__ import annotations

import csv
import html
import io
from urllib.parse import quote

import pandas as pd

from ..core import data


def competencies() -> pd.DataFrame:
    return data.load_table("competences_2025").sort_values("ordre")


def behaviours() -> pd.DataFrame:
    return data.load_table("comportements_2025")


def overview_html() -> str:
    """Each competency with its summary and observable manifestations (collapsible blocks)."""
    ds = data.load("comportements_2025")
    by_comp = ds.table.groupby("competence")
    blocks = []
    for row in competencies().itertuples():
        items = "".join(
            f"<li>{html.escape(b.comportement)} <span class='atelier-ref'>({html.escape(b.reference)})</span></li>"
            for b in by_comp.get_group(row.code).itertuples()
        )
        blocks.append(
            f"<details class='atelier-competence'><summary><strong>{row.code}. {html.escape(row.competence)}</strong>"
            f" — {html.escape(row.resume)}</summary><ul>{items}</ul></details>"
        )
    return (
        "<div class='atelier-donnees'>" + "".join(blocks)
        + f"<p class='atelier-source'>Source : {html.escape(ds.citation)} Manifestations reformulées par l'équipe "
        "Atelier MG.</p></div>"
    )


def correspondence_matrix() -> pd.DataFrame:
    """Competencies 2025 (rows) × frameworks (columns); cells list the related elements.

    Main correspondences are plain, partial ones are followed by « (en partie) ».
    """
    links = data.load_table("correspondances_referentiels")
    frames = data.load_table("cadres_competences").set_index("code")
    comps = competencies()
    frameworks = ["CNGE 2013", "WONCA Europe", "CanMEDS-MF 2017"]
    rows = []
    for comp in comps.itertuples():
        row = {"Compétence 2025": f"{comp.code} {comp.libelle_court}"}
        for fw in frameworks:
            sel = links[(links["competence"] == comp.code) & (links["cadre"] == fw)]
            parts = [
                frames.loc[e, "element"] + ("" if force == "principale" else " (en partie)")
                for e, force in zip(sel["element"], sel["force"], strict=True)
            ]
            row[fw] = " ; ".join(parts) if parts else "—"
        rows.append(row)
    return pd.DataFrame(rows)


def unmatched_elements() -> pd.DataFrame:
    """Elements of the other frameworks that no 2025 competency maps to as a main correspondence."""
    links = data.load_table("correspondances_referentiels")
    main = set(links.loc[links["force"] == "principale", "element"])
    frames = data.load_table("cadres_competences")
    return frames[(frames["type"] != "dimension") & ~frames["code"].isin(main)][["cadre", "code", "element"]]


# -- mid-stage grid of the missions (downloadable from the chapter) -----------------------------

GRID_FILENAME = "grille_missions_mi_stage.csv"
GRID_STATUSES = ("Exercée", "Observée", "Jamais rencontrée")


def missions_grid_csv() -> str:
    """The mid-stage grid as CSV text for a spreadsheet: one row per mission of ``data/missions``, in the
    référentiel's order, with empty boxes to tick (semicolons and a byte-order mark, as French spreadsheets expect)."""
    missions = data.load_table("missions").sort_values("ordre")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Code", "Groupe", "Mission", *GRID_STATUSES, "Occasion à chercher ou trace prévue"])
    for row in missions.itertuples():
        writer.writerow([row.code, row.groupe, row.mission, *([""] * len(GRID_STATUSES)), ""])
    return "\ufeff" + out.getvalue()


def missions_grid_link(label: str = "Télécharger la grille de mi-stage (fichier CSV pour tableur)") -> str:
    """A link that downloads :func:`missions_grid_csv`; the file travels inside the page (no file to serve)."""
    href = "data:text/csv;charset=utf-8," + quote(missions_grid_csv())
    return (
        f"<p class='atelier-telechargement'><a href='{href}' download='{GRID_FILENAME}' type='text/csv'>"
        f"{html.escape(label)}</a> — une ligne par mission, trois colonnes à cocher "
        f"({html.escape(', '.join(GRID_STATUSES).lower())}) et une colonne pour noter l'occasion à chercher.</p>"
    )
