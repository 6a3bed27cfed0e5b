"""La correction sur le carnet de notes PostgreSQL d'un département (``--base postgresql://…``), serveur réel."""

from __future__ import annotations

import csv
import io
import json

import pytest
from gradingkit import ASSIGNMENT, HOSTILE, answered, atelier, make_course, postgres_server, release, submit
from nbgrader.api import Gradebook

pytestmark = pytest.mark.slow

CASES = {"parfait": 10, "partiel": 5, "vierge": 0, "boucle_infinie": 8, "singe_isclose": "triche", "json": "json"}


@pytest.fixture(scope="module")
def base():
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module")
def course(tmp_path_factory, base):
    course = make_course(tmp_path_factory.mktemp("pg"), [(s, "Prénom", s.capitalize()) for s in CASES], base=base)
    submit(course, "parfait", answered(course))
    submit(course, "partiel", answered(course, {"q1-reponse", "q3-reponse"}))
    submit(course, "vierge", release(course))
    for name in ("boucle_infinie", "singe_isclose"):
        submit(course, name, answered(course, replace={"q2-reponse": HOSTILE[name]}))
    submit(course, "json", b"{")
    atelier(course, "noter", ASSIGNMENT, "--base", base, "--delai", "4")
    return course


def test_grades_land_in_postgresql_not_in_a_local_file(course, base):
    assert not (course / "gradebook.db").exists()
    with Gradebook(base, "atelier-mg") as gb:
        for student, expected in CASES.items():
            if isinstance(expected, int):
                assert gb.find_submission(ASSIGNMENT, student).score == expected, student


def test_feedback_and_export_read_postgresql(course, base):
    atelier(course, "retours", ASSIGNMENT, "--base", base)
    assert "Votre réponse" in (course / "feedback" / "partiel" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    atelier(course, "exporter", ASSIGNMENT, "--base", base)
    detail = {r["identifiant"]: r for r in csv.DictReader(io.StringIO(
        (course / "correction" / ASSIGNMENT / "detail.csv").read_text("utf-8-sig")))}
    for student, expected in CASES.items():
        if isinstance(expected, int):
            assert float(detail[student]["note"]) == expected
        else:
            assert detail[student]["statut"] == "refusé"
    from atelier_mg.grading.journal import Journal

    with Journal(course, ASSIGNMENT) as journal:
        assert journal.results()["singe_isclose"]["refusal"]["code"] == "triche"


def test_unreachable_base_is_a_clear_french_error(course):
    result = atelier(course, "noter", ASSIGNMENT, "--base", "postgresql://postgres@127.0.0.1:1/notes", check=False)
    assert result.returncode == 1
    assert "Base de notes inaccessible (127.0.0.1:1/notes)" in result.stderr
    assert json.loads((course / "submitted" / "parfait" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
