"""Définition d'une salle : fichiers *.salle.yaml, questions vérifiées, réponses tirées des données."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from atelier_mg.core import data
from atelier_mg.serving.room import definition
from atelier_mg.topics.context import capacity, planning, team
from atelier_mg.topics.pertinence import antibiotics
from atelier_mg.topics.prevention import biases, screening

DASHBOARDS = ROOT / "dashboards"


@pytest.mark.parametrize("name", definition.available(DASHBOARDS))
def test_every_room_file_loads_and_its_simulators_are_the_books(name):
    room = definition.load(name, DASHBOARDS)
    assert room.title and room.questions and (ROOT / f"{room.chapter}.md").is_file()
    assert (DASHBOARDS / f"{name}.ipynb").is_file()
    for sim in room.simulators:
        spec = sim.spec()
        assert spec["params"] and any("bind" in p for p in spec["params"]), "un simulateur de salle a des réglages"


def _book_static_simulators() -> set[str]:
    """« module:fonction » of every simulator the static book computes in the page (read from book/*.md)."""
    found = set()
    for page in (ROOT / "book").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        aliases = {}
        for module, names in re.findall(r"^from (atelier_mg[\w.]*) import ([\w ,]+)$", text, re.M):
            for item in names.split(","):
                name, _, alias = item.strip().partition(" as ")
                aliases[alias or name] = f"{module}.{name}"
        for alias, function in re.findall(r"^(\w+)\.(\w+)\(.*interactive=True", text, re.M) + \
                re.findall(r"^(\w+)\.(static_chart)\(", text, re.M):
            found.add(f"{aliases[alias]}:{function}")
    return found


def test_every_simulator_of_the_static_book_has_a_room():
    in_rooms = {sim.call for name in definition.available(DASHBOARDS)
                for sim in definition.load(name, DASHBOARDS).simulators}
    book_simulators = _book_static_simulators()
    assert len(book_simulators) >= 11 and "atelier_mg.topics.context.team:chart" in book_simulators
    assert book_simulators <= in_rooms, sorted(book_simulators - in_rooms)


@pytest.mark.parametrize("name", definition.available(DASHBOARDS))
def test_every_room_has_three_questions_and_a_reasoning_one(name):
    room = definition.load(name, DASHBOARDS)
    assert len(room.questions) >= 3
    reasoning = [q for q in room.questions if q.kind in ("vignette", "choix_unique", "choix_multiples")
                 and len(q.explanation) > 60]
    assert reasoning, "au moins une question de raisonnement clinique ou d'organisation, avec son explication"


def test_answers_written_in_the_room_files_are_the_models():
    dep = definition.load("depistage", DASHBOARDS)
    general = screening.cascade(screening.preset_scenario("population_generale"))
    assert abs(general.false_positives - dep.question("faux_positifs").answer) <= dep.question("faux_positifs").tolerance
    assert general.ppv < 0.1 < screening.cascade(screening.preset_scenario("hopital")).ppv
    outcome = biases.simulate(biases.scenario("trois"))
    assert definition.load("biais_depistage", DASHBOARDS).question("deces_evites").answer == round(outcome.deaths_avoided)
    assert outcome.screened.survival > outcome.unscreened.survival
    years = capacity.project(capacity.defaults())
    assert years[-1].without > 3 * years[0].without
    c = team.capacity(team.composition("vendee_2025"))
    assert 0.10 < (c.assistants + c.ipa) / c.total < 0.13  # « environ un dixième »
    need, junior2 = planning.simulate(planning.defaults()), planning.simulate(planning.defaults(msu_junior=2))
    assert definition.load("planning_dmg", DASHBOARDS).question("internes_en_stage").answer == need.interns
    assert junior2.msu - need.msu == pytest.approx(need.msu_junior)
    sobr = definition.load("sobriete", DASHBOARDS).question("part_bonus_niveau")
    rules = data.load("dispositif_sobriete_2024").table.set_index("parametre")
    assert sobr.answer == rules.loc["part_beneficiaires_niveau", "valeur"] and sobr.source


def test_a_parameter_can_be_built_by_a_function_of_the_package(tmp_path):
    team_room = definition.load("equipe_soins", DASHBOARDS)
    spec = team_room.simulators[0].spec()
    values = {p["name"]: p.get("value") for p in spec["params"]}
    assert values["assistants"] == team.composition("vendee_2025").assistants == 2
    (tmp_path / "hors.salle.yaml").write_text(
        "titre: Hors\nchapitre: book/ecologie\nsimulateurs:\n  - appel: os:system\n"
        "  - appel: atelier_mg.topics.ecology:chart\n    parametres: {x: {appel: subprocess:run}}\n"
        "  - appel: atelier_mg.topics.ecology:inexistante\n"
    )
    with pytest.raises(definition.RoomDefinitionError) as err:
        definition.load("hors", tmp_path)
    assert str(err.value).count("dans le paquet atelier_mg") == 2 and "fonction « inexistante » introuvable" in str(err.value)


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
