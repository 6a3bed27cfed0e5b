"""Les simulateurs du livre statique, dans chromium : mêmes nombres que le modèle Python, utilisables sur un téléphone.

Each static simulator recomputes in the page with Vega expressions (or looks up the feedback the Python
model wrote, for the quiz). Over a grid of inputs, the sentence the page shows under the chart (its text
alternative, refreshed with the inputs) must be exactly the sentence the Python model writes for the same
inputs. Then each chapter is opened on a 390 × 844 phone screen: no horizontal scrolling, inputs visible
and at least 24 px tall, and a screenshot is kept in pytest's temporary directory.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from static_pages import check_fits_phone, open_chapter, rendered, set_input

from atelier_mg.core.schemas import PREVENTION_LEVELS
from atelier_mg.topics.patientele import generator
from atelier_mg.topics.patientele import model as pt
from atelier_mg.topics.patientele import static as patientele_static
from atelier_mg.topics.pertinence import polymedication as pm
from atelier_mg.topics.pertinence import sobriety as sb
from atelier_mg.topics.pertinence import sobriety_views as sbv
from atelier_mg.topics.prevention import levels

pytestmark = pytest.mark.slow

# Each simulator: its chapter and a CSS selector of its chart (an input only it has).
SIMULATORS = {
    "patientele": ("prevention", ".atelier-graphique:has(input[name=effectif])"),
    "polymedication": ("polymedication", ".atelier-graphique:has(input[name=revue])"),
    "sobriete": ("sobriete", ".atelier-graphique:has(input[name=profil])"),
}


def simulator(page: Page, key: str):
    return rendered(page, SIMULATORS[key][1])


def test_polymedication_page_equals_the_python_review(page, server):
    open_chapter(page, server, "polymedication")
    chart, text = simulator(page, "polymedication")
    before = pm.generate(500, seed=2026)
    for share in (1.0, 0.0, 0.05, 0.35, 0.5, 0.8):
        set_input(chart, "revue", share)
        result = pm.review(before, share, seed=2026)
        expect(text).to_have_text(pm.describe(before, result.after) + " " + pm.review_message(result))
    assert not page.failures, page.failures


def test_sobriety_page_equals_the_python_model(page, server):
    open_chapter(page, server, "sobriete")
    chart, text = simulator(page, "sobriete")
    pat, distribution = generator.generate(1000, seed=2026), sb.national_distribution()
    grid = [  # profile, ageing of the 75+ (%), previous ratio (0 = unknown), mean patientèle, cumulative bonuses
        (1.0, 0, 1.05, 1120, False), (0.75, 0, 0, 640, False),  # 1,000 × 1,000 / 640 = 1,562.5 €: rounded to even
        (0.8, 0, 1.0, 1120, False), (0.8, 0, 1.0, 1120, True), (0.85, 10, 0.99, 900, True),
        (1.3, 50, 1.5, 1500, False), (1.1, 20, 0.9, 2000, False), (0.6, 30, 0.7, 400, False),
    ]
    for factor, ageing, previous, mean, cumulative in grid:
        for name, value in (("profil", factor), ("vieillissement", ageing), ("precedent", previous), ("moyenne", mean),
                            ("cumul", cumulative)):
            set_input(chart, name, value)
        practice = sb.age_within_open_band(sb.practice_from_patientele(pat, factor, seed=2026), ageing / 100)
        ind = sb.indicator(practice)
        b = sb.bonuses(ind.ratio, previous or None, ind.patients, distribution, cumulative=cumulative,
                       mean_patientele=mean)
        expect(text).to_have_text(sbv.describe(ind, b, distribution, cumulative))
    assert not page.failures, page.failures


def test_patientele_page_equals_the_python_model(page, server):
    open_chapter(page, server, "prevention")
    chart, text = simulator(page, "patientele")
    status = pt.status_table(generator.generate(1000, seed=2026))
    for shown, code in ((1000, "grippe"), (50, "doccu"), (350, "docs"), (700, "hba1c"), (1000, "examen_24_mois"),
                        (150, "ror")):
        set_input(chart, "effectif", shown)
        set_input(chart, "indicateur", code)
        expect(text).to_have_text(patientele_static.describe(status.head(shown), code))
    assert not page.failures, page.failures


def test_prevention_quiz_shows_the_python_feedback_and_keeps_the_score(page, server):
    open_chapter(page, server, "prevention")
    quiz = page.locator("#atelier-quiz-prevention")
    expect(quiz).to_be_visible(timeout=30_000)
    items = levels.quiz_items()
    good = 0
    for i, item in enumerate(items):
        expect(quiz.locator(".atelier-vignette")).to_have_text(item["vignette"])
        answer = PREVENTION_LEVELS[i % len(PREVENTION_LEVELS)]
        quiz.locator(f"button[data-niveau={answer}]").click()
        feedback = levels.check(item["code"], answer)
        good += feedback.correct
        mark = "✓ " if feedback.correct else "✗ "
        expect(quiz.locator(".atelier-retour")).to_have_text(f"{mark}{feedback.message()} ({item['reference']})")
        expect(quiz.locator(".atelier-progression")).to_have_text(
            f"Vignette {i + 1} sur {len(items)} — score : {good} / {i + 1}")
        if i + 1 < len(items):
            quiz.locator(".atelier-suivante").click()
    assert 0 < good < len(items)
    expect(quiz.locator(".atelier-suivante")).to_be_disabled()
    quiz.locator(".atelier-recommencer").click()
    expect(quiz.locator(".atelier-progression")).to_have_text(f"Vignette 1 sur {len(items)} — score : 0 / 0")
    assert not page.failures, page.failures


@pytest.mark.parametrize("stem", ["prevention", "polymedication", "sobriete"])
def test_static_simulators_fit_a_phone_screen(phone, server, stem, tmp_path):
    open_chapter(phone, server, stem)
    blocks = [phone.locator(sel) for key, (chapter, sel) in SIMULATORS.items() if chapter == stem]
    if stem == "prevention":
        blocks.append(phone.locator("#atelier-quiz-prevention"))
    check_fits_phone(phone, blocks, stem, tmp_path)


def test_quiz_is_played_with_the_keyboard_only(page, server):
    open_chapter(page, server, "prevention")
    quiz = page.locator("#atelier-quiz-prevention")
    expect(quiz).to_be_visible(timeout=30_000)
    quiz.locator("button[data-niveau=primaire]").focus()
    page.keyboard.press("Enter")  # answer
    expect(quiz.locator(".atelier-retour")).not_to_be_empty()
    expect(quiz.locator(".atelier-suivante")).to_be_focused()
    page.keyboard.press("Enter")  # next vignette: focus back on the levels
    expect(quiz.locator("button[data-niveau=primaire]")).to_be_focused()
    expect(quiz.locator(".atelier-progression")).to_contain_text("Vignette 2 sur")


def french(value: str) -> str:
    """A slider's value as a French reader writes it: « 30 000 », « 0,005 »."""
    number = float(value)
    if number == int(number):
        return f"{int(number):,}".replace(",", "\u202f")
    return f"{number:,}".replace(",", "\u202f").replace(".", ",")


@pytest.mark.parametrize("stem, values", [("demographie", {}), ("sobriete", {"profil": "0.85", "moyenne": "1500"})])
def test_slider_values_are_written_in_french(page, server, stem, values):
    open_chapter(page, server, stem)
    chart = page.locator(".atelier-graphique:has(input[type=range])").first
    expect(chart).to_have_attribute("data-atelier-rendu", "ok", timeout=30_000)
    for name, value in values.items():
        set_input(chart, name, value)
    sliders = chart.locator(".vega-bind input[type=range]")
    assert sliders.count() > 0
    seen = []
    for k in range(sliders.count()):
        slider = sliders.nth(k)
        shown = slider.locator("xpath=following-sibling::output[1]")
        expect(shown).to_have_text(french(slider.input_value()))
        expect(slider.locator("xpath=following-sibling::span[1]")).to_be_hidden()
        seen.append(shown.text_content())
    assert any("\u202f" in v or "," in v for v in seen), seen  # the French forms were really exercised
    assert not page.failures, page.failures
