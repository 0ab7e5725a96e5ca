"""Cross-checks of the kind `yolo-output` (YOLOv1 output size).

The notes on the references, shared with the kinds it was first checked with:
The eight core kinds, each checked against an independent implementation over 500+ seeds."""

from __future__ import annotations

import numpy as np

from tests.kinds._refs import gen, no_follow_through


SEEDS = range(500)


def test_yolo_output_by_building_the_tensor():
    for seed in SEEDS:
        pr = gen("yolo-output", seed)
        p = pr.params
        per_box = np.zeros(5)  # x, y, w, h, confidence
        cell = np.concatenate([np.tile(per_box, p["boxes"]), np.zeros(p["classes"])])
        tensor = np.zeros((p["grid"], p["grid"], cell.size))
        assert pr.answer == {"shape": list(tensor.shape), "total": tensor.size}


def test_the_total_follows_from_a_wrong_shape():
    """8×8×52 given for 8×8×53: the total 3328 = 8·8·52 earns follow-through credit, 3392 (the key) does not."""
    from examgen.grading import grade
    from examgen.registry import get

    k = get("yolo-output")
    for seed in range(50):
        pr = k.generate(seed)
        s, _, d = pr.answer["shape"]
        wrong = [s, s, d - 1]
        v = grade(pr, {"shape": f"{s}x{s}x{d - 1}", "total": str(int(np.prod(wrong)))}, k.carry(pr.params))
        assert v.parts[0].score < 1 and v.parts[1].carried and v.parts[1].score == 1.0
        v = grade(pr, {"shape": f"{s}x{s}x{d - 1}", "total": str(s * s * d)}, k.carry(pr.params))
        assert not v.parts[1].carried and v.parts[1].score == 1.0


def test_no_follow_through_from_an_impossible_shape():
    """The shape's entries are positive whole numbers: a total computed from a fractional or negative entry is not
    carried and scores 0."""
    pr = gen("yolo-output", 0)  # 12×12×97
    no_follow_through(pr, {"shape": "12x12x96.4"}, "total", str(12 * 12 * 96))
    no_follow_through(pr, {"shape": "-12x12x96"}, "total", str(-12 * 12 * 96))
