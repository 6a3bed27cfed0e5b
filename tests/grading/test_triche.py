"""Tricher ne rapporte rien : chaque tentative, vraie correction (bac à sable, export, processus propre).

Every submission answers ``ecologie`` rightly except q2 (2 points), which is wrong; each adds one kind of
tampering. None may score above the same answers untampered (8/10): the tampered submission gets the
score its real answers deserve, or a refusal with its French reason (score 0).
"""

from __future__ import annotations

import pytest
from gradingkit import ASSIGNMENT, Q2_WRONG, answered, atelier, make_course, submit

pytestmark = pytest.mark.slow

TAMPERING = {
    "remplace_score_answers": ("import atelier_mg.core.answers as _a\n"
                               "_a.score_answers = lambda answers, key: (len(key), [])"),
    "faux_module": ("import sys, types\n_m = types.ModuleType('atelier_mg.core.answers')\n"
                    "_m.score_answers = lambda answers, key: (len(key), [])\n"
                    "sys.modules['atelier_mg.core.answers'] = _m"),
    "echange_code": ("import atelier_mg.core.answers as _a\n"
                     "_a.score_answers.__code__ = (lambda answers, key: (len(key), [])).__code__"),
    "enveloppe_import": ("import builtins, types\n_orig = builtins.__import__\n"
                         "def _imp(name, *a, **k):\n"
                         "    m = _orig(name, *a, **k)\n"
                         "    if name == 'atelier_mg.core.answers':\n"
                         "        f = types.ModuleType(name)\n"
                         "        f.score_answers = lambda answers, key: (len(key), [])\n"
                         "        return f\n"
                         "    return m\n"
                         "builtins.__import__ = _imp"),
    "series_all": "import pandas as _pd\n_pd.Series.all = lambda self, *a, **k: True",
    "isclose": "import math\nmath.isclose = lambda *a, **k: True",
    "run_cell": ("_ip = get_ipython()\n_rc = _ip.run_cell\n"
                 "_ip.run_cell = lambda raw, *a, **k: _rc('pass', *a, **k)"),
    "egalite_menteuse": ("class _Toujours(str):\n    def __eq__(self, other):\n        return True\n"
                         "    __hash__ = str.__hash__\n    def upper(self):\n        return 'A'\n"
                         "    def strip(self):\n        return self\n    def lower(self):\n        return 'filtres'\n"
                         "reponse_q2 = dict(source=_Toujours('B'), raison=_Toujours('examens'), justification='-')"),
    "dict_menteur": ("class _D(dict):\n    def get(self, k, d=None):\n"
                     "        return {'source': 'A', 'raison': 'filtres'}.get(k, d)\n"
                     "    def items(self):\n        return [('source', 'A'), ('raison', 'filtres')]\n"
                     "reponse_q2 = _D(source='B', raison='examens', justification='-')"),
    "exportateur_remplace": ("import json, atelier_mg.grading.extract as _e\n"
                             "_e.export = lambda names, probes: json.dumps({n: {'etat': 'ok', 'valeur': 'ok'} "
                             "for n in [*names, *probes]})"),
    "user_expressions": ("import json\n_ip = get_ipython()\n"
                         "_ip.user_expressions = lambda e: {'r': {'status': 'ok', 'data': {'text/plain': "
                         "repr(json.dumps({'cellules': {}, 'q2-tests': {'etat': 'ok'}}))}}}"),
    "reduce_pickle": ("class _P:\n    def __reduce__(self):\n        return (print, ('pwn',))\n"
                      "reponse_q2 = _P()"),
}
BASELINE = 8


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    students = ["sans_triche", *TAMPERING]
    course = make_course(tmp_path_factory.mktemp("triche"), [(s, "Prénom", s.capitalize()) for s in students])
    submit(course, "sans_triche", answered(course, replace={"q2-reponse": Q2_WRONG}))
    for name, code in TAMPERING.items():
        submit(course, name, answered(course, replace={"q2-reponse": Q2_WRONG + "\n" + code}))
    atelier(course, "noter", ASSIGNMENT, "--delai", "10")
    from atelier_mg.grading.journal import Journal

    with Journal(course, ASSIGNMENT) as j:
        return j.results()


def test_untampered_wrong_answer_loses_its_points(graded):
    assert graded["sans_triche"]["refusal"] is None and graded["sans_triche"]["score"] == BASELINE


@pytest.mark.parametrize("name", TAMPERING)
def test_tampering_never_raises_the_score(graded, name):
    outcome = graded[name]
    if outcome["refusal"] is not None:
        assert outcome["refusal"]["message"] and outcome["score"] in (0, None)
    else:
        assert outcome["score"] <= BASELINE, (name, outcome)


@pytest.mark.parametrize("name", ["remplace_score_answers", "echange_code", "series_all", "egalite_menteuse",
                                  "dict_menteur", "reduce_pickle"])
def test_tampering_outside_the_answers_gets_what_the_answers_deserve(graded, name):
    """Patching the kernel changes nothing where the key is applied: same score, or refused as today."""
    outcome = graded[name]
    assert outcome["score"] == BASELINE or (outcome["refusal"] or {}).get("code") == "triche", (name, outcome)


@pytest.mark.parametrize("name", ["faux_module", "enveloppe_import", "exportateur_remplace", "user_expressions"])
def test_tampering_with_the_export_loses_the_answers(graded, name):
    """Breaking the way answers leave the kernel: they cannot be read, every question scores 0 (or refused)."""
    outcome = graded[name]
    assert outcome["score"] == 0 or (outcome["refusal"] or {}).get("code") == "triche", (name, outcome)
