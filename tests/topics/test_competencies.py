"""Référentiels de compétences, maquette du DES : cohérence des jeux de données entre eux."""

from __future__ import annotations

from atelier_mg.core import data
from atelier_mg.topics import competencies


def test_cnge_grid_matches_the_frameworks_table_and_the_correspondences():
    cnge = data.load_table("competences_cnge").set_index("code")
    frames = data.load_table("cadres_competences")
    frames = frames[frames["cadre"] == "CNGE 2013"].set_index("code")
    assert list(cnge.index) == list(frames.index) == [f"N{i}" for i in range(1, 7)]
    assert (cnge["competence"] == frames["element"]).all()
    links = data.load_table("correspondances_referentiels")
    cnge_links = links[links["cadre"] == "CNGE 2013"]
    assert set(cnge_links["element"]) <= set(cnge.index)
    # The professionalism competency has no main counterpart in 2025: the chapter says so.
    main = cnge_links[cnge_links["force"] == "principale"]
    assert "N6" not in set(main["element"])
    assert set(main["competence"]) == {f"C{i}" for i in range(1, 7)}  # C7, C8 only partly


def test_label_variants_are_shown_for_the_cnge_grid():
    cnge = data.load_table("competences_cnge").set_index("code")
    assert "incertitude" in cnge.loc["N1", "variantes"]
    assert "DMG" in cnge.loc["N1", "variantes"]


def test_maquette_and_durations_agree():
    maquette = data.load_table("maquette_des_mg_2023")
    des = data.load_table("des_mg_2026").set_index("indicateur")["valeur"]
    spans = maquette.groupby("phase").agg(low=("semestre_min", "min"), high=("semestre_max", "max"))
    for phase in ("socle", "approfondissement", "consolidation"):
        low, high = spans.loc[phase]
        assert high - low + 1 == des[f"semestres_{phase}"], phase
    assert spans["high"].max() == des["semestres_des"] == 8
    # Order of the phases: socle, then approfondissement, then consolidation, without gap.
    assert spans.loc["socle", "high"] + 1 == spans.loc["approfondissement", "low"]
    assert spans.loc["approfondissement", "high"] + 1 == spans.loc["consolidation", "low"]
    saspas = maquette[maquette["libelle_carnet"].str.startswith("SASPAS")].iloc[0]
    assert (saspas["semestre_min"], saspas["semestre_max"]) == (5, 6)  # one of the last two of approfondissement


def test_correspondence_matrix_lists_every_competency_once():
    matrix = competencies.correspondence_matrix()
    assert len(matrix) == len(competencies.competencies()) == 8
    assert matrix.set_index("Compétence 2025").loc["C8 Leadership", "CNGE 2013"] == "Professionnalisme (en partie)"
