"""Un disque borné pour chaque personne et pour l'échange : un système de fichiers ext4 dans un fichier, monté en boucle.

Without it, every home, the exchange, the hub's database and the gradebook share one file system: one intern who
writes a few gigabytes fills it for everyone. Quotas of the host's file system would need it remounted with quota
options (not something ``atelier hub`` may do to a machine); a tmpfs would lose the work at each reboot. So, with
``[limites] disque`` (and ``disque_echange``), each home (and the exchange) is its own ext4 file system, in a sparse
file ``<dossier>/disques/<id>.ext4`` (root only) mounted with ``-o loop`` on the home: the kernel refuses a write
beyond it (``ENOSPC``) and nothing else is touched. The image takes on the disk only what is written, plus the file
system's own structures (its journal: about 3 % of the size).

* Created at the first start of the person's JupyterLab (``spawner.py``), the exchange's before the hub starts and
  before each teacher command (``exchange.py``); mounted again after a reboot the same way.
* A home that exists already is copied into the new file system, then emptied: if it holds more than the limit, the
  copy fails, the image is removed and the home left as it was, with a French message (nothing is lost).
* A larger setting later grows the file system at the next start of the person's JupyterLab (unmounted, then
  ``resize2fs``); a smaller one is not applied (it could not hold what is there) and the hub's log says so.
* Saving from JupyterLab beyond the space left is refused in French before anything is written (:func:`pre_save`,
  loaded by the server's configuration, ``config.py``): the file as it was saved stays intact.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from ..core.errors import UserError

FOLDER = "disques"
MARGIN = 1024**2  # what a save needs beyond the file itself (the temporary copy's metadata, the checkpoint's)


def size_text(size: int) -> str:
    """« 2 Gio », « 512 Mio » (the French units of the README and the settings)."""
    for unit, factor in (("Gio", 1024**3), ("Mio", 1024**2), ("Kio", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.1f} {unit}".replace(".0 ", " ").replace(".", ",")
    return f"{size} octets"


def _run(*cmd: str) -> subprocess.CompletedProcess:
    done = subprocess.run(list(cmd), capture_output=True, text=True)
    if done.returncode != 0:
        raise UserError(f"« {' '.join(cmd)} » a échoué : {(done.stderr or done.stdout).strip()[-500:]}")
    return done


def mounted_at(folder: Path) -> str | None:
    """The device mounted on ``folder`` (``/dev/loopN``), or None."""
    target = str(folder)
    for line in Path("/proc/self/mounts").read_text().splitlines():
        fields = line.split()
        if fields[1].replace("\\040", " ") == target:
            return fields[0]
    return None


def _make(image: Path, size: int, uid: int, gid: int) -> None:
    image.parent.mkdir(mode=0o700, exist_ok=True)
    os.chmod(image.parent, 0o700)
    fd = os.open(image, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.ftruncate(fd, size)  # sparse: takes on the disk only what is written
    finally:
        os.close(fd)
    # -m 0: no block kept for root (the person has all of it); the root folder belongs to them.
    _run("mkfs.ext4", "-q", "-F", "-m", "0", "-E", f"root_owner={uid}:{gid}", str(image))


def _mount(image: Path, folder: Path) -> None:
    _run("mount", "-o", "loop,nosuid,nodev", str(image), str(folder))


def _move_in(image: Path, folder: Path, size: int, what: str) -> None:
    """Copy what ``folder`` holds into the new file system, then empty it; on failure, leave it untouched."""
    staging = image.with_name(f".copie-{image.stem}")
    staging.mkdir(mode=0o700, exist_ok=True)
    _mount(image, staging)
    try:
        (staging / "lost+found").rmdir()  # an empty folder of ext4's own, that the person would see
        done = subprocess.run(["cp", "-a", "--", f"{folder}/.", str(staging)], capture_output=True, text=True)
    finally:
        _run("umount", str(staging))
        staging.rmdir()
    if done.returncode != 0:
        image.unlink()
        raise UserError(f"{what} occupe déjà plus que la limite de disque ({size_text(size)}) ou n'a pas pu être "
                        f"copié ({done.stderr.strip()[-300:]}) : rien n'a été déplacé ni effacé. Augmentez la limite "
                        "ou libérez de la place, puis recommencez.")
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _grow(image: Path, folder: Path, size: int, log) -> None:
    """Make the file system of ``image`` (not mounted) ``size`` bytes, if larger (offline: growing a mounted ext4
    needs a capability that containers often lack)."""
    current = image.stat().st_size
    if size < current:
        log(f"{folder} : la limite de disque demandée ({size_text(size)}) est plus petite que celle du disque "
            f"existant ({size_text(current)}), qui est gardé tel quel.")
    elif size > current:
        checked = subprocess.run(["e2fsck", "-f", "-p", str(image)], capture_output=True, text=True)
        if checked.returncode > 1:  # 1: corrected (it makes again the lost+found we remove), nothing lost
            raise UserError(f"{folder} : vérification du disque avant de l'agrandir impossible "
                            f"({(checked.stderr or checked.stdout).strip()[-300:]}) ; il est gardé tel quel.")
        os.truncate(image, size)
        _run("resize2fs", str(image))


def ensure_volume(folder: Path, image: Path, size: int, uid: int, gid: int, mode: int, what: str,
                  log=print) -> None:
    """``folder`` is the mount of ``image``, an ext4 file system of ``size`` bytes owned by ``uid``:``gid`` (idempotent,
    as root). What ``folder`` held before is moved in (see the module's docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    if mounted_at(folder) is not None:
        if not image.exists() or size <= image.stat().st_size:
            if image.exists() and size < image.stat().st_size:
                _grow(image, folder, size, log)  # says it is kept as it is
            return
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            log(f"{folder} : disque en cours d'utilisation, agrandi au prochain démarrage.")
            return
    if not image.exists():
        _make(image, size, uid, gid)
        _move_in(image, folder, size, what)
    else:
        try:
            _grow(image, folder, size, log)
        except UserError as exc:  # mounted as it was: never a start on the empty folder beneath
            log(str(exc))
    _mount(image, folder)
    os.chown(folder, uid, gid)
    os.chmod(folder, mode)
    lost = folder / "lost+found"
    if lost.is_dir() and not any(lost.iterdir()):
        lost.rmdir()


# -- in the person's JupyterLab -------------------------------------------------------------------
def _needed(model: dict) -> int:
    content = model.get("content")
    if content is None:
        return 0
    if model.get("type") == "notebook":
        return len(json.dumps(content, ensure_ascii=False).encode())
    if model.get("format") == "base64":
        return len(content) * 3 // 4
    return len(str(content).encode())


def pre_save(model: dict, path: str, contents_manager, **_) -> None:
    """Jupyter's pre-save hook: refuse, in French, a save that the disk could not hold, before anything is written
    (Jupyter writes a temporary copy, then replaces the file: the saved file stays as it was)."""
    from tornado.web import HTTPError

    needed = _needed(model)
    if not needed:
        return
    try:  # the first save of a file also copies it as its checkpoint (.ipynb_checkpoints/): twice its size
        checkpoint = contents_manager.checkpoints.checkpoint_path("checkpoint", path)
        if not os.path.exists(checkpoint):
            needed *= 2
    except (AttributeError, OSError):
        needed *= 2
    folder = Path(contents_manager.root_dir)
    info = os.statvfs(folder)
    free, total = info.f_bavail * info.f_frsize, info.f_blocks * info.f_frsize
    if needed + MARGIN > free:
        raise HTTPError(507, (  # the message JupyterLab shows
            f"Enregistrement refusé : votre dossier est plein (il reste {size_text(free)} sur {size_text(total)}, "
            f"il en faudrait {size_text(needed + MARGIN)}). Ce qui était déjà enregistré n'a pas changé. Libérez de la "
            "place (gros fichiers, copies inutiles, dossiers .ipynb_checkpoints) puis enregistrez à nouveau."))
