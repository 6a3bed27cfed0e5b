"""Outils de correction nbgrader : retours aux internes sans dévoiler les tests cachés."""

from __future__ import annotations

import html
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"

FAILURE_MESSAGE = (
    "Au moins un test de cette question a échoué (test visible ou test caché). "
    "Relisez l'énoncé, vérifiez votre réponse avec les tests visibles, puis relancez tout le notebook."
)


class HideHiddenTestFailures(Preprocessor):
    """Keep nothing of a cell holding hidden tests but a French message when it failed.

    The traceback would quote the hidden assertion (and so the expected answer), and any other output
    of such a cell could too (a submission may print each cell's source from an IPython hook). Runs
    before nbgrader's ``ClearHiddenTests``, which then removes the hidden code itself.
    """

    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        if cell.cell_type == "code" and HIDDEN_BEGIN in cell.source:
            failed = any(out.get("output_type") == "error" for out in cell.get("outputs", []))
            cell.outputs = [NotebookNode(output_type="stream", name="stderr", text=FAILURE_MESSAGE + "\n")] if failed else []
        return cell, resources


# -- atelier correction retours ---------------------------------------------------------------

REFUSED_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Retour de correction : {assignment}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5;
       color: #1a1a1a; }}
.refus {{ border-left: 6px solid #b00020; background: #fdecee; padding: 1rem 1.25rem; }}
.conseil {{ border-left: 6px solid #1b5e20; background: #edf7ee; padding: 1rem 1.25rem; margin-top: 1rem; }}
</style>
</head>
<body>
<h1>Devoir « {assignment} » : rendu non noté</h1>
<p>Interne : {name}</p>
<div class="refus"><h2>Pourquoi</h2><p>{message}</p>{note}</div>
<div class="conseil"><h2>Que faire</h2><p>{advice}</p></div>
</body>
</html>
"""


def notes_html(notes: list[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(n, quote=False)}</li>" for n in notes)
    return f'<div class="alert alert-info" role="note"><p>À savoir sur ce rendu :</p><ul>{items}</ul></div>'


def refused_page(assignment: str, name: str, refusal: dict, notes: list[str]) -> str:
    def esc(text: str) -> str:
        return html.escape(text, quote=False)

    note = "".join(f"<p>{esc(n)}</p>" for n in notes)
    return REFUSED_PAGE.format(assignment=esc(assignment), name=esc(name), message=esc(refusal["message"]),
                               advice=esc(refusal["advice"]), note=note)


def add_notes(page: Path, notes: list[str]) -> None:
    """Put our notes (renamed file, truncated output) at the top of nbgrader's feedback page."""
    if notes and page.exists():
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("<!-- atelier:notes -->", notes_html(notes), 1), encoding="utf-8")


def nbgrader_feedback(root: Path, assignment: str, student: str, db_url: str) -> bool:
    """nbgrader's own GenerateFeedback for one intern (course configuration: no hidden test, no CDN)."""
    import logging

    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    from .autograde import course_file_config

    config = course_file_config(root)
    config.CourseDirectory.db_url = db_url
    config.BaseConverter.force = True
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = assignment, student
    log = logging.getLogger(f"atelier.retours.{student}")
    log.propagate = False
    log.addHandler(logging.NullHandler())
    try:
        GenerateFeedback(coursedir=coursedir, config=config, log=log).start()
    except Exception:  # noqa: BLE001 - NbGraderException after logging; reported as a failure
        return False
    return True


def _feedback_task(root: Path, assignment: str, student: str, db_url: str) -> tuple[str, bool]:
    return student, nbgrader_feedback(root, assignment, student, db_url)


def generate_all(root: Path, assignment: str, db_url: str, course_id: str, workers: int) -> dict[str, int]:
    """One French feedback page per intern of the journal: nbgrader's for graded work, ours for refusals."""
    import multiprocessing
    import warnings
    from concurrent.futures import ProcessPoolExecutor

    from nbgrader.api import Gradebook

    from .journal import Journal

    with Journal(root, assignment) as journal:
        results, imports = journal.results(), journal.imports()
    with Gradebook(db_url, course_id) as gb:
        names = {s.id: f"{s.first_name or ''} {s.last_name or ''}".strip() or s.id for s in gb.students}
        notebooks = [nb.name for nb in gb.find_assignment(assignment).notebooks]
    counts = {"notés": 0, "refusés": 0, "échecs": 0}
    graded = []
    for student, result in sorted(results.items()):
        notes = [n for n in [(imports.get(student) or {}).get("note")] if n]
        folder = root / "feedback" / student / assignment
        if result.get("refusal"):
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("*.html"):
                old.unlink()
            for notebook in notebooks:
                (folder / f"{notebook}.html").write_text(
                    refused_page(assignment, names.get(student, student), result["refusal"], notes), encoding="utf-8")
            counts["refusés"] += 1
        else:
            graded.append((student, notes))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max(1, min(workers, len(graded) or 1)), mp_context=context) as pool:
            students = [s for s, _ in graded]
            count = len(students)
            ok = dict(pool.map(_feedback_task, [root] * count, [assignment] * count, students, [db_url] * count,
                               chunksize=4))
    for student, notes in graded:
        if ok.get(student):
            for notebook in notebooks:
                add_notes(root / "feedback" / student / assignment / f"{notebook}.html", notes)
            counts["notés"] += 1
        else:
            counts["échecs"] += 1
    return counts
