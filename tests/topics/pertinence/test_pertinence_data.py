"""Pertinence : les chiffres des jeux de données comparés à la présentation de la Cnam."""

from __future__ import annotations

from atelier_mg.core import data
from atelier_mg.topics.pertinence import antibiotics as ab
from atelier_mg.topics.pertinence import polymedication as pm
from atelier_mg.topics.pertinence import sobriety as sb


def test_source_figures_are_those_of_the_cnam_talk():
    atb = ab.national_figures()
    assert (atb["patients_antibiotique"], atb["rang_europe"], atb["ecart_moyenne_europeenne"]) == (26.8, 5, 30)
    assert (atb["objectif_2025"], atb["objectif_2027"], atb["ratio_allemagne"]) == (-10, -25, 2)
    poly = data.load_table("polymedication_65plus").set_index("groupe")
    assert list(poly["patients_millions"]) == [13.3, 6.7, 1.6] and list(poly["rembourse_milliards_eur"]) == [10.0, 7.7, 3.5]
    programmes = data.load_table("programmes_pertinence_2024")
    assert list(programmes["numero"]) == list(range(1, 16))
    assert programmes.set_index("numero").loc[2, "cible_valeur"] == "10;25"
    vol = data.load_table("top20_medicaments_volume").set_index("produit")
    assert vol.loc["DOLIPRANE", "boites_millions"] == 308.2 and vol.loc["ELIQUIS", "rembourse_millions_eur"] == 754.9
    rem = data.load_table("top20_medicaments_remboursement").set_index("produit")
    assert rem.loc["VYNDAQEL", "rembourse_moyen_par_patient_eur"] == 66671 and rem.loc["HEMLIBRA", "asmr"] == "II"
    assert round(rem["rembourse_millions_eur"].sum()) == 7250
    med = data.load_table("medicaments_chiffres_2024").set_index("indicateur")["valeur"]
    assert (med["remboursement_moyen_assure"], med["consommateurs_ipp"], med["consommateurs_palier2"]) == (410, 16, 11)
    assert (med["ipp_age_seuil"], med["ipp_duree_seuil"]) == (65, 8)
    scores = ab.score_table()
    assert list(scores["probabilite_sga"]) == [0.08, 0.14, 0.23, 0.37, 0.55]  # Fine et al. 2012
    assert set(data.load_table("tests_rapides")["statut"]) == {"illustratif"}
    rules = sb.bonus_rules()
    assert (rules["bonus_niveau_eur"], rules["part_beneficiaires_niveau"], rules["baisse_minimale_evolution"]) == (1000, 30, 10)


def test_the_hyperpolymedication_share_inconsistency_is_kept_and_visible():
    nat = pm.national()
    assert nat.loc["hyperpolymedication", "part_patients_annoncee"] == 14
    assert round(nat.loc["hyperpolymedication", "part_patients_calculee"], 1) == 12.0
    assert round(nat.loc["polymedication", "part_patients_calculee"]) == 50
    assert round(nat.loc["hyperpolymedication", "rembourse_moyen_eur"]) == 2188
