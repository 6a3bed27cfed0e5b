"""Rapport de séance : daté, programme et étapes faites, participants, distribution et part de réponses attendues
par question, explication ; HTML et PDF (chromium) ; aucune identité ; écrit à l'arrêt de la salle."""

from __future__ import annotations

import html
import re
import sqlite3

import pytest
from conftest import ROOT
from roomkit import Client, RoomProcess, facilitator, participant

from atelier_mg.serving.room import programme

pytestmark = pytest.mark.slow


def test_the_report_of_a_session_in_html_and_pdf(tmp_path):
    prog = programme.load(ROOT / "seances" / "depistage.yaml", ROOT / "dashboards")
    with RoomProcess(tmp_path, "rapport", room=("--programme", "seances/depistage.yaml")) as room:
        boss = facilitator(room)
        phones = [participant(room)[0] for _ in range(3)]
        for step in range(0, 4):  # welcome, simulator, two questions
            assert boss.json("/animateur/api/etape", {"index": step})[0] == 200
            if prog.steps[step].kind == "question" and prog.steps[step].question == "vpp_population":
                right = "Moins d'un sur dix"
                for i, phone in enumerate(phones):
                    value = right if i < 2 else "Environ la moitié"
                    status, answer = phone.json("/salle/api/reponse",
                                                {"tableau": "depistage", "question": "vpp_population", "valeur": value})
                    assert status == 200, answer
        status, headers, body = boss.request("/animateur/rapport")
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        page = html.unescape(body.decode())
        assert "Rapport de séance de DPC : Dépister sans surdiagnostiquer" in page
        assert re.search(r"Séance du \d{1,2} [a-zéû]+ 20\d\d", page)
        assert "3 personne(s) ont rejoint la salle" in page
        assert "4 étape(s) faite(s) sur 14" in page and page.count("non faite") == 10
        assert "réponses attendues : 2 (67 %)" in page and "0 réponse(s)" in page  # vpp asked, faux_positifs unanswered
        assert prog.steps[3].question == "vpp_population" and "la plupart des positifs sont de" in page
        assert page.count("<svg") == 1 and "Environ la moitié" in page
        assert "Les biais du dépistage" not in page  # questions never asked are not reported
        # No identity: not even the random participant ids.
        sqlite_ids = sqlite3.connect(room.database).execute("SELECT id FROM participants").fetchall()
        assert sqlite_ids and not [i for (i,) in sqlite_ids if i in page]

        status, headers, pdf = boss.request("/animateur/rapport.pdf")
        assert status == 200 and headers["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
        assert "rapport.pdf" in headers["Content-Disposition"]
        # Participants and strangers get neither the report nor the PDF; the CSV export is still there.
        for who in (phones[0], Client(room.base)):
            for path in ("/animateur/rapport", "/animateur/rapport.pdf"):
                assert who.request(path)[0] == 403
        status, _, csv = boss.request("/animateur/export.csv")
        assert status == 200 and "vpp_population" in csv.decode("utf-8-sig")
    # When the room stops, the report is written next to the answers (HTML and PDF).
    written = room.log.read_text()
    assert "Rapport de séance :" in written
    assert (tmp_path / "seances" / "rapport.rapport.html").is_file()
    assert (tmp_path / "seances" / "rapport.rapport.pdf").read_bytes().startswith(b"%PDF")
