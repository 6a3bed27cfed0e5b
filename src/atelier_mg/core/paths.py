"""Où sont les choses : le dépôt (livre, données) et les outils installés avec le paquet."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from .errors import UserError

# src/atelier_mg/core/paths.py → the repository holding _config.yml, data/, dashboards/ (editable install).
REPO = Path(__file__).resolve().parents[3]


def find_root(start: Path | None = None, fallback: Path = REPO) -> Path:
    """The project folder: the first parent of ``start`` (default: cwd) holding ``_config.yml``,
    else the repository this package was installed from (editable install)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").is_file() and (folder / "_toc.yml").is_file():
            return folder
    if (fallback / "_config.yml").is_file():
        return fallback
    raise UserError(
        f"Aucun livre Atelier MG trouvé depuis {here} : placez-vous dans le dossier du dépôt "
        "(celui qui contient _config.yml) ou utilisez --racine."
    )


def runtime_paths() -> list[Path]:
    """What running the package needs to read, outside ``/usr``: the Python installation, its virtual
    environment, the package's sources and the course data (``data/``, ``_config.yml``, ``_toc.yml``).

    Sandboxes (grading, the hub's JupyterLab servers) bind exactly these, read-only, at the same place: never the
    repository as a whole (its ``solutions/`` hold the hidden tests), never ``sys.path`` (it may hold the folder a
    command was started from). Each is bound on its own, so a private parent folder (a clone in ``mktemp -d``,
    mode 0700) does not hide them.
    """
    import atelier_mg

    wanted = [Path(sys.base_prefix), Path(sys.prefix), Path(atelier_mg.__file__).resolve().parents[1], REPO / "data",
              REPO / "_config.yml", REPO / "_toc.yml"]
    paths: list[Path] = []
    for path in wanted:
        path = path.resolve()
        if path not in paths and not str(path).startswith(("/usr/", "/etc/")) and path != Path("/") and path.exists():
            paths.append(path)
    return paths


def tool(name: str) -> str:
    """Path of a command installed next to this Python (the venv), else on the PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        raise UserError(f"Outil « {name} » introuvable : installez les dépendances (pip install -r requirements.txt).")
    return found
