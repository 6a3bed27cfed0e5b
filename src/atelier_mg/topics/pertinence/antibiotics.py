"""Antibiotiques : « Tester ou traiter ? » (tests rapides, score de Mac Isaac) et trajectoire de prescription.

Strategies for patients consulting with a possibly bacterial infection:

* ``empirique``: antibiotic for everyone;
* ``test``: test everyone, antibiotic if positive;
* ``score_test``: test only patients whose clinical score reaches a threshold (sore throat);
* ``score_seul``: antibiotic if the score reaches the threshold, without a test.

Outputs are expected counts: antibiotics prescribed and avoided (against the empirical strategy),
bacterial infections left untreated, antibiotics given without bacterial infection.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import altair as alt
import pandas as pd

from ...core import charts, data, ui
from ...core.formatting import format_count, french_number

RESULTS = ("Antibiotiques prescrits", "Infections non traitées", "Antibiotiques sans infection")
RESULT_COLOURS = alt.Scale(domain=list(RESULTS), range=["#4575b4", "#d73027", "#fdae61"])

STRATEGIES = {
    "empirique": "Antibiotique pour tous (probabiliste)",
    "test": "Test pour tous, antibiotique si positif",
    "score_test": "Test si score ≥ seuil, antibiotique si positif",
    "score_seul": "Antibiotique si score ≥ seuil, sans test",
}


class AntibioticError(ValueError):
    """Invalid parameters (French message)."""


def _proportion(value: float, label: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 <= value <= 1:
        raise AntibioticError(f"{label} doit être une proportion entre 0 et 1 (reçu : {value}).")


@dataclass(frozen=True)
class Outcome:
    strategy: str
    patients: float
    antibiotics: float
    avoided: float
    missed: float
    unnecessary: float
    tests: float


def _check(n: int, sensitivity: float, specificity: float) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10_000_000:
        raise AntibioticError(f"Le nombre de patients doit être un entier entre 1 et 10 000 000 (reçu : {n}).")
    _proportion(sensitivity, "La sensibilité")
    _proportion(specificity, "La spécificité")


def test_or_treat(n: int, prevalence: float, sensitivity: float, specificity: float) -> list[Outcome]:
    """Empirical treatment against testing everyone (no clinical score)."""
    _check(n, sensitivity, specificity)
    _proportion(prevalence, "La prévalence")
    sick = n * prevalence
    well = n - sick
    tp, fp = sick * sensitivity, well * (1 - specificity)
    return [
        Outcome("empirique", n, n, 0.0, 0.0, well, 0.0),
        Outcome("test", n, tp + fp, n - (tp + fp), sick - tp, fp, float(n)),
    ]


def score_table() -> pd.DataFrame:
    return data.load_table("angine_mcisaac").sort_values("score")


def implied_prevalence(scores: pd.DataFrame | None = None) -> float:
    """Share of group A streptococcal sore throats implied by the score distribution and probabilities."""
    scores = score_table() if scores is None else scores
    return float((scores["part_patients"] * scores["probabilite_sga"]).sum())


STATUS_LABEL = {"illustratif": "illustratives", "sourcé": "sourcées", "source": "sourcées"}


def sore_throat(n: int, threshold: int, sensitivity: float, specificity: float,
                scores: pd.DataFrame | None = None) -> list[Outcome]:
    """The four strategies for sore throat, with the McIsaac score distribution and probabilities."""
    _check(n, sensitivity, specificity)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 0 <= threshold <= 5:
        raise AntibioticError(f"Le seuil du score doit être un entier entre 0 et 5 (reçu : {threshold}).")
    scores = score_table() if scores is None else scores
    patients = n * scores["part_patients"]
    sick = patients * scores["probabilite_sga"]
    high = scores["score"] >= threshold
    sick_all, n_high = sick.sum(), patients[high].sum()
    sick_high = sick[high].sum()
    well_high = n_high - sick_high
    tp, fp = sick_high * sensitivity, well_high * (1 - specificity)
    out = test_or_treat(n, sick_all / n, sensitivity, specificity)
    out.append(Outcome("score_test", n, tp + fp, n - (tp + fp), sick_all - tp, fp, n_high))
    out.append(Outcome("score_seul", n, n_high, n - n_high, sick_all - sick_high, well_high, 0.0))
    return out


def outcomes_table(outcomes: list[Outcome]) -> pd.DataFrame:
    """French table of the strategies (expected counts, rounded)."""
    return pd.DataFrame(
        {
            "Stratégie": [STRATEGIES[o.strategy] for o in outcomes],
            "Antibiotiques prescrits": [format_count(o.antibiotics) for o in outcomes],
            "Antibiotiques évités": [format_count(o.avoided) for o in outcomes],
            "Infections bactériennes non traitées": [format_count(o.missed) for o in outcomes],
            "Antibiotiques sans infection bactérienne": [format_count(o.unnecessary) for o in outcomes],
            "Tests réalisés": [format_count(o.tests) for o in outcomes],
        }
    )


def describe(outcomes: list[Outcome]) -> str:
    """Text alternative of the comparison: one French sentence per strategy (what a screen reader reads)."""
    if not outcomes:
        raise AntibioticError("Aucune stratégie à décrire.")
    sentences = [
        f"{STRATEGIES[o.strategy]} : {format_count(o.antibiotics)} antibiotiques prescrits, "
        f"{format_count(o.missed)} infections bactériennes non traitées, "
        f"{format_count(o.unnecessary)} antibiotiques sans infection bactérienne"
        + (f", {format_count(o.tests)} tests." if o.tests else ".")
        for o in outcomes
    ]
    return f"Sur {format_count(outcomes[0].patients)} patients. " + " ".join(sentences)


def outcomes_chart(outcomes: list[Outcome]) -> alt.LayerChart:
    rows = []
    for o in outcomes:
        for label, value in zip(RESULTS, (o.antibiotics, o.missed, o.unnecessary), strict=True):
            rows.append({"Stratégie": STRATEGIES[o.strategy], "Résultat": label, "Patients": value,
                         "Étiquette": f"{format_count(value)} ({label.lower()})"})
    base = alt.Chart(pd.DataFrame(rows)).encode(
        y=alt.Y("Stratégie:N", title=None, sort=[STRATEGIES[o.strategy] for o in outcomes], axis=alt.Axis(labelLimit=300)),
        x=alt.X("Patients:Q", title="Patients"),
        yOffset=alt.YOffset("Résultat:N", sort=list(RESULTS)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("Résultat:N", legend=alt.Legend(orient="bottom", title=None), scale=RESULT_COLOURS),
        tooltip=["Stratégie:N", "Résultat:N", alt.Tooltip("Patients:Q", format=",.0f")],
    )
    # Each bar carries its value and what it counts: colour is never the only carrier of meaning.
    labels = base.mark_text(align="left", dx=3, fontSize=10).encode(text="Étiquette:N")
    return alt.layer(bars, labels).properties(width=420, height=alt.Step(12), title="Comparer les stratégies",
                 description="Barres groupées : antibiotiques prescrits, infections non traitées et antibiotiques "
                             "sans infection bactérienne pour chaque stratégie.")


# -- trajectory of prescriptions ---------------------------------------------------------------------

def national_figures() -> dict[str, float]:
    return data.mapping("antibiotiques_france", "indicateur", "valeur")


def national_target() -> float:
    """SpF's 2027 target, in prescriptions per 1,000 inhabitants and per year."""
    return data.mapping("antibiotiques_spf_2024", "indicateur", "valeur")["cible_2027"]


def national_target_index() -> float:
    """SpF's 2027 target as an index, base 100 = the 2024 prescription rate."""
    spf = data.mapping("antibiotiques_spf_2024", "indicateur", "valeur")
    return 100 * spf["cible_2027"] / spf["prescriptions_1000"]


def trajectory(annual_reduction: float, start_year: int = 2024, end_year: int = 2030, base: float = 100.0) -> pd.DataFrame:
    """Prescriptions (index, base 100 in ``start_year``) under a constant annual reduction, with the targets.

    Targets of the 2024 convention: -10 % from 2025 and -25 % by 2027 (relative to the base year, as we
    read them), and the national target of Santé publique France for 2027 (650 prescriptions per 1,000
    inhabitants, against 860.4 in 2024). All are prescriptions; the European comparison, which is about
    consumption (defined daily doses), is deliberately not drawn on this index.
    """
    if isinstance(annual_reduction, bool) or not isinstance(annual_reduction, (int, float)) or not 0 <= annual_reduction < 1:
        raise AntibioticError(f"La baisse annuelle doit être une proportion entre 0 et 1 (reçu : {annual_reduction}).")
    fig = national_figures()
    years = list(range(start_year, end_year + 1))
    return pd.DataFrame({
        "annee": years,
        "prescriptions": [base * (1 - annual_reduction) ** (y - start_year) for y in years],
        "objectif": [base * (1 + fig["objectif_2025"] / 100) if y == 2025 else
                     base * (1 + fig["objectif_2027"] / 100) if y == 2027 else None for y in years],
        "cible_nationale": [base * national_target_index() / 100 if y == 2027 else None for y in years],
    })


def reduction_to_reach(target_fraction: float, years: int) -> float:
    """Constant annual reduction that reaches ``target_fraction`` of the base after ``years`` years."""
    if not 0 < target_fraction <= 1 or years < 1:
        raise AntibioticError("Objectif ou durée invalides.")
    return 1 - target_fraction ** (1 / years)


def _index(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def describe_trajectory(annual_reduction: float) -> str:
    """Text alternative of :func:`trajectory_chart`: the index in 2025, 2027 and 2030, and whether each target is met."""
    t = trajectory(annual_reduction).set_index("annee")
    row25, row27, last = t.loc[2025], t.loc[2027], t.iloc[-1]

    def met(value: float, target: float, feminine: bool = False) -> str:
        return ("atteint" if value <= target else "non atteint") + ("e" if feminine else "")

    return (
        f"Avec une baisse de {format_count(100 * annual_reduction)}\u202f% par an, l'indice des prescriptions "
        f"d'antibiotiques (base 100 en {t.index[0]}) serait de {_index(row25.prescriptions)} en 2025 (objectif de la "
        f"convention : {_index(row25.objectif)}, {met(row25.prescriptions, row25.objectif)}), de "
        f"{_index(row27.prescriptions)} en 2027 (objectif de la convention : {_index(row27.objectif)}, "
        f"{met(row27.prescriptions, row27.objectif)} ; cible nationale de Santé publique France : "
        f"{_index(row27.cible_nationale)}, {met(row27.prescriptions, row27.cible_nationale, True)}) et de "
        f"{_index(last.prescriptions)} en {t.index[-1]}."
    )


def _trajectory_sentence() -> str:
    """:func:`describe_trajectory` as a Vega expression of the ``baisse`` parameter (targets written in from ``data/``)."""
    t = trajectory(0).set_index("annee")
    start, end = int(t.index[0]), int(t.index[-1])
    o25, o27, nat = (repr(float(v)) for v in (t.loc[2025, "objectif"], t.loc[2027, "objectif"], t.loc[2027, "cible_nationale"]))

    def index(year: int) -> str:
        return f"(100.0 * pow(1 - baisse, {year - start}))"

    def met(value: str, target: str, feminine: bool = False) -> str:
        e = "e" if feminine else ""
        return f"({value} <= {target} ? 'atteint{e}' : 'non atteint{e}')"

    def fmt(x: str) -> str:
        return f"format({x}, '.1f')"

    return (
        f"'Avec une baisse de ' + {charts.vega_count('100 * baisse')} + \"\u202f% par an, l'indice des prescriptions "
        f"d'antibiotiques (base 100 en {start}) serait de \" + {fmt(index(2025))} + ' en 2025 (objectif de la convention : ' "
        f"+ {fmt(o25)} + ', ' + {met(index(2025), o25)} + '), de ' + {fmt(index(2027))} + ' en 2027 (objectif de la "
        f"convention : ' + {fmt(o27)} + ', ' + {met(index(2027), o27)} + ' ; cible nationale de Santé publique France : ' "
        f"+ {fmt(nat)} + ', ' + {met(index(2027), nat, True)} + ') et de ' + {fmt(index(end))} + ' en {end}.'"
    )


def trajectory_chart(annual_reduction: float = 0.05, interactive: bool = False) -> alt.VConcatChart:
    """Index of prescriptions (base 100 in 2024) against the convention's targets and SpF's national target.

    Under it, the sentence of :func:`describe_trajectory` (text alternative); 340 px wide for a phone.
    """
    fig = national_figures()
    bind = {"bind": alt.binding_range(min=0, max=0.3, step=0.01, name="Baisse annuelle : ")} if interactive else {}
    red = alt.param(name="baisse", value=annual_reduction, **bind)
    years = alt.Chart(pd.DataFrame({"annee": range(2024, 2031)})).transform_calculate(
        prescriptions="100 * pow(1 - baisse, datum.annee - 2024)")
    line = years.mark_line(point=True, color="#1b6ca8").encode(
        x=alt.X("annee:O", title="Année", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("prescriptions:Q", title="Indice (100 en 2024)", scale=alt.Scale(domain=[40, 105])),
        tooltip=[alt.Tooltip("annee:O", title="Année"), alt.Tooltip("prescriptions:Q", title="Indice", format=".1f")])
    goals = [f"{fig[k]:+.0f}\u202f%".replace("-", "−") for k in ("objectif_2025", "objectif_2027")]
    targets = pd.DataFrame({
        "annee": [2025, 2027, 2027],
        "indice": [100 + fig["objectif_2025"], 100 + fig["objectif_2027"], national_target_index()],
        "libelle": [*goals, "cible nationale"],
        "detail": [f"convention {goals[0]}", f"convention {goals[1]}",
                   f"cible nationale ({national_target():.0f} pour 1 000)"],
        "source": ["convention 2024", "convention 2024", "Santé publique France"],
    })
    t = alt.Chart(targets)
    # Shape and text, not colour alone, tell the two kinds of target apart.
    marks = t.mark_point(size=140, color="#b2182b", filled=True).encode(
        x="annee:O", y="indice:Q",
        shape=alt.Shape("source:N", scale=alt.Scale(domain=["convention 2024", "Santé publique France"],
                                                    range=["diamond", "square"]),
                        legend=alt.Legend(title="Objectif", orient="bottom")),
        tooltip=[alt.Tooltip("detail:N", title="Objectif"), alt.Tooltip("indice:Q", title="Indice", format=".1f")])
    # The two 2027 targets almost coincide: the national label goes to the left, the convention's to the right.
    tlabels = t.transform_filter("datum.source == 'convention 2024'").mark_text(
        dx=10, dy=8, align="left", color="#b2182b").encode(x="annee:O", y="indice:Q", text="libelle:N")
    nlabel = t.transform_filter("datum.source != 'convention 2024'").mark_text(
        dx=-10, dy=-2, align="right", color="#b2182b").encode(x="annee:O", y="indice:Q", text="libelle:N")
    chart = alt.layer(line, marks, tlabels, nlabel).properties(
        width=255, height=220, title=alt.TitleParams("Trajectoire des prescriptions d'antibiotiques", fontSize=13))
    # Text alternative (see core/charts): a named view keeps its name only as a direct member of a concatenation.
    alternative = alt.Chart(pd.DataFrame({"k": [0]})).transform_calculate(phrase=_trajectory_sentence()).mark_text(
        fontSize=0, opacity=0, aria=False).encode(text="phrase:N", x=alt.value(0), y=alt.value(0)).properties(
        name="atelier_alt", width=1, height=1)
    return alt.vconcat(chart, alternative).add_params(red).properties(
        description="Courbe de l'indice des prescriptions d'antibiotiques de 2024 à 2030 selon une baisse annuelle "
                    f"constante (curseur), avec les objectifs de la convention 2024 (losanges : {goals[0]} en 2025, "
                    f"{goals[1]} en 2027) et la cible nationale de Santé publique "
                    f"France pour 2027 (carré, indice {french_number(round(national_target_index(), 1))}) ; la phrase "
                    "sous le graphique donne les valeurs. La moyenne européenne, exprimée en consommation, "
                    "n'est pas tracée sur cet indice de prescriptions.",
    ).configure_view(stroke=None)


# -- thin UI -----------------------------------------------------------------------------------------

def situations() -> pd.DataFrame:
    return data.load_table("tests_rapides")


def simulator(situation: str = "angine_adulte"):
    import ipywidgets as w

    table = situations().set_index("code")
    style = {"description_width": "13em"}
    lay = w.Layout(width="34em")
    choose = w.Dropdown(options=[(r.situation, c) for c, r in table.iterrows()], value=situation,
                        description="Situation", style=style, layout=lay).add_class("atelier-situation")
    n = w.BoundedIntText(value=1000, min=1, max=1_000_000, description="Patients", style=style).add_class("atelier-patients")
    prev = w.FloatSlider(min=0, max=1, step=0.01, description="Prévalence", readout_format=".0%", style=style, layout=lay)
    se = w.FloatSlider(min=0.5, max=1, step=0.01, description="Sensibilité du test", readout_format=".0%", style=style,
                       layout=lay)
    sp = w.FloatSlider(min=0.5, max=1, step=0.01, description="Spécificité du test", readout_format=".0%", style=style,
                       layout=lay)
    threshold = w.IntSlider(min=0, max=4, value=2, description="Seuil du score de Mac Isaac", style=style, layout=lay)
    for widget, cls in ((prev, "atelier-prevalence"), (se, "atelier-sensibilite"), (sp, "atelier-specificite"),
                        (threshold, "atelier-seuil")):
        widget.continuous_update = False
        widget.add_class(cls)
    note = w.HTML().add_class("atelier-note")
    summary = w.HTML().add_class("atelier-resume")  # text alternative, read by screen readers when it changes
    figure = w.Output().add_class("atelier-figure")
    result = w.HTML().add_class("atelier-tableau")
    pause = ui.Pause()  # one refresh for a whole situation, not one per slider

    def load(*_):
        row = table.loc[choose.value]
        adult = choose.value == "angine_adulte"
        with pause:
            # Adults: the outcomes come from the scores, so the slider shows the prevalence they imply.
            prev.value = round(implied_prevalence(), 3) if adult else float(row["prevalence"])
            se.value, sp.value = float(row["sensibilite"]), float(row["specificite"])
        threshold.layout.display = "" if adult else "none"
        prev.disabled = adult
        status = STATUS_LABEL.get(row["statut"], row["statut"])
        note.value = (f"<p><em>Valeurs {html.escape(status)}</em> : {html.escape(row['source'])}."
                      + (f" Chez l'adulte, la prévalence ({french_number(implied_prevalence(), percent=True)}) n'est pas "
                         "mesurée : elle résulte d'une répartition illustrative des patients entre les scores de Mac "
                         "Isaac, combinée aux probabilités publiées par Fine et al. (2012) pour des patients de 3 ans "
                         "et plus (pas seulement des adultes) ; le curseur de prévalence est donc figé." if adult else "")
                      + "</p>")
        refresh()

    def refresh(*_):
        if pause:
            return
        try:
            if choose.value == "angine_adulte":
                outcomes = sore_throat(int(n.value), int(threshold.value), float(se.value), float(sp.value))
            else:
                outcomes = test_or_treat(int(n.value), float(prev.value), float(se.value), float(sp.value))
        except AntibioticError as exc:
            result.value = ui.message(exc)
            return
        summary.value = f'<p role="status" aria-live="polite">{html.escape(describe(outcomes))}</p>'
        ui.show_chart(figure, outcomes_chart(outcomes))
        result.value = outcomes_table(outcomes).to_html(index=False, border=0, classes="atelier-table")

    choose.observe(load, names="value")
    for widget in (n, prev, se, sp, threshold):
        widget.observe(refresh, names="value")
    load()
    return w.VBox([choose, note, n, prev, se, sp, threshold, summary, figure, result])
