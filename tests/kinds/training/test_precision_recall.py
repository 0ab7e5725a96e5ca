"""Cross-checks of the kind `precision-recall` (Accuracy, precision, recall and F1).

The notes on the references, shared with the kinds it was first checked with:
The eight core kinds, each checked against an independent implementation over 500+ seeds."""

from __future__ import annotations

import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from tests.kinds._refs import gen


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
