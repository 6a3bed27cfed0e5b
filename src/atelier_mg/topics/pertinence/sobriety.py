"""Indicateur de sobriété des prescriptions : standardisation indirecte, distribution nationale, bonus.

The indicator (Cnam, 2024 convention) is observed / expected, where the expected amount applies the
national mean amount of each stratum (age band, sex, ALD, C2S) to the practice's patients: this is
indirect standardisation. A ratio below 1 means a more sober prescribing than the national behaviour
for the same patients.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from ...core import data, ui
from ...core.formatting import euros, format_count
from ...core.schemas import AGE_BANDS
from ..patientele import generator as patientele_generator
from ..patientele import model as patientele

KEYS = ["tranche_age", "sexe", "ald", "c2s"]
NATIONAL_MEAN_PATIENTELE = 1000  # illustrative mean patientèle médecin traitant (weighting of the level bonus)


class SobrietyError(ValueError):
    """Invalid input (French message)."""


@lru_cache(maxsize=1)
def national_rates() -> pd.DataFrame:
    return data.load_table("taux_nationaux_sobriete")


@lru_cache(maxsize=1)
def bonus_rules() -> dict[str, float]:
    return data.mapping("dispositif_sobriete_2024", "parametre", "valeur")


def age_band(age: int) -> str:
    for band, hi in zip(AGE_BANDS, (15, 44, 64, 74, 200), strict=True):
        if age <= hi:
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


def national_distribution(n_doctors: int = 2000, seed: int = 2024, spread: float = 0.18) -> np.ndarray:
    """Simulated ratios of the country's GPs (log-normal around 1; illustrative)."""
    return np.exp(np.random.default_rng(seed).normal(0.0, spread, size=n_doctors))


def percentile(ratio: float, distribution: np.ndarray) -> float:
    """Share of doctors whose ratio is lower than ``ratio`` (0 = most sober)."""
    return float((distribution < ratio).mean())


def bonuses(ratio: float, previous_ratio: float | None, patientele_mt: int, distribution: np.ndarray) -> dict[str, float]:
    """The two bonuses of the sobriety scheme as we read them (see the dataset's metadata).

    Level bonus: doctors among the 30 % with the lowest ratio, weighted by their patientèle médecin traitant
    over the national mean. Trend bonus: the ratio fell by more than 10 % since the previous year.
    """
    rules = bonus_rules()
    threshold = float(np.quantile(distribution, rules["part_beneficiaires_niveau"] / 100))
    level = rules["bonus_niveau_eur"] * patientele_mt / NATIONAL_MEAN_PATIENTELE if ratio <= threshold else 0.0
    trend = 0.0
    fell = previous_ratio and previous_ratio > 0 and (previous_ratio - ratio) / previous_ratio
    if fell and fell > rules["baisse_minimale_evolution"] / 100:
        trend = rules["bonus_evolution_eur"]
    return {"seuil_30_pourcent": threshold, "bonus_niveau": level, "bonus_evolution": trend}


def practice_from_patientele(pat: patientele.Patientele, practice_factor: float = 1.0, seed: int = 0) -> pd.DataFrame:
    """Strata of a (fictitious) patientèle and a simulated observed amount (national behaviour × factor × noise)."""
    if not 0.2 <= practice_factor <= 3:
        raise SobrietyError(f"Le profil de prescription doit être compris entre 0,2 et 3 (reçu : {practice_factor}).")
    status = patientele.status_table(pat)
    strata = pd.DataFrame({
        "tranche_age": [age_band(a) for a in status["Âge"]],
        "sexe": status["Sexe"],
        "ald": np.where(status["ALD"] != "", "oui", "non"),
        "c2s": status["C2S"],
    })
    counts = strata.value_counts().rename("patients").reset_index()
    merged = counts.merge(national_rates(), on=KEYS, how="left")
    rng = np.random.default_rng(seed)
    noise = rng.normal(1.0, 0.08, size=len(merged)).clip(0.6, 1.4)
    merged["montant_observe_eur"] = (merged["patients"] * merged["montant_moyen_eur"] * practice_factor * noise).round(2)
    return merged[KEYS + ["patients", "montant_observe_eur"]].sort_values(KEYS).reset_index(drop=True)


def strata_table(practice: pd.DataFrame) -> pd.DataFrame:
    t = expected(practice)
    return pd.DataFrame({
        "Âge": t["tranche_age"], "Sexe": t["sexe"], "ALD": t["ald"], "C2S": t["c2s"],
        "Patients": t["patients"],
        "Montant national moyen (€)": [format_count(v) for v in t["montant_moyen_eur"]],
        "Attendu (€)": [format_count(v) for v in t["montant_attendu_eur"]],
        "Observé (€)": [format_count(v) for v in t["montant_observe_eur"]],
    })


def distribution_chart(distribution: np.ndarray, ratio: float, threshold: float) -> alt.LayerChart:
    hist = alt.Chart(pd.DataFrame({"ratio": distribution})).mark_bar(color="#9ecae1").encode(
        x=alt.X("ratio:Q", bin=alt.Bin(step=0.05), title="Ratio de sobriété (observé / attendu)"),
        y=alt.Y("count():Q", title="Médecins"),
    )
    marks = pd.DataFrame({"x": [ratio, threshold], "libelle": ["Votre ratio", "Seuil des 30 % les plus sobres"],
                          "couleur": ["#d73027", "#1a9850"]})
    rules = alt.Chart(marks).mark_rule(strokeWidth=2.5).encode(
        x="x:Q", color=alt.Color("libelle:N", scale=alt.Scale(domain=list(marks["libelle"]), range=list(marks["couleur"])),
                                 legend=alt.Legend(orient="bottom", title=None)))
    return alt.layer(hist, rules).properties(
        width=480, height=220, title="Position dans une distribution nationale simulée",
        description="Histogramme des ratios de sobriété de médecins fictifs, avec le ratio du médecin et le seuil des "
                    "30 % de ratios les plus faibles.",
    )


def simulator():
    import ipywidgets as w

    style = {"description_width": "17em"}
    n = w.BoundedIntText(value=1000, min=50, max=5000, description="Patients médecin traitant", style=style)
    seed = w.IntText(value=2026, description="Graine du tirage", style=style)
    factor = w.FloatSlider(value=1.0, min=0.6, max=1.5, step=0.05, continuous_update=False,
                           description="Profil de prescription du médecin", style=style,
                           layout=w.Layout(width="42em")).add_class("atelier-profil")
    previous = w.BoundedFloatText(value=1.05, min=0, max=5, step=0.01, description="Ratio de l'année précédente",
                                  style=style).add_class("atelier-ratio-precedent")
    summary = w.HTML().add_class("atelier-synthese")
    figure = w.Output().add_class("atelier-figure")
    table = w.HTML().add_class("atelier-tableau")
    distribution = national_distribution()

    def refresh(*_):
        try:
            pat = patientele_generator.generate(int(n.value), seed=int(seed.value))
            practice = practice_from_patientele(pat, float(factor.value), seed=int(seed.value))
            ind = indicator(practice)
        except (SobrietyError, patientele.PatienteleError, data.DataError) as exc:
            summary.value = ui.message(exc)
            return
        b = bonuses(ind.ratio, float(previous.value) or None, ind.patients, distribution)
        pct = percentile(ind.ratio, distribution)
        summary.value = (
            f"<p>Montant remboursable observé : <strong>{euros(ind.observed)}</strong> ; attendu avec le "
            f"comportement national pour les mêmes patients : <strong>{euros(ind.expected)}</strong>.</p>"
            f"<p>Ratio de sobriété : <strong>{f'{ind.ratio:.2f}'.replace('.', ',')}</strong>"
            f" — {100 * pct:.0f}\u202f% des médecins (simulés) ont un ratio plus faible.</p>"
            + f"<p>Bonus de niveau : <strong>{euros(b['bonus_niveau'])}</strong> ; bonus d'évolution : "
            f"<strong>{euros(b['bonus_evolution'])}</strong>.</p>"
        )
        ui.show_chart(figure, distribution_chart(distribution, ind.ratio, b["seuil_30_pourcent"]))
        table.value = ("<details><summary>Détail par strate (standardisation indirecte)</summary>"
                       + strata_table(practice).to_html(index=False, border=0, classes="atelier-table") + "</details>")

    for widget in (n, seed, factor, previous):
        widget.observe(refresh, names="value")
    refresh()
    return w.VBox([w.HBox([n, seed]), factor, previous, summary, figure, table])
