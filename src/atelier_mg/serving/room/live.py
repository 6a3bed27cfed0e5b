"""Le tableau de bord Voilà complet, pour l'animateur seul, servi par le processus et le port de la salle.

Voilà's handlers and settings are mounted in the room's own tornado application under
``/animateur/voila/``; every one of them is wrapped so that only a request carrying the facilitator's
signed cookie reaches it (403 otherwise, websockets included). Only the room's dashboards are served;
file listings answer 404 (:func:`..dashboards.dashboard_handlers`). One kernel at a time: opening a
dashboard stops the kernel of the previous one. Participants never get a kernel.
"""

from __future__ import annotations

import hmac
import inspect
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tornado.web

from ..dashboards import NotServedHandler, dashboard_handlers
from ..static import NoCacheStaticHandler

if TYPE_CHECKING:
    from .app import Room

BASE = "/animateur/voila/"
FACILITATOR_COOKIE = "salle_animateur"


def render_url(name: str) -> str:
    return f"{BASE}voila/render/{name}.ipynb"


def _guarded(cls: type, room: Room, one_kernel: bool) -> type:
    """``cls`` reachable with the facilitator's cookie only (``one_kernel``: stop the other kernels first)."""

    class Guarded(cls):  # type: ignore[misc, valid-type]
        async def prepare(self, *args, **kwargs):
            value = self.get_signed_cookie(FACILITATOR_COOKIE, max_age_days=2)
            if value is None or not hmac.compare_digest(value.decode(), room.token):
                raise tornado.web.HTTPError(403)
            if one_kernel and self.request.method == "GET":
                manager = self.settings["kernel_manager"]
                for kernel_id in list(manager.list_kernel_ids()):
                    await manager.shutdown_kernel(kernel_id, now=True)
            result = super().prepare(*args, **kwargs)
            if inspect.isawaitable(result):
                await result

        def write_error(self, status_code: int, **kwargs) -> None:
            if status_code == 403:
                self.set_header("Content-Type", "text/plain; charset=utf-8")
                self.finish("Accès refusé : le tableau de bord complet est réservé à l'animateur.")
                return
            super().write_error(status_code, **kwargs)

    Guarded.__name__ = Guarded.__qualname__ = f"Facilitator{cls.__name__}"
    return Guarded


def voila_parts(room: Room, dashboards_dir: Path) -> tuple[list[tuple], dict[str, Any]]:
    """The guarded Voilà routes and the settings they need, to add to the room's application."""
    from ..environment import jupyter_env
    from ..server import make_voila_app

    os.environ.update(jupyter_env())  # our Voilà template and server extension, as for « atelier serve »
    names = tuple(d.name for d in room.dashboards)
    app = make_voila_app(Path(tempfile.gettempdir()), dashboards_dir, room.settings.ip, room.settings.port, names)
    app.base_url = app.server_url = BASE
    app.connection_dir = tempfile.mkdtemp(prefix="voila_salle_")
    settings = app.init_settings()
    settings.pop("cookie_secret", None)  # the room's secret signs every cookie
    handlers = [(rf"{BASE}?", NotServedHandler, {"book_url": "/livre/"})] + dashboard_handlers(BASE, names)
    for spec in app.init_handlers():
        pattern, cls, *rest = spec
        if not pattern.startswith(BASE.rstrip("/")) or cls in (tornado.web.RedirectHandler, NoCacheStaticHandler):
            continue  # the book of « atelier serve » is not the room's (the room serves it at /livre/)
        render = "/voila/render/" in pattern
        handlers.append((pattern, _guarded(cls, room, one_kernel=render), *rest))
    room.voila = app
    return handlers, settings
