"""Petits éléments d'interface partagés par les simulateurs (messages accessibles en français, graphiques).

Simulators are thin ipywidgets layers over the pure models of :mod:`atelier_mg.topics`; what
they all need (an error or status line, a chart redrawn in place, a pause in refreshes while a
preset sets several inputs) is written once here.
"""

from __future__ import annotations

import html

ERROR_COLOUR = "#b00020"
OK_COLOUR = "#1b6e2e"


def message(text: str, ok: bool = False) -> str:
    """HTML of a message: an alert (read at once by screen readers) or a status line; text escaped."""
    role, colour = ("status", OK_COLOUR) if ok else ("alert", ERROR_COLOUR)
    return f"<p role='{role}' style='color:{colour}; white-space:pre-wrap'>{html.escape(str(text))}</p>"


class Pause:
    """Suspends a simulator's refresh while a preset sets several inputs at once.

    ``with pause: slider_a.value = …; slider_b.value = …`` then one refresh; the refresh callback
    starts with ``if pause: return``. The pause ends even if setting a value fails.
    """

    def __init__(self) -> None:
        self._depth = 0

    def __enter__(self) -> Pause:
        self._depth += 1
        return self

    def __exit__(self, *_: object) -> None:
        self._depth -= 1

    def __bool__(self) -> bool:
        return self._depth > 0


def show_chart(output, chart) -> None:
    """Replace what an ``ipywidgets.Output`` shows by ``chart``, rendered offline (no flicker)."""
    from IPython.display import display

    from . import charts

    charts.enable()
    with output:
        output.clear_output(wait=True)
        display(chart)
