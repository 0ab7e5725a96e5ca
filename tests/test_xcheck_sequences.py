"""Cross-checks of the recurrent-network kinds (rnn-step, gru-step, recurrent-params, bptt-gradient) against
independent numpy implementations written here: matrix products for the RNN, the PyTorch form of the GRU with the
update gate mapped z ↔ 1 − z, parameter counts from explicitly built weight arrays, and finite-difference gradients
through an unrolled scalar RNN. Nothing here calls examgen's solver helpers."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import grade

SEEDS = range(600)
KINDS = ("rnn-step", "gru-step", "recurrent-params", "bptt-gradient")


def _kind(name):
    return registry.get(name)


def _sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def _far(*refs):
    """A vector far (per component) from every reference vector: wrong whichever way it is graded."""
    refs = [np.atleast_1d(np.asarray(r, float)) for r in refs]
    for off in (0.77, -0.77, 1.9, -1.9, 3.3):
        cand = refs[0] + off
        if all(np.all(np.abs(cand - r) > 0.1 + 0.02 * np.abs(r)) for r in refs):
            return cand
    raise AssertionError("no far value")


def _fmt(values):
    return ", ".join(repr(float(v)) for v in np.atleast_1d(values))


# ---------------------------------------------------------------- rnn-step
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
        wrong_h1 = hs[0] + 0.3
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


# ---------------------------------------------------------------- gru-step
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
        r_bad = ref["r"] + 0.2
        ht_follow = np.tanh(np.array(p["W_h"]) @ np.concatenate([r_bad * h_prev, x]) + np.array(p["b_h"]))
        z_bad = ref["z"] + 0.15
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


# ---------------------------------------------------------------- recurrent-params
def count_by_arrays(cell, h, x, bias):
    """Count the entries of the weight arrays a framework would allocate: per gate W (h×x), U (h×h), bias(es)."""
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[cell]
    arrays = []
    for _ in range(gates):
        arrays.append(np.zeros((h, x)))
        arrays.append(np.zeros((h, h)))
        arrays.append(np.zeros(h))
        if bias == "double":
            arrays.append(np.zeros(h))
    return sum(a.size for a in arrays)


def count_by_formula(cell, h, x, bias):
    g = {"rnn": 1, "gru": 3, "lstm": 4}[cell]
    return g * (h * (h + x) + (2 if bias == "double" else 1) * h)


def test_recurrent_params_against_arrays_and_formula():
    kind = _kind("recurrent-params")
    asks = set()
    for seed in SEEDS:
        pr = kind.generate(seed)
        p = pr.params
        cell, h, x, bias, ask = p["cell"], p["hidden"], p["input"], p["bias"], p["ask"]
        asks.add(ask)
        a = pr.answer
        if ask == "layer":
            assert a["layer"] == count_by_arrays(cell, h, x, bias) == count_by_formula(cell, h, x, bias)
            assert a["per_gate"] * {"rnn": 1, "gru": 3, "lstm": 4}[cell] == a["layer"]
            assert a["per_gate"] == np.zeros((h, x)).size + np.zeros((h, h)).size + h * (2 if bias == "double" else 1)
        elif ask == "output":
            k = p["outputs"]
            fc = np.zeros((k, h)).size + np.zeros(k).size
            assert a["layer"] == count_by_arrays(cell, h, x, bias) == count_by_formula(cell, h, x, bias)
            assert a["output"] == fc and a["total"] == a["layer"] + fc
        elif ask == "compare":
            lstm, gru = count_by_arrays("lstm", h, x, bias), count_by_arrays("gru", h, x, bias)
            assert (a["lstm"], a["gru"], a["difference"]) == (lstm, gru, lstm - gru)
            assert 3 * a["lstm"] == 4 * a["gru"]
        else:
            l1, l2 = count_by_arrays(cell, h, x, bias), count_by_arrays(cell, h, h, bias)
            assert (a["layer1"], a["layer2"], a["total"]) == (l1, l2, l1 + l2)
            assert l2 == count_by_formula(cell, h, h, bias)
    assert asks == {"layer", "output", "compare", "stacked"}


def test_recurrent_params_pytorch_layout():
    """PyTorch stores one (G·h)×x matrix, one (G·h)×h matrix and two G·h bias vectors per layer."""
    for cell, g in (("rnn", 1), ("gru", 3), ("lstm", 4)):
        for h, x in ((20, 10), (128, 300), (7, 1)):
            arrays = [np.zeros((g * h, x)), np.zeros((g * h, h)), np.zeros(g * h), np.zeros(g * h)]
            pr = _kind("recurrent-params").from_params(
                {"cell": cell, "hidden": h, "input": x, "bias": "double", "ask": "layer"})
            assert pr.answer["layer"] == sum(a.size for a in arrays)


def test_recurrent_params_carry_forward():
    kind = _kind("recurrent-params")
    for seed in range(200):
        pr = kind.generate(seed)
        carry = kind.carry(pr.params)
        names = [p.name for p in pr.parts]
        wrong = {n: str(int(pr.answer[n]) + 7) for n in names[:-1]}
        if pr.params["ask"] == "layer":
            follow = int(wrong["per_gate"]) * {"rnn": 1, "gru": 3, "lstm": 4}[pr.params["cell"]]
        elif pr.params["ask"] == "compare":
            follow = int(wrong["lstm"]) - int(wrong["gru"])
        else:
            follow = sum(int(v) for v in wrong.values())
        by = {pv.name: pv for pv in grade(pr, {**wrong, names[-1]: str(follow)}, carry).parts}
        if follow != pr.answer[names[-1]]:
            assert by[names[-1]].carried
        assert by[names[-1]].score == 1.0
        by = {pv.name: pv for pv in grade(pr, {**wrong, names[-1]: str(follow + 1)}, carry).parts}
        assert by[names[-1]].score == 0.0


# ---------------------------------------------------------------- bptt-gradient
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


# ---------------------------------------------------------------- properties shared by the four kinds
@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**63 - 1), name=st.sampled_from(KINDS))
def test_deterministic_and_schema_stable(seed, name):
    kind = _kind(name)
    a, b = kind.generate(seed), kind.generate(seed)
    assert a.to_json() == b.to_json()
    params = json.loads(json.dumps(a.params))
    assert kind.schema.validate(params) == params
    assert kind.from_params(params).answer == a.answer


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_no_degenerate_problems(seed):
    rnn = _kind("rnn-step").generate(seed)
    # pre-activations are at least 0.05 away from 0, outputs at least 0.01
    assert all(abs(v) > 0.049 for k in rnn.answer if k != "y" for v in rnn.answer[k])
    assert all(abs(v) >= 0.01 for v in rnn.answer.get("y", []))
    bptt = _kind("bptt-gradient").generate(seed)
    for v in bptt.answer.values():
        assert np.all(np.abs(np.atleast_1d(v)) > 0)
    rp = _kind("recurrent-params").generate(seed)
    assert all(v > 0 for v in rp.answer.values())
    gru = _kind("gru-step").generate(seed)
    assert all(0 < v < 1 for v in gru.answer["z"] + gru.answer["r"])


@pytest.mark.parametrize("name", KINDS)
def test_example_solves(name):
    kind = _kind(name)
    pr = kind.from_params(dict(kind.example))
    assert pr.steps and pr.parts


@pytest.mark.parametrize("name,params", [
    ("rnn-step", {"W_hh": [[0.5, 0.1]], "W_xh": [[1.0]], "b": [0.1], "h0": [0.0], "xs": [[1.0]]}),
    ("rnn-step", {"W_hh": [[0.5]], "W_xh": [[1.0]], "b": [0.1], "h0": [0.0], "xs": [[1.0]], "W_hy": [[1.0]]}),
    ("gru-step", {"x": [1.0], "h_prev": [0.5], "W_z": [[0.5]], "W_r": [[0.3, 0.8]], "W_h": [[0.6, 0.2]],
                  "b_z": [0.1], "b_r": [0.0], "b_h": [-0.2]}),
    ("recurrent-params", {"cell": "lstm", "hidden": 8, "input": 4, "bias": "single", "ask": "output"}),
    ("recurrent-params", {"cell": "gru", "hidden": 8, "input": 4, "bias": "single", "ask": "compare"}),
    ("bptt-gradient", {"mode": "steps", "w": [1.5], "state": 0.1, "threshold": 0.01}),
    ("bptt-gradient", {"mode": "given-h", "w": [0.5], "h": [0.5, 1.2]}),
    ("bptt-gradient", {"mode": "compare", "w": [0.5], "state": 0.2, "T": 10}),
])
def test_bad_params_are_one_line_param_errors(name, params):
    with pytest.raises(ParamError) as exc:
        _kind(name).from_params(params)
    assert "\n" not in str(exc.value)
