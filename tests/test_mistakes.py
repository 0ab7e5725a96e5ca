"""Mistake diagnosis (issue 12): every declared mistake of a kind, over 200 seeds, differs from the key and is
named by the grader; the key never gets a diagnosis; random wrong values that match no mistake get none."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from examgen import registry
from examgen.cli import app
from examgen.grading import display_value, grade
from examgen.mistakes import _shape_ok, find_step, mistake_values

CORE = ["iou", "conv-output", "stacked-conv-params", "yolo-output", "otsu", "lstm-step", "edge-filter",
        "receptive-field"]
DECLARING = [k.name for k in registry.all_kinds() if k.mistakes]
SEEDS = range(200)


def seed_params(name: str, seeds=SEEDS):
    """The params of a kind's generated problems over the seeds."""
    kind = registry.get(name)
    for seed in seeds:
        yield kind.generate(seed).params


def _answers(problem, vals):
    parts = {p.name: p for p in problem.parts}
    full = {p.name: display_value(p.spec, vals[p.name]) if p.name in vals else display_value(p.spec, p.answer)
            for p in problem.parts}
    return full[""] if list(full) == [""] else full, parts


@pytest.mark.parametrize("name", CORE)
def test_core_kinds_declare_three_mistakes(name):
    assert len(registry.get(name).mistakes) >= 3


def test_every_kind_declares_two_mistakes():
    """Issue 12: 2 for every kind where typical mistakes are known, and they are known for every kind here."""
    few = {k.name: len(k.mistakes) for k in registry.all_kinds() if len(k.mistakes) < 2}
    assert few == {}


@pytest.mark.parametrize("name", DECLARING)
def test_every_mistake_differs_from_the_key_and_is_diagnosed(name):
    kind = registry.get(name)
    applied = {m.id: 0 for m in kind.mistakes}
    for seed in SEEDS:
        pr = kind.generate(seed)
        assert grade(pr, _answers(pr, {})[0]).to_json("en")["diagnosis"] == []  # the key: no diagnosis
        for m, vals in mistake_values(kind, pr.params):
            if not vals:
                continue
            applied[m.id] += 1
            text, parts = _answers(pr, vals)
            verdict = grade(pr, text)
            assert not verdict.correct, (name, seed, m.id)
            diag = verdict.to_json("en")["diagnosis"]
            assert any(d["id"] == m.id for d in diag), (name, seed, m.id, vals)
            assert find_step(pr.steps, m.step) is not None, (name, seed, m.id)
    assert all(n >= 5 for n in applied.values()), applied  # each mistake is exercised on several seeds


@pytest.mark.parametrize("name", DECLARING)
def test_check_json_returns_the_diagnosis(name):
    kind = registry.get(name)
    runner = CliRunner()
    for seed in range(3):
        pr = kind.generate(seed)
        for m, vals in mistake_values(kind, pr.params):
            parts = {p.name: p for p in pr.parts}
            vals = {n: v for n, v in vals.items() if n in parts and _shape_ok(parts[n].spec, v)}
            if not vals:
                continue
            text, _ = _answers(pr, vals)
            args = ["check", name, "--seed", str(seed), "--json", "--lang", "zh"]
            for k, v in ({"": text} if isinstance(text, str) else text).items():
                args += ["-a", f"{k}={v}" if k else v]
            res = runner.invoke(app, args)
            assert res.exit_code == 0, res.output
            out = json.loads(res.output)
            hit = [d for d in out["diagnosis"] if d["id"] == m.id]
            assert hit and hit[0]["text"] == m.text.zh and hit[0]["step"] is not None


def test_terminal_verdict_names_the_mistake():
    # iou seed 0: A = (14, 11, 23, 21), B = (7, 9, 16, 17): I = 2·6 = 12, S_A = 90, S_B = 72, key 12/150 = 0.08;
    # a union that keeps the intersection is 162, 12/162 ≈ 0.074 → 0.07; Dice 2·12/162 ≈ 0.15
    runner = CliRunner()
    en = runner.invoke(app, ["check", "iou", "--seed", "0", "-a", "0.07", "--lang", "en"])
    assert en.exit_code == 0, en.output
    assert "Likely mistake: the union does not subtract the intersection" in en.output
    assert "step 5, “Union area”" in en.output and "U = 150" in en.output
    zh = runner.invoke(app, ["check", "iou", "--seed", "0", "-a", "0.15", "--lang", "zh"])
    assert "可能的错误：算成了 Dice 系数" in zh.output and "Likely" not in zh.output
    right = runner.invoke(app, ["check", "iou", "--seed", "0", "-a", "0.08", "--lang", "en"])
    other = runner.invoke(app, ["check", "iou", "--seed", "0", "-a", "0.31", "--lang", "en"])
    assert "mistake" not in right.output and "mistake" not in other.output


def _rasterized_iou_inclusive(a, b):
    """IoU of boxes whose corners are pixel indices, both included, counted pixel by pixel."""
    pa = {(x, y) for x in range(int(a[0]), int(a[2]) + 1) for y in range(int(a[1]), int(a[3]) + 1)}
    pb = {(x, y) for x in range(int(b[0]), int(b[2]) + 1) for y in range(int(b[1]), int(b[3]) + 1)}
    return len(pa & pb) / len(pa | pb)


def test_plus_one_pixel_iou_matches_inclusive_rasterization():
    from examgen.kinds.detection._shared import to_corners

    kind = registry.get("iou")
    m = next(m for m in kind.mistakes if m.id == "plus-one-pixel")
    for seed in SEEDS:
        pr = kind.generate(seed)
        a = to_corners(pr.params["box_a"], pr.params["box_format"])
        b = to_corners(pr.params["box_b"], pr.params["box_format"])
        assert math.isclose(m.wrong(pr.params), _rasterized_iou_inclusive(a, b), rel_tol=1e-12)


def test_conv_output_mistakes_against_formulas_written_out():
    kind = registry.get("conv-output")
    by_id = {m.id: m for m in kind.mistakes}
    for seed in SEEDS:
        p = kind.generate(seed).params
        h, w = p["input_hw"]
        fe = p["kernel"] + (p["kernel"] - 1) * (p["dilation"] - 1)
        assert by_id["forgot-plus-one"].wrong(p)[:2] == [math.floor((n - fe + 2 * p["padding"]) / p["stride"])
                                                           for n in (h, w)]
        ceil = by_id["ceil-not-floor"].wrong(p)
        if ceil is not None:
            assert ceil[:2] == [math.ceil((n - fe + 2 * p["padding"]) / p["stride"]) + 1 for n in (h, w)]


def _near(spec, a, b) -> bool:
    """Within five times the grading tolerance (a margin around what the grader could match)."""
    if isinstance(a, list):
        return all(_near(spec, x, y) for x, y in zip(a, b))
    if isinstance(a, (str, bool)) or isinstance(b, (str, bool)):
        return a == b
    d = getattr(spec, "decimals", None)
    tol = max(0.01 * abs(b), 0.5 * 10 ** -d if d is not None else 0.0, 1e-9)
    return abs(float(a) - float(b)) <= 5 * tol


@settings(max_examples=400, deadline=None)
@given(seed=st.integers(0, 10_000), name=st.sampled_from(DECLARING), data=st.data())
def test_no_diagnosis_for_random_wrong_values(seed, name, data):
    """Random values of the key's own size and form (not far off): when none is near a mistake's value, no
    diagnosis."""
    kind = registry.get(name)
    pr = kind.generate(seed)

    def draw(v):
        if isinstance(v, list):
            return [draw(x) for x in v]
        if isinstance(v, (str, bool)):  # labels (the boxes NMS keeps, edge / no edge) stay as they are
            return v
        if isinstance(v, int) or float(v).is_integer():
            return int(v) + data.draw(st.integers(-12, 12))
        return float(v) * data.draw(st.floats(0.3, 1.7)) + data.draw(st.floats(-0.2, 0.2))

    wrong = {p.name: draw(p.answer) for p in pr.parts}
    parts = {p.name: p for p in pr.parts}
    for _, vals in mistake_values(kind, pr.params):
        for n, v in vals.items():
            spec = parts[n].spec
            if isinstance(v, list) and len(v) == len(wrong[n]) and all(
                    _near(spec, a, b) for a, b in zip(_flat(wrong[n]), _flat(v))):
                return  # near a mistake's value: the grader may rightly name it
            if not isinstance(v, list) and _near(spec, wrong[n], v):
                return
    text, _ = _answers(pr, wrong)
    assert grade(pr, text).to_json("en")["diagnosis"] == []


def _flat(v):
    return [x for r in v for x in (r if isinstance(r, list) else [r])]


def mistakes_by_id(name: str) -> dict:
    """A kind's declared mistakes by id."""
    return {m.id: m for m in registry.get(name).mistakes}


def problems_and_draws(name: str):
    """(params, key, drawn) for the 200 seeds: the generated problem (drawn False), and the sampler's first draw
    (drawn True) before `Kind.generate` rejects the draws where a mistake gives the key's own value; on those a
    mistake may give the key's value instead of None. (For the mistake tests of tests/test_mistakes_*.py.)"""
    kind = registry.get(name)
    for seed in SEEDS:
        for drawn, pr in ((False, kind.generate(seed)), (True, kind.build(kind.sample(kind.rng(seed)), seed))):
            yield pr.params, {p.name: p.answer for p in pr.parts}, drawn


def test_edge_mistakes_against_scipy():
    """Convolution (kernel flipped) is scipy's convolve2d; |G_x| + |G_y| and G_x² + G_y² from scipy's G_x, G_y."""
    import numpy as np
    from scipy.signal import convolve2d, correlate2d

    kind = registry.get("edge-filter")
    by_id = {m.id: m for m in kind.mistakes}
    for seed in SEEDS:
        p = kind.generate(seed).params
        img = np.array(p["image"], float)
        conv = [convolve2d(img, np.array(p[k], float), mode="valid") for k in ("kernel_x", "kernel_y")]
        gx, gy = (correlate2d(img, np.array(p[k], float), mode="valid") for k in ("kernel_x", "kernel_y"))
        at = p.get("at")
        pick = (lambda a: float(a[at[0], at[1]])) if at is not None else (lambda a: a.tolist())
        flipped = by_id["convolution-not-correlation"].wrong(p)
        assert np.allclose(flipped["gx"], pick(conv[0])) and np.allclose(flipped["gy"], pick(conv[1]))
        if p["magnitude"] == "l2":
            assert np.allclose(by_id["l1-for-l2"].wrong(p)["magnitude"], pick(np.abs(gx) + np.abs(gy)))
            assert np.allclose(by_id["magnitude-without-root"].wrong(p)["magnitude"], pick(gx ** 2 + gy ** 2))


def test_otsu_mistakes_against_independent_statements():
    """Counts as weights scale σ_B² by N² (same threshold); class 0 = levels < T moves the threshold to the next
    level present above Otsu's (the same split named by its upper end)."""
    kind = registry.get("otsu")
    by_id = {m.id: m for m in kind.mistakes}
    for seed in SEEDS:
        p = kind.generate(seed).params
        key = {pt.name: pt.answer for pt in kind.generate(seed).parts}
        hist = [(int(lv), int(n)) for lv, n in p["histogram"] if n > 0]
        total = sum(n for _, n in hist)
        levels = sorted(lv for lv, _ in hist)
        t_key = int(key["threshold"])
        mean = sum(lv * n for lv, n in hist) / total
        c0 = [(lv, n) for lv, n in hist if lv <= t_key]
        n0 = sum(n for _, n in c0)
        m0 = sum(lv * n for lv, n in c0) / n0
        w0 = n0 / total
        sigma_b = (mean * w0 - m0 * w0) ** 2 / (w0 * (1 - w0))  # σ_B² = (μ_T ω − μ(T))² / (ω(1 − ω))
        assert math.isclose(by_id["weights-as-counts"].wrong(p)["variance"], sigma_b * total ** 2, rel_tol=1e-9)
        assert by_id["class0-below-threshold"].wrong(p)["threshold"] == min(lv for lv in levels if lv > t_key)
