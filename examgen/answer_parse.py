"""Parsing what a student typed for one part (`parse_answer`): a value, or a `FormatError` saying which form is
expected. An invalid submission is never graded and never counts as a wrong attempt. Numbers go through the
restricted parser of `examgen.exprparse` (never `eval`); nothing here raises anything but `FormatError`."""

from __future__ import annotations

import keyword
import re
from typing import Any

from examgen.exprparse import DENYING_LABEL, Num, ParseError, fold, normalize, parse_number
from examgen.answer_form import example, form
from examgen.i18n import MESSAGES, Bi, bi
from examgen.model import (
    AnswerSpec, ChoiceSpec, FillSpec, LabelsSpec, MatrixSpec, NumberSpec, RubricSpec, ShapeSpec, TrueFalseSpec,
    VectorSpec,
)
from examgen.safe_read import ANSWER_CHARS

MAX_ANSWER = ANSWER_CHARS      # characters in one answer (`safe_read.ANSWER_CHARS`)
NO_ANSWER = Bi("未作答：答案为空。", "No answer given: the answer is empty.")
LETTERS = "ABCDEFGHIJ"


class FormatError(ValueError):
    """The answer cannot be read; `message` says which form is expected."""

    def __init__(self, message: Bi) -> None:
        super().__init__(message.en)
        self.message = message


def _fe(key: str, **fields: object) -> FormatError:
    return FormatError(bi(key, **fields))


def _fe_form(key: str, what: Bi, eg: str) -> FormatError:
    """A format error that states the answer form (`answer_form.form`) and an example of the right shape."""
    msg = MESSAGES[key]
    return FormatError(Bi(msg.zh.format(form=what.zh, example=eg),
                          msg.en.format(form=what.en[:1].lower() + what.en[1:], example=eg)))


def _number(text: str, spec_integer: bool, typed: str | None = None) -> Num:
    """`text` read as one number; a message quotes `typed`, what the student wrote, where it was rewritten first."""
    try:
        n = parse_number(text)
    except ParseError as exc:
        _refuse_unit(text)
        typed = (text if typed is None else typed).strip()
        shown = typed[:40] + ("…" if len(typed) > 40 else "")
        zh, en = bi("fmt.number", detail=f"'{shown}'（{exc.zh}）"), bi("fmt.number", detail=f"'{shown}' ({exc.en})")
        raise FormatError(Bi(zh.zh, en.en)) from exc
    if spec_integer and abs(n.value - round(n.value)) > 1e-9:
        raise _fe("fmt.integer", got=text[:40])
    return n


# A word after a number: a unit ("13 px", "13 像素", "6,488,064 params"). The grader has no units, so it is refused
# with its own message (type the number alone), never read as the number nor as a wrong answer.
_UNIT = re.compile(r"(.*?[\d)%π])\s*([^\W\d_]+)")


def _refuse_unit(text: str) -> None:
    m = _UNIT.fullmatch(text.strip())
    if not m or m.group(2).lower() in ("x", "e", "pi", "sqrt", "exp", "ln", "log"):
        return
    try:
        parse_number(m.group(1))
    except ParseError:
        return
    number = strip_label(m.group(1).strip())
    scale = _MULTIPLIERS.get(m.group(2))
    if scale is not None:   # 3.2万 is 32000: "3.2" alone would be 10⁴ times too small
        from examgen.mathfmt import num

        value = parse_number(normalize(number)).value * scale
        raise _fe("fmt.multiplier", unit=m.group(2), typed=text.strip(), number=num(value) if value < 1e15 else value)
    raise _fe("fmt.unit", unit=m.group(2), number=number)


_MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "千万": 1e7, "k": 1e3, "K": 1e3, "M": 1e6, "w": 1e4,
                "W": 1e4}


def _one_number(raw: str) -> None:
    """`13×13` or `13x13` where one number is expected (a receptive field, a side length) is a size, not a product:
    a format error saying to type one number, never read as 169 and marked wrong. `13*13` is still 169, and so are
    unequal sides, `3×15` and `3x15` alike (x is a times sign between numbers: `8x10^-2`)."""
    m = re.fullmatch(r"(?:[A-Za-z_]\w*\s*=\s*)?(\d+)\s*([×✕xX])\s*(\d+)\s*[.,;。，；]?",
                     strip_label(fold(raw).strip()))
    if m and m.group(1) == m.group(3):
        raise _fe("fmt.one_number", got=f"{m.group(1)}×{m.group(3)}", side=m.group(1),
                  product=f"{m.group(1)}*{m.group(3)}")


# A name and a colon, or a Chinese name, before the one number a part asks for: "IoU: 0.14", "参数量：2432",
# "感受野为 7". Only there: in a fill blank "roberts:2×2" is an answer, and no name may deny ("均值不为 0").
_NAME_COLON = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?::|为|是|等于)\s*")
_CJK_LABEL = re.compile(r"(?!约|大约|大概)[\u4e00-\u9fff]{1,16}?\s*(?:=|:|等于|约等于|约为|为|是|≈|约)\s*")
_DENIES = re.compile(r"[不非未没无否]")


def strip_label(s: str) -> str:
    """`s` (folded) without a label typed before the number; a Python keyword is no label ("lambda: 1")."""
    named = _NAME_COLON.match(s)
    if named and not keyword.iskeyword(named.group(1)) and not DENYING_LABEL.fullmatch(named.group(1)):
        return s[named.end():]
    cjk = _CJK_LABEL.match(s)
    if cjk and not _DENIES.search(cjk.group()):
        return s[cjk.end():]
    return s


_TIMES_X = re.compile(r"(?<=[\d)])\s*[xX]\s*(?=[\d(])")  # 3x15, 8x10^-2: x between numbers is ×


_END_PUNCT = re.compile(r"(?<=[\w)\]}%])\s*(?:(?<![\d)])!|[.,;])$")


def _drop_end_punct(s: str) -> str:
    """One sentence mark after a complete answer is not part of it: `0.21。`, `0.21，`, `7×7×30;` (normalized, so
    。．，； are . , ;). A `!` right after a number stays: `3!` would be a factorial, never read as 3."""
    return _END_PUNCT.sub("", s, count=1)


def _strip_brackets(s: str) -> str:
    s = s.strip()
    while len(s) >= 2 and s[0] in "([{" and s[-1] in ")]}" and _closes_at_end(s):
        s = s[1:-1].strip()
    return s


def _closes_at_end(s: str) -> bool:
    depth = 0
    for i, c in enumerate(s):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0 and i != len(s) - 1:
                return False
    return depth == 0


def _split_top(s: str, seps: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for c in s:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if depth == 0 and c in seps:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return parts


def _join_binary_ops(s: str) -> str:
    """`1 + 2` is one entry, `-1 -2` two: glue operators that have spaces on both sides, and * / ^ always."""
    s = re.sub(r"\s*([*/^])\s*", r"\1", s)
    s = re.sub(r"(?<=[\w).%])\s+([+-])\s+(?=[\w(.√π])", r"\1", s)
    return s


def _entries(s: str) -> list[str]:
    s = _strip_brackets(s)
    if not s:
        return []
    if re.search(r"[,;]", s):
        items = [x for x in _split_top(s, ",;") if x.strip() != "" or True]
        return [x.strip() for x in items]
    return _join_binary_ops(s).split()


def parse_vector(text: str, length: int, integer: bool = False) -> list[Num]:
    s = _drop_end_punct(normalize(text))
    items = _entries(s.replace("\n", " "))
    if len(items) != length or any(not x for x in items):
        raise _fe("fmt.vector", n=length, example=example(VectorSpec(length, integer=integer)))
    return [_number(x, integer) for x in items]


def parse_shape(text: str, length: int) -> list[int]:
    s = _drop_end_punct(normalize(text))
    s = _strip_brackets(s)
    if re.search(r"[,;]", s):
        items = _split_top(s, ",;")
    else:
        items = _split_top(s, "xX*")
        if len(items) == 1:
            items = s.split()
    items = [x.strip() for x in items]
    if len(items) != length or any(not x for x in items):
        eg = example(ShapeSpec(length))
        raise _fe("fmt.shape", n=length, example=eg, alt="(" + eg.replace("×", ", ") + ")")
    out = []
    for x in items:
        n = _number(x, True)
        out.append(int(round(n.value)))
    return out


def parse_matrix(text: str, rows: int, cols: int, integer: bool = False) -> list[list[Num]]:
    s = _drop_end_punct(normalize(text))
    shape = MatrixSpec(rows, cols, integer=integer)
    what, eg = form(shape, with_example=False), example(shape)
    s = s.strip()
    if s.startswith("[[") or s.startswith("(("):
        s = re.sub(r"[\])]\s*,?\s*[\[(]", ";", s)
        s = s.strip("[]() ")
    else:
        s = _strip_brackets(s)
    raw_rows = [r for r in re.split(r"[;\n]|\\\\", s) if r.strip()]
    if rows * cols == 1 and len(raw_rows) == 1:
        raw_rows = [raw_rows[0]]
    if len(raw_rows) != rows:
        raise _fe_form("fmt.matrix", what, eg)
    out: list[list[Num]] = []
    for r in raw_rows:
        items = _entries(r)
        if len(items) != cols or any(not x for x in items):
            raise _fe_form("fmt.matrix", what, eg)
        out.append([_number(x, integer) for x in items])
    return out


def parse_labels(text: str, spec: LabelsSpec) -> list[str]:
    s = _drop_end_punct(normalize(text))  # B E C。 as B E C，
    s = _strip_brackets(s)
    items = [x for x in re.split(r"[\s,;]+", s) if x]
    if len(items) == 1 and all(len(lbl) == 1 for lbl in spec.labels) and len(items[0]) > 1:
        items = list(items[0])
    lookup = {lbl.casefold(): lbl for lbl in spec.labels}
    labels = "/".join(spec.labels[:8]) + ("…" if len(spec.labels) > 8 else "")
    msg = Bi(f"请写出取自 {labels} 的标签，用空格或逗号分隔。",
             f"Write labels from {labels}, separated by spaces or commas.")
    if spec.length is not None and len(items) != spec.length:
        raise FormatError(Bi(msg.zh + f"（需要 {spec.length} 个）", msg.en + f" ({spec.length} expected)"))
    out = []
    for x in items:
        key = x.casefold()
        if key not in lookup:
            raise FormatError(msg)
        out.append(lookup[key])
    return out


_TF_TRUE = {"t", "true", "对", "√", "✓", "✔", "是", "正确", "y", "yes", "1", "right", "correct", "v"}
_TF_FALSE = {"f", "false", "错", "×", "x", "✗", "✘", "否", "错误", "n", "no", "0", "wrong", "incorrect", "不对"}


def parse_tf(text: str) -> bool:
    s = fold(text).strip().strip("()（）.。 ").casefold()
    if s in _TF_TRUE:
        return True
    if s in _TF_FALSE or text.strip() == "×":
        return False
    raise _fe("fmt.tf")


def parse_choice(text: str, spec: ChoiceSpec) -> list[str]:
    s = normalize(text).upper()
    s = re.sub(r"\bAND\b|和|与|&", ",", s)
    s = re.sub(r"[\s()\[\]{}.,;:、/]+", "", s)
    letters = LETTERS[:spec.options]
    key = "fmt.choice_multiple" if spec.multiple else "fmt.choice_single"
    if not s or any(c not in letters for c in s):
        raise _fe(key, letters=f"{letters[0]}–{letters[-1]}")
    chosen = sorted(set(s))
    if not spec.multiple and len(chosen) != 1:
        raise _fe(key, letters=f"{letters[0]}–{letters[-1]}")
    return chosen


_LETTER_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011]+(?=[^\W\d_])")


def norm_text(text: str) -> str:
    """Normalize free text for matching: NFKC (`fold`: 3² is 3^2, never 32), lower case, the minus sign − as -, no
    white space, no hyphen between two letters (non-maximum = non maximum = nonmaximum; h_t-1 and -0.05 keep
    theirs), no trailing punctuation."""
    s = fold(text, "text").casefold().replace("\u2212", "-")  # − (minus sign) = -; 3² is 3^2, never 32
    s = re.sub(r"\s+", "", s)
    if "-" in s or "\u2010" in s or "\u2011" in s:
        s = _LETTER_HYPHEN.sub("", s)
    return s.strip(".。,,;;:!!??\"'“”‘’")


def parse_fill(text: str, spec: FillSpec) -> list[str]:
    n = len(spec.blanks)
    s = fold(text, "keep").strip()  # superscripts stay for `norm_text` and `normalize` to read
    if n == 1:
        items = [s]
    else:
        s = _unwrapped(s)
        items = [x.strip() for x in re.split(r"[;|\n；]", s)]
        if len(items) != n:
            # "偏差、方差" (the enumeration comma); "0.6, 0.8"; "288,000, 288,100" (thousands separators inside)
            for sep in (r"[;|\n；、]", r",", r",\s+"):
                items2 = [x.strip() for x in re.split(sep, s)]
                if len(items2) == n:
                    items = items2
                    break
            else:
                raise _fe("fmt.blanks", n=n)
    if not any(items):   # " ; ": every blank left empty is no answer, never an attempt
        raise _fe("fmt.empty")
    return items


def _unwrapped(s: str) -> str:
    """All the blanks typed as one tuple, "(0.6, 0.8)" or "[a, b]", without the brackets around them."""
    for left, right in ("()", "[]", "{}"):
        inner = s[1:-1]
        if len(s) > 1 and s[0] == left and s[-1] == right and left not in inner and right not in inner:
            return inner.strip()
    return s


def parse_answer(spec: AnswerSpec, text: str) -> Any:
    """Parse what a student typed for one part; raises FormatError when it cannot be read."""
    if text is None or not str(text).strip():
        raise _fe("fmt.empty")
    if len(text) > MAX_ANSWER:
        raise _fe("fmt.too_long", n=MAX_ANSWER)
    if isinstance(spec, NumberSpec):
        _one_number(text)
        s = _TIMES_X.sub("*", _drop_end_punct(strip_label(normalize(text))))
        s = _strip_brackets(s) if re.fullmatch(r"\[[^\[\]]*\]", s) else s
        return _number(s, spec.integer, typed=text)
    if isinstance(spec, VectorSpec):
        return parse_vector(text, spec.length, spec.integer)
    if isinstance(spec, ShapeSpec):
        return parse_shape(text, spec.length)
    if isinstance(spec, MatrixSpec):
        return parse_matrix(text, spec.rows, spec.cols, spec.integer)
    if isinstance(spec, LabelsSpec):
        return parse_labels(text, spec)
    if isinstance(spec, ChoiceSpec):
        return parse_choice(text, spec)
    if isinstance(spec, TrueFalseSpec):
        return parse_tf(text)
    if isinstance(spec, FillSpec):
        return parse_fill(text, spec)
    if isinstance(spec, RubricSpec):
        return text
    raise TypeError(f"unknown answer spec {spec!r}")
