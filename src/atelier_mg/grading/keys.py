"""Les clés de correction : un fichier YAML par devoir, hors des notebooks, lu par la correction seule.

Default: ``solutions/<devoir>/cles.yaml`` (shipped by the public repository). A DMG keeps its own keys
elsewhere and passes them with ``atelier correction noter <devoir> --cles <fichier ou dossier>`` (or the
``ATELIER_CLES`` variable): a file is the key of that assignment, a folder holds ``<devoir>/cles.yaml``
or ``<devoir>.yaml``. Neither the distributed notebooks nor the feedback ever contain a key: the
sandbox does not see ``solutions/`` and the feedback shows only the outcome of each test cell.

A key file::

    devoir: ecologie
    notebook: ecologie                # optional, the assignment's name by default
    preparation: |                    # run once in the clean evaluation process (may load data/)
      import math
    reponses: [consultent_cpts]       # names taken out of the intern's kernel
    sondes:                           # probe calls of the intern's functions, run in their kernel
      effectifs_white: effectifs(white, 60_000)
    cellules:
      q1-tests:                       # grade_id of an nbgrader test cell
        forme: |                      # the visible checks (their message is shown to the intern)
          assert isinstance(consultent_cpts, (int, float)), "…"
        cle: |                        # the key (a failure shows a neutral message, never the key)
          assert math.isclose(consultent_cpts, 15_000)
        nature: connaissance          # or « raisonnement » (deciding on a vignette): counted in the share

The share of reasoning (:func:`reasoning_share`) is the points of the cells marked « raisonnement »
over the auto-graded points; each notebook states it in its header and a test keeps it true.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ENV = "ATELIER_CLES"
TOP = {"devoir", "notebook", "preparation", "reponses", "sondes", "cellules"}
CELL = {"forme", "cle", "reponses", "nature"}
NATURES = ("raisonnement", "connaissance")


class KeyFileError(ValueError):
    """A key file that cannot be used (the message is in French)."""


@dataclass(frozen=True)
class Key:
    path: Path
    assignment: str
    notebook: str
    preparation: str
    answers: tuple[str, ...]
    probes: dict[str, str]
    cells: dict[str, dict[str, str]] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [*self.answers, *self.probes]


def key_path(root: Path, assignment: str, source: Path | None = None) -> Path:
    """Where the key of ``assignment`` is: ``source`` (file or folder), ``$ATELIER_CLES``, or the default."""
    if source is None and os.environ.get(ENV):
        source = Path(os.environ[ENV])
    if source is None:
        return root / "solutions" / assignment / "cles.yaml"
    source = source.expanduser()
    if source.is_dir():
        for candidate in (source / assignment / "cles.yaml", source / f"{assignment}.yaml"):
            if candidate.is_file():
                return candidate
        raise KeyFileError(f"Aucune clé pour « {assignment} » dans {source} (attendu : {assignment}/cles.yaml "
                        f"ou {assignment}.yaml).")
    if not source.is_file():
        raise KeyFileError(f"Fichier de clés introuvable : {source}")
    return source


def has_key(root: Path, assignment: str, source: Path | None = None) -> bool:
    """Is this assignment graded by a key file (new engine), or by its hidden tests (nbgrader alone)?"""
    if source is not None or os.environ.get(ENV):
        return True
    return (root / "solutions" / assignment / "cles.yaml").is_file()


def _code(text: object, where: str, path: Path) -> str:
    if not isinstance(text, str):
        raise KeyFileError(f"{path.name} : « {where} » doit être un bloc de code Python (texte).")
    try:
        compile(text, f"<{where}>", "exec")
    except SyntaxError as exc:
        raise KeyFileError(f"{path.name} : erreur de syntaxe dans « {where} », ligne {exc.lineno} : {exc.msg}.") from None
    return text


def _names(code: object) -> set[str]:
    """Every name a piece of code reads (to know which answers a cell needs)."""
    if not isinstance(code, str):
        return set()
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _refuse_unknown(found: set, allowed: set, path: Path, where: str = "") -> None:
    unknown = sorted(map(str, set(found) - allowed))
    if unknown:
        raise KeyFileError(f"{path.name} : {where}rubrique inconnue « {unknown[0]} » (attendu : {', '.join(sorted(allowed))}).")


def _identifier(name: object, where: str, path: Path) -> str:
    if not isinstance(name, str) or not name.isidentifier():
        raise KeyFileError(f"{path.name} : « {name} » ({where}) n'est pas un nom de variable Python.")
    return name


def load_key(path: Path, assignment: str | None = None) -> Key:
    """Read and check a key file; :class:`KeyFileError` with a French message when it is not usable."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KeyFileError(f"Impossible de lire le fichier de clés {path} : {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise KeyFileError(f"{path.name} : le fichier de clés doit être en UTF-8.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (ligne {mark.line + 1})" if mark else ""
        raise KeyFileError(f"{path.name} : YAML invalide{where}.") from None
    if not isinstance(data, dict):
        raise KeyFileError(f"{path.name} : le fichier de clés doit décrire un devoir (devoir, reponses, cellules).")
    _refuse_unknown(set(data), TOP, path)
    name = data.get("devoir")
    if not isinstance(name, str) or not name:
        raise KeyFileError(f"{path.name} : indiquez le devoir (« devoir: <nom> »).")
    if assignment is not None and name != assignment:
        raise KeyFileError(f"{path.name} est la clé du devoir « {name} », pas de « {assignment} ».")
    answers = data.get("reponses") or []
    if not isinstance(answers, list):
        raise KeyFileError(f"{path.name} : « reponses » doit être une liste de noms de variables.")
    answers = tuple(_identifier(a, "reponses", path) for a in answers)
    probes = data.get("sondes") or {}
    if not isinstance(probes, dict):
        raise KeyFileError(f"{path.name} : « sondes » doit associer un nom à un appel (nom: fonction(arguments)).")
    checked_probes = {}
    for probe, call in probes.items():
        _identifier(probe, "sondes", path)
        if probe in answers:
            raise KeyFileError(f"{path.name} : « {probe} » est à la fois une réponse et une sonde.")
        if not isinstance(call, str):
            raise KeyFileError(f"{path.name} : la sonde « {probe} » doit être un appel écrit en Python.")
        try:
            compile(call, f"<sonde {probe}>", "eval")
        except SyntaxError:
            raise KeyFileError(f"{path.name} : la sonde « {probe} » n'est pas une expression Python valide.") from None
        checked_probes[probe] = call
    cells = data.get("cellules")
    if not isinstance(cells, dict) or not cells:
        raise KeyFileError(f"{path.name} : « cellules » doit donner, pour chaque cellule de test (grade_id), "
                        f"sa vérification.")
    known = set(answers) | set(checked_probes)
    checked_cells: dict[str, dict[str, str]] = {}
    for grade_id, spec in cells.items():
        if not isinstance(spec, dict) or not spec:
            raise KeyFileError(f"{path.name} : la cellule « {grade_id} » doit avoir « forme » et/ou « cle ».")
        _refuse_unknown(set(spec), CELL, path, f"cellule « {grade_id} » : ")
        nature = spec.get("nature", "")
        if nature not in ("", *NATURES):
            raise KeyFileError(f"{path.name} : cellule « {grade_id} » : nature « {nature} » inconnue "
                            f"(attendu : {' ou '.join(NATURES)}).")
        used = spec.get("reponses")
        if used is None:  # the answers and probes its checks name
            used = sorted((_names(spec.get("forme", "")) | _names(spec.get("cle", ""))) & known)
        if not isinstance(used, list) or not set(used) <= known:
            missing = sorted(set(used) - known) if isinstance(used, list) else ["?"]
            raise KeyFileError(f"{path.name} : cellule « {grade_id} » : « {missing[0]} » n'est ni une réponse ni une sonde.")
        checked_cells[str(grade_id)] = {
            "forme": _code(spec.get("forme", ""), f"{grade_id}.forme", path),
            "cle": _code(spec.get("cle", ""), f"{grade_id}.cle", path),
            "reponses": list(used),
            "nature": nature,
        }
    return Key(path=path.resolve(), assignment=name, notebook=str(data.get("notebook") or name),
               preparation=_code(data.get("preparation", ""), "preparation", path), answers=answers,
               probes=checked_probes, cells=checked_cells)


def check_cells(key: Key, graded: set[str]) -> None:
    """The key covers exactly the notebook's auto-graded test cells (grade ids from the gradebook)."""
    missing = sorted(graded - set(key.cells))
    if missing:
        raise KeyFileError(f"{key.path.name} : aucune vérification pour la cellule « {missing[0]} » du devoir.")
    extra = sorted(set(key.cells) - graded)
    if extra:
        raise KeyFileError(f"{key.path.name} : la cellule « {extra[0]} » n'existe pas dans le devoir.")


def reasoning_share(key: Key, points: dict[str, float]) -> tuple[float, float]:
    """(points of the cells marked « raisonnement », auto-graded points) — ``points`` by grade id."""
    total = sum(points[g] for g in key.cells)
    return sum(points[g] for g, spec in key.cells.items() if spec["nature"] == "raisonnement"), total


def inline_source(key: Key, grade_id: str) -> str:
    """The key of one cell written as nbgrader hidden tests (for the comparison with stock nbgrader)."""
    spec = key.cells[grade_id]
    probes = [f"{name} = {call}" for name, call in key.probes.items() if name in spec["reponses"]]
    if probes:
        probes.insert(0, "from atelier_mg.core.data import load_table as table\nimport pandas as pd\n"
                         "from atelier_mg.grading.extract import memo")
    parts = [key.preparation.strip(), "\n".join(probes), spec["forme"].strip(), spec["cle"].strip()]
    return "\n".join(p for p in parts if p)


def inline_notebook(notebook: dict, key: Key) -> dict:
    """A source notebook whose keyed test cells carry the key as nbgrader hidden tests (stock comparison)."""
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.get("cell_type") == "code" and grade_id in key.cells:
            source = "".join(cell["source"]).rstrip("\n")
            cell["source"] = (f"{source}\n### BEGIN HIDDEN TESTS\n{inline_source(key, grade_id)}\n"
                              f"### END HIDDEN TESTS")
    return notebook
