"""Repères que le lecteur peut suivre : « source 001 l. 1168-1211 » devient « Référentiel 2025, p. 54-56 ».

The team's notes locate every figure by its line in the extracted text of a source document
(« source 001 l. 1211 »). A reader has the printed document, not our text file: this module turns
those line references into the printed pages of the document (from its table of contents) or, for a
slide deck without page numbers, the title of the slide. Both tables live in ``data/``
(``documents_sources``, ``sections_sources``) with their own provenance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import data

# « source 001 l. 12 », « 003 l. 84-86 », « Source 001 (texte extrait), l. 427 », or a bare « l. 1558-1572 »
# continuing the last document named in the same text.
LINE_REFERENCE = re.compile(
    r"(?:(?:[Ss]ource\s+)?(?P<doc>\d{3})(?:\s*\(texte extrait\))?,?\s+)?"
    r"\bl\.\s*(?P<start>\d+)(?:\s*[-–]\s*(?P<end>\d+))?"
)

# « (source 003) » without a line: the document's short title.
DOCUMENT_ONLY = re.compile(r"\b[Ss]ource (?P<doc>\d{3})\b(?!\s*\(texte extrait\)|,?\s+l\.)")


@dataclass(frozen=True)
class Section:
    line: int
    page: int | None
    title: str


@dataclass(frozen=True)
class Document:
    code: str
    short_title: str
    reference: str
    access: str
    url: str | None
    sections: tuple[Section, ...]


@lru_cache(maxsize=1)
def documents() -> dict[str, Document]:
    """The source documents, each with its sections in reading order."""
    sections = data.load_table("sections_sources")
    found = {}
    for row in data.load_table("documents_sources").itertuples():
        rows = sections[sections["document"] == row.document].sort_values("ligne")
        found[row.document] = Document(
            code=row.document,
            short_title=row.titre_court,
            reference=row.reference,
            access=row.acces,
            url=row.url if isinstance(row.url, str) and row.url else None,
            sections=tuple(
                Section(int(s.ligne), None if s.page != s.page else int(s.page), s.titre) for s in rows.itertuples()
            ),
        )
    return found


def _covering(document: Document, start: int, end: int) -> tuple[list[Section], Section | None]:
    """Sections holding lines ``start`` to ``end``, and the section that follows them (if any)."""
    inside = [s for s in document.sections if s.line <= end]
    first = max((i for i, s in enumerate(inside) if s.line <= start), default=0)
    covered = inside[first:]
    following = document.sections[len(inside)] if len(inside) < len(document.sections) else None
    return covered, following


def locate(code: str, start: int, end: int | None = None) -> str:
    """Where lines ``start``-``end`` of document ``code`` are for a reader: pages, or slide titles."""
    document = documents().get(code)
    if document is None or not document.sections:
        raise data.DataError(f"Document source « {code} » inconnu du registre documents_sources.")
    end = max(start, end or start)
    covered, following = _covering(document, start, end)
    pages = [s.page for s in covered if s.page is not None]
    if pages:
        first = pages[0]
        if following is None or following.page is None:
            return f"p. {first} et suivantes"
        last = max(first, following.page - 1) if following.page > first else first
        return f"p. {first}" if last == first else f"p. {first}-{last}"
    if all(s.page is None for s in document.sections):
        titles = " ; ".join(f"« {s.title} »" for s in covered)
        return f"diapositive {titles}" if len(covered) == 1 else f"diapositives {titles}"
    return covered[0].title.lower() if covered else "début du document"


def readable(text: str) -> str:
    """``text`` with every line reference to a source document replaced by its pages or slide titles.

    A reference that names its document gets the document's short title (« Référentiel 2025, p. 54-56 »);
    a bare « l. N » continuing the same document gets the place only. Text without a known document
    is returned unchanged.
    """
    known = documents()
    current: str | None = None
    out: list[str] = []
    position = 0
    for match in LINE_REFERENCE.finditer(text):
        code = match["doc"]
        if code is not None and code in known:
            current = code
        elif code is not None:
            continue
        if current is None:
            continue
        place = locate(current, int(match["start"]), int(match["end"]) if match["end"] else None)
        if code is not None:
            document = known[current]
            slide = place.removeprefix("diapositive ")
            # « Diapositive « X », source 003 l. 80 » already names the slide: the document is enough.
            place = document.short_title if slide != place and slide in text else f"{document.short_title}, {place}"
        out.append(text[position:match.start()])
        out.append(place)
        position = match.end()
    out.append(text[position:])
    result = DOCUMENT_ONLY.sub(lambda m: known[m["doc"]].short_title if m["doc"] in known else m[0], "".join(out))
    return _without_repeats(result)


def _without_repeats(text: str) -> str:
    """« A ; A ; B » → « A ; B »: two line references in the same pages read as one place."""
    parts = text.split(" ; ")
    kept = [part for i, part in enumerate(parts) if part not in parts[:i]]
    return " ; ".join(kept)


def urls_in(text: str) -> list[str]:
    """Addresses of the documents named (as « source 00N ») in ``text``, in order, without repeats."""
    known = documents()
    found: list[str] = []
    for match in LINE_REFERENCE.finditer(text):
        document = known.get(match["doc"] or "")
        if document and document.url and document.url not in found:
            found.append(document.url)
    return found
