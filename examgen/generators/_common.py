"""Small helpers shared by generator modules."""

from __future__ import annotations

from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import num
from examgen.model import Figure


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
