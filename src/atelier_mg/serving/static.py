"""Routes de fichiers statiques : le livre construit et les fichiers Vega embarqués."""

from __future__ import annotations

from pathlib import Path

import tornado.web

from ..core.charts import VENDOR_DIR, VENDOR_URL_PATH


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
