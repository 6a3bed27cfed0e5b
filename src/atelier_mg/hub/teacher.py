"""Les commandes enseignant (``atelier hub … publier / retours / correction``) : sous le compte de l'enseignant.

Run by root on the machine, they do as root only what needs root — repair the exchange's rights and check the
submissions' owners (``exchange.py``) — then run nbgrader or ``atelier correction`` under the teacher's Unix
account (``setpriv``, ``no_new_privs``) inside bubblewrap: the system, Python and the course read-only, and
read-write only what a teacher writes (nbgrader's folders of the course, the exchange, the gradebook, their home).
A line written by a teacher in the course therefore never runs as root, and never writes the code or the virtualenv.

Which teacher: the one who called ``sudo`` (``SUDO_USER``) when they are a teacher of the hub, else
``ATELIER_ENSEIGNANT``, else the first of ``enseignants``.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

from ..core.bwrap import folder_binds, system_binds
from ..core.errors import UserError
from . import accounts
from .settings import HubSettings


def teacher(settings: HubSettings) -> pwd.struct_passwd:
    chosen = next((n for n in (os.environ.get("SUDO_USER"), os.environ.get("ATELIER_ENSEIGNANT"))
                   if n and n in settings.teachers), settings.teachers[0])
    try:
        entry = pwd.getpwnam(accounts.unix_name(chosen))
    except KeyError:
        raise UserError(f"Le compte Unix de l'enseignant « {chosen} » n'existe pas encore : démarrez d'abord le hub "
                        "(« atelier hub --reglages … »), qui crée les comptes.") from None
    if not entry.pw_gecos.startswith(accounts.MARK):
        raise UserError(f"« {chosen} » n'est pas un compte créé par le hub : commande refusée.")
    return entry


def command(settings: HubSettings, course: Path, entry: pwd.struct_passwd, cmd: list[str]) -> list[str]:
    """``cmd`` wrapped in bubblewrap, then ``setpriv`` to the teacher."""
    from .spawner import read_only_paths

    home = settings.homes / entry.pw_name
    writable = [course / name for name in accounts.COURSE_FOLDERS if (course / name).is_dir()]
    writable += [settings.exchange, settings.grades, home]
    binds = folder_binds(read_only_paths([course]), writable, mounted=("/tmp", "/var/tmp"))
    private = [arg for folder in ("/dev/shm", "/tmp", "/var/tmp") for arg in ("--perms", "1777", "--tmpfs", folder)]
    # The machine's /proc, not a new one: grading's own sandbox (bubblewrap in a user namespace, « correction
    # noter ») can mount its /proc only where the parent's is fully visible.
    return ["bwrap", "--die-with-parent", *system_binds(), "--bind", "/proc", "/proc", "--dev", "/dev",
            *private, *binds,
            "--chdir", str(course), "--", "setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}",
            "--init-groups", "--no-new-privs", "--", *cmd]


def run(settings: HubSettings, course: Path, cmd: list[str], env: dict[str, str], capture: bool = True):
    """Run ``cmd`` as the teacher, in the sandbox; returns the CompletedProcess (or the return code)."""
    if os.geteuid() != 0:
        raise UserError("Les commandes enseignant du hub se lancent en root sur la machine (sudo) : elles vérifient "
                        "l'échange, puis travaillent sous le compte de l'enseignant.")
    entry = teacher(settings)
    env = {**env, "HOME": str(settings.homes / entry.pw_name), "USER": entry.pw_name, "LOGNAME": entry.pw_name,
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"])}
    wrapped = command(settings, course, entry, cmd)
    if capture:
        return subprocess.run(wrapped, cwd=course, env=env, capture_output=True, text=True, preexec_fn=_shared)
    return subprocess.call(wrapped, cwd=course, env=env, preexec_fn=_shared)


def _shared() -> None:
    """What a teacher's command writes in the course stays writable by the teachers' group (formgrader)."""
    os.umask(0o002)
