"""Atelier MG : modèles, simulateurs et outils pédagogiques pour la médecine générale."""

__version__ = "0.1.0"
