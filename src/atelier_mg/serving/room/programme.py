"""Le programme d'une séance de DPC : des étapes dans l'ordre, écrites comme des données (``seances/<nom>.yaml``).

```yaml
titre: "Antibiotiques : tester avant de traiter"
duree_minutes: 75                       # 60 to 90 for a DPC session
objectifs: [Lire une stratégie « tester puis traiter » en fréquences naturelles, …]
etapes:
  - type: simulateur                    # the participants' page shows this simulator, at these settings
    tableau: tester_ou_traiter
    simulateur: 1                       # optional: the simulator's rank in the room file (1 by default)
    titre: Traiter tout le monde ?
    reglages:                           # Vega-Lite parameters of the simulator (its sliders): a value,
      n: 1000                           # or a cell of data/ (read when the room opens)
      prev: {jeu: tests_rapides, ligne: {code: angine_adulte}, colonne: prevalence}
    consigne: Faites varier la prévalence…
    duree_minutes: 10
  - type: question                      # opens one question of a room file to everyone
    tableau: tester_ou_traiter
    question: antibiotiques_test
    duree_minutes: 5
  - type: pause                         # a discussion, with its prompt
    titre: En petits groupes
    consigne: Racontez une situation où…
    duree_minutes: 10
```

The dashboards of the room are those the steps name. Every problem is reported in French, with the
step number, before the room opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import definition

KINDS = ("simulateur", "question", "pause")
MIN_MINUTES, MAX_MINUTES = 60, 90


class ProgrammeError(ValueError):
    """A programme file is missing or invalid (French message listing every problem)."""


@dataclass(frozen=True)
class Step:
    kind: str
    title: str
    prompt: str = ""
    minutes: float = 0.0
    dashboard: str = ""
    simulator: int = 0                     # 0-based rank in the room file
    settings: dict[str, Any] = field(default_factory=dict)
    question: str = ""

    def public(self, index: int, total: int, room_dashboards: dict[str, definition.RoomDashboard]) -> dict[str, Any]:
        """What every page (participant, facilitator, projection) needs to show the step."""
        out: dict[str, Any] = {"index": index, "total": total, "type": self.kind, "titre": self.title,
                               "consigne": self.prompt, "duree_minutes": self.minutes}
        if self.dashboard:
            out["tableau"] = self.dashboard
            out["tableau_titre"] = room_dashboards[self.dashboard].title
        if self.kind == "simulateur":
            out.update(simulateur=self.simulator, reglages=self.settings)
        if self.kind == "question":
            out["question"] = self.question
        return out


@dataclass(frozen=True)
class Programme:
    name: str
    title: str
    minutes: float
    objectives: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def dashboards(self) -> list[str]:
        """The room files the steps use, in their order of first use."""
        return list(dict.fromkeys(s.dashboard for s in self.steps if s.dashboard))


def _minutes(value: Any, where: str, problems: list[str]) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        problems.append(f"{where} : « duree_minutes » doit être un nombre de minutes positif")
        return 0.0
    return float(value)


def _step(raw: Any, where: str, dashboards_dir: Path, rooms: dict[str, definition.RoomDashboard],
          problems: list[str]) -> Step | None:
    if not isinstance(raw, dict):
        problems.append(f"{where} : une étape doit être un dictionnaire (type, titre, consigne…)")
        return None
    kind = raw.get("type")
    if kind not in KINDS:
        problems.append(f"{where} : type « {kind} » inconnu (choix : {', '.join(KINDS)})")
        return None
    minutes = _minutes(raw.get("duree_minutes"), where, problems)
    title, prompt = str(raw.get("titre") or ""), str(raw.get("consigne") or "")
    if kind == "pause":
        if not prompt:
            problems.append(f"{where} : une pause de discussion a besoin d'une « consigne »")
        return Step("pause", title or "Discussion", prompt, minutes)
    name = str(raw.get("tableau") or "")
    if not name:
        problems.append(f"{where} : champ « tableau » manquant (le tableau de bord de l'étape)")
        return None
    if name not in rooms:
        try:
            rooms[name] = definition.load(name, dashboards_dir)
        except definition.RoomDefinitionError as exc:
            problems.append(f"{where} : {exc}")
            return None
    room = rooms[name]
    if kind == "question":
        qid = str(raw.get("question") or "")
        try:
            question = room.question(qid)
        except KeyError:
            known = ", ".join(q.id for q in room.questions)
            problems.append(f"{where} : question « {qid} » absente de {name}.salle.yaml (questions : {known})")
            return None
        return Step("question", title or question.prompt, prompt, minutes, name, question=qid)
    rank = raw.get("simulateur", 1)
    if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= len(room.simulators):
        problems.append(f"{where} : « simulateur » doit être un rang entre 1 et {len(room.simulators)}")
        return None
    settings = raw.get("reglages") or {}
    if not isinstance(settings, dict):
        problems.append(f"{where} : « reglages » doit associer un nom de curseur à une valeur")
        return None
    sliders = room.simulators[rank - 1].sliders()
    settings = dict(settings)
    for key, value in settings.items():
        if isinstance(value, dict):  # a cell of data/: {jeu, ligne, colonne}, as for a question's answer
            try:
                value = settings[key] = definition.value_from_data(value, f"{where}, réglage « {key} »")[0]
            except definition.RoomDefinitionError as exc:
                problems.append(str(exc))
                continue
        if key not in sliders:
            problems.append(f"{where} : réglage « {key} » inconnu pour ce simulateur (réglages : {', '.join(sliders)})")
        elif not sliders[key](value):
            problems.append(f"{where} : valeur {value!r} hors des bornes du réglage « {key} »")
    return Step("simulateur", title or room.title, prompt, minutes, name, rank - 1, settings)


def load(path: Path, dashboards_dir: Path) -> Programme:
    """Read and check a programme; every problem is listed in French."""
    path = Path(path)
    if not path.is_file():
        raise ProgrammeError(f"Programme introuvable : {path}. Les programmes prêts sont dans le dossier seances/.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProgrammeError(f"{path.name} illisible : {exc}") from None
    if not isinstance(raw, dict):
        raise ProgrammeError(f"{path.name} : le fichier doit décrire un dictionnaire (titre, duree_minutes, etapes).")
    problems: list[str] = []
    if not raw.get("titre"):
        problems.append("champ « titre » manquant")
    raw_steps = raw.get("etapes")
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.append("champ « etapes » manquant : une liste d'étapes (simulateur, question, pause)")
        raw_steps = []
    rooms: dict[str, definition.RoomDashboard] = {}
    steps = [s for i, r in enumerate(raw_steps, 1) if (s := _step(r, f"étape {i}", dashboards_dir, rooms, problems))]
    minutes = _minutes(raw.get("duree_minutes"), "programme", problems)
    if raw.get("duree_minutes") is not None and not MIN_MINUTES <= minutes <= MAX_MINUTES:
        problems.append(f"durée annoncée de {minutes:g} minutes : une séance dure de {MIN_MINUTES} à {MAX_MINUTES} minutes")
    planned = sum(s.minutes for s in steps)
    if minutes and planned and abs(planned - minutes) > 5:
        problems.append(f"les étapes durent {planned:g} minutes au total pour {minutes:g} minutes annoncées")
    objectives = raw.get("objectifs") or []
    if not isinstance(objectives, list):
        problems.append("« objectifs » doit être une liste")
        objectives = []
    if problems:
        raise ProgrammeError(f"{path.name} invalide :\n- " + "\n- ".join(problems))
    return Programme(path.stem, str(raw["titre"]), minutes or planned, tuple(str(o) for o in objectives), tuple(steps))
