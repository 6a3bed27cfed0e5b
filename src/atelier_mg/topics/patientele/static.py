"""Prévention de la patientèle : le simulateur du livre statique, recalculé dans la page sans noyau.

A fictitious patientèle is drawn by :mod:`.generator` at build time and classified by :mod:`.model`
(status of each patient for each indicator, forfait category); the page receives one row per patient.
In the page, Vega transforms count the statuses of the first N patients, look up the forfait amount of
each patient in ``data/forfait_medecin_traitant_2026`` and price the validated indicators with
``data/indicateurs_prevention_2024``: the arithmetic of :func:`.model.summary` and :func:`.model.totals`,
written once more as Vega expressions. A browser test checks that the page shows the words of
:func:`describe` for the same inputs.
"""

from __future__ import annotations

import datetime as dt
import math

import altair as alt
import pandas as pd

from ...core import charts
from ...core.formatting import euros, format_count
from . import generator
from . import model as pt

# Status → one letter in the embedded data (keeps the page light); NOT_CONCERNED is left empty.
LETTERS = {pt.VALIDATED: "V", pt.NOT_VALIDATED: "N", pt.EXCLUDED: "E", pt.NOT_CONCERNED: ""}
STATUS_LABELS = {"V": "Validés", "N": "Non validés", "E": "Exclus"}
STEP = 50


def short_label(label: str) -> str:
    """Indicator name short enough for a phone's axis (the sentence under the chart keeps the full name)."""
    replacements = (
        ("Dépistage organisé du cancer", "Dépistage : cancer"), ("du col de l'utérus", "du col utérin"),
        ("Vaccin contre la ", "Vaccin : "), ("Vaccin contre le ", "Vaccin : "), ("Vaccin contre ", "Vaccin : "),
        ("Examen obligatoire de l'enfant du ", "Examen du "), (" (20-valent)", ""), (" annuel", ""),
    )
    for long, short in replacements:
        label = label.replace(long, short)
    return label.split(" par ")[0]


def patient_rows(pat: pt.Patientele) -> pd.DataFrame:
    """One row per patient, in the patientèle's order: forfait category, C2S and a letter per indicator."""
    status = pt.status_table(pat)
    people = pat.people()
    rows = pd.DataFrame({
        "rang": range(1, len(people) + 1),
        "categorie": [pt.forfait_category(p, pat.reference) for p in people],
        "c2s": [int(p.c2s) for p in people],
    })
    for code in pt.RULES:
        rows[code] = status[code].map(LETTERS).to_numpy()
    return rows


def describe(status: pd.DataFrame, code: str) -> str:
    """Totals of the patientèle and the detail of one indicator (text alternative of the chart)."""
    summary, totals = pt.summary(status), pt.totals(status)
    row = summary.loc[code]
    rate = row["Taux de validation"]
    rate_text = "non calculable" if rate is None or (isinstance(rate, float) and math.isnan(rate)) \
        else f"{format_count(100 * rate)}\u202f%"
    return (
        f"{format_count(totals['patients'])} patients : forfait médecin traitant {euros(totals['forfait_mt'])}, "
        f"majoration prévention {euros(totals['majoration_prevention'])}, total annuel {euros(totals['total'])}. "
        f"{row['Indicateur']} : {format_count(row['Concernés'])} patients concernés, {format_count(row['Validés'])} "
        f"validés, {format_count(row['Non validés'])} non validés, {format_count(row['Exclus'])} exclus ; taux de "
        f"validation {rate_text} ; majoration {euros(row['Majoration (€)'])}."
    )


def _sentence() -> str:
    """:func:`describe` as a Vega expression over the aggregated row (``datum.<field>``) and the ``indicateur`` param."""
    count, eur = charts.vega_count, charts.vega_euros
    names = pt.indicators()["indicateur"]
    name = " : ".join(f"indicateur == '{code}' ? {label!r}" for code, label in names.items()) + " : ''"
    total = "datum.forfait + datum.majoration"
    eligible = "(datum.sel_V + datum.sel_N)"
    return (
        f"{count('datum.patients')} + ' patients : forfait médecin traitant ' + {eur('datum.forfait')} + ', majoration "
        f"prévention ' + {eur('datum.majoration')} + ', total annuel ' + {eur(total)} + '. ' + ({name}) + ' : ' + "
        f"{count('datum.sel_V + datum.sel_N + datum.sel_E')} + ' patients concernés, ' + {count('datum.sel_V')} + "
        f"' validés, ' + {count('datum.sel_N')} + ' non validés, ' + {count('datum.sel_E')} + ' exclus ; taux de "
        f"validation ' + ({eligible} > 0 ? {count(f'100 * datum.sel_V / {eligible}')} + '\u202f%' : 'non calculable') "
        f"+ ' ; majoration ' + {eur('datum.sel_montant')} + '.'"
    )


def static_chart(n: int = 1000, seed: int = 2026, reference: dt.date = dt.date(2026, 5, 15),
                 shown: int | None = None, code: str = "grippe") -> alt.LayerChart:
    """Statuses per indicator and annual amounts of the first N patients of a fictitious patientèle."""
    rows = patient_rows(generator.generate(n, seed=seed, reference=reference))
    table = pt.indicators()
    forfait = pt.forfait_table()
    codes = list(pt.RULES)
    amount = " : ".join(f"datum.indicateur == '{c}' ? {float(table.loc[c, 'montant_eur'])!r}" for c in codes) + " : 0"
    fee = " : ".join(f"datum.categorie == '{c}' ? (datum.c2s ? {float(r.montant_c2s_eur)!r} : {float(r.montant_eur)!r})"
                     for c, r in forfait.iterrows()) + " : 0"
    params = [
        alt.param(name="effectif", value=shown or n, bind=alt.binding_range(
            min=STEP, max=n, step=STEP, name="Patients pris en compte : ")),
        alt.param(name="indicateur", value=code, bind=alt.binding_select(
            options=codes, labels=[table.loc[c, "indicateur"] for c in codes], name="Indicateur détaillé : ")),
    ]
    base = alt.Chart(rows).transform_filter("datum.rang <= effectif")
    long = base.transform_fold(codes, as_=["indicateur", "lettre"]).transform_filter("datum.lettre != ''")
    order = list(STATUS_LABELS.values())
    bars = long.transform_calculate(
        statut=" : ".join(f"datum.lettre == '{k}' ? '{v}'" for k, v in STATUS_LABELS.items()) + " : ''",
        nom=" : ".join(f"datum.indicateur == '{c}' ? {short_label(table.loc[c, 'indicateur'])!r}" for c in codes) + " : ''",
    ).mark_bar(stroke="black", strokeWidth=1).encode(
        y=alt.Y("nom:N", sort=[short_label(table.loc[c, "indicateur"]) for c in codes], title=None,
                axis=alt.Axis(labelLimit=165, labelFontSize=10)),
        x=alt.X("count():Q", title="Patients concernés"),
        color=alt.Color("statut:N", scale=alt.Scale(domain=order, range=["#1b7837", "#d6604d", "#bababa"]),
                        legend=alt.Legend(orient="bottom", title=None)),
        # The border style carries the status too: colour is never the only cue.
        strokeDash=alt.StrokeDash("statut:N", scale=alt.Scale(domain=order, range=[[1, 0], [6, 3], [2, 2]]),
                                  legend=alt.Legend(orient="bottom", title=None)),
        order=alt.Order("statut:N", sort="descending"),
        tooltip=[alt.Tooltip("nom:N", title="Indicateur"), alt.Tooltip("statut:N", title="Statut"),
                 alt.Tooltip("count():Q", title="Patients")],
    )
    per_patient = {f"sel_{k}": f"datum[indicateur] == '{k}' ? 1 : 0" for k in STATUS_LABELS}
    validated = " + ".join(f"(datum.{c} == 'V' ? 1 : 0) * ({amount.replace('datum.indicateur', repr(c))})"
                           for c in codes)
    text = base.transform_calculate(forfait_patient=fee, majoration_patient=validated, **per_patient).transform_calculate(
        sel_montant_patient=f"datum.sel_V * ({amount.replace('datum.indicateur', 'indicateur')})",
    ).transform_aggregate(
        patients="count()", forfait="sum(forfait_patient)", majoration="sum(majoration_patient)",
        sel_V="sum(sel_V)", sel_N="sum(sel_N)", sel_E="sum(sel_E)", sel_montant="sum(sel_montant_patient)",
    ).transform_calculate(phrase=_sentence()).mark_text(fontSize=0, opacity=0).encode(
        text="phrase:N", x=alt.value(0), y=alt.value(0)).properties(name="atelier_alt")
    return alt.layer(bars, text).add_params(*params).properties(
        width=115, height=15 * 22, title=alt.TitleParams("Indicateurs de la majoration prévention", fontSize=13),
        description=("Barres horizontales : pour chaque indicateur, patients validés (bordure pleine), non validés "
                     "(tirets) et exclus (pointillés) ; la phrase sous le graphique donne les montants annuels et le "
                     "détail de l'indicateur choisi."),
    ).configure_view(stroke=None)
