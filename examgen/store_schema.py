"""The history database's schema: the migrations, in order, and how they are applied.

`PRAGMA user_version` is the number of migrations applied. **To change the schema, append one SQL script to
`MIGRATIONS`** (never edit or reorder a released one): `Store.open` applies each missing script in its own
transaction, so an old file is upgraded step by step and two processes starting at once are safe.
"""

from __future__ import annotations

import sqlite3
from typing import Iterator

MIGRATIONS: list[str] = [
    # v1: exams, answers as given, flags, the log of every line typed, graded attempts
    """
    CREATE TABLE exams (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at REAL NOT NULL,
        seed INTEGER NOT NULL,
        blueprint TEXT NOT NULL,
        blueprint_text TEXT,
        paper TEXT NOT NULL,
        lang TEXT NOT NULL,
        mode TEXT NOT NULL,
        duration_s REAL NOT NULL,
        elapsed_s REAL NOT NULL DEFAULT 0,
        current INTEGER NOT NULL DEFAULT 1,
        status TEXT NOT NULL DEFAULT 'new',
        started_at REAL,
        submitted_at REAL,
        submit_reason TEXT,
        score REAL,
        max_score REAL,
        owner_pid INTEGER,
        owner_host TEXT,
        heartbeat_at REAL
    );
    CREATE TABLE answers (
        exam_id INTEGER NOT NULL REFERENCES exams(id),
        number INTEGER NOT NULL,
        part TEXT NOT NULL,
        text TEXT NOT NULL,
        saved_at REAL NOT NULL,
        PRIMARY KEY (exam_id, number, part)
    );
    CREATE TABLE flags (
        exam_id INTEGER NOT NULL REFERENCES exams(id),
        number INTEGER NOT NULL,
        PRIMARY KEY (exam_id, number)
    );
    CREATE TABLE input_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        exam_id INTEGER NOT NULL,
        at REAL NOT NULL,
        number INTEGER,
        part TEXT,
        text TEXT NOT NULL,
        status TEXT NOT NULL
    );
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at REAL NOT NULL,
        source TEXT NOT NULL,
        exam_id INTEGER,
        number INTEGER,
        ref TEXT NOT NULL,
        kind TEXT NOT NULL,
        chapter TEXT NOT NULL,
        points REAL NOT NULL,
        earned REAL NOT NULL,
        score REAL NOT NULL,
        auto INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX attempts_exam ON attempts(exam_id);
    CREATE INDEX exams_status ON exams(status);
    """,
    # v2: self-marking of short answers and the spaced-repetition schedule
    """
    CREATE TABLE self_marks (
        exam_id INTEGER NOT NULL REFERENCES exams(id),
        number INTEGER NOT NULL,
        part TEXT NOT NULL,
        marks TEXT NOT NULL,
        PRIMARY KEY (exam_id, number, part)
    );
    CREATE TABLE schedule (
        key TEXT PRIMARY KEY,
        box INTEGER NOT NULL,
        due_at REAL NOT NULL,
        seen INTEGER NOT NULL DEFAULT 0,
        wrong INTEGER NOT NULL DEFAULT 0,
        last_at REAL NOT NULL
    );
    """,
    # v3: FSRS scheduling (examgen.fsrs_sched): card state, every review, and a mark that the Leitner history
    # (`schedule`, `attempts`) still has to be replayed into it; the `schedule` table is kept as it was
    """
    CREATE TABLE fsrs_cards (
        key TEXT PRIMARY KEY,
        card TEXT NOT NULL,
        due_at REAL NOT NULL,
        seen INTEGER NOT NULL DEFAULT 0,
        wrong INTEGER NOT NULL DEFAULT 0,
        last_at REAL NOT NULL
    );
    CREATE TABLE fsrs_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL,
        at REAL NOT NULL,
        rating INTEGER NOT NULL,
        score REAL NOT NULL,
        duration_s REAL,
        retention REAL NOT NULL,
        due_at REAL NOT NULL,
        source TEXT NOT NULL
    );
    CREATE INDEX fsrs_log_key ON fsrs_log(key);
    CREATE TABLE fsrs_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO fsrs_meta (name, value) SELECT 'replay', 'pending'
        WHERE EXISTS (SELECT 1 FROM attempts) OR EXISTS (SELECT 1 FROM schedule);
    """,
    # v4: the mistakes diagnosed in a graded attempt (examgen.mistakes): a JSON list of the kind's mistake ids,
    # '[]' for none (and for every attempt recorded before)
    """
    ALTER TABLE attempts ADD COLUMN mistakes TEXT NOT NULL DEFAULT '[]';
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> Iterator[str]:
    """The SQL statements of one migration script."""
    for stmt in script.split(";"):
        if stmt.strip():
            yield stmt


def apply_migrations(c: sqlite3.Connection) -> None:
    """Apply the missing migrations, each in its own transaction (safe when two processes start at once)."""
    while True:
        c.execute("BEGIN IMMEDIATE")
        try:
            version = c.execute("PRAGMA user_version").fetchone()[0]
            if version >= SCHEMA_VERSION:
                c.execute("COMMIT")
                return
            for stmt in statements(MIGRATIONS[version]):
                c.execute(stmt)
            c.execute(f"PRAGMA user_version = {version + 1}")
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
