"""Ce qui repart vers Moodle : la feuille d'évaluation remplie, et le zip des retours pour « Déposer des fichiers
de feedback dans un ZIP ».

The worksheet is the one downloaded from the assignment (``--feuille``), kept as Moodle wrote it (rows,
columns, header in the site's language), with:

* « Note »: the grade on the assignment's own maximum, read from its « Note maximale » column, written
  as Moodle writes it (decimal comma on a French site);
* the comments column (« Feedback par commentaires » / « Feedback comments »), added when the worksheet
  has none (Moodle reads it only when the comments plugin is on);
* « Dernière modification (note) »: the same minute written ``2026-12-07 20:22``. Moodle's import compares
  it (``strtotime``) with the grade it holds, to avoid overwriting a newer grade; ``strtotime`` cannot read
  Moodle's French dates (« lundi 7 décembre 2026, 20:22 » → false), so without this a second upload changes
  nothing unless « Autorise la modification… » is ticked. « - » (no grade when downloaded) is kept.

Without a worksheet, one is written with the columns Moodle's import requires, in the language given.
Either way the result goes through :func:`moodle.import_preview` (Moodle's import re-implemented) before it
is written: a worksheet Moodle would reject is never produced.

The feedback zip follows ``assignfeedback_file_zip_importer::is_valid_filename_for_import``
(``mod/assign/feedback/file/importziplib.php``): each file named ``<nom>_<participant>_assignfeedback_file_<fichier>``,
the name without ``_`` (Moodle splits on it), the participant number being the worksheet's.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from ..core.errors import UserError
from .moodle import MoodleState, Worksheet, format_grade, import_preview, moodle_state, parse_date, php_date, user_prefix
from .moodle_strings import string


def _grade_on(row, maximum: float) -> float | None:
    if row.score is None:
        return None
    return round(row.score * maximum / row.max_score, 5) if row.max_score else row.score


def sheet_maximum(sheet: Worksheet, scale: float | None) -> float:
    """The assignment's maximum grade, from the worksheet; ``--sur`` must agree with it."""
    found = sheet.max_grades()
    label = string(sheet.lang, "maxgrade")
    if not found:
        raise UserError(f"{sheet.name} : colonne « {label} » absente ou vide : retéléchargez la feuille d'évaluation "
                        "depuis le devoir Moodle (« Télécharger le formulaire d’évaluation »).")
    if len(found) > 1:
        raise UserError(f"{sheet.name} : plusieurs notes maximales dans la colonne « {label} » ({sorted(found)}).")
    maximum = found.pop()
    if scale is not None and abs(scale - maximum) > 1e-9:
        raise UserError(f"--sur {scale:g} ne correspond pas à la note maximale du devoir Moodle, {maximum:g} (colonne "
                        f"« {label} » de {sheet.name}) : Moodle refuserait les notes au-dessus de {maximum:g} ou les "
                        f"garderait sur {maximum:g}. Retirez --sur (les notes seront mises sur {maximum:g}) ou changez la "
                        "note maximale dans les réglages du devoir Moodle, puis retéléchargez la feuille.")
    if maximum <= 0:
        raise UserError(f"{sheet.name} : le devoir Moodle est noté sur un barème, pas sur des points : choisissez "
                        "« Point » comme type de note dans ses réglages.")
    return maximum


def fill_worksheet(rows: list, sheet: Worksheet, scale: float | None, comment) -> tuple[str, list[str]]:
    """The downloaded worksheet with grades, comments and readable dates; (CSV text, warnings)."""
    maximum = sheet_maximum(sheet, scale)
    lang = sheet.lang
    lines = [list(r) for r in sheet.rows]
    warnings: list[str] = []
    feedback = sheet.columns.get("feedbackcomments")
    if feedback is None:
        lines[0].append(string(lang, "feedbackcomments"))
        for line in lines[1:]:
            line.append("")
        feedback = len(lines[0]) - 1
        warnings.append(f"La feuille n'avait pas de colonne « {string(lang, 'feedbackcomments')} » : ajoutée. Moodle ne "
                        "la lit que si « Feedback par commentaires » est coché dans les types de feedback du devoir.")
    width = len(lines[0])
    by_number = {r.participant: r for r in rows if r.participant}
    by_mail = {r.email.lower(): r for r in rows if r.email}
    by_id = {r.student: r for r in rows}
    grade, modified = sheet.columns["gradenoun"], sheet.columns["lastmodifiedgrade"]
    for line in lines[1:]:
        line += [""] * (width - len(line))
        number = sheet.participant(line)
        row = (by_number.get(number) or by_mail.get(sheet.cell(line, "email").lower())
               or by_id.get(f"participant{number}"))
        moment = parse_date(line[modified], lang)
        if moment is not None:
            line[modified] = php_date(moment)
        if row is None or row.score is None:
            continue
        line[grade] = format_grade(_grade_on(row, maximum), lang)
        line[feedback] = comment(row).replace("\\", "/")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(lines)
    text = out.getvalue()
    _check(text, lang, moodle_state(sheet), maximum, {n for n in (sheet.participant(line) for line in lines[1:])
                                                      if n and (by_number.get(n) or by_id.get(f"participant{n}"))},
           warnings, sheet.name)
    return text, warnings


def new_worksheet(rows: list, lang: str, scale: float | None, comment) -> tuple[str, list[str]]:
    """A worksheet for Moodle without the downloaded one: the columns its import requires, « Participant n »."""
    warnings = []
    header = [string(lang, k) for k in ("recordid", "fullname", "email", "gradenoun", "maxgrade", "lastmodifiedgrade",
                                        "feedbackcomments")]
    lines, numbers = [header], set()
    for row in rows:
        if row.score is None:
            continue
        if not row.participant:
            warnings.append(f"{row.student} : pas de numéro de participant Moodle (rendu importé hors d'un zip Moodle) : "
                            "absent de la feuille.")
            continue
        maximum = scale or row.max_score
        anonymous = row.student.startswith("participant")
        lines.append([f"{string(lang, 'hiddenuser')}{row.participant}",
                      "" if anonymous else f"{row.first_name} {row.last_name}".strip(), row.email,
                      format_grade(_grade_on(row, maximum), lang), format_grade(maximum, lang), "-",
                      comment(row).replace("\\", "/")])
        numbers.add(row.participant)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(lines)
    maximum = scale or max((r.max_score for r in rows), default=0)
    _check(out.getvalue(), lang, {n: MoodleState(None, None) for n in numbers}, maximum, numbers, warnings, "la feuille")
    return out.getvalue(), warnings


def _check(text: str, lang: str, state: dict[str, MoodleState], maximum: float, graded: set[str],
           warnings: list[str], name: str) -> None:
    """Moodle's own import, replayed: an error stops the export; a grade Moodle would skip is said."""
    preview = import_preview(("\ufeff" + text).encode("utf-8"), lang, state, maximum)
    if preview.error:
        raise UserError(f"La feuille produite depuis {name} serait refusée par Moodle ({preview.error}) : rien n'a été "
                        "écrit. Signalez-le avec la feuille téléchargée.")
    for number in sorted(graded, key=int):
        why = preview.skipped.get(number)
        if number not in preview.grades and why is None:
            why = f"identifiant illisible pour Moodle : il attend « {string(lang, 'hiddenuser')}{number} »"
        if why and why != "note inchangée":
            warnings.append(f"Participant {number} : Moodle ne prendra pas cette note ({why}).")


def feedback_zip(root: Path, assignment: str, rows: list, target: Path) -> int:
    """The zip for « Déposer des fichiers de feedback dans un ZIP »; returns how many interns are in it."""
    count = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            folder = root / "feedback" / row.student / assignment
            if not row.participant or not folder.is_dir():
                continue
            anonymous = row.student.startswith("participant")
            name = "Participant" if anonymous else (row.label or f"{row.first_name} {row.last_name}".strip() or "interne")
            prefix = user_prefix(name, row.participant)
            # nbgrader's feedback pages only (its folder also holds copies of the intern's own extra files)
            files = sorted(p for p in folder.rglob("*.html") if p.is_file() and not p.name.startswith((".", "~")))
            for path in files:
                rel = path.relative_to(folder).as_posix()
                if "/" in rel:  # a file in a sub-folder: Moodle's folder layout keeps the path
                    entry = f"{prefix}_assignfeedback_file/{rel}"
                else:
                    entry = f"{prefix}_assignfeedback_file_{rel}"
                archive.write(path, entry)
            count += bool(files)
    return count
