"""Échec rapide : un JupyterLab qui meurt au démarrage est signalé en quelques secondes (issue 23, point 3).

A real hub (proxy, bubblewrap, the intern's network namespace): a setting of the interns' Jupyter configuration
makes their server exit at start (a working folder that does not exist). The hub's start timeout is long (300 s):
the intern must read, in French and well before it, that their JupyterLab did not start, with a « Réessayer »
button; the hub's log gives the cause (exit status, the server's own error). Once the setting is repaired, the
button starts the server. The hub's JupyterHub alone would have waited the whole timeout.
"""

from __future__ import annotations

import pwd
import re
import subprocess
import time

import pytest
from hubkit import Intern, free_base_port, make_hub_folder, running_hub

pytestmark = pytest.mark.slow


def test_a_server_that_dies_at_start_is_reported_in_french_at_once_and_can_be_retried(browser, tmp_path):
    port = free_base_port()
    base = f"http://127.0.0.1:{port}"
    settings = make_hub_folder(tmp_path, ["alice"], ["prof"], port)
    settings.write_text(settings.read_text() + "\n[limites]\ndemarrage_secondes = 300\n")
    log = tmp_path / "hub.log"
    broken = settings.parent / "donnees" / "hub" / "jupyter" / "interne" / "jupyter_server_config.py"
    with running_hub(settings, port, log):
        broken.write_text('c = get_config()  # noqa\nc.ServerApp.root_dir = "/dossier-qui-n-existe-pas"\n')
        broken.chmod(0o644)
        alice = Intern(browser, base, "alice")
        assert "Mot de passe enregistré" in alice.sign_up()
        alice.log_in()
        start = time.monotonic()
        alice.page.goto(f"{base}/hub/spawn/alice")
        alice.page.get_by_text("Votre JupyterLab n'a pas démarré").wait_for(timeout=240_000)
        waited = time.monotonic() - start
        assert waited < 60, f"échec annoncé après {waited:.0f} s (délai de démarrage : 300 s)"
        text = alice.page.locator("#atelier-message").inner_text()
        assert "s'est arrêté pendant son démarrage" in text and "Spawn failed" not in alice.page.content()
        hub_log = log.read_text()
        assert "Le JupyterLab de alice s'est arrêté au démarrage (code de sortie 1)" in hub_log
        assert "No such directory" in hub_log  # the cause, from the server's own log
        assert "never showed up" not in hub_log
        # The failed start left no network namespace (issue 22: « atl<port>-<uid> » stayed in « ip netns list »).
        namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert f"atl{port}-{pwd.getpwnam('alice').pw_uid}" not in namespaces, namespaces

        broken.unlink()  # the DMG repairs the setting; the intern retries
        alice.page.get_by_role("button", name="Réessayer").click()
        alice.page.wait_for_url(re.compile(r".*/user/alice/lab.*"), timeout=240_000)
        alice.page.get_by_role("menuitem", name="Fichier").wait_for(timeout=120_000)
        assert f"atl{port}-{pwd.getpwnam('alice').pw_uid}" in subprocess.run(["ip", "netns", "list"],
                                                                            capture_output=True, text=True).stdout
        alice.close()
