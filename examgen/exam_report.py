"""Grading a whole paper: one result per item, totals by section and chapter, the report as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from examgen.answer_sheet import correct_text
from examgen.model import CHAPTERS, RubricSpec

if TYPE_CHECKING:
    from examgen.exam import Exam, ExamItem, ExamSection


@dataclass
class ItemResult:
    item: ExamItem
    verdict: Any                          # examgen.grading.Verdict
    answers: dict[str, str]
    self_marked: bool = False

    @property
    def points(self) -> float:
        return float(self.item.problem.points)

    @property
    def earned(self) -> float:
        return float(self.verdict.earned)

    @property
    def rubric(self) -> bool:
        return any(isinstance(p.spec, RubricSpec) for p in self.item.problem.parts)

    @property
    def auto_estimate(self) -> bool:
        """A short answer scored from key words only (not self-marked)."""
        return self.rubric and not self.self_marked and any(not pv.blank for pv in self.verdict.parts)

    @property
    def status(self) -> str:
        return self.verdict.status


@dataclass
class Report:
    exam: Exam
    results: list[ItemResult]
    exam_id: int | None = None
    time_used_s: float | None = None
    duration_s: float | None = None
    reason: str | None = None
    mode: str | None = None
    submitted_at: float | None = None

    @property
    def total(self) -> float:
        return round(sum(r.earned for r in self.results), 2)

    @property
    def max_total(self) -> float:
        return round(sum(r.points for r in self.results), 2)

    def sections(self) -> list[tuple[ExamSection, float, float]]:
        out = []
        for sec in self.exam.sections:
            rs = [r for r in self.results if r.item.section == sec.id]
            out.append((sec, round(sum(r.earned for r in rs), 2), round(sum(r.points for r in rs), 2)))
        return out

    def chapters(self) -> list[tuple[str, float, float, int]]:
        acc: dict[str, list[float]] = {}
        for r in self.results:
            a = acc.setdefault(r.item.chapter, [0.0, 0.0, 0])
            a[0] += r.earned
            a[1] += r.points
            a[2] += 1
        order = {c: i for i, c in enumerate(CHAPTERS)}
        return [(c, round(v[0], 2), round(v[1], 2), int(v[2]))
                for c, v in sorted(acc.items(), key=lambda kv: order.get(kv[0], 99))]

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "exam_id": self.exam_id, "seed": self.exam.seed, "blueprint": self.exam.blueprint,
            "title": self.exam.title.get(lang), "mode": self.mode, "submitted": self.reason,
            "time_used_s": None if self.time_used_s is None else round(self.time_used_s, 1),
            "duration_s": self.duration_s,
            "total": self.total, "max_total": self.max_total,
            "sections": {sec.id: {"title": sec.title.get(lang), "score": got, "max": mx}
                         for sec, got, mx in self.sections()},
            "chapters": {c: {"title": CHAPTERS[c].get(lang) if c in CHAPTERS else c, "score": got, "max": mx,
                             "items": n} for c, got, mx, n in self.chapters()},
            "auto_estimates": [r.item.number for r in self.results if r.auto_estimate],
            "items": [_item_json(r, lang) for r in self.results],
        }


def _item_json(r: ItemResult, lang: str) -> dict[str, Any]:
    pr = r.item.problem
    out = {
        "number": r.item.number, "section": r.item.section, "slot": r.item.slot, "kind": pr.kind,
        "id": pr.item_id, "seed": r.item.seed, "chapter": pr.topic, "points": r.points, "earned": r.earned,
        "status": r.status, "auto_estimate": r.auto_estimate, "self_marked": r.self_marked,
        "answers": r.answers,
        "expected": {p.name: correct_text(pr, p, lang) for p in pr.parts},
        "parts": [pv.to_json(lang) for pv in r.verdict.parts],
    }
    return out


SelfMarks = dict[tuple[int, str], list[bool]]


def grade_exam(exam: Exam, answers: dict[int, dict[str, str]], self_marks: SelfMarks | None = None,
               **meta: Any) -> Report:
    """Grade every item; a short answer's key points may be overridden by the student's own marking."""
    from examgen import registry
    from examgen.grading import grade, rubric_score

    kinds = registry.load_all()
    marks = self_marks or {}
    results = []
    for it in exam.items:
        pr = it.problem
        given = {k: v for k, v in (answers.get(it.number) or {}).items() if v is not None and str(v).strip()}
        carry: Callable[..., Any] | None = None
        if pr.item_id is None and pr.kind in kinds:
            carry = kinds[pr.kind].carry(pr.params)
        single = len(pr.parts) == 1 and pr.parts[0].name == ""
        verdict = grade(pr, given.get("") if single else dict(given), carry)
        self_marked = False
        for part, pv in zip(pr.parts, verdict.parts):
            mk = marks.get((it.number, part.name))
            if isinstance(part.spec, RubricSpec) and mk is not None and not pv.blank and pv.format_error is None \
                    and len(mk) == len(part.spec.key_points):
                pv.key_points = list(mk)
                pv.score = rubric_score(part.spec, list(mk))
                self_marked = True
        results.append(ItemResult(it, verdict, given, self_marked))
    return Report(exam, results, **meta)
