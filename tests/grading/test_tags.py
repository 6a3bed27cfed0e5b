"""Chaque question notée porte une compétence (grille du CNGE) et une notion : l'export les détaille."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from atelier_mg.grading.export import question_tags, tag_label

# The six competences of the CNGE grid on which the DES is assessed.
CNGE = {"premier-recours", "relation-communication", "approche-globale", "education-prevention",
        "continuite-coordination", "professionnalisme"}
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_cell_has_a_cnge_competence_and_a_notion(assignment):
    tags = question_tags(ROOT, assignment)
    assert tags, "aucune cellule notée"
    for grade_id, cell_tags in tags.items():
        competences = [t.split(":", 1)[1] for t in cell_tags if t.startswith("competence:")]
        notions = [t for t in cell_tags if t.startswith("notion:")]
        assert len(competences) == 1 and competences[0] in CNGE, (grade_id, cell_tags)
        assert len(notions) == 1, (grade_id, cell_tags)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_keeps_the_tags(assignment):
    source = question_tags(ROOT, assignment)
    release = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())
    released = {c["metadata"].get("nbgrader", {}).get("grade_id"): c["metadata"].get("tags", []) for c in release["cells"]}
    for grade_id, tags in source.items():
        assert released.get(grade_id) == tags, grade_id


def test_tag_label_is_readable_french():
    assert tag_label("competence:education-prevention") == (
        "Compétence : éducation, prévention, dépistage, santé individuelle et communautaire")
    assert tag_label("notion:sobriété-de-prescription") == "Notion : sobriété de prescription"
