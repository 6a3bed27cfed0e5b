"""``atelier hub`` : préparer les comptes, l'échange et la configuration, puis lancer JupyterHub ; commandes enseignant."""

from __future__ import annotations

import os
import pwd
import sys
from pathlib import Path

from ..core.errors import UserError
from ..core.paths import REPO, tool
from . import accounts, codes, exchange, network, teacher
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
    exchange.prepare_exchange(settings)
    accounts.share_with_teachers(settings, root)
    if settings.subnet:
        if not network.available():
            raise UserError("Cette machine ne permet pas de donner un réseau à part à chaque JupyterLab (espaces de noms "
                            "réseau, « ip link add … type bridge » refusé). Sans cela, le code d'un interne atteint les "
                            "services locaux de la machine : si vous l'acceptez, écrivez « [reseau] isoler = false » "
                            "dans hub.toml.")
        network.ensure_bridge(settings.port, settings.subnet)
    settings.state.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.state, 0o711)
    export = codes.ensure_codes(settings.state, accounts.roster_people(settings))
    # The hub's own files (password hashes, cookie secret, sign-up codes) are root's alone.
    database = settings.state / "jupyterhub.sqlite"
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600))
    for path in settings.state.iterdir():
        if path.is_file() and not path.is_symlink() and path.name != "jupyterhub_config.py":
            path.chmod(0o600)
    for is_teacher, name in ((False, "interne"), (True, "enseignant")):
        write_user_config(settings, settings.state / "jupyter" / name, is_teacher, course=root)
    os.chmod(settings.state / "jupyter", 0o755)
    config = settings.state / "jupyterhub_config.py"
    config.write_text(
        "# Généré par « atelier hub » à chaque démarrage : modifiez plutôt le fichier de réglages.\n"
        "from atelier_mg.hub.config import configure\n\n"
        f"configure(c, {str(settings.path)!r})  # noqa: F821\n")
    print(f"Promotion : {len(interns)} interne(s), {len(settings.teachers)} enseignant(s) ; données dans "
          f"{settings.data_dir}.", flush=True)
    if export:
        print(f"Codes d'inscription des nouveaux comptes (publipostage, à envoyer à chacun puis à effacer) : {export}",
              flush=True)
    return settings, config


def hub(root: Path, settings_path: Path) -> int:
    settings, config = prepare(root, settings_path)
    print(f"Hub : http://{settings.ip}:{settings.port}/ (première connexion : « choisir mon mot de passe »). "
          "Ctrl+C pour arrêter.", flush=True)
    env = {**course_env(settings), "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
           "ATELIER_HUB_COURS": str(root)}
    os.chdir(settings.state)
    os.umask(0o077)  # what the hub writes (its database, its journal) is root's alone
    # exec: this process becomes JupyterHub, so that Ctrl+C or a service manager's SIGTERM reach it directly.
    os.execve(sys.executable, [sys.executable, "-m", "jupyterhub", "-f", str(config)], env)


def _before(settings: HubSettings, root: Path) -> None:
    """As root, before a teacher's command: the exchange's and the course's rights, repaired."""
    exchange.prepare_exchange(settings)
    accounts.share_with_teachers(settings, root)


def _run(cmd: list[str], settings: HubSettings, root: Path, what: str) -> None:
    done = teacher.run(settings, root, cmd, course_env(settings))
    exchange.prepare_exchange(settings)
    if done.returncode != 0:
        raise UserError(f"{what} : échec.\n{(done.stderr or done.stdout).strip()[-1500:]}")


# The exchange's folders belong to root: nbgrader, run by a teacher, shares them through the group.
GROUP = "--CourseDirectory.groupshared=True"


def publish(root: Path, settings_path: Path, assignment: str) -> None:
    """Release an assignment in the hub's exchange (interns then fetch it from their Assignments tab)."""
    settings = load(settings_path)
    if not (root / "solutions" / assignment).is_dir():
        raise UserError(f"Devoir inconnu : « {assignment} » (devoirs : "
                        f"{', '.join(sorted(p.name for p in (root / 'solutions').iterdir() if p.is_dir()))}).")
    _before(settings, root)
    nbgrader = tool("nbgrader")
    _run([nbgrader, "generate_assignment", assignment, "--force", GROUP], settings, root, "Génération du devoir")
    _run([nbgrader, "release_assignment", assignment, "--force", GROUP], settings, root, "Publication du devoir")
    print(f"« {assignment} » publié : les internes le récupèrent dans l'onglet « Assignments » de leur JupyterLab.")


def release_feedback(root: Path, settings_path: Path, assignment: str) -> None:
    """Put the feedback produced by ``atelier correction retours`` in the exchange, for each intern only."""
    settings = load(settings_path)
    _before(settings, root)
    _run([tool("nbgrader"), "release_feedback", assignment, GROUP], settings, root, "Diffusion des retours")
    print(f"Retours de « {assignment} » diffusés : chaque interne voit le sien (onglet « Assignments », « Fetch Feedback »).")


def correction(root: Path, settings_path: Path, args: list[str]) -> int:
    """``atelier correction …`` on the hub's course, exchange and gradebook, as the teacher.

    Collecting from the exchange (``importer-rendus … --echange``) first keeps only the genuine submissions
    (``exchange.audit_inbound``, as root) and says which were put aside.
    """
    settings = load(settings_path)
    _before(settings, root)
    if "--echange" in args and "importer-rendus" in args:
        uids = {}
        for name in accounts.roster_ids(settings):
            try:
                uids[name] = pwd.getpwnam(accounts.unix_name(name)).pw_uid
            except KeyError:
                continue  # no account yet: nothing of theirs can be in the exchange
        for line in exchange.audit_inbound(settings, uids).lines():
            print(line, flush=True)
    # Grading too (« noter »), with its sandbox: bubblewrap in a user namespace of the teacher's, where the
    # interns' notebooks run under the teacher's uid, without the network nor any of the teacher's files
    # (grading/sandbox.py). A key (« cles.yaml », Python written by a teacher) thus runs as the teacher.
    cmd = [tool("atelier"), "--racine", str(root), "correction", *args]
    code = teacher.run(settings, root, cmd, course_env(settings), capture=False)
    exchange.prepare_exchange(settings)
    return code

