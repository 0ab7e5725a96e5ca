"""Readiness: how likely the student answers an exam item right, per chapter × blueprint section, the predicted
score on the blueprint, and what to practise to raise it most.

* Every graded attempt (practice and exam) of a chapter × section is one trial with success `earned / points`
  (partial credit counts as a partial success). The cell's probability of answering right has the posterior
  Beta(1 + Σ successes, 1 + Σ failures): the prior Beta(1, 1) says "no idea" for a cell never practised.
* The blueprint says how many points each cell is worth (`cell_points`): a slot's points are split evenly over the
  chapters it may draw from (a bank slot's `chapters`, all chapters when it lists none; a kind slot's kinds'
  chapters).
* The predicted score is Σ points × probability. Its mean is exact; its 90 % interval is Monte Carlo over the cell
  posteriors (`DRAWS` draws, seed `MC_SEED`, so the same history always prints the same interval). The interval is
  about what the student knows, not the luck of which items a paper draws.
* `plan` ranks cells by expected gain = points × (1 − probability) × (2 − recall), recall being FSRS's mean
  probability of recalling the cell's cards on the day (`--until`, else today; 1 for cells never seen): the points
  still being lost, weighted up for what is being forgotten.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

PRIOR = (1.0, 1.0)
DRAWS = 4000
MC_SEED = 0
LEVEL = 0.90


@dataclass
class Cell:
    chapter: str
    section: str
    points: float = 0.0                      # what the blueprint gives this cell
    successes: float = 0.0
    failures: float = 0.0
    attempts: int = 0
    recall: float | None = None              # FSRS: mean recall probability of its cards on the day
    kinds: list[str] = field(default_factory=list)
    lo: float = 0.0
    hi: float = 1.0

    @property
    def alpha(self) -> float:
        return PRIOR[0] + self.successes

    @property
    def beta(self) -> float:
        return PRIOR[1] + self.failures

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def gain(self) -> float:
        recall = 1.0 if self.recall is None else self.recall
        return self.points * (1.0 - self.mean) * (2.0 - recall)


@dataclass
class Readiness:
    cells: list[Cell]
    total: float
    mean: float
    lo: float
    hi: float
    trend: list[tuple[int, float, float]]     # (exam id, submitted at, score in % of the paper)


def section_of_kind(bp: Any) -> dict[str, str]:
    """kind name (or `bank-<type>`) → the blueprint section it is asked in (its first slot listing it)."""
    out: dict[str, str] = {}
    for slot in bp.slots:
        names = [f"bank-{t}" for t in slot.types] if slot.source == "bank" else list(slot.kinds)
        for name in names:
            out.setdefault(name, slot.section)
    for slot in bp.slots:
        for name in slot.fallback:
            out.setdefault(name, slot.section)
    return out


def cell_points(bp: Any, kind_chapter: dict[str, str]) -> dict[tuple[str, str], float]:
    """(chapter, section) → the blueprint points it is worth on average."""
    from examgen.model import CHAPTERS

    out: dict[tuple[str, str], float] = {}
    for slot in bp.slots:
        if slot.source == "bank":
            chapters = list(slot.chapters or CHAPTERS)
        else:
            kinds = [k for k in slot.kinds if k in kind_chapter] or [k for k in slot.fallback if k in kind_chapter]
            chapters = [kind_chapter[k] for k in kinds]
        for ch in chapters:
            out[(ch, slot.section)] = out.get((ch, slot.section), 0.0) + slot.points / len(chapters)
    return out


def build(store: Any, bp: Any | None = None, at: float | None = None) -> Readiness:
    """The readiness of the student whose history is in `store` (at time `at`, default now)."""
    import time

    from examgen import registry
    from examgen.exam import load_blueprint
    from examgen.fsrs_sched import attempt_key, retrievability

    bp = bp or load_blueprint()
    at = time.time() if at is None else at
    kind_chapter = {k.name: k.chapter for k in registry.all_kinds()}
    kind_section = section_of_kind(bp)
    cells: dict[tuple[str, str], Cell] = {}
    for key, pts in cell_points(bp, kind_chapter).items():
        cells[key] = Cell(key[0], key[1], points=pts)
    for slot in bp.slots:
        for k in slot.kinds or slot.fallback:
            if k in kind_chapter and (kind_chapter[k], slot.section) in cells:
                c = cells[(kind_chapter[k], slot.section)]
                if k not in c.kinds:
                    c.kinds.append(k)
    card_cell: dict[str, tuple[str, str]] = {}
    for row in store.attempts():
        _, _, _, _, ref, kind, chapter, points, earned, _, _ = row
        section = kind_section.get(kind)
        if section is None or not points:
            continue
        c = cells.setdefault((chapter, section), Cell(chapter, section))
        s = min(max(float(earned) / float(points), 0.0), 1.0)
        c.successes += s
        c.failures += 1.0 - s
        c.attempts += 1
        card_cell[attempt_key(kind, ref)] = (chapter, section)
    recalls: dict[tuple[str, str], list[float]] = {}
    for key, (card, *_rest) in store.fsrs_cards().items():
        if key in card_cell:
            recalls.setdefault(card_cell[key], []).append(retrievability(card, at))
    for key, rs in recalls.items():
        cells[key].recall = sum(rs) / len(rs)
    ordered = sorted(cells.values(), key=lambda c: (_chapter_order(c.chapter), _section_order(bp, c.section)))
    mean, lo, hi = predict(ordered)
    trend = [(r.id, r.submitted_at or r.created_at, 100.0 * r.score / r.max_score)
             for r in reversed(store.exams(status="submitted")) if r.score is not None and r.max_score]
    return Readiness(ordered, round(sum(c.points for c in ordered), 6), mean, lo, hi, trend)


@dataclass
class ChapterRow:
    chapter: str
    cells: list[Cell | None]     # one per section of `sections(r)`; None where nothing is worth or known
    expected: float              # Σ points × probability over its cells
    points: float


def sections(r: Readiness) -> list[str]:
    return list(dict.fromkeys(c.section for c in r.cells))


def chapter_rows(r: Readiness) -> list[ChapterRow]:
    """The chapter × section grid of the stats view, one row per chapter."""
    secs = sections(r)
    out = []
    for ch in dict.fromkeys(c.chapter for c in r.cells):
        by_sec = {c.section: c for c in r.cells if c.chapter == ch and (c.points > 0 or c.attempts > 0)}
        shown = [by_sec.get(sec) for sec in secs]
        live = [c for c in shown if c is not None]
        out.append(ChapterRow(ch, shown, sum(c.points * c.mean for c in live), sum(c.points for c in live)))
    return out


def predict(cells: list[Cell]) -> tuple[float, float, float]:
    """The predicted score (exact mean) and its 90 % Monte Carlo interval; sets each cell's own interval."""
    rng = random.Random(MC_SEED)
    totals = [0.0] * DRAWS
    q = (1.0 - LEVEL) / 2
    for c in cells:
        draws = [rng.betavariate(c.alpha, c.beta) for _ in range(DRAWS)]
        for i, p in enumerate(draws):
            totals[i] += c.points * p
        draws.sort()
        c.lo, c.hi = _quantile(draws, q), _quantile(draws, 1 - q)
    totals.sort()
    return sum(c.points * c.mean for c in cells), _quantile(totals, q), _quantile(totals, 1 - q)


def _quantile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default)."""
    pos = q * (len(sorted_values) - 1)
    i = int(pos)
    j = min(i + 1, len(sorted_values) - 1)
    return sorted_values[i] + (sorted_values[j] - sorted_values[i]) * (pos - i)


def plan(r: Readiness, limit: int = 5) -> list[Cell]:
    """The cells to practise first: highest expected gain (weak, high-value, being forgotten)."""
    worth = [c for c in r.cells if c.points > 0]
    return sorted(worth, key=lambda c: (-c.gain, -c.points, c.chapter, c.section))[:limit]


def command_for(c: Cell, store_kind_means: dict[str, float]) -> str:
    """The practice command for a cell: its weakest kind when the section is generated, else its bank items."""
    if c.kinds:
        kind = min(c.kinds, key=lambda k: (store_kind_means.get(k, PRIOR[0] / sum(PRIOR)), k))
        return f"examgen practice --kind {kind}"
    if c.section == "short":
        return f"examgen practice --topic {c.chapter} --kind short"
    return f"examgen practice --topic {c.chapter} --weak"


def kind_means(store: Any) -> dict[str, float]:
    """Posterior mean per kind (same prior), to pick the weakest kind of a cell."""
    acc: dict[str, list[float]] = {}
    for row in store.attempts():
        kind, points, earned = row[5], float(row[7]), float(row[8])
        if points:
            a = acc.setdefault(kind, [PRIOR[0], PRIOR[1]])
            s = min(max(earned / points, 0.0), 1.0)
            a[0] += s
            a[1] += 1.0 - s
    return {k: a / (a + b) for k, (a, b) in acc.items()}


def _chapter_order(ch: str) -> int:
    from examgen.model import CHAPTERS

    return list(CHAPTERS).index(ch) if ch in CHAPTERS else 99


def _section_order(bp: Any, sec: str) -> int:
    ids = [s.id for s in bp.sections]
    return ids.index(sec) if sec in ids else 99


def to_json(r: Readiness) -> dict[str, Any]:
    return {"predicted": {"mean": round(r.mean, 2), "lo": round(r.lo, 2), "hi": round(r.hi, 2), "level": LEVEL,
                          "total": r.total, "method": f"monte-carlo {DRAWS} draws, seed {MC_SEED}"},
            "cells": [{"chapter": c.chapter, "section": c.section, "points": round(c.points, 3),
                       "attempts": c.attempts, "alpha": round(c.alpha, 4), "beta": round(c.beta, 4),
                       "p": round(c.mean, 4), "lo": round(c.lo, 4), "hi": round(c.hi, 4),
                       "recall": None if c.recall is None else round(c.recall, 4)} for c in r.cells],
            "trend": [{"exam": i, "at": at, "percent": round(p, 2)} for i, at, p in r.trend]}
