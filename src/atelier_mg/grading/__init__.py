"""Correction avec nbgrader : ce que nbgrader fait, on l'étend (retours sans tests cachés, gabarit hors ligne).

Imports :mod:`atelier_mg.core` only; nbgrader_config.py at the root of the course wires it in.
"""
