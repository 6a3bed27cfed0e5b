"""Le disque de chacun et celui de l'échange, bornés (« [limites] disque », « disque_echange ») sur un vrai hub.

alice writes beyond her disk: from JupyterLab (the save is refused in French, nothing already saved changes) and from
her own code (the kernel refuses the write); bob, meanwhile, saves a large notebook on his own disk; the exchange,
shared, is bounded too, and what others put there stays.
"""

from __future__ import annotations

import json
import os

import pytest
from hubkit import running_hub, unmount_under
from test_hub_attacks import Hub

from atelier_mg.core.errors import UserError
from atelier_mg.hub import disk

pytestmark = pytest.mark.slow
MB = 1024**2


def notebook(text: str) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "markdown", "id": "texte", "metadata": {}, "source": text}]}


def put(person, path: str, nb: dict):
    return person.api("PUT", f"api/contents/{path}",
                      data=json.dumps({"type": "notebook", "format": "json", "content": nb}))


def test_a_full_disk_refuses_in_french_loses_nothing_and_harms_no_one(browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("disque")
    os.chmod(tmp, 0o700)
    hub = Hub(browser, tmp)
    hub.settings.write_text(hub.settings.read_text() + 'disque = "48M"\ndisque_echange = "48M"\n')
    with running_hub(hub.settings, hub.port, tmp / "hub.log"):
        try:
            alice, bob = hub.person("alice"), hub.person("bob")
            homes = hub.data / "internes"
            for folder in (homes / "alice", homes / "bob", hub.exchange):
                assert (disk.mounted_at(folder) or "").startswith("/dev/loop"), folder
            kept = notebook("Mon travail, enregistré avant que le disque soit plein.")
            assert put(alice, "garde.ipynb", kept).ok
            # From JupyterLab, a notebook larger than her disk: refused in French before anything is written.
            refused = put(alice, "garde.ipynb", notebook("x" * (60 * MB)))
            assert refused.status == 507, refused.status
            assert "Enregistrement refusé" in refused.json()["message"], refused.text()[:500]
            assert alice.notebook("garde.ipynb")["cells"][0]["source"] == kept["cells"][0]["source"]
            # From her own code, beyond the save check: the kernel stops the write at her disk.
            assert hub.shell("alice", "head -c 60M /dev/zero > ~/gros.bin") != [0]
            assert "Enregistrement refusé" in put(alice, "petit.ipynb", notebook("peu")).json()["message"]
            # bob, meanwhile, is not affected: a 12 Mo notebook on his own disk (twice: its first checkpoint).
            assert put(bob, "moyen.ipynb", notebook("y" * (12 * MB))).ok
            assert len(bob.notebook("moyen.ipynb")["cells"][0]["source"]) == 12 * MB
            # alice makes room: her work is all there, and she saves again.
            assert alice.notebook("garde.ipynb")["cells"][0]["source"] == kept["cells"][0]["source"]
            assert alice.notebook("carnet.ipynb")["cells"], "son carnet, copié au premier démarrage, est là"
            assert hub.shell("alice", "rm ~/gros.bin") == [0]
            assert put(alice, "petit.ipynb", notebook("peu")).ok
            # The exchange (shared, writable at its root as nbgrader wants) fills only itself.
            mine = hub.exchange / "de-bob"
            assert hub.shell("bob", f"mkdir '{mine}' && echo rendu > '{mine}/note.txt'") == [0]
            assert hub.shell("alice", f"mkdir '{hub.exchange}/de-alice' && "
                                      f"head -c 60M /dev/zero > '{hub.exchange}/de-alice/gros.bin'") != [0]
            assert (mine / "note.txt").read_text() == "rendu\n"
            image = hub.data / "disques" / "echange.ext4"
            assert image.stat().st_blocks * 512 <= 48 * MB and image.stat().st_mode & 0o777 == 0o600
        finally:
            for person in hub.people.values():
                person.close()


def test_a_home_moves_into_its_disk_an_overfull_one_stays_as_it_was_and_a_disk_grows(tmp_path):
    homes, images = tmp_path / "internes", tmp_path / "disques"
    alice, bob = homes / "alice", homes / "bob"
    for home in (alice, bob):
        home.mkdir(parents=True)
    (alice / "travail.ipynb").write_text("mon travail")
    (bob / "gros.bin").write_bytes(os.urandom(50 * MB))
    try:
        disk.ensure_volume(alice, images / "alice.ext4", 40 * MB, 1234, 2345, 0o700, "Le dossier d'alice")
        assert disk.mounted_at(alice) and (alice / "travail.ipynb").read_text() == "mon travail"
        info = alice.stat()
        assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (1234, 2345, 0o700)
        assert sorted(p.name for p in alice.iterdir()) == ["travail.ipynb"]
        assert (images.stat().st_mode & 0o777, (images / "alice.ext4").stat().st_mode & 0o777) == (0o700, 0o600)
        before = os.statvfs(alice).f_blocks * os.statvfs(alice).f_frsize
        disk.ensure_volume(alice, images / "alice.ext4", 80 * MB, 1234, 2345, 0o700, "Le dossier d'alice")
        after = os.statvfs(alice).f_blocks * os.statvfs(alice).f_frsize
        assert after > before + 30 * MB and (alice / "travail.ipynb").read_text() == "mon travail"
        notes = []
        disk.ensure_volume(alice, images / "alice.ext4", 40 * MB, 1234, 2345, 0o700, "Le dossier d'alice", notes.append)
        assert "gardé tel quel" in notes[0] and os.statvfs(alice).f_blocks * os.statvfs(alice).f_frsize == after
        # bob's home holds more than the limit: nothing moved, nothing erased, and said in French.
        with pytest.raises(UserError, match="plus que la limite de disque"):
            disk.ensure_volume(bob, images / "bob.ext4", 40 * MB, 1235, 2345, 0o700, "Le dossier de bob")
        assert (bob / "gros.bin").stat().st_size == 50 * MB and not disk.mounted_at(bob)
        assert not (images / "bob.ext4").exists()
    finally:
        unmount_under(tmp_path)
