"""Des dates qui disent vrai : date d'un chapitre calculée depuis ses données, sources à revérifier."""

import datetime as dt
import json
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from atelier_mg import cli
from atelier_mg.core import data, freshness


@pytest.fixture
def folder(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    monkeypatch.setenv("ATELIER_DATA_DIR", str(copy))
    return copy


def _checked_on(folder, name, day):
    meta = folder / f"{name}.meta.yaml"
    text = meta.read_text()
    new = re.sub(r'(verification:\n(?:  .*\n)*?  date: )"?[0-9-]+"?', rf'\g<1>"{day}"', text)
    assert new != text, name
    meta.write_text(new)


def test_dates_are_written_the_french_way():
    assert freshness.french_date(dt.date(2026, 12, 1)) == "1er décembre 2026"
    assert freshness.french_date(dt.date(2026, 8, 15)) == "15 août 2026"
    assert freshness.french_span(dt.date(2026, 11, 22), dt.date(2026, 11, 30)) == "entre le 22 et le 30 novembre 2026"
    assert freshness.french_span(dt.date(2026, 10, 1), dt.date(2026, 11, 30)) == "entre le 1er octobre et le 30 novembre 2026"
    assert freshness.french_span(dt.date(2025, 12, 3), dt.date(2026, 1, 2)) == "entre le 3 décembre 2025 et le 2 janvier 2026"


def test_months_are_counted_on_the_calendar():
    assert freshness.months_before(dt.date(2026, 12, 7), 6) == dt.date(2026, 6, 7)
    assert freshness.months_before(dt.date(2026, 12, 7), 12) == dt.date(2025, 12, 7)
    assert freshness.months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert freshness.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert freshness.months_before(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)
    assert freshness.months_before(dt.date(2026, 5, 2), 0) == dt.date(2026, 5, 2)


def test_a_chapter_is_dated_by_the_oldest_check_of_what_it_uses(folder):
    _checked_on(folder, "valeurs", "2026-03-03")
    _checked_on(folder, "piliers", "2026-10-01")
    _checked_on(folder, "missions", "2026-10-01")
    line = freshness.date_line(["piliers", "valeurs", "missions", "valeurs"])
    assert line.headline == "Vérifié au 3 mars 2026"  # the three were read in their primary text
    assert "3 jeux de données" in line.detail and "entre le 3 mars et le 1er octobre 2026" in line.detail
    assert "le plus ancien : « " + data.read_metadata("valeurs")["titre"] + " »" in line.detail
    same = freshness.date_line(["piliers", "missions"])
    assert same.headline == "Vérifié au 1er octobre 2026" and "tous été relus" in same.detail
    one = freshness.date_line(["valeurs"])
    assert one.headline == "Vérifié au 3 mars 2026" and data.read_metadata("valeurs")["titre"] in one.detail
    none = freshness.date_line([])
    assert " au " not in none.headline and "aucun jeu de données" in none.detail


def _read_as(folder, name, reading):
    meta = folder / f"{name}.meta.yaml"
    text = re.sub(r"\n  lecture: [a-z_]+", "", meta.read_text())
    new = re.sub(r"(verification:\n(?:  .*\n)*?  date: [^\n]*\n)", rf"\g<1>  lecture: {reading}\n", text, count=1)
    assert new != text, name
    meta.write_text(new)


def test_a_chapter_says_vérifié_only_for_what_was_read_in_the_primary_text(folder):
    for name, reading in (("valeurs", "source_primaire"), ("piliers", "reproduction"), ("missions", "sans_objet")):
        _read_as(folder, name, reading)
        _checked_on(folder, name, "2026-10-01")
    mixed = freshness.date_line(["valeurs", "piliers", "missions"]).detail
    assert "1 dans le texte même de la source primaire" in mixed
    assert "1 seulement dans une reproduction ou un résumé" in mixed and data.read_metadata("piliers")["titre"] in mixed
    assert "1 aux valeurs illustratives" in mixed and "chacun vérifié" not in mixed
    assert "vérifié contre le texte de sa source primaire" in freshness.date_line(["valeurs"]).detail
    _read_as(folder, "missions", "source_primaire")
    primary = freshness.date_line(["valeurs", "missions"])
    assert "chacun vérifié contre le texte même de sa source primaire" in primary.detail
    # The headline says « Vérifié » only when every dataset was read in its primary text, never « À jour ».
    assert primary.headline == "Vérifié au 1er octobre 2026"
    assert freshness.date_line(["valeurs", "piliers"]).headline == "Données relues au 1er octobre 2026"
    assert freshness.date_line(["piliers"]).headline.startswith("Données relues au ")
    assert freshness.date_line(["valeurs"]).headline.startswith("Vérifié au ")
    copy = freshness.date_line(["piliers"]).detail
    assert "seulement dans une reproduction" in copy and "vérifié contre" not in copy
    assert "ne couvre pas les règles énoncées dans le texte sans jeu de données" in copy
    # A dataset that does not say what was read cannot date a chapter: the line would have to guess.
    meta = folder / "piliers.meta.yaml"
    meta.write_text(re.sub(r"\n  lecture: [a-z_]+", "", meta.read_text()))
    with pytest.raises(data.DataError, match=r"piliers.*verification\.lecture » manquant"):
        freshness.date_line(["valeurs", "missions", "piliers"])


def test_the_reading_of_a_check_is_one_of_three_words(folder):
    _read_as(folder, "valeurs", "relu_vite")
    with pytest.raises(data.DataError, match=r"verification\.lecture » invalide \(« relu_vite »"):
        data.read_metadata("valeurs")


def _glue(nb):
    """The glue data of an executed notebook, as myst-nb reads it."""
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            scrap = output.get("metadata", {}).get("scrapbook")
            if scrap:
                prefix = len(scrap["mime_prefix"])
                found[scrap["name"]] = {"data": {k[prefix:]: v for k, v in output["data"].items()}}
    return found


def _run(cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return nb


def test_a_chapter_kernel_records_every_dataset_it_really_loads(monkeypatch):
    monkeypatch.setenv(freshness.RECORD_ENV, "1")
    nb = _run([
        "from atelier_mg.core import book, data",
        "x = data.load_table('valeurs')",
        "y = 1",
        "book.source_table('ecologie_white_1961')\nz = data.load_table('valeurs')",
        "from atelier_mg.topics import competencies\n_ = competencies.behaviours()",
    ])
    glue = _glue(nb)
    names = freshness.recorded(glue)
    # The cell that loads « valeurs » also loads the registry that turns its references into pages.
    first = json.loads(glue[f"{freshness.GLUE_KEY}1"]["data"]["text/plain"])
    assert "valeurs" in first and "documents_sources" in first
    assert "ecologie_white_1961" in names and "comportements_2025" in names
    assert names.index("ecologie_white_1961") < names.index("comportements_2025")
    assert len(names) == len(set(names))
    # Hidden outputs only: nothing shown to the reader, no record for a cell that loads nothing.
    assert all(k.startswith(freshness.GLUE_KEY) for k in glue)
    assert not nb.cells[2].outputs
    for cell in nb.cells:
        for output in cell.outputs:
            if "scrapbook" in output.get("metadata", {}):
                assert all(k.startswith(freshness.GLUE_PREFIX) for k in output["data"])


def test_nothing_is_recorded_outside_a_book_build(monkeypatch):
    monkeypatch.delenv(freshness.RECORD_ENV, raising=False)
    nb = _run(["from atelier_mg.core import data\nx = data.load_table('valeurs')"])
    assert not _glue(nb)


def _built(tmp_path, usage):
    (tmp_path / "_build").mkdir(exist_ok=True)
    (tmp_path / "_build" / freshness.USAGE_FILE).write_text(json.dumps(usage))
    return tmp_path


def test_verifier_sources_lists_stale_facts_with_their_chapters_and_urls(folder, tmp_path, capsys):
    _checked_on(folder, "des_mg_2026", "2025-01-15")
    _checked_on(folder, "valeurs", "2026-12-01")
    root = _built(tmp_path, {"formation": ["des_mg_2026", "valeurs"], "competences": ["des_mg_2026"],
                             "valeurs": ["valeurs"]})
    args = ["--racine", str(root), "verifier-sources", "--mois", "6", "--au", "2026-12-07"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    block = out.split("des_mg_2026 — ")[1].split("\n\n")[0]
    assert "vérifié le 15 janvier 2025" in block
    assert data.read_metadata("des_mg_2026")["source"]["url"] in block
    assert "chapitres : competences, formation" in block
    assert "vérifiés avant le 7 juin 2026" in out and "valeurs — " not in out
    assert f"d'après la construction du livre du {freshness.french_date(dt.date.today())}" in out
    # For a teacher: exit code 1 when something is stale, if asked.
    assert cli.main([*args, "--strict"]) == 1
    capsys.readouterr()
    assert cli.main([*args, "--strict", "--chapitre", "valeurs"]) == 0
    assert "Aucun : rien à revérifier" in capsys.readouterr().out
    assert cli.main([*args, "--chapitre", "formation", "--mois", "24"]) == 0
    assert "des_mg_2026" not in capsys.readouterr().out


def test_verifier_sources_explains_bad_requests_in_french(folder, tmp_path, capsys):
    assert cli.main(["--racine", str(tmp_path), "verifier-sources", "--chapitre", "ecologie"]) == 1
    assert "Lancez d'abord « atelier build »" in capsys.readouterr().err
    root = _built(tmp_path, {"ecologie": ["valeurs"]})
    assert cli.main(["--racine", str(root), "verifier-sources", "--chapitre", "inconnu"]) == 1
    err = capsys.readouterr().err
    assert "chapitre « inconnu » inconnu" in err and "ecologie" in err and "Traceback" not in err
    assert cli.main(["--racine", str(root), "verifier-sources", "--mois", "-1"]) == 1
    assert "--mois" in capsys.readouterr().err
    (root / "_build" / freshness.USAGE_FILE).write_text("{pas du json")
    assert cli.main(["--racine", str(root), "verifier-sources"]) == 1
    assert "reconstruisez le livre" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--racine", str(root), "verifier-sources", "--au", "07/12/2026"])
    assert "date invalide « 07/12/2026 »" in capsys.readouterr().err


def test_the_books_own_source_list_gives_every_document_address_to_check():
    registry = data.load_table("documents_sources")
    addresses = {u for u in registry["url"].dropna() if u.startswith("https://")}
    assert addresses and addresses <= set(freshness.fact("documents_sources").urls)


def test_the_pages_read_at_the_last_check_are_given_to_check_again(folder):
    import yaml

    meta = folder / "valeurs.meta.yaml"
    content = yaml.safe_load(meta.read_text())
    content["verification"]["contre"] = "Relu sur https://www.has-sante.fr/jcms/p_1 (page) et https://www.legifrance.gouv.fr/x."
    meta.write_text(yaml.safe_dump(content, allow_unicode=True))
    urls = freshness.fact("valeurs").urls
    assert "https://www.has-sante.fr/jcms/p_1" in urls and "https://www.legifrance.gouv.fr/x" in urls
