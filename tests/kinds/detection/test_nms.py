"""Cross-checks of the kind `nms` (Non-maximum suppression).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of nms and yolo-cell against independent references.

nms: a vectorized numpy greedy NMS (IoU computed here from the raw box format) and OpenCV's cv2.dnn.NMSBoxes
(x, y, w, h boxes; it keeps a box when its IoU with every kept box is ≤ the threshold, i.e. it suppresses IoU >
threshold, the rule the prompt states). yolo-cell: the YOLOv1 formulas written out separately here."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import grade

from tests.kinds._refs import corners_np, self_consistent


SEEDS = range(600)
NMS = registry.get("nms")
LETTERS = "ABCDEFGHIJ"


def iou_matrix(c: np.ndarray) -> np.ndarray:
    x1 = np.maximum(c[:, None, 0], c[None, :, 0])
    y1 = np.maximum(c[:, None, 1], c[None, :, 1])
    x2 = np.minimum(c[:, None, 2], c[None, :, 2])
    y2 = np.minimum(c[:, None, 3], c[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = (c[:, 2] - c[:, 0]) * (c[:, 3] - c[:, 1])
    return inter / (area[:, None] + area[None, :] - inter)


def numpy_nms(c: np.ndarray, scores: np.ndarray, thr: float) -> list[int]:
    order = np.argsort(-scores)
    keep = []
    ious = iou_matrix(c)
    while order.size:
        i = order[0]
        keep.append(int(i))
        order = order[1:][ious[i, order[1:]] <= thr]
    return keep


def opencv_nms(c: np.ndarray, scores: np.ndarray, thr: float) -> list[int]:
    xywh = [[float(x1), float(y1), float(x2 - x1), float(y2 - y1)] for x1, y1, x2, y2 in c]
    idx = cv2.dnn.NMSBoxes(xywh, [float(s) for s in scores], 0.0, float(thr))
    return [int(i) for i in np.asarray(idx).reshape(-1)]


@st.composite
def nms_params(draw):
    n = draw(st.integers(1, 8))
    fmt = draw(st.sampled_from(["xyxy", "xywh", "cxcywh"]))
    boxes = []
    for _ in range(n):
        x, y = draw(st.integers(0, 20)), draw(st.integers(0, 20))
        w, h = draw(st.integers(1, 12)), draw(st.integers(1, 12))
        boxes.append({"xyxy": [x, y, x + w, y + h], "xywh": [x, y, w, h], "cxcywh": [x, y, w, h]}[fmt])
    scores = [v / 100 for v in draw(st.lists(st.integers(1, 100), min_size=n, max_size=n, unique=True))]
    return {"boxes": boxes, "scores": scores, "iou_threshold": draw(st.sampled_from([0.2, 0.3, 0.45, 0.5, 0.65])),
            "box_format": fmt}


def test_nms_matches_numpy_and_opencv():
    formats, thresholds, counted = set(), set(), 0
    for seed in SEEDS:
        pr = NMS.generate(seed)
        p = pr.params
        c = corners_np(p["boxes"], p["box_format"])
        scores = np.array(p["scores"])
        ref = numpy_nms(c, scores, p["iou_threshold"])
        cv = opencv_nms(c, scores, p["iou_threshold"])
        assert ref == cv, (seed, ref, cv)
        ans = pr.answer
        assert ans["kept"] == [LETTERS[i] for i in ref], seed
        if p["count_suppressed"]:
            counted += 1
            assert ans["suppressed"] == len(p["boxes"]) - len(ref)
        else:
            assert set(ans) == {"kept"}
        formats.add(p["box_format"])
        thresholds.add(p["iou_threshold"])
    assert formats == {"xyxy", "xywh", "cxcywh"} and len(thresholds) >= 4 and counted > 100


def test_nms_problems_have_a_unique_answer():
    for seed in SEEDS:
        p = NMS.generate(seed).params
        n = len(p["boxes"])
        assert 4 <= n <= 6
        assert len(set(p["scores"])) == n, "no score ties"
        c = corners_np(p["boxes"], p["box_format"])
        assert ((c[:, 2] > c[:, 0]) & (c[:, 3] > c[:, 1])).all()
        assert np.allclose(c, np.round(c)), "integer corners, hand-friendly areas"
        ious = iou_matrix(c)[np.triu_indices(n, 1)]
        assert (np.abs(ious - p["iou_threshold"]) > 0.01).all(), "no IoU near the threshold"
        kept = numpy_nms(c, np.array(p["scores"]), p["iou_threshold"])
        assert 2 <= len(kept) < n, "something is kept and something is suppressed"


def test_nms_prompt_shows_boxes_and_convention():
    for seed in range(200):
        pr = NMS.generate(seed)
        p = pr.params
        rows = pr.figures[0].rows
        assert [r[0] for r in rows] == list(LETTERS[:len(p["boxes"])])
        assert [json.loads("[" + r[1][1:-1] + "]") for r in rows] == p["boxes"]
        assert [float(r[2]) for r in rows] == p["scores"]
        assert f"is $> {p['iou_threshold']}$" in pr.prompt.en and "greedy" in pr.prompt.en and "贪心" in pr.prompt.zh


def test_nms_example_and_bad_params():
    pr = NMS.from_params(NMS.example)
    ex = NMS.example
    ref = numpy_nms(corners_np(ex["boxes"], ex["box_format"]), np.array(ex["scores"]), ex["iou_threshold"])
    assert pr.answer["kept"] == [LETTERS[i] for i in ref]
    for bad in ({**ex, "scores": [0.9, 0.9, 0.8, 0.6]}, {**ex, "scores": [0.9, 0.8]},
                {**ex, "boxes": [[2, 2, 1, 10], [3, 3, 11, 11], [12, 4, 18, 12], [1, 2, 9, 9]]},
                {**ex, "box_format": "yolo"}, {**ex, "boxes": [[1, 2, 3]]}):
        with pytest.raises(ParamError) as exc:
            NMS.from_params(bad)
        assert "\n" not in str(exc.value)


def test_nms_suppressed_count_follows_the_students_kept_list():
    for seed in range(100):
        pr = NMS.generate(seed)
        if not pr.params["count_suppressed"]:
            continue
        kept = pr.answer["kept"]
        wrong = kept + [x for x in LETTERS[:len(pr.params["boxes"])] if x not in kept][:1]
        v = grade(pr, {"kept": " ".join(wrong), "suppressed": str(len(pr.params["boxes"]) - len(wrong))},
                  NMS.carry(pr.params))
        parts = {pv.name: pv for pv in v.parts}
        assert not parts["kept"].correct and parts["suppressed"].correct and parts["suppressed"].carried


@settings(max_examples=200, deadline=None)
@given(nms_params())
def test_nms_any_valid_boxes_match_numpy(params):
    c = corners_np(params["boxes"], params["box_format"])
    n = len(c)
    ious = iou_matrix(c)[np.triu_indices(n, 1)]
    ref = numpy_nms(c, np.array(params["scores"]), params["iou_threshold"])
    assert NMS.from_params(params).answer["kept"] == [LETTERS[i] for i in ref]
    if not np.isclose(ious, params["iou_threshold"]).any():  # OpenCV agrees away from exact ties
        assert opencv_nms(c, np.array(params["scores"]), params["iou_threshold"]) == ref


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**40))
def test_deterministic_valid_and_self_consistent(seed):
    self_consistent("nms", seed)
