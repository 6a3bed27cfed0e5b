"""``atelier correction noter`` : mêmes notes que nbgrader, chaque rendu hostile noté ou refusé avec sa raison,
rien d'écrit hors du bac à sable, reprise après interruption."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import BIN, tool_env
from gradingkit import ASSIGNMENT, HOSTILE, answered, atelier, make_course, release, run, stock_solutions, submit
from nbgrader.api import Gradebook

pytestmark = pytest.mark.slow

HONEST = ("parfait", "partiel", "vierge", "test_modifie", "test_supprime", "points_changes")
PARITY = (*HONEST, "system_exit")  # compared with stock nbgrader (which lets the memory bomb through)
BROKEN = ("json", "vide", "latin1", "test_ajoute", "exit_fn")
STUDENTS = HONEST + tuple(HOSTILE) + BROKEN
MARKERS = ("/tmp/atelier-hostile", "/tmp/atelier-hostile-sh")

# What each submission must get: a score out of 10, or the code of the refusal reason.
EXPECTED = {
    "parfait": 10, "partiel": 5, "vierge": 0, "test_modifie": 2, "test_supprime": 7, "points_changes": 2,
    "system_exit": 8, "boucle_infinie": 8, "bombe_memoire": 8, "bombe_fork": 8, "ecrit_dehors": 10, "lit_cache": 10,
    "noyau_tue": "noyau", "exit_fn": "noyau", "sortie_enorme": "sortie", "singe_isclose": "triche",
    "singe_transformeur": "triche", "espion": "triche", "json": "json", "vide": "vide", "latin1": "encodage",
    "test_ajoute": "cellules",
}


def _with_cell(nb: dict, grade_id: str, change) -> dict:
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            change(cell)
    return nb


def populate(course: Path) -> None:
    submit(course, "parfait", answered(course))
    submit(course, "partiel", answered(course, {"q1-reponse", "q3-reponse"}))
    submit(course, "vierge", release(course))
    home = Path.home()
    for name, code in HOSTILE.items():
        submit(course, name, answered(course, replace={"q2-reponse": code.format(course=course, home=home)}))
    submit(course, "json", b'{"cells": [')
    submit(course, "vide", b"")
    text = json.dumps(answered(course), ensure_ascii=False) + "é"
    submit(course, "latin1", text.encode("latin-1", errors="replace"))
    submit(course, "test_modifie", _with_cell(answered(course, {"q1-reponse"}), "q2-tests",
                                              lambda c: c.update(source="pass")))
    nb = answered(course)
    nb["cells"] = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") != "q3-tests"]
    submit(course, "test_supprime", nb)
    nb = answered(course, {"q1-reponse"})
    nb["cells"].append({"cell_type": "code", "execution_count": None, "outputs": [], "source": "assert True",
                        "metadata": {"nbgrader": {"grade": True, "grade_id": "bonus", "points": 50, "locked": True,
                                                  "schema_version": 3, "solution": False, "task": False}}})
    submit(course, "test_ajoute", nb)
    submit(course, "points_changes", _with_cell(answered(course, {"q1-reponse"}), "q1-tests",
                                                lambda c: c["metadata"]["nbgrader"].update(points=100)))
    submit(course, "exit_fn", answered(course, replace={"q2-reponse": "exit()"}))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    for marker in MARKERS:
        Path(marker).unlink(missing_ok=True)
    course = make_course(tmp_path_factory.mktemp("noter"), [(s, "Prénom", s.capitalize()) for s in STUDENTS])
    populate(course)
    result = atelier(course, "noter", ASSIGNMENT, "--delai", "5")
    return course, result


def cell_scores(db: Path, student: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{db}", "atelier-mg") as gb:
        submission = gb.find_submission(ASSIGNMENT, student)
        return {g.name: g.score for nb in submission.notebooks for g in nb.grades}


def journal(course: Path) -> dict:
    from atelier_mg.grading.journal import Journal

    with Journal(course, ASSIGNMENT) as j:
        return j.results()


def test_summary_counts_every_submission(graded):
    course, result = graded
    refused = sum(isinstance(v, str) for v in EXPECTED.values())
    assert f"{len(STUDENTS)} rendu(s), {len(STUDENTS) - refused} noté(s), {refused} refusé(s)" in result.stdout
    assert f"{len(STUDENTS)}/{len(STUDENTS)}" in result.stderr  # the progress bar reached the end


@pytest.mark.parametrize("student", STUDENTS)
def test_each_submission_gets_a_score_or_a_french_reason(graded, student):
    course, _ = graded
    outcome = journal(course)[student]
    expected = EXPECTED[student]
    if isinstance(expected, str):
        assert outcome["refusal"]["code"] == expected, outcome
        assert outcome["refusal"]["message"] and outcome["refusal"]["advice"]
        assert outcome["score"] in (0, None)
    else:
        assert outcome["refusal"] is None, outcome
        assert outcome["score"] == expected
        assert outcome["max_score"] == 10, "les points des cellules sont ceux du devoir, pas ceux du rendu"


def test_same_scores_as_stock_nbgrader_autograde(graded, tmp_path):
    """The honest submissions, graded again by stock ``nbgrader autograde`` in a copy of the course."""
    course, _ = graded
    stock = tmp_path / "stock"
    stock.mkdir()
    shutil.copy(course / "nbgrader_config.py", stock)
    stock_solutions(course / "solutions", stock / "solutions")  # the key, as stock nbgrader's hidden tests
    run([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], stock)
    for student in PARITY:
        shutil.copytree(course / "submitted" / student, stock / "submitted" / student)
    run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT], stock)
    for student in PARITY:
        ours, theirs = cell_scores(course / "gradebook.db", student), cell_scores(stock / "gradebook.db", student)
        assert ours == theirs, student


def test_nothing_is_written_outside_the_sandbox(graded):
    course, _ = graded
    for path in (*MARKERS, course / "hostile.txt", course / "hostile-sh.txt", Path.home() / "hostile.txt"):
        assert not Path(path).exists(), path


def test_hidden_tests_and_other_interns_files_are_out_of_reach(graded):
    course, _ = graded
    nb = json.loads((course / "autograded" / "lit_cache" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"])
    assert "TROUVE []" in printed


def test_rerun_skips_what_is_graded_and_regrades_a_new_submission(graded):
    course, _ = graded
    again = atelier(course, "noter", ASSIGNMENT)
    assert f"0 noté(s), 0 refusé(s), {len(STUDENTS)} déjà noté(s)" in again.stdout
    submit(course, "vierge", answered(course, {"q5-reponse"}))
    once = atelier(course, "noter", ASSIGNMENT)
    assert f"1 noté(s), 0 refusé(s), {len(STUDENTS) - 1} déjà noté(s)" in once.stdout
    assert journal(course)["vierge"]["score"] == 1


def test_interrupted_run_loses_no_finished_grade(tmp_path):
    course = make_course(tmp_path, [(f"i{n:02d}", "Prénom", f"Nom{n}") for n in range(12)])
    for n in range(12):
        submit(course, f"i{n:02d}", answered(course) if n % 2 else answered(course, {"q1-reponse"}))
    process = subprocess.Popen([str(BIN / "atelier"), "--racine", str(course), "correction", "noter", ASSIGNMENT,
                                "--processus", "1"], cwd=course, env=tool_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(journal(course) if (course / "correction").exists() else {}) < 3:
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, out + err
    assert "Arrêt demandé" in err
    finished = journal(course)
    assert 3 <= len(finished) < 12
    for student, outcome in finished.items():  # every finished grade is in the gradebook too
        assert sum(cell_scores(course / "gradebook.db", student).values()) == outcome["score"]
    rest = atelier(course, "noter", ASSIGNMENT)
    assert f"{12 - len(finished)} noté(s), 0 refusé(s), {len(finished)} déjà noté(s)" in rest.stdout
    assert {s: o["score"] for s, o in journal(course).items()} == {f"i{n:02d}": 10 if n % 2 else 2 for n in range(12)}


def test_refuses_untrusted_work_without_bubblewrap(tmp_path):
    course = make_course(tmp_path, [("seul", "Prénom", "Seul")])
    submit(course, "seul", answered(course))
    env = tool_env()
    env["PATH"] = str(BIN)  # no /usr/bin: no bwrap
    refused = atelier(course, "noter", ASSIGNMENT, check=False, env=env)
    assert refused.returncode == 1
    assert "bubblewrap" in refused.stderr and "--sans-bac-a-sable" in refused.stderr
    assert not (course / "autograded").exists()
    trusted = atelier(course, "noter", ASSIGNMENT, "--sans-bac-a-sable", env=env)
    assert "avec vos droits" in trusted.stdout
    assert journal(course)["seul"]["score"] == 10


def test_clear_errors_for_unknown_assignment_and_empty_folder(tmp_path):
    course = make_course(tmp_path, [("seul", "Prénom", "Seul")])
    unknown = atelier(course, "noter", "inconnu", check=False)
    assert unknown.returncode == 1 and "n'est pas dans la base de notes" in unknown.stderr
    empty = atelier(course, "noter", ASSIGNMENT, check=False)
    assert empty.returncode == 1 and "Aucun rendu" in empty.stderr and "importer-rendus" in empty.stderr
    assert os.listdir(course / "solutions" / ASSIGNMENT)  # nothing lost
