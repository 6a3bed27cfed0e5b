"""Les pages de la salle (HTML en français, sans CDN) : participant, animateur, salle complète, code d'accès."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from .definition import RoomDashboard
from .programme import Programme

HEAD = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{static}/salle.css">
{scripts}</head>"""


def _json_script(element_id: str, value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _head(title: str, static: str, scripts: tuple[str, ...] = ()) -> str:
    tags = "".join(f'<script defer src="{static}/{name}"></script>\n' for name in scripts)
    return HEAD.format(title=escape(title), static=static, scripts=tags)


def participant_page(title: str, dashboards: list[RoomDashboard], config: dict[str, Any], static: str, book: str) -> str:
    """The page every participant gets (the same bytes for all: no per-person content)."""
    tabs = ""
    if len(dashboards) > 1:
        buttons = "".join(
            f'<button type="button" role="tab" aria-controls="t-{d.name}" aria-selected="{str(i == 0).lower()}">'
            f"{escape(d.title)}</button>"
            for i, d in enumerate(dashboards)
        )
        tabs = f'<nav class="onglets" role="tablist" aria-label="Simulateurs de la séance">{buttons}</nav>'
    sections = []
    for i, d in enumerate(dashboards):
        sims = "".join(
            f'<div class="carte"><div class="simulateur" data-spec="{d.name}-{k}"'
            + (f' data-spec-etroit="{d.name}-{k}-etroit"' if sim.narrow else "") + "></div></div>"
            for k, sim in enumerate(d.simulators)
        )
        sections.append(
            f'<section class="tableau" id="t-{d.name}"{" hidden" if i else ""}><h2>{escape(d.title)}</h2>{sims}'
            f'<p><a href="{book}{escape(d.chapter)}.html" target="_blank" rel="noopener">Lire le chapitre du livre</a></p>'
            "</section>"
        )
    return (
        _head(f"{title} — salle Atelier MG", static, ("vega.min.js", "nombres.js", "participant.js"))
        + '<body class="participant"><header><h1>' + escape(title) + "</h1>"
        + '<p class="etat" role="status">Chargement du simulateur…</p></header>'
        + '<section id="etape" class="carte etape" aria-live="polite" hidden></section>'
        + '<section id="question" class="carte question" aria-live="polite" hidden></section>'
        + f"<main>{tabs}{''.join(sections)}</main>"
        + _json_script("salle-config", config)
        + "</body></html>"
    )


def programme_panel(programme: Programme | None) -> str:
    """The facilitator's steps: the current one highlighted, « Étape précédente / suivante »."""
    if programme is None:
        return ""
    kinds = {"simulateur": "Simulateur", "question": "Question", "pause": "Discussion"}
    items = "".join(
        f'<li data-etape="{i}"><button type="button" class="lien" data-action="etape" data-index="{i}">'
        f"{kinds[s.kind]} : {escape(s.title)}</button>"
        + (f" <span class=\"duree\">({s.minutes:g} min)</span>" if s.minutes else "") + "</li>"
        for i, s in enumerate(programme.steps)
    )
    return (
        f'<div class="carte programme"><h2>Programme : {escape(programme.title)} ({programme.minutes:g} min)</h2>'
        '<p class="etape-en-cours" role="status"></p>'
        '<div class="actions"><button type="button" class="secondaire" data-action="precedente">Étape précédente</button>'
        '<button type="button" data-action="suivante">Étape suivante</button></div>'
        f'<ol class="liste-etapes">{items}</ol></div>'
    )


def live_panel(dashboards: list[RoomDashboard]) -> str:
    """Links to the full Voilà dashboards (one kernel, for the facilitator only)."""
    links = "".join(f'<li><a href="/animateur/voila/voila/render/{d.name}.ipynb" target="_blank" rel="noopener">'
                    f"{escape(d.title)}</a></li>" for d in dashboards)
    return ('<div class="carte"><h2>Tableaux de bord complets (Voilà)</h2><p>Pour l\'animateur seul : un noyau '
            f"Python sur cet ordinateur (ouvrir un tableau de bord ferme le précédent).</p><ul>{links}</ul></div>")


def projected_panel(dashboards: list[RoomDashboard]) -> str:
    """The simulator the facilitator moves, live on the projection (its settings are sent only there)."""
    options = "".join(
        f'<option value="{d.name}-{k}">{escape(d.title)}'
        + (f" ({k + 1}/{len(d.simulators)})" if len(d.simulators) > 1 else "") + "</option>"
        for d in dashboards for k, _ in enumerate(d.simulators)
    )
    boxes = "".join(f'<div class="simulateur" data-spec="{d.name}-{k}" hidden></div>'
                    for d in dashboards for k, _ in enumerate(d.simulators))
    return ('<div class="carte simulateur-anime"><h2>Simulateur projeté</h2>'
            "<p>Les curseurs que vous déplacez ici changent la vue à projeter (pas les téléphones des participants, "
            "qui gardent leurs propres réglages).</p>"
            f'<p><label for="simulateur-projete">Simulateur : </label><select id="simulateur-projete">{options}</select></p>'
            f'<div class="simulateurs">{boxes}</div><p class="reglages-etat" role="status"></p></div>')


def facilitator_page(title: str, dashboards: list[RoomDashboard], specs: dict[str, Any], config: dict[str, Any],
                     static: str, participant_url: str, code: str, qr_svg: str, places: int,
                     programme: Programme | None = None) -> str:
    items = []
    for d in dashboards:
        for q in d.questions:
            attrs = f'data-tableau="{d.name}" data-question="{q.id}"'
            items.append(
                f'<li data-cle="{d.name}:{q.id}"><strong>{escape(d.title)}</strong> — {escape(q.prompt)}'
                f'<div class="actions"><button type="button" data-action="ouvrir" {attrs}>Ouvrir</button>'
                f'<button type="button" class="secondaire" data-action="devoiler" {attrs}>Dévoiler la réponse</button>'
                "</div></li>"
            )
    questions = "".join(items) or "<li>Aucune question n'est prévue pour ces tableaux de bord.</li>"
    return (
        _head(f"Animateur — {title}", static, ("vega.min.js", "nombres.js", "animateur.js"))
        + '<body class="animateur"><header><h1>' + escape(title) + ' — animateur</h1>'
        + '<p class="pret" role="status">Salle prête</p></header><main>'
        + '<div class="grille"><div class="carte"><h2>Rejoindre la salle</h2>'
        + f'<div class="qr" role="img" aria-label="QR code de l\'adresse des participants">{qr_svg}</div>'
        + f'<p>Adresse : <a class="adresse" href="{escape(participant_url)}">{escape(participant_url)}</a></p>'
        + f'<p>Code de la salle : <span class="code">{escape(code)}</span></p></div>'
        + '<div class="carte"><h2>Participants connectés</h2>'
        + f'<p class="compteur">0 / {places}</p>'
        + '<p><a class="bouton secondaire" href="export.csv" download>Exporter les réponses (CSV, effectifs seulement)</a></p>'
        + '<p><a class="bouton" href="/animateur/projection" target="_blank" rel="noopener">Vue à projeter</a> '
        + '<a class="bouton secondaire" href="/animateur/rapport" target="_blank" rel="noopener">Rapport de séance</a></p>'
        + "</div></div>" + programme_panel(programme) + projected_panel(dashboards) + live_panel(dashboards)
        + '<div class="carte"><h2>Question en cours</h2><p class="question-ouverte"></p>'
        + '<p class="reponses-info" role="status">Aucune question ouverte.</p>'
        + '<div class="graphique" aria-live="polite"></div><p class="reponse-attendue"></p>'
        + '<button type="button" class="secondaire" data-action="fermer">Fermer la question</button></div>'
        + f'<div class="carte"><h2>Questions de la séance</h2><ol class="liste-questions">{questions}</ol></div>'
        + "</main>" + _json_script("salle-config", config) + _json_script("salle-specs", specs)
        + "</body></html>"
    )


def message_page(title: str, message: str, static: str, status_class: str = "") -> str:
    """A short French page: full room, unknown code, wrong token."""
    return (
        _head(f"{title} — Atelier MG", static)
        + f'<body class="{status_class}"><header><h1>{escape(title)}</h1></header>'
        + f'<main><div class="carte"><p role="alert">{escape(message)}</p></div></main></body></html>'
    )


def join_page(static: str, error: str = "") -> str:
    """Where a participant types the room code shown by the facilitator."""
    alert = f'<p class="retour erreur" role="alert">{escape(error)}</p>' if error else ""
    return (
        _head("Rejoindre une salle — Atelier MG", static)
        + '<body><header><h1>Rejoindre la salle</h1></header><main><div class="carte">'
        + '<form method="get" action="/rejoindre"><label for="code">Code affiché par l\'animateur :</label> '
        + '<input id="code" name="code" autocomplete="off" autocapitalize="characters" maxlength="8" '
        + 'style="min-height:44px;font-size:1.3rem;width:8rem;text-transform:uppercase"> '
        + f'<button type="submit">Rejoindre</button></form>{alert}</div></main></body></html>'
    )


def projection_page(title: str, dashboards: list[RoomDashboard], specs: dict[str, Any], config: dict[str, Any],
                    static: str, participant_url: str, code: str, qr_svg: str) -> str:
    """What the facilitator projects: large type, high contrast; the step, its simulator, the live answers."""
    boxes = "".join(
        f'<div class="simulateur" data-spec="{d.name}-{k}" data-tableau="{d.name}" hidden></div>'
        for d in dashboards for k, _ in enumerate(d.simulators)
    )
    return (
        _head(f"Projection — {title}", static, ("vega.min.js", "nombres.js", "projection.js"))
        + '<body class="projection"><header><h1>' + escape(title) + "</h1>"
        + '<button type="button" class="secondaire" data-action="qr" aria-expanded="false" aria-controls="rejoindre">'
        + "Afficher le QR code</button></header><main>"
        + '<section id="rejoindre" class="rejoindre" hidden><h2>Rejoindre la salle</h2>'
        + f'<div class="qr" role="img" aria-label="QR code de l\'adresse des participants">{qr_svg}</div>'
        + f'<p class="adresse">{escape(participant_url)}</p><p>Code : <span class="code">{escape(code)}</span></p></section>'
        + '<section class="etape-projetee" aria-live="polite"><p class="numero"></p><h2 class="titre"></h2>'
        + '<p class="consigne"></p></section>'
        + f'<section class="simulateurs" aria-label="Simulateur">{boxes}</section>'
        + '<section class="question-projetee" aria-live="polite" hidden><h2>Question</h2><p class="enonce"></p>'
        + '<p class="reponses-info" role="status"></p><div class="graphique"></div>'
        + '<div class="revelation" hidden><p class="reponse"></p><p class="explication"></p></div></section>'
        + "</main>" + _json_script("salle-config", config) + _json_script("salle-specs", specs)
        + "</body></html>"
    )
