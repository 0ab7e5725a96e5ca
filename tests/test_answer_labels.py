"""A name typed before the one number a part asks for: "IoU: 0.21", "参数量：2432", "感受野为 13". The value after
the label is graded; a label that denies ("不是 13", "均值不为 0") or is code ("lambda: 1") is never a label, and in
a fill blank nothing changes: there "roberts:2×2" or "均值不为0" is an answer, not a label and a number."""

from __future__ import annotations

import pytest

from examgen import registry
from examgen.grading import FormatError, grade, parse_answer, score_answer
from examgen.model import FillSpec, NumberSpec

IOU = registry.get("iou").generate(3)                # one number, 2 decimals: 0.2121… (0.21)
DILATED = registry.get("dilated-conv").generate(2)   # rf = 13, params = 6488064


def test_the_problems_are_the_ones_described():
    assert IOU.parts[0].answer == pytest.approx(0.2121, abs=1e-3)
    assert [p.answer for p in DILATED.parts] == [13, 6488064]


@pytest.mark.parametrize("text", ["IoU: 0.21", "IoU：0.21", "iou : 0.21", "IoU: ≈0.21", "交并比：0.21", "交并比为 0.21",
                                  "交并比 = 0.21", "IoU 约为 0.21", "答案：0.21", "答案是 0.21", "交并比等于0.21",
                                  "IoU：0.21。", "交并比：约 0.21"])
def test_a_label_before_the_number_is_read_past(text):
    assert grade(IOU, text).status == "correct", text


@pytest.mark.parametrize("text", ["IoU: 0.12", "交并比为 0.12", "答案：0.31"])
def test_a_label_never_makes_a_wrong_number_right(text):
    assert grade(IOU, text).status == "wrong", text


@pytest.mark.parametrize("text", ["不是 0.21", "交并比不为 0.21", "并非 0.21", "没有 0.21", "lambda: 0.21", "是 0.21",
                                  "IoU：", "交并比为"])
def test_a_denying_label_code_or_a_label_alone_is_a_format_error(text):
    verdict = grade(IOU, text)
    assert verdict.parts[0].format_error is not None, text
    assert verdict.parts[0].score == 0.0


@pytest.mark.parametrize("text", ["感受野为 13×13", "感受野：13x13", "rf: 13×13", "rf = 13x13"])
def test_a_square_after_a_label_is_still_a_size_not_a_product(text):
    part = grade(DILATED, {"rf": text, "params": "6488064"}).parts[0]
    assert part.format_error is not None and "13" in part.format_error.en, text


@pytest.mark.parametrize("text, score", [("感受野为 13", 1.0), ("感受野：13", 1.0), ("rf: 13", 1.0),
                                         ("感受野为 15", 0.0)])
def test_a_label_on_a_real_problem(text, score):
    assert grade(DILATED, {"rf": text, "params": "6488064"}).parts[0].score == score


def test_a_unit_after_a_labelled_number_gives_the_number_alone_as_the_example():
    with pytest.raises(FormatError) as err:
        parse_answer(NumberSpec(integer=True), "参数量为 2432 个")
    assert "'个'" in err.value.message.en and "e.g. 2432." in err.value.message.en


def test_a_message_quotes_what_was_typed_not_its_rewriting():
    with pytest.raises(FormatError) as err:
        parse_answer(NumberSpec(), "45。。")
    assert "'45。。'" in err.value.message.en


@pytest.mark.parametrize("key, typed, score", [
    ("roberts:2×2", "4", 0.0), ("roberts:2×2", "roberts:2×2", 1.0), ("均值不为0", "0", 0.0), ("0", "均值不为0", 0.0),
    ("0", "不为0", 0.0), ("2", "权重为2", 0.0),
])
def test_fill_blanks_do_not_read_labels(key, typed, score):
    assert score_answer(FillSpec(blanks=((key,),)), None, [typed])[0] == score


@pytest.mark.parametrize("text", ["交并比≈0.21", "IoU为0.21", "IoU是 0.21", "交并比约 0.21", "这两个框的交并比为 0.21"])
def test_more_label_forms_are_read_past(text):
    assert grade(IOU, text).status == "correct", text


@pytest.mark.parametrize("text", ["IoU is not = 0.21", "not = 0.21", "Not: 0.21", "never = 0.21", "no: 0.21",
                                  "IoU isn't = 0.21"])
def test_an_english_label_that_denies_is_a_format_error(text):
    assert grade(IOU, text).parts[0].format_error is not None, text


@pytest.mark.parametrize("text", ["0.21 (21%)", "0.21(0.2121)", "28/132 (0.21)", "IoU: 0.21 (21%)"])
def test_a_note_in_brackets_after_the_value_is_a_format_error_never_a_factor(text):
    """0.21 (21%) was read as 0.21 × 0.21 and marked wrong; (the product needs *: 2*(3+1))."""
    part = grade(IOU, text).parts[0]
    assert part.format_error is not None and part.score == 0.0, text


def test_a_value_in_brackets_after_a_number_is_never_multiplied():
    with pytest.raises(FormatError):
        parse_answer(NumberSpec(integer=True), "23 (23×23)")
    assert parse_answer(NumberSpec(integer=True), "2*(3+4)").value == 14


@pytest.mark.parametrize("text", ["①0.21", "⑴ 0.21", "❶0.21", "⒈0.21"])
def test_an_enclosed_list_number_is_no_digit_of_the_answer(text):
    """NFKC makes ① a 1: '①0.27' was read as 10.27."""
    assert grade(IOU, text).parts[0].format_error is not None, text


@pytest.mark.parametrize("text, full", [("3.2万", "32000"), ("32k", "32000"), ("1.5M", "1500000"), ("2亿", "200000000")])
def test_a_multiplier_word_asks_for_the_whole_number(text, full):
    """'without the unit 万: e.g. 3.2' would lead the student to type a number 10⁴ times too small."""
    with pytest.raises(FormatError) as err:
        parse_answer(NumberSpec(integer=True), text)
    assert f"{text} is {full}" in err.value.message.en and full in err.value.message.zh
