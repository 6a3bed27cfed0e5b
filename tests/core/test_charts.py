"""Rendu hors ligne des graphiques (fichiers Vega embarqués, export SVG)."""

import re

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
