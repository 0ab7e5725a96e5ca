"""Cross-checks of the kind `yolo-output` (YOLOv1 output size).

The notes on the references, shared with the kinds it was first checked with:
The eight core kinds, each checked against an independent implementation over 500+ seeds."""

from __future__ import annotations

import numpy as np

from tests.kinds._refs import gen


SEEDS = range(500)


def test_yolo_output_by_building_the_tensor():
    for seed in SEEDS:
        pr = gen("yolo-output", seed)
        p = pr.params
        per_box = np.zeros(5)  # x, y, w, h, confidence
        cell = np.concatenate([np.tile(per_box, p["boxes"]), np.zeros(p["classes"])])
        tensor = np.zeros((p["grid"], p["grid"], cell.size))
        assert pr.answer == {"shape": list(tensor.shape), "total": tensor.size}
