"""Cross-checks of the kind `conv-params` (Parameters of convolutional and fully-connected layers).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the CNN-layer kinds against independent references (numpy / scipy / scikit-image and formulas
written here), plus hypothesis properties. Nothing here calls examgen's solver helpers: only `kind.generate`,
`kind.from_params` and the answer key are used."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from tests.kinds._refs import answers, cnn_well_formed, example_solves, kind, n_params, one_line_param_error


SEEDS = range(600)


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


@settings(max_examples=60)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_valid_and_well_formed(seed):
    cnn_well_formed("conv-params", seed)


def test_example_reproduces():
    example_solves("conv-params")


BAD_PARAMS = [
    {"layer": "conv", "input_shape": [32, 32, 3], "out": 16, "bias": True},
    {"layer": "fc", "input_shape": [1, 1, 9], "out": 4, "bias": True, "kernel": 3},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("conv-params", raw)


def test_conventions_stated():
    """Every prompt states its conventions in both languages."""
    k = kind("conv-params")
    for seed in range(100):
        pr = k.generate(seed)
        zh, en = pr.prompt.zh, pr.prompt.en
        assert ("偏置" in zh) and ("bias" in en)
