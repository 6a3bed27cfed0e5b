"""Patientèle, livre statique : données embarquées et phrase de synthèse tirées du modèle."""

from __future__ import annotations

from atelier_mg.core.formatting import euros
from atelier_mg.topics.patientele import generator
from atelier_mg.topics.patientele import model as pt
from atelier_mg.topics.patientele import static as ps


def test_embedded_rows_give_the_model_totals():
    pat = generator.generate(200, seed=11)
    rows, status = ps.patient_rows(pat), pt.status_table(pat)
    forfait = pt.forfait_table()
    fees = [forfait.loc[c, "montant_c2s_eur" if s else "montant_eur"] for c, s in zip(rows["categorie"], rows["c2s"],
                                                                                      strict=True)]
    assert sum(fees) == status["Forfait MT (€)"].sum()
    summary = pt.summary(status)
    for code in pt.RULES:
        letters = rows[code].value_counts()
        assert letters.get("V", 0) == summary.loc[code, "Validés"] and letters.get("E", 0) == summary.loc[code, "Exclus"]
        assert letters.get("N", 0) == summary.loc[code, "Non validés"]


def test_description_names_the_amounts_and_the_chosen_indicator():
    status = pt.status_table(generator.generate(200, seed=11))
    text = ps.describe(status, "docs")
    totals = pt.totals(status)
    assert text.startswith("200 patients : forfait médecin traitant " + euros(totals["forfait_mt"]))
    assert "Dépistage organisé du cancer du sein : " in text and "taux de validation" in text
    nobody = ps.describe(status.head(1), "examen_9_mois")
    assert "0 patients concernés" in nobody and "taux de validation non calculable" in nobody


def test_static_chart_inputs_are_labelled_in_french():
    spec = ps.static_chart(100, seed=1).to_dict()
    names = {p["name"]: p["bind"] for p in spec["params"]}
    assert names["effectif"]["max"] == 100 and names["effectif"]["name"] == "Patients pris en compte : "
    assert names["indicateur"]["labels"][0] == "Vaccin contre la grippe"


def test_axis_labels_are_short_but_distinct():
    labels = [ps.short_label(name) for name in pt.indicators()["indicateur"]]
    assert len(set(labels)) == len(labels) and max(map(len, labels)) <= 32
    assert "Vaccin : grippe" in labels and "Dépistage : cancer du sein" in labels
