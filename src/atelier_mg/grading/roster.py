"""La promotion d'internes : lecture d'un fichier CSV (le nôtre ou l'export « Participants » de Moodle).

Accepted files: UTF-8 (with or without BOM) or Windows-1252, separated by ``;``, ``,`` or tabs. Columns,
whatever their case and accents:

* our format: ``id`` (or ``identifiant``), ``prenom`` / ``first_name``, ``nom`` / ``last_name``, ``email`` / ``courriel``;
* Moodle's participants export (French or English): ``Prénom``, ``Nom`` / ``Nom de famille``,
  ``Adresse de courriel``, ``Numéro d'identification`` (the student number; the e-mail is used when the
  site does not show it).

The identifier becomes the nbgrader ``student_id``: letters, digits, ``.``, ``_``, ``-`` and ``@`` only
(nbgrader's exchange forbids ``+`` and ``*``). Every problem is reported in French with its line number,
and nothing is imported when there is one.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
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


def read_roster(source: str | Path | bytes) -> list[Intern]:
    """Read a roster; :class:`RosterError` (French, with line numbers) if anything is wrong."""
    name = "promotion" if isinstance(source, bytes) else Path(source).name
    if isinstance(source, bytes):
        raw = source
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise RosterError(f"{name} : fichier illisible ({exc.strerror}).") from None
    try:
        text = decode(raw, name)
    except UnicodeDecodeError:
        raise RosterError(f"{name} : encodage non reconnu (enregistrez le fichier en UTF-8 ou en CSV Windows).") from None
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,\t")
    except csv.Error:
        raise RosterError(f"{name} : séparateur introuvable sur la ligne d'en-tête (« ; », « , » ou tabulation).") from None
    rows = list(csv.reader(io.StringIO(text), dialect))
    header = [_key(h) for h in rows[0]]
    where: dict[str, int] = {}
    for field, names in COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in {_key(n) for n in names}]
        if found:
            where[field] = found[0]
    if "id" not in where and "email" in where:
        where["id"] = where["email"]  # Moodle sites that do not show the ID number: the e-mail identifies
    missing = [f for f in ("id", "first_name", "last_name") if f not in where]
    if missing:
        labels = {"id": "identifiant (ou numéro d'identification, ou courriel)", "first_name": "prénom", "last_name": "nom"}
        raise RosterError(f"{name} : colonne(s) manquante(s) : {', '.join(labels[m] for m in missing)} "
                          f"(colonnes lues : {', '.join(rows[0])}).")
    problems, interns, seen = [], [], {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(field: str, row: list[str] = row) -> str:
            i = where.get(field)
            return row[i].strip() if i is not None and i < len(row) else ""

        ident = cell("id")
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
        if not cell("last_name"):
            problems.append(f"ligne {line} : nom manquant pour « {ident} »")
        interns.append(Intern(ident, cell("first_name"), cell("last_name"), cell("email"), line))
    if problems:
        raise RosterError(f"{name} : promotion refusée, rien n'a été importé :\n- " + "\n- ".join(problems))
    if not interns:
        raise RosterError(f"{name} : aucun interne dans le fichier.")
    return interns


def import_roster(source: str | Path | bytes, db_url: str) -> tuple[int, int]:
    """Add or update every intern in nbgrader's gradebook; returns (added, updated)."""
    from nbgrader.api import Gradebook

    interns = read_roster(source)
    added = updated = 0
    with Gradebook(db_url) as gb:
        known = {s.id for s in gb.students}
        for i in interns:
            gb.update_or_create_student(i.id, first_name=i.first_name, last_name=i.last_name, email=i.email or None)
            if i.id in known:
                updated += 1
            else:
                added += 1
    return added, updated
