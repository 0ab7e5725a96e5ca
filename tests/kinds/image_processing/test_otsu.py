"""Cross-checks of the kind `otsu` (Otsu thresholding).

The notes on the references, shared with the kinds it was first checked with:
The eight core kinds, each checked against an independent implementation over 500+ seeds."""

from __future__ import annotations

import numpy as np
import pytest
from skimage.filters import threshold_otsu

from tests.kinds._refs import gen


SEEDS = range(500)


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
