"""Carnet de compétences : traces, persistance, grille, évaluations, exports, application de l'interne."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from atelier_mg.carnet import analysis, export
from atelier_mg.carnet import app as carnet_ui
from atelier_mg.carnet import model as cm

TRACE = dict(
    date="2026-10-12", stage=cm.STAGE_TYPES[0], semestre=1,
    recit="Femme de 54 ans, lombalgie aiguë et renouvellement d'un traitement antihypertenseur.",
    familles=["F01", "F02"], competences=["C1", "C4"], niveau="novice",
)


@pytest.fixture
def carnet(tmp_path):
    return cm.Carnet.open(tmp_path / "carnet.json")


def test_traces_are_added_edited_deleted_and_persist(carnet, tmp_path):
    t1 = carnet.add_trace(**TRACE)
    t2 = carnet.add_trace(**{**TRACE, "familles": ["F04"], "competences": ["C6"], "niveau": "intermediaire"})
    assert [t.id for t in cm.Carnet.open(tmp_path / "carnet.json").traces] == [t1.id, t2.id]

    edited = carnet.update_trace(t1.id, niveau="competent", recit="Nouveau récit sans identifiant.")
    assert edited.cree_le == t1.cree_le and edited.niveau == "competent"
    reopened = cm.Carnet.open(tmp_path / "carnet.json")
    assert reopened.get(t1.id).recit == "Nouveau récit sans identifiant."

    carnet.delete_trace(t2.id)
    assert [t.id for t in cm.Carnet.open(tmp_path / "carnet.json").traces] == [t1.id]
    # The previous version is kept next to the file.
    backup = json.loads((tmp_path / "carnet.json.bak").read_text())
    assert len(backup["traces"]) == 2


def test_bad_input_is_refused_in_french_and_changes_nothing(carnet, tmp_path):
    carnet.add_trace(**TRACE)
    before = (tmp_path / "carnet.json").read_text()
    with pytest.raises(cm.CarnetError) as err:
        carnet.add_trace(**{**TRACE, "date": "2099-01-01", "semestre": 9, "recit": " ", "familles": [], "niveau": "expert"})
    message = str(err.value)
    for part in ("dans le futur", "semestre « 9 »", "récit est vide", "au moins une famille", "niveau « expert »"):
        assert part in message
    with pytest.raises(cm.CarnetError, match="date « 12/10/2026 » invalide"):
        carnet.update_trace(carnet.traces[0].id, date="12/10/2026")
    with pytest.raises(cm.CarnetError, match="Aucune trace"):
        carnet.delete_trace("inexistante")
    assert len(carnet.traces) == 1
    assert (tmp_path / "carnet.json").read_text() == before


def test_a_failed_save_keeps_the_previous_state(carnet, tmp_path, monkeypatch):
    carnet.add_trace(**TRACE)

    def broken(*_args, **_kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(cm.os, "replace", broken)
    with pytest.raises(cm.CarnetError, match="Impossible d'enregistrer"):
        carnet.add_trace(**TRACE)
    assert len(carnet.traces) == 1
    assert len(cm.Carnet.open(tmp_path / "carnet.json").traces) == 1


def test_a_corrupt_file_is_reported_and_left_untouched(tmp_path):
    path = tmp_path / "carnet.json"
    path.write_text("{ pas du json")
    with pytest.raises(cm.CarnetError, match="JSON invalide"):
        cm.Carnet.open(path)
    assert path.read_text() == "{ pas du json"
    path.write_text(json.dumps({"format": "autre"}))
    with pytest.raises(cm.CarnetError, match="n'est pas un carnet"):
        cm.Carnet.open(path)
    good = cm.Carnet.open(cm_example()).to_dict()
    good["traces"][0]["recit"] = "Patient joignable au 06 12 34 56 78"
    path.write_text(json.dumps(good))
    with pytest.raises(cm.CarnetError, match="Trace n° 1 .* numéro de téléphone"):
        cm.Carnet.open(path)


def cm_example():
    return cm.EXAMPLE


def test_coverage_grid_counts_family_competency_pairs(carnet):
    carnet.add_trace(**TRACE)  # F01, F02 × C1, C4
    carnet.add_trace(**{**TRACE, "familles": ["F01"], "competences": ["C1", "C6"]})
    grid = analysis.coverage(carnet)
    assert grid.shape == (11, 8)
    assert grid.loc["F01", "C1"] == 2 and grid.loc["F01", "C6"] == 1 and grid.loc["F02", "C4"] == 1
    assert grid.to_numpy().sum() == 6
    missing = analysis.not_yet_met(grid)
    assert missing["familles"] == [f"F{i:02d}" for i in range(3, 12)]
    assert missing["competences"] == ["C2", "C3", "C5", "C7", "C8"]


def test_assessment_gaps_are_listed(carnet):
    carnet.set_assessment("auto", {"C1": "competent", "C2": "novice", "C3": "novice"})
    carnet.set_assessment("msu", {"C1": "novice", "C2": "novice", "C3": "intermediaire", "C4": "novice"})
    table = analysis.assessment_table(carnet)
    assert list(table.set_index("code")["ecart"][["C1", "C2", "C3"]]) == [2, 0, -1]
    gaps = analysis.assessment_gaps(table)
    assert "Premier recours : l'interne s'estime plus avancé (Compétent) que ne l'observe le MSU (Novice)." in gaps
    assert "Centrée patient : l'interne se sous-estime (Novice) par rapport au MSU (Intermédiaire)." in gaps
    assert "Continuité : pas d'auto-évaluation (MSU : Novice)." in gaps
    assert not any(g.startswith("Approche globale") for g in gaps)
    with pytest.raises(cm.CarnetError, match="niveau « expert » inconnu"):
        carnet.set_assessment("msu", {"C1": "expert"})
    with pytest.raises(cm.CarnetError, match="Évaluateur"):
        carnet.set_assessment("tuteur", {})


def test_exports_are_readable(tmp_path):
    example = cm.Carnet.open(cm.EXAMPLE).copy_to(None)
    files = export.write_portfolio(example, tmp_path / "export")
    traces = pd.read_csv(files["traces_csv"], sep=";", encoding="utf-8-sig")
    assert len(traces) == len(example.traces) == 7
    assert list(traces.columns)[:3] == ["Identifiant", "Date", "Stage"]
    assert cm.Carnet.from_json(files["carnet_json"].read_text()).to_dict() == example.to_dict()
    for svg in ("radar_svg", "grille_svg"):
        root = ET.fromstring(files[svg].read_text())
        assert root.tag.endswith("svg")
    assert "Premier recours" in files["radar_svg"].read_text()
    for png in ("radar_png", "grille_png"):
        assert files[png].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = files["synthese_html"].read_text()
    for part in ('<html lang="fr"', "Carnet de compétences", "Écarts", "pas encore rencontrées", "<svg", "Récit"):
        assert part in page
    assert "http://" not in page.replace("http://www.w3.org", "")


def test_intern_app_keeps_the_text_when_saving_fails(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = carnet_ui.carnet_app()
    status, tabs = app.children
    choose, date, stage, semestre, recit, familles, competences, niveau = tabs.children[0].children[:8]
    save, mask_button = tabs.children[0].children[8].children
    recit.value = "Homme de 40 ans joignable au 06 12 34 56 78, toux."
    familles.value, competences.value = ("F02",), ("C1",)
    save.click()
    assert "numéro de téléphone" in status.value and recit.value.endswith("toux.")
    assert not (tmp_path / cm.DEFAULT_FILENAME).exists()
    mask_button.click()
    assert "[téléphone masqué]" in recit.value
    save.click()
    assert "Trace enregistrée" in status.value
    assert len(cm.Carnet.open(tmp_path / cm.DEFAULT_FILENAME).traces) == 1
    assert "1 trace(s)" in tabs.children[1].value


@pytest.mark.parametrize("typed", ["/tmp/ailleurs", "../ailleurs", "dossier/sous-dossier", "..", "~root", "a..b", "x" * 61])
def test_export_folder_is_a_plain_name_next_to_the_carnet(tmp_path, typed):
    carnet_file = tmp_path / "interne" / cm.DEFAULT_FILENAME
    with pytest.raises(cm.CarnetError, match="Nom de dossier d'export refusé"):
        export.portfolio_folder(carnet_file, typed)
    assert export.portfolio_folder(carnet_file, "  Mon export 2026-11 ") == tmp_path / "interne" / "Mon export 2026-11"
    assert export.portfolio_folder(carnet_file, "") == tmp_path / "interne" / export.DEFAULT_FOLDER
    assert export.portfolio_folder(carnet_file, "équipe_été") == tmp_path / "interne" / "équipe_été"


def test_intern_app_exports_only_next_to_the_carnet(tmp_path, monkeypatch):
    """What is typed in « Dossier d'export » never names another place on the machine."""
    work, elsewhere = tmp_path / "interne", tmp_path / "ailleurs"
    work.mkdir()
    monkeypatch.chdir(work)
    cm.Carnet.open(cm.EXAMPLE).copy_to(work / cm.DEFAULT_FILENAME).save()
    app = carnet_ui.carnet_app()
    _, tabs = app.children
    _, folder, button, out = tabs.children[4].children
    folder.value = str(elsewhere)
    button.click()
    assert "Nom de dossier d&#x27;export refusé" in out.value
    assert not elsewhere.exists()
    folder.value = "portfolio"
    button.click()
    assert "Fichiers écrits" in out.value
    assert (work / "portfolio" / "synthese.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["interne"]
