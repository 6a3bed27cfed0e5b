"""La salle de DPC lancée depuis le hub : le service ``/services/salle/``, réservé aux enseignants.

A teacher opens ``/services/salle/`` (hub login through OAuth; only the group ``formgrade-<cours>`` holds the
scope ``access:services!service=salle``, and the service checks the teachers' list again), ticks the dashboards
and the number of places, and starts the room. The service runs ``atelier salle`` — the very command a
facilitator runs on a laptop, never imported (hub does not reach into ``serving``) — under the teacher's Unix
account, inside the same bubblewrap sandbox as a JupyterLab (package and course data read-only, the teacher's
sessions folder ``<dossier>/salles/<id>`` read-write), listening on ``[salle] adresse:port``. Its announced
addresses (participants, facilitator, state) are shown to that teacher only. Participants join on the local
network without a hub account, as in any DPC session. One room per hub at a time: « Fermer la salle » stops it;
the answers stay in the sessions folder.

The same page leads teachers to « Séance de TP » (``session_page.py``, ``session.py``): a group's JupyterLabs started
ahead of a TP through the hub's API, with the service's token, and stopped at its end.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import pwd
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..core.paths import REPO
from . import session_page
from .session import HubApi, Session
from .settings import HubSettings, load
from .spawner import bwrap_args, read_only_paths

SUFFIX = ".salle.yaml"
READY = "Salle prête"
START_SECONDS = 120


def room_dashboards(folder: Path = REPO / "dashboards") -> dict[str, str]:
    """Dashboards a room can offer (``<name>.salle.yaml``): name → title."""
    found = {}
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            title = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("titre")
        except yaml.YAMLError:
            title = None
        found[path.name.removesuffix(SUFFIX)] = str(title or path.name.removesuffix(SUFFIX))
    return found


@dataclass
class RunningRoom:
    teacher: str
    process: subprocess.Popen
    addresses: dict[str, str]  # Participants, Animateur, État


def room_command(settings: HubSettings, teacher: str, dashboards: list[str], places: int) -> tuple[list[str], Path]:
    """The sandboxed ``atelier salle`` command for ``teacher``, and their sessions folder."""
    entry = pwd.getpwnam(teacher)
    sessions = settings.data_dir / "salles" / teacher
    sessions.mkdir(parents=True, exist_ok=True)
    os.chown(sessions, entry.pw_uid, entry.pw_gid)
    sessions.chmod(0o700)
    book = REPO / "_build" / "html"
    read_only = read_only_paths([REPO / "dashboards", *([book] if book.is_dir() else [])])
    return ["bwrap", "--die-with-parent", *bwrap_args(read_only, [sessions]), "--chdir", str(sessions), "--",
            "setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups", "--no-new-privs", "--",
            sys.executable, "-m", "atelier_mg.cli", "--racine", str(REPO), "salle", *dashboards,
            "--places", str(places), "--ip", settings.room_ip, "--port", str(settings.room_port),
            "--dossier-seances", str(sessions)], sessions


class Launcher:
    """At most one room at a time, started and stopped by teachers."""

    def __init__(self, settings: HubSettings):
        self.settings = settings
        self.room: RunningRoom | None = None

    def running(self) -> RunningRoom | None:
        if self.room and self.room.process.poll() is not None:
            self.room = None
        return self.room

    async def start(self, teacher: str, dashboards: list[str], places: int) -> RunningRoom:
        known = room_dashboards()
        if not dashboards:
            raise ValueError("Choisissez au moins un tableau de bord.")
        unknown = [d for d in dashboards if d not in known]
        if unknown:
            raise ValueError(f"Tableau(x) de bord inconnu(s) : {', '.join(unknown)}.")
        if not 1 <= places <= 500:
            raise ValueError("Nombre de places : entre 1 et 500.")
        if self.running():
            raise ValueError(f"Une salle est déjà ouverte (par {self.room.teacher}) : fermez-la d'abord.")
        cmd, _ = room_command(self.settings, teacher, dashboards, places)
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        lines: list[str] = []
        ready = threading.Event()
        # The room's output is read for as long as it runs (a full pipe would block it).
        threading.Thread(target=self._drain, args=(process, lines, ready), daemon=True).start()
        if not await asyncio.to_thread(ready.wait, START_SECONDS):
            self._stop(process)
            raise ValueError(f"La salle n'a pas démarré en {START_SECONDS} s.")
        announced = list(lines)
        if process.poll() is not None or not any(READY in line for line in announced):
            self._stop(process)
            raise ValueError("La salle n'a pas démarré : " + " ".join(line.strip() for line in announced[-6:]))
        addresses = {}
        for line in announced:
            found = re.match(r"\s*(Participants|Animateur|État)\s*:\s*(\S+)", line)
            if found:
                addresses[found.group(1)] = found.group(2)
        self.room = RunningRoom(teacher, process, addresses)
        return self.room

    @staticmethod
    def _drain(process: subprocess.Popen, lines: list[str], ready: threading.Event) -> None:
        for line in process.stdout:
            if not ready.is_set():
                lines.append(line)
            if line.startswith("Arrêt"):  # the announcement's last line
                ready.set()
        ready.set()  # the room stopped (its last lines say why)

    def stop(self) -> None:
        if self.running():
            self._stop(self.room.process)
        self.room = None

    @staticmethod
    def _stop(process: subprocess.Popen) -> None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def page(body: str) -> str:
    return ("<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>Salle de DPC</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;"
            "line-height:1.5}label{display:block;margin:.3rem 0}button,input{font-size:1rem;min-height:2rem}"
            ".erreur{color:#8b0000;font-weight:bold}</style></head><body><main>"
            f"<h1>Salle de DPC</h1>{body}<p><a href='/hub/home'>Retour au hub</a></p></main></body></html>")


def make_app(settings: HubSettings, prefix: str, session: Session):
    import tornado.web
    from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated

    launcher = Launcher(settings)
    auth = HubOAuth.instance(cache_max_age=60)

    class Teacher(HubOAuthenticated, tornado.web.RequestHandler):
        """The teachers' pages: hub login (OAuth), teachers only, errors in French."""

        hub_auth = auth

        def teacher(self) -> str:
            name = self.current_user["name"]
            if name not in settings.teachers:
                raise tornado.web.HTTPError(403)
            return name

        @staticmethod
        def page(body: str) -> str:
            return page(body)

        def write_error(self, status_code, **kwargs):
            message = ("Cette page est réservée aux enseignants du cours." if status_code == 403
                       else f"Erreur {status_code}.")
            self.finish(page(f"<p class='erreur' role='alert'>{message}</p>"))

    class Home(Teacher):
        def show(self, error: str = "") -> None:
            room = launcher.running()
            parts = [f"<p class='erreur' role='alert'>{html.escape(error)}</p>" if error else ""]
            if room:
                labels = {"Participants": "Adresse des participants", "Animateur": "Page de l'animateur (à garder pour soi)",
                          "État": "État de la salle"}
                mine = room.teacher == self.teacher()
                parts.append(f"<p role='status'>Salle ouverte par {html.escape(room.teacher)}.</p>")
                if mine:
                    parts.append("<ul>" + "".join(
                        f"<li>{labels[k]} : <a href='{html.escape(v)}'>{html.escape(v)}</a></li>"
                        for k, v in room.addresses.items()) + "</ul>")
                parts.append(f"<form method='post'>{self.xsrf_form_html()}<input type='hidden' name='action' "
                             "value='fermer'><button type='submit'>Fermer la salle</button></form>")
            else:
                boxes = "".join(f"<label><input type='checkbox' name='tableau' value='{html.escape(k)}'> "
                                f"{html.escape(v)}</label>" for k, v in room_dashboards().items())
                parts.append(
                    f"<form method='post'>{self.xsrf_form_html()}<input type='hidden' name='action' value='ouvrir'>"
                    f"<fieldset><legend>Tableaux de bord de la séance</legend>{boxes}</fieldset>"
                    "<label>Nombre de places <input type='number' name='places' value='30' min='1' max='500'></label>"
                    "<button type='submit'>Ouvrir la salle</button></form>"
                    f"<p>Les participants se connecteront sans compte, sur le réseau local "
                    f"({html.escape(settings.room_ip)}, port {settings.room_port}).</p>")
            parts.append("<p><a href='seance'>Séance de TP : démarrer d'avance les JupyterLab d'un groupe</a></p>")
            self.finish(page("".join(parts)))

        @tornado.web.authenticated
        def get(self):
            self.teacher()
            self.show()

        @tornado.web.authenticated
        async def post(self):
            teacher = self.teacher()
            if self.get_argument("action", "") == "fermer":
                launcher.stop()
                return self.show()
            try:
                places = int(self.get_argument("places", "30"))
            except ValueError:
                return self.show("Nombre de places : un nombre entier est attendu.")
            try:
                await launcher.start(teacher, self.get_arguments("tableau"), places)
            except ValueError as exc:
                self.set_status(400)
                return self.show(str(exc))
            self.show()

    app = tornado.web.Application([
        (prefix, Home),
        *session_page.handlers(prefix, session, Teacher),
        (prefix + "oauth_callback", HubOAuthCallbackHandler),
    ], cookie_secret=os.urandom(32), xsrf_cookies=True)
    app.launcher = launcher
    app.session = session
    return app


def main(argv: list[str]) -> None:
    import tornado.ioloop

    logging.basicConfig(level=logging.INFO, format="[%(levelname)1.1s %(asctime)s salle] %(message)s")
    settings, port = load(Path(argv[0])), int(argv[1])
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/salle/")
    session = Session(settings, HubApi(os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"]))
    app = make_app(settings, prefix, session)

    async def after_restart():  # a session still open, the servers running when the hub stopped
        if await session.wait_for_hub():
            await session.resume()
            await session.relaunch()

    def quit(*_):  # the hub stops its services: close the room too (a session stays written, for the restart)
        app.launcher.stop()
        os._exit(0)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, quit)
    app.listen(port, address="127.0.0.1")
    loop = tornado.ioloop.IOLoop.current()
    loop.add_callback(after_restart)
    loop.start()


if __name__ == "__main__":
    main(sys.argv[1:])
