"""Schémas pandera des jeux de données (noms de colonnes en français, visibles des apprenants).

Every check carries a French ``error`` text: it is what the learner reads when a file is wrong.
"""

from __future__ import annotations

import pandera.pandas as pa


def non_empty() -> pa.Check:
    return pa.Check.str_length(min_value=1, error="le texte ne doit pas être vide")


def between(low: float, high: float) -> pa.Check:
    return pa.Check.in_range(low, high, error=f"la valeur doit être comprise entre {low} et {high}")


def at_least(low: float) -> pa.Check:
    return pa.Check.ge(low, error=f"la valeur doit être supérieure ou égale à {low}")


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

SCHEMAS: dict[str, pa.DataFrameSchema] = {
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
