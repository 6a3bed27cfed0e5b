"""Chapitre « Exercer la médecine générale » : repères, tarifs et aides tirés de data/, simulateur, exercices."""

from __future__ import annotations

import html

from atelier_mg.core import data
from atelier_mg.core.formatting import euros
from atelier_mg.topics.context import practice_year


def test_exercer_shows_every_rule_its_tariffs_and_the_simulator(built_book):
    page = html.unescape((built_book / "book" / "exercer.html").read_text())
    for row in data.load_table("reperes_exercice_2026").itertuples():
        assert html.unescape(row.repere) in page and row.explication[:60] in page
    for name, column in (("aides_installation_2026", "montant_eur"), ("tarifs_mg_2026", "montant_eur")):
        for value in data.load_table(name)[column]:
            assert euros(value) in page  # glued in the prose or shown in the tables, from data/
    y = practice_year.year(practice_year.defaults())
    assert euros(y.forfait) in page and euros(y.acts) in page
    assert page.count('class="atelier-graphique"') == 1 and "/voila/render/annee_mg.ipynb" in page
    assert "à confirmer" in page  # what was not read in a primary text is said
    assert page.count("solution dropdown") + page.count('class="solution') >= 3


def test_remuneration_gives_the_consultation_fee_and_the_fpmt_date(built_book):
    page = html.unescape((built_book / "book" / "remuneration.html").read_text())
    assert euros(practice_year.tariffs()["G"]) in page
    schemes = data.load_table("dispositifs_remuneration").set_index("code")
    assert f"1er janvier {int(schemes.loc['fpmt', 'debut'])}" in page
    assert "paie le temps médical libéré" not in page and "Amendement CAPI, p." not in page
