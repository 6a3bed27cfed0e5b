"""Réponses d'une séance dans SQLite : places, questions ouvertes, réponses anonymes, export, reprise."""

from __future__ import annotations

import pytest
from conftest import ROOT

from atelier_mg.serving.room import definition
from atelier_mg.serving.room.store import RoomStore


@pytest.fixture
def eco():
    return definition.load("ecologie", ROOT / "dashboards")


def test_places_are_limited_and_freed_when_a_participant_leaves(tmp_path):
    store = RoomStore(tmp_path / "s.sqlite", active_window=60)
    assert store.join("a", 2, now=100) and store.join("b", 2, now=101)
    assert not store.join("c", 2, now=102)  # full
    assert store.join("a", 2, now=103)  # a returning participant keeps their place
    store.leave("b")
    assert store.join("c", 2, now=104)
    assert store.active(now=104) == 2
    assert store.active(now=200) == 0 and store.join("d", 2, now=200)  # gone quiet: places free again
    assert not store.touch("inconnu") and store.touch("a")


def test_presence_of_returning_participants_is_written_in_one_transaction(tmp_path):
    """A hundred pages coming back at once (a step change) cost no write each; the next flush writes them all."""
    store = RoomStore(tmp_path / "s.sqlite", active_window=60)
    for k in range(100):
        assert store.join(f"p{k}", 100, now=100)
    writes: list[str] = []
    store.db.set_trace_callback(writes.append)
    for k in range(100):
        assert store.join(f"p{k}", 100, now=150) and store.touch(f"p{k}", now=151)
    assert writes == [] and store.pending()
    assert store.active(now=200) == 100  # 100 s after the last write to the file, 49 s after the last presence
    assert sum(w.startswith("BEGIN") for w in writes) == 1 and not store.pending()
    assert not store.join("de trop", 100, now=201)  # the room is still full
    store.leave("p0")
    assert store.active(now=200) == 99 and store.join("p0", 100, now=201)
    store.touch("p1", now=205)
    store.close()  # nothing lost at the end of the session
    again = RoomStore(tmp_path / "s.sqlite", active_window=60)
    assert again.db.execute("SELECT last_seen FROM participants WHERE id = 'p1'").fetchone() == (205,)
    assert again.active(now=260) == 2  # p0 and p1 only, seen after 200


def test_answers_only_to_the_open_question_and_replaced_on_resubmission(tmp_path, eco):
    store = RoomStore(tmp_path / "s.sqlite")
    q = eco.question("biais_chu")
    with pytest.raises(ValueError, match="n'est plus ouverte"):
        store.answer("ecologie", q, "a", q.choices[0])
    store.open_question("ecologie", q.id)
    store.answer("ecologie", q, "a", q.choices[1])
    store.answer("ecologie", q, "a", q.choices[0])  # changed their mind
    store.answer("ecologie", q, "b", q.choices[2])
    dist = store.distribution("ecologie", q)
    assert dist["repondants"] == 2 and dist["justes"] == 1
    assert [c["nombre"] for c in dist["comptes"]] == [1, 0, 1]
    store.reveal("ecologie", q.id)
    with pytest.raises(ValueError, match="dévoilée"):
        store.answer("ecologie", q, "c", q.choices[0])
    store.open_question("ecologie", q.id)  # a new round after the reveal
    assert not store.is_revealed("ecologie", q.id)
    store.close_question()
    assert store.current() is None


def test_multiple_choice_and_numbers(tmp_path, eco):
    store = RoomStore(tmp_path / "s.sqlite")
    multi, number = eco.question("lecture"), eco.question("mg_par_mois")
    store.open_question("ecologie", multi.id)
    store.answer("ecologie", multi, "a", list(multi.choices[:2]))
    store.answer("ecologie", multi, "b", [multi.choices[0], multi.choices[2]])
    assert [c["nombre"] for c in store.distribution("ecologie", multi)["comptes"]] == [2, 1, 1, 0]
    assert store.distribution("ecologie", multi)["justes"] == 1
    store.open_question("ecologie", number.id)
    for pid, value in (("a", "240"), ("b", "100"), ("c", "235")):
        store.answer("ecologie", number, pid, value)
    dist = store.distribution("ecologie", number)
    assert dist["valeurs"] == [100.0, 235.0, 240.0] and dist["justes"] == 2


def test_the_session_survives_a_restart_and_exports_counts_only(tmp_path, eco):
    path = tmp_path / "seance.sqlite"
    store = RoomStore(path)
    q = eco.question("lombalgie")
    store.join("participant-secret-1", 30)
    store.open_question("ecologie", q.id)
    store.answer("ecologie", q, "participant-secret-1", q.choices[0])
    store.close()
    again = RoomStore(path)
    assert again.current() == ("ecologie", q.id)
    assert again.distribution("ecologie", q)["repondants"] == 1
    csv_text = again.export_csv([eco])
    assert "participant-secret" not in csv_text
    header, *rows = csv_text.strip().splitlines()
    assert header.split(";") == ["tableau_de_bord", "question", "enonce", "reponse", "nombre", "repondants",
                                 "participants_seance"]
    lombalgie = [r.split(";") for r in rows if r.split(";")[1] == "lombalgie"]
    assert [r[4] for r in lombalgie] == ["1", "0", "0", "0"] and all(r[6] == "1" for r in lombalgie)
