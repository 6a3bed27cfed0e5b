"""Capacité du hub : N internes démarrent leur JupyterLab en même temps ; temps de démarrage, mémoire par interne.

For each N: a fresh hub (``atelier hub``, real proxy, one Unix account per intern) with a promotion of N;
every intern signs up and logs in (HTTP, as the browser does), then all N servers are requested at once;
the spawn time is request → the intern's JupyterLab answering through the proxy (OAuth done). Then each
intern starts one kernel (what opening a notebook does). Memory: each intern's cgroup
(``memory.usage_in_bytes``: server, kernel, page cache of their files), and the hub + proxy + services.

Two arrival patterns: the whole class at the same second (``--arrivees 0``, the worst case), and the class
arriving over S seconds (``--arrivees S``, evenly spread: a class settling down). The hub's start timeout is
raised for the measure (``--demarrage``), so that the figure is the time it took, not a timeout.

Usage (as root) : .venv/bin/python benchmarks/hub.py [--internes 1 10 30] [--arrivees 0 120]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "hub")]
from hubkit import CODES, PASSWORD, free_base_port, make_hub_folder, running_hub  # noqa: E402

CGROUP = Path("/sys/fs/cgroup/memory/atelier-hub")
GIB = 1024**3


def session(base: str, name: str) -> requests.Session:
    s = requests.Session()
    s.get(f"{base}/hub/signup")
    xsrf = {"_xsrf": s.cookies.get("_xsrf", path="/hub/")}
    s.post(f"{base}/hub/signup", data={"username": name, "code": CODES.get(name, ""), "signup_password": PASSWORD,
                                      "signup_password_confirmation": PASSWORD, **xsrf})
    r = s.post(f"{base}/hub/login", data={"username": name, "password": PASSWORD, **xsrf}, allow_redirects=False)
    assert r.status_code == 302, f"{name} : connexion refusée ({r.status_code})"
    return s


def spawn(base: str, s: requests.Session, name: str) -> float:
    start = time.monotonic()
    s.get(f"{base}/hub/spawn/{name}", allow_redirects=False)
    while time.monotonic() - start < 300:
        r = s.get(f"{base}/user/{name}/lab")  # follows the OAuth redirects once the server is up
        if r.status_code == 200 and f"/user/{name}/" in r.url:
            return time.monotonic() - start
        time.sleep(0.25)
    raise TimeoutError(name)


def start_kernel(base: str, s: requests.Session, name: str) -> None:
    xsrf = s.cookies.get("_xsrf", path=f"/user/{name}/")
    r = s.post(f"{base}/user/{name}/api/kernels", json={"name": "python3"}, headers={"X-XSRFToken": xsrf or ""})
    assert r.status_code == 201, r.text[:300]


def tree_rss(pid: int) -> int:
    """Resident memory of the hub, the proxy and the services: the interns' servers and everything they started
    (kernels) are left out, being measured in their cgroups."""
    proc = psutil.Process(pid)
    everything = [proc, *proc.children(recursive=True)]
    interns: set[int] = set()
    for p in everything:
        try:
            if p.name() == "bwrap":
                interns |= {p.pid, *(c.pid for c in p.children(recursive=True))}
        except psutil.Error:
            pass
    total = 0
    for p in everything:
        try:
            if p.pid not in interns:
                total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def cgroup_memory(names: list[str]) -> list[int]:
    return [int((CGROUP / n / "memory.usage_in_bytes").read_text()) for n in names if (CGROUP / n).exists()]


def measure(n: int, spread: float, start_seconds: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="atelier-hub-bench-") as tmp:
        port = free_base_port()
        base = f"http://127.0.0.1:{port}"
        names = [f"interne{i:03d}" for i in range(n)]
        settings = make_hub_folder(Path(tmp), names, ["prof"], port)
        settings.write_text(settings.read_text() + f"[limites]\ndemarrage_secondes = {start_seconds}\n")
        with running_hub(settings, port, Path(tmp) / "hub.log") as proc:
            sessions = {name: session(base, name) for name in names}
            with ThreadPoolExecutor(n) as pool:
                def arrive(k_name):
                    time.sleep(spread * k_name[0] / max(n, 1))
                    return spawn(base, sessions[k_name[1]], k_name[1])

                times = list(pool.map(arrive, enumerate(names)))
            server_only = cgroup_memory(names)
            for name in names:
                start_kernel(base, sessions[name], name)
            time.sleep(5)
            with_kernel = cgroup_memory(names)
            hub_rss = tree_rss(proc.pid)
    q = statistics.quantiles(times, n=20) if n > 1 else [times[0]] * 19
    return {"n": n, "arrivees": spread, "p50": statistics.median(times), "p95": q[18],
            "serveur": statistics.mean(server_only) / GIB,
            "noyau": statistics.mean(with_kernel) / GIB, "total": (sum(with_kernel) + hub_rss) / GIB, "hub": hub_rss / GIB}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--internes", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--arrivees", type=float, nargs="+", default=[0.0],
                        help="secondes sur lesquelles la classe arrive (0 : tous à la même seconde)")
    parser.add_argument("--demarrage", type=int, default=600, help="délai de démarrage accordé (s)")
    args = parser.parse_args()
    subprocess.run(["nproc"], check=False)
    print("N | arrivées sur | démarrage p50 | p95 | mémoire par interne (JupyterLab seul / + un noyau) | hub+proxy | total")
    for n in args.internes:
        for spread in args.arrivees:
            if n == 1 and spread > 0:
                continue
            r = measure(n, spread, args.demarrage)
            print(f"{r['n']} | {r['arrivees']:.0f} s | {r['p50']:.1f} s | {r['p95']:.1f} s | {r['serveur']:.2f} / "
                  f"{r['noyau']:.2f} Gio | {r['hub']:.2f} Gio | {r['total']:.2f} Gio", flush=True)


if __name__ == "__main__":
    main()
