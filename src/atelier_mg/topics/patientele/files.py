"""Fichiers de patientèle d'un utilisateur (export pseudonymisé) : lecture, contrôle, écriture.

Two CSV files, ``patients`` and ``actes`` (columns described in :mod:`.model`). Every problem is
listed in French at once, and nothing is loaded when one file is wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd

from ...core import data
from .model import ACTS, RULES, Patientele, PatienteleError, split_list


def validate_tables(patients: pd.DataFrame, actes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check both tables (schemas, dates, unknown acts, unknown patients); all problems at once."""
    problems = []
    try:
        patients = data.validate(patients.astype({c: "str" for c in patients.columns if c != "identifiant"}, errors="ignore"),
                                 "patients", "patients")
    except data.DataError as exc:
        problems.append(str(exc))
    try:
        actes = data.validate(actes, "actes", "actes")
    except data.DataError as exc:
        problems.append(str(exc))
    if not problems:
        for column in ("date_naissance", "derniere_consultation"):
            for i, value in patients[column].items():
                if isinstance(value, str) and value:
                    try:
                        dt.date.fromisoformat(value)
                    except ValueError:
                        problems.append(f"patients, ligne {i + 2} : date « {value} » impossible ({column})")
        for i, value in actes["date"].items():
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                problems.append(f"actes, ligne {i + 2} : date « {value} » impossible")
        unknown_acts = sorted(set(actes["acte"]) - set(ACTS))
        if unknown_acts:
            problems.append(f"actes : type(s) d'acte inconnu(s) {', '.join(unknown_acts)} (connus : {', '.join(ACTS)})")
        orphans = sorted(set(actes["identifiant"]) - set(patients["identifiant"]))
        if orphans:
            problems.append(f"actes : identifiant(s) absent(s) du fichier patients : {', '.join(orphans[:10])}"
                            + (" …" if len(orphans) > 10 else ""))
        unknown_excl = sorted({e for v in patients["exclusions"] for e in split_list(v)} - set(RULES))
        if unknown_excl:
            problems.append(f"patients : exclusion(s) inconnue(s) {', '.join(unknown_excl)}")
    if problems:
        raise PatienteleError("Fichiers refusés, rien n'a été chargé :\n" + "\n".join(problems))
    return patients, actes


def read_csv_pair(patients_src, actes_src, reference: dt.date) -> Patientele:
    """Load a user's pseudonymised export (two CSV files or file-like objects); French error if malformed."""
    frames = []
    for label, src in (("patients", patients_src), ("actes", actes_src)):
        try:
            frames.append(pd.read_csv(src, dtype=str, keep_default_na=False, sep=None, engine="python"))
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
            raise PatienteleError(f"Fichiers refusés, rien n'a été chargé :\nfichier {label} illisible ({exc})") from None
    patients, actes = validate_tables(*frames)
    return Patientele(patients.reset_index(drop=True), actes.reset_index(drop=True), reference)


def write_csv_pair(pat: Patientele, folder: str | Path) -> tuple[Path, Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    p, a = folder / "patients.csv", folder / "actes.csv"
    pat.patients.to_csv(p, index=False)
    pat.actes.to_csv(a, index=False)
    return p, a
