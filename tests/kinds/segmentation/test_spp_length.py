"""Cross-checks of the kind `spp-length` (Output length of spatial pyramid pooling).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the CNN-layer kinds against independent references (numpy / scipy / scikit-image and formulas
written here), plus hypothesis properties. Nothing here calls examgen's solver helpers: only `kind.generate`,
`kind.from_params` and the answer key are used."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from examgen.grading import grade

from tests.kinds._refs import answers, cnn_well_formed, example_solves, gen, kind, n_params, no_follow_through, one_line_param_error


SEEDS = range(600)


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


@settings(max_examples=60)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_valid_and_well_formed(seed):
    cnn_well_formed("spp-length", seed)


def test_example_reproduces():
    example_solves("spp-length")


BAD_PARAMS = [
    {"levels": [4, 2, 1], "channels": 256, "input_hw": [7, 7], "ask": "window"},
    {"levels": [4, 2, 1], "channels": 256, "input_hw": [13, 13], "ask": "fc"},
    {"levels": [4, 2, 1], "channels": 256, "input_hw": [3, 13], "ask": "length"},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("spp-length", raw)


def test_carry_forward_gives_follow_through_credit():
    # spp: a wrong length carried into the FC parameters
    k = kind("spp-length")
    pr = k.from_params({"levels": [4, 2, 1], "channels": 256, "input_hw": [13, 13], "ask": "fc", "fc_out": 4096})
    v = grade(pr, {"length": "5000", "fc_params": str(5000 * 4096 + 4096)}, k.carry(pr.params))
    assert v.parts[1].carried and v.parts[1].score == 1.0


def test_conventions_stated():
    """Every prompt states its conventions in both languages."""
    k = kind("spp-length")
    for seed in range(100):
        pr = k.generate(seed)
        zh, en = pr.prompt.zh, pr.prompt.en
        if pr.params["ask"] == "window":
            assert "ceil(a/n)" in zh and "floor(a/n)" in en


def test_no_follow_through_from_an_impossible_length():
    """The SPP vector's length is a positive whole number: FC parameters computed from −5376 or 5300.5 are not
    carried and score 0."""
    pr = gen("spp-length", 0)  # 256 × (16 + 4 + 1), FC to 1024
    no_follow_through(pr, {"length": "-5376"}, "fc_params", str(-5376 * 1024 + 1024))
    no_follow_through(pr, {"length": "5300.5"}, "fc_params", str(5300 * 1024 + 1024))
