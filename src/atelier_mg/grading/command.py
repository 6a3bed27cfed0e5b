"""``atelier correction`` : les commandes du DMG (importer, noter, rendre les retours, exporter les notes)."""

from __future__ import annotations

import os
from pathlib import Path

from ..core.errors import UserError
from .roster import RosterError, import_roster


def gradebook_url(root: Path, url: str | None = None) -> str:
    """The gradebook: ``--base``, else ``$ATELIER_GRADEBOOK``, else the course's ``gradebook.db`` (as nbgrader_config)."""
    return url or os.environ.get("ATELIER_GRADEBOOK") or f"sqlite:///{root / 'gradebook.db'}"


def course_id(root: Path) -> str:
    """The course id of ``nbgrader_config.py`` (nbgrader's default when there is none)."""
    from .autograde import course_file_config

    config = course_file_config(root)
    return config.CourseDirectory.course_id if "course_id" in config.CourseDirectory else "default_course"


def _check_base(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, OperationalError

    try:
        engine = create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except (ArgumentError, OperationalError, ModuleNotFoundError) as exc:
        shown = url.split("@")[-1] if "@" in url else url
        raise UserError(f"Base de notes inaccessible ({shown}) : {str(exc).splitlines()[0][:300]}") from None


def import_promotion(root: Path, path: Path, url: str | None = None) -> None:
    try:
        added, updated = import_roster(path, gradebook_url(root, url))
    except RosterError as exc:
        raise UserError(str(exc)) from None
    print(f"Promotion importée depuis {path.name} : {added} interne(s) ajouté(s), {updated} mis à jour.", flush=True)


def import_submissions(root: Path, assignment: str, source: Path | None, url: str | None, worksheet: Path | None,
                       exchange: bool) -> None:
    from .submissions import import_submissions as run

    db_url = gradebook_url(root, url)
    _check_base(db_url)
    report = run(root, assignment, source, db_url, course_id(root), worksheet=worksheet, exchange=exchange)
    print(f"Rendus de « {assignment} » importés depuis {report.source} : {len(report.imported)} interne(s).")
    for student, old, new in report.renamed:
        print(f"  - {student} : « {old} » renommé en « {new} »")
    if report.unreadable:
        print(f"Rendus qui seront refusés à la correction ({len(report.unreadable)}) :")
        for student, why in report.unreadable:
            print(f"  - {student} : {why}")
    if report.unmatched:
        print(f"Fichiers non utilisés ({len(report.unmatched)}) :")
        for entry, why in report.unmatched:
            print(f"  - {entry} : {why}")
    if report.missing:
        print(f"Internes de la promotion sans rendu ({len(report.missing)}) : {', '.join(report.missing)}")
    print(f"Ensuite : atelier correction noter {assignment}", flush=True)


def _check_key_cells(key, db_url: str, course: str, assignment: str) -> None:
    """A key covers every auto-graded test cell of the assignment (when the gradebook knows it)."""
    from nbgrader.api import MissingEntry

    from .keyed import graded_cells
    from .keys import check_cells

    try:
        cells = graded_cells(db_url, course, assignment, key.notebook)
    except MissingEntry:
        return  # unknown assignment: reported by grade_all in French
    check_cells(key, cells)


def grade(root: Path, assignment: str, url: str | None, force: bool, no_sandbox: bool, workers: int | None,
          timeout: int, keys: Path | None = None) -> None:
    import os

    from .batch import grade_all, worker_count
    from .keys import ENV, KeyFileError, has_key, key_path, load_key

    db_url = gradebook_url(root, url)
    _check_base(db_url)
    if workers is not None and workers < 1:
        raise UserError("--processus : donnez un nombre de processus supérieur ou égal à 1.")
    if has_key(root, assignment, keys):
        try:
            path = key_path(root, assignment, keys).resolve()
            key = load_key(path, assignment)
            _check_key_cells(key, db_url, course_id(root), assignment)
        except KeyFileError as exc:
            raise UserError(str(exc)) from None
        os.environ[ENV] = str(path)  # read by the grading workers (see grading/keys.py)
        print(f"Clé de correction : {path}", flush=True)
    if no_sandbox:
        print("Attention : --sans-bac-a-sable, le code des internes s'exécute avec vos droits.", flush=True)
    summary = grade_all(root, assignment, db_url, course_id(root), force=force, sandboxed=not no_sandbox,
                        workers=workers or worker_count(), timeout=timeout)
    print(f"« {assignment} » : {summary.total} rendu(s), {summary.graded} noté(s), {summary.refused} refusé(s), "
          f"{summary.skipped} déjà noté(s) et inchangé(s) (--force pour les noter à nouveau), "
          f"en {summary.seconds:.0f} s.")
    print(f"Ensuite : atelier correction retours {assignment}, puis atelier correction exporter {assignment}", flush=True)


def feedback(root: Path, assignment: str, url: str | None, workers: int | None) -> None:
    from .batch import worker_count
    from .feedback import generate_all

    db_url = gradebook_url(root, url)
    _check_base(db_url)
    counts = generate_all(root, assignment, db_url, course_id(root), workers or worker_count())
    if not any(counts.values()):
        raise UserError(f"Aucun rendu noté pour « {assignment} » : lancez d'abord « atelier correction noter {assignment} ».")
    print(f"Retours de « {assignment} » dans {root / 'feedback'} / <interne> / {assignment} : {counts['notés']} "
          f"rendu(s) noté(s), {counts['refusés']} refusé(s) avec la raison et quoi faire"
          + (f", {counts['échecs']} échec(s) de nbgrader (voir « nbgrader generate_feedback »)" if counts["échecs"] else "")
          + ".", flush=True)
    if counts["échecs"]:
        raise UserError(f"{counts['échecs']} retour(s) n'ont pas pu être produits.")


def export(root: Path, assignment: str, url: str | None, worksheet: Path | None, scale: float | None) -> None:
    from .export import export as run

    if scale is not None and scale <= 0:
        raise UserError("--sur : donnez une note maximale positive (par exemple 20).")
    db_url = gradebook_url(root, url)
    _check_base(db_url)
    folder = run(root, assignment, db_url, course_id(root), worksheet=worksheet, scale=scale)
    print(f"Notes de « {assignment} » exportées dans {folder} :\n"
          f"  - notes-moodle.csv : à importer dans le devoir Moodle (Feuille d'évaluation → Importer)\n"
          f"  - detail.csv : le détail par interne, par question et par étiquette\n"
          f"  - synthese.html : la synthèse de la promotion", flush=True)
