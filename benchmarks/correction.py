"""Correction d'une promotion : ``atelier correction noter`` contre ``nbgrader autograde``, dans la même exécution.

Generates N submissions of ``ecologie`` (default 300: a third perfect, a third partial, the rest blank,
and about 5 % hostile), in two identical course folders, then grades one with
``atelier correction noter`` (one worker per core, sandboxed) and the other with stock
``nbgrader autograde``. Prints for each: wall time, CPU time (the machine's, all cores: run it alone),
peak memory (sum of the resident memory of the process tree, sampled every 0.2 s), then the ratios,
and checks that every non-hostile submission got the same score per cell in both gradebooks.

The hostile cases here are those that are safe to run *without* a sandbox (stock nbgrader has none):
infinite loop, kernel killed, SystemExit, 8 GiB allocation, monkeypatched ``math.isclose``, invalid
JSON, empty file, tampered test cell. The fork bomb and the writes outside the course are left to
the tests, which run them in the sandbox only.

Usage : .venv/bin/python benchmarks/correction.py [--rendus 300] [--sans-nbgrader] [--processus N]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
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


def submissions(course: Path, count: int) -> dict[str, tuple[str, bytes]]:
    """student → (kind, file content); seeded, so both folders get the same files."""
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
    for n in range(count):
        student = f"i{n:04d}"
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


def measure(cmd: list[str], cwd: Path) -> dict[str, float]:
    """Wall time, CPU spent by the machine meanwhile, peak of the process tree's summed resident memory.

    CPU is read machine-wide (run the benchmark alone): the kernels in a bubblewrap PID namespace are
    not reaped through the grader, so the usual children CPU times would miss them.
    """
    before = busy()
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    return {"wall": wall, "cpu": busy() - before, "peak": peak[0], "code": code}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rendus", type=int, default=300)
    parser.add_argument("--sans-nbgrader", action="store_true", help="ne mesurer que atelier correction noter")
    parser.add_argument("--processus", type=int, default=None, help="passé à atelier correction noter")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ours, stock = Path(tmp) / "atelier", Path(tmp) / "nbgrader"
        roster = [f"i{n:04d}" for n in range(args.rendus)]
        make_course(ours, roster)
        files = submissions(ours, args.rendus)
        place(ours, files)
        kinds = {k: sum(1 for v in files.values() if v[0] == k) for k in ("parfait", "partiel", "vierge", "hostile")}
        print(f"{args.rendus} rendus de « {ASSIGNMENT} » : " + ", ".join(f"{v} {k}" for k, v in kinds.items())
              + f" ; {os.cpu_count()} cœurs", flush=True)
        extra = ["--processus", str(args.processus)] if args.processus else []
        a = measure([str(BIN / "atelier"), "--racine", str(ours), "correction", "noter", ASSIGNMENT, *extra], ours)
        print(f"atelier correction noter : {a['wall']:.1f} s, CPU {a['cpu']:.1f} s, mémoire max {a['peak'] / 2**30:.2f} Gio "
              f"({a['wall'] / args.rendus:.2f} s par rendu), code {a['code']}", flush=True)
        if args.sans_nbgrader:
            return
        make_course(stock, roster, stock=True)
        place(stock, files)
        s = measure([str(BIN / "nbgrader"), "autograde", ASSIGNMENT], stock)
        print(f"nbgrader autograde       : {s['wall']:.1f} s, CPU {s['cpu']:.1f} s, mémoire max {s['peak'] / 2**30:.2f} Gio "
              f"({s['wall'] / args.rendus:.2f} s par rendu), code {s['code']}", flush=True)
        print(f"rapport (temps écoulé) : ×{s['wall'] / a['wall']:.1f} ; rapport (CPU) : ×{s['cpu'] / a['cpu']:.1f}")
        ours_scores, stock_scores = scores(ours), scores(stock)
        honest = [st for st, (kind, _) in files.items() if kind != "hostile"]
        differ = [st for st in honest if ours_scores.get(st) != stock_scores.get(st)]
        print(f"notes identiques par cellule sur les {len(honest)} rendus non hostiles : "
              + ("oui" if not differ else f"NON ({len(differ)} différent(s) : {', '.join(differ[:10])})"))


if __name__ == "__main__":
    main()
