"""Des dates qui disent vrai : quand les chiffres d'un chapitre ont été vérifiés, et ce qui est à revérifier.

A chapter's « À jour au … » line is not typed: while the book is built, each chapter's kernel records
the datasets it really loads (``data.load`` keeps them; :func:`watch_kernel` publishes them as hidden
glue outputs, cached with the notebook), and the ``{a-jour}`chapitre``` role turns them into the oldest
``verification.date`` of those datasets. The Sphinx extension also writes which chapter used which
dataset to ``_build/donnees-des-chapitres.json``, read by ``atelier verifier-sources`` (:func:`report`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import data
from .errors import UserError

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
ROLE = "a-jour"
ROLE_TEXT = "chapitre"
# What a chapter writes as its last line; the date is computed when the book is built.
DATE_LINE_SOURCE = f"{{{ROLE}}}`{ROLE_TEXT}`"
USAGE_FILE = "donnees-des-chapitres.json"
RECORD_ENV = "ATELIER_RELEVE_DONNEES"
GLUE_KEY = "atelier_donnees_"
GLUE_PREFIX = "application/papermill.record/"
ADDRESS = re.compile(r"https?://[^\s,;()«»]+")  # myst_nb.ext.glue.GLUE_PREFIX: hidden glue output


def french_date(day: dt.date) -> str:
    """« 1er décembre 2026 », « 30 novembre 2026 »."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def french_span(first: dt.date, last: dt.date) -> str:
    """« entre le 22 et le 30 novembre 2026 », « entre le 3 octobre et le 30 novembre 2026 »…"""
    start = french_date(first)
    if first.year == last.year:
        start = start.rsplit(" ", 1)[0]
        if first.month == last.month:
            start = start.rsplit(" ", 1)[0]
    return f"entre le {start} et le {french_date(last)}"


@dataclass(frozen=True)
class Fact:
    """A dataset as a checked fact: when it was checked, against what, where to check it again."""

    name: str
    title: str
    checked: dt.date
    against: str
    urls: tuple[str, ...]
    read: str  # verification.lecture (required, checked by core.data): source_primaire, reproduction, sans_objet


def fact(name: str) -> Fact:
    meta = data.read_metadata(name)
    check = meta["verification"]
    urls = data.Dataset(name, None, meta).urls
    if name == "documents_sources":
        # The book's own list of sources: each document's address is to be checked again too.
        urls += [u for u in data.load_table(name)["url"].dropna() if str(u).startswith("https://") and u not in urls]
    against = str(check["contre"]).strip()
    # Then the pages the last check read (named in « contre »).
    urls += [u for u in (m.rstrip(".") for m in ADDRESS.findall(against)) if u not in urls]
    return Fact(name=name, title=meta["titre"], checked=dt.date.fromisoformat(str(check["date"])),
                against=against, urls=tuple(urls), read=check["lecture"])


@dataclass(frozen=True)
class DateLine:
    headline: str  # « Données relues au 22 novembre 2026 » (« Vérifié au … » if all primary), set in italics
    detail: str


def date_line(names: list[str]) -> DateLine:
    """What a chapter that used these datasets may truthfully say about its date, and about what was read.

    « Vérifié contre sa source » is said only of a dataset whose ``verification.lecture`` says the primary text
    itself was read; the others are « relus », and the line says how many were read only in a reproduction.
    The headline, read alone, never claims more than the detail: « Vérifié au … » only when every dataset was
    checked in its primary text, « Données relues au … » otherwise (never « À jour », which would say the
    content is confirmed at that date when the date is only that of the oldest reading).
    """
    if not names:
        return DateLine("Aucune date de vérification", "ce chapitre n'utilise aucun jeu de données de data/ ; "
                        "ses affirmations renvoient seulement aux références citées dans son texte.")
    facts = sorted((fact(n) for n in dict.fromkeys(names)), key=lambda f: (f.checked, f.name))
    oldest, newest = facts[0].checked, facts[-1].checked
    headline = headline_for(facts, oldest)
    if len(facts) == 1:
        return DateLine(headline, f"date à laquelle le seul jeu de données de ce chapitre, « {facts[0].title} », "
                        f"a été {SINGLE_READING[facts[0].read]}.{PROSE}")
    if oldest == newest:
        return DateLine(headline, f"les {len(facts)} jeux de données qu'utilise ce chapitre ont tous été relus à "
                        f"cette date ; {readings(facts)}.{PROSE}")
    eldest = [f for f in facts if f.checked == oldest]
    which = "le plus ancien" if len(eldest) == 1 else "les plus anciens"
    return DateLine(headline, f"date de la plus ancienne vérification ; les {len(facts)} jeux de données qu'utilise "
                    f"ce chapitre ont été relus {french_span(oldest, newest)} ; {which} : {_titles(eldest)} ; "
                    f"{readings(facts)}.{PROSE}")


VERIFIED = "Vérifié au"
READ = "Données relues au"


def headline_for(facts: list[Fact], oldest: dt.date) -> str:
    """« Vérifié au … » if every dataset was checked in its primary text, else « Données relues au … »."""
    verb = VERIFIED if all(f.read == "source_primaire" for f in facts) else READ
    return f"{verb} {french_date(oldest)}"


# The date covers the datasets only: a rule stated in the prose without a dataset is dated by its reference.
PROSE = (" Cette date ne couvre pas les règles énoncées dans le texte sans jeu de données : chaque règle renvoie à sa "
         "référence, dont la bibliographie donne l'adresse et, le plus souvent, le jour où elle a été lue.")

SINGLE_READING = {
    "source_primaire": "vérifié contre le texte de sa source primaire",
    "reproduction": "relu, mais seulement dans une reproduction ou un résumé de sa source (le texte primaire n'a "
                    "pas été ouvert : voir ses métadonnées)",
    "sans_objet": "relu ; ses valeurs sont illustratives, sans source à vérifier",
}


def _titles(facts: list[Fact]) -> str:
    named = " ; ".join(f"« {f.title} »" for f in facts[:3])
    if len(facts) > 3:
        named += f" et {len(facts) - 3} autre{'s' if len(facts) > 4 else ''}"
    return named


def readings(facts: list[Fact]) -> str:
    """How the datasets were read: « tous dans le texte de leur source primaire » only when it is true."""
    primary = [f for f in facts if f.read == "source_primaire"]
    copies = [f for f in facts if f.read == "reproduction"]
    illustrative = [f for f in facts if f.read == "sans_objet"]
    if len(primary) == len(facts):
        return "chacun vérifié contre le texte même de sa source primaire"
    parts = []
    if primary:
        parts.append(f"{len(primary)} dans le texte même de la source primaire")
    if copies:
        parts.append(f"{len(copies)} seulement dans une reproduction ou un résumé, sans ouvrir le texte primaire "
                     f"({_titles(copies)})")
    if illustrative:
        parts.append(f"{len(illustrative)} aux valeurs illustratives, sans source à lire")
    return "ce qui a été lu : " + ", ".join(parts) + " (voir le bloc « verification » de chaque jeu)"


# -- recording, in a chapter's kernel ------------------------------------------------------------

_published: set[str] = set()
_cells = [0]


def watch_kernel() -> None:
    """In a kernel run by the book build: after each cell, publish the datasets newly loaded (hidden glue)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the book
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_atelier_watched", False):
        return
    shell._atelier_watched = True
    shell.events.register("post_run_cell", _publish_used)


def _publish_used(result: Any = None) -> None:
    from IPython.display import display

    new = [n for n in data.used() if n not in _published]
    if not new:
        return
    _published.update(new)
    _cells[0] += 1
    display({GLUE_PREFIX + "text/plain": json.dumps(new)}, raw=True,
            metadata={"scrapbook": {"name": f"{GLUE_KEY}{_cells[0]}", "mime_prefix": GLUE_PREFIX}})


def recorded(glue_data: dict[str, Any]) -> list[str]:
    """The datasets a chapter's kernel loaded, from its glue outputs, first use first."""
    keys = sorted((k for k in glue_data if k.startswith(GLUE_KEY)), key=lambda k: int(k.removeprefix(GLUE_KEY)))
    names: dict[str, None] = {}
    for key in keys:
        for name in json.loads(glue_data[key]["data"]["text/plain"]):
            names[name] = None
    return list(names)


# -- Sphinx extension: the {a-jour} role and the usage file -------------------------------------

def _date_role(name, rawtext, text, lineno, inliner, options=None, content=None):  # noqa: ANN001 (docutils API)
    from docutils import nodes
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    document = inliner.document
    env = document.settings.env
    where = (env.docname, lineno)
    if text != ROLE_TEXT:
        logger.warning(f"Rôle {{{ROLE}}} : écrivez exactement {DATE_LINE_SOURCE} (reçu « {text} »).", location=where)
        return [], []
    renderer = document.attributes.get("nb_renderer")
    # A page that is not a notebook runs no code, hence loads no dataset.
    names = recorded(renderer.renderer.nb_client.glue_data) if renderer is not None else []
    try:
        line = date_line(names)
    except data.DataError as exc:
        logger.warning(str(exc), location=where)
        return [], []
    _usage(env)[env.docname] = names
    node = nodes.inline(classes=["atelier-a-jour"])
    node += nodes.emphasis(text=line.headline)
    node += nodes.Text(f" : {line.detail}")
    return [node], []


def _usage(env: Any) -> dict[str, list[str]]:
    if not hasattr(env, "atelier_donnees"):
        env.atelier_donnees = {}
    return env.atelier_donnees


def _purge(app: Any, env: Any, docname: str) -> None:
    _usage(env).pop(docname, None)


def _merge(app: Any, env: Any, docnames: set[str], other: Any) -> None:
    _usage(env).update({d: n for d, n in _usage(other).items() if d in docnames})


def _write_usage(app: Any, exception: Exception | None) -> None:
    if exception is not None:
        return
    usage = {Path(doc).name: names for doc, names in sorted(_usage(app.env).items()) if doc in app.env.found_docs}
    path = Path(app.outdir).parent / USAGE_FILE
    path.write_text(json.dumps(usage, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    # Kernels started by this build inherit the variable: data.load then records what each chapter uses.
    os.environ[RECORD_ENV] = "1"
    app.add_role(ROLE, _date_role)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _write_usage)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}


# -- « atelier verifier-sources » ---------------------------------------------------------------

def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the last day of the month when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


def chapter_usage(root: Path) -> dict[str, list[str]] | None:
    """Which datasets each chapter loaded at the last build of the book (None if it was never built)."""
    path = root / "_build" / USAGE_FILE
    if not path.is_file():
        return None
    try:
        usage = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"{path} illisible ({exc}) : reconstruisez le livre (atelier build).") from None
    return {str(k): [str(n) for n in v] for k, v in usage.items()}


@dataclass(frozen=True)
class StaleFact:
    fact: Fact
    chapters: tuple[str, ...]


def stale_facts(cutoff: dt.date, usage: dict[str, list[str]] | None, chapter: str | None = None) -> list[StaleFact]:
    """Every dataset checked before ``cutoff`` (only those a chapter uses, if one is named), oldest first."""
    names = data.available()
    if chapter is not None:
        names = [n for n in (usage or {}).get(chapter, []) if n in names]
    found = []
    for name in names:
        checked = fact(name)
        if checked.checked < cutoff:
            chapters = tuple(c for c, used in sorted((usage or {}).items()) if name in used)
            found.append(StaleFact(checked, chapters))
    return sorted(found, key=lambda s: (s.fact.checked, s.fact.name))


REPORT_READING = {"source_primaire": "texte de la source primaire", "sans_objet": "valeurs illustratives",
                  "reproduction": "reproduction ou résumé seulement (texte primaire à ouvrir)"}


def report(root: Path, months: int, chapter: str | None = None, on_day: dt.date | None = None,
           strict: bool = False) -> int:
    """Print, in French, the facts to check again before ``on_day``; 1 if some are stale and ``strict``."""
    if months < 0:
        raise UserError(f"--mois : un nombre de mois positif ou nul (reçu {months}).")
    on_day = on_day or dt.date.today()
    cutoff = months_before(on_day, months)
    usage = chapter_usage(root)
    if chapter is not None:
        if usage is None:
            raise UserError("--chapitre : le livre n'a pas encore été construit, on ne sait pas ce qu'utilise "
                            "chaque chapitre. Lancez d'abord « atelier build ».")
        if chapter not in usage:
            known = ", ".join(sorted(usage)) or "aucun"
            raise UserError(f"--chapitre : chapitre « {chapter} » inconnu (chapitres : {known}).")
    stale = stale_facts(cutoff, usage, chapter)
    scope = f"du chapitre « {chapter} »" if chapter else "de data/"
    age = f"plus de {months} mois au {french_date(on_day)}" if months else "tout ce qui précède ce jour"
    print(f"Jeux de données {scope} vérifiés avant le {french_date(cutoff)} ({age}) :")
    if usage is None:
        print("(Chapitres inconnus : le livre n'a pas encore été construit ; lancez « atelier build ».)")
    else:
        built = dt.date.fromtimestamp((root / "_build" / USAGE_FILE).stat().st_mtime)
        print(f"(Chapitres d'après la construction du livre du {french_date(built)}.)")
    for number, item in enumerate(stale, 1):
        f = item.fact
        print(f"\n{number}. {f.name} — « {f.title} »")
        print(f"   vérifié le {french_date(f.checked)}, contre : {f.against}")
        print(f"   lecture : {REPORT_READING[f.read]}")
        print(f"   à revérifier : {' ; '.join(f.urls) if f.urls else 'aucune adresse connue (voir « contre »)'}")
        if usage is not None:
            chapters = ", ".join(item.chapters) or "aucun (exercices ou tableaux de bord seulement)"
            print(f"   chapitres : {chapters}")
    total = len(data.available()) if chapter is None else len((usage or {}).get(chapter, []))
    if not stale:
        print(f"Aucun : rien à revérifier ({total} jeux de données).")
        return 0
    print(f"\n{len(stale)} jeu{'x' if len(stale) > 1 else ''} de données sur {total} à revérifier.")
    return 1 if strict else 0
