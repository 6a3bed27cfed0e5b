"""Vue à projeter (/animateur/projection) : réservée à l'animateur, grands caractères, l'étape et son simulateur,
les réponses en direct, puis la réponse attendue ; QR code à la demande ; pages de la salle passées à axe-core."""

from __future__ import annotations

import html

import pytest
from conftest import NNBSP, serious_accessibility_violations
from playwright.sync_api import expect
from roomkit import Client, RoomProcess, facilitator, participant

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    with RoomProcess(tmp_path_factory.mktemp("projection"), "projection", places=4,
                     room=("--programme", "seances/antibiotiques.yaml")) as r:
        yield r


def test_only_the_facilitator_gets_the_projection(room):
    for who in (Client(room.base), participant(room)[0]):
        status, _, body = who.request("/animateur/projection")
        assert status == 403 and "réservée à l'animateur" in html.unescape(body.decode())
        status, _, body = who.request("/animateur/projection?jeton=faux")
        assert status == 403
    status, _, body = facilitator(room).request("/animateur/projection")
    assert status == 200 and 'class="projection"' in body.decode()


def test_the_projection_follows_the_step_the_answers_and_the_reveal(room, browser):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fr-FR")
    phone_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True, has_touch=True)
    try:
        boss = ctx.new_page()
        boss.goto(room.facilitator_url)
        projection = ctx.new_page()
        projection.goto(room.base + "/animateur/projection")
        assert float(projection.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")) >= 28
        expect(projection.locator(".etape-projetee")).to_contain_text("Étape 1 sur 12")
        # The QR code and the join code, on demand.
        expect(projection.locator("#rejoindre")).to_be_hidden()
        projection.locator("button[data-action=qr]").click()
        expect(projection.locator("#rejoindre .qr svg")).to_be_visible()
        expect(projection.locator("#rejoindre .code")).to_have_text(room.code)
        assert serious_accessibility_violations(projection) == []
        projection.locator("button[data-action=qr]").click()
        expect(projection.locator("#rejoindre")).to_be_hidden()

        # The step's simulator, at the facilitator's settings (the adult TROD of data/tests_rapides).
        boss.locator("button[data-action=suivante]").click()
        sim = projection.locator(".simulateur[data-spec='tester_ou_traiter-0']")
        expect(sim).to_be_visible(timeout=5_000)
        expect(sim.locator("input[name=se]")).to_have_value("0.91")
        expect(sim.locator("input[name=se] ~ output.valeur")).to_have_text("0,91")
        expect(sim.locator("input[name=n] ~ output.valeur")).to_have_text(f"1{NNBSP}000")
        assert serious_accessibility_violations(projection) == []

        # A question step: the live distribution, then the expected answer and its explanation.
        phone = phone_ctx.new_page()
        phone.goto(room.participant_url)
        expect(phone.locator(".simulateur[data-rendu=ok]").first).to_be_visible(timeout=15_000)
        boss.locator(".liste-etapes button[data-index='3']").click()
        expect(projection.locator(".question-projetee")).to_contain_text("combien d'antibiotiques", timeout=5_000)
        expect(sim).to_be_hidden()
        phone.locator("#reponse-nombre").fill("220")
        phone.locator("button.envoyer").click()
        expect(phone.locator("#question .retour")).to_contain_text("Réponse enregistrée")
        expect(projection.locator(".question-projetee .reponses-info")).to_contain_text("1 réponse(s)", timeout=5_000)
        expect(projection.locator(".question-projetee .graphique svg")).to_be_visible()
        expect(projection.locator(".revelation")).to_be_hidden()
        boss.locator("li[data-cle='tester_ou_traiter:antibiotiques_test'] button[data-action=devoiler]").click()
        expect(projection.locator(".revelation")).to_contain_text("Réponse attendue : 220", timeout=5_000)
        expect(projection.locator(".revelation")).to_contain_text("180 vrais positifs")
        expect(projection.locator(".reponses-info")).to_contain_text("1 juste(s) (100 %)")
        assert serious_accessibility_violations(projection) == []
        # The other pages of the room pass axe-core as well.
        assert serious_accessibility_violations(boss) == []
        assert serious_accessibility_violations(phone) == []
    finally:
        ctx.close()
        phone_ctx.close()
