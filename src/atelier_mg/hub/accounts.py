"""Comptes du hub : la promotion (importée par ``atelier correction``), un compte Unix par personne, les groupes.

The roster is imported with the grading command line (``atelier correction importer-promotion``, never by
importing ``grading``) into the hub's gradebook, then read back with nbgrader's API: the hub's user names are
exactly the nbgrader student ids, so that the exchange, ``atelier correction`` and the feedback agree.

Each person gets a Unix account named after their id (no password, no login shell), a home ``<dossier>/internes/<id>``
in mode 0700, and a group: ``nbgrader-<cours>`` for interns, ``formgrade-<cours>`` for teachers (the names
nbgrader's documentation uses for a course on a hub).
"""

from __future__ import annotations

import grp
import os
import pwd
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import UserError
from .settings import HubSettings

MARK = "Atelier MG"  # the comment (GECOS) of the accounts created by the hub

@dataclass(frozen=True)
class Account:
    name: str  # hub user name = nbgrader student id
    unix: str
    teacher: bool


def unix_name(name: str) -> str:
    """The Unix account of a hub user: the same name, because nbgrader's exchange names a submission after
    the Unix account (``getpass.getuser()``), and ``atelier correction`` matches it with the roster id."""
    return name


def import_roster(settings: HubSettings) -> list[str]:
    """Import the promotion into the hub's gradebook (grading's command line), return the interns' ids."""
    cmd = [sys.executable, "-m", "atelier_mg.cli", "correction", "importer-promotion", str(settings.roster),
           "--base", settings.gradebook]
    settings.grades.mkdir(parents=True, exist_ok=True)
    # nbgrader calls « alembic » by name: this Python's tools come first on the PATH.
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise UserError(f"Import de la promotion impossible : {done.stderr.strip() or done.stdout.strip()}")
    return roster_ids(settings)


def roster_ids(settings: HubSettings) -> list[str]:
    from nbgrader.api import Gradebook

    with Gradebook(settings.gradebook, settings.course_id) as gb:
        ids = sorted(s.id for s in gb.students)
    upper = [i for i in ids if i != i.lower()]
    if upper:
        raise UserError("Identifiants de la promotion avec des majuscules (le hub les met en minuscules, les rendus "
                        f"ne seraient plus rattachés) : {', '.join(upper)}. Corrigez le fichier de la promotion.")
    return ids


def roster_people(settings: HubSettings) -> list[tuple[str, str, str, str]]:
    """(id, first name, last name, e-mail) of each intern, then of each teacher (no names for them)."""
    from nbgrader.api import Gradebook

    with Gradebook(settings.gradebook, settings.course_id) as gb:
        found = [(s.id, s.first_name or "", s.last_name or "", s.email or "") for s in gb.students]
    return sorted(found) + [(t, "", "", "") for t in settings.teachers]


def accounts(settings: HubSettings, interns: list[str]) -> list[Account]:
    both = sorted(set(interns) & set(settings.teachers))
    if both:
        raise UserError(f"Identifiant(s) à la fois enseignant et interne : {', '.join(both)}.")
    found = [Account(i, unix_name(i), False) for i in interns] + [Account(t, unix_name(t), True) for t in settings.teachers]
    seen: dict[str, str] = {}
    for a in found:
        if a.unix in seen:
            raise UserError(f"« {a.name} » et « {seen[a.unix]} » donneraient le même compte Unix {a.unix}.")
        seen[a.unix] = a.name
    return found


def _group(name: str) -> int:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        _run(["groupadd", "--system", name])
        return grp.getgrnam(name).gr_gid


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise UserError(f"« {' '.join(cmd)} » a échoué : {done.stderr.strip()} (le hub doit être lancé par root).")


def ensure_accounts(settings: HubSettings, people: list[Account]) -> dict[str, int]:
    """Create the groups, the Unix accounts and their 0700 homes (idempotent). Returns name → uid."""
    if os.geteuid() != 0:
        raise UserError("atelier hub doit être lancé par root : il crée un compte Unix par interne et démarre "
                        "chaque JupyterLab sous ce compte.")
    students = _group(f"nbgrader-{settings.course_id}")
    teachers = _group(f"formgrade-{settings.course_id}")
    settings.homes.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.homes, 0o711)
    uids = {}
    for person in people:
        home = settings.homes / person.name
        gid = teachers if person.teacher else students
        try:
            entry = pwd.getpwnam(person.unix)
            if not entry.pw_gecos.startswith(MARK):
                raise UserError(f"« {person.name} » est déjà un compte de cette machine, qui n'a pas été créé par le hub "
                                "(compte système ou personnel) : changez cet identifiant dans la promotion.")
        except KeyError:
            _run(["useradd", "--no-create-home", "--home-dir", str(home), "--shell", "/usr/sbin/nologin",
                  "--gid", str(gid), "--comment", f"{MARK} {person.name}", person.unix])
            entry = pwd.getpwnam(person.unix)
        home.mkdir(exist_ok=True)
        os.chown(home, entry.pw_uid, gid)
        os.chmod(home, 0o700)
        uids[person.name] = entry.pw_uid
    return uids


# nbgrader's folders in the course that the teachers' formgrader writes to (and « atelier correction »).
COURSE_FOLDERS = ("solutions", "exercises", "submitted", "autograded", "manual_grading", "feedback", "correction")


def share_with_teachers(settings: HubSettings, course: Path) -> None:
    """Let the teachers' group (``formgrade-<cours>``) write nbgrader's folders of the course and the gradebook.

    Only the course's data folders (``COURSE_FOLDERS``, created if missing) become group-writable, with the setgid
    bit (new files stay in the group); the course root, its ``nbgrader_config.py`` (Python that nbgrader runs)
    and everything else (the code, the virtualenv) are never writable by the group nor by others, and any such
    right left by an earlier version is removed. The gradebook's folder is 2770. Interns see neither.
    """
    gid = _group(f"formgrade-{settings.course_id}")
    settings.grades.mkdir(parents=True, exist_ok=True)
    os.chown(settings.grades, 0, gid)
    os.chmod(settings.grades, 0o2770)
    for path in settings.grades.iterdir():
        if not path.is_symlink():
            os.chown(path, 0, gid)
            path.chmod(0o660)
    for path in (course, course / "nbgrader_config.py"):
        if path.exists() and not path.is_symlink():
            path.chmod(path.stat().st_mode & 0o7755)
    paths = []
    for name in COURSE_FOLDERS:
        folder = course / name
        if folder.is_symlink():
            continue
        if not folder.exists():
            folder.mkdir()
            os.chown(folder, 0, gid)
            folder.chmod(0o2775)
        paths += [folder, *folder.rglob("*")]
    for path in paths:
        if path.is_symlink() or not path.exists():
            continue
        os.chown(path, -1, gid)
        mode = path.stat().st_mode & 0o7777
        path.chmod(mode | 0o2070 if path.is_dir() else mode | 0o060)
