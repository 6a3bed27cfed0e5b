"""Importer la promotion : notre CSV ou l'export Moodle, UTF-8 ou Windows-1252, « ; » ou « , », erreurs avec leur ligne."""

from __future__ import annotations

import subprocess

import pytest
from conftest import BIN, ROOT, tool_env
from nbgrader.api import Gradebook

from atelier_mg.grading import roster


def test_our_format_in_windows_1252_with_semicolons(tmp_path):
    path = tmp_path / "promotion.csv"
    path.write_bytes("id;prenom;nom;email\nalice.dupre;Alice;Duprè;alice@univ.fr\nb-noel;Bérénice;Noël;\n".encode("cp1252"))
    interns = roster.read_roster(path)
    assert [(i.id, i.first_name, i.last_name, i.email) for i in interns] == [
        ("alice.dupre", "Alice", "Duprè", "alice@univ.fr"), ("b-noel", "Bérénice", "Noël", "")]


@pytest.mark.parametrize("header", [
    "Prénom,Nom de famille,Numéro d’identification,Adresse de courriel",  # Moodle 4.x, French
    "Prénom,Nom,Numéro d'identification,Adresse de courriel",  # Moodle 3.11, French
    "First name,Last name,ID number,Email address",  # English
])
def test_moodle_participants_export_utf8_with_bom(header):
    raw = ("\ufeff" + header + "\nÉlodie,Lefèvre,22001234,elodie.lefevre@etu.fr\nLuc,Martin,22005678,luc.martin@etu.fr\n")
    interns = roster.read_roster(raw.encode("utf-8"))
    assert [(i.id, i.first_name, i.last_name) for i in interns] == [("22001234", "Élodie", "Lefèvre"),
                                                                      ("22005678", "Luc", "Martin")]


def test_without_an_id_number_the_email_identifies():
    interns = roster.read_roster("Prénom\tNom\tAdresse de courriel\nAnne\tRoux\tanne.roux@etu.fr\n".encode())
    assert interns[0].id == "anne.roux@etu.fr"


def test_every_problem_is_listed_with_its_line_and_nothing_is_imported(tmp_path):
    raw = "id;prenom;nom\nalice;Alice;Dupré\n;Bob;Sans\nalice;Alice;Encore\nc+d;Claire;Plus\ne;Eve;\n".encode()
    with pytest.raises(roster.RosterError) as err:
        roster.read_roster(raw)
    text = str(err.value)
    for part in ("rien n'a été importé", "ligne 3 : identifiant manquant",
                 "ligne 4 : identifiant « alice » en double (déjà ligne 2)", "ligne 5 : identifiant « c+d » invalide",
                 "ligne 6 : nom manquant"):
        assert part in text, part
    for raw, message in ((b"", "vide"), (b"nom;prenom\nA;B\n", r"colonne\(s\) manquante\(s\) : identifiant"),
                         (b"id\n", "séparateur introuvable"), (b"id;prenom;nom\n", "aucun interne")):
        with pytest.raises(roster.RosterError, match=message):
            roster.read_roster(raw)
    with pytest.raises(roster.RosterError, match="fichier illisible"):
        roster.read_roster(tmp_path / "absent.csv")


def test_atelier_correction_imports_into_the_gradebook_and_updates_on_rerun(tmp_path):
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    path = tmp_path / "promotion.csv"
    path.write_text("id,prenom,nom,email\nalice,Alice,Dupré,alice@univ.fr\nbob,Bob,Martin,\n", encoding="utf-8")
    cmd = [str(BIN / "atelier"), "correction", "importer-promotion", str(path), "--base", db]
    first = subprocess.run(cmd, cwd=ROOT, env=tool_env(), capture_output=True, text=True)
    assert first.returncode == 0 and "2 interne(s) ajouté(s), 0 mis à jour" in first.stdout, first.stderr
    path.write_text("id,prenom,nom,email\nalice,Alice,Dupré-Roux,alice@univ.fr\ncarla,Carla,Noël,\n", encoding="utf-8")
    again = subprocess.run(cmd, cwd=ROOT, env=tool_env(), capture_output=True, text=True)
    assert "1 interne(s) ajouté(s), 1 mis à jour" in again.stdout, again.stderr
    with Gradebook(db) as gb:
        students = {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}
    assert students == {"alice": ("Alice", "Dupré-Roux", "alice@univ.fr"), "bob": ("Bob", "Martin", None),
                        "carla": ("Carla", "Noël", None)}
    path.write_text("id,prenom,nom\nalice,Alice,\n", encoding="utf-8")
    bad = subprocess.run(cmd, cwd=ROOT, env=tool_env(), capture_output=True, text=True)
    assert bad.returncode == 1 and "ligne 2 : nom manquant" in bad.stderr and "Traceback" not in bad.stderr
    with Gradebook(db) as gb:
        assert gb.find_student("alice").last_name == "Dupré-Roux"  # nothing changed
