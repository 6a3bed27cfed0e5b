"""Schémas du référentiel : compétences, manifestations, familles de situations, niveaux, missions, valeurs, cadres."""

from __future__ import annotations

import pandera.pandas as pa

from .checks import at_least, between, code, non_empty, one_of, referential, short_label, text

COMPETENCES = referential(r"^C[1-9]$", "C1", {
    "competence": text(unique=True), "libelle_court": short_label(20), "resume": text(),
})

COMPORTEMENTS = referential(r"^C[1-9]-\d{2}$", "C1-01", {
    "competence": pa.Column(str, code(r"^C[1-9]$", "C1")), "comportement": text(unique=True),
}, ordered=False, checks=[
    pa.Check(
        lambda df: df["code"].str[:2] == df["competence"],
        error="le code du comportement doit commencer par celui de sa compétence",
    )
])

COMPETENCES_CNGE = referential(r"^N[1-6]$", "N1", {
    "competence": text(unique=True), "libelle_court": short_label(20), "variantes": text(),
})

FAMILLES = referential(r"^F\d{2}$", "F01", {"famille": text(unique=True), "libelle_court": short_label(28)})

NIVEAUX = referential(r"^[a-z_]+$", "novice", {
    "rang": pa.Column(int, between(1, 9), unique=True, coerce=True), "niveau": text(unique=True), "description": text(),
}, ordered=False)

MISSION_GROUPS = (
    "Accueillir et soigner",
    "Repérer, protéger, prévenir",
    "Coordonner et assurer la continuité",
    "Agir pour la population et le territoire",
    "Transmettre, améliorer, innover",
)

VALUE_CATEGORIES = ("principe_ethique", "valeur_premiere", "valeur_de_base", "element_essentiel")
FRAMEWORKS = ("CNGE 2013", "WONCA Europe", "CanMEDS-MF 2017")

MISSIONS = referential(r"^M\d{2}$", "M01", {
    "groupe": pa.Column(str, one_of(MISSION_GROUPS, "groupe")), "mission": text(unique=True), "resume": text(),
    "exemple_stage": text(),
})

VALEURS = referential(r"^V\d{2}$", "V01", {
    "categorie": pa.Column(str, one_of(VALUE_CATEGORIES, "catégorie")), "valeur": text(unique=True), "explication": text(),
})

PILIERS = referential(r"^P\d$", "P1", {"pilier": text(unique=True), "explication": text()})

DES_PHASES = ("socle", "approfondissement", "consolidation")

MAQUETTE = referential(r"^S\d{2}$", "S01", {
    "phase": pa.Column(str, one_of(DES_PHASES, "phase")), "stage": text(unique=True), "libelle_carnet": text(unique=True),
    "semestre_min": pa.Column(int, between(1, 8), coerce=True), "semestre_max": pa.Column(int, between(1, 8), coerce=True),
    "lieu": text(),
}, checks=[pa.Check(lambda df: df["semestre_min"] <= df["semestre_max"],
                    error="semestre_min doit être inférieur ou égal à semestre_max")])

CAS_EXERCICE = referential(r"^E\d{2}$", "E01", {
    "profil": text(unique=True), "medecine_generale": pa.Column(str, one_of(["oui", "non"], "réponse")), "explication": text(),
}, ordered=False)

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

VIGNETTES_ETHIQUES = referential(r"^VE\d{2}$", "VE01", {
    "vignette": text(unique=True), "tension": text(), "discussion": text(),
})

ETUDES_RELATION_SOIN = referential(r"^R\d{2}$", "R01", {
    "etude": text(unique=True), "plan": text(), "patients": pa.Column(int, at_least(1), coerce=True), "resultat": text(),
})

LEGAL_TOPICS = ("deontologie", "organisation", "certificats")

REPERES_JURIDIQUES = referential(r"^J\d{2}$", "J01", {
    "rubrique": pa.Column(str, one_of(LEGAL_TOPICS, "rubrique")), "theme": text(unique=True), "contenu": text(),
})
