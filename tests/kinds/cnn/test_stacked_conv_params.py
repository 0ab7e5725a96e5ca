"""Cross-checks of the kind `stacked-conv-params` (Parameters of stacked small kernels).

The notes on the references, shared with the kinds it was first checked with:
The eight core kinds, each checked against an independent implementation over 500+ seeds."""

from __future__ import annotations

import numpy as np
from scipy import signal

from tests.kinds._refs import gen


SEEDS = range(500)


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
