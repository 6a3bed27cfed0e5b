"""Programme d'une séance : fichiers seances/*.yaml vérifiés, l'animateur avance, les participants suivent."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest
from conftest import BIN, ROOT, tool_env
from playwright.sync_api import expect
from roomkit import Client, RoomProcess, facilitator, participant

from atelier_mg.core import data
from atelier_mg.serving.room import programme

DASHBOARDS = ROOT / "dashboards"
SHIPPED = sorted((ROOT / "seances").glob("*.yaml"))


def test_two_ready_programmes_of_60_to_90_minutes():
    titles = {programme.load(p, DASHBOARDS).title for p in SHIPPED}
    assert {"Antibiotiques : tester avant de traiter", "Dépister sans surdiagnostiquer"} <= titles


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_programme_is_a_full_session(path):
    prog = programme.load(path, DASHBOARDS)
    assert 60 <= prog.minutes <= 90 and abs(sum(s.minutes for s in prog.steps) - prog.minutes) <= 5
    kinds = [s.kind for s in prog.steps]
    assert {"simulateur", "question", "pause"} <= set(kinds) and kinds.count("question") >= 4
    assert all(s.prompt for s in prog.steps if s.kind != "question")


def test_settings_named_as_cells_of_data_are_read_from_data():
    prog = programme.load(ROOT / "seances" / "antibiotiques.yaml", DASHBOARDS)
    rapid = data.load("tests_rapides").table.set_index("code")
    adult = next(s for s in prog.steps if s.kind == "simulateur")
    assert adult.settings == {"n": 1000, "prev": rapid.loc["angine_adulte", "prevalence"],
                              "se": rapid.loc["angine_adulte", "sensibilite"],
                              "sp": rapid.loc["angine_adulte", "specificite"]}


def test_a_broken_programme_lists_every_problem_in_french(tmp_path):
    path = tmp_path / "cassee.yaml"
    path.write_text(
        "titre: Essai\nduree_minutes: 200\netapes:\n"
        "  - {type: atelier, consigne: x}\n"
        "  - {type: question, tableau: ecologie, question: inexistante}\n"
        "  - {type: simulateur, tableau: ecologie, reglages: {vitesse: 3, population: -5}}\n"
        "  - {type: simulateur, tableau: inconnu}\n"
        "  - {type: simulateur, tableau: tester_ou_traiter, simulateur: 3}\n"
        "  - {type: pause, titre: Discussion}\n"
        "  - {type: simulateur, tableau: ecologie, reglages: {population: {jeu: inexistant, colonne: x}}}\n",
        encoding="utf-8")
    with pytest.raises(programme.ProgrammeError) as err:
        programme.load(path, DASHBOARDS)
    text = str(err.value)
    for part in ("étape 1 : type « atelier » inconnu", "étape 2 : question « inexistante » absente de ecologie.salle.yaml",
                 "étape 3 : réglage « vitesse » inconnu", "valeur -5 hors des bornes du réglage « population »",
                 "étape 4 : Le tableau de bord « inconnu » n'a pas de version pour une salle",
                 "étape 5 : « simulateur » doit être un rang entre 1 et 2",
                 "étape 6 : une pause de discussion a besoin d'une « consigne »",
                 "étape 7, réglage « population » : réponse introuvable dans les données",
                 "une séance dure de 60 à 90 minutes"):
        assert part in text, part
    with pytest.raises(programme.ProgrammeError, match="Programme introuvable"):
        programme.load(tmp_path / "absent.yaml", DASHBOARDS)
    (tmp_path / "vide.yaml").write_text("titre: [", encoding="utf-8")
    with pytest.raises(programme.ProgrammeError, match="illisible"):
        programme.load(tmp_path / "vide.yaml", DASHBOARDS)


def _atelier(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "atelier"), "salle", *args], cwd=ROOT, env=tool_env(), capture_output=True,
                          text=True, timeout=120)


def test_the_command_lists_the_rooms_and_explains_its_errors_in_french(tmp_path):
    listing = _atelier("--liste")
    assert listing.returncode == 0
    for name in ("ecologie", "depistage", "biais_depistage", "capacite_territoire", "equipe_soins", "planning_dmg",
                 "polymedication", "sobriete", "patientele", "tester_ou_traiter", "seances/antibiotiques.yaml"):
        assert name in listing.stdout, name
    for args, message in ((("--ip", "127.0.0.1", "--port", "1"), "Nommez au moins un tableau de bord"),
                          (("--programme", str(tmp_path / "absent.yaml"), "--ip", "127.0.0.1", "--port", "1"),
                           "Programme introuvable"),
                          (("carnet", "--ip", "127.0.0.1", "--port", "1"), "n'a pas de version pour une salle")):
        run = _atelier(*args, "--dossier-seances", str(tmp_path))
        assert run.returncode != 0 and message in run.stderr + run.stdout, (args, run.stderr)
        assert "Traceback" not in run.stderr + run.stdout


@pytest.mark.slow
def test_the_facilitator_moves_through_the_programme_and_participants_follow(tmp_path):
    with RoomProcess(tmp_path, "programme", room=("--programme", "seances/antibiotiques.yaml")) as room:
        boss = facilitator(room)
        prog = programme.load(ROOT / "seances" / "antibiotiques.yaml", DASHBOARDS)
        status, state = boss.json("/animateur/api/etat")
        assert state["etape"]["index"] == 0 and state["etape"]["total"] == len(prog.steps)
        assert state["tableaux"] == ["tester_ou_traiter", "depistage"]
        phone, status, _ = participant(room)
        assert status == 200
        _, first = phone.json("/salle/api/etat")
        assert first["etape"]["type"] == "pause" and first["etape"]["consigne"] == prog.steps[0].prompt

        # A participant waiting for news gets the new step as soon as the facilitator moves on.
        got = {}

        def wait():
            started = time.monotonic()
            got["state"] = phone.json(f"/salle/api/etat?version={first['version']}")[1]
            got["waited"] = time.monotonic() - started

        waiter = threading.Thread(target=wait)
        waiter.start()
        time.sleep(1.0)
        assert waiter.is_alive(), "nothing changed: the request waits"
        status, moved = boss.json("/animateur/api/etape", {"sens": 1})
        assert status == 200 and moved["etape"]["index"] == 1
        waiter.join(timeout=10)
        step = got["state"]["etape"]
        assert step["index"] == 1 and step["tableau"] == "tester_ou_traiter" and step["reglages"]["se"] == 0.91

        # A question step opens its question for everyone; leaving it closes the question.
        question_at = next(i for i, s in enumerate(prog.steps) if s.kind == "question")
        boss.json("/animateur/api/etape", {"index": question_at})
        _, state = phone.json("/salle/api/etat")
        assert state["question"]["id"] == prog.steps[question_at].question
        boss.json("/animateur/api/etape", {"sens": -1})
        _, state = phone.json("/salle/api/etat")
        assert state["question"] is None and state["etape"]["index"] == question_at - 1

        for bad in ({"index": 99}, {"index": "2"}, {"sens": 5}, {"index": True}):
            status, answer = boss.json("/animateur/api/etape", bad)
            assert status == 400 and "Étape inconnue" in answer["erreur"], bad
        # Participants and strangers cannot move the room.
        status, answer = phone.json("/animateur/api/etape", {"sens": 1})
        assert status == 403 and "réservée à l'animateur" in answer["erreur"]
        stranger = Client(room.base)
        stranger.request("/")
        assert stranger.json("/animateur/api/etape", {"index": 0})[0] == 403
        assert boss.json("/animateur/api/etat")[1]["etape"]["index"] == question_at - 1

    # Restarted with the same session name, the room resumes at the same step.
    with RoomProcess(tmp_path, "programme", room=("--programme", "seances/antibiotiques.yaml")) as again:
        assert facilitator(again).json("/animateur/api/etat")[1]["etape"]["index"] == question_at - 1


@pytest.mark.slow
def test_in_chromium_participants_follow_the_steps_and_keep_their_sliders(browser, tmp_path):
    phone_options = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "fr-FR"}
    with RoomProcess(tmp_path, "programme-navigateur", room=("--programme", "seances/depistage.yaml")) as room:
        contexts = [browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR"),
                    browser.new_context(**phone_options), browser.new_context(**phone_options)]
        try:
            boss, *phones = [ctx.new_page() for ctx in contexts]
            boss.goto(room.facilitator_url)
            expect(boss.locator(".etape-en-cours")).to_contain_text("Étape 1 sur 14 : Accueil et tour de table")
            for phone in phones:
                phone.goto(room.participant_url)
                expect(phone.locator(".simulateur[data-rendu=ok]").first).to_be_visible(timeout=15_000)
                expect(phone.locator("#etape")).to_contain_text("Quel dépistage avez-vous proposé cette semaine")
            boss.locator("button[data-action=suivante]").click()
            expect(boss.locator("body")).to_have_attribute("data-etape", "1")
            for phone in phones:
                expect(phone.locator("body")).to_have_attribute("data-etape", "1", timeout=3_000)
                expect(phone.locator("#etape")).to_contain_text("Dépister des personnes sans symptôme")
                expect(phone.locator("#t-depistage")).to_be_visible()
                # The facilitator's settings (read from presets_depistage): half the invited people are tested.
                expect(phone.locator("#t-depistage [data-spec='depistage-0'] input[name=participation]")).to_have_value("0.5")
            # A participant moves a slider freely; the other one keeps the facilitator's value.
            slider = phones[0].locator("#t-depistage [data-spec='depistage-0'] input[name=prevalence]")
            slider.evaluate("el => { el.value = '0.2'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
            expect(slider.locator("~ output.valeur")).to_have_text("0,2")
            phones[0].wait_for_timeout(1500)
            expect(slider).to_have_value("0.2")
            expect(phones[1].locator("#t-depistage [data-spec='depistage-0'] input[name=prevalence]")).to_have_value("0.005")
            # A question step opens the question on every page; the facilitator can jump to any step.
            boss.locator(".liste-etapes button[data-index='2']").click()
            for phone in phones:
                expect(phone.locator("#question")).to_contain_text("positif à tort", timeout=3_000)
            boss.locator(".liste-etapes button[data-index='4']").click()
            for phone in phones:
                expect(phone.locator("#question")).to_be_hidden(timeout=3_000)
                expect(phone.locator("#t-depistage [data-spec='depistage-1'] input[name=prevalence]")).to_have_value("0.3")
                assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            for ctx in contexts:
                ctx.close()
