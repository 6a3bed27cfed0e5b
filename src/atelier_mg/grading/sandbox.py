"""Le bac à sable bubblewrap où s'exécute le code des internes pendant la correction.

One :class:`Sandbox` per grading worker: ``bwrap`` starts the zygote (:mod:`.zygote`) with

* a read-only view of the system (``/usr``, ``/etc``, Python, the virtual environment) and of the
  course's package and data, and nothing else of the machine (no home, no ``submitted/``, no
  ``solutions/``, no gradebook);
* a private ``/tmp`` in memory, capped in size, where each submission's kernel works;
* no network, its own process, IPC and host-name namespaces, no capability but the zygote's
  setuid/setgid/kill, and the death of the sandbox with the grader;
* resource limits on every kernel (address space, CPU time, processes, files, open files).

The grader reaches a kernel's ``ipc`` sockets through ``/proc/<pid>/root/tmp/…`` (root, or the teacher who
owns the sandbox's user namespace on the hub: ``hub/command.py``), so
nothing of a submission is ever written to the host's disk.
"""

from __future__ import annotations

import json
import os
import resource
import select
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..core.bwrap import folder_binds, system_binds
from ..core.paths import runtime_paths

GIB = 1024**3
MIB = 1024**2
SANDBOX_UID_BASE = 64000


class SandboxError(RuntimeError):
    """The sandbox cannot start or stopped answering."""


@dataclass(frozen=True)
class Limits:
    memory: int = 3 * GIB  # address space of a kernel (RLIMIT_AS)
    cpu_seconds: int = 120  # CPU time of a kernel (RLIMIT_CPU)
    processes: int = 64  # processes and threads of the sandbox's uid (RLIMIT_NPROC)
    file_size: int = 64 * MIB  # largest file a kernel may write (RLIMIT_FSIZE)
    open_files: int = 256  # RLIMIT_NOFILE
    tmp_size: int = 512 * MIB  # the sandbox's /tmp, in memory

    def rlimits(self) -> dict[str, int]:
        return {
            "RLIMIT_AS": self.memory,
            "RLIMIT_CPU": self.cpu_seconds,
            "RLIMIT_NPROC": self.processes,
            "RLIMIT_FSIZE": self.file_size,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CORE": 0,
        }


def bwrap_path() -> str | None:
    """``bwrap`` if installed and usable here (namespaces allowed), else None."""
    path = shutil.which("bwrap")
    if not path:
        return None
    probe = subprocess.run(
        [path, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--die-with-parent", "true"],
        capture_output=True, timeout=30,
    )
    return path if probe.returncode == 0 else None


def _course_paths() -> list[Path]:
    """Python, the virtual environment, the package and the course's data: bound read-only, at the same place."""
    return runtime_paths()


def _system_binds() -> list[str]:
    """The system and the course's paths, read-only (``core/bwrap.py``, shared with the hub)."""
    return [*system_binds(), *folder_binds(_course_paths())]


def bound_under_tmp() -> set[str]:
    """Names, directly under /tmp, of the folders the sandbox binds there (a course kept in /tmp)."""
    return {p.parts[2] for p in _course_paths() if len(p.parts) > 2 and p.parts[1] == "tmp"}


class Sandbox:
    """A running bubblewrap sandbox holding a warm zygote; one submission at a time."""

    def __init__(self, slot: int, limits: Limits | None = None, bwrap: str | None = None) -> None:
        self.slot = slot
        self.limits = limits or Limits()
        self.bwrap = bwrap or bwrap_path()
        if not self.bwrap:
            raise SandboxError("bubblewrap (bwrap) est introuvable ou inutilisable sur cette machine.")
        # As root, each worker's kernels get their own uid. Otherwise (a teacher's command on the hub), the
        # sandbox's user namespace maps only the caller's uid and group: the kernels keep them (zygote.py).
        self.uid = SANDBOX_UID_BASE + slot if os.geteuid() == 0 else os.geteuid()
        self.gid = self.uid if os.geteuid() == 0 else os.getegid()
        self.process: subprocess.Popen | None = None
        self.child_pid: int | None = None
        self.kept_in_tmp = bound_under_tmp()  # the course's binds under /tmp: never emptied by reset()

    # -- life cycle -------------------------------------------------------------------------
    def command(self, info_fd: int) -> list[str]:
        settings = {"uid": self.uid, "gid": self.gid, "limits": self.limits.rlimits()}
        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": "/tmp",
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
        }
        # /tmp first: a course (or its virtual environment) under /tmp is then bound over it, read-only.
        args = [self.bwrap, "--perms", "1777", "--size", str(self.limits.tmp_size), "--tmpfs", "/tmp",
                *_system_binds(), "--dev", "/dev", "--proc", "/proc",
                "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--hostname", "correction",
                "--die-with-parent", "--new-session", "--info-fd", str(info_fd), "--chdir", "/tmp", "--clearenv"]
        if os.geteuid() == 0:
            args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
        else:  # pragma: no cover - graders run as root on a department server; kept usable elsewhere
            args += ["--unshare-user"]
        for key, value in env.items():
            args += ["--setenv", key, value]
        return [*args, sys.executable, "-m", "atelier_mg.grading.zygote", json.dumps(settings)]

    def start(self, timeout: float = 60) -> None:
        read_fd, write_fd = os.pipe()
        try:
            self.process = subprocess.Popen(
                self.command(write_fd), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                pass_fds=(write_fd,), preexec_fn=_lower_priority,
            )
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd, "rb") as info:
            data = info.read()
        try:
            self.child_pid = json.loads(data.decode())["child-pid"]
        except (ValueError, KeyError):
            self.close()
            raise SandboxError("bubblewrap n'a pas démarré le bac à sable.") from None
        ready = self._read(timeout)
        if not ready.get("ready"):
            raise SandboxError("le bac à sable n'a pas démarré.")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def close(self) -> None:
        """Stop the zygote (it kills and reaps its kernels first, so their CPU time is accounted), then bwrap."""
        if self.process is not None:
            if self.process.poll() is None and self.process.stdin:
                try:
                    self.process.stdin.close()  # end of commands: the zygote cleans up and exits
                    self.process.wait(timeout=10)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream and not stream.closed:
                    stream.close()
        self.process = None

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- protocol ---------------------------------------------------------------------------
    def _read(self, timeout: float) -> dict:
        assert self.process and self.process.stdout
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else b""
        if not line:
            error = ""
            if self.process.poll() is not None and self.process.stderr:
                error = self.process.stderr.read().decode(errors="replace")[-2000:]
            raise SandboxError(f"le bac à sable ne répond plus. {error}".strip())
        return json.loads(line)

    def request(self, timeout: float = 30, **message) -> dict:
        if not self.alive():
            raise SandboxError("le bac à sable est arrêté.")
        assert self.process and self.process.stdin
        try:
            self.process.stdin.write(json.dumps(message).encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise SandboxError("le bac à sable est arrêté.") from None
        return self._read(timeout)

    # -- what a grader needs ----------------------------------------------------------------
    def outside(self, inside: str) -> Path:
        """Path, seen from the grader, of a path inside the sandbox (``/tmp/…``)."""
        return Path(f"/proc/{self.child_pid}/root") / inside.lstrip("/")

    def prepare(self, inside: str, files_from: Path | None = None) -> Path:
        """Create ``inside`` (under /tmp) for the kernel's uid, with a copy of ``files_from``'s files."""
        target = self.outside(inside)
        if files_from is not None and files_from.is_dir():
            shutil.copytree(files_from, target, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
        else:
            target.mkdir(parents=True)
        for folder, dirs, files in os.walk(target):
            for name in (folder, *(os.path.join(folder, f) for f in files + dirs)):
                os.lchown(name, self.uid, self.gid)
        target.chmod(0o700)
        return target

    def reset(self) -> None:
        """Kill every process of the previous submission, then empty the sandbox's /tmp."""
        self.request(op="reset", timeout=60)
        tmp = self.outside("/tmp")
        for entry in tmp.iterdir():
            if entry.name in self.kept_in_tmp:
                continue  # the course's read-only binds, never to be touched
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _lower_priority() -> None:  # pragma: no cover - runs in the child before exec
    os.nice(5)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

