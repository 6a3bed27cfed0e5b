"""Polymédication d'une patientèle de 65 ans et plus : lignes de traitement, déprescription, remboursements.

The 65+ patients come from the shared patientèle generator (:func:`atelier_mg.topics.patientele.generator.generate`
with ``min_age=65``); their chronic treatment lines are drawn from ``data/classes_traitement_chronique``
(illustrative), with a frailty factor calibrated so that the shares of polymedicated and
hyperpolymedicated patients are close to those published by the Cnam.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from ...core import data, ui
from ...core.formatting import format_count
from ..patientele import generator as patientele_generator
from ..patientele.model import age_years

FRAILTY_SD = 0.43  # log-normal spread of the number of treatments between patients (calibration)
FRAILTY_SCALE = 0.77  # calibration: about 50 % polymedicated and 12 % hyperpolymedicated patients (Cnam)
# Classes whose stop criterion depends on how long the line has lasted (``regle_arret`` = duree): class code →
# the parameters (data/parametres_polymedication) giving the recommended maximum for the use (HAS 2015) and the share
# of recent lines; every simulated patient is 65 or older, so STOPP/START v3 applies too: ``OLDER_PATIENT_MAXIMUM``.
OLDER_PATIENT_MAXIMUM = "benzodiazepine_duree_max_65plus_semaines"
DURATION_RULES = {
    "hypnotique": ("hypnotique_duree_max_semaines", "benzodiazepine_part_recente_pct"),
    "anxiolytique": ("anxiolytique_duree_max_semaines", "benzodiazepine_part_recente_pct"),
}
LONGEST_LINE_WEEKS = 520  # durations are drawn up to ten years (illustrative)
# Why a line of a class to re-evaluate is kept (column ``motif_maintien`` of the lines).
KEPT_DURATION = "dans la durée recommandée"
KEPT_WITH = "indiqué par un autre traitement"
KEPT_INDICATION = "indication documentée"
KEPT_CONSULTATION = "à réévaluer en consultation"


class PolymedicationError(ValueError):
    """Invalid parameters (French message)."""


@lru_cache(maxsize=1)
def classes() -> pd.DataFrame:
    return data.load_table("classes_traitement_chronique").set_index("code")


@lru_cache(maxsize=1)
def settings() -> dict[str, float]:
    return data.mapping("parametres_polymedication", "parametre", "valeur")


def national() -> pd.DataFrame:
    """Published figures, with the shares recomputed from the counts next to the shares announced."""
    t = data.load_table("polymedication_65plus").set_index("groupe")
    total = t.loc["total"]
    t["part_patients_calculee"] = 100 * t["patients_millions"] / total["patients_millions"]
    t["part_remboursements_calculee"] = 100 * t["rembourse_milliards_eur"] / total["rembourse_milliards_eur"]
    t["rembourse_moyen_eur"] = 1000 * t["rembourse_milliards_eur"] / t["patients_millions"]
    return t


@dataclass(frozen=True)
class Lines:
    """Chronic treatment lines of a 65+ patientèle: one row per (patient, class)."""

    patients: pd.DataFrame  # identifiant, age, sexe, ald
    # identifiant, classe (code), cout_annuel_eur, a_reevaluer (an explicit stop criterion is met and was checked),
    # motif_maintien (why a line of a class to re-evaluate is kept, "" otherwise), duree_semaines (NaN if not drawn);
    # within a patient, the lines a criterion allows to stop come in the order of the class priority.
    lignes: pd.DataFrame


def generate(n: int = 500, seed: int = 2026, reference: dt.date = dt.date(2026, 5, 15)) -> Lines:
    """A fictitious 65+ patientèle with its chronic treatment lines (same seed, same result)."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 20_000:
        raise PolymedicationError(f"Le nombre de patients doit être un entier entre 1 et 20 000 (reçu : {n}).")
    pat = patientele_generator.generate(n, seed=seed, reference=reference, min_age=65)
    people = pat.people()
    rng = np.random.default_rng(seed + 1)
    table = classes()
    rows, plist = [], []
    for p in people:
        age = age_years(p.birth, reference)
        frailty = FRAILTY_SCALE * np.exp(rng.normal(0, FRAILTY_SD)) * (1 + 0.02 * (age - 65)) * (1.4 if p.ald else 1.0)
        for code, row in table.iterrows():
            drawn = rng.random() < min(0.98, row["part_patients_65plus"] * frailty)
            if drawn and row["sexe"] in ("tous", p.sex):  # same draws for both sexes: a sex-specific class is skipped
                rows.append({"identifiant": p.identifiant, "classe": code, "cout_annuel_eur": float(row["cout_annuel_eur"]),
                             "a_reevaluer": row["regle_arret"] != "non"})
        extra = rng.poisson(max(0.0, frailty - 1.2) * 2)  # several "other" molecules for the frailest
        for k in range(int(extra)):
            rows.append({"identifiant": p.identifiant, "classe": f"autre_{k + 2}", "cout_annuel_eur": 100.0,
                         "a_reevaluer": False})
        plist.append({"identifiant": p.identifiant, "age": age, "sexe": p.sex,
                      "ald": ";".join(str(a) for a in sorted(p.ald))})
    lignes = pd.DataFrame(rows, columns=["identifiant", "classe", "cout_annuel_eur", "a_reevaluer"])
    lignes = apply_duration_rules(lignes, np.random.default_rng(seed + 2))
    lignes = apply_indication_rules(lignes, np.random.default_rng(seed + 3))
    return Lines(pd.DataFrame(plist), order_by_priority(lignes))


def apply_indication_rules(lignes: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Check the indication of each line whose class is stopped only « sans indication retenue ».

    A line is kept when other treatments of the same patient are an indication for it (``indique_avec``:
    alternatives separated by « ; », each one class or several joined by « + », all of which must be taken: a
    laxative with a level-2 analgesic; an IPP with an antiplatelet **and** an anticoagulant), or when the patient
    has another documented indication (drawn with the illustrative share ``part_indication_autre``: history of
    ulcer or upper digestive bleeding, severe oesophagitis, treated osteoporosis…). A single antithrombotic is
    not an indication of the IPP (HAS 2022: useless without an NSAID at low digestive risk); an antiplatelet with
    an anticoagulant is a high bleeding risk, so that IPP is kept. ``consultation`` classes are never stopped.
    """
    table = classes()
    lignes = lignes.copy()
    if "motif_maintien" not in lignes:
        lignes["motif_maintien"] = ""
    rule = lignes["classe"].map(table["regle_arret"]).fillna("non")
    by_patient = lignes.groupby("identifiant")["classe"].agg(set)
    for code, row in table[table["regle_arret"] == "sans_indication"].iterrows():
        rows = lignes.index[lignes["classe"] == code]
        partners = indicating_sets(row["indique_avec"])
        with_partner = np.array([any(group <= by_patient[i] for group in partners)
                                 for i in lignes.loc[rows, "identifiant"]], dtype=bool)
        other = rng.random(len(rows)) < (0.0 if pd.isna(row["part_indication_autre"]) else row["part_indication_autre"])
        lignes.loc[rows, "motif_maintien"] = np.where(with_partner, KEPT_WITH, np.where(other, KEPT_INDICATION, ""))
        lignes.loc[rows, "a_reevaluer"] = ~(with_partner | other)
    consult = rule == "consultation"
    lignes.loc[consult, "a_reevaluer"] = False
    lignes.loc[consult, "motif_maintien"] = KEPT_CONSULTATION
    lignes["a_reevaluer"] = lignes["a_reevaluer"].astype(bool)
    return lignes


def indicating_sets(value: object) -> list[frozenset[str]]:
    """The treatment combinations of ``indique_avec`` that each justify the line: « a+b;c » → [{a, b}, {c}]."""
    if not isinstance(value, str) or not value.strip():
        return []
    return [frozenset(part.split("+")) for part in value.split(";")]


def order_by_priority(lignes: pd.DataFrame) -> pd.DataFrame:
    """Patients in drawing order; within a patient, the stoppable lines by class priority (riskiest first)."""
    order = {ident: k for k, ident in enumerate(dict.fromkeys(lignes["identifiant"]))}
    priority = lignes["classe"].map(classes()["priorite"]).fillna(99)
    key = pd.DataFrame({"p": lignes["identifiant"].map(order), "r": priority})
    return lignes.loc[key.sort_values(["p", "r"], kind="stable").index].reset_index(drop=True)


def apply_duration_rules(lignes: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Draw how long each line of a duration-ruled class has lasted, and flag it once a criterion is met.

    Every simulated patient is 65 or older: a stop is proposed beyond the maximum for the use (HAS 2015: 4 weeks for
    a hypnotic, 12 for an anxiolytic) or from the STOPP/START v3 limit on (any benzodiazepine for 4 weeks or more),
    i.e. from ``stop_from_weeks``. The share of recent lines is illustrative.
    """
    s = settings()
    lignes = lignes.copy()
    lignes["duree_semaines"] = np.nan
    if "motif_maintien" not in lignes:
        lignes["motif_maintien"] = ""
    for code, (_, recent_key) in DURATION_RULES.items():
        rows = lignes.index[lignes["classe"] == code]
        first = stop_from_weeks(code)
        recent = rng.random(len(rows)) < s[recent_key] / 100
        weeks = np.where(recent, rng.integers(1, first, len(rows)),
                         rng.integers(first, LONGEST_LINE_WEEKS + 1, len(rows)))
        lignes.loc[rows, "duree_semaines"] = weeks
        lignes.loc[rows, "a_reevaluer"] = lignes.loc[rows, "a_reevaluer"].astype(bool) & (weeks >= first)
        lignes.loc[rows[weeks < first], "motif_maintien"] = KEPT_DURATION
    lignes["a_reevaluer"] = lignes["a_reevaluer"].astype(bool)
    return lignes


def stop_from_weeks(code: str) -> int:
    """First week at which the review proposes a stop at 65+: beyond the HAS maximum, or from the STOPP limit on."""
    s = settings()
    return int(min(s[DURATION_RULES[code][0]] + 1, s[OLDER_PATIENT_MAXIMUM]))


def per_patient(lines: Lines) -> pd.DataFrame:
    """Molecules and annual reimbursement per patient, with the polymedication status."""
    s = settings()
    agg = lines.lignes.groupby("identifiant").agg(molecules=("classe", "size"), rembourse_eur=("cout_annuel_eur", "sum"),
                                                   a_reevaluer=("a_reevaluer", "sum"))
    out = lines.patients.set_index("identifiant").join(agg).fillna({"molecules": 0, "rembourse_eur": 0.0, "a_reevaluer": 0})
    out["molecules"] = out["molecules"].astype(int)
    out["a_reevaluer"] = out["a_reevaluer"].astype(int)
    out["statut"] = np.select(
        [out["molecules"] >= s["seuil_hyperpolymedication"], out["molecules"] >= s["seuil_polymedication"]],
        ["hyperpolymédiqué", "polymédiqué"], "non polymédiqué")
    return out


@dataclass(frozen=True)
class Review:
    """A medication review of the patientèle: what was stopped, why, and what the target still asks for."""

    after: Lines
    removed: pd.DataFrame  # identifiant, classe, libelle, critere: one row per line stopped
    patients_reviewed: int  # polymedicated patients whose prescription was reviewed
    patients_target_met: int  # of them, those whose target was reached with justified stops only
    lines_target: int  # lines the programme's targets ask to remove for the reviewed patients
    lines_unjustified: int  # lines missing to reach the targets: the model does not stop them
    kept_checked: int = 0  # lines of classes to re-evaluate kept after the check (duration, indication, consultation)


def review(lines: Lines, achievement: float = 1.0, seed: int = 0) -> Review:
    """Review the prescriptions of a share of the polymedicated patients, as programme 3 asks.

    Deprescription is a reasoned review, not a quota: for each reviewed patient, only the lines whose explicit
    stop criterion was checked (data/classes_traitement_chronique: benzodiazepine beyond the recommended duration,
    IPP without a documented indication, supplement without indication…) are stopped, riskiest class
    first, up to the programme's target (4 lines if hyperpolymedicated, 2 if polymedicated). A line without such
    a criterion (antiplatelet, statin, levothyroxine, diuretic…), with a checked indication, or whose stop needs
    a clinical assessment (level-2 analgesic, alpha-blocker) is never stopped to fill the quota: the review
    reports instead how many lines the target would still require. ``achievement`` is the share of
    polymedicated patients whose prescription is reviewed (chosen at random, seeded).
    """
    if not 0 <= achievement <= 1:
        raise PolymedicationError(f"La part de patients concernés doit être entre 0 et 1 (reçu : {achievement}).")
    s = settings()
    pp = per_patient(lines)
    rng = np.random.default_rng(seed)
    quota: dict[str, int] = {}
    for ident, row in pp.iterrows():
        if rng.random() >= achievement:
            continue
        if row["statut"] == "hyperpolymédiqué":
            quota[ident] = int(s["objectif_retrait_hyper"])
        elif row["statut"] == "polymédiqué":
            quota[ident] = int(s["objectif_retrait_poly"])
    flagged = lines.lignes[lines.lignes["a_reevaluer"]]
    rank = flagged.groupby("identifiant").cumcount()
    stop = flagged[rank < flagged["identifiant"].map(quota).fillna(0)]
    kept = lines.lignes.drop(index=stop.index).reset_index(drop=True)
    table = classes()
    removed = stop[["identifiant", "classe"]].assign(
        libelle=stop["classe"].map(table["classe"]),
        critere=stop["classe"].map(table["commentaire"]).fillna("à réévaluer"),
    ).reset_index(drop=True)
    done = removed.groupby("identifiant").size()
    met = sum(1 for ident, q in quota.items() if done.get(ident, 0) >= q)
    target = sum(quota.values())
    checked = lines.lignes[(lines.lignes["motif_maintien"] != "") & lines.lignes["identifiant"].isin(list(quota))]
    return Review(Lines(lines.patients, kept), removed, len(quota), met, target, target - len(removed), len(checked))


def deprescribe(lines: Lines, achievement: float = 1.0, seed: int = 0) -> Lines:
    """The patientèle after :func:`review` (only lines with an explicit criterion are stopped)."""
    return review(lines, achievement, seed).after


def removed_by_class(result: Review) -> pd.DataFrame:
    """French table: lines stopped per class, with the criterion that justified it."""
    if result.removed.empty:
        return pd.DataFrame(columns=["Classe", "Critère de réévaluation", "Lignes arrêtées"])
    counts = result.removed.groupby(["libelle", "critere"]).size().reset_index(name="n").sort_values("n", ascending=False)
    return pd.DataFrame({"Classe": counts["libelle"], "Critère de réévaluation": counts["critere"],
                         "Lignes arrêtées": [format_count(v) for v in counts["n"]]})


KEPT_SENTENCE = ("lignes d'une classe à réévaluer sont laissées après vérification : benzodiazépine encore dans la "
                 "durée recommandée, IPP dont l'indication est documentée (antécédent d'ulcère ou d'hémorragie "
                 "digestive, par exemple) ou pris avec un antiagrégant et un anticoagulant, supplément ou laxatif "
                 "indiqué ; l'antalgique de niveau 2 et l'alpha-bloquant se réévaluent en consultation, pas par une "
                 "règle.")


def review_message(result: Review) -> str:
    """French summary of the review: targets reached, and what the model refused to stop."""
    if result.patients_reviewed == 0:
        return "Aucune ordonnance revue."
    text = (f"{format_count(result.patients_reviewed)} ordonnances revues : {format_count(len(result.removed))} lignes "
            f"arrêtées, toutes pour un critère d'arrêt vérifié ; objectif du programme atteint pour "
            f"{format_count(result.patients_target_met)} patients.")
    if result.kept_checked > 0:
        text += f" {format_count(result.kept_checked)} {KEPT_SENTENCE}"
    if result.lines_unjustified > 0:
        text += (f" Pour l'atteindre chez tous, il faudrait arrêter {format_count(result.lines_unjustified)} lignes "
                 "de plus sans critère de réévaluation : le simulateur ne le fait pas, un objectif chiffré ne "
                 "justifie pas à lui seul d'arrêter un traitement utile.")
    return text


def summary(lines: Lines) -> dict[str, float]:
    pp = per_patient(lines)
    n = len(pp)
    return {
        "patients": n,
        "polymediques": int((pp["statut"] != "non polymédiqué").sum()),
        "hyperpolymediques": int((pp["statut"] == "hyperpolymédiqué").sum()),
        "molecules": int(pp["molecules"].sum()),
        "rembourse_eur": float(pp["rembourse_eur"].sum()),
    }


def compare(before: Lines, after: Lines) -> pd.DataFrame:
    """Before / after deprescription, in French."""
    b, a = summary(before), summary(after)
    labels = {
        "polymediques": "Patients polymédiqués (y compris hyper)", "hyperpolymediques": "Patients hyperpolymédiqués",
        "molecules": "Lignes de traitement chronique", "rembourse_eur": "Remboursements annuels (€)",
    }
    return pd.DataFrame({
        "Indicateur": list(labels.values()),
        "Avant": [format_count(b[k]) for k in labels],
        "Après déprescription": [format_count(a[k]) for k in labels],
        "Différence": [format_count(a[k] - b[k]) for k in labels],
    })


def describe(before: Lines, after: Lines) -> str:
    """Plain-language comparison (the text alternative of the chart), refreshed with the inputs."""
    b, a = summary(before), summary(after)
    s = settings()

    def part(stats: dict[str, float], key: str) -> str:
        return f"{format_count(stats[key])} ({100 * stats[key] / stats['patients']:.0f}\u202f%)" if stats["patients"] else "0"

    return (f"Sur {format_count(b['patients'])} patients de 65 ans et plus : avant la revue, {part(b, 'polymediques')} prennent "
            f"{s['seuil_polymedication']:.0f} molécules ou plus et {part(b, 'hyperpolymediques')} "
            f"{s['seuil_hyperpolymedication']:.0f} ou plus ; après, {part(a, 'polymediques')} et {part(a, 'hyperpolymediques')}. "
            f"Lignes de traitement chronique : {format_count(b['molecules'])} avant, {format_count(a['molecules'])} après.")


def distribution_chart(before: Lines, after: Lines) -> alt.Chart:
    frames = []
    for label, lines in (("Avant", before), ("Après déprescription", after)):
        counts = per_patient(lines)["molecules"].value_counts().sort_index()
        frames.append(pd.DataFrame({"molecules": counts.index, "patients": counts.to_numpy(), "moment": label}))
    s = settings()
    long = pd.concat(frames)
    moments = ["Avant", "Après déprescription"]
    # Colour is not the only carrier: « Avant » is a pale bar with a dark outline, always on the left.
    bars = alt.Chart(long).mark_bar(stroke="#222222", strokeWidth=1).encode(
        x=alt.X("molecules:O", title="Nombre de molécules en traitement chronique", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("patients:Q", title="Patients", stack=None),
        color=alt.Color("moment:N", scale=alt.Scale(domain=moments, range=["#b2182b", "#2166ac"]),
                        legend=alt.Legend(orient="bottom", title=None)),
        fillOpacity=alt.FillOpacity("moment:N", scale=alt.Scale(domain=moments, range=[0.3, 0.95]), legend=None),
        xOffset=alt.XOffset("moment:N", sort=moments),
        tooltip=["moment:N", "molecules:O", "patients:Q"],
    )
    return bars.properties(
        width=520, height=240,
        title=f"Molécules par patient (polymédication : {s['seuil_polymedication']:.0f} ou plus ; "
              f"hyperpolymédication : {s['seuil_hyperpolymedication']:.0f} ou plus)",
        description=("Histogramme du nombre de molécules par patient, barre claire à gauche : avant ; barre foncée à "
                     "droite : après déprescription. " + describe(before, after)),
    )


def simulator():
    import ipywidgets as w

    style = {"description_width": "16em"}
    n = w.BoundedIntText(value=500, min=10, max=5000, description="Patients de 65 ans et plus", style=style)
    seed = w.IntText(value=2026, description="Graine du tirage", style=style)
    achievement = w.FloatSlider(value=1.0, min=0, max=1, step=0.05, readout_format=".0%", continuous_update=False,
                                description="Ordonnances de polymédiqués revues", style=style,
                                layout=w.Layout(width="40em")).add_class("atelier-atteinte")
    run = w.Button(description="Tirer la patientèle", icon="random", button_style="primary")
    message = w.HTML()
    table = w.HTML().add_class("atelier-tableau")
    figure = w.Output().add_class("atelier-figure")
    state: dict[str, Lines] = {}

    def draw(_=None):
        try:
            state["before"] = generate(int(n.value), seed=int(seed.value))
        except PolymedicationError as exc:
            message.value = ui.message(exc)
            return
        message.value = ""
        refresh()

    def refresh(*_):
        if "before" not in state:
            return
        before = state["before"]
        result = review(before, float(achievement.value), seed=int(seed.value))
        after = result.after
        table.value = (
            f"<div role='status' aria-live='polite'><p>{html.escape(describe(before, after))} (patientèle fictive)</p>"
            f"<p>{html.escape(review_message(result))}</p></div>"
            + compare(before, after).to_html(index=False, border=0, classes="atelier-table")
            + removed_by_class(result).to_html(index=False, border=0, classes="atelier-table")
        )
        ui.show_chart(figure, distribution_chart(before, after))

    run.on_click(draw)
    achievement.observe(refresh, names="value")
    draw()
    return w.VBox([w.HBox([n, seed]), run, achievement, message, table, figure])
