"""Aides pour les chapitres du livre : tableaux sourcés, valeurs « glue », liens vers les tableaux de bord.

Chapters call these helpers so that every number in the prose comes from ``data/``.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from . import data
from .formatting import format_count, format_range, format_ranges, french_number

# Where ``atelier serve`` mounts the book and the dashboards (one server, one port).
BOOK_PREFIX = "/livre/"
DASHBOARD_PREFIX = "/voila/render/"


class Text(str):
    """Already formatted text for ``{glue:text}`` (myst-nb strips the quotes of a string's repr with
    ``literal_eval``; a bare « 13,3 » would be read as the tuple (13, 3))."""


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


def _figure(ds: data.Dataset, body: str) -> HTML:
    caption = html.escape(ds.title)
    population = ds.meta.get("population")
    if population:
        caption += f" — population : {html.escape(population)}."
    return HTML(
        f"<figure class='atelier-donnees'><figcaption><strong>{caption}</strong></figcaption>{body}"
        f"<p class='atelier-source'>Source : {html.escape(ds.citation)}{_links(ds)}</p></figure>"
    )


def _links(ds: data.Dataset) -> str:
    """The addresses where the reader can open the source, as links."""
    return "".join(
        f" <a href='{html.escape(url)}' rel='noopener'>{html.escape(url)}</a>" for url in ds.urls if url.startswith("https://")
    )


def source_table(name: str, columns: dict[str, str] | None = None, where: dict[str, object] | None = None,
                 percent: tuple[str, ...] = (), years: tuple[str, ...] = ()) -> HTML:
    """A dataset as an HTML table (chosen columns, French headers) with its title and source.

    Ecology tables get a formatted ``pour_1000`` column (single figure or range); numbers are written
    the French way, and the ``percent`` columns (proportions) as percentages; the ``years`` columns
    are written as plain years (« 2024 », not « 2 024 »).
    ``where`` keeps the rows whose columns equal the given values.
    """
    ds = data.load(name)
    table = ds.table
    if "ordre" in table:
        table = table.sort_values("ordre")
    for column, value in (where or {}).items():
        table = table[table[column] == value]
    if "pour_1000_min" in table:
        table = table.assign(pour_1000=format_ranges(table, "pour_1000"))
    columns = columns or {"niveau": "Niveau", "pour_1000": "Pour 1 000, par mois"}
    shown = table[list(columns)].copy()
    for column in shown.columns:
        if column in years:
            shown[column] = ["—" if pd.isna(v) else str(int(v)) for v in shown[column]]
        elif pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = [french_number(v, column in percent) for v in shown[column]]
        else:
            shown[column] = shown[column].fillna("—").replace("", "—")
    shown = shown.rename(columns=columns)
    return _figure(ds, shown.to_html(index=False, border=0, classes="table atelier-table", escape=True))


def definition_list(name: str, term: str, body: str, where: dict[str, object] | None = None,
                    ref: str | None = "reference") -> HTML:
    """A dataset as a list of terms and explanations (values, pillars, missions…), with its source."""
    ds = data.load(name)
    table = ds.table.sort_values("ordre") if "ordre" in ds.table else ds.table
    for column, value in (where or {}).items():
        table = table[table[column] == value]
    items = []
    for row in table.to_dict("records"):
        note = f" <span class='atelier-ref'>({html.escape(str(row[ref]))})</span>" if ref else ""
        items.append(f"<dt>{html.escape(str(row[term]))}</dt><dd>{html.escape(str(row[body]))}{note}</dd>")
    return _figure(ds, f"<dl class='atelier-liste'>{''.join(items)}</dl>")


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


def self_check_cases(name: str, question: str, answer: str, explanation: str, ref: str = "reference",
                     answer_labels: dict[str, str] | None = None) -> HTML:
    """Short cases from a dataset, each with its answer folded until the reader opens it."""
    ds = data.load(name)
    labels = answer_labels or {}
    items = []
    for row in ds.table.to_dict("records"):
        shown = labels.get(str(row[answer]), str(row[answer]))
        items.append(
            f"<li class='atelier-cas'><p>{html.escape(str(row[question]))}</p>"
            f"<details><summary>Voir la réponse</summary><p><strong>{html.escape(shown)}.</strong> "
            f"{html.escape(str(row[explanation]))} <span class='atelier-ref'>({html.escape(str(row[ref]))})</span>"
            "</p></details></li>"
        )
    return _figure(ds, f"<ol class='atelier-cas-liste'>{''.join(items)}</ol>")
