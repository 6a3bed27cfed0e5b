"""Capacité d'un territoire en médecins traitants : départs, installations, temps partiel, patients par médecin.

Model, year by year from the starting year (t = 0):

- each year a share ``departures`` of the doctors stops (the same share of every cohort);
- ``arrivals`` new doctors settle, each with ``new_activity`` times the patient list of a doctor
  already in place (part-time, mixed practice);
- the activity of the doctors, counted in « doctors in place » equivalents, is therefore
  ``A(t+1) = A(t) × (1 − departures) + arrivals × new_activity`` with ``A(0) = doctors``, and the
  headcount follows the same recursion with an activity of 1;
- the capacity is ``A(t) × patients_per_doctor`` patients; the needs grow by ``growth`` a year;
- the patients beyond the capacity have no médecin traitant.

Outputs are expected values (floats): display rounds them. The model computes the closed form of the
recursion, ``A(t) = A(0) × s + arrivals × new_activity × (1 − s) / departures`` with ``s = (1 − departures)^t``
(``t`` years of arrivals when nobody leaves), in the very order of operations of its Vega expressions
(:func:`expressions`), so that the static book, which recomputes in the page, rounds the same numbers
(a sum iterated year by year and the closed form may fall on either side of a half). A test checks the
closed form against the recursion, another the Vega expressions against the model, and a browser test
the sentence of the page against :func:`describe`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

import altair as alt
import pandas as pd

from ...core import charts, ui
from ...core.formatting import format_count
from ...core.parameters import bound_problems, parameter_table, parameter_values

DATASET = "parametres_capacite_territoire"
MAX_HORIZON = 20

# Model attribute → code in data/ (also the name of the Vega parameter).
CODES = {
    "doctors": "medecins", "patients": "patients", "growth": "croissance",
    "patients_per_doctor": "patients_par_medecin", "departures": "departs", "arrivals": "arrivees",
    "new_activity": "activite_nouveaux", "horizon": "horizon", "start_year": "annee_depart",
}
INTEGERS = ("doctors", "patients", "arrivals", "horizon", "start_year")


class CapacityError(ValueError):
    """Invalid parameters (French message)."""


def parameters() -> pd.DataFrame:
    """The parameters' values, bounds, units, status and source (``data/``), in display order."""
    return parameter_table(DATASET)


def _whole_years(field: str, value: float, row: pd.Series) -> str | None:
    if field == "horizon" and value != int(value):
        return f"« {row['libelle']} » doit être un nombre entier d'années (reçu : {value})"
    return None


@dataclass(frozen=True)
class Territory:
    doctors: float
    patients: float
    growth: float
    patients_per_doctor: float
    departures: float
    arrivals: float
    new_activity: float
    horizon: int
    start_year: int

    def __post_init__(self) -> None:
        problems = bound_problems(self, parameters(), CODES,
                                  "« {nom} » doit être compris entre {low:g} et {high:g} (reçu : {value})",
                                  name=str, extra=_whole_years)
        if problems:
            raise CapacityError("Paramètres invalides : " + " ; ".join(problems) + ".")


def defaults(**changes: float) -> Territory:
    """The parameters of ``data/``, with the given attributes changed."""
    values = parameter_values(parameters(), CODES)
    for attr in INTEGERS:
        values[attr] = int(values[attr])
    return replace(Territory(**values), **changes)


@dataclass(frozen=True)
class Year:
    year: int
    doctors: float        # expected headcount
    activity: float       # in « doctors in place » equivalents
    capacity: float       # patients the doctors can follow as médecin traitant
    needs: float          # patients who need a médecin traitant
    without: float        # patients without a médecin traitant

    @property
    def share_without(self) -> float:
        return self.without / self.needs if self.needs > 0 else 0.0


def project(t: Territory) -> list[Year]:
    """One :class:`Year` per year from the starting year to the horizon (included)."""
    years = []
    for step in range(int(t.horizon) + 1):
        # Same operations, same order as :func:`expressions` (the static page), hence the same floats.
        survival = (1 - t.departures) ** step
        cumulated = (1 - survival) / t.departures if t.departures > 0 else step
        doctors = t.doctors * survival + t.arrivals * cumulated
        activity = t.doctors * survival + t.arrivals * t.new_activity * cumulated
        capacity = activity * t.patients_per_doctor
        needs = t.patients * (1 + t.growth) ** step
        years.append(Year(int(t.start_year) + step, doctors, activity, capacity, needs, max(0.0, needs - capacity)))
    return years


def table(years: list[Year]) -> pd.DataFrame:
    """Learner-facing table (French headers, rounded)."""
    return pd.DataFrame({
        "Année": [y.year for y in years],
        "Médecins": [format_count(y.doctors) for y in years],
        "Capacité (patients)": [format_count(y.capacity) for y in years],
        "Patients à suivre": [format_count(y.needs) for y in years],
        "Sans médecin traitant": [format_count(y.without) for y in years],
    })


def percent(value: float) -> str:
    return f"{value * 100:.1f}".replace(".", ",") + "\u202f%"


def patients(value: float) -> str:
    """« 0 patient », « 1 patient », « 2 patients » (rounded as displayed)."""
    return f"{format_count(value)} patient" + ("" if round(value) <= 1 else "s")


def doctors_phrase(value: float, first: bool) -> str:
    """« 0 médecin », « 1 médecin traitant peut suivre », « 25 médecins traitants peuvent suivre »."""
    plural = round(value) > 1
    if first:
        return (f"{format_count(value)} médecin" + ("s traitants peuvent" if plural else " traitant peut")
                + " suivre")
    return f"{format_count(value)} médecin" + ("s" if plural else "")


def describe(t: Territory, years: list[Year]) -> str:
    """Plain-language summary of the projection (text alternative of the chart)."""
    first, last = years[0], years[-1]
    return (
        f"En {first.year}, {doctors_phrase(first.doctors, True)} "
        f"{format_count(first.capacity)} patients pour {format_count(first.needs)} patients à suivre : "
        f"{patients(first.without)} sans médecin traitant ({percent(first.share_without)}). "
        f"En {last.year}, avec {doctors_phrase(last.doctors, False)}, la capacité est de "
        f"{format_count(last.capacity)} patients pour {format_count(last.needs)} patients à suivre : "
        f"{patients(last.without)} sans médecin traitant ({percent(last.share_without)})."
    )


# ---------------------------------------------------------------------------
# The same model as Vega expressions (closed form of the recursion)

def expressions(t: Territory, bound: tuple[str, ...] = ()) -> dict[str, str]:
    """Ordered Vega expressions of one year's quantities for ``datum.t`` years after the start
    (later ones use ``datum.<earlier>``); bound parameters are named, the others inlined."""
    v = {attr: (CODES[attr] if CODES[attr] in bound else repr(float(getattr(t, attr)))) for attr in CODES}
    d = v["departures"]
    return {
        "survie": f"pow(1 - {d}, datum.t)",
        "cumul": f"{d} > 0 ? (1 - datum.survie) / {d} : datum.t",
        "annee": f"{v['start_year']} + datum.t",
        "medecins": f"{v['doctors']} * datum.survie + {v['arrivals']} * datum.cumul",
        "activite": f"{v['doctors']} * datum.survie + {v['arrivals']} * {v['new_activity']} * datum.cumul",
        "capacite": f"datum.activite * {v['patients_per_doctor']}",
        "besoins": f"{v['patients']} * pow(1 + {v['growth']}, datum.t)",
        "sans": "max(0, datum.besoins - datum.capacite)",
        "part_sans": "datum.besoins > 0 ? datum.sans / datum.besoins : 0",
    }


def sentence() -> str:
    """:func:`describe` as a Vega expression over the last year's row, whose ``premier`` is the first year's row."""
    count, pct = charts.vega_count, charts.vega_fixed

    def year(d: str, first: bool) -> str:
        someone = (f"{count(f'{d}.sans')} + ({charts.vega_round(f'{d}.sans')} <= 1 ? ' patient' : ' patients') + "
                   f"' sans médecin traitant (' + {pct(f'{d}.part_sans * 100', 1)} + '\u202f%)'")
        several = f"{charts.vega_round(f'{d}.medecins')} > 1"
        if first:
            return (f"'En ' + {d}.annee + ', ' + {count(f'{d}.medecins')} + "
                    f"({several} ? ' médecins traitants peuvent suivre ' : ' médecin traitant peut suivre ') + "
                    f"{count(f'{d}.capacite')} + ' patients pour ' + {count(f'{d}.besoins')} + ' patients à suivre : ' + "
                    f"{someone}")
        return (f"'En ' + {d}.annee + ', avec ' + {count(f'{d}.medecins')} + "
                f"({several} ? ' médecins' : ' médecin') + ', la capacité est de ' + "
                f"{count(f'{d}.capacite')} + ' patients pour ' + {count(f'{d}.besoins')} + ' patients à suivre : ' + "
                f"{someone}")
    return f"{year('datum.premier', True)} + '. ' + {year('datum', False)} + '.'"


# ---------------------------------------------------------------------------
# Chart: needs and capacity over the years, patients without a médecin traitant, all computed from Vega
# parameters (interactive in the static book, where the sentence of :func:`describe` follows the inputs).

SERIES = ["Patients à suivre", "Capacité des médecins traitants"]


def chart(t: Territory | None = None, interactive: bool = False) -> alt.VConcatChart:
    """Needs and capacity year by year, and the patients without a médecin traitant (narrow enough for a phone).

    With ``interactive``, the inputs are bound to the parameters and an invisible text layer named
    ``atelier_alt`` carries the sentence of :func:`describe`, which the page shows under the chart.
    """
    t = t or defaults()
    params_table = parameters()
    sliders = [code for code in params_table.index if params_table.loc[code, "reglable"] == 1]
    params = []
    for code in sliders:
        row, attr = params_table.loc[code], next(a for a, c in CODES.items() if c == code)
        value = float(getattr(t, attr))
        if interactive:
            bind = alt.binding_range(min=row["minimum"], max=row["maximum"], step=row["pas"],
                                     name=f"{row['libelle']} ({row['unite']}) : ")
            params.append(alt.param(name=code, value=value, bind=bind))
        else:
            params.append(alt.param(name=code, value=value))
    exprs = expressions(t, tuple(sliders))
    horizon = "horizon" if "horizon" in sliders else repr(float(t.horizon))
    years = pd.DataFrame({"t": range(MAX_HORIZON + 1)})
    base = alt.Chart(years).transform_filter(f"datum.t <= {horizon}").transform_calculate(**exprs)
    x = alt.X("annee:Q", title="Année", axis=alt.Axis(format="d", tickMinStep=1))

    series = base.transform_fold(["besoins", "capacite"], as_=["cle", "valeur"]).transform_calculate(
        serie=f"datum.cle == 'besoins' ? '{SERIES[0]}' : '{SERIES[1]}'")
    # The line style carries the series too (dashes: needs; solid: capacity): colour is never the only cue.
    legend = alt.Legend(orient="bottom", direction="vertical", title=None, symbolType="stroke", symbolStrokeWidth=3,
                        symbolSize=400)
    colour = alt.Color("serie:N", legend=legend, scale=alt.Scale(domain=SERIES, range=["#b2182b", "#2166ac"]))
    dash = alt.StrokeDash("serie:N", legend=legend, scale=alt.Scale(domain=SERIES, range=[[6, 3], [1, 0]]))
    y = alt.Y("valeur:Q", title="Patients", axis=alt.Axis(format=",.0f"), scale=alt.Scale(zero=True))
    lines = series.mark_line(strokeWidth=3, point=True).encode(
        x=x, y=y, color=colour, strokeDash=dash,
        tooltip=[alt.Tooltip("annee:Q", title="Année", format="d"), alt.Tooltip("serie:N", title="Série"),
                 alt.Tooltip("valeur:Q", title="Patients", format=",.0f")])
    top = lines.properties(width=250, height=200, title=alt.TitleParams(
        ["Patients à suivre (tirets) et capacité", "des médecins traitants (trait plein)"]))

    bars = base.mark_bar(color="#6a3d9a").encode(
        x=alt.X("annee:O", title="Année"),
        y=alt.Y("sans:Q", title="Patients", axis=alt.Axis(format=",.0f")),
        tooltip=[alt.Tooltip("annee:Q", title="Année", format="d"),
                 alt.Tooltip("sans:Q", title="Sans médecin traitant", format=",.0f")])
    views = [top, bars.properties(width=250, height=140, title="Patients sans médecin traitant")]
    if interactive:
        # A view of its own: Altair renames the layers of a concatenated chart, and the page looks for this name.
        views.append(base.transform_joinaggregate(premier="argmin(t)").transform_filter(f"datum.t == {horizon}")
                     .transform_calculate(phrase=sentence()).mark_text(fontSize=0, opacity=0)
                     .encode(text="phrase:N", x=alt.value(0), y=alt.value(0))
                     .properties(name="atelier_alt", width=1, height=1))
    return (
        alt.vconcat(*views).resolve_legend(color="independent", strokeDash="independent")
        .add_params(*params)
        .properties(description=(
            "Capacité d'un territoire en médecins traitants : patients à suivre et capacité des médecins année par "
            "année (ligne tiretée et ligne continue), patients sans médecin traitant (barres) ; la phrase qui "
            "accompagne le graphique donne les chiffres de la première et de la dernière année."))
        .configure_view(stroke=None)
        .configure_title(anchor="start", fontSize=14)
    )


# ---------------------------------------------------------------------------
# Thin ipywidgets UI

def simulator(t: Territory | None = None):
    import ipywidgets as w

    t = t or defaults()
    params_table = parameters()
    style, lay = {"description_width": "20em"}, w.Layout(width="42em")
    sliders = {}
    for attr, code in CODES.items():
        row = params_table.loc[code]
        if row["reglable"] != 1:
            continue
        kind = w.IntSlider if attr in INTEGERS else w.FloatSlider
        options = {} if attr in INTEGERS else {"readout_format": ".3f" if row["maximum"] <= 1 else ".2f"}
        sliders[attr] = kind(value=getattr(t, attr), min=row["minimum"], max=row["maximum"], step=row["pas"],
                             description=row["libelle"], style=style, layout=lay, continuous_update=False,
                             **options).add_class(f"atelier-{code}")
    help_text = ui.parameter_help(params_table, [CODES[a] for a in sliders])
    figure = w.Output().add_class("atelier-figure")
    text = w.HTML().add_class("atelier-description")
    summary = w.HTML().add_class("atelier-tableau")

    def show(territory: Territory) -> None:
        years = project(territory)
        text.value = f"<p role='status' aria-live='polite'>{html.escape(describe(territory, years))}</p>"
        summary.value = table(years).to_html(index=False, border=0, classes="atelier-table")
        ui.show_chart(figure, chart(territory))

    message = ui.connect(
        sliders, lambda values: replace(t, **{a: (int(v) if a in INTEGERS else float(v)) for a, v in values.items()}),
        CapacityError, show)
    return w.VBox([*sliders.values(), message, text, figure, summary, help_text])
