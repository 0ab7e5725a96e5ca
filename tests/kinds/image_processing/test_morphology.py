"""Cross-checks of the kind `morphology` (Morphology: erosion, dilation, opening, closing).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of smoothing-filter, morphology and canny-steps against independent references.

smoothing-filter: scipy.ndimage uniform_filter / correlate / median_filter, compared on the interior (valid
region). morphology: scipy.ndimage binary_erosion / binary_dilation / binary_opening / binary_closing with
border_value=0, and OpenCV erode / dilate with a constant 0 border. canny-steps: a numpy implementation written
here (neighbours derived from cos/sin of the direction), hysteresis with scipy.ndimage.label (8-connectivity) and
skimage.filters.apply_hysteresis_threshold (4-connectivity, so its edges must be a subset of ours)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import ndimage as ndi

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import grade

from tests.kinds._refs import self_consistent


SEEDS = range(600)
MORPH = registry.get("morphology")


STRUCT = {
    "square": np.ones((3, 3), bool),
    "cross": ndi.generate_binary_structure(2, 1),
    "hline": np.array([[0, 0, 0], [1, 1, 1], [0, 0, 0]], bool),
    "vline": np.array([[0, 1, 0], [0, 1, 0], [0, 1, 0]], bool),
}


def morph_reference(p: dict) -> tuple[np.ndarray, np.ndarray]:
    """(first step, result) with scipy, border_value=0 (outside pixels are 0 in every step)."""
    img = np.asarray(p["image"], bool)
    se = STRUCT[p["element"]]
    op = p["operation"]
    ero = ndi.binary_erosion(img, structure=se, border_value=0)
    dil = ndi.binary_dilation(img, structure=se, border_value=0)
    if op == "erosion":
        return ero, ero
    if op == "dilation":
        return dil, dil
    if op == "opening":
        return ero, ndi.binary_opening(img, structure=se, border_value=0)
    return dil, ndi.binary_closing(img, structure=se, border_value=0)


def morph_opencv(p: dict) -> np.ndarray:
    img = np.asarray(p["image"], np.uint8)
    k = STRUCT[p["element"]].astype(np.uint8)
    kw = {"borderType": cv2.BORDER_CONSTANT, "borderValue": 0}
    op = p["operation"]
    if op == "erosion":
        return cv2.erode(img, k, **kw)
    if op == "dilation":
        return cv2.dilate(img, k, **kw)
    if op == "opening":
        return cv2.dilate(cv2.erode(img, k, **kw), k, **kw)
    return cv2.erode(cv2.dilate(img, k, **kw), k, **kw)


def test_morphology_matches_scipy_and_opencv():
    seen = set()
    for seed in SEEDS:
        pr = MORPH.generate(seed)
        p = pr.params
        first, result = morph_reference(p)
        cv = morph_opencv(p)
        np.testing.assert_array_equal(result.astype(int), cv.astype(int))
        op = p["operation"]
        seen.add((op, p["element"]))
        if op in ("erosion", "dilation"):
            np.testing.assert_array_equal(np.array(pr.answer), result.astype(int))
        else:
            mid = "eroded" if op == "opening" else "dilated"
            np.testing.assert_array_equal(np.array(pr.answer[mid]), first.astype(int))
            np.testing.assert_array_equal(np.array(pr.answer["result"]), result.astype(int))
    assert len(seen) == 16


def test_morphology_problems_are_not_degenerate():
    for seed in SEEDS:
        p = MORPH.generate(seed).params
        img = np.array(p["image"])
        assert 5 <= img.shape[0] <= 7 and 5 <= img.shape[1] <= 7
        assert set(np.unique(img)) <= {0, 1}
        first, result = morph_reference(p)
        assert not np.array_equal(result, img.astype(bool)), "the operation changes something"
        for m in (first, result):
            assert 0 < m.sum() < m.size, "no all-0 / all-1 map"


def test_morphology_carry_forward_and_conventions():
    for seed in range(120):
        pr = MORPH.generate(seed)
        p = pr.params
        assert "outside the image always count as 0" in pr.prompt.en and "图像外的像素一律按 0 处理" in pr.prompt.zh
        if p["operation"] not in ("opening", "closing"):
            continue
        mid = "eroded" if p["operation"] == "opening" else "dilated"
        wrong = np.array(pr.answer[mid])
        wrong[0, 0] = 1 - wrong[0, 0]
        se = STRUCT[p["element"]]
        if p["operation"] == "opening":
            carried = ndi.binary_dilation(wrong.astype(bool), structure=se, border_value=0).astype(int)
        else:
            carried = ndi.binary_erosion(wrong.astype(bool), structure=se, border_value=0).astype(int)
        text = lambda m: "; ".join(" ".join(map(str, r)) for r in m)  # noqa: E731
        v = grade(pr, {mid: text(wrong), "result": text(carried)}, MORPH.carry(p))
        parts = {pv.name: pv for pv in v.parts}
        assert not parts[mid].correct and parts["result"].correct


def test_morphology_bad_params():
    ex = MORPH.example
    assert MORPH.from_params(ex).answer
    for bad in ({**ex, "image": [[0, 2, 0], [1, 1, 1], [0, 1, 0]]}, {**ex, "element": "disk"},
                {**ex, "operation": "thinning"}, {**ex, "image": [[1, 1], [1, 1]]}):
        with pytest.raises(ParamError) as exc:
            MORPH.from_params(bad)
        assert "\n" not in str(exc.value)


@settings(max_examples=150, deadline=None)
@given(st.integers(3, 8), st.integers(3, 8), st.data(), st.sampled_from(["erosion", "dilation", "opening", "closing"]),
       st.sampled_from(["square", "cross", "hline", "vline"]))
def test_morphology_any_binary_image_matches_scipy(h, w, data, op, el):
    img = [[data.draw(st.integers(0, 1)) for _ in range(w)] for _ in range(h)]
    params = {"image": img, "operation": op, "element": el}
    ans = MORPH.from_params(params).answer
    first, result = morph_reference(params)
    np.testing.assert_array_equal(np.array(ans if op in ("erosion", "dilation") else ans["result"]),
                                  result.astype(int))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**40))
def test_deterministic_valid_and_self_consistent(seed):
    self_consistent("morphology", seed)
