"""Accès aux jeux de données de `data/` : lecture, validation par schéma, métadonnées.

Every dataset is a CSV file plus a ``<name>.meta.yaml`` file giving its title,
source (document and line/page), units, licence and dates. The ``schema`` key of
the metadata names the pandera schema the CSV must satisfy.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import yaml

from .paths import REPO
from .schemas import SCHEMAS

REQUIRED_METADATA = ("titre", "schema", "source", "unites", "licence", "date_publication", "date_extraction")
REQUIRED_SOURCE = ("document", "localisation")


class DataError(ValueError):
    """A dataset or its metadata is missing or invalid (message in French)."""


@dataclass(frozen=True)
class Dataset:
    """A validated table with its provenance."""

    name: str
    table: pd.DataFrame
    meta: dict[str, Any]

    @property
    def title(self) -> str:
        return self.meta["titre"]

    @property
    def citation(self) -> str:
        """Full reference of the source document, with where the figures are in it (printed pages or
        slide titles, never the lines of our extracted text)."""
        from .sources import readable

        src = self.meta["source"]
        return readable(f"{src['document']} {src['localisation']}")

    @property
    def urls(self) -> list[str]:
        """Where a reader can find the source: the dataset's own address, else those of the documents it cites."""
        from .sources import urls_in

        src = self.meta["source"]
        own = [src["url"]] if src.get("url") else []
        return own or urls_in(f"{src['document']} {src['localisation']}")


def data_dir() -> Path:
    """Folder holding the datasets: ``$ATELIER_DATA_DIR`` or the ``data/`` folder of the repository."""
    env = os.environ.get("ATELIER_DATA_DIR")
    if env:
        path = Path(env)
    else:
        path = REPO / "data"
    if not path.is_dir():
        raise DataError(
            f"Dossier de données introuvable : {path}. Installez le paquet depuis le dépôt "
            "(pip install -e .) ou indiquez le dossier dans la variable ATELIER_DATA_DIR."
        )
    return path


def available(schema: str | None = None) -> list[str]:
    """Names of the datasets present in ``data/`` (optionally only those of one schema)."""
    names = sorted(p.name.removesuffix(".meta.yaml") for p in data_dir().glob("*.meta.yaml"))
    if schema is None:
        return names
    return [n for n in names if read_metadata(n).get("schema") == schema]


def read_metadata(name: str, folder: Path | None = None) -> dict[str, Any]:
    """Read and check the metadata file of a dataset."""
    folder = folder or data_dir()
    path = folder / f"{name}.meta.yaml"
    if not path.is_file():
        raise DataError(f"Jeu de données « {name} » : fichier de métadonnées manquant ({path.name}).")
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(f"Jeu de données « {name} » : métadonnées illisibles ({path.name}) : {exc}") from exc
    if not isinstance(meta, dict):
        raise DataError(f"Jeu de données « {name} » : les métadonnées doivent être un dictionnaire YAML.")
    problems = [f"champ « {key} » manquant" for key in REQUIRED_METADATA if not meta.get(key)]
    source = meta.get("source")
    if isinstance(source, dict):
        problems += [f"champ « source.{key} » manquant" for key in REQUIRED_SOURCE if not source.get(key)]
    elif source:
        problems.append("le champ « source » doit contenir « document » et « localisation »")
    problems += _verification_problems(meta.get("verification"))
    if meta.get("date_publication"):
        problems += _date_problems("date_publication", meta["date_publication"], partial=True)
    if meta.get("date_extraction"):
        problems += _date_problems("date_extraction", meta["date_extraction"], partial=False)
    problems += _scope_problems(meta)
    if meta.get("schema") and meta["schema"] not in SCHEMAS:
        problems.append(f"schéma « {meta['schema']} » inconnu (connus : {', '.join(sorted(SCHEMAS))})")
    if problems:
        raise DataError(f"Jeu de données « {name} » ({path.name}) : métadonnées incomplètes : "
                        + " ; ".join(problems) + ".")
    return meta


def _verification_problems(verification: Any) -> list[str]:
    """When the dataset was last checked, against what, and what that check read: all three are required."""
    if not isinstance(verification, dict):
        return ["champ « verification » manquant (date et contre : quand et avec quoi le jeu a été vérifié)"]
    problems = _date_problems("verification.date", verification.get("date"), partial=False)
    if not str(verification.get("contre") or "").strip():
        problems.append("champ « verification.contre » manquant (la source relue)")
    reading = verification.get("lecture")
    if reading is None or not str(reading).strip():
        problems.append("champ « verification.lecture » manquant (ce que la vérification a lu : "
                        f"{', '.join(READINGS)})")
    elif reading not in READINGS:
        problems.append(f"champ « verification.lecture » invalide (« {reading} » ; valeurs : {', '.join(READINGS)})")
    return problems


# What the last check read (``verification.lecture``, required): the primary text itself, only a reproduction
# or a summary of it (copy of the Journal officiel, ameli page, press…), or nothing (illustrative values).
READINGS = ("source_primaire", "reproduction", "sans_objet")


def _date_problems(field: str, value: Any, partial: bool) -> list[str]:
    """A date written AAAA-MM-JJ (a publication may give only AAAA or AAAA-MM), not after today."""
    text = str(value or "").strip()
    parts = text.split("-")
    try:
        if not partial or len(parts) == 3:
            day = dt.date.fromisoformat(text)
        elif len(parts) in (1, 2) and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
            day = dt.date(int(parts[0]), int(parts[1]) if len(parts) == 2 else 1, 1)
        else:
            raise ValueError(text)
    except ValueError:
        expected = "AAAA-MM-JJ, AAAA-MM ou AAAA" if partial else "AAAA-MM-JJ"
        return [f"champ « {field} » invalide ou manquant (« {text} » ; format {expected})"]
    if day > dt.date.today():
        return [f"champ « {field} » dans le futur (« {text} ») : on n'écrit que la date d'une vérification faite"]
    return []


# What a dataset states (``portee``): a rule or a national figure must give the address of its primary source.
SCOPES = ("reglementaire", "chiffre_national", "etude", "referentiel", "enseignement")
NEEDS_URL = ("reglementaire", "chiffre_national")
# Without ``portee``, a source that is itself a legal text counts as a rule.
LEGAL_TEXT = re.compile(r"^\s*(Décret|Arrêté|Ordonnance|Loi|Code de la|Convention nationale|Journal officiel)\b", re.I)


def scope(meta: dict[str, Any]) -> str | None:
    """The declared ``portee`` of a dataset, else « reglementaire » when its source is a legal text."""
    declared = meta.get("portee")
    if declared:
        return str(declared)
    source = meta.get("source")
    document = str(source.get("document") or "") if isinstance(source, dict) else ""
    return "reglementaire" if LEGAL_TEXT.match(document) else None


def _scope_problems(meta: dict[str, Any]) -> list[str]:
    kind = scope(meta)
    if kind is not None and kind not in SCOPES:
        return [f"champ « portee » inconnu (« {kind} » ; valeurs : {', '.join(SCOPES)})"]
    source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
    url = str(source.get("url") or "").strip()
    if kind in NEEDS_URL and not url.startswith("https://"):
        what = "un texte réglementaire" if kind == "reglementaire" else "un chiffre national"
        return [f"champ « source.url » manquant ou invalide (« {url} ») : {what} donne l'adresse https:// de sa "
                "source primaire (Légifrance, ameli, HAS, DREES, Insee, Santé publique France, ANSM, ANDPC…)"]
    return []


def _describe_failure(case: dict[str, Any]) -> str:
    check = str(case.get("check"))
    column = case.get("column")
    value = case.get("failure_case")
    index = case.get("index")
    row = None if index is None else int(index) + 2  # line in the CSV file, header = line 1
    if check == "column_in_dataframe":
        return f"colonne « {value} » manquante"
    if check == "column_in_schema":
        return f"colonne « {value} » inattendue"
    if check.startswith("dtype") or check.startswith("coerce_dtype"):
        return f"colonne « {column} » : type incorrect (valeur « {value} »)"
    if check == "not_nullable":
        return f"colonne « {column} » : valeur manquante (ligne {row})"
    if check == "field_uniqueness":
        return f"colonne « {column} » : valeur en double « {value} »"
    if case.get("schema_context") == "DataFrameSchema":
        return f"ligne {row} : {check}" if row is not None else check
    where = f"ligne {row}, " if row is not None else ""
    return f"colonne « {column} », {where}valeur « {value} » : {check}"


def validate(table: pd.DataFrame, schema: str, name: str = "?") -> pd.DataFrame:
    """Validate a table against a named schema; raise :class:`DataError` listing every problem in French."""
    try:
        return SCHEMAS[schema].validate(table, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.to_dict("records")
        lines = sorted({_describe_failure(c) for c in cases})
        raise DataError(
            f"Jeu de données « {name} » invalide (lignes numérotées comme dans le fichier CSV, "
            "en-tête = ligne 1) :\n- " + "\n- ".join(lines)
        ) from None


def read_table(path: Path, schema: str, name: str | None = None) -> pd.DataFrame:
    """Read a CSV file and validate it (used for datasets and for files given by users)."""
    name = name or path.stem
    try:
        # Text columns stay text (a code « 001 » must not become the number 1).
        text_columns = {c: str for c, col in SCHEMAS[schema].columns.items() if str(col.dtype).startswith(("str", "string"))}
        table = pd.read_csv(path, encoding="utf-8", dtype=text_columns)
    except FileNotFoundError:
        raise DataError(f"Jeu de données « {name} » : fichier introuvable ({path}).") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"Jeu de données « {name} » : fichier CSV illisible ({path.name}) : {exc}") from None
    return validate(table, schema, name)


# The registry that turns « source 001 l. N » into pages: read as is.
SOURCE_REGISTRY = ("documents_sources", "sections_sources")


@lru_cache(maxsize=256)
def _load_cached(name: str, folder: str) -> Dataset:
    meta = read_metadata(name, Path(folder))
    table = read_table(Path(folder) / f"{name}.csv", meta["schema"], name)
    if name not in SOURCE_REGISTRY:
        table = _readable_text(table)
    return Dataset(name=name, table=table, meta=meta)


def _readable_text(table: pd.DataFrame) -> pd.DataFrame:
    """Every text cell with the team's references (« source 001 l. 679 », « source 003 ») turned into what a
    reader can open (« Référentiel 2025, p. 28-35 »): tables, charts, quizzes and dashboards then show pages,
    with nothing to convert where they display a cell."""
    from .sources import DOCUMENT_ONLY, LINE_REFERENCE, readable

    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            values = table[column]
            if any(isinstance(v, str) and (LINE_REFERENCE.search(v) or DOCUMENT_ONLY.search(v)) for v in values):
                table[column] = values.map(lambda v: readable(v) if isinstance(v, str) else v)
    return table


# Every dataset this process has loaded, in order: what a chapter really uses (see core/freshness).
_USED: dict[str, None] = {}


def used() -> list[str]:
    """Names of the datasets loaded so far by this process (a chapter's kernel), first use first."""
    return list(_USED)


def load(name: str) -> Dataset:
    """Load a dataset by name, validated, with its metadata. The table is a copy the caller may modify."""
    folder = data_dir()
    if not (folder / f"{name}.meta.yaml").exists() and not (folder / f"{name}.csv").exists():
        known = ", ".join(available()) or "aucun"
        raise DataError(f"Jeu de données « {name} » inconnu. Jeux disponibles : {known}.")
    ds = _load_cached(name, str(folder))
    if name not in _USED:
        _USED[name] = None
        if os.environ.get("ATELIER_RELEVE_DONNEES"):
            from .freshness import watch_kernel

            watch_kernel()
    return Dataset(name=ds.name, table=ds.table.copy(), meta=ds.meta)


def load_table(name: str) -> pd.DataFrame:
    """Shortcut for exercises: the validated table only."""
    return load(name).table


def mapping(name: str, key: str, value: str) -> dict[Any, Any]:
    """Two columns of a dataset as a dictionary (parameter tables: name → value)."""
    table = load_table(name)
    return dict(zip(table[key], table[value], strict=True))
