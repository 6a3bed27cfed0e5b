"""« atelier lab » : JupyterLab sert Vega hors ligne et affiche le simulateur, sans requête extérieure."""

import contextlib

import pytest
from conftest import NNBSP
from playwright.sync_api import expect

from atelier_mg.core.charts import VENDOR_DIR

pytestmark = pytest.mark.slow


def test_jupyterlab_serves_the_chart_library_offline(tmp_path):
    """« atelier lab » enables our server extension: JupyterLab serves the vendored Vega files."""
    import urllib.request

    from conftest import BIN, free_port, running

    port = free_port()
    url = f"http://127.0.0.1:{port}/atelier/vendor/vega-lite.min.js"
    with running([str(BIN / "jupyter"), "lab", "--no-browser", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
                  f"--ServerApp.root_dir={tmp_path}", "--allow-root"], url, timeout=60):
        with urllib.request.urlopen(url) as r:
            assert r.read() == (VENDOR_DIR / "vega-lite.min.js").read_bytes()


def test_simulator_renders_in_jupyterlab_offline(browser, tmp_path):
    """« atelier lab » environment: the widget simulator and its chart render, nothing leaves 127.0.0.1."""
    import nbformat
    from conftest import BIN, free_port, running

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from atelier_mg.topics import ecology\necology.simulator()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "essai.ipynb")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    with running([str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", f"--ServerApp.port={port}",
                  "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=essai", f"--ServerApp.root_dir={tmp_path}"],
                 f"{base}/api/status?token=essai", timeout=60), contextlib.closing(context):
        pg = context.new_page()
        pg.goto(f"{base}/lab/tree/essai.ipynb?token=essai")
        expect(pg.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=90_000)
        expect(pg.locator(".jp-StatusBar-Widget", has_text="Idle").first).to_be_visible(timeout=90_000)
        pg.locator(".jp-Notebook .jp-Cell .cm-content").first.click()
        pg.keyboard.press("Shift+Enter")
        chart = pg.locator(".atelier-graphique[data-atelier-rendu=ok] svg")
        expect(chart).to_contain_text(f"15{NNBSP}000 consultent un médecin", timeout=90_000)
    outside = [u for u in requests if not u.startswith((base + "/", "data:", "blob:"))]
    assert not outside, outside
