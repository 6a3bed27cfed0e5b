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


def parameter_help(table, codes, status: bool = True):
    """An ``ipywidgets.HTML`` list explaining each parameter shown: label, unit (and status), explanation.

    ``table`` is a simulator's parameter table (:func:`atelier_mg.core.parameters.parameter_table`), ``codes``
    the rows of the sliders shown, in order.
    """
    import ipywidgets as w

    items = []
    for code in codes:
        row = table.loc[code]
        kind = f"{html.escape(row['unite'])}, {html.escape(row['statut'])}" if status else html.escape(row["unite"])
        items.append(f"<li><strong>{html.escape(row['libelle'])}</strong> ({kind}) : {html.escape(row['explication'])}</li>")
    return w.HTML("<ul>" + "".join(items) + "</ul>")


def connect(sliders: dict, build, error: type[Exception], show, preset=None):
    """Tie a simulator's sliders to its model; returns the message line (``atelier-message``).

    On every change, ``build({attribute: slider value})`` makes the model's parameters: an ``error`` raised
    there is shown in French on the message line, otherwise the line is cleared and ``show(parameters)``
    draws the result. ``preset`` = (dropdown, ``code → parameters``): choosing an entry sets every slider
    at once (one refresh, under :class:`Pause`). Draws once before returning.
    """
    import ipywidgets as w

    line = w.HTML().add_class("atelier-message")
    pause = Pause()

    def refresh(*_):
        if pause:
            return
        try:
            params = build({attr: sl.value for attr, sl in sliders.items()})
        except error as exc:
            line.value = message(exc)
            return
        line.value = ""
        show(params)

    if preset is not None:
        choose, values = preset

        def apply(*_):
            chosen = values(choose.value)
            with pause:
                for attr, sl in sliders.items():
                    sl.value = getattr(chosen, attr)

        choose.observe(lambda *_: (apply(), refresh()), names="value")
        apply()
    for sl in sliders.values():
        sl.observe(refresh, names="value")
    refresh()
    return line
