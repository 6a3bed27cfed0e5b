"""La salle dans chromium : rejoindre, manipuler le simulateur, répondre, l'écran de l'animateur, téléphone, salle complète."""

from __future__ import annotations

import re

import pytest
from conftest import NNBSP
from playwright.sync_api import expect
from roomkit import RoomProcess, participant

pytestmark = pytest.mark.slow

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "fr-FR"}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    with RoomProcess(tmp_path_factory.mktemp("salle-navigateur"), "navigateur", places=3) as r:
        yield r


@pytest.fixture
def contexts(browser, room):
    """Browser contexts (one per person) that record every request: nothing may leave the room's server."""
    made, requests, failures = [], [], []

    def new(**options):
        ctx = browser.new_context(**{"locale": "fr-FR", **options})
        ctx.on("request", lambda r: requests.append(r.url))
        ctx.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
        made.append(ctx)
        return ctx

    yield new, failures
    for ctx in made:
        ctx.close()
    outside = [u for u in requests if not u.startswith((room.base + "/", "data:", "blob:"))]
    assert not outside, outside


def test_participants_answer_and_the_facilitator_screen_follows_live(room, contexts):
    new, failures = contexts
    boss = new(viewport={"width": 1280, "height": 1000}).new_page()
    boss.goto(room.facilitator_url)
    assert "jeton" not in boss.url  # the token leaves the address bar
    expect(boss.locator(".qr svg")).to_be_visible()
    expect(boss.locator(".code")).to_have_text(room.code)
    expect(boss.locator(".adresse")).to_have_text(room.participant_url)

    phones = [new(**PHONE).new_page() for _ in range(2)]
    for phone in phones:
        phone.goto(room.participant_url)
        expect(phone.locator(".simulateur[data-rendu=ok] input[type=range]").first).to_be_visible(timeout=15_000)
    expect(boss.locator(".compteur")).to_have_text("2 / 3", timeout=5_000)

    # The simulator is the book's: moving the population recomputes the chart in the page, without a server.
    svg = phones[0].locator("#t-ecologie .simulateur svg")
    expect(svg).to_contain_text(f"14{NNBSP}100 consultent un médecin généraliste")
    # Slider values are written in French (« 60 000 », not « 60000 »); Vega's own text is hidden.
    shown = phones[0].locator("#t-ecologie input[name=population] ~ output.valeur")
    expect(shown).to_have_text(f"60{NNBSP}000")
    expect(phones[0].locator("#t-ecologie input[name=population] + span")).to_be_hidden()
    phones[0].locator("#t-ecologie input[name=population]").evaluate(
        "el => { el.value = '120000'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    expect(svg).to_contain_text(f"28{NNBSP}200 consultent un médecin généraliste")
    expect(shown).to_have_text(f"120{NNBSP}000")
    visible = phones[0].locator(".vega-bind:visible").all_inner_texts()
    assert visible and not [t for t in visible if re.search(r"\d{5}", t)], visible

    boss.locator("li[data-cle='ecologie:lombalgie'] button[data-action=ouvrir]").click()
    for i, phone in enumerate(phones):
        question = phone.locator("#question")
        expect(question).to_contain_text("lombalgie aiguë", timeout=5_000)
        question.locator("label.choix").nth(0 if i == 0 else 3).click()
        question.locator("button.envoyer").click()
        expect(question.locator(".retour")).to_contain_text("Réponse enregistrée")
    expect(boss.locator(".reponses-info")).to_contain_text("2 réponse(s) sur 2 participant(s)", timeout=3_000)
    expect(boss.locator(".graphique svg")).to_contain_text("Personnes qui consultent un médecin généraliste")

    boss.locator("li[data-cle='ecologie:lombalgie'] button[data-action=devoiler]").click()
    expect(boss.locator(".reponse-attendue")).to_contain_text("premier recours", timeout=3_000)
    expect(boss.locator(".reponses-info")).to_contain_text("1 juste(s)")
    expect(phones[0].locator(".revelation")).to_contain_text("Votre réponse est juste", timeout=5_000)
    expect(phones[1].locator(".revelation")).to_contain_text("diffère de la réponse attendue", timeout=5_000)
    assert not failures, failures


def test_a_phone_gets_a_usable_page_without_horizontal_scrolling(room, contexts, tmp_path):
    new, failures = contexts
    phone = new(**PHONE).new_page()
    phone.goto(room.participant_url)
    expect(phone.locator(".simulateur[data-rendu=ok]").first).to_be_visible(timeout=15_000)
    boss = new(viewport={"width": 1280, "height": 1000}).new_page()
    boss.goto(room.facilitator_url)
    boss.locator("li[data-cle='ecologie:lecture'] button[data-action=ouvrir]").click()
    expect(phone.locator("#question")).to_contain_text("Quelles précautions", timeout=5_000)
    expect(phone.locator("#question label.choix").first).to_be_enabled()
    for tab in phone.locator(".onglets button").all():
        tab.click()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        widths = phone.locator(".simulateur svg").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
        assert max(widths) <= 390
    # On a phone, the ecology simulator uses its stacked layout: its text is shrunk by a quarter at most.
    phone.locator(".onglets button").first.click()
    scale = phone.locator("#t-ecologie .simulateur svg").evaluate(
        "s => s.getBoundingClientRect().width / s.viewBox.baseVal.width")
    assert scale >= 0.75, scale
    targets = phone.locator("button:visible, label.choix:visible, select:visible, input[type=range]:visible, a.bouton:visible")
    sizes = targets.evaluate_all("els => els.map(e => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect().height])")
    small = [b for b in sizes if b[1] < 44]
    assert not small, small
    phone.screenshot(path=str(tmp_path / "telephone-390.png"), full_page=True)
    boss.locator("button[data-action=fermer]").click()
    assert not failures, failures


def test_a_reload_mid_load_and_a_full_room(browser, tmp_path):
    with RoomProcess(tmp_path, "complete", places=2) as small:
        ctx = browser.new_context(**PHONE)
        try:
            reload_then_fill(ctx, small)
        finally:
            ctx.close()


def reload_then_fill(ctx, room):
    page = ctx.new_page()
    page.goto(room.participant_url, wait_until="commit")
    page.goto(room.participant_url)  # reloaded while the first load is still under way
    expect(page.locator(".simulateur[data-rendu=ok]").first).to_be_visible(timeout=15_000)
    expect(page.locator(".etat")).to_contain_text("Manipulez le simulateur", timeout=5_000)
    others = []
    while True:
        client, status, body = participant(room)
        if status == 503:
            break
        others.append(client)
        assert len(others) <= 2
    late_ctx = ctx.browser.new_context(**PHONE)
    try:
        late = late_ctx.new_page()
        late.goto(room.participant_url)
        expect(late.locator("h1")).to_have_text("Salle complète")
        expect(late.locator("[role=alert]")).to_contain_text("places sont prises")
        assert late.evaluate("document.documentElement.lang") == "fr"
    finally:
        late_ctx.close()
    # The participant who reloaded still has their place.
    page.reload()
    expect(page.locator(".simulateur[data-rendu=ok]").first).to_be_visible(timeout=15_000)


def test_every_room_page_fits_a_phone(room, contexts):
    """Join page, facilitator page (with a question open) and a refused code, at 390 × 844."""
    new, failures = contexts
    phone = new(**PHONE).new_page()
    boss = new(**PHONE).new_page()
    boss.goto(room.facilitator_url)
    boss.locator("li[data-cle='tester_ou_traiter:prevalence'] button[data-action=ouvrir]").click()
    expect(boss.locator(".reponses-info")).to_contain_text("réponse(s)", timeout=5_000)
    for page, url in ((phone, room.base + "/"), (phone, room.base + "/rejoindre?code=XXXX"), (boss, None)):
        if url:
            page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
        sizes = page.locator("button:visible, input:visible, a.bouton:visible").evaluate_all(
            "els => els.map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect().height])")
        assert sizes and not [s for s in sizes if s[1] < 44], sizes
    phone.goto(room.base + "/")
    phone.fill("#code", room.code.lower())
    phone.locator("button[type=submit]").click()
    expect(phone.locator(".simulateur[data-rendu=ok]").first).to_be_visible(timeout=15_000)
    boss.locator("button[data-action=fermer]").click()
    assert not [f for f in failures if "/rejoindre" not in f], failures  # the wrong code is a 400, on purpose
