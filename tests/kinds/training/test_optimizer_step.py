"""Cross-checks of the kind `optimizer-step` (Optimizer update steps).

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

from tests.kinds._refs import (
    gen, no_follow_through,
    follow_through,
    assert_formulas_are_typst, assert_no_rounding_ties, cli_solve_reproduces_the_example, close, one_line_param_error,
    part_score, problems, training_properties,
)


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


def _flat(v):
    return [x for item in v for x in _flat(item)] if isinstance(v, list) else [v]


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


BAD_PARAMS = [
    {"optimizer": "adam", "w0": [1, 2], "grads": [[0.5]], "lr": 0.1, "beta1": 0.9,
                            "beta2": 0.999, "eps": 1e-8},
    {"optimizer": "momentum", "w0": [1], "grads": [[0.5]], "lr": 0.1},
    {"optimizer": "rmsprop", "w0": [1], "grads": [[0.5]], "lr": 0.1, "rho": 0.9, "eps": 1e-8,
                            "beta": 0.9},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("optimizer-step", raw)


def not_degenerate(pr) -> None:
    """The problem is not degenerate: the usual mistakes do not get the marks."""
    prm, ans = pr.params, pr.answer
    prev = prm["w0"]
    for t in range(1, len(prm["grads"]) + 1):
        # not updating (or stopping one step early) is wrong for every parameter
        assert part_score(pr, f"w{t}", prev if len(prev) > 1 else prev[0]) == 0
        prev = _flat(ans[f"w{t}"])
    if prm["optimizer"] == "adam" and len(prm["grads"]) == 2:
        g, b1 = np.asarray(prm["grads"], dtype=float), prm["beta1"]
        m_raw = b1 * (1 - b1) * g[0] + (1 - b1) * g[1]  # forgetting the bias correction is wrong
        assert part_score(pr, "m_hat", m_raw if len(m_raw) > 1 else m_raw[0]) == 0


def test_no_rounding_ties_and_not_degenerate_over_seeds():
    for pr in problems("optimizer-step"):
        assert_no_rounding_ties(pr)
        not_degenerate(pr)


def test_formulas_over_seeds():
    for pr in problems("optimizer-step"):
        assert_formulas_are_typst(pr)


@settings(deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_properties(seed):
    training_properties("optimizer-step", seed, not_degenerate)


def test_cli_solve_reproduces_the_example(capsys, monkeypatch):
    cli_solve_reproduces_the_example("optimizer-step", capsys, monkeypatch)


def test_carry_forward_gives_follow_through_credit():
    """The last w from a wrong asked state (v, s, or m̂ and v̂) and, after two steps, a wrong w1 as well, with the
    update rule of the prompt written here: carried, full marks; the key stays plainly right; a w wrong both ways
    scores 0."""
    from examgen import registry
    from examgen.grading import grade

    k = registry.get("optimizer-step")
    seen: dict[str, int] = {}
    for seed in range(200):
        pr = k.generate(seed)
        p, ans = pr.params, pr.answer
        opt, lr, n = p["optimizer"], p["lr"], len(p["grads"])
        as_list = lambda x: list(x) if isinstance(x, list) else [x]  # noqa: E731
        text = lambda xs, d=4: ", ".join(f"{x:.{d}f}" for x in xs)  # noqa: E731
        names = {"momentum": ["v"], "rmsprop": ["s"], "adam": ["m_hat", "v_hat"]}[opt]
        d_state = 6 if opt == "rmsprop" else 4
        state = {name: [round(x + 0.3, d_state) for x in as_list(ans[name])] for name in names}
        given = {name: text(vals, d_state) for name, vals in state.items()}
        if n == 1:
            w_prev = list(p["w0"])
        else:
            w_prev = [round(x + 0.5, 4) for x in as_list(ans[f"w{n - 1}"])]
            given[f"w{n - 1}"] = text(w_prev)
        g = p["grads"][-1]
        if opt == "momentum":
            follow = [w - lr * v if p["momentum_form"] == "add-grad" else w + v for w, v in zip(w_prev, state["v"])]
        elif opt == "rmsprop":
            follow = [w - lr * gi / (math.sqrt(s) + p["eps"]) for w, gi, s in zip(w_prev, g, state["s"])]
        else:
            follow = [w - lr * m / (math.sqrt(v) + p["eps"]) for w, m, v in zip(w_prev, state["m_hat"], state["v_hat"])]
        name, key = f"w{n}", as_list(ans[f"w{n}"])
        if all(abs(f - e) <= 0.02 * abs(e) + 0.001 for f, e in zip(follow, key)):
            continue
        carry = k.carry(p)
        far = [max(f, e) + 1 for f, e in zip(follow, key)]
        v = follow_through(pr, carry, given, name, text(follow), text(key), text(far), seed)
        assert all(v[dep].score < 1 for dep in given), seed
        seen[f"{opt}/{n}"] = seen.get(f"{opt}/{n}", 0) + 1
    assert len(seen) == 6 and sum(seen.values()) >= 150, seen
    # three steps: w2 follows from a wrong w1 alone (v2 = βv1 + g2 comes from the givens)
    pr = k.from_params({"optimizer": "momentum", "w0": [1.0], "grads": [[0.5], [-1.0], [2.0]], "lr": 0.1,
                        "beta": 0.9, "momentum_form": "add-grad"})
    v2 = 0.9 * 0.5 - 1.0
    typed = {"w1": "2.0000", "w2": f"{2.0 - 0.1 * v2:.4f}"}
    verdict = {pv.name: pv for pv in grade(pr, typed, k.carry(pr.params)).parts}
    assert verdict["w2"].carried and verdict["w2"].score == 1.0


def test_no_follow_through_from_a_negative_second_moment():
    """RMSProp's s and Adam's v̂ average squared gradients, never negative: the step computed from a negative one
    (with |s| under the root) is not carried and scores 0."""
    pr = gen("optimizer-step", 3)  # RMSProp, two steps
    p = pr.params
    assert p["optimizer"] == "rmsprop"
    w1, s = [-1.8, -1.9], [-0.05, -0.02]
    follow = [w - p["lr"] * g / math.sqrt(abs(si)) for w, g, si in zip(w1, p["grads"][1], s)]
    no_follow_through(pr, {"s": "-0.05, -0.02", "w1": "-1.8, -1.9"}, "w2", ", ".join(f"{v:.4f}" for v in follow))
    pr = gen("optimizer-step", 0)  # Adam, two steps
    p = pr.params
    assert p["optimizer"] == "adam"
    follow = -0.45 - p["lr"] * -0.41 / math.sqrt(0.3)
    no_follow_through(pr, {"m_hat": "-0.41", "v_hat": "-0.3", "w1": "-0.45"}, "w2", f"{follow:.4f}")
