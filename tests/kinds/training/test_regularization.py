"""Cross-checks of the kind `regularization` (L1, L2 and elastic-net regularization).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the training-ops kinds (activation, dropout, batchnorm, regularization, optimizer-step,
init-scale, cross-entropy) against independent references: scipy.special, numpy, scikit-learn, and update rules
written out here in the form of the PyTorch documentation. Nothing here calls examgen's solver helpers; examgen is
only asked for problems (generate / from_params) and for grading."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from examgen import registry

from tests.kinds._refs import (
    gen, no_follow_through,
    follow_through,
    assert_formulas_are_typst, assert_no_rounding_ties, cli_solve_reproduces_the_example, close, one_line_param_error,
    part_score, problems, training_properties,
)


def penalty_ref(w, prm) -> float:
    r = 0.0
    if prm["penalty"] in ("l1", "elastic"):
        r += prm["lam1"] * np.abs(w).sum()
    if prm["penalty"] in ("l2", "elastic"):
        r += (0.5 if prm["l2_form"] == "half" else 1.0) * prm["lam2"] * np.square(w).sum()
    return float(r)


def penalty_grad_fd(w, prm, h=1e-6):
    g = np.zeros_like(w)
    for i in range(len(w)):
        e = np.zeros_like(w)
        e[i] = h
        g[i] = (penalty_ref(w + e, prm) - penalty_ref(w - e, prm)) / (2 * h)
    return g


def test_regularization_against_numpy_and_finite_differences():
    seen = set()
    for pr in problems("regularization"):
        prm = pr.params
        w = np.asarray(prm["w"], dtype=float)
        grad_r = penalty_grad_fd(w, prm)
        seen.add((prm["penalty"], prm["ask"], prm.get("l2_form")))
        if prm["ask"] == "penalty":
            close(pr.answer["penalty"], penalty_ref(w, prm))
            close(pr.answer["grad"], grad_r, atol=1e-7)
            continue
        g, lr = np.asarray(prm["grad"], dtype=float), prm["lr"]
        w_new = w - lr * (g + grad_r)
        close(pr.answer["w_new"], w_new, atol=1e-7)
        if prm["ask"] == "step":
            close(pr.answer["total_grad"], g + grad_r, atol=1e-7)
        else:
            # weight-decay form: w_new = c·w − η·g with the same c for every weight
            c = (w_new + lr * g) / w
            close(c, np.full_like(c, pr.answer["factor"]), atol=1e-7)
            assert 0 < pr.answer["factor"] < 1
    assert len(seen) >= 10, seen


BAD_PARAMS = [
    {"penalty": "l1", "ask": "decay", "w": [1, -1], "lam1": 0.1, "grad": [0, 0], "lr": 0.1},
    {"penalty": "l1", "ask": "penalty", "w": [1, 0], "lam1": 0.1},
    {"penalty": "l2", "ask": "penalty", "w": [1, 2], "lam2": 0.1},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("regularization", raw)


def not_degenerate(pr) -> None:
    """The problem is not degenerate: the usual mistakes do not get the marks."""
    prm = pr.params
    assert all(v != 0 for v in prm["w"])
    if prm["ask"] != "penalty":
        w, g = np.asarray(prm["w"], dtype=float), np.asarray(prm["grad"], dtype=float)
        # forgetting the penalty gets every weight wrong
        assert part_score(pr, "w_new", w - prm["lr"] * g) == 0
        if prm["ask"] == "decay":
            assert part_score(pr, "factor", 1.0) == 0
        else:
            assert part_score(pr, "total_grad", g) == 0


def test_no_rounding_ties_and_not_degenerate_over_seeds():
    for pr in problems("regularization"):
        assert_no_rounding_ties(pr)
        not_degenerate(pr)


def test_formulas_over_seeds():
    for pr in problems("regularization"):
        assert_formulas_are_typst(pr)


@settings(deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_properties(seed):
    training_properties("regularization", seed, not_degenerate)


def test_cli_solve_reproduces_the_example(capsys, monkeypatch):
    cli_solve_reproduces_the_example("regularization", capsys, monkeypatch)


def test_worked_examples():
    """Hand-checked key of the README example."""
    reg = registry.get("regularization").from_params(registry.get("regularization").example).answer
    close(reg["w_new"], [0.5 - 0.1 * (0.3 + 0.05), -1.2 - 0.1 * (-0.4 - 0.12), 2.0 - 0.1 * (0.1 + 0.2)])


def test_carry_forward_gives_follow_through_credit():
    """The updated weights from a wrong decay factor (c·w − ηg) or a wrong total gradient (w − η∇J), computed here:
    carried, full marks; the key stays plainly right; weights wrong both ways score 0. The penalty's gradient does
    not come from R(w), so that variant carries nothing."""

    k = registry.get("regularization")
    seen: dict[str, int] = {}
    for seed in range(200):
        pr = k.generate(seed)
        p, ans = pr.params, pr.answer
        if p["ask"] == "penalty":
            assert not any(part.depends_on for part in pr.parts)
            continue
        w, g, lr = p["w"], p["grad"], p["lr"]
        if p["ask"] == "decay":
            c = round(ans["factor"] - 0.1, 4)
            given = {"factor": f"{c:.4f}"}
            follow = [c * a - lr * b for a, b in zip(w, g)]
        else:
            total = [round(t + 0.5, 4) for t in ans["total_grad"]]
            given = {"total_grad": ", ".join(f"{t:.4f}" for t in total)}
            follow = [a - lr * t for a, t in zip(w, total)]
        key = ans["w_new"]
        if all(abs(f - e) <= 0.02 * abs(e) + 0.001 for f, e in zip(follow, key)):
            continue
        text = lambda vs: ", ".join(f"{x:.4f}" for x in vs)  # noqa: E731
        carry = k.carry(p)
        far = [max(f, e) + 1 for f, e in zip(follow, key)]
        v = follow_through(pr, carry, given, "w_new", text(follow), text(key), text(far), seed)
        assert v[next(iter(given))].score < 1, seed
        seen[p["ask"]] = seen.get(p["ask"], 0) + 1
    assert set(seen) == {"decay", "step"} and sum(seen.values()) >= 80, seen


def test_no_follow_through_from_an_impossible_decay_factor():
    """Weight decay shrinks the weights, 0 < 1 − ηλ ≤ 1: an update computed from a factor of 1.5 or −0.5 is not
    carried and scores 0."""
    pr = gen("regularization", 5)
    p = pr.params
    assert p["ask"] == "decay"
    for c in (1.5, -0.5):
        follow = [c * w - p["lr"] * g for w, g in zip(p["w"], p["grad"])]
        no_follow_through(pr, {"factor": str(c)}, "w_new", ", ".join(f"{v:.4f}" for v in follow), c)
