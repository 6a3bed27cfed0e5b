"""« Ouvrir la séance » : les JupyterLab d'un groupe d'internes démarrés d'avance, par l'API du hub.

A teacher, on the teachers' page (``room_service.py``, ``/services/salle/seance``), opens a TP session for the whole
promotion or for a list of ids: the service asks the hub (its REST API, with the service's own token, whose role
allows only ``servers`` on the groups ``nbgrader-<cours>`` and ``formgrade-<cours>``, see ``config.py``) to start
those servers, a few at a time — as many as the machine has processors, since a start is processor-bound, and never
more than ``memoire_totale`` holds (the hub answers 429 beyond it). Each intern's state is shown (waiting, starting,
ready, failed and why). The session ends at the time the teacher chose, or with « Fermer la séance »: its servers are
stopped (their files stay). Idle culling (``jupyterhub-idle-culler``) keeps working meanwhile. The session is written
to ``<dossier>/hub/seance.json`` so that a restarted hub still closes it on time.

After a hub restart, the servers that were running when it stopped (``config.remember_running_servers`` writes their
names to ``hub/a-relancer.json``) are started again the same way (``relaunch``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
import urllib.parse
from dataclasses import dataclass

from .settings import HubSettings

log = logging.getLogger("atelier.seance")
RECORD = "seance.json"
RELAUNCH = "a-relancer.json"
MINUTES = (15, 600)
LABELS = {"attente": "en attente", "demarrage": "démarrage en cours", "pret": "prêt", "echec": "échec",
          "arrete": "arrêté"}
FULL = "serveur complet : « memoire_totale » est atteinte (les autres JupyterLab ouverts comptent aussi)"


def concurrency() -> int:
    """Starts at once: one per processor (a start is processor-bound; more only queue behind each other)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def parse_ids(text: str) -> list[str]:
    """Ids pasted by a teacher: separated by spaces, commas, semicolons or lines; lower case, in order, once each."""
    seen: dict[str, None] = {}
    for word in re.split(r"[\s,;]+", text.strip().lower()):
        if word:
            seen.setdefault(word, None)
    return list(seen)


@dataclass
class Entry:
    name: str
    label: str  # « Prénom Nom » from the promotion
    state: str = "attente"
    reason: str = ""


class HubApi:
    """The few calls of JupyterHub's REST API a session needs, with the service's token."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url.rstrip("/"), token

    async def call(self, method: str, path: str, timeout: float = 60) -> tuple[int, str]:
        from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

        request = HTTPRequest(self.url + path, method=method, headers={"Authorization": f"token {self.token}"},
                              body="" if method == "POST" else None, request_timeout=timeout,
                              allow_nonstandard_methods=True)
        try:
            response = await AsyncHTTPClient().fetch(request, raise_error=False)
        except (OSError, HTTPClientError) as exc:
            return 0, str(exc)
        return response.code, response.body.decode("utf-8", "replace") if response.body else ""

    @staticmethod
    def user_path(name: str) -> str:
        return "/users/" + urllib.parse.quote(name, safe="")


class Session:
    """At most one session at a time; its entries are what the teachers' page shows."""

    def __init__(self, settings: HubSettings, api: HubApi, start_seconds: int | None = None):
        self.settings, self.api = settings, api
        self.start_seconds = start_seconds or settings.limits.start_seconds
        self.teacher = ""
        self.ends = 0.0  # time.time() at which the session closes
        self.entries: dict[str, Entry] = {}
        self.relaunched: dict[str, Entry] = {}  # servers started again after a hub restart
        self._task: asyncio.Task | None = None
        self._timer: asyncio.TimerHandle | None = None

    # --- what a teacher asks -------------------------------------------------------------------------------

    def roster(self) -> dict[str, str]:
        from .accounts import roster_people

        teachers = set(self.settings.teachers)
        return {i: f"{first} {last}".strip() or i for i, first, last, _ in roster_people(self.settings)
                if i not in teachers}

    def group(self, everyone: bool, pasted: str) -> list[str]:
        """The interns a teacher chose; :class:`ValueError` (French) if one is not in the promotion."""
        roster = self.roster()
        if everyone:
            return sorted(roster)
        names = parse_ids(pasted[:20_000])
        if not names:
            raise ValueError("Choisissez « toute la promotion » ou collez les identifiants des internes de la séance.")
        unknown = [n for n in names if n not in roster]
        if unknown:
            shown = ", ".join(f"« {n[:40]} »" for n in unknown[:10]) + (" …" if len(unknown) > 10 else "")
            raise ValueError(f"Absent(s) de la promotion : {shown}. Corrigez la liste : aucun JupyterLab n'a été "
                             "démarré.")
        return names

    @property
    def open(self) -> bool:
        return bool(self.entries)

    async def start(self, teacher: str, names: list[str], minutes: int) -> None:
        if self.open:
            raise ValueError(f"Une séance est déjà ouverte (par {self.teacher}) : fermez-la d'abord.")
        if not MINUTES[0] <= minutes <= MINUTES[1]:
            raise ValueError(f"Durée de la séance : entre {MINUTES[0]} et {MINUTES[1]} minutes.")
        places = self.settings.limits.places
        if places and len(names) > places:
            raise ValueError(f"La séance demande {len(names)} JupyterLab ; la machine en admet {places} à la fois "
                             "(« memoire_totale » de hub.toml) : choisissez un groupe plus petit.")
        roster = self.roster()
        self.teacher, self.ends = teacher, time.time() + minutes * 60
        self.entries = {n: Entry(n, roster.get(n, n)) for n in names}
        self._save()
        self._schedule()
        self._task = asyncio.ensure_future(self._start_all(self.entries))

    async def close(self) -> None:
        """Stop the session's servers (their files stay) and forget the session."""
        if self._timer:
            self._timer.cancel()
            self._timer = None
        if self._task and not self._task.done():
            self._task.cancel()
        entries, self.entries = list(self.entries.values()), {}
        self.teacher, self.ends = "", 0.0
        (self.settings.state / RECORD).unlink(missing_ok=True)
        limit = asyncio.Semaphore(concurrency() * 4)  # stopping is cheap

        async def stop(entry: Entry) -> None:
            async with limit:
                code, body = await self.api.call("DELETE", self.api.user_path(entry.name) + "/server")
                if code not in (202, 204) and "not running" not in body:
                    log.warning("Séance : arrêt du JupyterLab de %s refusé (%s) : %s", entry.name, code, body[:300])
                entry.state = "arrete"

        await asyncio.gather(*(stop(e) for e in entries))
        log.info("Séance fermée : %d JupyterLab arrêtés.", len(entries))

    def summary(self) -> dict:
        counts = {state: 0 for state in LABELS}
        for entry in self.entries.values():
            counts[entry.state] += 1
        return {"ouverte": self.open, "enseignant": self.teacher, "fin": self.ends, "compte": counts,
                "internes": [{"id": e.name, "nom": e.label, "etat": e.state, "libelle": LABELS[e.state],
                              "raison": e.reason} for e in self.entries.values()],
                "relances": [{"id": e.name, "etat": e.state, "libelle": LABELS[e.state], "raison": e.reason}
                             for e in self.relaunched.values()]}

    # --- starting ------------------------------------------------------------------------------------------

    async def _start_all(self, entries: dict[str, Entry]) -> None:
        limit = asyncio.Semaphore(concurrency())
        full = asyncio.Event()

        async def one(entry: Entry) -> None:
            async with limit:
                if full.is_set():
                    entry.state, entry.reason = "echec", FULL
                    return
                await self._start_one(entry)
                if entry.reason == FULL:
                    full.set()

        await asyncio.gather(*(one(e) for e in list(entries.values())))
        ready = sum(e.state == "pret" for e in entries.values())
        log.info("%d JupyterLab prêts sur %d.", ready, len(entries))

    async def _start_one(self, entry: Entry) -> None:
        path = self.api.user_path(entry.name)
        entry.state = "demarrage"
        code, body = await self.api.call("POST", path + "/server", timeout=self.start_seconds + 30)
        if code == 201 or code == 400 and "already running" in body:
            entry.state = "pret"
            return
        if code == 429:
            entry.state, entry.reason = "echec", FULL
            return
        if code != 202 and not (code == 400 and "pending spawn" in body):
            entry.state, entry.reason = "echec", f"refusé par le hub (code {code}) : {_message(body)}"
            log.warning("Séance : démarrage de %s refusé (%s) : %s", entry.name, code, body[:300])
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.start_seconds + 30
        while loop.time() < deadline:
            await asyncio.sleep(1)
            code, body = await self.api.call("GET", path)
            if code != 200:
                continue
            server = (json.loads(body).get("servers") or {}).get("")
            if server and server.get("ready"):
                entry.state = "pret"
                return
            if not server:  # ended without being ready: the hub's progress stream says why
                _, events = await self.api.call("GET", path + "/server/progress", timeout=30)
                entry.state, entry.reason = "echec", _failure(events)
                return
        entry.state, entry.reason = "echec", f"pas prêt après {self.start_seconds + 30} s"

    # --- surviving a restart of the hub or of this service -------------------------------------------------

    def _save(self) -> None:
        record = self.settings.state / RECORD
        temporary = record.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"enseignant": self.teacher, "fin": self.ends, "internes": list(self.entries)}, out)
        temporary.replace(record)

    def _schedule(self) -> None:
        delay = max(0.0, self.ends - time.time())
        self._timer = asyncio.get_running_loop().call_later(delay, lambda: asyncio.ensure_future(self.close()))

    async def resume(self) -> None:
        """At the service's start: a session written before a restart goes on (or closes, if its time is past)."""
        record = self.settings.state / RECORD
        try:
            saved = json.loads(record.read_text())
            names = [n for n in saved["internes"] if isinstance(n, str)]
            teacher, ends = str(saved["enseignant"]), float(saved["fin"])
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError):
            log.error("Séance : %s illisible, ignoré.", record)
            record.unlink(missing_ok=True)
            return
        roster = self.roster()
        self.teacher, self.ends = teacher, ends
        self.entries = {n: Entry(n, roster.get(n, n)) for n in names if n in roster}
        if time.time() >= ends:
            await self.close()
            return
        self._schedule()
        self._task = asyncio.ensure_future(self._start_all(self.entries))

    async def wait_for_hub(self, seconds: float = 120) -> bool:
        """The hub starts its services before its API answers: wait for it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            if (await self.api.call("GET", "/", timeout=5))[0] == 200:
                return True
            await asyncio.sleep(0.5)
        log.error("Séance : l'API du hub ne répond pas.")
        return False

    async def relaunch(self) -> None:
        """Start again the servers that were running when the hub stopped (``hub/a-relancer.json``)."""
        path = self.settings.state / RELAUNCH
        try:
            names = json.loads(path.read_text())
        except FileNotFoundError:
            return
        except (OSError, ValueError):
            names = []
        path.unlink(missing_ok=True)
        known = set(self.roster()) | set(self.settings.teachers)
        self.relaunched = {n: Entry(n, n) for n in names if isinstance(n, str) and n in known}
        if self.relaunched:
            log.info("Reprise après l'arrêt du hub : %d JupyterLab à relancer.", len(self.relaunched))
            await self._start_all(self.relaunched)


def _message(body: str) -> str:
    try:
        return str(json.loads(body).get("message", ""))[:300]
    except (ValueError, AttributeError):
        return body[:300]


def _failure(events: str) -> str:
    """The reason of a failed start, from the hub's progress stream (``data: {...}`` lines)."""
    from .spawner import StartFailed

    message = ""
    for line in events.splitlines():
        if line.startswith("data:"):
            try:
                message = str(json.loads(line[5:]).get("message", message))
            except ValueError:
                continue
    if StartFailed.jupyterhub_message in message:
        return "le JupyterLab s'est arrêté pendant son démarrage (cause dans le journal du hub)"
    if "Timeout" in message or "timeout" in message:
        return "pas prêt dans le délai de démarrage (« demarrage_secondes »)"
    return "n'a pas démarré" + (f" (détail : {message.removeprefix('Spawn failed: ')[:300]})" if message else "")

