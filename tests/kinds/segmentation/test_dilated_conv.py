"""Cross-checks of the kind `dilated-conv` (Dilated (atrous) convolution).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the CNN-layer kinds against independent references (numpy / scipy / scikit-image and formulas
written here), plus hypothesis properties. Nothing here calls examgen's solver helpers: only `kind.generate`,
`kind.from_params` and the answer key are used."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import correlate

from examgen.grading import grade

from tests.kinds._refs import answers, cnn_well_formed, example_solves, gen, kind, n_params, no_follow_through, one_line_param_error


SEEDS = range(600)
META = np.dtype([])   # zero-byte elements: numpy tracks real shapes (slicing, concatenation) without the memory


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


@settings(max_examples=60)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_valid_and_well_formed(seed):
    cnn_well_formed("dilated-conv", seed)


def test_example_reproduces():
    example_solves("dilated-conv")


BAD_PARAMS = [
    {"ask": "same", "kernel": 2, "rates": [3], "input_hw": [8, 8], "stride": 1, "in_channels": 3,
                          "out_channels": 4, "bias": False},
    {"ask": "single", "kernel": 3, "rates": [2], "input_hw": [8, 8], "stride": 1, "in_channels": 3,
                          "out_channels": 4, "bias": False},
    {"ask": "stack", "kernel": 3, "rates": [2], "input_hw": [8, 8], "stride": 1, "in_channels": 3,
                          "out_channels": 4, "bias": False},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("dilated-conv", raw)


def test_carry_forward_gives_follow_through_credit():
    # dilated: a wrong k' carried into the output size
    k = kind("dilated-conv")
    pr = k.from_params({"ask": "single", "kernel": 3, "rates": [2], "input_hw": [32, 32], "stride": 1, "padding": 0,
                        "in_channels": 8, "out_channels": 16, "bias": False})
    v = grade(pr, {"eff": "3", "output": "30x30x16", "params": "1152"}, k.carry(pr.params))
    assert v.parts[0].score == 0 and v.parts[1].score == 1.0 and v.parts[1].carried and v.parts[2].score == 1.0


def test_conventions_stated():
    """Every prompt states its conventions in both languages."""
    k = kind("dilated-conv")
    for seed in range(100):
        pr = k.generate(seed)
        zh, en = pr.prompt.zh, pr.prompt.en
        assert ("偏置" in zh) and ("bias" in en)


def test_no_follow_through_from_an_impossible_effective_kernel():
    """The effective kernel size is a positive whole number: an output shape computed from −5 or 4.5 is not
    carried and scores 0."""
    pr = gen("dilated-conv", 0)  # 3×3 at rate 2 on 52×21, stride 1, padding 2, 16 kernels
    no_follow_through(pr, {"eff": "-5"}, "output", "62x31x15")  # 15: no credit for the channels either
    no_follow_through(pr, {"eff": "4.5"}, "output", "53x22x15")  # 4.5 rounds to 4
