"""Cross-checks of the kind `rnn-step` (Forward pass of a vanilla RNN).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the recurrent-network kinds (rnn-step, gru-step, recurrent-params, bptt-gradient) against
independent numpy implementations written here: matrix products for the RNN, the PyTorch form of the GRU with the
update gate mapped z ↔ 1 − z, parameter counts from explicitly built weight arrays, and finite-difference gradients
through an unrolled scalar RNN. Nothing here calls examgen's solver helpers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from examgen.grading import grade

from tests.kinds._refs import _far, _fmt, _kind, example_solves, one_line_param_error, sequence_properties


SEEDS = range(600)


def np_rnn(params):
    W_hh, W_xh = np.array(params["W_hh"], float), np.array(params["W_xh"], float)
    b = np.array(params["b"], float)
    h = np.array(params["h0"], float)
    hs = []
    for x in params["xs"]:
        h = np.tanh(W_hh @ h + W_xh @ np.array(x, float) + b)
        hs.append(h)
    y = None
    if params.get("W_hy") is not None:
        y = np.array(params["W_hy"], float) @ h + np.array(params["b_y"], float)
    return hs, y


def test_rnn_step_against_numpy():
    kind = _kind("rnn-step")
    seen = set()
    for seed in SEEDS:
        pr = kind.generate(seed)
        hs, y = np_rnn(pr.params)
        ans = pr.answer
        for t, h in enumerate(hs, start=1):
            np.testing.assert_allclose(ans[f"h{t}"], h, atol=1e-9)
        if y is not None:
            np.testing.assert_allclose(ans["y"], y, atol=1e-9)
            seen.add("output")
        else:
            assert "y" not in ans
        seen.add(f"T{len(hs)}")
        seen.add(f"n{len(pr.params['h0'])}")
        if not any(pr.params["h0"]):
            seen.add("zero-start")
        assert all(np.any(np.abs(h) > 0.04) for h in hs), "no all-zero hidden state"
    assert {"output", "T1", "T2", "n1", "n2", "zero-start"} <= seen


def test_rnn_step_carry_forward():
    kind = _kind("rnn-step")
    checked = 0
    for seed in range(300):
        pr = kind.generate(seed)
        p = pr.params
        if len(p["xs"]) < 2:
            continue
        hs, _ = np_rnn(p)
        wrong_h1 = hs[0] + np.where(hs[0] > 0, -0.3, 0.3)  # off by 0.3 and still in (−1, 1), as tanh's
        follow = np.tanh(np.array(p["W_hh"]) @ wrong_h1 + np.array(p["W_xh"]) @ np.array(p["xs"][1]) + np.array(p["b"]))
        carry = kind.carry(p)
        v = grade(pr, {"h1": _fmt(wrong_h1), "h2": _fmt(follow)}, carry)
        by = {pv.name: pv for pv in v.parts}
        plain = {pv.name: pv for pv in grade(pr, {"h1": _fmt(wrong_h1), "h2": _fmt(follow)}, None).parts}
        assert by["h1"].score < 1 and by["h2"].score == 1.0 and (by["h2"].carried or plain["h2"].score == 1.0)
        v = grade(pr, {"h1": _fmt(wrong_h1), "h2": _fmt(_far(follow, pr.answer["h2"]))}, carry)
        by = {pv.name: pv for pv in v.parts}
        assert by["h2"].score == 0.0
        if "y" in pr.answer:
            y_follow = np.array(p["W_hy"]) @ follow + np.array(p["b_y"])
            answers = {"h1": _fmt(hs[0]), "h2": _fmt(follow), "y": _fmt(y_follow)}
            by = {pv.name: pv for pv in grade(pr, answers, carry).parts}
            plain = {pv.name: pv for pv in grade(pr, answers, None).parts}
            assert by["y"].score == 1.0 and (by["y"].carried or plain["y"].score == 1.0)
        checked += 1
    assert checked > 100


BAD_PARAMS = [
    {"W_hh": [[0.5, 0.1]], "W_xh": [[1.0]], "b": [0.1], "h0": [0.0], "xs": [[1.0]]},
    {"W_hh": [[0.5]], "W_xh": [[1.0]], "b": [0.1], "h0": [0.0], "xs": [[1.0]], "W_hy": [[1.0]]},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("rnn-step", raw)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_and_schema_stable(seed):
    sequence_properties("rnn-step", seed)


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_no_degenerate_problems(seed):
    rnn = _kind("rnn-step").generate(seed)
    # pre-activations are at least 0.05 away from 0, outputs at least 0.01
    assert all(abs(v) > 0.049 for k in rnn.answer if k != "y" for v in rnn.answer[k])
    assert all(abs(v) >= 0.01 for v in rnn.answer.get("y", []))


def test_example_solves():
    example_solves("rnn-step")


def test_no_follow_through_from_an_impossible_hidden_state():
    """h = tanh(…) lies in (−1, 1): an h_1 of 1.5 carries nothing into h_2."""
    from tests.kinds._refs import no_follow_through

    pr = next(p for p in (_kind("rnn-step").generate(s) for s in range(300)) if len(p.params["xs"]) >= 2)
    n = len(pr.answer["h1"])
    h = np.array([1.5] * n)
    p = pr.params
    follow = np.tanh(np.array(p["W_hh"]) @ h + np.array(p["W_xh"]) @ np.array(p["xs"][1]) + np.array(p["b"]))
    no_follow_through(pr, {"h1": _fmt(h)}, "h2", _fmt(follow))
