"""The problem model: answer specifications, parts, worked steps and problems (plain dataclasses)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, Union

from examgen.i18n import Bi

Section = Literal["choice", "fill", "short", "calculation", "comprehensive"]
SECTIONS: tuple[str, ...] = ("choice", "fill", "short", "calculation", "comprehensive")

# The nine chapters of the course notes, in order.
CHAPTERS: dict[str, Bi] = {
    "cnn": Bi("卷积神经网络", "Convolutional neural networks"),
    "vision-tasks": Bi("基本图像处理", "Vision tasks and image basics"),
    "image-processing": Bi("进阶图像处理", "Filtering, edges, Otsu and morphology"),
    "classic-cv": Bi("经典视觉方法", "Classical vision methods"),
    "training": Bi("卷积神经网络的优化", "Training and optimization"),
    "transfer": Bi("迁移学习", "Transfer learning"),
    "segmentation": Bi("分割任务", "Segmentation"),
    "detection": Bi("目标检测", "Object detection"),
    "rnn": Bi("循环神经网络", "Recurrent neural networks"),
}


# ---------------------------------------------------------------- answer specifications
@dataclass(frozen=True)
class NumberSpec:
    """A single number. Integers are graded exactly; otherwise the tolerance is the larger of 1 % relative and
    half a unit of the last decimal place asked for (`decimals`)."""

    decimals: int | None = None
    integer: bool = False
    kind: str = "number"


@dataclass(frozen=True)
class VectorSpec:
    """A list of numbers (a length-1 vector may be typed as a bare number); per-entry partial credit."""

    length: int
    decimals: int | None = None
    integer: bool = False
    kind: str = "vector"


@dataclass(frozen=True)
class ShapeSpec:
    """A tensor shape such as 7×7×30: whole numbers, graded exactly, per-entry partial credit."""

    length: int
    kind: str = "shape"


@dataclass(frozen=True)
class MatrixSpec:
    """A matrix typed as rows separated by `;` or new lines; per-entry partial credit naming wrong entries."""

    rows: int
    cols: int
    decimals: int | None = None
    integer: bool = False
    kind: str = "matrix"


@dataclass(frozen=True)
class LabelsSpec:
    """A sequence of labels from a fixed set (e.g. kept boxes `A C D`, or edge classes `S W N`).

    `ordered` sequences are compared position by position; unordered ones as sets."""

    labels: tuple[str, ...]
    length: int | None = None
    ordered: bool = True
    kind: str = "labels"


@dataclass(frozen=True)
class ChoiceSpec:
    """Option letters A, B, C …; `multiple` allows several (half credit for a correct subset)."""

    options: int
    multiple: bool = False
    kind: str = "choice"


@dataclass(frozen=True)
class TrueFalseSpec:
    kind: str = "tf"


@dataclass(frozen=True)
class FillSpec:
    """One or more blanks, each with accepted alternatives (both languages)."""

    blanks: tuple[tuple[str, ...], ...]
    kind: str = "fill"


@dataclass(frozen=True)
class KeyPoint:
    """One key point of a short-answer rubric: found when every keyword group has a synonym in the answer, or
    every group of `clause_keywords` has one in a single clause of it (a claim that counts only next to what it
    is about: "Xavier … tanh" in one clause, not "Xavier suits ReLU, He suits tanh")."""

    text: Bi
    points: float
    keywords: tuple[tuple[str, ...], ...]
    clause_keywords: tuple[tuple[str, ...], ...] = ()
    deny_negated: bool = False  # a keyword right after a negation (不冻结, do not freeze) is no evidence


@dataclass(frozen=True)
class RubricSpec:
    key_points: tuple[KeyPoint, ...]
    kind: str = "rubric"


AnswerSpec = Union[
    NumberSpec, VectorSpec, ShapeSpec, MatrixSpec, LabelsSpec, ChoiceSpec, TrueFalseSpec, FillSpec, RubricSpec
]


# ---------------------------------------------------------------- problems
@dataclass(slots=True)
class Part:
    """One answer of a problem. Single-answer problems have one part named "".

    `accept` holds other values graded as right, each within the same tolerance as `answer`: the answer reached
    with intermediates rounded as the prompt says (`examgen.rounding`). Not part of the answer key's JSON."""

    name: str
    label: Bi
    spec: AnswerSpec
    answer: Any
    weight: float = 1.0
    depends_on: tuple[str, ...] = ()
    accept: tuple[Any, ...] = ()


@dataclass(slots=True)
class Step:
    """One step of a worked solution.

    `formula` is the general formula, `work` the same with the numbers substituted, `result` the value; all three
    are Typst math strings that `examgen.mathfmt.to_unicode` turns into plain text for the terminal."""

    title: Bi
    formula: str = ""
    work: str = ""
    result: str = ""
    part: str = ""
    note: Bi | None = None

    def to_json(self) -> dict[str, Any]:
        title, note = self.title, self.note
        out: dict[str, Any] = {"title": {"zh": title.zh, "en": title.en}, "formula": self.formula,
                               "work": self.work, "result": self.result}
        if self.part:
            out["part"] = self.part
        if note is not None:
            out["note"] = {"zh": note.zh, "en": note.en}
        return out


@dataclass
class Figure:
    """Data shown with a prompt: an image as a grid of cells, a kernel as a matrix, or a table."""

    kind: Literal["grid", "matrix", "table"]
    label: Bi
    rows: list[list[str]]
    header: list[str] | None = None
    highlight: list[tuple[int, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "label": self.label.to_json(), "rows": self.rows}
        if self.header is not None:
            out["header"] = self.header
        if self.highlight:
            out["highlight"] = [list(rc) for rc in self.highlight]
        return out


_ARTICLE = re.compile(r"\b(a|an|A|An) (?=\$?(\d+))")


def english_articles(text: str) -> str:
    """'a' or 'an' before a number as it is read: an 8 × 8 map, an 11 × 11 kernel, an 18-layer net, an 80, but
    a 7 × 7 grid, a 110 (a hundred and ten)."""
    if not _ARTICLE.search(text):
        return text

    def fix(m: re.Match[str]) -> str:
        n = m[2]
        an = n[0] == "8" or (len(n) % 3 == 2 and n[:2] in ("11", "18"))
        word = "an" if an else "a"
        return (word.capitalize() if m[1][0] == "A" else word) + " "

    return _ARTICLE.sub(fix, text)


@dataclass
class Prompt:
    """What a solver-independent prompt builder returns: the text and its figures (English articles fitted to
    the numbers drawn: 'a {n} × {n} grid' reads 'an 8 × 8 grid')."""

    text: Bi
    figures: list[Figure] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = Bi(self.text.zh, english_articles(self.text.en))


@dataclass
class Solution:
    """What a solver returns: the answers (as parts) and the worked steps."""

    parts: list[Part]
    steps: list[Step]

    @property
    def answer(self) -> Any:
        return answer_of(self.parts)


def answer_of(parts: list[Part]) -> Any:
    if len(parts) == 1 and parts[0].name == "":
        return parts[0].answer
    return {p.name: p.answer for p in parts}


@dataclass
class Problem:
    """A generated (or bank) problem, ready to render, grade and export."""

    kind: str
    seed: int | None
    section: str
    topic: str
    points: float
    params: dict[str, Any]
    prompt: Bi
    parts: list[Part]
    steps: list[Step]
    figures: list[Figure] = field(default_factory=list)
    options: list[Bi] = field(default_factory=list)
    explanation: Bi | None = None
    item_id: str | None = None
    title: Bi | None = None

    @property
    def answer(self) -> Any:
        return answer_of(self.parts)

    @property
    def ref(self) -> str:
        """A stable reference: the bank id, or `kind:seed`."""
        return self.item_id if self.item_id else f"{self.kind}:{self.seed}"

    def all_part_points(self) -> list[float]:
        """The problem's points split over its parts by weight, in half points where the total allows it (as a
        marking scheme would), otherwise to 0.01; the shares always add up to the problem's points."""
        return list(_split_points(self.points, tuple(p.weight for p in self.parts)))

    def part_points(self, part: Part) -> float:
        return self.all_part_points()[next(i for i, p in enumerate(self.parts) if p is part)]

    def with_points(self, points: float) -> "Problem":
        """The same problem worth a different number of points. Parts scale with it, and so do the key points of
        a short-answer rubric, so the marking scheme a TA reads adds up to the points on the paper."""
        from dataclasses import replace

        parts = [replace(p, spec=_scale_rubric(p.spec, share)) if isinstance(p.spec, RubricSpec) else p
                 for p, share in zip(self.parts, replace(self, points=points).all_part_points())]
        return replace(self, points=points, parts=parts)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "seed": self.seed,
            "section": self.section,
            "topic": self.topic,
            "points": self.points,
            "params": self.params,
            "prompt": self.prompt.to_json(),
            "answer": self.answer,
            "steps": [s.to_json() for s in self.steps],
            "parts": [
                {"name": p.name, "label": p.label.to_json(), "spec": spec_to_json(p.spec), "answer": p.answer,
                 "points": pts}
                for p, pts in zip(self.parts, self.all_part_points())
            ],
        }
        if self.figures:
            out["figures"] = [f.to_json() for f in self.figures]
        if self.options:
            out["options"] = [o.to_json() for o in self.options]
        if self.explanation is not None:
            out["explanation"] = self.explanation.to_json()
        if self.item_id:
            out["id"] = self.item_id
        return out


@lru_cache(maxsize=1024)
def _split_points(points: float, weights: tuple[float, ...]) -> tuple[float, ...]:
    """See `Problem.all_part_points` (a pure function of the points and the part weights, so it is cached)."""
    total = sum(weights) or 1.0
    raw = [points * w / total for w in weights]
    unit = 0.5 if abs(points * 2 - round(points * 2)) < 1e-9 and points >= 0.5 * len(raw) else 0.01
    units = [int(r / unit + 1e-9) for r in raw]
    left = int(round(points / unit)) - sum(units)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] / unit - units[i]), i))
    for i in order[:max(left, 0)]:
        units[i] += 1
    return tuple(round(u * unit, 2) for u in units)


def _scale_rubric(spec: RubricSpec, points: float) -> RubricSpec:
    """Key points rescaled to add up to `points`, in half points (largest remainder), keeping their proportions."""
    from dataclasses import replace

    total = sum(kp.points for kp in spec.key_points)
    if total <= 0 or abs(total - points) < 1e-9:
        return spec
    raw = [kp.points * points / total for kp in spec.key_points]
    halves = [int(r * 2 + 1e-9) for r in raw]
    left = int(round(points * 2)) - sum(halves)
    for i in sorted(range(len(raw)), key=lambda i: (-(raw[i] * 2 - halves[i]), i))[:max(left, 0)]:
        halves[i] += 1
    if any(h == 0 for h in halves) or abs(sum(halves) / 2 - points) > 1e-9:
        return replace(spec, key_points=tuple(replace(kp, points=round(r, 2)) for kp, r in zip(spec.key_points, raw)))
    return replace(spec, key_points=tuple(replace(kp, points=h / 2) for kp, h in zip(spec.key_points, halves)))


_SPEC_FIELDS: dict[type, tuple[str, ...]] = {}


def spec_to_json(spec: AnswerSpec) -> dict[str, Any]:
    names = _SPEC_FIELDS.get(type(spec))
    if names is None:
        from dataclasses import fields

        names = _SPEC_FIELDS[type(spec)] = tuple(f.name for f in fields(spec))
    data = {name: getattr(spec, name) for name in names}
    if isinstance(spec, FillSpec):
        data["blanks"] = [list(b) for b in spec.blanks]
    if isinstance(spec, LabelsSpec):
        data["labels"] = list(spec.labels)
    if isinstance(spec, RubricSpec):
        data = {"kind": "rubric", "key_points": [
            {"text": kp.text.to_json(), "points": kp.points, "keywords": [list(g) for g in kp.keywords],
             **({"clause_keywords": [list(g) for g in kp.clause_keywords]} if kp.clause_keywords else {}),
             **({"deny_negated": True} if kp.deny_negated else {})}
            for kp in spec.key_points]}
    return data
