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
