"""Arguments de bubblewrap communs aux deux bacs à sable : la correction (``grading/sandbox.py``) et les JupyterLab
du hub (``hub/spawner.py``).

Both bind the system read-only at its place, then chosen folders at their own place: read-only (Python, the
package, the course data: ``core.paths.runtime_paths``) or read-write (a home, the exchange). bwrap creates the
parents of a bound folder owned by root in mode 0700, which an unprivileged uid could not cross: they are created
first, in mode 0755. Folders the caller mounts itself (a private ``/tmp``) are left alone.
"""

from __future__ import annotations

import os
from pathlib import Path

SYSTEM_LINKS = ("/bin", "/lib", "/lib64", "/sbin", "/lib32", "/libx32")


def system_binds() -> list[str]:
    """``/usr`` and ``/etc`` read-only, and ``/bin``, ``/lib``… as the links (or folders) they are here."""
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for name in SYSTEM_LINKS:
        if os.path.islink(name):
            args += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            args += ["--ro-bind", name, name]
    return args


def folder_binds(read_only: list[Path], read_write: list[Path] = (), mounted: tuple[str, ...] = ("/tmp",)) -> list[str]:
    """Traversable parents, then each folder bound at its place (``--ro-bind`` or ``--bind``), in the given order.

    ``mounted``: folders the caller already provides (a tmpfs), never re-created.
    """
    folders: list[str] = []
    for path in [*read_only, *read_write]:
        for parent in reversed(Path(path).parents[:-1]):
            name = str(parent)
            if name not in folders and name not in mounted and not name.startswith(("/usr", "/etc", "/proc", "/dev")):
                folders.append(name)
    args: list[str] = []
    for folder in folders:
        args += ["--perms", "0755", "--dir", folder]
    for path in read_only:
        args += ["--ro-bind", str(path), str(path)]
    for path in read_write:
        args += ["--bind", str(path), str(path)]
    return args
