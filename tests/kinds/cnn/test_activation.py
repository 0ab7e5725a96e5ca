"""Cross-checks of the kind `activation` (Activation functions and their derivatives).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the training-ops kinds (activation, dropout, batchnorm, regularization, optimizer-step,
init-scale, cross-entropy) against independent references: scipy.special, numpy, scikit-learn, and update rules
written out here in the form of the PyTorch documentation. Nothing here calls examgen's solver helpers; examgen is
only asked for problems (generate / from_params) and for grading."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.special import expit

from examgen import registry

from tests.kinds._refs import (
    follow_through, gen, no_follow_through,
    assert_formulas_are_typst, assert_no_rounding_ties, cli_solve_reproduces_the_example, close, one_line_param_error,
    part_score, problems, training_properties,
)


def central(f, x, h=1e-6):
    """Central-difference derivative of an element-wise function."""
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)


def act_ref(fn: str, x, slope):
    x = np.asarray(x, dtype=float)
    if fn == "sigmoid":
        return expit(x)
    if fn == "tanh":
        return np.tanh(x)
    if fn == "relu":
        return np.maximum(x, 0.0)
    return np.where(x > 0, x, slope * x)


def test_sigmoid_derivative_bound_is_its_maximum():
    grid = np.linspace(-8, 8, 160001)
    assert abs(central(expit, grid).max() - 0.25) < 1e-9


def test_activation_against_scipy_and_central_differences():
    seen = set()
    for pr in problems("activation"):
        prm = pr.params
        x = np.asarray(prm["inputs"], dtype=float)
        if prm["ask"] == "chain":
            seen.add("chain")
            close(pr.answer["bound"], 0.25 ** len(x))
            close(pr.answer["product"], np.prod(central(expit, x)), atol=1e-9, rtol=1e-6)
            assert pr.answer["product"] <= pr.answer["bound"]
        else:
            fn = prm["function"]
            seen.add(fn)
            f = lambda t: act_ref(fn, t, prm.get("slope"))  # noqa: E731
            close(pr.answer["value"], f(x))
            close(pr.answer["derivative"], central(f, x), atol=1e-7)
    assert seen == {"sigmoid", "tanh", "relu", "leaky_relu", "chain"}


BAD_PARAMS = [
    {"function": "tanh", "ask": "chain", "inputs": [0.5, 1.0]},
    {"function": "relu", "ask": "values", "inputs": [0.0, 1.0]},
    {"function": "leaky_relu", "ask": "values", "inputs": [-1.0, 1.0]},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("activation", raw)


def not_degenerate(pr) -> None:
    """The problem is not degenerate: the usual mistakes do not get the marks."""
    prm, ans = pr.params, pr.answer
    xs = prm["inputs"]
    if prm["ask"] == "values":
        assert len(set(xs)) == len(xs)
        if prm["function"] in ("relu", "leaky_relu"):
            assert all(x != 0 for x in xs) and min(xs) < 0 < max(xs)
        # a student who gives f(x) as its derivative is wrong
        assert part_score(pr, "derivative", ans["value"]) < 1
    else:
        assert ans["product"] >= 1e-4


def test_no_rounding_ties_and_not_degenerate_over_seeds():
    for pr in problems("activation"):
        assert_no_rounding_ties(pr)
        not_degenerate(pr)


def test_formulas_over_seeds():
    for pr in problems("activation"):
        assert_formulas_are_typst(pr)


@settings(deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_properties(seed):
    training_properties("activation", seed, not_degenerate)


def test_cli_solve_reproduces_the_example(capsys, monkeypatch):
    cli_solve_reproduces_the_example("activation", capsys, monkeypatch)


def test_worked_examples():
    """Hand-checked key of the README example."""
    a = registry.get("activation").from_params(registry.get("activation").example).answer
    close(a["value"], [1 / (1 + math.e), 0.5, 1 / (1 + math.exp(-2))])


def test_carry_forward_gives_follow_through_credit():
    """sigmoid / tanh derivatives from wrong function values, as the worked solution derives them (σ(1 − σ),
    1 − tanh², written here): carried, full marks; the key stays plainly right; derivatives wrong both ways score 0.
    ReLU-type derivatives depend on x alone and the chain variant asks no values: nothing carries there."""

    k = registry.get("activation")
    seen: dict[str, int] = {}
    for seed in range(200):
        pr = k.generate(seed)
        p, ans = pr.params, pr.answer
        if p["ask"] != "values" or p["function"] not in ("sigmoid", "tanh"):
            assert not any(part.depends_on for part in pr.parts), seed
            continue
        sig = p["function"] == "sigmoid"
        vals = [round(0.8 * v if sig else 0.7 * v, 4) for v in ans["value"]]  # still values the function takes
        follow = [v * (1 - v) if sig else 1 - v * v for v in vals]
        key = ans["derivative"]
        if all(abs(f - e) <= 0.02 * abs(e) + 0.001 for f, e in zip(follow, key)):
            continue
        text = lambda xs: ", ".join(f"{x:.4f}" for x in xs)  # noqa: E731
        carry = k.carry(p)
        given = {"value": text(vals)}
        far = [max(f, e) + 1 for f, e in zip(follow, key)]
        v = follow_through(pr, carry, given, "derivative", text(follow), text(key), text(far), seed)
        assert v["value"].score < 1, seed
        seen[p["function"]] = seen.get(p["function"], 0) + 1
    assert set(seen) == {"sigmoid", "tanh"} and sum(seen.values()) >= 40, seen


def test_no_follow_through_from_impossible_function_values():
    """A sigmoid value outside (0, 1) or a tanh value outside (−1, 1) is no value the function takes: the
    derivative computed from it is not carried and scores 0 (the user test's cases: σ = 1.3 giving a negative σ′,
    and the inputs copied as the values)."""
    pr = gen("activation", 0)  # sigmoid at (-0.1, -2.6, 2.5)
    assert pr.params["function"] == "sigmoid"
    vals = [1.3, 1.5, -0.2]
    no_follow_through(pr, {"value": "1.3, 1.5, -0.2"}, "derivative",
                      ", ".join(f"{v * (1 - v):.4f}" for v in vals))
    xs = pr.params["inputs"]
    no_follow_through(pr, {"value": ", ".join(map(str, xs))}, "derivative",
                      ", ".join(f"{x * (1 - x):.4f}" for x in xs))
    for seed in range(100):
        pr = gen("activation", seed)
        if pr.params["function"] == "tanh" and pr.params["ask"] == "values":
            break
    vals = [1.5 + i for i in range(len(pr.answer["value"]))]
    no_follow_through(pr, {"value": ", ".join(f"{v:.4f}" for v in vals)}, "derivative",
                      ", ".join(f"{1 - v * v:.4f}" for v in vals))
