"""Polymédication : le simulateur du livre statique, recalculé dans la page sans noyau.

The patientèle is drawn by :func:`.polymedication.generate` at build time and embedded, one row per patient:
molecules, reimbursements, the lines whose stop criterion was checked (how many, and the cumulated cost of the
first 1…4 in the order :func:`.polymedication.review` stops them), the lines of classes to re-evaluate kept after
the check (recent benzodiazepine, indication found, assessment left to the consultation), and the random draw that
decides whether the patient's prescription is reviewed
(the very draws of :func:`.polymedication.review` with the same seed). The review rule itself (quota by
status, only flagged lines stopped) is written once more as Vega expressions, with the thresholds and
targets of ``data/parametres_polymedication``; a browser test checks that the page shows the numbers of
:func:`.polymedication.describe` and :func:`.polymedication.review_message` for the same inputs.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from . import polymedication as pm

MAX_TARGET = 4  # cumulated costs embedded for the first 1…MAX_TARGET flagged lines


def static_rows(before: pm.Lines, seed: int) -> pd.DataFrame:
    """One row per patient: what the page needs to replay :func:`.polymedication.review` for any share reviewed."""
    s = pm.settings()
    if max(s["objectif_retrait_hyper"], s["objectif_retrait_poly"]) > MAX_TARGET:
        raise pm.PolymedicationError(f"Objectif de retrait supérieur à {MAX_TARGET} lignes : non prévu par le livre.")
    pp = pm.per_patient(before)
    lines = before.lignes
    flagged = lines[lines["a_reevaluer"]].copy()
    flagged["rang"] = flagged.groupby("identifiant").cumcount()
    rows = pd.DataFrame({
        "molecules": pp["molecules"], "rembourse": pp["rembourse_eur"], "signalees": pp["a_reevaluer"],
        "tirage": np.random.default_rng(seed).random(len(pp)),  # review(): one draw per patient, in this order
    }, index=pp.index)
    for k in range(1, MAX_TARGET + 1):
        rows[f"cout_{k}"] = flagged[flagged["rang"] < k].groupby("identifiant")["cout_annuel_eur"].sum()
    rows["verifiees"] = lines[lines["motif_maintien"] != ""].groupby("identifiant").size()
    return rows.fillna(0).reset_index(drop=True)


def _expressions() -> dict[str, str]:
    s = pm.settings()
    poly, hyper = s["seuil_polymedication"], s["seuil_hyperpolymedication"]
    cost = " : ".join(f"datum.arretees == {k} ? datum.cout_{k}" for k in range(1, MAX_TARGET + 1)) + " : 0"
    return {
        "quota": (f"datum.tirage < revue ? (datum.molecules >= {hyper:g} ? {s['objectif_retrait_hyper']:g} : "
                  f"datum.molecules >= {poly:g} ? {s['objectif_retrait_poly']:g} : 0) : 0"),
        "revu": "datum.quota > 0 ? 1 : 0",
        "arretees": "min(datum.quota, datum.signalees)",
        "apres": "datum.molecules - datum.arretees",
        "rembourse_apres": f"datum.rembourse - ({cost})",
        "atteint": "datum.revu && datum.arretees >= datum.quota ? 1 : 0",
        "gardees": "datum.revu ? datum.verifiees : 0",
        "poly_av": f"datum.molecules >= {poly:g} ? 1 : 0", "hyper_av": f"datum.molecules >= {hyper:g} ? 1 : 0",
        "poly_ap": f"datum.apres >= {poly:g} ? 1 : 0", "hyper_ap": f"datum.apres >= {hyper:g} ? 1 : 0",
    }


def _sentence() -> str:
    """Vega expression of ``describe(before, after) + ' ' + review_message(result)`` (same words, same rounding)."""
    s = pm.settings()

    def n(field: str) -> str:
        return f"format(datum.{field}, ',.0f')"

    def part(field: str) -> str:
        return f"{n(field)} + ' (' + format(100 * datum.{field} / datum.patients, '.0f') + '\u202f%)'"

    describe = (
        f"'Sur ' + {n('patients')} + ' patients de 65 ans et plus : avant la revue, ' + {part('poly_av')} + ' prennent "
        f"{s['seuil_polymedication']:.0f} molécules ou plus et ' + {part('hyper_av')} + ' {s['seuil_hyperpolymedication']:.0f} "
        f"ou plus ; après, ' + {part('poly_ap')} + ' et ' + {part('hyper_ap')} + '. Lignes de traitement chronique : ' + "
        f"{n('molecules')} + ' avant, ' + {n('apres')} + ' après.'"
    )
    kept = pm.KEPT_SENTENCE.replace("'", "\\'")
    message = (
        f"datum.revu == 0 ? 'Aucune ordonnance revue.' : {n('revu')} + ' ordonnances revues : ' + {n('arretees')} + "
        "' lignes arrêtées, toutes pour un critère d\\'arrêt vérifié ; objectif du programme atteint pour ' + "
        f"{n('atteint')} + ' patients.' + (datum.gardees > 0 ? ' ' + {n('gardees')} + ' {kept}' : '') + "
        "(datum.manquantes > 0 ? ' Pour l\\'atteindre chez tous, il faudrait arrêter ' + "
        f"{n('manquantes')} + ' lignes de plus sans critère de réévaluation : le simulateur ne le fait pas, un objectif "
        "chiffré ne justifie pas à lui seul d\\'arrêter un traitement utile.' : '')"
    )
    return f"{describe} + ' ' + ({message})"


def static_chart(n: int = 500, seed: int = 2026, share: float = 1.0) -> alt.LayerChart:
    """Molecules per patient before and after the review, for a share of reviewed prescriptions set in the page."""
    rows = static_rows(pm.generate(n, seed=seed), seed)
    s = pm.settings()
    revue = alt.param(name="revue", value=share, bind=alt.binding_range(
        min=0, max=1, step=0.05, name="Part des ordonnances de polymédiqués revues (0 à 1) : "))
    base = alt.Chart(rows).transform_calculate(**_expressions())
    moments = ["Avant", "Après la revue"]
    hist = base.transform_calculate(Avant="datum.molecules", **{"Après la revue": "datum.apres"}).transform_fold(
        moments, as_=["moment", "nombre"]).mark_bar(stroke="#222222", strokeWidth=1).encode(
        x=alt.X("nombre:O", title="Molécules par patient", axis=alt.Axis(labelAngle=0, labelFontSize=9)),
        y=alt.Y("count():Q", title="Patients"),
        color=alt.Color("moment:N", sort=moments, scale=alt.Scale(domain=moments, range=["#b2182b", "#2166ac"]),
                        legend=alt.Legend(orient="bottom", title=None)),
        fillOpacity=alt.FillOpacity("moment:N", sort=moments, scale=alt.Scale(domain=moments, range=[0.3, 0.95]),
                                    legend=None),
        xOffset=alt.XOffset("moment:N", sort=moments),
        tooltip=[alt.Tooltip("moment:N", title="Moment"), alt.Tooltip("nombre:O", title="Molécules"),
                 alt.Tooltip("count():Q", title="Patients")],
    )
    sums = ["revu", "arretees", "atteint", "gardees", "poly_av", "hyper_av", "poly_ap", "hyper_ap", "molecules", "apres",
            "quota"]
    text = base.transform_aggregate(patients="count()", **{f: f"sum({f})" for f in sums}).transform_calculate(
        manquantes="datum.quota - datum.arretees", phrase=_sentence(),
    ).mark_text(fontSize=0, opacity=0).encode(text="phrase:N", x=alt.value(0), y=alt.value(0)).properties(
        name="atelier_alt")
    return alt.layer(hist, text).add_params(revue).properties(
        width=280, height=200,
        title=alt.TitleParams(f"Molécules par patient ({s['seuil_polymedication']:.0f} ou plus : polymédication)",
                              fontSize=13),
        description=("Histogramme du nombre de molécules par patient de 65 ans et plus, avant (barre claire, à gauche) "
                     "et après la revue des ordonnances (barre foncée, à droite) ; la phrase sous le graphique donne "
                     "les effectifs."),
    ).configure_view(stroke=None)
