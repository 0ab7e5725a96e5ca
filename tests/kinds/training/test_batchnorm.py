"""Cross-checks of the kind `batchnorm` (Batch normalization).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the training-ops kinds (activation, dropout, batchnorm, regularization, optimizer-step,
init-scale, cross-entropy) against independent references: scipy.special, numpy, scikit-learn, and update rules
written out here in the form of the PyTorch documentation. Nothing here calls examgen's solver helpers; examgen is
only asked for problems (generate / from_params) and for grading."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.preprocessing import StandardScaler

from examgen import registry

from tests.kinds._refs import (
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
