"""Cross-checks of the kind `receptive-field` (Receptive field).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the CNN-layer kinds against independent references (numpy / scipy / scikit-image and formulas
written here), plus hypothesis properties. Nothing here calls examgen's solver helpers: only `kind.generate`,
`kind.from_params` and the answer key are used."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.kinds._refs import answers, cnn_well_formed, example_solves, kind, one_line_param_error


SEEDS = range(600)


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


@settings(max_examples=60)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_valid_and_well_formed(seed):
    cnn_well_formed("receptive-field", seed)


def test_example_reproduces():
    example_solves("receptive-field")


BAD_PARAMS = [
    {"layers": [[3, 1, 1], [2, 2, 1]], "layer_types": "conv", "ask": "final"},
    {"layers": [[3, 1, 1], [2, 2, 2]], "layer_types": "conv,pool", "ask": "final"},
    {"layers": [[3, 1, 1], [2, 2, 1]], "layer_types": "conv,pool", "ask": "layer"},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("receptive-field", raw)


def test_conventions_stated():
    """Every prompt states its conventions in both languages."""
    k = kind("receptive-field")
    for seed in range(100):
        pr = k.generate(seed)
        zh, en = pr.prompt.zh, pr.prompt.en
        assert "不考虑图像边界" in zh and "ignore image borders" in en
