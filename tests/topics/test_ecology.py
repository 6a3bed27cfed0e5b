"""Modèle, graphique et simulateur de l'écologie des soins."""

import json
import math
import re

import pandas as pd
import pytest

from atelier_mg.core import charts, data
from atelier_mg.topics import ecology


def test_counts_scale_with_population_and_months():
    r = ecology.simulate_dataset("ecologie_white_1961", 60_000, 3).set_index("code")
    assert r.loc["physician", "par_mois_min"] == 15_000  # 250 per 1,000 × 60,000
    assert r.loc["university", "par_mois_max"] == 60
    assert r.loc["physician", "periode_min"] == 45_000  # 3 months of person-months
    assert r.loc["population", "par_mois_min"] == 60_000


def test_ranges_are_carried_through():
    r = ecology.simulate_dataset("ecologie_referentiel_2025", 10_000).set_index("code")
    assert (r.loc["gp", "par_mois_min"], r.loc["gp", "par_mois_max"]) == (2_000, 3_000)


def test_model_works_on_any_valid_table_and_validates_it():
    table = pd.DataFrame({
        "ordre": [1, 2], "code": ["population", "x"], "niveau": ["tous", "certains"],
        "pour_1000_min": [1000.0, 100.0], "pour_1000_max": [1000.0, 100.0], "reference": ["r", "r"],
    })
    assert ecology.simulate(table, 2_000).set_index("code").loc["x", "par_mois_min"] == 200
    with pytest.raises(data.DataError, match="colonne « niveau » manquante"):
        ecology.simulate(table.drop(columns="niveau"), 2_000)


@pytest.mark.parametrize("population, months, message", [
    (0, 1, "entier positif"),
    (-5, 1, "entier positif"),
    (1000.5, 1, "entier positif"),
    ("mille", 1, "doit être un nombre"),
    (math.nan, 1, "doit être un nombre"),
    (10**9, 1, "ne peut pas dépasser"),
    (1000, 0, "entre 1 et 120"),
    (1000, 2.5, "entre 1 et 120"),
])
def test_bad_inputs_get_french_errors(population, months, message):
    with pytest.raises(ecology.SimulationError, match=message):
        ecology.simulate_dataset("ecologie_white_1961", population, months)


def test_summary_and_description_are_in_french():
    r = ecology.simulate_dataset("ecologie_laporte_2024", 60_000, 12)
    table = ecology.summary_table(r, 12)
    assert list(table.columns) == ["Niveau", "Pour 1 000 par mois", "Personnes, mois moyen", "Personnes-mois sur 12 mois"]
    text = ecology.describe(r, 60_000, 12, "Laporte 2024")
    assert "14\u202f100 consultent un médecin généraliste" in text
    assert "personnes-mois" in text


def test_interactive_chart_binds_population_duration_and_study():
    spec = ecology.chart(interactive=True).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert params["population"]["bind"]["input"] == "range"
    assert params["mois"]["bind"]["input"] == "range"
    assert params["jeu"]["bind"]["input"] == "select"
    assert set(params["jeu"]["bind"]["options"]) == set(ecology.studies())
    assert "Population" in params["population"]["bind"]["name"]
    # The counts are computed in the page from the parameters, so the static book recomputes.
    text = json.dumps(spec)
    assert "population / 1000 * mois" in text
    assert spec["description"].startswith("Écologie des soins")


def test_static_chart_holds_only_the_chosen_study_and_no_inputs():
    spec = ecology.chart("ecologie_green_2001", 5_000, 2).to_dict()
    assert all("bind" not in p for p in spec["params"])
    values = json.dumps(spec["datasets"])
    assert "ecologie_green_2001" in values and "ecologie_white_1961" not in values


def test_chart_rejects_unknown_study():
    with pytest.raises(ecology.SimulationError, match="inconnu"):
        ecology.chart("ecologie_mars_2100")


def test_simulator_widget_recomputes_when_inputs_change():
    ui = ecology.simulator("ecologie_white_1961", 60_000)
    controls = {}
    for w in ui.children[:3]:
        for child in getattr(w, "children", None) or [w]:
            for c in child._dom_classes:
                controls[c] = child
    table = next(w for w in ui.children if "atelier-tableau" in w._dom_classes)
    desc = next(w for w in ui.children if "atelier-description" in w._dom_classes)
    assert "15\u202f000" in table.value
    controls["atelier-population"].value = 120_000
    assert "30\u202f000" in table.value and "30\u202f000 consultent un médecin" in desc.value
    controls["atelier-etude"].value = "ecologie_laporte_2024"
    assert "28\u202f200" in table.value  # 235 per 1,000 × 120,000
    controls["atelier-territoire"].value = 10_000
    assert controls["atelier-population"].value == 10_000
    controls["atelier-duree"].value = 6
    assert "Personnes-mois sur 6 mois" in table.value
    controls["atelier-etude"].value = "ecologie_white_1961"
    # Keyboard entry: the typed population drives the same model, and the text alternative follows it,
    # announced to screen readers (aria-live), with White's own denominator.
    controls["atelier-population-saisie"].value = 20_000
    assert controls["atelier-population"].value == 20_000
    assert "5\u202f000 consultent un médecin" in desc.value and "20\u202f000 adultes (16 ans et plus)" in desc.value
    assert "aria-live='polite'" in desc.value


def test_stacked_layout_puts_the_counts_under_the_squares_for_phones():
    wide, narrow = ecology.chart().to_dict(), ecology.chart(stacked=True).to_dict()
    # Both end with the (invisible) text alternative; the squares and the list are side by side or stacked.
    assert narrow["vconcat"][0] == wide["vconcat"][0]["hconcat"][0] and narrow["params"] == wide["params"]
    # On a phone the list is narrower and its long lines are cut in two at a space, never lost.
    listing = narrow["vconcat"][1]
    assert listing["width"] <= 320 and "lastindexof" in json.dumps(listing)
    assert "lastindexof" not in json.dumps(wide["vconcat"][0]["hconcat"][1])
    assert narrow["vconcat"][2] == wide["vconcat"][1] and narrow["vconcat"][2]["name"] == "atelier_alt"


def test_chart_header_names_each_study_denominator_not_inhabitants():
    # White counts adults aged 16 or over, Laporte beneficiaries: the header reads the first row of each dataset.
    for name, denominator in [("ecologie_white_1961", "adultes (16 ans et plus)"),
                              ("ecologie_laporte_2024", "bénéficiaires de l'Assurance Maladie")]:
        svg = charts.to_svg(ecology.chart(name, 60_000))
        assert f"Pour 60\u202f000 {denominator}" in svg.replace("&#39;", "'").replace("&apos;", "'")
        assert "habitants" not in svg


def test_squares_and_lines_share_numbers_so_colour_is_not_the_only_link():
    svg = charts.to_svg(ecology.chart("ecologie_white_1961", 60_000))
    assert "3. 15\u202f000 consultent un médecin" in svg
    # Screen readers get the text version once: the header, then each numbered line (squares hidden).
    labels = re.findall(r'aria-label="([^"]*)"', svg)
    assert "Pour 60\u202f000 adultes (16 ans et plus), au cours d&#39;un mois moyen" in labels or \
        "Pour 60\u202f000 adultes (16 ans et plus), au cours d'un mois moyen" in labels
    assert labels.count("3. 15\u202f000 consultent un médecin") == 1
    assert labels[-1] == "6. 60 sont adressés à un centre médical universitaire"


def test_territory_presets_come_from_data_and_say_they_are_illustrative():
    presets = ecology.territories()
    table = data.load_table("ecologie_territoires")
    assert sorted(presets.values()) == sorted(table["population"])
    assert all(label.endswith("illustratif)") for label in presets)
    assert data.load("ecologie_territoires").meta["verification"]["date"]


def test_fukui_contrast_primary_care_versus_hospital_and_emergency():
    fukui = data.load_table("ecologie_fukui_2005").set_index("code")["pour_1000_min"]
    assert fukui["primary_care"] > fukui["hospital_outpatient"] > fukui["emergency"]
    assert fukui["primary_care"] <= fukui["physician"]


def test_the_referentiel_paraphrase_is_not_offered_as_a_study():
    # Its metadata say it mixes two studies with no duration: readable in the chapter, not selectable.
    assert data.load("ecologie_referentiel_2025").meta["nature"] == "paraphrase"
    offered = ecology.studies()
    assert "ecologie_referentiel_2025" not in offered
    assert {"ecologie_white_1961", "ecologie_laporte_2024"} <= set(offered)
    options = ecology.chart(interactive=True).to_dict()["params"]
    jeu = next(p for p in options if p["name"] == "jeu")
    assert "ecologie_referentiel_2025" not in jeu["bind"]["options"]
    ui = ecology.simulator()
    widgets = [c for w in ui.children[:3] for c in (getattr(w, "children", None) or [w])]
    dropdown = next(w for w in widgets if "atelier-etude" in w._dom_classes)
    assert "ecologie_referentiel_2025" not in [value for _, value in dropdown.options]
    with pytest.raises(ecology.SimulationError, match="inconnu"):
        ecology.chart("ecologie_referentiel_2025", interactive=True)
