"""Commande ``atelier`` : construire le livre, le servir avec les tableaux de bord, ouvrir JupyterLab."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

BOOK_SOURCES = ("_config.yml", "_toc.yml", "book", "data", "src/atelier_mg")
REPO = Path(__file__).resolve().parents[2]


class CliError(Exception):
    """An error the user can fix; shown in French without a traceback."""


def find_root(start: Path | None = None, fallback: Path = REPO) -> Path:
    """The project folder: the first parent of ``start`` (default: cwd) holding ``_config.yml``,
    else the repository this package was installed from (editable install)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").is_file() and (folder / "_toc.yml").is_file():
            return folder
    if (fallback / "_config.yml").is_file():
        return fallback
    raise CliError(
        f"Aucun livre Atelier MG trouvé depuis {here} : placez-vous dans le dossier du dépôt "
        "(celui qui contient _config.yml) ou utilisez --racine."
    )


def _tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        raise CliError(f"Outil « {name} » introuvable : installez les dépendances (pip install -r requirements.txt).")
    return found


def book_is_stale(root: Path) -> bool:
    """True if the built book is missing or older than one of its sources."""
    index = root / "_build" / "html" / "index.html"
    if not index.exists():
        return True
    built = index.stat().st_mtime
    for name in BOOK_SOURCES:
        path = root / name
        files = path.rglob("*") if path.is_dir() else [path]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts and f.stat().st_mtime > built:
                return True
    return False


def inputs_digest(root: Path) -> str:
    """Hash of what executed chapters depend on besides their own text: the package and the data.

    jupyter-cache keys on the notebook's code only, so a change in ``src/`` or ``data/`` must clear it.
    """
    import hashlib

    h = hashlib.sha256()
    for folder in ("src/atelier_mg", "data"):
        for f in sorted((root / folder).rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(root)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def build(root: Path, clean: bool = False) -> None:
    """Build the book to ``_build/html`` (executed notebooks cached, warnings are errors)."""
    from .server import jupyter_env

    if clean:
        shutil.rmtree(root / "_build", ignore_errors=True)
    stamp = root / "_build" / ".atelier-inputs"
    digest = inputs_digest(root)
    if not stamp.exists() or stamp.read_text() != digest:
        # Package or data changed: cached outputs may be stale.
        shutil.rmtree(root / "_build" / ".jupyter_cache", ignore_errors=True)
        shutil.rmtree(root / "_build" / ".doctrees", ignore_errors=True)
    print(f"Construction du livre dans {root / '_build' / 'html'} …", flush=True)
    cmd = [_tool("jupyter-book"), "build", str(root), "-n", "-W", "--keep-going"]
    result = subprocess.run(cmd, cwd=root, env=jupyter_env())
    if result.returncode != 0:
        reports = root / "_build" / "html" / "reports"
        hint = f" Rapports d'exécution des notebooks : {reports}." if reports.exists() else ""
        raise CliError(f"La construction du livre a échoué (code {result.returncode}) : voir les messages ci-dessus.{hint}")
    # Sphinx leaves the index untouched when nothing changed: mark the build as fresh.
    (root / "_build" / "html" / "index.html").touch()
    stamp.write_text(digest)
    print("Livre construit : _build/html/index.html", flush=True)


def _check_port(ip: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip, port))
        except OSError:
            raise CliError(f"Le port {port} est déjà utilisé sur {ip} : choisissez-en un autre avec --port.") from None


def serve(root: Path, ip: str, port: int, rebuild: bool = True) -> None:
    """Serve the book and the live dashboards on one address and port."""
    import tornado.ioloop

    from .server import jupyter_env, make_voila_app

    _check_port(ip, port)
    if rebuild and book_is_stale(root):
        build(root)
    book_dir = root / "_build" / "html"
    if not (book_dir / "index.html").exists():
        raise CliError("Le livre n'est pas construit : lancez « atelier build » (ou retirez --sans-construction).")
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


def lab(root: Path, ip: str, port: int) -> None:
    """JupyterLab on the project, with the extension that serves the chart library offline."""
    from .server import jupyter_env

    cmd = [_tool("jupyter"), "lab", f"--ServerApp.ip={ip}", f"--ServerApp.port={port}", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and teaching VMs often run as root
    raise SystemExit(subprocess.call(cmd, cwd=root, env=jupyter_env()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="atelier",
        description="Atelier MG : livre interactif, simulateurs et tableaux de bord de médecine générale.",
    )
    parser.add_argument("--racine", type=Path, default=None, help="dossier du dépôt (par défaut : détecté)")
    sub = parser.add_subparsers(dest="commande", required=True, metavar="commande")

    p_build = sub.add_parser("build", help="construire le livre dans _build/html")
    p_build.add_argument("--propre", action="store_true", help="repartir de zéro (efface _build, cache compris)")

    p_serve = sub.add_parser("serve", help="servir le livre et les tableaux de bord en direct")
    p_serve.add_argument("--ip", default="127.0.0.1", help="adresse d'écoute (par défaut 127.0.0.1)")
    p_serve.add_argument("--port", type=int, default=8866, help="port (par défaut 8866)")
    p_serve.add_argument("--sans-construction", action="store_true", help="ne pas reconstruire le livre")

    p_lab = sub.add_parser("lab", help="ouvrir JupyterLab sur le dépôt (exercices, simulateurs)")
    p_lab.add_argument("--ip", default="127.0.0.1")
    p_lab.add_argument("--port", type=int, default=8888)

    args = parser.parse_args(argv)
    try:
        root = args.racine.resolve() if args.racine else find_root()
        if args.commande == "build":
            build(root, clean=args.propre)
        elif args.commande == "serve":
            serve(root, args.ip, args.port, rebuild=not args.sans_construction)
        elif args.commande == "lab":
            lab(root, args.ip, args.port)
    except CliError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nArrêt demandé.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
