"""Sobriété : tableau par strate, règles et leur statut, graphique, texte de remplacement, simulateur.

Everything the learner reads about the sobriety indicator, over the pure model of :mod:`.sobriety`.
The chart never relies on colour alone (labelled, differently dashed rules) and every result is also
written out in a sentence (:func:`describe`), the text alternative of the chart, refreshed with the inputs.
"""

from __future__ import annotations

import html

import altair as alt
import numpy as np
import pandas as pd

from ...core import charts, data, ui
from ...core.formatting import euros, format_count
from ..patientele import generator as patientele_generator
from ..patientele import model as patientele
from . import sobriety as model


def decimal(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def percent(value: float, digits: int = 0) -> str:
    return f"{decimal(100 * value, digits)}\u202f%"


def strata_table(practice: pd.DataFrame) -> pd.DataFrame:
    t = model.expected(practice)
    return pd.DataFrame({
        "Âge": t["tranche_age"], "Sexe": t["sexe"], "ALD": t["ald"], "C2S": t["c2s"],
        "Patients": t["patients"],
        "Montant national moyen (€)": [format_count(v) for v in t["montant_moyen_eur"]],
        "Attendu (€)": [format_count(v) for v in t["montant_attendu_eur"]],
        "Observé (€)": [format_count(v) for v in t["montant_observe_eur"]],
    })


def rules_table() -> pd.DataFrame:
    t = model.rule_statuses()
    return pd.DataFrame({"Question": t["question"], "Ce que disent les textes publics": t["reponse"],
                         "Statut": t["statut"], "Source": t["source"]})


def describe(ind: model.Indicator, b: dict, distribution: np.ndarray, cumulative: bool = False) -> str:
    """Plain-language result (the text alternative of the chart): ratio, rank, each bonus and why."""
    rules = model.bonus_rules()
    share = rules["part_beneficiaires_niveau"] / 100
    pct = model.percentile(ind.ratio, distribution)
    place = "dans" if b["groupe_niveau"] else "hors de"
    parts = [
        f"Ratio de sobriété : {decimal(ind.ratio)} ({euros(ind.observed)} observés pour {euros(ind.expected)} attendus). "
        f"{percent(pct)} des {format_count(len(distribution))} médecins simulés ont un ratio plus faible ; "
        f"le seuil des {percent(share)} les plus sobres est à {decimal(b['seuil_30_pourcent'])} : "
        f"le médecin est {place} ce groupe.",
    ]
    if b["groupe_niveau"]:
        parts.append(f"Bonus de niveau : {euros(rules['bonus_niveau_eur'])} × coefficient {decimal(b['coefficient'])} "
                     f"(patientèle médecin traitant / patientèle moyenne) = {euros(b['bonus_niveau'])}.")
    else:
        parts.append("Bonus de niveau : 0 €.")
    if b["baisse"] is None:
        parts.append("Bonus d'évolution : pas de ratio de l'année précédente, il ne peut être calculé.")
    else:
        trend = (f"baisse du ratio de {percent(b['baisse'], 1)} (il faut plus de "
                 f"{format_count(rules['baisse_minimale_evolution'])}\u202f%)")
        if b["baisse"] < 0:
            trend = f"hausse du ratio de {percent(-b['baisse'], 1)}"
        if b["baisse_suffisante"] and b["groupe_niveau"] and not cumulative:
            parts.append(f"Bonus d'évolution : 0 € ({trend}, mais déjà dans le groupe du bonus de niveau ; "
                         "hypothèse affichée : bonus non cumulables).")
        else:
            parts.append(f"Bonus d'évolution : {euros(b['bonus_evolution'])} ({trend}).")
    parts.append(f"Total : {euros(b['total'])}.")
    return " ".join(parts)


def assumptions(mean_patientele: float, cumulative: bool) -> str:
    """The assumptions the simulator makes where the public texts are silent, in words."""
    default = model.bonus_rules()["patientele_mt_moyenne_2022"]
    mean_note = ("moyenne publiée pour 2022" if mean_patientele == default else "valeur saisie")
    return (
        "Hypothèses affichées (non précisées par les textes publics) : patientèle moyenne de "
        f"{format_count(mean_patientele)} patients ({mean_note}) ; bonus d'évolution non pondéré ; "
        + ("bonus cumulables (lecture alternative)." if cumulative else
           "bonus non cumulables (lecture de la Cnam rapportée par la presse).")
        + " Taux nationaux par strate et distribution des médecins : illustratifs."
    )


def distribution_chart(distribution: np.ndarray, ratio: float, threshold: float) -> alt.LayerChart:
    hist = alt.Chart(pd.DataFrame({"ratio": distribution})).mark_bar(color="#9ecae1").encode(
        x=alt.X("ratio:Q", bin=alt.Bin(step=0.05), title="Ratio de sobriété (observé / attendu)"),
        y=alt.Y("count():Q", title="Médecins"),
    )
    share = format_count(model.bonus_rules()["part_beneficiaires_niveau"])
    marks = pd.DataFrame({"x": [ratio, threshold],
                          "libelle": [f"Votre ratio ({decimal(ratio)})", f"Seuil des {share} % les plus sobres "
                                      f"({decimal(threshold)})"],
                          "couleur": ["#b2182b", "#1a6e2e"], "trait": [[1, 0], [6, 4]], "y": [1.0, 0.85]})
    scale = alt.Scale(domain=list(marks["libelle"]), range=list(marks["couleur"]))
    rules = alt.Chart(marks).mark_rule(strokeWidth=2.5).encode(
        x="x:Q", strokeDash=alt.StrokeDash("libelle:N", scale=alt.Scale(domain=list(marks["libelle"]),
                                                                         range=list(marks["trait"])), legend=None),
        color=alt.Color("libelle:N", scale=scale, legend=alt.Legend(orient="bottom", title=None)))
    labels = alt.Chart(marks).mark_text(align="left", dx=4, fontSize=11).encode(
        x="x:Q", y=alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[0, 1.05])), text="libelle:N",
        color=alt.Color("libelle:N", scale=scale, legend=None))
    return alt.layer(hist, rules, labels).resolve_scale(y="independent").properties(
        width=480, height=220, title="Position dans une distribution nationale simulée",
        description=(f"Histogramme des ratios de sobriété de {format_count(len(distribution))} médecins fictifs. "
                     f"Trait plein : le ratio du médecin, {decimal(ratio)}. Trait pointillé : le seuil des {share} % "
                     f"de ratios les plus faibles, {decimal(threshold)}."),
    )


def simulator():
    import ipywidgets as w

    rules = model.bonus_rules()
    style = {"description_width": "22em"}
    wide = w.Layout(width="46em")
    n = w.BoundedIntText(value=1000, min=50, max=5000, description="Patients médecin traitant", style=style)
    seed = w.IntText(value=2026, description="Graine du tirage", style=style)
    factor = w.FloatSlider(value=1.0, min=0.6, max=1.5, step=0.05, continuous_update=False, readout_format=".2f",
                           description="Profil de prescription du médecin (1 = national)", style=style,
                           layout=wide).add_class("atelier-profil")
    ageing = w.IntSlider(value=0, min=0, max=50, step=5, continuous_update=False,
                         description="Surcoût des 75 ans et plus (vieillissement dans la tranche, %)", style=style,
                         layout=wide).add_class("atelier-vieillissement")
    previous = w.BoundedFloatText(value=1.05, min=0, max=5, step=0.01, description="Ratio de l'année précédente (0 = inconnu)",
                                  style=style).add_class("atelier-ratio-precedent")
    mean = w.BoundedIntText(value=int(rules["patientele_mt_moyenne_2022"]), min=100, max=5000,
                            description="Patientèle moyenne (hypothèse : 2022)", style=style)
    cumulative = w.Checkbox(value=False, description="Lecture alternative : les deux bonus se cumulent", indent=False)
    summary = w.HTML().add_class("atelier-synthese")
    figure = w.Output().add_class("atelier-figure")
    table = w.HTML().add_class("atelier-tableau")
    statuses = w.HTML("<details><summary>Les règles et leur statut (texte officiel, présentation de la Cnam, presse ou syndicat, "
                      "non précisé)"
                      "</summary>" + rules_table().to_html(index=False, border=0, classes="atelier-table") + "</details>")
    distribution = model.national_distribution()

    def refresh(*_):
        try:
            pat = patientele_generator.generate(int(n.value), seed=int(seed.value))
            practice = model.practice_from_patientele(pat, float(factor.value), seed=int(seed.value))
            practice = model.age_within_open_band(practice, ageing.value / 100)
            ind = model.indicator(practice)
            b = model.bonuses(ind.ratio, float(previous.value) or None, ind.patients, distribution,
                              cumulative=bool(cumulative.value), mean_patientele=float(mean.value))
        except (model.SobrietyError, patientele.PatienteleError, data.DataError) as exc:
            summary.value = ui.message(exc)
            return
        summary.value = (
            f"<div role='status' aria-live='polite'><p>{html.escape(describe(ind, b, distribution, bool(cumulative.value)))}"
            f"</p><p><em>{html.escape(assumptions(float(mean.value), bool(cumulative.value)))}</em></p></div>"
        )
        ui.show_chart(figure, distribution_chart(distribution, ind.ratio, b["seuil_30_pourcent"]))
        table.value = ("<details><summary>Détail par strate (standardisation indirecte)</summary>"
                       + strata_table(practice).to_html(index=False, border=0, classes="atelier-table") + "</details>")

    for widget in (n, seed, factor, ageing, previous, mean, cumulative):
        widget.observe(refresh, names="value")
    refresh()
    return w.VBox([w.HBox([n, seed]), factor, ageing, previous, mean, cumulative, summary, figure, table, statuses])


# ---------------------------------------------------------------------------
# Static book: the same computation as Vega expressions over embedded strata and simulated doctors.
# Python's rounding (half to even) is reproduced so that the page shows exactly the words of :func:`describe`;
# a browser test checks it over a grid of inputs.

def _dec(x: str, digits: int = 2) -> str:
    return f"format({charts.vega_round(x) if digits == 0 else x}, '.{digits}f')"


def _eur(x: str) -> str:
    return charts.vega_euros(x)


def _pct(x: str, digits: int = 0) -> str:
    return f"{_dec(f'100 * ({x})', digits)} + '\u202f%'"


def _describe_expression(n_doctors: int, threshold: float) -> str:
    """:func:`describe` as a Vega expression over datum.observe, attendu, sous (doctors below), patients and the params."""
    rules = model.bonus_rules()
    share = rules["part_beneficiaires_niveau"] / 100
    ratio, fall = "datum.ratio", "datum.baisse"
    level = f"(datum.groupe ? {rules['bonus_niveau_eur']!r} * datum.patients / moyenne : 0)"
    trend = "datum.evolution"
    trend_words = (f"({fall} < 0 ? 'hausse du ratio de ' + {_pct(f'-{fall}', 1)} : 'baisse du ratio de ' + "
                   f"{_pct(fall, 1)} + ' (il faut plus de {format_count(rules['baisse_minimale_evolution'])}\u202f%)')")
    return (
        f"'Ratio de sobriété : ' + {_dec(ratio)} + ' (' + {_eur('datum.observe')} + ' observés pour ' + "
        f"{_eur('datum.attendu')} + ' attendus). ' + {_pct(f'datum.sous / {n_doctors}')} + ' des "
        f"{format_count(n_doctors)} médecins simulés ont un ratio plus faible ; le seuil des {percent(share)} les plus "
        f"sobres est à {decimal(threshold)} : le médecin est ' + (datum.groupe ? 'dans' : 'hors de') + ' ce groupe. ' + "
        f"(datum.groupe ? 'Bonus de niveau : {euros(rules['bonus_niveau_eur'])} × coefficient ' + "
        f"{_dec('datum.patients / moyenne')} + ' (patientèle médecin traitant / patientèle moyenne) = ' + {_eur(level)} "
        f"+ '.' : 'Bonus de niveau : 0 €.') + ' ' + (precedent <= 0 ? 'Bonus d\\'évolution : pas de ratio de l\\'année "
        f"précédente, il ne peut être calculé.' : (datum.suffisante && datum.groupe && !cumul ? 'Bonus d\\'évolution : "
        f"0 € (' + {trend_words} + ', mais déjà dans le groupe du bonus de niveau ; hypothèse affichée : bonus non "
        f"cumulables).' : 'Bonus d\\'évolution : ' + {_eur(trend)} + ' (' + {trend_words} + ').')) + ' Total : ' + "
        f"{_eur(f'{level} + {trend}')} + '.'"
    )


def static_chart(n: int = 1000, seed: int = 2026, factor: float = 1.0, ageing: int = 0, previous: float = 1.05,
                 cumulative: bool = False) -> alt.LayerChart:
    """The sobriety simulator for the static book: profile, ageing of the 75+, previous ratio, mean patientèle, reading."""
    rules = model.bonus_rules()
    distribution = model.national_distribution()
    threshold = model.level_threshold(distribution)
    strata = model.strata(patientele_generator.generate(n, seed=seed), seed)
    rows = pd.concat([
        pd.DataFrame({"type": "strate", "patients": strata["patients"], "taux": strata["montant_moyen_eur"],
                      "ecart": strata["ecart"], "ouverte": (strata["tranche_age"] == model.OPEN_BAND).astype(int)}),
        pd.DataFrame({"type": "medecin", "valeur": distribution}),
    ], ignore_index=True).fillna(0)
    params = [
        alt.param(name="profil", value=factor, bind=alt.binding_range(
            min=0.6, max=1.5, step=0.05, name="Profil de prescription du médecin (1 = national) : ")),
        alt.param(name="vieillissement", value=ageing, bind=alt.binding_range(
            min=0, max=50, step=5, name="Surcoût des 75 ans et plus (%) : ")),
        alt.param(name="precedent", value=previous, bind=alt.binding_range(
            min=0, max=2, step=0.01, name="Ratio de l'année précédente (0 = inconnu) : ")),
        alt.param(name="moyenne", value=rules["patientele_mt_moyenne_2022"], bind=alt.binding_range(
            min=400, max=2000, step=10, name="Patientèle moyenne (hypothèse : 2022) : ")),
        alt.param(name="cumul", value=cumulative, bind=alt.binding_checkbox(
            name="Lecture alternative : les deux bonus se cumulent ")),
    ]
    # Same operations, in the same order, as practice_from_patientele, age_within_open_band and indicator.
    base = alt.Chart(rows).transform_calculate(
        observe=("datum.type == 'strate' ? round(datum.patients * datum.taux * profil * datum.ecart * 100) / 100 "
                 "* (datum.ouverte ? 1 + vieillissement / 100 : 1) : 0"),
        attendu="datum.type == 'strate' ? datum.patients * datum.taux : 0",
    ).transform_joinaggregate(total_observe="sum(observe)", total_attendu="sum(attendu)").transform_calculate(
        ratio="datum.total_observe / datum.total_attendu",
        sous="datum.type == 'medecin' && datum.valeur < datum.ratio ? 1 : 0",
    )
    hist = base.transform_filter("datum.type == 'medecin'").mark_bar(color="#9ecae1").encode(
        x=alt.X("valeur:Q", title="Ratio de sobriété (observé / attendu)", scale=alt.Scale(zero=False),
                bin=alt.Bin(step=0.05, extent=[float(np.floor(distribution.min() * 20) / 20),
                                               float(np.ceil(distribution.max() * 20) / 20)])),
        y=alt.Y("count():Q", title="Médecins"),
    )
    summary = base.transform_aggregate(
        observe="sum(observe)", attendu="sum(attendu)", sous="sum(sous)", patients="sum(patients)", ratio="max(ratio)",
    ).transform_calculate(
        groupe=f"datum.ratio <= {threshold!r}",
        baisse="precedent > 0 ? round((precedent - datum.ratio) / precedent * 1e12) / 1e12 : 0",
        suffisante=f"precedent > 0 && datum.baisse > {rules['baisse_minimale_evolution'] / 100!r}",
        evolution=f"datum.suffisante && (cumul || !datum.groupe) ? {rules['bonus_evolution_eur']!r} : 0",
    )
    marks = summary.transform_calculate(seuil=repr(threshold)).transform_fold(["ratio", "seuil"], as_=["repere", "x"])
    labels = {"ratio": "Ratio du médecin (trait plein)",
              "seuil": f"Seuil des {format_count(rules['part_beneficiaires_niveau'])} % les plus sobres (tirets)"}
    repere = alt.Color("libelle:N", scale=alt.Scale(domain=list(labels.values()), range=["#b2182b", "#1a6e2e"]),
                       legend=alt.Legend(orient="bottom", title=None, direction="vertical", labelLimit=300))
    rules_mark = marks.transform_calculate(
        libelle=f"datum.repere == 'ratio' ? '{labels['ratio']}' : '{labels['seuil']}'").mark_rule(strokeWidth=2.5).encode(
        x=alt.X("x:Q", scale=alt.Scale(zero=False)), color=repere,
        strokeDash=alt.StrokeDash("libelle:N", scale=alt.Scale(domain=list(labels.values()), range=[[1, 0], [6, 4]]),
                                  legend=None))
    text = summary.transform_calculate(phrase=_describe_expression(len(distribution), threshold)).mark_text(
        fontSize=0, opacity=0).encode(text="phrase:N", x=alt.value(0), y=alt.value(0)).properties(name="atelier_alt")
    return alt.layer(hist, rules_mark, text).add_params(*params).properties(
        width=280, height=200, title=alt.TitleParams("Position dans une distribution simulée", fontSize=13),
        description=(f"Histogramme des ratios de sobriété de {format_count(len(distribution))} médecins fictifs, avec le "
                     "ratio du médecin (trait plein) et le seuil du bonus de niveau (tirets) ; la phrase sous le "
                     "graphique donne le ratio, le rang et les bonus."),
    ).configure_view(stroke=None)
