"""Patientèle fictive tirée au sort (même graine, même patientèle), plausible pour la France.

Ages and sexes follow the French population (``data/population_france_2018``); ALD, treatments,
vaccinations and screenings follow the sourced or illustrative rates of ``data/parametres_patientele``.
Shared by the prevention dashboard, the polymedication (65 and over) and the sobriety simulators.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd

from ...core import data
from .model import (
    TREATMENTS,
    Patient,
    Patientele,
    PatienteleError,
    add_months,
    age_months,
    age_years,
    ald_list,
    campaign_start,
)


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
