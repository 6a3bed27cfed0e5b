"""Cascade d'un test : fréquences naturelles, tableau 2×2, VPP/VPN, faux positifs, surdiagnostic.

Model: a population invited to screening (or patients given a diagnostic test), a share that
participates, a prevalence of the disease among the people tested, a test's sensitivity and
specificity, and — for screening only — the share of screen-detected cases that are overdiagnosed
(cancers that would never have caused symptoms). Overdiagnosis is defined for people without
symptoms: a diagnostic test in symptomatic or referred patients has none (``purpose="diagnostic"``).
All outputs are expected counts (floats); display rounds them.
"""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass

import altair as alt
import pandas as pd

from ...core import charts, data, ui
from ...core.formatting import format_count

PRESETS_DATASET = "presets_depistage"
PURPOSES = {"dépistage": "screening", "diagnostic": "diagnostic"}  # data/ wording → model


class ScreeningError(ValueError):
    """Invalid scenario (French message)."""


@dataclass(frozen=True)
class Scenario:
    population: int = 10_000
    participation: float = 1.0
    prevalence: float = 0.01
    sensitivity: float = 0.9
    specificity: float = 0.95
    overdiagnosis: float = 0.0
    purpose: str = "screening"

    def __post_init__(self) -> None:
        problems = []
        if self.purpose not in PURPOSES.values():
            problems.append(f"l'usage du test doit être « screening » ou « diagnostic » (reçu : {self.purpose})")
        elif self.purpose == "diagnostic" and self.overdiagnosis:
            problems.append("le surdiagnostic ne concerne que le dépistage de personnes sans symptôme : "
                            "pour un test diagnostique, il vaut 0")
        if isinstance(self.population, bool) or not isinstance(self.population, int) or not 1 <= self.population <= 100_000_000:
            problems.append(f"la population doit être un entier entre 1 et 100 000 000 (reçu : {self.population})")
        names = {
            "participation": "la participation", "prevalence": "la prévalence", "sensitivity": "la sensibilité",
            "specificity": "la spécificité", "overdiagnosis": "la part de surdiagnostic",
        }
        for attr, label in names.items():
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 <= value <= 1:
                problems.append(f"{label} doit être une proportion entre 0 et 1 (reçu : {value})")
        if problems:
            raise ScreeningError("Scénario invalide : " + " ; ".join(problems) + ".")


@dataclass(frozen=True)
class Result:
    """Expected counts of a screening round and the derived indices (None when undefined)."""

    invited: float
    screened: float
    not_screened: float
    diseased: float
    healthy: float
    true_positives: float
    false_negatives: float
    false_positives: float
    true_negatives: float
    overdiagnosed: float
    positives: float
    ppv: float | None
    npv: float | None

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


def cascade(s: Scenario) -> Result:
    """Expected counts for one screening round."""
    screened = s.population * s.participation
    diseased = screened * s.prevalence
    healthy = screened - diseased
    tp = diseased * s.sensitivity
    fn = diseased - tp
    tn = healthy * s.specificity
    fp = healthy - tn
    positives = tp + fp
    negatives = tn + fn
    return Result(
        invited=float(s.population), screened=screened, not_screened=s.population - screened,
        diseased=diseased, healthy=healthy, true_positives=tp, false_negatives=fn,
        false_positives=fp, true_negatives=tn, overdiagnosed=tp * s.overdiagnosis,
        positives=positives,
        ppv=tp / positives if positives > 0 else None,
        npv=tn / negatives if negatives > 0 else None,
    )


def ppv(prevalence: float, sensitivity: float, specificity: float) -> float | None:
    """Positive predictive value from prevalence, sensitivity and specificity (Bayes)."""
    return cascade(Scenario(population=1, prevalence=prevalence, sensitivity=sensitivity, specificity=specificity)).ppv


def npv(prevalence: float, sensitivity: float, specificity: float) -> float | None:
    return cascade(Scenario(population=1, prevalence=prevalence, sensitivity=sensitivity, specificity=specificity)).npv


def two_by_two(r: Result) -> pd.DataFrame:
    """The 2×2 table with French labels and margins (expected counts, rounded)."""
    rows = {
        "Test positif": [r.true_positives, r.false_positives, r.positives],
        "Test négatif": [r.false_negatives, r.true_negatives, r.false_negatives + r.true_negatives],
        "Total": [r.diseased, r.healthy, r.screened],
    }
    table = pd.DataFrame(rows, index=["Malades", "Non malades", "Total"]).T
    return table.map(lambda v: format_count(v))


def percent(value: float | None) -> str:
    return "non calculable" if value is None else f"{value * 100:.1f}".replace(".", ",") + "\u202f%"


def describe(s: Scenario, r: Result) -> str:
    """Plain-language summary (text alternative of the chart)."""
    if s.purpose == "diagnostic":
        start = f"Test diagnostique chez {format_count(r.screened)} patients qui ont un symptôme ou sont adressés. "
        end = " Il n'y a pas de surdiagnostic au sens du dépistage : ces patients ne sont pas sans symptôme."
    else:
        start = (f"Dépistage : sur {format_count(s.population)} personnes sans symptôme invitées, "
                 f"{format_count(r.screened)} font le test. ")
        end = f" {format_count(r.overdiagnosed)} des cas détectés sont des surdiagnostics."
    return (
        start +
        f"{format_count(r.diseased)} ont la maladie : {format_count(r.true_positives)} sont détectées "
        f"et {format_count(r.false_negatives)} ne le sont pas (faux négatifs). Parmi les "
        f"{format_count(r.healthy)} personnes sans la maladie, {format_count(r.false_positives)} ont un test "
        f"positif à tort (faux positifs). Un test positif correspond à la maladie dans {percent(r.ppv)} des cas "
        f"(valeur prédictive positive) ; un test négatif l'exclut dans {percent(r.npv)} des cas (valeur prédictive "
        f"négative)." + end
    )


def presets() -> pd.DataFrame:
    """Illustrative settings (general population, primary care, hospital) from ``data/``."""
    return data.load_table(PRESETS_DATASET).sort_values("ordre")


def preset_scenario(code: str, population: int = 10_000) -> Scenario:
    table = presets().set_index("code")
    if code not in table.index:
        raise ScreeningError(f"Situation « {code} » inconnue (choix : {', '.join(table.index)}).")
    row = table.loc[code]
    return Scenario(
        population=population, participation=float(row["participation"]), prevalence=float(row["prevalence"]),
        sensitivity=float(row["sensibilite"]), specificity=float(row["specificite"]),
        overdiagnosis=float(row["surdiagnostic"]), purpose=PURPOSES[row["usage"]],
    )


# ---------------------------------------------------------------------------
# Chart: icon array of 1,000 tested people + summary, computed from Vega parameters so that
# the same spec is interactive in the static book.

CATEGORIES = [  # (label, colour, shape): the shape carries the category too, not the colour alone
    ("Vrai positif", "#b2182b", "square"),
    ("Vrai positif surdiagnostiqué", "#f4a582", "diamond"),
    ("Faux négatif", "#762a83", "triangle-up"),
    ("Faux positif", "#fdb863", "cross"),
    ("Vrai négatif", "#d1e5f0", "circle"),
]


def chart(s: Scenario = Scenario(), interactive: bool = False) -> alt.VConcatChart:
    """Icon array (1,000 tested people) with counts for the whole population and PPV/NPV.

    A diagnostic test (``s.purpose == "diagnostic"``) has no overdiagnosis parameter, category or line.
    """
    screening = s.purpose == "screening"
    def param(name: str, value: float, label: str, lo: float = 0.0, hi: float = 1.0, step: float = 0.001):
        if interactive:
            return alt.param(name=name, value=value, bind=alt.binding_range(min=lo, max=hi, step=step, name=label))
        return alt.param(name=name, value=value)

    params = [
        param("population", s.population, "Population invitée : " if screening else "Patients : ", 100, 1_000_000, 100),
        param("participation", s.participation, "Participation : ", 0, 1, 0.01),
        param("prevalence", s.prevalence, "Prévalence : ", 0, 0.5, 0.001),
        param("sensibilite", s.sensitivity, "Sensibilité : ", 0.5, 1, 0.005),
        param("specificite", s.specificity, "Spécificité : ", 0.5, 1, 0.005),
    ]
    if screening:
        params.append(param("surdiagnostic", s.overdiagnosis, "Part de surdiagnostic : ", 0, 0.8, 0.01))
    categories = [c for c in CATEGORIES if screening or c[0] != "Vrai positif surdiagnostiqué"]
    rnd = charts.vega_round
    sur = rnd("1000 * prevalence * sensibilite * surdiagnostic") if screening else "0"
    per_row, step = 40, 8.5  # 40 × 25 people: 340 px wide, for a 390-px phone
    people = alt.Chart(alt.sequence(0, 1000, as_="i")).transform_calculate(
        malades=rnd("1000 * prevalence"),
        vp=rnd("1000 * prevalence * sensibilite"),
        sur=sur,
        fp=rnd("1000 * (1 - prevalence) * (1 - specificite)"),
        categorie=(
            "datum.i < datum.sur ? 'Vrai positif surdiagnostiqué' : datum.i < datum.vp ? 'Vrai positif' "
            ": datum.i < datum.malades ? 'Faux négatif' : datum.i < datum.malades + datum.fp ? 'Faux positif' "
            ": 'Vrai négatif'"
        ),
        col=f"datum.i % {per_row}",
        row=f"floor(datum.i / {per_row})",
    ).mark_point(size=36, filled=True, opacity=1).encode(
        x=alt.X("col:O", axis=None),
        y=alt.Y("row:O", axis=None),
        color=alt.Color(
            "categorie:N",
            scale=alt.Scale(domain=[c[0] for c in categories], range=[c[1] for c in categories]),
            legend=alt.Legend(title="Pour 1 000 personnes testées", orient="top", columns=2, labelLimit=160),
        ),
        shape=alt.Shape("categorie:N", scale=alt.Scale(domain=[c[0] for c in categories], range=[c[2] for c in categories])),
        tooltip=[alt.Tooltip("categorie:N", title="Catégorie")],
    ).properties(width=per_row * step, height=1000 // per_row * step,
                 title=("Dépistage" if screening else "Test diagnostique") + " : 1 000 personnes testées")

    count = charts.vega_count
    lines = [
        ("Personnes testées", "screened"),
        ("Malades détectés (vrais positifs)", "tp"),
        ("Malades non détectés (faux négatifs)", "fn"),
        ("Tests positifs à tort (faux positifs)", "fp"),
    ]
    if screening:
        lines.insert(2, ("… dont surdiagnostics", "over"))
    texts = [f"{count('datum.' + field)} + ' — ' + {label!r}" for label, field in lines] + [
        f"'Valeur prédictive positive : ' + {_percent('datum.tp', 'datum.positives')}",
        f"'Valeur prédictive négative : ' + {_percent('datum.tn', 'datum.negatives')}",
    ]
    rows = pd.DataFrame({"ordre": range(len(texts))})
    counts = alt.Chart(rows).transform_calculate(**vega_fields(screening)).transform_calculate(
        ligne=" : ".join(f"datum.ordre == {i} ? {t}" for i, t in enumerate(texts)) + " : ''",
    ).mark_text(align="left", fontSize=12).encode(
        y=alt.Y("ordre:O", axis=None), x=alt.value(0), text="ligne:N").properties(width=330, height=20 * len(texts),
                 title="Pour toute la population invitée" if screening else "Pour tous les patients testés")
    # Text alternative (see core/charts): a named view keeps its name only as a direct member of a concatenation.
    alternative = alt.Chart(pd.DataFrame({"k": [0]})).transform_calculate(**vega_fields(screening)).transform_calculate(
        phrase=_sentence(screening)).mark_text(fontSize=0, opacity=0, aria=False).encode(
        text="phrase:N", x=alt.value(0), y=alt.value(0)).properties(name="atelier_alt", width=1, height=1)
    return (
        alt.vconcat(people, counts, alternative)
        .add_params(*params)
        .properties(
            description=(
                ("Cascade de dépistage" if screening else "Cascade d'un test diagnostique")
                + " : grille de 1 000 personnes testées, chaque résultat ayant sa couleur et sa forme "
                "(vrais et faux positifs, faux négatifs, vrais négatifs"
                + (", surdiagnostics" if screening else "") + "), puis effectifs et valeurs prédictives ; "
                "la phrase sous le graphique les résume."
            )
        )
        .configure_view(stroke=None)
        .configure_title(anchor="start", fontSize=14)
    )


def vega_fields(screening: bool) -> dict[str, str]:
    """:func:`cascade` as Vega expressions over the parameters: same operations, same order, same floats."""
    return {
        "screened": "population * participation", "diseased": "datum.screened * prevalence",
        "healthy": "datum.screened - datum.diseased", "tp": "datum.diseased * sensibilite",
        "fn": "datum.diseased - datum.tp", "tn": "datum.healthy * specificite", "fp": "datum.healthy - datum.tn",
        "positives": "datum.tp + datum.fp", "negatives": "datum.tn + datum.fn",
        "over": "datum.tp * surdiagnostic" if screening else "0",
    }


def _percent(part: str, whole: str) -> str:
    """:func:`percent` of ``part / whole`` as a Vega expression (« non calculable » when ``whole`` is 0)."""
    return f"({whole} > 0 ? format({part} / {whole} * 100, '.1f') + '\u202f%' : 'non calculable')"


def _sentence(screening: bool) -> str:
    """:func:`describe` as a Vega expression over the fields of :func:`vega_fields`."""
    count = charts.vega_count
    if screening:
        start = (f"'Dépistage : sur ' + {count('population')} + ' personnes sans symptôme invitées, ' + "
                 f"{count('datum.screened')} + ' font le test. '")
        end = f"' ' + {count('datum.over')} + ' des cas détectés sont des surdiagnostics.'"
    else:
        start = f"'Test diagnostique chez ' + {count('datum.screened')} + ' patients qui ont un symptôme ou sont adressés. '"
        end = "\" Il n'y a pas de surdiagnostic au sens du dépistage : ces patients ne sont pas sans symptôme.\""
    return (
        f"{start} + {count('datum.diseased')} + ' ont la maladie : ' + {count('datum.tp')} + ' sont détectées et ' + "
        f"{count('datum.fn')} + ' ne le sont pas (faux négatifs). Parmi les ' + {count('datum.healthy')} + ' personnes "
        f"sans la maladie, ' + {count('datum.fp')} + ' ont un test positif à tort (faux positifs). Un test positif "
        f"correspond à la maladie dans ' + {_percent('datum.tp', 'datum.positives')} + ' des cas (valeur prédictive "
        f"positive) ; un test négatif l\\'exclut dans ' + {_percent('datum.tn', 'datum.negatives')} + ' des cas "
        f"(valeur prédictive négative).' + {end}"
    )


# ---------------------------------------------------------------------------
# Thin ipywidgets UI

def simulator(preset: str = "soins_primaires"):
    import ipywidgets as w

    table = presets()
    style = {"description_width": "13em"}
    lay = w.Layout(width="34em")
    choose = w.Dropdown(options=[(r.situation, r.code) for r in table.itertuples()], value=preset,
                        description="Situation", style=style, layout=lay).add_class("atelier-situation")
    pop = w.IntText(value=10_000, description="Population invitée", style=style).add_class("atelier-population")
    sliders = {
        "participation": w.FloatSlider(min=0, max=1, step=0.01, description="Participation", readout_format=".0%"),
        "prevalence": w.FloatSlider(min=0, max=0.5, step=0.001, description="Prévalence", readout_format=".1%"),
        "sensitivity": w.FloatSlider(min=0.5, max=1, step=0.005, description="Sensibilité", readout_format=".1%"),
        "specificity": w.FloatSlider(min=0.5, max=1, step=0.005, description="Spécificité", readout_format=".1%"),
        "overdiagnosis": w.FloatSlider(min=0, max=0.8, step=0.01, description="Part de surdiagnostic", readout_format=".0%"),
    }
    for name, sl in sliders.items():
        sl.style, sl.layout, sl.continuous_update = style, lay, False
        sl.add_class(f"atelier-{name}")
    note = w.HTML().add_class("atelier-note")
    message = w.HTML().add_class("atelier-message")
    figure = w.Output().add_class("atelier-figure")
    grid = w.HTML().add_class("atelier-tableau")
    text = w.HTML().add_class("atelier-description")

    pause = ui.Pause()  # one refresh for the whole preset, not one per slider

    def apply_preset(*_):
        s = preset_scenario(choose.value, pop.value if pop.value > 0 else 10_000)
        row = table.set_index("code").loc[choose.value]
        with pause:
            for name, sl in sliders.items():
                sl.value = getattr(s, name)
        diagnostic = s.purpose == "diagnostic"
        sliders["overdiagnosis"].disabled = diagnostic  # overdiagnosis belongs to screening only
        pop.description = "Patients" if diagnostic else "Population invitée"
        kind = ("<strong>Test diagnostique</strong> (patients qui ont un symptôme ou sont adressés) : pas de surdiagnostic."
                if diagnostic else "<strong>Dépistage</strong> (personnes sans symptôme).")
        note.value = (f"<p>{kind} <em>{html.escape(row['note'])}</em> Valeurs <strong>{html.escape(row['statut'])}s</strong>"
                      f" ({html.escape(row['reference'])}).</p>")

    def refresh(*_):
        if pause:
            return
        try:
            purpose = PURPOSES[table.set_index("code").loc[choose.value, "usage"]]
            s = Scenario(population=int(pop.value), purpose=purpose, **{k: float(v.value) for k, v in sliders.items()})
        except ScreeningError as exc:
            message.value = ui.message(exc)
            return
        message.value = ""
        r = cascade(s)
        ui.show_chart(figure, chart(s))
        grid.value = ("<h4>Tableau 2×2 (effectifs attendus)</h4>"
                      + two_by_two(r).to_html(border=0, classes="atelier-table"))
        text.value = f"<p role='status'>{html.escape(describe(s, r))}</p>"

    choose.observe(lambda *_: (apply_preset(), refresh()), names="value")
    pop.observe(refresh, names="value")
    for sl in sliders.values():
        sl.observe(refresh, names="value")
    apply_preset()
    refresh()
    return w.VBox([choose, note, pop, *sliders.values(), message, figure, grid, text])
