"""Infections courantes, repères des tests et constats de la Cnam : les jeux de données contre leurs sources."""

from __future__ import annotations

import math

from atelier_mg.core import data
from atelier_mg.topics.pertinence import antibiotics as ab


def test_rapid_test_performance_is_that_of_the_meta_analyses():
    rows = data.load_table("tests_rapides").set_index("code")
    # Stewart 2014 (adults, immunochromatography): Se 91 %, Sp 93 % ; Cohen 2016 (children): Se 86 %, Sp 95 %.
    assert (rows.loc["angine_adulte", "sensibilite"], rows.loc["angine_adulte", "specificite"]) == (0.91, 0.93)
    assert (rows.loc["angine_enfant", "sensibilite"], rows.loc["angine_enfant", "specificite"]) == (0.86, 0.95)
    ranges = data.mapping("reperes_tests_infections", "indicateur", "valeur")
    # The chosen prevalences sit inside the ranges of the 2011 French guideline.
    assert ranges["sga_adulte_min"] <= 100 * rows.loc["angine_adulte", "prevalence"] <= ranges["sga_adulte_max"]
    assert ranges["sga_enfant_min"] <= 100 * rows.loc["angine_enfant", "prevalence"] <= ranges["sga_enfant_max"]
    assert "à partir de 3 ans" in rows.loc["angine_enfant", "situation"]


def test_centor_from_15_years_is_close_to_but_not_the_mcisaac_table():
    ranges = data.mapping("reperes_tests_infections", "indicateur", "valeur")
    centor = [ranges[f"centor_{k}"] for k in range(5)]
    assert centor == [7, 12, 21, 38, 57]  # Fine 2012, patients aged 15 and over
    mcisaac = [round(100 * p) for p in ab.score_table()["probabilite_sga"]]
    assert all(abs(a - b) <= 2 for a, b in zip(centor, mcisaac, strict=True)) and centor != mcisaac
    assert ranges["prevalence_15_plus"] < ranges["prevalence_3_plus"]


def test_recommended_durations():
    table = data.load_table("antibiotherapies_ville").set_index("code")
    durations = table["duree_jours"]
    assert durations["angine_adulte"] == durations["angine_enfant"] == 6
    assert durations["cystite_simple"] == 1 and "fosfomycine" in table.loc["cystite_simple", "antibiotique"]
    assert durations["cystite_simple_2e"] == 3 and "pivmécillinam" in table.loc["cystite_simple_2e", "antibiotique"]
    assert durations["pneumonie_adulte"] == 3  # SPILF/SPLF 2025, if clinically stable on day 3
    assert durations["oma_moins_2_ans"] > durations["oma_plus_2_ans"]
    assert durations["rhinopharyngite"] == durations["bronchite_aigue"] == 0
    # Durations that were not checked against a primary source are left empty, never guessed.
    assert math.isnan(durations["sinusite_adulte"]) and math.isnan(durations["iu_homme"])
    assert "ECBU" in table.loc["iu_homme", "conduite"]


def test_cnam_findings_are_those_of_the_talk():
    mcva = data.mapping("constats_mcva_2024", "indicateur", "valeur")
    assert (mcva["diabetiques_sans_endocrinologue"], mcva["diabetiques_sans_cardiologue"]) == (73, 53)
    assert (mcva["dialyses_sans_depistage_mrc"], mcva["diabete2_complications"]) == (14, 30)
    assert (mcva["ic_sejour_aigu"], mcva["dialyses_urgence"]) == (41, 30)
    ij = data.mapping("arrets_travail_2024", "indicateur", "valeur")
    assert (ij["evolution_ij"], ij["evolution_volume_2024"], ij["evolution_volume_2023"]) == (8.5, 4.7, 1.8)
    refs = data.load_table("constats_mcva_2024")["reference"]
    assert all("diapositive « Quelques constats de l'Assurance Maladie sur les maladies cardio-vasculaires" in r for r in refs)


def test_national_target_matches_the_convention_reading():
    # 650 per 1,000 in 2027 against 860.4 in 2024: the -25 % of the convention, read against 2024.
    index = ab.national_target_index()
    assert math.isclose(index, 100 * 650 / 860.4)
    assert abs(index - 75) < 1
