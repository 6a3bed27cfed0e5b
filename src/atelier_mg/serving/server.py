"""``atelier serve`` : un seul serveur (Voilà) pour le livre et les tableaux de bord.

The Voilà application gets three extra routes on the same port: ``/livre/`` (the built book),
``/atelier/vendor/`` (the vendored Vega files) and ``/`` (redirects to the book). Dashboards are
at ``/voila/render/<name>.ipynb``, only those of :data:`.dashboards.ROOM_SAFE`; every page gets its
own kernel, which runs in its own temporary folder (:mod:`.kernels`).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from ..core.errors import UserError
from .book import book_is_stale, build
from .dashboards import ROOM_SAFE, dashboard_handlers
from .environment import jupyter_env
from .static import book_handlers, vendor_handlers

EXECUTION_TIMEOUT = 20  # seconds for one cell of a dashboard (a normal one takes about 1 s)


def make_voila_app(book_dir: Path, dashboards_dir: Path, ip: str, port: int, allowed: tuple[str, ...] = ROOM_SAFE,
                   execution_timeout: int = EXECUTION_TIMEOUT):
    """A configured Voilà application serving the book and the ``allowed`` dashboards on one port."""
    from voila.app import Voila

    from .executor import install

    install()  # French error and timeout messages in the page
    class AtelierVoila(Voila):
        def init_handlers(self):
            ours = (
                dashboard_handlers(self.server_url, allowed)
                + vendor_handlers(self.server_url)
                + book_handlers(book_dir, self.server_url)
            )
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
            # Every execution is bounded: a stalled cell (nbclient #312) ends with a French message, then a reload.
            f"--VoilaExecutor.timeout={execution_timeout}",
            # One private working folder per kernel (that is, per participant's page).
            "--VoilaConfiguration.multi_kernel_manager_class=atelier_mg.serving.kernels.ParticipantKernelManager",
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


def check_port(ip: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip, port))
        except OSError:
            raise UserError(f"Le port {port} est déjà utilisé sur {ip} : choisissez-en un autre avec --port.") from None


def serve(root: Path, ip: str, port: int, rebuild: bool = True) -> None:
    """Serve the book and the live dashboards on one address and port."""
    import tornado.ioloop

    check_port(ip, port)
    if rebuild and book_is_stale(root):
        build(root)
    book_dir = root / "_build" / "html"
    if not (book_dir / "index.html").exists():
        raise UserError("Le livre n'est pas construit : lancez « atelier build » (ou retirez --sans-construction).")
    os.environ.update(jupyter_env())
    app = make_voila_app(book_dir, root / "dashboards", ip, port)
    url = f"http://{ip}:{port}/livre/"

    def announce() -> None:
        print(
            f"\nAtelier MG est servi sur {url}\n"
            f"  livre : {url}\n"
            f"  tableaux de bord : http://{ip}:{port}/voila/render/<nom>.ipynb (liens dans chaque chapitre)\n"
            "Arrêt : Ctrl+C.",
            flush=True,
        )

    tornado.ioloop.IOLoop.current().add_callback(announce)
    app.start()
