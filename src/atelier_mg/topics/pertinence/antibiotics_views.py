"""« Tester ou traiter ? » dans le livre statique : le modèle de :mod:`.antibiotics`, recalculé dans la page sans noyau.

The page holds four parameters (patients, prevalence, sensitivity, specificity); Vega expressions compute the
two strategies of :func:`.antibiotics.test_or_treat` with the same operations in the same order, so the
numbers are Python's, and write the sentence of :func:`.antibiotics.describe` under the chart (its text
alternative). A browser test checks both over a grid of inputs.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from ...core import charts
from . import antibiotics as ab

# Vega expressions of test_or_treat(): sick, well, true and false positives, then one row per (strategy, result).
FIELDS = {
    "sick": "n * prev", "well": "n - datum.sick", "tp": "datum.sick * se", "fp": "datum.well * (1 - sp)",
    "test_atb": "datum.tp + datum.fp", "test_missed": "datum.sick - datum.tp",
}
VALUES = {  # (strategy, result index) → expression; results in the order of ab.RESULTS
    ("empirique", 0): "n", ("empirique", 1): "0", ("empirique", 2): "datum.well",
    ("test", 0): "datum.test_atb", ("test", 1): "datum.test_missed", ("test", 2): "datum.fp",
}


def sentence() -> str:
    """:func:`.antibiotics.describe` of :func:`.antibiotics.test_or_treat` as a Vega expression over :data:`FIELDS`."""
    count = charts.vega_count

    def strategy(code: str, tests: bool) -> str:
        name = json.dumps(ab.STRATEGIES[code], ensure_ascii=False)
        return (f"{name} + ' : ' + {count(VALUES[code, 0])} + ' antibiotiques prescrits, ' + {count(VALUES[code, 1])} + "
                f"' infections bactériennes non traitées, ' + {count(VALUES[code, 2])} + ' antibiotiques sans infection "
                f"bactérienne' + " + (f"(n > 0 ? ', ' + {count('n')} + ' tests.' : '.')" if tests else "'.'"))

    return f"'Sur ' + {count('n')} + ' patients. ' + {strategy('empirique', False)} + ' ' + {strategy('test', True)}"


def static_chart(n: int = 1000, prevalence: float = 0.2, sensitivity: float = 0.9, specificity: float = 0.95) -> alt.VConcatChart:
    """Empirical vs test-guided strategy, recomputed in the page (Vega-Lite parameters), for the static book.

    One panel per strategy, results named on the axis (colour is not the only cue), 340 px wide for a phone.
    """
    params = [
        alt.param(name="n", value=n, bind=alt.binding_range(min=100, max=10_000, step=100, name="Patients : ")),
        alt.param(name="prev", value=prevalence, bind=alt.binding_range(min=0, max=1, step=0.01, name="Prévalence : ")),
        alt.param(name="se", value=sensitivity, bind=alt.binding_range(min=0.5, max=1, step=0.01, name="Sensibilité : ")),
        alt.param(name="sp", value=specificity, bind=alt.binding_range(min=0.5, max=1, step=0.01, name="Spécificité : ")),
    ]
    rows = pd.DataFrame([{"strategie": code, "resultat": r, "k": j} for code in ("empirique", "test")
                         for j, r in enumerate(ab.RESULTS)])
    value = " : ".join(f"datum.strategie == '{code}' && datum.k == {j} ? {e}" for (code, j), e in VALUES.items()) + " : 0"
    base = alt.Chart(rows).transform_calculate(**FIELDS).transform_calculate(patients=value).transform_calculate(
        etiquette=charts.vega_count("datum.patients"))
    # The largest count (n) sets a common scale, so that the two panels compare at a glance.
    x = alt.X("patients:Q", title="Patients", scale=alt.Scale(domainMax={"expr": "n"}, nice=False),
              axis=alt.Axis(tickCount=4, format=",.0f"))
    y = alt.Y("resultat:N", title=None, sort=list(ab.RESULTS), axis=alt.Axis(labelLimit=170))

    def panel(code: str) -> alt.LayerChart:
        sub = base.transform_filter(f"datum.strategie == '{code}'")
        bars = sub.mark_bar().encode(
            x=x, y=y, color=alt.Color("resultat:N", legend=None, scale=ab.RESULT_COLOURS),
            tooltip=[alt.Tooltip("resultat:N", title="Résultat"), alt.Tooltip("etiquette:N", title="Patients")])
        labels = sub.mark_text(align="left", dx=3, fontSize=11).encode(x=x, y=y, text="etiquette:N")
        return alt.layer(bars, labels).properties(width=140, height=alt.Step(20),
                                                  title=alt.TitleParams(ab.STRATEGIES[code], fontSize=13, anchor="start"))

    # Text alternative (see core/charts): a named view keeps its name only as a direct member of a concatenation.
    alternative = alt.Chart(pd.DataFrame({"k": [0]})).transform_calculate(**FIELDS).transform_calculate(
        phrase=sentence()).mark_text(fontSize=0, opacity=0, aria=False).encode(
        text="phrase:N", x=alt.value(0), y=alt.value(0)).properties(name="atelier_alt", width=1, height=1)
    return alt.vconcat(panel("empirique"), panel("test"), alternative).add_params(*params).properties(
        title=alt.TitleParams("Tester ou traiter ?", fontSize=15, anchor="start"),
        description="Pour des patients consultant pour une infection possiblement bactérienne : antibiotiques prescrits, "
                    "infections non traitées et antibiotiques sans infection, sans test ou avec un test rapide ; la "
                    "phrase sous le graphique donne les nombres.",
    ).configure_view(stroke=None)
