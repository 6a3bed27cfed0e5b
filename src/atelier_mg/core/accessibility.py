"""Extension Sphinx : corrige dans les pages du livre trois défauts d'accessibilité du thème et de docutils.

axe-core (run on every page by the browser tests) reports, in the HTML written by
pydata-sphinx-theme and docutils, three problems no configuration option removes:

- the search button has a visible text (« Recherche Ctrl+K ») that its ``aria-label`` (« Recherche »)
  does not contain: a voice-control user saying what they see cannot reach it — the label is removed so
  that the name comes from the visible text;
- the theme button (label « Thème ») contains icons whose ``title`` becomes visible text that the label
  does not contain: the icons are marked decorative (``aria-hidden``) and their titles move to the label;
- the bibliography is a ``role="list"`` whose children are ``doc-biblioentry``, not list items: the
  wrong role is removed (the entries keep theirs).

The pages are rewritten once, when the build has finished.
"""

from __future__ import annotations

import re
from pathlib import Path

SEARCH_FIELD = re.compile(r'(<button class="btn search-button-field search-button__button[^"]*"[^>]*?) aria-label="[^"]*"')
THEME_BUTTON = re.compile(r'(<button [^>]*theme-switch-button[^>]*?)aria-label="[^"]*"')
THEME_ICON = re.compile(r'<i class="theme-switch ([^"]*)" data-mode="([a-z]+)"\s+title="[^"]*"></i>')
CITATION_LIST = '<div role="list" class="citation-list">'

THEME_LABEL = "Thème : clair, sombre ou selon les paramètres du système"


def fix_page(text: str) -> str:
    """The page with the three fixes applied (unchanged if it has none of these elements)."""
    text = SEARCH_FIELD.sub(r"\1", text)
    text = THEME_BUTTON.sub(rf'\1aria-label="{THEME_LABEL}"', text)
    text = THEME_ICON.sub(r'<i class="theme-switch \1" data-mode="\2" aria-hidden="true"></i>', text)
    return text.replace(CITATION_LIST, '<div class="citation-list">')


def _fix_all(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = fix_page(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _fix_all)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
