"""Cross-checks of the kind `batchnorm` (Batch normalization).

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
from sklearn.preprocessing import StandardScaler

from examgen import registry

from tests.kinds._refs import (
    gen, no_follow_through,
    assert_formulas_are_typst, assert_no_rounding_ties, cli_solve_reproduces_the_example, close, one_line_param_error,
    part_score, problems, training_properties,
)


def test_batchnorm_against_numpy_and_sklearn():
    seen = set()
    for pr in problems("batchnorm"):
        prm = pr.params
        X = np.asarray(prm["batch"], dtype=float)  # features × samples
        gamma = np.asarray(prm["gamma"], dtype=float)[:, None]
        beta = np.asarray(prm["beta"], dtype=float)[:, None]
        eps = prm["eps"]
        feats = X.shape[0]
        seen.add((prm["ask"], feats, eps == 0))
        if prm["ask"] == "inference":
            mu = np.asarray(prm["running_mean"], dtype=float)[:, None]
            var = np.asarray(prm["running_var"], dtype=float)[:, None]
            y = gamma * (X - mu) / np.sqrt(var + eps) + beta
            close(np.ravel(pr.answer["std"]), np.sqrt(var + eps).ravel())
            close(np.ravel(pr.answer["y"]), y.ravel())
            continue
        mu = X.mean(axis=1)
        var = X.var(axis=1)  # ddof=0: the biased batch variance BN uses in training
        xhat = (X - mu[:, None]) / np.sqrt(var[:, None] + eps)
        if eps == 0:
            close(xhat, StandardScaler().fit_transform(X.T).T, atol=1e-9)
        close(np.ravel(pr.answer["mean"]), mu)
        close(np.ravel(pr.answer["var"]), var)
        close(np.ravel(pr.answer["y"]), (gamma * xhat + beta).ravel())
        if feats == 1:
            close(pr.answer["xhat"], xhat[0])
    assert {("train", 1, True), ("train", 2, True), ("train", 1, False), ("inference", 1, False),
            ("inference", 2, False)} <= seen


BAD_PARAMS = [
    {"ask": "train", "batch": [[2, 2, 2]], "gamma": [1], "beta": [0], "eps": 0},
    {"ask": "train", "batch": [[1, 2, 3]], "gamma": [1, 2], "beta": [0], "eps": 0},
    {"ask": "inference", "batch": [[1, 2]], "gamma": [1], "beta": [0], "eps": 0},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("batchnorm", raw)


def not_degenerate(pr) -> None:
    """The problem is not degenerate: the usual mistakes do not get the marks."""
    prm = pr.params
    X = np.asarray(prm["batch"], dtype=float)
    if prm["ask"] == "train":
        assert (X.var(axis=1) > 0).all()
        # the unbiased variance (divide by m − 1) is not accepted
        assert part_score(pr, "var", np.ravel(X.var(axis=1, ddof=1)).tolist() if X.shape[0] > 1
                          else float(X.var(ddof=1))) < 1


def test_no_rounding_ties_and_not_degenerate_over_seeds():
    for pr in problems("batchnorm"):
        assert_no_rounding_ties(pr)
        not_degenerate(pr)


def test_formulas_over_seeds():
    for pr in problems("batchnorm"):
        assert_formulas_are_typst(pr)


@settings(deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_properties(seed):
    training_properties("batchnorm", seed, not_degenerate)


def test_cli_solve_reproduces_the_example(capsys, monkeypatch):
    cli_solve_reproduces_the_example("batchnorm", capsys, monkeypatch)


def test_worked_examples():
    """Hand-checked key of the README example."""
    bn = registry.get("batchnorm").from_params(registry.get("batchnorm").example).answer
    assert bn["mean"] == 4 and bn["var"] == 9  # (-1, 5, 5, 7): deviations -5, 1, 1, 3 → (25 + 1 + 1 + 9)/4
    close(bn["y"], [2 * -5 / 3 + 0.5, 2 / 3 + 0.5, 2 / 3 + 0.5, 2.5])


def _text(value) -> str:
    if isinstance(value, list) and value and isinstance(value[0], list):
        return "; ".join(" ".join(f"{x:.2f}" for x in row) for row in value)
    if isinstance(value, list):
        return ", ".join(f"{x:.2f}" for x in value)
    return f"{value:.2f}"


def _entries(value) -> list[float]:
    if isinstance(value, list):
        return [x for v in value for x in _entries(v)]
    return [float(value)]


def _map2(f, a, b):
    """f entry by entry over two values of the same shape (numbers, vectors or matrices)."""
    return [_map2(f, x, y) for x, y in zip(a, b)] if isinstance(a, list) else f(a, b)


def test_carry_forward_gives_follow_through_credit():
    """A wrong mean (μ + 2) carried through σ² = mean of (x − μ)², x̂ = (x − μ)/√(σ² + ε) and y = γx̂ + β, or a wrong
    √(σ² + ε) carried into the test-time y, each computed here from the values as the student wrote them: every
    dependent part is carried with full marks (or already right). With the same earlier answers, the key of a
    dependent part stays plainly right, and a value wrong both ways scores 0."""
    import math

    from examgen.grading import grade

    k = registry.get("batchnorm")
    carried = 0
    for seed in range(150):
        pr = k.generate(seed)
        p, ans = pr.params, pr.answer
        batch, gamma, beta, eps = p["batch"], p["gamma"], p["beta"], p["eps"]
        one = len(batch) == 1
        pick = (lambda rows: rows[0]) if one else (lambda rows: rows)  # noqa: E731
        if p["ask"] == "inference":
            std = [round(math.sqrt(v + eps) + 0.5, 4) for v in p["running_var"]]
            given = {"std": ", ".join(f"{s:.4f}" for s in std)}
            follow = {"y": pick([[g * (x - mu) / s + b for x in row]
                                 for row, g, b, mu, s in zip(batch, gamma, beta, p["running_mean"], std)])}
        else:
            mean = [round(sum(row) / len(row) + 2, 2) for row in batch]
            var = [round(sum((x - mu) ** 2 for x in row) / len(row), 2) for row, mu in zip(batch, mean)]
            xhat = [[(x - mu) / math.sqrt(v + eps) for x in row] for row, mu, v in zip(batch, mean, var)]
            given = {"mean": _text(pick(mean))}
            follow = {"var": pick(var)}
            if one:
                xh = [round(x, 2) for x in xhat[0]]
                follow.update(xhat=xh, y=[gamma[0] * x + beta[0] for x in xh])
            else:
                follow["y"] = [[g * x + b for x in row] for row, g, b in zip(xhat, gamma, beta)]
        typed = {n: _text(v) for n, v in follow.items()}
        carry = k.carry(p)
        v = {pv.name: pv for pv in grade(pr, {**given, **typed}, carry).parts}
        assert v[next(iter(given))].score < 1, seed
        for name in follow:
            pairs = zip(_entries(follow[name]), _entries(ans[name]))
            differs = any(abs(f - e) > 0.02 * abs(e) + 0.01 for f, e in pairs)
            assert v[name].score == 1.0 and v[name].carried == differs, (seed, name, typed[name], ans[name])
            carried += differs
            key = {pv.name: pv for pv in grade(pr, {**given, **typed, name: _text(ans[name])}, carry).parts}[name]
            assert key.score == 1.0 and not key.carried, (seed, name)
            far = _text(_map2(lambda a, b: max(a, b) + 5, follow[name], ans[name]))
            wrong = {pv.name: pv for pv in grade(pr, {**given, **typed, name: far}, carry).parts}[name]
            assert wrong.score == 0.0 and not wrong.carried, (seed, name, far)
    assert carried >= 200, carried


def test_no_follow_through_from_a_negative_variance_or_denominator():
    """A variance is never negative and √(σ² + ε) is positive: outputs computed from a negative denominator or a
    negative variance (with |σ²| under the root) are not carried and score 0."""
    pr = gen("batchnorm", 0)  # test time, one feature
    p = pr.params
    assert p["ask"] == "inference"
    follow = [p["gamma"][0] * (x - p["running_mean"][0]) / -0.8 + p["beta"][0] for x in p["batch"][0]]
    no_follow_through(pr, {"std": "-0.8"}, "y", ", ".join(f"{v:.2f}" for v in follow))
    pr = gen("batchnorm", 1)  # training, one feature
    p = pr.params
    assert p["ask"] == "train"
    follow = [(x - 1) / math.sqrt(9 + p["eps"]) for x in p["batch"][0]]
    no_follow_through(pr, {"mean": "1", "var": "-9"}, "xhat", ", ".join(f"{v:.2f}" for v in follow))
