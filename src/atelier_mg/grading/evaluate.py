"""Appliquer la clé aux réponses, dans un processus propre où aucun code d'interne n'a jamais tourné.

Each grading worker starts one evaluation process (``python -m atelier_mg.grading.evaluate [key]``) before
it grades anything, and talks to it through JSON lines on its stdin/stdout. The process reads the key
file (never sent by the worker: only its path), runs its ``preparation`` once (at start when the worker
names the key on the command line, so that it overlaps the sandbox's start), and for each submission
decodes the exported answers (:func:`atelier_mg.core.answers.decode`: builtin values and pandas objects,
never pickle) and runs each cell's ``forme`` then ``cle`` checks on them. The intern's kernel never
sees the key and this process never sees the intern's code: patching a checker, a module, ``builtins``
or IPython in the notebook changes nothing here.

The answer to a request, per grade id: ``{"etat": "ok"}``, or ``{"etat": "faux", "message": …}``
(visible check failed: its own French message), ``{"etat": "cle", "message": …}`` (the key rejected
the answer: a neutral message), ``{"etat": "absent", "message": …}`` (the answer could not be taken
out), or ``{"etat": "partiel", "points": x}`` when the key gives partial credit (``points = …``).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

from atelier_mg.core.answers import NotAnAnswer, decode

from .keys import Key, load_key

WRONG = "Réponse à revoir : elle ne correspond pas à ce qu'attend la correction pour cette question."
BROKEN = "La vérification de cette question a échoué sur votre réponse ({detail})."


def _message(exc: BaseException) -> str:
    return str(exc).strip() or "réponse à revoir"


def evaluate_cells(key: Key, prepared: dict, exported: dict[str, dict]) -> dict[str, dict]:
    """Outcome of every graded cell of ``key`` on the exported answers."""
    outcomes: dict[str, dict] = {}
    for grade_id, spec in key.cells.items():
        namespace = dict(prepared)
        missing = None
        for name in spec["reponses"]:
            entry = exported.get(name)
            if not isinstance(entry, dict) or ("valeur" not in entry):
                reason = entry.get("erreur") if isinstance(entry, dict) and isinstance(entry.get("erreur"), str) \
                    else f"« {name} » n'a pas pu être lu"
                missing = reason
                break
            try:
                namespace[name] = decode(entry["valeur"])
            except (NotAnAnswer, KeyError, TypeError, ValueError):
                missing = f"« {name} » n'a pas pu être lu"
                break
        if missing:
            outcomes[grade_id] = {"etat": "absent", "message": f"Question non notée : {missing}."}
            continue
        outcomes[grade_id] = _run_cell(spec, namespace)
    return outcomes


def _run_cell(spec: dict, namespace: dict) -> dict:
    try:
        exec(compile(spec["forme"], "<forme>", "exec"), namespace)  # noqa: S102 - the key's own checks
    except AssertionError as exc:
        return {"etat": "faux", "message": _message(exc)}
    except Exception as exc:  # noqa: BLE001 - a malformed answer breaks a visible check
        return {"etat": "faux", "message": BROKEN.format(detail=type(exc).__name__)}
    try:
        exec(compile(spec["cle"], "<cle>", "exec"), namespace)  # noqa: S102
    except AssertionError:
        return {"etat": "cle", "message": WRONG}
    except Exception as exc:  # noqa: BLE001
        return {"etat": "cle", "message": BROKEN.format(detail=type(exc).__name__)}
    points = namespace.get("points")
    if type(points) in (int, float) and "points" not in _preset(namespace):
        return {"etat": "partiel", "points": float(points)}
    return {"etat": "ok"}


def _preset(namespace: dict) -> set:
    return namespace.get("__atelier_preset__", set())


def prepare(key: Key) -> dict:
    namespace: dict = {"__name__": "atelier_cle"}
    exec(compile(key.preparation, "<preparation>", "exec"), namespace)  # noqa: S102
    namespace["__atelier_preset__"] = set(namespace)
    return namespace


def serve(stdin=sys.stdin, stdout=sys.stdout, warm: str | None = None) -> None:
    """The evaluation process: one JSON request per line, one JSON answer per line.

    ``warm``: a key file to read and prepare before the first request (a problem is reported at that request).
    """
    cache: dict[str, tuple[Key, dict]] = {}
    if warm:
        try:
            key = load_key(Path(warm))
            cache[warm] = (key, prepare(key))
        except Exception:  # noqa: BLE001 - read again, and reported, at the first request
            pass
    for line in stdin:
        try:
            request = json.loads(line)
            path = request["cle"]
            if path not in cache:
                key = load_key(Path(path))
                cache[path] = (key, prepare(key))
            key, prepared = cache[path]
            answer = {"cellules": evaluate_cells(key, prepared, request.get("reponses") or {})}
        except Exception as exc:  # noqa: BLE001 - reported to the worker, which refuses to grade
            answer = {"erreur": f"{type(exc).__name__} : {str(exc)[:300]}"}
        stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        stdout.flush()


class Evaluator:
    """The worker's side: one long-lived clean evaluation process, restarted if it dies."""

    def __init__(self, timeout: float = 120) -> None:
        self.timeout = timeout
        self.process: subprocess.Popen | None = None
        self.warm: Path | None = None

    def start(self, warm: Path | None = None) -> None:
        """Start the process if it is not running; ``warm``: the key it prepares before the first request."""
        if self.process is not None and self.process.poll() is None:
            return
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONSTARTUP")}
        warm = warm or self.warm
        self.process = subprocess.Popen([sys.executable, "-m", "atelier_mg.grading.evaluate",
                                         *([str(warm)] if warm else [])], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
                                        bufsize=1)

    def evaluate(self, key: Key, exported: dict[str, dict]) -> dict[str, dict]:
        self.warm = key.path
        self.start()
        assert self.process and self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"cle": str(key.path), "reponses": exported}, allow_nan=True) + "\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + self.timeout
        while True:
            ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if ready:
                break
            if time.monotonic() >= deadline:
                self.stop()
                raise RuntimeError("la vérification des réponses n'a pas répondu à temps")
        line = self.process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError("le processus de vérification s'est arrêté")
        answer = json.loads(line)
        if "erreur" in answer:
            raise RuntimeError(answer["erreur"])
        return answer["cellules"]

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


EVALUATOR = Evaluator()


if __name__ == "__main__":
    serve(warm=sys.argv[1] if len(sys.argv) > 1 else None)
