"""Repérage des données identifiantes évidentes dans un texte libre (traces d'apprentissage).

What is detected: French social security numbers (NIR), full dates (day, month, year:
a date of birth, or a date that identifies a consultation), phone numbers and e-mail
addresses. Patient names cannot be detected reliably and are not: the user is told so.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|"
    "septembre|octobre|novembre|décembre|decembre"
)

# (kind, French label, replacement, pattern). Order matters: NIR before phone numbers.
_RULES: list[tuple[str, str, str, re.Pattern[str]]] = [
    (
        "nir",
        "numéro de sécurité sociale",
        "[NIR masqué]",
        re.compile(
            r"(?<![\dA-Za-z])[12378]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[ABab])"
            r"\s?\d{3}\s?\d{3}(?:\s?\d{2})?(?!\d)"
        ),
    ),
    (
        "email",
        "adresse électronique",
        "[courriel masqué]",
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ),
    (
        "telephone",
        "numéro de téléphone",
        "[téléphone masqué]",
        re.compile(r"(?<![\d+])(?:(?:\+|00)33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)"),
    ),
    (
        "date",
        "date complète (jour, mois et année)",
        "[date masquée]",
        re.compile(
            r"(?<!\d)(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2})(?!\d)"
            rf"|\b\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\s+(?:19|20)\d{{2}}\b",
            re.IGNORECASE,
        ),
    ),
]

LABELS = {kind: label for kind, label, _, _ in _RULES}


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def find_identifiers(text: str) -> list[Finding]:
    """Every obvious identifier in ``text``, in reading order, without overlaps."""
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, _, _, pattern in _RULES:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            findings.append(Finding(kind, m.group(0), m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(findings, key=lambda f: f.start)


def mask(text: str) -> str:
    """``text`` with every identifier found replaced by a bracketed French placeholder."""
    replacements = {kind: repl for kind, _, repl, _ in _RULES}
    out, last = [], 0
    for f in find_identifiers(text):
        out.append(text[last:f.start])
        out.append(replacements[f.kind])
        last = f.end
    out.append(text[last:])
    return "".join(out)


def explain(findings: list[Finding]) -> str:
    """French explanation of why a text is refused."""
    items = "; ".join(f"{f.label} (« {f.text} »)" for f in findings)
    return (
        "Le texte contient des données qui pourraient identifier un patient : "
        f"{items}. Une trace d'apprentissage ne doit contenir aucune donnée identifiante : "
        "retirez-les ou utilisez « Masquer les données identifiantes ». Pensez aussi à ne pas "
        "écrire de nom de patient (ce repérage ne peut pas les détecter) ; préférez l'âge, "
        "le sexe et le contexte (« femme de 54 ans, agricultrice »)."
    )


# Set by the servers that serve dashboards to other people (« atelier serve », « atelier salle ») in the
# environment of every kernel they start: a dashboard then accepts no file of personal data.
SERVED_TO_OTHERS_ENV = "ATELIER_MG_SERVI_A_UNE_SALLE"


def served_to_others() -> bool:
    """True in a kernel started by a server shared with other people (not in one's own JupyterLab)."""
    return os.environ.get(SERVED_TO_OTHERS_ENV) == "1"
