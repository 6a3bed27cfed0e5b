"""Définition d'une salle : fichiers *.salle.yaml, questions vérifiées, réponses tirées des données."""

from __future__ import annotations

import pytest
from conftest import ROOT

from atelier_mg.core import data
from atelier_mg.serving.room import definition
from atelier_mg.topics.pertinence import antibiotics

DASHBOARDS = ROOT / "dashboards"


@pytest.mark.parametrize("name", definition.available(DASHBOARDS))
def test_every_room_file_loads_and_its_simulators_are_the_books(name):
    room = definition.load(name, DASHBOARDS)
    assert room.title and room.questions and (ROOT / f"{room.chapter}.md").is_file()
    assert (DASHBOARDS / f"{name}.ipynb").is_file()
    for sim in room.simulators:
        spec = sim.spec()
        assert spec["params"] and any("bind" in p for p in spec["params"]), "un simulateur de salle a des réglages"


def test_room_dashboards_are_those_with_a_kernel_free_simulator():
    assert definition.available(DASHBOARDS) == ["annee_mg", "ecologie", "tester_ou_traiter"]


def test_numeric_answers_come_from_the_data_or_from_the_model():
    eco = definition.load("ecologie", DASHBOARDS).question("mg_par_mois")
    laporte = data.load("ecologie_laporte_2024")
    assert eco.answer == laporte.table.set_index("code").loc["gp", "pour_1000_min"]
    assert eco.source == laporte.citation
    tt = definition.load("tester_ou_traiter", DASHBOARDS)
    _, tested = antibiotics.test_or_treat(1000, 0.2, 0.9, 0.95)
    assert tt.question("antibiotiques_test").answer == pytest.approx(tested.antibiotics)
    assert tt.question("infections_manquees").answer == pytest.approx(tested.missed)
    low = antibiotics.test_or_treat(1000, 0.2, 0.9, 0.95)[1].avoided
    high = antibiotics.test_or_treat(1000, 0.4, 0.9, 0.95)[1].avoided
    assert high < low and tt.question("prevalence").answer == "Il diminue"


def test_answers_are_checked_and_normalised_in_french():
    room = definition.load("ecologie", DASHBOARDS)
    number, single, multiple = room.question("mg_par_mois"), room.question("biais_chu"), room.question("lecture")
    assert number.check("1\u202f000") == 1000.0 and number.check("12,5") == 12.5 and number.check(240) == 240.0
    for bad, message in (("beaucoup", "Entrez un nombre"), ("-3", "entre 0 et 1000"), (float("nan"), "Entrez un nombre")):
        with pytest.raises(ValueError, match=message):
            number.check(bad)
    assert number.is_correct(250) and not number.is_correct(251)
    with pytest.raises(ValueError, match="Choisissez une des réponses"):
        single.check("autre chose")
    with pytest.raises(ValueError, match="Cochez au moins une"):
        multiple.check([])
    assert multiple.check([multiple.choices[1], multiple.choices[0], multiple.choices[1]]) == list(multiple.choices[:2])
    assert multiple.is_correct(tuple(multiple.choices[:2])) and not multiple.is_correct(tuple(multiple.choices[:1]))
    assert "reponse" not in single.public() and "explication" not in single.public()
    assert single.revealed()["reponse"] == single.answer


def test_a_broken_room_file_lists_every_problem_in_french(tmp_path):
    (tmp_path / "cassee.salle.yaml").write_text(
        "titre: Essai\nsimulateurs:\n  - appel: sans_deux_points\nquestions:\n"
        "  - {id: q1, type: choix_unique, enonce: E, choix: [a, b], reponse: c, explication: X}\n"
        "  - {id: q1, type: sondage, enonce: E, reponse: a, explication: X}\n"
        "  - {id: q3, type: nombre, enonce: E, reponse: {jeu: inexistant, colonne: x}, explication: X}\n"
        "  - {id: Q 4, type: vignette, enonce: E, choix: [a, b], reponse: a, explication: X}\n"
    )
    with pytest.raises(definition.RoomDefinitionError) as err:
        definition.load("cassee", tmp_path)
    text = str(err.value)
    for part in ("champ « chapitre » manquant", "module:fonction", "réponse(s) absente(s) des choix : c",
                 "type « sondage » inconnu", "réponse introuvable dans les données", "identifiant invalide",
                 "texte de la vignette manque"):
        assert part in text, part
    with pytest.raises(definition.RoomDefinitionError, match="n'a pas de version pour une salle.*ecologie"):
        definition.load("carnet", DASHBOARDS)
    (tmp_path / "illisible.salle.yaml").write_text("titre: [non fermé")
    with pytest.raises(definition.RoomDefinitionError, match="illisible"):
        definition.load("illisible", tmp_path)
