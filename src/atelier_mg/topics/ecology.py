"""Écologie des soins : modèle, graphique et simulateur.

Model: the published rates (persons per 1,000 per month, sometimes a range) scaled to
a territory's population and to a number of months. Over several months the result
is a number of person-months: the same person may be counted in several months,
and the studies do not give the number of distinct persons over a year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import pandas as pd

from ..core import charts, data, ui
from ..core.formatting import format_count, format_range, format_ranges

SCHEMA = "ecologie"
DEFAULT_DATASET = "ecologie_white_1961"
MAX_POPULATION = 100_000_000
MAX_MONTHS = 120

# Territories a trainee meets, offered as presets: illustrative sizes kept in data/ with their origin.
TERRITORIES_DATASET = "ecologie_territoires"
WRAP = 46  # characters per line of the count list on a phone


class SimulationError(ValueError):
    """Invalid simulator input (message in French)."""


@dataclass(frozen=True)
class Scenario:
    population: int
    months: int = 1

    def __post_init__(self) -> None:
        check_inputs(self.population, self.months)


def check_inputs(population: object, months: object) -> None:
    """Raise :class:`SimulationError` with a French message if the inputs are not usable."""
    if isinstance(population, bool) or not isinstance(population, (int, float)) or not math.isfinite(population):
        raise SimulationError(f"La population doit être un nombre, pas « {population} ».")
    if population <= 0 or population != int(population):
        raise SimulationError(f"La population doit être un nombre entier positif (reçu : {population}).")
    if population > MAX_POPULATION:
        raise SimulationError(f"La population ne peut pas dépasser {MAX_POPULATION:,} habitants.".replace(",", "\u202f"))
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise SimulationError(f"La durée doit être un nombre entier de mois entre 1 et {MAX_MONTHS} (reçu : {months}).")


def territories() -> dict[str, int]:
    """Preset territory sizes (label shown to the user → population), each marked « illustratif »."""
    table = data.load_table(TERRITORIES_DATASET).sort_values("ordre")
    return {
        f"{r.territoire} ({format_count(r.population)}, {r.statut})": int(r.population)
        for r in table.itertuples()
    }


def studies() -> list[str]:
    """The datasets offered as a « study » to choose: primary data only.

    A dataset whose metadata say ``nature: paraphrase`` (the référentiel's sentence, which mixes two
    studies with no duration) stays readable in the chapter as a lesson in critical reading, but is
    not offered as if it were a study.
    """
    return [n for n in data.available(SCHEMA) if data.load(n).meta.get("nature") != "paraphrase"]


def study_name(name: str) -> str:
    """Short name of a study (« Laporte 2024 »), as the sentences and the study selector write it."""
    ds = data.load(name)
    return ds.meta.get("etude", ds.name)


def simulate(levels: pd.DataFrame, population: int, months: int = 1) -> pd.DataFrame:
    """Counts per level for a population over a number of months.

    ``levels`` is a table of the ``ecologie`` schema. Returns one row per level with
    the expected number of persons in an average month (``par_mois_min/max``) and
    the cumulated person-months over the period (``periode_min/max``).
    """
    check_inputs(population, months)
    data.validate(levels, SCHEMA, "niveaux")
    out = levels.sort_values("ordre")[["ordre", "code", "niveau", "pour_1000_min", "pour_1000_max"]].copy()
    scale = population / 1000
    out["par_mois_min"] = out["pour_1000_min"] * scale
    out["par_mois_max"] = out["pour_1000_max"] * scale
    out["periode_min"] = out["par_mois_min"] * months
    out["periode_max"] = out["par_mois_max"] * months
    return out.reset_index(drop=True)


def simulate_dataset(name: str, population: int, months: int = 1) -> pd.DataFrame:
    """:func:`simulate` on a dataset of ``data/`` given by name."""
    return simulate(data.load_table(name), population, months)


def summary_table(result: pd.DataFrame, months: int) -> pd.DataFrame:
    """Learner-facing table (French headers) of a :func:`simulate` result."""
    table = pd.DataFrame(
        {
            "Niveau": result["niveau"],
            "Pour 1 000 par mois": format_ranges(result, "pour_1000"),
            "Personnes, mois moyen": format_ranges(result, "par_mois"),
        }
    )
    if months > 1:
        table[f"Personnes-mois sur {months} mois"] = format_ranges(result, "periode")
    return table


def describe(result: pd.DataFrame, population: int, months: int, study: str) -> str:
    """Plain-language description of the result, the text alternative of the chart."""
    base = result.iloc[0]
    parts = [f"{format_range(r.par_mois_min, r.par_mois_max)} {r.niveau}" for r in result.iloc[1:].itertuples()]
    text = (
        f"D'après {study}, sur {format_count(population)} {base.niveau} au cours d'un mois moyen : "
        + " ; ".join(parts)
        + "."
    )
    if months > 1:
        text += (
            f" Sur {months} mois, multipliez par {months} pour obtenir des personnes-mois "
            "(une même personne peut être comptée plusieurs mois)."
        )
    return text


# ---------------------------------------------------------------------------
# Chart: nested squares whose area is proportional to each level, and the counts.
# The counts are computed by Vega expressions from two parameters (population,
# months) so that the very same spec is interactive in the static book.

def _chart_rows(names: list[str]) -> pd.DataFrame:
    frames = []
    for name in names:
        ds = data.load(name)
        t = ds.table.sort_values("ordre").copy()
        t["jeu"] = name
        t["etude"] = study_name(name)
        frames.append(t[["jeu", "etude", "ordre", "code", "niveau", "pour_1000_min", "pour_1000_max"]])
    return pd.concat(frames, ignore_index=True)


def _describe_piece() -> str:
    """One level's share of :func:`describe`, as a Vega expression (the page joins the pieces with spaces)."""
    count = charts.vega_count
    low, high = "datum.par_mois_min", "datum.par_mois_max"
    number = f"({charts.vega_round(low)} == {charts.vega_round(high)} ? {count(low)} : {count(low)} + ' à ' + {count(high)})"
    end = ("(mois > 1 ? ' Sur ' + mois + ' mois, multipliez par ' + mois + ' pour obtenir des personnes-mois '"
           " + '(une même personne peut être comptée plusieurs mois).' : '')")
    return (
        f"datum.ordre == 1 ? \"D'après \" + datum.etude + ', sur ' + {count('population')} + ' ' + datum.niveau"
        f" + \" au cours d'un mois moyen :\" : {number} + ' ' + datum.niveau"
        f" + (datum.ordre == datum.dernier ? '.' + {end} : ' ;')"
    )


def chart(
    dataset: str = DEFAULT_DATASET,
    population: int = 60_000,
    months: int = 1,
    interactive: bool = False,
    datasets: list[str] | None = None,
    stacked: bool = False,
) -> alt.VConcatChart:
    """Nested-squares picture and count list of one dataset.

    With ``interactive=True`` the population, duration and study are inputs bound in the
    page (Vega-Lite parameters): the chart recomputes in the browser without a kernel.
    ``stacked=True`` puts the count list under the squares (narrow screens: phones in a room).
    """
    check_inputs(population, months)
    names = datasets or studies()
    if dataset not in (names if interactive else data.available(SCHEMA)):
        raise SimulationError(f"Jeu de données « {dataset} » inconnu pour l'écologie des soins.")
    rows = _chart_rows(names if interactive else [dataset])
    labels = dict(zip(rows["jeu"], rows["etude"], strict=True))

    if interactive:
        p_pop = alt.param(
            name="population",
            value=population,
            bind=alt.binding_range(min=1000, max=1_000_000, step=1000, name="Population de référence : "),
        )
        p_months = alt.param(
            name="mois",
            value=months,
            bind=alt.binding_range(min=1, max=12, step=1, name="Durée (mois) : "),
        )
        p_jeu = alt.param(
            name="jeu",
            value=dataset,
            bind=alt.binding_select(options=names, labels=[labels[n] for n in names], name="Étude : "),
        )
    else:
        p_pop = alt.param(name="population", value=population)
        p_months = alt.param(name="mois", value=months)
        p_jeu = alt.param(name="jeu", value=dataset)

    base = alt.Chart(rows).transform_filter("datum.jeu == jeu").transform_calculate(
        milieu="(datum.pour_1000_min + datum.pour_1000_max) / 2",
        cote="sqrt(datum.milieu / 1000)",
        zero="0",
        n_min="datum.pour_1000_min * population / 1000 * mois",
        n_max="datum.pour_1000_max * population / 1000 * mois",
        effectif=(
            "round(datum.n_min) == round(datum.n_max) ? format(datum.n_min, ',.0f') "
            ": format(datum.n_min, ',.0f') + ' à ' + format(datum.n_max, ',.0f')"
        ),
        ligne="datum.ordre + '. ' + datum.effectif + ' ' + datum.niveau",
    )
    colour = alt.Color(
        "ordre:O",
        scale=alt.Scale(scheme={"name": "tealblues", "extent": [0.3, 1]}),
        legend=None,
    )
    # Screen readers read the header and the numbered lines (the text version); the squares and their
    # numbers, which repeat them visually, are hidden from them.
    squares = base.mark_rect(stroke="white", strokeWidth=1, aria=False).encode(
        x=alt.X("zero:Q", scale=alt.Scale(domain=[0, 1]), axis=None),
        x2="cote:Q",
        y=alt.Y("zero:Q", scale=alt.Scale(domain=[0, 1]), axis=None),
        y2="cote:Q",
        color=colour,
        order=alt.Order("ordre:O"),
        tooltip=[
            alt.Tooltip("niveau:N", title="Niveau"),
            alt.Tooltip("effectif:N", title="Personnes"),
        ],
    ).properties(width=220, height=220, title="Surfaces proportionnelles aux effectifs")
    # Colour is never the only link between a square and its line: each square large enough to hold
    # it carries the number that starts its line in the list.
    numbers = base.transform_filter("datum.cote >= 0.12").mark_text(
        align="right", baseline="top", dx=-3, dy=3, fontSize=11, fontWeight="bold", color="black", aria=False
    ).encode(x="cote:Q", y="cote:Q", text="ordre:O")
    squares = alt.layer(squares, numbers)

    # The header names each study's own denominator (adults aged 16 or over for White, beneficiaries
    # for Laporte…): the first row of every dataset, never « habitants » for all.
    unit = alt.Chart(rows).transform_filter("datum.jeu == jeu && datum.ordre == 1").transform_calculate(
        entete=(
            "'Pour ' + format(population, ',.0f') + ' ' + datum.niveau + ',|' + "
            "(mois == 1 ? 'au cours d\\'un mois moyen' : 'cumul sur ' + mois + ' mois (personnes-mois)')"
        ),
        entete_lue="replace(datum.entete, '|', ' ')",
    ).mark_text(align="left", baseline="bottom", fontWeight="bold", fontSize=12, lineBreak="|").encode(
        x=alt.value(0), y=alt.value(-20), text="entete:N", description=alt.Description("entete_lue:N")
    )
    # The swatches repeat the squares' colours; screen readers skip them and read the numbered lines.
    swatches = base.mark_square(size=120, aria=False).encode(
        y=alt.Y("ordre:O", axis=None), x=alt.value(0), color=colour
    )
    # On a phone (stacked), a long line goes on two lines (cut at the last space before WRAP characters).
    cut = f"lastindexof(substring(datum.ligne, 0, {WRAP}), ' ')"
    lines = base.transform_calculate(vue=(
        f"length(datum.ligne) <= {WRAP} ? datum.ligne : [substring(datum.ligne, 0, {cut}), "
        f"substring(datum.ligne, {cut} + 1)]" if stacked else "datum.ligne"
    )).mark_text(align="left", fontSize=12, dx=12).encode(
        y=alt.Y("ordre:O", axis=None), x=alt.value(0), text="vue:N", description=alt.Description("ligne:N")
    )
    # The text alternative: the words of :func:`describe`, one piece per level, joined with spaces by the page.
    alternative = base.transform_joinaggregate(dernier="max(ordre)").transform_calculate(
        par_mois_min="datum.pour_1000_min * (population / 1000)",
        par_mois_max="datum.pour_1000_max * (population / 1000)",
    ).transform_calculate(morceau=_describe_piece()).mark_text(fontSize=0, opacity=0, aria=False).encode(
        text="morceau:N", x=alt.value(0), y=alt.value(0), order=alt.Order("ordre:Q")
    ).properties(name="atelier_alt", width=1, height=1)
    rows_most = int(rows.groupby("jeu").size().max())
    listing = alt.layer(unit, swatches, lines).properties(
        width=320 if stacked else 360, height=max(220, 32 * rows_most) if stacked else 220)
    # A named view keeps its name only as a direct member of a concatenation (Altair renames named layers).
    body = [squares, listing, alternative] if stacked else [alt.hconcat(squares, listing), alternative]

    return (
        alt.vconcat(*body)
        .add_params(p_pop, p_months, p_jeu)
        .properties(
            description=(
                "Écologie des soins : carrés emboîtés dont l'aire est proportionnelle au nombre de "
                "personnes à chaque niveau de recours aux soins, numérotés comme la liste des effectifs "
                "correspondants, qui en est la version texte et se recalcule avec les réglages."
            )
        )
        .configure_view(stroke=None)
        .configure_title(anchor="start", fontSize=14)
    )


# ---------------------------------------------------------------------------
# Thin ipywidgets UI over the model (JupyterLab and Voilà).

def simulator(dataset: str = DEFAULT_DATASET, population: int = 60_000, months: int = 1):
    """Interactive simulator: population, study and duration → chart, table and description."""
    import ipywidgets as w

    names = studies()
    options = [(study_name(n), n) for n in names]
    study = w.Dropdown(options=options, value=dataset, description="Étude", style={"description_width": "8em"})
    pop = w.IntSlider(
        value=population, min=1000, max=1_000_000, step=1000, description="Population",
        continuous_update=False, style={"description_width": "8em"}, layout=w.Layout(width="32em"),
    )
    # The same value typed at the keyboard (the slider also moves with the arrow keys).
    pop_text = w.BoundedIntText(
        value=population, min=1000, max=1_000_000, step=1000, description="ou saisir",
        style={"description_width": "5em"}, layout=w.Layout(width="14em"),
    )
    w.link((pop, "value"), (pop_text, "value"))
    preset = w.Dropdown(
        options=[("Choisir un territoire (tailles illustratives)…", 0)] + list(territories().items()),
        value=0, description="Territoire", style={"description_width": "8em"},
    )
    dur = w.IntSlider(
        value=months, min=1, max=12, step=1, description="Durée (mois)",
        continuous_update=False, style={"description_width": "8em"},
    )
    # Stable class names: styling hooks, and what the browser tests look for.
    classes = {
        study: "atelier-etude", pop: "atelier-population", pop_text: "atelier-population-saisie",
        preset: "atelier-territoire", dur: "atelier-duree",
    }
    for widget, cls in classes.items():
        widget.add_class(cls)
    description = w.HTML().add_class("atelier-description")
    table = w.HTML().add_class("atelier-tableau")
    message = w.HTML().add_class("atelier-message")
    figure = w.Output().add_class("atelier-figure")

    def refresh(*_):
        try:
            ds = data.load(study.value)
            result = simulate(ds.table, pop.value, dur.value)
        except (SimulationError, data.DataError) as exc:
            message.value = ui.message(exc)
            return
        message.value = ""
        # Text alternative of the chart, read again by screen readers each time it changes.
        description.value = (
            f"<p aria-live='polite'>{describe(result, pop.value, dur.value, study_name(study.value))}</p>"
        )
        table.value = (
            summary_table(result, dur.value).to_html(index=False, border=0, classes="atelier-table")
            + f"<p style='font-size:90%'>Source : {ds.citation}</p>"
        )
        ui.show_chart(figure, chart(study.value, pop.value, dur.value))

    def apply_preset(change):
        if change["new"]:
            pop.value = change["new"]

    preset.observe(apply_preset, names="value")
    for widget in (study, pop, dur):
        widget.observe(refresh, names="value")
    refresh()
    return w.VBox([w.HBox([study, preset]), w.HBox([pop, pop_text]), dur, message, figure, description, table])
