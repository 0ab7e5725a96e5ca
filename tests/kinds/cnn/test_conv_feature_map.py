"""Cross-checks of the kind `conv-feature-map` (Computing a convolution feature map).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the CNN-layer kinds against independent references (numpy / scipy / scikit-image and formulas
written here), plus hypothesis properties. Nothing here calls examgen's solver helpers: only `kind.generate`,
`kind.from_params` and the answer key are used."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.signal import correlate2d

from examgen.errors import ParamError

from tests.kinds._refs import answers, cnn_well_formed, example_solves, kind, one_line_param_error


SEEDS = range(600)


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


small_mats = st.integers(2, 6).flatmap(lambda h: st.integers(2, 6).flatmap(
    lambda w: st.lists(st.lists(st.integers(-9, 9), min_size=w, max_size=w), min_size=h, max_size=h)))


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


@settings(max_examples=60)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_valid_and_well_formed(seed):
    cnn_well_formed("conv-feature-map", seed)


def test_example_reproduces():
    example_solves("conv-feature-map")


BAD_PARAMS = [
    {"image": [[1, 2], [3, 4]], "kernel": [[0, 0], [0, 0]], "stride": 1, "padding": 0},
    {"image": [[1.5, 2], [3, 4]], "kernel": [[1]], "stride": 1, "padding": 0},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("conv-feature-map", raw)


def test_conventions_stated():
    """Every prompt states its conventions in both languages."""
    k = kind("conv-feature-map")
    for seed in range(100):
        pr = k.generate(seed)
        zh, en = pr.prompt.zh, pr.prompt.en
        assert "互相关" in zh and "不翻转" in zh and "cross-correlation" in en and "not flipped" in en
        assert "从 0 开始" in zh and "0-based" in en
