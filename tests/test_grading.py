"""The grader reads answers the way students write them, keeps format errors apart, and never raises."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from examgen.exprparse import ParseError, normalize, parse_number
from examgen.grading import FormatError, grade, parse_answer, score_answer
from examgen.i18n import Bi
from examgen.model import (
    ChoiceSpec, FillSpec, KeyPoint, LabelsSpec, MatrixSpec, NumberSpec, Part, Problem, RubricSpec, ShapeSpec,
    TrueFalseSpec, VectorSpec,
)


def problem(spec, answer, name=""):
    return Problem(kind="t", seed=0, section="calculation", topic="cnn", points=4, params={},
                   prompt=Bi("题", "q"), parts=[Part(name, Bi("答", "a"), spec, answer)], steps=[])


@pytest.mark.parametrize("text,value", [
    ("0.14", 0.14), ("1/7", 1 / 7), ("14.3%", 0.143), ("1.4e-1", 0.14), ("１／７", 1 / 7), (" 0.5 ", 0.5),
    ("4*(5*5*16*16+16)", 25664), ("4×(5×5×16×16+16)", 25664), ("sqrt(18)", math.sqrt(18)), ("√2", math.sqrt(2)),
    ("2^10", 1024), ("2**10", 1024), ("−3", -3), ("(1+2)/3", 1), ("（１＋２）×３", 9), ("0,5", 0.5), (".5", 0.5),
    ("IoU = 0.25", 0.25), ("≈0.25", 0.25), ("2π", 2 * math.pi), ("exp(0)", 1), ("1/(1+exp(-0))", 0.5),
])
def test_numbers_students_write(text, value):
    assert parse_number(normalize(text)).value == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "1+", "(1", "1)", "", "3/0", "9^9^9", "1e999", "__import__('os')",
                                  "exp(1000)", "sqrt(-1)", "1..2", "os.system('x')", "lambda: 1"])
def test_malformed_numbers_are_parse_errors(text):
    with pytest.raises(ParseError):
        parse_number(normalize(text))


@pytest.mark.parametrize("text", ["7x7x30", "7×7×30", "7*7*30", "(7, 7, 30)", "[7,7,30]", "7 7 30", "７×７×３０",
                                  "7×7×(5×2+20)", " [ 7 , 7 , 30 ] "])
def test_shapes(text):
    assert parse_answer(ShapeSpec(3), text) == [7, 7, 30]


def test_shape_with_arithmetic_components():
    assert parse_answer(ShapeSpec(3), "19×19×(5×2+80)") == [19, 19, 90]


@pytest.mark.parametrize("text", ["1470", "7x7", "7x7x30x1", "7.5x7x30", "axbxc"])
def test_bad_shapes_are_format_errors(text):
    with pytest.raises(FormatError):
        parse_answer(ShapeSpec(3), text)


@pytest.mark.parametrize("text", ["1 2; 3 4", "1,2;3,4", "1 2\n3 4", "[[1,2],[3,4]]", "[1 2; 3 4]",
                                  "1，2；3，4", "1 -1+3; 3 4"])
def test_matrices(text):
    got = parse_answer(MatrixSpec(2, 2), text)
    assert [[x.value for x in row] for row in got] == [[1, 2], [3, 4]]


def test_matrix_partial_credit_names_wrong_entries():
    spec = MatrixSpec(2, 2, integer=True)
    score, fb, _ = score_answer(spec, [[1, 2], [3, 4]], parse_answer(spec, "1 2; 3 5"))
    assert score == 0.75
    assert "(2,2)" in fb[0].en


def test_vector_bare_number_when_length_one():
    assert [x.value for x in parse_answer(VectorSpec(1, decimals=2), "0.25")] == [0.25]


def test_integer_answers_are_exact():
    spec = NumberSpec(integer=True)
    assert score_answer(spec, 28, parse_answer(spec, "28"))[0] == 1
    assert score_answer(spec, 28, parse_answer(spec, "28.0"))[0] == 1
    assert score_answer(spec, 25664, parse_answer(spec, "4*(5*5*16*16+16)"))[0] == 1
    with pytest.raises(FormatError):
        parse_answer(spec, "27.9")


def test_tolerance_is_one_percent_or_half_a_unit_of_the_asked_decimal():
    spec = NumberSpec(decimals=2)
    assert score_answer(spec, 1 / 7, parse_answer(spec, "0.14"))[0] == 1       # the example
    assert score_answer(spec, 1 / 7, parse_answer(spec, "1/7"))[0] == 1
    assert score_answer(spec, 1 / 7, parse_answer(spec, "14.3%"))[0] == 1
    assert score_answer(spec, 1 / 7, parse_answer(spec, "0.13"))[0] == 0
    big = NumberSpec(decimals=3)
    assert score_answer(big, 100.0, parse_answer(big, "100.9"))[0] == 1      # 1 % relative wins for big values
    assert score_answer(big, 100.0, parse_answer(big, "101.1"))[0] == 0


def test_too_few_digits_get_a_precision_hint_not_just_wrong():
    spec = NumberSpec(decimals=4)
    score, fb, _ = score_answer(spec, 0.142857, parse_answer(spec, "0.1"))
    assert score == 0 and "4 decimals" in fb[0].en
    score, fb, _ = score_answer(spec, 0.142857, parse_answer(spec, "0.3"))
    assert score == 0 and fb == []  # a genuinely wrong value gets no precision hint


def test_percent_typed_without_the_sign_gets_a_hint():
    spec = NumberSpec(decimals=2)
    score, fb, _ = score_answer(spec, 0.75, parse_answer(spec, "75"))
    assert score == 0 and "75%" in fb[0].en


@pytest.mark.parametrize("text,letters", [("B", ["B"]), ("b", ["B"]), ("B.", ["B"]), ("(B)", ["B"]),
                                          ("（B）", ["B"]), ("Ｂ", ["B"])])
def test_single_choice_forms(text, letters):
    assert parse_answer(ChoiceSpec(4), text) == letters


@pytest.mark.parametrize("text", ["AC", "A,C", "CA", "a c", "A、C", "A and C", "C，A"])
def test_multiple_choice_forms(text):
    assert parse_answer(ChoiceSpec(4, multiple=True), text) == ["A", "C"]


def test_multiple_choice_partial_and_wrong_picks():
    spec = ChoiceSpec(4, multiple=True)
    assert score_answer(spec, ["A", "C"], ["A"])[0] == 0.5
    assert score_answer(spec, ["A", "C"], ["A", "B"])[0] == 0
    assert score_answer(spec, ["A", "C"], ["A", "C"])[0] == 1


@pytest.mark.parametrize("text", ["E", "AB", "12", "maybe"])
def test_bad_single_choice(text):
    with pytest.raises(FormatError):
        parse_answer(ChoiceSpec(4), text)


@pytest.mark.parametrize("text,value", [("T", True), ("对", True), ("√", True), ("是", True), ("true", True),
                                        ("正确", True), ("F", False), ("错", False), ("×", False), ("否", False),
                                        ("false", False), ("错误", False)])
def test_true_false_forms(text, value):
    assert parse_answer(TrueFalseSpec(), text) is value


def test_fill_in_normalizes_case_width_and_spaces_and_accepts_both_languages():
    spec = FillSpec((("池化", "pooling", "Pooling layer"), ("2",)))
    assert score_answer(spec, None, parse_answer(spec, " POOLING ; ２"))[0] == 1
    assert score_answer(spec, None, parse_answer(spec, "池化；2.0"))[0] == 1
    assert score_answer(spec, None, parse_answer(spec, "poolinglayer|3"))[0] == 0.5
    with pytest.raises(FormatError):
        parse_answer(spec, "池化")  # two blanks expected


def test_labels():
    spec = LabelsSpec(("A", "B", "C", "D"), ordered=True)
    assert parse_answer(spec, "A C D") == ["A", "C", "D"]
    assert parse_answer(spec, "acd") == ["A", "C", "D"]
    assert score_answer(spec, ["A", "C", "D"], ["A", "D", "C"])[0] == pytest.approx(1 / 3)
    with pytest.raises(FormatError):
        parse_answer(spec, "A E")


RUBRIC = RubricSpec((
    KeyPoint(Bi("梯度消失", "vanishing gradients"), 2, (("梯度", "gradient"), ("消失", "vanish"))),
    KeyPoint(Bi("门接近1", "gate near 1"), 2, (("门", "gate"), ("1", "one"))),
))


@pytest.mark.parametrize("text,score", [
    ("门控机制缓解梯度消失:门接近 1 时梯度几乎无衰减地回传。", 1.0),
    ("Gates mitigate vanishing gradients: when the forget gate is close to 1 the gradient flows back.", 1.0),
    ("它可以缓解梯度消失。", 0.5),
    ("The weather is nice today.", 0.0),
    ("", None),
])
def test_short_answer_scorer(text, score):
    pr = problem(RUBRIC, {"zh": "", "en": ""})
    v = grade(pr, text)
    if score is None:
        assert v.status == "blank" and v.score == 0
    else:
        assert v.score == pytest.approx(score)
        assert v.parts[0].key_points is not None


def test_multi_part_grading_and_unknown_parts():
    pr = Problem(kind="t", seed=0, section="calculation", topic="cnn", points=6, params={}, prompt=Bi("", ""),
                 parts=[Part("a", Bi("a", "a"), NumberSpec(integer=True), 3),
                        Part("b", Bi("b", "b"), NumberSpec(decimals=2), 0.5, weight=2)], steps=[])
    v = grade(pr, {"a": "3", "b": "0.7"})
    assert v.score == pytest.approx(1 / 3, abs=1e-3) and v.status == "partial" and v.earned == 2
    v = grade(pr, {"a": "3", "b": "x"})
    assert v.format_error is not None and "b" in v.format_error.en and v.score == 0
    v = grade(pr, {"zzz": "1"})
    assert v.format_error is not None
    v = grade(pr, {"a": "3"})
    assert v.status == "partial" and v.parts[1].blank


SPECS = [NumberSpec(decimals=2), NumberSpec(integer=True), VectorSpec(2, decimals=2), ShapeSpec(3),
         MatrixSpec(2, 2), ChoiceSpec(4), ChoiceSpec(4, multiple=True), TrueFalseSpec(), FillSpec((("a",), ("b",))),
         LabelsSpec(("S", "W", "N"), length=4), RUBRIC]
ANSWERS = [0.5, 3, [0.1, 0.2], [7, 7, 30], [[1, 2], [3, 4]], ["B"], ["A", "C"], True, ["a", "b"], ["S", "W", "N", "N"],
           {"zh": "", "en": ""}]


@given(st.text(max_size=200))
def test_grader_never_raises_on_any_text(text):
    for spec, ans in zip(SPECS, ANSWERS):
        v = grade(problem(spec, ans), text)
        assert 0.0 <= v.score <= 1.0
        assert v.status in ("correct", "partial", "wrong", "blank", "format")


@given(st.text(alphabet="0123456789+-*/^().,;% eπ√sqrtexpln×x", max_size=60))
def test_arithmetic_soup_never_raises(text):
    for spec, ans in zip(SPECS[:5], ANSWERS[:5]):
        grade(problem(spec, ans), text)


def test_no_input_can_run_code(tmp_path):
    marker = tmp_path / "pwned"
    for text in [f"__import__('os').system('touch {marker}')", f"open('{marker}','w')", "exec('1')"]:
        v = grade(problem(NumberSpec(decimals=2), 0.5), text)
        assert v.format_error is not None
    assert not marker.exists()
