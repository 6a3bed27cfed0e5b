"""Le fichier de réglages du hub : lu, vérifié, chaque erreur dite en français ; la configuration qui en découle."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from atelier_mg.core.errors import UserError
from atelier_mg.hub import accounts, settings
from atelier_mg.hub.config import write_user_config
from atelier_mg.hub.spawner import bwrap_args, cgroup_dirs, prepare_cgroups

GOOD = 'cours = "atelier-mg"\npromotion = "promotion.csv"\nenseignants = ["dupont"]\nport = 8123\ndossier = "donnees"\n'


def write(folder: Path, text: str) -> Path:
    (folder / "promotion.csv").write_text("id;prenom;nom;email\nalice;Alice;A;a@x.fr\n", encoding="utf-8")
    path = folder / "hub.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_is_valid_once_its_roster_exists(tmp_path):
    text = settings.EXAMPLE.read_text(encoding="utf-8").replace('"/srv/atelier-hub"', '"donnees"')
    loaded = settings.load(write(tmp_path, text))
    assert loaded.course_id == "atelier-mg" and loaded.teachers == ("dupont",)
    assert loaded.limits.memory_bytes == 2 * 1024**3 and loaded.limits.idle_seconds == 3600
    assert loaded.exchange == tmp_path / "donnees" / "echange"
    assert (loaded.room_ip, loaded.room_port, loaded.limits.start_seconds) == ("0.0.0.0", 8870, 120)


def test_defaults_and_relative_paths(tmp_path):
    loaded = settings.load(write(tmp_path, GOOD))
    assert loaded.ip == "127.0.0.1" and loaded.port == 8123 and loaded.open_signup
    assert loaded.roster == tmp_path / "promotion.csv"
    assert loaded.gradebook == f"sqlite:///{tmp_path / 'donnees' / 'notes' / 'gradebook.db'}"
    assert (loaded.room_ip, loaded.room_port, loaded.limits.start_seconds) == ("127.0.0.1", 8870, 120)


@pytest.mark.parametrize("text, expected", [
    ("cours = [", "syntaxe TOML invalide"),
    (GOOD.replace('"atelier-mg"', '"Atelier MG"'), "« cours » : « Atelier MG » doit être en minuscules"),
    (GOOD.replace('promotion.csv"', 'absente.csv"'), "« promotion » : fichier introuvable"),
    (GOOD.replace('["dupont"]', "[]"), "nommez au moins un enseignant"),
    (GOOD.replace("8123", "99999"), "« port » : nombre entre 1 et 65535"),
    (GOOD + "memoire = 3\n", "« memoire » : réglage inconnu"),
    (GOOD + '[limites]\nmemoire = "beaucoup"\n', "[limites] « memoire » : taille d'au moins 256 Mo"),
    (GOOD + "[limites]\nprocesseurs = 0\n", "[limites] « processeurs » : nombre positif"),
    (GOOD + 'inscription = "libre"\n', "« inscription » : « ouverte » ou « validee »"),
    (GOOD + '[lti]\nemetteur = "https://moodle.exemple.fr"\n', "[lti] « client_id » manque"),
    (GOOD + "[limites]\ndemarrage_secondes = 5\n", "[limites] « demarrage_secondes » : nombre entier de secondes, 30"),
    (GOOD + '[limites]\nmemoire = "2G"\nmemoire_totale = "1G"\n', "« memoire_totale » : taille au moins égale"),
    (GOOD + '[limites]\nmemoire_totale = "beaucoup"\n', "« memoire_totale » : taille au moins égale"),
    (GOOD + "[salle]\nport = 8125\n", "[salle] « port » : nombre entre 1 et 65535, hors des ports du hub"),
    (GOOD + '[salle]\nadresse = ""\n', "[salle] « adresse » : adresse d'écoute attendue"),
    (GOOD + "[salle]\nplaces = 30\n", "[salle] « places » : réglage inconnu"),
    (GOOD + "[limites]\nprocessus = 10\n", "[limites] « processus » : nombre entier, 64 au moins"),
    (GOOD + "enseignants_administrateurs = 1\n", "« enseignants_administrateurs » : true ou false"),
    (GOOD + 'inscription = "validee"\n', "ajoutez « enseignants_administrateurs = true »"),
    (GOOD + '[reseau]\nsous_reseau = "192.0.2.0/24"\n', "[reseau] « sous_reseau » : réseau IPv4 privé"),
    (GOOD + '[reseau]\nisoler = "oui"\n', "[reseau] « isoler » : true ou false"),
    (GOOD + '[limites]\ndisque = "10M"\n', "[limites] « disque » : taille d'au moins 32 Mo"),
    (GOOD + '[limites]\ndisque_echange = "beaucoup"\n', "[limites] « disque_echange » : taille d'au moins 32 Mo"),
])
def test_each_mistake_is_named_in_french(tmp_path, text, expected):
    with pytest.raises(UserError) as err:
        settings.load(write(tmp_path, text))
    assert expected in str(err.value)


def test_every_problem_is_listed_at_once(tmp_path):
    with pytest.raises(UserError) as err:
        settings.load(write(tmp_path, 'cours = "X"\nport = "huit"\n'))
    message = str(err.value)
    for key in ("« cours »", "« promotion » manque", "« enseignants » manque", "« port »", "« dossier » manque"):
        assert key in message


def test_missing_file_points_to_the_example(tmp_path):
    with pytest.raises(UserError, match="introuvable.*hub.exemple.toml"):
        settings.load(tmp_path / "absent.toml")


@pytest.mark.parametrize("text, size", [("2G", 2 * 1024**3), ("512 Mo", 512 * 1024**2), ("1,5 Gio", int(1.5 * 1024**3))])
def test_sizes_in_french_or_english(text, size):
    assert settings.parse_size(text) == size


def test_the_command_line_says_what_is_wrong_in_french(tmp_path):
    path = write(tmp_path, GOOD.replace("8123", "0"))
    done = subprocess.run([sys.executable, "-m", "atelier_mg.cli", "hub", "--reglages", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.startswith("Erreur : hub.toml : réglages à corriger") and "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "atelier_mg.cli", "hub", "--reglages", str(path), "publier"],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "nommez un devoir" in done.stderr


def test_a_teacher_cannot_also_be_an_intern_and_names_stay_unix_accounts(tmp_path):
    loaded = settings.load(write(tmp_path, GOOD))
    with pytest.raises(UserError, match="à la fois enseignant et interne : dupont"):
        accounts.accounts(loaded, ["alice", "dupont"])
    people = accounts.accounts(loaded, ["alice"])
    assert [(p.name, p.unix, p.teacher) for p in people] == [("alice", "alice", False), ("dupont", "dupont", True)]


def test_an_existing_system_account_is_never_taken_over(tmp_path):
    loaded = settings.load(write(tmp_path, GOOD))
    with pytest.raises(UserError, match="déjà un compte de cette machine"):
        accounts.ensure_accounts(loaded, [accounts.Account("daemon", "daemon", False)])


def test_interns_get_french_lab_nbgrader_assignments_and_no_formgrader(tmp_path):
    loaded = settings.load(write(tmp_path, GOOD))
    intern = write_user_config(loaded, tmp_path / "interne", teacher=False)
    server = json.loads((intern / "jupyter_server_config.json").read_text())
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.assignment_list"] and not extensions["nbgrader.server_extensions.formgrader"]
    overrides = json.loads((intern / "lab-settings" / "overrides.json").read_text())
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "fr_FR"
    assert f"c.Exchange.root = {str(loaded.exchange)!r}" in (intern / "nbgrader_config.py").read_text()
    teacher = write_user_config(loaded, tmp_path / "enseignant", teacher=True)
    assert json.loads((teacher / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"][
        "nbgrader.server_extensions.formgrader"]


def loaded_server_extensions(config: Path, home: Path) -> set[str]:
    """Start a real JupyterLab with the virtualenv's files plus ``config`` (as in the sandbox); what it loaded."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    home.mkdir(exist_ok=True)
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(config), "HOME": str(home), "JUPYTER_RUNTIME_DIR": str(home / "rt")}
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
                             "--ip=127.0.0.1", f"--ServerApp.root_dir={home}", "--IdentityProvider.token=t"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token=t", timeout=5).status == 200:
                    break
            except OSError:
                time.sleep(0.1)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    return {line.split("|")[0].split()[-1] for line in err.splitlines() if "extension was successfully loaded" in line}


def test_an_intern_server_loads_only_what_an_intern_uses_and_a_teacher_keeps_everything(tmp_path):
    """Issue 23: Voilà, the language server, Notebook 7 and Jupytext are not imported for an intern (processor
    time at each start); the assignments, feedback, validation and offline charts are; a teacher keeps all."""
    loaded = settings.load(write(tmp_path, GOOD))
    intern = loaded_server_extensions(write_user_config(loaded, tmp_path / "interne", teacher=False), tmp_path / "i")
    assert {"jupyterlab", "atelier_mg", "nbgrader.server_extensions.assignment_list",
            "nbgrader.server_extensions.validate_assignment"} <= intern
    assert not intern & {"voila.server_extension", "jupyter_lsp", "notebook", "jupyterlab_jupytext",
                         "nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"}
    teacher = loaded_server_extensions(write_user_config(loaded, tmp_path / "enseignant", teacher=True), tmp_path / "e")
    assert {"nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list",
            "voila.server_extension", "jupyterlab"} <= teacher
    page = json.loads((tmp_path / "interne" / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert page["@voila-dashboards/jupyterlab-preview"] and "@jupyter/nbgrader:assignment-list" not in page
    lab = json.loads((tmp_path / "interne" / "jupyter_server_config.json").read_text())["LabApp"]
    assert lab["extension_manager"] == "readonly"  # never asks PyPI


def test_the_sandbox_binds_only_the_intern_home_read_write(tmp_path):
    args = bwrap_args([Path("/opt/python")], [tmp_path / "internes" / "alice", tmp_path / "echange"])
    writable = [args[i + 1] for i, a in enumerate(args) if a == "--bind"]
    assert writable == [str(tmp_path / "internes" / "alice"), str(tmp_path / "echange")]
    assert ["--ro-bind", "/opt/python", "/opt/python"] == args[args.index("/opt/python") - 1:args.index("/opt/python") + 2]
    assert str(tmp_path / "internes" / "bob") not in args


def test_configure_gives_jupyterhub_the_promotion_groups_services_and_limits(tmp_path):
    from traitlets.config import Config

    from atelier_mg.hub.config import configure

    path = write(tmp_path, GOOD + '[limites]\nmemoire = "1G"\nprocesseurs = 0.5\ninactivite_minutes = 20\n')
    loaded = settings.load(path)
    assert accounts.import_roster(loaded) == ["alice"]
    c = Config()
    configure(c, path)
    # Teachers are not the hub's administrators unless the DMG says so (« enseignants_administrateurs »).
    assert c.Authenticator.allowed_users == {"alice", "dupont"} and c.Authenticator.admin_users == set()
    assert c.JupyterHub.cleanup_servers is True
    admins = Config()
    configure(admins, write(tmp_path, GOOD + "enseignants_administrateurs = true\n"))
    assert admins.Authenticator.admin_users == {"dupont"}
    assert c.JupyterHub.load_groups == {"formgrade-atelier-mg": {"users": ["dupont"]},
                                        "nbgrader-atelier-mg": {"users": ["alice"]}}
    assert (c.AtelierSpawner.memory_bytes, c.AtelierSpawner.cpus) == (1024**3, 0.5)
    assert c.AtelierSpawner.read_write == [str(loaded.exchange)]
    services = {s["name"]: s for s in c.JupyterHub.services}
    assert "--timeout=1200" in services["inactifs"]["command"]
    # « Ouvrir la séance » : the teachers' service starts and stops the course's servers, and nothing else.
    session_role = next(r for r in c.JupyterHub.load_roles if r["name"] == "seance")
    assert session_role["services"] == ["salle"]
    assert all(s.startswith("servers!group=") and s.endswith("-atelier-mg") for s in session_role["scopes"])
    assert services["livre"]["url"] == "http://127.0.0.1:8126"
    assert c.JupyterHub.authenticator_class.endswith("AtelierAuthenticator")
    lti = write(tmp_path, GOOD + '[lti]\nemetteur = "https://moodle.exemple.fr"\nclient_id = "x"\nurl_autorisation = "a"\n'
                'url_jwks = "j"\nchamp_identifiant = "email"\n')
    try:
        import ltiauthenticator  # noqa: F401
    except ImportError:
        with pytest.raises(UserError, match="installez jupyterhub-ltiauthenticator"):
            configure(Config(), lti)
    else:
        lti_config = Config()
        configure(lti_config, lti)
        assert lti_config.LTI13Authenticator.issuer == "https://moodle.exemple.fr"


def test_an_intern_sandbox_runs_the_package_but_never_sees_the_solutions(tmp_path):
    """The real sandbox (bubblewrap + setpriv to an unprivileged uid): Jupyter and the package import, the course
    data load, and neither the repository's solutions/ nor the folder the hub was started from are visible. In CI
    the repository is a fresh clone in a private (0700) temporary folder: each path is bound on its own."""

    from atelier_mg.core.paths import REPO
    from atelier_mg.hub import spawner

    home = tmp_path / "internes" / "alice"
    home.mkdir(parents=True)
    os.chown(home, 65534, 65534)
    probe = ("import os, jupyterhub.singleuser, atelier_mg.core.data as d; d.load('ecologie_white_1961'); "
             f"print(os.path.exists({str(REPO / 'solutions')!r}), os.path.exists({str(REPO / '.git')!r}), "
             f"open({str(home / 'x')!r}, 'w').write('ok'))")
    cmd = ["bwrap", "--die-with-parent", *spawner.bwrap_args(spawner.read_only_paths(), [home]), "--chdir", str(home),
           "--", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs", "--",
           sys.executable, "-c", probe]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False", "2"]
    assert (home / "x").read_text() == "ok"


def test_the_total_memory_gives_the_number_of_jupyterlabs_at_once(tmp_path):
    loaded = settings.load(write(tmp_path, GOOD + '[limites]\nmemoire = "2G"\nmemoire_totale = "21G"\n'))
    assert loaded.limits.places == 10
    assert settings.load(write(tmp_path, GOOD)).limits.places == 0  # no bound unless the DMG sets one


def test_disks_are_bounded_only_when_the_dmg_says_so(tmp_path):
    loaded = settings.load(write(tmp_path, GOOD + '[limites]\ndisque = "2G"\ndisque_echange = "20 Go"\n'))
    assert (loaded.limits.disk_bytes, loaded.limits.exchange_bytes) == (2 * 1024**3, 20 * 1024**3)
    default = settings.load(write(tmp_path, GOOD)).limits
    assert (default.disk_bytes, default.exchange_bytes) == (0, 0)


def test_the_memory_setting_may_grow_or_shrink_between_two_starts_on_a_real_cgroup():
    """A cgroup stays from one start to the next: raising « memoire » (1G → 2G) must not be refused by the kernel
    (memory above memory+swap), nor lowering it."""
    name = f"essai-{os.getpid()}"
    try:
        for size in (1024**3, 2 * 1024**3, 512 * 1024**2):
            dirs = prepare_cgroups(name, size, 1.0, 128)
            assert int((dirs["memory"] / "memory.limit_in_bytes").read_text()) == size
            swap = dirs["memory"] / "memory.memsw.limit_in_bytes"
            if swap.exists():
                assert int(swap.read_text()) == size
    finally:
        for folder in cgroup_dirs(name).values():
            if folder.exists():
                folder.rmdir()
