"""Construction du livre (Jupyter Book 1) : exécution en cache, reconstruction quand le paquet ou les données changent."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from ..core.errors import UserError
from ..core.paths import tool
from .environment import jupyter_env

# What the built book depends on: a change in any of these makes it stale.
BOOK_SOURCES = ("_config.yml", "_toc.yml", "book", "data", "src/atelier_mg")


def book_is_stale(root: Path) -> bool:
    """True if the built book is missing or older than one of its sources."""
    index = root / "_build" / "html" / "index.html"
    if not index.exists():
        return True
    built = index.stat().st_mtime
    for name in BOOK_SOURCES:
        path = root / name
        files = path.rglob("*") if path.is_dir() else [path]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts and f.stat().st_mtime > built:
                return True
    return False


def inputs_digest(root: Path) -> str:
    """Hash of what executed chapters depend on besides their own text: the package and the data.

    jupyter-cache keys on the notebook's code only, so a change in ``src/`` or ``data/`` must clear it.
    """
    h = hashlib.sha256()
    for folder in ("src/atelier_mg", "data"):
        for f in sorted((root / folder).rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(root)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def build(root: Path, clean: bool = False) -> None:
    """Build the book to ``_build/html`` (executed notebooks cached, warnings are errors)."""
    if clean:
        shutil.rmtree(root / "_build", ignore_errors=True)
    stamp = root / "_build" / ".atelier-inputs"
    digest = inputs_digest(root)
    if not stamp.exists() or stamp.read_text() != digest:
        # Package or data changed: cached outputs may be stale.
        shutil.rmtree(root / "_build" / ".jupyter_cache", ignore_errors=True)
        shutil.rmtree(root / "_build" / ".doctrees", ignore_errors=True)
    print(f"Construction du livre dans {root / '_build' / 'html'} …", flush=True)
    cmd = [tool("jupyter-book"), "build", str(root), "-n", "-W", "--keep-going"]
    result = subprocess.run(cmd, cwd=root, env=jupyter_env())
    if result.returncode != 0:
        reports = root / "_build" / "html" / "reports"
        hint = f" Rapports d'exécution des notebooks : {reports}." if reports.exists() else ""
        raise UserError(f"La construction du livre a échoué (code {result.returncode}) : voir les messages ci-dessus.{hint}")
    # Sphinx leaves the index untouched when nothing changed: mark the build as fresh.
    (root / "_build" / "html" / "index.html").touch()
    stamp.write_text(digest)
    print("Livre construit : _build/html/index.html", flush=True)
