"""Cross-checks of the CNN-layer kinds against independent references (numpy / scipy / scikit-image and formulas
written here), plus hypothesis properties. Nothing here calls examgen's solver helpers: only `kind.generate`,
`kind.from_params` and the answer key are used."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import correlate, correlate2d
from skimage.measure import block_reduce

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import grade
from examgen.mathfmt import check_typst_math, split_math

SEEDS = range(600)
META = np.dtype([])   # zero-byte elements: numpy tracks real shapes (slicing, concatenation) without the memory
KINDS = ("conv-params", "conv-feature-map", "pool-output", "receptive-field", "dilated-conv", "spp-length",
         "skip-fusion-channels")


def kind(name):
    return registry.get(name)


def answers(pr):
    return {p.name: p.answer for p in pr.parts}


def n_params(*shapes):
    """Number of learnable values in tensors of the given shapes (as a framework would allocate them)."""
    return int(sum(np.prod(s, dtype=np.int64) for s in shapes))


# ---------------------------------------------------------------- conv-params
def ref_conv_params(p):
    h, w, c = p["input_shape"]
    n = p["out"]
    bias = [(n,)] if p["bias"] else []
    if p["layer"] == "conv":
        k = p["kernel"]
        return n_params((n, c, k, k), *bias)          # PyTorch Conv2d weight layout
    if p["layer"] == "fc":
        return n_params((n, h * w * c), *bias)        # Linear on the flattened input
    return n_params((n, c, h, w), *bias)              # global conv: kernel as large as the map


def test_conv_params_against_weight_shapes():
    k = kind("conv-params")
    rng = np.random.default_rng(0)
    for seed in SEEDS:
        pr = k.generate(seed)
        p, ans = pr.params, answers(pr)
        if p["layer"] in ("conv", "fc"):
            assert ans[""] == ref_conv_params(p), (seed, p)
            continue
        h, w, c = p["input_shape"]
        assert ans["params"] == ref_conv_params(p), (seed, p)
        assert ans["flat"] == np.empty((h, w, c), dtype=np.uint8).reshape(-1).size
        # output size of the global convolution: how many (h, w, c) windows fit in the map, times the kernels
        x = rng.integers(0, 9, size=(h, w, c)).astype(float)
        windows = sliding_window_view(x, (h, w, c))
        assert ans["output"] == [windows.shape[0], windows.shape[1], p["out"]]
        # the global convolution equals flatten + FC with the same weights (checked with 3 kernels)
        wt = rng.normal(size=(3, h, w, c))
        conv = np.einsum("hwc,nhwc->n", x, wt)
        fc = wt.reshape(3, -1) @ x.reshape(-1)
        assert np.allclose(conv, fc)
        assert n_params((p["out"], h * w * c), *([(p["out"],)] if p["bias"] else [])) == ans["params"]


def test_conv_params_notes_example():
    pr = kind("conv-params").from_params({"layer": "global", "input_shape": [12, 12, 20], "out": 100, "bias": True})
    assert answers(pr) == {"output": [1, 1, 100], "params": 12 * 12 * 20 * 100 + 100, "flat": 2880}


# ---------------------------------------------------------------- conv-feature-map
def ref_feature_map(p):
    img = np.array(p["image"], dtype=np.int64)
    ker = np.array(p["kernel"], dtype=np.int64)
    pad, s = p["padding"], p["stride"]
    x = np.pad(img, pad, mode="constant", constant_values=0)
    full = correlate2d(x, ker, mode="valid")          # cross-correlation, no flip
    out = full[::s, ::s] + (p.get("bias") or 0)
    if p.get("relu"):
        out = np.maximum(out, 0)
    return out


def test_conv_feature_map_against_scipy():
    k = kind("conv-feature-map")
    for seed in SEEDS:
        pr = k.generate(seed)
        p, ans = pr.params, answers(pr)
        ref = ref_feature_map(p)
        assert ans["map"] == ref.tolist(), (seed, p)
        if "size" in ans:
            assert ans["size"] == list(ref.shape)
        # exam-friendly: exact division, hand-sized output, not all zero, not constant
        h, w = len(p["image"]), len(p["image"][0])
        kk = len(p["kernel"])
        assert (h + 2 * p["padding"] - kk) % p["stride"] == 0
        assert (w + 2 * p["padding"] - kk) % p["stride"] == 0
        assert ref.size <= 12 and np.any(ref != 0) and len(np.unique(ref)) > 1
        assert all(0 <= v <= 9 for r in p["image"] for v in r)
        assert all(-2 <= v <= 2 for r in p["kernel"] for v in r)
        if p.get("relu"):
            pre = correlate2d(np.pad(np.array(p["image"]), p["padding"]), np.array(p["kernel"]), "valid")
            pre = pre[::p["stride"], ::p["stride"]] + p["bias"]
            assert (pre < 0).any(), "the ReLU must matter"


def test_conv_feature_map_flip_matters_somewhere():
    """Guards against a convolution (flipped kernel) slipping in: some generated problems must differ."""
    k = kind("conv-feature-map")
    differ = 0
    for seed in range(200):
        p = k.generate(seed).params
        flipped = dict(p, kernel=np.array(p["kernel"])[::-1, ::-1].tolist())
        differ += ref_feature_map(flipped).tolist() != answers(k.generate(seed))["map"]
    assert differ > 150


small_mats = st.integers(2, 6).flatmap(lambda h: st.integers(2, 6).flatmap(
    lambda w: st.lists(st.lists(st.integers(-9, 9), min_size=w, max_size=w), min_size=h, max_size=h)))


@given(image=small_mats, kernel_side=st.integers(1, 3), kseed=st.integers(0, 10**6), stride=st.integers(1, 3),
       padding=st.integers(0, 2), bias=st.one_of(st.none(), st.integers(-5, 5)), relu=st.booleans())
def test_conv_feature_map_typed_params(image, kernel_side, kseed, stride, padding, bias, relu):
    r = np.random.default_rng(kseed)
    kernel = r.integers(-2, 3, size=(kernel_side, kernel_side))
    if not kernel.any():
        kernel[0, 0] = 1
    raw = {"image": image, "kernel": kernel.tolist(), "stride": stride, "padding": padding}
    if bias is not None:
        raw["bias"] = bias
        raw["relu"] = relu
    k = kind("conv-feature-map")
    if len(image) + 2 * padding < kernel_side or len(image[0]) + 2 * padding < kernel_side:
        with pytest.raises(ParamError):
            k.from_params(raw)
        return
    pr = k.from_params(raw)
    assert answers(pr)["map"] == ref_feature_map(raw).tolist()


# ---------------------------------------------------------------- pool-output
def ref_pool(image, f, s, mode):
    x = np.array(image, dtype=float)
    fn = np.max if mode == "max" else np.mean
    if f == s and x.shape[0] % f == 0 and x.shape[1] % f == 0:
        return block_reduce(x, (f, f), fn)
    win = sliding_window_view(x, (f, f))[::s, ::s]
    return fn(win, axis=(-2, -1))


def test_pool_against_skimage_and_windows():
    k = kind("pool-output")
    used_block_reduce = 0
    for seed in SEEDS:
        pr = k.generate(seed)
        p, ans = pr.params, answers(pr)
        f, s = p["window"], p["stride"]
        modes = ["max", "avg"] if p["mode"] == "both" else [p["mode"]]
        assert set(ans) == {"size", *modes}
        for m in modes:
            ref = ref_pool(p["image"], f, s, m)
            assert np.allclose(np.array(ans[m], dtype=float), ref, rtol=0, atol=1e-9), (seed, m)
            # the windowed reference agrees with block_reduce when both apply
            win = sliding_window_view(np.array(p["image"], float), (f, f))[::s, ::s]
            assert np.allclose((np.max if m == "max" else np.mean)(win, axis=(-2, -1)), ref)
            size = list(ref.shape) + ([p["channels"]] if p.get("channels", 1) > 1 else [])
            assert ans["size"] == size
            assert np.any(ref != 0)
        used_block_reduce += f == s
        h, w = len(p["image"]), len(p["image"][0])
        assert (h - f) % s == 0 and (w - f) % s == 0
    assert used_block_reduce > 300


def test_pool_average_decimals_are_exam_friendly():
    k = kind("pool-output")
    for seed in SEEDS:
        pr = k.generate(seed)
        if "avg" in answers(pr):
            f = pr.params["window"]
            for row in answers(pr)["avg"]:
                for v in row:
                    assert abs(v * f * f - round(v * f * f)) < 1e-6   # a sum of whole numbers over f²
            assert "两位小数" in pr.prompt.zh and "2 decimals" in pr.prompt.en


@given(image=small_mats, f=st.integers(1, 3), s=st.integers(1, 3), mode=st.sampled_from(["max", "avg", "both"]))
def test_pool_typed_params(image, f, s, mode):
    k = kind("pool-output")
    raw = {"image": image, "window": f, "stride": s, "mode": mode}
    if f > len(image) or f > len(image[0]):
        with pytest.raises(ParamError):
            k.from_params(raw)
        return
    ans = answers(k.from_params(raw))
    for m in (["max", "avg"] if mode == "both" else [mode]):
        win = sliding_window_view(np.array(image, float), (f, f))[::s, ::s]
        ref = (np.max if m == "max" else np.mean)(win, axis=(-2, -1))
        assert np.allclose(np.array(ans[m], float), ref)
        assert ans["size"] == list(ref.shape)


# ---------------------------------------------------------------- receptive-field
def impulse_support(layers, upto):
    """Which input pixels influence output units 0 and 1 after `upto` layers: push every one-hot input through
    the layers at once (a window "fires" if any input in it fires: the support of a conv with non-zero weights or
    of a max pool) and read off the responses. Returns (first, last) input index for unit 0 and the first index
    for unit 1."""
    length = math.prod(s for _, s, _ in layers[:upto]) * (2 + sum(k * d for k, _, d in layers[:upto]))  # loose bound
    x = np.eye(length, dtype=bool)
    for k, s, d in layers[:upto]:
        n_out = (x.shape[1] - (k - 1) * d - 1) // s + 1
        idx = np.arange(n_out)[:, None] * s + np.arange(k)[None, :] * d
        x = x[:, idx].any(-1)
    assert x.shape[1] >= 2
    u0, u1 = np.nonzero(x[:, 0])[0], np.nonzero(x[:, 1])[0]
    return u0.min(), u0.max(), u1.min()


def index_set_rf(layers, upto):
    """The same with plain sets of indices propagated backwards."""
    def back(unit):
        cells = {unit}
        for k, s, d in reversed(layers[:upto]):
            cells = {i * s + t * d for i in cells for t in range(k)}
        return cells
    c0, c1 = back(0), back(1)
    return max(c0) - min(c0) + 1, min(c1) - min(c0)


def test_receptive_field_brute_force():
    k = kind("receptive-field")
    for seed in SEEDS:
        pr = k.generate(seed)
        p, ans = pr.params, answers(pr)
        layers = p["layers"]
        n = len(layers)

        def rf(m):
            lo, hi, nxt = impulse_support(layers, m)
            assert index_set_rf(layers, m) == (hi - lo + 1, nxt - lo)
            return hi - lo + 1, nxt - lo

        if p["ask"] == "each":
            assert ans[""] == [rf(m)[0] for m in range(1, n + 1)], seed
        elif p["ask"] == "layer":
            assert ans[""] == rf(p["at_layer"])[0], seed
            assert 1 < p["at_layer"] < n
        elif p["ask"] == "jump":
            r, j = rf(n)
            assert ans == {"jump": j, "rf": r}, seed
            assert j > 1
        else:
            assert ans[""] == rf(n)[0], seed
        assert rf(n)[0] > 1
        types = p["layer_types"].split(",")
        assert all(d == 1 for (_, _, d), t in zip(layers, types) if t == "pool")


@given(st.lists(st.tuples(st.integers(1, 7), st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=6))
def test_receptive_field_typed_params(layers):
    layers = [list(t) for t in layers]
    raw = {"layers": layers, "layer_types": ",".join("conv" for _ in layers), "ask": "jump"}
    ans = answers(kind("receptive-field").from_params(raw))
    assert (ans["rf"], ans["jump"]) == index_set_rf(layers, len(layers))


# ---------------------------------------------------------------- dilated-conv
def dilated_kernel(k, d):
    """The k×k kernel with d − 1 zeros inserted between neighbouring weights."""
    ker = np.zeros(((k - 1) * d + 1,) * 2)
    ker[::d, ::d] = 1
    return ker


def test_dilated_conv_against_explicit_kernels():
    k = kind("dilated-conv")
    rng = np.random.default_rng(1)
    for seed in SEEDS:
        pr = k.generate(seed)
        p, ans = pr.params, answers(pr)
        kk, rates = p["kernel"], p["rates"]
        c_in, c_out = p["in_channels"], p["out_channels"]
        bias = [(c_out,)] if p["bias"] else []
        if p["ask"] == "stack":
            support = np.ones(1)
            for d in rates:                       # compose the layers: full convolution of 1-D dilated kernels
                support = np.convolve(support, dilated_kernel(kk, d)[0])
            nz = np.nonzero(support)[0]
            assert ans["rf"] == nz[-1] - nz[0] + 1, seed           # span of the influenced input pixels
            shapes = [(c_out, c_in, kk, kk)] + [(c_out, c_out, kk, kk)] * (len(rates) - 1)
            assert ans["params"] == n_params(*shapes, *(bias * len(rates))), seed
            continue
        ker = dilated_kernel(kk, rates[0])
        assert ans["eff"] == ker.shape[0], seed
        assert np.count_nonzero(ker) == kk * kk            # dilation adds no weights
        assert ans["params"] == n_params((c_out, c_in, kk, kk), *bias), seed
        h, w = p["input_hw"]
        if p["ask"] == "same":
            found = [pad for pad in range(0, 64) if min(h, w) + 2 * pad >= ker.shape[0]
                     and sliding_window_view(np.empty((h + 2 * pad, w + 2 * pad), META), ker.shape).shape[:2] == (h, w)]
            assert ans["padding"] == found[0] and len(found) == 1, seed
            pad = found[0]
            assert correlate(np.pad(rng.random((h, w)), pad), ker, mode="valid", method="fft").shape == (h, w)
        else:
            pad, s = p["padding"], p["stride"]
            x = np.pad(rng.random((h, w)), pad)
            out = correlate(x, ker, mode="valid", method="fft")[::s, ::s]
            assert ans["output"] == [out.shape[0], out.shape[1], c_out], seed
            assert (h - ker.shape[0] + 2 * pad) % s == 0


# ---------------------------------------------------------------- spp-length
def adaptive_max_pool(x, n):
    """PyTorch-style adaptive max pooling of an (H, W, C) map to n×n bins."""
    h, w = x.shape[:2]
    out = np.empty((n, n, x.shape[2]), dtype=x.dtype)
    for i in range(n):
        for j in range(n):
            r0, r1 = (i * h) // n, -(-((i + 1) * h) // n)
            c0, c1 = (j * w) // n, -(-((j + 1) * w) // n)
            out[i, j] = x[r0:r1, c0:c1].max(axis=(0, 1))
    return out


def spp_vector(x, levels):
    return np.concatenate([adaptive_max_pool(x, n).reshape(-1) for n in levels])


def test_spp_against_numpy_pooling():
    k = kind("spp-length")
    rng = np.random.default_rng(2)
    for seed in SEEDS:
        pr = k.generate(seed)
        p, ans = pr.params, answers(pr)
        levels, c = p["levels"], p["channels"]
        h, w = p["input_hw"]
        vec = spp_vector(rng.random((h, w, c), dtype=np.float32), levels)
        assert ans["length"] == vec.size == c * sum(n * n for n in levels), seed
        if p.get("input_hw2"):
            h2, w2 = p["input_hw2"]
            assert ans["length2"] == spp_vector(rng.random((h2, w2, c), dtype=np.float32), levels).size
            assert [h2, w2] != [h, w]
        if p["ask"] == "fc":
            n = p["fc_out"]
            assert ans["fc_params"] == n_params((n, vec.size), (n,)), seed
        if p["ask"] == "window":
            assert h == w
            x = rng.random((h, h, 2))
            wins, strides = [], []
            for n in levels:
                win, stride = math.ceil(h / n), math.floor(h / n)
                pooled = sliding_window_view(x, (win, win), axis=(0, 1))[::stride, ::stride].max(axis=(-2, -1))
                assert pooled.shape[:2] == (n, n), (seed, n)    # the convention really gives n×n bins
                wins.append(win)
                strides.append(stride)
            assert ans["window"] == wins and ans["stride"] == strides, seed


@given(h=st.integers(6, 30), w=st.integers(6, 30), levels=st.sampled_from([[4, 2, 1], [3, 2, 1], [6, 3, 2, 1]]))
def test_spp_length_is_independent_of_the_map_size(h, w, levels):
    raw = {"levels": levels, "channels": 7, "input_hw": [h, w], "ask": "length"}
    ans = answers(kind("spp-length").from_params(raw))
    assert ans["length"] == spp_vector(np.zeros((h, w, 7)), levels).size == spp_vector(np.zeros((13, 13, 7)), levels).size


# ---------------------------------------------------------------- skip-fusion-channels
def add_shape(a, b):
    """Element-wise addition as in FCN / ResNet: numpy's broadcasting rule, restricted to identical shapes."""
    assert a == b, f"cannot add {a} and {b}"
    return tuple(np.broadcast_shapes(a, b))


def conv1x1_shape(x, w):
    """Shape of a 1×1 convolution (stride already applied to x): contract the channels of one pixel with w."""
    return x.shape[:2] + np.tensordot(np.zeros(x.shape[2]), w, axes=1).shape


def test_skip_fusion_against_numpy_shapes():
    k = kind("skip-fusion-channels")
    for seed in SEEDS:
        pr = k.generate(seed)
        p, ans = pr.params, answers(pr)
        skip = np.empty(p["skip_shape"], dtype=META)
        main = np.empty(p["main_shape"], dtype=META)
        kk, n = p["conv_kernel"], p["conv_out"]
        bias = [(n,)] if p["bias"] else []
        hm, wm = main.shape[:2]
        if p["arch"] == "unet":
            dh, dw = (skip.shape[0] - hm) // 2, (skip.shape[1] - wm) // 2
            cropped = skip[dh:dh + hm, dw:dw + wm]
            fused = np.concatenate([cropped, main], axis=-1)
            assert ans["fused"] == list(fused.shape), seed
            assert ans["params"] == n_params((n, fused.shape[2], kk, kk), *bias), seed
        elif p["arch"] == "fcn":
            score = conv1x1_shape(skip, np.zeros((skip.shape[2], n)))
            assert ans["fused"] == list(add_shape(score, main.shape)), seed
            assert ans["params"] == n_params((n, skip.shape[2], kk, kk), *bias), seed
        elif p["arch"] == "resnet" and skip.shape == main.shape:
            fused = add_shape(skip.shape, main.shape)
            assert ans["fused"] == list(fused), seed
            assert ans["params"] == n_params((n, fused[2], kk, kk), *bias), seed
        elif p["arch"] == "resnet":
            stride = skip.shape[0] // hm
            proj = conv1x1_shape(skip[::stride, ::stride], np.zeros((skip.shape[2], n)))
            assert ans["fused"] == list(add_shape(proj, main.shape)), seed
            assert ans["params"] == n_params((n, skip.shape[2], kk, kk), *bias), seed
        else:
            cat = np.concatenate([skip, main], axis=-1)
            add = add_shape(skip.shape, main.shape)
            assert ans["concat"] == list(cat.shape) and ans["add"] == list(add), seed
            assert ans["concat_params"] == n_params((n, cat.shape[2], kk, kk), *bias), seed
            assert ans["add_params"] == n_params((n, add[2], kk, kk), *bias), seed


def test_skip_fusion_rejects_impossible_fusions():
    k = kind("skip-fusion-channels")
    base = {"conv_kernel": 3, "conv_out": 8, "bias": False}
    with pytest.raises(ParamError):
        k.from_params({**base, "arch": "compare", "skip_shape": [8, 8, 4], "main_shape": [8, 8, 6]})
    with pytest.raises(ParamError):
        k.from_params({**base, "arch": "unet", "skip_shape": [8, 8, 4], "main_shape": [10, 10, 4]})
    with pytest.raises(ParamError):
        k.from_params({**base, "arch": "fcn", "skip_shape": [8, 8, 64], "main_shape": [8, 8, 21]})


# ---------------------------------------------------------------- typed-in parameters
BAD_PARAMS = [
    ("conv-params", {"layer": "conv", "input_shape": [32, 32, 3], "out": 16, "bias": True}),
    ("conv-params", {"layer": "fc", "input_shape": [1, 1, 9], "out": 4, "bias": True, "kernel": 3}),
    ("conv-feature-map", {"image": [[1, 2], [3, 4]], "kernel": [[0, 0], [0, 0]], "stride": 1, "padding": 0}),
    ("conv-feature-map", {"image": [[1.5, 2], [3, 4]], "kernel": [[1]], "stride": 1, "padding": 0}),
    ("pool-output", {"image": [[1, 2], [3, 4]], "window": 3, "stride": 1, "mode": "max"}),
    ("pool-output", {"image": [[1, 2], [3, 4]], "window": 2, "stride": 2, "mode": "median"}),
    ("receptive-field", {"layers": [[3, 1, 1], [2, 2, 1]], "layer_types": "conv", "ask": "final"}),
    ("receptive-field", {"layers": [[3, 1, 1], [2, 2, 2]], "layer_types": "conv,pool", "ask": "final"}),
    ("receptive-field", {"layers": [[3, 1, 1], [2, 2, 1]], "layer_types": "conv,pool", "ask": "layer"}),
    ("dilated-conv", {"ask": "same", "kernel": 2, "rates": [3], "input_hw": [8, 8], "stride": 1, "in_channels": 3,
                      "out_channels": 4, "bias": False}),
    ("dilated-conv", {"ask": "single", "kernel": 3, "rates": [2], "input_hw": [8, 8], "stride": 1, "in_channels": 3,
                      "out_channels": 4, "bias": False}),
    ("dilated-conv", {"ask": "stack", "kernel": 3, "rates": [2], "input_hw": [8, 8], "stride": 1, "in_channels": 3,
                      "out_channels": 4, "bias": False}),
    ("spp-length", {"levels": [4, 2, 1], "channels": 256, "input_hw": [7, 7], "ask": "window"}),
    ("spp-length", {"levels": [4, 2, 1], "channels": 256, "input_hw": [13, 13], "ask": "fc"}),
    ("spp-length", {"levels": [4, 2, 1], "channels": 256, "input_hw": [3, 13], "ask": "length"}),
]


@pytest.mark.parametrize("name,raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(name, raw):
    with pytest.raises(ParamError) as exc:
        kind(name).from_params(raw)
    assert "\n" not in str(exc.value) and str(exc.value)


# ---------------------------------------------------------------- carry-forward
def test_carry_forward_gives_follow_through_credit():
    # skip fusion: a wrong fused shape, then the parameter count that follows from it
    k = kind("skip-fusion-channels")
    pr = k.from_params({"arch": "unet", "skip_shape": [64, 64, 512], "main_shape": [56, 56, 512], "conv_kernel": 3,
                        "conv_out": 512, "bias": True})
    v = grade(pr, {"fused": "56x56x512", "params": str(9 * 512 * 512 + 512)}, k.carry(pr.params))
    assert [pv.score for pv in v.parts] == [pytest.approx(2 / 3), 1.0] and v.parts[1].carried
    # dilated: a wrong k' carried into the output size
    k = kind("dilated-conv")
    pr = k.from_params({"ask": "single", "kernel": 3, "rates": [2], "input_hw": [32, 32], "stride": 1, "padding": 0,
                        "in_channels": 8, "out_channels": 16, "bias": False})
    v = grade(pr, {"eff": "3", "output": "30x30x16", "params": "1152"}, k.carry(pr.params))
    assert v.parts[0].score == 0 and v.parts[1].score == 1.0 and v.parts[1].carried and v.parts[2].score == 1.0
    # spp: a wrong length carried into the FC parameters
    k = kind("spp-length")
    pr = k.from_params({"levels": [4, 2, 1], "channels": 256, "input_hw": [13, 13], "ask": "fc", "fc_out": 4096})
    v = grade(pr, {"length": "5000", "fc_params": str(5000 * 4096 + 4096)}, k.carry(pr.params))
    assert v.parts[1].carried and v.parts[1].score == 1.0


# ---------------------------------------------------------------- generic properties
@pytest.mark.parametrize("name", KINDS)
@settings(max_examples=60)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_valid_and_well_formed(name, seed):
    k = kind(name)
    a, b = k.generate(seed), k.generate(seed)
    assert json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True)
    params = json.loads(json.dumps(a.params))
    assert k.schema.validate(params) == params
    again = k.from_params(params)
    assert again.answer == a.answer and again.prompt == a.prompt
    for part in a.parts:
        flat = part.answer if isinstance(part.answer, list) else [part.answer]
        flat = [v for x in flat for v in (x if isinstance(x, list) else [x])]
        assert flat and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in flat)
    # parameter counts, sizes and receptive fields are positive; a feature map may contain 0 and negatives
    for part in a.parts:
        if part.spec.kind in ("number", "shape") or (part.spec.kind == "vector"):
            vals = part.answer if isinstance(part.answer, list) else [part.answer]
            assert all(v > 0 for v in vals), (name, seed, part.name, part.answer)
    bis = [a.prompt] + [s.title for s in a.steps] + [s.note for s in a.steps if s.note] + [f.label for f in a.figures]
    for text in [t for b in bis for t in (b.zh, b.en)]:
        for kind_, seg in split_math(text):
            if kind_ == "math":
                assert check_typst_math(seg) == [], seg


@pytest.mark.parametrize("name", KINDS)
def test_example_reproduces(name):
    k = kind(name)
    pr = k.from_params(dict(k.example))
    assert pr.parts and pr.steps


@pytest.mark.parametrize("name", KINDS)
def test_conventions_stated(name):
    """Every prompt states its conventions in both languages."""
    k = kind(name)
    for seed in range(100):
        pr = k.generate(seed)
        zh, en = pr.prompt.zh, pr.prompt.en
        if name == "conv-feature-map":
            assert "互相关" in zh and "不翻转" in zh and "cross-correlation" in en and "not flipped" in en
            assert "从 0 开始" in zh and "0-based" in en
        if name == "pool-output":
            assert "不填充" in zh and "no padding" in en
        if name == "receptive-field":
            assert "不考虑图像边界" in zh and "ignore image borders" in en
        if name == "spp-length" and pr.params["ask"] == "window":
            assert "ceil(a/n)" in zh and "floor(a/n)" in en
        if name in ("conv-params", "dilated-conv", "skip-fusion-channels"):
            assert ("偏置" in zh) and ("bias" in en)
