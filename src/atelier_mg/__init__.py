"""Atelier MG : modèles, simulateurs et outils pédagogiques pour la médecine générale.

Subsystems (see ARCHITECTURE.md): ``core`` (shared), ``topics`` (one concept per module),
``carnet`` (the intern's competency notebook), ``grading`` (nbgrader), ``serving`` (book and
dashboards); ``cli`` is the ``atelier`` command.
"""

__version__ = "0.1.0"


def _jupyter_server_extension_points():
    """Jupyter Server extension serving the vendored Vega files (see :mod:`atelier_mg.serving.lab`)."""
    return [{"module": "atelier_mg.serving.lab"}]
