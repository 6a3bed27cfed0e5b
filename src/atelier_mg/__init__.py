"""Atelier MG : modèles, simulateurs et outils pédagogiques pour la médecine générale."""

__version__ = "0.1.0"


def _jupyter_server_extension_points():
    """Jupyter Server extension serving the vendored Vega files (see :mod:`atelier_mg.server`)."""
    return [{"module": "atelier_mg.server"}]
