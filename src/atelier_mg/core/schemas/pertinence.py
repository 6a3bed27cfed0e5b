"""Schémas de la pertinence des soins : programmes, antibiotiques, polymédication, sobriété."""

from __future__ import annotations

import pandera.pandas as pa

from .checks import at_least, between, code, non_empty, one_of, proportion

PROGRAMMES_PERTINENCE = pa.DataFrameSchema(
    {
        "numero": pa.Column(int, between(1, 15), unique=True, coerce=True),
        "champ": pa.Column(str, non_empty()),
        "objectif": pa.Column(str, non_empty(), unique=True),
        "cible_valeur": pa.Column(str, pa.Check.str_matches(r"^(\d+(\.\d+)?(;\d+(\.\d+)?)*)?$",
                                                            error="valeurs séparées par ;"), nullable=True),
        "cible_unite": pa.Column(str, nullable=True),
        "sens": pa.Column(str, one_of(["diminuer", "ralentir", "atteindre"], "sens"), nullable=True),
        "horizon": pa.Column(str, nullable=True),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

CHIFFRES = pa.DataFrameSchema(
    {
        "indicateur": pa.Column(str, code(r"^[a-z0-9_]+$", "patients_antibiotique"), unique=True),
        "valeur": pa.Column(float, coerce=True),
        "unite": pa.Column(str, non_empty()),
        "annee": pa.Column(int, between(1900, 2100), coerce=True),
        "libelle": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

CHIFFRES_SIMPLES = pa.DataFrameSchema(
    {
        "parametre": pa.Column(str, code(r"^[a-z0-9_]+$", "bonus_niveau_eur"), unique=True),
        "valeur": pa.Column(float, coerce=True),
        "unite": pa.Column(str, non_empty()),
        "libelle": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

DELIVRANCE_PHARMACIEN = pa.DataFrameSchema(
    {
        "situation": pa.Column(str, code(r"^[a-z_]+$", "angine"), unique=True),
        "libelle": pa.Column(str, non_empty()),
        "public": pa.Column(str, non_empty()),
        "age_min": pa.Column(int, between(0, 120), coerce=True),
        "age_max": pa.Column(float, between(0, 120), nullable=True, coerce=True),
        "test": pa.Column(str, non_empty()),
        "antibiotiques": pa.Column(str, non_empty()),
        "exclusions": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

POLYMEDICATION = pa.DataFrameSchema(
    {
        "groupe": pa.Column(str, one_of(["total", "polymedication", "hyperpolymedication"], "groupe"), unique=True),
        "libelle": pa.Column(str, non_empty()),
        "patients_millions": pa.Column(float, at_least(0), coerce=True),
        "rembourse_milliards_eur": pa.Column(float, at_least(0), coerce=True),
        "part_patients_annoncee": pa.Column(float, between(0, 100), coerce=True),
        "part_remboursements_annoncee": pa.Column(float, between(0, 100), coerce=True),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

_top20 = {
    "rang": pa.Column(int, between(1, 20), unique=True, coerce=True),
    "produit": pa.Column(str, non_empty(), unique=True),
    "dci": pa.Column(str, non_empty()),
    "classe": pa.Column(str, non_empty()),
}

TOP20_VOLUME = pa.DataFrameSchema(
    {
        **_top20,
        "boites_millions": pa.Column(float, at_least(0), coerce=True),
        "rembourse_millions_eur": pa.Column(float, at_least(0), coerce=True),
        "patients_millions": pa.Column(float, at_least(0), coerce=True),
        "age_moyen": pa.Column(float, between(0, 120), coerce=True),
        "boites_par_patient": pa.Column(float, at_least(0), coerce=True),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

TOP20_REMBOURSEMENT = pa.DataFrameSchema(
    {
        **_top20,
        "asmr": pa.Column(str, one_of(["", "I", "II", "III", "IV", "V"], "ASMR"), nullable=True),
        "rembourse_millions_eur": pa.Column(float, at_least(0), coerce=True),
        "rembourse_moyen_par_patient_eur": pa.Column(float, at_least(0), coerce=True),
        "age_moyen": pa.Column(float, between(0, 120), coerce=True),
        "taux_remboursement_moyen": pa.Column(float, between(0, 100), coerce=True),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

TESTS_RAPIDES = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z_]+$", "angine_adulte"), unique=True),
        "situation": pa.Column(str, non_empty(), unique=True),
        "prevalence": pa.Column(float, proportion(), coerce=True),
        "sensibilite": pa.Column(float, proportion(), coerce=True),
        "specificite": pa.Column(float, proportion(), coerce=True),
        "statut": pa.Column(str, one_of(["illustratif", "sourcé"], "statut")),
        "source": pa.Column(str, non_empty()),
    },
    strict=True,
)

MCISAAC = pa.DataFrameSchema(
    {
        "score": pa.Column(int, between(0, 4), unique=True, coerce=True),
        "libelle": pa.Column(str, non_empty()),
        "part_patients": pa.Column(float, proportion(), coerce=True),
        "probabilite_sga": pa.Column(float, proportion(), coerce=True),
        "statut_part": pa.Column(str, one_of(["illustratif", "sourcé"], "statut")),
        "source": pa.Column(str, non_empty()),
    },
    checks=[pa.Check(lambda df: abs(df["part_patients"].sum() - 1) < 1e-9,
                     error="la somme des parts de patients doit valoir 1")],
    strict=True,
)

CLASSES_TRAITEMENT = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z0-9_]+$", "ipp"), unique=True),
        "classe": pa.Column(str, non_empty(), unique=True),
        "cout_annuel_eur": pa.Column(float, at_least(0), coerce=True),
        "regle_arret": pa.Column(str, one_of(["non", "duree", "sans_indication", "consultation"], "règle d'arrêt")),
        "priorite": pa.Column(float, at_least(1), nullable=True, coerce=True),
        # Alternatives separated by « ; », each a class or classes joined by « + » (all of them needed).
        "indique_avec": pa.Column(str, code(r"^[a-z0-9_]+(\+[a-z0-9_]+)*(;[a-z0-9_]+(\+[a-z0-9_]+)*)*$",
                                            "antiagregant+anticoagulant;antalgique_palier2"), nullable=True),
        "part_indication_autre": pa.Column(float, proportion(), nullable=True, coerce=True),
        "sexe": pa.Column(str, one_of(["tous", "F", "M"], "sexe")),
        "part_patients_65plus": pa.Column(float, proportion(), coerce=True),
        "statut": pa.Column(str, one_of(["illustratif", "sourcé"], "statut")),
        "commentaire": pa.Column(str, nullable=True),
    },
    strict=True,
)

PARAMETRES_ENTIERS = pa.DataFrameSchema(
    {
        "parametre": pa.Column(str, code(r"^[a-z0-9_]+$", "seuil_polymedication"), unique=True),
        "valeur": pa.Column(float, at_least(0), coerce=True),
        "unite": pa.Column(str, non_empty()),
        "statut": pa.Column(str, one_of(["illustratif", "sourcé"], "statut")),
        "source": pa.Column(str, non_empty()),
    },
    strict=True,
)

AGE_BANDS = ("0-15", "16-44", "45-64", "65-74", "75+")

TAUX_STRATES = pa.DataFrameSchema(
    {
        "tranche_age": pa.Column(str, one_of(AGE_BANDS, "tranche d'âge")),
        "sexe": pa.Column(str, one_of(["F", "M"], "sexe")),
        "ald": pa.Column(str, one_of(["oui", "non"], "valeur ALD")),
        "c2s": pa.Column(str, one_of(["oui", "non"], "valeur C2S")),
        "montant_moyen_eur": pa.Column(float, at_least(0), coerce=True),
    },
    unique=["tranche_age", "sexe", "ald", "c2s"],
    strict=True,
)

PRATIQUE_STRATES = pa.DataFrameSchema(
    {
        "tranche_age": pa.Column(str, one_of(AGE_BANDS, "tranche d'âge")),
        "sexe": pa.Column(str, one_of(["F", "M"], "sexe")),
        "ald": pa.Column(str, one_of(["oui", "non"], "valeur ALD")),
        "c2s": pa.Column(str, one_of(["oui", "non"], "valeur C2S")),
        "patients": pa.Column(int, at_least(0), coerce=True),
        "montant_observe_eur": pa.Column(float, at_least(0), coerce=True),
    },
    unique=["tranche_age", "sexe", "ald", "c2s"],
    strict=True,
)

RULE_STATUSES = ["texte officiel", "présentation de la Cnam", "presse ou syndicat", "non précisé par les textes publics",
                 "hypothèse affichée du livre"]

REGLES_DISPOSITIF = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z_]+$", "cumul"), unique=True),
        "question": pa.Column(str, non_empty()),
        "reponse": pa.Column(str, non_empty()),
        "statut": pa.Column(str, one_of(RULE_STATUSES, "statut")),
        "source": pa.Column(str, non_empty()),
    },
    strict=True,
)


ANTIBIOTHERAPIES = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z0-9_]+$", "angine_adulte"), unique=True),
        "infection": pa.Column(str, non_empty()),
        "public": pa.Column(str, non_empty()),
        "conduite": pa.Column(str, non_empty()),
        "antibiotique": pa.Column(str, non_empty()),
        "duree_jours": pa.Column(float, between(0, 30), nullable=True, coerce=True),
        "duree": pa.Column(str, non_empty()),
        "annee": pa.Column(int, between(2000, 2100), coerce=True),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)
