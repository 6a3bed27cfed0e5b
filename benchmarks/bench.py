"""Mesures de performance d'Atelier MG (à lancer à la main ; rien n'est chronométré dans les tests).

Prints, each over several runs with the median:
- book build time, clean (empty cache) and incremental (one chapter touched);
- dashboard time-to-interactive: request → first widget visible, in headless Debian chromium,
  for the first page of a fresh server (cold) and for later pages (warm).

Usage : .venv/bin/python benchmarks/bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))

from atelier_mg.serving.environment import jupyter_env  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def env() -> dict[str, str]:
    e = jupyter_env()
    e["PATH"] = f"{BIN}:{e.get('PATH', '')}"
    return e


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def book_builds(runs: int) -> tuple[list[float], list[float]]:
    """Builds in a copy of the repository, so the working tree's _build is left alone."""
    clean, incremental = [], []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "atelier"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache"))
        cmd = [str(BIN / "atelier"), "--racine", str(copy), "build"]
        for _ in range(runs):
            shutil.rmtree(copy / "_build", ignore_errors=True)
            clean.append(timed(cmd, copy))
            (copy / "book" / "ecologie.md").touch()
            incremental.append(timed(cmd, copy))
    return clean, incremental


def dashboard_tti(runs: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    cold, warm = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            proc = subprocess.Popen(
                [str(BIN / "atelier"), "serve", "--port", str(port), "--sans-construction"],
                cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                for _ in range(300):
                    try:
                        urllib.request.urlopen(f"{base}/livre/index.html", timeout=2)
                        break
                    except OSError:
                        time.sleep(0.1)
                for attempt in range(3):
                    page = browser.new_page()
                    start = time.perf_counter()
                    page.goto(f"{base}/voila/render/ecologie.ipynb")
                    page.locator(".atelier-population").wait_for(state="visible", timeout=120_000)
                    (cold if attempt == 0 else warm).append(time.perf_counter() - start)
                    page.close()
            finally:
                proc.terminate()
                proc.wait(timeout=20)
        browser.close()
    return cold, warm


def show(label: str, values: list[float]) -> float:
    med = statistics.median(values)
    print(f"{label:<48} médiane {med:6.2f} s   ({', '.join(f'{v:.2f}' for v in values)})")
    return med


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (ROOT / "_build" / "html" / "index.html").exists():
        subprocess.run([str(BIN / "atelier"), "build"], cwd=ROOT, env=env(), check=True)
    clean, incremental = book_builds(args.runs)
    cold, warm = dashboard_tti(args.runs)
    print(f"\nAtelier MG — mesures ({args.runs} essais, {time.strftime('%Y-%m-%d %H:%M')})")
    c = show("Livre : construction propre (cache vide)", clean)
    i = show("Livre : construction incrémentale (1 chapitre)", incremental)
    k = show("Tableau de bord : 1re page d'un serveur neuf", cold)
    w = show("Tableau de bord : pages suivantes", warm)
    print(f"Rapports : incrémental / propre = {i / c:.2f} ; page suivante / 1re page = {w / k:.2f}")


if __name__ == "__main__":
    main()
