"""Arguments de bubblewrap communs : parents traversables créés avant les montages, dossiers déjà montés laissés."""

from __future__ import annotations

from pathlib import Path

from atelier_mg.core.bwrap import folder_binds, system_binds


def test_parents_are_created_traversable_before_the_binds_and_mounted_folders_are_left_alone():
    args = folder_binds([Path("/tmp/clone/.venv"), Path("/srv/cours/data")], [Path("/srv/donnees/internes/alice")])
    dirs = [args[i + 1] for i, a in enumerate(args) if a == "--dir"]
    assert dirs == ["/tmp/clone", "/srv", "/srv/cours", "/srv/donnees", "/srv/donnees/internes"]
    assert all(args[args.index(d) - 2:args.index(d) - 1] == ["0755"] for d in dirs)
    last_dir = max(args.index(d) for d in dirs)
    assert args.index("--ro-bind") > last_dir
    assert args[-3:] == ["--bind", "/srv/donnees/internes/alice", "/srv/donnees/internes/alice"]
    assert "/tmp" not in dirs  # the caller's private /tmp is never re-created over


def test_the_system_is_read_only():
    args = system_binds()
    assert args[:6] == ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    assert "--bind" not in args
