"""Carnet de compétences de l'interne : traces, auto-évaluation et évaluation MSU, grille, radar, exports.

An app for the intern's own JupyterLab (one file in their folder) and a review dashboard that only
reads an uploaded carnet. Imports :mod:`atelier_mg.core` only.
"""
