"""Typical mistakes of a kind and the diagnosis of a wrong answer.

A kind declares its typical mistakes (`MISTAKES = (Mistake(...), ...)` next to its `register`) as alternative
solvers: `wrong(params)` computes what a student with that misconception gets, written as the wrong method (not as
"the key plus one"). When a student's wrong answer to a part matches a mistake's value within the grading
tolerance (and that value is not itself accepted as the key), the verdict names the mistake and the step of the
worked solution where it goes wrong. `Kind.generate` rejects a draw where a mistake gives the key's own value, so
a wrong method never scores. The diagnosis runs only for wrong parts: the grading of right answers costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from examgen.exprparse import Num
from examgen.i18n import Bi
from examgen.model import AnswerSpec, LabelsSpec, MatrixSpec, NumberSpec, Part, Problem, ShapeSpec, Step, VectorSpec

if TYPE_CHECKING:
    from examgen.grading import PartVerdict
    from examgen.registry import Kind


@dataclass(frozen=True)
class Mistake:
    """One misconception. `wrong(params)` returns the student's value: a bare value for a single-answer problem,
    or {part name: value} for the parts the mistake changes; None when the mistake does not apply to these
    params. `step` is the start of the English title of the worked-solution step where it goes wrong (or a tuple
    of such starts, the first found is taken: a kind whose variants title the step differently)."""

    id: str
    text: Bi
    step: str | tuple[str, ...]
    wrong: Callable[[dict[str, Any]], Any]

    def values(self, params: dict[str, Any]) -> dict[str, Any]:
        value = self.wrong(params)
        if value is None:
            return {}
        return value if isinstance(value, dict) else {"": value}


@dataclass(frozen=True)
class Diagnosis:
    """A mistake found in one part's answer, with the step of the worked solution (1-based) where it goes wrong."""

    mistake: Mistake
    part: str
    step_number: int | None
    step: Step | None

    def line(self) -> Bi:
        """One line for the terminal: the mistake, and the step done right."""
        text = self.mistake.text
        if self.step is None:
            return Bi(f"可能的错误：{text.zh}", f"Likely mistake: {text.en}")
        from examgen.mathfmt import to_unicode

        shown = to_unicode(self.step.formula or self.step.result)
        right = f"{shown} → {to_unicode(self.step.result)}" if self.step.formula and self.step.result else shown
        return Bi(f"可能的错误：{text.zh}（见第 {self.step_number} 步「{self.step.title.zh}」：{right}）",
                  f"Likely mistake: {text.en} (see step {self.step_number}, “{self.step.title.en}”: {right})")

    def short_line(self) -> Bi:
        """The mistake and the step's title only, without the step's values (practice, before the answer is
        shown: a retry stays a real try)."""
        text = self.mistake.text
        if self.step is None:
            return Bi(f"可能的错误：{text.zh}", f"Likely mistake: {text.en}")
        return Bi(f"可能的错误：{text.zh}（检查第 {self.step_number} 步「{self.step.title.zh}」）",
                  f"Likely mistake: {text.en} (check step {self.step_number}, “{self.step.title.en}”)")

    def to_json(self, lang: str) -> dict[str, Any]:
        return {"id": self.mistake.id, "part": self.part, "text": self.mistake.text.get(lang),
                "step": self.step_number, "step_title": self.step.title.get(lang) if self.step else None}


def find_step(steps: list[Step], title: str | tuple[str, ...]) -> int | None:
    """The 1-based number of the first step whose English title starts with `title` (or one of the titles)."""
    for t in (title,) if isinstance(title, str) else title:
        for i, s in enumerate(steps, start=1):
            if s.title.en.startswith(t):
                return i
    return None


def as_given(spec: AnswerSpec, value: Any) -> Any:
    """A plain value (a key or a mistake's value) in the form `grading.parse_answer` returns."""
    if isinstance(spec, NumberSpec):
        return Num(float(value))
    if isinstance(spec, VectorSpec):
        return [Num(float(v)) for v in value]
    if isinstance(spec, MatrixSpec):
        return [[Num(float(v)) for v in row] for row in value]
    if isinstance(spec, (ShapeSpec, LabelsSpec)):
        return list(value)
    return value


def _shape_ok(spec: AnswerSpec, value: Any) -> bool:
    if isinstance(spec, (VectorSpec, ShapeSpec)):
        return isinstance(value, list) and len(value) == spec.length
    if isinstance(spec, MatrixSpec):
        return isinstance(value, list) and len(value) == spec.rows and all(len(r) == spec.cols for r in value)
    if isinstance(spec, LabelsSpec):  # a list of labels (e.g. the boxes kept by NMS)
        return isinstance(value, list)
    return not isinstance(value, (list, dict))


def accepted(spec: AnswerSpec, expected: Any, given: Any) -> bool:
    """Would `given` (parsed) earn full marks against `expected` (plain)?"""
    from examgen.grading import score_answer

    return score_answer(spec, expected, given)[0] >= 1.0 - 1e-9


def _rounded(spec: AnswerSpec, value: Any) -> Any:
    """A value rounded to the decimals the problem asks for (what a student would type)."""
    d = getattr(spec, "decimals", None)
    if d is None:
        return value
    if isinstance(value, list):
        return [_rounded(spec, v) for v in value]
    return round(float(value), d)


def _same(spec: AnswerSpec, mistake: Any, key: Any) -> bool:
    """Would the mistake's value, exact or rounded as asked, be accepted as the key (or the key for it)?"""
    from examgen.grading import full_marks

    return (full_marks(spec, key, mistake) or full_marks(spec, mistake, key)
            or full_marks(spec, key, _rounded(spec, mistake)))


def kind_of(problem: Problem) -> "Kind | None":
    """The generated kind of a problem (bank items have no mistakes declared)."""
    if problem.item_id is not None:
        return None
    from examgen import registry

    if problem.kind not in registry.index():
        return None
    return registry.get(problem.kind)


def mistake_values(kind: "Kind", params: dict[str, Any]) -> list[tuple[Mistake, dict[str, Any]]]:
    out = []
    for m in kind.mistakes:
        try:
            vals = m.values(params)
        except (ValueError, ZeroDivisionError, IndexError, KeyError):  # the misconception has no value here
            continue
        out.append((m, vals))
    return out


def collides(kind: "Kind", params: dict[str, Any], answer_parts: list[Part]) -> bool:
    """Does a mistake give the key's own answer (every part it changes accepted as the key), so that the wrong
    method would score? Takes the solver's parts, so a draw is judged before its prompt and steps are written."""
    parts = {p.name: p for p in answer_parts}
    for _, vals in mistake_values(kind, params):
        compared = False
        for n, v in vals.items():
            if n in parts and _shape_ok(parts[n].spec, v):
                if not _same(parts[n].spec, v, parts[n].answer):
                    break  # one part tells the mistake from the key: the rest need not be graded
                compared = True
        else:
            if compared:
                return True
    return False


def diagnose(problem: Problem, verdicts: list["PartVerdict"], values: dict[str, Any]) -> None:
    """Name the mistakes behind wrong parts: sets `pv.diagnosis` and adds a feedback line (wrong parts only)."""
    wrong = [pv for pv in verdicts if pv.name in values and pv.score < 1.0 - 1e-9 and not pv.carried
             and pv.format_error is None and not pv.blank]
    if not wrong:
        return
    kind = kind_of(problem)
    if kind is None or not kind.mistakes:
        return
    parts: dict[str, Part] = {p.name: p for p in problem.parts}
    computed = mistake_values(kind, problem.params)
    for pv in wrong:
        part = parts[pv.name]
        for m, vals in computed:
            value = vals.get(pv.name)
            if value is None or not _shape_ok(part.spec, value):
                continue
            if accepted(part.spec, value, values[pv.name]) and not accepted(part.spec, part.answer,
                                                                            as_given(part.spec, value)):
                n = find_step(problem.steps, m.step)
                d = Diagnosis(m, pv.name, n, problem.steps[n - 1] if n else None)
                pv.diagnosis.append(d)
                pv.feedback.append(d.line())
