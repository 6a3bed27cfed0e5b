"""Vue à projeter aux réglages de l'animateur : les curseurs qu'il déplace sur sa page changent la projection,
jamais les pages des participants ; un participant ne peut pas envoyer de réglages (403), même en forgeant
sa requête ; des réglages mal formés sont refusés en français."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from roomkit import Client, RoomProcess, facilitator, participant

pytestmark = pytest.mark.slow

SIM = "tester_ou_traiter-0"


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    with RoomProcess(tmp_path_factory.mktemp("reglages"), "reglages", places=4,
                     room=("--programme", "seances/antibiotiques.yaml")) as r:
        yield r


def live(boss: Client) -> dict:
    status, body = boss.json("/animateur/api/reglages")
    assert status == 200
    return body


def test_only_the_facilitator_sends_or_reads_live_settings(room):
    boss = facilitator(room)
    status, body = boss.json("/animateur/api/reglages", {"simulateur": SIM, "reglages": {"se": 0.8}})
    assert status == 200 and body["ok"]
    before = live(boss)
    assert before["simulateur"] == SIM and before["reglages"] == {"se": 0.8}

    guest, status, _ = participant(room)
    assert status == 200
    attempts = [
        # A participant, with its own _xsrf cookie and header: not the facilitator.
        guest.request("/animateur/api/reglages", {"simulateur": SIM, "reglages": {"se": 0.5}}),
        guest.request("/animateur/api/reglages", {"simulateur": SIM, "reglages": {"se": 0.5}},
                      headers={"Cookie": f"_xsrf={guest.cookie('_xsrf')}; salle_animateur=faux"}),
        # A guessed token in the address.
        guest.request("/animateur/api/reglages?jeton=faux", {"simulateur": SIM, "reglages": {"se": 0.5}}),
        # The facilitator's own cookie, but from another site: no XSRF header.
        boss.request("/animateur/api/reglages", {"simulateur": SIM, "reglages": {"se": 0.5}}, xsrf=False),
    ]
    # A forged facilitator cookie: the real token as the cookie's value, but not signed by the room.
    token = room.facilitator_url.rsplit("=", 1)[1]
    forged = Client(room.base)
    forged.request(f"/s/{room.code}")
    attempts.append(forged.request("/animateur/api/reglages", {"simulateur": SIM, "reglages": {"se": 0.5}},
                                   headers={"Cookie": f"_xsrf={forged.cookie('_xsrf')}; salle_animateur={token}",
                                            "X-XSRFToken": forged.cookie("_xsrf")}))
    for status, _, raw in attempts:
        assert status == 403, raw
        assert json.loads(raw)["erreur"]
    for who in (guest, Client(room.base)):
        status, _, _ = who.request("/animateur/api/reglages")
        assert status == 403
    assert live(boss) == before  # nothing a participant sent reached the projection


@pytest.mark.parametrize("body, message", [
    ({"simulateur": "inconnu-0", "reglages": {}}, "Simulateur inconnu"),
    ({"simulateur": "../../etc/passwd", "reglages": {}}, "Simulateur inconnu"),
    ({"simulateur": SIM, "reglages": {"rm": 1}}, "Réglage « rm » inconnu"),
    ({"simulateur": SIM, "reglages": {"se": 7}}, "hors des bornes"),
    ({"simulateur": SIM, "reglages": {"se": True}}, "hors des bornes"),
    ({"simulateur": SIM, "reglages": {"se": "0.8"}}, "hors des bornes"),
    ({"simulateur": SIM, "reglages": [0.8]}, "« reglages »"),
])
def test_malformed_live_settings_are_refused_in_french(room, body, message):
    boss = facilitator(room)
    before = live(boss)
    status, answer = boss.json("/animateur/api/reglages", body)
    assert status == 400 and message in answer["erreur"]
    assert live(boss)["numero"] == before["numero"]


def test_live_settings_do_not_wake_the_participants(room):
    boss = facilitator(room)
    guest, _, _ = participant(room)
    status, state = guest.json("/salle/api/etat")
    assert status == 200
    boss.json("/animateur/api/reglages", {"simulateur": SIM, "reglages": {"se": 0.7}})
    status, after = guest.json("/salle/api/etat")
    assert after["version"] == state["version"] and after["etape"] == state["etape"]
    assert "0.7" not in json.dumps(after)


def test_the_projection_follows_the_facilitator_sliders_and_the_participants_keep_theirs(room, browser):
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="fr-FR")
    phone_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True, has_touch=True)
    try:
        boss = ctx.new_page()
        boss.goto(room.facilitator_url)
        boss.locator(".liste-etapes button[data-index='1']").click()  # « Le TROD chez l'adulte » : se = 0,91
        expect(boss.locator("body")).to_have_attribute("data-etape", "1")
        projection = ctx.new_page()
        projection.goto(room.base + "/animateur/projection")
        phone = phone_ctx.new_page()
        phone.goto(room.participant_url)
        shown = projection.locator(f".simulateur[data-spec='{SIM}']")
        mine = boss.locator(f".simulateur-anime .simulateur[data-spec='{SIM}']")
        theirs = phone.locator(f".simulateur[data-spec='{SIM}']")
        for sim in (shown, mine, theirs):
            expect(sim.locator("input[name=se]")).to_have_value("0.91", timeout=15_000)
        expect(boss.locator("#simulateur-projete")).to_have_value(SIM)
        chart_before = shown.locator("svg").first.text_content()

        # The participant moves its own slider; the facilitator moves his.
        move(theirs, "n", 500)
        move(mine, "se", 0.8)
        expect(shown.locator("input[name=se]")).to_have_value("0.8", timeout=5_000)
        expect(shown.locator("input[name=se] ~ output.valeur")).to_have_text("0,8")
        assert shown.locator("svg").first.text_content() != chart_before  # the chart was computed again
        assert "0,8" not in theirs.locator("input[name=se] ~ output.valeur").text_content()
        expect(theirs.locator("input[name=se]")).to_have_value("0.91")
        expect(theirs.locator("input[name=n]")).to_have_value("500")
        expect(boss.locator(".reglages-etat")).to_contain_text("Vue à projeter à jour")
        # Reloaded during the step, the facilitator's page shows what is projected, not the step's settings.
        boss.reload()
        expect(mine.locator("input[name=se]")).to_have_value("0.8", timeout=15_000)
        expect(shown.locator("input[name=se]")).to_have_value("0.8")

        # A step change puts everyone back at the step's settings (the participants as before).
        boss.locator(".liste-etapes button[data-index='2']").click()  # « Même test, autre population » : se = 0,9
        for sim in (projection.locator(".simulateur[data-spec='tester_ou_traiter-0']"), theirs, mine):
            expect(sim.locator("input[name=se]")).to_have_value("0.9", timeout=5_000)
        expect(theirs.locator("input[name=n]")).to_have_value("1000")
        # And the facilitator can project another simulator of the room, which the projection then shows.
        boss.locator("#simulateur-projete").select_option("depistage-0")
        expect(projection.locator(".simulateur[data-spec='depistage-0']")).to_be_visible(timeout=5_000)
        expect(projection.locator(f".simulateur[data-spec='{SIM}']")).to_be_hidden()
        expect(phone.locator(".simulateur[data-spec='depistage-0']")).to_be_hidden()
    finally:
        ctx.close()
        phone_ctx.close()


def move(sim, name: str, value: float) -> None:
    """Move a range input as a hand would: set its value, then the ``input`` event Vega listens to."""
    sim.locator(f"input[name={name}]").evaluate(
        "(input, value) => { input.value = String(value); input.dispatchEvent(new Event('input', {bubbles: true})); }",
        value)
