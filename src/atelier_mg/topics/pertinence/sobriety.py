"""Indicateur de sobriété des prescriptions : standardisation indirecte, distribution, bonus.

The indicator (Cnam, 2024 convention, art. 66-69) is observed / expected, where the expected amount
applies the national mean amount of each stratum (age band, sex, ALD, C2S) to the practice's
patients (indirect standardisation; the Cnam may use another adjustment, the public texts do not
say). The bonus rules come from ``data/dispositif_sobriete_2024`` (amounts, thresholds) and
``data/regles_sobriete`` (status of each rule: official text, Cnam slide, press, not settled, or
an assumption of the book, always shown to the user). No rule is hard-coded here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ...core import data
from ...core.schemas import AGE_BANDS
from ..patientele import model as patientele

KEYS = ["tranche_age", "sexe", "ald", "c2s"]
OPEN_BAND = AGE_BANDS[-1]  # « 75+ »: the open upper age band


class SobrietyError(ValueError):
    """Invalid input (French message)."""


@lru_cache(maxsize=1)
def national_rates() -> pd.DataFrame:
    return data.load_table("taux_nationaux_sobriete")


@lru_cache(maxsize=1)
def bonus_rules() -> dict[str, float]:
    """Every numeric parameter of the scheme, keyed by ``parametre``."""
    return data.mapping("dispositif_sobriete_2024", "parametre", "valeur")


@lru_cache(maxsize=1)
def rule_statuses() -> pd.DataFrame:
    """The rules in words, each with its status (official text, Cnam slide, press, not settled, assumption)."""
    return data.load_table("regles_sobriete")


@lru_cache(maxsize=1)
def illustrations() -> dict[str, float]:
    """Illustrative values the chapter uses for its worked examples (labelled as such in their dataset)."""
    return data.mapping("illustrations_sobriete", "parametre", "valeur")


def age_band(age: int) -> str:
    for band, hi in zip(AGE_BANDS, (15, 44, 64, 74, 200), strict=True):
        if 0 <= age <= hi:
            return band
    raise SobrietyError(f"Âge invalide : {age}.")


def expected(practice: pd.DataFrame, rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Practice strata with the national rate and the expected amount (patients × national rate).

    ``practice`` has the columns of the ``pratique_strates`` schema; a stratum missing from the
    national table is an error (in French).
    """
    practice = data.validate(practice, "pratique_strates", "patientèle du médecin")
    rates = national_rates() if rates is None else rates
    merged = practice.merge(rates, on=KEYS, how="left", validate="one_to_one")
    missing = merged[merged["montant_moyen_eur"].isna()]
    if len(missing):
        first = missing.iloc[0]
        raise SobrietyError(f"Strate sans taux national : {first['tranche_age']}, {first['sexe']}, ALD {first['ald']}, "
                            f"C2S {first['c2s']}.")
    merged["montant_attendu_eur"] = merged["patients"] * merged["montant_moyen_eur"]
    return merged


@dataclass(frozen=True)
class Indicator:
    observed: float
    expected: float
    patients: int

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected > 0 else float("nan")


def indicator(practice: pd.DataFrame, rates: pd.DataFrame | None = None) -> Indicator:
    table = expected(practice, rates)
    return Indicator(float(table["montant_observe_eur"].sum()), float(table["montant_attendu_eur"].sum()),
                     int(table["patients"].sum()))


def national_distribution(n_doctors: int = 2000, seed: int = 2024, spread: float | None = None) -> np.ndarray:
    """Simulated ratios of the country's GPs (log-normal around 1; illustrative, the real ones are not published).

    ``spread`` (standard deviation of the log-ratio) defaults to ``dispersion_ratios_simules`` of
    data/illustrations_sobriete, shown in the chapter: the bonus threshold depends on it.
    """
    spread = illustrations()["dispersion_ratios_simules"] if spread is None else spread
    return np.exp(np.random.default_rng(seed).normal(0.0, spread, size=n_doctors))


def percentile(ratio: float, distribution: np.ndarray) -> float:
    """Share of doctors whose ratio is lower than ``ratio`` (0 = most sober)."""
    return float((distribution < ratio).mean())


def level_threshold(distribution: np.ndarray, share_percent: float | None = None) -> float:
    """Ratio below which a doctor is among the ``share_percent`` % lowest ratios (30 % by the rules)."""
    share = bonus_rules()["part_beneficiaires_niveau"] if share_percent is None else share_percent
    if not 0 < share < 100:
        raise SobrietyError(f"La part de bénéficiaires doit être comprise entre 0 et 100 % (reçu : {share}).")
    return float(np.quantile(distribution, share / 100))


def weighting(patientele_mt: float, mean_patientele: float | None = None) -> float:
    """Weighting coefficient of the level bonus: the doctor's patientèle médecin traitant / the mean one.

    The Cnam's mean for the year of calculation is not published: by default the book takes the 2022
    mean (a visible, labelled assumption; see ``regles_sobriete``).
    """
    mean = bonus_rules()["patientele_mt_moyenne_2022"] if mean_patientele is None else mean_patientele
    if patientele_mt < 0 or mean <= 0:
        raise SobrietyError(f"Patientèle invalide : {patientele_mt} patients pour une moyenne de {mean}.")
    return patientele_mt / mean


def relative_fall(ratio: float, previous_ratio: float | None) -> float | None:
    """Fall of the ratio since the previous year, as a fraction (0.12 = −12 %); None without a previous ratio."""
    if previous_ratio is None or previous_ratio <= 0:
        return None
    return round((previous_ratio - ratio) / previous_ratio, 12)


def bonuses(ratio: float, previous_ratio: float | None, patientele_mt: int, distribution: np.ndarray,
            cumulative: bool = False, mean_patientele: float | None = None) -> dict[str, float | bool | None]:
    """The two bonuses of the scheme, as the public texts state them.

    Level bonus (Cnam slide, source 003 l. 389, 400-401): doctors among the 30 % lowest ratios receive
    1,000 € × their patientèle médecin traitant / the mean patientèle. Evolution bonus (l. 394): 1,000 € when
    the ratio fell by *more than* 10 %; its weighting is not stated (paid unweighted here). Whether the two
    add up is not written in the public texts: by default they do not (the Cnam's reading reported by the
    press, January 2025); ``cumulative=True`` shows the other reading.
    """
    rules = bonus_rules()
    threshold = level_threshold(distribution)
    coefficient = weighting(patientele_mt, mean_patientele)
    in_level_group = bool(ratio <= threshold)
    level = rules["bonus_niveau_eur"] * coefficient if in_level_group else 0.0
    fall = relative_fall(ratio, previous_ratio)
    fell_enough = fall is not None and fall > rules["baisse_minimale_evolution"] / 100
    trend = rules["bonus_evolution_eur"] if fell_enough and (cumulative or not in_level_group) else 0.0
    return {"seuil_30_pourcent": threshold, "coefficient": coefficient, "groupe_niveau": in_level_group,
            "baisse": fall, "baisse_suffisante": fell_enough, "bonus_niveau": level, "bonus_evolution": trend,
            "total": level + trend}


def outlier_shift(annual_cost_eur: float, expected_eur: float, patients: int = 1) -> float:
    """Change in the ratio (in ratio units, 0.01 = one point) caused by ``patients`` extra patients on one drug.

    The patients are already in the practice (their stratum's expected amount is unchanged); only the
    observed amount rises by ``patients × annual_cost_eur``.
    """
    if expected_eur <= 0 or annual_cost_eur < 0 or patients < 0:
        raise SobrietyError("Le montant attendu doit être positif, le coût et le nombre de patients positifs ou nuls.")
    return patients * annual_cost_eur / expected_eur


def age_within_open_band(practice: pd.DataFrame, extra_cost: float) -> pd.DataFrame:
    """The practice whose patients of the open upper band (75+) cost ``extra_cost`` (0.2 = +20 %) more.

    Ageing inside the open band (a practice whose 75+ patients move from 76 to 90 years) raises their
    observed amounts, while the expected amount uses the band's single national mean: this is the classic
    limit of indirect standardisation with an open band.
    """
    if not -0.5 <= extra_cost <= 2:
        raise SobrietyError(f"Le surcoût des {OPEN_BAND} doit être compris entre −50 % et +200 % (reçu : {extra_cost}).")
    aged = practice.copy()
    in_band = aged["tranche_age"] == OPEN_BAND
    aged.loc[in_band, "montant_observe_eur"] = aged.loc[in_band, "montant_observe_eur"] * (1 + extra_cost)
    return aged


def strata(pat: patientele.Patientele, seed: int = 0) -> pd.DataFrame:
    """Strata of a (fictitious) patientèle: patients, national mean amount and the practice's random deviation."""
    status = patientele.status_table(pat)
    keys = pd.DataFrame({
        "tranche_age": [age_band(a) for a in status["Âge"]],
        "sexe": status["Sexe"],
        "ald": np.where(status["ALD"] != "", "oui", "non"),
        "c2s": status["C2S"],
    })
    counts = keys.value_counts().rename("patients").reset_index()
    merged = counts.merge(national_rates(), on=KEYS, how="left")
    rng = np.random.default_rng(seed)
    merged["ecart"] = rng.normal(1.0, illustrations()["bruit_strates_simule"], size=len(merged)).clip(0.6, 1.4)
    return merged


def practice_from_patientele(pat: patientele.Patientele, practice_factor: float = 1.0, seed: int = 0) -> pd.DataFrame:
    """Strata of a (fictitious) patientèle and a simulated observed amount (national behaviour × factor × noise)."""
    if not 0.2 <= practice_factor <= 3:
        raise SobrietyError(f"Le profil de prescription doit être compris entre 0,2 et 3 (reçu : {practice_factor}).")
    merged = strata(pat, seed)
    merged["montant_observe_eur"] = (merged["patients"] * merged["montant_moyen_eur"] * practice_factor
                                     * merged["ecart"]).round(2)
    return merged[KEYS + ["patients", "montant_observe_eur"]].sort_values(KEYS).reset_index(drop=True)
