"""Cross-checks of smoothing-filter, morphology and canny-steps against independent references.

smoothing-filter: scipy.ndimage uniform_filter / correlate / median_filter, compared on the interior (valid
region). morphology: scipy.ndimage binary_erosion / binary_dilation / binary_opening / binary_closing with
border_value=0, and OpenCV erode / dilate with a constant 0 border. canny-steps: a numpy implementation written
here (neighbours derived from cos/sin of the direction), hysteresis with scipy.ndimage.label (8-connectivity) and
skimage.filters.apply_hysteresis_threshold (4-connectivity, so its edges must be a subset of ours)."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage as ndi
from skimage.filters import apply_hysteresis_threshold

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import grade
from examgen.selftest import submissions

SEEDS = range(600)
SMOOTH = registry.get("smoothing-filter")
MORPH = registry.get("morphology")
CANNY = registry.get("canny-steps")


# ---------------------------------------------------------------- smoothing-filter
def smooth_reference(p: dict) -> dict[str, np.ndarray]:
    img = np.asarray(p["image"], dtype=float)
    out = {"mean": ndi.uniform_filter(img, size=3, mode="constant")[1:-1, 1:-1],
           "median": ndi.median_filter(img, size=3, mode="constant")[1:-1, 1:-1]}
    if p["filter"] == "gaussian":
        k = np.asarray(p["kernel"], dtype=float) / p["divisor"]
        out["gaussian"] = ndi.correlate(img, k, mode="constant")[1:-1, 1:-1]
    return out


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


# ---------------------------------------------------------------- morphology
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


# ---------------------------------------------------------------- canny-steps
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


# ---------------------------------------------------------------- properties
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**40), st.sampled_from(["smoothing-filter", "morphology", "canny-steps"]))
def test_deterministic_valid_and_self_consistent(seed, name):
    kind = registry.get(name)
    a, b = kind.generate(seed), kind.generate(seed)
    assert json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True)
    params = json.loads(json.dumps(a.params))
    assert kind.schema.validate(params) == params
    assert grade(a, submissions(a).correct, kind.carry(a.params)).correct


# ---------------------------------------------------------------- typed-in (not generated) parameters
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
