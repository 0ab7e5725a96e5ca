"""Mock exams: a paper built from a seed and a blueprint, saved and rebuilt, and the paper as JSON.

Every slot gets its own seed, derived from the exam seed and the slot id only (`slot_seed`), so the same seed
always gives the same paper and editing one slot does not reshuffle the others. Rules that span slots (must-include
kinds, the minimum number of chapters, no item twice, a continuation item only right after its parent) are applied
afterwards and touch as few slots as possible.

The blueprint lives in `examgen.blueprint`, answers as text and answer sheets in `examgen.answer_sheet`, grading a
paper in `examgen.exam_report`; their public names are importable from here too.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from examgen.answer_sheet import (  # noqa: F401 - re-exported
    answer_value, correct_text, part_answer_value, read_sheet, sheet_answers, value_to_text,
)
from examgen.blueprint import (  # noqa: F401 - re-exported
    BANK_TYPES, DEFAULT_SECTION_TITLES, DEFAULT_TITLE, MAX_DURATION_MIN, SOURCES, Blueprint, BlueprintSection, Slot,
    load_blueprint, parse_blueprint, resolve_blueprint, shipped_blueprint,
)
from examgen.errors import UserError
from examgen.exam_report import ItemResult, Report, SelfMarks, grade_exam  # noqa: F401 - re-exported
from examgen.i18n import Bi, bi
from examgen.model import Problem, RubricSpec

__all__ = [
    "BANK_TYPES", "DEFAULT_SECTION_TITLES", "DEFAULT_TITLE", "MAX_DURATION_MIN", "SOURCES", "Blueprint",
    "BlueprintSection", "Exam", "ExamItem", "ExamSection", "ItemResult", "Report", "SelfMarks", "Slot",
    "answer_value", "available_kinds", "bank_for", "build_exam", "correct_text", "exam_from_record", "exam_record",
    "grade_exam", "lint_blueprint", "load_blueprint", "own_answer_full_marks", "paper_json", "parse_blueprint", "part_answer_value",
    "read_sheet", "resolve_blueprint", "sheet_answers", "shipped_blueprint", "slot_seed", "value_to_text",
]

@dataclass
class ExamItem:
    number: int
    section: str
    slot: str
    problem: Problem
    seed: int | None

    @property
    def chapter(self) -> str:
        return self.problem.topic

    @property
    def ref(self) -> str:
        return self.problem.ref


@dataclass
class ExamSection:
    id: str
    title: Bi
    points: float
    items: list[ExamItem]


@dataclass
class Exam:
    seed: int
    title: Bi
    duration_min: int
    blueprint: str
    sections: list[ExamSection]
    bank_dir: str | None = None
    blueprint_text: str | None = None

    @property
    def items(self) -> list[ExamItem]:
        return [it for sec in self.sections for it in sec.items]

    @property
    def total_points(self) -> float:
        return round(sum(sec.points for sec in self.sections), 2)

    def item(self, number: int) -> ExamItem:
        return self.items[number - 1]

    def section_of(self, item: ExamItem) -> ExamSection:
        return next(sec for sec in self.sections if sec.id == item.section)


# ---------------------------------------------------------------- seeds
def slot_seed(exam_seed: int, slot_id: str) -> int:
    """The seed of one slot: a function of the exam seed and the slot id only (nine digits, readable)."""
    digest = hashlib.sha256(f"examgen-exam:{int(exam_seed)}:{slot_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 1_000_000_000


def _rank(seed: int, key: str) -> bytes:
    """A candidate's rank inside a slot: stable when other candidates are added or removed."""
    return hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=8).digest()


# ---------------------------------------------------------------- the bank (cached on disk)


def bank_for(bank_dir: str | None = None) -> Any:
    """The question bank (`examgen.bank.load_bank`, parsed once per process)."""
    from examgen import bank as bankmod

    return bankmod.load_bank(bank_dir)


_RUBRIC_OK: dict[str, bool] = {}


def _rubric_key(item: Any) -> str:
    return f"{item.file}:{item.line}:{item.id}"


def own_answer_full_marks(item: Any) -> bool:
    """A short-answer item is only used when each reference answer finds every key point of its own rubric."""
    if item.type != "short" or getattr(item, "checked", False):   # the bank's loader checked it already
        return True
    key = _rubric_key(item)
    if key not in _RUBRIC_OK:
        from examgen.grading import match_key_points

        spec = RubricSpec(tuple(item.rubric))
        ok = bool(item.rubric) and isinstance(item.answer, dict)
        if ok:
            for lg in ("zh", "en"):
                if not all(match_key_points(item.answer.get(lg, ""), spec)):
                    ok = False
        _RUBRIC_OK[key] = ok
    return _RUBRIC_OK[key]


# ---------------------------------------------------------------- building an exam
@dataclass
class _Pick:
    slot: Slot
    seed: int
    ranked: list[Any]       # candidates in rank order: kind names or bank items
    index: int = 0          # which candidate is used
    forced: bool = False

    @property
    def choice(self) -> Any:
        return self.ranked[self.index]


def available_kinds(slot: Slot) -> list[str]:
    """The slot's kinds that are registered; the fallback list only when none of them is. (By file name: only
    the modules of the kinds an exam uses are imported.)"""
    from examgen import registry

    kinds = registry.index()
    have = [k for k in slot.kinds if k in kinds]
    if not have:
        have = [k for k in slot.fallback if k in kinds]
    return have


def _chapter_of(pick: _Pick, cand: Any | None = None) -> str:
    from examgen import registry

    c = pick.choice if cand is None else cand
    if pick.slot.source == "kind":
        return registry.get(c).chapter
    return c.chapter


def _key_of(pick: _Pick, cand: Any | None = None) -> str:
    c = pick.choice if cand is None else cand
    return c if pick.slot.source == "kind" else f"bank:{c.id}"


def build_exam(seed: int, blueprint: "str | Blueprint | None" = None, bank_dir: str | None = None) -> Exam:
    """The exam of one seed: the same seed, blueprint and bank always give the same paper."""
    from examgen import registry

    seed = registry.check_seed(int(seed))
    bp = resolve_blueprint(blueprint)
    where = bp.path or bp.name
    b = None
    picks: list[_Pick] = []
    for slot in bp.slots:
        s = slot_seed(seed, slot.id)
        if slot.source == "kind":
            have = available_kinds(slot)
            if not have:
                names = slot.kinds + slot.fallback
                raise UserError(Bi(f"蓝图 {where}：槽位 {slot.id} 的题型都没有安装（{'、'.join(names)}）；"
                                   f"examgen list 列出已安装的题型",
                                   f"blueprint {where}: slot {slot.id}: none of its kinds is installed "
                                   f"({', '.join(names)}); `examgen list` shows the kinds"))
            ranked = sorted(have, key=lambda k: _rank(s, k))
        else:
            if b is None:
                b = bank_for(bank_dir)
            pool = [it for it in b.items if it.type in slot.types
                    and (slot.chapters is None or it.chapter in slot.chapters) and own_answer_full_marks(it)]
            if not pool:
                chs = Bi(f"{'、'.join(slot.chapters)} 章中", f" in chapters {', '.join(slot.chapters)}") \
                    if slot.chapters else Bi("", "")
                types = "/".join(slot.types)
                raise UserError(Bi(f"蓝图 {where}：槽位 {slot.id}：题库{chs.zh}没有 {types} 类型的题目",
                                   f"blueprint {where}: slot {slot.id}: the question bank has no {types} "
                                   f"items{chs.en}"))
            ranked = sorted(pool, key=lambda it: _rank(s, it.id))
        picks.append(_Pick(slot, s, ranked))

    # must-include kinds: the first slot of the section that can hold the kind holds it
    for section, kind in bp.must_include:
        for p in picks:
            if p.slot.section == section and p.slot.source == "kind" and kind in p.ranked and not p.forced:
                p.index, p.forced = p.ranked.index(kind), True
                break
        else:
            raise UserError(Bi(f"蓝图 {where}：must_include：题型 '{kind}' 没有安装（大题 '{section}' 没有槽位能放它）",
                               f"blueprint {where}: must_include: kind '{kind}' is not installed "
                               f"(no slot of section '{section}' can hold it)"))

    _distinct(picks, where)
    _balance(picks, bp, where)
    _continuations(picks, where)

    sections: list[ExamSection] = []
    number = 0
    by_slot = {p.slot.id: p for p in picks}
    for sec in bp.sections:
        items = []
        for slot in sec.slots:
            p = by_slot[slot.id]
            number += 1
            if slot.source == "kind":
                problem = registry.get(p.choice).generate(p.seed).with_points(slot.points)
                items.append(ExamItem(number, sec.id, slot.id, problem, p.seed))
            else:
                problem = p.choice.to_problem().with_points(slot.points)
                items.append(ExamItem(number, sec.id, slot.id, problem, None))
        sections.append(ExamSection(sec.id, sec.title, sec.points, items))
    return Exam(seed=seed, title=bp.title, duration_min=bp.duration_min, blueprint=bp.path or bp.name,
                sections=sections, bank_dir=bank_dir, blueprint_text=bp.text if bp.path else None)


def _follows_ok(picks: list[_Pick], k: int, cand: Any) -> bool:
    """A continuation item ("接上题", `follows: <parent id>`) may only stand directly after its parent."""
    parent = getattr(cand, "follows", None) if picks[k].slot.source == "bank" else None
    if parent is None:
        return True
    return k > 0 and picks[k - 1].slot.source == "bank" and picks[k - 1].choice.id == parent


def _distinct(picks: list[_Pick], where: str) -> None:
    """No item twice on a paper. Slot by slot, each takes its best-ranked candidate not already on the paper; when
    its pool has run out, earlier slots move to other candidates of theirs to make room (an augmenting path, so a
    paper that needed no change keeps every pick). A bank slot that still finds nothing refuses the blueprint,
    naming the slots that compete for too few items; a kind slot may repeat a kind (a new problem of its own
    seed)."""
    holder: dict[str, int] = {}            # key → index of the pick holding it
    for k, p in enumerate(picks):
        if p.forced or len(p.ranked) == 1:
            key = _key_of(p)
            if key in holder and p.slot.source == "bank":
                raise _too_few(picks, [holder[key], k], where)
            holder.setdefault(key, k)
    for k, p in enumerate(picks):
        if p.forced or len(p.ranked) == 1:
            continue
        visited: set[int] = set()
        if not _augment(picks, k, holder, visited):
            if p.slot.source == "bank":
                raise _too_few(picks, sorted(visited), where)
            p.index = 0


def _augment(picks: list[_Pick], k: int, holder: dict[str, int], visited: set[int]) -> bool:
    """Give pick `k` a candidate no other pick holds, moving earlier picks along if needed (Kuhn's algorithm)."""
    visited.add(k)
    p = picks[k]
    for i, cand in enumerate(p.ranked):            # first: a free candidate, best rank first
        key = _key_of(p, cand)
        if key not in holder and _follows_ok(picks, k, cand):
            p.index = i
            holder[key] = k
            return True
    for i, cand in enumerate(p.ranked):            # then: take one from a pick that can move elsewhere
        key = _key_of(p, cand)
        other = holder.get(key)
        if other is None or other in visited or picks[other].forced or len(picks[other].ranked) == 1:
            continue
        if not _follows_ok(picks, k, cand):
            continue
        if _augment(picks, other, holder, visited):
            p.index = i
            holder[key] = k
            return True
    return False


_TYPE_WORDS = {"single": Bi("单选", "single-choice"), "multiple": Bi("多选", "multiple-choice"),
               "tf": Bi("判断", "true/false"), "fill": Bi("填空", "fill-in"), "short": Bi("简答", "short-answer")}


def _too_few(picks: list[_Pick], ks: list[int], where: str) -> UserError:
    """"slots fill-6 and fill-7 ask for more classic-cv true/false items than the bank has (1)"."""
    slots = [picks[k].slot for k in ks]
    pool = {_key_of(picks[k], c) for k in ks for c in picks[k].ranked}
    names = [s.id for s in slots]
    listed_en = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    listed_zh = "、".join(names)
    s0 = slots[0]
    if all(s.types == s0.types and s.chapters == s0.chapters for s in slots):
        types = [_TYPE_WORDS.get(t, Bi(t, t)) for t in s0.types]
        chapters = s0.chapters or []
        what_en = " ".join(filter(None, [", ".join(chapters), "/".join(t.en for t in types)])) + " items"
        what_zh = (f"{'、'.join(chapters)} 章的" if chapters else "") + "/".join(t.zh for t in types) + "题"
    else:
        what_en, what_zh = "items of their types and chapters", "符合其题型和章节的题"
    return UserError(Bi(f"蓝图 {where}：槽位 {listed_zh} 需要的{what_zh}比题库中的多（题库只有 {len(pool)} 道）；"
                        f"同一道题不会在一份试卷上出现两次，请放宽这些槽位的 types 或 chapters，或减少槽位",
                        f"blueprint {where}: {'slot' if len(names) == 1 else 'slots'} {listed_en} "
                        f"{'asks' if len(names) == 1 else 'ask'} for more {what_en} than the bank has "
                        f"({len(pool)}); no item appears twice on a paper: widen their types or chapters, or use "
                        f"fewer slots"))


def _continuations(picks: list[_Pick], where: str) -> None:
    """After the other rules: a continuation item whose parent is not directly before it is replaced by the slot's
    best candidate not on the paper."""
    for k, p in enumerate(picks):
        if _follows_ok(picks, k, p.choice):
            continue
        on_paper = {_key_of(q) for q in picks}
        for i, cand in enumerate(p.ranked):
            if _key_of(p, cand) not in on_paper and _follows_ok(picks, k, cand):
                p.index = i
                break
        else:
            raise _too_few(picks, [k], where)


def _balance(picks: list[_Pick], bp: Blueprint, where: str) -> None:
    """Reach the minimum number of chapters by changing as few slots as possible, deterministically: a slot whose
    chapter is held by another slot too takes its best-ranked candidate from a missing chapter."""
    counts = Counter(_chapter_of(p) for p in picks)
    while len(counts) < bp.min_chapters:
        used = {_key_of(p) for p in picks}
        best: tuple[int, int, _Pick, int] | None = None
        for order, p in enumerate(picks):
            if p.forced or counts[_chapter_of(p)] < 2:
                continue
            for i, cand in enumerate(p.ranked):
                if (_chapter_of(p, cand) not in counts and _key_of(p, cand) not in used
                        and _follows_ok(picks, order, cand)):
                    if best is None or (i, order) < best[:2]:
                        best = (i, order, p, i)
                    break
        if best is None:
            raise UserError(Bi(f"蓝图 {where}：这些槽位覆盖不到 {bp.min_chapters} 章（只有 {len(counts)} 章）；"
                               f"请放宽槽位的 chapters，或降低 balance.min_chapters",
                               f"blueprint {where}: cannot reach {bp.min_chapters} chapters with these slots "
                               f"(only {len(counts)}); widen the slots' chapters or lower balance.min_chapters"))
        _, _, p, i = best
        counts[_chapter_of(p)] -= 1
        if counts[_chapter_of(p)] == 0:
            del counts[_chapter_of(p)]
        p.index = i
        counts[_chapter_of(p)] += 1


LINT_SEEDS = 50


def lint_blueprint(blueprint: str | None = None, bank_dir: str | None = None) -> list[str]:
    """A blueprint checked against the bank (`examgen bank lint`): it loads, and papers of `LINT_SEEDS` seeds
    build with no item twice and every continuation item right after its parent. One message per problem."""
    try:
        bp = resolve_blueprint(blueprint)
    except UserError as exc:
        return [exc.en]
    problems: list[str] = []
    for seed in range(1, LINT_SEEDS + 1):
        try:
            ex = build_exam(seed, bp, bank_dir)
        except UserError as exc:
            if exc.en not in problems:
                problems.append(exc.en)
            continue
        refs = [it.problem.ref for it in ex.items]
        twice = sorted({r for r in refs if refs.count(r) > 1})
        if twice:
            problems.append(f"blueprint {bp.path or bp.name}: seed {seed}: {', '.join(twice)} twice on the paper")
    return problems


# ---------------------------------------------------------------- saving and rebuilding an exam
def exam_record(exam: Exam) -> dict[str, Any]:
    """What the store keeps to rebuild the exam exactly: the item references, not the problems."""
    return {
        "seed": exam.seed, "title": exam.title.to_json(), "duration_min": exam.duration_min,
        "blueprint": exam.blueprint, "bank_dir": exam.bank_dir,
        "sections": [{"id": s.id, "title": s.title.to_json(), "points": s.points,
                      "items": [{"number": it.number, "slot": it.slot, "kind": it.problem.kind,
                                 "id": it.problem.item_id, "seed": it.seed, "points": it.problem.points}
                                for it in s.items]} for s in exam.sections],
    }


def exam_from_record(rec: dict[str, Any], exam_id: int | None = None) -> Exam:
    from examgen import registry

    b = None
    sections = []
    for s in rec["sections"]:
        items = []
        for it in s["items"]:
            if it.get("id"):
                if b is None:
                    b = bank_for(rec.get("bank_dir"))
                item = b.by_id().get(it["id"])
                if item is None:
                    raise UserError(bi("exam.item_gone", id=exam_id, item=it["id"]))
                problem = item.to_problem().with_points(it["points"])
            else:
                kinds = registry.load_all()
                if it["kind"] not in kinds:
                    raise UserError(bi("exam.kind_gone", id=exam_id, kind=it["kind"]))
                problem = kinds[it["kind"]].generate(it["seed"]).with_points(it["points"])
            items.append(ExamItem(it["number"], s["id"], it["slot"], problem, it.get("seed")))
        sections.append(ExamSection(s["id"], Bi.from_json(s["title"]), s["points"], items))
    return Exam(seed=rec["seed"], title=Bi.from_json(rec["title"]), duration_min=rec["duration_min"],
                blueprint=rec["blueprint"], sections=sections, bank_dir=rec.get("bank_dir"))


# ---------------------------------------------------------------- the paper as JSON
def paper_json(exam: Exam, lang: str) -> dict[str, Any]:
    from examgen.mathfmt import unicode_text

    items = []
    for it in exam.items:
        pr = it.problem
        entry: dict[str, Any] = {
            "number": it.number, "section": it.section, "slot": it.slot, "points": pr.points,
            "kind": pr.kind, "id": pr.item_id, "seed": it.seed, "chapter": pr.topic,
            "prompt": unicode_text(pr.prompt.get(lang)), "prompt_typst": pr.prompt.to_json(),
            "answer": answer_value(pr, lang),
        }
        if pr.options:
            entry["options"] = [unicode_text(o.get(lang)) for o in pr.options]
        if pr.figures:
            entry["figures"] = [f.to_json() for f in pr.figures]
        if len(pr.parts) > 1 or pr.parts[0].name:
            entry["parts"] = [{"name": p.name, "label": p.label.get(lang), "points": pr.part_points(p)}
                              for p in pr.parts]
        items.append(entry)
    return {
        "seed": exam.seed, "title": exam.title.get(lang), "blueprint": exam.blueprint,
        "duration_min": exam.duration_min, "total": exam.total_points,
        "sections": [{"id": s.id, "title": s.title.get(lang), "points": s.points,
                      "items": [it.number for it in s.items]} for s in exam.sections],
        "items": items,
    }
