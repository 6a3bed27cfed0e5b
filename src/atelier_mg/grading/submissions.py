"""``atelier correction importer-rendus`` : les rendus d'un devoir, depuis Moodle, un dossier ou l'échange nbgrader.

Sources:

* Moodle's « Télécharger tous les travaux remis » zip (or the folder it unzips to), in every layout Moodle
  writes (``mod/assign`` downloader): folders ``Prénom Nom_13_assignsubmission_file/…`` (4.1+; ``…_file_/``
  before), or flat ``Prénom Nom_13_assignsubmission_file_ecologie.ipynb``; ``13`` is the participant number
  of the assignment (the worksheet's « Identifiant »). The name is Moodle's ``fullname`` in either order,
  with ``_`` made a space and ``clean_filename`` applied (« N'Diaye » → « NDiaye »): it is matched to the
  promotion the same way (accents and case ignored), or the worksheet given with ``--feuille`` maps the
  participant number to the e-mail. Under anonymous submissions (« Participant_13_… »), the number
  identifies (promotion imported from the anonymous worksheet). Names stored without the zip's UTF-8 flag
  are read as UTF-8;
* a plain folder: ``<id>/<notebook>.ipynb``, ``<id>.ipynb`` or ``<id>_<anything>.ipynb`` with ``<id>``
  an intern of the promotion;
* nbgrader's exchange (``--echange``): nbgrader's own ``collect``.

Each matched submission lands in ``submitted/<id>/<devoir>/`` (nbgrader's layout), replacing a previous
import of that intern; an intern imported before but absent from the new source (no submission in Moodle
any more) loses the earlier submission, its grade and feedback, and is listed. A notebook under another
name (``Ecologie (1).ipynb``) is renamed when it is the assignment's notebook; an unreadable one is kept
and will be refused with its reason. Every file that matches no intern, or is not used, is listed with
the reason (an extra file, copied beside the notebook, too); nothing is dropped silently.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from nbgrader.api import Gradebook

from ..core.errors import UserError
from .checks import belongs_to, read_notebook_bytes
from .journal import Journal
from .moodle import clean_filename, is_participant_name
from .moodle import read_worksheet as read_moodle_worksheet
from .reasons import refusal

MOODLE_ENTRY = re.compile(
    r"^(?P<name>.+?)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?(?:/(?P<path>.+)|_?(?P<file>[^/]+))?$"
)
MAX_FILE = 50 * 1024 * 1024
MAX_TOTAL = 2 * 1024**3


@dataclass
class Found:
    """The files of one intern's submission, as read from the source."""
    student: str
    files: dict[str, bytes] = field(default_factory=dict)
    participant: str | None = None
    label: str = ""


@dataclass
class ImportReport:
    source: str
    imported: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("-", " ").replace("'", " ").lower())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _sorted(key: str) -> str:
    return "#" + " ".join(sorted(key.split()))


def read_worksheet(path: Path) -> dict[str, str]:
    """Moodle grading worksheet: participant number → e-mail, or « participantN » under anonymous submissions."""
    sheet = read_moodle_worksheet(path)
    mapping = {}
    for row in sheet.students():
        number = sheet.participant(row)
        if number:
            mapping[number] = f"participant{number}" if sheet.anonymous else sheet.cell(row, "email").lower()
    return mapping


class Roster:
    def __init__(self, db_url: str) -> None:
        with Gradebook(db_url) as gb:
            self.students = [(s.id, s.first_name or "", s.last_name or "", (s.email or "").lower()) for s in gb.students]
        if not self.students:
            raise UserError("La promotion est vide : lancez d'abord « atelier correction importer-promotion "
                            "<feuille d'évaluation ou promotion.csv> ».")
        self.ids = {s[0] for s in self.students}
        self.by_mail = {s[3]: s[0] for s in self.students if s[3]}
        self.by_mail.update({s[0]: s[0] for s in self.students if s[0].startswith("participant")})
        self.by_name: dict[str, list[str]] = {}
        for sid, first, last, _ in self.students:
            for full in {f"{first} {last}".strip(), f"{last} {first}".strip()}:
                # as Moodle writes it in file names: « _ » → space, then clean_filename (« N'Diaye » → « NDiaye »)
                for key in {_normal(full), _normal(clean_filename(full.replace("_", " ")))}:
                    for variant in (key, _sorted(key)):  # either order, also from a worksheet's « Nom complet »
                        if sid not in self.by_name.get(variant, []):
                            self.by_name.setdefault(variant, []).append(sid)

    def match_name(self, name: str, participant: str = "") -> tuple[str | None, str]:
        if is_participant_name(name):
            anonymous = f"participant{participant}"
            if anonymous in self.ids:
                return anonymous, ""
            return None, (f"rendu anonyme (participant {participant}) : importez d'abord la feuille d'évaluation du "
                          "devoir comme promotion (atelier correction importer-promotion <feuille>.csv)")
        found = sorted(set(self.by_name.get(_normal(name)) or self.by_name.get(_sorted(_normal(name)), [])))
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, f"plusieurs internes de la promotion s'appellent « {name} » ({', '.join(found)}) : utilisez --feuille"
        return None, f"aucun interne de la promotion ne s'appelle « {name} »"

    def match_id(self, text: str) -> str | None:
        if text in self.ids:
            return text
        head = text.split("_")[0]
        return head if head in self.ids else None


def _entries(source: Path) -> list[tuple[str, bytes | None, str]]:
    """(relative path, content or None, problem) of every file of a zip or a folder."""
    out: list[tuple[str, bytes | None, str]] = []
    if source.is_dir():
        for path in sorted(p for p in source.rglob("*") if p.is_file() or p.is_symlink()):
            rel = path.relative_to(source).as_posix()
            if path.is_symlink():
                out.append((rel, None, "lien symbolique ignoré"))
            elif path.stat().st_size > MAX_FILE:
                out.append((rel, None, f"fichier de plus de {MAX_FILE // 2**20} Mio ignoré"))
            else:
                out.append((rel, path.read_bytes(), ""))
        return out
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise UserError(f"{source.name} : ni un dossier ni une archive zip lisible.") from None
    total = 0
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename
            if not info.flag_bits & 0x800:  # no UTF-8 flag: Python read the name as CP437, Moodle wrote UTF-8
                try:
                    name = name.encode("cp437").decode("utf-8")
                except (UnicodeEncodeError, UnicodeDecodeError):
                    pass
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts:
                out.append((name, None, "chemin dangereux dans l'archive (hors du dossier) ignoré"))
            elif info.file_size > MAX_FILE:
                out.append((name, None, f"fichier de plus de {MAX_FILE // 2**20} Mio ignoré"))
            elif total + info.file_size > MAX_TOTAL:
                out.append((name, None, "archive trop volumineuse : fichier ignoré"))
            else:
                total += info.file_size
                out.append((name, archive.read(info), ""))
    return out


def _collect(source: Path, roster: Roster, worksheet: dict[str, str], report: ImportReport) -> dict[str, Found]:
    found: dict[str, Found] = {}
    for rel, content, problem in _entries(source):
        if problem:
            report.unmatched.append((rel, problem))
            continue
        parts = PurePosixPath(rel).parts
        if parts and parts[0] in ("__MACOSX",) or PurePosixPath(rel).name in (".DS_Store", "Thumbs.db"):
            report.unmatched.append((rel, "fichier système ignoré"))
            continue
        moodle = MOODLE_ENTRY.match(rel)
        if moodle:
            name, pid = moodle["name"], moodle["pid"]
            inner = moodle["path"] or moodle["file"] or ""
            if moodle["plugin"] != "file":
                report.unmatched.append((rel, f"texte en ligne Moodle (« {moodle['plugin']} »), pas un fichier rendu : ignoré"))
                continue
            student, why = (roster.by_mail.get(worksheet[pid]), "") if pid in worksheet else roster.match_name(name, pid)
            if pid in worksheet and student is None:
                why = f"participant {pid} ({worksheet[pid]}) absent de la promotion"
            if student is None:
                report.unmatched.append((rel, why))
                continue
            entry = found.setdefault(student, Found(student, participant=pid, label=name))
            entry.files[inner] = content
            continue
        student = roster.match_id(parts[0]) if len(parts) > 1 else roster.match_id(PurePosixPath(rel).stem)
        if student is None:
            report.unmatched.append((rel, "aucun interne de la promotion ne correspond à ce nom de dossier ou de fichier"))
            continue
        inner = "/".join(parts[1:]) if len(parts) > 1 else parts[0]
        found.setdefault(student, Found(student, label=student)).files[inner] = content
    return found


def _place(entry: Found, folder: Path, expected: dict[str, set[str]], assignment: str, report: ImportReport
           ) -> tuple[str | None, dict | None]:
    """Write one intern's files to ``submitted/<id>/<devoir>``; (note, refusal) for the journal."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    notebooks = {name: data for name, data in entry.files.items() if name.lower().endswith(".ipynb")}
    used: set[str] = set()
    note, problem = None, None
    for notebook_id, ids in expected.items():
        wanted = f"{notebook_id}.ipynb"
        chosen = wanted if wanted in notebooks else None
        if chosen is None:
            readable = {n: read_notebook_bytes(d, n)[0] for n, d in notebooks.items() if n not in used}
            matches = [n for n, nb in readable.items() if nb is not None and belongs_to(nb, ids)]
            if len(matches) == 1:
                chosen = matches[0]
                note = f"fichier « {chosen} » renommé en « {wanted} »"
                report.renamed.append((entry.student, chosen, wanted))
            elif len(notebooks) == 1 and next(iter(readable.values()), None) is None:
                chosen = next(iter(notebooks))  # unreadable: kept, noter explains why it is refused
            else:
                names = ", ".join(sorted(entry.files)) or "aucun fichier"
                problem = refusal("nom", fichier=names, devoir=assignment, notebook=notebook_id).as_dict()
                report.unreadable.append((entry.student, problem["message"]))
                continue
        used.add(chosen)
        data = notebooks[chosen]
        (folder / wanted).write_bytes(data)
        _, unreadable = read_notebook_bytes(data, chosen)
        if unreadable:
            problem = unreadable.as_dict()
            report.unreadable.append((entry.student, unreadable.message))
    for name, data in entry.files.items():
        if name in used:
            continue
        if name.lower().endswith(".ipynb"):
            report.unmatched.append((f"{entry.label}/{name}", "notebook en plus de celui du devoir : ignoré"))
            continue
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        report.extra.append((entry.student, name))
    return note, problem


def import_submissions(root: Path, assignment: str, source: Path | None, db_url: str, course_id: str,
                       worksheet: Path | None = None, exchange: bool = False) -> ImportReport:
    roster = Roster(db_url)
    expected = _expected_cells(root, assignment, db_url, course_id)
    if exchange:
        return _from_exchange(root, assignment, roster, expected)
    if source is None or not source.exists():
        raise UserError(f"Source des rendus introuvable : {source}.")
    report = ImportReport(source.name)
    mapping = read_worksheet(worksheet) if worksheet else {}
    found = _collect(source, roster, mapping, report)
    with Journal(root, assignment) as journal:
        earlier = set(journal.imports())
        journal.clear_unmatched(source.name)
        for student, entry in sorted(found.items()):
            note, problem = _place(entry, root / "submitted" / student / assignment, expected, assignment, report)
            journal.record_import(student, source.name, entry.label, note, problem, entry.participant)
            report.imported.append(student)
        for rel, why in report.unmatched:
            journal.record_unmatched(source.name, rel, why)
        for student in sorted(earlier - set(found)):  # no submission in the new download: the old one goes
            _forget(root, assignment, student, db_url, course_id)
            journal.forget(student)
            report.removed.append(student)
    report.missing = sorted(roster.ids - set(found))
    return report


def _forget(root: Path, assignment: str, student: str, db_url: str, course_id: str) -> None:
    """Remove an intern's earlier submission of the assignment: files, nbgrader grade, feedback."""
    for kind in ("submitted", "autograded", "feedback"):
        folder = root / kind / student / assignment
        if folder.is_dir():
            shutil.rmtree(folder)
    with Gradebook(db_url, course_id) as gb:
        try:
            gb.remove_submission(assignment, student)
        except Exception:  # noqa: BLE001 - MissingEntry: never graded
            pass


def _expected_cells(root: Path, assignment: str, db_url: str, course_id: str) -> dict[str, set[str]]:
    """The graded and answer cells of each notebook of the assignment; the assignment is generated by nbgrader
    (``generate_assignment``) from ``solutions/<devoir>`` when the gradebook does not know it yet."""
    from nbgrader.api import MissingEntry

    for attempt in (1, 2):
        with Gradebook(db_url, course_id) as gb:
            try:
                notebooks = gb.find_assignment(assignment).notebooks
                return {nb.name: {c.name for c in nb.grade_cells} | {c.name for c in nb.solution_cells}
                        for nb in notebooks}
            except MissingEntry:
                pass
        if attempt == 1:
            _generate(root, assignment, db_url)
    raise UserError(f"Le devoir « {assignment} » n'est pas dans la base de notes.")


def _generate(root: Path, assignment: str, db_url: str) -> None:
    from nbgrader.apps import NbGraderAPI

    from .autograde import course_file_config

    if not (root / "solutions" / assignment).is_dir():
        raise UserError(f"Le devoir « {assignment} » n'est ni dans la base de notes ni dans {root / 'solutions'} : "
                        "vérifiez son nom (le nom du dossier de solutions/).")
    print(f"Première importation de « {assignment} » : nbgrader generate_assignment {assignment}…", flush=True)
    config = course_file_config(root)
    config.CourseDirectory.db_url = db_url
    result = NbGraderAPI(config=config).generate_assignment(assignment, force=True)
    if not result.get("success"):
        raise UserError(f"« nbgrader generate_assignment {assignment} » a échoué : "
                        f"{(result.get('error') or result.get('log') or '')[-500:]}")


def _from_exchange(root: Path, assignment: str, roster: Roster, expected: dict[str, set[str]]) -> ImportReport:
    """nbgrader's own collect, then the same checks as for a Moodle download."""
    from nbgrader.apps import NbGraderAPI

    from .autograde import course_file_config

    config = course_file_config(root)
    result = NbGraderAPI(config=config).collect(assignment, update=True)
    if not result.get("success"):
        raise UserError(f"Le ramassage dans l'échange nbgrader a échoué : {result.get('error', '')[-500:]}")
    report = ImportReport("échange nbgrader")
    with Journal(root, assignment) as journal:
        for folder in sorted((root / "submitted").glob(f"*/{assignment}")):
            student = folder.parent.name
            if student not in roster.ids:
                report.unmatched.append((f"{student}/{assignment}", "identifiant absent de la promotion"))
                continue
            entry = Found(student, {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
                                    if p.is_file()}, label=student)
            timestamp = entry.files.pop("timestamp.txt", None)
            note, problem = _place(entry, folder, expected, assignment, report)
            if timestamp is not None:
                (folder / "timestamp.txt").write_bytes(timestamp)
            journal.record_import(student, report.source, student, note, problem, None)
            report.imported.append(student)
    report.missing = sorted(roster.ids - set(report.imported))
    return report
