"""What Moodle XML, GIFT and Anki share: one question per distinct problem (bank id or kind + seed), its
category (course / examgen / chapter / kind), its name, and its numeric answers with the grader's tolerance."""

from __future__ import annotations

from dataclasses import dataclass

from examgen.export.document import DocItem, make_item, numeric_entries
from examgen.grading import tolerance
from examgen.mathfmt import num
from examgen.model import Part, Problem


@dataclass
class Entry:
    """One number a student types: its value and the tolerance the grader allows (0 for whole numbers)."""

    suffix: str
    value: float
    tol: float

    @property
    def value_text(self) -> str:
        return num(self.value, 10)

    @property
    def tol_text(self) -> str:
        return num(self.tol, 10)


def entries(part: Part) -> list[Entry] | None:
    raw = numeric_entries(part)
    if raw is None:
        return None
    out = []
    for suffix, value, integer, decimals in raw:
        tol = 0.0 if integer else tolerance(value, decimals, integer)
        out.append(Entry(suffix, value, float(f"{tol:.10g}")))
    return out


def distinct(problems: list[Problem]) -> list[Problem]:
    """Each problem once (a bank item drawn by two variants is one question), in first-seen order."""
    seen: set[str] = set()
    out = []
    for p in problems:
        if p.ref not in seen:
            seen.add(p.ref)
            out.append(p)
    return out


def items(problems: list[Problem], lang: str) -> list[DocItem]:
    """Question items (no answer space, no choice bracket), numbered in order."""
    return [make_item(p, i, lang, paper=False) for i, p in enumerate(distinct(problems), 1)]


def category(it: DocItem) -> str:
    return f"examgen/{it.chapter}/{it.kind}"


def name(it: DocItem) -> str:
    if it.problem.item_id:
        return it.problem.item_id
    return f"{it.kind} seed {it.seed}"


def is_numerical(it: DocItem) -> bool:
    """A single number: a Moodle numerical question (others with several numbers become cloze questions)."""
    parts = it.problem.parts
    if len(parts) != 1:
        return False
    e = entries(parts[0])
    return e is not None and len(e) == 1


def weights(points: list[float], counts: list[int]) -> tuple[list[int], int]:
    """Whole-number weights of sub-answers (Moodle cloze needs integers) proportional to their points: the
    smallest multiplier m that makes every `points / count · m` whole; returns (weight per entry, m)."""
    for m in (1, 2, 3, 4, 5, 6, 8, 10, 12, 20, 100):
        ws = [p * m / c for p, c in zip(points, counts)]
        if all(abs(w - round(w)) < 1e-6 and round(w) > 0 for w in ws):
            return [int(round(w)) for w in ws], m
    return [max(1, int(round(p * 100 / c))) for p, c in zip(points, counts)], 100
