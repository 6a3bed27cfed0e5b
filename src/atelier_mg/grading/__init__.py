"""Correction avec nbgrader : ce que nbgrader fait, on l'étend (retours sans tests cachés, gabarit hors ligne).

Imports :mod:`atelier_mg.core` only; nbgrader_config.py at the root of the course wires it in.
"""

import os as _os
import sys as _sys


def _tools_on_path() -> None:
    """nbgrader calls « alembic » by name: this Python's scripts (the venv's ``bin/``) come first on the PATH, so that
    ``.venv/bin/atelier correction …`` and ``.venv/bin/nbgrader …`` work without the venv on the PATH
    (nbgrader_config.py imports this package)."""
    scripts = _os.path.dirname(_sys.executable)
    path = _os.environ.get("PATH", "")
    if scripts not in path.split(_os.pathsep):
        _os.environ["PATH"] = _os.pathsep.join([scripts, path]) if path else scripts


_tools_on_path()
