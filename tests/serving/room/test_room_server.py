"""« atelier salle » lancé pour de vrai : participants simulés (HTTP), animateur, salle complète, reprise."""

from __future__ import annotations

import html
import re
import sqlite3
import subprocess
import threading

import pytest
from conftest import BIN, ROOT, free_port, tool_env
from roomkit import PLACES, Client, RoomProcess, facilitator, participant

pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def room(tmp_path_factory):
    with RoomProcess(tmp_path_factory.mktemp("salle"), "essai") as r:
        yield r


def test_the_room_is_ready_before_it_is_announced(room):
    status, state = Client(room.base).json("/salle/etat")
    assert status == 200
    assert state["pret"] is True and state["places"] == PLACES and state["tableaux"] == ["ecologie", "tester_ou_traiter"]
    assert room.participant_url.startswith("http://127.0.0.1:") and re.fullmatch(r"[A-Z2-9]{4}", room.code)


def test_facilitator_pages_need_the_token(room):
    anyone = Client(room.base)
    for path in ("/animateur", "/animateur/export.csv", "/animateur?jeton=mauvais"):
        status, _, body = anyone.request(path)
        assert status == 403 and "réservée à l'animateur" in html.unescape(body.decode()), path
    status, answer = anyone.json("/animateur/api/etat")
    assert status == 403 and "réservée à l'animateur" in answer["erreur"]
    anyone.request("/")  # gets an _xsrf cookie: the token is still needed
    status, answer = anyone.json("/animateur/api/ouvrir", {"tableau": "ecologie", "question": "biais_chu"})
    assert status == 403 and "erreur" in answer
    boss = facilitator(room)
    status, state = boss.json("/animateur/api/etat")
    assert status == 200 and state["places"] == PLACES


def test_participants_join_answer_and_the_facilitator_sees_the_distribution(room):
    boss = facilitator(room)
    results = []

    def join():
        results.append(participant(room))

    threads = [threading.Thread(target=join) for _ in range(PLACES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [status for _, status, _ in results] == [200] * PLACES
    page = results[0][2].decode()
    assert '<html lang="fr"' in page and "vega.min.js" in page and "Écologie des soins" in page
    assert "http" not in re.sub(r'href="/livre/[^"]*"', "", page.split("<script", 1)[0]).replace("http-equiv", "")
    assert Client(room.base).json("/salle/etat")[1]["participants"] == PLACES

    status, _ = boss.json("/animateur/api/ouvrir", {"tableau": "ecologie", "question": "biais_chu"})
    assert status == 200
    question = None
    for client, _, _ in results:
        status, state = client.json("/salle/api/etat")
        question = state["question"]
        assert question["id"] == "biais_chu" and "reponse" not in question and state["revele"] is None
    right, wrong = question["choix"][0], question["choix"][1]
    for i, (client, _, _) in enumerate(results):
        status, answer = client.json("/salle/api/reponse",
                                     {"tableau": "ecologie", "question": "biais_chu", "valeur": right if i % 3 else wrong})
        assert status == 200 and answer["ok"], answer
    status, state = boss.json("/animateur/api/etat")
    assert state["distribution"]["repondants"] == PLACES
    assert [c["nombre"] for c in state["distribution"]["comptes"]] == [PLACES - 2, 2, 0]

    boss.json("/animateur/api/devoiler", {"tableau": "ecologie", "question": "biais_chu"})
    _, first = results[0][0].json("/salle/api/etat")
    _, second = results[1][0].json("/salle/api/etat")
    assert first["revele"]["reponse"] == right and first["revele"]["juste"] is False
    assert second["revele"]["juste"] is True and "White" in second["revele"]["explication"]
    status, refused = results[1][0].json("/salle/api/reponse", {"tableau": "ecologie", "question": "biais_chu", "valeur": wrong})
    assert status == 400 and "dévoilée" in refused["erreur"]

    # A seventh participant finds the room full, until someone leaves.
    late, status, body = participant(room)
    assert status == 503 and "Salle complète" in body.decode() and 'lang="fr"' in body.decode()
    status, _, _ = results[0][0].request("/salle/api/quitter", b"_xsrf=" + results[0][0].cookie("_xsrf").encode(),
                                         headers={"Content-Type": "application/x-www-form-urlencoded"}, xsrf=False)
    assert status == 200  # what the page sends (navigator.sendBeacon) when the participant leaves
    status, _, _ = late.request(f"/s/{room.code}")
    assert status == 200

    # Export for the DPC attestation: counts, no participant identifier.
    status, headers, raw = boss.request("/animateur/export.csv")
    text = raw.decode("utf-8-sig")
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    assert f"ecologie;biais_chu;{question['enonce']};{right};{PLACES - 2};{PLACES}" in text
    with sqlite3.connect(room.database) as db:
        ids = [pid for (pid,) in db.execute("SELECT id FROM participants")]
    assert len(ids) == PLACES + 1 and all(len(pid) >= 16 and pid not in text for pid in ids)
    for client, _, _ in [*results, (late, 200, b"")]:
        client.request("/salle/api/quitter", b"_xsrf=" + client.cookie("_xsrf").encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded"}, xsrf=False)
    assert Client(room.base).json("/salle/etat")[1]["participants"] == 0


def test_bad_requests_get_french_errors_and_change_nothing(room):
    boss = facilitator(room)
    boss.json("/animateur/api/ouvrir", {"tableau": "ecologie", "question": "mg_par_mois"})
    client, status, _ = participant(room)
    assert status == 200
    status, answer = client.json("/salle/api/reponse", {"tableau": "ecologie", "question": "mg_par_mois", "valeur": "beaucoup"})
    assert status == 400 and "Entrez un nombre" in answer["erreur"]
    status, _, _ = client.request("/salle/api/reponse", {"tableau": "ecologie", "question": "mg_par_mois", "valeur": 3},
                                  xsrf=False)
    assert status == 403  # no cross-site request forgery
    status, _, _ = client.request("/salle/api/reponse", b"{pas du json", xsrf=True)
    assert status == 400
    status, answer = client.json("/salle/api/reponse", {"tableau": "inconnu", "question": "x", "valeur": 1})
    assert status == 400 and answer["erreur"] == "Question inconnue."
    status, _, body = Client(room.base).request("/s/ZZZZ")
    assert status == 404 and "Ce code de salle n'existe pas" in html.unescape(body.decode())
    status, _, body = Client(room.base).request("/rejoindre?code=zzzz")
    assert status == 400 and "inconnu" in body.decode()
    status, headers, _ = Client(room.base).request(f"/rejoindre?code={room.code.lower()}")
    assert status == 200  # redirected to the room
    assert boss.json("/animateur/api/etat")[1]["distribution"]["repondants"] == 0


def test_a_restarted_room_keeps_its_code_token_and_answers(tmp_path):
    with RoomProcess(tmp_path, "reprise", places=3) as first:
        boss = facilitator(first)
        boss.json("/animateur/api/ouvrir", {"tableau": "tester_ou_traiter", "question": "antibiotiques_test"})
        client, status, _ = participant(first)
        assert client.json("/salle/api/reponse", {"tableau": "tester_ou_traiter", "question": "antibiotiques_test",
                                                  "valeur": "220"})[1]["ok"]
        code, token = first.code, first.facilitator_url
    with RoomProcess(tmp_path, "reprise", places=3) as again:
        assert (again.code, again.facilitator_url.split("jeton=")[1]) == (code, token.split("jeton=")[1])
        _, state = facilitator(again).json("/animateur/api/etat")
        assert state["question"]["id"] == "antibiotiques_test" and state["distribution"]["valeurs"] == [220.0]


def test_unknown_dashboard_or_bad_places_are_refused_in_french(tmp_path):
    cases = ((["carnet"], "n'a pas de version pour une salle"), (["ecologie", "--places", "0"], "nombre de places"))
    for extra, message in cases:
        result = subprocess.run([str(BIN / "atelier"), "salle", *extra, "--ip", "127.0.0.1", "--port", str(free_port()),
                                 "--dossier-seances", str(tmp_path)], cwd=ROOT, env=tool_env(), capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
