"""Redémarrer le hub pendant une séance ne perd rien (issue 23, point 4), avec un vrai redémarrage.

A real hub (proxy, bubblewrap, network namespaces): alice and bob each have their JupyterLab and save a notebook
through the contents API (what JupyterLab's save does). The hub gets SIGTERM, as from a service manager: it stops
both servers cleanly (no process of theirs left) after writing who had one. Started again with the same settings and
database, it starts both servers again by itself (the teachers' service, ``session.relaunch``), before either intern
comes back; each then finds their notebook intact and a working server (a kernel starts).
"""

from __future__ import annotations

import json

import pytest
from hubkit import Intern, free_base_port, make_hub_folder, running_hub
from test_hub_session import server_pids, wait_until

pytestmark = pytest.mark.slow


def notebook(text: str) -> dict:
    return {"cells": [{"cell_type": "markdown", "metadata": {}, "source": text, "id": "note"}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_a_restart_of_the_hub_keeps_every_file_and_starts_the_servers_again(browser, tmp_path):
    port = free_base_port()
    base = f"http://127.0.0.1:{port}"
    settings = make_hub_folder(tmp_path, ["alice", "bob", "carol"], ["prof"], port)
    log = tmp_path / "hub.log"
    state = settings.parent / "donnees" / "hub"
    written = {"alice": "Note d'alice : TSH à recontrôler dans 6 semaines.", "bob": "Note de bob : HbA1c 7,2 %."}
    people: dict[str, Intern] = {}
    with running_hub(settings, port, log):
        for name, text in written.items():
            person = people[name] = Intern(browser, base, name)
            assert "Mot de passe enregistré" in person.sign_up()
            person.log_in()
            person.open_lab()
            r = person.api("PUT", "api/contents/note.ipynb", data=json.dumps(
                {"type": "notebook", "format": "json", "content": notebook(text)}))
            assert r.ok, r.status
        before = {name: server_pids(name) for name in written}
        assert all(before.values())
    # Stopped by SIGTERM: every server stopped cleanly, and who had one was written down.
    assert not server_pids("alice") and not server_pids("bob")
    assert json.loads((state / "a-relancer.json").read_text()) == ["alice", "bob"]
    assert "JupyterLab ouverts à l'arrêt du hub, relancés à son retour : alice, bob" in log.read_text()

    with running_hub(settings, port, log):
        # Both servers come back by themselves (carol had none: none for her), before anyone returns.
        wait_until(lambda: server_pids("alice") and server_pids("bob"), 240, "serveurs non relancés")
        assert not server_pids("carol")
        assert not (state / "a-relancer.json").exists()
        for name, text in written.items():
            person = people[name]
            person.open_lab()  # the same browser, its hub cookie still valid
            assert person.notebook("note.ipynb")["cells"][0]["source"] == text
            kernel = person.api("POST", "api/kernels", data=json.dumps({"name": "python3"}))
            assert kernel.status == 201, kernel.status
        wait_until(lambda: "Reprise après l'arrêt du hub : 2 JupyterLab à relancer." in log.read_text(), 30,
                   "reprise non journalisée")
        for person in people.values():
            person.close()
