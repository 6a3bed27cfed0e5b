"""Schémas du contexte : démographie et activité des médecins généralistes, besoins de santé, capacité d'un territoire."""

from __future__ import annotations

import pandera.pandas as pa

from .checks import at_least, between, code, non_empty, one_of, order, simulator_parameters, text


def _acts_per_gp_recompute(df):
    """The published ratio « actes / PS » must be the acts divided by the doctors (rounded to the unit)."""
    return (df["actes_cliniques"] / df["medecins"] - df["actes_par_medecin"]).abs() <= 1


DEMOGRAPHIE_MG = pa.DataFrameSchema(
    {
        "annee": pa.Column(int, between(2000, 2100), unique=True, coerce=True),
        "medecins": pa.Column(int, at_least(1), coerce=True),
        "actes_cliniques": pa.Column(int, at_least(0), coerce=True),
        "actes_par_medecin": pa.Column(int, at_least(0), coerce=True),
        "file_active_par_medecin": pa.Column(int, at_least(0), coerce=True),
        "patients_mt_par_medecin": pa.Column(int, at_least(0), coerce=True),
        "patients_mt_adultes_par_medecin": pa.Column(int, at_least(0), coerce=True),
        "reference": text(),
    },
    checks=[
        pa.Check(_acts_per_gp_recompute, error="actes_par_medecin doit valoir actes_cliniques / medecins (à l'unité près)"),
        pa.Check(lambda df: df["patients_mt_adultes_par_medecin"] <= df["patients_mt_par_medecin"],
                 error="les patients MT adultes ne peuvent pas dépasser l'ensemble des patients MT"),
    ],
    strict=True,
)

PEDIATRIC_BANDS = ("0-2 ans", "3-5 ans", "6-16 ans")

ACTIVITE_PEDIATRIQUE = pa.DataFrameSchema(
    {
        "tranche": pa.Column(str, one_of(PEDIATRIC_BANDS, "tranche d'âge")),
        "specialite": pa.Column(str, non_empty()),
        "patients": pa.Column(str, one_of(["tous", "en ALD"], "patients")),
        "professionnels": pa.Column(int, at_least(0), coerce=True),
        "actes": pa.Column(int, at_least(0), coerce=True),
        "lecture": pa.Column(str, one_of(["lu", "reconstitué"], "lecture")),
        "reference": text(),
    },
    checks=[
        pa.Check(lambda df: ~df.duplicated(["tranche", "specialite", "patients"]),
                 error="une seule ligne par tranche, spécialité et groupe de patients"),
        pa.Check(lambda df: (df["lecture"] == "lu") | (df["reference"].str.contains("reconstitu")),
                 error="une valeur reconstituée doit dire comment dans sa référence"),
    ],
    strict=True,
)

CHIFFRES_PERIODE = pa.DataFrameSchema(
    {
        "indicateur": pa.Column(str, code(r"^[a-z0-9_]+$", "beneficiaires_ald"), unique=True),
        "ordre": order(),
        "valeur": pa.Column(float, coerce=True),
        "unite": pa.Column(str, non_empty()),
        "periode": pa.Column(str, non_empty()),
        "precision": pa.Column(str, one_of(["telle que publiée", "environ", "au moins", "au plus"], "précision")),
        "libelle": text(),
        "reference": text(),
    },
    strict=True,
)



def _sourced_rows_cite_a_source(df):
    return (df["statut"] == "illustratif") | df["reference"].str.contains(r"[Ss]ource \d{3}|p\. \d", regex=True)


PARAMETRES_SIMULATEUR = simulator_parameters("departs", ["illustratif", "sourcé"], checks=[
    pa.Check(_sourced_rows_cite_a_source, error="un paramètre « sourcé » doit citer sa source (document et ligne ou page)"),
])
