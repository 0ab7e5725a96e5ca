"""Cross-checks of the kind `smoothing-filter` (Smoothing filters: mean, Gaussian, median).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of smoothing-filter, morphology and canny-steps against independent references.

smoothing-filter: scipy.ndimage uniform_filter / correlate / median_filter, compared on the interior (valid
region). morphology: scipy.ndimage binary_erosion / binary_dilation / binary_opening / binary_closing with
border_value=0, and OpenCV erode / dilate with a constant 0 border. canny-steps: a numpy implementation written
here (neighbours derived from cos/sin of the direction), hysteresis with scipy.ndimage.label (8-connectivity) and
skimage.filters.apply_hysteresis_threshold (4-connectivity, so its edges must be a subset of ours)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import ndimage as ndi

from examgen import registry
from examgen.errors import ParamError

from tests.kinds._refs import self_consistent


SEEDS = range(600)
SMOOTH = registry.get("smoothing-filter")


def smooth_reference(p: dict) -> dict[str, np.ndarray]:
    img = np.asarray(p["image"], dtype=float)
    out = {"mean": ndi.uniform_filter(img, size=3, mode="constant")[1:-1, 1:-1],
           "median": ndi.median_filter(img, size=3, mode="constant")[1:-1, 1:-1]}
    if p["filter"] == "gaussian":
        k = np.asarray(p["kernel"], dtype=float) / p["divisor"]
        out["gaussian"] = ndi.correlate(img, k, mode="constant")[1:-1, 1:-1]
    return out


@st.composite
def smooth_params(draw):
    h, w = draw(st.integers(3, 7)), draw(st.integers(3, 7))
    img = [[draw(st.integers(0, 255)) for _ in range(w)] for _ in range(h)]
    flt = draw(st.sampled_from(["mean", "gaussian", "median", "compare"]))
    params = {"filter": flt, "image": img}
    if flt == "gaussian":
        params["kernel"] = [[draw(st.integers(0, 4)) for _ in range(3)] for _ in range(3)]
        params["divisor"] = draw(st.integers(1, 20))
    if flt == "compare" or draw(st.booleans()):
        params["at"] = [draw(st.integers(1, h - 2)), draw(st.integers(1, w - 2))]
    return params


def test_smoothing_matches_scipy():
    seen = set()
    for seed in SEEDS:
        pr = SMOOTH.generate(seed)
        p = pr.params
        ref = smooth_reference(p)
        flt, at = p["filter"], p.get("at")
        seen.add((flt, at is None))
        if at is None:
            np.testing.assert_allclose(np.array(pr.answer, dtype=float), ref[flt], atol=1e-9)
            continue
        i, j = at[0] - 1, at[1] - 1  # interior coordinates
        if flt == "compare":
            assert pr.answer["mean"] == pytest.approx(ref["mean"][i, j], abs=1e-9)
            assert pr.answer["median"] == pytest.approx(ref["median"][i, j], abs=1e-9)
        else:
            assert pr.answer == pytest.approx(ref[flt][i, j], abs=1e-9)
    assert seen == {("mean", True), ("mean", False), ("gaussian", True), ("gaussian", False), ("median", True),
                    ("median", False), ("compare", False)}


def test_smoothing_problems_are_sensible():
    for seed in SEEDS:
        pr = SMOOTH.generate(seed)
        p = pr.params
        img = np.array(p["image"])
        assert img.min() >= 0 and img.max() <= 255 and len(np.unique(img)) >= 3
        if p["filter"] == "gaussian":
            assert p["kernel"] == [[1, 2, 1], [2, 4, 2], [1, 2, 1]] and p["divisor"] == 16
        if p["filter"] in ("median", "compare") and p.get("at"):
            i, j = p["at"]
            assert img[i, j] in (0, 255), "the median variants put salt or pepper at the asked pixel"
        if p.get("at") is not None:
            i, j = p["at"]
            cells = set(map(tuple, pr.figures[0].highlight))
            assert cells == {(i + u, j + v) for u in (-1, 0, 1) for v in (-1, 0, 1)}
            assert f"row {i + 1}, column {j + 1}" in pr.prompt.en
        else:
            assert "valid region" in pr.prompt.en and "有效区域" in pr.prompt.zh
        if p["filter"] != "median":
            assert "2 decimals" in pr.prompt.en and "两位小数" in pr.prompt.zh


def test_smoothing_example_and_bad_params():
    ex = SMOOTH.example
    ref = smooth_reference(ex)
    assert SMOOTH.from_params(ex).answer == pytest.approx(ref["median"][0, 0])
    for bad in ({**ex, "at": [0, 1]}, {**ex, "filter": "gaussian"}, {**ex, "kernel": [[1]], "divisor": 1},
                {**ex, "filter": "compare", "at": None}, {**ex, "image": [[1, 2], [3, 4]]}):
        bad = {k: v for k, v in bad.items() if v is not None}
        with pytest.raises(ParamError) as exc:
            SMOOTH.from_params(bad)
        assert "\n" not in str(exc.value)


@settings(max_examples=150, deadline=None)
@given(smooth_params())
def test_smoothing_any_image_matches_scipy(params):
    ans = SMOOTH.from_params(params).answer
    ref = smooth_reference(params)
    at = params.get("at")
    if at is None:
        np.testing.assert_allclose(np.array(ans, dtype=float), ref[params["filter"]], atol=1e-9)
    elif params["filter"] == "compare":
        assert [ans["mean"], ans["median"]] == pytest.approx([ref["mean"][at[0] - 1, at[1] - 1],
                                                              ref["median"][at[0] - 1, at[1] - 1]])
    else:
        assert ans == pytest.approx(ref[params["filter"]][at[0] - 1, at[1] - 1])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**40))
def test_deterministic_valid_and_self_consistent(seed):
    self_consistent("smoothing-filter", seed)
