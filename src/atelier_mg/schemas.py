"""Schémas pandera des jeux de données (noms de colonnes en français, visibles des apprenants).

Every check carries a French ``error`` text: it is what the learner reads when a file is wrong.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa


def non_empty() -> pa.Check:
    return pa.Check.str_length(min_value=1, error="le texte ne doit pas être vide")


def between(low: float, high: float) -> pa.Check:
    return pa.Check.in_range(low, high, error=f"la valeur doit être comprise entre {low} et {high}")


def at_least(low: float) -> pa.Check:
    return pa.Check.ge(low, error=f"la valeur doit être supérieure ou égale à {low}")


def proportion() -> pa.Check:
    return between(0, 1)


def one_of(values, what: str) -> pa.Check:
    """Value from a closed list; the French error lists the accepted values."""
    return pa.Check.isin(list(values), error=f"{what} inconnu(e) (choix : {', '.join(map(str, values))})")


def _first_row_is_reference(df):
    first = df.sort_values("ordre").iloc[0]
    return bool(first["pour_1000_min"] == 1000 and first["pour_1000_max"] == 1000)


ECOLOGIE = pa.DataFrameSchema(
    {
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "code": pa.Column(
            str,
            pa.Check.str_matches(r"^[a-z_]+$", error="le code ne doit contenir que des minuscules et « _ »"),
            unique=True,
        ),
        "niveau": pa.Column(str, non_empty()),
        "pour_1000_min": pa.Column(float, between(0, 1000), coerce=True),
        "pour_1000_max": pa.Column(float, between(0, 1000), coerce=True),
        "reference": pa.Column(str, non_empty()),
    },
    checks=[
        pa.Check(
            lambda df: df["pour_1000_min"] <= df["pour_1000_max"],
            error="la borne basse (pour_1000_min) dépasse la borne haute (pour_1000_max)",
        ),
        pa.Check(
            _first_row_is_reference,
            error="la première ligne (ordre le plus petit) doit être la population de référence, 1 000 pour 1 000",
        ),
    ],
    strict=True,
)

def code(pattern: str, example: str) -> pa.Check:
    return pa.Check.str_matches(pattern, error=f"code invalide : format attendu comme « {example} »")


COMPETENCES = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^C[1-9]$", "C1"), unique=True),
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "competence": pa.Column(str, non_empty(), unique=True),
        "libelle_court": pa.Column(str, pa.Check.str_length(1, 20, error="libellé court de 1 à 20 caractères"), unique=True),
        "resume": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

COMPORTEMENTS = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^C[1-9]-\d{2}$", "C1-01"), unique=True),
        "competence": pa.Column(str, code(r"^C[1-9]$", "C1")),
        "comportement": pa.Column(str, non_empty(), unique=True),
        "reference": pa.Column(str, non_empty()),
    },
    checks=[
        pa.Check(
            lambda df: df["code"].str[:2] == df["competence"],
            error="le code du comportement doit commencer par celui de sa compétence",
        )
    ],
    strict=True,
)

FAMILLES = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^F\d{2}$", "F01"), unique=True),
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "famille": pa.Column(str, non_empty(), unique=True),
        "libelle_court": pa.Column(str, pa.Check.str_length(1, 28, error="libellé court de 1 à 28 caractères"), unique=True),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

NIVEAUX = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z_]+$", "novice"), unique=True),
        "rang": pa.Column(int, between(1, 9), unique=True, coerce=True),
        "niveau": pa.Column(str, non_empty(), unique=True),
        "description": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

MISSION_GROUPS = (
    "Accueillir et soigner",
    "Repérer, protéger, prévenir",
    "Coordonner et assurer la continuité",
    "Agir pour la population et le territoire",
    "Transmettre, améliorer, innover",
)

VALUE_CATEGORIES = ("principe_ethique", "valeur_premiere", "valeur_de_base", "element_essentiel")
FRAMEWORKS = ("CNGE 2013", "WONCA Europe", "CanMEDS-MF 2017")

MISSIONS = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^M\d{2}$", "M01"), unique=True),
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "groupe": pa.Column(str, one_of(MISSION_GROUPS, "groupe")),
        "mission": pa.Column(str, non_empty(), unique=True),
        "resume": pa.Column(str, non_empty()),
        "exemple_stage": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

VALEURS = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^V\d{2}$", "V01"), unique=True),
        "categorie": pa.Column(str, one_of(VALUE_CATEGORIES, "catégorie")),
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "valeur": pa.Column(str, non_empty(), unique=True),
        "explication": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

PILIERS = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^P\d$", "P1"), unique=True),
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "pilier": pa.Column(str, non_empty(), unique=True),
        "explication": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

CAS_EXERCICE = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^E\d{2}$", "E01"), unique=True),
        "profil": pa.Column(str, non_empty(), unique=True),
        "medecine_generale": pa.Column(str, one_of(["oui", "non"], "réponse")),
        "explication": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

CADRES = pa.DataFrameSchema(
    {
        "cadre": pa.Column(str, one_of(FRAMEWORKS, "cadre")),
        "type": pa.Column(str, one_of(["competence", "dimension", "role"], "type")),
        "code": pa.Column(str, code(r"^[A-Z]+\d{1,2}$", "W1"), unique=True),
        "ordre": pa.Column(int, at_least(1), coerce=True),
        "element": pa.Column(str, non_empty()),
        "libelle_original": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
    },
    strict=True,
)

CORRESPONDANCES = pa.DataFrameSchema(
    {
        "competence": pa.Column(str, code(r"^C[1-9]$", "C1")),
        "cadre": pa.Column(str, one_of(FRAMEWORKS, "cadre")),
        "element": pa.Column(str, code(r"^[A-Z]+\d{1,2}$", "W1")),
        "force": pa.Column(str, one_of(["principale", "partielle"], "force")),
    },
    strict=True,
)

PRESETS_DEPISTAGE = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z_]+$", "soins_primaires"), unique=True),
        "ordre": pa.Column(int, at_least(1), unique=True, coerce=True),
        "situation": pa.Column(str, non_empty(), unique=True),
        "participation": pa.Column(float, proportion(), coerce=True),
        "prevalence": pa.Column(float, proportion(), coerce=True),
        "sensibilite": pa.Column(float, proportion(), coerce=True),
        "specificite": pa.Column(float, proportion(), coerce=True),
        "surdiagnostic": pa.Column(float, proportion(), coerce=True),
        "statut": pa.Column(str, one_of(["illustratif", "sourcé"], "statut")),
        "note": pa.Column(str, non_empty()),
        "reference": pa.Column(str, non_empty()),
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
        "statut": pa.Column(str, one_of(["sourcé", "reconstruit", "illustratif"], "statut")),
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
        "a_reevaluer": pa.Column(str, one_of(["oui", "non"], "valeur à réévaluer")),
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

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "taux_strates": TAUX_STRATES,
    "pratique_strates": PRATIQUE_STRATES,
    "classes_traitement": CLASSES_TRAITEMENT,
    "parametres_entiers": PARAMETRES_ENTIERS,
    "tests_rapides": TESTS_RAPIDES,
    "mcisaac": MCISAAC,
    "programmes_pertinence": PROGRAMMES_PERTINENCE,
    "indicateurs_chiffres": CHIFFRES,
    "indicateurs_chiffres_simples": CHIFFRES_SIMPLES,
    "polymedication": POLYMEDICATION,
    "top20_volume": TOP20_VOLUME,
    "top20_remboursement": TOP20_REMBOURSEMENT,
    "niveaux_prevention": NIVEAUX_PREVENTION,
    "indicateurs_prevention": INDICATEURS_PREVENTION,
    "forfait_mt": FORFAIT_MT,
    "population": POPULATION,
    "parametres": PARAMETRES,
    "patients": PATIENTS,
    "actes": ACTES,
    "vignettes_prevention": VIGNETTES_PREVENTION,
    "presets_depistage": PRESETS_DEPISTAGE,
    "missions": MISSIONS,
    "valeurs": VALEURS,
    "piliers": PILIERS,
    "cas_exercice": CAS_EXERCICE,
    "cadres": CADRES,
    "correspondances": CORRESPONDANCES,
    "ecologie": ECOLOGIE,
    "competences": COMPETENCES,
    "comportements": COMPORTEMENTS,
    "familles": FAMILLES,
    "niveaux": NIVEAUX,
}
