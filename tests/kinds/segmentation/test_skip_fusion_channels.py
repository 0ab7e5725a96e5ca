"""Cross-checks of the kind `skip-fusion-channels` (Skip-connection fusion: concatenation vs addition).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the CNN-layer kinds against independent references (numpy / scipy / scikit-image and formulas
written here), plus hypothesis properties. Nothing here calls examgen's solver helpers: only `kind.generate`,
`kind.from_params` and the answer key are used."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from examgen.errors import ParamError
from examgen.grading import grade

from tests.kinds._refs import answers, cnn_well_formed, example_solves, gen, kind, n_params, no_follow_through


SEEDS = range(600)
META = np.dtype([])   # zero-byte elements: numpy tracks real shapes (slicing, concatenation) without the memory


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


@settings(max_examples=60)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_valid_and_well_formed(seed):
    cnn_well_formed("skip-fusion-channels", seed)


def test_example_reproduces():
    example_solves("skip-fusion-channels")


def test_carry_forward_gives_follow_through_credit():
    # skip fusion: a wrong fused shape, then the parameter count that follows from it
    k = kind("skip-fusion-channels")
    pr = k.from_params({"arch": "unet", "skip_shape": [64, 64, 512], "main_shape": [56, 56, 512], "conv_kernel": 3,
                        "conv_out": 512, "bias": True})
    v = grade(pr, {"fused": "56x56x512", "params": str(9 * 512 * 512 + 512)}, k.carry(pr.params))
    assert [pv.score for pv in v.parts] == [pytest.approx(2 / 3), 1.0] and v.parts[1].carried


def test_conventions_stated():
    """Every prompt states its conventions in both languages."""
    k = kind("skip-fusion-channels")
    for seed in range(100):
        pr = k.generate(seed)
        zh, en = pr.prompt.zh, pr.prompt.en
        assert ("偏置" in zh) and ("bias" in en)


def test_no_follow_through_from_an_impossible_fused_shape():
    """The fused shape's entries are positive whole numbers: parameters computed from −768 channels are not
    carried and score 0."""
    pr = gen("skip-fusion-channels", 0)  # 3×3 conv to 384 with bias after the fusion
    no_follow_through(pr, {"fused": "96x96x-768"}, "params", str(9 * -768 * 384 + 384))
