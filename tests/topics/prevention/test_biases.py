"""Biais du dépistage : la survie « s'améliore » sans qu'aucun décès soit évité."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from atelier_mg.topics.prevention import biases

ROOT = Path(__file__).resolve().parents[3]


def test_hand_computed_case_lead_time_alone():
    # Only fast, always fatal cancers, median survival 5 years: half are alive 5 years after symptoms.
    p = biases.defaults(slow_share=0, lethality_fast=1, median_survival_fast=5, detection_fast=0.5, lead_time=5,
                        overdiagnosis=0, benefit=0, sojourn_ratio=1)
    o = biases.simulate(p)
    cancers = p.population * p.incidence
    assert math.isclose(o.unscreened.cases, cancers) and math.isclose(o.unscreened.survival, 0.5)
    # Diagnosed 5 years earlier, the screen-detected half is still alive 5 years after diagnosis…
    assert math.isclose(o.screen_detected.survival, 1.0) and math.isclose(o.interval.survival, 0.5)
    assert math.isclose(o.screened.survival, 0.75)
    # … and every one of them still dies of the cancer.
    assert math.isclose(o.screened.deaths, cancers) and math.isclose(o.deaths_avoided, 0)


@pytest.mark.parametrize("lead,ratio,over", [(0, 1, 0), (3, 1, 0), (0, 4, 0), (0, 1, 0.5), (6, 5, 0.6)])
def test_without_true_benefit_deaths_are_identical(lead, ratio, over):
    o = biases.simulate(biases.defaults(lead_time=lead, sojourn_ratio=ratio, overdiagnosis=over, benefit=0))
    assert math.isclose(o.screened.deaths, o.unscreened.deaths)


def test_survival_rises_with_lead_time_while_deaths_stay():
    outcomes = [biases.simulate(biases.defaults(lead_time=t, benefit=0)) for t in (0, 1, 2, 3, 4, 5)]
    survivals = [o.screened.survival for o in outcomes]
    assert all(a < b for a, b in zip(survivals, survivals[1:], strict=False))
    assert len({round(o.screened.deaths, 9) for o in outcomes}) == 1
    # No lead time, no overdiagnosis: the screened arm looks exactly like the unscreened one.
    none = biases.simulate(biases.defaults(lead_time=0, overdiagnosis=0, benefit=0))
    assert math.isclose(none.screened.survival, none.unscreened.survival)


def test_length_time_bias_flatters_screen_detected_cancers_only():
    o = biases.simulate(biases.scenario("duree"))
    assert o.screen_detected.survival > o.unscreened.survival > o.interval.survival
    assert math.isclose(o.screened.survival, o.unscreened.survival)  # same cancers, same dates
    flat = biases.simulate(biases.defaults(lead_time=0, overdiagnosis=0, benefit=0, sojourn_ratio=1))
    assert math.isclose(flat.screen_detected.survival, flat.interval.survival)


def test_overdiagnosis_raises_incidence_and_survival_not_deaths():
    base = biases.simulate(biases.defaults(overdiagnosis=0, benefit=0))
    over = biases.simulate(biases.defaults(overdiagnosis=0.5, benefit=0))
    # Half of the screen-detected cancers are overdiagnosed: as many extra cancers as screen-detected ones.
    assert math.isclose(over.overdiagnosed, base.screen_detected.cases)
    assert math.isclose(over.screened.cases, base.screened.cases + over.overdiagnosed)
    assert over.screened.survival > base.screened.survival
    assert math.isclose(over.screened.deaths, base.screened.deaths)


def test_a_true_benefit_avoids_the_expected_deaths():
    p = biases.defaults(benefit=0.2)
    o, none = biases.simulate(p), biases.simulate(biases.defaults(benefit=0))
    fatal_found = (p.population * p.incidence * (1 - p.slow_share) * p.detection_fast * p.lethality_fast
                   + p.population * p.incidence * p.slow_share * min(1, p.detection_fast * p.sojourn_ratio)
                   * p.lethality_slow)
    assert math.isclose(o.deaths_avoided, 0.2 * fatal_found)
    assert o.screened.survival > none.screened.survival
    assert "décès évités" in biases.describe(p, o) and "aucun décès" not in biases.describe(p, o)


def test_the_vega_formulas_are_the_python_model():
    for code in biases.SCENARIOS:
        p = biases.scenario(code)
        bound = ("avance", "rapport_sejour", "surdiagnostic", "benefice", "detection_rapides")
        values = {biases.CODES[a]: getattr(p, a) for a in biases.CODES}
        datum = SimpleNamespace()
        env = {"exp": math.exp, "min": min, "max": max, "datum": datum, **values}
        for name, expr in biases.expressions(p, bound).items():
            setattr(datum, name, eval(expr, {"__builtins__": {}}, env))  # noqa: S307 (our own formulas)
        o = biases.simulate(p)
        # Equal to the last bit, not merely close: the page rounds these floats and must print Python's numbers
        # (a count of 22.5 written 22 by one and 23 by the other would break the parity of the text alternative).
        assert (datum.cas_avec, datum.dc_avec, datum.vie_avec) == (o.screened.cases, o.screened.deaths, o.screened.alive)
        assert (datum.cas_sans, datum.dc_sans, datum.vie_sans) == (
            o.unscreened.cases, o.unscreened.deaths, o.unscreened.alive)
        assert (datum.cas_dep, datum.vie_dep) == (o.screen_detected.cases, o.screen_detected.alive)
        assert (datum.cas_int, datum.vie_int) == (o.interval.cases, o.interval.alive)
        assert datum.sur == o.overdiagnosed


def test_text_alternative_says_no_death_is_avoided():
    p = biases.scenario("trois")
    text = biases.describe(p, biases.simulate(p))
    assert "aucun décès évité" in text and "surdiagnostics" in text
    assert "la survie ne change pas" in biases.describe(biases.scenario("aucun"), biases.simulate(biases.scenario("aucun")))


def test_parameters_are_illustrative_and_bad_values_refused_in_french():
    assert set(biases.parameters()["statut"]) == {"illustratif"}
    with pytest.raises(biases.BiasError, match="avance au diagnostic doit être compris entre 0 et 6"):
        biases.defaults(lead_time=9)
    with pytest.raises(biases.BiasError, match="Scénario « x » inconnu"):
        biases.scenario("x")


def test_chart_binds_the_adjustable_parameters_and_describes_itself():
    spec = biases.chart(interactive=True).to_dict()
    binds = {p["name"]: p["bind"]["input"] for p in spec["params"]}
    assert binds == {n: "range" for n in ("avance", "detection_rapides", "rapport_sejour", "surdiagnostic", "benefice")}
    assert "Biais du dépistage" in spec["description"]
    static = biases.chart().to_dict()
    assert all("bind" not in p for p in static["params"])


def test_simulator_scenario_switches_the_text_alternative():
    ui = biases.simulator("trois")
    choose, text = ui.children[0], ui.children[7]
    assert "aucun décès évité ; la survie s&#x27;améliore" in text.value and "role='status'" in text.value
    choose.value = "benefice"
    assert "décès évités" in text.value and "aucun décès" not in text.value
    choose.value = "aucun"
    assert "la survie ne change pas" in text.value


def test_the_chart_writes_its_sentence_under_the_bars_for_a_phone():
    spec = biases.chart(interactive=True).to_dict()
    alternative = spec["vconcat"][-1]
    assert alternative["name"] == "atelier_alt" and alternative["mark"]["type"] == "text"
    sentence = alternative["transform"][-1]["calculate"]
    # The words of describe() are in the expression, the numbers come from the bound parameters.
    for words in ("personnes dans chaque groupe, la survie à 5 ans", "pour les cancers trouvés par le dépistage",
                  "Les décès par ce cancer passent de", "entièrement à cause des biais", "non calculable"):
        assert words in sentence
    # Panels one under the other, none wider than a phone's screen.
    assert all(panel.get("width", 0) <= 200 for panel in spec["vconcat"])


def test_real_screening_figures_read_as_relative_and_absolute_benefit():
    # Independent UK Panel (Lancet 2012): RR 0.80; 43 deaths avoided, 129 overdiagnosed per 10,000 invited.
    result = biases.absolute_benefit()
    assert result.relative_reduction == pytest.approx(0.20)
    assert result.number_needed_to_invite == 233  # 10,000 / 43
    assert result.overdiagnosed_per_death_avoided == pytest.approx(3.0)
    # The same relative reduction says nothing of the absolute one: 43 in 10,000 is 0.43 %.
    assert result.deaths_avoided / result.invited < 0.01 < result.relative_reduction


def test_absolute_benefit_refuses_impossible_figures(tmp_path, monkeypatch):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    monkeypatch.setenv("ATELIER_DATA_DIR", str(folder))
    path = folder / f"{biases.REAL_SCREENING}.csv"
    path.write_text(path.read_text().replace("deces_evites,43,", "deces_evites,0,"))
    with pytest.raises(biases.BiasError, match="invalides"):
        biases.absolute_benefit()
