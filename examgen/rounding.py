"""Answers reached with intermediates rounded as the prompt says, accepted next to the exact key.

A student who rounds each value the prompt asks for to its stated decimals, and carries the rounded value into the
next part, can land outside the tolerance of a small final answer (a gradient 0.010055 from p = 0.0067). One
mechanism serves every kind:

* **carried parts** — each part that depends on earlier parts is recomputed by the kind's `carry_forward` hook from
  the earlier parts rounded to their own decimals (the chain is followed in part order, so rounding compounds as it
  does on paper);
* **a kind's own rounded path** (`Kind.rounded(params) -> {part: value}`) — for intermediates that are not parts
  (Adam's m and v, RMSProp's √s), each rounded to the decimals the worked steps show it with.

Every value that differs from the key goes into `Part.accept` (`accepted_parts`); `score_accepted` grades against the
key and each accepted value and keeps the best. The paths are computed only when an answer misses the key
(`grading.grade_part`), so generating a problem costs nothing extra. Exports that list accepted answers (Moodle,
GIFT) can read `accepted_values(part)` of `accepted_parts(problem)`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

from examgen.mathfmt import round_answer
from examgen.model import MatrixSpec, NumberSpec, Part, VectorSpec

Hook = Callable[[dict[str, Any], str, dict[str, Any]], Any]

_NUMERIC = (NumberSpec, VectorSpec, MatrixSpec)


def round_to(value: Any, decimals: int | None) -> Any:
    """`value` (a number or nested lists of numbers) rounded to `decimals` places; unchanged when None."""
    if decimals is None:
        return value
    if isinstance(value, (list, tuple)):
        return [round_to(v, decimals) for v in value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return round(float(value), decimals)


def _canonical(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return round_answer(float(value))


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) != len(b) or any(_differs(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) > 1e-9 * max(1.0, abs(float(a)))
    return a != b


def _rounds(part: Part) -> bool:
    return isinstance(part.spec, _NUMERIC) and not part.spec.integer and part.spec.decimals is not None


def carried_rounded(parts: list[Part], params: dict[str, Any], hook: Hook | None) -> dict[str, Any]:
    """Each dependent part recomputed from the earlier parts rounded to their decimals, compounding in order."""
    if hook is None or not any(_rounds(p) for p in parts):
        return {}
    held: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for part in parts:
        value = part.answer
        if part.depends_on and all(d in held for d in part.depends_on):
            try:
                alt = hook(params, part.name, {d: held[d] for d in part.depends_on})
            except (ValueError, ZeroDivisionError, ArithmeticError, KeyError, IndexError, TypeError):
                alt = None
            if alt is not None:
                value = alt
                out[part.name] = alt
        held[part.name] = round_to(value, part.spec.decimals) if _rounds(part) else value
    return out


def with_accepted(parts: list[Part], params: dict[str, Any], hook: Hook | None,
                  rounded: Callable[[dict[str, Any]], dict[str, Any]] | None) -> list[Part]:
    """The parts, each carrying in `accept` the rounded-intermediate answers that differ from its key."""
    paths = [carried_rounded(parts, params, hook)]
    if rounded is not None:
        paths.append(rounded(params))
    out = []
    for part in parts:
        alts: list[Any] = list(part.accept)
        if isinstance(part.spec, _NUMERIC) and not part.spec.integer:
            for path in paths:
                if part.name in path:
                    alt = _canonical(path[part.name])
                    if _differs(alt, part.answer) and all(_differs(alt, a) for a in alts):
                        alts.append(alt)
        out.append(replace(part, accept=tuple(alts)) if len(alts) != len(part.accept) else part)
    return out


def accepted_parts(problem: Any) -> list[Part]:
    """The problem's parts with `accept` filled in from its kind's rounded paths (generated kinds; bank items and
    problems of unknown kinds keep their parts as they are)."""
    from examgen.registry import get, index

    if problem.kind not in index():
        return list(problem.parts)
    kind = get(problem.kind)
    return with_accepted(list(problem.parts), problem.params, kind.carry_forward, kind.rounded)


def may_round(part: Part) -> bool:
    """Whether a rounded path could change what is accepted for this part (a decimal numeric answer)."""
    return isinstance(part.spec, _NUMERIC) and not part.spec.integer


def accepted_values(part: Part) -> list[Any]:
    """The key first, then every other accepted value (for exports that write a list of accepted answers)."""
    return [part.answer, *part.accept]


def score_accepted(part: Part, value: Any) -> tuple[float, list[Any], list[bool] | None]:
    """`grading.score_answer` against the key and each accepted value: the best score (the key's on a tie)."""
    from examgen.grading import score_answer

    best = score_answer(part.spec, part.answer, value)
    for alt in part.accept:
        if best[0] >= 1.0 - 1e-9:
            break
        cand = score_answer(part.spec, alt, value)
        if cand[0] > best[0] + 1e-9:
            best = cand
    return best
