"""Niveaux de prévention : retour sur les vignettes et quiz de classement."""

from __future__ import annotations

from atelier_mg.topics.prevention import levels as prevention


def test_vignette_feedback_accepts_documented_alternatives():
    fb = prevention.check("V06", "Secondaire")
    assert fb.correct and fb.alternative and "la lecture attendue est la prévention primaire" in fb.message()
    fb = prevention.check("V13", "secondaire")
    assert not fb.correct and fb.message().startswith("Non : la réponse attendue est la prévention tertiaire")
    assert prevention.check("V19", " QUATERNAIRE ").correct
    all_expected = {row.code: row.niveau for row in prevention.vignettes().itertuples()}
    assert prevention.score(all_expected) == (25, [])
    good, wrong = prevention.score({**all_expected, "V01": "tertiaire", "V02": "x"})
    assert good == 23 and wrong == ["V01", "V02"]


def test_quiz_widget_gives_immediate_feedback_and_score():
    quiz = prevention.quiz(seed=1)
    progress, text, buttons, feedback, nav = quiz.children
    shown = text.value
    code = next(row.code for row in prevention.vignettes().itertuples() if row.vignette.replace("'", "&#x27;") in shown)
    expected = prevention.vignettes().set_index("code").loc[code, "niveau"]
    buttons.value = expected
    assert "Exact" in feedback.value and "score : 1 / 1" in progress.value
    nav.children[0].click()  # next vignette
    assert text.value != shown and feedback.value == ""


def test_static_quiz_carries_the_feedback_of_check_and_no_external_script():
    items = prevention.quiz_items()
    assert [i["code"] for i in items] == list(prevention.vignettes()["code"])
    v06 = next(i for i in items if i["code"] == "V06")  # two accepted readings, primaire expected
    assert v06["retours"]["secondaire"]["juste"] and "la lecture attendue est la prévention primaire" in \
        v06["retours"]["secondaire"]["message"]
    assert not v06["retours"]["tertiaire"]["juste"] and v06["piege"]
    for item in items:
        for level, fb in item["retours"].items():
            assert fb["message"] == prevention.check(item["code"], level).message()
    page = prevention.quiz_html()
    assert "<script src" not in page and "http" not in page.split("<noscript>")[0]
    assert "aria-live='polite'" in page and page.count("data-niveau=") == 4
    assert "<noscript>" in page and "Voir la réponse" in page  # without JavaScript: the folded list
