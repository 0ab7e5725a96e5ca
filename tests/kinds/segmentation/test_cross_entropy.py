"""Cross-checks of the kind `cross-entropy` (Cross-entropy and focal loss).

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
from scipy.special import log_softmax, softmax
from sklearn.metrics import log_loss

from examgen import registry

from tests.kinds._refs import (
    follow_through, gen, no_follow_through,
    assert_formulas_are_typst, assert_no_rounding_ties, cli_solve_reproduces_the_example, close, one_line_param_error,
    part_score, problems, training_properties,
)


def test_cross_entropy_against_scipy_and_sklearn():
    seen = set()
    for pr in problems("cross-entropy"):
        prm = pr.params
        ask = prm["ask"]
        seen.add(ask if ask != "weighted" else (ask, prm["weight_norm"]))
        if ask == "softmax":
            z = np.asarray(prm["logits"], dtype=float)
            close(pr.answer["probs"], softmax(z))
            close(pr.answer["loss"], -log_softmax(z)[prm["target"]])
            continue
        rows, cols = prm["shape"]
        y = np.asarray(prm["labels"])
        if ask == "focal":
            seen.add(("focal", "alpha" in prm, prm["gamma"]))
            p = np.asarray(prm["probs_fg"], dtype=float)
            pt = np.where(y == 1, p, 1 - p)
            at = np.ones_like(p) if "alpha" not in prm else np.where(y == 1, prm["alpha"], 1 - prm["alpha"])
            fl = -at * (1 - pt) ** prm["gamma"] * np.log(pt)
            close(pr.answer["ce"], log_loss(y, p, labels=[0, 1]))
            close(pr.answer["fl"], fl)
            close(pr.answer["mean"], fl.mean())
            continue
        P = np.asarray(prm["probs"], dtype=float)
        classes = list(range(P.shape[1]))
        losses = -np.log(P[np.arange(len(y)), y])
        close(pr.answer["losses"], losses.reshape(rows, cols))
        if ask == "pixel":
            close(pr.answer["mean"], log_loss(y, P, labels=classes))
        else:
            w = np.asarray(prm["class_weights"], dtype=float)[y]
            if prm["weight_norm"] == "weights":
                close(pr.answer["mean"], log_loss(y, P, labels=classes, sample_weight=w))
            else:
                close(pr.answer["mean"], float((w * losses).sum() / len(y)))
    assert {"softmax", "pixel", ("weighted", "weights"), ("weighted", "pixels"), ("focal", True, 2),
            ("focal", False, 2)} <= seen


def test_focal_loss_with_gamma_zero_and_no_alpha_is_cross_entropy():
    kind = registry.get("cross-entropy")
    for pr in problems("cross-entropy")[:200]:
        if pr.params["ask"] != "focal":
            continue
        raw = {k: v for k, v in pr.params.items() if k != "alpha"}
        raw["gamma"] = 0
        again = kind.from_params(raw)
        y = np.asarray(raw["labels"])
        p = np.asarray(raw["probs_fg"], dtype=float)
        close(again.answer["fl"], -np.log(np.where(y == 1, p, 1 - p)))
        close(again.answer["mean"], again.answer["ce"])


BAD_PARAMS = [
    {"ask": "softmax", "logits": [1, 2], "target": 2},
    {"ask": "pixel", "shape": [1, 2], "probs": [[0.5, 0.4], [0.5, 0.5]], "labels": [0, 1]},
    {"ask": "focal", "shape": [1, 2], "probs_fg": [0.5, 1.0], "labels": [0, 1], "gamma": 2},
    {"ask": "weighted", "shape": [1, 2], "probs": [[0.5, 0.5], [0.5, 0.5]], "labels": [0, 1],
                           "class_weights": [1], "weight_norm": "weights"},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("cross-entropy", raw)


def not_degenerate(pr) -> None:
    """The problem is not degenerate: the usual mistakes do not get the marks."""
    prm, ans = pr.params, pr.answer
    if prm["ask"] == "softmax":
        assert len(set(prm["logits"])) > 1
        assert part_score(pr, "loss", ans["loss"] / math.log(10)) == 0  # log10 instead of ln
    elif prm["ask"] == "focal":
        assert 0 < sum(prm["labels"]) < len(prm["labels"])
    else:
        P = np.asarray(prm["probs"], dtype=float)
        y = np.asarray(prm["labels"])
        assert len(set(prm["labels"])) > 1 and (P[np.arange(len(y)), y] > 0).all()
        if prm["ask"] == "weighted":
            losses = -np.log(P[np.arange(len(y)), y])
            w = np.asarray(prm["class_weights"], dtype=float)[y]
            other = (w * losses).sum() / (len(y) if prm["weight_norm"] == "weights" else w.sum())
            assert part_score(pr, "mean", other) == 0  # the other denominator
            assert part_score(pr, "mean", losses.mean()) == 0  # no weighting at all


def test_no_rounding_ties_and_not_degenerate_over_seeds():
    for pr in problems("cross-entropy"):
        assert_no_rounding_ties(pr)
        not_degenerate(pr)


def test_formulas_over_seeds():
    for pr in problems("cross-entropy"):
        assert_formulas_are_typst(pr)


@settings(deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_properties(seed):
    training_properties("cross-entropy", seed, not_degenerate)


def test_cli_solve_reproduces_the_example(capsys, monkeypatch):
    cli_solve_reproduces_the_example("cross-entropy", capsys, monkeypatch)


def test_worked_examples():
    """Hand-checked key of the README example."""
    ce = registry.get("cross-entropy").from_params(registry.get("cross-entropy").example).answer
    close(ce["loss"], 0.4170300162778335)  # the classic softmax([2, 1, 0.1]) example: p0 ≈ 0.659


def test_carry_forward_gives_follow_through_credit():
    """A wrong earlier answer carried on: the loss −ln p_y from the student's probabilities, the (weighted) mean from
    their per-pixel losses, the mean focal loss from their per-pixel focal losses, each computed here. Carried and
    full marks; the key stays plainly right; a value wrong both ways scores 0."""

    k = registry.get("cross-entropy")
    seen: dict[str, int] = {}
    for seed in range(200):
        pr = k.generate(seed)
        p, ans = pr.params, pr.answer
        ask = p["ask"]
        r4 = lambda x: f"{x:.4f}"  # noqa: E731
        if ask == "softmax":
            probs = [round(v, 4) for v in ans["probs"]]
            moved = round(probs[p["target"]] * 0.2, 4)  # a fifth of p_y to another class: still sums to 1
            probs[p["target"]] = round(probs[p["target"]] - moved, 4)
            other = (p["target"] + 1) % len(probs)
            probs[other] = round(probs[other] + moved, 4)
            given = {"probs": ", ".join(r4(v) for v in probs)}
            name, follow = "loss", -math.log(probs[p["target"]])
        elif ask == "focal":
            fl = [round(v + 0.05, 4) for v in ans["fl"]]
            given = {"ce": r4(ans["ce"]), "fl": ", ".join(r4(v) for v in fl)}
            name, follow = "mean", sum(fl) / len(fl)
        else:
            rows = [[round(v + 0.1 * (i + 1), 4) for i, v in enumerate(r)] for r in ans["losses"]]
            flat = [v for r in rows for v in r]
            given = {"losses": "; ".join(" ".join(r4(v) for v in r) for r in rows)}
            name = "mean"
            if ask == "pixel":
                follow = sum(flat) / len(flat)
            else:
                w = [p["class_weights"][y] for y in p["labels"]]
                follow = sum(a * b for a, b in zip(w, flat)) / (sum(w) if p["weight_norm"] == "weights" else len(w))
        key = ans[name]
        if abs(follow - key) <= 0.02 * abs(key) + 0.001:
            continue
        carry = k.carry(p)
        v = follow_through(pr, carry, given, name, r4(follow), r4(key), r4(max(follow, key) + 0.5), seed)
        dep = next(iter(set(given) - {"ce"}))
        assert v[dep].score < 1, (seed, dep)
        seen[ask] = seen.get(ask, 0) + 1
    assert set(seen) == {"softmax", "pixel", "weighted", "focal"} and sum(seen.values()) >= 150, seen


def test_no_follow_through_from_impossible_probabilities_or_losses():
    """Probabilities outside (0, 1] or not summing to 1, and negative per-pixel or focal losses, are no values the
    quantities can take: the loss or mean computed from them is not carried and scores 0."""
    pr = gen("cross-entropy", 2)  # softmax over (2, 2, 0), target 1: the user test's case
    no_follow_through(pr, {"probs": "2, 2, 0"}, "loss", "-0.6931")
    no_follow_through(pr, {"probs": "0.2, 0.2, 0.2"}, "loss", f"{-math.log(0.2):.4f}")  # sums to 0.6
    no_follow_through(pr, {"probs": "1.2, -0.4, 0.2"}, "loss", f"{math.log(2.5):.4f}")  # -ln(-0.4) has no value
    seen = set()
    for seed in range(60):
        pr = gen("cross-entropy", seed)
        p, ans = pr.params, pr.answer
        if p["ask"] in seen or p["ask"] == "softmax":
            continue
        if p["ask"] == "focal":
            fl = [-abs(v) - 0.3 for v in ans["fl"]]
            given = {"ce": f"{ans['ce']:.4f}", "fl": ", ".join(f"{v:.4f}" for v in fl)}
            follow = sum(fl) / len(fl)
        else:
            rows = [[-(v + 0.3) for v in r] for r in ans["losses"]]
            flat = [v for r in rows for v in r]
            given = {"losses": "; ".join(" ".join(f"{v:.4f}" for v in r) for r in rows)}
            if p["ask"] == "pixel":
                follow = sum(flat) / len(flat)
            else:
                w = [p["class_weights"][y] for y in p["labels"]]
                follow = sum(a * b for a, b in zip(w, flat)) / (sum(w) if p["weight_norm"] == "weights" else len(w))
        no_follow_through(pr, given, "mean", f"{follow:.4f}", seed)
        seen.add(p["ask"])
    assert seen == {"pixel", "weighted", "focal"}, seen
