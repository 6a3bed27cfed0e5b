"""Les droits de l'échange du hub, réparés même quand quelqu'un a mis autre chose à leur place (en root, sans hub)."""

from __future__ import annotations

import os

from atelier_mg.hub import accounts, exchange
from atelier_mg.hub.settings import HubSettings


def hub_settings(tmp_path) -> HubSettings:
    (tmp_path / "promotion.csv").write_text("id\n")
    return HubSettings(path=tmp_path / "hub.toml", course_id="atelier-mg", roster=tmp_path / "promotion.csv",
                       teachers=("prof",), ip="127.0.0.1", port=8000, data_dir=tmp_path / "donnees")


def test_prepare_exchange_puts_aside_what_was_planted_and_restores_the_rights(tmp_path):
    settings = hub_settings(tmp_path)
    gid = accounts._group("formgrade-atelier-mg")
    course = settings.exchange / "atelier-mg"
    (course / "outbound").mkdir(parents=True)
    os.chmod(settings.exchange, 0o777)  # what nbgrader's release_assignment leaves
    os.chown(course, 65534, 65534)  # a course folder someone else made, with a notebook of theirs
    (course / "outbound" / "piege.ipynb").write_text("{}")
    exchange.prepare_exchange(settings)
    planted = [p for p in settings.exchange.iterdir() if p.name.startswith(".ecarte-")]
    assert [p.name.split("-", 2)[2] for p in planted] == ["atelier-mg"]
    assert (planted[0] / "outbound" / "piege.ipynb").exists(), "mis de côté, pas effacé"
    assert not (course / "outbound" / "piege.ipynb").exists()
    os.chmod(settings.exchange, 0o777)
    (course / "inbound").rmdir()
    (course / "inbound").symlink_to(tmp_path)  # a link in place of the drop box
    (course / "feedback").rmdir()
    (course / "feedback").write_text("pas un dossier")

    exchange.prepare_exchange(settings)

    for path, mode in ((settings.exchange, 0o1777), (course, 0o2775), (course / "outbound", 0o2775),
                       (course / "inbound", 0o3753), (course / "feedback", 0o2771)):
        info = path.lstat()
        assert path.is_dir() and not path.is_symlink(), path
        assert (info.st_uid, info.st_mode & 0o7777) == (0, mode), (path, oct(info.st_mode))
    assert course.stat().st_gid == gid
    aside = sorted(p.name for p in (course / exchange.ASIDE).iterdir())
    assert len(aside) == 2 and any(n.endswith("-inbound") for n in aside) and any(n.endswith("-feedback") for n in aside)
    assert (course / exchange.ASIDE / next(n for n in aside if n.endswith("-feedback"))).read_text() == "pas un dossier"


def test_audit_keeps_genuine_submissions_with_the_servers_date_and_sets_the_others_aside(tmp_path):
    settings = hub_settings(tmp_path)
    accounts._group("formgrade-atelier-mg")
    exchange.prepare_exchange(settings)
    inbound = settings.exchange / "atelier-mg" / "inbound"

    def submission(name: str, owner: int, stamp: str = "2020-01-01 00:00:00.000000 UTC") -> str:
        folder = inbound / f"{name}+ecologie+{stamp}+abc{owner}{len(name)}"
        folder.mkdir()
        (folder / "ecologie.ipynb").write_text("{}")
        (folder / "timestamp.txt").write_text(stamp)
        for path in (folder, *folder.iterdir()):
            os.chown(path, owner, owner)
        return folder.name

    genuine = submission("alice", 65534)
    forged = submission("bob", 65534)  # made by alice's account, in bob's name
    broken = submission("alice", 65534, "2019-01-01 00:00:00.000000 UTC")
    stamp = next(p for p in inbound.iterdir() if p.name == broken) / "timestamp.txt"
    stamp.unlink()
    stamp.mkdir()  # root would write through whatever the intern put there: refused
    os.chown(stamp, 65534, 65534)

    audit = exchange.audit_inbound(settings, {"alice": 65534, "bob": 1})

    assert [name for name, _ in audit.set_aside] == sorted([forged, broken])
    assert any("pas par l'interne nommé" in why for _, why in audit.set_aside)
    assert all("mis de côté" in line for line in audit.lines())
    [kept] = audit.kept
    assert kept.startswith("alice+ecologie+") and "2020-01-01" not in kept
    date = (inbound / kept / "timestamp.txt").read_text()
    assert date == kept.split("+")[2] and not date.startswith("2020")
    assert (inbound / kept / "timestamp.txt").stat().st_uid == 65534
    assert (inbound / kept).stat().st_mode & 0o777 == 0o755
    assert len(list((settings.exchange / "atelier-mg" / exchange.ASIDE).iterdir())) == 2
    assert genuine not in {p.name for p in inbound.iterdir()}
