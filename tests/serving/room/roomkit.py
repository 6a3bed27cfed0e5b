"""Outils des tests de la salle : un navigateur au niveau HTTP (ses cookies), une salle lancée pour de vrai."""

from __future__ import annotations

import gzip
import http.cookiejar
import json
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from conftest import BIN, ROOT, free_port, tool_env, wait_http

PLACES = 6


class Client:
    """One browser, at the HTTP level: its own cookies (participant id, _xsrf)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def request(self, path: str, body: object | None = None, xsrf: bool = True, headers: dict | None = None):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if data is not None:
            if "Content-Type" not in (headers or {}):
                req.add_header("Content-Type", "application/json")
            if xsrf:
                req.add_header("X-XSRFToken", self.cookie("_xsrf"))
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    def json(self, path: str, body: object | None = None, **kw):
        status, _, raw = self.request(path, body, **kw)
        return status, json.loads(raw)


class RoomProcess:
    def __init__(self, tmp: Path, session: str, places: int = PLACES, room: tuple[str, ...] = ("ecologie", "tester_ou_traiter")):
        self.port = free_port()
        self.log = tmp / f"{session}.log"
        self.args = [str(BIN / "atelier"), "salle", *room, "--ip", "127.0.0.1",
                     "--port", str(self.port), "--places", str(places), "--seance", session,
                     "--dossier-seances", str(tmp / "seances")]
        self.base = f"http://127.0.0.1:{self.port}"
        self.database = tmp / "seances" / f"{session}.sqlite"

    def __enter__(self):
        self.out = open(self.log, "w")  # noqa: SIM115 (closed in __exit__)
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env=tool_env(), stdout=self.out, stderr=subprocess.STDOUT)
        wait_http(f"{self.base}/salle/etat", timeout=60, proc=self.proc)
        text = self.log.read_text()
        assert "Salle prête" in text, text
        self.participant_url = re.search(r"Participants : (\S+)", text).group(1)
        self.facilitator_url = re.search(r"Animateur    : (\S+)", text).group(1)
        self.code = self.participant_url.rsplit("/", 1)[1]
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self.out.close()
        assert "Traceback" not in self.log.read_text(), self.log.read_text()[-3000:]


def facilitator(room: RoomProcess) -> Client:
    c = Client(room.base)
    status, _, body = c.request(room.facilitator_url.removeprefix(room.base))
    assert status == 200 and "animateur" in body.decode()
    return c


def participant(room: RoomProcess) -> tuple[Client, int, bytes]:
    c = Client(room.base)
    status, headers, body = c.request(f"/s/{room.code}", headers={"Accept-Encoding": "gzip"})
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return c, status, body
