"""La promotion d'internes : notre CSV, l'export « Participants » de Moodle, ou la feuille d'évaluation du devoir.

Accepted files: UTF-8 (with or without BOM) or Windows-1252, separated by ``;``, ``,`` or tabs. Columns,
whatever their case and accents:

* our format: ``id`` (or ``identifiant``), ``prenom`` / ``first_name``, ``nom`` / ``last_name``, ``email`` / ``courriel``;
* Moodle's participants export (French or English, 3.11 to 4.5): ``Prénom``, ``Nom de famille`` / ``Nom``,
  ``Adresse de courriel``, ``Numéro d’identification`` when the site shows it (the e-mail identifies
  otherwise). The export has no role column: teachers are in it. With the assignment's worksheet
  (``feuille``), only its students are kept; without it, a row whose e-mail domain is not the one most
  participants share is left out as a probable teacher. Every row left out is listed with its reason;
* Moodle's grading worksheet itself (« Télécharger le formulaire d’évaluation »), which lists exactly the
  students of the assignment: the e-mail identifies, or, under anonymous submissions, « participantN ».

The identifier becomes the nbgrader ``student_id``: letters, digits, ``.``, ``_``, ``-`` and ``@`` only
(nbgrader's exchange forbids ``+`` and ``*``); e-mails are lowercased (the hub lowercases user names).
Every problem is reported in French with its line number, and nothing is imported when there is one.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ID_PATTERN = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
COLUMNS = {
    "id": ("id", "identifiant", "student_id", "numero d'identification", "numero d’identification", "id number",
           "numero etudiant", "numero d'etudiant"),
    "first_name": ("prenom", "first_name", "first name", "firstname"),
    "last_name": ("nom", "nom de famille", "last_name", "last name", "lastname", "surname"),
    "email": ("email", "courriel", "adresse de courriel", "email address", "adresse electronique", "e-mail"),
}


class RosterError(ValueError):
    """The roster file cannot be imported (French message listing every problem with its line)."""


@dataclass(frozen=True)
class Intern:
    id: str
    first_name: str
    last_name: str
    email: str
    line: int


def _key(header: str) -> str:
    text = unicodedata.normalize("NFKD", header.strip().lower().replace("\u2019", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


def decode(raw: bytes, name: str = "fichier") -> str:
    """UTF-8 (BOM removed) or, failing that, Windows-1252 (Excel's default on French Windows)."""
    if not raw.strip():
        raise RosterError(f"{name} : le fichier est vide.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict")


@dataclass
class RosterRead:
    interns: list[Intern]
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (row, reason)
    kind: str = "csv"


def _raw(source: str | Path | bytes, name: str) -> bytes:
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise RosterError(f"{name} : fichier illisible ({exc.strerror}).") from None


def _rows(raw: bytes, name: str) -> list[list[str]]:
    try:
        text = decode(raw, name)
    except UnicodeDecodeError:
        raise RosterError(f"{name} : encodage non reconnu (enregistrez le fichier en UTF-8 ou en CSV Windows).") from None
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,\t")
    except csv.Error:
        raise RosterError(f"{name} : séparateur introuvable sur la ligne d'en-tête (« ; », « , » ou tabulation).") from None
    return list(csv.reader(io.StringIO(text), dialect))


def _from_worksheet(rows: list[list[str]], name: str) -> RosterRead:
    """The grading worksheet: exactly the assignment's students (e-mail, or « participantN » when anonymous)."""
    from .moodle import worksheet_from_rows

    sheet = worksheet_from_rows(name, rows)
    interns, left_out = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        number = sheet.participant(row)
        mail = sheet.cell(row, "email").lower()
        full = sheet.cell(row, "fullname")
        if sheet.anonymous:
            if number is None:
                left_out.append((f"ligne {line}", "identifiant « Participant n » illisible"))
                continue
            interns.append(Intern(f"participant{number}", "Participant", number, "", line))
        elif mail and ID_PATTERN.match(mail):
            interns.append(Intern(mail, "", full or mail, mail, line))
        else:
            left_out.append((f"ligne {line} ({full or '?'})", "pas d'adresse de courriel utilisable"))
    return RosterRead(interns, left_out, "anonyme" if sheet.anonymous else "feuille")


def read_roster(source: str | Path | bytes, worksheet: str | Path | None = None) -> list[Intern]:
    """Read a roster; :class:`RosterError` (French, with line numbers) if anything is wrong."""
    return read_roster_report(source, worksheet).interns


def read_roster_report(source: str | Path | bytes, worksheet: str | Path | None = None) -> RosterRead:
    """The interns of a roster file and the rows left out (teachers…), each with its reason."""
    name = "promotion" if isinstance(source, bytes) else Path(source).name
    rows = _rows(_raw(source, name), name)
    if detect_language(rows[0]):
        read = _from_worksheet(rows, name)
        if not read.interns:
            raise RosterError(f"{name} : aucun étudiant dans la feuille d'évaluation.")
        return read
    header = [_key(h) for h in rows[0]]
    where: dict[str, int] = {}
    for field_name, names in COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in {_key(n) for n in names}]
        if found:
            where[field_name] = found[0]
    moodle = _is_participants_export(rows[0])
    if "id" not in where and "email" in where:
        where["id"] = where["email"]  # Moodle sites that do not show the ID number: the e-mail identifies
    missing = [f for f in ("id", "first_name", "last_name") if f not in where]
    if missing:
        labels = {"id": "identifiant (ou numéro d'identification, ou courriel)", "first_name": "prénom", "last_name": "nom"}
        raise RosterError(f"{name} : colonne(s) manquante(s) : {', '.join(labels[m] for m in missing)} "
                          f"(colonnes lues : {', '.join(rows[0])}).")
    keep = _students_of(worksheet) if worksheet is not None else None
    problems, interns, seen, left_out = [], [], {}, []
    records = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(field_name: str, row: list[str] = row) -> str:
            i = where.get(field_name)
            return row[i].strip() if i is not None and i < len(row) else ""

        records.append((line, cell("id"), cell("first_name"), cell("last_name"), cell("email")))
    domain = _main_domain([r[4] for r in records]) if moodle and keep is None else None
    for line, ident, first, last, mail in records:
        who = f"ligne {line} ({first} {last})".replace("  ", " ")
        if keep is not None and mail.lower() not in keep:
            left_out.append((who, "absent de la feuille d'évaluation du devoir (enseignant ou autre rôle)"))
            continue
        if domain and mail and mail.lower().rpartition("@")[2] != domain:
            left_out.append((who, f"courriel hors du domaine des autres participants ({domain}) : enseignant ou "
                                  "autre rôle ? (donnez --feuille pour la liste exacte)"))
            continue
        if moodle and not ident and mail:
            ident = mail  # a student without an ID number on a site that shows them
        if moodle and "@" in ident:
            ident = ident.lower()
        if not ident:
            problems.append(f"ligne {line} : identifiant manquant")
            continue
        if not ID_PATTERN.match(ident):
            problems.append(f"ligne {line} : identifiant « {ident} » invalide (lettres, chiffres, . _ - @ seulement)")
            continue
        if ident in seen:
            problems.append(f"ligne {line} : identifiant « {ident} » en double (déjà ligne {seen[ident]})")
            continue
        seen[ident] = line
        if not last:
            problems.append(f"ligne {line} : nom manquant pour « {ident} »")
        interns.append(Intern(ident, first, last, mail, line))
    if problems:
        raise RosterError(f"{name} : promotion refusée, rien n'a été importé :\n- " + "\n- ".join(problems))
    if not interns:
        raise RosterError(f"{name} : aucun interne dans le fichier.")
    return RosterRead(interns, left_out, "participants" if moodle else "csv")


def _is_participants_export(header: list[str]) -> bool:
    from .moodle_strings import STRINGS

    cells = {unicodedata.normalize("NFC", h.replace("\ufeff", "").strip()) for h in header}
    return any(any(v in cells for v in t["firstname"]) and any(v in cells for v in t["email"]) for t in STRINGS.values())


def _students_of(worksheet: str | Path) -> set[str]:
    from .moodle import worksheet_from_rows

    name = Path(worksheet).name
    sheet = worksheet_from_rows(name, _rows(_raw(worksheet, name), name))
    if sheet is None:
        raise RosterError(f"{name} : ce n'est pas une feuille d'évaluation Moodle.")
    if sheet.anonymous:
        raise RosterError(f"{name} : feuille anonyme (sans courriel) : importez-la directement comme promotion.")
    return {sheet.cell(r, "email").lower() for r in sheet.students()}


def _main_domain(mails: list[str]) -> str | None:
    """The e-mail domain of more than half of the participants, if there is one."""
    domains = [m.lower().rpartition("@")[2] for m in mails if "@" in m]
    if not domains:
        return None
    best = max(set(domains), key=domains.count)
    return best if domains.count(best) * 2 > len(domains) and domains.count(best) < len(domains) else None


def detect_language(header: list[str]) -> str | None:
    from .moodle import detect_language as detect

    return detect(header)


def import_roster(source: str | Path | bytes, db_url: str, worksheet: str | Path | None = None
                  ) -> tuple[int, int, RosterRead]:
    """Add or update every intern in nbgrader's gradebook; returns (added, updated, what was read)."""
    from nbgrader.api import Gradebook

    read = read_roster_report(source, worksheet)
    interns = read.interns
    added = updated = 0
    with Gradebook(db_url) as gb:
        students = {s.id: s for s in gb.students}
        by_mail = {s.email.lower(): s for s in students.values() if s.email}
        for i in interns:
            first, last, ident = i.first_name, i.last_name, i.id
            if read.kind == "feuille" and i.email in by_mail:
                # the worksheet has only « Nom complet »: an intern already imported keeps its id and split name
                known = by_mail[i.email]
                ident, first, last = known.id, known.first_name or first, known.last_name or last
            gb.update_or_create_student(ident, first_name=first, last_name=last, email=i.email or None)
            if ident in students:
                updated += 1
            else:
                added += 1
    return added, updated, read
