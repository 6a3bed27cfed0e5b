"""La note décidée par la clé : les sorties des cellules de test réécrites avant que nbgrader les note.

:class:`ApplyKey` runs in nbgrader's ``Autograde`` right after the execution preprocessor and before
``SaveAutoGrades``. The kernel has exported the answers (:mod:`.extract`); the clean evaluation process
(:mod:`.evaluate`) applies the key to them; each auto-graded test cell then gets, as its only output,
what nbgrader itself reads to grade (``nbgrader.utils.determine_grade``): nothing (all the points), a
numeric ``execute_result`` (partial credit) or an error whose text is the French reason. The gradebook,
points, manual grading and feedback stay nbgrader's; what the intern's kernel printed in those cells
counts for nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader.api import Gradebook
from traitlets import Bool

from .evaluate import EVALUATOR
from .execute import REPORT
from .keys import Key, check_cells, key_path, load_key

NOT_EXPORTED = "les réponses n'ont pas pu être lues après l'exécution du notebook (noyau modifié ou arrêté)"


def _is_test_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


@functools.lru_cache(maxsize=16)
def _load(path: Path, mtime: float, assignment: str) -> Key:
    return load_key(path, assignment)


def assignment_key(root: Path, assignment: str, db_url: str, course_id: str) -> Key:
    """The checked key of ``assignment`` (``$ATELIER_CLES`` or the default file); raises ``KeyFileError``."""
    path = key_path(root, assignment).resolve()
    key = _load(path, path.stat().st_mtime, assignment)
    check_cells(key, graded_cells(db_url, course_id, assignment, key.notebook))
    return key


@functools.lru_cache(maxsize=16)
def graded_cells(db_url: str, course_id: str, assignment: str, notebook: str) -> set[str]:
    with Gradebook(db_url, course_id) as gb:
        nb = gb.find_notebook(notebook, assignment)
        return {c.name for c in nb.grade_cells if c.cell_type == "code" and c.name not in
                {s.name for s in nb.solution_cells}}


def outputs_for(outcome: dict) -> list[NotebookNode]:
    """What nbgrader reads to grade a test cell, from the outcome of the clean evaluation."""
    if outcome.get("etat") == "ok":
        return []
    if outcome.get("etat") == "partiel":
        return [NotebookNode(output_type="execute_result", execution_count=None, metadata={},
                             data={"text/plain": repr(float(outcome["points"]))})]
    message = str(outcome.get("message") or "Réponse à revoir.")
    return [NotebookNode(output_type="error", ename="Correction", evalue=message, traceback=[message])]


class ApplyKey(Preprocessor):
    """Replace each keyed test cell's outputs by the outcome of the key on the exported answers."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        key: Key | None = REPORT.get("key")
        if key is None:
            return nb, resources
        exported = REPORT.get("answers")
        if exported is None:
            outcomes = {g: {"etat": "absent", "message": f"Question non notée : {NOT_EXPORTED}."} for g in key.cells}
        else:
            outcomes = EVALUATOR.evaluate(key, exported)
        for cell in nb.cells:
            if not _is_test_cell(cell):
                continue
            grade_id = cell.metadata.nbgrader.get("grade_id")
            if grade_id in outcomes:
                cell.outputs = outputs_for(outcomes[grade_id])
        return nb, resources
