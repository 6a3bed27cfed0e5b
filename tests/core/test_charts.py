"""Rendu hors ligne des graphiques (fichiers Vega embarqués, export SVG)."""

import json
import re
import subprocess

from atelier_mg.core import charts
from atelier_mg.core.charts import VENDOR_DIR
from atelier_mg.topics import ecology


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


def test_vega_round_is_half_to_even_like_python():
    # JavaScript's Math.round sends 0.5, 2.5 and 62.5 up; Python (and the text the model writes) rounds them to
    # even. The expressions are evaluated by node with JavaScript's own Math functions, as in the browser.
    cases = [0.5, 1.5, 2.5, 62.5, 1562.5, 100 * (30 / 2000), 1e6 / 640, -0.5, -1.5, 3.49999, 7, 0.4999999999999999]
    script = "with (Math) { console.log(JSON.stringify([" + ",".join(charts.vega_round(repr(v)) for v in cases) + "])) }"
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [round(v) for v in cases]
    js = subprocess.run(["node", "-e", "console.log(JSON.stringify([Math.round(0.5), Math.round(2.5)]))"],
                        capture_output=True, text=True, check=True).stdout
    assert json.loads(js) == [1, 3]  # what a plain Vega round() would have shown


def test_text_alternative_of_a_chart_is_copied_into_a_live_region():
    html = charts.spec_to_html({"description": "x"})
    assert ".atelier_alt_marks" in html and 'setAttribute("aria-live", "polite")' in html
    assert "MutationObserver" in html  # refreshed when Vega redraws after an input moved
