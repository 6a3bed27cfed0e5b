"""Outils des tests du hub : un cours jetable, un vrai JupyterHub sur 127.0.0.1, un interne dans chromium."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

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
    """A port p such that p … p+5 are free (hub, its API, the proxy's API, the book, the room service, a room)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base > 65000:
            continue
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

    def close(self) -> None:
        self.context.close()


def with_solutions(nb: dict, course: Path) -> dict:
    """The fetched notebook with the teacher's solution in every answer cell."""
    sol = json.loads((course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    answers = {c["metadata"].get("nbgrader", {}).get("grade_id"): c["source"] for c in sol["cells"]}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = answers[meta["grade_id"]]
    return nb
