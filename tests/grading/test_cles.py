"""Clés de correction : format d'échange des réponses, validation des fichiers de clés, évaluation propre."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from atelier_mg.core.answers import NotAnAnswer, decode, encode
from atelier_mg.grading.evaluate import evaluate_cells, prepare
from atelier_mg.grading.keys import KeyFileError, key_path, load_key


def roundtrip(value):
    return decode(json.loads(json.dumps(encode(value), allow_nan=True)))


def test_plain_answers_come_back_as_builtin_values():
    answer = {"a": ("novice", "R1"), "b": [1, 2.5, None, True], 3: {"x"}, "s": frozenset({"R01", "R02"})}
    back = roundtrip(answer)
    assert back == {"a": ["novice", "R1"], "b": [1, 2.5, None, True], 3: {"x"}, "s": {"R01", "R02"}}
    assert type(back["b"][0]) is int and type(back["b"][1]) is float and type(back["b"][3]) is bool


def test_numpy_and_pandas_answers_become_plain_data():
    assert type(roundtrip(np.int64(3))) is int and type(roundtrip(np.float64(0.5))) is float
    assert roundtrip(np.array([1, 2])) == [1, 2]
    series = pd.Series([1.5, 2.0], index=pd.Index(["gp", "population"], name="code"), name="effectif")
    back = roundtrip(series)
    assert isinstance(back, pd.Series) and back.name == "effectif" and back["gp"] == 1.5
    years = roundtrip(pd.Series([2.5, 2.0], index=[2020, 2030]))
    assert list(years.index) == [2020, 2030] and type(years.index[0]) in (int, np.int64)
    frame = roundtrip(pd.DataFrame({"code": ["a", "b"], "n": [1, 2]}))
    assert list(frame.columns) == ["code", "n"] and frame["n"].sum() == 3


def test_objects_that_lie_are_brought_back_to_what_they_are():
    class Always(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

        def strip(self):
            return "B"

        def upper(self):
            return "B"

    class Big(int):
        def __eq__(self, other):
            return True

    class Liar(float):
        def __repr__(self):
            return "15000.0"

    back = roundtrip({"source": Always("A"), "n": Big(2), "x": Liar(1.0)})
    assert back == {"source": "A", "n": 2, "x": 1.0}
    assert type(back["source"]) is str and type(back["n"]) is int and type(back["x"]) is float


@pytest.mark.parametrize("value", [lambda: 1, object(), Path("/tmp"), type, {1: [object()]}])
def test_values_that_are_not_answers_are_refused_in_french(value):
    with pytest.raises(NotAnAnswer) as error:
        encode(value)
    assert str(error.value) and "Traceback" not in str(error.value)


@pytest.mark.parametrize("payload", [{"__reduce__": 1}, {"$d": 3}, {"$pickle": "gASV"}, {"a": 1, "b": 2}])
def test_decoding_accepts_only_the_fixed_format(payload):
    with pytest.raises(NotAnAnswer):
        decode(payload)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cles.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, words", [
    ("devoir: [", "YAML invalide"),
    ("- a\n- b\n", "doit décrire un devoir"),
    ("devoir: x\nautre: 1\ncellules: {a: {cle: 'pass'}}\n", "rubrique inconnue « autre »"),
    ("devoir: x\ncellules: {a: {cle: 'assert ('}}\n", "erreur de syntaxe dans « a.cle »"),
    ("devoir: x\nreponses: [q1]\ncellules: {a: {cle: pass, reponses: [q2]}}\n", "« q2 » n'est ni une réponse ni une sonde"),
    ("devoir: x\nreponses: [1q]\ncellules: {a: {cle: pass}}\n", "n'est pas un nom de variable"),
    ("devoir: x\nsondes: {s: 'f('}\ncellules: {a: {cle: pass}}\n", "la sonde « s »"),
    ("devoir: autre\ncellules: {a: {cle: pass}}\n", "clé du devoir « autre », pas de « x »"),
    ("devoir: x\n", "« cellules »"),
])
def test_a_broken_key_file_gets_a_french_error(tmp_path, text, words):
    with pytest.raises(KeyFileError) as error:
        load_key(_write(tmp_path, text), "x")
    assert words in str(error.value)


def test_private_keys_from_a_file_or_a_folder(tmp_path, monkeypatch):
    folder = tmp_path / "privees"
    (folder / "ecologie").mkdir(parents=True)
    (folder / "ecologie" / "cles.yaml").write_text("devoir: ecologie\n")
    (folder / "competences.yaml").write_text("devoir: competences\n")
    assert key_path(ROOT, "ecologie", folder) == folder / "ecologie" / "cles.yaml"
    assert key_path(ROOT, "competences", folder) == folder / "competences.yaml"
    assert key_path(ROOT, "ecologie") == ROOT / "solutions" / "ecologie" / "cles.yaml"
    monkeypatch.setenv("ATELIER_CLES", str(folder))
    assert key_path(ROOT, "ecologie") == folder / "ecologie" / "cles.yaml"
    with pytest.raises(KeyFileError, match="Aucune clé pour « prevention »"):
        key_path(ROOT, "prevention", folder)


def test_clean_evaluation_gives_a_reason_for_each_unusable_answer():
    key = load_key(ROOT / "solutions" / "ecologie" / "cles.yaml", "ecologie")
    prepared = prepare(key)
    exported = {"consultent_cpts": {"valeur": 15000.0}, "par_mois_laporte": {"valeur": 2901.075},
                "par_mois_autre": {"valeur": 20.0},
                "reponse_q2": {"erreur": "« reponse_q2 » n'est pas défini dans le notebook"},
                "reponse_q4": {"valeur": {"$d": [["decision", "A"], ["filtre", "adresser"]]}},
                "reponse_q5": {"valeur": "B"}}
    outcomes = evaluate_cells(key, prepared, exported)
    assert outcomes["q1-tests"] == {"etat": "ok"}
    assert outcomes["q2-tests"]["etat"] == "absent" and "n'est pas défini" in outcomes["q2-tests"]["message"]
    assert outcomes["q3-tests"]["etat"] == "absent"  # no probe result: 0, with the reason
    assert outcomes["q4-tests"]["etat"] == "cle" and "decision" not in outcomes["q4-tests"]["message"]
    assert outcomes["q5-tests"] == {"etat": "faux", "message": "reponse_q5 doit être un dictionnaire"}


def test_noter_checks_a_private_key_before_grading(tmp_path):
    """« atelier correction noter --cles » : a broken private key stops with a French error, nothing graded."""
    from gradingkit import ASSIGNMENT, atelier, make_course

    course = make_course(tmp_path / "cours", [("i1", "Prénom", "Nom")])
    bad = tmp_path / "privees" / "cles.yaml"
    bad.parent.mkdir()
    bad.write_text("devoir: ecologie\ncellules:\n  q1-tests:\n    cle: 'assert ('\n", encoding="utf-8")
    result = atelier(course, "noter", ASSIGNMENT, "--cles", str(bad), check=False)
    assert result.returncode != 0
    assert "erreur de syntaxe dans « q1-tests.cle »" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    other = tmp_path / "autre.yaml"
    other.write_text((ROOT / "solutions" / "competences" / "cles.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = atelier(course, "noter", ASSIGNMENT, "--cles", str(other), check=False)
    assert result.returncode != 0 and "clé du devoir « competences », pas de « ecologie »" in result.stdout + result.stderr
    partial = tmp_path / "partielle.yaml"
    partial.write_text("devoir: ecologie\nreponses: [consultent_cpts]\ncellules:\n  q1-tests:\n"
                       "    cle: 'assert consultent_cpts == 15000'\n", encoding="utf-8")
    result = atelier(course, "noter", ASSIGNMENT, "--cles", str(partial), check=False)
    assert result.returncode != 0 and "aucune vérification pour la cellule « q2-tests »" in result.stdout + result.stderr
    assert not (course / "autograded").exists()
