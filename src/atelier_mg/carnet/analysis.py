"""Analyses du carnet (fonctions pures) : tableau des traces, grille de couverture, écarts d'évaluation."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..core import data
from .model import Carnet, labels, level_rank, referentials

SEMESTER_DAYS = 184  # a DES semester runs six months (November-April or May-October)


def traces_table(carnet: Carnet) -> pd.DataFrame:
    """The traces as a table with French headers (portfolio CSV export)."""
    fam, comp = labels("familles", "libelle_court"), labels("competences", "libelle_court", carnet.grille)
    lvl = labels("niveaux", "niveau")
    rows = [
        {
            "Identifiant": t.id,
            "Date": t.date,
            "Stage": t.stage,
            "Semestre": t.semestre,
            "Familles de situations": "; ".join(f"{c} {fam[c]}" for c in t.familles),
            "Compétences": "; ".join(f"{c} {comp[c]}" for c in t.competences),
            "Niveau atteint": lvl[t.niveau],
            "Récit": t.recit,
        }
        for t in sorted(carnet.traces, key=lambda t: (t.date, t.cree_le))
    ]
    columns = ["Identifiant", "Date", "Stage", "Semestre", "Familles de situations", "Compétences", "Niveau atteint", "Récit"]
    return pd.DataFrame(rows, columns=columns)


def coverage(carnet: Carnet) -> pd.DataFrame:
    """Families × competencies grid: number of traces tagged with both (zeros included)."""
    ref = referentials(carnet.grille)
    fams, comps = list(ref["familles"]["code"]), list(ref["competences"]["code"])
    grid = pd.DataFrame(0, index=pd.Index(fams, name="famille"), columns=pd.Index(comps, name="competence"))
    for t in carnet.traces:
        for f in t.familles:
            for c in t.competences:
                grid.loc[f, c] += 1
    return grid


def not_yet_met(grid: pd.DataFrame) -> dict[str, list[str]]:
    """Families and competencies with no trace at all."""
    return {
        "familles": [f for f in grid.index if grid.loc[f].sum() == 0],
        "competences": [c for c in grid.columns if grid[c].sum() == 0],
    }


def assessment_table(carnet: Carnet) -> pd.DataFrame:
    """One row per competency: self and MSU levels (codes and ranks) and their difference.

    Missing ratings are ``None`` (object columns), never NaN, so that callers can test them simply.
    """
    comps = referentials(carnet.grille)["competences"]
    auto = carnet.evaluations.get("auto", {}).get("niveaux", {})
    msu = carnet.evaluations.get("msu", {}).get("niveaux", {})
    rows = []
    for code, label in zip(comps["code"], comps["libelle_court"], strict=True):
        a, m = level_rank(auto.get(code)), level_rank(msu.get(code))
        rows.append({
            "code": code, "competence": label, "auto": auto.get(code), "msu": msu.get(code),
            "rang_auto": a, "rang_msu": m, "ecart": None if a is None or m is None else a - m,
        })
    return pd.DataFrame(rows, dtype=object)


def assessment_gaps(table: pd.DataFrame) -> list[str]:
    """French sentences for competencies where the two ratings differ or one is missing."""
    levels = labels("niveaux", "niveau")
    out = []
    for row in table.itertuples():
        if row.auto is None and row.msu is None:
            out.append(f"{row.competence} : pas encore évaluée.")
        elif row.auto is None:
            out.append(f"{row.competence} : pas d'auto-évaluation (MSU : {levels[row.msu]}).")
        elif row.msu is None:
            out.append(f"{row.competence} : pas encore évaluée par le MSU (interne : {levels[row.auto]}).")
        elif row.ecart > 0:
            out.append(
                f"{row.competence} : l'auto-évaluation de l'interne ({levels[row.auto]}) dépasse le niveau observé "
                f"par le MSU ({levels[row.msu]})."
            )
        elif row.ecart < 0:
            out.append(
                f"{row.competence} : l'auto-évaluation de l'interne ({levels[row.auto]}) est en deçà du niveau observé "
                f"par le MSU ({levels[row.msu]})."
            )
    return out


def _fr_date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def maquette_remarks(carnet: Carnet) -> list[str]:
    """French remarks when traces do not fit the 2023 maquette: a stage outside its semesters, semesters
    whose dates overlap or run backwards, a semester spread over more than six months. Nothing is refused:
    an intern under the 2017 maquette or with a dérogation may have good reasons."""
    maquette = data.load_table("maquette_des_mg_2023").set_index("libelle_carnet")
    out = []
    for t in sorted(carnet.traces, key=lambda t: t.date):
        if t.stage in maquette.index:
            low, high = (int(maquette.loc[t.stage, c]) for c in ("semestre_min", "semestre_max"))
            if not low <= t.semestre <= high:
                where = (f"au semestre {low}" if low == high else f"aux semestres {low} ou {high}" if high == low + 1
                         else f"aux semestres {low} à {high}")
                out.append(f"Trace du {_fr_date(t.date)} : « {t.stage} » est noté au semestre {t.semestre}, "
                           f"alors que la maquette de 2023 le place {where}.")
    spans: dict[int, tuple[str, str]] = {}
    for t in carnet.traces:
        first, last = spans.get(t.semestre, (t.date, t.date))
        spans[t.semestre] = (min(first, t.date), max(last, t.date))
    semesters = sorted(spans)
    for s in semesters:
        first, last = spans[s]
        if (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days > SEMESTER_DAYS:
            out.append(f"Les traces du semestre {s} s'étalent du {_fr_date(first)} au {_fr_date(last)}, "
                       "soit plus de six mois : vérifiez le numéro de semestre.")
    for s, t in zip(semesters, semesters[1:], strict=False):
        if spans[s][1] >= spans[t][0]:
            out.append(f"Le semestre {s} a une trace du {_fr_date(spans[s][1])}, postérieure à une trace du "
                       f"semestre {t} ({_fr_date(spans[t][0])}) : les semestres se chevauchent.")
    return out
