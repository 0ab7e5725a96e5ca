"""Cross-checks of the kind `recurrent-params` (Parameters of recurrent layers).

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

from tests.kinds._refs import _kind, example_solves, one_line_param_error, sequence_properties


SEEDS = range(600)


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


BAD_PARAMS = [
    {"cell": "lstm", "hidden": 8, "input": 4, "bias": "single", "ask": "output"},
    {"cell": "gru", "hidden": 8, "input": 4, "bias": "single", "ask": "compare"},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("recurrent-params", raw)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_and_schema_stable(seed):
    sequence_properties("recurrent-params", seed)


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_no_degenerate_problems(seed):
    rp = _kind("recurrent-params").generate(seed)
    assert all(v > 0 for v in rp.answer.values())


def test_example_solves():
    example_solves("recurrent-params")
