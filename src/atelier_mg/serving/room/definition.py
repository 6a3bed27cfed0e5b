"""Ce qu'une salle propose pour un tableau de bord : ses simulateurs sans noyau et ses questions.

Each room-capable dashboard has a file ``dashboards/<name>.salle.yaml`` next to its notebook:

```yaml
titre: Écologie des soins
chapitre: book/ecologie            # page of the book, for the « lire le chapitre » link
simulateurs:                       # the book's kernel-free simulators (Vega-Lite parameters)
  - appel: atelier_mg.topics.ecology:chart
    parametres: {dataset: ecologie_laporte_2024, interactive: true}
    parametres_ecran_etroit: {stacked: true}   # optional: the layout for phones
questions:
  - id: mg_par_mois
    type: nombre                   # choix_unique, choix_multiples, nombre, vignette
    enonce: Sur 1 000 personnes, combien consultent un médecin généraliste dans le mois ?
    reponse: {jeu: ecologie_laporte_2024, ligne: {code: gp}, colonne: pour_1000_min}
    tolerance: 15
    explication: …
```

A numeric answer may name a cell of ``data/`` instead of a number: it is then read from the dataset,
and the dataset's citation becomes the question's source. The simulators are called by name, so
that the same chart function serves the book, the dashboard and the room.
"""

from __future__ import annotations

import importlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ...core import data

KINDS = {
    "choix_unique": "une seule réponse",
    "choix_multiples": "plusieurs réponses possibles",
    "nombre": "un nombre",
    "vignette": "classer une vignette",
}
SUFFIX = ".salle.yaml"
_ID = re.compile(r"^[a-z0-9_]{1,40}$")


class RoomDefinitionError(ValueError):
    """A room file is missing or invalid (French message naming the file and every problem)."""


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    prompt: str
    explanation: str
    answer: Any  # str (choix_unique, vignette), tuple[str, ...] (choix_multiples), float (nombre)
    choices: tuple[str, ...] = ()
    vignette: str = ""
    unit: str = ""
    tolerance: float = 0.0
    minimum: float | None = None
    maximum: float | None = None
    source: str = ""

    def public(self) -> dict[str, Any]:
        """What a participant may see before the answer is revealed."""
        out = {"id": self.id, "type": self.kind, "enonce": self.prompt, "consigne": KINDS[self.kind]}
        if self.choices:
            out["choix"] = list(self.choices)
        if self.vignette:
            out["vignette"] = self.vignette
        if self.kind == "nombre":
            out.update(unite=self.unit, minimum=self.minimum, maximum=self.maximum)
        return out

    def revealed(self) -> dict[str, Any]:
        """The expected answer and its explanation (after the facilitator reveals them)."""
        answer = list(self.answer) if isinstance(self.answer, tuple) else self.answer
        return {"reponse": answer, "explication": self.explanation, "source": self.source,
                "tolerance": self.tolerance if self.kind == "nombre" else None}

    def check(self, value: Any) -> Any:
        """A participant's answer, normalised; :class:`ValueError` (French) if it is not acceptable."""
        if self.kind in ("choix_unique", "vignette"):
            if not isinstance(value, str) or value not in self.choices:
                raise ValueError("Choisissez une des réponses proposées.")
            return value
        if self.kind == "choix_multiples":
            if not isinstance(value, list) or not value or any(v not in self.choices for v in value):
                raise ValueError("Cochez au moins une des réponses proposées.")
            return sorted(set(value), key=self.choices.index)
        if isinstance(value, str):
            value = value.replace("\u202f", "").replace(" ", "").replace(",", ".")
            try:
                value = float(value)
            except ValueError:
                raise ValueError("Entrez un nombre (par exemple 235 ou 12,5).") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError("Entrez un nombre (par exemple 235 ou 12,5).")
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            raise ValueError(f"Entrez un nombre entre {_fmt(self.minimum)} et {_fmt(self.maximum)}.")
        return float(value)

    def is_correct(self, value: Any) -> bool:
        if self.kind == "nombre":
            return abs(float(value) - float(self.answer)) <= self.tolerance
        if self.kind == "choix_multiples":
            return tuple(value) == self.answer
        return value == self.answer


@dataclass(frozen=True)
class Simulator:
    call: str  # "package.module:function"
    parameters: dict[str, Any] = field(default_factory=dict)
    narrow: dict[str, Any] = field(default_factory=dict)  # overrides for phones (``parametres_ecran_etroit``)
    _specs: dict[bool, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)

    def spec(self, narrow: bool = False) -> dict[str, Any]:
        """The Vega-Lite spec of the simulator, as the book shows it (computed in the page).

        A parameter written ``{appel: module:fonction, parametres: {…}}`` is built by that call first
        (``screening.preset_scenario("population_generale")``, as the book passes it).
        """
        if narrow not in self._specs:
            parameters = {k: _built(v) for k, v in {**self.parameters, **(self.narrow if narrow else {})}.items()}
            self._specs[narrow] = _function(self.call)(**parameters).to_dict()
        return self._specs[narrow]

    def sliders(self) -> dict[str, Any]:
        """The simulator's settings a programme may give: name → check of a value (bounds, options)."""
        out = {}
        for param in self.spec().get("params", []):
            bind = param.get("bind")
            if not isinstance(bind, dict) or "name" not in param:
                continue
            if bind.get("input") == "range":
                lo, hi = bind.get("min", float("-inf")), bind.get("max", float("inf"))
                out[param["name"]] = (lambda v, lo=lo, hi=hi: not isinstance(v, bool) and isinstance(v, (int, float))
                                      and lo <= v <= hi)
            elif "options" in bind:
                out[param["name"]] = lambda v, options=tuple(bind["options"]): v in options
            elif bind.get("input") == "checkbox":
                out[param["name"]] = lambda v: isinstance(v, bool)
        return out


def _function(call: str):
    module, _, name = call.partition(":")
    return getattr(importlib.import_module(module), name)


def _is_call(value: Any) -> bool:
    return isinstance(value, dict) and "appel" in value and set(value) <= {"appel", "parametres"}


def _built(value: Any) -> Any:
    if _is_call(value):
        return _function(str(value["appel"]))(**{k: _built(v) for k, v in (value.get("parametres") or {}).items()})
    return value


def _check_call(call: Any, where: str, problems: list[str]) -> bool:
    """Only the book's own functions (``atelier_mg.…``) may be named, as ``module:fonction``."""
    module, _, name = str(call).partition(":")
    if not name or not module.startswith("atelier_mg."):
        problems.append(f"{where} : « appel » doit être de la forme module:fonction, dans le paquet atelier_mg")
        return False
    try:
        if not callable(getattr(importlib.import_module(module), name, None)):
            problems.append(f"{where} : fonction « {name} » introuvable dans {module}")
            return False
    except ImportError:
        problems.append(f"{where} : module « {module} » introuvable")
        return False
    return True


@dataclass(frozen=True)
class RoomDashboard:
    name: str
    title: str
    chapter: str
    simulators: tuple[Simulator, ...]
    questions: tuple[Question, ...]

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:g}".replace(".", ",")


def value_from_data(ref: dict[str, Any], where: str) -> tuple[float, str]:
    try:
        ds = data.load(ref["jeu"])
        table = ds.table
        for column, value in ref.get("ligne", {}).items():
            table = table[table[column] == value]
        if len(table) != 1:
            raise RoomDefinitionError(f"{where} : la ligne {ref.get('ligne')} de « {ref['jeu']} » n'est pas unique.")
        return float(table.iloc[0][ref["colonne"]]), ds.citation
    except (KeyError, data.DataError) as exc:
        raise RoomDefinitionError(f"{where} : réponse introuvable dans les données ({exc}).") from None


def _question(raw: Any, where: str, problems: list[str]) -> Question | None:
    if not isinstance(raw, dict):
        problems.append(f"{where} : une question doit être un dictionnaire (id, type, enonce…)")
        return None
    missing = [k for k in ("id", "type", "enonce", "reponse", "explication") if raw.get(k) in (None, "")]
    if missing:
        problems.append(f"{where} : champ(s) manquant(s) {', '.join(missing)}")
        return None
    qid, kind = str(raw["id"]), raw["type"]
    where = f"{where} « {qid} »"
    if not _ID.match(qid):
        problems.append(f"{where} : identifiant invalide (minuscules, chiffres et « _ »)")
    if kind not in KINDS:
        problems.append(f"{where} : type « {kind} » inconnu (choix : {', '.join(KINDS)})")
        return None
    choices = tuple(str(c) for c in raw.get("choix") or ())
    answer, source = raw["reponse"], str(raw.get("source", ""))
    if kind == "nombre":
        if isinstance(answer, dict):
            try:
                answer, source = value_from_data(answer, where)
            except RoomDefinitionError as exc:
                problems.append(str(exc))
                return None
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            problems.append(f"{where} : la réponse doit être un nombre ou une cellule de data/")
            return None
        answer = float(answer)
    else:
        if len(choices) < 2:
            problems.append(f"{where} : il faut au moins deux choix")
            return None
        expected = tuple(str(a) for a in answer) if isinstance(answer, list) else (str(answer),)
        unknown = [a for a in expected if a not in choices]
        if unknown:
            problems.append(f"{where} : réponse(s) absente(s) des choix : {', '.join(unknown)}")
            return None
        if kind != "choix_multiples" and len(expected) != 1:
            problems.append(f"{where} : une seule réponse attendue pour le type {kind}")
            return None
        answer = tuple(sorted(expected, key=choices.index)) if kind == "choix_multiples" else expected[0]
    if kind == "vignette" and not raw.get("vignette"):
        problems.append(f"{where} : le texte de la vignette manque")
    return Question(
        id=qid, kind=kind, prompt=str(raw["enonce"]), explanation=str(raw["explication"]), answer=answer,
        choices=choices, vignette=str(raw.get("vignette", "")), unit=str(raw.get("unite", "")),
        tolerance=float(raw.get("tolerance", 0) or 0), minimum=raw.get("minimum"), maximum=raw.get("maximum"),
        source=source,
    )


def load(name: str, folder: Path) -> RoomDashboard:
    """Read and check ``<folder>/<name>.salle.yaml``; every problem is listed in French."""
    path = folder / f"{name}{SUFFIX}"
    if not path.is_file():
        known = ", ".join(available(folder)) or "aucun"
        raise RoomDefinitionError(
            f"Le tableau de bord « {name} » n'a pas de version pour une salle ({path.name} absent). "
            f"Tableaux de bord disponibles pour une salle : {known}."
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RoomDefinitionError(f"{path.name} illisible : {exc}") from None
    if not isinstance(raw, dict):
        raise RoomDefinitionError(f"{path.name} : le fichier doit décrire un dictionnaire (titre, simulateurs, questions).")
    problems: list[str] = []
    for key in ("titre", "chapitre", "simulateurs"):
        if not raw.get(key):
            problems.append(f"champ « {key} » manquant")
    simulators = []
    for i, sim in enumerate(raw.get("simulateurs") or (), 1):
        if not isinstance(sim, dict) or not _check_call(sim.get("appel", ""), f"simulateur {i}", problems):
            continue
        nested = [v for v in {**(sim.get("parametres") or {}), **(sim.get("parametres_ecran_etroit") or {})}.values()
                  if _is_call(v)]
        if not all([_check_call(v["appel"], f"simulateur {i}, paramètre construit", problems) for v in nested]):
            continue
        simulators.append(Simulator(str(sim["appel"]), dict(sim.get("parametres") or {}),
                                    dict(sim.get("parametres_ecran_etroit") or {})))
    questions = [q for i, raw_q in enumerate(raw.get("questions") or (), 1)
                 if (q := _question(raw_q, f"question {i}", problems)) is not None]
    ids = [q.id for q in questions]
    problems += [f"identifiant de question en double : {qid}" for qid in sorted({i for i in ids if ids.count(i) > 1})]
    if problems:
        raise RoomDefinitionError(f"{path.name} invalide :\n- " + "\n- ".join(problems))
    return RoomDashboard(name, str(raw["titre"]), str(raw["chapitre"]), tuple(simulators), tuple(questions))


def available(folder: Path) -> list[str]:
    """Dashboards of ``folder`` that have a room file."""
    return sorted(p.name.removesuffix(SUFFIX) for p in folder.glob(f"*{SUFFIX}"))
