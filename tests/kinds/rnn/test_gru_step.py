"""Cross-checks of the kind `gru-step` (One GRU step).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the recurrent-network kinds (rnn-step, gru-step, recurrent-params, bptt-gradient) against
independent numpy implementations written here: matrix products for the RNN, the PyTorch form of the GRU with the
update gate mapped z ↔ 1 − z, parameter counts from explicitly built weight arrays, and finite-difference gradients
through an unrolled scalar RNN. Nothing here calls examgen's solver helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from examgen.grading import grade

from tests.kinds._refs import _far, _fmt, _kind, example_solves, one_line_param_error, sequence_properties


SEEDS = range(600)


def _sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_gru_pytorch_convention(params):
    """The GRU written the PyTorch way, h = (1 − z') ⊙ n + z' ⊙ h_prev, where z' = σ(−(W_z v + b_z)) = 1 − z: the
    course's update-gate weights are negated to obtain PyTorch's gate."""
    h_prev, x = np.array(params["h_prev"], float), np.array(params["x"], float)
    v = np.concatenate([h_prev, x])
    Wz_torch, bz_torch = -np.array(params["W_z"], float), -np.array(params["b_z"], float)
    z_torch = _sig(Wz_torch @ v + bz_torch)
    r = _sig(np.array(params["W_r"], float) @ v + np.array(params["b_r"], float))
    n = np.tanh(np.array(params["W_h"], float) @ np.concatenate([r * h_prev, x]) + np.array(params["b_h"], float))
    h = (1 - z_torch) * n + z_torch * h_prev
    return {"z": 1 - z_torch, "r": r, "h_tilde": n, "h": h}


def test_gru_step_against_pytorch_convention():
    kind = _kind("gru-step")
    dims = set()
    for seed in SEEDS:
        pr = kind.generate(seed)
        p = pr.params
        ref = np_gru_pytorch_convention(p)
        for key in ("z", "r", "h_tilde", "h"):
            np.testing.assert_allclose(pr.answer[key], ref[key], atol=1e-9, err_msg=f"{seed} {key}")
        n, m = len(p["h_prev"]), len(p["x"])
        dims.add((n, m))
        if n == 1:
            # PyTorch applies r after the recurrent product: tanh(W_in x + b + r (W_hn h)); for a scalar
            # hidden state that is the same number.
            w_hn, w_in = p["W_h"][0][0], np.array(p["W_h"][0][1:])
            alt = math.tanh(float(w_in @ np.array(p["x"])) + p["b_h"][0] + ref["r"][0] * w_hn * p["h_prev"][0])
            assert abs(alt - pr.answer["h_tilde"][0]) < 1e-9
        assert np.all(np.abs(np.array(pr.answer["h"]) - np.array(p["h_prev"])) >= 0.01 - 1e-12)
    assert dims == {(1, 1), (1, 2), (2, 1), (2, 2)}


def test_gru_step_carry_forward():
    kind = _kind("gru-step")
    for seed in range(200):
        pr = kind.generate(seed)
        p = pr.params
        ref = np_gru_pytorch_convention(p)
        carry = kind.carry(p)
        h_prev, x = np.array(p["h_prev"], float), np.array(p["x"], float)
        # a wrong reset gate, and a candidate computed correctly from it
        r_bad = ref["r"] + np.where(ref["r"] > 0.5, -0.2, 0.2)   # wrong, and still a gate value in (0, 1)
        ht_follow = np.tanh(np.array(p["W_h"]) @ np.concatenate([r_bad * h_prev, x]) + np.array(p["b_h"]))
        z_bad = ref["z"] + np.where(ref["z"] > 0.5, -0.15, 0.15)
        h_follow = (1 - z_bad) * h_prev + z_bad * ht_follow
        answers = {"z": _fmt(z_bad), "r": _fmt(r_bad), "h_tilde": _fmt(ht_follow), "h": _fmt(h_follow)}
        by = {pv.name: pv for pv in grade(pr, answers, carry).parts}
        plain = {pv.name: pv for pv in grade(pr, answers, None).parts}
        assert by["z"].score < 1 and by["r"].score < 1
        assert by["h_tilde"].carried or plain["h_tilde"].score == 1.0
        assert by["h_tilde"].score == 1.0 and by["h"].score == 1.0
        assert by["h"].carried or plain["h"].score == 1.0
        answers["h"] = _fmt(_far(h_follow, pr.answer["h"]))
        by = {pv.name: pv for pv in grade(pr, answers, carry).parts}
        assert by["h"].score == 0.0


BAD_PARAMS = [
    {"x": [1.0], "h_prev": [0.5], "W_z": [[0.5]], "W_r": [[0.3, 0.8]], "W_h": [[0.6, 0.2]],
                      "b_z": [0.1], "b_r": [0.0], "b_h": [-0.2]},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("gru-step", raw)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_and_schema_stable(seed):
    sequence_properties("gru-step", seed)


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_no_degenerate_problems(seed):
    gru = _kind("gru-step").generate(seed)
    assert all(0 < v < 1 for v in gru.answer["z"] + gru.answer["r"])


def test_example_solves():
    example_solves("gru-step")


def test_no_follow_through_from_an_impossible_gate():
    """A gate lies in (0, 1): a reset gate of 1.5 carries nothing into h̃."""
    from tests.kinds._refs import no_follow_through

    checked = 0
    for seed in range(100):
        pr = _kind("gru-step").generate(seed)
        p = pr.params
        r = np.array([1.5] * len(p["h_prev"]))
        h_prev, x = np.array(p["h_prev"], float), np.array(p["x"], float)
        follow = np.tanh(np.array(p["W_h"]) @ np.concatenate([r * h_prev, x]) + np.array(p["b_h"]))
        if np.allclose(follow, pr.answer["h_tilde"], atol=0.02):   # h_prev = 0: r changes nothing
            continue
        no_follow_through(pr, {"r": _fmt(r)}, "h_tilde", _fmt(follow), seed)
        checked += 1
    assert checked >= 30
