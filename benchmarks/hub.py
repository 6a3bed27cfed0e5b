"""Une classe qui se connecte à 14 h : N internes en S secondes, à froid puis après « ouvrir la séance ».

One run, one real hub (``atelier hub``: proxy, bubblewrap, one network namespace and cgroup per intern), a promotion
of N. Every intern signs up beforehand (once, not timed) and makes a hub API token (to drive their kernel).
Then two rushes of the same N interns, spread evenly over S seconds:

1. **à froid**: nobody has a server. Each intern logs in (``POST /hub/login``), asks for their server
   (``/hub/spawn/<id>``) and waits for their JupyterLab through the proxy (OAuth included); then opens a kernel
   and runs a cell (``1 + 1`` over the kernel's websocket). Time = login → the cell's answer.
2. **après « ouvrir la séance »**: every server stopped, the teacher opens the session for the whole promotion on
   the teachers' page (``/services/salle/seance``, as in a browser) and the run waits until the page says every
   JupyterLab is ready (its duration is reported); then the same rush, same measure.

During each rush a probe loads the hub's login page every 0.5 s (latency p95). Per server: processor seconds of
the intern's processes (psutil, user + system, children included) when their JupyterLab first answers, and after
the cell; the hub's own processor seconds (hub, proxy, services) per start; memory of each intern's cgroup.
The machine may be shared with other work: say so with the figures.

Usage (as root) : .venv/bin/python benchmarks/hub.py [--internes 30] [--arrivees 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pwd
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "hub")]
from hubkit import CODES, PASSWORD, free_base_port, make_hub_folder, running_hub  # noqa: E402

CGROUP = Path("/sys/fs/cgroup/memory/atelier-hub")
GIB = 1024**3


def sign_up(base: str, name: str) -> str:
    """Sign up, log in once and make an API token (used for the kernel's websocket); returns the token."""
    s = requests.Session()
    s.get(f"{base}/hub/signup")
    xsrf = {"_xsrf": s.cookies.get("_xsrf", path="/hub/")}
    s.post(f"{base}/hub/signup", data={"username": name, "code": CODES.get(name, ""), "signup_password": PASSWORD,
                                      "signup_password_confirmation": PASSWORD, **xsrf})
    log_in(base, s, name)
    r = s.post(f"{base}/hub/api/users/{name}/tokens", json={"note": "mesure"},
               headers={"X-XSRFToken": s.cookies.get("_xsrf", path="/hub/") or ""})
    assert r.status_code == 201, f"{name} : jeton refusé ({r.status_code})"
    return r.json()["token"]


def log_in(base: str, s: requests.Session, name: str) -> None:
    s.get(f"{base}/hub/login")
    r = s.post(f"{base}/hub/login", data={"username": name, "password": PASSWORD,
                                          "_xsrf": s.cookies.get("_xsrf", path="/hub/")}, allow_redirects=False)
    assert r.status_code == 302, f"{name} : connexion refusée ({r.status_code})"


def cpu_seconds(uid: int) -> float:
    total = 0.0
    for p in psutil.process_iter(["uids"]):
        try:
            if p.info["uids"] and p.info["uids"].real == uid:
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            continue
    return total


async def run_cell(base: str, name: str, token: str) -> None:
    """Open a kernel and run ``1 + 1``, as a notebook does (websocket, Jupyter messaging protocol)."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Authorization": f"token {token}"}
    r = await asyncio.to_thread(requests.post, f"{base}/user/{name}/api/kernels", json={"name": "python3"},
                                headers=headers, timeout=120)
    assert r.status_code == 201, f"{name} : noyau refusé ({r.status_code})"
    ws_url = f"{base.replace('http', 'ws')}/user/{name}/api/kernels/{r.json()['id']}/channels"
    ws = await websocket_connect(HTTPRequest(ws_url, headers=headers, request_timeout=120))
    msg_id = uuid.uuid4().hex
    ws.write_message(json.dumps({
        "header": {"msg_id": msg_id, "username": name, "session": uuid.uuid4().hex, "msg_type": "execute_request",
                   "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": "1 + 1", "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    try:
        while True:
            raw = await asyncio.wait_for(ws.read_message(), 120)
            assert raw is not None, f"{name} : websocket fermé"
            msg = json.loads(raw)
            if msg.get("msg_type") == "execute_reply" and msg["parent_header"].get("msg_id") == msg_id:
                assert msg["content"]["status"] == "ok", msg["content"]
                return
    finally:
        ws.close()


def arrive(base: str, name: str, token: str, delay: float, cold: bool) -> dict:
    """One intern: login → JupyterLab → a cell's answer; returns the times and processor seconds."""
    time.sleep(delay)
    uid = pwd.getpwnam(name).pw_uid
    s = requests.Session()
    start = time.monotonic()
    try:
        log_in(base, s, name)
        if cold:
            s.get(f"{base}/hub/spawn/{name}", allow_redirects=False, timeout=600)
        while time.monotonic() - start < 600:
            r = s.get(f"{base}/user/{name}/lab", timeout=600)  # follows the OAuth redirects once the server is up
            if r.status_code == 200 and f"/user/{name}/lab" in r.url:
                break
            time.sleep(0.25)
        else:
            raise TimeoutError("JupyterLab")
        lab = time.monotonic() - start
        cpu_lab = cpu_seconds(uid)
        asyncio.run(run_cell(base, name, token))
        return {"ok": True, "total": time.monotonic() - start, "lab": lab, "cpu_lab": cpu_lab,
                "cpu_cell": cpu_seconds(uid)}
    except Exception as exc:  # a failure is a result, counted
        return {"ok": False, "total": time.monotonic() - start, "error": f"{type(exc).__name__}: {exc}"[:200]}


def probe(base: str, stop: threading.Event, found: list[float]) -> None:
    while not stop.is_set():
        start = time.monotonic()
        try:
            requests.get(f"{base}/hub/login", timeout=30)
            found.append(time.monotonic() - start)
        except requests.RequestException:
            found.append(30.0)
        stop.wait(0.5)


def hub_cpu(pid: int) -> float:
    """Processor seconds of the hub, the proxy and the services (the interns' sandboxes left out)."""
    total = 0.0
    proc = psutil.Process(pid)
    for p in [proc, *proc.children(recursive=True)]:
        try:
            if p.name() in ("bwrap", "nsenter") or p.uids().real != 0:
                continue
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            continue
    return total


def rush(base: str, tokens: dict[str, str], spread: float, cold: bool, hub_pid: int) -> dict:
    names = sorted(tokens)
    latencies: list[float] = []
    stop = threading.Event()
    watcher = threading.Thread(target=probe, args=(base, stop, latencies))
    hub_before = hub_cpu(hub_pid)
    watcher.start()
    with ThreadPoolExecutor(len(names)) as pool:
        results = list(pool.map(lambda k: arrive(base, names[k], tokens[names[k]], spread * k / len(names), cold),
                                range(len(names))))
    stop.set()
    watcher.join()
    return {"results": results, "login": latencies, "hub_cpu": hub_cpu(hub_pid) - hub_before,
            "memory": [int((CGROUP / n / "memory.usage_in_bytes").read_text()) for n in names
                       if (CGROUP / n / "memory.usage_in_bytes").exists()]}


def stop_all(base: str, tokens: dict[str, str]) -> None:
    for name, token in tokens.items():
        requests.delete(f"{base}/hub/api/users/{name}/server", headers={"Authorization": f"token {token}"})
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if all(requests.get(f"{base}/hub/api/users/{n}", headers={"Authorization": f"token {t}"}).json().get("server")
               is None for n, t in tokens.items()):
            return
        time.sleep(1)
    raise TimeoutError("arrêt des serveurs")


def open_session(base: str, n: int) -> float:
    """The teacher opens the session for the whole promotion, as in a browser; returns the seconds until all ready."""
    s = requests.Session()
    log_in(base, s, "prof")
    s.get(f"{base}/services/salle/seance")  # OAuth with the hub
    xsrf = s.cookies.get("_xsrf", path="/services/salle/")
    start = time.monotonic()
    r = s.post(f"{base}/services/salle/seance", data={"action": "ouvrir", "groupe": "tous", "minutes": "60",
                                                      "_xsrf": xsrf})
    assert r.status_code == 200, r.text[:500]
    while time.monotonic() - start < 900:
        state = s.get(f"{base}/services/salle/seance/etat", headers={"X-XSRFToken": xsrf}).json()
        if state["compte"]["pret"] + state["compte"]["echec"] == n:
            assert state["compte"]["echec"] == 0, state
            return time.monotonic() - start
        time.sleep(1)
    raise TimeoutError("séance")


def q95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def line(label: str, r: dict) -> str:
    ok = [x for x in r["results"] if x["ok"]]
    times = [x["total"] for x in ok]
    labs = [x["lab"] for x in ok]
    cpu_lab = [x["cpu_lab"] for x in ok]
    cpu_cell = [x["cpu_cell"] for x in ok]
    failed = [x["error"] for x in r["results"] if not x["ok"]]
    return (f"{label} | {statistics.median(labs):.1f} / {q95(labs):.1f} s | "
            f"{statistics.median(times):.1f} s | {q95(times):.1f} s | {max(times):.1f} s | "
            f"{len(failed)}{' (' + '; '.join(sorted(set(failed))[:3]) + ')' if failed else ''} | "
            f"{statistics.median(cpu_lab):.1f} / {statistics.median(cpu_cell):.1f} s | "
            f"{r['hub_cpu'] / len(r['results']):.1f} s | {statistics.mean(r['memory']) / GIB:.2f} Gio | "
            f"{statistics.median(r['login']):.2f} / {q95(r['login']):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--internes", type=int, default=30)
    parser.add_argument("--arrivees", type=float, default=10.0, help="secondes sur lesquelles la classe arrive")
    parser.add_argument("--demarrage", type=int, default=600, help="délai de démarrage accordé (s)")
    args = parser.parse_args()
    print(f"{len(psutil.Process().cpu_affinity())} cœurs, {psutil.virtual_memory().total / GIB:.0f} Gio, "
          f"charge {psutil.getloadavg()[0]:.1f} au départ", flush=True)
    with tempfile.TemporaryDirectory(prefix="atelier-hub-bench-") as tmp:
        port = free_base_port()
        base = f"http://127.0.0.1:{port}"
        names = [f"interne{i:03d}" for i in range(args.internes)]
        settings = make_hub_folder(Path(tmp), names, ["prof"], port)
        settings.write_text(settings.read_text() + f"[limites]\ndemarrage_secondes = {args.demarrage}\n")
        with running_hub(settings, port, Path(tmp) / "hub.log") as proc:
            tokens = {name: sign_up(base, name) for name in names}
            sign_up(base, "prof")
            cold = rush(base, tokens, args.arrivees, True, proc.pid)
            stop_all(base, tokens)
            opened = open_session(base, len(names))
            warm = rush(base, tokens, args.arrivees, False, proc.pid)
    print(f"{args.internes} internes arrivant sur {args.arrivees:.0f} s ; séance ouverte en {opened:.0f} s "
          "(tous prêts)")
    print("cas | connexion → JupyterLab p50 / p95 | connexion → cellule exécutée p50 | p95 | max | échecs | "
          "processeur par interne (JupyterLab prêt / "
          "après la cellule) | processeur du hub par arrivée | mémoire par interne | page de connexion p50 / p95")
    print(line("à froid", cold))
    print(line("après « ouvrir la séance »", warm))


if __name__ == "__main__":
    main()
