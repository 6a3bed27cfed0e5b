"""Rendu hors ligne des graphiques et commande « atelier »."""

import re
import socket

import pytest

from atelier_mg import charts, cli, ecology
from atelier_mg.charts import VENDOR_DIR


def test_renderer_loads_vega_from_the_vendored_files_only():
    html = charts.spec_to_html(ecology.chart().to_dict())
    assert not re.search(r"https?://", html.split("var spec")[0] + html.split("var opts")[1])
    assert '"_static/vendor/"' in html and "atelier/vendor" in html
    assert 'aria-label="Écologie des soins' in html
    assert "Le graphique n'a pas pu être affiché" in html
    for name in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):
        assert (VENDOR_DIR / name).stat().st_size > 50_000, name


def test_renderer_is_enabled_for_altair():
    import altair as alt

    charts.enable()
    bundle = alt.Chart().mark_point()._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "atelier-graphique" in bundle["text/html"]
    assert bundle["text/plain"].startswith("Graphique")


def test_svg_export_works_offline_with_french_numbers():
    svg = charts.to_svg(ecology.chart("ecologie_laporte_2024", 60_000))
    assert svg.startswith("<svg") and "14\u202f100 consultent un médecin généraliste" in svg


def test_find_root_explains_in_french(tmp_path):
    assert cli.find_root(cli.REPO / "book") == cli.REPO
    with pytest.raises(cli.CliError, match="Aucun livre Atelier MG"):
        cli.find_root(tmp_path, fallback=tmp_path / "ailleurs")


def test_serve_refuses_a_busy_port_in_french(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert cli.main(["serve", "--port", str(port), "--sans-construction"]) == 1
    err = capsys.readouterr().err
    assert f"Le port {port} est déjà utilisé" in err


def test_book_staleness(tmp_path):
    for name in ("_config.yml", "_toc.yml"):
        (tmp_path / name).write_text("x")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.md").write_text("# a")
    assert cli.book_is_stale(tmp_path)
    index = tmp_path / "_build" / "html" / "index.html"
    index.parent.mkdir(parents=True)
    index.write_text("ok")
    assert not cli.book_is_stale(tmp_path)
    import os
    import time
    later = time.time() + 5
    os.utime(tmp_path / "book" / "page.md", (later, later))
    assert cli.book_is_stale(tmp_path)


@pytest.mark.slow
def test_jupyterlab_serves_the_chart_library_offline(tmp_path):
    """« atelier lab » enables our server extension: JupyterLab serves the vendored Vega files."""
    import subprocess
    import urllib.request

    from conftest import BIN, free_port, tool_env, wait_http

    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "jupyter"), "lab", "--no-browser", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.root_dir={tmp_path}", "--allow-root"],
        env=tool_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/atelier/vendor/vega-lite.min.js"
        wait_http(url, timeout=60, proc=proc)
        with urllib.request.urlopen(url) as r:
            assert r.read() == (VENDOR_DIR / "vega-lite.min.js").read_bytes()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_inputs_digest_changes_with_package_or_data(tmp_path):
    for folder in ("src/atelier_mg", "data"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "f.txt").write_text("a")
    first = cli.inputs_digest(tmp_path)
    assert cli.inputs_digest(tmp_path) == first
    (tmp_path / "data" / "f.txt").write_text("b")
    assert cli.inputs_digest(tmp_path) != first
