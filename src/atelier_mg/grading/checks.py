"""Un fichier rendu est-il un notebook lisible du bon devoir ? (avant toute exécution)"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from .reasons import Refusal, refusal


def read_notebook_bytes(raw: bytes, name: str) -> tuple[dict | None, Refusal | None]:
    """Parse a submitted file: the notebook as a dict, or why it cannot be read."""
    if not raw.strip():
        return None, refusal("vide", fichier=name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, refusal("encodage", fichier=name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, refusal("json", fichier=name, detail=f"JSON invalide ligne {exc.lineno}, colonne {exc.colno}")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, refusal("format", fichier=name, detail="pas de liste de cellules")
    if data.get("nbformat") != 4:
        return None, refusal("format", fichier=name, detail=f"format {data.get('nbformat')!r} au lieu de 4")
    try:
        nbformat.validate(nbformat.from_dict(data), relax_add_props=True)
    except nbformat.ValidationError as exc:
        return None, refusal("format", fichier=name, detail=str(exc.message)[:200])
    return data, None


def grade_ids(notebook: dict) -> set[str]:
    return {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in notebook.get("cells", [])} - {None}


def belongs_to(notebook: dict, expected: set[str]) -> bool:
    """A notebook of this assignment keeps most of its nbgrader cells (interns may break one or two)."""
    if not expected:
        return False
    return len(grade_ids(notebook) & expected) >= max(1, len(expected) // 2)


def check_submitted(path: Path, notebook_id: str) -> Refusal | None:
    """Before grading: the notebook is there and readable (wrong names are fixed at import)."""
    if not path.exists():
        return refusal("absent", notebook=notebook_id)
    _, problem = read_notebook_bytes(path.read_bytes(), path.name)
    return problem
