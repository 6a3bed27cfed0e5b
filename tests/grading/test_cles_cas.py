"""Chaque clé validée : pour chaque cellule notée, les réponses qui doivent passer et celles qui doivent échouer.

The cases live next to the key (``solutions/<devoir>/cles-cas.yaml``): each is the code an intern could
have written in place of the solution (every defensible reading the book teaches, allowed roundings,
int/float/numpy/pandas types, equivalent spellings; and wrong, partly wrong, constant answers). Each
runs through the real grader path: the solution notebook's code, then the case, exported as the kernel
does (:func:`atelier_mg.grading.extract.export_namespace`), then the key applied in the clean evaluation
process (:data:`atelier_mg.grading.evaluate.EVALUATOR`).
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re

import pytest
import yaml
from conftest import ROOT

from atelier_mg.grading.evaluate import EVALUATOR
from atelier_mg.grading.extract import export_namespace
from atelier_mg.grading.keys import load_key

KEYED = sorted(p.parent.name for p in (ROOT / "solutions").glob("*/cles.yaml"))
PASS = ("ok", "partiel")


def _cases(name: str) -> dict:
    return yaml.safe_load((ROOT / "solutions" / name / "cles-cas.yaml").read_text(encoding="utf-8"))


@functools.cache
def _solution_namespace(name: str) -> dict:
    """The solution notebook run in-process (setup and answer cells; the test cells are the key's job)."""
    key = load_key(ROOT / "solutions" / name / "cles.yaml", name)
    nb = json.loads((ROOT / "solutions" / name / f"{key.notebook}.ipynb").read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for cell in nb["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if cell["cell_type"] != "code" or (meta.get("grade") and not meta.get("solution")):
                continue
            source = re.sub(r"[ \t]*### (BEGIN|END) SOLUTION\n?", "", "".join(cell["source"]))
            exec(compile(source, meta.get("grade_id", "cellule"), "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(cwd)
    return namespace


def _grade(name: str, code: str) -> dict:
    key = load_key(ROOT / "solutions" / name / "cles.yaml", name)
    base = _solution_namespace(name)
    namespace = dict(base)
    for answer in key.answers:
        if answer in namespace:
            namespace[answer] = copy.deepcopy(namespace[answer])
    exec(compile(code, "cas", "exec"), namespace)  # noqa: S102 - the case, as an intern would write it
    exported = json.loads(export_namespace(namespace, list(key.answers), dict(key.probes)))
    return EVALUATOR.evaluate(key, exported)


def _all_cases():
    for name in KEYED:
        for grade_id, spec in _cases(name).items():
            for verdict in ("passe", "echoue"):
                for i, code in enumerate(spec.get(verdict) or []):
                    yield pytest.param(name, grade_id, verdict, code, id=f"{name}-{grade_id}-{verdict}-{i + 1}")


def test_some_assignments_are_keyed():
    assert "ecologie" in KEYED


@pytest.mark.parametrize("name", KEYED)
def test_every_graded_cell_has_cases_both_ways(name):
    key = load_key(ROOT / "solutions" / name / "cles.yaml", name)
    cases = _cases(name)
    assert set(cases) == set(key.cells), "une table de cas par cellule notée, ni plus ni moins"
    for grade_id, spec in cases.items():
        assert spec.get("passe") and spec.get("echoue"), grade_id


@pytest.mark.parametrize("name", KEYED)
def test_the_solution_gets_every_point(name):
    outcomes = _grade(name, "pass")
    assert all(o["etat"] in PASS for o in outcomes.values()), outcomes


@pytest.mark.parametrize("name, grade_id, verdict, code", list(_all_cases()))
def test_case(name, grade_id, verdict, code):
    outcome = _grade(name, code)[grade_id]
    if verdict == "passe":
        assert outcome["etat"] in PASS, outcome
    else:
        assert outcome["etat"] not in PASS, outcome
        assert outcome.get("message")
