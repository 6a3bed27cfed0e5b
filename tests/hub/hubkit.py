"""Outils des tests du hub : un cours jetable, un vrai JupyterHub sur 127.0.0.1, un interne dans chromium."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from conftest import ROOT, tool_env, wait_http

ASSIGNMENT = "ecologie"
COURSE_ID = "atelier-mg"
PASSWORD = "Bronchiolite-2026!"
CODES: dict[str, str] = {}  # sign-up codes of the running hub (read from its mail-merge files by running_hub)


def signup_codes(settings: Path) -> dict[str, str]:
    """The codes the hub wrote for the DMG's mail merge (donnees/hub/codes-inscription-*.csv, root only)."""
    found = {}
    for export in sorted((settings.parent / "donnees" / "hub").glob("codes-inscription-*.csv")):
        for line in export.read_text(encoding="utf-8").splitlines()[1:]:
            fields = line.split(";")
            found[fields[0]] = fields[-1]
    return found


def free_base_port() -> int:
    """A port p such that p … p+5 are free (hub, its API, the proxy's API, the book, the room service, a room).

    Drawn below the kernel's ephemeral range (32768-60999 here): a port of that range that is free now can be
    taken seconds later by any outgoing connection of the machine, before the hub or the room binds it.
    """
    low, _ = (int(x) for x in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    for _ in range(200):
        base = random.randrange(10_000, low - 6)
        try:
            for offset in range(6):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
    raise RuntimeError("pas de ports libres")


def subnet(port: int) -> str:
    return f"10.{20 + port % 200}.0.0/16"


def make_hub_folder(folder: Path, interns: list[str], teachers: list[str], port: int, **extra: str) -> Path:
    """A course (config + solutions/ecologie), a promotion and a hub.toml; returns the settings file."""
    course = folder / "cours"
    (course / "solutions").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, course / "solutions" / ASSIGNMENT)
    lines = ["id;prenom;nom;email"] + [f"{i};{i.title()};Interne;{i}@exemple.fr" for i in interns]
    (folder / "promotion.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    more = "".join(f"{k} = {v}\n" for k, v in extra.items())
    settings = folder / "hub.toml"
    settings.write_text(f'cours = "{COURSE_ID}"\npromotion = "promotion.csv"\nenseignants = {json.dumps(teachers)}\n'
                        f'adresse = "127.0.0.1"\nport = {port}\ndossier = "donnees"\n{more}'
                        # each test hub its own servers' network, so that two hubs may run at once
                        f'[reseau]\nsous_reseau = "{subnet(port)}"\n', encoding="utf-8")
    return settings


def hub_command(settings: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    course = settings.parent / "cours"
    done = subprocess.run([sys.executable, "-m", "atelier_mg.cli", "--racine", str(course), "hub", "--reglages",
                           str(settings), *args], env=tool_env(), capture_output=True, text=True, cwd=course)
    if check:
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@contextlib.contextmanager
def running_hub(settings: Path, port: int, log: Path):
    course = settings.parent / "cours"
    with open(log, "a") as out:
        proc = subprocess.Popen([sys.executable, "-m", "atelier_mg.cli", "--racine", str(course), "hub", "--reglages",
                                 str(settings)], env=tool_env(), stdout=out, stderr=subprocess.STDOUT, cwd=course,
                                start_new_session=True)
        try:
            wait_http(f"http://127.0.0.1:{port}/hub/login", timeout=150, proc=proc)
            CODES.clear()
            CODES.update(signup_codes(settings))
            yield proc
        finally:
            proc.terminate()  # JupyterHub stops the interns' servers, the proxy and the services
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            subprocess.run(["ip", "link", "del", f"atl{port}"], capture_output=True)  # the servers' bridge
            unmount_under(settings.parent)  # the homes' and the exchange's own disks (« [limites] disque »)


def unmount_under(folder: Path) -> list[str]:
    """Unmount every file system mounted below ``folder`` (deepest first); returns their mount points."""
    found = [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()
             if line.split()[1].startswith(f"{folder}/")]
    for point in sorted(found, reverse=True):
        subprocess.run(["umount", point], capture_output=True)
    return found


class Intern:
    """One person in their own browser context: sign up, log in, call their server's APIs with its cookies."""

    def __init__(self, browser, base: str, name: str) -> None:
        self.base, self.name = base, name
        self.context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()

    def sign_up(self, password: str = PASSWORD, code: str | None = None) -> str:
        """Sign up with this person's code (the one the DMG sent them), or with ``code``."""
        pg = self.page
        pg.goto(f"{self.base}/hub/signup")
        pg.fill("#username_input", self.name)
        pg.fill("#code_input", CODES.get(self.name, "") if code is None else code)
        pg.fill("#password_input", password)
        pg.fill("#password_confirmation_input", password)
        pg.click("#signup_submit")
        return pg.locator("[role=alert]").inner_text()

    def log_in(self, password: str = PASSWORD) -> None:
        pg = self.page
        pg.goto(f"{self.base}/hub/login")
        pg.fill("#username_input", self.name)
        pg.fill("#password_input", password)
        pg.click("#login_submit")

    def open_lab(self) -> float:
        """Log in must have happened; waits for the French JupyterLab; returns the seconds it took."""
        start = time.monotonic()
        self.page.goto(f"{self.base}/hub/spawn/{self.name}")
        self.page.wait_for_url(re.compile(rf".*/user/{re.escape(self.name)}/lab.*"), timeout=150_000)
        self.page.get_by_role("menuitem", name="Fichier").wait_for(timeout=120_000)
        return time.monotonic() - start

    def _xsrf(self) -> dict[str, str]:
        for cookie in self.context.cookies(self.base + f"/user/{self.name}/"):
            if cookie["name"] == "_xsrf":
                return {"X-XSRFToken": cookie["value"]}
        return {}

    def api(self, method: str, path: str, owner: str | None = None, **kw):
        url = f"{self.base}/user/{owner or self.name}/{path}"
        return self.page.request.fetch(url, method=method, headers=self._xsrf(), max_redirects=0, **kw)

    def assignments(self, action: str | None = None) -> dict:
        form = {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}
        if action is None:
            r = self.api("GET", f"assignments?course_id={COURSE_ID}")
        else:
            r = self.api("POST", f"assignments/{action}", form=form)
        assert r.ok, f"{action} : {r.status} {r.text()[:500]}"
        return r.json()

    def notebook(self, path: str = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb") -> dict:
        r = self.api("GET", f"api/contents/{path}?content=1")
        assert r.ok, f"{path} : {r.status}"
        return r.json()["content"]

    def save(self, nb: dict, path: str = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb") -> None:
        r = self.api("PUT", f"api/contents/{path}", data=json.dumps({"type": "notebook", "format": "json", "content": nb}))
        assert r.ok, f"{path} : {r.status} {r.text()[:300]}"

    def token(self) -> str:
        """A hub API token of their own (logged in), asked from a hub page as JupyterHub's own pages do."""
        self.page.goto(f"{self.base}/hub/token")
        r = self.page.evaluate("""async (name) => {
            const r = await fetch(`/hub/api/users/${name}/tokens`, {method: "POST",
                headers: {"X-XSRFToken": window.jhdata.xsrf_token, "Content-Type": "application/json"},
                body: JSON.stringify({note: "test", expires_in: 3600})});
            return {status: r.status, body: await r.text()}; }""", self.name)
        assert r["status"] == 201, r
        return json.loads(r["body"])["token"]

    def close(self) -> None:
        self.context.close()


def run_in_kernel(base: str, user: str, token: str, code: str) -> str:
    """Run ``code`` in a new kernel of ``user``'s own server (their sandbox, their account); returns its stdout."""
    # Playwright's sync API keeps an event loop in this thread: the kernel is spoken to from another one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _execute(base, user, token, code)).result()


def shell_in_kernel(base: str, user: str, token: str, *scripts: str) -> list[int]:
    """Each shell script run from a kernel of ``user``'s own server; their return codes."""
    out = run_in_kernel(base, user, token, "import json, subprocess\n"
                                           f"scripts = {list(scripts)!r}\n"
                                           "codes = [subprocess.run(['sh', '-c', s], capture_output=True).returncode "
                                           "for s in scripts]\n"
                                           "print(json.dumps(codes))\n")
    return json.loads(out.strip().splitlines()[-1])


async def _execute(base: str, user: str, token: str, code: str) -> str:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Authorization": f"token {token}"}
    kernel = requests.post(f"{base}/user/{user}/api/kernels", headers=headers, json={"name": "python3"}, timeout=60)
    assert kernel.ok, f"{kernel.status_code} {kernel.text[:300]}"
    kid = kernel.json()["id"]
    ws = await websocket_connect(HTTPRequest(f"{base.replace('http', 'ws')}/user/{user}/api/kernels/{kid}/channels",
                                             headers=headers, connect_timeout=60))
    msg_id = uuid.uuid4().hex
    ws.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user, "session": uuid.uuid4().hex,
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    out: list[str] = []
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(ws.read_message(), timeout=120)
            assert raw is not None, "noyau fermé"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"])[-2000:])
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out)
    finally:
        ws.close()
        requests.delete(f"{base}/user/{user}/api/kernels/{kid}", headers=headers, timeout=30)
    raise AssertionError("le noyau n'a pas répondu")


def with_solutions(nb: dict, course: Path) -> dict:
    """The fetched notebook with the teacher's solution in every answer cell."""
    sol = json.loads((course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    answers = {c["metadata"].get("nbgrader", {}).get("grade_id"): c["source"] for c in sol["cells"]}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = answers[meta["grade_id"]]
    return nb
