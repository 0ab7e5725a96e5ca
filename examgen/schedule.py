"""Spaced repetition over bank items and generated kinds: FSRS (`examgen.fsrs_sched`).

Every graded attempt (in an exam or in practice) is one FSRS review of its card, rated from the score (see
`fsrs_sched.rating_for`). The card is due again when FSRS says its recall probability falls to the retention target
(`--retention`, else `EXAMGEN_RETENTION`, else 0.9). `weak_order` puts first what is due (least likely to be
recalled, most often wrong), then what was never seen from the chapters the student scores worst in, then the rest
by due date.

Cards are keyed `item:<bank id>` for bank items and `kind:<name>` for generated kinds (every seed of a kind is
the same skill).

The rest of examgen sees the scheduler only through `update_in` (one graded attempt, a score in 0–1) and the due
time of a card (`due_at`, `weak_order`): the scheduler's arithmetic lives in `fsrs_sched`."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass
from typing import Any, Iterable

from examgen.errors import UserError
from examgen.i18n import Bi

DAY = 86400.0
ENV_RETENTION = "EXAMGEN_RETENTION"
DEFAULT_RETENTION = 0.9
RETENTION_RANGE = (0.7, 0.99)
_retention: float | None = None
NOTHING_DUE = Bi("现在没有到期需要复习的题目。examgen plan 给出今天该练什么。",
                 "Nothing is due for review now. examgen plan says what to practise today.")


def parse_retention(value: Any, where: str = "--retention") -> float:
    """A retention target in 0.7–0.99, or a one-line bilingual error."""
    lo, hi = RETENTION_RANGE
    try:
        r = float(value)
    except (TypeError, ValueError):
        r = float("nan")
    if not lo <= r <= hi:
        raise UserError(Bi(f"{where} 应为 {lo} 到 {hi} 之间的数（目标记忆保持率），收到的是 '{value}'",
                           f"{where} must be a number from {lo} to {hi} (the share of cards you want to still "
                           f"recall when they come due), got '{value}'"))
    return r


def set_retention(value: float | None) -> None:
    """The retention target for this process (`--retention`); None: the environment or the default."""
    global _retention
    _retention = None if value is None else parse_retention(value)


def retention() -> float:
    if _retention is not None:
        return _retention
    env = os.environ.get(ENV_RETENTION)
    return parse_retention(env, ENV_RETENTION) if env not in (None, "") else DEFAULT_RETENTION


def key_for(problem: Any) -> str:
    """The schedule card of a problem."""
    if getattr(problem, "item_id", None):
        return f"item:{problem.item_id}"
    return f"kind:{problem.kind}"


def replay_in(conn: sqlite3.Connection) -> int:
    """Replay a Leitner history not yet replayed into FSRS (inside the caller's write transaction)."""
    from examgen.fsrs_sched import replay_leitner, replay_pending

    return replay_leitner(conn, retention()) if replay_pending(conn) else 0


def update_in(conn: sqlite3.Connection, key: str, score: float, now: float, duration_s: float | None = None,
              points: float | None = None, source: str = "practice") -> None:
    """Review one card after a graded attempt (inside the caller's transaction). `duration_s`: the time the
    student took, when known (a fast full-marks answer is rated Easy)."""
    from examgen.fsrs_sched import review_in

    replay_in(conn)
    review_in(conn, key, score, now, retention(), duration_s=duration_s, points=points, source=source)


def due_at(schedule: dict[str, tuple[Any, ...]], key: str) -> float | None:
    """When the card is due again (a time stamp), from `Store.schedule()`; None for a card never seen."""
    row = schedule.get(key)
    return None if row is None else float(row[1])


@dataclass
class Card:
    key: str
    chapter: str
    state: int | None = None     # FSRS state (1 learning, 2 review, 3 relearning); None: never seen
    due_at: float | None = None
    seen: int = 0
    wrong: int = 0

    @property
    def error_rate(self) -> float:
        return self.wrong / self.seen if self.seen else 0.0

    def is_due(self, now: float) -> bool:
        from examgen.fsrs_sched import is_due

        return is_due(self.state, self.due_at, now)


def chapter_accuracy(attempts: Iterable[Any]) -> dict[str, float]:
    """Points-weighted accuracy per chapter from attempt rows (chapter at index 6, points 7, earned 8)."""
    acc: dict[str, list[float]] = {}
    for row in attempts:
        a = acc.setdefault(row[6], [0.0, 0.0])
        a[0] += float(row[8])
        a[1] += float(row[7])
    return {c: (e / p if p else 0.0) for c, (e, p) in acc.items()}


def weak_order(cards: list[Card], now: float, chapter_acc: dict[str, float], salt: str = "") -> list[Card]:
    """Cards in practice order for `--weak`: due first (longest overdue, most often wrong), then never seen from the
    weakest chapters, then the rest by due date."""

    def tie(c: Card) -> bytes:
        return hashlib.blake2b(f"{salt}:{c.key}".encode(), digest_size=6).digest()

    def prio(c: Card) -> tuple[Any, ...]:
        if c.is_due(now):
            return (0, c.due_at, -c.error_rate, tie(c))
        if c.due_at is None:
            return (1, round(chapter_acc.get(c.chapter, 0.6), 3), 0, tie(c))
        return (2, c.due_at, -c.error_rate, tie(c))

    return sorted(cards, key=prio)


def cards_from(keys_chapters: list[tuple[str, str]], schedule: dict[str, tuple[int, float, int, int, float]]) -> list[Card]:
    out = []
    for key, chapter in keys_chapters:
        s = schedule.get(key)
        if s is None:
            out.append(Card(key, chapter))
        else:
            out.append(Card(key, chapter, state=s[0], due_at=s[1], seen=s[2], wrong=s[3]))
    return out
