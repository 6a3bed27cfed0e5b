"""Items restants de la relecture (pertinence §9) : chaque jeu de données contre ce que disent ses sources."""

from __future__ import annotations

from atelier_mg.core import data
from atelier_mg.core.schemas.pertinence import RULE_STATUSES

NEW_DATASETS = ("angine_culture_raa", "livrables_cnam_2024", "prescription_securisee_2025", "medicaments_sexe_age")


def test_throat_culture_age_window_is_the_2011_guideline():
    raa = data.mapping("angine_culture_raa", "parametre", "valeur")
    # SPILF/SFP/GPIP 2011: repeated streptococcal sore throats or a stay in an endemic area count between 5 and
    # 25 years of age; a personal history of acute rheumatic fever counts at any age.
    assert (raa["age_min_fenetre_risque"], raa["age_max_fenetre_risque"]) == (5, 25)
    meta = data.read_metadata("angine_culture_raa")
    assert "antécédent personnel de RAA" in meta["verification"]["contre"]
    contre = meta["verification"]["contre"]
    assert "n'a pas été relu par les auteurs" in contre  # said, not hidden
    assert "relecture indépendante" not in contre  # an internal review is never the source of a rule (RP5)
    assert meta["verification"]["lecture"] != "source_primaire"
    assert "qu'en appoint" in " ".join(meta["description"].split())


def test_the_chapter_does_not_make_each_rheumatic_fever_criterion_sufficient_alone():
    from pathlib import Path

    text = " ".join((Path(__file__).parents[3] / "book" / "antibiotiques.md").read_text(encoding="utf-8").split())
    assert "Chacun de ces critères suffit" not in text
    assert "*associé* soit à des **angines à streptocoque répétées**" in text
    assert "ne viennent qu'en appoint" in text
    # The 2011 text is not shown as read, and the culture after a negative test is an option, not a duty (RP2, RP5).
    assert "dont le texte n'a pas pu être relu" in text and "relecture indépendante" not in text
    assert "un TROD négatif peut être contrôlé par une **culture" in text
    assert "un TROD négatif se contrôle" not in text
    bib = (Path(__file__).parents[3] / "book" / "references.bib").read_text(encoding="utf-8")
    entry = bib[bib.index("@misc{spilf2011orl"):].split("\n}\n", 1)[0]
    assert "Texte lu dans une copie" not in entry and "non ouverts par les auteurs" in entry
    assert "relecture indépendante" not in entry


def test_every_first_deliverable_of_the_slide_is_accounted_for():
    rows = data.load_table("livrables_cnam_2024").set_index("code")
    # Slide « Premiers livrables » (source 003 l. 92-104): awareness campaign, level-2 analgesics,
    # teleconsultation framing, GAP specification, new services (SOS IJ, « lien antibiotic »).
    assert {"sensibilisation", "antalgiques", "teleconsultation_has", "teleconsultation_arrets", "gap", "sos_ij",
            "lien_antibiotic"} == set(rows.index)
    assert set(rows["statut"]) <= set(RULE_STATUSES)
    # What could not be found is said so, never filled in.
    assert rows.loc["lien_antibiotic", "statut"] == rows.loc["teleconsultation_has", "statut"] == (
        "non précisé par les textes publics")
    assert "1er mars 2025" in rows.loc["antalgiques", "reponse"] and "12 semaines" in rows.loc["antalgiques", "reponse"]
    assert "3 jours" in rows.loc["teleconsultation_arrets", "reponse"]
    assert "médecin traitant" in rows.loc["teleconsultation_arrets", "reponse"]


def test_deliverables_agree_with_the_figures_and_the_other_chapters():
    rows = data.load_table("livrables_cnam_2024").set_index("code")
    figures = data.mapping("prescription_securisee_2025", "indicateur", "valeur")
    assert f"{int(figures['arret_teleconsultation_jours'])} jours" in rows.loc["teleconsultation_arrets", "reponse"]
    assert f"moins de {int(figures['sos_ij_delai'])} jours" in rows.loc["sos_ij", "reponse"]
    # Same secure-prescription rule as the polypharmacy chapter's regulatory table.
    rules = data.mapping("deprescription_reglementation", "parametre", "valeur")
    assert rules["opioides_duree_max_semaines"] == 12


def test_secure_prescribing_figures():
    f = data.mapping("prescription_securisee_2025", "indicateur", "valeur")
    assert f["ordonnance_numerique_obligation"] == 2025  # obligation from 1 January 2025 (VIDAL)
    assert f["arret_teleconsultation_jours"] == 3
    # Fraud on sick notes: about 30 M€ in 2024 against 8 M€ in 2023, nearly four times more.
    assert (f["fraude_arrets_2023"], f["fraude_arrets_2024"]) == (8, 30)
    assert 3.5 < f["fraude_arrets_2024"] / f["fraude_arrets_2023"] < 4
    assert f["arrets_dematerialises"] == f["consultations_avec_medicament"] == 8  # « 8 sur 10 », two sources


def test_sex_gap_is_an_external_analysis_next_to_the_cnam_mean():
    gap = data.mapping("medicaments_sexe_age", "indicateur", "valeur")
    assert (gap["age_divergence"], gap["surcroit_hommes_60_plus"]) == (60, 33)
    assert data.mapping("medicaments_chiffres_2024", "indicateur", "valeur")["remboursement_moyen_assure"] == 410
    years = set(data.load_table("medicaments_sexe_age")["annee"])
    assert years == {2020}  # Open Medic 2020, not the Cnam's own year: the chapter says so


def test_new_datasets_record_their_check():
    for name in NEW_DATASETS:
        meta = data.read_metadata(name)
        assert "2026-11-30" <= meta["verification"]["date"] <= "2026-12-08", name  # checked, and re-checked since
        assert "http" in meta["verification"]["contre"], name
        assert meta["source"]["localisation"], name
