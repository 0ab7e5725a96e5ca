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
from examgen.mistakes import find_step, mistake_values

CORE = ["iou", "conv-output", "stacked-conv-params", "yolo-output", "otsu", "lstm-step", "edge-filter",
        "receptive-field"]
DECLARING = [k.name for k in registry.all_kinds() if k.mistakes]
SEEDS = range(200)


def _answers(problem, vals):
    parts = {p.name: p for p in problem.parts}
    full = {p.name: display_value(p.spec, vals[p.name]) if p.name in vals else display_value(p.spec, p.answer)
            for p in problem.parts}
    return full[""] if list(full) == [""] else full, parts


@pytest.mark.parametrize("name", CORE)
def test_core_kinds_declare_three_mistakes(name):
    assert len(registry.get(name).mistakes) >= 3


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
    assert all(n >= 10 for n in applied.values()), applied  # each mistake is exercised on many seeds


@pytest.mark.parametrize("name", CORE)
def test_check_json_returns_the_diagnosis(name):
    kind = registry.get(name)
    runner = CliRunner()
    for seed in range(3):
        pr = kind.generate(seed)
        for m, vals in mistake_values(kind, pr.params):
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
    pr = registry.get("iou").build({"box_a": [2, 2, 8, 6], "box_b": [5, 3, 11, 9], "box_format": "xyxy"})
    # I = 3·3 = 9, S_A = 24, S_B = 36: a union without the intersection subtracted is 60, 9/60 = 0.15
    res = CliRunner().invoke(app, ["check", "iou", "--seed", "0", "-a", "0", "--lang", "en"])
    assert res.exit_code == 0
    v = grade(pr, "0.15")
    assert [d.mistake.id for pv in v.parts for d in pv.diagnosis] == ["union-keeps-intersection"]
    assert "Likely mistake" in v.parts[0].feedback[-1].en and "Union area" in v.parts[0].feedback[-1].en


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


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10_000), name=st.sampled_from(CORE), noise=st.floats(0.05, 3.0))
def test_no_diagnosis_for_random_wrong_values(seed, name, noise):
    kind = registry.get(name)
    pr = kind.generate(seed)
    vals = mistake_values(kind, pr.params)
    wrong = {}
    for p in pr.parts:
        def off(v):
            return v + max(1, round(abs(v) * noise)) * 7 + 1013 if p.spec.__class__.__name__ in ("ShapeSpec",) \
                or getattr(p.spec, "integer", False) else v * (1 + noise) + 97.31
        a = p.answer
        wrong[p.name] = ([[off(x) for x in r] for r in a] if a and isinstance(a[0], list) else [off(x) for x in a]) \
            if isinstance(a, list) else off(a)
    if any(any(n in v and v[n] == wrong[n] for n in v) for _, v in vals):
        return
    text, _ = _answers(pr, wrong)
    assert grade(pr, text).to_json("en")["diagnosis"] == []
