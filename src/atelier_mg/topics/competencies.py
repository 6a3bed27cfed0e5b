"""Référentiel de compétences : les huit compétences de 2025, leurs manifestations et les autres cadres.

Pure functions over the datasets of ``data/`` (tables and HTML fragments for the chapters); the
answer checking of graded exercises is :func:`atelier_mg.core.answers.score_answers`.
"""

from __future__ import annotations

import html

import pandas as pd

from ..core import data
from ..core.sources import readable


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
            f"<li>{html.escape(b.comportement)} <span class='atelier-ref'>({html.escape(readable(b.reference))})</span></li>"
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
