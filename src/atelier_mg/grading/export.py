"""``atelier correction exporter`` : les notes pour Moodle, le détail par question et par étiquette, la synthèse.

Writes, in ``correction/<devoir>/``:

* ``notes-moodle.csv`` — Moodle's grading worksheet (``moodle_export``): the one downloaded from the
  assignment (``--feuille``) with grades on its maximum and comments, or a new one with the columns
  Moodle's import requires; checked by Moodle's import re-implemented before it is written;
* ``retours-moodle.zip`` — the feedback pages for « Déposer des fichiers de feedback dans un ZIP »;
* ``detail.csv`` — one line per intern: total, each question, each tag of the questions
  (``competence:…``, ``notion:…``, on the test cells of ``solutions/<devoir>/``), refusal reason;
* ``synthese.html`` — the class: distribution of the grades (chart drawn offline), questions from the
  hardest, refusals by reason.

Scores are nbgrader's (gradebook), manual grades from the formgrader included.
"""

from __future__ import annotations

import html
import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import pandas as pd
from nbgrader.api import Gradebook, MissingEntry

from ..core.charts import to_svg
from ..core.errors import UserError
from ..core.formatting import french_number
from .journal import Journal


@dataclass
class Row:
    student: str
    first_name: str
    last_name: str
    email: str
    score: float | None
    max_score: float
    questions: dict[str, tuple[float, float]] = field(default_factory=dict)
    refusal: dict | None = None
    participant: str | None = None
    needs_manual: bool = False
    label: str = ""


def question_tags(root: Path, assignment: str) -> dict[str, list[str]]:
    """Tags of the graded cells of the source notebooks: grade id → tags."""
    tags: dict[str, list[str]] = {}
    for path in sorted((root / "solutions" / assignment).glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
            meta = cell.get("metadata", {})
            grade_id = meta.get("nbgrader", {}).get("grade_id")
            if grade_id and meta.get("nbgrader", {}).get("grade"):
                tags[grade_id] = [t for t in meta.get("tags", []) if ":" in t]
    return tags


# The six competences of the CNGE grid, on which the DES is assessed (the tags use the short names).
COMPETENCES = {
    "premier-recours": "premier recours, urgences",
    "relation-communication": "relation, communication, approche centrée patient",
    "approche-globale": "approche globale, prise en compte de la complexité",
    "education-prevention": "éducation, prévention, dépistage, santé individuelle et communautaire",
    "continuite-coordination": "continuité, suivi, coordination des soins autour du patient",
    "professionnalisme": "professionnalisme",
}


def tag_label(tag: str) -> str:
    """``competence:premier-recours`` → « Compétence : premier recours, urgences »."""
    kind, _, value = tag.partition(":")
    if kind == "competence":
        return f"Compétence : {COMPETENCES.get(value, value.replace('-', ' '))}"
    return f"{kind.capitalize()} : {value.replace('-', ' ')}"


def collect(root: Path, assignment: str, db_url: str, course_id: str) -> tuple[list[Row], list[str]]:
    with Journal(root, assignment) as journal:
        results, imports = journal.results(), journal.imports()
    rows: list[Row] = []
    order: list[str] = []
    with Gradebook(db_url, course_id) as gb:
        try:
            assignment_row = gb.find_assignment(assignment)
        except MissingEntry:
            raise UserError(f"Le devoir « {assignment} » n'est pas dans la base de notes.") from None
        max_score = float(assignment_row.max_score)
        for notebook in assignment_row.notebooks:
            order += [cell.name for cell in notebook.grade_cells]
        for student in gb.students:
            result = results.get(student.id)
            imported = imports.get(student.id) or {}
            row = Row(student.id, student.first_name or "", student.last_name or "", student.email or "", None, max_score,
                      participant=imported.get("participant"), label=imported.get("original") or "")
            try:
                submission = gb.find_submission(assignment, student.id)
            except MissingEntry:
                submission = None
            if result and result.get("refusal"):
                row.refusal, row.score = result["refusal"], 0.0
            elif submission is not None and result is not None:
                row.score = float(submission.score)
                row.needs_manual = bool(submission.needs_manual_grade)
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        row.questions[grade.name] = (float(grade.score), float(grade.max_score))
            rows.append(row)
    return rows, order


def _number(value: float | None, comma: bool = True) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if comma else text


def comment(row: Row) -> str:
    if row.refusal:
        return f"Rendu non noté : {row.refusal['message']} {row.refusal['advice']}"
    if row.score is None:
        return ""
    return f"Note automatique {_number(row.score)} / {_number(row.max_score)}. Le détail est dans votre retour de correction."


def moodle_csv(rows: list[Row], worksheet: Path | None, scale: float | None, lang: str = "fr") -> tuple[str, list[str]]:
    """The worksheet for Moodle and the warnings (grades Moodle would not take, rows left out)."""
    from .moodle import read_worksheet
    from .moodle_export import fill_worksheet, new_worksheet

    if worksheet is None:
        return new_worksheet(rows, lang, scale, comment)
    return fill_worksheet(rows, read_worksheet(worksheet), scale, comment)


def detail_table(rows: list[Row], order: list[str], tags: dict[str, list[str]]) -> pd.DataFrame:
    all_tags = sorted({t for ts in tags.values() for t in ts})
    records = []
    for row in rows:
        record = {"identifiant": row.student, "prenom": row.first_name, "nom": row.last_name,
                  "note": row.score, "note_max": row.max_score,
                  "statut": "refusé" if row.refusal else ("non rendu" if row.score is None else
                                                           ("à noter à la main" if row.needs_manual else "noté"))}
        for name in order:
            record[name] = row.questions[name][0] if name in row.questions else None
        for tag in all_tags:
            got = [row.questions[n] for n, ts in tags.items() if tag in ts and n in row.questions]
            total = sum(g[1] for g in got)
            record[tag_label(tag)] = round(sum(g[0] for g in got) / total, 3) if got and total else None
        record["raison"] = row.refusal["message"] if row.refusal else ""
        records.append(record)
    return pd.DataFrame.from_records(records)


def hardest(rows: list[Row], order: list[str]) -> list[tuple[str, float, int]]:
    """(question, mean share of the points, submissions) from the hardest, over graded submissions."""
    out = []
    for name in order:
        shares = [r.questions[name][0] / r.questions[name][1] for r in rows
                  if name in r.questions and r.questions[name][1] and not r.refusal]
        if shares:
            out.append((name, statistics.fmean(shares), len(shares)))
    return sorted(out, key=lambda item: item[1])


def distribution_chart(rows: list[Row]) -> alt.Chart:
    data = pd.DataFrame({"note": [r.score for r in rows if r.score is not None]})
    maximum = max((r.max_score for r in rows), default=10)
    return alt.Chart(data, title="Répartition des notes").mark_bar(color="#1f5f8b").encode(
        x=alt.X("note:Q", bin=alt.Bin(step=1, extent=[0, maximum + 1]), title=f"Note (sur {french_number(maximum)})"),
        y=alt.Y("count():Q", title="Internes"),
    ).properties(width=480, height=220)


def by_tag(rows: list[Row], tags: dict[str, list[str]]) -> list[tuple[str, float]]:
    """(tag label, share of the points obtained by the graded submissions), weakest first."""
    out = []
    for tag in sorted({t for ts in tags.values() for t in ts}):
        got = [r.questions[n] for r in rows if not r.refusal for n, ts in tags.items() if tag in ts and n in r.questions]
        total = sum(g[1] for g in got)
        if total:
            out.append((tag_label(tag), sum(g[0] for g in got) / total))
    return sorted(out, key=lambda item: item[1])


def summary_html(assignment: str, rows: list[Row], order: list[str], tags: dict[str, list[str]] | None = None) -> str:
    graded = [r for r in rows if r.score is not None and not r.refusal]
    refused = [r for r in rows if r.refusal]
    missing = [r for r in rows if r.score is None]
    scores = [r.score for r in graded]
    lines = [f"<p>{len(rows)} internes : {len(graded)} notés, {len(refused)} rendus refusés, {len(missing)} sans rendu.</p>"]
    if scores:
        lines.append(f"<p>Moyenne {french_number(round(statistics.fmean(scores), 2))}, médiane "
                     f"{french_number(round(statistics.median(scores), 2))} (sur {french_number(rows[0].max_score)}).</p>")
        lines.append(f'<figure>{to_svg(distribution_chart(rows))}<figcaption>Répartition des notes des rendus notés et '
                     'refusés (0).</figcaption></figure>')
    items = "".join(f"<tr><td>{html.escape(n)}</td><td>{french_number(round(100 * m))} %</td><td>{k}</td></tr>"
                    for n, m, k in hardest(rows, order))
    lines.append("<h2>Questions, de la plus difficile à la plus facile</h2><table><thead><tr><th>Question</th>"
                 f"<th>Part moyenne des points</th><th>Rendus</th></tr></thead><tbody>{items}</tbody></table>")
    shares = by_tag(rows, tags or {})
    if shares:
        items = "".join(f"<tr><td>{html.escape(label)}</td><td>{french_number(round(100 * share))} %</td></tr>"
                        for label, share in shares)
        lines.append("<h2>Par compétence et par notion</h2><table><thead><tr><th>Étiquette</th>"
                     f"<th>Part des points obtenus</th></tr></thead><tbody>{items}</tbody></table>")
    reasons: dict[str, int] = {}
    for r in refused:
        reasons[r.refusal["code"]] = reasons.get(r.refusal["code"], 0) + 1
    if reasons:
        lines.append("<h2>Rendus refusés</h2><ul>" + "".join(
            f"<li>{html.escape(code)} : {count}</li>" for code, count in sorted(reasons.items())) + "</ul>")
    body = "\n".join(lines)
    return (f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Synthèse : {html.escape(assignment)}'
            '</title><style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}'
            'table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}</style>'
            f"</head><body><h1>Synthèse du devoir « {html.escape(assignment)} »</h1>\n{body}\n</body></html>\n")


def export(root: Path, assignment: str, db_url: str, course_id: str, worksheet: Path | None = None,
           scale: float | None = None, lang: str = "fr") -> tuple[Path, list[str], int]:
    """Write the four files; (folder, warnings about the worksheet, interns in the feedback zip)."""
    from .moodle_export import feedback_zip

    rows, order = collect(root, assignment, db_url, course_id)
    if not any(r.score is not None for r in rows):
        raise UserError(f"Aucune note pour « {assignment} » : lancez d'abord « atelier correction noter {assignment} ».")
    sheet, warnings = moodle_csv(rows, worksheet, scale, lang)
    folder = root / "correction" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    encoding = "utf-8-sig"
    (folder / "notes-moodle.csv").write_text(sheet, encoding=encoding)
    sent = feedback_zip(root, assignment, rows, folder / "retours-moodle.zip")
    tags = question_tags(root, assignment)
    detail_table(rows, order, tags).to_csv(folder / "detail.csv", index=False, encoding=encoding)
    (folder / "synthese.html").write_text(summary_html(assignment, rows, order, tags), encoding="utf-8")
    return folder, warnings, sent
