"""Le livre servi par le hub (service ``/services/livre/``) : fichiers statiques de ``_build/html``.

Run by JupyterHub as a managed service: ``python -m atelier_mg.hub.services <dossier> <port>``; the prefix
comes from ``JUPYTERHUB_SERVICE_PREFIX``. Without a built book, a French page says how to build it.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

MISSING = ("<!doctype html><html lang='fr'><meta charset='utf-8'><title>Livre non construit</title>"
           "<p>Le livre n'est pas encore construit : lancez <code>atelier build</code> sur le serveur.</p></html>")


def app(folder: Path, prefix: str):
    import tornado.web

    class Missing(tornado.web.RequestHandler):
        def get(self, *_):
            self.finish(MISSING)

    class Static(tornado.web.StaticFileHandler):
        def set_extra_headers(self, path):
            self.set_header("Cache-Control", "no-cache")

    if not (folder / "index.html").exists():
        return tornado.web.Application([(prefix + ".*", Missing)])
    return tornado.web.Application([
        (prefix.rstrip("/"), tornado.web.RedirectHandler, {"url": prefix}),
        (prefix + "(.*)", Static, {"path": str(folder), "default_filename": "index.html"}),
    ])


def main(argv: list[str]) -> None:
    import tornado.ioloop

    for sig in (signal.SIGINT, signal.SIGTERM):  # nothing to save: stop at once when the hub says so
        signal.signal(sig, lambda *_: os._exit(0))
    folder, port = Path(argv[0]), int(argv[1])
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/livre/")
    app(folder, prefix).listen(port, address="127.0.0.1")
    tornado.ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main(sys.argv[1:])
