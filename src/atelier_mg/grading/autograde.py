"""Noter un rendu : nbgrader ``Autograde`` pour un interne, avec l'exécution dans le bac à sable.

Runs in a grading worker (see :mod:`.batch`). The grading itself is nbgrader's: its ``Autograde``
converter with the course's ``nbgrader_config.py`` (sanitising, restoring the test cells and points
from the gradebook, executing, saving the grades). We only swap nbgrader's ``Execute`` for
:class:`~.execute.SandboxedExecute`, check the file first, and turn whatever went wrong into a
:class:`~.reasons.Refusal` the intern can read.
"""

from __future__ import annotations

import copy
import functools
import logging
import signal
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from .checks import check_submitted
from .execute import LocalExecute, SandboxedExecute, reset_report
from .keyed import ApplyKey, assignment_key
from .keys import KeyFileError, has_key
from .reasons import Refusal, refusal


class SubmissionTimeout(BaseException):
    """The whole submission ran past its time budget (a BaseException: nbgrader must not swallow it)."""


@dataclass
class Outcome:
    student: str
    score: float | None = None
    max_score: float | None = None
    refusal: dict | None = None
    notes: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=8)
def _course_file_config(root: Path) -> Config:
    """``nbgrader_config.py`` of the course, read once per process (never modify: see course_file_config)."""
    if (root / "nbgrader_config.py").exists():
        return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return Config()


def course_file_config(root: Path) -> Config:
    """A copy of the course's ``nbgrader_config.py``, rooted at ``root``, for the caller to adjust."""
    config = copy.deepcopy(_course_file_config(root))
    config.CourseDirectory.root = str(root)
    return config


def course_config(root: Path, db_url: str, timeout: int, sandboxed: bool, keyed: bool = False) -> Config:
    """The course's nbgrader configuration, with our execution preprocessor and gradebook.

    ``keyed``: the assignment has a key file; :class:`~.keyed.ApplyKey` follows the execution and decides
    the outcome of every auto-graded test cell before nbgrader's ``SaveAutoGrades`` records it.
    """
    config = course_file_config(root)
    config.CourseDirectory.db_url = db_url
    execute = SandboxedExecute if sandboxed else (LocalExecute if keyed else Execute)
    preprocessors = []
    for p in Autograde.class_traits()["autograde_preprocessors"].default():
        preprocessors.append(execute if p is Execute else p)
        if p is Execute and keyed:
            preprocessors.append(ApplyKey)
    config.Autograde.autograde_preprocessors = preprocessors
    config.Execute.timeout = timeout
    config.SandboxedExecute.timeout = timeout
    config.BaseConverter.force = True
    return config


def _zero(db_url: str, course_id: str, assignment: str, student: str) -> None:
    """A refused submission counts 0 in the gradebook (and is not waiting for a manual grade)."""
    with Gradebook(db_url, course_id) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0
                grade.manual_score = None
                grade.needs_manual_grade = False
        gb.db.commit()


def _scores(db_url: str, course_id: str, assignment: str, student: str) -> tuple[float, float]:
    with Gradebook(db_url, course_id) as gb:
        submission = gb.find_submission(assignment, student)
        return float(submission.score), float(submission.max_score)


def grade(root: Path, assignment: str, notebooks: list[str], student: str, db_url: str, *, timeout: int = 15,
          budget: int = 300, sandboxed: bool = True) -> Outcome:
    """Autograde one student's submission; never raises for anything the submission does."""
    outcome = Outcome(student)
    keyed = has_key(root, assignment)
    config = course_config(root, db_url, timeout, sandboxed, keyed)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    coursedir.student_id = student
    submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
    for notebook_id in notebooks:
        problem = check_submitted(submitted / f"{notebook_id}.ipynb", notebook_id)
        if problem:
            outcome.refusal = problem.as_dict()
            return outcome
    report = reset_report()
    if keyed:
        try:
            key = assignment_key(root, assignment, db_url, coursedir.course_id)
        except (KeyFileError, OSError) as exc:
            outcome.refusal = refusal("correction", detail=str(exc)[:300]).as_dict()
            return outcome
        report.update(key=key, request=(list(key.answers), dict(key.probes)))
    log = logging.getLogger(f"atelier.correction.{student}")
    errors = _Errors()
    log.handlers[:] = [errors]
    log.propagate = False
    converter = Autograde(coursedir=coursedir, config=config, log=log)
    failure: Refusal | None = None

    def on_alarm(signum, frame):
        raise SubmissionTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(budget)
    try:
        converter.start()
    except SubmissionTimeout:
        failure = refusal("temps", secondes=str(budget), cellule=report.get("failed_cell") or "?")
    except Exception as exc:  # noqa: BLE001 - nbgrader raises NbGraderException after logging the cause
        failure = _explain(exc, report, errors)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    autograded = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    if failure is None and not all((autograded / f"{n}.ipynb").exists() for n in notebooks):
        cell = report.get("failed_cell") or "?"
        failure = refusal("noyau", cellule=cell) if report.get("failure") == "kernel_died" \
            else refusal("correction", detail="nbgrader n'a pas produit de notebook corrigé")
    if failure is None and report.get("output_truncated"):
        failure = refusal("sortie", cellule=report.get("truncated_cell") or "?")
    if failure is None and report.get("tampering"):
        cell, names = report["tampering"][0]
        failure = refusal("triche", noms=", ".join(names[:5]), cellule=cell or "?")
    if failure is not None:
        _zero(db_url, coursedir.course_id, assignment, student)
        outcome.refusal = failure.as_dict()
        outcome.score, outcome.max_score = 0.0, _max_score(db_url, coursedir.course_id, assignment)
        return outcome
    outcome.score, outcome.max_score = _scores(db_url, coursedir.course_id, assignment, student)
    return outcome


class _Errors(logging.Handler):
    """What nbgrader logged as errors for this submission (it logs the cause, then raises a generic error)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.text: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.text.append(record.getMessage())


def _explain(exc: Exception, report: dict, errors: _Errors) -> Refusal:
    cell = report.get("failed_cell") or "?"
    logged = "\n".join(errors.text)
    if report.get("failure") == "kernel_died" or "Kernel died" in str(exc) or "DeadKernelError" in logged:
        return refusal("noyau", cellule=cell)
    if "CellTimeoutError" in logged or "Timeout waiting" in logged:
        return refusal("sortie" if report.get("output_truncated") else "temps_cellule", cellule=cell)
    if "failed to validate" in logged or "ValidationError" in logged or "checksum" in logged.lower():
        return refusal("cellules")
    return refusal("correction", detail=(logged.strip().splitlines() or [type(exc).__name__])[-1][:200])


def _max_score(db_url: str, course_id: str, assignment: str) -> float:
    with Gradebook(db_url, course_id) as gb:
        return float(gb.find_assignment(assignment).max_score)
