"""Cross-checks of the kind `scenario-training-step` (Comprehensive: one full training step).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the comprehensive scenarios against independent computations: numpy array views and weight
arrays for the CNN, OpenCV's NMS and the VOC devkit AP formula for detection, scipy/OpenCV filters for the image
pipeline, numpy recurrent cells for the sequence, numpy batch norm and finite-difference gradients for the training
step. Each part is checked on its own, and carry-forward is tested: a wrong earlier part with a later part that
follows from it earns the later part's credit, a later part that is wrong both ways earns nothing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.special import log_softmax

from tests.kinds._refs import (
    _away, _check_carry, _f, _kind, _vec, example_solves, one_line_param_error, scenario_properties,
)


SEEDS = range(520)


def ref_training(p, bn=None, d=None):
    a = np.array(p["a"], float)
    if bn is None:
        bn = p["gamma"] * (a - a.mean()) / np.sqrt(a.var()) + p["beta"]
    if d is None:
        d = np.array(p["mask"]) * bn / p["keep"]
    w0 = np.array(p["w"], float)
    b = np.array(p["b"], float)
    out = {"bn": bn, "dropout": d}
    if p["loss"] == "mse":
        t = np.array(p["targets"], float)

        def loss(w):
            return float(np.mean((w * d + b[0] - t) ** 2))

        j = 0
    else:
        s, c, j = p["sample"] - 1, p["label"] - 1, p["update"] - 1
        out["probs"] = np.exp(log_softmax(w0 * d[s] + b))

        def loss(w):
            ww = w0.copy()
            ww[j] = w
            return float(-log_softmax(ww * d[s] + b)[c])

    eps = 1e-6
    out["loss"] = loss(w0[j])
    out["grad"] = (loss(w0[j] + eps) - loss(w0[j] - eps)) / (2 * eps)
    g, lr = out["grad"], p["lr"]
    if p["optimizer"] == "sgd":
        out["w_new"] = w0[j] - lr * g
    elif p["momentum_form"] == "add-grad":
        out["w_new"] = w0[j] - lr * (p["momentum"] * p["velocity"] + g)
    else:
        out["w_new"] = w0[j] + p["momentum"] * p["velocity"] - lr * g
    return out


def test_training_step_against_numpy_and_finite_differences():
    kind = _kind("scenario-training-step")
    seen = set()
    for seed in SEEDS:
        pr = kind.generate(seed)
        p = pr.params
        ref = ref_training(p)
        a = pr.answer
        np.testing.assert_allclose(a["bn"], ref["bn"], atol=1e-9)
        np.testing.assert_allclose(a["dropout"], ref["dropout"], atol=1e-9)
        if p["loss"] == "ce":
            np.testing.assert_allclose(a["probs"], ref["probs"], atol=1e-9)
        assert abs(a["loss"] - ref["loss"]) < 1e-9
        assert abs(a["grad"] - ref["grad"]) < 1e-6, (seed, a["grad"], ref["grad"])
        assert abs(a["w_new"] - ref["w_new"]) < 1e-6
        assert abs(a["grad"]) >= 0.01
        seen.update({p["loss"], p["optimizer"], p.get("momentum_form")})
    assert {"mse", "ce", "sgd", "momentum", "add-grad", "sub-lr"} <= seen


def test_training_step_carry_forward():
    kind = _kind("scenario-training-step")
    for seed in range(150):
        pr = kind.generate(seed)
        p = pr.params
        a = pr.answer
        wrong_bn = np.array(a["bn"]) + 0.5
        ref = ref_training(p, bn=wrong_bn)
        _check_carry(pr, {"bn": _vec(wrong_bn)}, "dropout", _vec(ref["dropout"]), _vec(ref["dropout"] + 2.5))
        wrong_d = np.array(a["dropout"]) * 1.5 + 0.2
        ref = ref_training(p, d=wrong_d)
        base = {"bn": _vec(a["bn"]), "dropout": _vec(wrong_d)}
        if p["loss"] == "mse":
            _check_carry(pr, base, "loss", _f(ref["loss"]), _away(ref["loss"], a["loss"]))
            _check_carry(pr, base, "grad", _f(ref["grad"]), _away(ref["grad"], a["grad"]))
        else:
            probs = ref["probs"]
            _check_carry(pr, base, "probs", _vec(probs), _vec(probs + 0.5))
            wrong_p = np.array(a["probs"]) * 0.5 + 0.5 / len(a["probs"])  # wrong, but still a distribution
            pb = {**base, "probs": _vec(wrong_p)}
            c, j, s = p["label"] - 1, p["update"] - 1, p["sample"] - 1
            _check_carry(pr, pb, "loss", _f(-math.log(wrong_p[c])), _away(-math.log(wrong_p[c]), a["loss"]))
            g = (wrong_p[j] - (j == c)) * wrong_d[s]
            _check_carry(pr, pb, "grad", _f(g), _away(g, a["grad"]))
        wrong_g = a["grad"] + 0.7
        j = p["update"] - 1 if p["loss"] == "ce" else 0
        w0 = p["w"][j]
        if p["optimizer"] == "sgd":
            follow = w0 - p["lr"] * wrong_g
        elif p["momentum_form"] == "add-grad":
            follow = w0 - p["lr"] * (p["momentum"] * p["velocity"] + wrong_g)
        else:
            follow = w0 + p["momentum"] * p["velocity"] - p["lr"] * wrong_g
        _check_carry(pr, {"grad": _f(wrong_g)}, "w_new", _f(follow), _away(follow, a["w_new"]))


BAD_PARAMS = [
    {"a": [1.0, 1.0, 1.0, 1.0], "gamma": 1.0, "beta": 0.0, "keep": 0.8,
                                    "mask": [1, 0, 1, 1], "loss": "mse", "w": [0.5], "b": [0.1],
                                    "targets": [0.0, 1.0, 1.0, 2.0], "optimizer": "sgd", "lr": 0.1},
    {"a": [1.0, 2.0, 3.0, 4.0], "gamma": 1.0, "beta": 0.0, "keep": 0.8,
                                    "mask": [1, 0, 1, 1], "loss": "ce", "w": [0.5, 0.1], "b": [0.1, 0.0],
                                    "sample": 1, "label": 3, "update": 1, "optimizer": "sgd", "lr": 0.1},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("scenario-training-step", raw)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_schema_stable_and_comprehensive(seed):
    scenario_properties("scenario-training-step", seed)


def test_example_solves():
    example_solves("scenario-training-step")


def test_no_follow_through_from_impossible_probabilities():
    """Softmax probabilities lie in (0, 1] and sum to 1: the loss computed from ones that do not is not carried and
    scores 0."""
    for seed in range(200):
        pr = _kind("scenario-training-step").generate(seed)
        if pr.params["loss"] == "ce":
            break
    a = pr.answer
    wrong = [0.05] * len(a["probs"])  # sums to far less than 1
    given = {"bn": _vec(a["bn"]), "dropout": _vec(a["dropout"]), "probs": _vec(wrong)}
    from tests.kinds._refs import no_follow_through

    no_follow_through(pr, given, "loss", _f(-math.log(0.05)))
