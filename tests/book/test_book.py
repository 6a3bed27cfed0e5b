"""Le livre : construction réelle (atelier build), contenu, exécution de chaque chapitre."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import jupytext
import pytest
from conftest import BIN, ROOT, tool_env
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

CHAPTERS = sorted((ROOT / "book").glob("*.md"))


def _code_chapters() -> list[Path]:
    return [p for p in CHAPTERS if "```{code-cell}" in p.read_text()]


@pytest.mark.parametrize("chapter", _code_chapters(), ids=lambda p: p.stem)
def test_every_chapter_executes_on_a_fresh_kernel(chapter):
    nb = jupytext.read(chapter)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(chapter.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


def test_book_builds_in_french_without_external_resources(built_book):
    page = (built_book / "book" / "ecologie.html").read_text()
    assert '<html lang="fr"' in page
    # Scripts, styles and fonts all come from the book itself.
    for html_file in built_book.rglob("*.html"):
        text = html_file.read_text()
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", text), html_file
    for vendored in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):
        assert (built_book / "_static" / "vendor" / vendored).is_file()


def test_chapter_numbers_come_from_the_data(built_book):
    page = (built_book / "book" / "ecologie.html").read_text()
    # Glued values (French thousands separator), computed from data/ at build time.
    assert "14\u202f100" in page  # 235 per 1,000 × 60,000 (Laporte 2024)
    assert "1\u202f680" in page   # (13 + 10 + 5) per 1,000 × 60,000
    assert "Laporte" in page and "White" in page and "Green" in page
    assert "Source : White KL, Williams TF, Greenberg BG." in page
    # The interactive chart, the self-check solutions and the link to the live dashboard.
    assert page.count("atelier-graphique") >= 1 and "binding_range" not in page
    assert "/voila/render/ecologie.ipynb" in page
    assert page.count('class="solution') >= 4 or page.count("solution dropdown") >= 4
    assert "Exercice" in page


def test_a_failing_chapter_fails_the_build(tmp_path):
    book = tmp_path / "livre"
    book.mkdir()
    shutil.copy(ROOT / "_toc.yml", book)
    shutil.copytree(ROOT / "book", book / "book")
    broken = book / "book" / "ecologie.md"
    broken.write_text(broken.read_text().replace("charts.enable()", "charts.enable()\nraise RuntimeError('chapitre cassé')", 1))
    config = (ROOT / "_config.yml").read_text()
    (book / "_config.yml").write_text(config.replace("src/atelier_mg/core/static", str(ROOT / "src/atelier_mg/core/static")))
    result = subprocess.run(
        [str(BIN / "atelier"), "--racine", str(book), "build"], env=tool_env(), capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "La construction du livre a échoué" in result.stderr


def test_framework_chapters_render_their_lists_from_the_data(built_book):
    import html as html_lib

    from atelier_mg.core import data

    def page(name: str) -> str:
        return html_lib.unescape((built_book / "book" / f"{name}.html").read_text())

    competences = page("competences")
    for row in data.load_table("competences_2025").itertuples():
        assert f"{row.code}. {row.competence}" in competences
    for row in data.load_table("comportements_2025").itertuples():
        assert row.comportement in competences
    for row in data.load_table("familles_situations").itertuples():
        assert row.famille in competences
    assert competences.count('class="atelier-graphique"') == 2  # radar and grid of the example carnet
    assert "/voila/render/bilan_stage.ipynb" in competences

    valeurs = page("valeurs")
    for row in data.load_table("piliers").itertuples():
        assert row.pilier in valeurs
    for row in data.load_table("valeurs").itertuples():
        assert row.valeur in valeurs
    for row in data.load_table("cas_medecine_generale").itertuples():
        assert row.profil in valeurs

    missions = page("missions")
    for row in data.load_table("missions").itertuples():
        assert row.mission in missions
    assert "Bibliographie" in page("bibliographie") or "bibliographie" in page("bibliographie")


def test_prevention_chapter_renders_indicators_and_vignettes_from_the_data(built_book):
    import html as html_lib

    from atelier_mg.core import data

    page = html_lib.unescape((built_book / "book" / "prevention.html").read_text())
    for row in data.load_table("indicateurs_prevention_2024").itertuples():
        assert row.indicateur in page and row.interpretation in page
    for row in data.load_table("vignettes_prevention").itertuples():
        assert row.vignette in page
    # Jamoulle's quadrant, the cascade, the screening biases, the patientèle simulator
    assert page.count('class="atelier-graphique"') == 4
    assert 'id="atelier-quiz-prevention"' in page.replace("'", '"')  # the vignettes' quiz, with no kernel
    for dashboard in ("depistage", "biais_depistage", "patientele", "classer_prevention"):
        assert f"/voila/render/{dashboard}.ipynb" in page
    assert "illustratif" in page


def test_pertinence_chapters_render_their_data(built_book):
    import html as html_lib

    from atelier_mg.core import data

    def page(name: str) -> str:
        return html_lib.unescape((built_book / "book" / f"{name}.html").read_text())

    pertinence = page("pertinence")
    for row in data.load_table("programmes_pertinence_2024").itertuples():
        assert row.objectif in pertinence
    assert "/voila/render/sobriete.ipynb" in pertinence
    antibiotiques = page("antibiotiques")
    assert "26,8" in antibiotiques and "/voila/render/tester_ou_traiter.ipynb" in antibiotiques
    assert antibiotiques.count('class="atelier-graphique"') == 2  # test-or-treat and the trajectory
    poly = page("polymedication")
    for product in data.load_table("top20_medicaments_volume")["produit"]:
        assert product in poly
    assert "14" in poly and "12" in poly and "METHADONE" in poly
    sobriete = page("sobriete")
    assert "0,92" in sobriete and "/voila/render/sobriete.ipynb" in sobriete


def test_glued_numbers_are_printed_as_text(built_book):
    """A glued « 13,3 » must not come out as the tuple (13, 3) (myst-nb evaluates text/plain)."""
    for page in (built_book / "book").glob("*.html"):
        pasted = re.findall(r'pasted-text">([^<]*)<', page.read_text())
        assert not [p for p in pasted if re.fullmatch(r"\(\d+, \d+\)", p)], page.name


def test_context_chapters_show_their_data_the_gaps_and_the_simulator(built_book):
    import html as html_lib

    from atelier_mg.core import data
    from atelier_mg.topics.context import capacity, demography

    demo = html_lib.unescape((built_book / "book" / "demographie.html").read_text())
    assert "47\u202f412" in demo and "49\u202f410" in demo  # 2016 and 2022 doctors, from data/
    assert f"{demography.pediatric_shares().loc['0-2 ans', 'part_mg_tous'] * 100:.1f}".replace(".", ",") in demo
    assert "Ce que la source ne donne pas" in demo and "reconstitué" in demo
    assert demo.count('class="atelier-graphique"') == 1 and "/voila/render/capacite_territoire.ipynb" in demo
    last = capacity.project(capacity.defaults())[-1]
    assert capacity.patients(last.without) in demo and "illustratif" in demo
    besoins = html_lib.unescape((built_book / "book" / "besoins.html").read_text())
    for row in data.load_table("inegalites_maladies_chroniques").itertuples():
        assert row.libelle in besoins
    assert "13,8 millions" in besoins and "Ce que la source ne donne pas" in besoins
    for page in (demo, besoins):
        assert re.search(r'class="atelier-a-jour"><em>(Données relues|Vérifié) au ', page)
        assert page.count("solution dropdown") + page.count('class="solution') >= 4


MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
TYPED_DATE = re.compile(rf"(À jour|Données relues|Vérifié) au (1er|[0-9]{{1,2}}) ({MONTHS}) 20[0-9]{{2}}")


@pytest.mark.parametrize("chapter", [p for p in CHAPTERS if p.stem not in ("index", "bibliographie")], ids=lambda p: p.stem)
def test_no_chapter_types_its_date_it_is_computed(chapter):
    from atelier_mg.core.freshness import DATE_LINE_SOURCE

    lines = [line for line in chapter.read_text().splitlines() if line.strip()]
    advice = (f"book/{chapter.name} : remplacez la dernière ligne « {lines[-1][:60]}… » par la seule ligne "
              f"{DATE_LINE_SOURCE} (sans date) : la date « Données relues au … » est calculée à la construction du livre, "
              "la plus ancienne vérification (verification.date) des jeux de data/ que le chapitre charge.")
    assert not [line for line in lines if TYPED_DATE.search(line)], advice
    assert lines[-1].strip() == DATE_LINE_SOURCE, advice


def _french_day(text: str):
    import datetime as dt

    day, month, year = re.fullmatch(rf"(1er|[0-9]{{1,2}}) ({MONTHS}) ([0-9]{{4}})", text).groups()
    return dt.date(int(year), MONTHS.split("|").index(month) + 1, int(day.removesuffix("er")))


def test_each_chapter_is_dated_by_the_oldest_check_of_the_data_it_loaded(built_book):
    import datetime as dt
    import html as html_lib
    import json

    import yaml

    from atelier_mg.core import data

    usage = json.loads((built_book.parent / "donnees-des-chapitres.json").read_text())
    known = set(data.available())
    for chapter in _code_chapters():
        page = html_lib.unescape((built_book / "book" / f"{chapter.stem}.html").read_text())
        spans = re.findall(r'<span class="atelier-a-jour">(.*?)</span>\s*</p>', page, re.S)
        assert len(spans) == 1, chapter.stem
        line = re.sub(r"<[^>]+>", "", spans[0])
        # What the chapter really loaded includes every dataset its code names.
        code = "".join(re.findall(r"```\{code-cell\}.*?```", chapter.read_text(), re.S))
        named = {n for n in re.findall(r"[\"']([a-z0-9_]+)[\"']", code) if n in known}
        used = usage[chapter.stem]
        assert named <= set(used), (chapter.stem, named - set(used))
        checked = {n: dt.date.fromisoformat(str(yaml.safe_load((data.data_dir() / f"{n}.meta.yaml").read_text())
                                                ["verification"]["date"])) for n in used}
        if not checked:
            assert "aucun jeu de données" in line, chapter.stem
            continue
        headline = re.match(r"(Données relues|Vérifié) au (.+?) : ", line)
        assert headline and _french_day(headline.group(2)) == min(checked.values()), (chapter.stem, line)
        assert f"{len(checked)} jeux de données" in line or len(checked) == 1, line
        if min(checked.values()) != max(checked.values()):
            assert "entre le" in line and "plus ancien" in line, line
        # « Vérifié contre sa source » only of what the check read in the primary text itself.
        readings = [data.read_metadata(n)["verification"].get("lecture") for n in used]
        assert headline.group(1) == ("Vérifié" if all(r == "source_primaire" for r in readings) else "Données relues"), line
        if len(used) > 1 and all(r == "source_primaire" for r in readings):
            assert "chacun vérifié contre le texte même de sa source primaire" in line, line
        elif len(used) > 1:
            assert "chacun vérifié" not in line and "ce qui a été lu : " in line, line
            copies = readings.count("reproduction")
            assert not copies or f"{copies} seulement dans une reproduction ou un résumé" in line, line


def test_chapters_without_data_and_with_one_dataset_say_what_is_true(tmp_path):
    import html as html_lib

    from atelier_mg.core import data
    from atelier_mg.core.freshness import DATE_LINE_SOURCE, french_date

    book = tmp_path / "livre"
    (book / "book").mkdir(parents=True)
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/index\nchapters:\n  - file: book/prose\n"
                                   "  - file: book/calcul\n  - file: book/chiffre\n")
    config = (ROOT / "_config.yml").read_text()
    (book / "_config.yml").write_text(config.replace("src/atelier_mg/core/static", str(ROOT / "src/atelier_mg/core/static")))
    shutil.copy(ROOT / "book" / "references.bib", book / "book")
    (book / "book" / "index.md").write_text("# Essai\n\n```{tableofcontents}\n```\n")
    (book / "book" / "prose.md").write_text(f"# Prose\n\nDu texte, sans code.\n\n{DATE_LINE_SOURCE}\n")
    header = (ROOT / "book" / "valeurs.md").read_text().split("\n---\n", 1)[0] + "\n---\n"
    cell = "```{{code-cell}} ipython3\n:tags: [remove-cell]\n\n{}\n```\n"
    (book / "book" / "calcul.md").write_text(header + "# Calcul\n\n" + cell.format("x = 1 + 1") + f"\n{DATE_LINE_SOURCE}\n")
    code = "from atelier_mg.core import data\nt = data.load_table('ecologie_white_1961')"
    (book / "book" / "chiffre.md").write_text(header + "# Chiffre\n\n" + cell.format(code) + f"\n{DATE_LINE_SOURCE}\n")
    result = subprocess.run([str(BIN / "atelier"), "--racine", str(book), "build"], env=tool_env(),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    pages = {name: html_lib.unescape((book / "_build" / "html" / "book" / f"{name}.html").read_text())
             for name in ("prose", "calcul", "chiffre")}
    for name in ("prose", "calcul"):
        assert "<em>Aucune date de vérification</em> : ce chapitre n’utilise aucun jeu de données" in pages[name]
        assert "relues au" not in pages[name] and "Vérifié au" not in pages[name]
    import datetime as dt
    import json

    usage = json.loads((book / "_build" / "donnees-des-chapitres.json").read_text())
    assert usage["prose"] == usage["calcul"] == [] and "ecologie_white_1961" in usage["chiffre"]
    checked = min(dt.date.fromisoformat(str(data.read_metadata(n)["verification"]["date"])) for n in usage["chiffre"])
    assert f"<em>Données relues au {french_date(checked)}</em>" in pages["chiffre"]


def test_no_page_shows_a_line_of_our_extracted_texts(built_book):
    """Readers get printed pages or slide titles, never « source 001 l. 1211 » (lines of our text files)."""
    for page in built_book.rglob("*.html"):
        text = re.sub(r"<[^>]+>", " ", page.read_text())
        assert not re.search(r"\b00[0-4],?\s+l\.\s*[0-9]", text), page
