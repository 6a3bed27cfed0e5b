"""La part du raisonnement sur vignette, annoncée dans chaque devoir et dans le README, est celle de la clé.

Chaque cellule de la clé dit sa nature (« raisonnement » : décider et justifier sur une vignette ;
« connaissance » : reconnaître, classer, calculer). La part se calcule sur les points automatiques du
notebook de solutions/ (métadonnées nbgrader) : l'énoncé et le README ne peuvent pas la dire autrement.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

from atelier_mg.grading.keys import KeyFileError, load_key, reasoning_share

ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / "cles.yaml").is_file())
STATED = re.compile(r"Part du raisonnement sur vignette[^:]*: (\d+) points? sur (\d+) \((\d+) %\)")


def notebook(assignment: str) -> dict:
    return json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))


def auto_points(assignment: str) -> dict[str, float]:
    points = {}
    for cell in notebook(assignment)["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and cell["cell_type"] == "code":
            points[meta["grade_id"]] = float(meta.get("points") or 0)
    return points


def share(assignment: str) -> tuple[float, float]:
    key = load_key(ROOT / "solutions" / assignment / "cles.yaml", assignment)
    return reasoning_share(key, auto_points(assignment))


def test_every_assignment_has_a_key():
    assert ASSIGNMENTS == sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_keyed_cell_says_its_nature(assignment):
    key = load_key(ROOT / "solutions" / assignment / "cles.yaml", assignment)
    unclassified = [g for g, spec in key.cells.items() if spec["nature"] not in ("raisonnement", "connaissance")]
    assert not unclassified, f"{assignment} : nature manquante pour {unclassified}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_header_states_the_true_share(assignment):
    reasoning, total = share(assignment)
    header = "\n".join("".join(c["source"]) for c in notebook(assignment)["cells"][:2])
    stated = STATED.findall(header)
    assert len(stated) == 1, (f"{assignment} : l'en-tête doit dire une fois "
                              f"« Part du raisonnement sur vignette : X points sur Y (Z %) »")
    points, out_of, percent = map(int, stated[0])
    assert (points, out_of) == (reasoning, total)
    assert percent == round(100 * reasoning / total)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_readme_states_the_true_share(assignment):
    reasoning, total = share(assignment)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(rf"`{assignment}` \(raisonnement sur vignette : (\d+) %[^()]*? \d+ points\)", readme)
    assert found == [str(round(100 * reasoning / total))], f"README : part de « {assignment} »"


def test_a_key_refuses_an_unknown_nature(tmp_path):
    path = tmp_path / "cles.yaml"
    path.write_text("devoir: x\ncellules:\n  a:\n    cle: 'pass'\n    nature: intuition\n", encoding="utf-8")
    with pytest.raises(KeyFileError, match="nature « intuition » inconnue"):
        load_key(path)


def test_the_share_counts_points_not_cells(tmp_path):
    path = tmp_path / "cles.yaml"
    path.write_text("devoir: x\ncellules:\n  a: {cle: 'pass', nature: raisonnement}\n"
                    "  b: {cle: 'pass', nature: connaissance}\n  c: {cle: 'pass', nature: connaissance}\n",
                    encoding="utf-8")
    assert reasoning_share(load_key(path), {"a": 6, "b": 1, "c": 1}) == (6, 8)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_at_least_half_of_the_automatic_points_are_reasoning_on_a_vignette(assignment):
    reasoning, total = share(assignment)
    assert total > 0
    assert reasoning / total >= 0.5, f"{assignment} : {reasoning:g} points de raisonnement sur {total:g}"
