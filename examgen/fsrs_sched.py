"""FSRS card state in the store: one review of one card, and the replay of the old Leitner history.

The `fsrs` package (the reference implementation of the scheduler Anki uses) does the arithmetic; this module only
turns a graded attempt into a rating, keeps each card as `Card.to_dict()` JSON in `fsrs_cards`, and logs every
review in `fsrs_log`. Fuzzing is off, so the same history gives the same due dates on every machine. `fsrs` is
imported inside the functions: it costs about 75 ms and `examgen --help` must stay fast.

Ratings: a format error is not graded, so it is never rated. Otherwise a score under one half is Again (the skill
failed), at least half but not all is Hard, full marks is Good, and full marks in less than half the exam pace
(`FAST_S_PER_POINT` seconds per point; only when the time is known, i.e. in practice, never for replayed or exam
history) is Easy.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from typing import Any

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
# The shipped blueprint gives 120 minutes for 100 points: 72 s per point. "Fast" is under half that pace.
FAST_S_PER_POINT = 36.0
LEARNING_STEPS = (timedelta(minutes=1),)
LEARNING, REVIEW, RELEARNING = 1, 2, 3
# Anki's "learn ahead limit": a card in (re)learning is shown when due within this many seconds.
LEARN_AHEAD_S = 20 * 60.0


def rating_for(score: float, duration_s: float | None = None, points: float | None = None) -> int:
    """The FSRS rating (1 Again … 4 Easy) of a graded attempt with `score` in 0–1."""
    if score < 0.5:
        return AGAIN
    if score < 1.0 - 1e-9:
        return HARD
    if duration_s is not None and points and duration_s <= FAST_S_PER_POINT * float(points):
        return EASY
    return GOOD


def scheduler(retention: float) -> Any:
    """FSRS with its default weights, no fuzz, and one learning step of a minute: a problem kind solved right once
    graduates at once (its next seed is a new problem anyway), one got wrong comes back in the same session."""
    from fsrs import Scheduler

    return Scheduler(desired_retention=retention, learning_steps=LEARNING_STEPS,
                     enable_fuzzing=False)


def is_due(state: int | None, due_at: float | None, now: float) -> bool:
    """Due for review now (a card in (re)learning a little ahead, as Anki does)."""
    if due_at is None:
        return False
    return due_at <= now + (LEARN_AHEAD_S if state in (LEARNING, RELEARNING) else 0.0)


def card_id(key: str) -> int:
    """A stable card id from the key (fsrs would otherwise use the clock)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=6).digest(), "big")


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def load_card(text: str) -> Any:
    from fsrs import Card

    return Card.from_dict(json.loads(text))


def review_in(conn: sqlite3.Connection, key: str, score: float, now: float, retention: float,
              duration_s: float | None = None, points: float | None = None, source: str = "practice") -> float:
    """Review one card (inside the caller's transaction); returns its new due time stamp."""
    from fsrs import Card, Rating

    row = conn.execute("SELECT card, seen, wrong FROM fsrs_cards WHERE key = ?", (key,)).fetchone()
    card = load_card(row[0]) if row else Card(card_id=card_id(key), due=_dt(now))
    seen, wrong = (int(row[1]), int(row[2])) if row else (0, 0)
    rating = rating_for(score, duration_s, points)
    card, _ = scheduler(retention).review_card(card, Rating(rating), review_datetime=_dt(now))
    due = card.due.timestamp()
    conn.execute("INSERT INTO fsrs_cards (key, card, due_at, seen, wrong, last_at) VALUES (?,?,?,?,?,?) "
                 "ON CONFLICT (key) DO UPDATE SET card = excluded.card, due_at = excluded.due_at, "
                 "seen = excluded.seen, wrong = excluded.wrong, last_at = excluded.last_at",
                 (key, json.dumps(card.to_dict()), due, seen + 1, wrong + (1 if score < 1.0 - 1e-9 else 0), now))
    conn.execute("INSERT INTO fsrs_log (key, at, rating, score, duration_s, retention, due_at, source) "
                 "VALUES (?,?,?,?,?,?,?,?)", (key, now, rating, score, duration_s, retention, due, source))
    return due


def attempt_key(kind: str, ref: str) -> str:
    """The schedule card of an `attempts` row (as `schedule.key_for` gives it for the problem)."""
    return f"item:{ref}" if kind.startswith("bank-") else f"kind:{kind}"


def replay_pending(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM fsrs_meta WHERE name = 'replay'").fetchone() is not None


def replay_leitner(conn: sqlite3.Connection, retention: float) -> int:
    """The migration from Leitner boxes (inside the caller's write transaction): every graded attempt, in time
    order, becomes one FSRS review of its card, so the whole history is kept. A Leitner card with no attempt left
    becomes a review card due when its box said. Returns the number of reviews replayed."""
    if not replay_pending(conn):
        return 0
    n = 0
    rows = conn.execute("SELECT at, source, kind, ref, score FROM attempts ORDER BY at, id").fetchall()
    for at, source, kind, ref, score in rows:
        review_in(conn, attempt_key(kind, ref), float(score), float(at), retention, source=f"{source}-replay")
        n += 1
    from fsrs import Card, State

    for key, due_at, seen, wrong, last_at in conn.execute(
            "SELECT key, due_at, seen, wrong, last_at FROM schedule WHERE key NOT IN (SELECT key FROM fsrs_cards)"
    ).fetchall():
        days = max((float(due_at) - float(last_at)) / 86400.0, 1.0)
        card = Card(card_id=card_id(key), state=State.Review, stability=days, difficulty=5.0,
                    due=_dt(float(due_at)), last_review=_dt(float(last_at)))
        conn.execute("INSERT INTO fsrs_cards (key, card, due_at, seen, wrong, last_at) VALUES (?,?,?,?,?,?)",
                     (key, json.dumps(card.to_dict()), float(due_at), int(seen), int(wrong), float(last_at)))
    conn.execute("DELETE FROM fsrs_meta WHERE name = 'replay'")
    return n


def retrievability(card_json: str, now: float) -> float:
    """The probability (FSRS's forgetting curve) of recalling the card at time `now`."""
    return float(scheduler(0.9).get_card_retrievability(load_card(card_json), _dt(now)))
