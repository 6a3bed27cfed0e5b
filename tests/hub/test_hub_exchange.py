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
