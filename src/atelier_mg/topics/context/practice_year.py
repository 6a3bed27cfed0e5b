"""Une année de médecin généraliste en 2026 : forfait médecin traitant et paiement à l'acte, pour une patientèle décrite.

Model (one year, linear, before expenses and social contributions):

- the socle of the forfait médecin traitant pays each patient of the list the amount of their group
  (age, ALD; ``data/forfait_medecin_traitant_2026``), the patients outside the described groups being
  7 to 74 years old without ALD;
- the doctor's situation (ZIP or QPV, first installation, age) raises the socle by one rate of
  ``data/majorations_fmt_2026`` (one rate only: cumulating two situations is not modelled);
- each beneficiary of the C2S adds a fixed amount; each validated prevention indicator adds the amount of
  the majoration prévention (``data/indicateurs_prevention_2024`` through the patientèle model);
- acts are paid at the tariffs of ``data/tarifs_mg_2026``: ``consultations`` is the whole clinical workload
  of the year, and the long consultations (GL, at most three a year per patient aged 80 or over: a
  theoretical ceiling, each reason having its own conditions) are counted among them, so a GL replaces a G
  for the same workload (it pays the longer time, it does not add a visit).

The amounts are the rights of one full year in a steady state, not the cash of a calendar year: as the
press copies of the convention describe it (to be confirmed), the socle of year N is computed on the
patientèle médecin traitant declared at 31 December N-1 and paid in four parts, and the forfait is due
only to doctors in secteur 1 or adhering to the Optam. A doctor who installs for the first time has no
such list yet: :func:`first_installation` prices the majoration on a starting list of ``data/`` instead of
the average one.

The same formulas are written once more as Vega expressions so that the book's chart is interactive
without a kernel (a chromium test checks that the page's sentence equals :func:`describe`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

import altair as alt
import pandas as pd

from ...core import charts, data, ui
from ...core.formatting import euros, format_count, french_number
from ...core.parameters import bound_problems, parameter_table, parameter_values
from ..patientele import model as patientele

DATASET = "parametres_annee_mg"
TARIFFS = "tarifs_mg_2026"
RATES = "majorations_fmt_2026"
FORFAIT = "forfait_medecin_traitant_2026"

# Model attribute → code in data/ (also the name of the Vega parameter).
CODES = {
    "patients": "patients", "share_ald_80": "part_ald_ages", "share_80": "part_ages", "share_ald": "part_ald",
    "share_75": "part_avant_ages", "share_children": "part_enfants", "share_c2s": "part_css",
    "indicators": "indicateurs", "consultations": "consultations", "long_consultations": "gl",
    "majoration": "majoration",
}
# Groups of the socle (attribute of the share → row of the forfait table); the rest is ``age_7_74``.
GROUPS = {"share_ald_80": "ald_80_plus", "share_80": "age_80_plus", "share_ald": "ald_0_79",
          "share_75": "age_75_79", "share_children": "age_0_6"}
SHARES_TOO_HIGH = "Les parts de patients décrites dépassent 100 % de la patientèle : réduisez-en une."
TOO_MANY_GL = "Plus de trois consultations longues par patient de 80 ans ou plus : réduisez le nombre de GL."
GL_OVER_ALL = ("Plus de consultations longues que de consultations dans l'année : les GL sont comptées parmi les "
               "consultations, réduisez le nombre de GL ou augmentez celui des consultations.")


class PracticeError(ValueError):
    """Invalid parameters (French message)."""


def parameters() -> pd.DataFrame:
    """The parameters' values, bounds, units, status and sources (``data/``), in display order."""
    return parameter_table(DATASET)


def tariffs() -> pd.Series:
    """Euros per act, by code (G, C, GL, TCG…: every row of ``data/tarifs_mg_2026``)."""
    return data.load_table(TARIFFS).set_index("code")["montant_eur"]


def rates() -> pd.DataFrame:
    """The majoration rates of the socle and the situations they apply to, in order."""
    return data.load_table(RATES).sort_values("ordre").set_index("code")


@dataclass(frozen=True)
class Amounts:
    """Fixed amounts of ``data/`` used by the model (euros)."""
    socle: dict[str, float]     # per patient and per year, by row of the forfait table
    c2s: float                  # added per C2S beneficiary
    indicator: float            # per validated prevention indicator and per patient
    g: float                    # G consultation
    gl: float                   # long consultation


def amounts() -> Amounts:
    forfait = data.load_table(FORFAIT).set_index("code")
    supplements = set((forfait["montant_c2s_eur"] - forfait["montant_eur"]).round(6))
    if len(supplements) != 1:
        raise PracticeError("Le supplément C2S du forfait médecin traitant n'est pas le même pour tous les patients.")
    prices = tariffs()
    return Amounts(socle={code: float(v) for code, v in forfait["montant_eur"].items()}, c2s=float(supplements.pop()),
                   indicator=float(patientele.indicators()["montant_eur"].iloc[0]), g=float(prices["G"]),
                   gl=float(prices["GL"]))


@dataclass(frozen=True)
class Practice:
    patients: float
    share_ald_80: float
    share_80: float
    share_ald: float
    share_75: float
    share_children: float
    share_c2s: float
    indicators: float
    consultations: float
    long_consultations: float
    majoration: float

    def __post_init__(self) -> None:
        allowed = set(rates()["taux"].round(6))

        def extra(attr: str, value: float, row: pd.Series) -> str | None:
            if attr == "majoration" and round(value, 6) not in allowed:
                return f"majoration : taux attendu parmi {', '.join(french_number(r, True) for r in sorted(allowed))}"
            return None

        problems = bound_problems(self, parameters(), CODES, "{nom} : valeur attendue entre {low:g} et {high:g} (reçu : {value})",
                                  extra=extra)
        if problems:
            raise PracticeError("Paramètres invalides : " + " ; ".join(problems) + ".")
        if others(self) < 0:
            raise PracticeError(SHARES_TOO_HIGH)
        if self.long_consultations > 3 * self.patients * (self.share_ald_80 + self.share_80):
            raise PracticeError(TOO_MANY_GL)
        if self.long_consultations > self.consultations:
            raise PracticeError(GL_OVER_ALL)


def defaults(**changes: float) -> Practice:
    """The parameters of ``data/`` (an illustrative patientèle of average size), with the given attributes changed."""
    return replace(Practice(**parameter_values(parameters(), CODES)), **changes)


START = "patients_debut"          # row of the starting list of a first installation
CNAM_ESTIMATE = "estimation_cnam"  # row of the Cnam's estimate of the forfait (comparison only)


def first_installation(rate_code: str = "primo_1", patients: float | None = None) -> float:
    """Euros added in one year by the majoration ``rate_code`` for a doctor whose patientèle at 31 December
    of the year before is ``patients`` (by default the starting list of ``data/``), other shares unchanged."""
    count = float(parameters().loc[START, "valeur"]) if patients is None else float(patients)
    if count == 0:
        return 0.0
    p = defaults(patients=count, majoration=float(rates().loc[rate_code, "taux"]), long_consultations=0)
    return year(p).majoration


def others(p: Practice) -> float:
    """Share of the patients outside the described groups (7 to 74 years old, without ALD)."""
    return 1 - (p.share_ald_80 + p.share_80 + p.share_ald + p.share_75 + p.share_children)


@dataclass(frozen=True)
class Year:
    socle: float          # part socle of the forfait
    majoration: float     # raise of the socle for the doctor's situation
    c2s: float            # supplement for C2S beneficiaries
    prevention: float     # majoration prévention
    g: float              # G consultations (the consultations that are not GL)
    gl: float             # long consultations

    @property
    def forfait(self) -> float:
        return self.socle + self.majoration + self.c2s + self.prevention

    @property
    def acts(self) -> float:
        return self.g + self.gl

    @property
    def total(self) -> float:
        return self.forfait + self.acts


def year(p: Practice, a: Amounts | None = None) -> Year:
    """Euros of each component over the year (same operations, same order as :func:`expressions`)."""
    a = a or amounts()
    per_patient = (p.share_ald_80 * a.socle["ald_80_plus"] + p.share_80 * a.socle["age_80_plus"]
                   + p.share_ald * a.socle["ald_0_79"] + p.share_75 * a.socle["age_75_79"]
                   + p.share_children * a.socle["age_0_6"] + others(p) * a.socle["age_7_74"])
    socle = p.patients * per_patient
    return Year(socle=socle, majoration=socle * p.majoration, c2s=p.patients * p.share_c2s * a.c2s,
                prevention=p.patients * p.indicators * a.indicator, g=(p.consultations - p.long_consultations) * a.g,
                gl=p.long_consultations * a.gl)


def describe(p: Practice, y: Year, a: Amounts | None = None) -> str:
    """Plain-language summary (text alternative of the chart)."""
    a = a or amounts()
    return (
        f"Pour {format_count(p.patients)} patients médecin traitant, le forfait médecin traitant rapporte "
        f"{euros(y.forfait)} dans l'année : {euros(y.socle)} de part socle, {euros(y.majoration)} de majoration "
        f"liée à la situation du médecin, {euros(y.c2s)} pour les bénéficiaires de la C2S et {euros(y.prevention)} "
        f"de prévention. Sur {format_count(p.consultations)} consultations, les "
        f"{format_count(p.consultations - p.long_consultations)} consultations G à {euros(a.g)} et les "
        f"{format_count(p.long_consultations)} consultations longues à {euros(a.gl)} rapportent {euros(y.acts)}. "
        f"Total : {euros(y.total)} bruts, avant charges et cotisations, dont "
        f"{french_number(y.forfait / y.total if y.total else 0.0, True)} hors paiement à l'acte."
    )


# ---------------------------------------------------------------------------
# The same model as Vega expressions (fixed values inlined, inputs as parameter names)

def _values(p: Practice, bound: tuple[str, ...]) -> dict[str, str]:
    return {attr: (CODES[attr] if CODES[attr] in bound else repr(float(getattr(p, attr)))) for attr in CODES}


def expressions(p: Practice, bound: tuple[str, ...] = (), a: Amounts | None = None) -> dict[str, str]:
    """Ordered Vega expressions of every quantity of :func:`year` (later ones use ``datum.<earlier>``)."""
    a, v = a or amounts(), _values(p, bound)
    s = {k: repr(x) for k, x in a.socle.items()}
    rest = f"(1 - ({v['share_ald_80']} + {v['share_80']} + {v['share_ald']} + {v['share_75']} + {v['share_children']}))"
    per_patient = (f"{v['share_ald_80']} * {s['ald_80_plus']} + {v['share_80']} * {s['age_80_plus']} + "
                   f"{v['share_ald']} * {s['ald_0_79']} + {v['share_75']} * {s['age_75_79']} + "
                   f"{v['share_children']} * {s['age_0_6']} + {rest} * {s['age_7_74']}")
    return {
        "reste": rest,
        "trop_gl": f"{v['long_consultations']} > 3 * {v['patients']} * ({v['share_ald_80']} + {v['share_80']})",
        "gl_hors_total": f"{v['long_consultations']} > {v['consultations']}",
        "socle": f"{v['patients']} * ({per_patient})",
        "majore": f"datum.socle * {v['majoration']}",
        "c2s": f"{v['patients']} * {v['share_c2s']} * {a.c2s!r}",
        "prevention": f"{v['patients']} * {v['indicators']} * {a.indicator!r}",
        "actes_g": f"({v['consultations']} - {v['long_consultations']}) * {a.g!r}",
        "actes_gl": f"{v['long_consultations']} * {a.gl!r}",
        "forfait": "datum.socle + datum.majore + datum.c2s + datum.prevention",
        "actes": "datum.actes_g + datum.actes_gl",
        "total": "datum.forfait + datum.actes",
    }


def sentence(p: Practice, bound: tuple[str, ...] = (), a: Amounts | None = None) -> str:
    """:func:`describe` (or the French error of an impossible patientèle) as a Vega expression."""
    a, v = a or amounts(), _values(p, bound)
    count, eur = charts.vega_count, charts.vega_euros
    share = charts.vega_number("(datum.total ? datum.forfait / datum.total : 0)", percent=True)
    text = (
        f"'Pour ' + {count(v['patients'])} + ' patients médecin traitant, le forfait médecin traitant rapporte ' + "
        f"{eur('datum.forfait')} + \" dans l'année : \" + {eur('datum.socle')} + ' de part socle, ' + "
        f"{eur('datum.majore')} + ' de majoration liée à la situation du médecin, ' + {eur('datum.c2s')} + "
        f"' pour les bénéficiaires de la C2S et ' + {eur('datum.prevention')} + ' de prévention. Sur ' + "
        f"{count(v['consultations'])} + ' consultations, les ' + "
        f"{count('(' + v['consultations'] + ' - ' + v['long_consultations'] + ')')} + ' consultations G à ' + "
        f"{eur(repr(a.g))} + ' et les ' + "
        f"{count(v['long_consultations'])} + ' consultations longues à ' + {eur(repr(a.gl))} + ' rapportent ' + "
        f"{eur('datum.actes')} + '. Total : ' + {eur('datum.total')} + ' bruts, avant charges et cotisations, dont ' + "
        f"{share} + ' hors paiement à l\\'acte.'"
    )
    return (f"datum.reste < -1e-9 ? '{SHARES_TOO_HIGH}' : datum.trop_gl ? '{TOO_MANY_GL}' : "
            f"datum.gl_hors_total ? \"{GL_OVER_ALL}\" : {text}")


# ---------------------------------------------------------------------------
# Chart: euros of each component, from Vega parameters (interactive in the static book).

PARTS = [  # (key of expressions, label)
    ("actes_g", "Consultations G"),
    ("actes_gl", "Consultations longues (GL)"),
    ("socle", "Forfait : part socle"),
    ("majore", "Forfait : majoration du médecin"),
    ("c2s", "Forfait : patients C2S"),
    ("prevention", "Forfait : prévention"),
]
PART_COLOURS = ["#6baed6", "#9ecae1", "#238b45", "#41ab5d", "#74c476", "#a1d99b"]


def chart(p: Practice | None = None, interactive: bool = False) -> alt.LayerChart:
    """Euros of each component over the year (bars labelled by component), narrow enough for a phone.

    With ``interactive``, the inputs are bound to the parameters (the majoration to a list of the
    situations of ``data/``) and an invisible text layer named ``atelier_alt`` carries the sentence of
    :func:`describe`, which the page shows under the chart.
    """
    p, a, table = p or defaults(), amounts(), parameters()
    inputs = [code for code in table.index if code in CODES.values() and table.loc[code, "reglable"] == 1]
    params = []
    for code in inputs:
        row, attr = table.loc[code], next(k for k, c in CODES.items() if c == code)
        if code == "majoration":
            situations = rates()
            bind = alt.binding_select(options=[float(r) for r in situations["taux"]],
                                      labels=list(situations["situation"]), name=f"{row['libelle']} : ")
        else:
            bind = alt.binding_range(min=row["minimum"], max=row["maximum"], step=row["pas"], name=f"{row['libelle']} : ")
        value = float(getattr(p, attr))
        params.append(alt.param(name=code, value=value, bind=bind) if interactive else alt.param(name=code, value=value))
    exprs = expressions(p, tuple(inputs), a)
    rows = pd.DataFrame(PARTS, columns=["cle", "poste"]).reset_index(names="ordre")
    value = " : ".join(f"datum.cle == '{k}' ? datum.{k}" for k, _ in PARTS) + " : 0"
    base = alt.Chart(rows).transform_calculate(**exprs).transform_calculate(valeur=value)
    order = [label for _, label in PARTS]
    y = alt.Y("poste:N", sort=order, title=None, axis=alt.Axis(labelLimit=170))
    x = alt.X("valeur:Q", title="Euros dans l'année", axis=alt.Axis(format=",.0f", tickCount=3))
    colour = alt.Color("poste:N", scale=alt.Scale(domain=order, range=PART_COLOURS), legend=None)
    bars = base.mark_bar().encode(x=x, y=y, color=colour, tooltip=[
        alt.Tooltip("poste:N", title="Poste"), alt.Tooltip("valeur:Q", title="Euros dans l'année", format=",.0f")])
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(x=x, y=y, text=alt.Text("valeur:Q", format=",.0f"))
    layers = [bars, labels]
    if interactive:
        layers.append(base.transform_filter("datum.ordre == 0").transform_calculate(phrase=sentence(p, tuple(inputs), a))
                      .mark_text(fontSize=0, opacity=0).encode(text="phrase:N", x=alt.value(0), y=alt.value(0))
                      .properties(name="atelier_alt"))
    return (
        alt.layer(*layers)
        .add_params(*params)
        .properties(width=120, height=28 * len(PARTS), title=alt.TitleParams(["Une année de médecin", "généraliste (euros)"]),
                    description=(
                        "Une année de médecin généraliste en 2026 : euros des consultations G et GL et des parts du "
                        "forfait médecin traitant (socle, majoration, C2S, prévention) ; la phrase qui accompagne le "
                        "graphique donne les totaux."))
        .configure_view(stroke=None)
        .configure_title(anchor="start", fontSize=14)
    )


# ---------------------------------------------------------------------------
# Thin ipywidgets UI

def simulator():
    import ipywidgets as w

    table, situations = parameters(), rates()
    style, lay = {"description_width": "24em"}, w.Layout(width="46em")
    inputs = {}
    for attr, code in CODES.items():
        row = table.loc[code]
        if row["reglable"] != 1:
            continue
        if code == "majoration":
            inputs[attr] = w.Dropdown(options=[(s.situation, float(s.taux)) for s in situations.itertuples()],
                                      value=float(row["valeur"]), description=row["libelle"], style=style,
                                      layout=lay).add_class(f"atelier-{code}")
            continue
        whole = float(row["pas"]).is_integer()
        kind, cast = (w.IntSlider, int) if whole else (w.FloatSlider, float)
        options = {} if whole else {"readout_format": ".2f"}
        inputs[attr] = kind(min=cast(row["minimum"]), max=cast(row["maximum"]), step=cast(row["pas"]),
                            value=cast(row["valeur"]),
                            description=row["libelle"], style=style, layout=lay, continuous_update=False,
                            **options).add_class(f"atelier-{code}")
    help_text = ui.parameter_help(table, [CODES[k] for k in inputs])
    figure = w.Output().add_class("atelier-figure")
    text = w.HTML().add_class("atelier-description")

    def show(practice: Practice) -> None:
        ui.show_chart(figure, chart(practice))
        text.value = f"<p role='status' aria-live='polite'>{html.escape(describe(practice, year(practice)))}</p>"

    message = ui.connect(inputs, lambda values: defaults(**{k: float(v) for k, v in values.items()}), PracticeError, show)
    return w.VBox([*inputs.values(), message, text, figure, help_text])
