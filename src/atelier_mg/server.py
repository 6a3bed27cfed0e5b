"""Serveur unique pour le livre et les tableaux de bord (Voilà), et extension Jupyter Server.

``atelier serve`` runs a Voilà application with three extra routes on the same port:
``/livre/`` (the built book), ``/atelier/vendor/`` (the vendored Vega files) and ``/``
(redirects to the book). Dashboards are at ``/voila/render/<name>.ipynb``.
"""

from __future__ import annotations

import os
from pathlib import Path

import tornado.web

from .charts import VENDOR_DIR, VENDOR_URL_PATH

SHARE_DIR = Path(__file__).parent / "share"


def jupyter_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """Environment where Jupyter finds our Voilà template and enables our server extension."""
    env = dict(os.environ if env is None else env)

    def prepend(key: str, value: Path) -> None:
        current = env.get(key)
        env[key] = str(value) if not current else os.pathsep.join([str(value), current])

    prepend("JUPYTER_PATH", SHARE_DIR)
    prepend("JUPYTER_CONFIG_PATH", SHARE_DIR / "jupyter_config")
    return env


class NoCacheStaticHandler(tornado.web.StaticFileHandler):
    """Static files of the book; HTML pages are revalidated so a rebuild shows at once."""

    def set_extra_headers(self, path: str) -> None:
        if path.endswith(".html") or not path:
            self.set_header("Cache-Control", "no-cache")


def vendor_handlers(base_url: str = "/") -> list[tuple]:
    return [(f"{base_url}{VENDOR_URL_PATH}/(.*)", tornado.web.StaticFileHandler, {"path": str(VENDOR_DIR)})]


def book_handlers(book_dir: Path, base_url: str = "/") -> list[tuple]:
    return [
        (f"{base_url}livre", tornado.web.RedirectHandler, {"url": f"{base_url}livre/"}),
        (
            f"{base_url}livre/(.*)",
            NoCacheStaticHandler,
            {"path": str(book_dir), "default_filename": "index.html"},
        ),
        (base_url, tornado.web.RedirectHandler, {"url": f"{base_url}livre/"}),
    ]


def make_voila_app(book_dir: Path, dashboards_dir: Path, ip: str, port: int):
    """A configured Voilà application serving the dashboards and the book on one port."""
    from voila.app import Voila

    class AtelierVoila(Voila):
        def init_handlers(self):
            ours = vendor_handlers(self.server_url) + book_handlers(book_dir, self.server_url)
            return ours + super().init_handlers()

    app = AtelierVoila()
    app.initialize(
        [
            str(dashboards_dir),
            f"--Voila.ip={ip}",
            f"--Voila.port={port}",
            "--Voila.port_retries=0",
            "--no-browser",
            "--template=atelier",
            "--VoilaConfiguration.show_tracebacks=False",
            "--HTMLExporter.language_code=fr",
            # JupyterLab-only front-end extensions fail to load in Voilà and slow every page.
            "--VoilaConfiguration.extension_denylist=@jupyter/nbgrader",
            "--VoilaConfiguration.extension_denylist=@jupyter-notebook/lab-extension",
            "--VoilaConfiguration.extension_denylist=jupyterlab-jupytext",
            # Kernels of closed pages are stopped after 10 minutes of inactivity.
            "--MappingKernelManager.cull_idle_timeout=600",
            "--MappingKernelManager.cull_interval=60",
        ]
    )
    return app


# -- Jupyter Server extension (enabled by ``atelier lab`` through JUPYTER_CONFIG_PATH) --

def _load_jupyter_server_extension(serverapp) -> None:
    base_url = serverapp.web_app.settings.get("base_url", "/")
    serverapp.web_app.add_handlers(".*$", vendor_handlers(base_url))
