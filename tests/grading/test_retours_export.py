"""``retours`` et ``exporter`` : un retour HTML en français par interne, la feuille Moodle, le détail, la synthèse,
et les notes manuelles du formgrader (devoir ``rsca``) ; sur le carnet de notes SQLite puis sur un serveur PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import BIN, ROOT
from gradingkit import ASSIGNMENT, answered, atelier, make_course, postgres_server, run, submit
from nbgrader.api import Gradebook

pytestmark = pytest.mark.slow

ROSTER = [("parfait", "Paul", "Parfait"), ("partiel", "Éva", "Partiel"), ("casse", "Chloé", "Cassé"),
          ("absent", "Ali", "Absent")]
SECRETS = ("HIDDEN TESTS", "valeur attendue", "math.isclose(consultent_cpts, 15_000)", "score_answers(reponse_q2",
           '("A", "C")', "abs_tol", "12_345", "ecologie_referentiel_2025", "cles.yaml")


@pytest.fixture(scope="module")
def postgresql():
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def course(request, tmp_path_factory) -> Path:
    """The same course graded with the default SQLite gradebook, then with a PostgreSQL server."""
    base = request.getfixturevalue("postgresql") if request.param == "postgresql" else None
    course = make_course(tmp_path_factory.mktemp(f"retours-{request.param}"), ROSTER, base=base)
    if base:
        (course / ".base").write_text(base)
    submit(course, "parfait", answered(course))
    submit(course, "partiel", answered(course, {"q1-reponse", "q4-reponse"}))
    submit(course, "casse", b'{"cells": [')
    atelier(course, "noter", ASSIGNMENT, *base_args(course))
    out = atelier(course, "retours", ASSIGNMENT, *base_args(course)).stdout
    assert "2 rendu(s) noté(s), 1 refusé(s)" in out
    assert (course / "gradebook.db").exists() == (base is None)
    return course


def base_args(course: Path) -> list[str]:
    base = course / ".base"
    return ["--base", base.read_text()] if base.exists() else []


def page(course: Path, student: str) -> str:
    return (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")


def test_feedback_is_french_and_never_shows_hidden_tests(course):
    for student in ("parfait", "partiel"):
        text = page(course, student)
        assert '<html lang="fr">' in text and "Votre réponse" in text and "Score" not in text
        for secret in SECRETS:
            assert secret not in text, (student, secret)
        assert "cdn." not in text and "https://" not in text.split("<body")[1]
    assert "(note : 10.0 / 10.0)" in page(course, "parfait")
    assert "(note : 4.0 / 10.0)" in page(course, "partiel")
    # The key's outcome, in French, without the key: an unanswered question, a function that raised.
    assert "Question non notée" in page(course, "partiel")
    assert "la fonction effectifs, appelée par la correction, a échoué" in page(course, "partiel")
    assert not (course / "feedback" / "absent").exists()


def test_refused_submission_feedback_says_why_and_what_to_do(course):
    text = page(course, "casse")
    assert '<html lang="fr">' in text and "Chloé Cassé" in text
    assert "n'est pas un notebook valide : JSON invalide ligne 1" in text
    assert "Que faire" in text and "Fichier → Télécharger" in text


def test_moodle_worksheet_is_filled_as_downloaded(course, tmp_path):
    header = ["Identifiant", "Nom complet", "Adresse de courriel", "Statut", "Note", "Note maximale",
              "La note peut être modifiée", "Dernière modification (note)", "Feedback par commentaires"]
    rows = [["Participant11", "Paul Parfait", "parfait@exemple.fr", "Remis", "", "20,00", "Oui", "-", ""],
            ["Participant12", "Éva Partiel", "partiel@exemple.fr", "Remis", "", "20,00", "Oui", "-", ""],
            ["Participant13", "Chloé Cassé", "casse@exemple.fr", "Remis", "", "20,00", "Oui", "-", ""],
            ["Participant14", "Ali Absent", "absent@exemple.fr", "Pas de travail remis", "", "20,00", "Oui", "-", ""]]
    sheet = tmp_path / "feuille.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    atelier(course, "exporter", ASSIGNMENT, "--feuille", str(sheet), "--sur", "20", *base_args(course))
    out = list(csv.reader(io.StringIO((course / "correction" / ASSIGNMENT / "notes-moodle.csv").read_text("utf-8-sig"))))
    assert out[0] == header
    assert [r[:4] for r in out[1:]] == [r[:4] for r in rows], "les lignes et colonnes de Moodle sont gardées"
    notes = {r[0]: (r[4], r[8]) for r in out[1:]}
    assert notes["Participant11"][0] == "20,00" and notes["Participant12"][0] == "8,00"
    assert notes["Participant13"][0] == "0,00" and "Rendu non noté" in notes["Participant13"][1]
    assert notes["Participant14"] == ("", "")


def test_detail_by_question_and_tag_and_class_summary(course):
    atelier(course, "exporter", ASSIGNMENT, *base_args(course))
    folder = course / "correction" / ASSIGNMENT
    detail = {r["identifiant"]: r for r in csv.DictReader(io.StringIO((folder / "detail.csv").read_text("utf-8-sig")))}
    assert detail["partiel"]["q1-tests"] == "2.0" and detail["partiel"]["q2-tests"] == "0.0"
    assert detail["partiel"]["Notion : taux et effectifs"] == "0.4"  # q1 2/2 + q3 0/3
    assert detail["partiel"]["Compétence : continuité, suivi, coordination des soins autour du patient"] == "1.0"
    assert detail["casse"]["statut"] == "refusé" and "JSON invalide" in detail["casse"]["raison"]
    assert detail["absent"]["statut"] == "non rendu"
    summary = (folder / "synthese.html").read_text(encoding="utf-8")
    assert "<svg" in summary and "Répartition des notes" in summary
    assert "4 internes : 2 notés, 1 rendus refusés, 1 sans rendu." in summary
    assert summary.index("q1-tests") > summary.index("q2-tests"), "de la plus difficile à la plus facile"
    assert "Par compétence et par notion" in summary and "Compétence : premier recours, urgences" in summary


def test_manual_grades_of_rsca_come_out_in_the_export(tmp_path):
    """rsca: the autograded part by ``noter``, the written part graded by hand (formgrader → gradebook API)."""
    course = make_course(tmp_path, [("interne", "Inès", "Terne")])
    shutil.copytree(ROOT / "solutions" / "rsca", course / "solutions" / "rsca")
    run([str(BIN / "nbgrader"), "generate_assignment", "rsca", "--force"], course)
    nb = json.loads((ROOT / "solutions" / "rsca" / "rsca.ipynb").read_text())
    folder = course / "submitted" / "interne" / "rsca"
    folder.mkdir(parents=True)
    (folder / "rsca.ipynb").write_text(json.dumps(nb))
    atelier(course, "noter", "rsca")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "atelier-mg") as gb:
        submission = gb.find_submission("rsca", "interne")
        manual = [g for nb_ in submission.notebooks for g in nb_.grades if g.auto_score is None]
        assert manual, "le devoir rsca a des cellules notées à la main"
        for grade in manual:
            grade.manual_score = grade.max_score / 2
        names = {g.name: g.max_score / 2 for g in manual}
        gb.db.commit()
        expected = gb.find_submission("rsca", "interne").score
    atelier(course, "exporter", "rsca")
    detail = next(csv.DictReader(io.StringIO((course / "correction" / "rsca" / "detail.csv").read_text("utf-8-sig"))))
    assert float(detail["note"]) == pytest.approx(expected)
    for name, score in names.items():
        assert float(detail[name]) == score
