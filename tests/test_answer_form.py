"""The answer-form line is derived from the spec: its example is read by the grader, and what it promises about
scoring (half credit for a correct subset, a wrong pick scores 0) is what the grader does."""

import pytest

from examgen import registry
from examgen.answer_form import example, form, form_line
from examgen.bank import load_bank
from examgen.grading import parse_answer, score_answer
from examgen.model import ChoiceSpec, FillSpec, LabelsSpec, MatrixSpec, RubricSpec, ShapeSpec, VectorSpec


def _specs():
    for kind in registry.all_kinds():
        for seed in range(15):
            for part in kind.generate(seed).parts:
                yield f"{kind.name}:{seed}:{part.name}", part.spec
    for item in load_bank().items:
        yield item.id, item.to_problem().parts[0].spec


SPECS = dict(_specs())


def test_every_example_is_read_by_the_grader():
    for where, spec in SPECS.items():
        if isinstance(spec, RubricSpec):
            continue
        value = parse_answer(spec, example(spec))  # raises FormatError if the form line lies
        if isinstance(spec, (VectorSpec, ShapeSpec)):
            assert len(value) == spec.length, where
        if isinstance(spec, MatrixSpec):
            assert (len(value), len(value[0])) == (spec.rows, spec.cols), where
        if isinstance(spec, FillSpec):
            assert len(value) == len(spec.blanks), where


def test_form_names_the_shape_in_both_languages():
    for where, spec in SPECS.items():
        text = form(spec)
        assert text.zh and text.en, where
        if isinstance(spec, MatrixSpec) and spec.rows * spec.cols > 1:
            assert f"{spec.rows}×{spec.cols}" in text.zh and f"{spec.rows}×{spec.cols}" in text.en, where
        if isinstance(spec, FillSpec) and len(spec.blanks) > 1:
            assert f"{len(spec.blanks)} 空" in text.zh and f"{len(spec.blanks)} blanks" in text.en, where
        if isinstance(spec, LabelsSpec) and spec.length is not None:
            assert str(spec.length) in text.zh, where


def test_multiple_choice_promise_matches_the_grader():
    spec = ChoiceSpec(options=4, multiple=True)
    assert "少选得一半" in form(spec).zh
    assert score_answer(spec, ["A", "C"], parse_answer(spec, "A"))[0] == pytest.approx(0.5)
    assert score_answer(spec, ["A", "C"], parse_answer(spec, "AB"))[0] == 0.0
    assert score_answer(spec, ["A", "C"], parse_answer(spec, "CA"))[0] == 1.0


def test_brackets_per_language():
    spec = ChoiceSpec(options=4)
    assert form_line(spec, "zh") == "【单选】"
    assert form_line(spec, "en").startswith("[") and form_line(spec, "en").endswith("]")
