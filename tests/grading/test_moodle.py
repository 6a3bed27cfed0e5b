"""Moodle tel qu'il est : ses fichiers réels (Moodle 4.5.6, fr et en) lus, et son import de feuille rejoué.

The files in ``fixtures/moodle-real/`` were downloaded from a real Moodle (see its README); what Moodle did
with uploads (observed) is what :func:`moodle.import_preview` must reproduce.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from atelier_mg.grading import moodle, roster
from atelier_mg.grading.moodle_strings import STRINGS

REAL = Path(__file__).parent / "fixtures" / "moodle-real"
SHEETS = {"fr": REAL / "course2-fr" / "Notes-DMG-SP2-ecologie-2.csv", "en": REAL / "en" / "Grades-DMG-SP-ecologie-1.csv",
          "anonyme": REAL / "course2-anonyme-fr" / "Notes-DMG-SP2-ecologie-2.csv",
          "round2": REAL / "course2-round2-fr" / "Notes-DMG-SP2-ecologie-2.csv"}


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_every_real_worksheet_is_read_in_its_language_with_its_participant_numbers():
    for key, path in SHEETS.items():
        sheet = moodle.read_worksheet(path)
        assert sheet.lang == ("en" if key == "en" else "fr")
        raw_ids = [r[0] for r in rows(path)[1:]]
        numbers = [sheet.participant(r) for r in sheet.students()]
        assert all(n and n.isdigit() for n in numbers)
        # Moodle's import: what follows strlen(hiddenuser) of the site's language is the number
        hidden = STRINGS[sheet.lang]["hiddenuser"][0]
        assert numbers == [i[len(hidden):] for i in raw_ids]
        assert sheet.anonymous == (key == "anonyme")
        assert len(sheet.max_grades()) == 1


def test_dates_as_moodle_writes_them_are_read_and_rewritten_for_strtotime():
    fr = moodle.read_worksheet(SHEETS["round2"])
    written = fr.cell(fr.students()[0], "lastmodifiedgrade")
    moment = moodle.parse_date(written, "fr")
    assert moment is not None and moment.strftime("%d/%m/%Y %H:%M") in written.replace("lundi 7 décembre 2026,", "07/12/2026")
    assert moodle.php_date(moment) == moment.strftime("%Y-%m-%d %H:%M")
    en = moodle.read_worksheet(SHEETS["en"])
    submitted = en.cell(en.students()[0], "status")
    assert submitted.startswith(STRINGS["en"]["submissionstatus_submitted"][0])
    assert moodle.parse_date("Monday, 7 December 2026, 8:05 PM", "en") == datetime(2026, 12, 7, 20, 5)
    assert moodle.parse_date("-", "fr") is None


def test_clean_filename_gives_the_names_of_the_real_zip():
    zipped = {n.split("_")[0] for n in zipfile.ZipFile(REAL / "course2-fr" / "DMG-SP2-ecologie-2.zip").namelist()}
    sheet = moodle.read_worksheet(SHEETS["fr"])
    names = {moodle.clean_filename(sheet.cell(r, "fullname").replace("_", " ")) for r in sheet.students()}
    assert zipped <= names
    assert "Chloé N'Diaye" in {sheet.cell(r, "fullname") for r in sheet.students()}  # the apostrophe Moodle strips


def test_unformat_float_reads_like_moodle():
    assert moodle.unformat_float("20,00", "fr") == 20.0
    assert moodle.unformat_float("12,5", "en") == 12.0  # PHP's (float) cast stops at the comma
    assert moodle.unformat_float("", "fr") is None
    assert moodle.format_grade(12.5, "fr") == "12,50" and moodle.format_grade(12.5, "en") == "12.50"


def filled(path: Path, grades: dict[str, str], rename: dict[str, str] | None = None) -> bytes:
    """The downloaded worksheet filled by hand, the way a teacher would (header and dates untouched)."""
    lines = rows(path)
    sheet = moodle.read_worksheet(path)
    for line in lines[1:]:
        number = sheet.participant(line)
        if number in grades:
            line[sheet.columns["gradenoun"]] = grades[number]
            line[sheet.columns["feedbackcomments"]] = "Bien."
    if rename:
        lines[0] = [rename.get(h, h) for h in lines[0]]
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def test_import_replay_reproduces_what_moodle_did_with_a_second_upload():
    """Observed: a second upload with Moodle's French dates changes nothing unless « Autorise la modification… »."""
    sheet = moodle.read_worksheet(SHEETS["round2"])
    state = moodle.moodle_state(sheet)
    graded = [n for n, s in state.items() if s.grade is not None]
    content = filled(SHEETS["round2"], {n: "15,00" for n in graded})
    maximum = sheet.max_grades().pop()
    blocked = moodle.import_preview(content, "fr", state, maximum)
    assert blocked.error is None and blocked.grades == {}
    assert all("modifiée dans Moodle" in blocked.skipped[n] for n in graded)
    ticked = moodle.import_preview(content, "fr", state, maximum, ignore_modified=True)
    assert ticked.grades == {n: 15.0 for n in graded}


def test_import_replay_rejects_what_moodle_rejects():
    sheet = moodle.read_worksheet(SHEETS["fr"])
    state, maximum = moodle.moodle_state(sheet), sheet.max_grades().pop()
    first = moodle.import_preview(filled(SHEETS["fr"], {"13": "18,00"}), "fr", state, maximum)
    assert first.grades == {"13": 18.0} and first.comments["13"] == "Bien."  # first upload: taken
    lines = rows(SHEETS["fr"])
    without = [[c for i, c in enumerate(r) if i != 9] for r in lines]  # no « Dernière modification (note) »
    out = io.StringIO()
    csv.writer(out).writerows(without)
    assert "invalidgradeimport" in moodle.import_preview(out.getvalue().encode(), "fr", state, maximum).error
    renamed = filled(SHEETS["fr"], {"13": "18,00"}, {"Feedback par commentaires": "Commentaires de feedback"})
    assert moodle.import_preview(renamed, "fr", state, maximum).comments == {}  # the column Moodle does not know
    over = moodle.import_preview(filled(SHEETS["fr"], {"13": "40,00"}), "fr", state, maximum)
    assert over.grades == {} and "au-dessus du maximum" in over.skipped["13"]
    weird = out.getvalue().replace("\n", ",x\n", 1).encode()
    assert "csvweirdcolumns" in moodle.import_preview(weird, "fr", state, maximum).error
    english = moodle.import_preview(filled(SHEETS["fr"], {"13": "18,00"}), "en", state, maximum)
    assert "invalidgradeimport" in english.error  # a French header on an English site


def test_participants_export_leaves_the_teacher_out_with_the_reason():
    read = roster.read_roster_report(REAL / "course2-fr" / "participants-courseid_3_participants.csv")
    teacher = [r for r in rows(REAL / "course2-fr" / "participants-courseid_3_participants.csv")[1:]
               if "Enseignante" in r]
    assert len(read.interns) == len(rows(SHEETS["fr"])) - 1
    assert len(read.left_out) == len(teacher) == 1 and "enseignant ou autre rôle" in read.left_out[0][1]
    assert all(i.id == i.email.lower() for i in read.interns)


def test_participants_export_with_id_numbers_and_a_student_without_one():
    path = REAL / "course2-anonyme-fr" / "participants-courseid_3_participants.csv"
    read = roster.read_roster_report(path)
    ids = {i.id for i in read.interns}
    assert "maelle.tardive@etu.univ-exemple.fr" in ids  # no ID number: her e-mail, lowercased for the hub
    assert "21010" in ids and len(read.left_out) == 1 and "Enseignante" in read.left_out[0][0]


def test_the_worksheet_filters_the_participants_or_is_the_promotion_itself():
    participants = REAL / "course2-fr" / "participants-courseid_3_participants.csv"
    kept = roster.read_roster_report(participants, worksheet=SHEETS["fr"])
    mails = {moodle.read_worksheet(SHEETS["fr"]).cell(r, "email") for r in moodle.read_worksheet(SHEETS["fr"]).students()}
    assert {i.email for i in kept.interns} == mails
    assert [w for w, _ in kept.left_out] == ["ligne 7 (Marie-Hélène Enseignante)"]
    itself = roster.read_roster_report(SHEETS["en"])
    assert itself.kind == "feuille" and {i.id for i in itself.interns} == mails
    anonymous = roster.read_roster_report(SHEETS["anonyme"])
    sheet = moodle.read_worksheet(SHEETS["anonyme"])
    numbers = [sheet.participant(r) for r in sheet.students()]
    assert anonymous.kind == "anonyme" and [i.id for i in anonymous.interns] == [f"participant{n}" for n in numbers]
    with pytest.raises(roster.RosterError, match="feuille anonyme"):
        roster.read_roster_report(participants, worksheet=SHEETS["anonyme"])
