"""Nombres écrits à la française."""

from atelier_mg.core import formatting


def test_french_formatting():
    assert formatting.format_count(14100) == "14\u202f100"
    assert formatting.format_range(200, 300) == "200 à 300"
    assert formatting.format_range(5, 5) == "5"


def test_numbers_percentages_and_euros():
    assert formatting.french_number(12.5) == "12,5"
    assert formatting.french_number(1000.0) == "1\u202f000"
    assert formatting.french_number(0.005, percent=True) == "0,5\u202f%"
    assert formatting.french_number("n.d.") == "n.d."
    assert formatting.euros(1234.4) == "1\u202f234\u00a0€"
