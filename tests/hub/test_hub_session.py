"""« Ouvrir la séance » : un enseignant démarre d'avance les JupyterLab d'un groupe (issue 23, point 2), pour de vrai.

A real hub (proxy, bubblewrap, one network namespace per server), a promotion of three. The teacher, on the
teachers' page, first pastes an id that is not in the promotion: refused in French, nothing started. Then opens
a session for alice and bob: both servers run before either has even signed up, carol's does not. alice signs up,
logs in and reaches her running JupyterLab: the same process, no second start. bob, an intern, is refused the
session page and its form (with his own API token too), in French. « Fermer la séance » stops both servers.
"""

from __future__ import annotations

import re
import time

import psutil
import pytest
from hubkit import Intern, free_base_port, make_hub_folder, running_hub

pytestmark = pytest.mark.slow


def server_pids(name: str) -> set[int]:
    """The pids of ``name``'s JupyterLab (jupyterhub.singleuser under their Unix account)."""
    import pwd

    uid = pwd.getpwnam(name).pw_uid
    found = set()
    for p in psutil.process_iter(["uids", "cmdline"]):
        try:
            if p.info["uids"] and p.info["uids"].real == uid and "jupyterhub.singleuser" in " ".join(
                    p.info["cmdline"] or []):
                found.add(p.pid)
        except psutil.Error:
            continue
    return found


def wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(what)


def test_a_teacher_opens_a_session_and_the_interns_find_their_server_running(browser, tmp_path):
    port = free_base_port()
    base = f"http://127.0.0.1:{port}"
    settings = make_hub_folder(tmp_path, ["alice", "bob", "carol"], ["prof"], port)
    log = tmp_path / "hub.log"
    with running_hub(settings, port, log):
        prof = Intern(browser, base, "prof")
        assert "Mot de passe enregistré" in prof.sign_up()
        prof.log_in()
        pg = prof.page
        pg.goto(f"{base}/services/salle/")
        pg.get_by_role("link", name="Séance de TP", exact=False).click()
        pg.wait_for_url(re.compile(r".*/services/salle/seance$"))

        # An id that is not in the promotion: refused in French, nothing started.
        pg.get_by_label("Ces internes").check()
        pg.get_by_label("Identifiants", exact=False).fill("alice zoe")
        with pg.expect_response(re.compile(r".*/seance$")) as answer:
            pg.get_by_role("button", name="Ouvrir la séance").click()
        assert answer.value.status == 400
        assert "Absent(s) de la promotion : « zoe »" in pg.locator("[role=alert]").inner_text()
        assert not server_pids("alice")

        # The session for alice and bob: both servers start, before either has signed up.
        pg.get_by_label("Ces internes").check()
        pg.get_by_label("Identifiants", exact=False).fill("alice,\nbob")
        pg.get_by_label("Durée de la séance", exact=False).fill("30")
        pg.get_by_role("button", name="Ouvrir la séance").click()
        status = pg.locator("#seance-compte")
        status.filter(has_text=re.compile(r"^2 prêt\(s\)")).wait_for(timeout=240_000)
        assert pg.locator("#etat-alice").inner_text() == "prêt" and pg.locator("#etat-bob").inner_text() == "prêt"
        before = server_pids("alice")
        assert before and server_pids("bob") and not server_pids("carol")

        # alice arrives: sign-up, login, her JupyterLab — the one already running, not a second start.
        alice = Intern(browser, base, "alice")
        assert "Mot de passe enregistré" in alice.sign_up()
        alice.log_in()
        assert alice.open_lab() < 60
        assert server_pids("alice") == before
        assert len(re.findall(r"User alice took [\d.]+ seconds to start", log.read_text())) == 1

        # bob, an intern, is refused the session page and its form, in French — with his own API token too.
        bob = Intern(browser, base, "bob")
        assert "Mot de passe enregistré" in bob.sign_up()
        bob.log_in()
        refused = bob.page.goto(f"{base}/services/salle/seance")
        assert refused.status == 403
        assert "Accès refusé" in bob.page.content() and "Ouvrir la séance" not in bob.page.content()
        xsrf = next(c["value"] for c in bob.context.cookies(f"{base}/hub/") if c["name"] == "_xsrf")
        made = bob.page.request.post(f"{base}/hub/api/users/bob/tokens", data='{"note": "essai"}',
                                     headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"})
        assert made.ok, made.status
        token = made.json()["token"]
        forced = bob.page.request.post(f"{base}/services/salle/seance", headers={"Authorization": f"token {token}"},
                                       form={"action": "fermer"}, max_redirects=0)
        assert forced.status == 403
        assert "réservée aux enseignants" in forced.text()
        forced = bob.page.request.post(f"{base}/services/salle/seance", headers={"Authorization": f"token {token}"},
                                       form={"action": "ouvrir", "groupe": "tous", "minutes": "30"}, max_redirects=0)
        assert forced.status == 403
        assert server_pids("alice") == before and not server_pids("carol")

        # « Fermer la séance » stops both servers (their files stay).
        pg.get_by_role("button", name="Fermer la séance").click()
        pg.get_by_role("button", name="Ouvrir la séance").wait_for(timeout=60_000)
        wait_until(lambda: not server_pids("alice") and not server_pids("bob"), 60, "serveurs toujours là")
        assert (settings.parent / "donnees" / "internes" / "alice" / "carnet.ipynb").exists()
        for person in (prof, alice, bob):
            person.close()
