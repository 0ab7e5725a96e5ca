"""Helpers shared by several kinds of chapter `image_processing`."""

from __future__ import annotations

import math
from typing import Any

from examgen.mathfmt import num


Matrix = list[list[Any]]


def _mat(rows: Matrix, d: int | None = None) -> str:
    """`mathfmt.mat` with a fast path for whole numbers."""
    if all(type(v) is int for row in rows for v in row):
        return "mat(" + "; ".join([", ".join(map(str, row)) for row in rows]) + ")"
    return "mat(" + "; ".join(", ".join(num(v, d) for v in row) for row in rows) + ")"


OPERATORS: dict[str, tuple[list[list[int]], list[list[int]]]] = {
    "roberts": ([[1, 0], [0, -1]], [[0, 1], [-1, 0]]),
    "prewitt": ([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]),
    "sobel": ([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
}


def correlate_at(image: list[list[float]], kernel: list[list[float]], i: int, j: int) -> float:
    """Cross-correlation (kernel not flipped) of the kernel anchored at output position (i, j)."""
    return sum(kernel[u][v] * image[i + u][j + v] for u in range(len(kernel)) for v in range(len(kernel[0])))


def flipped(kernel: list[list[float]]) -> list[list[float]]:
    """The kernel rotated by 180° (what a convolution applies)."""
    return [row[::-1] for row in kernel[::-1]]


def correlate_valid(image: list[list[float]], kernel: list[list[float]]) -> list[list[float]]:
    kh, kw = len(kernel), len(kernel[0])
    return [[correlate_at(image, kernel, i, j) for j in range(len(image[0]) - kw + 1)]
            for i in range(len(image) - kh + 1)]


def _mag(gx: float, gy: float, kind: str) -> float:
    return math.hypot(gx, gy) if kind == "l2" else abs(gx) + abs(gy)
