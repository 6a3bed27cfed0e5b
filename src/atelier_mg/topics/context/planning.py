"""Planning d'un DMG : combien de maîtres de stage pour les internes d'un semestre ?

Model (steady state): every year a promotion of the same size enters the DES; four promotions are
present at the same time. Each stage of the 2023 maquette (``data/maquette_des_mg_2023``) lasts one
semester, except the consolidation phase, made of as many one-semester stages as it has semesters
(``data/des_mg_2026``). Over a year (two semesters) the subdivision must therefore offer, for each
stage, ``promotion × semesters`` intern-semesters, i.e. ``promotion × semesters / 2`` interns in that
stage in any given semester.

An intern in an ambulatory stage engages one or several MSU (maîtres de stage des universités): the
number depends on the kind of supervision (stage de niveau 1, SASPAS, docteur junior). The stage
couplé and the stage libre can be hospital or ambulatory stages: a share of them is ambulatory.
All those numbers are illustrative parameters (``data/parametres_planning_dmg``). The result is a
number of MSU engagements per semester: the same MSU may take several.

The same formulas are written once more as Vega expressions so that the book's chart is
interactive without a kernel (a test checks that both agree).
"""

from __future__ import annotations

import html
import json
import textwrap
from dataclasses import dataclass, replace

import altair as alt
import pandas as pd

from ...core import charts, data, ui
from ...core.formatting import format_count, french_number
from ...core.parameters import bound_problems, parameter_table, parameter_values

DATASET = "parametres_planning_dmg"
MAQUETTE = "maquette_des_mg_2023"
DES = "des_mg_2026"

# Model attribute → code in data/ (also the name of the Vega parameter).
CODES = {
    "promotion": "promotion",
    "msu_first_level": "msu_premier_niveau",
    "msu_saspas": "msu_saspas",
    "msu_junior": "msu_docteur_junior",
    "share_coupled": "part_couple_ambulatoire",
    "share_free": "part_libre_ambulatoire",
    "available_msu": "msu_disponibles",
}

# Which supervision each ambulatory stage of the maquette needs, and which share parameter says how
# many of a "hospital or ambulatory" stage are ambulatory. Stage codes of data/maquette_des_mg_2023.
SUPERVISION = {"S01": "msu_first_level", "S04": "msu_first_level", "S05": "msu_saspas",
               "S06": "msu_first_level", "S07": "msu_junior"}
SHARED = {"S04": "share_coupled", "S06": "share_free"}
JUNIOR_STAGE = "S07"
# Row of data/ (not a slider): mean engagements per MSU above which the sentence warns of an unrealistic load.
THRESHOLD = "seuil_engagements_msu"


class PlanningError(ValueError):
    """Invalid parameters (French message)."""


def parameters() -> pd.DataFrame:
    """The parameters' values, bounds, units and explanations (``data/``), in display order."""
    return parameter_table(DATASET)


@dataclass(frozen=True)
class Planning:
    promotion: float
    msu_first_level: float
    msu_saspas: float
    msu_junior: float
    share_coupled: float
    share_free: float
    available_msu: float

    def __post_init__(self) -> None:
        problems = bound_problems(self, parameters(), CODES, "{nom} doit être compris entre {low:g} et {high:g} (reçu : {value})")
        if problems:
            raise PlanningError("Paramètres invalides : " + " ; ".join(problems) + ".")


def defaults(**changes: float) -> Planning:
    """The parameters of ``data/``, with the given attributes changed."""
    values = parameter_values(parameters(), CODES)
    return replace(Planning(**values), **changes)


def stages() -> pd.DataFrame:
    """The stages of the 2023 maquette with their length (semesters) and what the model needs to know.

    Columns: ``code``, ``stage`` (short title), ``phase``, ``lieu``, ``semestres``, ``amb_fixe`` (1 for an
    ambulatory stage, 0 for a hospital stage or a stage that may be either), and the 0/1 flags
    ``est_couple``, ``est_libre`` (share parameters) and ``est_n1``, ``est_saspas``, ``est_dj`` (MSU per intern).
    """
    maquette = data.load_table(MAQUETTE).sort_values("ordre")
    des = data.load_table(DES).set_index("indicateur")["valeur"]
    rows = []
    for row in maquette.itertuples():
        semesters = int(des["semestres_consolidation"]) if row.phase == "consolidation" else 1
        supervision = SUPERVISION.get(row.code)
        rows.append({
            "code": row.code, "stage": row.libelle_carnet, "phase": row.phase, "lieu": row.lieu,
            "semestres": semesters,
            "amb_fixe": 1 if row.lieu == "ambulatoire" else 0,
            "est_couple": int(SHARED.get(row.code) == "share_coupled"),
            "est_libre": int(SHARED.get(row.code) == "share_free"),
            "est_n1": int(supervision == "msu_first_level"),
            "est_saspas": int(supervision == "msu_saspas"),
            "est_dj": int(supervision == "msu_junior"),
        })
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Need:
    table: pd.DataFrame      # one row per stage: interns, ambulatory share, MSU per intern, MSU engagements
    interns: float           # interns in stage in a semester (all stages)
    ambulatory: float        # of whom in an ambulatory stage
    msu: float               # MSU engagements in a semester
    msu_junior: float        # of which for the docteurs juniors
    per_msu: float           # engagements per available MSU


def simulate(p: Planning) -> Need:
    """Interns in each stage during a semester, and the MSU engagements they need."""
    t = stages()
    share = {"share_coupled": p.share_coupled, "share_free": p.share_free}
    per_intern = {"msu_first_level": p.msu_first_level, "msu_saspas": p.msu_saspas, "msu_junior": p.msu_junior}
    t["internes"] = p.promotion * t["semestres"] / 2
    t["part_ambulatoire"] = [float(row.amb_fixe) if row.code not in SHARED else share[SHARED[row.code]]
                             for row in t.itertuples()]
    t["msu_par_interne"] = [per_intern[SUPERVISION[c]] if c in SUPERVISION else 0.0 for c in t["code"]]
    t["msu"] = t["internes"] * t["part_ambulatoire"] * t["msu_par_interne"]
    total = float(t["msu"].sum())
    return Need(
        table=t, interns=float(t["internes"].sum()),
        ambulatory=float((t["internes"] * t["part_ambulatoire"]).sum()),
        msu=total, msu_junior=float(t.loc[t["code"] == JUNIOR_STAGE, "msu"].sum()),
        per_msu=total / p.available_msu,
    )


def load_threshold() -> float:
    """Mean engagements per MSU and per semester above which the load is flagged (``data/``)."""
    return float(parameters().loc[THRESHOLD, "valeur"])


def overload_warning(need: Need, threshold: float | None = None) -> str:
    """French warning when each available MSU would take more engagements than the threshold, else ``""``."""
    limit = load_threshold() if threshold is None else threshold
    if not need.per_msu > limit:
        return ""
    return (f" Attention : c'est plus que le seuil d'alerte de {format_count(limit)} engagements par MSU et par "
            "semestre retenu ici ; il faudrait recruter des MSU ou revoir l'organisation des stages.")


def describe(p: Planning, need: Need) -> str:
    """Plain-language summary of the result (text alternative of the chart), with the overload warning."""
    share_junior = need.msu_junior / need.msu if need.msu else 0.0
    return (
        f"Avec des promotions de {format_count(p.promotion)} internes, {format_count(need.interns)} internes sont en stage "
        f"chaque semestre, dont {format_count(need.ambulatory)} en ambulatoire. Ils demandent "
        f"{format_count(need.msu)} engagements de MSU par semestre, dont {format_count(need.msu_junior)} pour les "
        f"docteurs juniors ({french_number(share_junior, True)}). Avec {format_count(p.available_msu)} MSU disponibles, "
        f"chacun devrait prendre en moyenne {french_number(round(need.per_msu, 2))} engagement"
        f"{'s' if need.per_msu >= 2 else ''} par semestre.{overload_warning(need)}"
    )


def table_view(need: Need) -> pd.DataFrame:
    """Learner-facing table (French headers) of a :func:`simulate` result."""
    t = need.table
    return pd.DataFrame({
        "Stage": t["stage"],
        "Internes en stage": [format_count(v) for v in t["internes"]],
        "Part en ambulatoire": [french_number(v, True) for v in t["part_ambulatoire"]],
        "MSU par interne": [french_number(v) for v in t["msu_par_interne"]],
        "Engagements de MSU": [format_count(v) for v in t["msu"]],
    })


# ---------------------------------------------------------------------------
# The same model as Vega expressions (fixed values inlined, sliders as parameter names)

def expressions(p: Planning, bound: tuple[str, ...] = ()) -> dict[str, str]:
    """Ordered Vega expressions of one stage's quantities (``datum`` is a row of :func:`stages`)."""
    v = {attr: (CODES[attr] if CODES[attr] in bound else repr(float(getattr(p, attr)))) for attr in CODES}
    return {
        "internes": f"{v['promotion']} * datum.semestres / 2",
        "amb": f"datum.amb_fixe + datum.est_couple * {v['share_coupled']} + datum.est_libre * {v['share_free']}",
        "par_interne": (f"datum.est_n1 * {v['msu_first_level']} + datum.est_saspas * {v['msu_saspas']} "
                        f"+ datum.est_dj * {v['msu_junior']}"),
        "msu": "datum.internes * datum.amb * datum.par_interne",
        "internes_amb": "datum.internes * datum.amb",
        "msu_dj": "datum.msu * datum.est_dj",
    }


def total_expression(p: Planning, bound: tuple[str, ...] = ()) -> str:
    """Vega expression of the engagements per available MSU, from the summed engagements ``datum.total``."""
    available = CODES["available_msu"] if CODES["available_msu"] in bound else repr(float(p.available_msu))
    return f"datum.total / {available}"


def sentence(p: Planning, bound: tuple[str, ...] = ()) -> str:
    """:func:`describe` as a Vega expression over the summed row (``datum.total``, ``internes``, ``amb``, ``dj``)."""
    v = {attr: (CODES[attr] if CODES[attr] in bound else repr(float(getattr(p, attr)))) for attr in CODES}
    count, num = charts.vega_count, charts.vega_number
    charge = total_expression(p, bound)
    threshold = load_threshold()
    rounded = f"toNumber(replace({charts.vega_fixed(charge, 2)}, ',', '.'))"  # Python's round(x, 2)
    return (
        f"'Avec des promotions de ' + {count(v['promotion'])} + ' internes, ' + {count('datum.internes')} + "
        f"' internes sont en stage chaque semestre, dont ' + {count('datum.amb')} + ' en ambulatoire. Ils demandent ' + "
        f"{count('datum.total')} + ' engagements de MSU par semestre, dont ' + {count('datum.dj')} + ' pour les "
        f"docteurs juniors (' + {num('(datum.total ? datum.dj / datum.total : 0)', True)} + '). Avec ' + "
        f"{count(v['available_msu'])} + ' MSU disponibles, chacun devrait prendre en moyenne ' + {num(rounded)} + "
        f"' engagement' + ({charge} >= 2 ? 's' : '') + ' par semestre.' + ({charge} > {threshold!r} ? "
        f"' Attention : c\\'est plus que le seuil d\\'alerte de ' + {count(repr(threshold))} + ' engagements par MSU et "
        f"par semestre retenu ici ; il faudrait recruter des MSU ou revoir l\\'organisation des stages.' : '')"
    )


def _wrapped_labels(labels: list[str], width: int = 26) -> str:
    """Vega ``labelExpr`` writing each stage title on several short lines (a phone is 390 px wide)."""
    cases = " : ".join(f"datum.label == {json.dumps(label)} ? {json.dumps(textwrap.wrap(label, width))}"
                       for label in labels)
    return f"{cases} : datum.label"


# ---------------------------------------------------------------------------
# Chart: MSU engagements and interns per stage, computed in the page (interactive in the static book, where
# the sentence of :func:`describe` follows the inputs).

PHASE_COLOURS = {"socle": "#9ecae1", "approfondissement": "#4292c6", "consolidation": "#08519c"}


def chart(p: Planning | None = None, interactive: bool = False) -> alt.LayerChart:
    """Bars of MSU engagements per stage in a semester, labelled with the interns, narrow enough for a phone.

    With ``interactive``, the inputs are bound to the parameters and an invisible text layer named
    ``atelier_alt`` carries the sentence of :func:`describe`, which the page shows under the chart.
    """
    p = p or defaults()
    table = parameters()
    sliders = [code for code in table.index if table.loc[code, "reglable"] == 1]
    params = []
    for code in sliders:
        row, attr = table.loc[code], next(a for a, c in CODES.items() if c == code)
        bind = alt.binding_range(min=row["minimum"], max=row["maximum"], step=row["pas"], name=f"{row['libelle']} : ")
        params.append(alt.param(name=code, value=float(getattr(p, attr)), bind=bind) if interactive
                      else alt.param(name=code, value=float(getattr(p, attr))))
    rows = stages()
    order = list(rows["stage"])
    base = alt.Chart(rows).transform_calculate(**expressions(p, tuple(sliders)))
    legend = alt.Legend(orient="bottom", direction="vertical")
    colour = alt.Color("phase:N", title="Phase du DES", legend=legend,
                       scale=alt.Scale(domain=list(PHASE_COLOURS), range=list(PHASE_COLOURS.values())))
    # The border of the bars carries the phase too (solid, dashed, dotted): colour is never the only cue.
    border = alt.StrokeDash("phase:N", title="Phase du DES", legend=legend,
                            scale=alt.Scale(domain=list(PHASE_COLOURS), range=[[1, 0], [6, 3], [2, 2]]))
    y = alt.Y("stage:N", sort=order, title=None,
              axis=alt.Axis(labelExpr=_wrapped_labels(order), labelLimit=150, labelFontSize=10))
    x = alt.X("msu:Q", title="Engagements de MSU", axis=alt.Axis(tickCount=3))
    bars = base.mark_bar(stroke="black", strokeWidth=1.5).encode(x=x, y=y, color=colour, strokeDash=border, tooltip=[
        alt.Tooltip("stage:N", title="Stage"), alt.Tooltip("phase:N", title="Phase"),
        alt.Tooltip("internes:Q", title="Internes en stage", format=",.0f"),
        alt.Tooltip("msu:Q", title="Engagements de MSU", format=",.0f")])
    labels = base.transform_calculate(
        etiquette=(f"[{charts.vega_count('datum.msu')} + ({charts.vega_round('datum.msu')} <= 1 ? ' engagement' : "
                   f"' engagements'), 'pour ' + {charts.vega_count('datum.internes')} + ' internes']")
    ).mark_text(align="left", dx=3, fontSize=10, lineHeight=12).encode(x=x, y=y, text="etiquette:N")
    layers = [bars, labels]
    if interactive:
        layers.append(base.transform_aggregate(
            total="sum(msu)", internes="sum(internes)", amb="sum(internes_amb)", dj="sum(msu_dj)"
        ).transform_calculate(phrase=sentence(p, tuple(sliders))).mark_text(fontSize=0, opacity=0).encode(
            text="phrase:N", x=alt.value(0), y=alt.value(0)).properties(name="atelier_alt"))
    return (
        alt.layer(*layers)
        .add_params(*params)
        .properties(width=90, height=44 * len(rows),
                    title=alt.TitleParams(["Engagements de maîtres de stage", "par stage, pour un semestre"]),
                    description=(
                        "Planning d'un DMG : pour chaque stage de la maquette de 2023, nombre d'engagements de maîtres "
                        "de stage nécessaires pendant un semestre (barres étiquetées du nombre de MSU et d'internes, "
                        "couleur et bordure de la phase) ; la phrase qui accompagne le graphique donne les totaux."))
        .configure_view(stroke=None)
        .configure_title(anchor="start", fontSize=14)
    )


# ---------------------------------------------------------------------------
# Thin ipywidgets UI

def simulator():
    """Sliders for every parameter → chart, table and a sentence that sums up the result."""
    import ipywidgets as w

    table = parameters()
    style, lay = {"description_width": "24em"}, w.Layout(width="46em")
    sliders = {}
    for attr, code in CODES.items():
        row = table.loc[code]
        common = dict(min=row["minimum"], max=row["maximum"], step=row["pas"], value=row["valeur"],
                      description=row["libelle"], style=style, layout=lay, continuous_update=False)
        widget = w.FloatSlider(readout_format=".1f", **common) if row["maximum"] <= 1 else w.IntSlider(
            **{k: int(v) if k in ("min", "max", "step", "value") else v for k, v in common.items()})
        sliders[attr] = widget.add_class(f"atelier-{code.replace('_', '-')}")
    help_text = ui.parameter_help(table, [CODES[a] for a in sliders])
    figure = w.Output().add_class("atelier-figure")
    text = w.HTML().add_class("atelier-description")
    result = w.HTML().add_class("atelier-tableau")

    def show(p: Planning) -> None:
        need = simulate(p)
        text.value = f"<p role='status' aria-live='polite'>{html.escape(describe(p, need))}</p>"
        result.value = (table_view(need).to_html(index=False, border=0, classes="atelier-table")
                        + f"<p style='font-size:90%'>Paramètres : {html.escape(data.load(DATASET).citation)}</p>")
        ui.show_chart(figure, chart(p))

    message = ui.connect(sliders, lambda values: defaults(**{a: float(v) for a, v in values.items()}), PlanningError,
                         show)
    return w.VBox([*sliders.values(), message, text, figure, result, help_text])
