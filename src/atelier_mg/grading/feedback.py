"""Outils de correction nbgrader : retours aux internes sans dévoiler les tests cachés."""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"

FAILURE_MESSAGE = (
    "Au moins un test de cette question a échoué (test visible ou test caché). "
    "Relisez l'énoncé, vérifiez votre réponse avec les tests visibles, puis relancez tout le notebook."
)


class HideHiddenTestFailures(Preprocessor):
    """Replace the traceback of a failed grade cell holding hidden tests by a French message.

    The traceback would quote the hidden assertion (and so the expected answer). Runs before
    nbgrader's ``ClearHiddenTests``, which then removes the hidden code itself.
    """

    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        if cell.cell_type == "code" and HIDDEN_BEGIN in cell.source:
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out = NotebookNode(
                        output_type="stream", name="stderr", text=FAILURE_MESSAGE + "\n"
                    )
                outputs.append(out)
            cell.outputs = outputs
        return cell, resources
