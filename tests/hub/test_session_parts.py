"""Les règles de « ouvrir la séance » qui ne demandent pas de hub : la liste collée, la promotion, les places."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from atelier_mg.hub import session
from atelier_mg.hub.settings import HubSettings, Limits
from atelier_mg.hub.spawner import StartFailed


def make(tmp_path: Path, places: int = 0) -> session.Session:
    limits = Limits(memory_bytes=1024**3, total_bytes=places * 1024**3)
    settings = HubSettings(path=tmp_path / "hub.toml", course_id="atelier-mg", roster=tmp_path / "p.csv",
                           teachers=("prof",), ip="127.0.0.1", port=8000, data_dir=tmp_path, limits=limits)
    settings.state.mkdir(parents=True)
    found = session.Session(settings, session.HubApi("http://127.0.0.1:1/hub/api", "jeton"))
    found.roster = lambda: {"alice": "Alice A", "bob": "Bob B", "carol": "Carol C"}
    return found


def test_pasted_ids_are_split_lowered_and_kept_once_in_order():
    assert session.parse_ids(" Bob, alice;\nbob\talice  carol ") == ["bob", "alice", "carol"]
    assert session.parse_ids(" \n ,; ") == []


def test_the_group_is_the_promotion_or_a_list_of_its_interns_only(tmp_path):
    s = make(tmp_path)
    assert s.group(True, "zoe") == ["alice", "bob", "carol"]
    assert s.group(False, "carol alice") == ["carol", "alice"]
    with pytest.raises(ValueError, match=r"Absent\(s\) de la promotion : « zoe », « prof »\. .*aucun JupyterLab"):
        s.group(False, "alice zoe prof")  # a teacher is not an intern of the session
    with pytest.raises(ValueError, match="collez les identifiants"):
        s.group(False, "  ")


def test_a_session_larger_than_the_total_memory_or_too_long_is_refused_before_anything_starts(tmp_path):
    s = make(tmp_path, places=2)
    with pytest.raises(ValueError, match="demande 3 JupyterLab ; la machine en admet 2"):
        asyncio.run(s.start("prof", ["alice", "bob", "carol"], 60))
    with pytest.raises(ValueError, match="entre 15 et 600 minutes"):
        asyncio.run(s.start("prof", ["alice"], 5))
    assert not s.open and not (s.settings.state / session.RECORD).exists()


def test_a_failed_start_is_explained_in_french_from_the_hubs_progress_events():
    def events(message: str) -> str:
        return "data: " + json.dumps({"progress": 50, "message": "Starting"}) + "\n\n" + \
               "data: " + json.dumps({"progress": 100, "failed": True, "message": message}) + "\n\n"

    assert "arrêté pendant son démarrage" in session._failure(events(f"Spawn failed: {StartFailed.jupyterhub_message}"))
    assert "délai de démarrage" in session._failure(events("Spawn failed: Timeout"))
    assert session._failure(events("Spawn failed: disque plein")) == "n'a pas démarré (détail : disque plein)"
