"""La salle de DPC lancée par un enseignant depuis le hub (``/services/salle/``), pour de vrai.

A real hub on 127.0.0.1: the teacher opens the service (hub login, OAuth), opens a room for ``ecologie`` with
5 places; a participant with no hub account joins it on the room's own address; the room runs under the teacher's
Unix account; an intern is refused the launcher; closing the room stops it.
"""

from __future__ import annotations

import json
import pwd
import urllib.request

import pytest
from hubkit import Intern, free_base_port, make_hub_folder, running_hub

pytestmark = pytest.mark.slow


def test_a_teacher_opens_and_closes_a_dpc_room_from_the_hub(browser, tmp_path):
    port = free_base_port()
    base = f"http://127.0.0.1:{port}"
    settings = make_hub_folder(tmp_path, ["alice"], ["prof"], port)
    room_port = port + 5
    settings.write_text(settings.read_text() + f'\n[salle]\nadresse = "127.0.0.1"\nport = {room_port}\n')
    data = settings.parent / "donnees"
    with running_hub(settings, port, tmp_path / "hub.log"):
        prof, alice = Intern(browser, base, "prof"), Intern(browser, base, "alice")
        for person in (prof, alice):
            assert "Mot de passe enregistré" in person.sign_up()
            person.log_in()

        # An intern is refused the launcher, in French.
        refused = alice.page.goto(f"{base}/services/salle/")
        assert refused.status == 403
        assert "Ouvrir la salle" not in alice.page.content()

        pg = prof.page
        pg.goto(f"{base}/services/salle/")
        pg.get_by_label("Écologie", exact=False).first.check()
        pg.get_by_label("Nombre de places").fill("5")
        pg.get_by_role("button", name="Ouvrir la salle").click()
        link = pg.get_by_role("link", name=f"http://127.0.0.1:{room_port}/s/", exact=False)
        link.wait_for(timeout=150_000)
        participant_url = link.get_attribute("href")

        # A participant with no hub account joins on the room's own address.
        guest = browser.new_context(locale="fr-FR")
        joined = guest.new_page()
        assert joined.goto(participant_url).ok
        assert "Écologie" in joined.title() or "Écologie" in joined.content()
        with urllib.request.urlopen(f"http://127.0.0.1:{room_port}/salle/etat", timeout=10) as r:
            state = json.load(r)
        assert state["places"] == 5 and state["tableaux"] == ["ecologie"]

        # The room runs under the teacher's account: its answers file belongs to them.
        uid = pwd.getpwnam("prof").pw_uid
        files = [p for p in (data / "salles" / "prof").rglob("*") if p.is_file()]
        assert files and all(p.stat().st_uid == uid for p in files)

        # Only one room at a time; closing it stops it.
        pg.get_by_role("button", name="Fermer la salle").click()
        pg.get_by_role("button", name="Ouvrir la salle").wait_for(timeout=30_000)
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{room_port}/salle/etat", timeout=5)
        guest.close()
        prof.close()
        alice.close()
