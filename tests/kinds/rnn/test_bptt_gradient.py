"""Cross-checks of the kind `bptt-gradient` (Vanishing and exploding gradients in an RNN).

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


def unroll(w, h0, xs, u=1.0, b=0.0):
    h = h0
    out = []
    for x in xs:
        h = np.tanh(w * h + u * x + b)
        out.append(h)
    return out


def fd(fun, x0, eps=1e-6):
    return (fun(x0 + eps) - fun(x0 - eps)) / (2 * eps)


def _relclose(a, b, rel=1e-5, abs_=1e-12):
    return abs(a - b) <= rel * abs(b) + abs_


def test_bptt_recorded_sequences_against_finite_differences():
    kind = _kind("bptt-gradient")
    checked = {"given-h": 0, "given-pre": 0}
    for seed in range(1500):
        pr = kind.generate(seed)
        p = pr.params
        if p["mode"] not in checked:
            continue
        checked[p["mode"]] += 1
        w = p["w"][0]
        h0 = 0.3
        if p["mode"] == "given-h":
            hs = list(p["h"])
        else:
            hs = [math.tanh(a) for a in p["pre"]]
            np.testing.assert_allclose(pr.answer["h"], hs, atol=1e-9)
        # an actual RNN (u = 1, b = 0) whose inputs reproduce the recorded states
        xs, prev = [], h0
        for h in hs:
            xs.append(math.atanh(h) - w * prev)
            prev = h
        assert np.allclose(unroll(w, h0, xs), hs, atol=1e-12)
        # per-step factors: perturb h_(t-1), run one step with the same input
        prevs = [h0] + hs[:-1]
        factors = [fd(lambda hp, x=x: math.tanh(w * hp + x), hp) for hp, x in zip(prevs, xs)]
        np.testing.assert_allclose(pr.answer["factors"], factors, rtol=1e-6, atol=1e-8)
        grad = fd(lambda v: unroll(w, v, xs)[-1], h0)
        assert _relclose(pr.answer["product"], grad, rel=1e-5, abs_=1e-10), (seed, pr.answer["product"], grad)
        assert pr.answer["product"] != 0
    assert min(checked.values()) >= 250


def test_bptt_steps_and_compare_against_finite_differences():
    kind = _kind("bptt-gradient")
    checked = {"steps": 0, "compare": 0}
    for seed in range(1500):
        pr = kind.generate(seed)
        p = pr.params
        if p["mode"] not in checked:
            continue
        checked[p["mode"]] += 1
        a = p["state"]
        if p["mode"] == "steps":
            w = p["w"][0]
            b = math.atanh(a) - w * a  # a fixed point: with zero input the state stays at a
            thr = p["threshold"]
            k_key = pr.answer["steps"]
            xs = [0.0] * (k_key + 1)
            assert np.allclose(unroll(w, a, xs, b=b), a, atol=1e-9)
            grads = [abs(fd(lambda v, j=j: unroll(w, v, xs[:j], b=b)[-1], a, eps=1e-7)) for j in range(1, k_key + 2)]
            crossed = [j for j, g in enumerate(grads, start=1) if (g < thr if thr < 1 else g > thr)]
            assert crossed and crossed[0] == k_key, (seed, grads, thr)
            assert abs(pr.answer["factor"] - fd(lambda v: unroll(w, v, [0.0], b=b)[-1], a, 1e-7)) < 1e-4
            assert 2 <= k_key <= 60
        else:
            T = p["T"]
            vals = []
            for w in p["w"]:
                b = math.atanh(a) - w * a
                vals.append(fd(lambda v: unroll(w, v, [0.0] * T, b=b)[-1], a, eps=1e-7))
            assert _relclose(pr.answer["vanish"], vals[0], rel=1e-4), (seed, pr.answer, vals)
            assert _relclose(pr.answer["explode"], vals[1], rel=1e-4), (seed, pr.answer, vals)
            assert abs(vals[0]) < 1 < abs(vals[1])
            np.testing.assert_allclose(pr.answer["factors"], [w * (1 - a * a) for w in p["w"]], atol=1e-9)
    assert min(checked.values()) >= 250


def test_bptt_carry_forward():
    kind = _kind("bptt-gradient")
    for seed in range(300):
        pr = kind.generate(seed)
        p = pr.params
        carry = kind.carry(p)
        mode = p["mode"]
        if mode in ("given-h", "given-pre"):
            bad = [f * 1.3 + 0.01 for f in pr.answer["factors"]]
            follow = float(np.prod(bad))
            ans = {"factors": _fmt(bad), "product": repr(follow)}
            if mode == "given-pre":
                ans["h"] = _fmt(pr.answer["h"])
            by = {pv.name: pv for pv in grade(pr, ans, carry).parts}
            assert by["product"].score == 1.0 and by["product"].carried
            ans["product"] = repr(float(_far(follow, pr.answer["product"])[0]))
            assert {pv.name: pv for pv in grade(pr, ans, carry).parts}["product"].score == 0.0
            if mode == "given-pre":
                h_bad = [h + 0.1 for h in pr.answer["h"]]
                f_follow = [p["w"][0] * (1 - h * h) for h in h_bad]
                by = {pv.name: pv for pv in grade(pr, {"h": _fmt(h_bad), "factors": _fmt(f_follow),
                                                        "product": repr(float(np.prod(f_follow)))}, carry).parts}
                assert by["factors"].score == 1.0 and by["product"].score == 1.0
        elif mode == "steps":
            f = pr.answer["factor"]
            thr = p["threshold"]
            bad = f * 0.8 if abs(f) < 1 else f * 1.2
            k = 1
            while not (abs(bad) ** k < thr if thr < 1 else abs(bad) ** k > thr):
                k += 1
            by = {pv.name: pv for pv in grade(pr, {"factor": repr(bad), "steps": str(k)}, carry).parts}
            assert by["steps"].score == 1.0
            by = {pv.name: pv for pv in grade(pr, {"factor": repr(bad), "steps": str(k + 5)}, carry).parts}
            assert by["steps"].score == 0.0 or k + 5 == pr.answer["steps"]
        else:
            bad = [f + 0.1 for f in pr.answer["factors"]]
            ans = {"factors": _fmt(bad), "vanish": repr(bad[0] ** p["T"]), "explode": repr(bad[1] ** p["T"])}
            by = {pv.name: pv for pv in grade(pr, ans, carry).parts}
            assert by["vanish"].score == 1.0 and by["explode"].score == 1.0
            ans["explode"] = repr(bad[1] ** p["T"] * 2)
            assert {pv.name: pv for pv in grade(pr, ans, carry).parts}["explode"].score == 0.0


BAD_PARAMS = [
    {"mode": "steps", "w": [1.5], "state": 0.1, "threshold": 0.01},
    {"mode": "given-h", "w": [0.5], "h": [0.5, 1.2]},
    {"mode": "compare", "w": [0.5], "state": 0.2, "T": 10},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("bptt-gradient", raw)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_and_schema_stable(seed):
    sequence_properties("bptt-gradient", seed)


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_no_degenerate_problems(seed):
    bptt = _kind("bptt-gradient").generate(seed)
    for v in bptt.answer.values():
        assert np.all(np.abs(np.atleast_1d(v)) > 0)


def test_example_solves():
    example_solves("bptt-gradient")
