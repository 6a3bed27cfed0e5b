"""Jeux de données : schéma, métadonnées, valeurs comparées aux publications."""

import re
import shutil

import pandas as pd
import pytest

from atelier_mg.core import data

# Figures as published (persons per 1,000 per month), transcribed from the sources named in
# each dataset's metadata: White 1961 as quoted by Green 2001 p. 2021, Green 2001 abstract,
# Laporte 2024 abstract (PMID 37934751), référentiel 2025 (source 001, l. 427).
PUBLISHED = {
    "ecologie_white_1961": {"illness": 750, "physician": 250, "hospitalised": 9, "referred": 5, "university": 1},
    "ecologie_green_2001": {"symptoms": 800, "physician": 217, "hospitalised": 8, "university": (0, 1)},
    "ecologie_laporte_2024": {
        "reimbursed": 454, "gp": 235, "other_ambulatory": 74, "hospital_outpatient": 24,
        "public_hospital": 13, "private_hospital": 10, "university": 5,
    },
    "ecologie_referentiel_2025": {"no_care": (500, 550), "care": 450, "gp": (200, 300), "university": (1, 3)},
}


def test_every_dataset_validates_and_has_complete_metadata():
    names = data.available()
    assert set(PUBLISHED) <= set(names)
    for name in names:
        ds = data.load(name)
        assert len(ds.table) >= 2
        for key in ("titre", "source", "unites", "licence", "date_publication", "date_extraction"):
            assert ds.meta[key], (name, key)
        assert ds.meta["source"]["document"] and ds.meta["source"]["localisation"]
        if ds.meta["schema"] == "ecologie":
            assert set(ds.meta["unites"]) == {"pour_1000_min", "pour_1000_max"}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_values_match_the_publications(name):
    table = data.load_table(name).set_index("code")
    assert table.iloc[0]["pour_1000_min"] == table.iloc[0]["pour_1000_max"] == 1000
    for code, expected in PUBLISHED[name].items():
        low, high = expected if isinstance(expected, tuple) else (expected, expected)
        assert (table.loc[code, "pour_1000_min"], table.loc[code, "pour_1000_max"]) == (low, high), code
    assert set(table.index) == {"population", *PUBLISHED[name]}


def test_load_returns_a_copy_that_callers_may_modify():
    t = data.load_table("ecologie_white_1961")
    t.loc[0, "niveau"] = "modifié"
    assert data.load_table("ecologie_white_1961").loc[0, "niveau"] != "modifié"


def test_unknown_dataset_gets_a_french_error_listing_the_known_ones():
    with pytest.raises(data.DataError, match="inconnu.*ecologie_white_1961"):
        data.load("ecologie_inexistante")


def _copy_data(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(data.data_dir(), folder)
    monkeypatch.setenv("ATELIER_DATA_DIR", str(folder))
    return folder


def test_missing_and_extra_columns_are_named_in_french(tmp_path, monkeypatch):
    folder = _copy_data(tmp_path, monkeypatch)
    path = folder / "ecologie_white_1961.csv"
    t = pd.read_csv(path).drop(columns=["reference"]).rename(columns={"niveau": "level"})
    t.to_csv(path, index=False)
    with pytest.raises(data.DataError) as err:
        data.load("ecologie_white_1961")
    message = str(err.value)
    assert "colonne « reference » manquante" in message
    assert "colonne « niveau » manquante" in message
    assert "colonne « level » inattendue" in message


def test_wrong_values_are_reported_with_their_csv_line(tmp_path, monkeypatch):
    folder = _copy_data(tmp_path, monkeypatch)
    path = folder / "ecologie_laporte_2024.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace(",235,235,", ",2000,2000,")  # line 4 of the file
    lines[4] = lines[4].replace(",74,74,", ",74,beaucoup,")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(data.DataError) as err:
        data.load("ecologie_laporte_2024")
    message = str(err.value)
    assert "ligne 4" in message and "comprise entre 0 et 1000" in message
    assert "pour_1000_max" in message and "type incorrect" in message


def test_incomplete_metadata_is_refused(tmp_path, monkeypatch):
    folder = _copy_data(tmp_path, monkeypatch)
    meta = folder / "ecologie_green_2001.meta.yaml"
    meta.write_text("\n".join(line for line in meta.read_text().splitlines() if not line.startswith("licence")))
    with pytest.raises(data.DataError, match="champ « licence » manquant"):
        data.load("ecologie_green_2001")


def test_unreadable_csv_is_refused_in_french(tmp_path, monkeypatch):
    folder = _copy_data(tmp_path, monkeypatch)
    (folder / "ecologie_green_2001.csv").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(data.DataError, match="illisible"):
        data.load("ecologie_green_2001")


def test_competency_framework_tables_are_consistent():
    competences = data.load_table("competences_2025")
    behaviours = data.load_table("comportements_2025")
    assert list(competences["code"]) == [f"C{i}" for i in range(1, 9)]
    assert set(behaviours["competence"]) == set(competences["code"])
    # Number of observable manifestations listed per competency in source 001 (l. 1582-1703).
    assert behaviours.groupby("competence").size().to_dict() == {
        "C1": 8, "C2": 5, "C3": 4, "C4": 5, "C5": 5, "C6": 6, "C7": 8, "C8": 5,
    }
    assert list(data.load_table("familles_situations")["code"]) == [f"F{i:02d}" for i in range(1, 12)]
    assert list(data.load_table("niveaux_competence")["code"]) == ["novice", "intermediaire", "competent"]


def test_behaviour_codes_must_match_their_competency(tmp_path, monkeypatch):
    folder = _copy_data(tmp_path, monkeypatch)
    path = folder / "comportements_2025.csv"
    path.write_text(path.read_text().replace("C1-02,C1,", "C1-02,C2,", 1))
    with pytest.raises(data.DataError, match="doit commencer par celui de sa compétence"):
        data.load("comportements_2025")


def test_every_dataset_says_when_and_against_what_it_was_checked(tmp_path, monkeypatch):
    for name in data.available():
        check = data.read_metadata(name)["verification"]
        assert check["date"] >= data.read_metadata(name)["date_publication"][:4], name
    folder = _copy_data(tmp_path, monkeypatch)
    meta = folder / "valeurs.meta.yaml"
    text = meta.read_text()
    meta.write_text(text.split("verification:")[0])
    with pytest.raises(data.DataError, match="champ « verification » manquant"):
        data.read_metadata("valeurs", folder)
    meta.write_text(text.replace('date: "', 'date: "le '))
    with pytest.raises(data.DataError, match="verification.date » invalide"):
        data.read_metadata("valeurs", folder)


def test_every_check_says_what_it_read_and_a_missing_reading_is_refused(tmp_path, monkeypatch):
    """CI fails on a dataset whose verification does not say whether the primary text itself was read."""
    readings = {name: data.read_metadata(name)["verification"]["lecture"] for name in data.available()}
    assert readings and set(readings.values()) <= set(data.READINGS)
    folder = _copy_data(tmp_path, monkeypatch)
    meta = folder / "valeurs.meta.yaml"
    text = meta.read_text()
    assert "\n  lecture: " in text
    for without in (re.sub(r"\n  lecture: [a-z_]+", "", text), re.sub(r"(\n  lecture:) [a-z_]+", r"\1 ''", text)):
        meta.write_text(without)
        with pytest.raises(data.DataError, match=r"valeurs\.meta\.yaml.*champ « verification\.lecture » manquant "
                           r"\(ce que la vérification a lu : source_primaire, reproduction, sans_objet\)"):
            data.read_metadata("valeurs", folder)
    meta.write_text(text)
    assert data.read_metadata("valeurs", folder)["verification"]["lecture"] == readings["valeurs"]


def test_every_file_of_data_has_valid_past_dates_and_urls_for_rules():
    """The validator runs on every metadata file of data/ (CI): dates well formed and not in the future."""
    import datetime as dt

    files = sorted(data.data_dir().glob("*.meta.yaml"))
    assert len(files) == len(data.available()) >= 80
    for path in files:
        meta = data.read_metadata(path.name.removesuffix(".meta.yaml"))
        assert dt.date.fromisoformat(str(meta["verification"]["date"])) <= dt.date.today(), path.name
        if data.scope(meta) in data.NEEDS_URL:
            assert meta["source"]["url"].startswith("https://"), path.name


@pytest.mark.parametrize(("field", "before", "after", "expected"), [
    ("verification.date", 'date: "', 'date: "2026-02-30', "champ « verification.date » invalide"),
    ("verification.date", 'date: "', 'date: "2999-01-01', "champ « verification.date » dans le futur"),
    ("date_extraction", 'date_extraction: "', 'date_extraction: "30/11/2026', "champ « date_extraction » invalide"),
    ("date_extraction", 'date_extraction: "', 'date_extraction: "2999-01-01', "champ « date_extraction » dans le futur"),
    ("date_publication", 'date_publication: "', 'date_publication: "mars ', "champ « date_publication » invalide"),
    ("date_publication", 'date_publication: "', 'date_publication: "2999', "champ « date_publication » dans le futur"),
])
def test_a_missing_malformed_or_future_date_is_refused_naming_file_and_field(tmp_path, monkeypatch, field, before,
                                                                                 after, expected):
    folder = _copy_data(tmp_path, monkeypatch)
    meta = folder / "valeurs.meta.yaml"
    text = meta.read_text()
    assert before in text
    # Replace the whole quoted value.
    start = text.index(before) + len(before)
    end = text.index('"', start)
    meta.write_text(text[:text.index(before)] + after + text[end:])
    with pytest.raises(data.DataError, match=expected) as err:
        data.read_metadata("valeurs", folder)
    assert "valeurs.meta.yaml" in str(err.value)


def test_a_publication_may_give_only_its_month_or_year(tmp_path, monkeypatch):
    folder = _copy_data(tmp_path, monkeypatch)
    meta = folder / "valeurs.meta.yaml"
    text = meta.read_text()
    for value in ("2025", "2025-03"):
        meta.write_text(re.sub(r'date_publication: "[^"]*"', f'date_publication: "{value}"', text))
        assert data.read_metadata("valeurs", folder)["date_publication"] == value


def test_a_rule_or_a_national_figure_without_url_is_refused(tmp_path, monkeypatch):
    folder = _copy_data(tmp_path, monkeypatch)
    # A legal text as source, its address removed.
    meta = folder / "des_mg_2026.meta.yaml"
    assert data.scope(data.read_metadata("des_mg_2026", folder)) == "reglementaire"
    meta.write_text("\n".join(line for line in meta.read_text().splitlines() if not line.startswith("  url:")))
    with pytest.raises(data.DataError, match=r"des_mg_2026\.meta\.yaml.*champ « source\.url » manquant.*texte réglementaire"):
        data.read_metadata("des_mg_2026", folder)
    # A national figure declared as such, without an address (or with a plain http one).
    meta = folder / "arrets_travail_2024.meta.yaml"
    text = meta.read_text()
    assert "  url:" not in text and data.scope(data.read_metadata("arrets_travail_2024", folder)) is None
    meta.write_text(text.replace("schema:", "portee: chiffre_national\nschema:", 1))
    with pytest.raises(data.DataError, match="champ « source.url » manquant.*chiffre national"):
        data.read_metadata("arrets_travail_2024", folder)
    meta.write_text(text.replace("schema:", "portee: chiffre_national\nschema:", 1)
                    .replace("source:\n", "source:\n  url: \"http://ameli.fr/\"\n", 1))
    with pytest.raises(data.DataError, match="« http://ameli.fr/ »"):
        data.read_metadata("arrets_travail_2024", folder)
    meta.write_text(text.replace("schema:", "portee: chiffre_national\nschema:", 1)
                    .replace("source:\n", "source:\n  url: \"https://www.ameli.fr/\"\n", 1))
    assert data.read_metadata("arrets_travail_2024", folder)["portee"] == "chiffre_national"
    meta.write_text(text.replace("schema:", "portee: rumeur\nschema:", 1))
    with pytest.raises(data.DataError, match="champ « portee » inconnu"):
        data.read_metadata("arrets_travail_2024", folder)
