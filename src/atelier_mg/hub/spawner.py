"""Un JupyterLab par interne : processus local, sous son compte Unix, dans un bac à sable, avec des limites.

Why this spawner (see also the README, « Pour une faculté ») — ``LocalProcessSpawner`` extended, because:

* ``systemdspawner`` needs systemd as PID 1 (absent from containers and from many teaching VMs);
  ``dockerspawner`` needs a Docker daemon and an image registry; Kubernetes is the next step (``deploy/``),
  not the first. A local process installs from PyPI with JupyterHub itself and starts in seconds.
* One Unix account per intern (``accounts.py``): the server runs with the intern's uid, never root
  (``setpriv`` drops every privilege, ``no_new_privs``), so the kernel enforces that intern A cannot
  read intern B's home (mode 0700).
* bubblewrap (already installed for grading) gives each server its own mount namespace: read-only
  system, Python and course; read-write only the intern's own home and nbgrader's exchange; a private
  ``/tmp``, private PID and IPC namespaces. Other interns' homes are not even visible. Its own network namespace
  (``network.py``): the hub is its only route. It also makes an interpreter installed under a
  private folder (``/root/.pyenv``) usable by the interns without opening that folder.
* Limits: a cgroup v1 per intern (``memory.limit_in_bytes``, ``cpu.cfs_quota_us``, ``pids.max``) when
  ``/sys/fs/cgroup`` is writable; otherwise ``RLIMIT_AS`` (address space) as a fallback, and no CPU cap;
  ``RLIMIT_NPROC`` on the intern's uid and ``RLIMIT_FSIZE`` in any case.
  Idle servers are stopped by ``jupyterhub-idle-culler`` (a hub service, ``config.py``).
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import signal
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Bool, Dict, Float, Integer, List, Unicode

from ..core.bwrap import folder_binds, system_binds
from ..core.paths import runtime_paths
from . import disk, network
from .accounts import COURSE_FOLDERS

CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_NAME = "atelier-hub"


def cgroup_dirs(unix: str, root: Path = CGROUP_ROOT) -> dict[str, Path]:
    kinds = ["memory", "cpu"] + (["pids"] if (root / "pids" / "cgroup.procs").exists() else [])
    return {kind: root / kind / CGROUP_NAME / unix for kind in kinds}


def cgroups_writable(root: Path = CGROUP_ROOT) -> bool:
    """cgroup v1 with writable ``memory`` and ``cpu`` hierarchies (as root in most containers and VMs)."""
    for kind in ("memory", "cpu"):
        folder = root / kind / CGROUP_NAME
        try:
            folder.mkdir(exist_ok=True)
        except OSError:
            return False
        if not (folder / "cgroup.procs").exists():
            return False
    return True


def prepare_cgroups(unix: str, memory: int, cpus: float, processes: int = 256,
                    root: Path = CGROUP_ROOT) -> dict[str, Path]:
    dirs = cgroup_dirs(unix, root)
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    if "pids" in dirs:
        (dirs["pids"] / "pids.max").write_text(str(processes))
    limit = dirs["memory"] / "memory.limit_in_bytes"
    swap = dirs["memory"] / "memory.memsw.limit_in_bytes"
    files = [limit] + ([swap] if swap.exists() else [])
    # The kernel refuses memory > memory+swap: when the setting grows (the cgroup stays from a previous start),
    # memory+swap first; when it shrinks, memory first.
    if len(files) == 2 and limit.read_text().strip().isdigit() and memory > int(limit.read_text()):
        files.reverse()
    for path in files:
        try:
            path.write_text(str(memory))
        except OSError:
            if path == limit:
                raise
    period = 100_000
    (dirs["cpu"] / "cpu.cfs_period_us").write_text(str(period))
    (dirs["cpu"] / "cpu.cfs_quota_us").write_text(str(int(cpus * period)))
    return dirs


def read_only_paths(extra: list[Path] = ()) -> list[Path]:
    """What a server reads: Python, its virtualenv, the package and the course data (``core.paths.runtime_paths``,
    never ``solutions/``), plus ``extra``; a folder inside another bound folder is not bound twice."""
    found: list[Path] = []
    for path in [*runtime_paths(), *extra]:
        path = Path(path).resolve()
        if not any(path == f or f in path.parents for f in found):
            found = [f for f in found if path not in f.parents] + [path]
    return found


def bwrap_args(read_only: list[Path], read_write: list[Path]) -> list[str]:
    """Private PID and IPC namespaces (an intern sees only their own processes and command lines), the
    system, a private /tmp and /var/tmp, then the folders (``core/bwrap.py``, shared with grading)."""
    return ["--unshare-pid", "--unshare-ipc", *system_binds(), "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--tmpfs", "/dev/shm", "--perms", "1777", "--tmpfs", "/tmp",
            "--perms", "1777", "--tmpfs", "/var/tmp", *folder_binds(read_only, read_write, mounted=("/tmp", "/var/tmp"))]


class StartFailed(Exception):
    """A server that ended during its start; ``jupyterhub_message`` is what the intern reads."""

    jupyterhub_message = ("Votre JupyterLab s'est arrêté pendant son démarrage. L'incident est noté dans le journal "
                          "du hub. Vos fichiers ne sont pas touchés : réessayez ; si cela se reproduit, prévenez "
                          "l'équipe pédagogique.")

    def __str__(self) -> str:
        return self.jupyterhub_message


class AtelierSpawner(LocalProcessSpawner):
    """LocalProcessSpawner under the intern's Unix account, inside bubblewrap, in its own cgroups."""

    accounts = Dict(help="hub user name → Unix account").tag(config=True)
    homes = Unicode(help="folder of the homes (<homes>/<hub user name>)").tag(config=True)
    read_only = List(Unicode(), help="extra folders visible read-only (the course)").tag(config=True)
    read_write = List(Unicode(), help="folders shared read-write (nbgrader's exchange)").tag(config=True)
    memory_bytes = Integer(2 * 1024**3).tag(config=True)
    processes = Integer(256, help="processes of one person (pids cgroup, and RLIMIT_NPROC on their uid)").tag(config=True)
    file_bytes = Integer(2 * 1024**3, help="largest file a person may write (RLIMIT_FSIZE)").tag(config=True)
    subnet = Unicode("", help="one network namespace per server in this subnet (network.py); empty: shared").tag(
        config=True)
    hub_port = Integer(0, help="the hub's port: names its bridge and namespaces").tag(config=True)
    stop_with_hub = Bool(True, help="a server dies with the hub (bwrap --die-with-parent); see the README").tag(
        config=True)
    cpus = Float(1.0).tag(config=True)
    use_cgroups = Unicode("auto", help="auto, yes, no").tag(config=True)
    teachers = List(Unicode(), help="hub user names of the teachers (formgrader)").tag(config=True)
    teacher_read_write = List(Unicode(), help="folders a teacher also writes (the course, the gradebook)").tag(config=True)
    teacher_course = Unicode("", help="the course folder, bound read-write at ~/cours for a teacher").tag(config=True)
    teacher_environment = Dict(help="environment added for a teacher (the gradebook)").tag(config=True)
    jupyter_config = Unicode(help="folder holding interne/ and enseignant/ (Jupyter configs)").tag(config=True)
    carnet = Unicode(help="notebook copied once into each intern's home (their own carnet)").tag(config=True)
    disk_bytes = Integer(0, help="size of each home's own file system (disk.py); 0: none").tag(config=True)
    disk_images = Unicode("", help="folder of the homes' file system images (root only)").tag(config=True)
    logs = Unicode("", help="folder of the servers' logs (<logs>/<hub user name>.log, root only); empty: the hub's"
                   ).tag(config=True)

    def _unix(self):
        import pwd

        return pwd.getpwnam(self.accounts.get(self.user.name, ""))

    def _teacher(self) -> bool:
        return self.user.name in self.teachers

    def _home(self) -> Path:
        return Path(self.homes) / self.user.name

    def user_env(self, env):
        entry = self._unix()
        env["USER"] = entry.pw_name
        env["HOME"] = str(self._home())
        env["SHELL"] = "/bin/bash"
        role = "enseignant" if self._teacher() else "interne"
        env["JUPYTER_CONFIG_PATH"] = str(Path(self.jupyter_config) / role)
        env["JUPYTER_RUNTIME_DIR"] = "/tmp/jupyter-runtime"  # kernels' connection files, in the private /tmp
        if self._teacher():
            env.update(self.teacher_environment)
        env.update({"LANG": "fr_FR.UTF-8", "LANGUAGE": "fr_FR:fr", "PYTHONDONTWRITEBYTECODE": "1"})
        return env

    def _first_files(self, entry) -> None:
        """The intern's own carnet: a copy in their home (never on a shared folder), made once."""
        target = self._home() / Path(self.carnet).name
        if self.carnet and not target.exists():
            shutil.copyfile(self.carnet, target)
            os.chown(target, entry.pw_uid, entry.pw_gid)
            target.chmod(0o600)

    def make_preexec_fn(self, name):
        home = str(self._home())
        cgroups = self._cgroups()
        memory, processes, file_bytes = self.memory_bytes, self.processes, self.file_bytes
        umask = 0o002 if self._teacher() else 0o077

        def preexec() -> None:  # runs as root in the child; setpriv drops to the intern inside bwrap
            pid = str(os.getpid())
            if cgroups:
                for folder in cgroups.values():
                    (folder / "cgroup.procs").write_text(pid)
            else:
                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            # Counted on the person's uid once setpriv has switched to it (root, before, is not limited).
            resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
            os.umask(umask)
            os.chdir(home)

        return preexec

    def _cgroups(self) -> dict[str, Path] | None:
        if self.use_cgroups == "no" or (self.use_cgroups == "auto" and not cgroups_writable()):
            return None
        return prepare_cgroups(self._unix().pw_name, self.memory_bytes, self.cpus, self.processes)

    async def start(self):
        self._started = False
        entry = self._unix()
        home = self._home()
        if self.disk_bytes:  # the home on its own bounded file system, mounted (created at the first start)
            await asyncio.to_thread(disk.ensure_volume, home, Path(self.disk_images) / f"{self.user.name}.ext4",
                                    self.disk_bytes, entry.pw_uid, entry.pw_gid, 0o700,
                                    f"Le dossier de {self.user.name}", self.log.warning)
        self._first_files(entry)
        binds = bwrap_args(read_only_paths([Path(p) for p in self.read_only]),
                           [home] + [Path(p) for p in self.read_write]
                           + [Path(p) for p in self.teacher_read_write if self._teacher()])
        if self._teacher() and self.teacher_course:
            # The course read-only (its code, its nbgrader_config.py, a virtualenv inside it), and read-write
            # only nbgrader's folders (accounts.COURSE_FOLDERS): what the formgrader writes.
            mount = home / "cours"
            mount.mkdir(exist_ok=True)
            os.chown(mount, entry.pw_uid, entry.pw_gid)
            course = Path(self.teacher_course)
            binds += ["--ro-bind", str(course), str(mount)]
            for name in COURSE_FOLDERS:
                if (course / name).is_dir() and not (course / name).is_symlink():
                    binds += ["--bind", str(course / name), str(mount / name)]
        netns: list[str] = []
        if self.subnet:
            name, self.ip = network.ensure_namespace(self.hub_port, self.subnet, entry.pw_uid)
            netns = ["nsenter", f"--net=/run/netns/{name}", "--"]
        try:
            return await self._start_in(entry, home, binds, netns)
        except BaseException:
            self._drop_namespace()  # a failed start leaves no network namespace (JupyterHub stops only live servers)
            raise

    def _drop_namespace(self) -> None:
        self._started = False
        if self.subnet:
            network.remove_namespace(self.hub_port, self._unix().pw_uid)

    async def poll(self):
        """A server found ended (crashed, killed) leaves no network namespace behind either."""
        status = await super().poll()
        if status is not None and getattr(self, "_started", False):  # not while it starts: then _started is False
            self._drop_namespace()
        return status

    async def _start_in(self, entry, home: Path, binds: list[str], netns: list[str]):
        wrapped = [*netns, "bwrap", *(["--die-with-parent"] if self.stop_with_hub else []), *binds,
                   "--chdir", str(home), "--", "setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}",
                   "--init-groups", "--no-new-privs", "--"]
        original = list(self.cmd)
        self.cmd = wrapped + original
        log = self._open_log()
        try:
            if log is not None:
                self.popen_kwargs = {"stderr": log}
            ip, port = await super().start()
        finally:
            self.cmd = original
            if log is not None:
                log.close()  # the server holds its own copy
        self._started = True
        await self._listening(ip, port)
        return ip, port

    def _open_log(self):
        if not self.logs:
            return None
        folder = Path(self.logs)
        folder.mkdir(mode=0o700, exist_ok=True)
        path = folder / f"{self.user.name}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        return os.fdopen(fd, "w")

    def _log_tail(self, lines: int = 15) -> str:
        path = Path(self.logs) / f"{self.user.name}.log" if self.logs else None
        if path is None or not path.is_file():
            return "(journal du serveur dans celui du hub)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    async def _listening(self, ip: str, port: int) -> None:
        """Return once the server accepts connections; if its process ends first, say so at once (issue 23).

        JupyterHub itself only polls the server's URL until ``http_timeout``: a server that died at start left
        the intern waiting minutes. Here the hub's log gets the cause (exit status, end of the server's log) and
        the intern a French message with a button to retry (templates/not_running.html).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.start_timeout
        while loop.time() < deadline:
            status = self.proc.poll() if self.proc is not None else None
            if status is not None:
                self.log.error("Le JupyterLab de %s s'est arrêté au démarrage (code de sortie %s). Fin de son "
                               "journal :\n%s", self.user.name, status, self._log_tail())
                raise StartFailed()
            try:
                _, writer = await asyncio.wait_for(asyncio.open_connection(ip or "127.0.0.1", port), 1)
            except (TimeoutError, OSError):
                await asyncio.sleep(0.2)
                continue
            writer.close()
            return

    async def stop(self, now=False):
        await super().stop(now=now)
        self._drop_namespace()

    async def _signal(self, sig):
        """Signal the whole process group: bwrap neither forwards signals nor outlives the uid change.

        SIGINT becomes SIGTERM: without a terminal, Jupyter Server ignores a lone SIGINT (it asks for
        confirmation), and SIGTERM is its graceful shutdown. Signal 0 asks whether any process is left.
        """
        try:
            os.killpg(self.pid, signal.SIGTERM if sig == signal.SIGINT else sig)
        except ProcessLookupError:
            return False
        return True
