"""Where the history database lives and how its file is kept safe: the data directory, flushing the WAL to disk,
recognising busy/permission errors, and moving a corrupt file aside (never deleting it)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from examgen.errors import UserError
from examgen.i18n import bi

ENV_HOME = "EXAMGEN_HOME"
DB_NAME = "examgen.db"
STORE_ERROR = 4          # exit code for an unreadable or corrupt database


def data_dir() -> Path:
    """`EXAMGEN_HOME`, else the platform's user data directory (e.g. ~/.local/share/examgen)."""
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("examgen", appauthor=False))


def db_path() -> Path:
    return data_dir() / DB_NAME



def fsync_path(path: Path) -> None:
    try:
        fd = os.open(str(path), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Syncer(threading.Thread):
    """Flushes the WAL file to disk after commits, off the typing path (commits that arrive during a flush are
    covered by the next one)."""

    def __init__(self, wal: Path) -> None:
        super().__init__(name="examgen-fsync", daemon=True)
        self.wal = wal
        self.event = threading.Event()
        self._stopping = False

    def run(self) -> None:
        while True:
            self.event.wait()
            self.event.clear()
            fsync_path(self.wal)
            if self._stopping:
                return

    def stop(self) -> None:
        self._stopping = True
        self.event.set()
        self.join(timeout=5)



def is_busy(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


class IntegrityFailure(sqlite3.DatabaseError):
    """`PRAGMA quick_check` did not answer "ok": the file is damaged."""


_CORRUPT_CODES = (11, 26)   # SQLITE_CORRUPT, SQLITE_NOTADB


def is_corrupt(exc: BaseException) -> bool:
    """SQLite itself says the file is damaged or not a database (or our integrity check failed)."""
    if isinstance(exc, IntegrityFailure):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _CORRUPT_CODES
    msg = str(exc).lower()
    return "malformed" in msg or "not a database" in msg


def is_access(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return "unable to open" in msg or "readonly" in msg or "read-only" in msg or "permission" in msg \
        or "disk i/o" in msg


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def move_aside(path: Path, exc: BaseException) -> UserError:
    """Keep a corrupt database (and its WAL) under a new name; never delete it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    try:
        os.replace(path, target)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
    except OSError as move_exc:
        return UserError(bi("store.unmovable", path=path, reason=reason, error=move_exc.strerror or move_exc),
                         STORE_ERROR)
    return UserError(bi("store.moved", path=path, reason=reason, target=target), STORE_ERROR)
