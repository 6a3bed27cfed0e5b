"""``atelier hub`` : préparer les comptes, l'échange et la configuration, puis lancer JupyterHub ; commandes enseignant."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..core.errors import UserError
from ..core.paths import REPO, tool
from . import accounts
from .config import proxy_command, write_user_config
from .settings import HubSettings, load


def course_env(settings: HubSettings) -> dict[str, str]:
    """Environment under which nbgrader and ``atelier correction`` use the hub's course, exchange and gradebook."""
    return {**os.environ, "ATELIER_COURS": settings.course_id, "ATELIER_EXCHANGE": str(settings.exchange),
            "ATELIER_GRADEBOOK": settings.gradebook}


def prepare(root: Path, settings_path: Path) -> tuple[HubSettings, Path]:
    """Everything but starting the hub: roster, Unix accounts, exchange, Jupyter configs, jupyterhub_config.py."""
    settings = load(settings_path)
    proxy_command(REPO)
    interns = accounts.import_roster(settings)
    people = accounts.accounts(settings, interns)
    accounts.ensure_accounts(settings, people)
    accounts.prepare_exchange(settings)
    accounts.share_with_teachers(settings, root)
    settings.state.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.state, 0o711)
    for teacher, name in ((False, "interne"), (True, "enseignant")):
        write_user_config(settings, settings.state / "jupyter" / name, teacher, course=root)
    os.chmod(settings.state / "jupyter", 0o755)
    config = settings.state / "jupyterhub_config.py"
    config.write_text(
        "# Généré par « atelier hub » à chaque démarrage : modifiez plutôt le fichier de réglages.\n"
        "from atelier_mg.hub.config import configure\n\n"
        f"configure(c, {str(settings.path)!r})  # noqa: F821\n")
    print(f"Promotion : {len(interns)} interne(s), {len(settings.teachers)} enseignant(s) ; données dans "
          f"{settings.data_dir}.", flush=True)
    return settings, config


def hub(root: Path, settings_path: Path) -> int:
    settings, config = prepare(root, settings_path)
    print(f"Hub : http://{settings.ip}:{settings.port}/ (première connexion : « choisir mon mot de passe »). "
          "Ctrl+C pour arrêter.", flush=True)
    env = {**course_env(settings), "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
           "ATELIER_HUB_COURS": str(root)}
    os.chdir(settings.state)
    # exec: this process becomes JupyterHub, so that Ctrl+C or a service manager's SIGTERM reach it directly.
    os.execve(sys.executable, [sys.executable, "-m", "jupyterhub", "-f", str(config)], env)


def _run(cmd: list[str], settings: HubSettings, root: Path, what: str) -> None:
    done = subprocess.run(cmd, cwd=root, env=course_env(settings), capture_output=True, text=True, preexec_fn=_shared)
    if done.returncode != 0:
        raise UserError(f"{what} : échec.\n{(done.stderr or done.stdout).strip()[-1500:]}")


def publish(root: Path, settings_path: Path, assignment: str) -> None:
    """Release an assignment in the hub's exchange (interns then fetch it from their Assignments tab)."""
    settings = load(settings_path)
    if not (root / "solutions" / assignment).is_dir():
        raise UserError(f"Devoir inconnu : « {assignment} » (devoirs : "
                        f"{', '.join(sorted(p.name for p in (root / 'solutions').iterdir() if p.is_dir()))}).")
    nbgrader = tool("nbgrader")
    _run([nbgrader, "generate_assignment", assignment, "--force"], settings, root, "Génération du devoir")
    _run([nbgrader, "release_assignment", assignment, "--force"], settings, root, "Publication du devoir")
    print(f"« {assignment} » publié : les internes le récupèrent dans l'onglet « Assignments » de leur JupyterLab.")


def release_feedback(root: Path, settings_path: Path, assignment: str) -> None:
    """Put the feedback produced by ``atelier correction retours`` in the exchange, for each intern only."""
    settings = load(settings_path)
    _run([tool("nbgrader"), "release_feedback", assignment], settings, root, "Diffusion des retours")
    print(f"Retours de « {assignment} » diffusés : chaque interne voit le sien (onglet « Assignments », « Fetch Feedback »).")


def correction(root: Path, settings_path: Path, args: list[str]) -> int:
    """``atelier correction …`` on the hub's course, exchange and gradebook."""
    settings = load(settings_path)
    return subprocess.call([tool("atelier"), "--racine", str(root), "correction", *args],
                           env=course_env(settings), cwd=root, preexec_fn=_shared)


def _shared() -> None:
    """What a teacher's command writes in the course stays writable by the teachers' group (formgrader)."""
    os.umask(0o002)
