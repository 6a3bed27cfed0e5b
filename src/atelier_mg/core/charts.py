"""Rendu hors ligne des graphiques Altair (book, JupyterLab, Voilà).

Altair's default renderer loads Vega from a CDN, which leaves a blank space offline.
This renderer emits a small loader that takes the vendored Vega files from
the server that shows the page:

* in the built book (Sphinx pages carry ``data-content_root``): ``<root>/_static/vendor/``;
* in Voilà and JupyterLab (pages carry ``jupyter-config-data``): ``<baseUrl>/atelier/vendor/``,
  served by ``atelier serve`` and by the server extension that ``atelier lab`` enables.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import altair as alt

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
VENDOR_URL_PATH = "atelier/vendor"

# d3-format / d3-time-format locales for French: "15 000", "3,5 %".
FORMAT_LOCALE_FR = {
    "decimal": ",",
    "thousands": "\u202f",
    "grouping": [3],
    "currency": ["", "\u00a0€"],
    "percent": "\u202f%",
}
TIME_FORMAT_LOCALE_FR = {
    "dateTime": "%A %e %B %Y à %X",
    "date": "%d/%m/%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
    "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    "months": [
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ],
    "shortMonths": [
        "janv.", "févr.", "mars", "avr.", "mai", "juin",
        "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ],
}

EMBED_OPTIONS: dict[str, Any] = {
    "actions": False,
    "renderer": "svg",
    "formatLocale": FORMAT_LOCALE_FR,
    "timeFormatLocale": TIME_FORMAT_LOCALE_FR,
}

_LOADER = """<div id="{div_id}" class="atelier-graphique" role="figure" aria-label="{label}" tabindex="0"></div>
<script type="text/javascript">
(function () {{
  var el = document.getElementById("{div_id}");
  var spec = {spec};
  var opts = {opts};
  function vendorBase() {{
    var root = document.documentElement.dataset.content_root;
    if (root !== undefined) return root + "_static/vendor/";
    var base = "/";
    var cfg = document.getElementById("jupyter-config-data");
    if (cfg) {{ try {{ base = JSON.parse(cfg.textContent).baseUrl || "/"; }} catch (e) {{}} }}
    return base.replace(/\\/?$/, "/") + "{vendor_path}/";
  }}
  function loadScript(src) {{
    return new Promise(function (resolve, reject) {{
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () {{ reject(new Error("fichier introuvable : " + src)); }};
      document.head.appendChild(s);
    }});
  }}
  function loadVega() {{
    if (window.vegaEmbed) return Promise.resolve(window.vegaEmbed);
    if (!window.__atelierVega) {{
      var base = vendorBase();
      var amd = window.define;
      window.define = undefined;  /* the UMD bundles must set globals, not register AMD modules */
      window.__atelierVega = loadScript(base + "vega.min.js")
        .then(function () {{ return loadScript(base + "vega-lite.min.js"); }})
        .then(function () {{ return loadScript(base + "vega-embed.min.js"); }})
        .then(function () {{ window.define = amd; return window.vegaEmbed; }},
              function (err) {{ window.define = amd; window.__atelierVega = undefined; throw err; }});
    }}
    return window.__atelierVega;
  }}
  function frenchRanges(el) {{
    /* Vega writes a slider's value as JavaScript does (« 0.005 », « 30000 »): shown in French instead
       (« 0,005 », « 30 000 »), in an <output> that follows the slider; Vega's own text is hidden. */
    el.querySelectorAll(".vega-bind input[type=range]").forEach(function (input) {{
      var raw = input.nextElementSibling;
      if (!raw || raw.tagName !== "SPAN") return;
      raw.hidden = true;
      var out = document.createElement("output");
      out.className = "atelier-valeur";
      raw.insertAdjacentElement("afterend", out);
      function show() {{ out.textContent = Number(input.value).toLocaleString("fr-FR", {{maximumFractionDigits: 6}}); }}
      show();
      input.addEventListener("input", show);
      input.addEventListener("change", show);
    }});
  }}
  function alternative(el) {{
    /* A text mark of a unit named « atelier_alt » is the chart's text alternative: copied into an
       aria-live paragraph after the chart, and again each time Vega redraws it (inputs moved). */
    if (!el.querySelector(".atelier_alt_marks")) return;
    var p = document.createElement("p");
    p.className = "atelier-alternative";
    p.setAttribute("role", "status");
    p.setAttribute("aria-live", "polite");
    el.insertAdjacentElement("afterend", p);
    function sync() {{
      var lines = [];
      el.querySelectorAll(".atelier_alt_marks text").forEach(function (t) {{
        var spans = t.querySelectorAll("tspan");
        lines.push(spans.length ? Array.prototype.map.call(spans, function (s) {{ return s.textContent; }}).join(" ")
                                : t.textContent);
      }});
      var text = lines.join(" ");
      if (p.textContent !== text) p.textContent = text;
    }}
    sync();
    new MutationObserver(sync).observe(el, {{childList: true, subtree: true, characterData: true}});
  }}
  loadVega()
    .then(function (vegaEmbed) {{ return vegaEmbed(el, spec, opts); }})
    .then(function () {{ frenchRanges(el); alternative(el); el.setAttribute("data-atelier-rendu", "ok"); }})
    .catch(function (err) {{
      el.setAttribute("data-atelier-rendu", "erreur");
      el.textContent = "Le graphique n'a pas pu être affiché (" + err.message + "). " +
        "Ouvrez cette page avec « atelier serve » ou « atelier lab ».";
    }});
}})();
</script>"""


def vega_round(x: str) -> str:
    """Vega expression rounding ``x`` to the unit half to even, as Python's ``round`` and ``format`` do.

    Static simulators rewrite a Python model as Vega expressions; JavaScript's ``round`` sends 2.5 to 3
    where Python writes 2. (With decimals, Vega's ``format`` rounds the exact binary value, as Python does.)
    """
    return f"(({x}) - floor({x}) == 0.5 ? (floor({x}) % 2 == 0 ? floor({x}) : floor({x}) + 1) : round({x}))"


def vega_count(x: str) -> str:
    """Vega expression of :func:`atelier_mg.core.formatting.format_count` (« 12 345 »)."""
    return f"format({vega_round(x)}, ',.0f')"


def vega_euros(x: str) -> str:
    """Vega expression of :func:`atelier_mg.core.formatting.euros` (« 1 234 € »)."""
    return f"{vega_count(x)} + '\u00a0€'"


def vega_fixed(x: str, digits: int) -> str:
    """Vega expression of Python's ``f"{x:.<digits>f}"`` (decimal comma from the page's locale).

    Vega's ``format`` rounds the exact binary value as Python does, except on an exact tie (12.25 to one
    decimal: JavaScript writes 12,3 where Python writes 12,2, half to even). A tie needs ``x`` to be a
    multiple of 2^-(digits+1) (tested exactly), then its last digit is made even.
    """
    scaled, dyadic = f"(({x}) * {10 ** digits})", f"(({x}) * {2 ** (digits + 1)})"
    even = f"(floor({scaled}) % 2 == 0 ? floor({scaled}) : floor({scaled}) + 1)"
    return (f"({scaled} - floor({scaled}) == 0.5 && {dyadic} == floor({dyadic}) "
            f"? format({even} / {10 ** digits}, '.{digits}f') : format({x}, '.{digits}f'))")


def vega_number(x: str, percent: bool = False) -> str:
    """Vega expression of :func:`atelier_mg.core.formatting.french_number` for a number (« 1,5 », « 12,5 % »)."""
    if percent:
        return f"replace({vega_fixed(f'({x}) * 100', 1)}, regexp(',?0+$'), '') + '\u202f%'"
    return f"(({x}) == floor({x}) ? {vega_count(x)} : replace({vega_fixed(x, 3)}, regexp('0+$'), ''))"


def _escape_attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def spec_to_html(spec: dict[str, Any]) -> str:
    """HTML fragment that renders a Vega-Lite spec with the vendored Vega files."""
    label = spec.get("description") or "Graphique"
    return _LOADER.format(
        div_id=f"atelier-vis-{uuid.uuid4().hex[:12]}",
        label=_escape_attr(label),
        spec=json.dumps(spec, ensure_ascii=False).replace("</", "<\\/"),
        opts=json.dumps(EMBED_OPTIONS, ensure_ascii=False),
        vendor_path=VENDOR_URL_PATH,
    )


def _renderer(spec: dict[str, Any], **_: Any) -> dict[str, str]:
    description = spec.get("description") or "Graphique"
    return {"text/html": spec_to_html(spec), "text/plain": f"Graphique : {description}"}


def enable() -> None:
    """Make Altair render with the offline loader (idempotent)."""
    if "atelier" not in alt.renderers.names():
        alt.renderers.register("atelier", _renderer)
    alt.renderers.enable("atelier")


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Static SVG rendering (vl-convert, offline), for exports and checks."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict(), format_locale=FORMAT_LOCALE_FR)


def to_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """Static PNG rendering (vl-convert, offline), for printable exports."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_dict(), scale=scale, format_locale=FORMAT_LOCALE_FR)
