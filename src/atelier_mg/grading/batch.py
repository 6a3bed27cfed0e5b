"""``atelier correction noter`` : toute une promotion notée en parallèle, reprise possible à tout moment.

The main process imports nbgrader and its dependencies once, then forks one worker per core; each
worker starts its own bubblewrap sandbox (a warm zygote) and grades one submission at a time with
:func:`.autograde.grade`. Results come back to the main process, which writes them to the journal at
once and draws the progress bar: a crash or Ctrl+C loses no finished grade, and a rerun skips every
submission whose files have not changed since it was graded (``--force`` grades everything again).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from ..core.errors import UserError
from . import speedups
from .autograde import Outcome, grade
from .evaluate import EVALUATOR
from .journal import Journal
from .keys import KeyFileError, has_key, key_path
from .reasons import refusal
from .sandbox import Limits, Sandbox, SandboxError, bwrap_path

NO_SANDBOX = (
    "bubblewrap est introuvable ou inutilisable ici : le code des internes s'exécuterait avec vos droits. "
    "Installez le paquet Debian « bubblewrap » (sudo apt-get install bubblewrap), ou, seulement pour des "
    "rendus de confiance, relancez avec --sans-bac-a-sable."
)


@dataclass
class Summary:
    assignment: str
    total: int = 0
    graded: int = 0
    refused: int = 0
    skipped: int = 0
    seconds: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)


def fingerprint(folder: Path) -> str:
    """What was handed in: the files of the submission folder, names and contents."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def assignment_notebooks(db_url: str, course_id: str, assignment: str) -> list[str]:
    with Gradebook(db_url, course_id) as gb:
        try:
            return sorted(nb.name for nb in gb.find_assignment(assignment).notebooks)
        except MissingEntry:
            raise UserError(
                f"Le devoir « {assignment} » n'est pas dans la base de notes : lancez d'abord "
                f"« nbgrader generate_assignment {assignment} »."
            ) from None


# -- worker side ------------------------------------------------------------------------------
_worker: dict = {}


def _init_worker(slots, limits: Limits | None, sandboxed: bool, key_file: Path | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the main process's to handle
    warnings.filterwarnings("ignore")
    speedups.apply()
    slot = slots.get()
    _worker.update(slot=slot, limits=limits, sandboxed=sandboxed, sandbox=None)
    if key_file is not None:
        # The clean evaluation process (a new interpreter, never beside intern code) reads and prepares the
        # key while the sandbox starts, instead of at the first submission.
        EVALUATOR.start(warm=key_file)
        multiprocessing.util.Finalize(None, EVALUATOR.stop, exitpriority=5)
    if sandboxed:
        _start_sandbox()
        # multiprocessing runs its finalizers before a worker exits (atexit handlers are not run).
        multiprocessing.util.Finalize(None, _stop_sandbox, exitpriority=10)


def _stop_sandbox() -> None:
    if _worker.get("sandbox") is not None:
        _worker["sandbox"].close()
        _worker["sandbox"] = None


def _start_sandbox() -> None:
    from .kernel import use_sandbox

    if _worker.get("sandbox") is not None:
        _worker["sandbox"].close()
    sandbox = Sandbox(_worker["slot"], _worker["limits"])
    sandbox.start()
    _worker["sandbox"] = sandbox
    use_sandbox(sandbox)


def _grade_task(root: Path, assignment: str, notebooks: list[str], student: str, db_url: str,
                timeout: int, budget: int) -> Outcome:
    sandbox = _worker.get("sandbox")
    if _worker["sandboxed"] and (sandbox is None or not sandbox.alive()):
        _start_sandbox()
    try:
        return grade(root, assignment, notebooks, student, db_url, timeout=timeout, budget=budget,
                     sandboxed=_worker["sandboxed"])
    except SandboxError as exc:
        outcome = Outcome(student, refusal=refusal("correction", detail=str(exc)[:200]).as_dict())
        _start_sandbox()
        return outcome
    finally:
        if _worker["sandboxed"]:
            try:
                _worker["sandbox"].reset()
            except (SandboxError, OSError):
                _start_sandbox()


# -- main process -----------------------------------------------------------------------------
class Progress:
    def __init__(self, label: str, total: int, stream=None) -> None:
        self.label, self.total, self.done, self.refused = label, total, 0, 0
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.tty = self.stream.isatty()

    def advance(self, refused: bool) -> None:
        self.done += 1
        self.refused += bool(refused)
        step = max(1, self.total // 10)
        if self.tty or self.done == self.total or self.done % step == 0:
            self.draw()

    def draw(self) -> None:
        elapsed = time.monotonic() - self.start
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        rest = elapsed / self.done * (self.total - self.done) if self.done else 0
        line = (f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                f"({self.refused} refusé{'s' if self.refused > 1 else ''}) — {_duration(elapsed)}"
                + (f", reste ≈ {_duration(rest)}" if self.done < self.total else ""))
        if self.tty:
            self.stream.write("\r" + line.ljust(100) + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"


def worker_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def grade_all(root: Path, assignment: str, db_url: str, course_id: str, *, force: bool = False,
              sandboxed: bool = True, workers: int | None = None, timeout: int = 15, budget: int = 300,
              limits: Limits | None = None, stream=None) -> Summary:
    """Grade every submission of ``assignment`` found in ``submitted/``; see the module docstring."""
    if sandboxed and not bwrap_path():
        raise UserError(NO_SANDBOX)
    notebooks = assignment_notebooks(db_url, course_id, assignment)
    submitted = root / "submitted"
    folders = sorted(p for p in submitted.glob(f"*/{assignment}") if p.is_dir()) if submitted.is_dir() else []
    summary = Summary(assignment, total=len(folders))
    if not folders:
        raise UserError(f"Aucun rendu de « {assignment} » dans {submitted} : lancez d'abord "
                        f"« atelier correction importer-rendus {assignment} … ».")
    started = time.monotonic()
    try:
        key_file = key_path(root, assignment).resolve() if has_key(root, assignment) else None
    except (KeyFileError, OSError):
        key_file = None  # each submission is refused with the reason (autograde.grade)
    with Journal(root, assignment) as journal:
        known = journal.fingerprints()
        todo: dict[str, str] = {}
        for folder in folders:
            student, prints = folder.parent.name, fingerprint(folder)
            if not force and known.get(student) == prints:
                summary.skipped += 1
            else:
                todo[student] = prints
        progress = Progress(f"Correction de « {assignment} »", len(todo), stream)

        def record(outcome: Outcome) -> None:
            """Journal a finished submission at once, count it and move the progress bar."""
            journal.record_result(outcome.student, todo.pop(outcome.student), outcome.score, outcome.max_score,
                                  outcome.refusal, outcome.notes)
            summary.outcomes.append(outcome)
            summary.graded += outcome.refusal is None
            summary.refused += outcome.refusal is not None
            progress.advance(outcome.refusal is not None)

        for student, imported in journal.imports().items():  # no notebook of the assignment in the submission
            refused = imported.get("refusal")
            if student in todo and refused and refused.get("code") == "nom":
                record(Outcome(student, score=0.0, refusal=refused))
        attempts: dict[str, int] = {}
        while todo:
            context = multiprocessing.get_context("fork")
            slots = context.Queue()
            count = max(1, min(workers or worker_count(), len(todo)))
            for slot in range(count):
                slots.put(slot)
            executor = ProcessPoolExecutor(count, mp_context=context, initializer=_init_worker,
                                           initargs=(slots, limits, sandboxed, key_file))
            pending = {executor.submit(_grade_task, root, assignment, notebooks, s, db_url, timeout, budget)
                       for s in todo}
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        try:
                            record(future.result())
                        except BrokenProcessPool:
                            continue
            except KeyboardInterrupt:
                workers_alive = list((getattr(executor, "_processes", None) or {}).values())
                executor.shutdown(wait=False, cancel_futures=True)
                for process in workers_alive:  # their sandboxes die with them (bwrap --die-with-parent)
                    if process.is_alive():
                        process.kill()
                raise
            finally:
                executor.shutdown(wait=True, cancel_futures=True)
            for student in list(todo):  # a worker died under this submission: once more, then refuse it
                attempts[student] = attempts.get(student, 0) + 1
                if attempts[student] >= 2:
                    record(Outcome(student, refusal=refusal("correction", detail="le processus de correction "
                                                            "s'est arrêté deux fois sur ce rendu").as_dict()))
    summary.seconds = time.monotonic() - started
    return summary

