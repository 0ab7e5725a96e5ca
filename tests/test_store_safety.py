"""Issue 16: a healthy history is never moved aside; read-only commands read a read-only directory; `--force`
writes through a symlink."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from examgen.errors import UserError
from examgen.exam import build_exam
from examgen.store import STORE_ERROR, Store, db_path

EXAMGEN = [sys.executable, "-m", "examgen"]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EXAMGEN_CACHE", str(tmp_path_factory.getbasetemp() / "examgen-cache"))


def run(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(EXAMGEN + list(args), capture_output=True, text=True, input=stdin,
                          env=dict(os.environ, COLUMNS="100", **env), timeout=120)


def history_ids() -> list[int]:
    r = run("history", "--json")
    assert r.returncode == 0, r.stderr
    return [row["id"] for row in json.loads(r.stdout)]


def aside() -> list[Path]:
    return sorted(p for p in db_path().parent.iterdir() if ".corrupt-" in p.name)


def two_exams(tmp_path: Path) -> list[int]:
    sheet = tmp_path / "ok.yaml"
    sheet.write_text("1: A\n2: B\n")
    for seed in (1, 2):
        r = run("exam", "--seed", str(seed), "--answers", str(sheet), "--json")
        assert r.returncode == 0, r.stderr
    ids = history_ids()
    assert len(ids) == 2
    return ids


# ---------------------------------------------------------------- hostile sheets do not cost the history
def test_alias_bomb_and_10_mb_answer_are_refused_and_history_survives(tmp_path):
    ids = two_exams(tmp_path)
    rows = ['x: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    rows += [f"y{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    for number in (1, 11, 16, 20, 21):
        bomb = tmp_path / f"bomb{number}.yaml"
        bomb.write_text("\n".join(rows + [f"{number}: [" + ",".join(["*l8"] * 9) + "]"]) + "\n")
        assert len(bomb.read_bytes()) < 600
        t = time.perf_counter()
        r = run("exam", "--seed", "1", "--answers", str(bomb))
        wall = time.perf_counter() - t
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and "anchors and aliases" in r.stderr, r.stderr
        assert wall < 30           # the whole process; the refusal itself is timed in test_hostile_input
    big = tmp_path / "big.yaml"
    big.write_text('1: "' + "1" * 10_000_000 + '"\n')
    r = run("exam", "--seed", "1", "--answers", str(big))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "too large" in r.stderr
    assert history_ids() == ids and aside() == []


# ---------------------------------------------------------------- errors that are not corruption
def test_a_data_error_in_a_write_leaves_the_database_in_place():
    with Store.open() as s:
        first = s.create_exam(build_exam(1), "en", "piped", 60)
        s.save_answer(first, 1, "", "B")
    s = Store.open()
    s.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1000)      # the paper JSON is now "string or blob too big"
    with pytest.raises(UserError) as exc:
        s.create_exam(build_exam(2), "en", "piped", 60)
    msg = exc.value.message
    assert exc.value.code == STORE_ERROR and "\n" not in msg and "too big" in msg and "left as it is" in msg
    assert s.broken is None
    s.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1_000_000_000)
    second = s.create_exam(build_exam(2), "en", "piped", 60)     # the same connection goes on
    s.close()
    assert db_path().exists() and aside() == []
    with Store.open() as s:
        assert [r.id for r in s.exams()] == [second, first]
        assert s.state(first).answers == {1: {"": "B"}}


def test_a_constraint_error_leaves_the_database_in_place():
    with Store.open() as s:
        eid = s.create_exam(build_exam(1), "en", "piped", 60)
        with pytest.raises(UserError) as exc:
            s.save_answer(eid + 100, 1, "", "B")               # no such exam: FOREIGN KEY constraint failed
        assert exc.value.code == STORE_ERROR and "constraint" in exc.value.message.lower()
        s.save_answer(eid, 1, "", "C")
    assert aside() == []
    with Store.open() as s:
        assert s.state(eid).answers == {1: {"": "C"}}


def test_an_answer_too_long_to_keep_is_refused_before_the_write():
    with Store.open() as s:
        eid = s.create_exam(build_exam(1), "en", "piped", 60)
        s.save_answer(eid, 1, "", "A")
        with pytest.raises(UserError) as exc:
            s.save_answer(eid, 2, "", "x" * 10_001)
        assert "the answer to item 2 is longer than 10,000 characters" in exc.value.message
        assert "第 2 题的答案超过 10,000 个字符" in exc.value.text("zh")
        s.save_answer(eid, 3, "", "B")
        s.log_input(eid, "y" * 50_000, "format", 4, "")
        state = s.state(eid)
        logged = s.conn.execute("SELECT text FROM input_log WHERE status = 'format'").fetchone()[0]
    assert state.answers == {1: {"": "A"}, 3: {"": "B"}}
    assert logged.startswith("y" * 10_000) and "50,000 characters, cut" in logged and len(logged) < 10_100


def test_the_exam_goes_on_after_a_line_too_long(tmp_path):
    """Piped exam: a 20 kB line is a format error (kept in the log, cut); the answers before and after are saved."""
    ex = build_exam(5)
    first = ex.item(1).problem.parts[0]
    lines = ["A", "x" * 20_000, "B", ":s"]
    r = run("exam", "--seed", "5", "--json", stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr[-500:]
    data = json.loads(r.stdout)
    answered = {i["number"]: i["answers"] for i in data["items"] if i["answers"]}
    assert answered == {1: {"": "A"}, 2: {"": "B"}}, (answered, first)
    assert aside() == [] and history_ids() == [data["exam_id"]]


# ---------------------------------------------------------------- truly corrupt: still moved aside
def test_a_file_that_is_not_a_database_is_still_moved_aside():
    path = db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    r = run("history")
    assert r.returncode == STORE_ERROR and r.stderr.count("\n") == 1 and "corrupt-" in r.stderr
    assert len(aside()) == 1 and not path.exists()


# ---------------------------------------------------------------- read-only commands
def _readonly_dir_command(data_dir: Path, *args: str) -> list[str]:
    """`python ARGS` with the data directory read-only for real: chmod 555 as a non-root user; as root (whom
    chmod does not stop) the directory is bind-mounted read-only in a private mount namespace."""
    if os.geteuid() != 0:
        data_dir.chmod(0o555)
        return [sys.executable, *args]
    assert shutil.which("unshare"), "as root this test needs unshare(1) to make a read-only mount"
    d = shlex.quote(str(data_dir))
    cmd = " ".join(shlex.quote(a) for a in [sys.executable, *args])
    return ["unshare", "-m", "sh", "-c", f"mount --bind {d} {d} && mount -o remount,bind,ro {d} && exec {cmd}"]


def test_history_stats_review_work_in_a_read_only_data_directory(tmp_path):
    ids = two_exams(tmp_path)
    home = db_path().parent
    before = {p.name: p.read_bytes() for p in home.iterdir()}
    try:
        probe = subprocess.run(_readonly_dir_command(home, "-c", f"open({str(home / 'probe')!r}, 'w')"),
                               capture_output=True, text=True, env=os.environ.copy(), timeout=60)
        assert probe.returncode != 0 and ("Read-only" in probe.stderr or "Permission" in probe.stderr)
        for args in (["history", "--json"], ["stats", "--json"], ["review", str(ids[0]), "--json"]):
            r = subprocess.run(_readonly_dir_command(home, "-m", "examgen", *args), capture_output=True,
                               text=True, env=os.environ.copy(), timeout=60)
            assert r.returncode == 0, (args, r.stderr)
            data = json.loads(r.stdout)
            if args[0] == "history":
                assert [row["id"] for row in data] == ids
            elif args[0] == "stats":
                assert data["chapters"]
            else:
                assert data["exam_id"] == ids[0]
        r = subprocess.run(_readonly_dir_command(home, "-m", "examgen", "exam", "--seed", "3", "--answers",
                                                 str(tmp_path / "ok.yaml")),
                           capture_output=True, text=True, env=os.environ.copy(), timeout=60)
        assert r.returncode == STORE_ERROR and r.stderr.count("\n") == 1, r.stderr
    finally:
        home.chmod(0o755)
    assert {p.name: p.read_bytes() for p in home.iterdir()} == before


def test_a_readonly_store_never_writes():
    with Store.open() as s:
        eid = s.create_exam(build_exam(1), "en", "piped", 60)
    path = db_path()
    path.chmod(0o444)
    before = path.read_bytes()
    with Store.open(readonly=True) as s:
        assert [r.id for r in s.exams()] == [eid]
        with pytest.raises(UserError) as exc:
            s.save_answer(eid, 1, "", "A")
        assert exc.value.code == STORE_ERROR and "\n" not in exc.value.message
    assert path.read_bytes() == before and aside() == []
    path.chmod(0o644)


def test_a_missing_database_reads_as_an_empty_history_and_is_not_created():
    assert not db_path().exists()
    with Store.open(readonly=True) as s:
        assert s.exams() == [] and s.attempts() == [] and s.schedule() == {}
    assert not db_path().exists()


# ---------------------------------------------------------------- --force and symlinks
def test_force_writes_through_a_symlink(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    r = run("export", "--seed", "1", "-o", str(link))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--force" in r.stderr and str(real) in r.stderr
    assert real.read_text() == "old"
    r = run("export", "--seed", "1", "-o", str(link), "--force")
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("# ") and "old" != real.read_text()
