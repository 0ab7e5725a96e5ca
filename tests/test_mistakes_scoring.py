"""The typical mistakes of cross-entropy, confusion-matrix, scenario-cnn-design and scenario-training-step (issue
12 item 2), each against an independent statement of the wrong method: scikit-learn's metrics and `log_loss` run
the wrong way, scipy's softmax / sigmoid, weight tensors counted by numpy, output lengths counted by sliding a
window, and gradients by finite differences. `tests/test_mistakes.py` checks that the grader names them."""

from __future__ import annotations

import numpy as np
from scipy.special import expit, softmax
from sklearn.metrics import (
    balanced_accuracy_score, f1_score, log_loss, precision_recall_fscore_support, precision_score, recall_score,
)

from test_mistakes import mistakes_by_id as _by_id, seed_params as _params  # 200 seeds each
from tests.kinds.training.test_confusion_matrix import labels_from_matrix as _labels


def _agree(mine: dict | None, theirs: dict, rtol: float = 1e-9) -> bool:
    """The mistake's values are those of the independent statement (for the parts it reports, which must be
    among those the statement changes)."""
    return mine is not None and set(mine) <= set(theirs) and all(
        np.allclose(np.asarray(v, float), np.asarray(theirs[k], float), rtol=rtol, atol=1e-9) for k, v in mine.items())


# ---------------------------------------------------------------- cross-entropy
def _pixel_arrays(p: dict) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(p["probs"], float), np.asarray(p["labels"])


def _focal_np(p: dict, *, log=np.log, pt_is_p: bool = False, swap_alpha: bool = False) -> dict:
    prob, y = np.asarray(p["probs_fg"], float), np.asarray(p["labels"])
    pt = prob if pt_is_p else np.where(y == 1, prob, 1 - prob)
    a = p.get("alpha")
    at = np.ones_like(pt) if a is None else np.where((y == 1) ^ swap_alpha, a, 1 - a)
    fl = -at * (1 - pt) ** p["gamma"] * log(pt)
    return {"ce": float(np.mean(-log(pt))), "fl": fl, "mean": float(fl.mean())}


def test_cross_entropy_mistakes_against_scipy_and_sklearn():
    by_id = _by_id("cross-entropy")
    seen = set()
    for p in _params("cross-entropy"):
        ask = p["ask"]
        lg = by_id["log10-not-ln"].wrong(p)
        if ask == "softmax":
            z, y = np.asarray(p["logits"], float), p["target"]
            assert _agree(lg, {"loss": -np.log10(softmax(z)[y])})
            s = expit(z)
            assert _agree(by_id["sigmoid-not-softmax"].wrong(p), {"probs": s, "loss": -np.log(s[y])})
        elif ask == "focal":
            assert _agree(lg, _focal_np(p, log=np.log10))
            assert _agree(by_id["p-for-pt"].wrong(p), _focal_np(p, pt_is_p=True))
            if p.get("alpha") not in (None, 0.5):
                assert _agree(by_id["alpha-swapped"].wrong(p), _focal_np(p, swap_alpha=True))
                seen.add("alpha-swapped")
            else:
                assert by_id["alpha-swapped"].wrong(p) is None
        else:
            P, y = _pixel_arrays(p)
            labels = list(range(P.shape[1]))
            rows, cols = p["shape"]
            ln10 = -np.log10(P[np.arange(len(y)), y])
            if ask == "pixel":
                assert _agree(lg, {"losses": ln10.reshape(rows, cols), "mean": ln10.mean()})
            else:
                # sklearn's log_loss with sample weights is Σ w L / Σ w; unweighted it is the plain mean
                w = np.asarray(p["class_weights"], float)[y]
                by_w = log_loss(y, P, labels=labels, sample_weight=w)
                by_n = by_w * w.sum() / len(y)
                plain = log_loss(y, P, labels=labels)
                other = by_n if p["weight_norm"] == "weights" else by_w
                assert _agree(by_id["weights-other-denominator"].wrong(p), {"mean": other})
                assert _agree(by_id["weights-left-out"].wrong(p), {"mean": plain})
                seen.add("weighted")
        if ask != "softmax":
            assert by_id["sigmoid-not-softmax"].wrong(p) is None
        if ask != "focal":
            assert by_id["p-for-pt"].wrong(p) is None
    assert seen == {"alpha-swapped", "weighted"}


# ---------------------------------------------------------------- confusion-matrix
def _f1(a: float, b: float) -> float:
    return 2 * a * b / (a + b)


def test_confusion_matrix_mistakes_against_sklearn():
    by_id = _by_id("confusion-matrix")
    for p in _params("confusion-matrix"):
        t, y = _labels(p["matrix"])
        ask = p["ask"]
        # the table read the wrong way round: sklearn with y_true and y_pred exchanged
        ps, rs, fs, sup = precision_recall_fscore_support(y, t, zero_division=0)
        swapped = {"class": lambda: {"precision": ps[p.get("target", 0)], "recall": rs[p.get("target", 0)]},
                   "per-class": lambda: {"precision": ps, "recall": rs},
                   "macro": lambda: {"macro_p": ps.mean(), "macro_r": rs.mean()},
                   "weighted": lambda: {"weighted_p": precision_score(y, t, average="weighted"),
                                        "weighted_r": recall_score(y, t, average="weighted"),
                                        "weighted_f1": f1_score(y, t, average="weighted")},
                   "micro": lambda: None}[ask]()
        got = by_id["rows-columns-swapped"].wrong(p)
        if swapped is None:
            assert got is None
        else:
            assert _agree(got, swapped, rtol=1e-6)  # the key is rounded to 10 digits
        pm, rm = precision_score(t, y, average="macro"), recall_score(t, y, average="macro")
        pw, rw = precision_score(t, y, average="weighted"), recall_score(t, y, average="weighted")
        averages = {"macro": {"macro_f1": _f1(pm, rm)}, "weighted": {"weighted_f1": _f1(pw, rw)}}.get(ask)
        got = by_id["f1-of-averages"].wrong(p)
        assert got is None if averages is None else _agree(got, averages)
        got = by_id["unweighted-mean"].wrong(p)
        assert got is None if ask != "weighted" else _agree(
            got, {"weighted_p": pm, "weighted_r": rm, "weighted_f1": f1_score(t, y, average="macro")})
        got = by_id["micro-as-macro"].wrong(p)
        assert got is None if ask != "micro" else _agree(got, {"micro_f1": f1_score(t, y, average="macro")})
        got = by_id["accuracy-as-mean-recall"].wrong(p)
        assert got is None if ask not in ("class", "per-class", "macro") else _agree(
            got, {"accuracy": balanced_accuracy_score(t, y)})


# ---------------------------------------------------------------- scenario-cnn-design
def _out_len(n: int, k: int, s: int, pad: int) -> int:
    """How many positions a window of k takes on n + 2·pad cells with step s (counted, not the formula)."""
    return len(range(0, n + 2 * pad - k + 1, s))


def _cnn_np(p: dict, *, bias: bool = True, depth: bool = True, pad: bool = True, strides: bool = True) -> dict:
    """The network of the problem, layer by layer: shapes by sliding windows, parameters as the sizes of the
    weight and bias arrays (PyTorch's layout: K × C × k × k), the receptive field by back-projecting one unit."""
    h, w, c = p["input"]
    out: dict = {}
    shapes = {}
    layers = [("conv1", p["conv1"]), ("pool1", p["pool1"]), ("conv2", p["conv2"])]
    if p.get("pool2") is not None:
        layers.append(("pool2", p["pool2"]))
    for name, cfg in layers:
        if name.startswith("conv"):
            k_out, k, s, pd = cfg
            pd = pd if pad else 0
            weights = np.zeros((k_out, c if depth else 1, k, k)).size
            out[name + "_params"] = weights + (np.zeros(k_out).size if bias else 0)
            h, w, c = _out_len(h, k, s, pd), _out_len(w, k, s, pd), k_out
        else:
            f, s = cfg
            h, w = _out_len(h, f, s, 0), _out_len(w, f, s, 0)
        shapes[name] = [h, w, c]
    out.update(shapes)
    out["fc_params"] = np.zeros((p["fc"], h * w * c)).size + (p["fc"] if bias else 0)
    out["total"] = out["conv1_params"] + out["conv2_params"] + out["fc_params"]
    lo, hi = 0, 0  # the input columns one conv2 unit sees, projected back through conv2, pool1, conv1
    for k, s in ((p["conv2"][1], p["conv2"][2]), (p["pool1"][0], p["pool1"][1]), (p["conv1"][1], p["conv1"][2])):
        s = s if strides else 1
        lo, hi = lo * s, hi * s + k - 1
    out["rf"] = hi - lo + 1
    return out


def _changed(p: dict, theirs: dict) -> dict:
    key = _cnn_np(p)
    return {k: v for k, v in theirs.items() if k in key and not np.array_equal(v, key[k])}


def test_scenario_cnn_design_mistakes_against_numpy():
    by_id = _by_id("scenario-cnn-design")
    for p in _params("scenario-cnn-design"):
        wrong = {"forgot-bias": _cnn_np(p, bias=False), "kernel-without-depth": _cnn_np(p, depth=False),
                 "rf-without-strides": _cnn_np(p, strides=False), "ignored-padding": _cnn_np(p, pad=False)}
        for mid, theirs in wrong.items():
            got = by_id[mid].wrong(p)
            expected = _changed(p, theirs)
            if mid == "ignored-padding":  # the shapes only: the FC count is graded from the student's own shape
                expected = {k: v for k, v in expected.items() if k[:4] in ("conv", "pool") and "_" not in k}
            if mid == "ignored-padding" and not expected:
                assert got in (None, {})
                continue
            assert got is not None and got.keys() == expected.keys(), (mid, p)
            assert all(np.array_equal(got[k], expected[k]) for k in got), (mid, p)


# ---------------------------------------------------------------- scenario-training-step
def _forward(p: dict, w_j: float) -> float:
    """The loss of the problem as a function of the weight that is updated (batch norm and dropout in numpy)."""
    a = np.asarray(p["a"], float)
    y = p["gamma"] * (a - a.mean()) / a.std() + p["beta"]
    d = np.asarray(p["mask"]) * y / p["keep"]
    if p["loss"] == "mse":
        o = w_j * d + p["b"][0]
        return float(np.mean((o - np.asarray(p["targets"])) ** 2))
    w = np.array(p["w"], float)
    w[p["update"] - 1] = w_j
    z = w * d[p["sample"] - 1] + np.asarray(p["b"], float)
    return float(-np.log(softmax(z)[p["label"] - 1]))


def test_scenario_training_step_mistakes_against_numpy_and_finite_differences():
    by_id = _by_id("scenario-training-step")
    seen = set()
    for p in _params("scenario-training-step"):
        a = np.asarray(p["a"], float)
        xhat1 = (a - a.mean()) / a.std(ddof=1)
        assert _agree(by_id["unbiased-variance"].wrong(p), {"bn": p["gamma"] * xhat1 + p["beta"]})
        if (p["gamma"], p["beta"]) == (1, 0):
            assert by_id["forgot-gamma-beta"].wrong(p) is None
        else:
            assert _agree(by_id["forgot-gamma-beta"].wrong(p), {"bn": (a - a.mean()) / a.std()})
        y = p["gamma"] * (a - a.mean()) / a.std() + p["beta"]
        assert _agree(by_id["dropout-no-rescale"].wrong(p), {"dropout": np.asarray(p["mask"]) * y})
        j = p["update"] - 1 if p["loss"] == "ce" else 0
        w0, h = p["w"][j], 1e-6
        g = (_forward(p, w0 + h) - _forward(p, w0 - h)) / (2 * h)  # the true gradient, numerically
        got = by_id["gradient-term-missing"].wrong(p)
        if p["loss"] == "mse":
            assert _agree(got, {"grad": g / 2}, rtol=1e-5)  # the factor 2 left out
        elif p["update"] == p["label"]:
            d_s = np.asarray(p["mask"])[p["sample"] - 1] * y[p["sample"] - 1] / p["keep"]
            assert _agree(got, {"grad": g + d_s}, rtol=1e-5)  # (p − 1)·d without the −1
            seen.add("ce-true-class")
        else:
            assert got is None
        got = by_id["momentum-ignored"].wrong(p)
        if p["optimizer"] == "momentum":
            assert _agree(got, {"w_new": w0 - p["lr"] * g}, rtol=1e-5)
            seen.add("momentum")
        else:
            assert got is None
    assert seen == {"ce-true-class", "momentum"}
