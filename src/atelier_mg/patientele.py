"""Patientèle d'un médecin traitant : indicateurs de prévention (convention 2024), forfait médecin traitant 2026.

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
import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import data

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


def _split(value) -> list[str]:
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
            ald=frozenset(int(x) for x in _split(row.get("ald"))),
            c2s=row.get("c2s") == "oui",
            treatments=frozenset(_split(row.get("traitement"))),
            last_visit=dt.date.fromisoformat(last) if isinstance(last, str) and last else None,
            exclusions=frozenset(_split(row.get("exclusions"))),
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


# -- loading a user's export ----------------------------------------------------------------------

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
        unknown_excl = sorted({e for v in patients["exclusions"] for e in _split(v)} - set(RULES))
        if unknown_excl:
            problems.append(f"patients : exclusion(s) inconnue(s) {', '.join(unknown_excl)}")
    if problems:
        raise PatienteleError("Fichiers refusés, rien n'a été chargé :\n" + "\n".join(problems))
    return patients, actes


def read_csv_pair(patients_src, actes_src, reference: dt.date) -> Patientele:
    """Load a user's anonymised export (two CSV files or file-like objects); French error if malformed."""
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


# -- seeded synthetic patientèle ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def parameters() -> dict[str, float]:
    return data.mapping("parametres_patientele", "parametre", "valeur")


def generate(n: int = 1000, seed: int = 2026, reference: dt.date = dt.date(2026, 5, 15), min_age: int = 0) -> Patientele:
    """A plausible, entirely fictitious patientèle; the same seed always gives the same patientèle.

    ``min_age`` restricts it to people of at least that age (e.g. 65 for the polymedication simulator).
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 20_000:
        raise PatienteleError(f"Le nombre de patients doit être un entier entre 1 et 20 000 (reçu : {n}).")
    if isinstance(min_age, bool) or not isinstance(min_age, int) or not 0 <= min_age <= 100:
        raise PatienteleError(f"L'âge minimal doit être un entier entre 0 et 100 (reçu : {min_age}).")
    rng = np.random.default_rng(seed)
    prm = parameters()
    pop = data.load_table("population_france_2018")
    pop = pop[pop["age_max"] >= min_age].assign(age_min=lambda t: t["age_min"].clip(lower=min_age)).reset_index(drop=True)
    weights = np.concatenate([pop["hommes"].to_numpy(), pop["femmes"].to_numpy()]).astype(float)
    groups = rng.choice(len(weights), size=n, p=weights / weights.sum())
    ald_types = {int(k.removeprefix("ald_type_")): v for k, v in prm.items() if k.startswith("ald_type_")}
    ald_codes, ald_p = list(ald_types), np.array(list(ald_types.values()))
    ald_p = ald_p / ald_p.sum()

    def ald_rate(age: int) -> float:
        for key, lo, hi in (("ald_0_14", 0, 14), ("ald_15_44", 15, 44), ("ald_45_64", 45, 64),
                            ("ald_65_74", 65, 74), ("ald_75_79", 75, 79)):
            if lo <= age <= hi:
                return prm[key]
        return prm["ald_80_plus"]

    def day_between(start: dt.date, end: dt.date) -> dt.date:
        span = max((end - start).days, 0)
        return start + dt.timedelta(days=int(rng.integers(0, span + 1)))

    def at_age_months(birth: dt.date, months: int) -> dt.date:
        return add_months(birth, months) + dt.timedelta(days=int(rng.integers(0, 20)))

    ref = reference
    patients, actes = [], []
    for i, g in enumerate(groups):
        row = pop.iloc[g % len(pop)]
        sex = "M" if g < len(pop) else "F"
        age = int(rng.integers(row["age_min"], row["age_max"] + 1))
        birth = ref - dt.timedelta(days=int(age * 365.25 + rng.integers(0, 365)))
        age = age_years(birth, ref)
        ident = f"P{i + 1:05d}"
        ald: set[int] = set()
        if rng.random() < ald_rate(age):
            ald.add(int(rng.choice(ald_codes, p=ald_p)))
        treatments: set[str] = set()
        if 8 in ald or (age >= 40 and rng.random() < prm["diabete_traite"] * 0.6):
            treatments.add("diabete")
        if age >= 18 and rng.random() < prm["asthme_bpco_traite_adulte"]:
            treatments.add(str(rng.choice(["asthme", "bpco"])))
        seen = rng.random() < prm["vu_dans_2_ans"]
        last_visit = day_between(add_months(ref, -23), ref) if seen else day_between(add_months(ref, -60), add_months(ref, -25))
        if last_visit < birth:
            last_visit = day_between(birth, ref)
        exclusions = set()
        if sex == "F" and age >= 45 and rng.random() < prm["hysterectomie_45_plus"]:
            exclusions.add("doccu")
        if 50 <= age <= 74 and rng.random() < prm["exclusion_doccr"]:
            exclusions.add("doccr")
        p = Patient(ident, birth, sex, frozenset(ald), bool(rng.random() < prm["part_c2s"]), frozenset(treatments))

        def add(act: str, day: dt.date, birth: dt.date = birth, ident: str = ident) -> None:
            if birth <= day <= ref:
                actes.append({"identifiant": ident, "acte": act, "date": day.isoformat()})

        def recent_or_old(act: str, prob: float, months: int) -> None:
            """Up to date with probability ``prob``; otherwise an older act half of the time."""
            if rng.random() < prob:
                add(act, day_between(add_months(ref, -months) + dt.timedelta(days=1), ref))
            elif rng.random() < 0.5:
                add(act, day_between(add_months(ref, -3 * months), add_months(ref, -months)))

        at_risk = bool(ald & ald_list("grippe")) or bool(treatments & TREATMENTS)
        if age >= 65 or at_risk:
            flu = prm["grippe_65_plus"] if age >= 65 else prm["grippe_risque_moins_65"]
            if rng.random() < flu:
                add("vaccin_grippe", day_between(campaign_start(ref), min(ref, campaign_start(ref) + dt.timedelta(days=120))))
            if rng.random() < prm["covid_cible"]:
                add("vaccin_covid", day_between(campaign_start(ref), min(ref, campaign_start(ref) + dt.timedelta(days=120))))
        elif age >= 18 and rng.random() < 0.1:  # people outside the target population get vaccinated too
            add("vaccin_grippe", day_between(campaign_start(ref), ref))
        if age >= 18 and (bool(ald & ald_list("pneumocoque")) or bool(treatments & TREATMENTS)):
            if rng.random() < prm["pneumocoque_cible"]:
                add("vaccin_pneumocoque_20", day_between(dt.date(2023, 10, 1), ref))
        months = age_months(birth, ref)
        if months >= 12:
            if rng.random() < prm["ror_2_doses"]:
                add("vaccin_ror", at_age_months(birth, 12))
                add("vaccin_ror", at_age_months(birth, 16 + int(rng.integers(0, 3))))
            elif rng.random() < 0.5:
                add("vaccin_ror", at_age_months(birth, 12))
        if months >= 5 and rng.random() < prm["meningocoque_c_nourrisson"]:
            if birth >= dt.date(2025, 1, 1):  # MenACWY at 6 months in the 2025 schedule
                add("vaccin_meningocoque_acwy", at_age_months(birth, 6))
            else:
                add("vaccin_meningocoque_c", at_age_months(birth, 5))
        if age >= 11:
            hpv = prm["hpv_filles"] if sex == "F" else prm["hpv_garcons"]
            if rng.random() < hpv:
                add("vaccin_hpv", at_age_months(birth, 11 * 12 + int(rng.integers(0, 12))))
                add("vaccin_hpv", at_age_months(birth, 12 * 12 + int(rng.integers(0, 18))))
        if 50 <= age <= 74:
            recent_or_old("test_ccr", prm["participation_doccr"], 24)
            if sex == "F":
                recent_or_old("mammographie", prm["participation_docs"], 24)
        if sex == "F" and 25 <= age <= 65:
            if age < 30:
                recent_or_old("cytologie_col", prm["participation_doccu"], 36)
            else:
                recent_or_old("test_hpv_col", prm["participation_doccu"], 60)
        if age >= 45 and ald & ald_list("depistage_diabete") and "diabete" not in treatments:
            recent_or_old("glycemie_jeun", prm["depistage_diabete"], 36)
        if age >= 18 and ald & ald_list("depistage_mrc"):
            if rng.random() < prm["depistage_mrc"]:
                day = day_between(add_months(ref, -11), ref)
                for act in ("albuminurie", "creatininurie", "creatininemie"):
                    add(act, day)
            elif rng.random() < 0.6:  # creatinine alone: the common incomplete check
                add("creatininemie", day_between(add_months(ref, -11), ref))
        if "diabete" in treatments:
            draw = rng.random()
            if draw < prm["hba1c_2_par_an"]:
                add("hba1c", day_between(add_months(ref, -11), add_months(ref, -7)))
                add("hba1c", day_between(add_months(ref, -5), ref))
            elif draw < prm["hba1c_2_par_an"] + 0.3:
                add("hba1c", day_between(add_months(ref, -11), ref))
        if months >= 8 and rng.random() < prm["examen_9_mois"]:
            add("examen_9_mois", at_age_months(birth, 9))
        if months >= 22 and rng.random() < prm["examen_24_mois"]:
            add("examen_24_mois", at_age_months(birth, 24))
        if 3 <= age <= 24:
            recent_or_old("examen_buccodentaire", prm["buccodentaire"], 12)

        patients.append({
            "identifiant": ident, "date_naissance": birth.isoformat(), "sexe": sex,
            "ald": ";".join(str(a) for a in sorted(p.ald)), "c2s": "oui" if p.c2s else "non",
            "traitement": ";".join(sorted(treatments)), "derniere_consultation": last_visit.isoformat(),
            "exclusions": ";".join(sorted(exclusions)),
        })
    actes_df = pd.DataFrame(actes, columns=["identifiant", "acte", "date"])
    actes_df = actes_df.sort_values(["identifiant", "date", "acte"], kind="stable").reset_index(drop=True)
    return Patientele(pd.DataFrame(patients), actes_df, reference)
