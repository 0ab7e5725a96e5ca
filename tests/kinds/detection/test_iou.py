"""Cross-checks of the kind `iou` (Intersection over union).

The notes on the references, shared with the kinds it was first checked with:
The eight core kinds, each checked against an independent implementation over 500+ seeds."""

from __future__ import annotations

import numpy as np
import pytest

from tests.kinds._refs import gen


SEEDS = range(500)


def _corners(box, fmt):
    a, b, c, d = box
    return {"xyxy": (a, b, c, d), "xywh": (a, b, a + c, b + d),
            "cxcywh": (a - c / 2, b - d / 2, a + c / 2, b + d / 2)}[fmt]


def test_iou_by_rasterizing_the_boxes():
    """Count unit cells covered by each box on an integer grid (the generator keeps corners on integers)."""
    for seed in SEEDS:
        pr = gen("iou", seed)
        p = pr.params
        canvas_a = np.zeros((64, 64), bool)
        canvas_b = np.zeros((64, 64), bool)
        for canvas, box in ((canvas_a, p["box_a"]), (canvas_b, p["box_b"])):
            x1, y1, x2, y2 = (int(round(v)) for v in _corners(box, p["box_format"]))
            canvas[y1:y2, x1:x2] = True
        inter = np.logical_and(canvas_a, canvas_b).sum()
        union = np.logical_or(canvas_a, canvas_b).sum()
        assert 0 < pr.answer < 1
        assert pr.answer == pytest.approx(inter / union, abs=1e-9), (seed, p)
