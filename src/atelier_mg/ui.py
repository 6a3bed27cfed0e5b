"""Petits éléments d'interface partagés par les simulateurs (messages accessibles en français)."""

from __future__ import annotations

import html

ERROR_COLOUR = "#b00020"
OK_COLOUR = "#1b6e2e"


def message(text: str, ok: bool = False) -> str:
    """HTML of a message: an alert (read at once by screen readers) or a status line; text escaped."""
    role, colour = ("status", OK_COLOUR) if ok else ("alert", ERROR_COLOUR)
    return f"<p role='{role}' style='color:{colour}; white-space:pre-wrap'>{html.escape(str(text))}</p>"
