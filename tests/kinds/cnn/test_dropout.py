"""Cross-checks of the kind `dropout` (Dropout).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the training-ops kinds (activation, dropout, batchnorm, regularization, optimizer-step,
init-scale, cross-entropy) against independent references: scipy.special, numpy, scikit-learn, and update rules
written out here in the form of the PyTorch documentation. Nothing here calls examgen's solver helpers; examgen is
only asked for problems (generate / from_params) and for grading."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.kinds._refs import (
    assert_formulas_are_typst, assert_no_rounding_ties, cli_solve_reproduces_the_example, close, one_line_param_error,
    part_score, problems, training_properties,
)


def run_cli(args, capsys, monkeypatch):
    from examgen import cli

    monkeypatch.setattr(sys, "argv", ["examgen", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_dropout_against_numpy():
    seen = set()
    for pr in problems("dropout"):
        prm = pr.params
        keep = 1 - prm["p"]
        inverted = prm["convention"] == "inverted"
        seen.add((prm["ask"], prm["convention"], bool(prm.get("keep_stated"))))
        if prm["ask"] == "expected":
            a = prm["value"]
            close(pr.answer["kept"], prm["units"] * keep)
            close(pr.answer["kept_value"], a / keep if inverted else a)
            close(pr.answer["test"], a if inverted else keep * a)
            continue
        x = np.asarray(prm["x"], dtype=float)
        m = np.asarray(prm["mask"], dtype=float)
        train = m * x / keep if inverted else m * x  # torch.nn.Dropout scales kept units by 1/(1 - p)
        if prm["ask"] == "mask":
            assert pr.answer["kept"] == int(m.sum())
            close(pr.answer["output"], train)
        else:
            close(pr.answer["train"], train)
            close(pr.answer["test"], x if inverted else keep * x)
    assert len(seen) == 12, seen


def test_dropout_test_output_is_the_training_expectation_monte_carlo():
    """Simulate many training passes: their mean output is the test-time output, under both conventions."""
    rng = np.random.default_rng(7)
    checked = 0
    for pr in problems("dropout"):
        prm = pr.params
        if prm["ask"] != "expected":
            continue
        keep = 1 - prm["p"]
        masks = rng.random(400_000) < keep
        outputs = np.where(masks, pr.answer["kept_value"], 0.0)
        assert abs(outputs.mean() - pr.answer["test"]) <= 0.02 * pr.answer["test"]
        assert abs(masks.sum(dtype=float) / len(masks) * prm["units"] - pr.answer["kept"]) <= 0.01 * prm["units"]
        checked += 1
        if checked == 25:
            break
    assert checked == 25


def test_cli_bad_param_is_one_line(capsys, monkeypatch):
    code, out, err = run_cli(["solve", "dropout", "--param", "ask=mask", "--param", "convention=inverted",
                              "--param", "p=0.5", "--param", "x=[1,2,3]", "--param", "mask=[1,0]"],
                             capsys, monkeypatch)
    assert code == 2 and err.startswith("examgen: error:") and err.count("\n") == 1


BAD_PARAMS = [
    {"ask": "mask", "convention": "inverted", "p": 0.5, "x": [1, 2, 3], "mask": [1, 0]},
    {"ask": "expected", "convention": "classic", "p": 0.5, "value": 1.0},
    {"ask": "mask", "convention": "inverted", "p": 0.5, "x": [1, 2], "mask": [1, 2]},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("dropout", raw)


def not_degenerate(pr) -> None:
    """The problem is not degenerate: the usual mistakes do not get the marks."""
    prm = pr.params
    keep = 1 - prm["p"]
    inverted = prm["convention"] == "inverted"
    if prm["ask"] == "expected":
        # forgetting the scaling (1/(1 − p) in training, or 1 − p at test time) is wrong
        assert part_score(pr, "kept_value" if inverted else "test", prm["value"]) == 0
    else:
        m, x = prm["mask"], prm["x"]
        assert 0 < sum(m) < len(m) and all(v > 0 for v in x)
        name_train = "output" if prm["ask"] == "mask" else "train"
        if inverted:  # forgetting the 1/(1 − p) scaling is wrong
            assert part_score(pr, name_train, [a * b for a, b in zip(m, x)]) < 1
        if prm["ask"] == "train-test":  # and so is swapping the conventions at test time
            other = [keep * v for v in x] if inverted else x
            assert part_score(pr, "test", other) == 0


def test_no_rounding_ties_and_not_degenerate_over_seeds():
    for pr in problems("dropout"):
        assert_no_rounding_ties(pr)
        not_degenerate(pr)


def test_formulas_over_seeds():
    for pr in problems("dropout"):
        assert_formulas_are_typst(pr)


@settings(deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_properties(seed):
    training_properties("dropout", seed, not_degenerate)


def test_cli_solve_reproduces_the_example(capsys, monkeypatch):
    cli_solve_reproduces_the_example("dropout", capsys, monkeypatch)
