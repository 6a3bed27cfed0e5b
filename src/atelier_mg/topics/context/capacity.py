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

Outputs are expected values (floats): display rounds them. The Python model iterates the
recursion; the chart computes the closed form of the same recursion as Vega expressions, so that it
is interactive in the static book. A test checks both on a grid of parameters.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

import altair as alt
import pandas as pd

from ...core import ui
from ...core.formatting import format_count
from ...core.parameters import bound_problems, parameter_table

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
    table = parameters()
    values = {attr: float(table.loc[code, "valeur"]) for attr, code in CODES.items()}
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
    doctors, activity = float(t.doctors), float(t.doctors)
    for step in range(int(t.horizon) + 1):
        if step:
            doctors = doctors * (1 - t.departures) + t.arrivals
            activity = activity * (1 - t.departures) + t.arrivals * t.new_activity
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


def describe(t: Territory, years: list[Year]) -> str:
    """Plain-language summary of the projection (text alternative of the chart)."""
    first, last = years[0], years[-1]
    return (
        f"En {first.year}, {format_count(first.doctors)} médecins traitants peuvent suivre "
        f"{format_count(first.capacity)} patients pour {format_count(first.needs)} patients à suivre : "
        f"{patients(first.without)} sans médecin traitant ({percent(first.share_without)}). "
        f"En {last.year}, avec {format_count(last.doctors)} médecins, la capacité est de "
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


# ---------------------------------------------------------------------------
# Chart: needs and capacity over the years, patients without a médecin traitant, and two sentences
# that sum them up, all computed from Vega parameters (interactive in the static book).

def chart(t: Territory | None = None, interactive: bool = False) -> alt.VConcatChart:
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
        serie="datum.cle == 'besoins' ? 'Patients à suivre' : 'Capacité des médecins traitants'",
        court="datum.cle == 'besoins' ? 'À suivre' : 'Capacité'")
    colour = alt.Color("serie:N", title=None, legend=None,
                       scale=alt.Scale(domain=["Patients à suivre", "Capacité des médecins traitants"],
                                       range=["#b2182b", "#2166ac"]))
    dash = alt.StrokeDash("serie:N", legend=None, scale=alt.Scale(
        domain=["Patients à suivre", "Capacité des médecins traitants"], range=[[6, 3], [1, 0]]))
    y = alt.Y("valeur:Q", title="Patients", axis=alt.Axis(format=",.0f"), scale=alt.Scale(zero=True))
    lines = series.mark_line(strokeWidth=3, point=True).encode(
        x=x, y=y, color=colour, strokeDash=dash,
        tooltip=[alt.Tooltip("annee:Q", title="Année", format="d"), alt.Tooltip("serie:N", title="Série"),
                 alt.Tooltip("valeur:Q", title="Patients", format=",.0f")])
    ends = series.transform_filter(f"datum.t == {horizon}").mark_text(align="left", dx=6, fontSize=12).encode(
        x=x, y=y, text="court:N", color=colour)
    top = (lines + ends).properties(
        width=480, height=240, title="Patients à suivre (tirets) et capacité des médecins traitants (trait plein)")

    bars = base.mark_bar(color="#6a3d9a").encode(
        x=alt.X("annee:O", title="Année"),
        y=alt.Y("sans:Q", title="Patients", axis=alt.Axis(format=",.0f")),
        tooltip=[alt.Tooltip("annee:Q", title="Année", format="d"),
                 alt.Tooltip("sans:Q", title="Sans médecin traitant", format=",.0f")])
    bottom = bars.properties(width=480, height=160, title="Patients sans médecin traitant")

    last = base.transform_filter(f"datum.t == {horizon}").transform_calculate(
        l1=("'En ' + datum.annee + ' : ' + format(datum.medecins, ',.0f') + ' médecins traitants, capacité de ' "
            "+ format(datum.capacite, ',.0f') + ' patients pour ' + format(datum.besoins, ',.0f') + ' à suivre.'"),
        l2=("format(datum.sans, ',.0f') + (round(datum.sans) <= 1 ? ' patient' : ' patients') "
            "+ ' sans médecin traitant (' + format(datum.part_sans, '.1%') "
            "+ ' des patients à suivre).'"),
    )
    line1 = last.mark_text(align="left", fontSize=13, fontWeight="bold").encode(x=alt.value(0), y=alt.value(0), text="l1:N")
    line2 = last.mark_text(align="left", fontSize=13, fontWeight="bold").encode(x=alt.value(0), y=alt.value(20), text="l2:N")
    return (
        alt.vconcat((line1 + line2).properties(width=560, height=28), top, bottom)
        .add_params(*params)
        .properties(description=(
            "Capacité d'un territoire en médecins traitants : patients à suivre et capacité des médecins année par "
            "année (ligne tiretée et ligne continue), patients sans médecin traitant (barres) ; deux phrases en tête "
            "donnent les chiffres de la dernière année."))
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
    help_text = w.HTML("<ul>" + "".join(
        f"<li><strong>{html.escape(params_table.loc[CODES[a], 'libelle'])}</strong> "
        f"({html.escape(params_table.loc[CODES[a], 'unite'])}, {html.escape(params_table.loc[CODES[a], 'statut'])}) : "
        f"{html.escape(params_table.loc[CODES[a], 'explication'])}</li>" for a in sliders) + "</ul>")
    message = w.HTML().add_class("atelier-message")
    figure = w.Output().add_class("atelier-figure")
    text = w.HTML().add_class("atelier-description")
    summary = w.HTML().add_class("atelier-tableau")

    def refresh(*_):
        try:
            territory = replace(t, **{a: (int(s.value) if a in INTEGERS else float(s.value)) for a, s in sliders.items()})
        except CapacityError as exc:
            message.value = ui.message(exc)
            return
        message.value = ""
        years = project(territory)
        text.value = f"<p role='status' aria-live='polite'>{html.escape(describe(territory, years))}</p>"
        summary.value = table(years).to_html(index=False, border=0, classes="atelier-table")
        ui.show_chart(figure, chart(territory))

    for s in sliders.values():
        s.observe(refresh, names="value")
    refresh()
    return w.VBox([*sliders.values(), message, text, figure, summary, help_text])
