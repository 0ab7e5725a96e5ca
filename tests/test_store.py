"""The history database: round trips, migrations, corrupt files kept aside, two writers at once."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from examgen.errors import UserError
from examgen.exam import build_exam, grade_exam, paper_json
from examgen.schedule import key_for
from examgen.store import MIGRATIONS, SCHEMA_VERSION, STORE_ERROR, Store, data_dir, db_path


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    """The parsed-bank cache in a directory of this test session, not the user's cache directory."""
    monkeypatch.setenv("EXAMGEN_CACHE", str(tmp_path_factory.getbasetemp() / "examgen-cache"))


EXAMGEN = [sys.executable, "-m", "examgen"]


def test_data_dir_follows_examgen_home(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMGEN_HOME", str(tmp_path / "h"))
    assert data_dir() == tmp_path / "h"
    assert db_path() == tmp_path / "h" / "examgen.db"
    monkeypatch.delenv("EXAMGEN_HOME")
    assert data_dir().name == "examgen"


def test_answers_flags_clock_round_trip():
    ex = build_exam(5)
    with Store.open() as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        eid = s.create_exam(ex, "zh", "piped", 3600)
        s.start(eid, 0.0)
        s.save_answer(eid, 1, "", "B", elapsed_s=12.5, current=2)
        s.save_answer(eid, 1, "", "C", elapsed_s=13.0, current=2)
        s.save_answer(eid, 21, "gx", "1 2; 3 4", elapsed_s=20.0, current=21)
        s.save_answer(eid, 2, "", "A", elapsed_s=21.0)
        s.save_answer(eid, 2, "", None, elapsed_s=22.0)        # cleared
        s.set_flag(eid, 3, True)
        s.set_flag(eid, 4, True)
        s.set_flag(eid, 4, False)
        s.log_input(eid, "zz", "format", 5, "")
    with Store.open() as s:
        st = s.state(eid)
        assert st.answers == {1: {"": "C"}, 21: {"gx": "1 2; 3 4"}}
        assert st.flags == {3}
        assert st.current == 21 and st.elapsed_s == 22.0
        row = s.exam_row(eid)
        assert row.status == "running" and row.remaining_s == 3600 - 22.0
        log = [r[0] for r in s.conn.execute("SELECT status FROM input_log WHERE exam_id = ? ORDER BY id", (eid,))]
        assert log == ["answer", "answer", "answer", "answer", "clear", "format"]
        assert json.dumps(paper_json(s.load_exam(eid), "en")) == json.dumps(paper_json(ex, "en"))


def test_load_exam_unknown_id():
    with Store.open() as s:
        with pytest.raises(UserError, match="no exam with id 42"):
            s.load_exam(42)


def test_submit_records_attempts_and_schedule_once():
    ex = build_exam(6)
    with Store.open() as s:
        eid = s.create_exam(ex, "en", "sheet", 7200)
        report = grade_exam(ex, {1: {"": "A"}}, exam_id=eid)
        s.submit(eid, report, 10.0, "student")
        s.submit(eid, report, 10.0, "student")          # a second submit changes nothing
        # only question 1 was answered: the 23 left blank score 0 on the paper but are no attempts and no reviews
        assert [r[3] for r in s.attempts("exam")] == [1]    # (at, source, exam_id, number, …)
        row = s.exam_row(eid)
        assert row.status == "submitted" and row.score == report.total and row.max_score == 100
        assert list(s.schedule()) == [key_for(ex.items[0].problem)]
        full = {it.number: {p.name: "1" for p in it.problem.parts} for it in ex.items}
        eid = s.create_exam(ex, "en", "sheet", 7200)
        s.submit(eid, grade_exam(ex, full, exam_id=eid), 10.0, "student")
        assert len([r for r in s.attempts("exam") if r[2] == eid]) == len(ex.items)
        sched = s.schedule()
        assert "kind:iou" in sched and all(k.startswith(("kind:", "item:")) for k in sched)


def test_migration_from_v1_keeps_the_data(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO exams (created_at, seed, blueprint, paper, lang, mode, duration_s) "
                 "VALUES (1, 9, 'default', '{}', 'en', 'piped', 60)")
    conn.commit()
    conn.close()
    with Store.open(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert s.conn.execute("SELECT seed FROM exams").fetchone()[0] == 9
        s.conn.execute("SELECT key, box FROM schedule").fetchall()
        s.conn.execute("SELECT marks FROM self_marks").fetchall()


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(UserError) as exc:
        Store.open(path)
    assert exc.value.code == STORE_ERROR and "newer examgen" in exc.value.message and str(path) in exc.value.message
    assert path.exists()


@pytest.mark.parametrize("damage", ["garbage", "pages"])
def test_a_corrupt_database_is_moved_aside_never_deleted(damage):
    path = db_path()
    if damage == "garbage":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"this is not a database" * 300)
    else:
        with Store.open() as s:
            eid = s.create_exam(build_exam(1), "en", "piped", 60)
            for i in range(1, 25):
                s.save_answer(eid, i, "", "some answer text " * 40)
        with open(path, "r+b") as fh:
            fh.seek(4096 * 2)
            fh.write(b"\xff" * 4096 * 3)
    before = path.read_bytes()
    with pytest.raises(UserError) as exc:
        s = Store.open()
        s.exams()
    msg = exc.value.message
    assert exc.value.code == STORE_ERROR and "\n" not in msg and str(path) in msg
    kept = [p for p in path.parent.iterdir() if p.name.startswith("examgen.db.corrupt-") and not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and kept[0].read_bytes() == before and str(kept[0]) in msg
    assert not path.exists()
    with Store.open() as s:        # the next run starts a new database
        assert s.exams() == []


def test_corrupt_database_via_the_cli_is_one_line():
    path = db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00garbage" * 1000)
    r = subprocess.run(EXAMGEN + ["history"], capture_output=True, text=True, env=os.environ.copy())
    assert r.returncode == STORE_ERROR
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert str(path) in r.stderr and "corrupt-" in r.stderr
    r2 = subprocess.run(EXAMGEN + ["history", "--json"], capture_output=True, text=True, env=os.environ.copy())
    assert r2.returncode == 0 and json.loads(r2.stdout) == []


WRITER = textwrap.dedent("""
    import sys, time
    from examgen.exam import build_exam
    from examgen.store import Store
    seed, n, start = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    s = Store.open()
    eid = s.create_exam(build_exam(seed), "en", "piped", 7200)
    while time.time() < start:
        time.sleep(0.005)
    for i in range(n):
        s.save_answer(eid, 1 + i % 24, "", f"{seed}:{i}", elapsed_s=i * 0.1, current=1 + i % 24)
        if i % 10 == 0:
            s.set_flag(eid, 1 + i % 24, i % 20 == 0)
    print(eid)
""")


def test_two_processes_writing_at_once_do_not_corrupt_each_other():
    import time

    with Store.open():
        pass  # create and migrate first, as a first run would
    start = time.time() + 1.0
    n = 150
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(seed), str(n), str(start)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=os.environ.copy()) for seed in (1, 2)]
    ids = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        ids.append(int(out.strip()))
    assert len(set(ids)) == 2
    with Store.open() as s:
        assert s.integrity() == "ok"
        for seed, eid in zip((1, 2), ids):
            logged = s.conn.execute("SELECT COUNT(*) FROM input_log WHERE exam_id = ?", (eid,)).fetchone()[0]
            assert logged == n
            st = s.state(eid)
            assert len(st.answers) == 24
            assert all(v[""].startswith(f"{seed}:") for v in st.answers.values())
            assert st.answers[1][""] == f"{seed}:{(n - 1) // 24 * 24}"


def test_claim_refuses_a_live_session_elsewhere_and_accepts_a_dead_one():
    ex = build_exam(1)
    with Store.open() as s:
        eid = s.create_exam(ex, "en", "piped", 60)
        # a live process (our parent) holds it
        s.conn.execute("UPDATE exams SET owner_pid = ? WHERE id = ?", (os.getppid(), eid))
        with pytest.raises(UserError, match="open in another terminal"):
            s.claim(eid)
        # a dead one does not
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        s.conn.execute("UPDATE exams SET owner_pid = ? WHERE id = ?", (dead.pid, eid))
        s.claim(eid)
        assert s.exam_row(eid).owner_pid == os.getpid()


def test_not_a_file(tmp_path):
    (Path(os.environ["EXAMGEN_HOME"]) / "examgen.db").mkdir(parents=True)
    with pytest.raises(UserError, match="is not a file"):
        Store.open()
