"""Messages d'exécution de Voilà en français, et une exécution toujours bornée dans le temps.

Voilà writes its own English messages into the page when a cell fails or runs too long, and its
executor class is not configurable: :func:`install` replaces it, in this process only, by a
subclass that writes French messages (no traceback, no code). With ``VoilaExecutor.timeout`` set
by :mod:`.server`, a stalled execution (nbclient issue #312) ends with a French message, and the
``atelier`` template reloads the page once by itself.
"""

from __future__ import annotations

from voila import notebook_renderer
from voila.execute import VoilaExecutor

TIMEOUT_MARK = "atelier-delai-depasse"
ERROR_TEXT = (
    "Une partie de ce tableau de bord n'a pas pu être calculée. Rechargez la page ; "
    "si l'erreur persiste, prévenez l'animateur."
)
TIMEOUT_TEXT = (
    f"Le calcul a pris trop de temps et a été interrompu ({TIMEOUT_MARK}). "
    "La page va se recharger d'elle-même ; sinon, rechargez-la."
)


class FrenchVoilaExecutor(VoilaExecutor):
    """Voilà's executor with French error and timeout messages."""

    def strip_code_cell_errors(self, cell):
        if cell["cell_type"] != "code":
            return cell
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                output["ename"], output["evalue"], output["traceback"] = "Erreur", "Erreur d'exécution", [ERROR_TEXT]
        return cell

    def show_code_cell_timeout(self, cell):
        cell["outputs"] = [{"output_type": "error", "ename": "Délai dépassé", "evalue": "Délai dépassé",
                            "traceback": [TIMEOUT_TEXT]}]


def install() -> None:
    """Make Voilà (in this process) use :class:`FrenchVoilaExecutor`."""
    notebook_renderer.VoilaExecutor = FrenchVoilaExecutor
