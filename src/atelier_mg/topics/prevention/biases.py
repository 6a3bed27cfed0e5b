"""Biais du dépistage : avance au diagnostic, biais de durée, surdiagnostic.

Model: two identical populations followed the same way, one invited to screening for a cancer,
the other not. The progressive cancers (those that would cause symptoms one day) are the same in
both arms. They grow fast or slowly; a share of each kind is fatal, with an exponential time from
clinical diagnosis to death. Screening:

- finds a share of the fast cancers and a larger share of the slow ones, whose detectable phase
  without symptoms is longer (length-time bias);
- advances their diagnosis by a lead time, while the date of death does not move unless screening
  truly cures some fatal cancers (lead-time bias; ``benefit`` is that true effect, 0 by default);
- adds overdiagnosed cancers, which would never have caused symptoms (overdiagnosis).

Survival "at 5 years" counts the diagnosed patients still alive 5 years after their diagnosis;
mortality counts the deaths from the cancer in the whole population. All outputs are expected
counts (floats); display rounds them. The same formulas are written once more as Vega expressions
so that the book's chart is interactive without a kernel (a test checks that both agree).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, replace

import altair as alt
import pandas as pd

from ...core import charts, data, ui
from ...core.formatting import format_count
from ...core.parameters import bound_problems, parameter_table, parameter_values

DATASET = "parametres_biais_depistage"
LN2 = math.log(2)

# Model attribute → code in data/ (also the name of the Vega parameter).
CODES = {
    "population": "population", "incidence": "incidence", "slow_share": "part_lents",
    "lethality_fast": "letalite_rapides", "lethality_slow": "letalite_lents",
    "median_survival_fast": "survie_rapides", "median_survival_slow": "survie_lents",
    "lead_time": "avance", "detection_fast": "detection_rapides", "sojourn_ratio": "rapport_sejour",
    "overdiagnosis": "surdiagnostic", "benefit": "benefice", "horizon": "horizon",
}


class BiasError(ValueError):
    """Invalid parameters (French message)."""


def parameters() -> pd.DataFrame:
    """The parameters' values, bounds, units and explanations (``data/``), in display order."""
    return parameter_table(DATASET)


@dataclass(frozen=True)
class Biases:
    population: int
    incidence: float
    slow_share: float
    lethality_fast: float
    lethality_slow: float
    median_survival_fast: float
    median_survival_slow: float
    lead_time: float
    detection_fast: float
    sojourn_ratio: float
    overdiagnosis: float
    benefit: float
    horizon: float

    def __post_init__(self) -> None:
        problems = bound_problems(self, parameters(), CODES, "{nom} doit être compris entre {low:g} et {high:g} (reçu : {value})")
        if problems:
            raise BiasError("Paramètres invalides : " + " ; ".join(problems) + ".")


def defaults(**changes: float) -> Biases:
    """The parameters of ``data/``, with the given attributes changed."""
    values = parameter_values(parameters(), CODES)
    values["population"] = int(values["population"])
    return replace(Biases(**values), **changes)


# Scenarios that switch the biases on one at a time (values of data/, the others set to zero).
SCENARIOS = {
    "aucun": ("Aucun biais, aucun bénéfice", {"lead_time": 0, "sojourn_ratio": 1, "overdiagnosis": 0, "benefit": 0}),
    "avance": ("Avance au diagnostic seule", {"sojourn_ratio": 1, "overdiagnosis": 0, "benefit": 0}),
    "duree": ("Biais de durée seul", {"lead_time": 0, "overdiagnosis": 0, "benefit": 0}),
    "surdiagnostic": ("Surdiagnostic seul", {"lead_time": 0, "sojourn_ratio": 1, "benefit": 0}),
    "trois": ("Les trois biais, aucun bénéfice", {"benefit": 0}),
    "benefice": ("Les trois biais et un vrai bénéfice", {"benefit": 0.2}),
}


def scenario(code: str) -> Biases:
    if code not in SCENARIOS:
        raise BiasError(f"Scénario « {code} » inconnu (choix : {', '.join(SCENARIOS)}).")
    return defaults(**SCENARIOS[code][1])


@dataclass(frozen=True)
class Group:
    """Cancers diagnosed in a group of patients: how many, how many die of it, how many are alive at the horizon."""

    cases: float
    deaths: float
    alive: float

    @property
    def survival(self) -> float | None:
        return self.alive / self.cases if self.cases > 0 else None


@dataclass(frozen=True)
class Outcome:
    unscreened: Group       # arm without screening: every cancer is found by its symptoms
    screened: Group         # arm with screening: every cancer diagnosed
    screen_detected: Group  # … found by screening (overdiagnoses included)
    interval: Group         # … found by symptoms despite screening
    overdiagnosed: float

    @property
    def deaths_avoided(self) -> float:
        return self.unscreened.deaths - self.screened.deaths


# Real figures (not illustrative) for the relative / absolute contrast: data/depistage_sein_marmot_2012.
REAL_SCREENING = "depistage_sein_marmot_2012"


@dataclass(frozen=True)
class AbsoluteBenefit:
    """A published screening result read two ways: relative risk, and counts for the invited."""

    relative_risk: float
    invited: int
    deaths_avoided: float
    overdiagnosed: float

    @property
    def relative_reduction(self) -> float:
        return 1 - self.relative_risk

    @property
    def number_needed_to_invite(self) -> int:
        """Women to invite for one death avoided over the period (rounded to a whole woman)."""
        return round(self.invited / self.deaths_avoided)

    @property
    def overdiagnosed_per_death_avoided(self) -> float:
        return self.overdiagnosed / self.deaths_avoided


def absolute_benefit(name: str = REAL_SCREENING) -> AbsoluteBenefit:
    """The published figures of ``name`` (parameter table) as an :class:`AbsoluteBenefit`."""
    values = data.mapping(name, "parametre", "valeur")
    result = AbsoluteBenefit(float(values["risque_relatif"]), int(values["femmes_invitees"]),
                             float(values["deces_evites"]), float(values["surdiagnostics"]))
    if not 0 < result.relative_risk <= 1 or result.deaths_avoided <= 0 or result.invited <= 0:
        raise BiasError(f"Jeu de données « {name} » : risque relatif, effectif ou décès évités invalides.")
    return result


def _alive(cases: float, lethality: float, median: float, years: float, cured: float = 0.0) -> float:
    """Patients alive ``years`` after diagnosis (exponential time to death of the fatal ones)."""
    fatal = cases * lethality * (1 - cured)
    return cases - fatal + fatal * math.exp(-LN2 / median * max(0.0, years))


def simulate(p: Biases) -> Outcome:
    """Expected cancers, deaths and survivors at the horizon, with and without screening."""
    kinds = [  # (progressive cancers, share found by screening, lethality, median survival)
        (p.population * p.incidence * (1 - p.slow_share), p.detection_fast, p.lethality_fast, p.median_survival_fast),
        (p.population * p.incidence * p.slow_share, min(1.0, p.detection_fast * p.sojourn_ratio), p.lethality_slow,
         p.median_survival_slow),
    ]
    unscreened, detected, interval = Group(0, 0, 0), Group(0, 0, 0), Group(0, 0, 0)
    for cases, found, lethality, median in kinds:
        screen, symptoms = cases * found, cases * (1 - found)
        unscreened = _add(unscreened, cases, cases * lethality, _alive(cases, lethality, median, p.horizon))
        detected = _add(detected, screen, screen * lethality * (1 - p.benefit),
                        _alive(screen, lethality, median, p.horizon - p.lead_time, p.benefit))
        interval = _add(interval, symptoms, symptoms * lethality, _alive(symptoms, lethality, median, p.horizon))
    overdiagnosed = detected.cases * p.overdiagnosis / (1 - p.overdiagnosis)
    detected = _add(detected, overdiagnosed, 0.0, overdiagnosed)
    screened = _add(detected, interval.cases, interval.deaths, interval.alive)
    return Outcome(unscreened=unscreened, screened=screened, screen_detected=detected, interval=interval,
                   overdiagnosed=overdiagnosed)


def _add(g: Group, cases: float, deaths: float, alive: float) -> Group:
    return Group(g.cases + cases, g.deaths + deaths, g.alive + alive)


def percent(value: float | None) -> str:
    return "non calculable" if value is None else f"{value * 100:.1f}".replace(".", ",") + "\u202f%"


def describe(p: Biases, o: Outcome) -> str:
    """Plain-language summary of the result (text alternative of the chart)."""
    years = f"{p.horizon:g}"
    avoided = round(o.unscreened.deaths) - round(o.screened.deaths)  # consistent with the rounded counts shown
    gain = (o.screened.survival or 0) - (o.unscreened.survival or 0)
    if avoided != 0:
        verdict = f"{format_count(avoided)} décès évités"
    elif gain > 0.0005:
        verdict = "aucun décès évité ; la survie s'améliore pourtant, entièrement à cause des biais"
    else:
        verdict = "aucun décès évité, et la survie ne change pas"
    over = format_count(o.overdiagnosed) + (" surdiagnostics" if round(o.overdiagnosed) > 1 else " surdiagnostic")
    return (
        f"Pour {format_count(p.population)} personnes dans chaque groupe, la survie à {years} ans après le diagnostic "
        f"passe de {percent(o.unscreened.survival)} sans dépistage à {percent(o.screened.survival)} avec dépistage "
        f"({percent(o.screen_detected.survival)} pour les cancers trouvés par le dépistage, "
        f"{percent(o.interval.survival)} pour ceux révélés par des symptômes entre deux examens). "
        f"Les cancers diagnostiqués passent de {format_count(o.unscreened.cases)} à {format_count(o.screened.cases)}, "
        f"dont {over}. Les décès par ce cancer passent de "
        f"{format_count(o.unscreened.deaths)} à {format_count(o.screened.deaths)} : {verdict}."
    )


# ---------------------------------------------------------------------------
# The same model as Vega expressions (fixed values inlined, sliders as parameter names)

def expressions(p: Biases, bound: tuple[str, ...] = ()) -> dict[str, str]:
    """Ordered Vega expressions of every quantity of :func:`simulate` (later ones use ``datum.<earlier>``)."""
    v = {attr: (CODES[attr] if CODES[attr] in bound else repr(float(getattr(p, attr)))) for attr in CODES}

    def alive(cases: str, lethality: str, median: str, years: str, cured: str = "0") -> str:
        fatal = f"({cases} * {lethality} * (1 - {cured}))"
        return f"({cases} - {fatal} + {fatal} * exp(-{LN2!r} / {median} * max(0, {years})))"

    e = {
        "n_r": f"{v['population']} * {v['incidence']} * (1 - {v['slow_share']})",
        "n_l": f"{v['population']} * {v['incidence']} * {v['slow_share']}",
        "s_r": f"datum.n_r * {v['detection_fast']}",
        "s_l": f"datum.n_l * min(1, {v['detection_fast']} * {v['sojourn_ratio']})",
        # Same operations, in the same order, as simulate(): the page's floats are Python's, bit for bit.
        "c_r": f"datum.n_r * (1 - {v['detection_fast']})",
        "c_l": f"datum.n_l * (1 - min(1, {v['detection_fast']} * {v['sojourn_ratio']}))",
        "sur": f"(datum.s_r + datum.s_l) * {v['overdiagnosis']} / (1 - {v['overdiagnosis']})",
    }
    fast = (v["lethality_fast"], v["median_survival_fast"])
    slow = (v["lethality_slow"], v["median_survival_slow"])
    early = f"{v['horizon']} - {v['lead_time']}"
    e["cas_sans"] = "datum.n_r + datum.n_l"
    e["dc_sans"] = f"datum.n_r * {fast[0]} + datum.n_l * {slow[0]}"
    e["vie_sans"] = f"{alive('datum.n_r', *fast, v['horizon'])} + {alive('datum.n_l', *slow, v['horizon'])}"
    e["cas_dep"] = "datum.s_r + datum.s_l + datum.sur"
    e["dc_dep"] = f"datum.s_r * {fast[0]} * (1 - {v['benefit']}) + datum.s_l * {slow[0]} * (1 - {v['benefit']})"
    e["vie_dep"] = (f"{alive('datum.s_r', *fast, early, v['benefit'])} + "
                    f"{alive('datum.s_l', *slow, early, v['benefit'])} + datum.sur")
    e["cas_int"] = "datum.c_r + datum.c_l"
    e["dc_int"] = f"datum.c_r * {fast[0]} + datum.c_l * {slow[0]}"
    e["vie_int"] = f"{alive('datum.c_r', *fast, v['horizon'])} + {alive('datum.c_l', *slow, v['horizon'])}"
    e["cas_avec"] = "datum.cas_dep + datum.cas_int"
    e["dc_avec"] = "datum.dc_dep + datum.dc_int"
    e["vie_avec"] = "datum.vie_dep + datum.vie_int"
    return e


def sentence(p: Biases, bound: tuple[str, ...] = ()) -> str:
    """:func:`describe` as a Vega expression over the fields of :func:`expressions` (``datum.<name>``)."""
    count, rnd = charts.vega_count, charts.vega_round
    population = CODES["population"] if CODES["population"] in bound else repr(float(p.population))

    def pct(key: str) -> str:
        return (f"(datum.cas_{key} > 0 ? format(datum.vie_{key} / datum.cas_{key} * 100, '.1f') + '\u202f%' "
                ": 'non calculable')")

    def survival(key: str) -> str:
        return f"(datum.cas_{key} > 0 ? datum.vie_{key} / datum.cas_{key} : 0)"

    avoided = f"({rnd('datum.dc_sans')} - {rnd('datum.dc_avec')})"
    verdict = (f"({avoided} != 0 ? {count(avoided)} + ' décès évités' : {survival('avec')} - {survival('sans')} > 0.0005 "
               "? \"aucun décès évité ; la survie s'améliore pourtant, entièrement à cause des biais\" "
               ": 'aucun décès évité, et la survie ne change pas')")
    over = f"{count('datum.sur')} + ({rnd('datum.sur')} > 1 ? ' surdiagnostics' : ' surdiagnostic')"
    return (
        f"'Pour ' + {count(population)} + ' personnes dans chaque groupe, la survie à {p.horizon:g} ans après le "
        f"diagnostic passe de ' + {pct('sans')} + ' sans dépistage à ' + {pct('avec')} + ' avec dépistage (' + "
        f"{pct('dep')} + ' pour les cancers trouvés par le dépistage, ' + {pct('int')} + ' pour ceux révélés par des "
        f"symptômes entre deux examens). Les cancers diagnostiqués passent de ' + {count('datum.cas_sans')} + ' à ' + "
        f"{count('datum.cas_avec')} + ', dont ' + {over} + '. Les décès par ce cancer passent de ' + "
        f"{count('datum.dc_sans')} + ' à ' + {count('datum.dc_avec')} + ' : ' + {verdict} + '.'"
    )


# ---------------------------------------------------------------------------
# Chart: survival from diagnosis, deaths and cancers diagnosed, with and without screening,
# computed from Vega parameters so that the same spec is interactive in the static book.

_BARS = [  # (measure, key, label — « | » starts a second line —, arm)
    ("survie", "sans", "Sans dépistage :|tous les cancers", "Sans dépistage"),
    ("survie", "avec", "Avec dépistage :|tous les cancers", "Avec dépistage"),
    ("survie", "dep", "Avec dépistage : cancers|trouvés par le dépistage", "Avec dépistage"),
    ("survie", "int", "Avec dépistage : cancers|révélés entre deux examens", "Avec dépistage"),
    ("deces", "sans", "Sans dépistage", "Sans dépistage"),
    ("deces", "avec", "Avec dépistage", "Avec dépistage"),
    ("cas", "sans", "Sans dépistage", "Sans dépistage"),
    ("cas", "avec", "Avec dépistage", "Avec dépistage"),
]
ARM_COLOURS = {"Sans dépistage": "#7f7f7f", "Avec dépistage": "#2166ac"}


def chart(p: Biases | None = None, interactive: bool = False) -> alt.VConcatChart:
    """Survival at the horizon, deaths and cancers diagnosed in both arms; under it, the sentence of :func:`describe`.

    Sized for a 390-px phone: panels one under the other, axis labels on two lines.
    """
    p = p or scenario("trois")
    table = parameters()
    sliders = [code for code in table.index if table.loc[code, "reglable"] == 1]
    params = []
    for code in sliders:
        row, attr = table.loc[code], next(a for a, c in CODES.items() if c == code)
        bind = alt.binding_range(min=row["minimum"], max=row["maximum"], step=row["pas"], name=f"{row['libelle']} : ")
        params.append(alt.param(name=code, value=float(getattr(p, attr)), bind=bind) if interactive
                      else alt.param(name=code, value=float(getattr(p, attr))))
    exprs = expressions(p, tuple(sliders))
    rows = pd.DataFrame(_BARS, columns=["mesure", "cle", "groupe", "bras"]).reset_index(names="ordre")
    value = " : ".join(
        f"datum.mesure == '{m}' && datum.cle == '{k}' ? "
        + (f"datum.vie_{k} / datum.cas_{k}" if m == "survie" else f"datum.{'dc' if m == 'deces' else 'cas'}_{k}")
        for m, k, _, _ in _BARS
    ) + " : 0"
    base = alt.Chart(rows).transform_calculate(**exprs).transform_calculate(
        valeur=value, groupe_lu="replace(datum.groupe, '|', ' ')")
    colour = alt.Color("bras:N", scale=alt.Scale(domain=list(ARM_COLOURS), range=list(ARM_COLOURS.values())),
                       legend=None)

    def panel(measure: str, title: str, fmt: str, x_title: str, domain: list[float] | None = None) -> alt.LayerChart:
        sub = base.transform_filter(f"datum.mesure == '{measure}'")
        x = alt.X("valeur:Q", title=x_title, axis=alt.Axis(format=fmt, tickCount=4),
                  scale=alt.Scale(domain=domain) if domain else alt.Undefined)
        order = [label for m, _, label, _ in _BARS if m == measure]
        y = alt.Y("groupe:N", sort=order, title=None,
                  axis=alt.Axis(labelLimit=165, labelFontSize=11, labelExpr="split(datum.label, '|')"))
        bars = sub.mark_bar().encode(x=x, y=y, color=colour, tooltip=[
            alt.Tooltip("groupe_lu:N", title="Groupe"), alt.Tooltip("valeur:Q", title=x_title, format=fmt)])
        labels = sub.mark_text(align="left", dx=4, fontSize=12).encode(x=x, y=y, text=alt.Text("valeur:Q", format=fmt))
        return (bars + labels).properties(width=125, height=alt.Step(34 if measure == "survie" else 26),
                                          title=alt.TitleParams(title, fontSize=13))

    years = f"{p.horizon:g}"
    survival = panel("survie", f"Survie à {years} ans après le diagnostic", ".0%", "Patients en vie", [0, 1])
    deaths = panel("deces", f"Décès par ce cancer ({format_count(p.population)} personnes)", ",.0f", "Décès")
    cases = panel("cas", "Cancers diagnostiqués", ",.0f", "Cancers")
    # Text alternative (see core/charts): a named view keeps its name only as a direct member of a concatenation.
    alternative = base.transform_filter("datum.ordre == 0").transform_calculate(
        phrase=sentence(p, tuple(sliders))).mark_text(fontSize=0, opacity=0, aria=False).encode(
        text="phrase:N", x=alt.value(0), y=alt.value(0)).properties(name="atelier_alt", width=1, height=1)
    return (
        alt.vconcat(survival, deaths, cases, alternative, spacing=16)
        .add_params(*params)
        .properties(description=(
            f"Biais du dépistage : survie à {years} ans après le diagnostic, décès par ce cancer et cancers "
            "diagnostiqués, dans une population sans dépistage et une population identique avec dépistage ; "
            "la phrase sous le graphique résume les chiffres."))
        .configure_view(stroke=None)
        .configure_title(anchor="start", fontSize=14)
    )


# ---------------------------------------------------------------------------
# Thin ipywidgets UI

def simulator(start: str = "trois"):
    import ipywidgets as w

    table = parameters()
    style, lay = {"description_width": "22em"}, w.Layout(width="44em")
    choose = w.Dropdown(options=[(label, code) for code, (label, _) in SCENARIOS.items()], value=start,
                        description="Scénario", style=style, layout=lay).add_class("atelier-scenario")
    sliders = {}
    for attr, code in CODES.items():
        row = table.loc[code]
        if row["reglable"] != 1:
            continue
        sliders[attr] = w.FloatSlider(min=row["minimum"], max=row["maximum"], step=row["pas"], description=row["libelle"],
                                      style=style, layout=lay, continuous_update=False,
                                      readout_format=".2f" if row["maximum"] <= 1 else ".1f").add_class(f"atelier-{code}")
    help_text = ui.parameter_help(table, [CODES[a] for a in sliders], status=False)
    figure = w.Output().add_class("atelier-figure")
    text = w.HTML().add_class("atelier-description")

    def show(p: Biases) -> None:
        ui.show_chart(figure, chart(p))
        text.value = f"<p role='status'>{html.escape(describe(p, simulate(p)))}</p>"

    message = ui.connect(sliders, lambda values: defaults(**{a: float(v) for a, v in values.items()}), BiasError, show,
                         preset=(choose, scenario))
    return w.VBox([choose, *sliders.values(), message, text, figure, help_text])
