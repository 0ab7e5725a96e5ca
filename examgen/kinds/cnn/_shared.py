"""Helpers shared by several kinds of chapter `cnn`."""

from __future__ import annotations

from typing import Any

from examgen.errors import ParamError


def rf_table(layers: list[list[int]]) -> list[tuple[int, int, int]]:
    """(effective kernel, receptive field r_l, jump j_l) after each layer; r_0 = j_0 = 1 on the input."""
    r, j = 1, 1
    rows = []
    for k, s, d in layers:
        ke = k + (k - 1) * (d - 1)
        r = r + (ke - 1) * j
        j = j * s
        rows.append((ke, r, j))
    return rows


def _whole(name: str, rows: list[list[Any]], lo: float | None = None, hi: float | None = None) -> None:
    for r in rows:
        for v in r:
            if not float(v).is_integer():
                raise ParamError(f"{name} must hold whole numbers, got {v}")
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                raise ParamError(f"{name} entries must lie in [{lo:g}, {hi:g}], got {v}")
