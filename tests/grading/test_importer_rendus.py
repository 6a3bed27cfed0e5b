"""``atelier correction importer-rendus`` : zip Moodle, dossier simple, échange nbgrader ; rien d'ignoré en silence."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import BIN, tool_env
from gradingkit import ASSIGNMENT, answered, atelier, make_course, run

pytestmark = pytest.mark.slow

ROSTER = [("e.martin", "Élodie", "Martin"), ("jp.dupont", "Jean-Pierre", "Dupont"), ("a.durand1", "Anne", "Durand"),
          ("a.durand2", "Anne", "Durand"), ("z.lefevre", "Zoé", "Lefèvre"), ("absent", "Ali", "Absent")]
FOLDER = "_assignsubmission_file_"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return make_course(tmp_path_factory.mktemp("import"), ROSTER)


def moodle_zip(path: Path, course: Path) -> Path:
    perfect = json.dumps(answered(course)).encode()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"Élodie Martin_1001{FOLDER}/ecologie.ipynb", perfect)
        archive.writestr(f"Élodie Martin_1001{FOLDER}/notes.csv", "a;b\n1;2\n")
        archive.writestr(f"DUPONT Jean Pierre_1002{FOLDER}/Ecologie (1).ipynb", perfect)
        archive.writestr(f"Anne Durand_1003{FOLDER}/ecologie.ipynb", perfect)
        archive.writestr(f"Personne Inconnue_1004{FOLDER}/ecologie.ipynb", perfect)
        archive.writestr("Zoé Lefèvre_1005_assignsubmission_onlinetext_onlinetext.html", "<p>bonjour</p>")
        archive.writestr(f"Zoé Lefèvre_1005{FOLDER}/rapport.pdf", b"%PDF-1.4")
        archive.writestr("../evasion.ipynb", perfect)
    return path


def test_moodle_zip_matches_names_renames_and_lists_every_unused_file(course, tmp_path):
    archive = moodle_zip(tmp_path / "rendus.zip", course)
    out = atelier(course, "importer-rendus", ASSIGNMENT, str(archive)).stdout
    assert "importés depuis rendus.zip : 3 interne(s)" in out
    assert "jp.dupont : « Ecologie (1).ipynb » renommé en « ecologie.ipynb »" in out
    assert "plusieurs internes de la promotion s'appellent « Anne Durand » (a.durand1, a.durand2)" in out
    assert "aucun interne de la promotion ne s'appelle « Personne Inconnue »" in out
    assert "texte en ligne Moodle" in out
    assert "../evasion.ipynb : chemin dangereux" in out
    assert "z.lefevre : Le fichier rendu « rapport.pdf » n'est pas le notebook du devoir" in out
    assert "Internes de la promotion sans rendu (3) : a.durand1, a.durand2, absent" in out
    submitted = course / "submitted"
    assert (submitted / "e.martin" / ASSIGNMENT / "notes.csv").read_text() == "a;b\n1;2\n"
    assert json.loads((submitted / "jp.dupont" / ASSIGNMENT / "ecologie.ipynb").read_text()) == answered(course)
    assert not (tmp_path / "evasion.ipynb").exists() and not (course / "evasion.ipynb").exists()


def test_worksheet_resolves_homonyms_and_the_export_uses_participant_numbers(course, tmp_path):
    archive = moodle_zip(tmp_path / "rendus.zip", course)
    sheet = tmp_path / "feuille.csv"
    sheet.write_text("Identifiant,Nom complet,Adresse de courriel,Statut,Note,Note maximale,"
                     "Dernière modification (note),Feedback par commentaires\n"
                     'Participant1003,Anne Durand,a.durand2@exemple.fr,Remis,,"10,00",-,\n', encoding="utf-8")
    out = atelier(course, "importer-rendus", ASSIGNMENT, str(archive), "--feuille", str(sheet)).stdout
    assert "participant 1001 (" not in out
    assert (course / "submitted" / "a.durand2" / ASSIGNMENT / "ecologie.ipynb").exists()
    assert not (course / "submitted" / "a.durand1").exists()
    graded = atelier(course, "noter", ASSIGNMENT).stdout
    assert "1 refusé(s)" in graded  # rapport.pdf
    atelier(course, "exporter", ASSIGNMENT)
    moodle = (course / "correction" / ASSIGNMENT / "notes-moodle.csv").read_text(encoding="utf-8-sig")
    assert 'Participant1002,Jean-Pierre Dupont,jp.dupont@exemple.fr,"10,00","10,00",-,' in moodle
    assert "Participant1005,Zoé Lefèvre" in moodle and "rapport.pdf" in moodle


def test_plain_folder(tmp_path):
    course = make_course(tmp_path / "cours", ROSTER)
    folder = tmp_path / "depot"
    (folder / "e.martin").mkdir(parents=True)
    (folder / "e.martin" / "ecologie.ipynb").write_text(json.dumps(answered(course)))
    (folder / "jp.dupont_ecologie_v2.ipynb").write_text(json.dumps(answered(course)))
    (folder / "z.lefevre.ipynb").write_bytes(b"")
    (folder / "quelquun.ipynb").write_text("{}")
    out = atelier(course, "importer-rendus", ASSIGNMENT, str(folder)).stdout
    assert "3 interne(s)" in out
    assert "quelquun.ipynb : aucun interne de la promotion ne correspond" in out
    assert "z.lefevre : Le fichier rendu « z.lefevre.ipynb » est vide" in out
    assert (course / "submitted" / "jp.dupont" / ASSIGNMENT / "ecologie.ipynb").exists()


def test_nbgrader_exchange(tmp_path):
    course = make_course(tmp_path / "cours", ROSTER)
    env = tool_env()
    env["ATELIER_EXCHANGE"] = str(tmp_path / "echange")
    (tmp_path / "echange").mkdir()
    run([str(BIN / "nbgrader"), "release_assignment", ASSIGNMENT], course, env=env)
    for student, answers in (("e.martin", None), ("z.lefevre", {"q1-reponse"})):
        home = tmp_path / student
        (home / ASSIGNMENT).mkdir(parents=True)
        (home / ASSIGNMENT / "ecologie.ipynb").write_text(json.dumps(answered(course, answers)))
        shutil.copy(course / "nbgrader_config.py", home / "nbgrader_config.py")
        (home / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.course_id = 'atelier-mg'\nc.Exchange.root = {str(tmp_path / 'echange')!r}\n")
        run([str(BIN / "nbgrader"), "submit", ASSIGNMENT, "--student", student], home, env=env)
    out = atelier(course, "importer-rendus", ASSIGNMENT, "--echange", env=env).stdout
    assert "importés depuis échange nbgrader : 2 interne(s)" in out
    graded = atelier(course, "noter", ASSIGNMENT, env=env).stdout
    assert "2 noté(s)" in graded


def test_clear_errors(course, tmp_path):
    missing = atelier(course, "importer-rendus", ASSIGNMENT, str(tmp_path / "nulle-part.zip"), check=False)
    assert missing.returncode == 1 and "introuvable" in missing.stderr
    (tmp_path / "faux.zip").write_bytes(b"pas un zip")
    broken = atelier(course, "importer-rendus", ASSIGNMENT, str(tmp_path / "faux.zip"), check=False)
    assert broken.returncode == 1 and "ni un dossier ni une archive zip lisible" in broken.stderr
