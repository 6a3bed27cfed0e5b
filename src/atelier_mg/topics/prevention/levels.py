"""Les quatre niveaux de prévention : définitions, modèle de Jamoulle, classement de vignettes."""

from __future__ import annotations

import html
import json
import random
import unicodedata
from dataclasses import dataclass

import altair as alt
import pandas as pd

from ...core import data, ui
from ...core.schemas import PREVENTION_LEVELS as LEVELS


def levels() -> pd.DataFrame:
    return data.load_table("niveaux_prevention").sort_values("ordre")


def vignettes() -> pd.DataFrame:
    return data.load_table("vignettes_prevention")


def normalise(answer: object) -> str:
    """« Quaternaire », « quaternaire », « QUATERNAIRE » → quaternaire (accents and case ignored)."""
    text = unicodedata.normalize("NFKD", str(answer)).encode("ascii", "ignore").decode()
    return text.strip().lower()


@dataclass(frozen=True)
class Feedback:
    code: str
    answer: str
    correct: bool
    alternative: bool  # accepted, but not the main expected answer
    expected: str
    accepted: tuple[str, ...]
    explanation: str

    def message(self) -> str:
        if self.correct and not self.alternative:
            head = f"Exact : prévention {self.expected}."
        elif self.correct:
            head = (f"Réponse acceptée (prévention {self.answer}), mais la lecture attendue est la prévention "
                    f"{self.expected}.")
        else:
            also = [a for a in self.accepted if a != self.expected]
            head = f"Non : la réponse attendue est la prévention {self.expected}" + (
                f" (accepté aussi : {', '.join(also)})." if also else "."
            )
        return f"{head} {self.explanation}"


def check(code: str, answer: str) -> Feedback:
    """Feedback on the level given for vignette ``code``."""
    table = vignettes().set_index("code")
    if code not in table.index:
        raise KeyError(f"Vignette « {code} » inconnue.")
    row = table.loc[code]
    accepted = tuple(row["niveaux_acceptes"].split("|"))
    given = normalise(answer)
    return Feedback(code=code, answer=given, correct=given in accepted, alternative=given in accepted and given != row["niveau"],
                    expected=row["niveau"], accepted=accepted, explanation=row["explication"])


def score(answers: dict[str, str]) -> tuple[int, list[str]]:
    """Number of accepted answers and the codes of the wrong or missing ones (all vignettes)."""
    wrong = [code for code in vignettes()["code"] if code not in answers or not check(code, answers[code]).correct]
    return len(vignettes()) - len(wrong), wrong


def vignettes_html() -> str:
    """All vignettes with their answers folded (self-check in the static book)."""
    ds = data.load("vignettes_prevention")
    items = []
    for row in ds.table.itertuples():
        accepted = row.niveaux_acceptes.split("|")
        also = [a for a in accepted if a != row.niveau]
        answer = f"Prévention {row.niveau}" + (f" (accepté aussi : {', '.join(also)})" if also else "")
        flag = " <span class='atelier-piege'>à discuter</span>" if row.piege else ""
        items.append(
            f"<li><p>{html.escape(row.vignette)}{flag}</p><details><summary>Voir la réponse</summary>"
            f"<p><strong>{html.escape(answer)}.</strong> {html.escape(row.explication)} "
            f"<span class='atelier-ref'>({html.escape(row.reference)})</span></p></details></li>"
        )
    return (f"<figure class='atelier-donnees'><figcaption><strong>{html.escape(ds.title)}</strong></figcaption>"
            f"<ol>{''.join(items)}</ol><p class='atelier-source'>Source : {html.escape(ds.citation)}</p></figure>")


_QUIZ_SCRIPT = """(function () {
  var root = document.getElementById("%(id)s");
  var items = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  var q = function (sel) { return root.querySelector(sel); };
  var state = {i: 0, answers: {}};
  function score() {
    var codes = Object.keys(state.answers), good = codes.filter(function (c) { return state.answers[c]; }).length;
    return "Vignette " + (state.i + 1) + " sur " + items.length + " — score : " + good + " / " + codes.length;
  }
  function show() {
    var item = items[state.i];
    q(".atelier-progression").textContent = score();
    q(".atelier-vignette").textContent = item.vignette;
    q(".atelier-piege").hidden = !item.piege;
    q(".atelier-retour").textContent = "";
    root.querySelectorAll("button[data-niveau]").forEach(function (b) {
      b.disabled = false;
      b.setAttribute("aria-pressed", "false");
    });
    q(".atelier-suivante").disabled = true;
  }
  root.querySelectorAll("button[data-niveau]").forEach(function (button) {
    button.addEventListener("click", function () {
      var item = items[state.i], fb = item.retours[button.dataset.niveau];
      state.answers[item.code] = fb.juste;
      root.querySelectorAll("button[data-niveau]").forEach(function (b) { b.disabled = true; });
      button.setAttribute("aria-pressed", "true");
      var out = q(".atelier-retour");
      out.textContent = (fb.juste ? "✓ " : "✗ ") + fb.message + " (" + item.reference + ")";
      out.className = "atelier-retour " + (fb.juste ? "atelier-juste" : "atelier-faux");
      q(".atelier-progression").textContent = score();
      q(".atelier-suivante").disabled = state.i + 1 >= items.length;
      q(".atelier-suivante").focus();
    });
  });
  function focusChoices() { q("button[data-niveau]").focus(); }  /* keyboard users go on with the next vignette */
  q(".atelier-suivante").addEventListener("click", function () {
    state.i = Math.min(state.i + 1, items.length - 1); show(); focusChoices();
  });
  q(".atelier-recommencer").addEventListener("click", function () { state.i = 0; state.answers = {}; show(); focusChoices(); });
  root.hidden = false;
  show();
})();"""


def quiz_items() -> list[dict]:
    """Each vignette with the feedback :func:`check` gives for each level (what the static quiz shows)."""
    return [
        {"code": row.code, "vignette": row.vignette, "piege": bool(row.piege), "reference": row.reference,
         "retours": {lvl: {"juste": (fb := check(row.code, lvl)).correct, "message": fb.message()} for lvl in LEVELS}}
        for row in vignettes().itertuples()
    ]


def quiz_html(quiz_id: str = "atelier-quiz-prevention") -> str:
    """The classification quiz for the static book: one vignette at a time, feedback and score, inline script only.

    Every feedback text is computed here by :func:`check` (the page only looks it up); without
    JavaScript, the folded list of :func:`vignettes_html` is shown instead.
    """
    items = json.dumps(quiz_items(), ensure_ascii=False).replace("</", "<\\/")
    buttons = "".join(f"<button type='button' data-niveau='{lvl}' aria-pressed='false'>{lvl.capitalize()}</button>"
                      for lvl in LEVELS)
    return (
        f"<section id='{quiz_id}' class='atelier-quiz' aria-label='Classer les situations' hidden>"
        "<p class='atelier-progression' aria-live='polite'></p>"
        "<blockquote><p class='atelier-vignette'></p><p class='atelier-piege' hidden>Situation à discuter : deux "
        "lectures se défendent.</p></blockquote>"
        f"<div role='group' aria-label=\"Niveau de prévention de l'action du médecin\" class='atelier-choix'>{buttons}</div>"
        "<p class='atelier-retour' role='status' aria-live='polite'></p>"
        "<p class='atelier-navigation'><button type='button' class='atelier-suivante'>Vignette suivante</button> "
        "<button type='button' class='atelier-recommencer'>Recommencer</button></p>"
        f"<script type='application/json'>{items}</script>"
        f"<script>{_QUIZ_SCRIPT % {'id': quiz_id}}</script></section>"
        f"<noscript>{vignettes_html()}</noscript>"
    )


def quadrant_chart() -> alt.LayerChart:
    """Jamoulle's four fields: the doctor's view (disease) × the patient's experience (illness)."""
    cells = pd.DataFrame([
        {"medecin": "Pas de maladie", "patient": "Se sent bien", "niveau": "Prévention primaire",
         "detail": "éviter la maladie"},
        {"medecin": "Maladie", "patient": "Se sent bien", "niveau": "Prévention secondaire",
         "detail": "la dépister tôt"},
        {"medecin": "Maladie", "patient": "Se sent malade", "niveau": "Prévention tertiaire",
         "detail": "limiter complications et rechutes"},
        {"medecin": "Pas de maladie", "patient": "Se sent malade", "niveau": "Prévention quaternaire",
         "detail": "protéger de la surmédicalisation"},
    ])
    x = alt.X("medecin:N", sort=["Pas de maladie", "Maladie"], title="Point de vue du médecin",
              axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=12))
    y = alt.Y("patient:N", sort=["Se sent bien", "Se sent malade"], title="Vécu du patient",
              axis=alt.Axis(labelFontSize=12))
    colours = alt.Color("niveau:N", legend=None, scale=alt.Scale(
        domain=list(cells["niveau"]), range=["#d9f0d3", "#fee8c8", "#fdd0a2", "#d4b9da"]))
    base = alt.Chart(cells).encode(x=x, y=y)
    return alt.layer(
        base.mark_rect(stroke="white", strokeWidth=3).encode(color=colours),
        base.mark_text(fontSize=14, fontWeight="bold", dy=-9).encode(text="niveau:N"),
        base.mark_text(fontSize=12, dy=10).encode(text="detail:N"),
    ).properties(
        width=460, height=220,
        title="Les quatre champs de la prévention selon Jamoulle",
        description=(
            "Tableau à deux entrées : en colonnes, le médecin trouve ou non une maladie ; en lignes, le patient se "
            "sent bien ou malade. Primaire : pas de maladie et se sent bien ; secondaire : maladie et se sent bien ; "
            "tertiaire : maladie et se sent malade ; quaternaire : pas de maladie mais se sent malade."
        ),
    ).configure_view(stroke=None)


def quiz(seed: int | None = None):
    """Classify the vignettes one by one, with immediate feedback and a running score."""
    import ipywidgets as w

    table = vignettes()
    order = list(table["code"])
    random.Random(seed).shuffle(order)
    rows = table.set_index("code")
    state = {"i": 0, "answered": {}}
    progress = w.HTML().add_class("atelier-progression")
    text = w.HTML().add_class("atelier-vignette")
    buttons = w.ToggleButtons(options=[(lvl.capitalize(), lvl) for lvl in LEVELS], value=None,
                              description="Niveau").add_class("atelier-choix-niveau")
    feedback = w.HTML().add_class("atelier-retour")
    nxt = w.Button(description="Vignette suivante", icon="arrow-right").add_class("atelier-suivante")
    restart = w.Button(description="Recommencer", icon="redo").add_class("atelier-recommencer")

    def show() -> None:
        code = order[state["i"]]
        done = len(state["answered"])
        good = sum(1 for c, ok in state["answered"].items() if ok)
        progress.value = f"<p>Vignette {state['i'] + 1} sur {len(order)} — score : {good} / {done}</p>"
        text.value = f"<blockquote>{html.escape(rows.loc[code, 'vignette'])}</blockquote>"
        buttons.value = None
        buttons.disabled = False
        feedback.value = ""
        nxt.disabled = True

    def on_answer(change) -> None:
        if change["new"] is None:
            return
        code = order[state["i"]]
        fb = check(code, change["new"])
        state["answered"][code] = fb.correct
        colour = ui.OK_COLOUR if fb.correct else ui.ERROR_COLOUR
        feedback.value = f"<p role='status' style='color:{colour}'>{html.escape(fb.message())}</p>"
        buttons.disabled = True
        nxt.disabled = state["i"] + 1 >= len(order)
        good = sum(state["answered"].values())
        progress.value = (f"<p>Vignette {state['i'] + 1} sur {len(order)} — score : {good} / "
                          f"{len(state['answered'])}</p>")

    def on_next(_) -> None:
        state["i"] = min(state["i"] + 1, len(order) - 1)
        show()

    def on_restart(_) -> None:
        state["i"], state["answered"] = 0, {}
        show()

    buttons.observe(on_answer, names="value")
    nxt.on_click(on_next)
    restart.on_click(on_restart)
    show()
    return w.VBox([progress, text, buttons, feedback, w.HBox([nxt, restart])])
