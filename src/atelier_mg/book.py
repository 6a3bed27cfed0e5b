"""Aides pour les chapitres du livre : tableaux sourcés, valeurs « glue », liens vers les tableaux de bord.

Chapters call these helpers so that every number in the prose comes from ``data/``.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from . import data
from .ecology import format_count, format_range, format_ranges

# Where ``atelier serve`` mounts the book and the dashboards (one server, one port).
BOOK_PREFIX = "/livre/"
DASHBOARD_PREFIX = "/voila/render/"


class Text(str):
    """A string whose repr is itself, so that ``{glue:text}`` shows it without quotes."""

    def __repr__(self) -> str:  # noqa: D105
        return str(self)


def figures(name: str) -> dict[str, Text]:
    """Formatted per-1,000 figure of each level of an ecology dataset, keyed by level code."""
    table = data.load_table(name)
    return {
        row.code: Text(format_range(row.pour_1000_min, row.pour_1000_max))
        for row in table.itertuples()
    }


def glue_figures(name: str, prefix: str) -> dict[str, Text]:
    """Glue every level of a dataset as ``<prefix>_<code>`` for use in the prose."""
    from myst_nb import glue

    values = figures(name)
    for code, value in values.items():
        glue(f"{prefix}_{code}", value, display=False)
    return values


def glue_value(key: str, value: float | str) -> Text:
    """Glue one formatted value (numbers get French thousands separators)."""
    from myst_nb import glue

    text = Text(format_count(value) if isinstance(value, (int, float)) else value)
    glue(key, text, display=False)
    return text


def source_table(name: str, columns: dict[str, str] | None = None) -> HTML:
    """A dataset as an HTML table with its title and source, as shown to learners."""
    ds = data.load(name)
    columns = columns or {"niveau": "Niveau", "pour_1000": "Pour 1 000, par mois"}
    table = ds.table.sort_values("ordre").copy()
    table["pour_1000"] = format_ranges(table, "pour_1000")
    shown = table[list(columns)].rename(columns=columns)
    caption = html.escape(ds.title)
    body = shown.to_html(index=False, border=0, classes="table atelier-table", escape=True)
    src = html.escape(ds.citation)
    population = html.escape(ds.meta.get("population", ""))
    return HTML(
        f"<figure class='atelier-donnees'><figcaption><strong>{caption}</strong> — "
        f"population : {population}.</figcaption>{body}"
        f"<p class='atelier-source'>Source : {src}</p></figure>"
    )


def dashboard_link(dashboard: str, label: str = "Ouvrir le simulateur en direct (tableau de bord Voilà)") -> HTML:
    """Link from a book page to its live dashboard served by ``atelier serve``."""
    href = f"{DASHBOARD_PREFIX}{dashboard}.ipynb"
    return HTML(
        f"<p class='atelier-lien-direct'><a href='{href}' data-atelier-tableau='{dashboard}'>{html.escape(label)}</a>"
        " — pour une séance en groupe (nécessite <code>atelier serve</code>).</p>"
    )


def book_link(page: str, label: str = "Retour au chapitre du livre") -> HTML:
    """Link from a dashboard back to its book page."""
    href = f"{BOOK_PREFIX}{page}.html"
    # A new tab: JupyterLab's renderer (used by Voilà) intercepts same-tab links to local paths.
    return HTML(
        f"<p class='atelier-lien-livre'><a href='{href}' target='_blank' rel='noopener'>{html.escape(label)}</a></p>"
    )


def as_frame(name: str) -> pd.DataFrame:
    """The validated table of a dataset (for chapters that show or compute on it)."""
    return data.load_table(name)
