"""Cross-checks of the kind `precision-recall` (Accuracy, precision, recall and F1).

The notes on the references, shared with the kinds it was first checked with:
The eight core kinds, each checked against an independent implementation over 500+ seeds."""

from __future__ import annotations

import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from tests.kinds._refs import gen, follow_through, no_follow_through


SEEDS = range(500)


def test_precision_recall_against_sklearn():
    for seed in SEEDS:
        pr = gen("precision-recall", seed)
        p = pr.params
        y_true = [1] * p["tp"] + [0] * p["fp"] + [1] * p["fn"] + [0] * p["tn"]
        y_pred = [1] * p["tp"] + [1] * p["fp"] + [0] * p["fn"] + [0] * p["tn"]
        ans = pr.answer
        assert ans["accuracy"] == pytest.approx(accuracy_score(y_true, y_pred), abs=1e-9)
        assert ans["precision"] == pytest.approx(precision_score(y_true, y_pred), abs=1e-9)
        assert ans["recall"] == pytest.approx(recall_score(y_true, y_pred), abs=1e-9)
        assert ans["f1"] == pytest.approx(f1_score(y_true, y_pred), abs=1e-9)


def test_carry_forward_gives_follow_through_credit():
    """F1 from a wrong precision and recall as the student wrote them (2PR/(P + R), computed here): carried, full
    marks; the key's F1 is plainly right; an F1 wrong both ways scores 0."""
    from examgen import registry

    kind = registry.get("precision-recall")
    checked = 0
    for seed in range(200):
        pr = gen("precision-recall", seed)
        p, ans = pr.params, pr.answer
        tp, fp, fn = p["tp"], p["fp"], p["fn"]
        wrong_p, wrong_r = round(tp / (tp + fp + fn), 2), round(min(0.99, tp / (tp + fn) + 0.07), 2)
        f1 = 2 * wrong_p * wrong_r / (wrong_p + wrong_r)
        key = ans["f1"]
        if abs(f1 - key) <= 0.02 * key + 0.01 or abs(wrong_p - ans["precision"]) < 0.02:
            continue
        given = {"accuracy": f"{ans['accuracy']:.2f}", "precision": f"{wrong_p:.2f}", "recall": f"{wrong_r:.2f}"}
        carry = kind.carry(p)
        v = follow_through(pr, carry, given, "f1", f"{f1:.2f}", f"{key:.2f}", f"{max(f1, key) + 0.2:.2f}", seed)
        assert v["precision"].score == 0 and v["recall"].score == 0, seed
        checked += 1
    assert checked >= 100


def test_no_follow_through_from_impossible_precision_or_recall():
    """A precision or recall outside [0, 1] is no value the quantity can take: the F1 computed from it
    (2 · 2.8 · 6/(2.8 + 6) ≈ 3.82, the user test's case) is not carried and scores 0."""
    pr = gen("precision-recall", 3)
    given = {"accuracy": "0.73", "precision": "2.8", "recall": "6"}
    no_follow_through(pr, given, "f1", "3.82")
    no_follow_through(pr, {**given, "precision": "-0.5", "recall": "0.9"}, "f1", "-2.25")
    no_follow_through(pr, {**given, "precision": "0.5", "recall": "1.2"}, "f1", f"{2 * 0.5 * 1.2 / 1.7:.2f}")
