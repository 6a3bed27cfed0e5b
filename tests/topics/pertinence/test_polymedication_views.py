"""Polymédication, livre statique : les données embarquées rejouent exactement la revue du modèle."""

from __future__ import annotations

import numpy as np
import pytest

from atelier_mg.topics.pertinence import polymedication as pm
from atelier_mg.topics.pertinence import polymedication_views as pv


@pytest.fixture(scope="module")
def before():
    return pm.generate(300, seed=7)


def replay(rows, share: float) -> dict[str, float]:
    """The review as the page computes it (same rule as the Vega expressions), with numpy."""
    s = pm.settings()
    poly, hyper = s["seuil_polymedication"], s["seuil_hyperpolymedication"]
    quota = np.where(rows["tirage"] < share, np.select(
        [rows["molecules"] >= hyper, rows["molecules"] >= poly],
        [s["objectif_retrait_hyper"], s["objectif_retrait_poly"]], 0), 0)
    stopped = np.minimum(quota, rows["signalees"])
    saved = np.choose(stopped.astype(int), [np.zeros(len(rows))] + [rows[f"cout_{k}"] for k in range(1, 5)])
    return {"revues": int((quota > 0).sum()), "arretees": int(stopped.sum()),
            "atteint": int(((quota > 0) & (stopped >= quota)).sum()), "objectif": int(quota.sum()),
            "gardees": int(rows["verifiees"][quota > 0].sum()), "rembourse": float((rows["rembourse"] - saved).sum()),
            "apres": int((rows["molecules"] - stopped).sum())}


@pytest.mark.parametrize("share", [0.0, 0.2, 0.55, 1.0])
def test_embedded_rows_replay_the_python_review(before, share):
    rows = pv.static_rows(before, seed=7)
    assert len(rows) == len(before.patients)
    got, result = replay(rows, share), pm.review(before, share, seed=7)
    after = pm.summary(result.after)
    assert got["revues"] == result.patients_reviewed and got["arretees"] == len(result.removed)
    assert got["atteint"] == result.patients_target_met and got["objectif"] == result.lines_target
    assert got["gardees"] == result.kept_checked and got["apres"] == after["molecules"]
    assert got["rembourse"] == pytest.approx(after["rembourse_eur"])


def test_static_chart_binds_one_french_input_and_names_its_text_alternative():
    spec = pv.static_chart(200, seed=3).to_dict()
    assert [p["bind"]["name"] for p in spec["params"]] == ["Part des ordonnances de polymédiqués revues (0 à 1) : "]
    assert any(layer.get("name") == "atelier_alt" for layer in spec["layer"])
    assert spec["width"] <= 300  # fits a phone screen
