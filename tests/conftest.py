"""Fixtures partagées : racine du dépôt, environnement des outils, livre construit, serveur lancé."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from atelier_mg.server import jupyter_env

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
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(BIN / "atelier"), "serve", "--port", str(port)],
            cwd=ROOT, env=tool_env(), stdout=out, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/livre/index.html", proc=proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]
