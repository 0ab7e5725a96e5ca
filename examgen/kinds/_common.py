"""Helpers shared by kinds of several chapters."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import num, qt, round_answer
from examgen.model import Figure, NumberSpec


def grid(label: Bi, rows: list[list[Any]], highlight: list[tuple[int, int]] | None = None) -> Figure:
    """An image as a grid of cells (pixel values)."""
    return Figure("grid", label, [[num(v) for v in r] for r in rows], highlight=highlight or [])


def matrix(label: Bi, rows: list[list[Any]]) -> Figure:
    """A kernel or weight matrix."""
    return Figure("matrix", label, [[num(v) for v in r] for r in rows])


def table(label: Bi, header: list[str], rows: list[list[Any]]) -> Figure:
    return Figure("table", label, [[v if isinstance(v, str) else num(v) for v in r] for r in rows], header=header)


def pick(rng: Any, options: list[Any] | tuple[Any, ...]) -> Any:
    """`rng.choice` under a name that reads well in generators."""
    return options[rng.randrange(len(options))]


def decimal(rng: Any, lo: float, hi: float, places: int) -> float:
    """A number in [lo, hi] with `places` decimals, uniform over that grid (one `rng.random()` call: cheaper than
    `randint`, and stable across Python versions)."""
    scale = 10 ** places
    a, b = round(lo * scale), round(hi * scale)
    return round((a + int(rng.random() * (b - a + 1))) / scale, places)


_NICE_CHANNELS = [3, 8, 16, 20, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512]


def _bias_text(bias: bool, what: Bi = Bi("卷积核", "kernel")) -> Bi:
    if bias:
        return Bi(f"每个{what.zh}带 1 个偏置", f"each {what.en} has one bias")
    return Bi("不计偏置", "ignore biases")


def _ri(rng: random.Random, a: int, b: int) -> int:
    """A uniform integer in [a, b] from `rng.random()` (several times faster than `randint` in tight loops)."""
    return a + int(rng.random() * (b - a + 1))


def _tenth(rng: random.Random, lo: int, hi: int, nonzero: bool = False) -> float:
    """A one-decimal number lo/10 … hi/10, uniformly (optionally never 0)."""
    span = hi - lo + 1
    while True:
        v = lo + int(rng.random() * span)
        if v or not nonzero:
            return round(v / 10, 1)


def _asks(items: list[tuple[str, Bi]]) -> Bi:
    """`(a) …;(b) …。` in both languages."""
    zh = "；".join(f"({t}) {b.zh}" for t, b in items) + "。"
    en = "; ".join(f"({t}) {b.en}" for t, b in items) + "."
    return Bi(zh, en)


def _tenths(rng: random.Random, lo: int, hi: int, nonzero: bool = False) -> float:
    """A number with one decimal in [lo/10, hi/10]."""
    while True:
        k = rng.randint(lo, hi)
        if k or not nonzero:
            return k / 10


def _flat(value: Any) -> list[float]:
    if isinstance(value, list):
        return [x for v in value for x in _flat(v)]
    return [value]


def has_tie(sol: Any) -> bool:
    """True when an answer sits (within float noise) exactly half-way between two roundings to the decimals asked
    for, e.g. 0.125 to 2 decimals: both roundings would be defensible, so such problems are not generated."""
    for part in sol.parts:
        d = getattr(part.spec, "decimals", None)
        if d is None or getattr(part.spec, "integer", False):
            continue
        for v in _flat(part.answer):
            x = abs(float(v)) * 10 ** d
            if abs(x - math.floor(x) - 0.5) < 1e-4:
                return True
    return False


def _tie_free(sample: Any, solve: Any) -> Any:
    """Wrap a sampler so that it draws again while the answer key has a rounding tie (`solve` may skip the
    worked steps: only the answers are looked at)."""
    def wrapped(rng: random.Random) -> dict[str, Any]:
        while True:
            params = sample(rng)
            if not has_tie(solve(params)):
                return params
    wrapped.__name__ = sample.__name__
    wrapped.__doc__ = sample.__doc__
    return wrapped


def degenerate(sol: Any) -> bool:
    """True when the answer key asks the same real value twice (two parts with equal answers) or has a
    real answer that rounds to 0 at its decimals without being 0 (a student could only write 0.0000)."""
    seen: list[tuple[str, Any]] = []
    for part in sol.parts:
        d = getattr(part.spec, "decimals", None)
        if d is None or getattr(part.spec, "integer", True):
            continue
        flat = _flat(part.answer)
        if any(v != 0 and round(v, d) == 0 for v in flat):
            return True
        key = (type(part.spec).__name__, flat)
        if any(k[0] == key[0] and len(k[1]) == len(flat) and all(abs(a - b) < 1e-9 for a, b in zip(k[1], flat))
               for k in seen):
            return True
        seen.append(key)
    return False


def _flat(value: Any) -> list[float]:
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _flat(v)]
    return [float(value)]


_CHECKED: dict[Any, tuple[dict[str, Any], Any]] = {}  # solver → (params, solution) of the draw just accepted


def _nondegenerate(sample: Any, solve: Any) -> Any:
    """Wrap a sampler so that it draws again while `degenerate(solve(params))` (`solve` may skip the steps).
    The solution of the draw it returns is kept for `reusing(solve)`, so building the problem does not solve again."""
    def wrapped(rng: random.Random) -> dict[str, Any]:
        while True:
            params = sample(rng)
            sol = solve(params)
            if not degenerate(sol):
                _CHECKED[solve] = (params, sol)
                return params
    wrapped.__name__ = sample.__name__
    wrapped.__doc__ = sample.__doc__
    return wrapped


def reusing(solve: Any) -> Any:
    """`solve`, except that the very params object `_nondegenerate` just accepted gets the solution computed for
    it there (once: the kept solution is dropped when handed out)."""
    def solve_once(params: dict[str, Any]) -> Any:
        kept = _CHECKED.pop(solve, None)
        if kept is not None and kept[0] is params:
            return kept[1]
        return solve(params)
    solve_once.__name__ = solve.__name__
    solve_once.__doc__ = solve.__doc__
    return solve_once


def _m(x: float) -> str:
    """A number inside inline math."""
    return num(x)


def _tol(v: float, d: int) -> float:
    """The grading tolerance of a value asked to d decimals (as in examgen.grading)."""
    return max(0.01 * abs(v), 0.5 * 10.0 ** (-d))


INT = NumberSpec(integer=True)


def _shape(dims: list[int] | tuple[int, ...]) -> str:
    return " times ".join(str(d) for d in dims)


TP, FP, FN = qt("TP"), qt("FP"), qt("FN")


def _eq(x: float, d: int = 3) -> str:
    """`=` when the value is exact with `d` decimals, else `approx`."""
    return "=" if abs(round(x, d) - x) < 1e-12 else "approx"


def _lbl(tag: str, zh: str, en: str) -> Bi:
    return Bi(f"({tag}) {zh}", f"({tag}) {en}")


def _r(values: list[float]) -> list[float]:
    return [round_answer(v) for v in values]


def tup(values: list[float], d: int | None = None) -> str:
    """A short vector written in a row: `(0.5, -0.2)`; a single value stays a bare number."""
    if len(values) == 1:
        return num(values[0], d)
    return "(" + ", ".join(num(v, d) for v in values) + ")"


def sci(x: float, digits: int = 4) -> str:
    """A number in Typst math: plain when ≥ 0.001, else `1.234 times 10^(-5)` (powers of ten as `10^(-5)`)."""
    if x == 0:
        return "0"
    if abs(x) >= 1e-3:
        return num(x, 6)
    e = math.floor(math.log10(abs(x)))
    m = round(x / 10 ** e, digits - 1)
    if abs(m) >= 10:
        m, e = m / 10, e + 1
    if m == 1:
        return f"10^({e})"
    if m == -1:
        return f"-10^({e})"
    return f"{num(m, digits - 1)} times 10^({e})"


def eq(*values: Any) -> str:
    """`=` when every value is shown exactly with 4 decimals, else `approx`."""
    flat: list[float] = []
    for v in values:
        flat.extend(v if isinstance(v, list) else [v])
    exact = all(abs(x * 1e4 - round(x * 1e4)) < 1e-6 for x in flat)
    return "=" if exact else "approx"


def _ans(values: list[float]) -> list[float]:
    return [round_answer(v) for v in values]


def softmax(z: list[float]) -> list[float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    s = sum(e)
    return [v / s for v in e]


# ---------------------------------------------------------------- guards for carry-forward hooks
def _values(values: Any) -> list[float]:
    """A number or a (nested) list of numbers as a flat list of floats."""
    if isinstance(values, (list, tuple)):
        return [float(x) for v in values for x in _values(v)]
    return [float(values)]


def all_in(values: Any, lo: float = -math.inf, hi: float = math.inf, open_lo: bool = False,
           open_hi: bool = False) -> bool:
    """Every value lies in [lo, hi] (open at an end with `open_lo`/`open_hi`): a carry-forward hook returns None
    for an earlier answer the quantity cannot take (a probability of 2, a negative variance)."""
    for v in _values(values):
        if not math.isfinite(v) or v < lo or v > hi or (open_lo and v == lo) or (open_hi and v == hi):
            return False
    return True


def all_whole(values: Any, positive: bool = False) -> bool:
    """Every value is a whole number (and > 0 with `positive`): a layer size, a fan, an integer gradient."""
    return all(math.isfinite(v) and v == int(v) and (v > 0 or not positive) for v in _values(values))
