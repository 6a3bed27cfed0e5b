"""Patientèle : âges, règles des indicateurs de prévention, forfait médecin traitant, générateur, fichiers, tableau de bord."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from atelier_mg.core import data
from atelier_mg.topics.patientele import files, generator
from atelier_mg.topics.patientele import model as pt

D = dt.date


REF = D(2026, 5, 15)


def test_ages_at_birthdays_and_month_ends():
    assert pt.age_years(D(1976, 5, 15), REF) == 50 and pt.age_years(D(1976, 5, 16), REF) == 49
    assert pt.age_years(D(2000, 2, 29), D(2025, 2, 28)) == 24 and pt.age_years(D(2000, 2, 29), D(2025, 3, 1)) == 25
    assert pt.age_months(D(2025, 1, 31), D(2025, 2, 28)) == 0 and pt.age_months(D(2025, 1, 31), D(2025, 3, 31)) == 2
    assert pt.add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert pt.within_months([D(2024, 5, 15), D(2024, 5, 16)], REF, 24) == [D(2024, 5, 16)]
    assert pt.campaign_start(D(2026, 5, 15)) == D(2025, 10, 1) and pt.campaign_start(D(2026, 10, 2)) == D(2026, 10, 1)


LAST_VISIT = D(2026, 1, 10)


def patient(birth, sex="F", ald=(), treatments=(), exclusions=(), last_visit=LAST_VISIT, c2s=False, **acts):
    return pt.Patient("X", birth, sex, frozenset(ald), c2s, frozenset(treatments), last_visit, frozenset(exclusions),
                      {k: tuple(v) for k, v in acts.items()})


@pytest.mark.parametrize("birth, expected", [
    (D(1976, 5, 15), "Validé"),        # 50th birthday on the reference date
    (D(1976, 5, 16), "Non concerné"),  # 49 until tomorrow
    (D(1951, 5, 16), "Validé"),        # still 74
    (D(1951, 5, 15), "Non concerné"),  # 75 today
])
def test_colorectal_screening_age_limits(birth, expected):
    p = patient(birth, sex="M", test_ccr=[D(2025, 1, 1)])
    assert pt.indicator_status("doccr", p, REF) == expected


def test_two_year_interval_and_exclusion():
    assert pt.indicator_status("docs", patient(D(1960, 1, 1), mammographie=[D(2024, 5, 16)]), REF) == "Validé"
    assert pt.indicator_status("docs", patient(D(1960, 1, 1), mammographie=[D(2024, 5, 15)]), REF) == "Non validé"
    assert pt.indicator_status("docs", patient(D(1960, 1, 1), sex="M", mammographie=[D(2025, 1, 1)]), REF) == "Non concerné"
    assert pt.indicator_status("doccr", patient(D(1960, 1, 1), exclusions={"doccr"}), REF) == "Exclu"
    # An act after the reference date does not count.
    assert pt.indicator_status("docs", patient(D(1960, 1, 1), mammographie=[D(2026, 6, 1)]), REF) == "Non validé"


def test_cervical_screening_depends_on_age():
    young = patient(D(1999, 1, 1), cytologie_col=[D(2023, 6, 1)])
    assert pt.indicator_status("doccu", young, REF) == "Validé"
    # Before 30, an HPV test does not validate (cytology only).
    assert pt.indicator_status("doccu", patient(D(1999, 1, 1), test_hpv_col=[D(2025, 6, 1)]), REF) == "Non validé"
    assert pt.indicator_status("doccu", patient(D(1999, 1, 1), cytologie_col=[D(2023, 5, 1)]), REF) == "Non validé"
    older = patient(D(1980, 1, 1), test_hpv_col=[D(2021, 6, 1)])
    assert pt.indicator_status("doccu", older, REF) == "Validé"
    assert pt.indicator_status("doccu", patient(D(1980, 1, 1), test_hpv_col=[D(2021, 5, 1)]), REF) == "Non validé"
    assert pt.indicator_status("doccu", patient(D(1980, 1, 1), exclusions={"doccu"}), REF) == "Exclu"
    assert pt.indicator_status("doccu", patient(D(1960, 5, 16)), REF) == "Non validé"  # still 65
    assert pt.indicator_status("doccu", patient(D(1960, 5, 15)), REF) == "Non concerné"  # 66 today


def test_flu_population_and_campaign_window():
    healthy_64 = patient(D(1962, 1, 1), vaccin_grippe=[D(2025, 11, 2)])
    assert pt.indicator_status("grippe", healthy_64, REF) == "Non concerné"
    assert pt.indicator_status("grippe", patient(D(1961, 1, 1), vaccin_grippe=[D(2025, 11, 2)]), REF) == "Validé"
    assert pt.indicator_status("grippe", patient(D(1961, 1, 1), vaccin_grippe=[D(2025, 9, 30)]), REF) == "Non validé"
    # ALD on the list (diabetes, 8) or a listed treatment makes a younger adult concerned; ALD 23 does not.
    assert pt.indicator_status("grippe", patient(D(1990, 1, 1), ald={8}), REF) == "Non validé"
    assert pt.indicator_status("grippe", patient(D(1990, 1, 1), treatments={"asthme"}), REF) == "Non validé"
    assert pt.indicator_status("grippe", patient(D(1990, 1, 1), ald={23}), REF) == "Non concerné"


def test_pneumococcus_needs_an_adult_with_listed_ald_or_treatment():
    assert pt.indicator_status("pneumocoque", patient(D(2010, 1, 1), ald={14}), REF) == "Non concerné"
    assert pt.indicator_status("pneumocoque", patient(D(1980, 1, 1), ald={14}), REF) == "Non validé"
    assert pt.indicator_status("pneumocoque", patient(D(1980, 1, 1), treatments={"bpco"},
                                                      vaccin_pneumocoque_20=[D(2024, 1, 1)]), REF) == "Validé"
    assert pt.indicator_status("pneumocoque", patient(D(1940, 1, 1)), REF) == "Non concerné"


def test_child_vaccines_count_doses_by_age_at_injection():
    birth = D(2024, 5, 15)  # 24 months on the reference date
    two = patient(birth, vaccin_ror=[D(2025, 5, 20), D(2025, 9, 20)])
    assert pt.indicator_status("ror", two, REF) == "Validé"
    late = patient(D(2023, 7, 1), vaccin_ror=[D(2024, 7, 10), D(2025, 8, 1)])  # 2nd dose after 24 months
    assert pt.indicator_status("ror", late, REF) == "Non validé"
    assert pt.indicator_status("ror", patient(D(2025, 2, 1)), REF) == "Non concerné"  # 15 months
    assert pt.indicator_status("meningocoque_c", patient(D(2025, 1, 1), vaccin_meningocoque_c=[D(2025, 6, 1)]), REF) == "Validé"
    acwy = patient(D(2025, 3, 1), vaccin_meningocoque_acwy=[D(2025, 9, 2)])  # 2025 schedule
    assert pt.indicator_status("meningocoque_c", acwy, REF) == "Validé"
    assert pt.indicator_status("meningocoque_c", patient(D(2025, 3, 1)), REF) == "Non validé"
    teen = patient(D(2013, 1, 1), vaccin_hpv=[D(2023, 2, 1), D(2024, 3, 1)])
    assert pt.indicator_status("hpv", teen, REF) == "Validé"
    assert pt.indicator_status("hpv", patient(D(2013, 1, 1), vaccin_hpv=[D(2022, 12, 1), D(2024, 3, 1)]), REF) == "Non validé"


def test_diabetes_and_ckd_screening_use_the_ald_lists():
    cv = patient(D(1970, 1, 1), ald={13}, glycemie_jeun=[D(2023, 6, 1)])
    assert pt.indicator_status("depistage_diabete", cv, REF) == "Validé"
    assert pt.indicator_status("depistage_diabete", patient(D(1970, 1, 1), ald={13, 8}), REF) == "Non concerné"
    assert pt.indicator_status("depistage_diabete", patient(D(1985, 1, 1), ald={13}), REF) == "Non concerné"
    assert pt.indicator_status("depistage_diabete", patient(D(1970, 1, 1), ald={23}), REF) == "Non concerné"
    three = dict(albuminurie=[D(2026, 1, 1)], creatininurie=[D(2026, 1, 1)], creatininemie=[D(2026, 1, 1)])
    assert pt.indicator_status("depistage_mrc", patient(D(1970, 1, 1), ald={8}, **three), REF) == "Validé"
    partial = dict(three, albuminurie=[D(2025, 4, 1)])
    assert pt.indicator_status("depistage_mrc", patient(D(1970, 1, 1), ald={8}, **partial), REF) == "Non validé"
    assert pt.indicator_status("depistage_mrc", patient(D(1970, 1, 1), ald={30}, **three), REF) == "Non concerné"


def test_hba1c_twice_a_year():
    twice = patient(D(1960, 1, 1), treatments={"diabete"}, hba1c=[D(2025, 8, 1), D(2026, 2, 1)])
    assert pt.indicator_status("hba1c", twice, REF) == "Validé"
    once = patient(D(1960, 1, 1), ald={8}, hba1c=[D(2026, 2, 1)])
    assert pt.indicator_status("hba1c", once, REF) == "Non validé"
    old = patient(D(1960, 1, 1), ald={8}, hba1c=[D(2025, 6, 1), D(2025, 10, 1)])  # none in the last 6 months
    assert pt.indicator_status("hba1c", old, REF) == "Non validé"


def test_child_examinations_windows():
    assert pt.indicator_status("examen_9_mois", patient(D(2025, 5, 1), examen_9_mois=[D(2026, 2, 3)]), REF) == "Validé"
    assert pt.indicator_status("examen_9_mois", patient(D(2025, 5, 1), examen_9_mois=[D(2026, 4, 2)]), REF) == "Non validé"
    assert pt.indicator_status("examen_24_mois", patient(D(2024, 1, 1), examen_24_mois=[D(2026, 1, 5)]), REF) == "Validé"
    assert pt.indicator_status("buccodentaire", patient(D(2001, 5, 16), examen_buccodentaire=[D(2026, 1, 1)]), REF) == "Validé"
    assert pt.indicator_status("buccodentaire", patient(D(2001, 5, 15)), REF) == "Non concerné"  # 25 today


def test_unknown_indicator_is_refused():
    with pytest.raises(pt.PatienteleError, match="Indicateur « vitamine_d » inconnu"):
        pt.indicator_status("vitamine_d", patient(D(1970, 1, 1)), REF)


@pytest.mark.parametrize("kwargs, category, amount", [
    (dict(birth=D(1940, 1, 1), ald={5}), "ald_80_plus", 100),
    (dict(birth=D(1940, 1, 1), ald={5}, c2s=True), "ald_80_plus", 110),
    (dict(birth=D(1946, 5, 15)), "age_80_plus", 55),
    (dict(birth=D(1946, 5, 16)), "age_75_79", 15),
    (dict(birth=D(1990, 1, 1), ald={23}), "ald_0_79", 55),
    (dict(birth=D(2019, 5, 15)), "age_7_74", 5),
    (dict(birth=D(2019, 5, 16), c2s=True), "age_0_6", 25),
    (dict(birth=D(1940, 1, 1), ald={5}, last_visit=D(2024, 5, 15)), "non_vu_2_ans", 5),
    (dict(birth=D(1940, 1, 1), last_visit=None), "non_vu_2_ans", 5),
])
def test_forfait_categories(kwargs, category, amount):
    p = patient(**kwargs)
    assert pt.forfait_category(p, REF) == category
    assert pt.forfait_amount(p, REF) == amount


def test_generator_is_reproducible_and_plausible():
    a, b, c = generator.generate(600, seed=7), generator.generate(600, seed=7), generator.generate(600, seed=8)
    pd.testing.assert_frame_equal(a.patients, b.patients)
    pd.testing.assert_frame_equal(a.actes, b.actes)
    assert not a.patients.equals(c.patients)
    data.validate(a.patients, "patients")
    data.validate(a.actes, "actes")
    status = pt.status_table(a)
    ages = status["Âge"]
    assert 0 <= ages.min() and ages.max() <= 105 and 35 <= ages.mean() <= 48
    assert 0.45 <= (a.patients["sexe"] == "F").mean() <= 0.58
    assert 0.05 <= (a.patients["c2s"] == "oui").mean() <= 0.18
    summary = pt.summary(status)
    assert summary.loc["doccr", "Concernés"] > 100 and 0.2 < summary.loc["doccr", "Taux de validation"] < 0.55
    assert set(status["grippe"]) <= set(pt.STATUSES)
    totals = pt.totals(status)
    assert totals["majoration_prevention"] == 5 * int((status[list(pt.RULES)] == "Validé").to_numpy().sum())
    assert totals["total"] == totals["forfait_mt"] + totals["majoration_prevention"]


def test_csv_round_trip_and_clear_errors(tmp_path):
    pat = generator.generate(50, seed=3)
    ppath, apath = files.write_csv_pair(pat, tmp_path)
    again = files.read_csv_pair(ppath, apath, REF)
    pd.testing.assert_frame_equal(pt.status_table(again), pt.status_table(pat))

    bad_patients = pat.patients.drop(columns=["c2s"]).assign(sexe=["X"] + ["F"] * 49)
    bad_actes = pd.concat([pat.actes, pd.DataFrame([{"identifiant": "P99999", "acte": "radio", "date": "2026-13-01"}])])
    with pytest.raises(pt.PatienteleError) as err:
        files.read_csv_pair(io.StringIO(bad_patients.to_csv(index=False)), io.StringIO(bad_actes.to_csv(index=False)), REF)
    message = str(err.value)
    assert "rien n'a été chargé" in message
    assert "colonne « c2s » manquante" in message and "sexe" in message
    with pytest.raises(pt.PatienteleError) as err:
        files.read_csv_pair(io.StringIO(pat.patients.to_csv(index=False)), io.StringIO(bad_actes.to_csv(index=False)), REF)
    message = str(err.value)
    assert "date « 2026-13-01 » impossible" in message and "radio" in message and "P99999" in message
    with pytest.raises(pt.PatienteleError, match="illisible"):
        files.read_csv_pair(io.StringIO(""), io.StringIO(""), REF)


def test_patientele_dashboard_builds_and_refuses_incomplete_uploads():
    from atelier_mg.topics.patientele import dashboard as patientele_ui

    ui = patientele_ui.dashboard()
    synthesis = next(c for c in ui.children if "atelier-synthese" in c._dom_classes)
    assert "forfait médecin traitant" in synthesis.value and "majoration prévention" in synthesis.value
    message = next(c for c in ui.children if "atelier-message" in c._dom_classes)
    load = next(b for box in ui.children if hasattr(box, "children") for b in box.children
                if "atelier-charger" in getattr(b, "_dom_classes", ()))
    load.click()
    assert "Choisissez les deux fichiers" in message.value
    assert "forfait médecin traitant" in synthesis.value  # previous result kept


def test_indicator_chart_does_not_rely_on_colour_alone():
    from atelier_mg.topics.patientele import dashboard

    pat = generator.generate(50, seed=3, reference=dt.date(2026, 5, 15))
    spec = dashboard.indicators_chart(pt.summary(pt.status_table(pat))).to_dict()
    assert spec["encoding"]["strokeDash"]["field"] == spec["encoding"]["color"]["field"] == "Statut"
    dashes = spec["encoding"]["strokeDash"]["scale"]["range"]
    assert len({tuple(d) for d in dashes}) == 3 and "pointillés" in spec["description"]
