"""Cross-checks of the kind `conv-output` (Convolution output size).

The notes on the references, shared with the kinds it was first checked with:
The eight core kinds, each checked against an independent implementation over 500+ seeds."""

from __future__ import annotations

import numpy as np
from scipy import signal

from tests.kinds._refs import gen


SEEDS = range(500)


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
