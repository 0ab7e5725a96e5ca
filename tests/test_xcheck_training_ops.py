"""Cross-checks of the training-ops kinds (activation, dropout, batchnorm, regularization, optimizer-step,
init-scale, cross-entropy) against independent references: scipy.special, numpy, scikit-learn, and update rules
written out here in the form of the PyTorch documentation. Nothing here calls examgen's solver helpers; examgen is
only asked for problems (generate / from_params) and for grading."""

from __future__ import annotations

import json
import math
import sys
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit, log_softmax, softmax
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import display_value, grade, parse_answer, score_answer
from examgen.mathfmt import check_typst_math, split_math

KINDS = ("activation", "dropout", "batchnorm", "regularization", "optimizer-step", "init-scale", "cross-entropy")
N_SEEDS = 500


@lru_cache(maxsize=None)
def problems(name: str) -> tuple:
    kind = registry.get(name)
    return tuple(kind.generate(seed) for seed in range(N_SEEDS))


def close(got, want, atol=1e-9, rtol=1e-9):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), atol=atol, rtol=rtol)


def central(f, x, h=1e-6):
    """Central-difference derivative of an element-wise function."""
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2 * h)


def part_score(pr, name: str, value) -> float:
    """Score one part for a submitted value (a number or a nested list), typed as a student would."""
    part = next(p for p in pr.parts if p.name == name)
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value, dtype=float)
        if arr.ndim == 2:
            text = "; ".join(" ".join(repr(float(v)) for v in row) for row in arr)
        else:
            text = ", ".join(repr(float(v)) for v in arr.ravel())
    else:
        text = repr(float(value))
    return score_answer(part.spec, part.answer, parse_answer(part.spec, text))[0]


# ================================================================ activation
def act_ref(fn: str, x, slope):
    x = np.asarray(x, dtype=float)
    if fn == "sigmoid":
        return expit(x)
    if fn == "tanh":
        return np.tanh(x)
    if fn == "relu":
        return np.maximum(x, 0.0)
    return np.where(x > 0, x, slope * x)


def test_sigmoid_derivative_bound_is_its_maximum():
    grid = np.linspace(-8, 8, 160001)
    assert abs(central(expit, grid).max() - 0.25) < 1e-9


def test_activation_against_scipy_and_central_differences():
    seen = set()
    for pr in problems("activation"):
        prm = pr.params
        x = np.asarray(prm["inputs"], dtype=float)
        if prm["ask"] == "chain":
            seen.add("chain")
            close(pr.answer["bound"], 0.25 ** len(x))
            close(pr.answer["product"], np.prod(central(expit, x)), atol=1e-9, rtol=1e-6)
            assert pr.answer["product"] <= pr.answer["bound"]
        else:
            fn = prm["function"]
            seen.add(fn)
            f = lambda t: act_ref(fn, t, prm.get("slope"))  # noqa: E731
            close(pr.answer["value"], f(x))
            close(pr.answer["derivative"], central(f, x), atol=1e-7)
    assert seen == {"sigmoid", "tanh", "relu", "leaky_relu", "chain"}


# ================================================================ dropout
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


# ================================================================ batchnorm
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


# ================================================================ regularization
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


# ================================================================ optimizer-step
def torch_style(prm):
    """The update rules as the PyTorch documentation writes them (SGD with momentum, dampening 0, no Nesterov;
    RMSprop with `alpha`; Adam with bias corrections folded into the step size). Returns per-step records."""
    p = np.asarray(prm["w0"], dtype=float)
    grads = [np.asarray(g, dtype=float) for g in prm["grads"]]
    lr, out = prm["lr"], []
    opt = prm["optimizer"]
    if opt == "momentum":
        mu = prm["beta"]
        v0 = prm.get("state0")
        if prm["momentum_form"] == "add-grad":
            buf = None if v0 is None else np.asarray(v0, dtype=float)
        else:  # v ← βv − ηg, w ← w + v is SGD's buffer scaled by −η (same parameter trajectory)
            buf = None if v0 is None else -np.asarray(v0, dtype=float) / lr
        for g in grads:
            buf = g.copy() if buf is None else mu * buf + g
            p = p - lr * buf
            v = buf if prm["momentum_form"] == "add-grad" else -lr * buf
            out.append({"w": p.copy(), "v": v.copy()})
    elif opt == "rmsprop":
        alpha, eps = prm["rho"], prm["eps"]
        square_avg = np.asarray(prm.get("state0") or np.zeros_like(p), dtype=float)
        for g in grads:
            square_avg = square_avg * alpha + (1 - alpha) * g * g
            avg = np.sqrt(square_avg) + eps
            p = p - lr * g / avg
            out.append({"w": p.copy(), "s": square_avg.copy()})
    else:
        b1, b2, eps = prm["beta1"], prm["beta2"], prm["eps"]
        exp_avg, exp_avg_sq = np.zeros_like(p), np.zeros_like(p)
        for step, g in enumerate(grads, start=1):
            exp_avg = exp_avg + (g - exp_avg) * (1 - b1)  # lerp
            exp_avg_sq = exp_avg_sq * b2 + (1 - b2) * g * g
            bc1, bc2 = 1 - b1 ** step, 1 - b2 ** step
            step_size = lr / bc1
            denom = np.sqrt(exp_avg_sq) / math.sqrt(bc2) + eps
            p = p - step_size * exp_avg / denom
            out.append({"w": p.copy(), "m_hat": exp_avg / bc1, "v_hat": exp_avg_sq / bc2})
    return out


def test_optimizer_against_pytorch_update_rules():
    seen = set()
    for pr in problems("optimizer-step"):
        prm = pr.params
        ref = torch_style(prm)
        opt = prm["optimizer"]
        seen.add((opt, len(prm["w0"]), len(prm["grads"]), prm.get("momentum_form")))
        for t, rec in enumerate(ref, start=1):
            close(np.ravel(pr.answer[f"w{t}"]), rec["w"], atol=1e-8, rtol=1e-9)
        last = ref[-1]
        if opt == "momentum":
            close(np.ravel(pr.answer["v"]), last["v"], atol=1e-8)
        elif opt == "rmsprop":
            close(np.ravel(pr.answer["s"]), last["s"], atol=1e-9)
        else:
            close(np.ravel(pr.answer["m_hat"]), last["m_hat"], atol=1e-9)
            close(np.ravel(pr.answer["v_hat"]), last["v_hat"], atol=1e-9)
    opts = {s[0] for s in seen}
    assert opts == {"momentum", "rmsprop", "adam"}
    assert {s[1] for s in seen} == {1, 2} and {s[2] for s in seen} == {1, 2}
    assert {s[3] for s in seen if s[0] == "momentum"} == {"add-grad", "lr-inside"}


def test_adam_first_step_moves_by_about_the_learning_rate():
    """With m0 = v0 = 0 the bias-corrected first step is η·g/|g| (up to ε): a known property of Adam."""
    for pr in problems("optimizer-step"):
        prm = pr.params
        if prm["optimizer"] == "adam":
            g = np.asarray(prm["grads"][0], dtype=float)
            close(np.ravel(pr.answer["w1"]), np.asarray(prm["w0"]) - prm["lr"] * np.sign(g), atol=1e-6)


# ================================================================ init-scale
def fans_ref(prm):
    """Fan-in / fan-out from the weight tensor's shape, as torch.nn.init computes them."""
    shape = (prm["n_out"], prm["n_in"]) if prm["layer"] == "dense" else \
        (prm["n_out"], prm["n_in"], prm["kernel"], prm["kernel"])
    receptive = math.prod(shape[2:]) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def test_init_scale_against_formulas():
    seen = set()
    for pr in problems("init-scale"):
        prm = pr.params
        fin, fout = fans_ref(prm)
        uniform = prm["dist"] == "uniform"
        gain_to_bound = math.sqrt(3.0) if uniform else 1.0  # U(−a, a) has variance a²/3
        x_var, h_var = 2.0 / (fin + fout), 2.0 / fin
        seen.add((prm["scheme"], prm["dist"], prm["layer"]))
        if prm["scheme"] == "both":
            assert pr.answer["fan"] == [fin, fout]
            close(pr.answer["xavier"], gain_to_bound * math.sqrt(x_var))
            close(pr.answer["he"], gain_to_bound * math.sqrt(h_var))
            continue
        var = x_var if prm["scheme"] == "xavier" else h_var
        if prm["scheme"] == "xavier":
            assert pr.answer["fan"] == [fin, fout]
            close(pr.answer["scale"], math.sqrt(6.0 / (fin + fout)) if uniform else math.sqrt(2.0 / (fin + fout)))
        else:
            assert pr.answer["fan_in"] == fin
            close(pr.answer["scale"], math.sqrt(6.0 / fin) if uniform else math.sqrt(2.0 / fin))
        close(pr.answer["variance"], var)
    assert len(seen) == 12, seen


def test_init_scale_empirical_variance():
    """Draw weights with the keyed scale: their sample variance matches the scheme's target variance."""
    checked = 0
    for seed, pr in enumerate(problems("init-scale")[:60]):
        prm = pr.params
        fin, fout = fans_ref(prm)
        rng = np.random.default_rng(seed)
        pairs = ([("xavier", 2.0 / (fin + fout)), ("he", 2.0 / fin)] if prm["scheme"] == "both"
                 else [("scale", 2.0 / (fin + fout) if prm["scheme"] == "xavier" else 2.0 / fin)])
        for key, target in pairs:
            s = pr.answer[key]
            w = rng.uniform(-s, s, 200_000) if prm["dist"] == "uniform" else rng.normal(0.0, s, 200_000)
            assert abs(w.var() / target - 1) < 0.03, (prm, key)
            checked += 1
    assert checked >= 60


# ================================================================ cross-entropy
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


# ================================================================ properties of every kind
def _tie(value: float, decimals: int) -> bool:
    x = abs(value) * 10 ** decimals
    return abs(x - math.floor(x) - 0.5) < 1e-4


def _flat(v):
    return [x for item in v for x in _flat(item)] if isinstance(v, list) else [v]


def check_not_degenerate(name: str, pr) -> None:
    prm, ans = pr.params, pr.answer
    if name == "activation":
        xs = prm["inputs"]
        if prm["ask"] == "values":
            assert len(set(xs)) == len(xs)
            if prm["function"] in ("relu", "leaky_relu"):
                assert all(x != 0 for x in xs) and min(xs) < 0 < max(xs)
            # a student who gives f(x) as its derivative is wrong
            assert part_score(pr, "derivative", ans["value"]) < 1
        else:
            assert ans["product"] >= 1e-4
    elif name == "dropout":
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
    elif name == "batchnorm":
        X = np.asarray(prm["batch"], dtype=float)
        if prm["ask"] == "train":
            assert (X.var(axis=1) > 0).all()
            # the unbiased variance (divide by m − 1) is not accepted
            assert part_score(pr, "var", np.ravel(X.var(axis=1, ddof=1)).tolist() if X.shape[0] > 1
                              else float(X.var(ddof=1))) < 1
    elif name == "regularization":
        assert all(v != 0 for v in prm["w"])
        if prm["ask"] != "penalty":
            w, g = np.asarray(prm["w"], dtype=float), np.asarray(prm["grad"], dtype=float)
            # forgetting the penalty gets every weight wrong
            assert part_score(pr, "w_new", w - prm["lr"] * g) == 0
            if prm["ask"] == "decay":
                assert part_score(pr, "factor", 1.0) == 0
            else:
                assert part_score(pr, "total_grad", g) == 0
    elif name == "optimizer-step":
        prev = prm["w0"]
        for t in range(1, len(prm["grads"]) + 1):
            # not updating (or stopping one step early) is wrong for every parameter
            assert part_score(pr, f"w{t}", prev if len(prev) > 1 else prev[0]) == 0
            prev = _flat(ans[f"w{t}"])
        if prm["optimizer"] == "adam" and len(prm["grads"]) == 2:
            g, b1 = np.asarray(prm["grads"], dtype=float), prm["beta1"]
            m_raw = b1 * (1 - b1) * g[0] + (1 - b1) * g[1]  # forgetting the bias correction is wrong
            assert part_score(pr, "m_hat", m_raw if len(m_raw) > 1 else m_raw[0]) == 0
    elif name == "init-scale":
        fin, fout = fans_ref(prm)
        if prm["scheme"] != "he":
            assert (fin + fout) / fin >= 1.1  # Xavier and He clearly differ
        if prm["scheme"] == "both":
            assert part_score(pr, "xavier", ans["he"]) == 0
    elif name == "cross-entropy":
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


@pytest.mark.parametrize("name", KINDS)
def test_no_rounding_ties_and_not_degenerate_over_seeds(name):
    for pr in problems(name):
        for part in pr.parts:
            d = getattr(part.spec, "decimals", None)
            if d is not None and not getattr(part.spec, "integer", False):
                assert not any(_tie(float(v), d) for v in _flat(part.answer)), (pr.params, part.name)
        check_not_degenerate(name, pr)


@pytest.mark.parametrize("name", KINDS)
def test_formulas_over_seeds(name):
    for pr in problems(name):
        texts = [pr.prompt.zh, pr.prompt.en] + [t for s in pr.steps for t in (s.title.zh, s.title.en)]
        maths = [seg for t in texts for kind, seg in split_math(t) if kind == "math"]
        maths += [x for s in pr.steps for x in (s.formula, s.work, s.result) if x]
        for m in maths:
            assert check_typst_math(m) == [], m


@settings(deadline=None)
@given(name=st.sampled_from(KINDS), seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_properties(name, seed):
    kind = registry.get(name)
    pr = kind.generate(seed)
    # determinism
    assert kind.generate(seed).to_json() == pr.to_json()
    # params survive JSON and the schema unchanged, and solving them alone gives the same problem
    raw = json.loads(json.dumps(pr.params))
    assert kind.schema.validate(raw) == raw
    assert kind.from_params(raw).answer == pr.answer
    # the key rounded to the decimals asked for is accepted (no ties: the rounding is unambiguous)
    subs = {p.name: display_value(p.spec, p.answer) for p in pr.parts}
    assert grade(pr, subs, kind.carry(pr.params)).correct, subs
    for part in pr.parts:
        d = getattr(part.spec, "decimals", None)
        if d is not None and not getattr(part.spec, "integer", False):
            assert not any(_tie(float(v), d) for v in _flat(part.answer))
    check_not_degenerate(name, pr)


# ================================================================ typed-in parameters and the CLI
BAD_PARAMS = [
    ("activation", {"function": "tanh", "ask": "chain", "inputs": [0.5, 1.0]}),
    ("activation", {"function": "relu", "ask": "values", "inputs": [0.0, 1.0]}),
    ("activation", {"function": "leaky_relu", "ask": "values", "inputs": [-1.0, 1.0]}),
    ("dropout", {"ask": "mask", "convention": "inverted", "p": 0.5, "x": [1, 2, 3], "mask": [1, 0]}),
    ("dropout", {"ask": "expected", "convention": "classic", "p": 0.5, "value": 1.0}),
    ("dropout", {"ask": "mask", "convention": "inverted", "p": 0.5, "x": [1, 2], "mask": [1, 2]}),
    ("batchnorm", {"ask": "train", "batch": [[2, 2, 2]], "gamma": [1], "beta": [0], "eps": 0}),
    ("batchnorm", {"ask": "train", "batch": [[1, 2, 3]], "gamma": [1, 2], "beta": [0], "eps": 0}),
    ("batchnorm", {"ask": "inference", "batch": [[1, 2]], "gamma": [1], "beta": [0], "eps": 0}),
    ("regularization", {"penalty": "l1", "ask": "decay", "w": [1, -1], "lam1": 0.1, "grad": [0, 0], "lr": 0.1}),
    ("regularization", {"penalty": "l1", "ask": "penalty", "w": [1, 0], "lam1": 0.1}),
    ("regularization", {"penalty": "l2", "ask": "penalty", "w": [1, 2], "lam2": 0.1}),
    ("optimizer-step", {"optimizer": "adam", "w0": [1, 2], "grads": [[0.5]], "lr": 0.1, "beta1": 0.9,
                        "beta2": 0.999, "eps": 1e-8}),
    ("optimizer-step", {"optimizer": "momentum", "w0": [1], "grads": [[0.5]], "lr": 0.1}),
    ("optimizer-step", {"optimizer": "rmsprop", "w0": [1], "grads": [[0.5]], "lr": 0.1, "rho": 0.9, "eps": 1e-8,
                        "beta": 0.9}),
    ("init-scale", {"scheme": "he", "dist": "normal", "layer": "conv", "n_in": 3, "n_out": 8}),
    ("init-scale", {"scheme": "he", "dist": "cauchy", "layer": "dense", "n_in": 3, "n_out": 8}),
    ("cross-entropy", {"ask": "softmax", "logits": [1, 2], "target": 2}),
    ("cross-entropy", {"ask": "pixel", "shape": [1, 2], "probs": [[0.5, 0.4], [0.5, 0.5]], "labels": [0, 1]}),
    ("cross-entropy", {"ask": "focal", "shape": [1, 2], "probs_fg": [0.5, 1.0], "labels": [0, 1], "gamma": 2}),
    ("cross-entropy", {"ask": "weighted", "shape": [1, 2], "probs": [[0.5, 0.5], [0.5, 0.5]], "labels": [0, 1],
                       "class_weights": [1], "weight_norm": "weights"}),
]


@pytest.mark.parametrize("name,raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(name, raw):
    with pytest.raises(ParamError) as exc:
        registry.get(name).from_params(raw)
    assert "\n" not in exc.value.message and exc.value.message


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


@pytest.mark.parametrize("name", KINDS)
def test_cli_solve_reproduces_the_example(name, capsys, monkeypatch):
    kind = registry.get(name)
    args = ["solve", name, "--json"]
    for key, value in kind.example.items():
        args += ["--param", f"{key}={json.dumps(value)}"]
    code, out, err = run_cli(args, capsys, monkeypatch)
    assert code == 0, err
    assert json.loads(out)["answer"] == kind.from_params(dict(kind.example)).answer


def test_cli_bad_param_is_one_line(capsys, monkeypatch):
    code, out, err = run_cli(["solve", "dropout", "--param", "ask=mask", "--param", "convention=inverted",
                              "--param", "p=0.5", "--param", "x=[1,2,3]", "--param", "mask=[1,0]"],
                             capsys, monkeypatch)
    assert code == 2 and err.startswith("examgen: error:") and err.count("\n") == 1


def test_worked_examples():
    """Hand-checked keys of the README examples."""
    a = registry.get("activation").from_params(registry.get("activation").example).answer
    close(a["value"], [1 / (1 + math.e), 0.5, 1 / (1 + math.exp(-2))])
    bn = registry.get("batchnorm").from_params(registry.get("batchnorm").example).answer
    assert bn["mean"] == 4 and bn["var"] == 9  # (-1, 5, 5, 7): deviations -5, 1, 1, 3 → (25 + 1 + 1 + 9)/4
    close(bn["y"], [2 * -5 / 3 + 0.5, 2 / 3 + 0.5, 2 / 3 + 0.5, 2.5])
    reg = registry.get("regularization").from_params(registry.get("regularization").example).answer
    close(reg["w_new"], [0.5 - 0.1 * (0.3 + 0.05), -1.2 - 0.1 * (-0.4 - 0.12), 2.0 - 0.1 * (0.1 + 0.2)])
    ce = registry.get("cross-entropy").from_params(registry.get("cross-entropy").example).answer
    close(ce["loss"], 0.4170300162778335)  # the classic softmax([2, 1, 0.1]) example: p0 ≈ 0.659
