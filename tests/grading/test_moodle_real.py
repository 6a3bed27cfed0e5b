"""Chaque export réel de Moodle 4.5.6 (fr, en, anonyme, après une nouvelle remise) passe par les commandes du README,
sans retouche : importer-promotion → importer-rendus → noter → retours → exporter ; la feuille produite passe
l'import de Moodle rejoué (``moodle.import_preview``) sans la case « Autorise la modification… », et le zip de
retours passe le contrôle des noms de fichiers de Moodle."""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import BIN, ROOT
from gradingkit import ASSIGNMENT

from atelier_mg.grading import moodle

pytestmark = pytest.mark.slow

REAL = Path(__file__).parent / "fixtures" / "moodle-real"


def bare_env() -> dict[str, str]:
    """As a DMG would run ``.venv/bin/atelier``: the venv is NOT on the PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "ATELIER_GRADEBOOK")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "/usr/bin:/bin").split(os.pathsep) if p != str(BIN))
    return env


def atelier(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN / "atelier"), "--racine", str(course), "correction", *args], cwd=course,
                          env=bare_env(), capture_output=True, text=True)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-3000:]
    if check:
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def new_course(folder: Path) -> Path:
    """A course folder as a DMG has it: config and solutions, nothing generated (importer-rendus does it)."""
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, folder / "solutions" / ASSIGNMENT)
    return folder


def files(export: str) -> tuple[Path, Path]:
    folder = REAL / export
    return next(folder.glob("*.zip")), next(p for p in folder.glob("*.csv") if not p.name.startswith("participants"))


def readme_commands() -> list[list[str]]:
    """The commands of the README's DMG step by step (« *2. Corriger* »), as written there."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"\*2\. Corriger\*.*?```bash\n(.*?)```", text, re.S)[1]
    commands = [shlex.split(line) for line in block.splitlines() if line.strip()]
    assert all(c[:2] == [".venv/bin/atelier", "correction"] for c in commands)
    return [c[2:] for c in commands]


def readme_workflow(course: Path, export: str) -> str:
    """The README's commands, as written there, on one real export (its file names replaced by the real ones);
    returns what importer-rendus printed."""
    archive, sheet = files(export)
    out = ""
    for command in readme_commands():
        args = [str(sheet) if a.startswith("Notes-") else str(archive) if a.endswith(".zip") else a for a in command]
        done = atelier(course, *args)
        out = done.stdout if command[0] == "importer-rendus" else out
    return out


def our_grades(course: Path, sheet: moodle.Worksheet) -> dict[str, float]:
    """The grades of the detail (nbgrader's), on the assignment's maximum, by participant number."""
    detail = list(csv.DictReader(io.StringIO((course / "correction" / ASSIGNMENT / "detail.csv").read_text("utf-8-sig"))))
    maximum = sheet.max_grades().pop()
    by_id = {r["identifiant"]: float(r["note"]) * maximum / float(r["note_max"]) for r in detail if r["note"]}
    out = {}
    for row in sheet.students():
        number = sheet.participant(row)
        ident = f"participant{number}" if sheet.anonymous else sheet.cell(row, "email").lower()
        if ident in by_id:
            out[number] = round(by_id[ident], 2)
    return out


def check_upload(course: Path, export: str) -> None:
    """After « Déposer un formulaire d'évaluation » (checkbox NOT ticked), Moodle holds exactly our grades and comments."""
    _, downloaded = files(export)
    sheet = moodle.read_worksheet(downloaded)
    produced = (course / "correction" / ASSIGNMENT / "notes-moodle.csv").read_bytes()
    state = moodle.moodle_state(sheet)
    preview = moodle.import_preview(produced, sheet.lang, state, sheet.max_grades().pop(), ignore_modified=False)
    assert preview.error is None, preview.error
    expected = our_grades(course, sheet)
    assert expected, "des rendus notés"
    after = {n: preview.grades.get(n, state[n].grade) for n in expected}
    assert after == expected, (preview.skipped, expected)
    assert not [why for why in preview.skipped.values() if "modifiée dans Moodle" in why]
    assert all("Note automatique" in preview.comments[n] or "Rendu non noté" in preview.comments[n] for n in expected)
    assert list(csv.reader(io.StringIO(produced.decode("utf-8-sig"))))[0] == sheet.header


def check_feedback_zip(course: Path, export: str) -> None:
    """Every file of the zip passes ``is_valid_filename_for_import`` (mod/assign/feedback/file/importziplib.php):
    a path part split by ``_`` (at most 5 pieces) with >= 4 pieces, a numeric participant id of the assignment,
    plugin ``assignfeedback`` / ``file``; hidden files (``.``, ``~``) ignored."""
    _, downloaded = files(export)
    sheet = moodle.read_worksheet(downloaded)
    participants = {int(sheet.participant(r)) for r in sheet.students()}
    received: dict[int, list[str]] = {}
    with zipfile.ZipFile(course / "correction" / ASSIGNMENT / "retours-moodle.zip") as archive:
        for name in archive.namelist():
            assert not Path(name).name.startswith((".", "~"))
            for part in name.split("/"):
                info = part.split("_", 4)
                if len(info) < 4 or not info[1].isdigit() or int(info[1]) not in participants:
                    continue
                assert (info[2], info[3]) == ("assignfeedback", "file")
                received.setdefault(int(info[1]), []).append(info[4] if len(info) == 5 else "")
                break
            else:
                pytest.fail(f"{name} : Moodle ne le rattacherait à aucun participant")
    graded = {int(n) for n in our_grades(course, sheet)}
    assert set(received) == graded
    assert all(names == [f"{ASSIGNMENT}.html"] for names in received.values())


def test_french_download_then_a_resubmission_round(tmp_path):
    course = new_course(tmp_path / "cours")
    out = readme_workflow(course, "course2-fr")
    sheet = moodle.read_worksheet(files("course2-fr")[1])
    with zipfile.ZipFile(files("course2-fr")[0]) as archive:
        with_file = {m[1] for m in (re.match(r".+?_(\d+)_assignsubmission_file", n) for n in archive.namelist()) if m}
    no_submission = sorted(sheet.cell(r, "email") for r in sheet.students() if sheet.participant(r) not in with_file)
    assert f"Internes de la promotion sans rendu ({len(no_submission)}) : {', '.join(no_submission)}" in out
    assert "compte-rendu.pdf" in out.split("Fichiers joints en plus du notebook")[1]
    assert "« Ecologie (1).ipynb » renommé" in out
    check_upload(course, "course2-fr")
    check_feedback_zip(course, "course2-fr")
    # Round 2: Moodle's new download (grades already in Moodle, one resubmission), same commands.
    readme_workflow(course, "course2-round2-fr")
    check_upload(course, "course2-round2-fr")
    check_feedback_zip(course, "course2-round2-fr")
    # --sur must agree with the worksheet's maximum; without a worksheet, the columns Moodle requires
    wrong = atelier(course, "exporter", ASSIGNMENT, "--feuille", str(files("course2-fr")[1]), "--sur", "100", check=False)
    assert wrong.returncode == 1 and "ne correspond pas à la note maximale du devoir Moodle, 20" in wrong.stderr
    atelier(course, "exporter", ASSIGNMENT, "--sur", "20")
    produced = (course / "correction" / ASSIGNMENT / "notes-moodle.csv").read_bytes()
    fresh = {n: moodle.MoodleState(None, None) for n in our_grades(course, sheet)}
    preview = moodle.import_preview(produced, "fr", fresh, 20.0)
    assert preview.error is None and preview.grades == our_grades(course, sheet)


def test_anonymous_submissions(tmp_path):
    course = new_course(tmp_path / "cours")
    out = readme_workflow(course, "course2-anonyme-fr")
    assert "interne(s)" in out and "rendu anonyme" not in out
    check_upload(course, "course2-anonyme-fr")
    check_feedback_zip(course, "course2-anonyme-fr")


def test_english_site(tmp_path):
    course = new_course(tmp_path / "cours")
    readme_workflow(course, "en")
    check_upload(course, "en")
    check_feedback_zip(course, "en")
    produced = (course / "correction" / ASSIGNMENT / "notes-moodle.csv").read_text("utf-8-sig")
    assert re.search(r'^"?Participant 1"?,', produced, re.M) and "Feedback comments" in produced.splitlines()[0]


class RawName(zipfile.ZipInfo):
    """A zip entry written without the UTF-8 flag (bit 11), its name in UTF-8 bytes all the same."""

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's own name
        return self.filename.encode("utf-8"), self.flag_bits & ~0x800


def variant(target: Path, *, flat: bool = False, old_folders: bool = False, reverse: bool = False,
            utf8_flag: bool = True, leave_out: str = "") -> Path:
    """The real French zip in another layout Moodle writes (flat, « …_file_/ » before 4.1, « Nom Prénom »)."""
    source, _ = files("course2-fr")
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            found = re.match(r"(?P<name>.+?)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)/(?P<file>.+)", info.filename)
            name = found["name"]
            if leave_out and name == leave_out:
                continue
            if reverse:
                name = " ".join(reversed(name.split(" ", 1)))
            prefix = f"{name}_{found['pid']}_assignsubmission_{found['plugin']}"
            entry = f"{prefix}_{found['file']}" if flat else f"{prefix}{'_' if old_folders else ''}/{found['file']}"
            out.writestr(zipfile.ZipInfo(entry) if utf8_flag else RawName(entry), archive.read(info))
    return target


def test_every_zip_layout_matches_by_name_and_a_reimport_replaces_the_earlier_state(tmp_path):
    course = new_course(tmp_path / "cours")
    participants = REAL / "course2-fr" / "participants-courseid_3_participants.csv"
    out = atelier(course, "importer-promotion", str(participants)).stdout
    assert "Marie-Hélène Enseignante) : courriel hors du domaine" in out
    layouts = {"dossiers": {}, "plat": {"flat": True}, "avant-4.1": {"old_folders": True},
               "nom-prenom-plat": {"flat": True, "reverse": True}, "sans-drapeau-utf8": {"utf8_flag": False}}
    for label, options in layouts.items():
        archive = variant(tmp_path / f"{label}.zip", **options)
        if not options.get("utf8_flag", True):
            assert not any(i.flag_bits & 0x800 for i in zipfile.ZipFile(archive).infolist())
        out = atelier(course, "importer-rendus", ASSIGNMENT, str(archive)).stdout
        assert "importés depuis" in out and ": 8 interne(s)" in out, (label, out)
        assert "chloe.ndiaye@etu.univ-exemple.fr : compte-rendu.pdf" in out, label  # « NDiaye » matched
        assert "plusieurs internes de la promotion s'appellent" in out, label  # the two Camille Martin, listed
        assert (course / "submitted" / "noel.garcon@etu.univ-exemple.fr" / ASSIGNMENT / "ecologie.ipynb").is_file()
    # Chloé's submission is no longer in Moodle: a new download replaces the earlier state
    archive = variant(tmp_path / "sans-chloe.zip", leave_out="Chloé NDiaye")
    out = atelier(course, "importer-rendus", ASSIGNMENT, str(archive)).stdout
    assert "Rendus d'un import précédent retirés, absents de sans-chloe.zip (1) : chloe.ndiaye@etu.univ-exemple.fr" in out
    assert not (course / "submitted" / "chloe.ndiaye@etu.univ-exemple.fr").joinpath(ASSIGNMENT).exists()
    missing = re.search(r"sans rendu \((\d+)\) : (.+)", out)
    assert "chloe.ndiaye@etu.univ-exemple.fr" in missing[2].split(", ") and int(missing[1]) == len(missing[2].split(", "))
    folders = {p.parent.name for p in (course / "submitted").glob(f"*/{ASSIGNMENT}")}
    assert folders.isdisjoint(missing[2].split(", "))


def test_mistakes_get_french_errors_without_a_traceback(tmp_path):
    course = new_course(tmp_path / "cours")
    participants = REAL / "course2-fr" / "participants-courseid_3_participants.csv"
    missing = atelier(course, "importer-promotion", str(tmp_path / "absent.csv"), check=False)
    assert missing.returncode == 1 and "Fichier de la promotion introuvable" in missing.stderr
    atelier(course, "importer-promotion", str(participants), "--feuille", str(files("course2-fr")[1]))
    archive, _ = files("course2-fr")
    not_a_sheet = atelier(course, "importer-rendus", ASSIGNMENT, str(archive), "--feuille", str(participants), check=False)
    assert not_a_sheet.returncode == 1 and "ce n'est pas une feuille d'évaluation Moodle" in not_a_sheet.stderr
    unknown = atelier(course, "importer-rendus", "inconnu", str(archive), check=False)
    assert unknown.returncode == 1 and "ni dans la base de notes ni dans" in unknown.stderr
    nothing = atelier(course, "exporter", ASSIGNMENT, "--feuille", str(files("course2-fr")[1]), check=False)
    assert nothing.returncode == 1 and "Erreur :" in nothing.stderr
