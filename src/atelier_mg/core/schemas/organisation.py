"""Schémas de l'organisation des soins primaires (équipe de proximité) et des dispositifs de rémunération."""

from __future__ import annotations

import pandera.pandas as pa

from .checks import between, code, one_of, order, simulator_parameters, text

PARAMETRES_EQUIPE = simulator_parameters("medecins", ["illustratif", "sourcé", "calculé"])

COMPOSITIONS_EQUIPE = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z0-9_]+$", "vendee_2025"), unique=True),
        "ordre": order(),
        "libelle": text(unique=True),
        "medecins": pa.Column(float, between(0, 20), coerce=True),
        "assistants": pa.Column(float, between(0, 20), coerce=True),
        "ipa": pa.Column(float, between(0, 20), coerce=True),
        "infirmiers": pa.Column(float, between(0, 20), coerce=True),
        "non_comptes": text(),
        "reference": text(),
    },
    strict=True,
)

CHRONOLOGIE_EQUIPE = pa.DataFrameSchema(
    {
        "ordre": order(),
        "annee": pa.Column(str, pa.Check.str_matches(r"^(\d{4}|avant \d{4})$", error="année attendue, ou « avant AAAA »")),
        "evenement": text(),
        "role": pa.Column(str, one_of(["médecin", "interne", "infirmier", "assistant médical", "IPA", "structure"], "rôle")),
        "reference": text(),
    },
    strict=True,
)

DISPOSITIFS_REMUNERATION = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z0-9_]+$", "rosp"), unique=True),
        "ordre": order(),
        "court": pa.Column(str, pa.Check.str_length(1, 30, error="libellé court de 1 à 30 caractères"), unique=True),
        "dispositif": text(unique=True),
        "debut": pa.Column(int, between(2000, 2100), coerce=True),
        "fin": pa.Column(float, between(2000, 2100), nullable=True, coerce=True),
        "cadre": text(),
        "remunere": text(),
        "reference": text(),
        "url": pa.Column(str, pa.Check.str_startswith("https://", error="adresse https attendue"), nullable=True),
    },
    checks=[pa.Check(lambda df: df["fin"].isna() | (df["fin"] >= df["debut"]),
                     error="la fin d'un dispositif ne peut pas précéder son début")],
    strict=True,
)

PARAMETRES_ANNEE_MG = simulator_parameters("patients", ["illustratif", "sourcé", "à confirmer"])

TARIFS_ACTES = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[A-Z0-9]+$", "G"), unique=True),
        "ordre": order(),
        "acte": text(unique=True),
        "montant_eur": pa.Column(float, between(0, 1000), coerce=True),
        "depuis": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$", error="date AAAA-MM-JJ attendue")),
        "conditions": text(),
        "statut": pa.Column(str, one_of(["vérifié", "à confirmer"], "statut")),
        "reference": text(),
    },
    strict=True,
)

MAJORATIONS_FMT = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z0-9_]+$", "zip"), unique=True),
        "ordre": order(),
        "taux": pa.Column(float, between(0, 1), coerce=True, unique=True),
        "situation": text(unique=True),
        "statut": pa.Column(str, one_of(["vérifié", "à confirmer"], "statut")),
        "reference": text(),
    },
    strict=True,
)

REPERES_EXERCICE = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z0-9_]+$", "zonage"), unique=True),
        "ordre": order(),
        "theme": pa.Column(str, one_of(["installation", "honoraires", "statuts", "continuité", "accès", "coordination"],
                                       "thème")),
        "repere": text(unique=True),
        "explication": text(),
        "reference": text(),
    },
    strict=True,
)

AIDES_INSTALLATION = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z0-9_]+$", "primo_zip"), unique=True),
        "ordre": order(),
        "aide": text(unique=True),
        "montant_eur": pa.Column(float, between(0, 100_000), coerce=True),
        "conditions": text(),
        "reference": text(),
    },
    strict=True,
)
