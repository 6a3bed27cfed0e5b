"""Moodle tel qu'il est : sa feuille d'évaluation, ses noms de fichiers, et ce que son import vérifie.

Everything here follows Moodle's own code (cited per function) and its language strings (``moodle_strings``):

* the grading worksheet (« Télécharger le formulaire d'évaluation », ``mod/assign/gradingtable.php``):
  its language is recognised from its header, its rows give the participant number (« Participant13 »
  in French, « Participant 13 » in English: ``hiddenuser`` + the assignment's unique id), the e-mail and
  full name when identities are shown, the maximum grade and the date of the last grade change;
* file names in Moodle's zips (``clean_filename`` = ``clean_param(PARAM_FILE)`` of ``lib/moodlelib.php``);
* the import of a worksheet (« Déposer un formulaire d'évaluation »): :func:`import_preview` re-implements
  ``csv_import_reader::load_csv_content`` (``lib/csvlib.class.php``), ``assignfeedback_offline_grade_importer``
  (``mod/assign/feedback/offline/importgradeslib.php``) and ``assign_feedback_offline::process_import_grades``
  (``mod/assign/feedback/offline/locallib.php``), so that a produced worksheet is checked the way Moodle
  will read it before the teacher uploads it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..core.errors import UserError
from .moodle_strings import MONTHS, STRINGS, string, variants

# lib/moodlelib.php, clean_param(), case PARAM_FILE: preg_replace('~[[:cntrl:]]|[&<>"`\|\':\\\\/]~u', '', $param)
_PARAM_FILE = re.compile(r"[\x00-\x1f\x7f&<>\"`|':\\/]")


def clean_filename(text: str) -> str:
    """Moodle's ``clean_filename``: control characters and ``& < > " ` | ' : \\ /`` removed (« N'Diaye » → « NDiaye »)."""
    cleaned = _PARAM_FILE.sub("", text)
    return "" if cleaned in (".", "..") else cleaned


def user_prefix(fullname: str, participant: str) -> str:
    """The prefix of a user's files in Moodle's zips (``mod/assign`` downloader, ``get_submission_prefix``)."""
    return clean_filename(fullname.replace("_", " ") + "_" + participant)


def unformat_float(text: str, lang: str) -> float | None:
    """``unformat_float`` of ``lib/moodlelib.php`` (non strict): spaces removed, the site's decimal separator → « . »,
    then PHP's ``(float)`` cast, which reads the longest number at the start (« 12,5 » on an English site is 12)."""
    text = text.strip()
    if text == "":
        return None
    text = text.replace(" ", "").replace(string(lang, "decsep"), ".")
    match = re.match(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text)
    return float(match.group(0)) if match else 0.0


def format_grade(value: float, lang: str) -> str:
    """A grade as Moodle writes it in the worksheet (« 20,00 » on a French site, « 100.00 » on an English one)."""
    return f"{value:.2f}".replace(".", string(lang, "decsep"))


def parse_date(text: str, lang: str) -> datetime | None:
    """A date of the worksheet (``userdate`` with ``strftimedaydatetime``), or None (« - » or unknown form)."""
    text = unicodedata.normalize("NFC", text.strip().lower())
    months = "|".join(MONTHS[lang])
    if lang == "fr":
        found = re.search(rf"(\d{{1,2}}) ({months}) (\d{{4}}),? (\d{{1,2}}):(\d{{2}})", text)
        if found:
            return datetime(int(found[3]), MONTHS[lang].index(found[2]) + 1, int(found[1]), int(found[4]), int(found[5]))
        return None
    found = re.search(rf"(\d{{1,2}}) ({months}) (\d{{4}}),? (\d{{1,2}}):(\d{{2}}) ?([ap]m)", text)
    if found:
        hour = int(found[4]) % 12 + (12 if found[6] == "pm" else 0)
        return datetime(int(found[3]), MONTHS[lang].index(found[2]) + 1, int(found[1]), hour, int(found[5]))
    return None


def php_date(moment: datetime) -> str:
    """The same minute in a form PHP's ``strtotime`` reads (it cannot read Moodle's French dates)."""
    return moment.strftime("%Y-%m-%d %H:%M")


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\ufeff", "").strip())


def detect_language(header: list[str]) -> str | None:
    """The language of a Moodle worksheet header (the one whose « Identifiant / Note / Dernière modification »
    are all there), or None."""
    cells = {_key(h) for h in header}
    for lang, table in STRINGS.items():
        if all(any(v in cells for v in table[k]) for k in ("recordid", "gradenoun", "lastmodifiedgrade")):
            return lang
    return None


def read_csv(raw: bytes, name: str) -> list[list[str]]:
    from .roster import decode

    text = decode(raw, name)
    first = text.splitlines()[0] if text.splitlines() else ""
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]


@dataclass
class Worksheet:
    """A grading worksheet downloaded from a Moodle assignment."""
    name: str
    lang: str
    rows: list[list[str]]
    columns: dict[str, int] = field(default_factory=dict)

    @property
    def header(self) -> list[str]:
        return self.rows[0]

    @property
    def anonymous(self) -> bool:
        return "email" not in self.columns and "fullname" not in self.columns

    def cell(self, row: list[str], key: str) -> str:
        i = self.columns.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    def participant(self, row: list[str]) -> str | None:
        """The participant number of a row: what Moodle's import reads after ``hiddenuser``."""
        ident = self.cell(row, "recordid")
        for prefix in sorted({v for t in STRINGS.values() for v in t["hiddenuser"]}, key=len, reverse=True):
            if ident.startswith(prefix.strip()):
                rest = ident[len(prefix.strip()):].strip()
                return rest if rest.isdigit() else None
        return None

    def students(self) -> list[list[str]]:
        return self.rows[1:]

    def max_grades(self) -> set[float]:
        return {g for g in (unformat_float(self.cell(r, "maxgrade"), self.lang) for r in self.students()) if g is not None}


def read_worksheet(path: Path) -> Worksheet:
    """Read a worksheet; :class:`UserError` in French when it is not one (or cannot be read)."""
    try:
        rows = read_csv(path.read_bytes(), path.name)
    except OSError as exc:
        raise UserError(f"{path.name} : fichier illisible ({exc.strerror}).") from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    sheet = worksheet_from_rows(path.name, rows)
    if sheet is None:
        raise UserError(f"{path.name} : ce n'est pas une feuille d'évaluation Moodle (colonnes « Identifiant », « Note » "
                        "et « Dernière modification (note) » attendues, en français ou en anglais ; téléchargez-la dans "
                        "le devoir par « Télécharger le formulaire d’évaluation »). Colonnes lues : "
                        f"{', '.join(rows[0]) if rows else 'aucune'}.")
    return sheet


def worksheet_from_rows(name: str, rows: list[list[str]]) -> Worksheet | None:
    """The rows of a CSV file as a worksheet, or None when its header is not a worksheet's."""
    lang = detect_language(rows[0]) if rows else None
    if lang is None:
        return None
    sheet = Worksheet(name, lang, rows)
    header = [_key(h) for h in rows[0]]
    for key in ("recordid", "fullname", "email", "status", "gradenoun", "maxgrade", "lastmodifiedgrade",
                "feedbackcomments", "idnumber"):
        for i, h in enumerate(header):
            if h in STRINGS[lang][key]:
                sheet.columns[key] = i
                break
    return sheet


def is_participant_name(name: str) -> bool:
    """The name Moodle puts in file names under anonymous submissions (``get_string('participant')``)."""
    return _key(name) in variants("participant")


@dataclass
class MoodleState:
    """What Moodle holds for one participant before the upload: grade (None if none) and its modification time."""
    grade: float | None
    modified: datetime | None


@dataclass
class Preview:
    """What Moodle's import would do with a worksheet: the error that stops it, or the updated participants."""
    error: str | None = None
    grades: dict[str, float] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def _strtotime(text: str) -> datetime | None:
    """The forms of PHP's ``strtotime`` this module writes (ISO date and time); anything else reads as false."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        return None


def import_preview(content: bytes, lang: str, participants: dict[str, MoodleState], max_grade: float,
                   ignore_modified: bool = False, feedback_enabled: bool = True) -> Preview:
    """Moodle's import of ``content`` (the upload form's defaults: UTF-8, comma), step by step:

    1. ``csv_import_reader::load_csv_content``: UTF-8, BOM removed, newlines normalised, content trimmed,
       ``fgetcsv`` with ``,``; an empty file or a row whose column count differs from the header's stops it
       (``csvemptyfile``, ``csvweirdcolumns``);
    2. ``grade_importer::init``: the header must hold ``recordid``, ``gradenoun`` and ``lastmodifiedgrade`` of the
       site's language exactly, else ``invalidgradeimport``; the comments column is the one named exactly as the
       comments plugin (``assignfeedback_comments`` ``pluginname``), and only if its index is not 0 (``!empty``);
    3. ``grade_importer::next``: the participant number is what follows ``strlen(hiddenuser)`` bytes; unknown
       numbers are skipped silently; ``modified`` = ``strtotime`` of the date column;
    4. ``process_import_grades``: grade = ``unformat_float``; skipped when equal to Moodle's, empty or negative,
       when Moodle's grade is newer than ``modified`` + 60 s (unless « Autorise la modification… »), or above the
       maximum; comments are written unless the date is stale.
    """
    preview = Preview()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return Preview(error="encodage : le fichier n'est pas en UTF-8")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip()
    if '\\"' in text:
        return Preview(error="une barre oblique inverse devant un guillemet : fgetcsv de PHP la lit comme échappement")
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=",", quotechar='"') if r != []]
    if not rows:
        return Preview(error="csvemptyfile")
    if any(len(r) != len(rows[0]) for r in rows):
        return Preview(error="csvweirdcolumns : une ligne n'a pas le même nombre de colonnes que l'en-tête")
    header = rows[0]
    wanted = {k: string(lang, k) for k in ("recordid", "gradenoun", "lastmodifiedgrade")}
    index = {k: (header.index(v) if v in header else -1) for k, v in wanted.items()}
    if min(index.values()) < 0:
        missing = [wanted[k] for k, i in index.items() if i < 0]
        return Preview(error=f"invalidgradeimport : colonne(s) {', '.join(missing)} absente(s)")
    comments = string(lang, "feedbackcomments")
    comment_index = header.index(comments) if feedback_enabled and comments in header else 0
    hidden = string(lang, "hiddenuser").encode("utf-8")
    for row in rows[1:]:
        number = row[index["recordid"]].encode("utf-8")[len(hidden):].decode("utf-8", "replace")
        if not number.isdigit() or number not in participants:
            continue
        state = participants[number]
        modified = _strtotime(row[index["lastmodifiedgrade"]])
        stamp = modified.timestamp() if modified else 0.0
        stale = state.grade is not None and state.modified is not None and state.modified.timestamp() > stamp + 60
        grade = unformat_float(row[index["gradenoun"]], lang)
        if state.grade is not None and grade is not None and state.grade == grade:
            preview.skipped[number] = "note inchangée"
        elif grade is None or grade < 0:
            preview.skipped[number] = "pas de note"
        elif not ignore_modified and stale:
            preview.skipped[number] = "note modifiée dans Moodle après le téléchargement de la feuille"
        elif grade > max_grade:
            preview.skipped[number] = f"note {grade} au-dessus du maximum {max_grade}"
        else:
            preview.grades[number] = grade
        if (ignore_modified or not stale) and comment_index:
            preview.comments[number] = row[comment_index]
    return preview


def moodle_state(sheet: Worksheet) -> dict[str, MoodleState]:
    """What Moodle held when the worksheet was downloaded: each participant's grade and its date."""
    state = {}
    for row in sheet.students():
        number = sheet.participant(row)
        if number is not None:
            state[number] = MoodleState(unformat_float(sheet.cell(row, "gradenoun"), sheet.lang),
                                        parse_date(sheet.cell(row, "lastmodifiedgrade"), sheet.lang))
    return state
