"""L'architecture décrite dans ARCHITECTURE.md est celle du code : sous-systèmes, sens des imports, taille des modules."""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "src" / "atelier_mg"
SUBSYSTEMS = ("core", "topics", "carnet", "grading", "serving", "hub")
# What each subsystem may import from the package besides itself (cli, the entry point, may import all).
ALLOWED = {
    "core": set(),
    "topics": {"core"},
    "carnet": {"core"},
    "grading": {"core"},
    "serving": {"core"},
    "hub": {"core"},
}
MAX_LINES = 400


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_imports(path: Path) -> list[tuple[str, list[str], int]]:
    """Every import of ``atelier_mg.*`` in a module: (absolute module, imported names, line)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("atelier_mg")]
        elif isinstance(node, ast.ImportFrom):
            target = importlib.util.resolve_name("." * node.level + (node.module or ""), package) if node.level else node.module
            if target and target.startswith("atelier_mg"):
                found.append((target, [a.name for a in node.names], node.lineno))
    return found


def test_top_level_holds_only_the_entry_point_and_the_subsystems():
    entries = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert entries == sorted(["__init__.py", "cli.py", *SUBSYSTEMS])
    for sub in SUBSYSTEMS:
        assert (PACKAGE / sub / "__init__.py").is_file(), sub


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_too_long(path):
    assert len(path.read_text().splitlines()) <= MAX_LINES, f"{path.name} : découpez le module (≤ {MAX_LINES} lignes)"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_downwards(path):
    name = module_name(path)
    parts = name.split(".")
    if len(parts) < 2 or parts[1] not in SUBSYSTEMS:
        return  # atelier_mg itself and cli: the entry point delegates to every subsystem
    here = parts[1]
    for target, names, line in package_imports(path):
        tparts = target.split(".")
        if len(tparts) == 1:  # ``from atelier_mg import x``: x is a subsystem
            subsystems = set(names)
        else:
            subsystems = {tparts[1]}
        for sub in subsystems - {here}:
            assert sub in ALLOWED[here], f"{name} (ligne {line}) importe {target} : {here} ne doit pas dépendre de {sub}"


def test_topics_use_each_other_only_through_public_names():
    for path in (PACKAGE / "topics").rglob("*.py"):
        name = module_name(path)
        topic = name.split(".")[2] if name.count(".") >= 2 else None
        for target, names, line in package_imports(path):
            tparts = target.split(".")
            if tparts[:2] == ["atelier_mg", "topics"] and len(tparts) > 2 and tparts[2] != topic:
                private = [n for n in names if n.startswith("_")]
                assert not private, f"{name} (ligne {line}) importe des noms privés de {target} : {private}"


def test_architecture_file_names_every_subpackage_and_module():
    text = (ROOT / "ARCHITECTURE.md").read_text()
    for path in modules():
        rel = path.relative_to(PACKAGE)
        if path.name == "__init__.py":
            if rel.parent != Path("."):
                assert f"{rel.parent.name}/" in text, f"ARCHITECTURE.md ne décrit pas {rel.parent}/"
        else:
            assert path.stem in text, f"ARCHITECTURE.md ne cite pas {rel}"


def _code_cells(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("notebook", sorted((ROOT / "dashboards").glob("*.ipynb")), ids=lambda p: p.stem)
def test_dashboards_are_thin_notebooks_calling_the_package(notebook):
    code = "\n".join(_code_cells(notebook))
    tree = ast.parse(code)
    defined = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))]
    assert not defined, f"{notebook.name} définit du code : sa place est dans src/atelier_mg"
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert imports and all((getattr(n, "module", None) or n.names[0].name).startswith("atelier_mg") for n in imports)
    assert len(code.splitlines()) <= 12, f"{notebook.name} : un tableau de bord appelle le paquet, rien de plus"
