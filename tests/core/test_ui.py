"""Éléments d'interface partagés : messages accessibles, pause des mises à jour, graphique redessiné."""

import pytest

from atelier_mg.core import ui


def test_messages_are_escaped_alerts_or_status_lines():
    alert = ui.message("<b>Population</b> invalide")
    assert "role='alert'" in alert and "&lt;b&gt;" in alert and ui.ERROR_COLOUR in alert
    status = ui.message("Fichiers chargés.", ok=True)
    assert "role='status'" in status and ui.OK_COLOUR in status


def test_pause_suspends_refreshes_even_when_setting_a_value_fails():
    pause = ui.Pause()
    refreshes = []

    def refresh():
        if pause:
            return
        refreshes.append(1)

    with pause:
        refresh()
        with pause:  # a preset applied from within another one
            refresh()
        refresh()
    refresh()
    assert refreshes == [1]
    with pytest.raises(ValueError), pause:
        raise ValueError("valeur refusée par le curseur")
    refresh()
    assert refreshes == [1, 1]


def test_simulator_preset_refreshes_once(monkeypatch):
    """The screening simulator applies a preset (five sliders) with a single redraw."""
    from atelier_mg.topics.prevention import screening

    calls = []
    real = screening.chart
    monkeypatch.setattr(screening, "chart", lambda *a, **k: calls.append(1) or real(*a, **k))
    box = screening.simulator()
    calls.clear()
    choose = next(w for w in box.children if "atelier-situation" in w._dom_classes)
    other = next(code for _, code in choose.options if code != choose.value)
    choose.value = other
    assert len(calls) == 1


def test_connect_builds_shows_reports_errors_and_applies_a_preset_in_one_refresh():
    import ipywidgets as w

    sliders = {"a": w.FloatSlider(min=0, max=10, value=1), "b": w.FloatSlider(min=0, max=10, value=2)}
    shown = []

    class Bad(ValueError):
        pass

    def build(values):
        if values["a"] > values["b"]:
            raise Bad("a doit rester inférieur à b")
        return dict(values)

    presets = {"un": type("P", (), {"a": 3.0, "b": 4.0}), "deux": type("P", (), {"a": 5.0, "b": 9.0})}
    choose = w.Dropdown(options=list(presets), value="un")
    line = ui.connect(sliders, build, Bad, shown.append, preset=(choose, presets.get))
    assert shown == [{"a": 3.0, "b": 4.0}] and line.value == ""  # the preset, drawn once
    choose.value = "deux"
    assert shown[-1] == {"a": 5.0, "b": 9.0} and len(shown) == 2  # two sliders set, one redraw
    sliders["a"].value = 9.5
    assert "role='alert'" in line.value and "inférieur à b" in line.value and len(shown) == 2
    sliders["a"].value = 1.0
    assert line.value == "" and shown[-1] == {"a": 1.0, "b": 9.0}


def test_parameter_help_lists_label_unit_status_and_escaped_explanation():
    import pandas as pd

    table = pd.DataFrame({"libelle": ["Médecins", "Gain"], "unite": ["ETP", "%"], "statut": ["sourcé", "illustratif"],
                          "explication": ["Effectif <réel>", "Hypothèse"]}, index=["medecins", "gain"])
    full = ui.parameter_help(table, ["gain", "medecins"]).value
    assert full.index("Gain") < full.index("Médecins")
    assert "<strong>Médecins</strong> (ETP, sourcé) : Effectif &lt;réel&gt;" in full
    assert "(%) :" in ui.parameter_help(table, ["gain"], status=False).value
