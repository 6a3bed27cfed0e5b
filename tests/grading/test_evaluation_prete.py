"""Le processus propre de vérification, préparé au démarrage du processus de correction (clé lue d'avance).

The worker names the key on the evaluation process's command line so that its ``preparation`` runs while
the sandbox starts. Nothing else changes: the same outcomes, a key that cannot be read is still reported at
the first request (and refuses the grading), and the process is a new interpreter that never saw intern code.
"""

from __future__ import annotations

import io
import json

from conftest import ROOT

from atelier_mg.grading.evaluate import Evaluator, serve
from atelier_mg.grading.keys import load_key

KEY = ROOT / "solutions" / "ecologie" / "cles.yaml"


def _answers(**values) -> dict:
    return {name: {"valeur": value} for name, value in values.items()}


def _serve(warm: str | None, *requests: dict) -> list[dict]:
    stdin = io.StringIO("".join(json.dumps(r) + "\n" for r in requests))
    stdout = io.StringIO()
    serve(stdin, stdout, warm=warm)
    return [json.loads(line) for line in stdout.getvalue().splitlines()]


def test_a_prepared_key_gives_the_same_outcomes():
    answers = _answers(consultent_cpts=15_000, par_mois_laporte=235 * 12.345, par_mois_autre=20.0)
    request = {"cle": str(KEY.resolve()), "reponses": answers}
    cold, warm = _serve(None, request), _serve(str(KEY.resolve()), request)
    assert cold == warm
    cells = warm[0]["cellules"]
    assert cells["q1-tests"] == {"etat": "ok"} and cells["q2-tests"]["etat"] == "absent"


def test_a_key_that_cannot_be_read_is_reported_at_the_first_request(tmp_path):
    broken = tmp_path / "cles.yaml"
    broken.write_text("devoir: [", encoding="utf-8")
    answers = _serve(str(broken), {"cle": str(broken), "reponses": {}}, {"cle": str(KEY.resolve()), "reponses": {}})
    assert "YAML invalide" in answers[0]["erreur"]
    assert "cellules" in answers[1]  # the process still serves the other keys


def test_the_worker_starts_a_fresh_interpreter_that_prepares_the_key():
    evaluator = Evaluator(timeout=120)
    try:
        evaluator.start(warm=KEY.resolve())
        assert evaluator.process.args[-3:] == ["-m", "atelier_mg.grading.evaluate", str(KEY.resolve())]
        key = load_key(KEY, "ecologie")
        cells = evaluator.evaluate(key, _answers(consultent_cpts=14_000, par_mois_laporte=235 * 12.345,
                                                 par_mois_autre=20.0))
        assert cells["q1-tests"]["etat"] == "cle"
    finally:
        evaluator.stop()
