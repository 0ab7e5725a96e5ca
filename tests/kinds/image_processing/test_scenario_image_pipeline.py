"""Cross-checks of the kind `scenario-image-pipeline` (Comprehensive: smoothing, gradients and an edge map).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the comprehensive scenarios against independent computations: numpy array views and weight
arrays for the CNN, OpenCV's NMS and the VOC devkit AP formula for detection, scipy/OpenCV filters for the image
pipeline, numpy recurrent cells for the sequence, numpy batch norm and finite-difference gradients for the training
step. Each part is checked on its own, and carry-forward is tested: a wrong earlier part with a later part that
follows from it earns the later part's credit, a later part that is wrong both ways earns nothing."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.ndimage import correlate

from examgen.grading import grade

from tests.kinds._refs import (
    _by, _check_carry, _kind, _matrix, example_solves, one_line_param_error, scenario_properties,
)


SEEDS = range(520)
KERNELS = {"mean": (np.ones((3, 3)), 9), "gaussian": (np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], float), 16)}


def ref_image(p, smooth=None):
    img = np.array(p["image"], float)
    kernel, div = KERNELS[p["smoothing"]]
    if smooth is None:
        smooth = np.floor(correlate(img, kernel, mode="constant")[1:-1, 1:-1] / div + 0.5)
        if p["smoothing"] == "mean":  # OpenCV's box filter on 8-bit images rounds the same way
            assert np.array_equal(cv2.blur(img.astype(np.uint8), (3, 3))[1:-1, 1:-1], smooth)
    smooth = np.asarray(smooth, float)
    gx = cv2.Sobel(smooth, cv2.CV_64F, 1, 0, ksize=3)[1:-1, 1:-1]
    gy = cv2.Sobel(smooth, cv2.CV_64F, 0, 1, ksize=3)[1:-1, 1:-1]
    mag = np.hypot(gx, gy) if p["magnitude"] == "l2" else np.abs(gx) + np.abs(gy)
    return {"smooth": smooth, "gx": gx, "gy": gy, "magnitude": mag, "edges": (mag >= p["threshold"]).astype(int)}


def test_image_pipeline_against_scipy_and_opencv():
    kind = _kind("scenario-image-pipeline")
    seen = set()
    for seed in SEEDS:
        pr = kind.generate(seed)
        p = pr.params
        ref = ref_image(p)
        a = pr.answer
        for key in ("smooth", "gx", "gy", "magnitude", "edges"):
            np.testing.assert_allclose(np.array(a[key], float), ref[key], atol=1e-9, err_msg=f"{seed} {key}")
        # the threshold is at least 1 away from every magnitude
        assert np.all(np.abs(ref["magnitude"] - p["threshold"]) >= 1 - 1e-9)
        if ref["edges"].size > 1:
            assert 0 < ref["edges"].sum() < ref["edges"].size, "the edge map shows both classes"
        seen.update({p["smoothing"], p["magnitude"], ref["edges"].shape})
    assert {"mean", "gaussian", "l1", "l2", (1, 1), (1, 2), (2, 1)} <= seen


def test_image_pipeline_carry_forward():
    kind = _kind("scenario-image-pipeline")
    for seed in range(150):
        pr = kind.generate(seed)
        p = pr.params
        a = pr.answer
        wrong_s = np.array(a["smooth"], float)
        wrong_s[1, 1] += 2
        ref = ref_image(p, smooth=wrong_s)
        base = {"smooth": _matrix(wrong_s)}
        for part in ("gx", "gy"):
            key = np.array(a[part], float)
            far = ref[part] + np.where(ref[part] + 50 == key, 60, 50)
            _check_carry(pr, base, part, _matrix(ref[part]), _matrix(far))
        wrong_g = {"gx": _matrix(ref["gx"]), "gy": _matrix(ref["gy"])}
        key = np.array(a["magnitude"], float)
        far = ref["magnitude"] + np.where(np.abs(ref["magnitude"] + 40 - key) < 1, 55, 40)
        _check_carry(pr, {**base, **wrong_g}, "magnitude", _matrix(ref["magnitude"]), _matrix(far))
        # the edge map from a (wrong) magnitude map: everything above the threshold
        wrong_mag = np.array(a["magnitude"], float) * 0 + p["threshold"] + 5
        edges_follow = np.ones_like(wrong_mag, int)
        answers = {**base, **wrong_g, "magnitude": _matrix(wrong_mag)}
        by = _by(grade(pr, {**answers, "edges": _matrix(edges_follow)}, kind.carry(p)))
        assert by["edges"].score == 1.0


BAD_PARAMS = [
    {"image": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "smoothing": "mean",
                                     "magnitude": "l2", "threshold": 3},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("scenario-image-pipeline", raw)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_schema_stable_and_comprehensive(seed):
    scenario_properties("scenario-image-pipeline", seed)


def test_example_solves():
    example_solves("scenario-image-pipeline")
