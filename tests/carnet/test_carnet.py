"""Carnet de compétences : traces, persistance, grille, évaluations, exports, application de l'interne."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from atelier_mg.carnet import analysis, export
from atelier_mg.carnet import app as carnet_ui
from atelier_mg.carnet import charts as charts_module
from atelier_mg.carnet import model as cm
from atelier_mg.core import data

TRACE = dict(
    date="2026-10-12", stage=cm.STAGE_TYPES[0], semestre=1,
    recit="Femme de 54 ans, lombalgie aiguë et renouvellement d'un traitement antihypertenseur.",
    familles=["F01", "F02"], competences=["C1", "C4"], niveau="novice",
)


@pytest.fixture
def carnet(tmp_path):
    return cm.Carnet.open(tmp_path / "carnet.json", grid="cmg2025")


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
    assert ("Premier recours : l'auto-évaluation de l'interne (Compétent) dépasse le niveau observé par le MSU (Novice)."
            in gaps)
    assert ("Centrée patient : l'auto-évaluation de l'interne (Novice) est en deçà du niveau observé par le MSU "
            "(Intermédiaire)." in gaps)
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
    assert len(traces) == len(example.traces) == 10
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
    status, grid, tabs = app.children
    assert grid.value == "cnge"  # a new carnet follows the grid on which the DES is assessed
    choose, date, stage, semestre, recit, familles, competences, niveau = tabs.children[0].children[:8]
    save, mask_button = tabs.children[0].children[8].children
    recit.value = "Homme de 40 ans joignable au 06 12 34 56 78, toux."
    familles.value, competences.value = ("F02",), ("N1",)
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
    _, _, tabs = app.children
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


# -- W5: stages of the 2023 maquette, old carnets ------------------------------------------------

def test_stage_list_follows_the_2023_maquette():
    maquette = data.load_table("maquette_des_mg_2023")
    assert cm.STAGE_TYPES[:-1] == tuple(maquette.sort_values("ordre")["libelle_carnet"])
    assert cm.STAGE_TYPES[-1] == "Autre stage"
    joined = " | ".join(cm.STAGE_TYPES)
    for stage in ("couplé santé de la femme et de l'enfant", "Stage libre", "médecine polyvalente", "urgence", "SASPAS",
                  "Docteur junior"):
        assert stage in joined
    assert "Stage en santé de la femme" not in cm.STAGE_TYPES  # separate stages belong to the 2017 maquette
    by_label = maquette.set_index("libelle_carnet")
    saspas = next(s for s in cm.STAGE_TYPES if s.startswith("SASPAS"))
    assert (by_label.loc[saspas, "phase"], by_label.loc[saspas, "semestre_min"]) == ("approfondissement", 5)
    assert set(maquette.loc[maquette["phase"] == "consolidation", "semestre_min"]) == {7}


def test_example_carnet_is_a_plausible_course():
    example = cm.Carnet.open(cm.EXAMPLE)
    assert analysis.maquette_remarks(example) == []
    semesters = [t.semestre for t in sorted(example.traces, key=lambda t: t.date)]
    assert semesters == sorted(semesters)  # chronological order = semester order
    saspas = {t.semestre for t in example.traces if t.stage.startswith("SASPAS")}
    assert saspas and saspas <= {5, 6}


def test_maquette_remarks_flag_misplaced_stages_and_overlapping_semesters(carnet):
    saspas = next(s for s in cm.STAGE_TYPES if s.startswith("SASPAS"))
    carnet.add_trace(**{**TRACE, "date": "2026-05-12", "semestre": 1})
    carnet.add_trace(**{**TRACE, "date": "2026-05-20", "stage": saspas, "semestre": 3})
    carnet.add_trace(**{**TRACE, "date": "2026-06-03", "semestre": 1})
    remarks = analysis.maquette_remarks(carnet)
    assert any("SASPAS" in r and "semestre 3" in r and "semestres 5 ou 6" in r for r in remarks)
    assert any("se chevauchent" in r for r in remarks)
    carnet.add_trace(**{**TRACE, "date": "2025-01-10", "semestre": 1})
    assert any("plus de six mois" in r for r in analysis.maquette_remarks(carnet))


def test_a_pre_2023_carnet_still_opens_and_is_saved_in_the_new_format(tmp_path):
    old = cm.Carnet.open(cm.EXAMPLE).to_dict()
    old["version"] = 1
    del old["grille"]  # version 1 files had no grid: they were on the 2025 competencies
    legacy = ["SASPAS (stage autonome en soins primaires)", "Stage en santé de la femme", "Stage en santé de l'enfant",
              "Stage hospitalier (médecine polyvalente, gériatrie…)", "Docteur junior (4e année)"]
    for trace, stage in zip(old["traces"], legacy, strict=False):
        trace["stage"] = stage
    path = tmp_path / "ancien.json"
    path.write_text(json.dumps(old, ensure_ascii=False))
    carnet = cm.Carnet.open(path)
    stages = [t.stage for t in carnet.traces[:5]]
    assert stages[0] == "SASPAS (stage ambulatoire en soins primaires en autonomie supervisée)"
    assert stages[4] == "Docteur junior ambulatoire (phase de consolidation)"
    assert stages[1:4] == legacy[1:4]  # 2017 stages without an equivalent are kept as they were
    assert [t.recit for t in carnet.traces] == [t["recit"] for t in old["traces"]]
    carnet.update_trace(carnet.traces[1].id, niveau="competent")  # a legacy trace can still be edited
    saved = json.loads(path.read_text())
    assert saved["version"] == cm.VERSION == 2 and saved["traces"][1]["stage"] == "Stage en santé de la femme"
    with pytest.raises(cm.CarnetError, match="type de stage « Stage de pédiatrie » inconnu"):
        carnet.add_trace(**{**TRACE, "stage": "Stage de pédiatrie"})


def test_intern_app_offers_a_legacy_stage_only_for_the_trace_that_has_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    carnet = cm.Carnet.open(tmp_path / cm.DEFAULT_FILENAME, grid="cmg2025")
    trace = carnet.add_trace(**{**TRACE, "stage": "Stage en santé de l'enfant"})
    _, _, tabs = carnet_ui.carnet_app().children
    choose, _, stage = tabs.children[0].children[:3]
    choose.value = trace.id
    assert stage.value == "Stage en santé de l'enfant"
    choose.value = ""
    assert tuple(stage.options) == cm.STAGE_TYPES


# -- W3: the intern chooses the grid (CNGE 6 or référentiel 2025 8) -----------------------------

CNGE_TRACE = {**TRACE, "competences": ["N1", "N5"]}


def test_a_cnge_carnet_is_analysed_charted_and_exported_on_the_six_competencies(tmp_path):
    carnet = cm.Carnet.open(tmp_path / "cnge.json")
    assert carnet.grille == "cnge"
    carnet.add_trace(**CNGE_TRACE)
    carnet.set_assessment("auto", {"N1": "intermediaire", "N6": "novice"})
    carnet.set_assessment("msu", {"N1": "novice"})
    with pytest.raises(cm.CarnetError, match="inconnue.*C1.*choix : N1, N2, N3, N4, N5, N6"):
        carnet.add_trace(**TRACE)  # 2025 codes do not belong to this grid
    reopened = cm.Carnet.open(tmp_path / "cnge.json")
    assert reopened.grille == "cnge" and json.loads((tmp_path / "cnge.json").read_text())["grille"] == "cnge"
    grid = analysis.coverage(reopened)
    assert grid.shape == (11, 6) and grid.loc["F01", "N5"] == 1
    assert analysis.not_yet_met(grid)["competences"] == ["N2", "N3", "N4", "N6"]
    table = analysis.assessment_table(reopened)
    assert list(table["code"]) == [f"N{i}" for i in range(1, 7)]
    assert "Premier recours : l'auto-évaluation de l'interne (Intermédiaire) dépasse" in " ".join(
        analysis.assessment_gaps(table))
    assert "N1 Premier recours" in analysis.traces_table(reopened).loc[0, "Compétences"]
    files = export.write_portfolio(reopened, tmp_path / "export")
    radar = files["radar_svg"].read_text()
    assert "Professionnalisme" in radar and "Leadership" not in radar
    page = files["synthese_html"].read_text()
    assert "CNGE, six compétences génériques" in page and "N6 — Professionnalisme" in page


def test_an_old_carnet_without_grid_stays_on_the_2025_competencies():
    raw = cm.Carnet.open(cm.EXAMPLE).to_dict()
    del raw["grille"]
    carnet = cm.Carnet.from_json(json.dumps(raw))
    assert carnet.grille == "cmg2025" and len(carnet.traces) == 10
    assert analysis.coverage(carnet).shape == (11, 8)


def test_a_bad_grid_is_refused_in_french_and_nothing_is_lost(tmp_path):
    with pytest.raises(cm.CarnetError, match="Grille de compétences « marguerite » inconnue. Choix possibles : « cnge »"):
        cm.Carnet.open(tmp_path / "neuf.json", grid="marguerite")
    raw = cm.Carnet.open(cm.EXAMPLE).to_dict()
    raw["grille"] = "CNGE2013"
    with pytest.raises(cm.CarnetError, match="Fichier fichier reçu : Grille de compétences « CNGE2013 » inconnue"):
        cm.Carnet.from_json(json.dumps(raw))

    path = tmp_path / "carnet.json"
    carnet = cm.Carnet.open(cm.EXAMPLE).copy_to(path)
    carnet.save()
    before = path.read_text()
    with pytest.raises(cm.CarnetError, match="inconnue"):
        carnet.set_grid("huit")
    with pytest.raises(cm.CarnetError, match="Changement de grille refusé : ce carnet contient 10 trace.*2 évaluation"):
        carnet.set_grid("cnge")
    assert carnet.grille == "cmg2025" and path.read_text() == before


def test_an_empty_carnet_can_switch_grid(tmp_path):
    carnet = cm.Carnet.open(tmp_path / "c.json")
    carnet.set_grid("cmg2025")
    assert cm.Carnet.open(tmp_path / "c.json").grille == "cmg2025"
    carnet.add_trace(**TRACE)
    with pytest.raises(cm.CarnetError, match="refusé"):
        carnet.set_grid("cnge")


def test_intern_app_offers_the_grid_in_french_and_follows_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, grid, tabs = carnet_ui.carnet_app().children
    assert [label for label, _ in grid.options] == list(cm.GRIDS.values())
    assert "CNGE" in grid.options[0][0] and "2025" in grid.options[1][0]
    competences = tabs.children[0].children[6]
    assert [code for _, code in competences.options] == [f"N{i}" for i in range(1, 7)]
    auto_form = tabs.children[2].children[0]
    assert "Grille du CNGE" in auto_form.children[1].value
    grid.value = "cmg2025"  # empty carnet: the switch is allowed and saved
    assert "désormais" in status.value
    assert [code for _, code in competences.options][-1] == "C8"
    assert len(tabs.children[2].children[0].children) == 2 + 8 + 1
    assert "pas de descripteurs officiels" in tabs.children[2].children[0].children[1].value
    assert json.loads((tmp_path / cm.DEFAULT_FILENAME).read_text())["grille"] == "cmg2025"

    tabs.children[0].children[4].value = "Toux simple chez un adulte de 30 ans."
    tabs.children[0].children[5].value = ("F02",)
    competences.value = ("C1",)
    tabs.children[0].children[8].children[0].click()
    assert "Trace enregistrée" in status.value
    grid.value = "cnge"  # now refused: the widget goes back to the carnet's grid
    assert "Changement de grille refusé" in status.value and grid.value == "cmg2025"
    assert json.loads((tmp_path / cm.DEFAULT_FILENAME).read_text())["grille"] == "cmg2025"


# -- accessibility: text alternative, not colour alone, keyboard ---------------------------------

def test_radar_does_not_rely_on_colour_alone_and_has_a_text_alternative():
    example = cm.Carnet.open(cm.EXAMPLE)
    table = analysis.assessment_table(example)
    spec = charts_module.radar_chart(table).to_dict()
    marks = {layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]: layer.get("encoding", {})
             for layer in spec["layer"]}
    assert marks["line"]["strokeDash"]["field"] == "evaluation"  # dashed MSU line
    assert marks["point"]["shape"]["field"] == "evaluation"  # round vs square points
    assert "pointillée" in spec["description"] and "tableau" in spec["description"]
    text = export.assessment_html(table)
    root = ET.fromstring(text)
    assert root.find("caption") is not None and len(root.find("tbody")) == len(table) == 8
    first = [cell.text for cell in root.find("tbody")[0]]
    assert first == ["C1 Premier recours", "Intermédiaire", "Novice", "auto-évaluation plus haute"]
    assert "non évalué" in text  # C8 has no MSU rating in the example
    assert text in export.summary_html(example)


def test_intern_app_is_labelled_and_explains_keyboard_use(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = carnet_ui.carnet_app()
    _, grid, tabs = app.children
    widgets, stack = [], [app]
    while stack:
        widget = stack.pop()
        widgets.append(widget)
        stack.extend(getattr(widget, "children", ()))
    for widget in widgets:
        if isinstance(widget, carnet_ui.w.Button):
            assert widget.description.strip(), "bouton sans texte (icône seule)"
        if isinstance(widget, (carnet_ui.w.Dropdown, carnet_ui.w.SelectMultiple, carnet_ui.w.Textarea,
                               carnet_ui.w.RadioButtons, carnet_ui.w.DatePicker, carnet_ui.w.Text)):
            assert widget.description.strip(), f"champ sans étiquette : {type(widget).__name__}"
    assert "Au clavier" in tabs.children[0].children[-1].value
    assert [tabs.get_title(i) for i in range(5)] == ["Trace", "Mes traces", "Évaluations", "Synthèse", "Export"]
    synthesis = tabs.children[3]
    assert any("atelier-radar-texte" in child._dom_classes for child in synthesis.children)
