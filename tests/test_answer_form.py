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


def _format_error(spec, text):
    from examgen.grading import FormatError

    with pytest.raises(FormatError) as info:
        parse_answer(spec, text)
    return info.value.message


def test_format_errors_show_an_example_of_the_right_shape():
    """The example in a format error is the form line's example: read by the grader, of the asked shape; a matrix
    error never says rows may go on new lines (Enter submits the answer)."""
    import re

    seen = set()
    for where, spec in SPECS.items():
        if not isinstance(spec, (VectorSpec, ShapeSpec, MatrixSpec)) or (type(spec), str(spec)) in seen:
            continue
        if (spec.rows * spec.cols if isinstance(spec, MatrixSpec) else spec.length) == 1:
            continue                                   # read as a plain number
        seen.add((type(spec), str(spec)))
        msg = _format_error(spec, "; ".join(["1"] * 13))  # a count no spec asks for
        for text in (msg.zh, msg.en):
            assert "换行" not in text and "new line" not in text, (where, text)
            m = re.search(r"(?:例如|e\.g\.) (.+?)(?:（|。| \(|\.$)", text)
            assert m, (where, text)
            value = parse_answer(spec, m.group(1))     # the example shown is accepted as it is shown …
            if isinstance(spec, MatrixSpec):           # … and has the asked shape
                assert (len(value), len(value[0])) == (spec.rows, spec.cols), (where, text)
                assert f"{spec.rows}×{spec.cols}" in text
            else:
                assert len(value) == spec.length, (where, text)
    two_by_one = _format_error(MatrixSpec(rows=2, cols=1), "1 2 3")
    assert "2×1" in two_by_one.zh and "3×3" not in two_by_one.en
