"""Les tableaux de bord qu'on peut servir à une salle, et rien d'autre.

A dashboard is room-safe when everything a participant does stays in their own kernel: no file
written on the server, no path typed by the participant, uploads kept in memory, downloads as
links generated in the page. The carnet de compétences is not: it is the intern's own file, opened
in their own JupyterLab (``notebooks/carnet.ipynb``).

Every other Voilà route that would show the server's files (the tree page, which also loads a
font from a CDN, the contents API, ``/voila/files/``) answers 404.
"""

from __future__ import annotations

import html
import re

import tornado.web

ROOM_SAFE = (
    "annee_mg",
    "biais_depistage",
    "bilan_stage",
    "capacite_territoire",
    "classer_prevention",
    "depistage",
    "ecologie",
    "equipe_soins",
    "patientele",
    "planning_dmg",
    "polymedication",
    "sobriete",
    "tester_ou_traiter",
)

NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Page introuvable — Atelier MG</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em;">
<h1>Page introuvable</h1>
<p>{message}</p>
<p><a href="{book}">Aller au livre Atelier MG</a></p>
</body></html>"""


class NotServedHandler(tornado.web.RequestHandler):
    """A French 404 for everything that is not served (whatever the method)."""

    def initialize(self, book_url: str = "/livre/") -> None:
        self.book_url = book_url

    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        message = "Cette page n'est pas servie : seuls le livre et les tableaux de bord prévus pour une salle le sont."
        self.finish(NOT_FOUND_PAGE.format(message=html.escape(message), book=html.escape(self.book_url)))


def dashboard_handlers(base_url: str = "/", allowed: tuple[str, ...] = ROOM_SAFE) -> list[tuple]:
    """Routes placed before Voilà's own: 404 for any notebook outside ``allowed`` and for file listings."""
    names = "|".join(re.escape(name) for name in allowed)
    conf = {"book_url": f"{base_url}livre/"}
    return [
        (rf"{base_url}voila/render/(?!(?:{names})\.ipynb$).*", NotServedHandler, conf),
        (rf"{base_url}voila/tree(?:/.*)?", NotServedHandler, conf),
        (rf"{base_url}voila/api/contents(?:/.*)?", NotServedHandler, conf),
        (rf"{base_url}voila/files/.*", NotServedHandler, conf),
    ]
