"""Turn what a student typed into a verdict.

Parsing and grading are separate steps (as in PrairieLearn): `parse_answer` returns a value or raises
`FormatError` (the submission is *invalid*: not graded, never a wrong attempt); `score_answer` compares a parsed
value with the key and returns a score in [0, 1] with feedback. Nothing here evaluates student text as code.
Parsing lives in `examgen.answer_parse` (its names are importable from here too); comparing and whole problems here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from examgen.answer_parse import (  # noqa: F401 - re-exported: the parsing half of grading
    LETTERS, MAX_ANSWER, NO_ANSWER, FormatError, norm_text, parse_answer, parse_choice, parse_fill, parse_labels,
    parse_matrix, parse_shape, parse_tf, parse_vector,
)
from examgen.exprparse import Num, ParseError, normalize, parse_number
from examgen.i18n import Bi, bi, same
from examgen.keypoints import clauses, match_key_points  # noqa: F401 - re-exported
from examgen.mathfmt import num as fmt_num
from examgen.model import (
    AnswerSpec, ChoiceSpec, FillSpec, LabelsSpec, MatrixSpec, NumberSpec, Part, Problem, RubricSpec,
    ShapeSpec, TrueFalseSpec, VectorSpec,
)
from examgen.rounding import accepted_parts, may_round, score_accepted


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
    diagnosis: list[Any] = field(default_factory=list)  # examgen.mistakes.Diagnosis, for wrong parts

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
            "diagnosis": [d.to_json(lang) for d in self.diagnosis],
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
            "diagnosis": [d.to_json(lang) for pv in self.parts for d in pv.diagnosis],
        }


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
    scale = 0.02 * abs(expected)
    if not (0 < scale < math.inf):  # 0, a subnormal number, inf or nan: no meaningful digit count
        return 2
    return max(0, math.ceil(-math.log10(scale)))


def _close(expected: float, got: float, decimals: int | None, integer: bool) -> bool:
    """The one numeric match rule: within `tolerance` of the key."""
    return abs(got - expected) <= tolerance(expected, decimals, integer)


def _number_matches(expected: float, got: Num, decimals: int | None, integer: bool) -> tuple[bool, Bi | None]:
    ok = _close(expected, got.value, decimals, integer)
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


_PLAIN = re.compile(r"-?\d+(\.\d*)?$")


def display_value(spec: AnswerSpec, value: Any) -> str:
    """The canonical answer as a student would write it."""
    d = getattr(spec, "decimals", None)
    digits = 4 if d is None else max(d, 2)

    def shown(v: Any) -> str:  # keeps the decimals the question asks for: 0.10, not 0.1, when 2 are asked
        t = fmt_num(v, digits)
        if not d or getattr(spec, "integer", False) or not _PLAIN.match(t):
            return t
        whole, _, frac = t.partition(".")
        return f"{whole}.{frac.ljust(d, '0')}"

    if isinstance(spec, NumberSpec):
        return shown(value)
    if isinstance(spec, ShapeSpec):
        return "×".join(str(v) for v in value)
    if isinstance(spec, VectorSpec):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(spec, MatrixSpec):
        return "; ".join(" ".join(shown(v) for v in row) for row in value)
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


def rubric_score(spec: RubricSpec, found: list[bool]) -> float:
    total = sum(kp.points for kp in spec.key_points) or 1.0
    return sum(kp.points for kp, f in zip(spec.key_points, found) if f) / total


def full_marks(spec: AnswerSpec, expected: Any, value: Any) -> bool:
    """Would the plain value `value` (shaped like a key, not parsed) score 1 against `expected`? The verdict of
    `score_answer` on `as_given(value)` without building its feedback: the mistake check asks it for every draw."""
    if isinstance(spec, NumberSpec):
        return _close(float(expected), float(value), spec.decimals, spec.integer)
    if isinstance(spec, ShapeSpec):
        return all(int(e) == int(g) for e, g in zip(expected, value))
    if isinstance(spec, VectorSpec):
        return all(_close(float(e), float(g), spec.decimals, spec.integer) for e, g in zip(expected, value))
    if isinstance(spec, MatrixSpec):
        return all(_close(float(e), float(g), spec.decimals, spec.integer)
                   for erow, grow in zip(expected, value) for e, g in zip(erow, grow))
    if isinstance(spec, LabelsSpec):
        if spec.ordered:
            return len(value) == len(expected) > 0 and all(e == g for e, g in zip(expected, value))
        return sorted(value) == sorted(expected)
    return score_answer(spec, expected, value)[0] >= 1.0 - 1e-9


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


_NUM = r"[-+]?\d+(?:\.\d+)?"
_SIZE = re.compile(rf"{_NUM}(?:\s*[*xX]\s*{_NUM})+")                        # 55×55×96, 7x7, 55*55*96
_TUPLE = re.compile(rf"[(\[]\s*{_NUM}(?:\s*,\s*{_NUM})+\s*[)\]]|{_NUM}(?:\s*,\s*{_NUM})+")  # (55, 55, 96)
_COUNT_UNIT = re.compile(r"\s*(?:px|pixels?|像素|个)$", re.IGNORECASE)       # 7 px, 9 个: a count, not a format


def _size(text: str) -> tuple[float, ...] | None:
    """The entries of a size typed as a×b(×c), or as a tuple (a, b, c) / [a, b] / a、b、c; None for anything else
    (a plain number, an expression, a word)."""
    s = normalize(text).rstrip(".;,")
    if _SIZE.fullmatch(s):
        return tuple(float(v) for v in re.split(r"\s*[*xX]\s*", s))
    if _TUPLE.fullmatch(s) and ("(" in s or "[" in s or "、" in text):  # a bare 1,234 is a number
        return tuple(float(v) for v in re.findall(_NUM, s))
    return None


def _fill_match(alts: tuple[str, ...], got: str) -> bool:
    """A blank's answer against its key's alternatives: the same text; the same size (a key written 55×55×96 is
    a size, so its product 290400 is not it, and (55, 55, 96) is); or the same number, a count unit allowed. A
    size-like alternative whose product is also a plain alternative (5376 = 21×256) is a product, not a size."""
    g = norm_text(got)
    if any(norm_text(alt) == g for alt in alts):
        return True
    keys = [(_number(alt), _size(alt)) for alt in alts]
    plain = [n.value for n, size in keys if n is not None and size is None]
    sizes = {size for _, size in keys if size is not None and not any(abs(math.prod(size) - v) < 1e-9 for v in plain)}
    got_size = _size(got)
    if got_size is not None and sizes:
        return got_size in sizes
    value = _number(_COUNT_UNIT.sub("", got.strip()))
    return value is not None and any(abs(value.value - n.value) <= _fill_tolerance(n)
                                     for n, size in keys if n is not None and size not in sizes)


def _number(text: str) -> Num | None:
    try:
        return parse_number(normalize(text))
    except ParseError:
        return None


def _fill_tolerance(key: Num) -> float:
    """How far a number typed in a blank may be from a key written as `key`: exact for a whole number; else 1 %
    of it, but never more than half a unit of the key's last written decimal (for 0.999, 1 and 0.99 are wrong)."""
    if float(key.value).is_integer():
        return 1e-9
    tol = 0.01 * abs(key.value)
    if key.decimals is not None:
        tol = min(tol, 0.5 * 10.0 ** (-key.decimals))
    return tol * (1 + 1e-9)


# ---------------------------------------------------------------- a whole problem
CarryForward = Callable[[str, dict[str, Any]], Any]


def grade_part(problem: Problem, part: Part, text: str | None, blank_error: bool = False) -> PartVerdict:
    """One part. A blank answer scores 0 and is marked blank; with `blank_error` it is also a format error
    ("no answer given": `examgen check` with an empty --answer)."""
    pv = PartVerdict(name=part.name, label=part.label, points=problem.part_points(part), given=text or "",
                     expected=part.answer)
    if text is None or not str(text).strip():
        pv.blank = True
        if blank_error:
            pv.format_error = NO_ANSWER
        return pv
    try:
        value = parse_answer(part.spec, text)
    except FormatError as exc:
        pv.format_error = exc.message
        return pv
    pv.score, pv.feedback, pv.key_points = score_accepted(part, value)
    if pv.score < 1.0 - 1e-9 and may_round(part):  # missed the key: the answer rounded as the prompt says?
        full = next((p for p in accepted_parts(problem) if p.name == part.name), part)
        if full.accept != part.accept:
            pv.score, pv.feedback, pv.key_points = score_accepted(full, value)
    pv._value = value  # type: ignore[attr-defined]
    return pv


def grade(problem: Problem, answers: str | dict[str, str | None] | None,
          carry_forward: CarryForward | None = None, blank_is_error: bool = False) -> Verdict:
    """Grade every part of a problem. `answers` is the text for a single-part problem or a mapping part → text.

    A part answered wrongly that depends on earlier parts is re-graded against the key recomputed from the
    student's own earlier answers (`carry_forward`), as a human marker gives follow-through credit. With
    `blank_is_error`, a part that is given but blank is a format error, not an unanswered part."""
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
        pv = grade_part(problem, part, answers.get(part.name), blank_is_error and part.name in answers)
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
    from examgen.mistakes import diagnose  # not on the exam screen's start path

    diagnose(problem, verdicts, values)  # names the mistake behind a wrong part (runs only for wrong parts)
    return Verdict(verdicts)


def _plain(value: Any) -> Any:
    """Parsed values as plain numbers/lists for carry-forward hooks."""
    if isinstance(value, Num):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
