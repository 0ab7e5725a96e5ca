"""Answers as text: the key as a student would write it, and a filled-in answer sheet (YAML: item number →
answer; multi-part items: part → answer) turned into the text typed for each part, bounded in size and depth
whatever the sheet holds."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from examgen.errors import UserError
from examgen.i18n import Bi
from examgen.model import (
    ChoiceSpec, FillSpec, LabelsSpec, MatrixSpec, NumberSpec, Part, Problem, RubricSpec, ShapeSpec, TrueFalseSpec,
    VectorSpec,
)
from examgen.safe_read import ANSWER_CHARS, MAX_DIGITS

if TYPE_CHECKING:
    from examgen.exam import Exam


# ---------------------------------------------------------------- answers as text
def part_answer_value(problem: Problem, part: Part, lang: str) -> Any:
    """The key as plain JSON: the value for computations and objective items, the reference text for short ones."""
    spec = part.spec
    if isinstance(spec, RubricSpec):
        return part.answer.get(lang, "") if isinstance(part.answer, dict) else str(part.answer)
    if isinstance(spec, ChoiceSpec):
        return "".join(part.answer) if isinstance(part.answer, list) else str(part.answer)
    return part.answer


def answer_value(problem: Problem, lang: str) -> Any:
    if len(problem.parts) == 1 and problem.parts[0].name == "":
        return part_answer_value(problem, problem.parts[0], lang)
    return {p.name: part_answer_value(problem, p, lang) for p in problem.parts}


class AnswerValueError(ValueError):
    """A sheet entry that cannot be an answer (a mapping, nested too deeply, too long, a number too large)."""

    def __init__(self, message: Bi) -> None:
        super().__init__(message.en)
        self.message = message


TOO_LONG = Bi(f"答案超过 {ANSWER_CHARS:,} 个字符（上限）", f"the answer is longer than {ANSWER_CHARS:,} characters (the limit)")
_BIG = 10 ** MAX_DIGITS


def _num_text(v: Any) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, int) and not -_BIG < v < _BIG:
        raise AnswerValueError(Bi(f"数字太大（超过 {MAX_DIGITS} 位）", f"number too large (more than {MAX_DIGITS} digits)"))
    return str(v)


def _scalar(x: Any, spec: Any, numeric: bool) -> str:
    if isinstance(x, (list, tuple, dict)):
        raise AnswerValueError(Bi("答案嵌套过深：请写成一个值、一列值或若干行值",
                                  "nested too deeply: write one value, a list of values, or rows of values"))
    if numeric or isinstance(x, (bool, int, float)):
        return _num_text(x) if isinstance(x, (bool, int, float)) else str(x)
    return str(x)


def _joined(items: Any, sep: str, spec: Any, numeric: bool) -> str:
    out: list[str] = []
    size = 0
    for x in items:
        text = _scalar(x, spec, numeric)
        size += len(text) + len(sep)
        if size > ANSWER_CHARS + len(sep):
            raise AnswerValueError(TOO_LONG)
        out.append(text)
    return sep.join(out)


def value_to_text(spec: Any, value: Any) -> str | None:
    """A sheet entry (YAML scalar, list or list of rows) as the text a student would type for this part.

    Bounded whatever the entry holds: at most two levels of lists (a matrix), at most ANSWER_CHARS characters,
    numbers of at most MAX_DIGITS digits; otherwise an `AnswerValueError` (built no further than the limit)."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) > ANSWER_CHARS:
            raise AnswerValueError(TOO_LONG)
        return value
    if isinstance(value, bool):
        if isinstance(spec, TrueFalseSpec):
            return "true" if value else "false"
        return _num_text(value)
    if isinstance(value, (int, float)):
        return _num_text(value)
    if isinstance(value, dict):
        raise AnswerValueError(Bi("这里需要一个答案，而不是映射", "a single answer is expected here, not a mapping"))
    if isinstance(value, (list, tuple)):
        numeric = isinstance(spec, (VectorSpec, ShapeSpec, NumberSpec, MatrixSpec))
        if isinstance(spec, MatrixSpec) or (value and all(isinstance(r, (list, tuple)) for r in value)):
            rows: list[str] = []
            size = 0
            for r in value:
                row = _joined(r if isinstance(r, (list, tuple)) else [r], " ", spec, True)
                size += len(row) + 2
                if size > ANSWER_CHARS + 2:
                    raise AnswerValueError(TOO_LONG)
                rows.append(row)
            return "; ".join(rows)
        if isinstance(spec, FillSpec):
            return _joined(value, "; ", spec, False)
        if isinstance(spec, ChoiceSpec):
            return _joined(value, "", spec, False)
        if isinstance(spec, LabelsSpec):
            return _joined(value, " ", spec, False)
        return _joined(value, ", ", spec, numeric)
    text = str(value)
    if len(text) > ANSWER_CHARS:
        raise AnswerValueError(TOO_LONG)
    return text


def fill_key_text(spec: FillSpec, lang: str) -> str:
    """The blanks' keys, two accepted forms each: "4；28；1/7 或 4/28" ("4; 28; 1/7 or 4/28"), never "1/7 / 4/28",
    which reads as a division."""
    alt, sep = (" 或 ", "；") if lang == "zh" else (" or ", "; ")
    return sep.join(alt.join(alts[:2]) for alts in spec.blanks)


def correct_text(problem: Problem, part: Part, lang: str) -> str:
    """The key as a student would write it (both alternatives of a blank, the reference text of a short answer)."""
    from examgen.grading import display_value
    from examgen.mathfmt import unicode_text

    if isinstance(part.spec, RubricSpec):
        ans = part.answer
        return unicode_text(ans.get(lang, "") if isinstance(ans, dict) else str(ans))
    if isinstance(part.spec, FillSpec):
        return fill_key_text(part.spec, lang)
    if isinstance(part.spec, TrueFalseSpec):
        return ("对" if part.answer else "错") if lang == "zh" else ("true" if part.answer else "false")
    return display_value(part.spec, part.answer)


# ---------------------------------------------------------------- a filled-in sheet
def read_sheet(path: str) -> Any:
    """The YAML of an answer sheet ('-' = stdin), within the limits of `safe_read.SHEET`."""
    from examgen.safe_read import SHEET, load_yaml

    return load_yaml(path, SHEET, shown="<stdin>" if path == "-" else path)


def _fail(shown: str, zh: str, en: str) -> UserError:
    return UserError(Bi(f"{shown}：{zh}", f"{shown}: {en}"))


def _short(x: Any) -> str:
    text = str(x)
    return text if len(text) <= 40 else text[:40] + "…"


def sheet_answers(exam: "Exam", data: Any, shown: str = "sheet") -> dict[int, dict[str, str]]:
    """A sheet (item number → answer text; multi-part items: a mapping part → text) as answers per item.

    Everything is checked before anything is stored: a wrong key, a part that does not exist, an answer that is
    not a value or is longer than ANSWER_CHARS is a one-line error naming the item."""
    if data is None:
        data = {}
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        raise _fail(shown, "答题卡应把题号对应到答案，例如 `1: B`", "the answer sheet must map item numbers to answers, e.g. `1: B`")
    n = len(exam.items)
    out: dict[int, dict[str, str]] = {}
    for raw_key, value in data.items():
        key_text = str(raw_key).strip().rstrip(".").lstrip("#")
        if not re.fullmatch(r"[+-]?[0-9]{1,9}", key_text):
            raise _fail(shown, f"'{_short(raw_key)}' 不是题号（1–{n}）", f"'{_short(raw_key)}' is not an item number (1–{n})")
        number = int(key_text)
        if not 1 <= number <= n:
            raise _fail(shown, f"没有第 {number} 题；试卷共有第 1–{n} 题", f"there is no item {number}; the paper has items 1–{n}")
        if number in out:
            raise _fail(shown, f"第 {number} 题答了两次", f"item {number} is answered twice")
        pr = exam.item(number).problem
        names = [p.name for p in pr.parts]
        answers: dict[str, str] = {}
        if len(names) == 1 and names[0] == "":
            if isinstance(value, dict):
                raise _fail(shown, f"第 {number} 题只有一个答案，没有小问", f"item {number} has a single answer, not parts")
            entries = [(pr.parts[0], value, "")]
        elif isinstance(value, dict):
            entries = []
            for part_name, part_value in value.items():
                part = next((p for p in pr.parts if p.name == str(part_name)), None)
                if part is None:
                    raise _fail(shown, f"第 {number} 题没有小问 '{_short(part_name)}'；它的小问是 {', '.join(names)}",
                                f"item {number} has no part '{_short(part_name)}'; its parts are {', '.join(names)}")
                entries.append((part, part_value, part.name))
        elif value is None:
            entries = []
        else:
            raise _fail(shown, f"第 {number} 题有小问 {', '.join(names)}：请写成 小问 → 答案 的映射",
                        f"item {number} has parts {', '.join(names)}: give a mapping part → answer")
        for part, part_value, key in entries:
            try:
                text = value_to_text(part.spec, part_value)
            except AnswerValueError as exc:
                where = Bi(f"第 {number} 题" + (f"第 {key} 小问" if key else ""),
                           f"item {number}" + (f", part {key}" if key else ""))
                raise _fail(shown, f"{where.zh}：{exc.message.zh}", f"{where.en}: {exc.message.en}") from None
            if text is not None:
                answers[key] = text
        out[number] = answers
    return out
