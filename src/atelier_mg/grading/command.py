"""``atelier correction`` : les commandes du DMG (importer, noter, rendre les retours, exporter les notes)."""

from __future__ import annotations

import functools
import os
import sys
import traceback
from pathlib import Path

from ..core.errors import UserError
from .roster import RosterError, import_roster


def french_errors(action: str):
    """Any unexpected error of a grading command becomes a French message; the trace goes to a file, not the screen."""
    def wrap(function):
        @functools.wraps(function)
        def run(root: Path, *args, **kwargs):
            try:
                return function(root, *args, **kwargs)
            except (UserError, KeyboardInterrupt):
                raise
            except Exception as exc:  # noqa: BLE001 - shown in French, the trace kept for the maintainers
                log = Path(root) / "correction" / "derniere-erreur.txt"
                try:
                    log.parent.mkdir(parents=True, exist_ok=True)
                    log.write_text(traceback.format_exc(), encoding="utf-8")
                    where = f" (détail technique dans {log})"
                except OSError:
                    where = ""
                first = (str(exc).splitlines() or [""])[0][:300]
                raise UserError(f"« atelier correction {action} » a échoué : {type(exc).__name__} {first}{where}.") from None
        return run
    return wrap


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


@french_errors("importer-promotion")
def import_promotion(root: Path, path: Path, url: str | None = None, worksheet: Path | None = None) -> None:
    if not path.is_file():
        raise UserError(f"Fichier de la promotion introuvable : {path}.")
    if worksheet is not None and not worksheet.is_file():
        raise UserError(f"Feuille d'évaluation introuvable : {worksheet}.")
    db_url = gradebook_url(root, url)
    _check_base(db_url)
    try:
        added, updated, read = import_roster(path, db_url, worksheet)
    except RosterError as exc:
        raise UserError(str(exc)) from None
    kinds = {"feuille": " (feuille d'évaluation Moodle)", "anonyme": " (feuille d'évaluation Moodle, remises anonymes)",
             "participants": " (export « Participants » de Moodle)", "csv": ""}
    print(f"Promotion importée depuis {path.name}{kinds[read.kind]} : {added} interne(s) ajouté(s), {updated} mis à jour.",
          flush=True)
    if read.left_out:
        print(f"Lignes laissées de côté ({len(read.left_out)}) :")
        for who, why in read.left_out:
            print(f"  - {who} : {why}")
    sys.stdout.flush()


@french_errors("importer-rendus")
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
    if report.extra:
        print(f"Fichiers joints en plus du notebook, copiés à côté mais non notés ({len(report.extra)}) :")
        for student, name in report.extra:
            print(f"  - {student} : {name}")
    if report.removed:
        print(f"Rendus d'un import précédent retirés, absents de {report.source} ({len(report.removed)}) : "
              f"{', '.join(report.removed)}")
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


@french_errors("noter")
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


@french_errors("retours")
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


@french_errors("exporter")
def export(root: Path, assignment: str, url: str | None, worksheet: Path | None, scale: float | None,
           lang: str = "fr") -> None:
    from .export import export as run

    if scale is not None and scale <= 0:
        raise UserError("--sur : donnez une note maximale positive (par exemple 20).")
    if worksheet is not None and not worksheet.is_file():
        raise UserError(f"Feuille d'évaluation introuvable : {worksheet}.")
    db_url = gradebook_url(root, url)
    _check_base(db_url)
    folder, warnings, sent = run(root, assignment, db_url, course_id(root), worksheet=worksheet, scale=scale, lang=lang)
    upload = "« Déposer un formulaire d’évaluation »" if lang == "fr" or worksheet else "« Upload grading worksheet »"
    print(f"Notes de « {assignment} » exportées dans {folder} :\n"
          f"  - notes-moodle.csv : dans le devoir Moodle, Travaux remis → Actions → {upload}\n"
          f"  - retours-moodle.zip : les retours de {sent} interne(s), par Actions → « Déposer des fichiers de feedback "
          "dans un ZIP »\n"
          f"  - detail.csv : le détail par interne, par question et par étiquette\n"
          f"  - synthese.html : la synthèse de la promotion", flush=True)
    for warning in warnings:
        print(f"Attention : {warning}", flush=True)
