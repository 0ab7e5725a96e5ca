"""Cross-checks of the kind `pool-output` (Pooling: output size and values).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the CNN-layer kinds against independent references (numpy / scipy / scikit-image and formulas
written here), plus hypothesis properties. Nothing here calls examgen's solver helpers: only `kind.generate`,
`kind.from_params` and the answer key are used."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view
from skimage.measure import block_reduce

from examgen.errors import ParamError

from tests.kinds._refs import answers, cnn_well_formed, example_solves, kind, one_line_param_error


SEEDS = range(600)


small_mats = st.integers(2, 6).flatmap(lambda h: st.integers(2, 6).flatmap(
    lambda w: st.lists(st.lists(st.integers(-9, 9), min_size=w, max_size=w), min_size=h, max_size=h)))


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


@settings(max_examples=60)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_valid_and_well_formed(seed):
    cnn_well_formed("pool-output", seed)


def test_example_reproduces():
    example_solves("pool-output")


BAD_PARAMS = [
    {"image": [[1, 2], [3, 4]], "window": 3, "stride": 1, "mode": "max"},
    {"image": [[1, 2], [3, 4]], "window": 2, "stride": 2, "mode": "median"},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("pool-output", raw)


def test_conventions_stated():
    """Every prompt states its conventions in both languages."""
    k = kind("pool-output")
    for seed in range(100):
        pr = k.generate(seed)
        zh, en = pr.prompt.zh, pr.prompt.en
        assert "不填充" in zh and "no padding" in en
