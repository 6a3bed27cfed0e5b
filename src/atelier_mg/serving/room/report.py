"""Le rapport d'une séance de DPC : daté, programme, étapes faites, participants, et pour chaque question posée
la distribution des réponses, la part de réponses attendues et l'explication. Aucune identité : des effectifs.

HTML (one self-contained page: styles and charts inline, no script), and PDF printed by chromium
(headless, from that page). The room writes both next to its SQLite file when it stops.
"""

from __future__ import annotations

import asyncio
import copy
import shutil
import tempfile
import time
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import charts

if TYPE_CHECKING:
    from .app import Room

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
STYLE = """body{font-family:"DejaVu Sans",sans-serif;color:#111;max-width:50rem;margin:1.5rem auto;padding:0 1rem;
font-size:15px;line-height:1.45}h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:2px solid #0b5cad;margin-top:1.6rem}
h3{font-size:1.05rem;margin-bottom:.3rem}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem;
text-align:left}.question{break-inside:avoid;border-left:4px solid #0b5cad;padding-left:.8rem;margin:1rem 0}
.graphique svg{max-width:100%;height:auto}.note{color:#444;font-size:.9em}"""


def french_date(at: float, with_time: bool = True) -> str:
    t = time.localtime(at)
    day = f"{t.tm_mday} {MONTHS[t.tm_mon - 1]} {t.tm_year}"
    return f"{day} à {t.tm_hour} h {t.tm_min:02d}" if with_time else day


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "sans objet"


def _number(value: float) -> str:
    text = f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return text.replace(",", "\u202f").replace(".", ",")


def _chart_svg(question, distribution: dict[str, Any]) -> str:
    """The distribution chart, drawn on the server (vl-convert) with the counts written in."""
    import vl_convert as vlc

    if question.kind == "nombre":
        spec = charts.numbers_chart().to_dict()
        values = [{"valeur": v} for v in distribution["valeurs"]]
    else:
        spec = charts.choices_chart().to_dict()
        expected = set(question.answer) if isinstance(question.answer, tuple) else {question.answer}
        values = [{**c, "juste": c["choix"] in expected} for c in distribution["comptes"]]
    spec = copy.deepcopy(spec)
    spec["data"] = {"values": values}
    spec.pop("datasets", None)
    return vlc.vegalite_to_svg(spec)


def report_html(room: Room, now: float | None = None) -> str:
    now = time.time() if now is None else now
    store, prog = room.store, room.programme
    opened = store.opened_questions()
    started = min([t for t, _ in opened.values() if t] + [f for f, _ in store.steps_shown().values()] + [now])
    parts = [f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Rapport de séance — {escape(room.title)}"
             f"</title><style>{STYLE}</style></head><body>",
             f"<h1>Rapport de séance de DPC : {escape(room.title)}</h1>",
             f"<p>Séance du {french_date(started, with_time=False)} (« {escape(room.session_name)} »). "
             f"Rapport établi le {french_date(now)}.</p>",
             f"<p><strong>Participants</strong> : {store.seen()} personne(s) ont rejoint la salle "
             f"({room.settings.places} places). Aucune identité n'est enregistrée : ni nom, ni adresse, "
             "seulement des effectifs.</p>"]
    if prog is not None:
        shown = store.steps_shown()
        parts.append(f"<h2>Programme ({prog.minutes:g} minutes)</h2>")
        if prog.objectives:
            parts.append("<p>Objectifs :</p><ul>" + "".join(f"<li>{escape(o)}</li>" for o in prog.objectives) + "</ul>")
        kinds = {"simulateur": "Simulateur", "question": "Question", "pause": "Discussion"}
        rows = "".join(
            f"<tr><td>{i + 1}</td><td>{kinds[s.kind]} : {escape(s.title)}</td><td>{s.minutes:g} min</td>"
            f"<td>{'faite (' + french_date(shown[i][0]).split(' à ')[1] + ')' if i in shown else 'non faite'}</td></tr>"
            for i, s in enumerate(prog.steps))
        parts.append(f"<p>{len(shown)} étape(s) faite(s) sur {len(prog.steps)}.</p>"
                     f"<table><tr><th>Étape</th><th>Contenu</th><th>Durée prévue</th><th>Déroulement</th></tr>{rows}</table>")
    parts.append("<h2>Questions posées</h2>")
    asked = [(d, q) for d in room.dashboards for q in d.questions if (d.name, q.id) in opened]
    if not asked:
        parts.append("<p>Aucune question n'a été posée.</p>")
    for dash, q in asked:
        dist = store.distribution(dash.name, q)
        if q.kind == "nombre":
            answer = _number(q.answer) + (f" (à {_number(q.tolerance)} près)" if q.tolerance else "")
        elif isinstance(q.answer, tuple):
            answer = "« " + " ; ".join(q.answer) + " »"
        else:
            answer = f"« {q.answer} »"
        parts.append(
            f"<div class='question'><h3>{escape(dash.title)} — {escape(q.prompt)}</h3>"
            + (f"<p class='note'>{escape(q.vignette)}</p>" if q.vignette else "")
            + f"<p>{dist['repondants']} réponse(s) ; réponses attendues : {dist['justes']} "
            f"({_percent(dist['justes'], dist['repondants'])}).</p>"
            + (f"<div class='graphique' role='img' aria-label='Distribution des réponses'>{_chart_svg(q, dist)}</div>"
               if dist["repondants"] else "")
            + f"<p><strong>Réponse attendue</strong> : {escape(answer)}</p><p>{escape(q.explanation)}</p>"
            + (f"<p class='note'>Source : {escape(q.source)}</p>" if q.source else "") + "</div>")
    parts.append("<p class='note'>Le détail des effectifs par question et par réponse est dans l'export CSV de la "
                 "salle. Rapport produit par Atelier MG.</p></body></html>")
    return "".join(parts)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


async def print_pdf(page: str, timeout: float = 60) -> bytes:
    """The report printed to PDF by headless chromium (RuntimeError, in French, if that is not possible)."""
    binary = chromium()
    if binary is None:
        raise RuntimeError("Chromium est introuvable sur cet ordinateur : le rapport reste disponible en HTML.")
    with tempfile.TemporaryDirectory(prefix="atelier-rapport-") as tmp:
        source, target = Path(tmp) / "rapport.html", Path(tmp) / "rapport.pdf"
        source.write_text(page, encoding="utf-8")
        proc = await asyncio.create_subprocess_exec(
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profil'}", f"--print-to-pdf={target}", source.as_uri(),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            proc.kill()
            raise RuntimeError("L'impression du rapport en PDF a pris trop de temps : réessayez.") from None
        if not target.is_file() or target.stat().st_size == 0:
            raise RuntimeError("L'impression du rapport en PDF a échoué : le rapport reste disponible en HTML.")
        return target.read_bytes()


def write_final(room: Room) -> list[Path]:
    """At the end of the session: the report (HTML, and PDF when chromium is there) next to the answers."""
    page = report_html(room)
    base = room.store.path.with_suffix("")
    html_path = base.parent / f"{base.name}.rapport.html"
    html_path.write_text(page, encoding="utf-8")
    written = [html_path]
    try:
        pdf = asyncio.run(print_pdf(page))
    except RuntimeError:
        return written
    pdf_path = base.parent / f"{base.name}.rapport.pdf"
    pdf_path.write_bytes(pdf)
    return written + [pdf_path]
