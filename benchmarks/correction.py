"""Correction d'une promotion : ``atelier correction noter`` contre ``nbgrader autograde``, dans la même exécution.

Generates N submissions of ``ecologie`` (default 300: a third perfect, a third partial, the rest blank,
and about 5 % hostile), in two identical course folders, then grades one with
``atelier correction noter`` (one worker per core, sandboxed) and the other with stock
``nbgrader autograde``, interleaved so that the load of a shared machine falls on both: our whole run,
a slice of the students for nbgrader (``--student`` glob), our whole run again (``--force``), the next
slice, … and our run once more at the end. nbgrader's time is the sum of its slices; ours is the median
of our runs (their range is printed). Prints for each: wall time, CPU time of the process tree (every
process reaped under the command, the sandboxed kernels included) and of the whole machine meanwhile
(all cores: other users' work shows there), peak memory (sum of the resident memory of the process
tree, sampled every 0.2 s), then the ratios, and checks that every non-hostile submission got the same
score per cell in both gradebooks.

The hostile cases here are those that are safe to run *without* a sandbox (stock nbgrader has none):
infinite loop, kernel killed, SystemExit, 8 GiB allocation, monkeypatched ``math.isclose``, invalid
JSON, empty file, tampered test cell. The fork bomb and the writes outside the course are left to
the tests, which run them in the sandbox only.

Usage : .venv/bin/python benchmarks/correction.py [--rendus 300] [--tranches 3] [--sans-nbgrader] [--processus N]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))

from atelier_mg.serving.environment import jupyter_env  # noqa: E402

ASSIGNMENT = "ecologie"
# A right and a wrong structured answer to q2 (a vignette: which prevalence applies, and why).
Q2_RIGHT = 'reponse_q2 = dict(source="A", raison="filtres", justification="-")'
Q2_WRONG = 'reponse_q2 = dict(source="B", raison="examens", justification="-")'
HOSTILE = {
    "boucle": {"q2-reponse": "while True:\n    pass"},
    "noyau": {"q2-reponse": "import os\nos.kill(os.getpid(), 9)"},
    "exit": {"q2-reponse": "raise SystemExit(3)"},
    "memoire": {"q2-reponse": "b = bytearray(8 * 1024**3)\n" + Q2_RIGHT},
    "singe": {"q2-reponse": "import math\nmath.isclose = lambda *a, **k: True\n" + Q2_WRONG},
    "test": {"q2-tests": "pass"},
}


def env() -> dict[str, str]:
    e = jupyter_env()
    e["PATH"] = f"{BIN}:{e.get('PATH', '')}"
    e.pop("ATELIER_GRADEBOOK", None)
    return e


def make_course(folder: Path, roster: list[str], stock: bool = False) -> None:
    """The course; for stock nbgrader (``stock``), the key file is written back as the hidden tests."""
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, folder / "solutions" / ASSIGNMENT)
    key_file = folder / "solutions" / ASSIGNMENT / "cles.yaml"
    if stock and key_file.exists():
        from atelier_mg.grading.keys import inline_notebook, load_key

        key = load_key(key_file)
        notebook = key_file.parent / f"{key.notebook}.ipynb"
        notebook.write_text(json.dumps(inline_notebook(json.loads(notebook.read_text()), key)), encoding="utf-8")
        key_file.unlink()
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], cwd=folder, env=env(),
                   check=True, capture_output=True)
    lines = ["id;prenom;nom;email"] + [f"{s};Prénom;{s};{s}@exemple.fr" for s in roster]
    (folder / "promotion.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run([str(BIN / "atelier"), "--racine", str(folder), "correction", "importer-promotion", "promotion.csv"],
                   cwd=folder, env=env(), check=True, capture_output=True)


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def student_ids(count: int, slices: int) -> list[str]:
    """``a0000``, ``b0001``, … : the letter is the slice nbgrader grades it in (``--student 'a*'``)."""
    return [f"{LETTERS[n % slices]}{n:04d}" for n in range(count)]


def submissions(course: Path, roster: list[str]) -> dict[str, tuple[str, bytes]]:
    """student → (kind, file content); seeded, so both folders get the same files."""
    count = len(roster)
    rng = random.Random(2026)
    release = json.loads((course / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    solution = json.loads((course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    answers = {c["metadata"].get("nbgrader", {}).get("grade_id"): c["source"] for c in solution["cells"]}
    answer_ids = [g for g in answers if g and g.endswith("-reponse")]

    def notebook(answered: set[str], replace: dict[str, str] | None = None) -> bytes:
        nb = copy.deepcopy(release)
        for cell in nb["cells"]:
            gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if gid in answered:
                cell["source"] = answers[gid]
            if replace and gid in replace:
                cell["source"] = replace[gid]
        return json.dumps(nb).encode()

    hostile_count = max(1, round(count * 0.05)) if count >= 20 else 0
    hostile_kinds = [*HOSTILE, "json", "vide"]
    out: dict[str, tuple[str, bytes]] = {}
    for n, student in enumerate(roster):
        if n < hostile_count:
            kind = hostile_kinds[n % len(hostile_kinds)]
            if kind == "json":
                out[student] = ("hostile", b'{"cells": [')
            elif kind == "vide":
                out[student] = ("hostile", b"")
            else:
                out[student] = ("hostile", notebook(set(answer_ids), HOSTILE[kind]))
        elif n % 3 == 0:
            out[student] = ("parfait", notebook(set(answer_ids)))
        elif n % 3 == 1:
            out[student] = ("partiel", notebook(set(rng.sample(answer_ids, rng.randint(1, len(answer_ids) - 1)))))
        else:
            out[student] = ("vierge", notebook(set()))
    return out


def place(course: Path, files: dict[str, tuple[str, bytes]]) -> None:
    for student, (_, content) in files.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_bytes(content)


def busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0) + getattr(t, "steal", 0)


CPUACCT = Path("/sys/fs/cgroup/cpuacct")  # cgroup v1; cgroup v2 exposes cpu.stat instead
CGROUP2 = Path("/sys/fs/cgroup")


def cpu_group(n: int) -> Path | None:
    """A fresh CPU-accounting cgroup for one measured command (root only), or None."""
    for base in (CPUACCT, CGROUP2):
        if (base / "cgroup.procs").is_file() and ((base / "cpuacct.usage").is_file() or (base / "cpu.stat").is_file()):
            group = base / f"atelier-banc-correction-{os.getpid()}-{n}"
            try:
                group.mkdir()
            except OSError:
                continue
            return group
    return None


def group_cpu(group: Path) -> float:
    if (group / "cpuacct.usage").is_file():
        return int((group / "cpuacct.usage").read_text()) / 1e9
    stat = dict(line.split() for line in (group / "cpu.stat").read_text().splitlines())
    return int(stat["usage_usec"]) / 1e6


_groups = [0]


def measure(cmd: list[str], cwd: Path) -> dict[str, float]:
    """Wall time, CPU of the command's process tree and of the machine meanwhile, peak of the tree's summed resident memory.

    The tree's CPU is read from a cgroup the command starts in (every process it starts stays there,
    the sandboxed kernels included; resource usage of reaped children would miss them: bubblewrap's
    PID namespace does not pass their times up). Without a usable cgroup (not root), only the machine's
    CPU is given, which also counts other users of a shared machine.
    """
    _groups[0] += 1
    group = cpu_group(_groups[0])

    def enter() -> None:  # in the child, before exec
        if group is not None:
            (group / "cgroup.procs").write_text(str(os.getpid()))

    before = busy()
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=enter)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        root = psutil.Process(process.pid)
        while not stop.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            peak[0] = max(peak[0], total)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    stop.set()
    sampler.join()
    wall = time.perf_counter() - start
    machine = busy() - before
    cpu = float("nan")
    if group is not None:
        cpu = group_cpu(group)
        for _ in range(50):  # the sandboxes die with the grader: wait for the last ones to leave the group
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)
    return {"wall": wall, "cpu": cpu, "machine": machine, "peak": peak[0], "code": code}


def scores(course: Path) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook, MissingEntry

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "atelier-mg") as gb:
        for student in gb.students:
            try:
                submission = gb.find_submission(ASSIGNMENT, student.id)
            except MissingEntry:
                continue
            out[student.id] = {g.name: g.score for nb in submission.notebooks for g in nb.grades}
    return out


def line(label: str, m: dict[str, float], count: int) -> str:
    return (f"{label} : {m['wall']:.1f} s, CPU {m['cpu']:.1f} s (machine {m['machine']:.1f} s), "
            f"mémoire max {m['peak'] / 2**30:.2f} Gio ({m['wall'] / count:.2f} s par rendu), code {m['code']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rendus", type=int, default=300)
    parser.add_argument("--tranches", type=int, default=3, help="tranches de nbgrader, entre nos passages (1 à 26)")
    parser.add_argument("--sans-nbgrader", action="store_true", help="ne mesurer que atelier correction noter")
    parser.add_argument("--processus", type=int, default=None, help="passé à atelier correction noter")
    args = parser.parse_args()
    slices = max(1, min(args.tranches, len(LETTERS), args.rendus))
    with tempfile.TemporaryDirectory() as tmp:
        ours, stock = Path(tmp) / "atelier", Path(tmp) / "nbgrader"
        roster = student_ids(args.rendus, slices)
        make_course(ours, roster)
        files = submissions(ours, roster)
        place(ours, files)
        kinds = {k: sum(1 for v in files.values() if v[0] == k) for k in ("parfait", "partiel", "vierge", "hostile")}
        print(f"{args.rendus} rendus de « {ASSIGNMENT} » : " + ", ".join(f"{v} {k}" for k, v in kinds.items())
              + f" ; {os.cpu_count()} cœurs ; charge moyenne au départ {os.getloadavg()[0]:.1f}", flush=True)
        extra = ["--processus", str(args.processus)] if args.processus else []

        def run_ours(n: int) -> dict[str, float]:
            cmd = [str(BIN / "atelier"), "--racine", str(ours), "correction", "noter", ASSIGNMENT, *extra]
            m = measure(cmd + (["--force"] if n else []), ours)
            print(line(f"atelier correction noter, passage {n + 1}", m, args.rendus)
                  + f" ; charge {os.getloadavg()[0]:.1f}", flush=True)
            return m

        runs = [run_ours(0)]
        if args.sans_nbgrader:
            return
        make_course(stock, roster, stock=True)
        place(stock, files)
        parts = []
        for k in range(slices):
            cmd = [str(BIN / "nbgrader"), "autograde", ASSIGNMENT] + (["--student", f"{LETTERS[k]}*"] if slices > 1 else [])
            m = measure(cmd, stock)
            size = sum(1 for st in roster if st[0] == LETTERS[k])
            print(line(f"nbgrader autograde, tranche {k + 1}/{slices} ({size} rendus)", m, size)
                  + f" ; charge {os.getloadavg()[0]:.1f}", flush=True)
            parts.append(m)
            runs.append(run_ours(k + 1))
        s = {key: sum(p[key] for p in parts) for key in ("wall", "cpu", "machine")}
        s.update(peak=max(p["peak"] for p in parts), code=max(p["code"] for p in parts))
        a = {key: statistics.median(r[key] for r in runs) for key in ("wall", "cpu", "machine", "peak")}
        a["code"] = max(r["code"] for r in runs)
        walls = sorted(r["wall"] for r in runs)
        print()
        print(line(f"atelier correction noter (médiane de {len(runs)} passages)", a, args.rendus)
              + f" ; passages de {walls[0]:.1f} à {walls[-1]:.1f} s")
        print(line(f"nbgrader autograde       (somme de {slices} tranches)", s, args.rendus))
        print(f"rapport (temps écoulé) : ×{s['wall'] / a['wall']:.1f} (de ×{s['wall'] / walls[-1]:.1f} à "
              f"×{s['wall'] / walls[0]:.1f} selon le passage) ; rapport (CPU de l'arbre) : ×{s['cpu'] / a['cpu']:.1f}")
        honest = [st for st, (kind, _) in files.items() if kind != "hostile"]
        # A submission nbgrader could not grade during the measure (no graded notebook: its kernel did not start in
        # time on a loaded machine) is graded again alone, outside the measure, before the scores are compared.
        missed = [st for st in honest if not (stock / "autograded" / st / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()]
        for st in missed:
            subprocess.run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--student", st, "--force"], cwd=stock,
                           env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if missed:
            print(f"nbgrader n'a pas noté {len(missed)} rendu(s) non hostile(s) pendant la mesure ({', '.join(missed[:10])}) : "
                  "notés de nouveau seuls, hors mesure")
        ours_scores, stock_scores = scores(ours), scores(stock)
        differ = [st for st in honest if st not in ours_scores or ours_scores[st] != stock_scores.get(st)]
        print(f"notes identiques par cellule sur les {len(honest)} rendus non hostiles : "
              + ("oui" if not differ else f"NON ({len(differ)} différent(s) : {', '.join(differ[:10])})"))


if __name__ == "__main__":
    main()
