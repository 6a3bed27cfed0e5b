"""Repérage et masquage des données identifiantes dans un texte libre."""

from __future__ import annotations

import pytest

from atelier_mg.core import privacy


@pytest.mark.parametrize("text, kinds", [
    ("NIR 1 84 12 75 108 123 45", ["nir"]),
    ("numéro 284127510812345 noté", ["nir"]),
    ("Corse : 1 56 03 2A 004 123 67", ["nir"]),
    ("joindre au 06 12 34 56 78 ou +33 6 12 34 56 78", ["telephone", "telephone"]),
    ("écrire à jean.dupont@exemple.fr", ["email"]),
    ("née le 12/03/1956", ["date"]),
    ("vue le 3 mars 2025 puis le 2025-04-01", ["date", "date"]),
])
def test_privacy_detector_finds_identifiers(text, kinds):
    assert [f.kind for f in privacy.find_identifiers(text)] == kinds
    masked = privacy.mask(text)
    assert privacy.find_identifiers(masked) == []
    assert "masqu" in masked


@pytest.mark.parametrize("text", [
    "Femme de 54 ans, HbA1c à 7,2 %, TA 135/85 mmHg, poids 82 kg.",
    "Vue trois fois en 2024 ; revue le 12/03 pour contrôle.",
    "Score de Centor à 3/4, 120 000 habitants, 15 minutes, dose de 500 mg x 3.",
    "Résidence en Haute-Corse (2B), trajet de 45 km.",
])
def test_privacy_detector_leaves_clinical_text_alone(text):
    assert privacy.find_identifiers(text) == []
    assert privacy.mask(text) == text
