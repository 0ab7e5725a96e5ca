"""What answer a part wants, said from its answer spec: one line for the screen, the paper and format errors.

Everything here is derived from the spec, so the line a student reads can never contradict what the grader
accepts (`tests/test_answer_form.py` parses every example with the grader)."""

from __future__ import annotations

from examgen.i18n import Bi
from examgen.model import (
    AnswerSpec,
    ChoiceSpec,
    FillSpec,
    LabelsSpec,
    MatrixSpec,
    NumberSpec,
    RubricSpec,
    ShapeSpec,
    TrueFalseSpec,
    VectorSpec,
)

_SHORT = 24  # an example longer than this is left out of the form line (it would not be read at a glance)


def _numbers(n: int, integer: bool) -> list[str]:
    pool = ["2", "5", "1", "3"] if integer else ["0.5", "1.2", "-0.3", "2"]
    return [pool[i % len(pool)] for i in range(n)]


def example(spec: AnswerSpec) -> str:
    """An answer of the right shape that the grader reads without a format error (not the key)."""
    if isinstance(spec, NumberSpec):
        return "12" if spec.integer else "0.25"
    if isinstance(spec, VectorSpec):
        return ", ".join(_numbers(spec.length, spec.integer))
    if isinstance(spec, ShapeSpec):
        return "×".join(["7"] * (spec.length - 1) + ["30"])
    if isinstance(spec, MatrixSpec):
        cells = _numbers(spec.rows * spec.cols, spec.integer)
        return "; ".join(" ".join(cells[r * spec.cols:(r + 1) * spec.cols]) for r in range(spec.rows))
    if isinstance(spec, LabelsSpec):
        n = spec.length if spec.length is not None else min(2, len(spec.labels))
        return " ".join(spec.labels[i % len(spec.labels)] for i in range(n))
    if isinstance(spec, ChoiceSpec):
        return "AC" if spec.multiple and spec.options >= 3 else "B"
    if isinstance(spec, TrueFalseSpec):
        return "对"
    if isinstance(spec, FillSpec):
        return "; ".join(["…"] * len(spec.blanks))
    return ""


def _size(spec: NumberSpec | VectorSpec | MatrixSpec) -> int:
    if isinstance(spec, VectorSpec):
        return spec.length
    if isinstance(spec, MatrixSpec):
        return spec.rows * spec.cols
    return 1


def _decimals(spec: NumberSpec | VectorSpec | MatrixSpec) -> Bi:
    """The precision clause: ", 2 decimals" (empty for whole numbers, which the noun already says)."""
    if spec.integer or spec.decimals is None:
        return Bi("", "")
    if spec.decimals == 0:
        return Bi("，四舍五入到整数", ", rounded to a whole number")
    unit = "decimal" if spec.decimals == 1 else "decimals"
    return Bi(f"，保留 {spec.decimals} 位小数", f", {spec.decimals} {unit}")


def _noun(n: int, integer: bool) -> Bi:
    if integer:
        return Bi(f"{n} 个整数", "a whole number" if n == 1 else f"{n} whole numbers")
    return Bi(f"{n} 个数", "a number" if n == 1 else f"{n} numbers")


def _eg(spec: AnswerSpec) -> Bi:
    """The example as a trailing clause, only when it is short enough to read at a glance."""
    ex = example(spec)
    return Bi(f"，如 {ex}", f", e.g. {ex}") if len(ex) <= _SHORT else Bi("", "")


def form(spec: AnswerSpec, with_example: bool = True) -> Bi:
    """The answer form in both languages, without brackets: 单选 / Single choice: one letter … (`with_example`:
    end with a short example where there is one)."""
    if isinstance(spec, ChoiceSpec):
        if spec.multiple:
            return Bi("多选：少选得一半，错选不得分", "Multiple choice: a correct subset earns half, a wrong pick 0")
        return Bi("单选", "Single choice: one letter")
    if isinstance(spec, TrueFalseSpec):
        return Bi("判断：对/错", "True/false: T or F")
    if isinstance(spec, FillSpec):
        n = len(spec.blanks)
        return Bi("填空", "Fill in") if n == 1 else Bi(f"填空：{n} 空，用分号分隔", f"Fill in: {n} blanks, separated by ;")
    if isinstance(spec, RubricSpec):
        return Bi("简答：写出要点", "Short answer: give the key points")
    if isinstance(spec, (NumberSpec, VectorSpec, MatrixSpec)) and _size(spec) == 1:
        d = _decimals(spec)
        return Bi(("整数" if spec.integer else "数值") + d.zh, ("A whole number" if spec.integer else "A number") + d.en)
    eg = _eg(spec) if with_example else Bi("", "")
    if isinstance(spec, VectorSpec):
        noun, d = _noun(spec.length, spec.integer), _decimals(spec)
        return Bi(f"{noun.zh}{d.zh}，用逗号分隔{eg.zh}", f"{noun.en}{d.en}, separated by commas{eg.en}")
    if isinstance(spec, ShapeSpec):
        return Bi(f"尺寸：{spec.length} 个整数{eg.zh}", f"A shape of {spec.length} whole numbers{eg.en}")
    if isinstance(spec, MatrixSpec):
        d, size, row = _decimals(spec), f"{spec.rows}×{spec.cols}", _noun(spec.cols, spec.integer)
        if spec.rows == 1:
            return Bi(f"{size} 矩阵{d.zh}：一行 {row.zh}{eg.zh}", f"A {size} matrix{d.en}: one row of {row.en}{eg.en}")
        if spec.cols == 1:
            return Bi(f"{size} 矩阵{d.zh}：一行一个数，行间用分号分隔{eg.zh}",
                      f"A {size} matrix{d.en}: one number per row, rows separated by ;{eg.en}")
        return Bi(f"{size} 矩阵{d.zh}：每行 {row.zh}，行间用分号分隔{eg.zh}",
                  f"A {size} matrix{d.en}: {row.en} per row, rows separated by ;{eg.en}")
    if isinstance(spec, LabelsSpec):
        labels = "/".join(spec.labels[:8]) + ("…" if len(spec.labels) > 8 else "")
        count = Bi("", "") if spec.length is None else Bi(f"共 {spec.length} 个，", f"{spec.length} of them, ")
        order = Bi("按顺序", "in order") if spec.ordered else Bi("不计顺序", "in any order")
        return Bi(f"标签：取自 {labels}，{count.zh}{order.zh}，用空格分隔{eg.zh}",
                  f"Labels from {labels}, {count.en}{order.en}, separated by spaces{eg.en}")
    raise TypeError(f"unknown answer spec {spec!r}")


def form_line(spec: AnswerSpec, lang: str) -> str:
    """The form as printed: 【单选】 in Chinese, [Single choice: one letter] in English."""
    text = form(spec).get(lang)
    return f"【{text}】" if lang == "zh" else f"[{text}]"
