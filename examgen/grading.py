"""Turn what a student typed into a verdict.

Parsing and grading are separate steps (as in PrairieLearn): `parse_answer` returns a value or raises
`FormatError` (the submission is *invalid*: not graded, never a wrong attempt); `score_answer` compares a parsed
value with the key and returns a score in [0, 1] with feedback. Nothing here evaluates student text as code.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from examgen.answer_form import example, form
from examgen.exprparse import Num, ParseError, normalize, parse_number
from examgen.i18n import MESSAGES, Bi, bi, same
from examgen.mathfmt import num as fmt_num
from examgen.model import (
    AnswerSpec, ChoiceSpec, FillSpec, LabelsSpec, MatrixSpec, NumberSpec, Part, Problem, RubricSpec, ShapeSpec,
    TrueFalseSpec, VectorSpec,
)
from examgen.rounding import score_accepted

MAX_ANSWER = 5000
LETTERS = "ABCDEFGHIJ"


class FormatError(ValueError):
    """The answer cannot be read; `message` says which form is expected."""

    def __init__(self, message: Bi) -> None:
        super().__init__(message.en)
        self.message = message


# ---------------------------------------------------------------- verdicts
@dataclass
class PartVerdict:
    name: str
    label: Bi
    points: float
    given: str
    expected: Any
    score: float = 0.0
    format_error: Bi | None = None
    blank: bool = False
    feedback: list[Bi] = field(default_factory=list)
    key_points: list[bool] | None = None
    carried: bool = False

    @property
    def correct(self) -> bool:
        return self.format_error is None and not self.blank and self.score >= 1.0 - 1e-9

    @property
    def earned(self) -> float:
        return round(self.points * self.score, 2)

    def to_json(self, lang: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name, "correct": self.correct, "score": round(self.score, 4),
            "points": self.points, "earned": self.earned,
            "format_error": self.format_error.get(lang) if self.format_error else None,
            "blank": self.blank, "given": self.given, "expected": self.expected,
            "feedback": [f.get(lang) for f in self.feedback],
        }
        if self.key_points is not None:
            out["key_points"] = self.key_points
        if self.carried:
            out["carried_forward"] = True
        return out


@dataclass
class Verdict:
    parts: list[PartVerdict]

    @property
    def format_error(self) -> Bi | None:
        for pv in self.parts:
            if pv.format_error is not None:
                if len(self.parts) == 1 and pv.name == "":
                    return pv.format_error
                return Bi(bi("fmt.in_part", part=pv.name, message=pv.format_error.zh).zh,
                          bi("fmt.in_part", part=pv.name, message=pv.format_error.en).en)
        return None

    @property
    def max_points(self) -> float:
        return round(sum(pv.points for pv in self.parts), 2)

    @property
    def earned(self) -> float:
        if self.format_error is not None:
            return 0.0
        return round(sum(pv.earned for pv in self.parts), 2)

    @property
    def score(self) -> float:
        if self.format_error is not None:
            return 0.0
        total = sum(pv.points for pv in self.parts)
        if total <= 0:
            return 0.0
        return round(sum(pv.points * pv.score for pv in self.parts) / total, 4)

    @property
    def correct(self) -> bool:
        return self.format_error is None and all(pv.correct for pv in self.parts)

    @property
    def status(self) -> str:
        if self.format_error is not None:
            return "format"
        if self.correct:
            return "correct"
        if all(pv.blank for pv in self.parts):
            return "blank"
        return "partial" if self.score > 0 else "wrong"

    def to_json(self, lang: str) -> dict[str, Any]:
        fe = self.format_error
        return {
            "correct": self.correct,
            "score": self.score,
            "format_error": fe.get(lang) if fe else None,
            "status": self.status,
            "points": self.earned,
            "max_points": self.max_points,
            "parts": [pv.to_json(lang) for pv in self.parts],
        }


# ---------------------------------------------------------------- parsing
def _fe(key: str, **fields: object) -> FormatError:
    return FormatError(bi(key, **fields))


def _fe_form(key: str, what: Bi, eg: str) -> FormatError:
    """A format error that states the answer form (`answer_form.form`) and an example of the right shape."""
    msg = MESSAGES[key]
    return FormatError(Bi(msg.zh.format(form=what.zh, example=eg),
                          msg.en.format(form=what.en[:1].lower() + what.en[1:], example=eg)))


def _number(text: str, spec_integer: bool) -> Num:
    try:
        n = parse_number(text)
    except ParseError as exc:
        raise _fe("fmt.number", detail=f"'{text[:40]}' ({exc})") from exc
    if spec_integer and abs(n.value - round(n.value)) > 1e-9:
        raise _fe("fmt.integer", got=text[:40])
    return n


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
        return [x.strip() for x in _split_top(s, ",;")]
    return _join_binary_ops(s).split()


def parse_vector(text: str, length: int, integer: bool = False) -> list[Num]:
    s = normalize(text)
    items = _entries(s.replace("\n", " "))
    if len(items) != length or any(not x for x in items):
        raise _fe("fmt.vector", n=length, example=example(VectorSpec(length, integer=integer)))
    return [_number(x, integer) for x in items]


def parse_shape(text: str, length: int) -> list[int]:
    s = normalize(text)
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
    s = normalize(text)
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
    s = normalize(text)
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
    s = unicodedata.normalize("NFKC", text).strip().strip("()（）.。 ").casefold()
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


def norm_text(text: str) -> str:
    """Normalize free text for matching: NFKC, lower case, no white space, no trailing punctuation."""
    s = unicodedata.normalize("NFKC", text).casefold()
    s = re.sub(r"\s+", "", s)
    return s.strip(".。,,;;:!!??\"'“”‘’")


def parse_fill(text: str, spec: FillSpec) -> list[str]:
    n = len(spec.blanks)
    s = unicodedata.normalize("NFKC", text).strip()
    if n == 1:
        items = [s]
    else:
        items = [x.strip() for x in re.split(r"[;|\n；]", s)]
        if len(items) != n:
            items2 = [x.strip() for x in s.split(",")] if "," in s else items
            if len(items2) == n:
                items = items2
            else:
                raise _fe("fmt.blanks", n=n)
    return items


def parse_answer(spec: AnswerSpec, text: str) -> Any:
    """Parse what a student typed for one part; raises FormatError when it cannot be read."""
    if text is None or not str(text).strip():
        raise _fe("fmt.empty")
    if len(text) > MAX_ANSWER:
        raise _fe("fmt.too_long", n=MAX_ANSWER)
    if isinstance(spec, NumberSpec):
        s = normalize(text)
        s = _strip_brackets(s) if re.fullmatch(r"\[[^\[\]]*\]", s) else s
        return _number(s, spec.integer)
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


# ---------------------------------------------------------------- comparing
def tolerance(expected: float, decimals: int | None, integer: bool) -> float:
    """Exact for integers; otherwise the larger of 1 % relative and half a unit of the last asked decimal."""
    if integer:
        return 1e-9
    tol = 0.01 * abs(expected)
    if decimals is not None:
        tol = max(tol, 0.5 * 10.0 ** (-decimals))
    return max(tol, 1e-12) * (1 + 1e-9)


def _needed_decimals(expected: float, decimals: int | None) -> int:
    if decimals is not None:
        return decimals
    if expected == 0:
        return 2
    return max(0, math.ceil(-math.log10(0.02 * abs(expected))))


def _number_matches(expected: float, got: Num, decimals: int | None, integer: bool) -> tuple[bool, Bi | None]:
    ok = abs(got.value - expected) <= tolerance(expected, decimals, integer)
    if ok:
        return True, None
    hint = None
    if got.decimals is not None and not integer:
        needed = _needed_decimals(expected, decimals)
        if got.decimals < needed and abs(got.value - expected) <= 0.5 * 10.0 ** (-got.decimals) * 1.0001 + 1e-12:
            hint = bi("fb.precision", d=needed)
    if hint is None and not got.percent and abs(got.value) > 1 and 0 < abs(expected) <= 1:
        if abs(got.value / 100 - expected) <= tolerance(expected, decimals, integer):
            hint = bi("fb.percent", pct=fmt_num(got.value), frac=fmt_num(got.value / 100))
    return False, hint


def display_value(spec: AnswerSpec, value: Any) -> str:
    """The canonical answer as a student would write it."""
    d = getattr(spec, "decimals", None)
    digits = 4 if d is None else max(d, 2)
    if isinstance(spec, NumberSpec):
        return fmt_num(value, digits)
    if isinstance(spec, ShapeSpec):
        return "×".join(str(v) for v in value)
    if isinstance(spec, VectorSpec):
        return "[" + ", ".join(fmt_num(v, digits) for v in value) + "]"
    if isinstance(spec, MatrixSpec):
        return "; ".join(" ".join(fmt_num(v, digits) for v in row) for row in value)
    if isinstance(spec, LabelsSpec):
        return " ".join(value)
    if isinstance(spec, ChoiceSpec):
        return "".join(value) if isinstance(value, list) else str(value)
    if isinstance(spec, TrueFalseSpec):
        return "对 / true" if value else "错 / false"
    if isinstance(spec, FillSpec):
        return "; ".join(alts[0] for alts in spec.blanks)
    if isinstance(spec, RubricSpec):
        return value.get("en", "") if isinstance(value, dict) else str(value)
    return str(value)


def match_key_points(text: str, spec: RubricSpec) -> list[bool]:
    """Which key points a short answer evidences (AND of keyword groups, OR of synonyms, substring match)."""
    s = norm_text(text)
    found = []
    for kp in spec.key_points:
        found.append(all(any(norm_text(w) and norm_text(w) in s for w in group) for group in kp.keywords))
    return found


def rubric_score(spec: RubricSpec, found: list[bool]) -> float:
    total = sum(kp.points for kp in spec.key_points) or 1.0
    return sum(kp.points for kp, f in zip(spec.key_points, found) if f) / total


def score_answer(spec: AnswerSpec, expected: Any, value: Any) -> tuple[float, list[Bi], list[bool] | None]:
    """Compare a parsed value with the key: (score in [0, 1], feedback, key points found for rubrics)."""
    fb: list[Bi] = []
    if isinstance(spec, NumberSpec):
        ok, hint = _number_matches(float(expected), value, spec.decimals, spec.integer)
        if hint:
            fb.append(hint)
        return (1.0 if ok else 0.0), fb, None
    if isinstance(spec, (VectorSpec, ShapeSpec)):
        wrong = []
        hints = []
        for i, (e, g) in enumerate(zip(expected, value)):
            if isinstance(spec, ShapeSpec):
                ok = int(e) == int(g)
            else:
                ok, h = _number_matches(float(e), g, spec.decimals, spec.integer)
                if h:
                    hints.append(h)
            if not ok:
                wrong.append(i + 1)
        if wrong and len(expected) > 1:
            fb.append(bi("fb.wrong_items", where=", ".join(map(str, wrong))))
        if hints:
            fb.append(hints[0])
        return (len(expected) - len(wrong)) / len(expected), fb, None
    if isinstance(spec, MatrixSpec):
        wrong_cells = []
        hints = []
        total = 0
        for r, (erow, grow) in enumerate(zip(expected, value)):
            for c, (e, g) in enumerate(zip(erow, grow)):
                total += 1
                ok, h = _number_matches(float(e), g, spec.decimals, spec.integer)
                if h:
                    hints.append(h)
                if not ok:
                    wrong_cells.append(f"({r + 1},{c + 1})")
        if wrong_cells and total > 1:
            shown = ", ".join(wrong_cells[:12]) + (" …" if len(wrong_cells) > 12 else "")
            fb.append(bi("fb.wrong_entries", where=shown))
        if hints:
            fb.append(hints[0])
        return (total - len(wrong_cells)) / total, fb, None
    if isinstance(spec, LabelsSpec):
        exp = list(expected)
        if spec.ordered:
            if len(value) != len(exp):
                return 0.0, fb, None
            right = sum(1 for e, g in zip(exp, value) if e == g)
            if len(exp) > 1 and right < len(exp):
                wrong = [str(i + 1) for i, (e, g) in enumerate(zip(exp, value)) if e != g]
                fb.append(bi("fb.wrong_items", where=", ".join(wrong)))
            return right / max(len(exp), 1), fb, None
        return (1.0 if sorted(value) == sorted(exp) else 0.0), fb, None
    if isinstance(spec, ChoiceSpec):
        exp = sorted(expected) if isinstance(expected, list) else sorted(str(expected))
        got = sorted(value)
        if got == exp:
            return 1.0, fb, None
        wrong_picks = [g for g in got if g not in exp]
        if spec.multiple and not wrong_picks and got:
            fb.append(bi("fb.choice_partial"))
            return 0.5, fb, None
        if wrong_picks and spec.multiple:
            fb.append(bi("fb.choice_wrong_pick", letters="".join(wrong_picks)))
        return 0.0, fb, None
    if isinstance(spec, TrueFalseSpec):
        return (1.0 if bool(value) == bool(expected) else 0.0), fb, None
    if isinstance(spec, FillSpec):
        right = 0
        for i, (alts, got) in enumerate(zip(spec.blanks, value)):
            if _fill_match(alts, got):
                right += 1
            elif len(spec.blanks) > 1:
                fb.append(bi("fb.blank_wrong", i=i + 1))
        return right / len(spec.blanks), fb, None
    if isinstance(spec, RubricSpec):
        found = match_key_points(value, spec)
        hit = [kp.text for kp, f in zip(spec.key_points, found) if f]
        miss = [kp.text for kp, f in zip(spec.key_points, found) if not f]
        if hit:
            fb.append(bi("fb.key_found") + Bi("；".join(k.zh for k in hit), " " + "; ".join(k.en for k in hit)))
        if miss:
            fb.append(bi("fb.key_missed") + Bi("；".join(k.zh for k in miss), " " + "; ".join(k.en for k in miss)))
        return rubric_score(spec, found), fb, found
    raise TypeError(f"unknown answer spec {spec!r}")


def _fill_match(alts: tuple[str, ...], got: str) -> bool:
    g = norm_text(got)
    for alt in alts:
        if norm_text(alt) == g:
            return True
    try:
        gv = parse_number(normalize(got)).value
    except ParseError:
        return False
    for alt in alts:
        try:
            av = parse_number(normalize(alt)).value
        except ParseError:
            continue
        if abs(gv - av) <= (1e-9 if float(av).is_integer() else 0.01 * abs(av)):
            return True
    return False


# ---------------------------------------------------------------- a whole problem
CarryForward = Callable[[str, dict[str, Any]], Any]


def grade_part(problem: Problem, part: Part, text: str | None) -> PartVerdict:
    pv = PartVerdict(name=part.name, label=part.label, points=problem.part_points(part), given=text or "",
                     expected=part.answer)
    if text is None or not str(text).strip():
        pv.blank = True
        return pv
    try:
        value = parse_answer(part.spec, text)
    except FormatError as exc:
        pv.format_error = exc.message
        return pv
    pv.score, pv.feedback, pv.key_points = score_accepted(part, value)
    pv._value = value  # type: ignore[attr-defined]
    return pv


def grade(problem: Problem, answers: str | dict[str, str | None] | None,
          carry_forward: CarryForward | None = None) -> Verdict:
    """Grade every part of a problem. `answers` is the text for a single-part problem or a mapping part → text.

    A part answered wrongly that depends on earlier parts is re-graded against the key recomputed from the
    student's own earlier answers (`carry_forward`), as a human marker gives follow-through credit."""
    if not isinstance(answers, dict):
        if len(problem.parts) == 1:
            answers = {problem.parts[0].name: answers}
        else:
            answers = {}
    names = {p.name for p in problem.parts}
    unknown = [k for k in answers if k not in names]
    if unknown:
        pv = PartVerdict(name=unknown[0], label=same(unknown[0]), points=0.0, given=str(answers[unknown[0]]),
                         expected=None)
        pv.format_error = bi("fmt.unknown_part", name=unknown[0], names=", ".join(sorted(names)))
        return Verdict([pv])
    verdicts: list[PartVerdict] = []
    values: dict[str, Any] = {}
    for part in problem.parts:
        pv = grade_part(problem, part, answers.get(part.name))
        if hasattr(pv, "_value"):
            values[part.name] = pv._value  # type: ignore[attr-defined]
        if (carry_forward is not None and part.depends_on and pv.format_error is None and not pv.blank
                and pv.score < 1.0 and all(d in values for d in part.depends_on)):
            try:
                alt = carry_forward(part.name, {d: _plain(values[d]) for d in part.depends_on})
            except Exception:  # a carry-forward that cannot be computed gives no credit, never a crash
                alt = None
            if alt is not None:
                s, fb, _ = score_answer(part.spec, alt, values[part.name])
                if s > pv.score:
                    pv.score = s
                    pv.carried = True
                    pv.feedback = fb + [bi("fb.carry_forward", part=", ".join(part.depends_on))]
        verdicts.append(pv)
    return Verdict(verdicts)


def _plain(value: Any) -> Any:
    """Parsed values as plain numbers/lists for carry-forward hooks."""
    if isinstance(value, Num):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
