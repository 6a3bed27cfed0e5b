"""Carnet de compétences de l'interne : traces d'apprentissage, auto-évaluation et évaluation MSU.

The carnet is one JSON file in the intern's working folder. Every change is validated
first (French message, nothing changed on error), then written atomically; the previous
version is kept next to it as ``<file>.bak``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import uuid
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ..core import data, privacy

FORMAT = "atelier-mg/carnet-de-competences"
VERSION = 2
READABLE_VERSIONS = (1, 2)  # version 1: stage labels of the pre-2023 maquette
DEFAULT_FILENAME = "carnet_competences.json"
# A fictitious carnet shipped with the package (book, review dashboard, tests).
EXAMPLE = Path(__file__).parent / "exemples" / "carnet_exemple.json"
RATERS = {"auto": "Auto-évaluation de l'interne", "msu": "Évaluation du MSU"}
MAX_NARRATIVE = 5000

OTHER_STAGE = "Autre stage"
# Stages of the 2023 maquette of the DES (data/maquette_des_mg_2023); "Autre stage" keeps the list open
# (inter-CHU exchange, stage abroad, dérogation).
STAGE_TYPES = (*data.load_table("maquette_des_mg_2023").sort_values("ordre")["libelle_carnet"], OTHER_STAGE)
# Labels of the pre-2023 carnets (version 1). Those with an exact equivalent in the 2023 maquette are
# renamed when the file is opened; the others name stages of the 2017 maquette, still true for the
# interns who followed it, and stay accepted as they are.
LEGACY_RENAMED = {
    "SASPAS (stage autonome en soins primaires)": "SASPAS (stage ambulatoire en soins primaires en autonomie supervisée)",
    "Docteur junior (4e année)": "Docteur junior ambulatoire (phase de consolidation)",
}
LEGACY_STAGES = (
    "Stage en santé de la femme",
    "Stage en santé de l'enfant",
    "Stage hospitalier (médecine polyvalente, gériatrie…)",
)
SEMESTERS = range(1, 9)

# The competency grid a carnet follows, stored in the file ("grille").
GRIDS = {
    "cnge": "Les 6 compétences génériques du CNGE (« marguerite », grille d'évaluation du DES)",
    "cmg2025": "Les 8 compétences du référentiel professionnel de 2025 (CMG)",
}
GRID_DATASETS = {"cnge": "competences_cnge", "cmg2025": "competences_2025"}
GRID_SOURCES = {
    "cnge": "CNGE, six compétences génériques (Compagnon et al., Exercer 2013)",
    "cmg2025": "Collège de la médecine générale, référentiel professionnel 2025",
}
DEFAULT_GRID = "cnge"  # a new carnet follows the grid on which the DES is assessed
LEGACY_GRID = "cmg2025"  # carnets written before the choice existed were on the 2025 grid


class CarnetError(ValueError):
    """Invalid input or unreadable carnet file (French message; the carnet is unchanged)."""


def check_grid(grid: str) -> str:
    if grid not in GRIDS:
        choices = " ; ".join(f"« {k} » ({v})" for k, v in GRIDS.items())
        raise CarnetError(f"Grille de compétences « {grid} » inconnue. Choix possibles : {choices}.")
    return grid


@lru_cache(maxsize=len(GRIDS))
def referentials(grid: str = DEFAULT_GRID) -> dict[str, pd.DataFrame]:
    """The tables a carnet refers to: the competencies of its grid, families of situations, levels."""
    return {
        "competences": data.load_table(GRID_DATASETS[check_grid(grid)]).sort_values("ordre"),
        "familles": data.load_table("familles_situations").sort_values("ordre"),
        "niveaux": data.load_table("niveaux_competence").sort_values("rang"),
    }


def labels(kind: str, column: str, grid: str = DEFAULT_GRID) -> dict[str, str]:
    """Code → label of a referential table (e.g. ``labels("familles", "libelle_court")``)."""
    table = referentials(grid)[kind]
    return dict(zip(table["code"], table[column], strict=True))


def grid_of(codes) -> str:
    """The grid whose competency codes are ``codes`` (a coverage grid's columns, an assessment table)."""
    codes = set(codes)
    for grid in GRIDS:
        if codes <= set(referentials(grid)["competences"]["code"]):
            return grid
    raise CarnetError(f"Compétences d'aucune grille connue : {', '.join(sorted(map(str, codes)))}.")


def _codes(kind: str, grid: str = DEFAULT_GRID) -> list[str]:
    return list(referentials(grid)[kind]["code"])


def level_rank(code: str | None) -> int | None:
    if code is None:
        return None
    table = referentials()["niveaux"].set_index("code")
    return int(table.loc[code, "rang"])


@dataclass(frozen=True)
class Trace:
    """One learning trace (trace d'apprentissage)."""

    id: str
    date: str
    stage: str
    semestre: int
    recit: str
    familles: tuple[str, ...]
    competences: tuple[str, ...]
    niveau: str
    cree_le: str = ""
    modifie_le: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["familles"], d["competences"] = list(self.familles), list(self.competences)
        return d


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def validate_trace(values: dict[str, Any], grid: str = DEFAULT_GRID) -> Trace:
    """Check every field of a trace; raise :class:`CarnetError` listing all problems in French."""
    problems: list[str] = []
    raw_date = values.get("date")
    date = None
    if isinstance(raw_date, dt.date):
        date = raw_date
    elif isinstance(raw_date, str):
        try:
            date = dt.date.fromisoformat(raw_date.strip())
        except ValueError:
            problems.append(f"date « {raw_date} » invalide (format attendu : AAAA-MM-JJ)")
    else:
        problems.append("date manquante")
    if date is not None and date > dt.date.today():
        problems.append(f"la date {date.isoformat()} est dans le futur")

    stage = values.get("stage")
    if stage not in STAGE_TYPES and stage not in LEGACY_STAGES:
        problems.append(f"type de stage « {stage} » inconnu (choix : {' ; '.join(STAGE_TYPES)})")
    semestre = values.get("semestre")
    if isinstance(semestre, bool) or not isinstance(semestre, int) or semestre not in SEMESTERS:
        problems.append(f"semestre « {semestre} » invalide (entier de 1 à 8)")

    recit = values.get("recit")
    recit = recit.strip() if isinstance(recit, str) else ""
    if not recit:
        problems.append("le récit est vide")
    elif len(recit) > MAX_NARRATIVE:
        problems.append(f"le récit dépasse {MAX_NARRATIVE} caractères ({len(recit)})")

    familles = tuple(values.get("familles") or ())
    competences = tuple(values.get("competences") or ())
    if not familles:
        problems.append("choisissez au moins une famille de situations")
    if not competences:
        problems.append("choisissez au moins une compétence")
    unknown_f = [f for f in familles if f not in _codes("familles")]
    unknown_c = [c for c in competences if c not in _codes("competences", grid)]
    if unknown_f:
        problems.append(f"famille(s) inconnue(s) : {', '.join(map(str, unknown_f))}")
    if unknown_c:
        problems.append(f"compétence(s) inconnue(s) dans la grille du carnet : {', '.join(map(str, unknown_c))} "
                        f"(choix : {', '.join(_codes('competences', grid))})")
    niveau = values.get("niveau")
    if niveau not in _codes("niveaux"):
        problems.append(f"niveau « {niveau} » inconnu (choix : {', '.join(_codes('niveaux'))})")

    if problems:
        raise CarnetError("Trace non enregistrée : " + " ; ".join(problems) + ".")
    findings = privacy.find_identifiers(recit)
    if findings:
        raise CarnetError("Trace non enregistrée. " + privacy.explain(findings))
    return Trace(
        id=values.get("id") or uuid.uuid4().hex[:12],
        date=date.isoformat(),
        stage=stage,
        semestre=semestre,
        recit=recit,
        familles=tuple(dict.fromkeys(familles)),
        competences=tuple(dict.fromkeys(competences)),
        niveau=niveau,
        cree_le=values.get("cree_le") or _now(),
        modifie_le=values.get("modifie_le") or _now(),
    )


def validate_assessment(levels: dict[str, str | None], grid: str = DEFAULT_GRID) -> dict[str, str]:
    """Ratings of one rater: competency code → level code (unrated competencies omitted)."""
    problems = []
    out = {}
    for comp, level in levels.items():
        if comp not in _codes("competences", grid):
            problems.append(f"compétence « {comp} » inconnue")
        elif level in (None, ""):
            continue
        elif level not in _codes("niveaux"):
            problems.append(f"niveau « {level} » inconnu pour {comp}")
        else:
            out[comp] = level
    if problems:
        raise CarnetError("Évaluation non enregistrée : " + " ; ".join(problems) + ".")
    return out


@dataclass
class Carnet:
    """The whole carnet; ``path`` is None for a carnet loaded from an upload."""

    path: Path | None
    interne: str = ""
    grille: str = DEFAULT_GRID
    traces: list[Trace] = field(default_factory=list)
    evaluations: dict[str, dict[str, Any]] = field(default_factory=dict)

    # -- reading and writing ------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path = DEFAULT_FILENAME, grid: str = DEFAULT_GRID) -> Carnet:
        """Open the carnet at ``path``; a missing file gives a new, empty carnet on ``grid``."""
        path = Path(path)
        if not path.exists():
            return cls(path=path, grille=check_grid(grid))
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CarnetError(f"Impossible de lire le carnet {path} : {exc}") from None
        return cls.from_json(content, path=path)

    @classmethod
    def from_json(cls, content: str | bytes, path: Path | None = None) -> Carnet:
        """A carnet from its JSON text; every trace is checked again (files may be edited by hand)."""
        name = path.name if path else "fichier reçu"
        try:
            raw = json.loads(content)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CarnetError(f"Le fichier {name} n'est pas un carnet lisible (JSON invalide : {exc}).") from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise CarnetError(f"Le fichier {name} n'est pas un carnet de compétences Atelier MG.")
        version = raw.get("version")
        if version not in READABLE_VERSIONS:
            raise CarnetError(f"Version de carnet non prise en charge : {version} (attendue : {VERSION}).")
        grid = raw.get("grille", LEGACY_GRID)
        try:
            check_grid(grid)
        except CarnetError as exc:
            raise CarnetError(f"Fichier {name} : {exc}") from None
        traces = []
        for i, t in enumerate(raw.get("traces", []), start=1):
            if not isinstance(t, dict):
                raise CarnetError(f"Trace n° {i} du fichier {name} illisible.")
            if version == 1 and t.get("stage") in LEGACY_RENAMED:
                t = {**t, "stage": LEGACY_RENAMED[t["stage"]]}
            try:
                traces.append(validate_trace(t, grid))
            except CarnetError as exc:
                raise CarnetError(f"Trace n° {i} du fichier {name} invalide. {exc}") from None
        evaluations = {}
        for rater, ev in (raw.get("evaluations") or {}).items():
            if rater not in RATERS or not isinstance(ev, dict):
                raise CarnetError(f"Évaluation « {rater} » inconnue dans le fichier {name}.")
            evaluations[rater] = {"date": ev.get("date", ""), "niveaux": validate_assessment(ev.get("niveaux") or {}, grid)}
        return cls(path=path, interne=str(raw.get("interne", "")), grille=grid, traces=traces, evaluations=evaluations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "interne": self.interne,
            "grille": self.grille,
            "traces": [t.to_dict() for t in self.traces],
            "evaluations": self.evaluations,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def save(self) -> None:
        """Write atomically; the previous file is kept as ``.bak``."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = self.to_json()
        fd, tmp = tempfile.mkstemp(prefix=".carnet-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            if self.path.exists():
                os.replace(self.path, self.path.with_name(self.path.name + ".bak"))
            os.replace(tmp, self.path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise CarnetError(f"Impossible d'enregistrer le carnet dans {self.path} : {exc}") from None

    def _commit(self, traces: list[Trace], evaluations: dict[str, dict[str, Any]]) -> None:
        """Apply a change only if it can be saved: on error the carnet keeps its previous state."""
        before = (self.traces, self.evaluations)
        self.traces, self.evaluations = traces, evaluations
        try:
            self.save()
        except CarnetError:
            self.traces, self.evaluations = before
            raise

    # -- changes ------------------------------------------------------------------------

    def add_trace(self, **values: Any) -> Trace:
        values = {k: v for k, v in values.items() if k not in ("id", "cree_le", "modifie_le")}
        trace = validate_trace(values, self.grille)
        self._commit([*self.traces, trace], self.evaluations)
        return trace

    def get(self, trace_id: str) -> Trace:
        for t in self.traces:
            if t.id == trace_id:
                return t
        raise CarnetError(f"Aucune trace n'a l'identifiant « {trace_id} ».")

    def update_trace(self, trace_id: str, **changes: Any) -> Trace:
        old = self.get(trace_id)
        values = {**old.to_dict(), **changes, "id": old.id, "cree_le": old.cree_le, "modifie_le": _now()}
        new = validate_trace(values, self.grille)
        self._commit([new if t.id == trace_id else t for t in self.traces], self.evaluations)
        return new

    def delete_trace(self, trace_id: str) -> None:
        self.get(trace_id)
        self._commit([t for t in self.traces if t.id != trace_id], self.evaluations)

    def set_assessment(self, rater: str, levels: dict[str, str | None], date: str | None = None) -> None:
        if rater not in RATERS:
            raise CarnetError(f"Évaluateur « {rater} » inconnu (choix : {', '.join(RATERS)}).")
        evaluations = {**self.evaluations, rater: {"date": date or dt.date.today().isoformat(),
                                                    "niveaux": validate_assessment(levels, self.grille)}}
        self._commit(list(self.traces), evaluations)

    def set_grid(self, grid: str) -> None:
        """Follow another competency grid; refused (French message, nothing changed) once competencies are recorded."""
        check_grid(grid)
        if grid == self.grille:
            return
        tagged = sum(1 for t in self.traces if t.competences)
        rated = sum(1 for ev in self.evaluations.values() if ev.get("niveaux"))
        if tagged or rated:
            raise CarnetError(
                f"Changement de grille refusé : ce carnet contient {tagged} trace(s) et {rated} évaluation(s) "
                f"codées sur la grille « {GRIDS[self.grille]} » ; les passer sur une autre grille ferait perdre "
                "leurs compétences. Le carnet n'a pas été modifié. Pour suivre l'autre grille, ouvrez un nouveau "
                "carnet (autre nom de fichier)."
            )
        old = self.grille
        self.grille = grid
        try:
            self.save()
        except CarnetError:
            self.grille = old
            raise

    def set_intern(self, name: str) -> None:
        old = self.interne
        self.interne = name.strip()
        try:
            self.save()
        except CarnetError:
            self.interne = old
            raise

    def copy_to(self, path: Path | None) -> Carnet:
        return replace(self, path=path, traces=list(self.traces), evaluations=dict(self.evaluations))
