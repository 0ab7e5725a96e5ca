"""The student's history in one SQLite file: exams, every answer as it is given, results, practice, schedule.

* One file, `examgen.db`, in `EXAMGEN_HOME` or the platform's user data directory.
* WAL journal: each answer is one short transaction, committed before the next question shows, so `kill -9`
  loses nothing. `synchronous=NORMAL` keeps a commit well under a millisecond; a background thread then fsyncs the
  WAL file right after each commit, so a power cut loses at most the answer being flushed. Several processes may
  write at once (busy timeout).
* The schema is versioned (`PRAGMA user_version`) and upgraded by the migrations in `examgen.store_schema`, in
  order, each in one transaction; the file-safety helpers (data directory, fsync, moving a corrupt file aside) are
  in `examgen.store_files`.
* A corrupt file is never deleted: it is moved aside (`examgen.db.corrupt-<time>`) and the user is told where.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from examgen.errors import UserError
from examgen.i18n import Bi, bi
from examgen.safe_read import ANSWER_CHARS
from examgen.store_files import (DB_NAME, ENV_HOME, STORE_ERROR, IntegrityFailure, Syncer, data_dir, db_path,
                                 fsync_path, is_access, is_busy, is_corrupt, move_aside, pid_alive)
from examgen.store_mistakes import mistake_ids
from examgen.store_schema import MIGRATIONS, SCHEMA_VERSION, apply_migrations

__all__ = ["DB_NAME", "ENV_HOME", "MIGRATIONS", "SCHEMA_VERSION", "STORE_ERROR", "ExamRow", "ExamState", "Store",
           "data_dir", "db_path"]

BUSY_TIMEOUT_MS = 15000
STALE_OWNER_S = 60.0     # a session that has not written for this long no longer holds its exam


def _answered(report: Any) -> list[Any]:
    """The results of the questions the student answered: a question left wholly blank scores 0 on the paper,
    but it was never tried, so it is no attempt in the statistics and no review in the schedule (a mock left
    after two questions must not mark the other 22 as forgotten)."""
    return [r for r in report.results if not all(p.blank for p in r.verdict.parts)]


@dataclass
class ExamRow:
    id: int
    created_at: float
    seed: int
    blueprint: str
    lang: str
    mode: str
    duration_s: float
    elapsed_s: float
    current: int
    status: str
    started_at: float | None
    submitted_at: float | None
    submit_reason: str | None
    score: float | None
    max_score: float | None
    owner_pid: int | None
    owner_host: str | None
    heartbeat_at: float | None
    paper: dict[str, Any]

    @property
    def remaining_s(self) -> float:
        return max(0.0, self.duration_s - self.elapsed_s)


@dataclass
class ExamState:
    """What a session needs to continue: answers per item and part, flags, position, time."""

    answers: dict[int, dict[str, str]] = field(default_factory=dict)
    flags: set[int] = field(default_factory=set)
    current: int = 1
    elapsed_s: float = 0.0


class Store:
    """One connection to the history database. Every write is one short transaction."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.broken: UserError | None = None
        self.readonly = False
        self._syncer: Syncer | None = None

    # ------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, readonly: bool = False) -> "Store":
        """Open (and create or upgrade) the database. `readonly`: for commands that only read (`history`,
        `stats`, `review`): the file is opened with `mode=ro`, nothing is created or upgraded, and a read-only
        data directory is fine; a missing file reads as an empty history."""
        p = Path(path) if path is not None else db_path()
        if p.exists() and not p.is_file():
            raise UserError(bi("store.not_file", path=p, env=ENV_HOME), STORE_ERROR)
        if readonly:
            return cls._open_readonly(p)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(bi("store.mkdir", path=p.parent, reason=exc.strerror or exc), STORE_ERROR) from None
        try:
            conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise UserError(bi("store.open", path=p, reason=exc), STORE_ERROR) from None
        store = cls(p, conn)
        try:
            # Switching a new file to WAL can report "locked" without waiting for the busy handler when another
            # process is doing the same at that moment: retry for as long as the busy timeout allows.
            deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
            while True:
                try:
                    store._setup()
                    break
                except sqlite3.OperationalError as exc:
                    if not is_busy(exc) or time.monotonic() > deadline:
                        raise
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    time.sleep(0.02)
        except sqlite3.DatabaseError as exc:
            raise store._open_failed(exc) from None
        return store

    @classmethod
    def _open_readonly(cls, p: Path) -> "Store":
        if not p.exists():
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            apply_migrations(conn)
            store = cls(p, conn)
            store.readonly = True
            return store
        uri = "file:" + urllib.parse.quote(str(p.resolve())) + "?mode=ro"
        store = cls._connect_readonly(p, uri)
        try:
            try:
                store._setup_readonly()
            except sqlite3.OperationalError as exc:
                # A WAL database in a directory we cannot write, with no -shm file left: nothing can be writing
                # it (a writer needs that directory too), so it is read as an immutable file.
                if not is_access(exc) or os.access(p.parent, os.W_OK):
                    raise
                store.conn.close()
                store = cls._connect_readonly(p, uri + "&immutable=1")
                store._setup_readonly()
        except sqlite3.DatabaseError as exc:
            raise store._open_failed(exc, reading=True) from None
        return store

    @classmethod
    def _connect_readonly(cls, p: Path, uri: str) -> "Store":
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise UserError(bi("store.open", path=p, reason=exc), STORE_ERROR) from None
        store = cls(p, conn)
        store.readonly = True
        return store

    def _checked_version(self) -> int:
        """The schema version, refusing a newer one; an existing database must pass the quick integrity check."""
        c = self.conn
        version = int(c.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise UserError(bi("store.newer", path=self.path, version=version, known=SCHEMA_VERSION), STORE_ERROR)
        if version > 0:
            check = c.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise IntegrityFailure(f"integrity check failed: {check}")
        return version

    def _setup_readonly(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = self._checked_version()
        if version < SCHEMA_VERSION:  # read an upgraded copy in memory; the next command that writes upgrades the file
            mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            self.conn.backup(mem)
            self.conn.close()
            self.conn = mem
            apply_migrations(mem)

    def _open_failed(self, exc: sqlite3.DatabaseError, reading: bool = False) -> UserError:
        """Opening failed: busy, permissions and any other error are one line and the file stays; only a file
        SQLite calls corrupt or not a database, or one failing the integrity check, is moved aside."""
        p = self.path
        if is_busy(exc):
            error = UserError(bi("store.locked", path=p), STORE_ERROR)
        elif isinstance(exc, sqlite3.OperationalError) and is_access(exc):
            error = UserError(bi("store.no_read" if reading else "store.no_open", path=p, reason=exc), STORE_ERROR)
        else:
            error = self._error(exc)
        try:
            self.conn.close()
        except sqlite3.Error:
            pass
        return error

    def _setup(self) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = c.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode is None:
            raise sqlite3.DatabaseError("cannot switch to WAL")
        c.execute("PRAGMA synchronous = NORMAL")
        c.execute("PRAGMA foreign_keys = ON")
        if self._checked_version() < SCHEMA_VERSION:
            self.migrate()

    def migrate(self) -> None:
        """Apply the missing migrations (`examgen.store_schema`)."""
        apply_migrations(self.conn)

    def close(self) -> None:
        if self._syncer is not None:
            self._syncer.stop()
            self._syncer = None
        try:
            self.conn.close()
        except sqlite3.Error:
            pass
        fsync_path(self.path)

    def committed(self) -> None:
        """After a commit: ask the background thread to flush the WAL to disk."""
        if self._syncer is None:
            self._syncer = Syncer(self.path.with_name(self.path.name + "-wal"))
            self._syncer.start()
        self._syncer.event.set()

    def flush(self) -> None:
        """Flush the WAL to disk now (waits)."""
        fsync_path(self.path.with_name(self.path.name + "-wal"))

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------ transactions
    def _tx(self) -> "_Tx":
        return _Tx(self)

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        if self.broken is not None:
            raise self.broken
        try:
            cur = self.conn.execute(sql, args)
            return cur.fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    def _error(self, exc: sqlite3.DatabaseError) -> UserError:
        """One line for a failed statement. The file is moved aside only when SQLite says it is corrupt or not a
        database, or an integrity check run now fails; any other error (too big, constraint, locked, read-only)
        leaves it where it is."""
        if self.broken is not None:
            return self.broken
        if is_busy(exc):
            return UserError(bi("store.busy", path=self.path), STORE_ERROR)
        if isinstance(exc, sqlite3.OperationalError) and is_access(exc):
            return UserError(bi("store.no_write", path=self.path, reason=exc), STORE_ERROR)
        if is_corrupt(exc) or not self._healthy():
            self.close()
            self.broken = move_aside(self.path, exc)
            return self.broken
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return UserError(bi("store.failed", path=self.path, reason=reason), STORE_ERROR)

    def _healthy(self) -> bool:
        """The integrity check, now: false only when SQLite finds the file damaged (not when it is busy)."""
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            return str(self.conn.execute("PRAGMA quick_check").fetchone()[0]) == "ok"
        except sqlite3.DatabaseError as exc:
            return is_busy(exc) or (isinstance(exc, sqlite3.OperationalError) and is_access(exc))

    # ------------------------------------------------------------ exams
    def create_exam(self, exam: Any, lang: str, mode: str, duration_s: float) -> int:
        from examgen.exam import exam_record

        paper = json.dumps(exam_record(exam), ensure_ascii=False)
        now = time.time()
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO exams (created_at, seed, blueprint, blueprint_text, paper, lang, mode, duration_s,"
                " owner_pid, owner_host, heartbeat_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (now, exam.seed, exam.blueprint, exam.blueprint_text, paper, lang, mode, float(duration_s),
                 os.getpid(), socket.gethostname(), now))
            return int(cur.lastrowid)

    def exam_row(self, exam_id: int) -> ExamRow:
        rows = self._query("SELECT id, created_at, seed, blueprint, lang, mode, duration_s, elapsed_s, current, "
                           "status, started_at, submitted_at, submit_reason, score, max_score, owner_pid, "
                           "owner_host, heartbeat_at, paper FROM exams WHERE id = ?", (int(exam_id),))
        if not rows:
            raise UserError(bi("exam.none", id=exam_id))
        r = list(rows[0])
        try:
            paper = json.loads(r[18])
        except ValueError:
            raise UserError(bi("exam.unreadable", id=exam_id), STORE_ERROR) from None
        return ExamRow(*r[:18], paper=paper)  # type: ignore[arg-type]

    def load_exam(self, exam_id: int) -> Any:
        """The exam exactly as it was sat (rebuilt from the stored item references)."""
        from examgen.exam import exam_from_record

        return exam_from_record(self.exam_row(exam_id).paper, exam_id)

    def exams(self, status: str | None = None, limit: int | None = None) -> list[ExamRow]:
        sql = "SELECT id FROM exams"
        args: tuple[Any, ...] = ()
        if status is not None:
            sql += " WHERE status = ?"
            args = (status,)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [self.exam_row(r[0]) for r in self._query(sql, args)]

    def latest_open(self) -> int | None:
        rows = self._query("SELECT id FROM exams WHERE status IN ('new', 'running') ORDER BY id DESC LIMIT 1")
        return int(rows[0][0]) if rows else None

    def state(self, exam_id: int) -> ExamState:
        row = self.exam_row(exam_id)
        st = ExamState(current=row.current, elapsed_s=row.elapsed_s)
        for number, part, text in self._query("SELECT number, part, text FROM answers WHERE exam_id = ?",
                                              (exam_id,)):
            st.answers.setdefault(int(number), {})[part] = text
        st.flags = {int(r[0]) for r in self._query("SELECT number FROM flags WHERE exam_id = ?", (exam_id,))}
        return st

    def claim(self, exam_id: int) -> None:
        """Take an exam for this process; refuse when another live session holds it."""
        row = self.exam_row(exam_id)
        host = socket.gethostname()
        now = time.time()
        if (row.owner_pid and row.owner_pid != os.getpid() and row.status != "submitted"
                and row.heartbeat_at and now - row.heartbeat_at < STALE_OWNER_S
                and (row.owner_host != host or pid_alive(row.owner_pid))):
            raise UserError(bi("exam.claimed", id=exam_id, pid=row.owner_pid))
        with self._tx() as c:
            c.execute("UPDATE exams SET owner_pid = ?, owner_host = ?, heartbeat_at = ? WHERE id = ?",
                      (os.getpid(), host, now, exam_id))

    def release(self, exam_id: int, elapsed_s: float | None = None, current: int | None = None) -> None:
        with self._tx() as c:
            c.execute("UPDATE exams SET owner_pid = NULL, heartbeat_at = NULL WHERE id = ? AND owner_pid = ?",
                      (exam_id, os.getpid()))
            self._progress(c, exam_id, elapsed_s, current)

    def start(self, exam_id: int, elapsed_s: float) -> None:
        with self._tx() as c:
            c.execute("UPDATE exams SET status = 'running', started_at = COALESCE(started_at, ?), elapsed_s = ?,"
                      " heartbeat_at = ? WHERE id = ? AND status != 'submitted'",
                      (time.time(), elapsed_s, time.time(), exam_id))

    @staticmethod
    def _progress(c: sqlite3.Connection, exam_id: int, elapsed_s: float | None, current: int | None) -> None:
        if elapsed_s is not None:
            c.execute("UPDATE exams SET elapsed_s = MAX(elapsed_s, ?), heartbeat_at = ? WHERE id = ? "
                      "AND status != 'submitted'", (float(elapsed_s), time.time(), exam_id))
        if current is not None:
            c.execute("UPDATE exams SET current = ? WHERE id = ?", (int(current), exam_id))

    def save_answer(self, exam_id: int, number: int, part: str, text: str | None,
                    elapsed_s: float | None = None, current: int | None = None) -> None:
        """One answer (None or "" clears it), the line in the input log, the clock and the position: one
        transaction."""
        _check_answer(number, part, text)
        now = time.time()
        with self._tx() as c:
            if text is None or not text.strip():
                c.execute("DELETE FROM answers WHERE exam_id = ? AND number = ? AND part = ?", (exam_id, number, part))
            else:
                c.execute("INSERT INTO answers (exam_id, number, part, text, saved_at) VALUES (?,?,?,?,?) "
                          "ON CONFLICT (exam_id, number, part) DO UPDATE SET text = excluded.text, "
                          "saved_at = excluded.saved_at", (exam_id, number, part, text, now))
            c.execute("INSERT INTO input_log (exam_id, at, number, part, text, status) VALUES (?,?,?,?,?,?)",
                      (exam_id, now, number, part, text or "", "answer" if text else "clear"))
            self._progress(c, exam_id, elapsed_s, current)

    def log_input(self, exam_id: int, text: str, status: str, number: int | None = None, part: str | None = None,
                  elapsed_s: float | None = None) -> None:
        """A line that was not an answer (a format error, a late line after the deadline): kept, never graded.
        A line longer than an answer may be is kept up to that length, with a note of how long it was."""
        if len(text) > ANSWER_CHARS:
            text = text[:ANSWER_CHARS] + f" … [{len(text):,} characters, cut]"
        with self._tx() as c:
            c.execute("INSERT INTO input_log (exam_id, at, number, part, text, status) VALUES (?,?,?,?,?,?)",
                      (exam_id, time.time(), number, part, text, status))
            self._progress(c, exam_id, elapsed_s, None)

    def set_flag(self, exam_id: int, number: int, flagged: bool, elapsed_s: float | None = None) -> None:
        with self._tx() as c:
            if flagged:
                c.execute("INSERT OR IGNORE INTO flags (exam_id, number) VALUES (?, ?)", (exam_id, number))
            else:
                c.execute("DELETE FROM flags WHERE exam_id = ? AND number = ?", (exam_id, number))
            self._progress(c, exam_id, elapsed_s, None)

    def heartbeat(self, exam_id: int) -> None:
        with self._tx() as c:
            c.execute("UPDATE exams SET heartbeat_at = ? WHERE id = ? AND owner_pid = ?",
                      (time.time(), exam_id, os.getpid()))

    def progress(self, exam_id: int, elapsed_s: float | None = None, current: int | None = None) -> None:
        with self._tx() as c:
            self._progress(c, exam_id, elapsed_s, current)

    def submit(self, exam_id: int, report: Any, elapsed_s: float | None, reason: str) -> None:
        """Mark the exam submitted and record every item as a graded attempt, in one transaction."""
        from examgen.schedule import key_for, update_in

        now = time.time()
        with self._tx() as c:
            row = c.execute("SELECT status FROM exams WHERE id = ?", (exam_id,)).fetchone()
            if row is None:
                raise UserError(bi("exam.missing", id=exam_id))
            if row[0] == "submitted":
                return
            c.execute("UPDATE exams SET status = 'submitted', submitted_at = ?, submit_reason = ?, score = ?, "
                      "max_score = ?, elapsed_s = COALESCE(?, elapsed_s), owner_pid = NULL WHERE id = ?",
                      (now, reason, report.total, report.max_total, elapsed_s, exam_id))
            self._record_results(c, exam_id, report, now)
            for r in _answered(report):
                update_in(c, key_for(r.item.problem), r.earned / r.points if r.points else 0.0, now, source="exam")

    def save_sheet(self, exam_id: int, answers: dict[int, dict[str, str]], report: Any) -> None:
        """A graded answer sheet: its answers and the results, in one transaction."""
        for number, parts in answers.items():
            for part, text in parts.items():
                _check_answer(number, part, None if text is None else str(text))
        now = time.time()
        with self._tx() as c:
            for number, parts in answers.items():
                for part, text in parts.items():
                    if text is not None and str(text).strip():
                        c.execute("INSERT OR REPLACE INTO answers (exam_id, number, part, text, saved_at) "
                                  "VALUES (?,?,?,?,?)", (exam_id, number, part, str(text), now))
        self.submit(exam_id, report, 0.0, "sheet")

    @staticmethod
    def _record_results(c: sqlite3.Connection, exam_id: int, report: Any, now: float) -> None:
        c.execute("DELETE FROM attempts WHERE exam_id = ? AND source = 'exam'", (exam_id,))
        for r in _answered(report):
            pr = r.item.problem
            c.execute("INSERT INTO attempts (at, source, exam_id, number, ref, kind, chapter, points, earned, "
                      "score, auto, mistakes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                      (now, "exam", exam_id, r.item.number, pr.ref, pr.kind, pr.topic, r.points, r.earned,
                       r.earned / r.points if r.points else 0.0, int(r.auto_estimate), mistake_ids(r.verdict)))

    def self_marks(self, exam_id: int) -> dict[tuple[int, str], list[bool]]:
        rows = self._query("SELECT number, part, marks FROM self_marks WHERE exam_id = ?", (exam_id,))
        out = {}
        for number, part, marks in rows:
            try:
                out[(int(number), part)] = [bool(x) for x in json.loads(marks)]
            except ValueError:
                continue
        return out

    def save_self_marks(self, exam_id: int, marks: dict[tuple[int, str], list[bool]], report: Any) -> None:
        """The student's own marking of short answers, and the re-graded totals, in one transaction."""
        with self._tx() as c:
            for (number, part), m in marks.items():
                c.execute("INSERT INTO self_marks (exam_id, number, part, marks) VALUES (?,?,?,?) ON CONFLICT "
                          "(exam_id, number, part) DO UPDATE SET marks = excluded.marks",
                          (exam_id, number, part, json.dumps([bool(x) for x in m])))
            c.execute("UPDATE exams SET score = ?, max_score = ? WHERE id = ?", (report.total, report.max_total,
                                                                                  exam_id))
            at = c.execute("SELECT MIN(at) FROM attempts WHERE exam_id = ? AND source = 'exam'", (exam_id,)).fetchone()
            self._record_results(c, exam_id, report, at[0] if at and at[0] else time.time())

    # ------------------------------------------------------------ practice and statistics
    def record_practice(self, problem: Any, earned: float, points: float, duration_s: float | None = None,
                        verdict: Any = None) -> None:
        """One practice attempt, with the mistakes diagnosed in its verdict (when given), and its FSRS review."""
        from examgen.schedule import key_for, update_in

        now = time.time()
        score = earned / points if points else 0.0
        with self._tx() as c:
            c.execute("INSERT INTO attempts (at, source, exam_id, number, ref, kind, chapter, points, earned, score,"
                      " auto, mistakes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                      (now, "practice", None, None, problem.ref, problem.kind, problem.topic, points, earned, score,
                       0, mistake_ids(verdict)))
            update_in(c, key_for(problem), score, now, duration_s=duration_s, points=points)

    def mistakes(self) -> list[tuple[str, str]]:
        """(kind, JSON list of mistake ids) of every attempt with a diagnosed mistake, in order
        (examgen.store_mistakes reads them)."""
        return [(str(k), str(m)) for k, m in self._query("SELECT kind, mistakes FROM attempts WHERE mistakes != '[]'"
                                                         " ORDER BY id")]

    def attempts(self, source: str | None = None) -> list[sqlite3.Row]:
        sql = "SELECT at, source, exam_id, number, ref, kind, chapter, points, earned, score, auto FROM attempts"
        args: tuple[Any, ...] = ()
        if source:
            sql += " WHERE source = ?"
            args = (source,)
        return self._query(sql + " ORDER BY id", args)

    # ------------------------------------------------------------ FSRS schedule (examgen.fsrs_sched)
    def schedule(self) -> dict[str, tuple[int, float, int, int, float]]:
        """Every scheduled card: key → (FSRS state, due time stamp, reviews, reviews not fully right, last)."""
        return {k: (json.loads(v[0])["state"], v[1], v[2], v[3], v[4]) for k, v in self.fsrs_cards().items()}

    def fsrs_cards(self) -> dict[str, tuple[str, float, int, int, float]]:
        """key → (fsrs Card JSON, due, seen, wrong, last_at), after replaying a Leitner history not yet replayed."""
        conn = self.conn
        if self._query("SELECT 1 FROM fsrs_meta WHERE name = 'replay'"):
            from examgen.schedule import replay_in

            if self.readonly:  # replay into a copy in memory: a read-only command never writes the file
                conn = sqlite3.connect(":memory:", isolation_level=None)
                self.conn.backup(conn)
                conn.execute("BEGIN")
                replay_in(conn)
            else:
                with self._tx() as c:
                    replay_in(c)
        sql = "SELECT key, card, due_at, seen, wrong, last_at FROM fsrs_cards"
        rows = self._query(sql) if conn is self.conn else conn.execute(sql).fetchall()
        return {r[0]: (str(r[1]), float(r[2]), int(r[3]), int(r[4]), float(r[5])) for r in rows}

    def review_log(self, key: str | None = None) -> list[sqlite3.Row]:
        """The FSRS reviews in order: key, at, rating, score, duration_s, retention, due_at, source."""
        sql = "SELECT key, at, rating, score, duration_s, retention, due_at, source FROM fsrs_log"
        return self._query(sql + (" WHERE key = ? ORDER BY id" if key else " ORDER BY id"), (key,) if key else ())

    def integrity(self) -> str:
        return str(self._query("PRAGMA integrity_check")[0][0])


def _check_answer(number: int, part: str, text: str | None) -> None:
    """An answer too long to keep is refused before anything is written (earlier answers stay as they are)."""
    if text is not None and len(text) > ANSWER_CHARS:
        where = Bi(f"第 {number} 题" + (f"第 {part} 小问" if part else ""),
                   f"item {number}" + (f", part {part}" if part else ""))
        raise UserError(Bi(f"{where.zh}的答案超过 {ANSWER_CHARS:,} 个字符（上限），未保存",
                           f"the answer to {where.en} is longer than {ANSWER_CHARS:,} characters (the limit); "
                           f"it was not saved"))


class _Tx:
    """`BEGIN IMMEDIATE … COMMIT`; sqlite errors become one-line `UserError`s (corruption moves the file aside)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> sqlite3.Connection:
        if self.store.broken is not None:
            raise self.store.broken
        try:
            self.store.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise self.store._error(exc) from None
        return self.store.conn

    def __exit__(self, typ: Any, exc: Any, tb: Any) -> bool:
        c = self.store.conn
        if typ is None:
            try:
                c.execute("COMMIT")
            except sqlite3.DatabaseError as e:
                try:
                    c.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                raise self.store._error(e) from None
            self.store.committed()
            return False
        try:
            c.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        if isinstance(exc, sqlite3.DatabaseError):
            raise self.store._error(exc) from None
        return False
