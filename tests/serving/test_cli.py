"""Commande « atelier » : dossier du projet, port occupé, livre à reconstruire, empreinte des entrées."""

import socket

import pytest

from atelier_mg import cli
from atelier_mg.core import paths
from atelier_mg.core.errors import UserError
from atelier_mg.serving import book


def test_find_root_explains_in_french(tmp_path):
    assert paths.find_root(paths.REPO / "book") == paths.REPO
    with pytest.raises(UserError, match="Aucun livre Atelier MG"):
        paths.find_root(tmp_path, fallback=tmp_path / "ailleurs")


def test_serve_refuses_a_busy_port_in_french(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert cli.main(["serve", "--port", str(port), "--sans-construction"]) == 1
    err = capsys.readouterr().err
    assert f"Le port {port} est déjà utilisé" in err


def test_book_staleness(tmp_path):
    for name in ("_config.yml", "_toc.yml"):
        (tmp_path / name).write_text("x")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.md").write_text("# a")
    assert book.book_is_stale(tmp_path)
    index = tmp_path / "_build" / "html" / "index.html"
    index.parent.mkdir(parents=True)
    index.write_text("ok")
    assert not book.book_is_stale(tmp_path)
    import os
    import time
    later = time.time() + 5
    os.utime(tmp_path / "book" / "page.md", (later, later))
    assert book.book_is_stale(tmp_path)


def test_inputs_digest_changes_with_package_or_data(tmp_path):
    for folder in ("src/atelier_mg", "data"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "f.txt").write_text("a")
    first = book.inputs_digest(tmp_path)
    assert book.inputs_digest(tmp_path) == first
    (tmp_path / "data" / "f.txt").write_text("b")
    assert book.inputs_digest(tmp_path) != first
