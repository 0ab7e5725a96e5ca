"""Contract every registered kind must meet: JSON fields, valid params, determinism, variety, self-test,
formulas that Typst can read, and a solver that agrees with the generator's answer."""

from __future__ import annotations

import json
import re

import pytest

from examgen import registry
from examgen.grading import grade
from examgen.mathfmt import check_typst_math, split_math, to_unicode, unicode_text
from examgen.selftest import submissions

KINDS = [k.name for k in registry.all_kinds()]
SEEDS = range(40)


def test_registry_has_the_core_kinds():
    for name in ("conv-output", "stacked-conv-params", "iou", "precision-recall", "edge-filter", "otsu",
                 "yolo-output", "lstm-step"):
        assert name in KINDS


@pytest.mark.parametrize("name", KINDS)
def test_json_contract(name):
    kind = registry.get(name)
    for seed in SEEDS:
        data = json.loads(json.dumps(kind.generate(seed).to_json()))
        for key in ("kind", "seed", "section", "topic", "points", "params", "prompt", "answer", "steps"):
            assert key in data, key
        assert data["kind"] == name and data["seed"] == seed
        assert set(data["prompt"]) == {"zh", "en"} and data["prompt"]["zh"] and data["prompt"]["en"]
        assert data["steps"], "every problem shows its work"
        for step in data["steps"]:
            assert step["title"]["zh"] and step["title"]["en"]
            assert step["formula"] or step["work"] or step["result"]
        assert data["section"] in ("calculation", "comprehensive")
        assert data["topic"] in ("cnn", "vision-tasks", "image-processing", "classic-cv", "training", "transfer",
                                 "segmentation", "detection", "rnn")
        assert abs(sum(p["points"] for p in data["parts"]) - data["points"]) < 1e-6


@pytest.mark.parametrize("name", KINDS)
def test_params_validate_and_solver_agrees(name):
    """The generator's params pass the schema unchanged, and solving them alone gives the same problem."""
    kind = registry.get(name)
    for seed in SEEDS:
        pr = kind.generate(seed)
        assert kind.schema.validate(json.loads(json.dumps(pr.params))) == json.loads(json.dumps(pr.params))
        again = kind.from_params(json.loads(json.dumps(pr.params)))
        assert again.answer == pr.answer
        assert again.prompt == pr.prompt


@pytest.mark.parametrize("name", KINDS)
def test_deterministic(name):
    kind = registry.get(name)
    for seed in (0, 1, 99, 2**40):
        assert kind.generate(seed).to_json() == kind.generate(seed).to_json()


@pytest.mark.parametrize("name", KINDS)
def test_variety(name):
    """At least 95 % distinct problems across 1,000 seeds."""
    kind = registry.get(name)
    seen = {json.dumps(kind.generate(seed).params, sort_keys=True) for seed in range(1000)}
    assert len(seen) >= 950, f"{name}: only {len(seen)} distinct problems in 1000 seeds"


@pytest.mark.parametrize("name", KINDS)
def test_self_test(name):
    """Correct, incorrect and invalid submissions get the verdicts they must."""
    kind = registry.get(name)
    for seed in range(60):
        pr = kind.generate(seed)
        subs = submissions(pr)
        carry = kind.carry(pr.params)
        ok = grade(pr, subs.correct, carry)
        assert ok.correct and ok.score == 1.0, (seed, ok.to_json("en"))
        bad = grade(pr, subs.incorrect, None)
        assert bad.format_error is None and bad.score < 1.0, (seed, subs.incorrect)
        inv = grade(pr, subs.invalid, carry)
        assert inv.format_error is not None and inv.score == 0.0, (seed, subs.invalid)


def _math_strings(pr):
    for text in (pr.prompt.zh, pr.prompt.en):
        yield from (seg for kind, seg in split_math(text) if kind == "math")
    for step in pr.steps:
        for text in (step.title.zh, step.title.en):
            yield from (seg for kind, seg in split_math(text) if kind == "math")
        yield from (s for s in (step.formula, step.work, step.result) if s)
    for fig in pr.figures:
        for text in (fig.label.zh, fig.label.en):
            yield from (seg for kind, seg in split_math(text) if kind == "math")


@pytest.mark.parametrize("name", KINDS)
def test_formulas_are_typst_math_and_render_as_unicode(name):
    kind = registry.get(name)
    for seed in SEEDS:
        pr = kind.generate(seed)
        for m in _math_strings(pr):
            assert check_typst_math(m) == [], m
            text = to_unicode(m)
            assert not re.search(r"\b(dot|times|sqrt|tilde|floor|approx)\b", text), text
        assert "$" not in unicode_text(pr.prompt.zh) + unicode_text(pr.prompt.en)
