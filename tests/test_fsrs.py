"""The FSRS schedule: a scripted history gives the due dates `fsrs` itself gives, the ratings follow the verdicts,
and an old store with Leitner boxes migrates with every review kept."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card as FCard, Rating, Scheduler, State

from examgen.errors import UserError
from examgen.schedule import parse_retention, update_in
from examgen.store import MIGRATIONS, SCHEMA_VERSION, Store

T0 = 1_700_000_000.0
MIN, HOUR, DAY = 60.0, 3600.0, 86400.0
# (seconds after T0, score, seconds taken or None, points, the rating a teacher reads off the verdict)
HISTORY = [
    (0, 0.0, None, 6, Rating.Again),            # wrong
    (2 * MIN, 1.0, 400.0, 6, Rating.Good),      # right, slow (400 s > 36 s × 6)
    (3 * DAY, 0.5, None, 6, Rating.Hard),       # half the points
    (9 * DAY, 1.0, 100.0, 6, Rating.Easy),      # right in 100 s ≤ 216 s
    (40 * DAY, 0.2, 30.0, 6, Rating.Again),     # mostly wrong: a lapse even though fast
    (40 * DAY + 15 * MIN, 1.0, None, 6, Rating.Good),
    (45 * DAY, 0.75, None, 6, Rating.Hard),
    (80 * DAY, 1.0, None, 6, Rating.Good),
]


def _conn() -> sqlite3.Connection:
    c = sqlite3.connect(":memory:")
    for script in MIGRATIONS:
        c.executescript(script)
    return c


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def _reference(retention: float) -> list[datetime]:
    """The due dates of the scripted history, from `fsrs` called directly with the ratings written above."""
    sched = Scheduler(desired_retention=retention, learning_steps=(timedelta(minutes=1),), enable_fuzzing=False)
    card = FCard(card_id=1, due=_dt(T0))
    out = []
    for at, _, _, _, rating in HISTORY:
        card, _ = sched.review_card(card, rating, review_datetime=_dt(T0 + at))
        out.append(card.due)
    return out


@pytest.mark.parametrize("retention", [0.9, 0.8, 0.97])
def test_scripted_history_gives_fsrs_own_due_dates(retention, monkeypatch):
    monkeypatch.setenv("EXAMGEN_RETENTION", str(retention))
    c = _conn()
    got = []
    for at, score, took, points, _ in HISTORY:
        update_in(c, "kind:iou", score, T0 + at, duration_s=took, points=points)
        got.append(c.execute("SELECT due_at FROM fsrs_cards WHERE key = 'kind:iou'").fetchone()[0])
    want = _reference(retention)
    assert [round(g, 3) for g in got] == [round(w.timestamp(), 3) for w in want]
    intervals = [round((g - (T0 + h[0])) / DAY, 4) for g, h in zip(got, HISTORY)]
    assert intervals[0] == round(1 / 1440, 4)            # wrong at first sight: again in the minute's step
    assert intervals[3] > intervals[2] >= intervals[1] > 0       # Easy after Hard after Good: never shorter
    assert intervals[4] < 1 < intervals[7]                        # a lapse comes back the same day
    log = c.execute("SELECT rating, score, duration_s, retention FROM fsrs_log ORDER BY id").fetchall()
    assert [r[0] for r in log] == [int(h[4]) for h in HISTORY]
    assert all(r[3] == retention for r in log)
    seen, wrong = c.execute("SELECT seen, wrong FROM fsrs_cards").fetchone()
    assert (seen, wrong) == (8, 4)


def test_lower_retention_means_longer_intervals(monkeypatch):
    last = {}
    for r in (0.8, 0.95):
        monkeypatch.setenv("EXAMGEN_RETENTION", str(r))
        c = _conn()
        for at, score, took, points, _ in HISTORY:
            update_in(c, "kind:iou", score, T0 + at, duration_s=took, points=points)
        last[r] = c.execute("SELECT due_at FROM fsrs_cards").fetchone()[0]
    assert last[0.8] - last[0.95] > 30 * DAY


def _v2_store(path) -> dict[str, int]:
    """A store as examgen wrote it before FSRS (schema v2: Leitner boxes), with 3 cards' history."""
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.executescript(MIGRATIONS[1])
    conn.execute("PRAGMA user_version = 2")
    rows = [  # at, source, ref, kind, chapter, points, earned
        (T0, "practice", "iou:1", "iou", "detection", 6, 0.0),
        (T0 + 100, "practice", "iou:2", "iou", "detection", 6, 6.0),
        (T0 + 2 * DAY, "exam", "iou:3", "iou", "detection", 6, 3.0),
        (T0 + 2 * DAY, "exam", "cnn-single-01", "bank-single", "cnn", 2, 2.0),
        (T0 + 5 * DAY, "practice", "cnn-single-01", "bank-single", "cnn", 2, 2.0),
        (T0 + 6 * DAY, "practice", "otsu:5", "otsu", "image-processing", 7, 7.0),
    ]
    for at, source, ref, kind, chapter, points, earned in rows:
        conn.execute("INSERT INTO attempts (at, source, exam_id, number, ref, kind, chapter, points, earned, score) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?)", (at, source, None, None, ref, kind, chapter, points, earned,
                                                       earned / points))
    leitner = [("kind:iou", 2, T0 + 3 * DAY, 3, 2, T0 + 2 * DAY), ("item:cnn-single-01", 3, T0 + 8 * DAY, 2, 0,
                                                                   T0 + 5 * DAY),
               ("kind:otsu", 2, T0 + 7 * DAY, 1, 0, T0 + 6 * DAY),
               ("kind:nms", 4, T0 + 20 * DAY, 3, 0, T0 + 13 * DAY)]  # its attempts are gone: kept from its box
    conn.executemany("INSERT INTO schedule VALUES (?,?,?,?,?,?)", leitner)
    conn.commit()
    conn.close()
    return {k: seen for k, _, _, seen, _, _ in leitner}


def test_leitner_store_migrates_with_every_review_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("EXAMGEN_RETENTION", raising=False)
    path = tmp_path / "v2.db"
    seen = _v2_store(path)
    with Store.open(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        cards = s.fsrs_cards()
        log = s.review_log()
        # every attempt became one review, in time order, and each card has as many reviews as its Leitner box saw
        assert len(log) == len(s.attempts()) == 6
        assert {k: sum(1 for r in log if r[0] == k) for k in seen if k != "kind:nms"} == \
               {k: n for k, n in seen.items() if k != "kind:nms"}
        assert [r[1] for r in log] == sorted(r[1] for r in log)
        assert {k: cards[k][2] for k in cards} == seen
        # the Leitner table itself is kept untouched
        assert s.conn.execute("SELECT COUNT(*) FROM schedule").fetchone()[0] == 4
        # the replay equals fsrs run directly over the same history
        sched = Scheduler(desired_retention=0.9, learning_steps=(timedelta(minutes=1),), enable_fuzzing=False)
        card = FCard(card_id=7, due=_dt(T0))
        for at, rating in ((T0, Rating.Again), (T0 + 100, Rating.Good), (T0 + 2 * DAY, Rating.Hard)):
            card, _ = sched.review_card(card, rating, review_datetime=_dt(at))
        assert cards["kind:iou"][1] == pytest.approx(card.due.timestamp(), abs=1e-3)
        assert json.loads(cards["kind:iou"][0])["stability"] == pytest.approx(card.stability)
        nms = json.loads(cards["kind:nms"][0])
        assert cards["kind:nms"][1] == T0 + 20 * DAY and nms["state"] == State.Review.value
        # a new review continues the replayed card; the replay happens once
        s.record_practice(type("P", (), {"item_id": None, "kind": "iou", "ref": "iou:9", "topic": "detection"})(),
                          6.0, 6.0)
        assert len(s.review_log()) == 7 and s.fsrs_cards()["kind:iou"][2] == 4
    with Store.open(path) as s:
        assert len(s.review_log()) == 7


def test_fresh_store_has_nothing_to_replay():
    with Store.open() as s:
        assert s.fsrs_cards() == {} and s.conn.execute("SELECT COUNT(*) FROM fsrs_meta").fetchone()[0] == 0


@pytest.mark.parametrize("value", ["0.5", "1", "abc", "", "nan"])
def test_bad_retention_is_refused(value):
    with pytest.raises(UserError) as exc:
        parse_retention(value)
    assert "0.7" in exc.value.en and "0.99" in exc.value.en and "0.7" in exc.value.zh and exc.value.zh != exc.value.en


@pytest.mark.parametrize("lang, args, env, want", [
    ("en", ["--retention", "0.5"], {}, "--retention must be a number from 0.7 to 0.99"),
    ("zh", ["--retention", "x"], {}, "--retention 应为 0.7 到 0.99 之间的数"),
    ("en", [], {"EXAMGEN_RETENTION": "high"}, "EXAMGEN_RETENTION must be a number from 0.7 to 0.99"),
])
def test_practice_retention_errors_are_one_line(lang, args, env, want, monkeypatch):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    r = subprocess.run([sys.executable, "-m", "examgen", "practice", "--kind", "iou", "--lang", lang] + args,
                       input="", capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and want in r.stderr and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_practice_with_retention_records_it():
    r = subprocess.run([sys.executable, "-m", "examgen", "practice", "--kind", "iou", "-n", "1", "--seed", "1",
                        "--retention", "0.85", "--lang", "en"], input="0\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    with Store.open() as s:
        log = s.review_log()
    assert len(log) == 1 and log[0][0] == "kind:iou" and log[0][5] == 0.85 and log[0][2] == int(Rating.Again)
    assert log[0][4] is not None and log[0][7] == "practice"


def test_practice_due_only_shows_what_is_due():
    def run(args, stdin=""):
        return subprocess.run([sys.executable, "-m", "examgen", "practice", "--lang", "en"] + args, input=stdin,
                              capture_output=True, text=True, timeout=60)

    r = run(["--due"])
    assert r.returncode == 0 and "Nothing is due for review now." in r.stdout
    assert run(["--kind", "iou", "-n", "1", "--seed", "2"], "0\n").returncode == 0     # wrong: Again, due in 1 min
    assert run(["--kind", "spp-length", "-n", "1", "--seed", "2"], "0\n").returncode == 0
    r = run(["--due", "-n", "5", "--seed", "4"], "0\n\n0\n\n0\n\n")
    assert r.returncode == 0
    titles = re.findall(r"Practice \d+/(\d+) · ([a-z-]+):\d+ \(due for review\)", r.stdout)
    assert sorted(k for _, k in titles) == ["iou", "spp-length"] and {n for n, _ in titles} == {"2"}
