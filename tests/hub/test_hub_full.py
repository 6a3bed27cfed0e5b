"""Borné sous la charge : au-delà de « memoire_totale », une page « serveur complet » en français (issue 23, point 5).

A real hub whose settings hold one JupyterLab at a time (``memoire = memoire_totale = 1G``): alice gets hers;
bob, arriving next, gets at once a French « Serveur complet, réessayez dans N minutes » page (HTTP 429), never a
wait; the hub's login page still answers; once alice's server is stopped, bob's retry starts his.
"""

from __future__ import annotations

import re

import pytest
from hubkit import Intern, free_base_port, make_hub_folder, running_hub

pytestmark = pytest.mark.slow


def test_beyond_the_total_memory_the_next_intern_reads_server_full_in_french(browser, tmp_path):
    port = free_base_port()
    base = f"http://127.0.0.1:{port}"
    settings = make_hub_folder(tmp_path, ["alice", "bob"], ["prof"], port)
    settings.write_text(settings.read_text() + '\n[limites]\nmemoire = "1G"\nmemoire_totale = "1G"\n')
    with running_hub(settings, port, tmp_path / "hub.log"):
        alice, bob = Intern(browser, base, "alice"), Intern(browser, base, "bob")
        for person in (alice, bob):
            assert "Mot de passe enregistré" in person.sign_up()
            person.log_in()
        alice.open_lab()

        answer = bob.page.goto(f"{base}/hub/spawn/bob")
        assert answer.status == 429
        text = bob.page.locator("#atelier-complet").inner_text()
        assert re.search(r"Serveur complet, réessayez dans \d+ minutes", text), text
        assert "Active user limit" not in bob.page.content()
        assert bob.page.request.get(f"{base}/hub/login").status == 200  # the hub itself still answers

        # A place frees up (alice's server stopped): bob's « Réessayer » starts his JupyterLab.
        xsrf = next(c["value"] for c in alice.context.cookies(f"{base}/hub/") if c["name"] == "_xsrf")
        stopped = alice.page.request.delete(f"{base}/hub/api/users/alice/server", headers={"X-XSRFToken": xsrf})
        assert stopped.status in (202, 204), stopped.status
        for _ in range(120):
            if alice.page.request.get(f"{base}/hub/api/users/alice", headers={"X-XSRFToken": xsrf}).json().get(
                    "server") is None:
                break
            alice.page.wait_for_timeout(500)
        bob.page.get_by_role("button", name="Réessayer").click()
        bob.page.wait_for_url(re.compile(r".*/user/bob/lab.*"), timeout=240_000)
        for person in (alice, bob):
            person.close()
