"""Schémas de l'organisation des soins primaires (équipe de proximité) et des dispositifs de rémunération."""

from __future__ import annotations

import pandera.pandas as pa

from .checks import at_least, between, code, one_of, order, text


def _value_within_bounds(df):
    return (df["minimum"] <= df["valeur"]) & (df["valeur"] <= df["maximum"])


PARAMETRES_EQUIPE = pa.DataFrameSchema(
    {
        "code": pa.Column(str, code(r"^[a-z_]+$", "medecins"), unique=True),
        "ordre": order(),
        "libelle": text(unique=True),
        "valeur": pa.Column(float, at_least(0), coerce=True),
        "minimum": pa.Column(float, at_least(0), coerce=True),
        "maximum": pa.Column(float, at_least(0), coerce=True),
        "pas": pa.Column(float, pa.Check.gt(0, error="le pas doit être strictement positif"), coerce=True),
        "unite": text(),
        "reglable": pa.Column(int, one_of([0, 1], "réglable"), coerce=True),
        "statut": pa.Column(str, one_of(["illustratif", "sourcé", "calculé"], "statut")),
        "explication": text(),
        "reference": text(),
    },
    checks=[pa.Check(_value_within_bounds, error="la valeur doit être comprise entre le minimum et le maximum")],
    strict=True,
)

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
