"""Cross-checks of the kind `yolo-cell` (The YOLOv1 cell responsible for an object).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of nms and yolo-cell against independent references.

nms: a vectorized numpy greedy NMS (IoU computed here from the raw box format) and OpenCV's cv2.dnn.NMSBoxes
(x, y, w, h boxes; it keeps a box when its IoU with every kept box is ≤ the threshold, i.e. it suppresses IoU >
threshold, the rule the prompt states). yolo-cell: the YOLOv1 formulas written out separately here."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import grade

from tests.kinds._refs import corners_np, self_consistent


SEEDS = range(600)
YOLO = registry.get("yolo-cell")


def yolo_reference(p: dict) -> tuple[list[int], list[float], list[float]]:
    W, H = p["image_wh"]
    S = p["grid"]
    a, b, c, d = p["box"]
    fmt = p["box_format"]
    if fmt == "xyxy":
        cx, cy, w, h = (a + c) / 2, (b + d) / 2, c - a, d - b
    elif fmt == "xywh":
        cx, cy, w, h = a + c / 2, b + d / 2, c, d
    else:
        cx, cy, w, h = a, b, c, d
    gx, gy = cx * S / W, cy * S / H  # centre in grid units
    col, row = int(math.floor(gx)), int(math.floor(gy))
    return [row + p["index_base"], col + p["index_base"]], [gx - col, gy - row], [w / W, h / H]


@st.composite
def yolo_params(draw):
    s = draw(st.integers(1, 13))
    w_img, h_img = s * draw(st.integers(1, 80)), s * draw(st.integers(1, 80))
    x1, x2 = sorted(draw(st.lists(st.integers(0, w_img), min_size=2, max_size=2, unique=True)))
    y1, y2 = sorted(draw(st.lists(st.integers(0, h_img), min_size=2, max_size=2, unique=True)))
    fmt = draw(st.sampled_from(["xyxy", "xywh", "cxcywh"]))
    box = {"xyxy": [x1, y1, x2, y2], "xywh": [x1, y1, x2 - x1, y2 - y1],
           "cxcywh": [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1]}[fmt]
    return {"image_wh": [w_img, h_img], "grid": s, "box": box, "box_format": fmt,
            "index_base": draw(st.sampled_from([0, 1]))}


def test_yolo_cell_matches_formula():
    seen = set()
    for seed in SEEDS:
        pr = YOLO.generate(seed)
        p = pr.params
        cell, off, size = yolo_reference(p)
        assert pr.answer["cell"] == cell
        assert pr.answer["offset"] == pytest.approx(off, abs=1e-9)
        assert pr.answer["size"] == pytest.approx(size, abs=1e-9)
        seen.add((p["box_format"], p["index_base"], p["image_wh"][0] == p["image_wh"][1]))
    assert len(seen) == 12


def test_yolo_cell_problems_are_well_posed():
    for seed in SEEDS:
        p = YOLO.generate(seed).params
        W, H = p["image_wh"]
        S = p["grid"]
        assert W % S == 0 and H % S == 0, "cells of whole pixels"
        cell, off, size = yolo_reference(p)
        assert all(0 < o < 1 for o in off), "the centre is strictly inside a cell (not on a boundary)"
        assert all(p["index_base"] <= v < S + p["index_base"] for v in cell)
        assert all(0 < s <= 1 for s in size)
        c = corners_np([p["box"]], p["box_format"])[0]
        assert c[0] >= 0 and c[1] >= 0 and c[2] <= W and c[3] <= H


def test_yolo_cell_prompt_states_conventions():
    for seed in range(100):
        pr = YOLO.generate(seed)
        base = pr.params["index_base"]
        assert f"numbered from {base}" in pr.prompt.en and f"从 {base} 开始编号" in pr.prompt.zh
        assert "[0, 1)" in pr.prompt.en and "3 decimals" in pr.prompt.en


def test_yolo_cell_offset_carries_forward_from_the_students_cell():
    for seed in range(60):
        pr = YOLO.generate(seed)
        p = pr.params
        row, col = pr.answer["cell"]
        wrong_cell = [row, col + 1]
        _, off, _ = yolo_reference(p)
        carried = [off[0] - 1, off[1]]
        v = grade(pr, {"cell": f"{wrong_cell[0]}, {wrong_cell[1]}", "offset": ", ".join(map(repr, carried)),
                       "size": ", ".join(map(repr, pr.answer["size"]))}, YOLO.carry(p))
        parts = {pv.name: pv for pv in v.parts}
        assert parts["offset"].correct and parts["offset"].carried and not parts["cell"].correct


def test_yolo_cell_example_and_bad_params():
    pr = YOLO.from_params(YOLO.example)
    assert pr.answer["cell"] == yolo_reference(YOLO.example)[0]
    for bad in ({**YOLO.example, "box": [440, 150, 120, 80]}, {**YOLO.example, "index_base": 2},
                {**YOLO.example, "box": [200, 150, 0, 80]}, {**YOLO.example, "image_wh": [448]}):
        with pytest.raises(ParamError) as exc:
            YOLO.from_params(bad)
        assert "\n" not in str(exc.value)


@settings(max_examples=200, deadline=None)
@given(yolo_params())
def test_yolo_cell_any_valid_box_matches_formula(params):
    ans = YOLO.from_params(params).answer
    cell, off, size = yolo_reference(params)
    assert ans["cell"] == cell
    assert ans["offset"] == pytest.approx(off, abs=1e-9) and ans["size"] == pytest.approx(size, abs=1e-9)
    assert all(0 <= o < 1 for o in ans["offset"])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**40))
def test_deterministic_valid_and_self_consistent(seed):
    self_consistent("yolo-cell", seed)
