"""The typical mistakes of the training kinds (issue 12 item 2), each checked over 200 seeds against an independent
statement of the wrong method: numpy's var(ddof=…) for batch norm, the fans of a weight tensor and the gains of the
usual initializers, the update rules of momentum, RMSProp, AdaGrad and Adam written out from their papers on numpy
arrays, scikit-learn's metrics from label vectors, and penalties differentiated numerically. Where a misconception
cannot change the answer, `wrong()` must be None (tests/test_mistakes.py checks that the grader names each one)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from examgen import registry
from tests.test_mistakes import mistakes_by_id, problems_and_draws

_by_id, _problems = mistakes_by_id, problems_and_draws


def _close(a, b, tol: float = 1e-9) -> bool:
    return np.allclose(np.array(a, float), np.array(b, float), rtol=tol, atol=tol)


def _agree(got: dict | None, want: dict) -> bool:
    """Same parts, same values."""
    return got is not None and got.keys() == want.keys() and all(_close(got[k], v) for k, v in want.items())


def _changed(wrong: dict, right: dict, tol: float = 1e-12) -> dict:
    """The parts a misconception changes (beyond `tol`: float noise, or a numerical derivative's error)."""
    return {k: v for k, v in wrong.items() if not _close(v, right[k], tol)}


# ---------------------------------------------------------------- batchnorm
def _bn(p: dict, ddof: int = 0, affine: bool = True, root: bool = True, batch_stats: bool = False) -> dict:
    """Batch norm on a (features × samples) numpy array, with the statistics chosen by the arguments."""
    x = np.array(p["batch"], float)
    if p["ask"] == "inference" and not batch_stats:
        mu, var = np.array(p["running_mean"], float), np.array(p["running_var"], float)
    else:
        mu, var = x.mean(axis=1), x.var(axis=1, ddof=ddof)
    den = np.sqrt(var + p["eps"]) if root else var + p["eps"]
    xhat = (x - mu[:, None]) / den[:, None]
    y = np.array(p["gamma"])[:, None] * xhat + np.array(p["beta"])[:, None] if affine else xhat
    one = len(x) == 1
    out = {"mean": mu, "var": var, "std": den, "xhat": xhat, "y": y}
    return {k: (v[0] if one else v).tolist() for k, v in out.items()}


def _bn_parts(p: dict) -> set:
    if p["ask"] == "inference":
        return {"std", "y"}
    return {"mean", "var", "xhat", "y"} if len(p["batch"]) == 1 else {"mean", "var", "y"}


def test_batchnorm_mistakes_against_numpy():
    by_id = _by_id("batchnorm")
    seen = {m: 0 for m in by_id}
    for p, key, drawn in _problems("batchnorm"):
        parts = _bn_parts(p)
        right = {k: v for k, v in _bn(p).items() if k in parts}
        assert all(_close(right[k], key[k], 0.006) for k in parts)  # the key, to its 2 (or 4) decimals
        cases = {"unbiased-variance": (p["ask"] == "train", dict(ddof=1)),
                 "forgot-gamma-beta": (any(g != 1 for g in p["gamma"]) or any(p["beta"]), dict(affine=False)),
                 "divided-by-variance": (True, dict(root=False)),
                 "batch-statistics-at-test": (p["ask"] == "inference", dict(batch_stats=True))}
        for mid, (applies, how) in cases.items():
            got = by_id[mid].wrong(p)
            if not applies:
                assert got is None, (mid, p)
                continue
            want = {k: v for k, v in _bn(p, **how).items() if k in parts}
            assert got is not None and got.keys() <= want.keys(), (mid, p, got)
            assert all(_close(v, want[k]) for k, v in got.items()), (mid, p, got)
            assert set(_changed(want, right)) <= set(got), (mid, p, got)  # every part it changes is given
            seen[mid] += 1
    assert min(seen.values()) >= 10, seen


def test_unbiased_variance_hand_worked():
    # x = (−1, 5, 5, 7): μ = 4, squared deviations 25 + 1 + 1 + 9 = 36; biased σ² = 9, unbiased 36/3 = 12;
    # x̂ with √12: (−5, 1, 1, 3)/3.4641 = (−1.4434, 0.2887, 0.2887, 0.8660); y = 2x̂ + 0.5.
    kind = registry.get("batchnorm")
    p = kind.schema.validate({"ask": "train", "batch": [[-1, 5, 5, 7]], "gamma": [2], "beta": [0.5], "eps": 0})
    got = _by_id("batchnorm")["unbiased-variance"].wrong(p)
    assert got["var"] == pytest.approx(12)
    assert got["xhat"] == pytest.approx([-1.44338, 0.28868, 0.28868, 0.86603], abs=1e-5)
    assert got["y"] == pytest.approx([2 * v + 0.5 for v in (-1.44338, 0.28868, 0.28868, 0.86603)], abs=1e-4)


# ---------------------------------------------------------------- init-scale
def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Fan-in and fan-out of a weight tensor (C_out, C_in, *kernel), as frameworks compute them."""
    receptive = int(np.prod(shape[2:], dtype=np.int64)) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _init(p: dict, shape: tuple[int, ...], uniform_bound: bool = True, he_gain2: float = 2.0,
          xavier_lecun: bool = False) -> dict:
    """The answers from the usual initializers: Glorot std = √(2/(fan_in + fan_out)), He std = gain/√fan_in with
    gain² = 2 for ReLU; a uniform bound is √3 · std. The arguments switch the misconceptions on: the normal std
    used as the bound, gain² = 1 (no ReLU factor), LeCun's 1/fan_in for Glorot's variance."""
    fi, fo = _fans(shape)
    var = {"xavier": 1 / fi if xavier_lecun else 2 / (fi + fo), "he": he_gain2 / fi}
    widen = math.sqrt(3) if p["dist"] == "uniform" and uniform_bound else 1.0
    scale = {s: widen * math.sqrt(v) for s, v in var.items()}
    if p["scheme"] == "both":
        return {"fan": [fi, fo], "xavier": scale["xavier"], "he": scale["he"]}
    s = p["scheme"]
    return {"fan" if s == "xavier" else "fan_in": [fi, fo] if s == "xavier" else fi, "scale": scale[s],
            "variance": var[s]}


def test_init_scale_mistakes_against_initializer_formulas():
    by_id = _by_id("init-scale")
    seen = {m: 0 for m in by_id}
    for p, key, drawn in _problems("init-scale"):
        k = p.get("kernel")
        shape = (p["n_out"], p["n_in"], k, k) if p["layer"] == "conv" else (p["n_out"], p["n_in"])
        right = _init(p, shape)
        assert all(_close(right[n], key[n], 1e-4) for n in right), (p, key)
        cases = {"conv-fan-without-kernel": (p["layer"] == "conv" and k > 1, _init(p, shape[:2])),
                 "normal-sigma-as-bound": (p["dist"] == "uniform", _init(p, shape, uniform_bound=False)),
                 "he-without-factor-2": (p["scheme"] != "xavier", _init(p, shape, he_gain2=1.0)),
                 "xavier-fan-in-only": (p["scheme"] != "he", _init(p, shape, xavier_lecun=True))}
        for mid, (applies, wrong) in cases.items():
            got, want = by_id[mid].wrong(p), _changed(wrong, right)
            if applies and want:
                assert _agree(got, want), (mid, p, got)
                seen[mid] += 1
            else:  # not this layer / scheme / distribution, or no change (Xavier with n_in = n_out is LeCun's)
                assert got is None, (mid, p)
    assert min(seen.values()) >= 10, seen


# ---------------------------------------------------------------- optimizer-step
def _optimize(p: dict, rule: str) -> dict:
    """The answers after the steps of p["grads"] with an update rule written out from its textbook form, on numpy
    arrays: momentum in either form, plain SGD, RMSProp (Hinton), AdaGrad (Duchi et al.: s accumulates g²), Adam
    (Kingma & Ba, Algorithm 1) with or without bias correction or square root."""
    lr, eps = p["lr"], p.get("eps", 1e-8)
    w = np.array(p["w0"], float)
    state = np.array(p.get("state0") or [0.0] * len(w), float)
    m = np.zeros_like(w)
    out: dict = {}
    for t, g in enumerate(np.array(p["grads"], float), start=1):
        if rule == "add-grad":
            state = p["beta"] * state + g
            w = w - lr * state
            out["v"] = state
        elif rule == "lr-inside":
            state = p["beta"] * state - lr * g
            w = w + state
            out["v"] = state
        elif rule == "sgd":
            w = w - lr * g
        elif rule.startswith("rmsprop") or rule == "adagrad":
            state = state + g ** 2 if rule == "adagrad" else p["rho"] * state + (1 - p["rho"]) * g ** 2
            w = w - lr * g / ((state if rule == "rmsprop-no-root" else np.sqrt(state)) + eps)
            out["s"] = state
        else:
            m = p["beta1"] * m + (1 - p["beta1"]) * g
            state = p["beta2"] * state + (1 - p["beta2"]) * g ** 2
            corrected = rule != "adam-uncorrected"
            m_hat = m / (1 - p["beta1"] ** t) if corrected else m
            v_hat = state / (1 - p["beta2"] ** t) if corrected else state
            w = w - lr * m_hat / ((v_hat if rule == "adam-no-root" else np.sqrt(v_hat)) + eps)
            out["m_hat"], out["v_hat"] = m_hat, v_hat
        out[f"w{t}"] = w
    return {k: (v[0] if len(v) == 1 else v.tolist()) for k, v in out.items()}


def test_optimizer_mistakes_against_update_rules_written_out():
    by_id = _by_id("optimizer-step")
    seen = {m: 0 for m in by_id}
    for p, key, drawn in _problems("optimizer-step"):
        opt = p["optimizer"]
        form = p.get("momentum_form")
        right = _optimize(p, {"momentum": form, "rmsprop": "rmsprop", "adam": "adam"}[opt])
        assert right.keys() == key.keys() and all(_close(right[k], key[k], 1e-4) for k in key), (p, key)
        rules = {"adam-no-bias-correction": ("adam", "adam-uncorrected"),
                 "adam-no-square-root": ("adam", "adam-no-root"),
                 "rmsprop-no-square-root": ("rmsprop", "rmsprop-no-root"),
                 "rmsprop-no-decay": ("rmsprop", "adagrad"),
                 "momentum-other-form": ("momentum", {"add-grad": "lr-inside", "lr-inside": "add-grad"}.get(form)),
                 "momentum-ignored": ("momentum", "sgd")}
        for mid, (for_opt, rule) in rules.items():
            got = by_id[mid].wrong(p)
            if for_opt != opt:
                assert got is None, (mid, p)
                continue
            want = _changed(_optimize(p, rule), right)
            if not want:  # e.g. one momentum step from v0 = 0 is a plain SGD step
                assert got is None, (mid, p, got)
                continue
            assert _agree(got, want), (mid, p, got, want)
            seen[mid] += 1
    assert min(seen.values()) >= 10, seen


def test_adam_without_bias_correction_hand_worked():
    # Adam, w0 = 1, g1 = 0.5, η = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8. m1 = 0.05, v1 = 0.00025.
    # Without the correction: w1 = 1 − 0.1·0.05/(√0.00025 + 1e-8) = 1 − 0.005/0.0158114 = 0.683772;
    # with it, m̂ = 0.5, v̂ = 0.25 and w1 = 1 − 0.1·0.5/0.5 = 0.9.
    kind = registry.get("optimizer-step")
    p = kind.schema.validate({"optimizer": "adam", "w0": [1.0], "grads": [[0.5]], "lr": 0.1, "beta1": 0.9,
                              "beta2": 0.999, "eps": 1e-8})
    assert {pt.name: pt.answer for pt in kind.build(p).parts}["w1"] == pytest.approx(0.9)
    got = _by_id("optimizer-step")["adam-no-bias-correction"].wrong(p)
    assert got["m_hat"] == pytest.approx(0.05) and got["v_hat"] == pytest.approx(0.00025)
    assert got["w1"] == pytest.approx(0.683772, abs=1e-6)


# ---------------------------------------------------------------- precision-recall
def test_precision_recall_mistakes_against_sklearn():
    """Label vectors with the problem's TP, FP, FN and TN; scikit-learn's recall is the swapped precision and its
    precision the swapped recall; accuracy without TN counts only the true positives as right."""
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

    by_id = _by_id("precision-recall")
    for p, key, drawn in _problems("precision-recall"):
        tp, fp, fn, tn = p["tp"], p["fp"], p["fn"], p["tn"]
        y_true = np.array([1] * tp + [0] * fp + [1] * fn + [0] * tn)
        y_pred = np.array([1] * tp + [1] * fp + [0] * fn + [0] * tn)
        prec, rec = precision_score(y_true, y_pred), recall_score(y_true, y_pred)
        assert _close([accuracy_score(y_true, y_pred), prec, rec, f1_score(y_true, y_pred)],
                      [key["accuracy"], key["precision"], key["recall"], key["f1"]], 1e-9)
        assert _agree(by_id["precision-recall-swapped"].wrong(p), {"precision": rec, "recall": prec})
        assert fp != fn  # the swap would be invisible; the sampler never draws it (precision = recall is degenerate)
        positives_right = np.mean((y_true == 1) & (y_pred == 1))
        assert _agree(by_id["accuracy-without-tn"].wrong(p), {"accuracy": positives_right})


# ---------------------------------------------------------------- regularization
def _num_grad(f, w: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences (exact up to rounding for the linear and quadratic pieces, all weights ≠ 0)."""
    return np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(len(w))])


def _reg(p: dict, l2_half: bool | None = None, l1_as_square: bool = False, penalty_in_step: bool = True) -> dict:
    """The answers from the penalty R(w) as a numpy function, its gradient by central differences: the L2 term
    (λ₂/2)Σw² or λ₂Σw², the L1 term λ₁Σ|w| (or, for the student who differentiates it as a square, λ₁Σw²/2 in the
    gradient only). The decay factor is the slope of the update w ↦ w − η(g + ∇R(w)), taken numerically."""
    w = np.array(p["w"], float)
    half = p.get("l2_form") == "half" if l2_half is None else l2_half
    lam1 = p.get("lam1", 0.0) if p["penalty"] != "l2" else 0.0
    lam2 = p.get("lam2", 0.0) if p["penalty"] != "l1" else 0.0

    def penalty(v):
        return lam1 * np.abs(v).sum() + (0.5 if half else 1.0) * lam2 * (v ** 2).sum()

    def graded(v):  # the function the student differentiates
        return (lam1 * (v ** 2).sum() / 2 if l1_as_square else lam1 * np.abs(v).sum()) + \
            (0.5 if half else 1.0) * lam2 * (v ** 2).sum()

    if p["ask"] == "penalty":
        return {"penalty": float(penalty(w)), "grad": _num_grad(graded, w).tolist()}
    g, lr = np.array(p["grad"], float), p["lr"]

    def step(v):
        return v - lr * (g + (_num_grad(graded, v) if penalty_in_step else 0.0))

    if p["ask"] == "decay":  # the update is linear in w: its slope (the same for every weight) is the factor
        factor = step(w + 1.0) - step(w)
        assert np.allclose(factor, factor[0], atol=1e-8)
        return {"factor": float(factor[0]), "w_new": step(w).tolist()}
    total = g + (_num_grad(graded, w) if penalty_in_step else 0.0)
    return {"total_grad": total.tolist(), "w_new": (w - lr * total).tolist()}


def test_regularization_mistakes_against_numerical_gradients():
    by_id = _by_id("regularization")
    seen = {m: 0 for m in by_id}
    for p, key, drawn in _problems("regularization"):
        right = _reg(p)
        assert right.keys() == key.keys() and all(_close(right[k], key[k], 1e-4) for k in key), (p, key)
        cases = {"l2-coefficient-form": (p["penalty"] != "l1", dict(l2_half=p.get("l2_form") != "half")),
                 "l1-gradient-as-weight": (p["penalty"] != "l2", dict(l1_as_square=True)),
                 "penalty-left-out": (p["ask"] != "penalty", dict(penalty_in_step=False))}
        for mid, (applies, how) in cases.items():
            got = by_id[mid].wrong(p)
            if not applies:
                assert got is None, (mid, p)
                continue
            want = _changed(_reg(p, **how), right, 1e-7)
            assert want, (mid, p)
            assert got is not None and got.keys() == want.keys(), (mid, p, got, want)
            assert all(_close(got[k], v, 1e-7) for k, v in want.items()), (mid, p, got, want)
            seen[mid] += 1
    assert min(seen.values()) >= 10, seen


def test_l2_coefficient_form_hand_worked():
    # L2 with the half form, w = (0.5, −1.2, 2.0), λ₂ = 0.1, g = (0.3, −0.4, 0.1), η = 0.1. Right: ∇R = λ₂w =
    # (0.05, −0.12, 0.2). The full form's 2λ₂w = (0.1, −0.24, 0.4): total (0.4, −0.64, 0.5) and
    # w_new = (0.5 − 0.04, −1.2 + 0.064, 2.0 − 0.05) = (0.46, −1.136, 1.95).
    kind = registry.get("regularization")
    p = kind.schema.validate({"penalty": "l2", "ask": "step", "w": [0.5, -1.2, 2.0], "lam2": 0.1,
                              "l2_form": "half", "grad": [0.3, -0.4, 0.1], "lr": 0.1})
    got = _by_id("regularization")["l2-coefficient-form"].wrong(p)
    assert got["total_grad"] == pytest.approx([0.4, -0.64, 0.5])
    assert got["w_new"] == pytest.approx([0.46, -1.136, 1.95])


@pytest.mark.parametrize("name", ["batchnorm", "init-scale", "optimizer-step", "precision-recall", "regularization"])
def test_every_mistake_of_the_kind_is_checked_here(name):
    """A mistake added to one of these kinds needs its own independent check in this file."""
    checked = {"batchnorm": {"unbiased-variance", "forgot-gamma-beta", "divided-by-variance",
                             "batch-statistics-at-test"},
               "init-scale": {"conv-fan-without-kernel", "normal-sigma-as-bound", "he-without-factor-2",
                              "xavier-fan-in-only"},
               "optimizer-step": {"adam-no-bias-correction", "adam-no-square-root", "rmsprop-no-square-root",
                                  "rmsprop-no-decay", "momentum-other-form", "momentum-ignored"},
               "precision-recall": {"precision-recall-swapped", "accuracy-without-tn"},
               "regularization": {"l2-coefficient-form", "l1-gradient-as-weight", "penalty-left-out"}}
    assert set(_by_id(name)) == checked[name]
