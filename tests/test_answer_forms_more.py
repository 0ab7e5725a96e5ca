"""More forms students type: superscript powers (2.1×10⁻¹, never 2.1×10-1; 3², never 32), one trailing sentence
mark (0.21。), "about" (约0.21), blanks separated by 、, a unit after a number (13 px: typed without the unit), and
a square size where one number is expected (13×13 for a receptive field of 13). Each new form is either read as
the number it means or refused as a format error with its own message, never read as a different number."""

from __future__ import annotations

import pytest

from examgen import registry
from examgen.bank import find_item
from examgen.exprparse import fold, normalize, parse_number
from examgen.grading import FormatError, grade, norm_text, parse_answer
from examgen.model import FillSpec, NumberSpec, ShapeSpec, VectorSpec

IOU = registry.get("iou").generate(3)          # one number, 2 decimals: 0.2121… (0.21)
DILATED = registry.get("dilated-conv").generate(2)   # rf = 13, params = 6488064


def _status(problem, answer) -> str:
    return grade(problem, answer).status


def _rf(text: str) -> str:
    return grade(DILATED, {"rf": text, "params": "6488064"}).parts[0]


def test_the_problems_are_the_ones_described():
    assert IOU.parts[0].answer == pytest.approx(0.2121, abs=1e-3)
    assert [p.answer for p in DILATED.parts] == [13, 6488064]


# ---------------------------------------------------------------- 1. superscripts are powers, never digits
@pytest.mark.parametrize("text, value", [
    ("2.1×10⁻¹", 0.21), ("21×10⁻²", 0.21), ("3²", 9), ("2³⁴", 2 ** 34), ("10⁽⁻¹⁾", 0.1), ("-3²", -9),
    ("2.1·10⁻¹", 0.21), ("1.5×10³", 1500),
])
def test_superscripts_are_powers(text, value):
    assert parse_number(normalize(text)).value == pytest.approx(value)


@pytest.mark.parametrize("text", ["10⁻¹5", "3²1", "10₂", "3₁", "x²", "2ⁿ"])
def test_script_digits_glued_to_a_number_are_a_format_error(text):
    """10⁻¹5 is not 10^-15, 10₂ not 102, 3₁ not 31: a format error, never a number."""
    with pytest.raises(FormatError):
        parse_answer(NumberSpec(), text)


def test_a_superscript_is_quoted_as_typed_in_the_message_never_as_digits():
    with pytest.raises(FormatError) as exc:
        parse_answer(NumberSpec(), "x²")
    assert "'x²'" in exc.value.message.en and "x2" not in exc.value.message.en


@pytest.mark.parametrize("text, status", [
    ("2.1×10⁻¹", "correct"), ("21×10⁻²", "correct"), ("2.1×10⁻²", "wrong"), ("2.1×10¹", "wrong"),
    ("2.1×10⁻¹5", "format"),
])
def test_scientific_notation_with_superscripts_on_a_real_problem(text, status):
    assert _status(IOU, text) == status


def test_a_square_is_never_thirty_two():
    assert parse_answer(NumberSpec(integer=True), "3²").value == 9
    assert grade(_number_problem(32), "3²").status == "wrong"
    assert grade(_number_problem(9), "3²").status == "correct"


def _number_problem(key: float):
    """A whole-number part on its own (the key given), as tests/test_grading.py builds one."""
    from examgen.i18n import Bi
    from examgen.model import Part, Problem

    return Problem(kind="t", seed=0, section="calculation", topic="cnn", points=4, params={},
                   prompt=Bi("题", "q"), parts=[Part("", Bi("答", "a"), NumberSpec(integer=True), key)], steps=[])


def test_superscripts_in_shapes_and_vectors():
    assert parse_answer(ShapeSpec(3), "7×7×2⁵") == [7, 7, 32]
    assert [n.value for n in parse_answer(VectorSpec(2), "1×10⁻¹, 2")] == pytest.approx([0.1, 2])


def test_subscripts_after_a_letter_are_an_index_and_others_are_kept():
    assert fold("w₀ + w₁") == "w0 + w1"
    assert fold("10₂") == "10₂"
    assert norm_text("3²") != norm_text("32")


@pytest.mark.parametrize("text, score", [
    ("18C²; 25C²", 1.0), ("18C^2; 25C^2", 1.0), ("18C2; 25C2", 1.0), ("18C³; 25C²", 0.5),
])
def test_fill_blanks_with_a_superscript(text, score):
    """cnn-vgg-01: 18C² and 25C² weights. C² after a letter matches as NFKC reads it (the LMS exports list 18C2)."""
    assert grade(find_item("cnn-vgg-01"), text).score == pytest.approx(score)


def test_a_numeric_fill_blank_reads_a_superscript_as_a_power():
    spec = FillSpec(blanks=(("9",), ("100",)))
    assert parse_answer(spec, "3²; 10²") == ["3²", "10²"]
    from examgen.grading import score_answer

    assert score_answer(spec, None, ["3²", "10²"])[0] == 1.0
    assert score_answer(spec, None, ["3¹", "10³"])[0] == 0.0
    assert score_answer(FillSpec(blanks=(("32",),)), None, ["3²"])[0] == 0.0


# ---------------------------------------------------------------- 2. one trailing sentence mark
@pytest.mark.parametrize("text", ["0.21。", "0.21，", "0.21.", "0.21,", "0.21；", "0.21;", "0.21．", "0.21 !",
                                  "0,21。", "IoU = 0.21。", "21%。"])
def test_a_trailing_sentence_mark_after_a_number_is_ignored(text):
    assert _status(IOU, text) == "correct"


@pytest.mark.parametrize("text, status", [
    ("0.25。", "wrong"), ("0.2。", "wrong"), ("0.21。。", "format"), ("0.21,,", "format"), ("。", "format"),
    ("0.21!", "format"), ("0.21！", "format"),
])
def test_trailing_marks_never_make_a_wrong_answer_right(text, status):
    """0.21! would be a factorial: refused, never read as 0.21; two marks are not one."""
    assert _status(IOU, text) == status


def test_a_factorial_is_refused_with_its_own_message():
    with pytest.raises(FormatError) as exc:
        parse_answer(NumberSpec(integer=True), "3!")
    assert "factorial" in exc.value.message.en


def test_trailing_marks_keep_thousands_separators_and_decimal_commas():
    assert parse_answer(NumberSpec(integer=True), "589,824。").value == 589824
    assert parse_answer(NumberSpec(integer=True), "589,824,").value == 589824
    assert parse_answer(NumberSpec(), "0,5，").value == 0.5
    assert parse_answer(NumberSpec(), "3.").value == 3


def test_a_trailing_mark_after_a_shape_vector_or_matrix():
    assert parse_answer(ShapeSpec(3), "7×7×30。") == [7, 7, 30]
    assert parse_answer(ShapeSpec(3), "(7, 7, 30).") == [7, 7, 30]
    assert [n.value for n in parse_answer(VectorSpec(2), "0.5, -0.2，")] == [0.5, -0.2]
    from examgen.model import MatrixSpec

    assert [[n.value for n in r] for r in parse_answer(MatrixSpec(2, 2), "1 2; 3 4。")] == [[1, 2], [3, 4]]


# ---------------------------------------------------------------- 3. "about"
@pytest.mark.parametrize("text", ["约0.21", "约 0.21", "大约0.21", "约为0.21", "约等于 0.21", "≈0.21", "~0.21", "～0.21",
                                  "IoU约为0.21", "IoU ≈ 0.21", "IoU = 约 0.21", "约0.21。"])
def test_about_before_a_number(text):
    assert _status(IOU, text) == "correct"


@pytest.mark.parametrize("text, status", [("约0.25", "wrong"), ("~2.1×10⁻²", "wrong"), ("约约0.21", "format")])
def test_about_never_makes_a_wrong_answer_right(text, status):
    assert _status(IOU, text) == status


# ---------------------------------------------------------------- 4. blanks separated by 、
@pytest.mark.parametrize("text, score", [
    ("偏差、方差", 1.0), ("bias、variance", 1.0), ("偏差 、 方差", 1.0), ("方差、偏差", 0.0), ("偏差、偏差", 0.5),
])
def test_blanks_separated_by_the_enumeration_comma(text, score):
    """training-error-05: the two blanks are bias and variance (偏差, 方差)."""
    assert grade(find_item("training-error-05"), text).score == pytest.approx(score)


def test_the_enumeration_comma_needs_the_right_count():
    assert grade(find_item("training-error-05"), "偏差、方差、噪声").status == "format"


def test_the_enumeration_comma_keeps_thousands_separators():
    """cnn-gconv-02: 288,000 weights and 288,100 parameters."""
    assert grade(find_item("cnn-gconv-02"), "288,000、288,100").score == 1.0


# ---------------------------------------------------------------- 5. a unit after a number
@pytest.mark.parametrize("text", ["13 px", "13px", "13 pixels", "13 pixel", "13 像素", "13像素。", "13 个像素"])
def test_a_unit_after_the_number_asks_for_the_number_alone(text):
    """The grader has no units: "13 px" is a format error saying to type 13 without the unit, never graded."""
    pv = _rf(text)
    assert pv.format_error is not None and pv.score == 0
    assert "without the unit" in pv.format_error.en and "13" in pv.format_error.en
    assert "单位" in pv.format_error.zh


@pytest.mark.parametrize("seed", range(4))
def test_a_unit_never_makes_a_wrong_answer_right(seed):
    pr = registry.get("dilated-conv").generate(seed)
    rf = pr.parts[0].answer
    for text in (f"{rf + 1} px", f"{rf} px", f"{rf - 1} 像素"):
        assert grade(pr, {"rf": text}).parts[0].score == 0.0


def test_a_word_that_is_not_after_a_number_keeps_the_number_message():
    with pytest.raises(FormatError) as exc:
        parse_answer(NumberSpec(), "px 13")
    assert "Not a number" in exc.value.message.en


# ---------------------------------------------------------------- 6. a size where one number is expected
@pytest.mark.parametrize("text", ["13×13", "13x13", "13 × 13", "13X13", "rf = 13×13", "13×13。"])
def test_a_square_size_for_one_number_is_a_format_error(text):
    pv = _rf(text)
    assert pv.format_error is not None, "13×13 must not be graded as 169"
    assert "One number is expected" in pv.format_error.en and ", 13;" in pv.format_error.en


@pytest.mark.parametrize("text", ["3x15", "3×15", "3 x 15", "3X15"])
def test_unequal_sides_are_a_product_with_x_as_with_times(text):
    assert parse_answer(NumberSpec(integer=True), text).value == 45


@pytest.mark.parametrize("text", ["8x10⁻²", "8x10^-2", "8×10^-2", "8 x 10⁻²"])
def test_x_as_times_in_scientific_notation(text):
    assert parse_answer(NumberSpec(decimals=2), text).value == pytest.approx(0.08)


@pytest.mark.parametrize("text, status", [("13*13", "wrong"), ("13", "correct"), ("2×3×2+1", "correct"),
                                          ("12×12", "format"), ("14", "wrong")])
def test_products_typed_as_products_are_still_graded(text, status):
    """13*13 is 169 (wrong), 2×3×2+1 is 13: only a bare a×a (or a x b) is read as a size."""
    pv = _rf(text)
    got = "format" if pv.format_error else ("correct" if pv.correct else "wrong")
    assert got == status


def test_a_square_size_is_refused_before_grading_so_the_exam_screen_sees_it():
    """The exam screen checks answers with parse_answer alone: the refusal must come from parsing."""
    with pytest.raises(FormatError):
        parse_answer(NumberSpec(integer=True), "3×3")
    assert parse_answer(NumberSpec(integer=True), "3*3").value == 9


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\u200b"])
def test_an_invisible_character_is_named_in_the_message(char):
    from examgen.exprparse import ParseError, parse_number

    with pytest.raises(ParseError) as exc:
        parse_number("0.2" + char + "1")
    assert f"unexpected character 'U+{ord(char):04X}'" in exc.value.en and f"U+{ord(char):04X}" in exc.value.zh


@pytest.mark.parametrize("item_id, text, score", [
    ("cnn-rf-02", "49", 0.0),                 # the area of the 7×7 field, not its side
    ("cnn-rf-02", "7", 1.0), ("cnn-rf-02", "7x7", 1.0), ("cnn-rf-02", "7 px", 1.0), ("cnn-rf-02", "7 像素", 1.0),
    ("cnn-outsize-02", "290400", 0.0),        # 55·55·96 is not the shape 55×55×96
    ("cnn-outsize-02", "55*55*96", 1.0), ("cnn-outsize-02", "(55, 55, 96)", 1.0),
    ("cnn-outsize-02", "[55,55,96].", 1.0), ("cnn-outsize-02", "55、55、96", 1.0),
    ("cnn-outsize-02", "(55, 55, 95)", 0.0), ("cnn-pool-03", "69984", 0.0),
    ("image-processing-morph-02", "9 个; 49 个", 1.0),
    ("segmentation-spp-01", "21; 256×21", 1.0),   # a key 5376 = 21×256 is a product: any order of it counts
    ("segmentation-spp-01", "21; 5377", 0.5),
])
def test_a_fill_key_written_as_a_size_is_a_size(item_id, text, score):
    from examgen.bank import find_item
    from examgen.grading import grade

    assert grade(find_item(item_id), text).to_json("en")["score"] == score


@pytest.mark.parametrize("text", ["答：0.21", "答: 0.21", "Answer: 0.21", "0.21 左右", "大概0.21", "答：约0.21"])
def test_answer_prefixes_and_roughly(text):
    assert parse_answer(NumberSpec(decimals=2), text).value == pytest.approx(0.21)


@pytest.mark.parametrize("text", ["B E C。", "B E C，", "B E C.", "B, E, C"])
def test_labels_take_one_trailing_mark(text):
    from examgen.model import LabelsSpec

    assert parse_answer(LabelsSpec(("A", "B", "C", "D", "E")), text) == ["B", "E", "C"]


@pytest.mark.parametrize("text", [" ; ", ";", "；", " | "])
def test_a_fill_answer_with_every_blank_empty_is_no_answer(text):
    """' ; ' was graded as a wrong attempt (it counted in the statistics and the schedule)."""
    with pytest.raises(FormatError):
        parse_answer(FillSpec(blanks=(("4",), ("28",))), text)
