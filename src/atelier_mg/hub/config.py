"""La configuration de JupyterHub, tirée du fichier de réglages (``jupyterhub_config.py`` n'en contient qu'un appel).

Ports: the hub listens on ``port`` (public, through configurable-http-proxy), its API on ``port + 1``,
the proxy's API on ``port + 2``, the book service on ``port + 3`` (all but the first on 127.0.0.1).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from ..core.errors import UserError
from ..core.paths import REPO
from . import accounts, network
from .codes import CODES_FILE
from .settings import HubSettings, load

HERE = Path(__file__).parent
MIN_PASSWORD = 8
# When the hub is full: the idle culler runs every minute and a class leaves a few at a time; a guess, said as one.
FULL_RETRY_MINUTES = 5
# Server extensions installed in the virtualenv that an intern's server does not load (a teacher's does).
INTERN_UNUSED = ("voila.server_extension", "jupyter_lsp", "notebook", "jupyterlab_jupytext")
# Their JupyterLab side, which would call the missing server extensions.
INTERN_UNUSED_LAB = ("@voila-dashboards/jupyterlab-preview", "@jupyter-notebook/lab-extension",
                     "jupyterlab-jupytext")


def proxy_command(root: Path) -> str:
    found = root / "node_modules" / ".bin" / "configurable-http-proxy"
    if found.exists():
        return str(found)
    other = shutil.which("configurable-http-proxy")
    if not other:
        raise UserError("configurable-http-proxy introuvable : lancez ./scripts/setup.sh (npm ci l'installe dans "
                        "node_modules/).")
    return other


def write_user_config(settings: HubSettings, folder: Path, teacher: bool, course: Path | None = None) -> Path:
    """Jupyter configuration of an intern's (or a teacher's) server: French, nbgrader, offline Vega.

    A teacher's formgrader works on the course (``course``, bound read-write in their sandbox) with the hub's
    gradebook: the course's own ``nbgrader_config.py`` is loaded, then pointed at the hub's exchange and gradebook.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["import os", "c = get_config()  # noqa: F821"]
    if teacher and course is not None:
        # The course is bound at ~/cours in the teacher's sandbox: nbgrader's formgrader only works on a course
        # inside the server's root folder (the teacher's home).
        lines += ['mine = os.path.join(os.environ["HOME"], "cours")',
                  'load_subconfig(os.path.join(mine, "nbgrader_config.py"))  # noqa: F821',
                  "c.CourseDirectory.root = mine",
                  # the exchange's folders are root's, shared with the teachers' group (hub/exchange.py)
                  "c.CourseDirectory.groupshared = True",
                  f"c.CourseDirectory.db_url = {settings.gradebook!r}"]
    lines += [f"c.CourseDirectory.course_id = {settings.course_id!r}",
              f"c.Exchange.root = {str(settings.exchange)!r}",
              "c.Exchange.path_includes_course = False"]
    (folder / "nbgrader_config.py").write_text("\n".join(lines) + "\n")
    extensions = {
        "jupyterlab": True,
        "atelier_mg": True,  # offline Vega (the package's server extension, as in « atelier lab »)
        "nbgrader.server_extensions.assignment_list": True,
        "nbgrader.server_extensions.validate_assignment": True,
        "nbgrader.server_extensions.formgrader": teacher,
        "nbgrader.server_extensions.course_list": teacher,
        # What an intern does not use is not even imported (issue 23: each start costs processor time, and a
        # class starts at once): Voilà's preview (dashboards are served by the rooms and the book), the language
        # server, Notebook 7's pages (the hub opens /lab) and Jupytext (the course is in .ipynb). Teachers keep them.
        **({} if teacher else {name: False for name in INTERN_UNUSED}),
    }
    settings_dir = folder / "lab-settings"
    # « readonly »: no lookup of extensions on PyPI (no network from a server; nothing to install anyway).
    lab = {"app_settings_dir": str(settings_dir), "extension_manager": "readonly", "news_url": None}
    (folder / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": extensions},
         # A save that the person's disk could not hold is refused in French, before anything is written (disk.py).
         "FileContentsManager": {"pre_save_hook": "atelier_mg.hub.disk.pre_save"},
         # The notebooks' trust database, in memory with a bounded disk: it is written at each opening, which a
         # full disk would refuse (the intern could no longer open their notebooks to make room).
         **({"NotebookNotary": {"db_file": ":memory:"}} if settings.limits.disk_bytes else {}),
         "LabApp": lab,
         "LabServerApp": {"app_settings_dir": str(settings_dir)}}, indent=2))
    settings_dir.mkdir(exist_ok=True)
    (settings_dir / "overrides.json").write_text(json.dumps(
        {"@jupyterlab/translation-extension:plugin": {"locale": "fr_FR"},
         "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}, indent=2))
    labconfig = folder / "labconfig"
    labconfig.mkdir(exist_ok=True)
    disabled = {"@jupyterlab/apputils-extension:announcements": True}
    if not teacher:
        disabled.update({"@jupyter/nbgrader:formgrader": True, "@jupyter/nbgrader:course-list": True,
                         "@jupyter/nbgrader:create-assignment": True,
                         **{name: True for name in INTERN_UNUSED_LAB}})
    (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}, indent=2))
    for path in [folder, settings_dir, labconfig, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


def configure(c, settings_path: str | Path) -> None:
    """Fill JupyterHub's config object ``c`` (called from the generated ``jupyterhub_config.py``)."""
    settings = load(Path(settings_path))
    root = REPO  # node_modules/, notebooks/, _build/
    course = Path(os.environ.get("ATELIER_HUB_COURS", REPO))  # « atelier hub --racine » : solutions/, exercises/
    interns = accounts.roster_ids(settings)
    people = accounts.accounts(settings, interns)
    state = settings.state
    python = sys.executable

    c.JupyterHub.ip = settings.ip
    c.JupyterHub.port = settings.port
    # The hub's API: on 127.0.0.1, or on the bridge of the servers' networks, their only route (network.py).
    c.JupyterHub.hub_ip = network.host_address(settings.subnet) if settings.subnet else "127.0.0.1"
    c.JupyterHub.hub_port = settings.port + 1
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.port + 2}"
    c.ConfigurableHTTPProxy.command = [proxy_command(root)]
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    # Stopping the hub stops every server cleanly (no intern process outlives it); their names are written first, and
    # the teachers' service starts them again when the hub is back (session.relaunch): a restart loses nothing saved.
    c.JupyterHub.cleanup_servers = True
    remember_running_servers(state)
    c.JupyterHub.cleanup_proxy = True
    c.JupyterHub.default_url = "/hub/home"
    c.JupyterHub.template_paths = [str(HERE / "templates"), *_native_templates()]
    c.JupyterHub.template_vars = {"minimum_password_length": MIN_PASSWORD, "retry_minutes": FULL_RETRY_MINUTES}
    # « memoire_totale »: beyond so many JupyterLabs at once, the hub answers 429 (templates/error.html, in French).
    c.JupyterHub.active_server_limit = settings.limits.places

    c.JupyterHub.authenticator_class = "atelier_mg.hub.auth.AtelierAuthenticator"
    c.Authenticator.allowed_users = {p.name for p in people}
    # Teachers are not the hub's administrators (no access to interns' servers nor to the users' API) unless the
    # DMG says so: « enseignants_administrateurs = true » (README, « Pour une faculté »).
    c.Authenticator.admin_users = set(settings.teachers) if settings.teachers_admin else set()
    c.NativeAuthenticator.open_signup = settings.open_signup
    c.NativeAuthenticator.minimum_password_length = MIN_PASSWORD
    c.NativeAuthenticator.check_common_password = True
    c.NativeAuthenticator.allowed_failed_logins = 5
    c.NativeAuthenticator.seconds_before_next_try = 60
    c.AtelierAuthenticator.codes_file = str(state / CODES_FILE)

    if settings.lti:
        _lti(c, settings.lti)

    c.JupyterHub.spawner_class = "atelier_mg.hub.spawner.AtelierSpawner"
    c.AtelierSpawner.accounts = {p.name: p.unix for p in people}
    c.AtelierSpawner.homes = str(settings.homes)
    c.AtelierSpawner.read_only = [str(state / "jupyter")]  # with the runtime paths (spawner.py); never solutions/
    c.AtelierSpawner.read_write = [str(settings.exchange)]
    c.AtelierSpawner.teacher_read_write = [str(settings.grades)]  # formgrader: the gradebook
    c.AtelierSpawner.teacher_course = str(course)  # and the course, bound at ~/cours
    c.AtelierSpawner.memory_bytes = settings.limits.memory_bytes
    c.AtelierSpawner.processes = settings.limits.processes
    c.AtelierSpawner.disk_bytes = settings.limits.disk_bytes  # each home its own file system (disk.py)
    c.AtelierSpawner.disk_images = str(settings.data_dir / "disques")
    c.AtelierSpawner.subnet = settings.subnet or ""
    c.AtelierSpawner.hub_port = settings.port
    c.AtelierSpawner.cpus = settings.limits.cpus
    c.Spawner.cmd = [python, "-m", "jupyterhub.singleuser"]
    c.Spawner.default_url = "/lab"
    c.Spawner.start_timeout = settings.limits.start_seconds
    c.Spawner.http_timeout = settings.limits.start_seconds
    teachers = set(settings.teachers)
    c.AtelierSpawner.teachers = sorted(teachers)
    c.AtelierSpawner.jupyter_config = str(state / "jupyter")
    c.AtelierSpawner.carnet = str(root / "notebooks" / "carnet.ipynb")
    c.AtelierSpawner.logs = str(state / "journaux")  # each server's log; its end goes to the hub's if it dies
    c.Spawner.environment = {"ATELIER_EXCHANGE": str(settings.exchange), "ATELIER_COURS": settings.course_id}
    c.AtelierSpawner.teacher_environment = {"ATELIER_GRADEBOOK": settings.gradebook}

    course_id = settings.course_id
    c.JupyterHub.load_groups = {
        f"formgrade-{course_id}": {"users": sorted(teachers)},
        f"nbgrader-{course_id}": {"users": sorted(set(interns))},
    }
    c.JupyterHub.services = [
        {"name": "inactifs", "command": [python, "-m", "jupyterhub_idle_culler",
                                         f"--timeout={settings.limits.idle_seconds}", "--cull-every=60"]},
        {"name": "livre", "url": f"http://127.0.0.1:{settings.port + 3}", "display": True,
         "command": [python, "-m", "atelier_mg.hub.services", str(root / "_build" / "html"), str(settings.port + 3)]},
        # The DPC room, started by a teacher from /services/salle/ (room_service.py): teachers only.
        {"name": "salle", "url": f"http://127.0.0.1:{settings.port + 4}", "display": True, "oauth_no_confirm": True,
         "command": [python, "-m", "atelier_mg.hub.room_service", str(settings.path), str(settings.port + 4)]},
    ]
    c.JupyterHub.load_roles = [
        {"name": "inactifs", "services": ["inactifs"],
         "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
        {"name": "animation", "groups": [f"formgrade-{course_id}"], "scopes": ["access:services!service=salle"]},
        # « Ouvrir la séance » and the restart (session.py): start and stop the course's servers, nobody else's.
        {"name": "seance", "services": ["salle"],
         "scopes": [f"servers!group=nbgrader-{course_id}", f"servers!group=formgrade-{course_id}"]},
    ]


def remember_running_servers(state: Path) -> None:
    """Before JupyterHub stops the servers at its own stop, write the names of those running (``a-relancer.json``).

    JupyterHub has no hook for its stop: its ``cleanup`` is wrapped, on the running hub only (this module is also
    called outside a hub, by the tests of the configuration).
    """
    from jupyterhub.app import JupyterHub

    if not JupyterHub.initialized():
        return
    app = JupyterHub.instance()
    original = app.cleanup

    async def cleanup():
        try:
            names = sorted(user.name for user in app.users.values()
                           if (spawner := user.spawners.get("")) is not None and spawner.active)
            path = state / "a-relancer.json"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "w") as out:
                json.dump(names, out)
            app.log.info("JupyterLab ouverts à l'arrêt du hub, relancés à son retour : %s", ", ".join(names) or "aucun")
        except Exception:  # never keep the hub from stopping its servers
            app.log.exception("Liste des JupyterLab ouverts non écrite")
        await original()

    app.cleanup = cleanup


def _lti(c, lti: dict[str, str]) -> None:
    """Moodle through LTI 1.3 (jupyterhub-ltiauthenticator, installed separately): replaces the local accounts."""
    try:
        import ltiauthenticator  # noqa: F401
    except ImportError:
        raise UserError("[lti] : installez jupyterhub-ltiauthenticator (pip install jupyterhub-ltiauthenticator) "
                        "ou retirez la section [lti] de hub.toml.") from None
    c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
    c.LTI13Authenticator.issuer = lti["emetteur"]
    c.LTI13Authenticator.client_id = [lti["client_id"]]
    c.LTI13Authenticator.authorize_url = lti["url_autorisation"]
    c.LTI13Authenticator.jwks_endpoint = lti["url_jwks"]
    c.LTI13Authenticator.username_key = lti["champ_identifiant"]


def _native_templates() -> list[str]:
    import nativeauthenticator

    return [str(Path(nativeauthenticator.__file__).parent / "templates")]
