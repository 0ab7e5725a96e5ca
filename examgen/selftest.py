"""Self-test of a problem (as PrairieLearn's question `test()`): a correct, an incorrect and an invalid
submission, built from the answer key, with the verdicts the grader must give."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from examgen.grading import display_value
from examgen.model import (
    ChoiceSpec, FillSpec, LabelsSpec, MatrixSpec, NumberSpec, Part, Problem, RubricSpec, ShapeSpec, TrueFalseSpec,
    VectorSpec,
)


@dataclass
class Submissions:
    correct: dict[str, str]
    incorrect: dict[str, str]
    invalid: dict[str, str]


def _bump(x: float, spec: Any) -> float:
    """A value the grader must reject: far outside the tolerance."""
    if getattr(spec, "integer", False) or isinstance(spec, ShapeSpec):
        return int(round(x)) + 1
    return x + max(0.2 * abs(x), 0.5)


def wrong_text(part: Part) -> str:
    spec, ans = part.spec, part.answer
    if isinstance(spec, NumberSpec):
        return display_value(spec, _bump(float(ans), spec))
    if isinstance(spec, (VectorSpec, ShapeSpec)):
        return display_value(spec, [_bump(float(v), spec) for v in ans])
    if isinstance(spec, MatrixSpec):
        return display_value(spec, [[_bump(float(v), spec) for v in row] for row in ans])
    if isinstance(spec, LabelsSpec):
        seq = list(ans)
        others = [lbl for lbl in spec.labels if lbl not in seq[:1]]
        if seq:
            seq[0] = others[0] if others else seq[0]
        return " ".join(seq) if seq else spec.labels[0]
    if isinstance(spec, ChoiceSpec):
        letters = "ABCDEFGHIJ"[:spec.options]
        return next(c for c in letters if c not in ans)
    if isinstance(spec, TrueFalseSpec):
        return "F" if ans else "T"
    if isinstance(spec, FillSpec):
        return "; ".join("zzz" for _ in spec.blanks)
    if isinstance(spec, RubricSpec):
        return "这与题目无关 unrelated words only"
    raise TypeError(spec)


def invalid_text(part: Part) -> str | None:
    """Text the grader must reject as a format error (None for free-text answers, where nothing is invalid)."""
    if isinstance(part.spec, (RubricSpec, FillSpec)):
        return None
    if isinstance(part.spec, ChoiceSpec):
        return "Z?"
    if isinstance(part.spec, TrueFalseSpec):
        return "maybe"
    if isinstance(part.spec, LabelsSpec):
        return "@@"
    return "two point five"


def submissions(problem: Problem) -> Submissions:
    correct = {p.name: _correct_text(p) for p in problem.parts}
    incorrect = {p.name: wrong_text(p) for p in problem.parts}
    invalid = {p.name: correct[p.name] for p in problem.parts}
    for p in problem.parts:
        bad = invalid_text(p)
        if bad is not None:
            invalid[p.name] = bad
            break
    return Submissions(correct, incorrect, invalid)


def _correct_text(part: Part) -> str:
    if isinstance(part.spec, TrueFalseSpec):
        return "true" if part.answer else "false"
    if isinstance(part.spec, RubricSpec):
        ans = part.answer
        return ans.get("zh", "") + "\n" + ans.get("en", "") if isinstance(ans, dict) else str(ans)
    if isinstance(part.spec, (NumberSpec, VectorSpec, MatrixSpec)) and not part.spec.integer:
        # full precision, so the self-test never depends on rounding
        if isinstance(part.spec, NumberSpec):
            return repr(float(part.answer))
        if isinstance(part.spec, VectorSpec):
            return ", ".join(repr(float(v)) for v in part.answer)
        return "; ".join(" ".join(repr(float(v)) for v in row) for row in part.answer)
    return display_value(part.spec, part.answer)
