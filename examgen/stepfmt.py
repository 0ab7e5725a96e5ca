"""Worked steps show an asked value with the decimals the prompt asks for.

Step builders print numbers with `mathfmt.num`, which drops trailing zeros: the key says 0.10 and the step said 0.1.
`fit_steps` rewrites, in the result of the last step of each part (the one that shows the asked value), every
number that is one of the part's asked values with its trailing zeros dropped, so it reads 0.10 (and 4.00) as the
key does. Other numbers, and earlier steps, are left alone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from examgen.model import Part, Step

# a number not inside an identifier, subscript, exponent or longer number
_NUMBER = re.compile(r"(?<![\w.^_])-?\d+(?:\.\d+)?(?![\w.])")


def _flat(value: Any) -> list[float]:
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _flat(v)]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    return [float(value)]


def _asked(part: Part) -> tuple[int, list[float]] | None:
    spec = part.spec
    d = getattr(spec, "decimals", None)
    if d is None or getattr(spec, "integer", False) or spec.kind not in ("number", "vector", "matrix"):
        return None
    return d, _flat(part.answer)


def _padded(token: str, d: int, values: list[float]) -> str:
    k = len(token.split(".")[1]) if "." in token else 0
    if k >= d:
        return token
    x = float(token)
    for v in values:
        if round(v, d) == round(v, k) == x:
            s = f"{v:.{d}f}"
            return s[1:] if s.startswith("-") and not s.strip("-0.") else s  # no "-0.00"
    return token


def fit_steps(steps: list[Step], parts: list[Part]) -> list[Step]:
    """The steps with each asked value in a part's step result written to the part's decimals."""
    asked = {p.name: a for p in parts if (a := _asked(p)) is not None}
    last = {step.part: i for i, step in enumerate(steps) if step.part in asked}
    if not last:
        return steps
    out = list(steps)
    for name, i in last.items():
        d, values = asked[name]
        result = _NUMBER.sub(lambda m: _padded(m.group(0), d, values), steps[i].result)
        if result != steps[i].result:
            out[i] = replace(steps[i], result=result)
    return out
