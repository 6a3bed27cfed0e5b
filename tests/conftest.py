"""Fixtures partagées : racine du dépôt, environnement des outils, livre construit, serveur lancé, navigateur."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from atelier_mg.serving.environment import jupyter_env

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool_env() -> dict[str, str]:
    """Environment for subprocesses: this venv's tools first (nbgrader calls « alembic » by name)."""
    env = jupyter_env()
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env["PYTHONUNBUFFERED"] = "1"
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 90, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"le serveur s'est arrêté (code {proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} ne répond pas après {timeout} s")


@contextlib.contextmanager
def running(args: list[str], ready_url: str, log: Path | None = None, timeout: float = 90, **popen):
    """A server process, started with the tools' environment, until ``ready_url`` answers; stopped on exit.

    Output goes to ``log`` (or nowhere). Yields the process.
    """
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        proc = subprocess.Popen(args, env=tool_env(), stdout=out, stderr=subprocess.STDOUT, **popen)
        try:
            wait_http(ready_url, timeout=timeout, proc=proc)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    finally:
        if log:
            out.close()


@contextlib.contextmanager
def voila_on(folder: Path, allowed: tuple[str, ...], **options):
    """Our Voilà application (« atelier serve ») on ``folder/tableaux``, with a one-page book; yields its URL.

    ``options`` are passed to ``make_voila_app`` (for example ``execution_timeout``).
    """
    dashboards, book = folder / "tableaux", folder / "livre"
    book.mkdir(parents=True, exist_ok=True)
    (book / "index.html").write_text("<!DOCTYPE html><html lang='fr'><title>Livre</title></html>")
    port = free_port()
    code = (
        "from pathlib import Path\nfrom atelier_mg.serving.server import make_voila_app\n"
        f"app = make_voila_app(Path({str(book)!r}), Path({str(dashboards)!r}), '127.0.0.1', {port}, "
        f"allowed={allowed!r}, **{options!r})\napp.start()\n"
    )
    url = f"http://127.0.0.1:{port}"
    with running([sys.executable, "-c", code], f"{url}/livre/index.html", log=folder / "voila.log", cwd=ROOT):
        yield url


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The book built once per session with « atelier build » (the command users run)."""
    result = subprocess.run(
        [str(BIN / "atelier"), "build"], cwd=ROOT, env=tool_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def server(built_book, tmp_path_factory):
    """« atelier serve » on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    base = f"http://127.0.0.1:{port}"
    with running([str(BIN / "atelier"), "serve", "--port", str(port)], f"{base}/livre/index.html", log=log, cwd=ROOT):
        yield base
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]


# -- real browser (Debian chromium, no network) -------------------------------------------------

NNBSP = "\u202f"  # French thousands separator used in every count
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page whose context records every request and every failed response."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
    pg = context.new_page()
    pg.requests = []
    pg.failures = []
    # Recorded on the context, so that tabs opened by links are checked too.
    context.on("request", lambda r: pg.requests.append(r.url))
    context.on("response", lambda r: r.status >= 400 and pg.failures.append(f"{r.status} {r.url}"))
    yield pg
    context.close()
    outside = [u for u in pg.requests if not (u.startswith(server + "/") or u.startswith(("data:", "blob:")))]
    assert not outside, f"requêtes hors de 127.0.0.1 : {outside}"


def chart_text(pg: Page, scope: str = "") -> str:
    return pg.locator(f"{scope} .atelier-graphique[data-atelier-rendu=ok] svg").last.text_content()


# -- accessibility (axe-core from the npm registry, injected from node_modules/: no network) ----

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def serious_accessibility_violations(pg: Page) -> list[str]:
    """axe-core's serious and critical violations on the current page, one French line each."""
    assert AXE.is_file(), "axe-core manquant : lancez ./scripts/setup.sh (npm ci)"
    pg.add_script_tag(path=str(AXE))
    violations = pg.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.impact} ${v.id} : ${v.help} — ${v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | ')}`)"""
    )
    return list(violations)


@pytest.fixture
def phone(browser, server):
    """A 390 × 844 touch screen (a phone), refusing any request outside 127.0.0.1."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", has_touch=True, is_mobile=True)
    pg = context.new_page()
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    yield pg
    context.close()
    outside = [u for u in requests if not (u.startswith(server + "/") or u.startswith(("data:", "blob:")))]
    assert not outside, f"requêtes hors de 127.0.0.1 : {outside}"
