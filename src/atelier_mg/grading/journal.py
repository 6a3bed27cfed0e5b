"""Le journal de correction d'un devoir : ce qui a été importé, noté ou refusé, et pourquoi.

One SQLite file per assignment, ``correction/<devoir>.sqlite`` in the course folder, written by the
grading commands' main process only (workers send their results back). nbgrader's gradebook keeps the
grades; the journal keeps what nbgrader has no place for: where each submission came from, the files
that matched no intern, the fingerprint of what was graded (so a rerun skips it), refusal reasons.
Every write is committed at once: an interrupted run loses nothing it had finished.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS imports (
    student TEXT PRIMARY KEY, source TEXT NOT NULL, original TEXT NOT NULL, note TEXT, refusal TEXT,
    participant TEXT, imported_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS unmatched (
    source TEXT NOT NULL, entry TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (source, entry));
CREATE TABLE IF NOT EXISTS results (
    student TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, score REAL, max_score REAL, refusal TEXT, notes TEXT,
    graded_at REAL NOT NULL);
"""


def journal_path(root: Path, assignment: str) -> Path:
    return root / "correction" / f"{assignment}.sqlite"


class Journal:
    def __init__(self, root: Path, assignment: str) -> None:
        path = journal_path(root, assignment)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- import ---------------------------------------------------------------------------
    def record_import(self, student: str, source: str, original: str, note: str | None, refusal: dict | None,
                      participant: str | None = None) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO imports VALUES (?, ?, ?, ?, ?, ?, ?)",
            (student, source, original, note, json.dumps(refusal, ensure_ascii=False) if refusal else None,
             participant, time.time()),
        )

    def record_unmatched(self, source: str, entry: str, reason: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO unmatched VALUES (?, ?, ?)", (source, entry, reason))

    def clear_unmatched(self, source: str) -> None:
        self.db.execute("DELETE FROM unmatched WHERE source = ?", (source,))

    def forget(self, student: str) -> None:
        """An intern's submission is gone (absent from a new import): its import and result go too."""
        self.db.execute("DELETE FROM imports WHERE student = ?", (student,))
        self.db.execute("DELETE FROM results WHERE student = ?", (student,))

    def imports(self) -> dict[str, dict]:
        rows = self.db.execute("SELECT student, source, original, note, refusal, participant FROM imports").fetchall()
        return {r[0]: {"source": r[1], "original": r[2], "note": r[3], "refusal": json.loads(r[4]) if r[4] else None,
                       "participant": r[5]} for r in rows}

    def unmatched(self) -> list[tuple[str, str, str]]:
        return self.db.execute("SELECT source, entry, reason FROM unmatched ORDER BY source, entry").fetchall()

    # -- grading --------------------------------------------------------------------------
    def record_result(self, student: str, fingerprint: str, score: float | None, max_score: float | None,
                      refusal: dict | None, notes: list[str]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)",
            (student, fingerprint, score, max_score, json.dumps(refusal, ensure_ascii=False) if refusal else None,
             json.dumps(notes, ensure_ascii=False), time.time()),
        )

    def fingerprints(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT student, fingerprint FROM results").fetchall())

    def results(self) -> dict[str, dict]:
        rows = self.db.execute("SELECT student, score, max_score, refusal, notes FROM results").fetchall()
        return {r[0]: {"score": r[1], "max_score": r[2], "refusal": json.loads(r[3]) if r[3] else None,
                       "notes": json.loads(r[4] or "[]")} for r in rows}
