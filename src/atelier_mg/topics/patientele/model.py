"""Patientèle d'un médecin traitant : indicateurs de prévention (convention 2024), forfait médecin traitant 2026.

The model: who is concerned by each indicator and whether it is validated, the forfait category
of each patient, and the totals of a whole patientèle. Reading a user's files is in
:mod:`.files`, the seeded fictitious patientèle in :mod:`.generator`.

Two tables describe a patientèle (French column names, the same as the CSV files a user may load):

* ``patients``: identifiant, date_naissance, sexe (F/M), ald (ALD numbers separated by ";"),
  c2s (oui/non), traitement (diabete;asthme;bpco), derniere_consultation, exclusions (indicator codes);
* ``actes``: identifiant, acte (see :data:`ACTS`), date.

The eligibility rules of the fifteen prevention indicators are pure functions of one patient, his
acts and a reference date; the interpretations needed to make them computable are documented in
``data/indicateurs_prevention_2024`` (column ``interpretation``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from ...core import data

VALIDATED, NOT_VALIDATED, EXCLUDED, NOT_CONCERNED = "Validé", "Non validé", "Exclu", "Non concerné"
STATUSES = (VALIDATED, NOT_VALIDATED, EXCLUDED, NOT_CONCERNED)
TREATMENTS = frozenset({"diabete", "asthme", "bpco"})

ACTS = {
    "vaccin_grippe": "Vaccin contre la grippe",
    "vaccin_covid": "Vaccin contre le covid",
    "vaccin_pneumocoque_20": "Vaccin pneumococcique 20-valent",
    "vaccin_ror": "Vaccin ROR (une dose)",
    "vaccin_meningocoque_c": "Vaccin contre le méningocoque C (une dose)",
    "vaccin_meningocoque_acwy": "Vaccin contre les méningocoques ACWY (une dose)",
    "vaccin_hpv": "Vaccin HPV (une dose)",
    "test_ccr": "Test de recherche de sang dans les selles",
    "mammographie": "Mammographie de dépistage",
    "cytologie_col": "Cytologie cervico-utérine",
    "test_hpv_col": "Test HPV cervico-utérin",
    "glycemie_jeun": "Glycémie à jeun",
    "albuminurie": "Albuminurie",
    "creatininurie": "Créatininurie",
    "creatininemie": "Créatininémie",
    "hba1c": "Dosage de l'HbA1c",
    "examen_9_mois": "Examen obligatoire du 9e mois",
    "examen_24_mois": "Examen obligatoire du 24e mois",
    "examen_buccodentaire": "Examen bucco-dentaire",
}


class PatienteleError(ValueError):
    """Invalid patientèle data (French message listing every problem)."""


# -- dates and ages --------------------------------------------------------------------------

def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later (or earlier); clamped to the end of shorter months."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_years(birth: dt.date, on: dt.date) -> int:
    """Completed years (the birthday counts from its day; 29 February from 1 March in other years)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_months(birth: dt.date, on: dt.date) -> int:
    """Completed months."""
    return (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)


def within_months(dates: Iterable[dt.date], reference: dt.date, months: int) -> list[dt.date]:
    """Dates in the ``months`` calendar months up to ``reference`` (included), e.g. 24 for « tous les 2 ans »."""
    start = add_months(reference, -months)
    return [d for d in dates if start < d <= reference]


def campaign_start(reference: dt.date) -> dt.date:
    """1 October that opened the vaccination campaign under way on ``reference``."""
    return dt.date(reference.year if reference.month >= 10 else reference.year - 1, 10, 1)


# -- one patient ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Patient:
    identifiant: str
    birth: dt.date
    sex: str
    ald: frozenset[int] = frozenset()
    c2s: bool = False
    treatments: frozenset[str] = frozenset()
    last_visit: dt.date | None = None
    exclusions: frozenset[str] = frozenset()
    acts: dict[str, tuple[dt.date, ...]] = field(default_factory=dict)

    def dates(self, act: str, reference: dt.date) -> list[dt.date]:
        """Dates of an act up to the reference date (later acts are ignored)."""
        return [d for d in self.acts.get(act, ()) if d <= reference]


@lru_cache(maxsize=1)
def indicators() -> pd.DataFrame:
    return data.load_table("indicateurs_prevention_2024").sort_values("ordre").set_index("code")


def ald_list(code: str) -> frozenset[int]:
    value = indicators().loc[code, "ald_concernees"]
    if not isinstance(value, str) or not value:
        return frozenset()
    return frozenset(int(x) for x in value.split(";"))


def _status(concerned: bool, validated: bool, excluded: bool = False) -> str:
    if not concerned:
        return NOT_CONCERNED
    if excluded:
        return EXCLUDED
    return VALIDATED if validated else NOT_VALIDATED


def _seasonal(code: str, act: str) -> Callable[[Patient, dt.date], str]:
    def rule(p: Patient, ref: dt.date) -> str:
        concerned = age_years(p.birth, ref) >= 65 or bool(p.ald & ald_list(code)) or bool(p.treatments & TREATMENTS)
        start = campaign_start(ref)
        return _status(concerned, any(start <= d for d in p.dates(act, ref)))
    return rule


def _pneumococcus(p: Patient, ref: dt.date) -> str:
    concerned = age_years(p.birth, ref) >= 18 and (bool(p.ald & ald_list("pneumocoque")) or bool(p.treatments & TREATMENTS))
    return _status(concerned, bool(p.dates("vaccin_pneumocoque_20", ref)))


def _child_doses(acts: tuple[str, ...], months: tuple[int, int], max_age_months: int, doses: int):
    """Children of an age window who received enough doses of any of ``acts`` before an age."""
    def rule(p: Patient, ref: dt.date) -> str:
        concerned = months[0] <= age_months(p.birth, ref) <= months[1]
        given = [d for act in acts for d in p.dates(act, ref) if age_months(p.birth, d) <= max_age_months]
        return _status(concerned, len(given) >= doses)
    return rule


def _hpv(p: Patient, ref: dt.date) -> str:
    concerned = 11 <= age_years(p.birth, ref) <= 15
    given = [d for d in p.dates("vaccin_hpv", ref) if 10 <= age_years(p.birth, d) <= 14]
    return _status(concerned, len(given) >= 2)


def _cancer_screening(code: str, act: str, sexes: str, ages: tuple[int, int], months: int):
    def rule(p: Patient, ref: dt.date) -> str:
        concerned = p.sex in sexes and ages[0] <= age_years(p.birth, ref) <= ages[1]
        return _status(concerned, bool(within_months(p.dates(act, ref), ref, months)), code in p.exclusions)
    return rule


def _cervical(p: Patient, ref: dt.date) -> str:
    age = age_years(p.birth, ref)
    concerned = p.sex == "F" and 25 <= age <= 65
    cytology = within_months(p.dates("cytologie_col", ref), ref, 36)
    hpv = within_months(p.dates("test_hpv_col", ref), ref, 60)
    if age < 30:
        validated = bool(cytology)  # before 30, cytology only (source 003 l. 196)
    else:
        validated = bool(hpv or cytology)
    return _status(concerned, validated, "doccu" in p.exclusions)


def _diabetes_screening(p: Patient, ref: dt.date) -> str:
    known_diabetes = 8 in p.ald or "diabete" in p.treatments
    concerned = age_years(p.birth, ref) >= 45 and bool(p.ald & ald_list("depistage_diabete")) and not known_diabetes
    return _status(concerned, bool(within_months(p.dates("glycemie_jeun", ref), ref, 36)))


def _ckd_screening(p: Patient, ref: dt.date) -> str:
    concerned = age_years(p.birth, ref) >= 18 and bool(p.ald & ald_list("depistage_mrc"))
    tests = ("albuminurie", "creatininurie", "creatininemie")
    return _status(concerned, all(within_months(p.dates(t, ref), ref, 12) for t in tests))


def _hba1c(p: Patient, ref: dt.date) -> str:
    concerned = 8 in p.ald or "diabete" in p.treatments
    year = within_months(p.dates("hba1c", ref), ref, 12)
    return _status(concerned, len(year) >= 2 and bool(within_months(year, ref, 6)))


def _child_exam(act: str, population: tuple[int, int], window: tuple[int, int]):
    def rule(p: Patient, ref: dt.date) -> str:
        concerned = population[0] <= age_months(p.birth, ref) <= population[1]
        done = [d for d in p.dates(act, ref) if window[0] <= age_months(p.birth, d) <= window[1]]
        return _status(concerned, bool(done))
    return rule


def _dental(p: Patient, ref: dt.date) -> str:
    concerned = 3 <= age_years(p.birth, ref) <= 24
    return _status(concerned, bool(within_months(p.dates("examen_buccodentaire", ref), ref, 12)))


RULES: dict[str, Callable[[Patient, dt.date], str]] = {
    "grippe": _seasonal("grippe", "vaccin_grippe"),
    "covid": _seasonal("covid", "vaccin_covid"),
    "pneumocoque": _pneumococcus,
    "ror": _child_doses(("vaccin_ror",), (16, 35), 24, 2),
    # The C valence is also in the MenACWY vaccine that replaced MenC for infants in 2025.
    "meningocoque_c": _child_doses(("vaccin_meningocoque_c", "vaccin_meningocoque_acwy"), (5, 23), 12, 1),
    "hpv": _hpv,
    "doccr": _cancer_screening("doccr", "test_ccr", "FM", (50, 74), 24),
    "docs": _cancer_screening("docs", "mammographie", "F", (50, 74), 24),
    "doccu": _cervical,
    "depistage_diabete": _diabetes_screening,
    "depistage_mrc": _ckd_screening,
    "hba1c": _hba1c,
    "examen_9_mois": _child_exam("examen_9_mois", (8, 21), (8, 10)),
    "examen_24_mois": _child_exam("examen_24_mois", (22, 37), (22, 26)),
    "buccodentaire": _dental,
}


def indicator_status(code: str, patient: Patient, reference: dt.date) -> str:
    """Status of one patient for one indicator on the reference date."""
    if code not in RULES:
        raise PatienteleError(f"Indicateur « {code} » inconnu (choix : {', '.join(RULES)}).")
    return RULES[code](patient, reference)


# -- forfait médecin traitant ------------------------------------------------------------------

@lru_cache(maxsize=1)
def forfait_table() -> pd.DataFrame:
    return data.load_table("forfait_medecin_traitant_2026").sort_values("priorite").set_index("code")


def forfait_category(p: Patient, reference: dt.date) -> str:
    """Category of the 2026 forfait médecin traitant (exclusive, by priority; see the dataset's metadata)."""
    if p.last_visit is None or p.last_visit <= add_months(reference, -24):
        return "non_vu_2_ans"
    age = age_years(p.birth, reference)
    if p.ald and age >= 80:
        return "ald_80_plus"
    if age >= 80:
        return "age_80_plus"
    if p.ald:
        return "ald_0_79"
    if age >= 75:
        return "age_75_79"
    if age >= 7:
        return "age_7_74"
    return "age_0_6"


def forfait_amount(p: Patient, reference: dt.date) -> float:
    row = forfait_table().loc[forfait_category(p, reference)]
    return float(row["montant_c2s_eur"] if p.c2s else row["montant_eur"])


# -- whole patientèle ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Patientele:
    patients: pd.DataFrame
    actes: pd.DataFrame
    reference: dt.date

    def people(self) -> list[Patient]:
        return to_patients(self.patients, self.actes)


def split_list(value) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return []
    return [v.strip() for v in value.split(";") if v.strip()]


def to_patients(patients: pd.DataFrame, actes: pd.DataFrame) -> list[Patient]:
    acts: dict[str, dict[str, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
    for ident, act, day in zip(actes["identifiant"], actes["acte"], actes["date"], strict=True):
        acts[ident][act].append(dt.date.fromisoformat(day))
    people = []
    for row in patients.to_dict("records"):
        last = row.get("derniere_consultation")
        people.append(Patient(
            identifiant=row["identifiant"],
            birth=dt.date.fromisoformat(row["date_naissance"]),
            sex=row["sexe"],
            ald=frozenset(int(x) for x in split_list(row.get("ald"))),
            c2s=row.get("c2s") == "oui",
            treatments=frozenset(split_list(row.get("traitement"))),
            last_visit=dt.date.fromisoformat(last) if isinstance(last, str) and last else None,
            exclusions=frozenset(split_list(row.get("exclusions"))),
            acts={k: tuple(sorted(v)) for k, v in acts[row["identifiant"]].items()},
        ))
    return people


def status_table(pat: Patientele) -> pd.DataFrame:
    """One row per patient: age, sex, ALD, C2S, forfait and the status of each indicator."""
    rows = []
    ref = pat.reference
    for p in pat.people():
        row = {
            "Identifiant": p.identifiant,
            "Âge": age_years(p.birth, ref),
            "Sexe": p.sex,
            "ALD": ";".join(str(a) for a in sorted(p.ald)),
            "C2S": "oui" if p.c2s else "non",
            "Forfait MT (€)": forfait_amount(p, ref),
        }
        for code in RULES:
            row[code] = indicator_status(code, p, ref)
        rows.append(row)
    return pd.DataFrame(rows)


def summary(status: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: patients concerned, validated, not validated, excluded, rate and amount earned."""
    table = indicators()
    rows = []
    for code in RULES:
        counts = status[code].value_counts()
        concerned = int(counts.get(VALIDATED, 0) + counts.get(NOT_VALIDATED, 0) + counts.get(EXCLUDED, 0))
        validated = int(counts.get(VALIDATED, 0))
        eligible = concerned - int(counts.get(EXCLUDED, 0))
        rows.append({
            "Indicateur": table.loc[code, "indicateur"],
            "Thème": table.loc[code, "theme"],
            "Concernés": concerned,
            "Validés": validated,
            "Non validés": int(counts.get(NOT_VALIDATED, 0)),
            "Exclus": int(counts.get(EXCLUDED, 0)),
            "Taux de validation": validated / eligible if eligible else None,
            "Majoration (€)": validated * float(table.loc[code, "montant_eur"]),
        })
    return pd.DataFrame(rows, index=pd.Index(list(RULES), name="code"))


def totals(status: pd.DataFrame) -> dict[str, float]:
    """Annual amounts for the patientèle: forfait médecin traitant and majoration prévention."""
    majoration = float(summary(status)["Majoration (€)"].sum())
    forfait = float(status["Forfait MT (€)"].sum())
    return {"patients": len(status), "forfait_mt": forfait, "majoration_prevention": majoration,
            "total": forfait + majoration}
