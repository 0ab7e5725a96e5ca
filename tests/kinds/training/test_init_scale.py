"""Cross-checks of the kind `init-scale` (Xavier and He initialization scales).

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
    assert_formulas_are_typst, assert_no_rounding_ties, cli_solve_reproduces_the_example, close, one_line_param_error,
    part_score, problems, training_properties,
)


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


BAD_PARAMS = [
    {"scheme": "he", "dist": "normal", "layer": "conv", "n_in": 3, "n_out": 8},
    {"scheme": "he", "dist": "cauchy", "layer": "dense", "n_in": 3, "n_out": 8},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("init-scale", raw)


def not_degenerate(pr) -> None:
    """The problem is not degenerate: the usual mistakes do not get the marks."""
    prm, ans = pr.params, pr.answer
    fin, fout = fans_ref(prm)
    if prm["scheme"] != "he":
        assert (fin + fout) / fin >= 1.1  # Xavier and He clearly differ
    if prm["scheme"] == "both":
        assert part_score(pr, "xavier", ans["he"]) == 0


def test_no_rounding_ties_and_not_degenerate_over_seeds():
    for pr in problems("init-scale"):
        assert_no_rounding_ties(pr)
        not_degenerate(pr)


def test_formulas_over_seeds():
    for pr in problems("init-scale"):
        assert_formulas_are_typst(pr)


@settings(deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_properties(seed):
    training_properties("init-scale", seed, not_degenerate)


def test_cli_solve_reproduces_the_example(capsys, monkeypatch):
    cli_solve_reproduces_the_example("init-scale", capsys, monkeypatch)


def test_carry_forward_gives_follow_through_credit():
    """Scales and variance from wrong fans (both doubled), computed here from the prompt's rules (Xavier variance
    2/(n_in + n_out), He 2/n_in; a = √(3 Var) for U(−a, a), σ = √Var): carried, full marks; the key stays plainly
    right; a value wrong both ways scores 0."""
    from examgen import registry
    from examgen.grading import grade

    k = registry.get("init-scale")
    checked = 0
    for seed in range(150):
        pr = k.generate(seed)
        p, ans = pr.params, pr.answer
        n_in, n_out = fans_ref(p)
        wrong_in, n_out = 2 * n_in, 2 * n_out
        c = 3 if p["dist"] == "uniform" else 1
        xv, hv = 2 / (wrong_in + n_out), 2 / wrong_in
        if p["scheme"] == "both":
            given = {"fan": f"{wrong_in}, {n_out}"}
            follow = {"xavier": (math.sqrt(c * xv), 4), "he": (math.sqrt(c * hv), 4)}
        else:
            var = xv if p["scheme"] == "xavier" else hv
            given = {"fan": f"{wrong_in}, {n_out}"} if p["scheme"] == "xavier" else {"fan_in": str(wrong_in)}
            follow = {"scale": (math.sqrt(c * var), 4), "variance": (var, 6)}
        typed = {n: f"{v:.{d}f}" for n, (v, d) in follow.items()}
        carry = k.carry(p)
        v = {pv.name: pv for pv in grade(pr, {**given, **typed}, carry).parts}
        assert v[next(iter(given))].score < 1, seed
        for name in follow:
            assert v[name].carried and v[name].score == 1.0, (seed, name, typed, ans)
        keys = {n: f"{ans[n]:.{d}f}" for n, (_, d) in follow.items()}
        right = {pv.name: pv for pv in grade(pr, {**given, **keys}, carry).parts}
        assert all(right[n].score == 1.0 and not right[n].carried for n in follow), seed
        far = {n: f"{2 * max(v, ans[n]) + 0.1:.{d}f}" for n, (v, d) in follow.items()}
        wrong = {pv.name: pv for pv in grade(pr, {**given, **far}, carry).parts}
        assert all(wrong[n].score == 0.0 and not wrong[n].carried for n in follow), seed
        checked += 1
    assert checked == 150


def test_no_follow_through_from_impossible_fans():
    """Fans count units, positive whole numbers: a variance or scale computed from a fan of 2.5 or −4 is not
    carried and scores 0."""
    pr = gen("init-scale", 0)  # Xavier, normal
    assert pr.params["scheme"] == "xavier" and pr.params["dist"] == "normal"
    var = 2 / (3.5 + 4)
    no_follow_through(pr, {"fan": "3.5, 4"}, "variance", f"{var:.6f}")
    no_follow_through(pr, {"fan": "3.5, 4"}, "scale", f"{math.sqrt(var):.6f}")
    var = 2 / (-4 + 10)
    no_follow_through(pr, {"fan": "-4, 10"}, "variance", f"{var:.6f}")
    pr = gen("init-scale", 1)  # He, normal
    assert pr.params["scheme"] == "he" and pr.params["dist"] == "normal"
    no_follow_through(pr, {"fan_in": "2.5"}, "variance", f"{2 / 2.5:.6f}")
