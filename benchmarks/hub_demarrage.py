"""Coût d'un démarrage de JupyterLab d'interne, en secondes de processeur : configuration d'avant et d'après.

The machine is shared: wall time says little, CPU time (user + system of the server and its children, read
with psutil just before stopping it) says what a start costs. One start = the server process from ``exec`` until
it has served what the browser asks first: ``/lab`` (page config, lab extension discovery), the settings and the
French translations. The two configurations are written by ``hub.config.write_user_config`` (« après ») and by the
same function with the extensions of commit b841a66 (« avant »: every server extension installed in the virtualenv
loaded, Voilà, jupyter-lsp, notebook and jupytext included), started alternately in the same run.
bubblewrap, the network namespace and the cgroup are left out (they are set up by the hub in a few ``ip`` calls
and one ``exec``; see the README).

Usage : .venv/bin/python benchmarks/hub_demarrage.py [--fois 5]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from atelier_mg.hub.config import write_user_config  # noqa: E402
from atelier_mg.hub.settings import load  # noqa: E402

BEFORE = {  # jpserver_extensions of the intern's config at b841a66 (the others came from the virtualenv)
    "jupyterlab": True, "atelier_mg": True,
    "nbgrader.server_extensions.assignment_list": True, "nbgrader.server_extensions.validate_assignment": True,
    "nbgrader.server_extensions.formgrader": False, "nbgrader.server_extensions.course_list": False,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_start(config: Path, home: Path) -> tuple[float, float, list[str]]:
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(config), "HOME": str(home), "LANG": "fr_FR.UTF-8",
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                             "--IdentityProvider.token=bench", "--allow-root", f"--ServerApp.root_dir={home}"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if requests.get(f"{base}/lab?token=bench", timeout=30).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() - start > 300:
                raise RuntimeError(proc.stderr.read()[-2000:])
            time.sleep(0.1)
        for path in ["/lab/api/settings", "/lab/api/translations/fr_FR", "/api/nbgrader_version?version=0.9.6"]:
            requests.get(f"{base}{path}?token=bench", timeout=30)
        wall = time.monotonic() - start
        p = psutil.Process(proc.pid)
        t = p.cpu_times()
        cpu = t.user + t.system + sum(c.cpu_times().user + c.cpu_times().system for c in p.children(recursive=True))
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    extensions = sorted({line.split("|")[0].split()[-1] for line in err.splitlines()
                         if "extension was successfully loaded" in line})
    return cpu, wall, extensions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fois", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        toml = tmp / "hub.toml"
        (tmp / "promotion.csv").write_text("id;prenom;nom;email\ninterne1;Anne;Martin;a@exemple.fr\n")
        toml.write_text(f'cours = "bench"\npromotion = "promotion.csv"\nenseignants = ["dupont"]\ndossier = "{tmp / "hub"}"\n')
        settings = load(toml)
        after = write_user_config(settings, tmp / "apres", teacher=False)
        before = write_user_config(settings, tmp / "avant", teacher=False)
        server = json.loads((before / "jupyter_server_config.json").read_text())
        server["ServerApp"]["jpserver_extensions"] = BEFORE
        (before / "jupyter_server_config.json").write_text(json.dumps(server))
        results: dict[str, list[tuple[float, float]]] = {"avant": [], "après": []}
        names: dict[str, list[str]] = {}
        for _ in range(args.fois):
            for label, config in (("avant", before), ("après", after)):
                home = tmp / f"home-{label}"
                home.mkdir(exist_ok=True)
                cpu, wall, names[label] = one_start(config, home)
                results[label].append((cpu, wall))
        print(f"{args.fois} démarrages de chaque configuration, alternés, même exécution")
        print("| configuration | processeur p50 (s) | min | max | durée murale p50 (s) |")
        print("|---|---|---|---|---|")
        for label, rows in results.items():
            cpus = [c for c, _ in rows]
            print(f"| {label} | {statistics.median(cpus):.2f} | {min(cpus):.2f} | {max(cpus):.2f} | "
                  f"{statistics.median([w for _, w in rows]):.2f} |")
        for label, found in names.items():
            print(f"extensions chargées ({label}) : {', '.join(found)}")


if __name__ == "__main__":
    main()
