"""Navigateur réel (chromium de Debian, sans réseau) : tableau de bord Voilà et page statique du livre."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Page, expect, sync_playwright

pytestmark = pytest.mark.slow

NNBSP = "\u202f"  # French thousands separator used in every count
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page whose context records every request and every failed response."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
    pg = context.new_page()
    pg.requests = []
    pg.failures = []
    # Recorded on the context, so that tabs opened by links are checked too.
    context.on("request", lambda r: pg.requests.append(r.url))
    context.on("response", lambda r: r.status >= 400 and pg.failures.append(f"{r.status} {r.url}"))
    yield pg
    context.close()
    outside = [u for u in pg.requests if not (u.startswith(server + "/") or u.startswith(("data:", "blob:")))]
    assert not outside, f"requêtes hors de 127.0.0.1 : {outside}"


def chart_text(pg: Page, scope: str = "") -> str:
    return pg.locator(f"{scope} .atelier-graphique[data-atelier-rendu=ok] svg").last.text_content()


def test_dashboard_recomputes_when_the_slider_moves(page, server):
    page.goto(f"{server}/voila/render/ecologie.ipynb")
    figure = page.locator(".atelier-figure .atelier-graphique[data-atelier-rendu=ok]")
    expect(figure).to_be_visible(timeout=90_000)
    table = page.locator(".atelier-tableau")
    expect(table).to_contain_text(f"15{NNBSP}000")  # White 1961: 250 per 1,000 × 60,000
    before = chart_text(page, ".atelier-figure")
    assert f"15{NNBSP}000 consultent un médecin" in before

    readout = page.locator(".atelier-population .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("120000")
    page.keyboard.press("Enter")

    expect(table).to_contain_text(f"30{NNBSP}000", timeout=30_000)
    expect(page.locator(".atelier-description")).to_contain_text(f"30{NNBSP}000 consultent un médecin")
    expect(page.locator(".atelier-figure svg").last).to_contain_text(f"30{NNBSP}000 consultent un médecin", timeout=30_000)
    assert chart_text(page, ".atelier-figure") != before

    # French, no code, no traceback; a link back to the chapter.
    body = page.locator("body").inner_text()
    assert "Écologie des soins : simulateur en direct" in body
    assert "Traceback" not in body and "import " not in body
    assert not page.failures, page.failures
    assert page.locator("html").get_attribute("lang") == "fr"
    with page.context.expect_page() as new_tab:
        page.locator("a[href='/livre/book/ecologie.html']").click()
    book = new_tab.value
    book.wait_for_load_state()
    assert book.url == f"{server}/livre/book/ecologie.html"
    expect(book.locator("h1").first).to_contain_text("écologie des soins")


def test_static_book_simulator_works_without_a_kernel(page, server):
    page.goto(f"{server}/livre/book/ecologie.html")
    chart = page.locator(".atelier-graphique[data-atelier-rendu=ok]")
    expect(chart).to_be_visible(timeout=30_000)
    svg = chart.locator("svg")
    expect(svg).to_contain_text(f"14{NNBSP}100 consultent un médecin généraliste")  # Laporte 2024, 60,000
    before = svg.text_content()

    slider = chart.locator("input[type=range][name=population]")
    slider.evaluate("el => { el.value = '120000'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    expect(svg).to_contain_text(f"28{NNBSP}200 consultent un médecin généraliste")  # 235 × 120
    assert svg.text_content() != before

    chart.locator("select[name=jeu]").select_option("ecologie_white_1961")
    expect(svg).to_contain_text(f"30{NNBSP}000 consultent un médecin")
    assert not page.failures, page.failures

    # The page links to its live dashboard, which opens on the same server.
    page.locator("a[data-atelier-tableau=ecologie]").click()
    expect(page.locator(".atelier-figure .atelier-graphique[data-atelier-rendu=ok]")).to_be_visible(timeout=90_000)


def test_simulator_renders_in_jupyterlab_offline(browser, tmp_path):
    """« atelier lab » environment: the widget simulator and its chart render, nothing leaves 127.0.0.1."""
    import subprocess

    import nbformat
    from conftest import BIN, free_port, tool_env, wait_http

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from atelier_mg import ecology\necology.simulator()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "essai.ipynb")
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", f"--ServerApp.port={port}",
         "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=essai", f"--ServerApp.root_dir={tmp_path}"],
        env=tool_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    try:
        wait_http(f"{base}/api/status?token=essai", timeout=60, proc=proc)
        pg = context.new_page()
        pg.goto(f"{base}/lab/tree/essai.ipynb?token=essai")
        expect(pg.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=90_000)
        expect(pg.locator(".jp-StatusBar-Widget", has_text="Idle").first).to_be_visible(timeout=90_000)
        pg.locator(".jp-Notebook .jp-Cell .cm-content").first.click()
        pg.keyboard.press("Shift+Enter")
        chart = pg.locator(".atelier-graphique[data-atelier-rendu=ok] svg")
        expect(chart).to_contain_text(f"15{NNBSP}000 consultent un médecin", timeout=90_000)
    finally:
        context.close()
        proc.terminate()
        proc.wait(timeout=20)
    outside = [u for u in requests if not u.startswith((base + "/", "data:", "blob:"))]
    assert not outside, outside


def test_review_dashboard_loads_a_carnet_and_shows_the_radar(page, server, tmp_path):
    from atelier_mg import carnet as cm
    from atelier_mg.carnet_ui import EXAMPLE

    # The intern's file, as it would be brought to the review meeting.
    carnet = cm.Carnet.open(EXAMPLE).copy_to(tmp_path / "carnet_competences.json")
    carnet.save()
    page.goto(f"{server}/voila/render/bilan_stage.ipynb")
    button = page.locator(".atelier-televerser")
    expect(button).to_be_visible(timeout=90_000)

    def upload(path):
        with page.expect_file_chooser() as chooser:
            button.click()
        chooser.value.set_files(str(path))

    upload(carnet.path)
    expect(page.locator(".atelier-message")).to_contain_text("carnet_competences.json")
    radar = page.locator(".atelier-radar .atelier-graphique[data-atelier-rendu=ok] svg")
    expect(radar).to_contain_text("Premier recours", timeout=30_000)
    expect(radar).to_contain_text("Évaluation du MSU")
    gaps = page.locator(".atelier-ecarts")
    expect(gaps).to_contain_text("Premier recours : l'interne s'estime plus avancé (Intermédiaire)")
    expect(page.locator(".atelier-grille .atelier-graphique[data-atelier-rendu=ok] svg")).to_contain_text("F01 Chronique")
    expect(page.locator(".atelier-non-rencontre")).to_contain_text("F05")

    # The MSU rates « Premier recours » as « Intermédiaire »: the gap disappears.
    page.locator(".atelier-eval-msu-C1 select").select_option(label="Intermédiaire")
    page.locator(".atelier-enregistrer-msu").click()
    expect(page.locator(".atelier-message")).to_contain_text("Évaluation du MSU prise en compte")
    expect(gaps).not_to_contain_text("Premier recours : l'interne s'estime")
    expect(page.locator("a.atelier-telecharger").first).to_have_attribute("download", "carnet_competences.json")

    # A file that is not a carnet gets a French message; the carnet shown is kept.
    bad = tmp_path / "notes.json"
    bad.write_text('{"format": "autre"}')
    upload(bad)
    expect(page.locator(".atelier-message")).to_contain_text("n'est pas un carnet de compétences")
    expect(radar).to_contain_text("Premier recours")
    assert "Traceback" not in page.locator("body").inner_text()


def test_screening_dashboard_recomputes_the_cascade(page, server):
    page.goto(f"{server}/voila/render/depistage.ipynb")
    table = page.locator(".atelier-tableau")
    expect(table).to_contain_text("475", timeout=90_000)  # false positives, primary-care preset, 10 000 people
    text = page.locator(".atelier-description")
    expect(text).to_contain_text(f"48,6{NNBSP}%")
    chart = page.locator(".atelier-figure .atelier-graphique[data-atelier-rendu=ok] svg")
    expect(chart).to_contain_text("Valeur prédictive positive")
    page.locator(".atelier-situation select").select_option(label="Patients adressés à l'hôpital par un médecin")
    expect(text).to_contain_text(f"88,5{NNBSP}%", timeout=30_000)
    expect(page.locator(".atelier-note")).to_contain_text("illustratif")
    expect(chart).to_contain_text(f"88,5{NNBSP}%")
    assert not page.failures, page.failures


def test_tester_ou_traiter_dashboard(page, server):
    page.goto(f"{server}/voila/render/tester_ou_traiter.ipynb")
    table = page.locator(".atelier-tableau")
    expect(table).to_contain_text("Test si score ≥ seuil", timeout=90_000)
    expect(page.locator(".atelier-figure .atelier-graphique[data-atelier-rendu=ok] svg")).to_contain_text("Comparer")
    before = table.inner_text()
    page.locator(".atelier-situation select").select_option(label="Suspicion de cystite de la femme (bandelette urinaire)")
    expect(table).not_to_contain_text("Test si score ≥ seuil", timeout=30_000)
    expect(table).to_contain_text("660")  # 1,000 women, prevalence 60 %, Se 90 %, Sp 70 %: 540 + 120 antibiotics
    assert table.inner_text() != before
    # The trajectory chart recomputes in the page when its slider moves.
    trajectory = page.locator(".atelier-graphique[data-atelier-rendu=ok]", has_text="Trajectoire").locator("svg")
    expect(trajectory).to_be_visible(timeout=30_000)
    before_svg = trajectory.inner_html()
    slider = page.locator("input[type=range][name=baisse]")
    slider.evaluate("el => { el.value = '0.15'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_function("([el, old]) => el.innerHTML !== old", arg=[trajectory.element_handle(), before_svg])
    assert not page.failures, page.failures


DASHBOARDS = sorted(p.stem for p in (__import__("conftest").ROOT / "dashboards").glob("*.ipynb"))


@pytest.mark.parametrize("name", DASHBOARDS)
def test_every_dashboard_renders_in_french_without_errors(page, server, name):
    page.goto(f"{server}/voila/render/{name}.ipynb")
    expect(page.locator(".jupyter-widgets").first).to_be_visible(timeout=90_000)
    expect(page.locator("h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    body = page.locator("body").inner_text()
    for word in ("Traceback", "Error", "Exception", "NameError"):
        assert word not in body, (name, word)
    assert page.locator("html").get_attribute("lang") == "fr"
    link = page.locator("a[href^='/livre/book/']")
    assert link.count() == 1  # link back to the chapter, which exists
    assert page.request.get(server + link.get_attribute("href")).status == 200
    assert not page.failures, page.failures
