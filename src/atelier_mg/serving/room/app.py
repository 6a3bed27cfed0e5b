"""``atelier salle`` : une séance de DPC servie depuis l'ordinateur de l'animateur, sans Internet.

Design (see ARCHITECTURE.md): a participant's page needs no kernel. It is the book's simulator
(the same chart function, Vega-Lite parameters bound to inputs), compiled to Vega on the server and
computed in the page; the page and its assets are prepared and compressed before the room is
announced, so joining costs the server one small response and a few cached files. Answers go
to one SQLite file per session. The facilitator's page, protected by a token printed at start,
shows the QR code, the participants and the live answers.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import mimetypes
import re
import secrets
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
import tornado.ioloop
import tornado.locks
import tornado.web

from ...core.charts import FORMAT_LOCALE_FR, VENDOR_DIR
from ..static import NoCacheStaticHandler, vendor_handlers
from . import charts, definition, live, pages, programme
from .store import RoomStore

STATIC_DIR = Path(__file__).parent / "static"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
POLL_MS_PARTICIPANT = 1500
POLL_MS_FACILITATOR = 700


@dataclass
class RoomSettings:
    dashboards: list[str]
    dashboards_dir: Path
    sessions_dir: Path
    places: int = 30
    ip: str = "0.0.0.0"
    port: int = 8870
    session: str | None = None
    public_host: str | None = None
    book_dir: Path | None = None
    programme: Path | None = None


class Asset:
    """A static file held in memory, gzip-compressed once, served with a long cache lifetime."""

    def __init__(self, name: str, content: bytes):
        self.content = content
        self.gzipped = gzip.compress(content, compresslevel=9, mtime=0)
        self.type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if self.type.startswith("text/") or self.type.endswith("javascript"):
            self.type += "; charset=utf-8"


def lan_address() -> str:
    """The address other machines of the local network reach this one at (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


class Room:
    """Everything a room needs, prepared before it opens."""

    def __init__(self, settings: RoomSettings):
        if not 1 <= settings.places <= 500:
            raise definition.RoomDefinitionError("Le nombre de places doit être compris entre 1 et 500.")
        self.settings = settings
        self.programme = programme.load(settings.programme, settings.dashboards_dir) if settings.programme else None
        names = list(dict.fromkeys((self.programme.dashboards if self.programme else []) + list(settings.dashboards)))
        if not names:
            raise definition.RoomDefinitionError(
                "Nommez au moins un tableau de bord ou un programme (--programme seances/<nom>.yaml). "
                f"Tableaux de bord disponibles pour une salle : {', '.join(definition.available(settings.dashboards_dir))}.")
        self.dashboards = [definition.load(name, settings.dashboards_dir) for name in names]
        self.title = self.programme.title if self.programme else " · ".join(d.title for d in self.dashboards)
        self.version = 1  # grows at each change the participants must see (step, question, answer revealed)
        self.changed = tornado.locks.Condition()
        # The facilitator's live settings, for the projection only (participants are never woken by them).
        self.live: dict[str, Any] = {"numero": 1, "simulateur": None, "reglages": {}, "etape": None}
        self.live_changed = tornado.locks.Condition()
        self._flush = None  # the pending write of the participants' presence
        name = settings.session or time.strftime("seance-%Y-%m-%d-%H%M")
        if not re.fullmatch(r"[\w.-]{1,80}", name):
            raise definition.RoomDefinitionError(f"Nom de séance invalide : « {name} » (lettres, chiffres, « - », « _ »).")
        self.store = RoomStore(settings.sessions_dir / f"{name}.sqlite")
        self.session_name = name
        self.code = self._meta("code", lambda: "".join(secrets.choice(CODE_ALPHABET) for _ in range(4)))
        self.token = self._meta("jeton", lambda: secrets.token_urlsafe(12))
        self.cookie_secret = self._meta("secret_cookies", lambda: secrets.token_hex(32))
        host = settings.public_host or (lan_address() if settings.ip in ("0.0.0.0", "") else settings.ip)
        self.base_url = f"http://{host}:{settings.port}"
        self.participant_url = f"{self.base_url}/s/{self.code}"
        self.facilitator_url = f"{self.base_url}/animateur?jeton={self.token}"
        specs = {}
        self.simulators: dict[str, definition.Simulator] = {}  # « <tableau>-<rang> » → simulator
        for d in self.dashboards:
            for k, sim in enumerate(d.simulators):
                self.simulators[f"{d.name}-{k}"] = sim
                specs[f"{d.name}-{k}"] = charts.to_vega(sim.spec())
                if sim.narrow:
                    specs[f"{d.name}-{k}-etroit"] = charts.to_vega(sim.spec(narrow=True))
        self.assets = self._assets()
        # The simulators' Vega specs: one cached file, shared by every participant (the page stays small).
        self.assets["simulateurs.json"] = Asset("simulateurs.json", json.dumps(specs, ensure_ascii=False).encode())
        version = hashlib.sha256(b"".join(a.content for a in self.assets.values())).hexdigest()[:12]
        self.static_url = f"/salle/static/{version}"
        book = "/livre/"
        base_config = {"locale": FORMAT_LOCALE_FR}
        self.participant_html = Asset("page.html", pages.participant_page(
            self.title, self.dashboards, {**base_config, "api": "/salle/api", "intervalle": POLL_MS_PARTICIPANT,
                                          "simulateurs": f"{self.static_url}/simulateurs.json"},
            self.static_url, book).encode())
        qr = segno.make(self.participant_url, error="m").svg_inline(scale=6, border=2, omitsize=True,
                                                                   title="Adresse des participants")
        self.facilitator_html = Asset("animateur.html", pages.facilitator_page(
            self.title, self.dashboards, charts.distribution_specs(),
            {**base_config, "api": "/animateur/api", "intervalle": POLL_MS_FACILITATOR,
             "simulateurs": f"{self.static_url}/simulateurs.json"},
            self.static_url, self.participant_url, self.code, qr, settings.places, self.programme).encode())
        self.projection_html = Asset("projection.html", pages.projection_page(
            self.title, self.dashboards, charts.distribution_specs(big=True),
            {**base_config, "api": "/animateur/api", "intervalle": POLL_MS_FACILITATOR,
             "simulateurs": f"{self.static_url}/simulateurs.json"},
            self.static_url, self.participant_url, self.code, qr).encode())
        if self.programme is not None and self.step_index() is None:
            self.go_to_step(0)
        self.voila = None  # the facilitator's Voilà application, once the HTTP application is made
        self.ready = True

    def _meta(self, key: str, make) -> str:
        row = self.store.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row:
            return row[0]
        value = make()
        self.store.db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
        return value

    def _assets(self) -> dict[str, Asset]:
        files = {"vega.min.js": VENDOR_DIR / "vega.min.js"}
        files.update({p.name: p for p in STATIC_DIR.iterdir() if p.suffix in (".js", ".css")})
        return {name: Asset(name, path.read_bytes()) for name, path in files.items()}

    def dashboard(self, name: str) -> definition.RoomDashboard:
        for d in self.dashboards:
            if d.name == name:
                return d
        raise KeyError(name)

    def question_state(self) -> dict[str, Any] | None:
        current = self.store.current()
        if current is None:
            return None
        dash, qid = current
        q = self.dashboard(dash).question(qid)
        out = {**q.public(), "tableau": dash}
        if self.store.is_revealed(dash, qid):
            out["revele"] = q.revealed()
        return out

    def public_state(self) -> dict[str, Any]:
        return {
            "pret": self.ready, "places": self.settings.places, "participants": self.store.active(),
            "participants_vus": self.store.seen(), "tableaux": [d.name for d in self.dashboards],
            "question": self.question_state(), "etape": self.step_state(), "version": self.version,
        }

    # -- programme -----------------------------------------------------------------------------

    def step_index(self) -> int | None:
        if self.programme is None:
            return None
        row = self.store.db.execute("SELECT value FROM meta WHERE key = 'etape'").fetchone()
        return int(row[0]) if row else None

    def step_state(self) -> dict[str, Any] | None:
        index = self.step_index()
        if index is None:
            return None
        steps = self.programme.steps
        return steps[index].public(index, len(steps), {d.name: d for d in self.dashboards})

    def go_to_step(self, index: int) -> None:
        """Show step ``index`` to everyone: a question step opens its question, the others close it."""
        steps = self.programme.steps
        index = max(0, min(index, len(steps) - 1))
        step = steps[index]
        self.store.set_step(index, time.time())
        if step.kind == "question":
            if self.store.current() != (step.dashboard, step.question):
                self.store.open_question(step.dashboard, step.question)
        else:
            self.store.close_question()
        self.notify()
        self.set_live(None, {})  # the projection shows the new step at its own settings

    def set_live(self, simulator: str | None, settings: dict[str, Any]) -> dict[str, Any]:
        """The simulator the facilitator is moving and its settings, for the projection (not the participants)."""
        self.live = {"numero": self.live["numero"] + 1, "simulateur": simulator, "reglages": dict(settings),
                     "etape": self.step_index()}
        self.live_changed.notify_all()
        return self.live

    def check_live(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The simulator and settings of a facilitator's request, checked; ValueError with a French message."""
        key = body.get("simulateur")
        if not isinstance(key, str) or key not in self.simulators:
            raise ValueError("Simulateur inconnu dans cette salle.")
        settings = body.get("reglages")
        if not isinstance(settings, dict) or len(settings) > 50:
            raise ValueError("« reglages » doit associer un nom de curseur à une valeur.")
        sliders = self.simulators[key].sliders()
        for name, value in settings.items():
            if name not in sliders:
                raise ValueError(f"Réglage « {str(name)[:40]} » inconnu pour ce simulateur.")
            if not sliders[name](value) or (isinstance(value, float) and not math.isfinite(value)):
                raise ValueError(f"Valeur hors des bornes du réglage « {name} ».")
        return key, settings

    def keep_presence(self) -> None:
        """Write the participants' presence within a second, in one transaction for all (see RoomStore.flush)."""
        if self._flush is None and self.store.pending():
            self._flush = tornado.ioloop.IOLoop.current().call_later(1.0, self._write_presence)

    def _write_presence(self) -> None:
        self._flush = None
        self.store.flush()

    def notify(self) -> None:
        """Wake the participants' pages that wait for a change."""
        self.version += 1
        self.changed.notify_all()

    def make_app(self) -> tornado.web.Application:
        from .handlers import (
            AssetHandler,
            ExportHandler,
            FacilitatorApiHandler,
            FacilitatorPageHandler,
            FaviconHandler,
            JoinHandler,
            NotFoundHandler,
            ParticipantApiHandler,
            ParticipantPageHandler,
            ProjectionHandler,
            PublicStateHandler,
            ReportHandler,
        )

        room = {"room": self}
        handlers: list[tuple] = [
            (r"/", JoinHandler, room),
            (r"/rejoindre", JoinHandler, room),
            (r"/s/([A-Za-z0-9]{1,8})", ParticipantPageHandler, room),
            (r"/salle/etat", PublicStateHandler, room),
            (r"/salle/api/(etat|rejoindre|reponse|quitter)", ParticipantApiHandler, room),
            (r"/salle/static/[0-9a-f]+/(.*)", AssetHandler, room),
            (r"/animateur", FacilitatorPageHandler, room),
            (r"/animateur/projection", ProjectionHandler, room),
            (r"/animateur/rapport(\.pdf)?", ReportHandler, room),
            (r"/favicon\.ico", FaviconHandler, room),
            (r"/animateur/export\.csv", ExportHandler, room),
            (r"/animateur/api/(etat|ouvrir|devoiler|fermer|etape|reglages)", FacilitatorApiHandler, room),
        ]
        book = self.settings.book_dir
        if book is not None and (book / "index.html").is_file():
            handlers += vendor_handlers("/") + [
                (r"/livre", tornado.web.RedirectHandler, {"url": "/livre/"}),
                (r"/livre/(.*)", NoCacheStaticHandler, {"path": str(book), "default_filename": "index.html"}),
            ]
        # The full Voilà dashboards, for the facilitator only (token cookie), on the same port.
        live_handlers, voila_settings = live.voila_parts(self, self.settings.dashboards_dir)
        return tornado.web.Application(
            handlers + live_handlers, **{**voila_settings, "cookie_secret": self.cookie_secret, "xsrf_cookies": True,
                                         "default_handler_class": NotFoundHandler, "default_handler_args": room},
        )
