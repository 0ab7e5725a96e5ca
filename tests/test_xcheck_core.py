"""The eight core kinds, each checked against an independent implementation over 500+ seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import ndimage, signal
from skimage.filters import threshold_otsu
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from examgen import registry

SEEDS = range(500)


def gen(kind: str, seed: int):
    return registry.get(kind).generate(seed)


def test_conv_output_against_a_real_correlation():
    """Run an actual strided, padded, dilated correlation with scipy and measure the output."""
    rng = np.random.default_rng(0)
    for seed in SEEDS:
        pr = gen("conv-output", seed)
        p = pr.params
        h, w = p["input_hw"]
        if h * w > 70_000:
            h, w = h, w  # still small enough for one channel
        k, s, pad, d = p["kernel"], p["stride"], p["padding"], p["dilation"]
        x = np.pad(rng.random((h, w)), pad)
        kern = np.zeros((k + (k - 1) * (d - 1),) * 2)
        kern[::d, ::d] = 1.0
        full = signal.correlate2d(x, kern, mode="valid")
        out = full[::s, ::s]
        assert pr.answer == [out.shape[0], out.shape[1], p["out_channels"]], (seed, p)


def _receptive_field_by_impulse(n_layers: int, k: int) -> int:
    """Width of the input region that reaches one output of n stacked k×k stride-1 convolutions."""
    size = 64
    x = np.zeros((size, size))
    x[size // 2, size // 2] = 1.0
    y = x
    for _ in range(n_layers):
        y = signal.correlate2d(y, np.ones((k, k)), mode="same")
    rows = np.nonzero(y.sum(axis=1))[0]
    return int(rows.max() - rows.min() + 1)


def test_stacked_conv_params_by_counting_weight_arrays():
    for seed in SEEDS:
        pr = gen("stacked-conv-params", seed)
        p = pr.params
        c, k, n, bias = p["channels"], p["small_kernel"], p["num_layers"], p["bias"]
        c_in = p.get("in_channels", c)
        layers = [np.empty((c, c_in if i == 0 else c, k, k)) for i in range(n)]
        stacked = sum(w.size + (c if bias else 0) for w in layers)
        r = _receptive_field_by_impulse(n, k) if seed < 40 else n * (k - 1) + 1
        single = np.empty((c, c_in, r, r)).size + (c if bias else 0)
        assert pr.answer == {"stacked": stacked, "single": single}, (seed, p)


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


def test_precision_recall_against_sklearn():
    for seed in SEEDS:
        pr = gen("precision-recall", seed)
        p = pr.params
        y_true = [1] * p["tp"] + [0] * p["fp"] + [1] * p["fn"] + [0] * p["tn"]
        y_pred = [1] * p["tp"] + [1] * p["fp"] + [0] * p["fn"] + [0] * p["tn"]
        ans = pr.answer
        assert ans["accuracy"] == pytest.approx(accuracy_score(y_true, y_pred), abs=1e-9)
        assert ans["precision"] == pytest.approx(precision_score(y_true, y_pred), abs=1e-9)
        assert ans["recall"] == pytest.approx(recall_score(y_true, y_pred), abs=1e-9)
        assert ans["f1"] == pytest.approx(f1_score(y_true, y_pred), abs=1e-9)


STANDARD_KERNELS = {
    "roberts": (np.array([[1, 0], [0, -1]]), np.array([[0, 1], [-1, 0]])),
    "prewitt": (np.array([[-1, 0, 1]] * 3), np.array([[-1] * 3, [0] * 3, [1] * 3])),
    "sobel": (np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]), np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])),
}


def test_edge_filter_against_scipy_correlate():
    for seed in range(600):
        pr = gen("edge-filter", seed)
        p = pr.params
        kx, ky = STANDARD_KERNELS[p["operator"]]
        assert np.array_equal(np.array(p["kernel_x"]), kx) and np.array_equal(np.array(p["kernel_y"]), ky)
        img = np.array(p["image"], dtype=float)
        k = kx.shape[0]
        # scipy.signal.correlate2d 'valid' is the un-flipped sliding sum over the valid region
        gx = signal.correlate2d(img, kx, mode="valid")
        gy = signal.correlate2d(img, ky, mode="valid")
        # and it agrees with ndimage.correlate on the interior for odd kernels
        if k == 3:
            assert np.array_equal(ndimage.correlate(img, kx.astype(float), mode="constant")[1:-1, 1:-1], gx)
        mag = np.hypot(gx, gy) if p["magnitude"] == "l2" else np.abs(gx) + np.abs(gy)
        ans = pr.answer
        if "at" in p:
            i, j = p["at"]
            assert ans == pytest.approx({"gx": gx[i, j], "gy": gy[i, j], "magnitude": mag[i, j]}, abs=1e-9)
            assert (gx[i, j], gy[i, j]) != (0, 0)
        else:
            np.testing.assert_allclose(ans["gx"], gx, atol=1e-9)
            np.testing.assert_allclose(ans["gy"], gy, atol=1e-9)
            np.testing.assert_allclose(ans["magnitude"], mag, atol=1e-9)
            assert np.any(gx) or np.any(gy)


def _otsu_bruteforce(levels: np.ndarray, counts: np.ndarray) -> tuple[int, float, float]:
    """(best T, its variance, the runner-up variance) from the definition, with numpy."""
    p = counts / counts.sum()
    best = []
    for t in levels[:-1]:
        m0 = levels <= t
        w0, w1 = p[m0].sum(), p[~m0].sum()
        if w0 == 0 or w1 == 0:
            continue
        mu0 = (levels[m0] * p[m0]).sum() / w0
        mu1 = (levels[~m0] * p[~m0]).sum() / w1
        best.append((w0 * w1 * (mu0 - mu1) ** 2, int(t)))
    best.sort(reverse=True)
    return best[0][1], best[0][0], best[1][0]


def test_otsu_against_skimage_and_the_definition():
    for seed in SEEDS:
        pr = gen("otsu", seed)
        hist = np.array(pr.params["histogram"])
        levels, counts = hist[:, 0], hist[:, 1]
        occupied = counts > 0
        t, var, second = _otsu_bruteforce(levels[occupied], counts[occupied])
        assert pr.answer["threshold"] == t, seed
        assert pr.answer["variance"] == pytest.approx(var, rel=1e-9)
        assert var - second >= 0.03 * var  # a unique, clearly separated maximum
        # skimage thresholds an image: foreground = image > threshold; with unit-spaced bins its threshold
        # falls in [T, next occupied level).
        pixels = np.repeat(levels, counts).astype(np.uint8)
        if len(np.unique(pixels)) > 2:
            sk = threshold_otsu(pixels.reshape(1, -1), nbins=256)
            assert (pixels <= sk).sum() == (pixels <= t).sum(), (seed, sk, t)
        if "image" in pr.params:
            img = np.array(pr.params["image"])
            lv, ct = np.unique(img, return_counts=True)
            assert [[int(a), int(b)] for a, b in zip(lv, ct)] == pr.params["histogram"]


def test_yolo_output_by_building_the_tensor():
    for seed in SEEDS:
        pr = gen("yolo-output", seed)
        p = pr.params
        per_box = np.zeros(5)  # x, y, w, h, confidence
        cell = np.concatenate([np.tile(per_box, p["boxes"]), np.zeros(p["classes"])])
        tensor = np.zeros((p["grid"], p["grid"], cell.size))
        assert pr.answer == {"shape": list(tensor.shape), "total": tensor.size}


def _lstm_numpy(p):
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    z = np.concatenate([p["h_prev"], p["x"]])
    f = sig(np.array(p["W_f"]) @ z + p["b_f"])
    i = sig(np.array(p["W_i"]) @ z + p["b_i"])
    ct = np.tanh(np.array(p["W_c"]) @ z + p["b_c"])
    o = sig(np.array(p["W_o"]) @ z + p["b_o"])
    c = f * np.array(p["c_prev"]) + i * ct
    h = o * np.tanh(c)
    return {"f": f, "i": i, "c_tilde": ct, "c": c, "o": o, "h": h}


def test_lstm_step_against_numpy():
    for seed in SEEDS:
        pr = gen("lstm-step", seed)
        ref = _lstm_numpy(pr.params)
        for name, value in pr.answer.items():
            np.testing.assert_allclose(value, ref[name], atol=1e-9, err_msg=f"{seed} {name}")
        for key in ("W_f", "W_i", "W_c", "W_o"):
            for row in pr.params[key]:
                for v in row:
                    assert round(v, 2) == v  # one or two decimals
        assert 1 <= len(pr.params["h_prev"]) <= 2


def test_lstm_carry_forward_credits_consistent_later_parts():
    from examgen.grading import grade

    kind = registry.get("lstm-step")
    pr = kind.generate(5)
    ans = pr.answer
    fmt = lambda v: ", ".join(repr(x) for x in v)  # noqa: E731
    wrong_f = [x + 0.2 for x in ans["f"]]
    c_from_wrong = [f * c0 + i * ct for f, c0, i, ct in zip(wrong_f, pr.params["c_prev"], ans["i"], ans["c_tilde"])]
    h_from_wrong = [o * math.tanh(c) for o, c in zip(ans["o"], c_from_wrong)]
    sheet = {"f": fmt(wrong_f), "i": fmt(ans["i"]), "c_tilde": fmt(ans["c_tilde"]), "c": fmt(c_from_wrong),
             "o": fmt(ans["o"]), "h": fmt(h_from_wrong)}
    v = grade(pr, sheet, kind.carry(pr.params))
    scores = {pv.name: pv.score for pv in v.parts}
    assert scores["f"] == 0 and scores["c"] == 1 and scores["h"] == 1
    assert [pv.carried for pv in v.parts if pv.name == "c"] == [True]
    # without the hook, the consistent-but-wrong parts get nothing
    v2 = grade(pr, sheet, None)
    assert {pv.name: pv.score for pv in v2.parts}["c"] == 0
    # a c that is wrong both ways gets nothing even with the hook
    sheet["c"] = fmt([x + 5 for x in c_from_wrong])
    v3 = grade(pr, sheet, kind.carry(pr.params))
    assert {pv.name: pv.score for pv in v3.parts}["c"] == 0
