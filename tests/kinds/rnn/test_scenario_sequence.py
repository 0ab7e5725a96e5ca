"""Cross-checks of the kind `scenario-sequence` (Comprehensive: unrolling a recurrent cell).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the comprehensive scenarios against independent computations: numpy array views and weight
arrays for the CNN, OpenCV's NMS and the VOC devkit AP formula for detection, scipy/OpenCV filters for the image
pipeline, numpy recurrent cells for the sequence, numpy batch norm and finite-difference gradients for the training
step. Each part is checked on its own, and carry-forward is tested: a wrong earlier part with a later part that
follows from it earns the later part's credit, a later part that is wrong both ways earns nothing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.kinds._refs import _check_carry, _kind, _vec, example_solves, one_line_param_error, scenario_properties


SEEDS = range(520)


def _sig(x):
    return 1 / (1 + np.exp(-x))


def np_lstm(p, x, h, c):
    v = np.concatenate([h, x])
    f = _sig(np.array(p["W_f"]) @ v + p["b_f"])
    i = _sig(np.array(p["W_i"]) @ v + p["b_i"])
    g = np.tanh(np.array(p["W_c"]) @ v + p["b_c"])
    o = _sig(np.array(p["W_o"]) @ v + p["b_o"])
    c = f * c + i * g
    return o * np.tanh(c), c, o


def np_gru_pytorch(p, x, h):
    """PyTorch's form h' = (1 − z') n + z' h with z' = 1 − z (the course's update-gate weights negated)."""
    v = np.concatenate([h, x])
    z_t = _sig(-(np.array(p["W_z"]) @ v + p["b_z"]))
    r = _sig(np.array(p["W_r"]) @ v + p["b_r"])
    n = np.tanh(np.array(p["W_h"]) @ np.concatenate([r * h, x]) + p["b_h"])
    return (1 - z_t) * n + z_t * h, 1 - z_t, n


def test_sequence_against_numpy():
    kind = _kind("scenario-sequence")
    seen = set()
    for seed in SEEDS:
        pr = kind.generate(seed)
        p = pr.params
        a = pr.answer
        xs = np.array(p["xs"], float)
        h = np.array(p["h0"], float)
        gates = {"lstm": 4, "gru": 3}[p["cell"]]
        if p["cell"] == "lstm":
            c = np.array(p["c0"], float)
            h1, c1, _ = np_lstm(p, xs[0], h, c)
            h2, c2, _ = np_lstm(p, xs[1], h1, c1)
            for key, ref in (("c1", c1), ("h1", h1), ("c2", c2), ("h2", h2)):
                np.testing.assert_allclose(a[key], ref, atol=1e-9, err_msg=f"{seed} {key}")
        else:
            h1, z1, n1 = np_gru_pytorch(p, xs[0], h)
            h2, _, _ = np_gru_pytorch(p, xs[1], h1)
            for key, ref in (("z1", z1), ("h_tilde1", n1), ("h1", h1), ("h2", h2)):
                np.testing.assert_allclose(a[key], ref, atol=1e-9, err_msg=f"{seed} {key}")
        hid, inp = p["deploy"]
        arrays = [np.zeros((hid, hid + inp)), np.zeros(hid)] * gates
        assert a["params"] == sum(x.size for x in arrays)
        seen.add((p["cell"], len(p["h0"]), len(p["xs"][0])))
    assert {("lstm", 1, 1), ("gru", 1, 1), ("lstm", 2, 2), ("gru", 2, 1)} <= seen


def test_sequence_carry_forward():
    kind = _kind("scenario-sequence")
    for seed in range(150):
        pr = kind.generate(seed)
        p = pr.params
        a = pr.answer
        xs = np.array(p["xs"], float)
        h0 = np.array(p["h0"], float)
        if p["cell"] == "lstm":
            wrong_c1 = np.array(a["c1"]) + 0.3
            _, _, o1 = np_lstm(p, xs[0], h0, np.array(p["c0"], float))
            h1_follow = o1 * np.tanh(wrong_c1)
            _check_carry(pr, {"c1": _vec(wrong_c1)}, "h1", _vec(h1_follow), _vec(h1_follow + 0.9))
            h2_follow, c2_follow, _ = np_lstm(p, xs[1], h1_follow, wrong_c1)
            base = {"c1": _vec(wrong_c1), "h1": _vec(h1_follow)}
            _check_carry(pr, base, "c2", _vec(c2_follow), _vec(c2_follow + 0.9))
            _check_carry(pr, {**base, "c2": _vec(c2_follow)}, "h2", _vec(h2_follow), _vec(h2_follow + 0.9))
        else:
            wrong_z = np.array(a["z1"]) + 0.2
            h1_follow = (1 - wrong_z) * h0 + wrong_z * np.array(a["h_tilde1"])
            base = {"z1": _vec(wrong_z), "h_tilde1": _vec(a["h_tilde1"])}
            _check_carry(pr, base, "h1", _vec(h1_follow), _vec(h1_follow + 0.9))
            h2_follow, _, _ = np_gru_pytorch(p, xs[1], h1_follow)
            _check_carry(pr, {**base, "h1": _vec(h1_follow)}, "h2", _vec(h2_follow), _vec(h2_follow + 0.9))


BAD_PARAMS = [
    {"cell": "gru", "xs": [[1.0], [0.5]], "h0": [0.0], "W_z": [[0.5, 0.4]],
                               "W_r": [[0.3, 0.8]], "b_z": [0.1], "b_r": [0.0], "b_h": [0.0], "deploy": [8, 4]},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("scenario-sequence", raw)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_schema_stable_and_comprehensive(seed):
    scenario_properties("scenario-sequence", seed)


def test_example_solves():
    example_solves("scenario-sequence")
