"""Équipe de soins primaires : combien de consultations par semaine une équipe de proximité peut absorber.

Model (weekly, linear, deliberately simple):

- each GP (full-time equivalent) gives the national mean of clinical acts per GP and per year,
  spread over the weeks worked;
- each medical assistant frees time for ``assistant_gain`` more GP consultations per week, at most
  one assistant counted per GP (a second assistant for the same GP frees nothing more here);
- each advanced-practice nurse (IPA) and each team nurse (Asalée type) gives their own consultations.

The GPs' consultations over a year, divided by the mean number of acts per patient seen (acts per
GP / active file per GP, both national 2022 means), give the number of patients the GPs can follow.
The team's values come from ``data/`` (the Vendée case and national means are sourced, the gains of
the other professions are illustrative). The same formulas are written once more as Vega expressions
so that the book's chart is interactive without a kernel (a test checks that both agree).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

import altair as alt
import pandas as pd

from ...core import charts, data, ui
from ...core.formatting import format_count, french_number
from ...core.parameters import bound_problems, parameter_table, parameter_values

DATASET = "parametres_equipe"
COMPOSITIONS = "compositions_equipe"

# Model attribute → code in data/ (also the name of the Vega parameter).
CODES = {
    "doctors": "medecins", "assistants": "assistants", "ipa": "ipa", "nurses": "infirmiers",
    "acts_per_doctor": "actes_medecin_an", "active_file": "file_active_medecin", "weeks": "semaines",
    "assistant_gain": "gain_assistant", "ipa_consultations": "consultations_ipa",
    "nurse_consultations": "consultations_infirmier",
}


class TeamError(ValueError):
    """Invalid parameters (French message)."""


def parameters() -> pd.DataFrame:
    """The parameters' values, bounds, units, status and sources (``data/``), in display order."""
    return parameter_table(DATASET)


def reference_value(code: str) -> float:
    """A fixed value of the parameters table that is not a model input (e.g. ``patients_vendee``)."""
    table = parameters()
    if code not in table.index:
        raise TeamError(f"Valeur « {code} » inconnue du jeu {DATASET}.")
    return float(table.loc[code, "valeur"])


@dataclass(frozen=True)
class Team:
    doctors: float
    assistants: float
    ipa: float
    nurses: float
    acts_per_doctor: float
    active_file: float
    weeks: float
    assistant_gain: float
    ipa_consultations: float
    nurse_consultations: float

    def __post_init__(self) -> None:
        problems = bound_problems(self, parameters(), CODES, "{nom} : valeur attendue entre {low:g} et {high:g} (reçu : {value})")
        if problems:
            raise TeamError("Paramètres invalides : " + " ; ".join(problems) + ".")


def defaults(**changes: float) -> Team:
    """The parameters of ``data/`` (the Vendée team of 2025), with the given attributes changed."""
    values = parameter_values(parameters(), CODES)
    return replace(Team(**values), **changes)


def compositions() -> pd.DataFrame:
    """The team compositions of the Vendée case (and one teaching variant), in order."""
    return data.load_table(COMPOSITIONS).sort_values("ordre").set_index("code")


def composition(code: str) -> Team:
    """:func:`defaults` with the head counts of one composition of ``data/``."""
    table = compositions()
    if code not in table.index:
        raise TeamError(f"Composition « {code} » inconnue (choix : {', '.join(table.index)}).")
    row = table.loc[code]
    return defaults(doctors=float(row["medecins"]), assistants=float(row["assistants"]),
                    ipa=float(row["ipa"]), nurses=float(row["infirmiers"]))


@dataclass(frozen=True)
class Capacity:
    doctors: float       # GP consultations per week without assistants
    assistants: float    # extra GP consultations per week thanks to the assistants
    ipa: float           # IPA consultations per week
    nurses: float        # team nurses' consultations per week
    patients: float      # distinct patients the GPs can see in a year (file active, not the MT list)
    per_doctor: float    # … per GP

    @property
    def total(self) -> float:
        return self.doctors + self.assistants + self.ipa + self.nurses


def acts_per_patient(t: Team) -> float:
    """Mean clinical acts per patient seen in a year (acts per GP / active file per GP)."""
    return t.acts_per_doctor / t.active_file


def capacity(t: Team) -> Capacity:
    """Consultations per week of each role, and the patients the GPs can follow in a year."""
    doctors = t.doctors * t.acts_per_doctor / t.weeks
    assistants = min(t.assistants, t.doctors) * t.assistant_gain
    patients = (doctors + assistants) * t.weeks / acts_per_patient(t)
    return Capacity(doctors=doctors, assistants=assistants, ipa=t.ipa * t.ipa_consultations,
                    nurses=t.nurses * t.nurse_consultations, patients=patients,
                    per_doctor=patients / t.doctors if t.doctors else 0.0)


def describe(t: Team, c: Capacity) -> str:
    """Plain-language summary (text alternative of the chart)."""
    return (
        f"Avec {french_number(t.doctors)} médecins, {french_number(t.assistants)} assistants médicaux, "
        f"{french_number(t.ipa)} IPA et {french_number(t.nurses)} infirmiers (équivalents temps plein), l'équipe assure "
        f"environ {format_count(c.total)} consultations par semaine : {format_count(c.doctors)} par les médecins seuls, "
        f"{format_count(c.assistants)} de plus grâce aux assistants, {format_count(c.ipa)} par les IPA et "
        f"{format_count(c.nurses)} par les infirmiers. Les médecins peuvent ainsi voir environ "
        f"{format_count(c.patients)} patients différents dans l'année (file active, pas patientèle médecin traitant), "
        f"soit {format_count(c.per_doctor)} par médecin."
    )


# ---------------------------------------------------------------------------
# The same model as Vega expressions (fixed values inlined, sliders as parameter names)

def expressions(t: Team, bound: tuple[str, ...] = ()) -> dict[str, str]:
    """Ordered Vega expressions of every quantity of :func:`capacity` (later ones use ``datum.<earlier>``)."""
    v = {attr: (CODES[attr] if CODES[attr] in bound else repr(float(getattr(t, attr)))) for attr in CODES}
    return {
        "c_med": f"{v['doctors']} * {v['acts_per_doctor']} / {v['weeks']}",
        "c_am": f"min({v['assistants']}, {v['doctors']}) * {v['assistant_gain']}",
        "c_ipa": f"{v['ipa']} * {v['ipa_consultations']}",
        "c_inf": f"{v['nurses']} * {v['nurse_consultations']}",
        "c_total": "datum.c_med + datum.c_am + datum.c_ipa + datum.c_inf",
        "patients": f"(datum.c_med + datum.c_am) * {v['weeks']} / ({v['acts_per_doctor']} / {v['active_file']})",
        "par_med": f"datum.patients / {v['doctors']}",  # at least one GP (bounds of data/)
    }


def sentence(t: Team, bound: tuple[str, ...] = ()) -> str:
    """:func:`describe` as a Vega expression over a row carrying the quantities of :func:`expressions`."""
    v = {attr: (CODES[attr] if CODES[attr] in bound else repr(float(getattr(t, attr)))) for attr in CODES}
    num, count = charts.vega_number, charts.vega_count
    return (
        f"'Avec ' + {num(v['doctors'])} + ' médecins, ' + {num(v['assistants'])} + ' assistants médicaux, ' + "
        f"{num(v['ipa'])} + ' IPA et ' + {num(v['nurses'])} + \" infirmiers (équivalents temps plein), l'équipe assure "
        f"environ \" + {count('datum.c_total')} + ' consultations par semaine : ' + {count('datum.c_med')} + "
        f"' par les médecins seuls, ' + {count('datum.c_am')} + ' de plus grâce aux assistants, ' + "
        f"{count('datum.c_ipa')} + ' par les IPA et ' + {count('datum.c_inf')} + ' par les infirmiers. Les médecins "
        f"peuvent ainsi voir environ ' + {count('datum.patients')} + \" patients différents dans l'année (file active, "
        f"pas patientèle médecin traitant), soit \" + {count('datum.par_med')} + ' par médecin.'"
    )


# ---------------------------------------------------------------------------
# Chart: consultations per week by role, from Vega parameters (interactive in the static book, where the
# sentence of :func:`describe` follows the inputs).

ROLES = [  # (key of expressions, label)
    ("c_med", "Médecins (sans assistant)"),
    ("c_am", "Gain dû aux assistants"),
    ("c_ipa", "IPA"),
    ("c_inf", "Infirmiers de l'équipe"),
]
ROLE_COLOURS = ["#08519c", "#6baed6", "#238b45", "#74c476"]


def chart(t: Team | None = None, interactive: bool = False) -> alt.LayerChart:
    """Weekly consultations of each role (bars labelled by role, with their value), narrow enough for a phone.

    With ``interactive``, the inputs are bound to the parameters and an invisible text layer named
    ``atelier_alt`` carries the sentence of :func:`describe`, which the page shows under the chart.
    """
    t = t or defaults()
    table = parameters()
    sliders = [code for code in table.index if code in CODES.values() and table.loc[code, "reglable"] == 1]
    params = []
    for code in sliders:
        row, attr = table.loc[code], next(a for a, c in CODES.items() if c == code)
        bind = alt.binding_range(min=row["minimum"], max=row["maximum"], step=row["pas"], name=f"{row['libelle']} : ")
        params.append(alt.param(name=code, value=float(getattr(t, attr)), bind=bind) if interactive
                      else alt.param(name=code, value=float(getattr(t, attr))))
    exprs = expressions(t, tuple(sliders))
    rows = pd.DataFrame(ROLES, columns=["cle", "role"]).reset_index(names="ordre")
    value = " : ".join(f"datum.cle == '{k}' ? datum.{k}" for k, _ in ROLES) + " : 0"
    base = alt.Chart(rows).transform_calculate(**exprs).transform_calculate(valeur=value)
    order = [label for _, label in ROLES]
    y = alt.Y("role:N", sort=order, title=None, axis=alt.Axis(labelLimit=150))
    x = alt.X("valeur:Q", title="Consultations par semaine", axis=alt.Axis(format=",.0f", tickCount=4))
    colour = alt.Color("role:N", scale=alt.Scale(domain=order, range=ROLE_COLOURS), legend=None)
    bars = base.mark_bar().encode(x=x, y=y, color=colour, tooltip=[
        alt.Tooltip("role:N", title="Rôle"), alt.Tooltip("valeur:Q", title="Consultations par semaine", format=",.0f")])
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(x=x, y=y, text=alt.Text("valeur:Q", format=",.0f"))
    layers = [bars, labels]
    if interactive:
        layers.append(base.transform_filter("datum.ordre == 0").transform_calculate(phrase=sentence(t, tuple(sliders)))
                      .mark_text(fontSize=0, opacity=0).encode(text="phrase:N", x=alt.value(0), y=alt.value(0))
                      .properties(name="atelier_alt"))
    return (
        alt.layer(*layers)
        .add_params(*params)
        .properties(width=150, height=30 * len(ROLES), title=alt.TitleParams(["Consultations par semaine,", "par rôle"]),
                    description=(
                        "Équipe de soins primaires : consultations par semaine des médecins, gain dû aux assistants "
                        "médicaux, consultations des IPA et des infirmiers ; la phrase qui accompagne le graphique donne "
                        "les totaux et les patients vus dans l'année."))
        .configure_view(stroke=None)
        .configure_title(anchor="start", fontSize=14)
    )


# ---------------------------------------------------------------------------
# Thin ipywidgets UI

def simulator(start: str = "vendee_2025"):
    import ipywidgets as w

    table, comps = parameters(), compositions()
    style, lay = {"description_width": "22em"}, w.Layout(width="44em")
    choose = w.Dropdown(options=[(row.libelle, code) for code, row in comps.iterrows()], value=start,
                        description="Équipe", style=style, layout=lay).add_class("atelier-composition")
    sliders = {}
    for attr, code in CODES.items():
        row = table.loc[code]
        if row["reglable"] != 1:
            continue
        sliders[attr] = w.FloatSlider(min=row["minimum"], max=row["maximum"], step=row["pas"], description=row["libelle"],
                                      style=style, layout=lay, continuous_update=False,
                                      readout_format=".1f").add_class(f"atelier-{code}")
    help_text = ui.parameter_help(table, [CODES[a] for a in sliders])
    figure = w.Output().add_class("atelier-figure")
    text = w.HTML().add_class("atelier-description")

    def show(team: Team) -> None:
        ui.show_chart(figure, chart(team))
        text.value = f"<p role='status' aria-live='polite'>{html.escape(describe(team, capacity(team)))}</p>"

    message = ui.connect(sliders, lambda values: defaults(**{a: float(v) for a, v in values.items()}), TeamError, show,
                         preset=(choose, composition))
    return w.VBox([choose, *sliders.values(), message, text, figure, help_text])
