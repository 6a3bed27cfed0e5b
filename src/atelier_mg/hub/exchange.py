"""L'échange nbgrader du hub : des droits qu'aucun interne ne peut détourner, des rendus rattachés au compte Unix.

nbgrader's file-system exchange trusts names: a submission ``inbound/<id>+<devoir>+<date>+<aléa>`` belongs to
``<id>`` and was made at ``<date>``, whoever wrote it. Its ``release_assignment`` also wants the exchange root in
mode 0777 (every exchange operation checks that the root is writable). On the hub:

* the exchange root is root's, ``1777`` (sticky: nobody renames or removes what they do not own), the course
  folder and ``outbound`` are root's, group ``formgrade-<cours>``, ``2775`` (interns read, teachers publish),
  ``inbound`` is ``3753`` (interns drop, teachers list, nobody renames another's submission), ``feedback``
  is ``2771`` (interns reach their own feedback by its hash only); each is checked again before every
  teacher command, and a symbolic link or a folder owned by someone else in their place is put aside;
* before a collect, :func:`audit_inbound` (as root) keeps only submissions whose folder and files all belong
  to the Unix account named in the folder's name, contain no link nor special file and stay under the size
  limit; any other is moved, untouched, to ``<echange>/<cours>/ecartes/`` (root only) and reported in French;
  the submission's date is the server's (the latest change time, ``st_ctime``, of its files: a user cannot set
  it back), written in the folder name and in ``timestamp.txt``, never the date the intern's process wrote.
"""

from __future__ import annotations

import datetime
import grp
import os
import pwd
import stat
from dataclasses import dataclass, field
from pathlib import Path

from . import disk
from .settings import HubSettings

ROOT_MODE = 0o1777
COURSE_MODE = 0o2775
FOLDERS = {"outbound": 0o2775, "inbound": 0o3753, "feedback": 0o2771}
ASIDE = "ecartes"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's Exchange.timestamp_format


@dataclass
class Audit:
    kept: list[str] = field(default_factory=list)
    set_aside: list[tuple[str, str]] = field(default_factory=list)  # (entry, French reason)

    def lines(self) -> list[str]:
        return [f"Rendu écarté (mis de côté dans « {ASIDE}/ », rien n'est effacé) : {name} — {why}."
                for name, why in self.set_aside]


def _put_aside(path: Path, course: Path) -> Path:
    aside = course / ASIDE
    aside.mkdir(mode=0o700, exist_ok=True)
    os.chown(aside, 0, 0)
    os.chmod(aside, 0o700)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
    target = aside / f"{stamp}-{path.name}"
    os.rename(path, target)
    return target


def _own_folder(path: Path, gid: int, mode: int, course: Path | None) -> None:
    """``path`` is a real folder of root's, with this group and mode. A link, a file or a folder of anybody else's in
    its place (planted while the rights were open) is put aside, untouched, and a new folder made."""
    if path.is_symlink() or path.exists() and (not path.is_dir() or path.lstat().st_uid != 0):
        if course is not None:
            _put_aside(path, course)
        else:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
            os.rename(path, path.with_name(f".ecarte-{stamp}-{path.name}"))
    path.mkdir(exist_ok=True)
    os.chown(path, 0, gid)
    os.chmod(path, mode)


def prepare_exchange(settings: HubSettings) -> Path:
    """Create or repair the exchange's folders and their rights (idempotent, as root)."""
    teachers = grp.getgrnam(f"formgrade-{settings.course_id}").gr_gid
    settings.exchange.mkdir(parents=True, exist_ok=True)
    if settings.limits.exchange_bytes:  # its own file system: a full exchange fills nothing else (disk.py)
        disk.ensure_volume(settings.exchange, settings.data_dir / disk.FOLDER / "echange.ext4",
                           settings.limits.exchange_bytes, 0, 0, ROOT_MODE, "L'échange")
    os.chown(settings.exchange, 0, 0)
    os.chmod(settings.exchange, ROOT_MODE)
    course = settings.exchange / settings.course_id
    _own_folder(course, teachers, COURSE_MODE, None)
    for name, mode in FOLDERS.items():
        _own_folder(course / name, teachers, mode, course)
    return settings.exchange


def _problem(entry: Path, uid: int, limit: int) -> str | None:
    """Why this inbound entry is not a genuine submission of account ``uid``, or None."""
    info = entry.lstat()
    if stat.S_ISLNK(info.st_mode):
        return "lien symbolique à la place d'un rendu"
    if not stat.S_ISDIR(info.st_mode):
        return "fichier à la place d'un dossier de rendu"
    if info.st_uid != uid:
        return f"déposé par le compte {_owner(info.st_uid)}, pas par l'interne nommé"
    total = 0
    for folder, dirs, files in os.walk(entry):
        for name in dirs + files:
            sub = os.lstat(os.path.join(folder, name))
            if stat.S_ISLNK(sub.st_mode) or not (stat.S_ISDIR(sub.st_mode) or stat.S_ISREG(sub.st_mode)):
                return f"contient « {name} », qui n'est ni un fichier ni un dossier (lien, tube…)"
            if sub.st_uid != uid:
                return f"contient « {name} », écrit par le compte {_owner(sub.st_uid)}"
            total += sub.st_size
    if total > limit:
        return f"{total / 1024**2:.0f} Mo, au-delà de la limite d'un rendu ({limit / 1024**2:.0f} Mo)"
    return None


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _readable(folder: int) -> None:
    """Folders 0755 and files 0644 (the teacher collects them; only their owner writes), through descriptors that
    never follow a link: the intern could put one in place of a file meanwhile."""
    for _root, _dirs, files, fd in os.fwalk(".", dir_fd=folder):
        os.fchmod(fd, 0o755)
        for name in files:
            try:
                one = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
            except OSError:
                continue
            try:
                if stat.S_ISREG(os.fstat(one).st_mode):
                    os.fchmod(one, 0o644)
            finally:
                os.close(one)


def _stamp(entry: Path, when: str, uid: int) -> None:
    """Rights for the teacher to collect, and the server's date in ``timestamp.txt`` (the file stays the intern's)."""
    folder = os.open(entry, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        _readable(folder)  # nbgrader leaves it 0777 « so the instructor can delete it »
        fd = os.open("timestamp.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644, dir_fd=folder)
        try:
            os.write(fd, when.encode())
            os.fchown(fd, uid, -1)
        finally:
            os.close(fd)
    finally:
        os.close(folder)


def server_time(entry: Path) -> datetime.datetime:
    """When the submission was last written, by the server's clock: the latest ``st_ctime`` of its files
    (``timestamp.txt`` excepted, the hub rewrites it). A process can set a file's mtime, never its ctime."""
    times = [entry.lstat().st_ctime]
    for folder, _dirs, files in os.walk(entry):
        times += [os.lstat(os.path.join(folder, f)).st_ctime for f in files if f != "timestamp.txt"]
    return datetime.datetime.fromtimestamp(max(times), datetime.UTC)


def audit_inbound(settings: HubSettings, uids: dict[str, int], assignment: str | None = None,
                  limit: int = 100 * 1024**2) -> Audit:
    """Keep in ``inbound`` only genuine submissions (see the module's docstring); put the others aside."""
    course = settings.exchange / settings.course_id
    inbound = course / "inbound"
    audit = Audit()
    for entry in sorted(inbound.iterdir()):
        parts = entry.name.split("+")
        name = parts[0]
        if len(parts) != 4 or name not in uids or not all(parts):
            why = "nom qui n'est pas celui d'un rendu nbgrader d'un interne de la promotion"
        elif assignment is not None and parts[1] != assignment:
            continue
        else:
            why = _problem(entry, uids[name], limit)
        if why:
            audit.set_aside.append((entry.name, why))
            _put_aside(entry, course)
            continue
        # Through descriptors opened without following links: the intern may swap things meanwhile.
        try:
            when = server_time(entry).strftime(TIMESTAMP_FORMAT)
            _stamp(entry, when, uids[name])
        except OSError as exc:
            audit.set_aside.append((entry.name, f"modifié pendant la vérification ({exc.strerror})"))
            _put_aside(entry, course)
            continue
        target = entry.with_name(f"{name}+{parts[1]}+{when}+{parts[3]}")
        if target != entry:
            os.rename(entry, target)
        audit.kept.append(target.name)
    return audit
