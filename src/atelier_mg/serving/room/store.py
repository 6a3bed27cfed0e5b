"""Les réponses d'une séance : un fichier SQLite par séance, écrit par transactions, repris après un redémarrage.

Participants are random identifiers kept in a cookie of their browser: no name, no address, nothing
that identifies a person is stored. The export for the DPC attestation holds counts only.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

from .definition import Question, RoomDashboard

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS participants (id TEXT PRIMARY KEY, joined REAL NOT NULL, last_seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    dashboard TEXT NOT NULL, question TEXT NOT NULL, opened REAL, revealed REAL,
    PRIMARY KEY (dashboard, question)
);
CREATE TABLE IF NOT EXISTS steps (position INTEGER PRIMARY KEY, first_shown REAL NOT NULL, last_shown REAL NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    dashboard TEXT NOT NULL, question TEXT NOT NULL, participant TEXT NOT NULL, value TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (dashboard, question, participant)
);
"""


class RoomStore:
    """The state of one room session, in one SQLite file."""

    def __init__(self, path: Path, active_window: float = 90.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.active_window = active_window
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        # Presence of participants already admitted: kept here and written in one transaction (flush), so that
        # a hundred pages coming back at a step change cost one write to the disk, not two hundred.
        self._present: dict[str, float] = {}  # participant → last time seen (written or not)
        self._unwritten: set[str] = set()

    def close(self) -> None:
        self.flush()
        self.db.close()

    def flush(self) -> None:
        """Write the presence recorded since the last flush (one transaction)."""
        if not self._unwritten:
            return
        rows = [(self._present[p], p) for p in self._unwritten if p in self._present]
        self._unwritten.clear()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("UPDATE participants SET last_seen = ? WHERE id = ?", rows)

    def pending(self) -> bool:
        """Presence not written yet (the server then calls :meth:`flush` shortly)."""
        return bool(self._unwritten)

    def _seen_now(self, participant: str, now: float) -> None:
        self._present[participant] = now
        self._unwritten.add(participant)

    # -- participants -------------------------------------------------------------------------

    def active(self, now: float | None = None) -> int:
        now = time.time() if now is None else now
        self.flush()
        (n,) = self.db.execute("SELECT count(*) FROM participants WHERE last_seen >= ?", (now - self.active_window,)).fetchone()
        return n

    def seen(self, now: float | None = None) -> int:
        (n,) = self.db.execute("SELECT count(*) FROM participants").fetchone()
        return n

    def join(self, participant: str, places: int, now: float | None = None) -> bool:
        """Admit a participant (or a returning one) if a place is free; False when the room is full."""
        now = time.time() if now is None else now
        if self._present.get(participant, float("-inf")) >= now - self.active_window:
            self._seen_now(participant, now)  # still here: no write now (see flush)
            return True
        self.flush()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            row = self.db.execute("SELECT last_seen FROM participants WHERE id = ?", (participant,)).fetchone()
            if row is not None and row[0] >= now - self.active_window:
                self.db.execute("UPDATE participants SET last_seen = ? WHERE id = ?", (now, participant))
                self._present[participant] = now
                return True
            (active,) = self.db.execute(
                "SELECT count(*) FROM participants WHERE last_seen >= ?", (now - self.active_window,)).fetchone()
            if active >= places:
                return False
            self.db.execute(
                "INSERT INTO participants (id, joined, last_seen) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen", (participant, now, now))
            self._present[participant] = now
            return True

    def touch(self, participant: str, now: float | None = None) -> bool:
        """Record that a participant is still here; False if unknown (never admitted)."""
        now = time.time() if now is None else now
        if participant in self._present:
            self._seen_now(participant, now)
            return True
        cur = self.db.execute("UPDATE participants SET last_seen = ? WHERE id = ?", (now, participant))
        if cur.rowcount == 1:
            self._present[participant] = now
        return cur.rowcount == 1

    def leave(self, participant: str) -> None:
        self._present.pop(participant, None)
        self._unwritten.discard(participant)
        self.db.execute("UPDATE participants SET last_seen = 0 WHERE id = ?", (participant,))

    # -- questions ------------------------------------------------------------------------------

    def current(self) -> tuple[str, str] | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'question_ouverte'").fetchone()
        if not row or not row[0]:
            return None
        dashboard, _, question = row[0].partition(":")
        return dashboard, question

    def open_question(self, dashboard: str, question: str, now: float | None = None) -> None:
        """Open a question (the only one open); reopening a revealed question starts a new round."""
        now = time.time() if now is None else now
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "INSERT INTO questions (dashboard, question, opened) VALUES (?, ?, ?) "
                "ON CONFLICT(dashboard, question) DO UPDATE SET opened = excluded.opened, revealed = NULL",
                (dashboard, question, now))
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('question_ouverte', ?)",
                            (f"{dashboard}:{question}",))

    def close_question(self) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('question_ouverte', '')")

    def reveal(self, dashboard: str, question: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self.db.execute(
            "INSERT INTO questions (dashboard, question, revealed) VALUES (?, ?, ?) "
            "ON CONFLICT(dashboard, question) DO UPDATE SET revealed = excluded.revealed", (dashboard, question, now))

    def is_revealed(self, dashboard: str, question: str) -> bool:
        row = self.db.execute("SELECT revealed FROM questions WHERE dashboard = ? AND question = ?",
                              (dashboard, question)).fetchone()
        return bool(row and row[0])

    # -- programme ------------------------------------------------------------------------------

    def set_step(self, position: int, now: float) -> None:
        """The step everyone sees now (kept for a restart, and for the session report)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('etape', ?)", (str(position),))
            self.db.execute(
                "INSERT INTO steps (position, first_shown, last_shown) VALUES (?, ?, ?) "
                "ON CONFLICT(position) DO UPDATE SET last_shown = excluded.last_shown", (position, now, now))

    def steps_shown(self) -> dict[int, tuple[float, float]]:
        return {pos: (first, last) for pos, first, last in self.db.execute("SELECT * FROM steps ORDER BY position")}

    def opened_questions(self) -> dict[tuple[str, str], tuple[float | None, float | None]]:
        return {(d, q): (opened, revealed) for d, q, opened, revealed in self.db.execute("SELECT * FROM questions")}

    # -- answers --------------------------------------------------------------------------------

    def answer(self, dashboard: str, question: Question, participant: str, value: Any, now: float | None = None) -> Any:
        """Store (or replace) a participant's answer to the open question; ValueError in French otherwise."""
        now = time.time() if now is None else now
        if self.current() != (dashboard, question.id):
            raise ValueError("Cette question n'est plus ouverte : attendez la suivante.")
        if self.is_revealed(dashboard, question.id):
            raise ValueError("La réponse a été dévoilée : les réponses sont closes pour cette question.")
        clean = question.check(value)
        self.db.execute(
            "INSERT INTO answers (dashboard, question, participant, value, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(dashboard, question, participant) DO UPDATE SET value = excluded.value, at = excluded.at",
            (dashboard, question.id, participant, json.dumps(clean), now))
        return clean

    def answer_of(self, dashboard: str, question: str, participant: str) -> Any:
        row = self.db.execute("SELECT value FROM answers WHERE dashboard = ? AND question = ? AND participant = ?",
                              (dashboard, question, participant)).fetchone()
        return json.loads(row[0]) if row else None

    def values(self, dashboard: str, question: str) -> list[Any]:
        return [json.loads(v) for (v,) in self.db.execute(
            "SELECT value FROM answers WHERE dashboard = ? AND question = ? ORDER BY at", (dashboard, question))]

    def distribution(self, dashboard: str, question: Question) -> dict[str, Any]:
        """Anonymous counts: per choice, or the numbers given (sorted), with the number of respondents."""
        values = self.values(dashboard, question.id)
        out: dict[str, Any] = {"repondants": len(values)}
        if question.kind == "nombre":
            out["valeurs"] = sorted(values)
            out["justes"] = sum(question.is_correct(v) for v in values)
        else:
            counts: Counter[str] = Counter()
            for v in values:
                counts.update(v if isinstance(v, list) else [v])
            out["comptes"] = [{"choix": c, "nombre": counts.get(c, 0)} for c in question.choices]
            out["justes"] = sum(question.is_correct(tuple(v) if isinstance(v, list) else v) for v in values)
        return out

    def export_csv(self, dashboards: list[RoomDashboard]) -> str:
        """Counts per question and per answer (no participant identifier), for the DPC attestation."""
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";")
        writer.writerow(["tableau_de_bord", "question", "enonce", "reponse", "nombre", "repondants", "participants_seance"])
        seen = self.seen()
        for dash in dashboards:
            for q in dash.questions:
                dist = self.distribution(dash.name, q)
                if q.kind == "nombre":
                    rows = sorted(Counter(dist["valeurs"]).items())
                    rows = [(f"{v:g}".replace(".", ","), n) for v, n in rows]
                else:
                    rows = [(c["choix"], c["nombre"]) for c in dist["comptes"]]
                for answer, count in rows or [("", 0)]:
                    writer.writerow([dash.name, q.id, q.prompt, answer, count, dist["repondants"], seen])
        return buf.getvalue()
