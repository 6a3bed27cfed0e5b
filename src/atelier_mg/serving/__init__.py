"""Servir : construire le livre, ``atelier serve`` (livre + tableaux de bord Voilà), ``atelier lab``.

Imports :mod:`atelier_mg.core` only; dashboards are notebooks in ``dashboards/`` that call the topics.
"""
