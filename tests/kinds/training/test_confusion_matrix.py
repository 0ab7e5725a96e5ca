"""Cross-checks of the kind `confusion-matrix` (Multi-class confusion matrix).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of confusion-matrix and average-precision against independent references.

confusion-matrix: scikit-learn (precision_recall_fscore_support, accuracy_score) on label arrays rebuilt from the
matrix. average-precision: the VOC `voc_ap` (use_07_metric=False) algorithm and VOC matching written here with
numpy; scikit-learn's (non-interpolated) average_precision_score as a lower bound."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import grade

from tests.kinds._refs import gen, no_follow_through, self_consistent


SEEDS = range(600)
CM = registry.get("confusion-matrix")


def labels_from_matrix(m: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """y_true / y_pred arrays with m[i][j] samples of actual class i predicted as j."""
    y_true, y_pred = [], []
    for i, row in enumerate(m):
        for j, count in enumerate(row):
            y_true += [i] * count
            y_pred += [j] * count
    return np.array(y_true), np.array(y_pred)


def sklearn_reference(params: dict) -> dict:
    """What sklearn says for the quantities the problem asks (only those: sklearn's checks are slow)."""
    m = params["matrix"]
    k = len(m)
    yt, yp = labels_from_matrix(m)
    labels = list(range(k))
    out = {"acc": accuracy_score(yt, yp)}
    needs = {"class": [None], "per-class": [None], "macro": ["macro"], "micro": ["micro", "macro"],
             "weighted": ["weighted"]}[params["ask"]]
    for avg in needs:
        res = precision_recall_fscore_support(yt, yp, labels=labels, average=avg, zero_division=0)
        if avg is None:
            out["p"], out["r"], out["f"] = res[:3]
        else:
            out[avg] = res[:3]
    return out


@st.composite
def confusion_params(draw):
    k = draw(st.integers(2, 5))
    m = [[draw(st.integers(1, 30)) if i == j else draw(st.integers(0, 12)) for j in range(k)] for i in range(k)]
    ask = draw(st.sampled_from(["class", "per-class", "macro", "micro", "weighted"]))
    params = {"matrix": m, "ask": ask}
    if ask == "class":
        params["target"] = draw(st.integers(0, k - 1))
    return params


def test_confusion_matrix_matches_sklearn():
    asks = set()
    for seed in SEEDS:
        pr = CM.generate(seed)
        params, ans = pr.params, pr.answer
        ref = sklearn_reference(params)
        ask = params["ask"]
        asks.add(ask)
        if ask == "class":
            t = params["target"]
            assert ans["precision"] == pytest.approx(ref["p"][t], abs=1e-9)
            assert ans["recall"] == pytest.approx(ref["r"][t], abs=1e-9)
            assert ans["f1"] == pytest.approx(ref["f"][t], abs=1e-9)
            assert ans["accuracy"] == pytest.approx(ref["acc"], abs=1e-9)
        elif ask == "per-class":
            assert ans["precision"] == pytest.approx(list(ref["p"]), abs=1e-9)
            assert ans["recall"] == pytest.approx(list(ref["r"]), abs=1e-9)
            assert ans["f1"] == pytest.approx(list(ref["f"]), abs=1e-9)
            assert ans["accuracy"] == pytest.approx(ref["acc"], abs=1e-9)
        elif ask == "macro":
            assert [ans["macro_p"], ans["macro_r"], ans["macro_f1"]] == pytest.approx(list(ref["macro"]), abs=1e-9)
            assert ans["accuracy"] == pytest.approx(ref["acc"], abs=1e-9)
        elif ask == "micro":
            assert ans["micro_f1"] == pytest.approx(ref["micro"][2], abs=1e-9)
            assert ans["macro_f1"] == pytest.approx(ref["macro"][2], abs=1e-9)
            # single-label multi-class: micro P = R = F1 = accuracy
            assert ans["micro_f1"] == pytest.approx(ref["acc"], abs=1e-9)
        else:
            assert [ans["weighted_p"], ans["weighted_r"], ans["weighted_f1"]] == \
                pytest.approx(list(ref["weighted"]), abs=1e-9)
            assert ans["weighted_r"] == pytest.approx(ref["acc"], abs=1e-9)
    assert asks == {"class", "per-class", "macro", "micro", "weighted"}


def test_confusion_matrix_table_shows_the_matrix_in_the_stated_layout():
    layouts = set()
    for seed in range(300):
        pr = CM.generate(seed)
        m = np.array(pr.params["matrix"])
        layout = pr.params["layout"]
        layouts.add(layout)
        shown = np.array([[int(v) for v in row[1:]] for row in pr.figures[0].rows])
        np.testing.assert_array_equal(shown, m if layout == "actual-rows" else m.T)
        if layout == "predicted-rows":
            assert "rows are the predicted classes" in pr.prompt.en and "行表示预测类别" in pr.prompt.zh
        else:
            assert "rows are the actual classes" in pr.prompt.en and "行表示真实类别" in pr.prompt.zh
        assert "3 decimals" in pr.prompt.en and "三位小数" in pr.prompt.zh
    assert layouts == {"actual-rows", "predicted-rows"}


def test_confusion_matrix_no_zero_denominators_and_sizes():
    for seed in SEEDS:
        m = np.array(CM.generate(seed).params["matrix"])
        assert m.shape in ((3, 3), (4, 4))
        assert (np.diag(m) > 0).all() and (m.sum(0) > 0).all() and (m.sum(1) > 0).all()
        assert (m >= 0).all() and m.sum() < 200


def test_confusion_matrix_carry_forward_f1():
    for seed in range(200):
        pr = CM.generate(seed)
        if pr.params["ask"] != "class":
            continue
        # a student with a wrong precision but a consistent F1 gets the F1 part by follow-through
        prec = pr.answer["precision"]
        p_wrong, r = prec - 0.1 if prec > 0.5 else prec + 0.1, pr.answer["recall"]  # wrong, still in [0, 1]
        f1 = 2 * p_wrong * r / (p_wrong + r)
        v = grade(pr, {"precision": repr(p_wrong), "recall": repr(r), "f1": repr(f1),
                       "accuracy": repr(pr.answer["accuracy"])}, CM.carry(pr.params))
        parts = {pv.name: pv for pv in v.parts}
        assert not parts["precision"].correct and parts["f1"].correct and parts["f1"].carried


def test_confusion_matrix_bad_params_are_one_line_errors():
    good = {"matrix": [[5, 1, 0], [2, 6, 1], [0, 1, 7]], "ask": "macro"}
    assert CM.from_params(good).answer
    for bad in ({**good, "matrix": [[5, 1], [2, 6], [1, 1]]}, {**good, "matrix": [[0, 1, 0], [2, 6, 1], [0, 1, 7]]},
                {**good, "ask": "class"}, {**good, "ask": "class", "target": 5}, {**good, "target": 1},
                {**good, "matrix": [[5, 1.5, 0], [2, 6, 1], [0, 1, 7]]}):
        with pytest.raises(ParamError) as exc:
            CM.from_params(bad)
        assert "\n" not in str(exc.value)


@settings(max_examples=40, deadline=None)
@given(confusion_params())
def test_confusion_matrix_any_valid_matrix_matches_sklearn(params):
    ans = CM.from_params(params).answer
    ref = sklearn_reference(params)
    key = {"class": None, "per-class": None, "macro": ("macro_p", "macro_r", "macro_f1"),
           "micro": ("micro_f1",), "weighted": ("weighted_p", "weighted_r", "weighted_f1")}
    ask = params["ask"]
    if ask == "class":
        t = params["target"]
        assert [ans["precision"], ans["recall"], ans["f1"]] == pytest.approx([ref["p"][t], ref["r"][t], ref["f"][t]])
    elif ask == "per-class":
        assert ans["f1"] == pytest.approx(list(ref["f"]))
    else:
        ref_vals = list(ref[ask])[2:] if ask == "micro" else list(ref[ask])
        assert [ans[x] for x in key[ask]] == pytest.approx(ref_vals)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**40))
def test_deterministic_valid_and_self_consistent(seed):
    self_consistent("confusion-matrix", seed)


def test_answers_without_steps_equal_the_solver():
    """`_answers` (what the transposed-table mistake asks for every draw, without writing steps) gives exactly the
    solver's key, for the drawn matrices and for their transposes, over 500 draws."""
    from examgen.kinds.training.confusion_matrix import _answers, confusion_matrix

    kind = registry.get("confusion-matrix")
    compared = 0
    for seed in range(500):
        params = kind.sample(kind.rng(seed))
        if params["ask"] == "micro":
            continue
        for m in (params["matrix"], [list(col) for col in zip(*params["matrix"])]):
            try:
                key = confusion_matrix({**params, "matrix": m}).answer
            except ZeroDivisionError:  # a transposed table with an empty class has no key either
                continue
            assert _answers(m, params["ask"], params.get("target")) == key, seed
            compared += 1
    assert compared > 600


def test_no_follow_through_from_impossible_precision_or_recall():
    """Precision and recall outside [0, 1] are no values they can take: F1 computed from them is not carried and
    scores 0."""
    pr = gen("confusion-matrix", 0)  # per class, 4 classes
    p, r = [1.5, 2.0, 1.2, 3.0], [0.9, 0.8, 0.9, 0.6]
    f1 = ", ".join(f"{2 * a * b / (a + b):.4f}" for a, b in zip(p, r))
    no_follow_through(pr, {"precision": ", ".join(map(str, p)), "recall": ", ".join(map(str, r))}, "f1", f1)
