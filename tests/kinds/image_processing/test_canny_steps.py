"""Cross-checks of the kind `canny-steps` (The later steps of Canny edge detection).

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
from skimage.filters import apply_hysteresis_threshold

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import grade

from tests.kinds._refs import self_consistent


SEEDS = range(600)
CANNY = registry.get("canny-steps")


def quantize_ref(theta: np.ndarray) -> np.ndarray:
    """Nearest multiple of 45° modulo 180° (the integer angles never sit on a .5 boundary)."""
    return (np.round(np.mod(theta, 180) / 45).astype(int) % 4) * 45


def nms_ref(mag: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Neighbours along the direction from cos/sin, angles counter-clockwise with y up (rows grow downward)."""
    h, w = mag.shape
    pad = np.pad(mag, 1, constant_values=0)
    out = np.zeros_like(mag)
    for i in range(h):
        for j in range(w):
            t = np.deg2rad(q[i, j])
            dc, dr = int(round(np.cos(t))), -int(round(np.sin(t)))
            a, b = pad[i + 1 + dr, j + 1 + dc], pad[i + 1 - dr, j + 1 - dc]
            out[i, j] = mag[i, j] if mag[i, j] >= max(a, b) else 0
    return out


def classes_ref(m: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.where(m >= high, 2, np.where(m >= low, 1, 0))


def hysteresis_ref(codes: np.ndarray) -> np.ndarray:
    labels, n = ndi.label(codes > 0, structure=np.ones((3, 3)))
    strong = np.unique(labels[codes == 2])
    return np.isin(labels, strong[strong > 0]).astype(int)


def test_canny_matches_numpy_scipy_skimage():
    seen = set()
    for seed in SEEDS:
        pr = CANNY.generate(seed)
        p = pr.params
        ask = p["ask"]
        seen.add(ask)
        mag = np.array(p["magnitude"], dtype=float)
        low, high = p["low"], p["high"]
        if ask == "threshold":
            thin = mag
        else:
            q = quantize_ref(np.array(p["direction"]))
            if ask == "full":
                np.testing.assert_array_equal(np.array(pr.answer["direction"]), q)
            else:
                np.testing.assert_array_equal(np.array(p["direction"]), q)
            thin = nms_ref(mag, q)
            np.testing.assert_array_equal(np.array(pr.answer["nms"], dtype=float), thin)
        codes = classes_ref(thin, low, high)
        np.testing.assert_array_equal(np.array(pr.answer["classes"]), codes)
        edges = hysteresis_ref(codes)
        np.testing.assert_array_equal(np.array(pr.answer["edges"]), edges)
        # skimage's hysteresis (strict >, 4-connected) on integer maps: a subset of the 8-connected edges
        sk = apply_hysteresis_threshold(thin, low - 0.5, high - 0.5).astype(int)
        assert (sk <= edges).all() and (sk[codes == 2] == 1).all()
    assert seen == {"full", "nms", "threshold"}


def test_canny_problems_are_not_degenerate():
    for seed in SEEDS:
        p = CANNY.generate(seed).params
        mag = np.array(p["magnitude"], dtype=float)
        low, high = p["low"], p["high"]
        assert 0 < low < high
        if p["ask"] == "full":
            r = np.mod(np.array(p["direction"]), 45)
            assert ((r <= 20) | (r >= 25)).all(), "angles stay clear of the quantization boundaries"
        if p["ask"] != "threshold":
            q = quantize_ref(np.array(p["direction"]))
            thin = nms_ref(mag, q)
            # some pixel above the low threshold is suppressed, and no tie decides a pixel
            assert ((mag >= low) & (thin == 0)).any()
            h, w = mag.shape
            pad = np.pad(mag, 1)
            for i in range(h):
                for j in range(w):
                    t = np.deg2rad(q[i, j])
                    dc, dr = int(round(np.cos(t))), -int(round(np.sin(t)))
                    m = max(pad[i + 1 + dr, j + 1 + dc], pad[i + 1 - dr, j + 1 - dc])
                    assert not (mag[i, j] > 0 and mag[i, j] == m)
        else:
            thin = mag
        assert not np.isin(thin, [low, high]).any(), "no magnitude on a threshold"
        codes = classes_ref(thin, low, high)
        edges = hysteresis_ref(codes)
        assert (codes == 2).any() and (codes == 1).any()
        assert ((codes == 1) & (edges == 1)).any(), "hysteresis keeps a weak pixel"
        if p["ask"] == "threshold":
            assert ((codes == 1) & (edges == 0)).any(), "and drops one"


def test_canny_prompt_states_conventions():
    for seed in range(60):
        pr = CANNY.generate(seed)
        en, zh = pr.prompt.en, pr.prompt.zh
        assert "8-connected" in en and "8 邻接" in zh
        assert f"$T_L = {pr.params['low']}$" in en and f"$T_H = {pr.params['high']}$" in en
        if pr.params["ask"] != "threshold":
            assert "45°: upper right and lower left" in en and "45°：右上、左下" in zh
            assert "greater than or equal to both" in en and "outside the image count as 0" in en
            assert "counter-clockwise" in en and "逆时针" in zh


def test_canny_carry_forward_each_stage():
    for seed in range(120):
        pr = CANNY.generate(seed)
        p = pr.params
        if p["ask"] != "nms":
            continue
        # a wrong NMS map, then classes and edges consistent with it: both later stages earn credit
        nms = np.array(pr.answer["nms"], dtype=float)
        nms[0, 0] = p["high"] + 5 if nms[0, 0] < p["high"] else 0
        codes = classes_ref(nms, p["low"], p["high"])
        edges = hysteresis_ref(codes)
        text = lambda m: "; ".join(" ".join(str(int(v)) for v in r) for r in m)  # noqa: E731
        v = grade(pr, {"nms": text(nms), "classes": text(codes), "edges": text(edges)}, CANNY.carry(p))
        parts = {pv.name: pv for pv in v.parts}
        assert not parts["nms"].correct and parts["classes"].correct and parts["edges"].correct


def test_canny_example_and_bad_params():
    ex = CANNY.example
    pr = CANNY.from_params(ex)
    q = quantize_ref(np.array(ex["direction"]))
    thin = nms_ref(np.array(ex["magnitude"], dtype=float), q)
    np.testing.assert_array_equal(np.array(pr.answer["nms"], dtype=float), thin)
    for bad in ({**ex, "low": 70}, {**ex, "ask": "nms"}, {k: v for k, v in ex.items() if k != "direction"},
                {**ex, "ask": "threshold"}, {**ex, "direction": [[0, 0], [0, 0]]},
                {**ex, "magnitude": [[-1, 2], [3, 4]], "direction": [[0, 0], [0, 0]]}):
        with pytest.raises(ParamError) as exc:
            CANNY.from_params(bad)
        assert "\n" not in str(exc.value)


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 6), st.integers(2, 6), st.data(), st.sampled_from(["full", "nms", "threshold"]))
def test_canny_any_maps_match_reference(h, w, data, ask):
    mag = [[data.draw(st.integers(0, 99)) for _ in range(w)] for _ in range(h)]
    low = data.draw(st.integers(1, 60))
    high = data.draw(st.integers(low + 1, 100))
    params = {"magnitude": mag, "low": low, "high": high, "ask": ask}
    angles = [[data.draw(st.integers(-180, 180)) for _ in range(w)] for _ in range(h)]
    if ask != "threshold":
        params["direction"] = angles if ask == "full" else quantize_ref(np.array(angles)).tolist()
    ans = CANNY.from_params(params).answer
    m = np.array(mag, dtype=float)
    thin = m if ask == "threshold" else nms_ref(m, quantize_ref(np.array(params["direction"])))
    if ask != "threshold":
        np.testing.assert_array_equal(np.array(ans["nms"], dtype=float), thin)
    codes = classes_ref(thin, low, high)
    np.testing.assert_array_equal(np.array(ans["classes"]), codes)
    np.testing.assert_array_equal(np.array(ans["edges"]), hysteresis_ref(codes))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**40))
def test_deterministic_valid_and_self_consistent(seed):
    self_consistent("canny-steps", seed)
