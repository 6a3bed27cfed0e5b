"""Bout en bout : un vrai JupyterHub sur 127.0.0.1, le vrai proxy, chromium ; deux internes en même temps.

The teacher releases ``ecologie``; alice (right answers) and bob (nothing answered) sign up, log in, get a
French JupyterLab, fetch, answer, submit; neither can reach the other's files or submission; the teacher
collects, grades and returns feedback with ``atelier hub correction`` / ``atelier hub retours``; each sees
their own note. A wrong password gets a French error; a restart of the hub loses no submitted work.
"""

from __future__ import annotations

import json
import re

import pytest
from hubkit import (
    ASSIGNMENT,
    COURSE_ID,
    Intern,
    free_base_port,
    hub_command,
    make_hub_folder,
    running_hub,
    shell_in_kernel,
    with_solutions,
)
from nbgrader.api import Gradebook

pytestmark = pytest.mark.slow
INTERNS = ["alice", "bob"]


def score(html: str) -> tuple[float, float]:
    found = re.search(r"\(note : ([\d.]+) / ([\d.]+)\)", html)
    assert found, html[:2000]
    return float(found.group(1)), float(found.group(2))


def test_two_interns_fetch_answer_submit_and_get_their_own_feedback(browser, tmp_path):
    port = free_base_port()
    base = f"http://127.0.0.1:{port}"
    settings = make_hub_folder(tmp_path, INTERNS, ["prof"], port)
    course = settings.parent / "cours"
    data = settings.parent / "donnees"
    log = tmp_path / "hub.log"
    with running_hub(settings, port, log):
        assert "publié" in hub_command(settings, "publier", ASSIGNMENT).stdout

        # A wrong password, in French; an identifier outside the promotion cannot sign up.
        stranger = Intern(browser, base, "mallory")
        assert "Inscription impossible" in stranger.sign_up()
        stranger.log_in()
        assert "Identifiant ou mot de passe incorrect" in stranger.page.locator(".login_error").inner_text()
        stranger.close()

        people = {name: Intern(browser, base, name) for name in INTERNS}
        for person in people.values():
            assert "Mot de passe enregistré" in person.sign_up()
            person.log_in("pas-le-bon-mot-de-passe")
            assert "Identifiant ou mot de passe incorrect" in person.page.locator(".login_error").inner_text()
            person.log_in()
        # Both servers spawn at the same time (each in its own browser, each under its own account).
        for person in people.values():  # the hub answers at once (302 to the pending page) and spawns
            assert person.page.request.get(f"{base}/hub/spawn/{person.name}", max_redirects=0).status == 302
        for person in people.values():
            person.open_lab()  # French menus (« Fichier »): the language pack and the default locale
            assert person.page.get_by_role("menuitem", name="Affichage").count() == 1
            assert person.notebook("carnet.ipynb")["cells"], "le carnet de l'interne est dans son dossier"

        alice, bob = people["alice"], people["bob"]
        for person in (alice, bob):
            listed = person.assignments()["value"]
            assert [(a["assignment_id"], a["status"]) for a in listed] == [(ASSIGNMENT, "released")]
            fetched = person.assignments("fetch")["value"]
            assert any(a["status"] == "fetched" for a in fetched)
        alice.save(with_solutions(alice.notebook(), course))
        answered = alice.notebook()
        for person in (alice, bob):
            assert person.assignments("submit")["success"] is not False

        # Isolation: through the hub (another's server), and on disk (another's home, the exchange's inbound).
        for reader, other in ((alice, "bob"), (bob, "alice")):
            r = reader.api("GET", f"api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb?content=1", owner=other)
            assert r.status in (302, 403, 404), r.status
            assert "cells" not in r.text()
        # On disk, from their own code (a kernel of their own JupyterLab: their account, their sandbox): neither the
        # other's home nor the list of the exchange's drop box; each reads their own work.
        inbound = data / "echange" / COURSE_ID / "inbound"
        for reader, other in ((alice, "bob"), (bob, "alice")):
            theirs = data / "internes" / other / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            assert theirs.exists()
            tried = shell_in_kernel(base, reader.name, reader.token(), f"cat '{theirs}'", f"ls '{inbound}'",
                                    f"cat ~/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
            assert tried[0] != 0 and tried[1] != 0 and tried[2] == 0, tried
        assert len(list(inbound.iterdir())) == 2

        # The teacher collects, grades and returns the feedback.
        out = hub_command(settings, "correction", "importer-rendus", ASSIGNMENT, "--echange").stdout
        assert "2 interne(s)" in out
        assert "2 noté(s)" in hub_command(settings, "correction", "noter", ASSIGNMENT).stdout  # in its sandbox
        hub_command(settings, "correction", "retours", ASSIGNMENT)
        hub_command(settings, "retours", ASSIGNMENT)
        notes = {}
        for person in (alice, bob):
            person.assignments("fetch_feedback")
            folder = person.api("GET", f"api/contents/{ASSIGNMENT}/feedback").json()["content"]
            stamp = folder[0]["path"]
            page = person.api("GET", f"api/contents/{stamp}/{ASSIGNMENT}.html?content=1").json()["content"]
            notes[person.name] = score(page)
        got, total = notes["alice"]
        assert got == total > 0
        assert notes["bob"][0] < total

        # The teacher's formgrader, in their own JupyterLab, works on the course and the hub's gradebook: it lists
        # both graded submissions, and a comment written there is saved in the gradebook. Interns have none.
        prof = Intern(browser, base, "prof")
        assert "Mot de passe enregistré" in prof.sign_up()
        prof.log_in()
        prof.open_lab()
        r = prof.api("GET", f"formgrader/api/submissions/{ASSIGNMENT}")
        assert r.ok, f"{r.status} {r.text()[:500]}"
        graded = {s["student"]: s for s in r.json()}
        assert set(graded) == set(INTERNS)
        assert graded["alice"]["score"] == graded["alice"]["max_score"] == total
        assert graded["bob"]["score"] == notes["bob"][0]
        notebooks = prof.api("GET", f"formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}").json()
        bob_nb = next(n for n in notebooks if n["student"] == "bob")
        comments = prof.api("GET", f"formgrader/api/comments?submission_id={bob_nb['id']}").json()
        written = prof.api("PUT", f"formgrader/api/comment/{comments[0]['id']}",
                           data=json.dumps({"manual_comment": "Relisez la définition du premier recours."}))
        assert written.ok, f"{written.status} {written.text()[:300]}"
        with Gradebook(f"sqlite:///{data / 'notes' / 'gradebook.db'}", COURSE_ID) as gb:
            saved = [c.manual_comment for c in gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "bob").comments]
        assert "Relisez la définition du premier recours." in saved
        assert bob.api("GET", "formgrader/api/assignments").status in (403, 404)
        prof.close()
        for person in people.values():
            person.close()

    # A restart loses no submitted work: the exchange, the homes and the gradebook are on disk.
    with running_hub(settings, port, log):
        alice = Intern(browser, base, "alice")
        alice.log_in()
        alice.open_lab()
        assert alice.notebook() == answered, "le travail de l'interne est resté dans son dossier"
        assert len(list(inbound.iterdir())) == 2
        assert alice.api("GET", f"api/contents/{ASSIGNMENT}/feedback").json()["content"], "retour conservé"
        alice.close()
