"""Spaced repetition over bank items and generated kinds: Leitner boxes.

Every graded attempt (in an exam or in practice) moves its card: fully right → one box up, at least half right →
same box, otherwise back to box 1. A card in box b is due again `INTERVAL_DAYS[b]` days after its last review.
`weak_order` puts first what is due (lowest box, most often wrong), then what was never seen from the chapters the
student scores worst in, then the rest by box.

Cards are keyed `item:<bank id>` for bank items and `kind:<name>` for generated kinds (every seed of a kind is
the same skill).

The rest of examgen sees the scheduler only through `update_in` (one graded attempt, a score in 0–1) and the
`due_at` of a card (`due_at`, `weak_order`): swapping the Leitner boxes for another scheduler (FSRS) changes this
module only."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from typing import Any, Iterable

BOXES = 5
INTERVAL_DAYS = {1: 0.0, 2: 1.0, 3: 3.0, 4: 7.0, 5: 16.0}
DAY = 86400.0


def key_for(problem: Any) -> str:
    """The schedule card of a problem."""
    if getattr(problem, "item_id", None):
        return f"item:{problem.item_id}"
    return f"kind:{problem.kind}"


def next_box(box: int, score: float) -> int:
    if score >= 1.0 - 1e-9:
        return min(box + 1, BOXES)
    if score >= 0.5:
        return max(box, 1)
    return 1


def update_in(conn: sqlite3.Connection, key: str, score: float, now: float) -> None:
    """Move one card after a graded attempt (inside the caller's transaction)."""
    row = conn.execute("SELECT box, seen, wrong FROM schedule WHERE key = ?", (key,)).fetchone()
    box, seen, wrong = (int(row[0]), int(row[1]), int(row[2])) if row else (1, 0, 0)
    new = next_box(box, score)
    due = now + INTERVAL_DAYS[new] * DAY
    conn.execute("INSERT INTO schedule (key, box, due_at, seen, wrong, last_at) VALUES (?,?,?,?,?,?) "
                 "ON CONFLICT (key) DO UPDATE SET box = excluded.box, due_at = excluded.due_at, "
                 "seen = excluded.seen, wrong = excluded.wrong, last_at = excluded.last_at",
                 (key, new, due, seen + 1, wrong + (1 if score < 1.0 - 1e-9 else 0), now))


def due_at(schedule: dict[str, tuple[Any, ...]], key: str) -> float | None:
    """When the card is due again (a time stamp), from `Store.schedule()`; None for a card never seen."""
    row = schedule.get(key)
    return None if row is None else float(row[1])


@dataclass
class Card:
    key: str
    chapter: str
    box: int | None = None
    due_at: float | None = None
    seen: int = 0
    wrong: int = 0

    @property
    def error_rate(self) -> float:
        return self.wrong / self.seen if self.seen else 0.0


def chapter_accuracy(attempts: Iterable[Any]) -> dict[str, float]:
    """Points-weighted accuracy per chapter from attempt rows (chapter at index 6, points 7, earned 8)."""
    acc: dict[str, list[float]] = {}
    for row in attempts:
        a = acc.setdefault(row[6], [0.0, 0.0])
        a[0] += float(row[8])
        a[1] += float(row[7])
    return {c: (e / p if p else 0.0) for c, (e, p) in acc.items()}


def weak_order(cards: list[Card], now: float, chapter_acc: dict[str, float], salt: str = "") -> list[Card]:
    """Cards in practice order for `--weak`."""

    def tie(c: Card) -> bytes:
        return hashlib.blake2b(f"{salt}:{c.key}".encode(), digest_size=6).digest()

    def prio(c: Card) -> tuple[Any, ...]:
        if c.box is not None and c.due_at is not None and c.due_at <= now:
            return (0, c.box, -c.error_rate, c.due_at, tie(c))
        if c.box is None:
            return (1, round(chapter_acc.get(c.chapter, 0.6), 3), 0, 0, tie(c))
        return (2, c.box, -c.error_rate, c.due_at or 0, tie(c))

    return sorted(cards, key=prio)


def cards_from(keys_chapters: list[tuple[str, str]], schedule: dict[str, tuple[int, float, int, int, float]]) -> list[Card]:
    out = []
    for key, chapter in keys_chapters:
        s = schedule.get(key)
        if s is None:
            out.append(Card(key, chapter))
        else:
            out.append(Card(key, chapter, box=s[0], due_at=s[1], seen=s[2], wrong=s[3]))
    return out
