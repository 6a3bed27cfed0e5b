"""Vérification des réponses des exercices notés (tests cachés des devoirs nbgrader).

Kept in ``core`` because every assignment (competencies, prevention, …) uses it from the intern's kernel.
"""

from __future__ import annotations

from collections.abc import Mapping


def score_answers(
    answers: Mapping[str, object], key: Mapping[str, str | set[str] | frozenset[str] | tuple[str, ...]]
) -> tuple[int, list[str]]:
    """Number of correct answers and the list of wrong or missing items.

    ``key`` gives, for each item, the expected answer or the set of accepted answers (when the
    référentiel allows two readings). Answers are compared without case or surrounding spaces.
    """
    def norm(value: object) -> str:
        return str(value).strip().upper()

    wrong = []
    for item, expected in key.items():
        accepted = {norm(expected)} if isinstance(expected, str) else {norm(e) for e in expected}
        if item not in answers or norm(answers[item]) not in accepted:
            wrong.append(item)
    return len(key) - len(wrong), wrong
