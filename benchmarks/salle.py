"""Une salle de N participants : « atelier salle » contre Voilà tel quel, sur le même tableau de bord, dans la même exécution.

For each N, participants arrive spread over W seconds (1 → 1 s, 10 → 10 s, 30 → 30 s, 100 → 60 s):
- against ``atelier salle ecologie``: page (gzip), then its assets, as a browser with an empty cache;
- against stock ``voila dashboards/ecologie.ipynb``: the page read to its end, the kernel websocket, and
  the widget states (``jupyter.widget.control`` comm, ``request_states``), as the Voilà front end does.
Each protocol-level time is then "browser-calibrated": one real Debian chromium page per server measures
navigation → first usable control, and the difference with the protocol time of a lone participant
(what the browser adds: parsing, scripts, rendering) is added to every participant.
Also printed: failures, peak memory and CPU time of the server and its kernels, and, in chromium,
slider → update times (median and p95 over 30 moves): the chart for the room, the table for stock Voilà,
whose chart cannot render offline (no route for the vendored Vega files).

With ``--programme seances/depistage.yaml`` the room runs a session programme: a facilitator (token cookie)
moves to the next step every ``--changement`` seconds (20 by default) while the participants arrive, and
every participant, once its page is usable, follows the steps as its page does (long polling of
``/salle/api/etat?version=N``): the time from the facilitator's click to each participant seeing the new
step is measured (p50, p95, max over all participants and all changes). Stock Voilà then serves the
dashboard of the programme's first simulator (``voila dashboards/depistage.ipynb``), under the same
arrivals: it has no programme, so its column of step changes stays empty.

Usage : .venv/bin/python benchmarks/salle.py [--participants 1 10 30 100] [--sans-voila]
        [--programme seances/depistage.yaml] [--changement 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WINDOWS = {1: 1, 10: 10, 30: 30, 100: 60}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"le serveur s'est arrêté : {proc.args}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


class Server:
    """A server process and its children (kernels), with memory sampling."""

    def __init__(self, kind: str, places: int, workdir: Path, programme: str | None = None,
                 dashboard: str = "ecologie"):
        self.kind, self.port = kind, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.programme = programme if kind == "salle" else None
        self.simulator = f"{dashboard}-0"  # the room's simulator the facilitator projects
        if kind == "salle":
            room = ["--programme", programme] if programme else ["ecologie"]
            self.cmd = [str(BIN / "atelier"), "salle", *room, "--ip", "127.0.0.1", "--port", str(self.port),
                        "--places", str(places), "--seance", f"mesure-{uuid.uuid4().hex[:8]}",
                        "--dossier-seances", str(workdir)]
            self.ready = f"{self.base}/salle/etat"
        else:
            self.cmd = [str(BIN / "voila"), str(ROOT / "dashboards" / f"{dashboard}.ipynb"), "--no-browser",
                        f"--port={self.port}", "--Voila.ip=127.0.0.1", "--MappingKernelManager.cull_idle_timeout=0"]
            self.ready = f"{self.base}/"
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> Server:
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        wait_http(self.ready, self.proc)
        if self.kind == "salle":
            self.log.seek(0)
            text = self.log.read()
            self.url = re.search(rb"Participants : (\S+)", text).group(1).decode()
            self.facilitator_url = re.search(rb"Animateur    : (\S+)", text).group(1).decode()
        else:
            self.url = f"{self.base}/"
        self.ps = psutil.Process(self.proc.pid)
        self.cpu_start = self.cpu()
        threading.Thread(target=self._sample, daemon=True).start()
        return self

    def tree(self) -> list[psutil.Process]:
        try:
            return [self.ps, *self.ps.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss(self) -> int:
        total = 0
        for p in self.tree():
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def cpu(self) -> float:
        total = 0.0
        for p in self.tree():
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.25)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for p in reversed(self.tree()):
            try:
                p.terminate()
            except psutil.NoSuchProcess:
                pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


# -- protocol-level participants ---------------------------------------------------------------------

class Steps:
    """The facilitator's step changes (index → time of the click) and what the participants saw; his slider
    moves (live settings number → time sent) and when the projection saw them."""

    def __init__(self) -> None:
        self.changed: dict[int, float] = {}
        self.delays: list[float] = []
        self.missed = 0
        self.until = float("inf")
        self.moved: dict[int, float] = {}
        self.projected: list[float] = []


async def room_participant(server: Server, steps: Steps | None = None) -> float:
    client = AsyncHTTPClient(force_instance=True, max_clients=8)
    t0 = time.perf_counter()
    try:
        page = await client.fetch(HTTPRequest(server.url, headers={"Accept-Encoding": "gzip"}, decompress_response=True,
                                              request_timeout=TIMEOUT))
        cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.get_list("Set-Cookie"))
        html = page.body.decode()
        assets = sorted(set(re.findall(r'(/salle/static/[0-9a-f]+/[^"\s]+)', html)))  # scripts, style, simulators
        await asyncio.gather(*(client.fetch(HTTPRequest(server.base + a, headers={"Accept-Encoding": "gzip", "Cookie": cookies},
                                                         request_timeout=TIMEOUT)) for a in assets))
        state = await client.fetch(HTTPRequest(server.base + "/salle/api/etat", headers={"Cookie": cookies},
                                               request_timeout=TIMEOUT))
        usable = time.perf_counter() - t0
        if steps is not None:
            await follow(client, server, cookies, json.loads(state.body), steps)
        return usable
    finally:
        client.close()


async def follow(client: AsyncHTTPClient, server: Server, cookies: str, state: dict, steps: Steps) -> None:
    """Follow the steps as the participant's page does, until the end of the measure."""
    shown = state["etape"]["index"] if state.get("etape") else None
    version = state.get("version")
    while time.perf_counter() < steps.until:
        reply = await client.fetch(HTTPRequest(f"{server.base}/salle/api/etat?version={version}",
                                               headers={"Cookie": cookies}, request_timeout=TIMEOUT))
        seen = time.perf_counter()
        state = json.loads(reply.body)
        version = state.get("version")
        index = state["etape"]["index"] if state.get("etape") else None
        if index != shown and index in steps.changed:
            steps.delays.append(seen - steps.changed[index])
        shown = index


LIVE_EVERY = 2.0  # seconds between two moves of the facilitator's projected slider


async def facilitator(server: Server, steps: Steps, every: float, duration: float) -> None:
    """Log in with the token, then « Étape suivante » every ``every`` seconds for ``duration`` seconds; meanwhile,
    move the projected simulator's population slider every LIVE_EVERY seconds, the projection following it."""
    client = AsyncHTTPClient(force_instance=True)
    try:
        login = await client.fetch(server.facilitator_url, follow_redirects=False, raise_error=False)
        jar = {c.split("=", 1)[0]: c.split(";", 1)[0].split("=", 1)[1] for c in login.headers.get_list("Set-Cookie")}
        page = await client.fetch(HTTPRequest(f"{server.base}/animateur", headers={
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}))
        jar.update({c.split("=", 1)[0]: c.split(";", 1)[0].split("=", 1)[1] for c in page.headers.get_list("Set-Cookie")})
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()), "X-XSRFToken": jar["_xsrf"],
                   "Content-Type": "application/json"}
        end = time.perf_counter() + duration

        async def step_changes() -> None:
            index = 0
            while time.perf_counter() + every <= end:
                await asyncio.sleep(every)
                index += 1
                steps.changed[index] = time.perf_counter()
                await client.fetch(HTTPRequest(f"{server.base}/animateur/api/etape", method="POST", headers=headers,
                                               body=json.dumps({"index": index})))

        async def slider_moves() -> None:
            k = 0
            while time.perf_counter() + LIVE_EVERY <= end:
                await asyncio.sleep(LIVE_EVERY)
                k += 1
                sent = time.perf_counter()
                reply = await client.fetch(HTTPRequest(
                    f"{server.base}/animateur/api/reglages", method="POST", headers=headers,
                    body=json.dumps({"simulateur": server.simulator, "reglages": {"population": 10_000 + 100 * k}})))
                steps.moved[json.loads(reply.body)["numero"]] = sent

        async def projection() -> None:
            projector = AsyncHTTPClient(force_instance=True)
            number = None
            try:
                while time.perf_counter() < end:
                    query = "" if number is None else f"?numero={number}"
                    reply = await projector.fetch(HTTPRequest(f"{server.base}/animateur/api/reglages{query}",
                                                              headers={"Cookie": headers["Cookie"]}, request_timeout=TIMEOUT))
                    seen = time.perf_counter()
                    number = json.loads(reply.body)["numero"]
                    seen_at.setdefault(number, seen)  # matched with the moves at the end (a reply may come first)
            finally:
                projector.close()

        seen_at: dict[int, float] = {}
        follower = asyncio.ensure_future(projection())
        await asyncio.gather(step_changes(), slider_moves())
        await asyncio.sleep(2)
        follower.cancel()
        steps.projected = [seen_at[n] - t for n, t in steps.moved.items() if n in seen_at]
    finally:
        client.close()


async def voila_participant(server: Server) -> float:
    client = AsyncHTTPClient(force_instance=True, max_clients=8)
    t0 = time.perf_counter()
    try:
        page = await client.fetch(HTTPRequest(server.url, request_timeout=TIMEOUT, decompress_response=True))
        html = page.body.decode()
        kernel = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', html)
        if kernel is None:
            raise RuntimeError("page sans noyau")
        ws = await websocket_connect(
            f"ws://127.0.0.1:{server.port}/api/kernels/{kernel.group(1)}/channels?session_id={uuid.uuid4()}",
            connect_timeout=TIMEOUT)
        comm = str(uuid.uuid4())
        session = str(uuid.uuid4())
        for msg_type, content in (("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}}),
                                  ("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}})):
            ws.write_message(json.dumps({
                "header": {"msg_id": str(uuid.uuid4()), "msg_type": msg_type, "username": "", "session": session,
                           "date": "", "version": "5.3"},
                "parent_header": {}, "metadata": {"version": "1.0.0"},  # ipywidgets 8 control protocol
                "content": content, "channel": "shell", "buffers": []}))
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(ws.read_message(), timeout=TIMEOUT)
            if raw is None:
                raise RuntimeError("websocket fermé")
            if isinstance(raw, bytes):
                continue
            msg = json.loads(raw)
            if msg.get("msg_type") == "comm_msg" and msg["content"].get("data", {}).get("method") == "update_states":
                elapsed = time.perf_counter() - t0
                ws.close()
                return elapsed
        raise TimeoutError("états des widgets jamais reçus")
    finally:
        client.close()


async def crowd(server: Server, n: int, window: float, steps: Steps | None = None,
                every: float = 20) -> tuple[list[float], int]:
    participant = room_participant if server.kind == "salle" else voila_participant

    async def one(i: int):
        await asyncio.sleep(window * i / max(n - 1, 1) if n > 1 else 0)
        try:
            return await (participant(server, steps) if steps is not None else participant(server))
        except Exception:  # noqa: BLE001 (every failure is counted, whatever it is)
            return None

    tasks = [one(i) for i in range(n)]
    if steps is not None:  # the facilitator moves on every ``every`` seconds while the room fills, and a bit after
        duration = window + every + 1
        steps.until = time.perf_counter() + duration
        tasks.append(facilitator(server, steps, every, duration))
    results = (await asyncio.gather(*tasks))[:n]
    times = [r for r in results if r is not None]
    return times, n - len(times)


# -- real browser ---------------------------------------------------------------------------------

def browser_measures(server: Server) -> tuple[float, list[float]]:
    """Navigation → first usable control in chromium, and slider → chart update times."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = b.new_context(viewport={"width": 1280, "height": 1000}).new_page()
            t0 = time.perf_counter()
            page.goto(server.url, wait_until="commit")
            if server.kind == "salle":
                page.locator(".simulateur[data-rendu=ok] input[name=population]").first.wait_for(timeout=TIMEOUT * 1000)
            else:
                # Stock Voilà has no route for the vendored Vega files: its chart stays blank offline, so the
                # first usable control is the slider, and slider updates are timed on the table below the chart.
                page.locator(VOILA_POPULATION).first.wait_for(timeout=TIMEOUT * 1000)
                page.locator(".atelier-tableau table").wait_for(timeout=TIMEOUT * 1000)
            tti = time.perf_counter() - t0
            updates = []
            for k in range(30):
                value = 60_000 + 1000 * (k + 1)
                if server.kind == "salle":
                    updates.append(page.evaluate(SALLE_SLIDER, value))
                else:
                    updates.append(voila_slider(page, value))
            return tti, updates
        finally:
            b.close()


SALLE_SLIDER = """(value) => new Promise(resolve => {
  const box = document.querySelector('.simulateur');
  const svg = box.querySelector('svg');
  const before = svg.textContent;
  const input = box.querySelector('input[name=population]');
  const t0 = performance.now();
  const obs = new MutationObserver(() => {
    if (svg.textContent === before) return;  /* the chart itself has changed, not only the slider's label */
    obs.disconnect();
    requestAnimationFrame(() => resolve((performance.now() - t0) / 1000));  /* until the next paint */
  });
  obs.observe(svg, {subtree: true, childList: true, characterData: true, attributes: true});
  input.value = String(value);
  input.dispatchEvent(new Event('input', {bubbles: true}));
})"""


# The population control of the dashboard: the readout of a slider (ecologie), or a number field (depistage).
VOILA_POPULATION = ".atelier-population .widget-readout, .atelier-population input"


def voila_slider(page, value: int) -> float:
    readout = page.locator(VOILA_POPULATION).first
    before = page.locator(".atelier-tableau").text_content()
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    t0 = time.perf_counter()
    page.keyboard.press("Enter")
    page.wait_for_function("(old) => document.querySelector('.atelier-tableau').textContent !== old",
                           arg=before, timeout=60_000)
    return time.perf_counter() - t0


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def first_dashboard(programme: str | None) -> str:
    """The dashboard stock Voilà serves: that of the programme's first simulator step (ecologie without one)."""
    if not programme:
        return "ecologie"
    import yaml

    steps = yaml.safe_load((ROOT / programme).read_text(encoding="utf-8"))["etapes"]
    return next(s["tableau"] for s in steps if s.get("type") == "simulateur")


def run(kind: str, n: int, workdir: Path, programme: str | None = None, every: float = 20) -> dict:
    with Server(kind, n + 5, workdir, programme, first_dashboard(programme)) as server:
        lone = asyncio.run(crowd(server, 1, 0))[0]
        tti, updates = browser_measures(server)
        calibration = max(0.0, tti - (lone[0] if lone else 0.0))
        steps = Steps() if server.programme else None
        times, failures = asyncio.run(crowd(server, n, WINDOWS.get(n, n), steps, every))
        cpu = server.cpu() - server.cpu_start
        peak = server.peak
    calibrated = [t + calibration for t in times]
    delays = steps.delays if steps else []
    projected = steps.projected if steps else []
    return {"kind": kind, "n": n, "step_p50": quantile(delays, 0.5), "step_p95": quantile(delays, 0.95),
            "step_max": max(delays) if delays else float("nan"), "step_seen": len(delays),
            "steps": len(steps.changed) if steps else 0,
            "live_p50": quantile(projected, 0.5), "live_p95": quantile(projected, 0.95),
            "live_max": max(projected) if projected else float("nan"), "live_seen": len(projected),
            "live_sent": len(steps.moved) if steps else 0,
            "p50": quantile(calibrated, 0.5), "p95": quantile(calibrated, 0.95),
            "max": max(calibrated) if calibrated else float("nan"), "failures": failures, "peak_gib": peak / 2**30,
            "cpu_s": cpu, "browser_tti": tti, "calibration": calibration,
            "slider_p50": statistics.median(updates), "slider_p95": quantile(updates, 0.95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[1, 10, 30, 100])
    parser.add_argument("--sans-voila", action="store_true", help="ne mesurer que « atelier salle »")
    parser.add_argument("--programme", default=None, help="programme de séance (par exemple : seances/depistage.yaml)")
    parser.add_argument("--changement", type=float, default=20, help="secondes entre deux changements d'étape")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.participants:
            for kind in ("salle",) if args.sans_voila else ("salle", "voila"):
                print(f"… {kind}, {n} participant(s) sur {WINDOWS.get(n, n)} s", flush=True)
                rows.append(run(kind, n, Path(tmp), args.programme, args.changement))
    print("\nTemps jusqu'au premier réglage utilisable (protocole + calibrage navigateur), en secondes")
    print(f"{'serveur':8} {'N':>4} {'p50':>7} {'p95':>7} {'max':>7} {'échecs':>7} {'mémoire':>9} {'CPU':>8} "
          f"{'nav. seul':>9} {'curseur p50':>11} {'p95':>6}")
    for r in rows:
        print(f"{r['kind']:8} {r['n']:>4} {r['p50']:>7.2f} {r['p95']:>7.2f} {r['max']:>7.2f} {r['failures']:>7} "
              f"{r['peak_gib']:>7.2f} Gi {r['cpu_s']:>7.1f}s {r['browser_tti']:>8.2f}s {r['slider_p50'] * 1000:>9.0f} ms "
              f"{r['slider_p95'] * 1000:>4.0f} ms")
    if args.programme:
        print(f"\nChangement d'étape (toutes les {args.changement:g} s) → vu par chaque participant, en secondes")
        for r in rows:
            if r["kind"] == "salle":
                print(f"N = {r['n']:>3} : {r['steps']} changements, {r['step_seen']} vus ; p50 {r['step_p50']:.3f}, "
                      f"p95 {r['step_p95']:.3f}, max {r['step_max']:.3f}")
        print(f"\nCurseur de l'animateur (toutes les {LIVE_EVERY:g} s) → vu par la vue à projeter, en secondes")
        for r in rows:
            if r["kind"] == "salle":
                print(f"N = {r['n']:>3} : {r['live_sent']} mouvements, {r['live_seen']} vus ; p50 {r['live_p50']:.3f}, "
                      f"p95 {r['live_p95']:.3f}, max {r['live_max']:.3f}")
    if not args.sans_voila:
        print("\nRapports Voilà / atelier salle (même exécution)")
        by = {(r["kind"], r["n"]): r for r in rows}
        for n in args.participants:
            s, v = by[("salle", n)], by[("voila", n)]
            print(f"N = {n:>3} : p95 × {v['p95'] / s['p95']:.1f}, mémoire × {v['peak_gib'] / s['peak_gib']:.1f}, "
                  f"CPU × {v['cpu_s'] / max(s['cpu_s'], 0.01):.1f}, curseur p95 × {v['slider_p95'] / s['slider_p95']:.1f} ; "
                  f"échecs {s['failures']} contre {v['failures']}")
        print("\nCôte à côte (Markdown)")
        for n in args.participants:
            s, v = by[("salle", n)], by[("voila", n)]
            print(f"\n{n} participant(s) sur {WINDOWS.get(n, n)} s | atelier salle | Voilà tel quel | Voilà / salle")
            print("--- | ---: | ---: | ---:")
            for label, key, unit in (("premier réglage utilisable, p50", "p50", "s"),
                                     ("premier réglage utilisable, p95", "p95", "s"),
                                     ("premier réglage utilisable, max", "max", "s"),
                                     ("curseur → graphique, p95", "slider_p95", "ms"),
                                     ("mémoire max", "peak_gib", "Gio"), ("CPU du serveur et des noyaux", "cpu_s", "s")):
                scale = 1000 if unit == "ms" else 1
                print(f"{label} | {fr(s[key] * scale)} {unit} | {fr(v[key] * scale)} {unit} | "
                      f"× {fr(v[key] / max(s[key], 1e-3), 1)}")
            print(f"échecs | {s['failures']} | {v['failures']} |")
            if args.programme:
                print(f"changement d'étape vu par chaque participant, p95 | {fr(s['step_p95'], 2)} s | — (pas de programme) |")
                print(f"curseur de l'animateur vu par la projection, p95 | {fr(s['live_p95'], 2)} s | — |")


def fr(value: float, digits: int | None = None) -> str:
    """A number written the French way (« 1,25 »), with 2 decimals below 10, else none, unless ``digits``."""
    if value != value:  # nan
        return "—"
    if digits is None:
        digits = 2 if abs(value) < 10 else 0
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


if __name__ == "__main__":
    main()
