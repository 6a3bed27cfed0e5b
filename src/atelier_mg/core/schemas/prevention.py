"""Schémas de la prévention : dépistage, vignettes, indicateurs, forfait médecin traitant, patientèle."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .checks import at_least, between, code, non_empty, one_of, proportion, simulator_parameters

PRESETS_DEPISTAGE = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z_]+$", "soins_primaires"), unique=True),
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "situation": pa.Column(str, non_empty(), unique=True),
        "usage": pa.Column(str, one_of(["dépistage", "diagnostic"], "usage")),
        "participation": pa.Column(float, proportion(), coerce=True),
        "prevalence": pa.Column(float, proportion(), coerce=True),
        "sensibilite": pa.Column(float, proportion(), coerce=True),
        "specificite": pa.Column(float, proportion(), coerce=True),
        "surdiagnostic": pa.Column(float, proportion(), coerce=True),
        "statut": pa.Column(str, one_of(["illustratif", "sourcé"], "statut")),
        "note": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    checks=[pa.Check(lambda df: (df["usage"] == "dépistage") | (df["surdiagnostic"] == 0),
                     error="le surdiagnostic ne concerne que le dépistage : il doit valoir 0 pour un test diagnostique")],
    strict=True,
)



PARAMETRES_BIAIS = simulator_parameters("avance", ["illustratif", "sourcé"], reference=False)

WILSON_JUNGNER = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^WJ\d{2}$", "WJ01"), unique=True),
        "ordre": pa.Column(int, between(1, 10), unique=True, coerce=True),
        "critere_original": pa.Column(str, non_empty(), unique=True),
        "paraphrase": pa.Column(str, non_empty(), unique=True),
        "question": pa.Column(str, non_empty(), unique=True),
    },
    strict=True,
)

BILAN_PREVENTION = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z_]+$", "jeunes_adultes"), unique=True),
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "tranche": pa.Column(str, non_empty(), unique=True),
        "age_min": pa.Column(int, between(0, 120), coerce=True),
        "age_max": pa.Column(int, between(0, 120), coerce=True),
        "themes": pa.Column(str, non_empty()),
    },
    checks=[pa.Check(lambda df: df["age_min"] <= df["age_max"], error="age_min doit être inférieur ou égal à age_max")],
    strict=True,
)

CALENDRIER_NOUVEAUTES = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z0-9_]+$", "zona_65"), unique=True),
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "depuis": pa.Column(int, between(2000, 2100), coerce=True),
        "population": pa.Column(str, non_empty()),
        "mesure": pa.Column(str, non_empty(), unique=True),
        "statut": pa.Column(str, one_of(["vérifié (source officielle)", "concordant (reprises)", "à vérifier"], "statut")),
        "source": pa.Column(str, non_empty()),
        "url": pa.Column(str, pa.Check.str_startswith("https://", error="adresse https attendue")),
    },
    strict=True,
)

PREVENTION_LEVELS = ("primaire", "secondaire", "tertiaire", "quaternaire")


def _accepted_levels_are_valid(df):
    return df["niveaux_acceptes"].str.split("|").map(lambda xs: all(x in PREVENTION_LEVELS for x in xs))


def _expected_level_is_accepted(df):
    return pd.Series([n in a.split("|") for n, a in zip(df["niveau"], df["niveaux_acceptes"], strict=True)], index=df.index)


VIGNETTES_PREVENTION = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^V\d{2}$", "V01"), unique=True),
        "vignette": pa.Column(str, non_empty(), unique=True),
        "niveau": pa.Column(str, one_of(PREVENTION_LEVELS, "niveau")),
        "niveaux_acceptes": pa.Column(str, non_empty()),
        "piege": pa.Column(int, one_of([0, 1], "piège"), coerce=True),
        "explication": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    checks=[
        pa.Check(_accepted_levels_are_valid,
                 error="niveaux acceptés : primaire, secondaire, tertiaire ou quaternaire, séparés par |"),
        pa.Check(_expected_level_is_accepted, error="le niveau attendu doit figurer parmi les niveaux acceptés"),
    ],
    strict=True,
)

INDICATEURS_PREVENTION = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z0-9_]+$", "grippe"), unique=True),
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "theme": pa.Column(str, one_of(["Vaccination", "Dépistage", "Suivi"], "thème")),
        "indicateur": pa.Column(str, non_empty(), unique=True),
        "realisation": pa.Column(str, non_empty()),
        "population_cible": pa.Column(str, non_empty()),
        "ald_concernees": pa.Column(str, pa.Check.str_matches(r"^(\d+(;\d+)*)?$", error="numéros d'ALD séparés par ;"),
                                    nullable=True),
        "interpretation": pa.Column(str, non_empty()),
        "montant_eur": pa.Column(float, at_least(0), coerce=True),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

FORFAIT_MT = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z0-9_]+$", "ald_80_plus"), unique=True),
        "priorite": pa.Column(int, at_least(1), unique=True, coerce=True),
        "categorie": pa.Column(str, non_empty(), unique=True),
        "montant_eur": pa.Column(float, at_least(0), coerce=True),
        "montant_c2s_eur": pa.Column(float, at_least(0), coerce=True),
        "statut": pa.Column(str, one_of(["sourcé", "reconstruit", "à confirmer", "illustratif"], "statut")),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

POPULATION = pa.DataFrameSchema(
    {
        "age_min": pa.Column(int, between(0, 120), unique=True, coerce=True),
        "age_max": pa.Column(int, between(0, 120), unique=True, coerce=True),
        "hommes": pa.Column(int, at_least(0), coerce=True),
        "femmes": pa.Column(int, at_least(0), coerce=True),
    },
    checks=[pa.Check(lambda df: df["age_min"] <= df["age_max"], error="age_min doit être inférieur ou égal à age_max")],
    strict=True,
)

PARAMETRES = pa.DataFrameSchema(
    {
        "parametre": pa.Column(str, code(r"^[a-z0-9_]+$", "part_c2s"), unique=True),
        "valeur": pa.Column(float, proportion(), coerce=True),
        "unite": pa.Column(str, non_empty()),
        "statut": pa.Column(str, one_of(["sourcé", "illustratif"], "statut")),
        "source": pa.Column(str, non_empty()),
    },
    strict=True,
)

_date = pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$", error="date attendue au format AAAA-MM-JJ"))

PATIENTS = pa.DataFrameSchema(
    {
        "identifiant": pa.Column(str, non_empty(), unique=True),
        "date_naissance": _date,
        "sexe": pa.Column(str, one_of(["F", "M"], "sexe")),
        "ald": pa.Column(str, pa.Check.str_matches(r"^(\d+(;\d+)*)?$", error="numéros d'ALD séparés par ; (ou vide)"),
                         nullable=True),
        "c2s": pa.Column(str, one_of(["oui", "non"], "valeur C2S")),
        "traitement": pa.Column(str, pa.Check.str_matches(r"^((diabete|asthme|bpco)(;(diabete|asthme|bpco))*)?$",
                                                          error="traitements : diabete, asthme, bpco séparés par ;"),
                                nullable=True),
        "derniere_consultation": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$",
                                                                     error="date attendue au format AAAA-MM-JJ"),
                                           nullable=True),
        "exclusions": pa.Column(str, pa.Check.str_matches(r"^([a-z0-9_]+(;[a-z0-9_]+)*)?$",
                                                          error="codes d'indicateurs séparés par ;"), nullable=True),
    },
    strict=True,
)

ACTES = pa.DataFrameSchema(
    {
        "identifiant": pa.Column(str, non_empty()),
        "acte": pa.Column(str, non_empty()),
        "date": _date,
    },
    strict=True,
)

NIVEAUX_PREVENTION = pa.DataFrameSchema(
    {
        "code": pa.Column(str, one_of(PREVENTION_LEVELS, "niveau"), unique=True),
        "ordre": pa.Column(int, between(1, 4), unique=True, coerce=True),
        "niveau": pa.Column(str, non_empty(), unique=True),
        "definition_referentiel": pa.Column(str, non_empty()),
        "definition_classique": pa.Column(str, non_empty()),
        "ecart": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)
