"""Helpers shared by several kinds of chapter `training`."""

from __future__ import annotations


def bn_stats(row: list[float]) -> tuple[float, float]:
    m = len(row)
    mu = sum(row) / m
    return mu, sum((x - mu) ** 2 for x in row) / m
