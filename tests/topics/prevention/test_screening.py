"""Cascade de dépistage : tableau 2×2, valeurs prédictives, graphique statique."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from atelier_mg.topics.prevention import screening


def test_two_by_two_arithmetic_by_hand():
    s = screening.Scenario(population=10_000, participation=0.5, prevalence=0.02, sensitivity=0.9,
                           specificity=0.95, overdiagnosis=0.25)
    r = screening.cascade(s)
    assert r.screened == 5_000 and r.diseased == 100 and r.healthy == 4_900
    assert math.isclose(r.true_positives, 90) and math.isclose(r.false_negatives, 10)
    assert math.isclose(r.false_positives, 245) and math.isclose(r.true_negatives, 4_655)
    assert math.isclose(r.ppv, 90 / 335) and math.isclose(r.npv, 4_655 / 4_665)
    assert math.isclose(r.overdiagnosed, 22.5)
    table = screening.two_by_two(r)
    assert table.loc["Test positif", "Malades"] == "90" and table.loc["Test positif", "Non malades"] == "245"
    assert table.loc["Total", "Total"] == "5\u202f000"


def test_ppv_rises_with_prevalence_across_settings():
    values = [screening.cascade(screening.preset_scenario(c)).ppv for c in ("population_generale", "soins_primaires", "hopital")]
    assert values == sorted(values) and values[0] < 0.1 < 0.8 < values[2]
    assert all(row.statut == "illustratif" for row in screening.presets().itertuples())


def test_ppv_undefined_without_positives_and_bad_inputs_refused():
    r = screening.cascade(screening.Scenario(prevalence=0, specificity=1))
    assert r.ppv is None and screening.percent(r.ppv) == "non calculable"
    with pytest.raises(screening.ScreeningError, match="la sensibilité doit être une proportion"):
        screening.Scenario(sensitivity=1.2)
    with pytest.raises(screening.ScreeningError, match="la population doit être un entier"):
        screening.Scenario(population=0)


def test_static_cascade_chart_binds_its_parameters():
    spec = screening.chart(interactive=True).to_dict()
    binds = {p["name"]: p["bind"]["input"] for p in spec["params"]}
    assert binds == {n: "range" for n in ("population", "participation", "prevalence", "sensibilite", "specificite",
                                          "surdiagnostic")}


def test_diagnostic_presets_are_labelled_as_such_and_have_no_overdiagnosis():
    table = screening.presets().set_index("code")
    assert table.loc["population_generale", "usage"] == "dépistage"
    for code in ("soins_primaires", "hopital"):
        assert table.loc[code, "usage"] == "diagnostic" and "diagnostique" in table.loc[code, "situation"]
        s = screening.preset_scenario(code)
        assert s.purpose == "diagnostic" and s.overdiagnosis == 0 and screening.cascade(s).overdiagnosed == 0
    assert screening.preset_scenario("population_generale").purpose == "screening"


def test_overdiagnosis_is_refused_for_a_diagnostic_test():
    with pytest.raises(screening.ScreeningError, match="le surdiagnostic ne concerne que le dépistage"):
        screening.Scenario(purpose="diagnostic", overdiagnosis=0.1)
    with pytest.raises(screening.ScreeningError, match="l'usage du test"):
        screening.Scenario(purpose="triage")


def test_diagnostic_chart_and_text_leave_overdiagnosis_out():
    s = screening.preset_scenario("hopital")
    spec = screening.chart(s, interactive=True).to_dict()
    assert "surdiagnostic" not in {p["name"] for p in spec["params"]}
    assert "surdiagnostiqué" not in str(spec["vconcat"][0]["encoding"]["color"]["scale"]["domain"])
    assert "Test diagnostique" in spec["description"] + str(spec["vconcat"][0]["title"])
    text = screening.describe(s, screening.cascade(s))
    assert text.startswith("Test diagnostique") and "pas de surdiagnostic" in text
    screen = screening.preset_scenario("population_generale")
    assert "des cas détectés sont des surdiagnostics" in screening.describe(screen, screening.cascade(screen))


def test_every_category_has_its_own_shape_not_only_a_colour():
    shapes = [shape for _, _, shape in screening.CATEGORIES]
    assert len(set(shapes)) == len(shapes)
    enc = screening.chart().to_dict()["vconcat"][0]["encoding"]
    assert enc["shape"]["field"] == enc["color"]["field"] == "categorie"


def test_simulator_disables_overdiagnosis_for_diagnostic_tests():
    ui = screening.simulator("hopital")
    slider = next(c for c in ui.children if "atelier-overdiagnosis" in c._dom_classes)
    text = ui.children[-1]
    assert slider.disabled and slider.value == 0 and "Test diagnostique" in text.value
    ui.children[0].value = "population_generale"
    assert not slider.disabled and text.value.startswith("<p role='status'>Dépistage")


@pytest.mark.parametrize("values", [
    (10_000, 0.5, 0.005, 0.9, 0.95, 0.1), (5_000, 0.37, 0.013, 0.835, 0.995, 0.25), (100, 1, 0, 0.5, 1, 0),
])
def test_the_vega_fields_are_the_python_cascade_to_the_last_bit(values):
    s = screening.Scenario(*values)
    r = screening.cascade(s)
    names = ("population", "participation", "prevalence", "sensibilite", "specificite", "surdiagnostic")
    env = dict(zip(names, values, strict=True))
    datum = SimpleNamespace()
    env["datum"] = datum
    for name, expr in screening.vega_fields(True).items():
        setattr(datum, name, eval(expr, {"__builtins__": {}}, env))  # noqa: S307 (our own formulas)
    # Exactly equal: the page rounds these floats half to even and must print the numbers of describe().
    assert (datum.screened, datum.diseased, datum.healthy) == (r.screened, r.diseased, r.healthy)
    assert (datum.tp, datum.fn, datum.fp, datum.tn) == (r.true_positives, r.false_negatives, r.false_positives,
                                                         r.true_negatives)
    assert (datum.positives, datum.over) == (r.positives, r.overdiagnosed)


def test_the_chart_names_its_text_alternative_and_fits_a_phone():
    spec = screening.chart(screening.preset_scenario("population_generale"), interactive=True).to_dict()
    alternative = spec["vconcat"][-1]
    assert alternative["name"] == "atelier_alt"
    sentence = alternative["transform"][-1]["calculate"]
    assert "personnes sans symptôme invitées" in sentence and "des cas détectés sont des surdiagnostics" in sentence
    # A diagnostic test: the sentence says there is no overdiagnosis and never reads the (absent) parameter.
    diagnostic = screening.chart(screening.preset_scenario("hopital"), interactive=True).to_dict()["vconcat"][-1]
    text = diagnostic["transform"][-1]["calculate"]
    assert "Il n'y a pas de surdiagnostic" in text and "surdiagnostic)" not in text and "Dépistage" not in text
    assert all(panel["width"] <= 340 for panel in spec["vconcat"][:2])
