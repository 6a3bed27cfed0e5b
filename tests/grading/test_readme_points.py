"""Le README annonce les points de chaque devoir : ce sont ceux des notebooks de solutions/ (nbgrader)."""

from __future__ import annotations

import json
import re

from conftest import ROOT


def points(assignment: str) -> float:
    nb = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    return sum(c["metadata"].get("nbgrader", {}).get("points", 0) or 0 for c in nb["cells"]
               if c["metadata"].get("nbgrader", {}).get("grade"))


def test_readme_gives_the_points_of_every_assignment():
    announced = dict(re.findall(r"`(\w+)` \((?:[^()]*?, )?(\d+) points\)", (ROOT / "README.md").read_text(encoding="utf-8")))
    assignments = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file())
    assert sorted(announced) == assignments
    for name in assignments:
        assert float(announced[name]) == points(name), name
