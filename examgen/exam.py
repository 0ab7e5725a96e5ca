"""Mock exams: the blueprint, a paper built from a seed, grading a whole paper, the report data.

The blueprint (`question_bank/blueprint.yaml`, or a teacher's own file) lists sections of slots. Every slot gets
its own seed, derived from the exam seed and the slot id only (`slot_seed`), so the same seed always gives the
same paper and editing one slot does not reshuffle the others. A slot is filled either from the question bank
(`source: bank`) or by generating a problem of a kind (`source: kind`). Rules that span slots (must-include kinds,
the minimum number of chapters, no item twice) are applied afterwards and touch as few slots as possible.
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from examgen.errors import UserError
from examgen.i18n import Bi
from examgen.model import (
    CHAPTERS, ChoiceSpec, FillSpec, LabelsSpec, MatrixSpec, NumberSpec, Part, Problem, RubricSpec, ShapeSpec,
    TrueFalseSpec, VectorSpec,
)

BANK_TYPES = ("single", "multiple", "tf", "fill", "short")
SOURCES = ("bank", "kind")
DEFAULT_SECTION_TITLES = {
    "objective": Bi("一、选择填空题", "I. Choice and fill-in"),
    "short": Bi("二、简答题", "II. Short answer"),
    "calculation": Bi("三、计算题", "III. Calculation"),
    "comprehensive": Bi("四、综合题", "IV. Comprehensive"),
}
DEFAULT_TITLE = Bi("深度学习与计算机视觉 期末模拟考试", "Deep learning and computer vision: mock final exam")
MAX_DURATION_MIN = 600


# ---------------------------------------------------------------- data
@dataclass
class Slot:
    """One blueprint slot."""

    id: str
    section: str
    source: str
    points: float
    kinds: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    chapters: list[str] | None = None
    fallback: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class BlueprintSection:
    id: str
    title: Bi
    points: float
    slots: list[Slot]


@dataclass
class Blueprint:
    name: str
    title: Bi
    duration_min: int
    total: float
    min_chapters: int
    must_include: list[tuple[str, str]]
    sections: list[BlueprintSection]
    path: str | None = None
    text: str | None = None

    @property
    def slots(self) -> list[Slot]:
        return [s for sec in self.sections for s in sec.slots]


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


# ---------------------------------------------------------------- blueprint loading and validation
def shipped_blueprint() -> Path:
    from examgen.bank import shipped_dir

    return shipped_dir() / "blueprint.yaml"


class _Map(dict):
    line: int = 0
    lines: dict[str, int] = {}


def _yaml_loader() -> type:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    def construct(loader: Any, node: Any, deep: bool = False) -> _Map:
        m = _Map(yaml.SafeLoader.construct_mapping(loader, node, deep=deep))
        m.line = node.start_mark.line + 1
        m.lines = {getattr(k, "value", None): k.start_mark.line + 1 for k, _ in node.value}
        return m

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct)
    return Loader


_BP_CACHE: dict[tuple[str, int, int], Blueprint] = {}


def load_blueprint(path: str | None = None) -> Blueprint:
    """The blueprint at `path` (None = the shipped `question_bank/blueprint.yaml`); a `UserError` naming the file
    and line for anything wrong."""
    p = Path(path).expanduser() if path is not None else shipped_blueprint()
    shown = str(path) if path is not None else "blueprint.yaml"
    try:
        st = p.stat()
    except OSError as exc:
        raise UserError(f"cannot read blueprint {shown}: {exc.strerror or exc}") from None
    if p.is_dir():
        raise UserError(f"cannot read blueprint {shown}: it is a directory")
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    if key in _BP_CACHE:
        return _BP_CACHE[key]
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read blueprint {shown}: {getattr(exc, 'strerror', None) or exc}") from None
    bp = parse_blueprint(text, shown, name=None if path is not None else "default")
    if path is not None:
        bp.path = str(p)
    else:
        bp.text = None  # the shipped blueprint is found again by name
    _BP_CACHE[key] = bp
    return bp


def parse_blueprint(text: str, shown: str = "blueprint", name: str | None = None) -> Blueprint:
    import yaml

    try:
        data = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"{shown}:{line}: invalid YAML: {problem}") from None
    v = _Validator(shown)
    bp = v.blueprint(data)
    bp.text = text
    if name is not None:
        bp.name = name
    elif not bp.name:
        bp.name = shown
    return bp


class _Validator:
    def __init__(self, shown: str) -> None:
        self.shown = shown

    def fail(self, line: int, message: str) -> UserError:
        return UserError(f"{self.shown}:{line}: {message}")

    def _line(self, d: Any, key: str | None = None) -> int:
        if isinstance(d, _Map):
            return d.lines.get(key, d.line) if key else d.line
        return 0

    def _keys(self, d: _Map, allowed: tuple[str, ...], what: str) -> None:
        import difflib

        for k in d:
            if k not in allowed:
                close = difflib.get_close_matches(str(k), allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f"; allowed: {', '.join(allowed)}"
                raise self.fail(self._line(d, k), f"{what}: unknown key '{k}'{hint}")

    def _bi(self, value: Any, line: int, what: str) -> Bi:
        if isinstance(value, str) and value.strip():
            return Bi(value.strip(), value.strip())
        if isinstance(value, dict) and all(isinstance(value.get(lg), str) and value.get(lg).strip()
                                           for lg in ("zh", "en")):
            return Bi(value["zh"].strip(), value["en"].strip())
        raise self.fail(line, f"{what} must be a text or a mapping with zh and en")

    def _number(self, value: Any, line: int, what: str, integer: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or value != value:
            raise self.fail(line, f"{what} must be a positive {'whole ' if integer else ''}number, got {value!r}")
        if integer and not float(value).is_integer():
            raise self.fail(line, f"{what} must be a whole number, got {value!r}")
        return float(value)

    def _names(self, value: Any, line: int, what: str) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(x, str) and x.strip() for x in value):
            raise self.fail(line, f"{what} must be a non-empty list of names")
        return [x.strip() for x in value]

    def blueprint(self, data: Any) -> Blueprint:
        if not isinstance(data, _Map):
            raise self.fail(1, "a blueprint must be a mapping with 'sections' (see docs/exam.md)")
        self._keys(data, ("name", "title", "duration_min", "total", "balance", "must_include", "sections"),
                   "blueprint")
        if "sections" not in data:
            raise self.fail(data.line, "the blueprint has no 'sections'")
        name = str(data.get("name") or "")
        title = self._bi(data["title"], self._line(data, "title"), "title") if "title" in data else DEFAULT_TITLE
        duration = int(self._number(data.get("duration_min", 120), self._line(data, "duration_min"),
                                    "duration_min", integer=True))
        if duration > MAX_DURATION_MIN:
            raise self.fail(self._line(data, "duration_min"),
                            f"duration_min must be at most {MAX_DURATION_MIN}, got {duration}")
        raw_sections = data["sections"]
        if not isinstance(raw_sections, list) or not raw_sections:
            raise self.fail(self._line(data, "sections"), "sections must be a non-empty list")
        sections: list[BlueprintSection] = []
        seen_slots: dict[str, int] = {}
        seen_sections: set[str] = set()
        for raw in raw_sections:
            sections.append(self.section(raw, seen_sections, seen_slots, self._line(data, "sections")))
        total_sections = round(sum(s.points for s in sections), 6)
        if "total" in data:
            total = self._number(data["total"], self._line(data, "total"), "total")
            if abs(total - total_sections) > 1e-6:
                raise self.fail(self._line(data, "total"),
                                f"the sections add up to {total_sections:g} points, not the total {total:g}")
        else:
            total = total_sections
        min_chapters = 1
        if "balance" in data:
            bal = data["balance"]
            if not isinstance(bal, _Map):
                raise self.fail(self._line(data, "balance"), "balance must be a mapping (min_chapters: N)")
            self._keys(bal, ("min_chapters",), "balance")
            mc = bal.get("min_chapters", 1)
            if isinstance(mc, bool) or not isinstance(mc, int) or not 1 <= mc <= len(CHAPTERS):
                raise self.fail(self._line(bal, "min_chapters"),
                                f"balance.min_chapters must be a whole number from 1 to {len(CHAPTERS)}, got {mc!r}")
            n_slots = len(seen_slots)
            if mc > n_slots:
                raise self.fail(self._line(bal, "min_chapters"),
                                f"balance.min_chapters is {mc} but the blueprint has only {n_slots} slots")
            min_chapters = mc
        must: list[tuple[str, str]] = []
        raw_must = data.get("must_include") or []
        if not isinstance(raw_must, list):
            raise self.fail(self._line(data, "must_include"), "must_include must be a list of {section, kind}")
        for rule in raw_must:
            line = self._line(rule) or self._line(data, "must_include")
            if not isinstance(rule, _Map) or not {"section", "kind"} <= set(rule):
                raise self.fail(line, "a must_include rule needs 'section' and 'kind'")
            self._keys(rule, ("section", "kind"), "must_include")
            sec = next((s for s in sections if s.id == rule["section"]), None)
            if sec is None:
                raise self.fail(line, f"must_include: no section '{rule['section']}' "
                                      f"(sections: {', '.join(s.id for s in sections)})")
            kind = str(rule["kind"])
            if not any(s.source == "kind" and kind in s.kinds + s.fallback for s in sec.slots):
                raise self.fail(line, f"must_include: no slot of section '{sec.id}' lists kind '{kind}'")
            must.append((sec.id, kind))
        return Blueprint(name=name, title=title, duration_min=duration, total=total, min_chapters=min_chapters,
                         must_include=must, sections=sections)

    def section(self, raw: Any, seen_sections: set[str], seen_slots: dict[str, int], line0: int) -> BlueprintSection:
        if not isinstance(raw, _Map):
            raise self.fail(line0, "every section must be a mapping with id, points and slots")
        self._keys(raw, ("id", "title", "points", "slots"), "section")
        for key in ("id", "points", "slots"):
            if key not in raw:
                raise self.fail(raw.line, f"section {raw.get('id', '?')}: missing '{key}'")
        sid = str(raw["id"])
        if sid in seen_sections:
            raise self.fail(self._line(raw, "id"), f"duplicate section id '{sid}'")
        seen_sections.add(sid)
        if "title" in raw:
            title = self._bi(raw["title"], self._line(raw, "title"), f"section {sid}: title")
        elif sid in DEFAULT_SECTION_TITLES:
            title = DEFAULT_SECTION_TITLES[sid]
        else:
            raise self.fail(raw.line, f"section {sid}: give it a title (zh and en)")
        points = self._number(raw["points"], self._line(raw, "points"), f"section {sid}: points")
        slots_raw = raw["slots"]
        if not isinstance(slots_raw, list) or not slots_raw:
            raise self.fail(self._line(raw, "slots"), f"section {sid}: slots must be a non-empty list")
        slots = [self.slot(s, sid, seen_slots, self._line(raw, "slots")) for s in slots_raw]
        got = round(sum(s.points for s in slots), 6)
        if abs(got - points) > 1e-6:
            raise self.fail(self._line(raw, "points"),
                            f"section {sid}: its slots add up to {got:g} points, not {points:g}")
        return BlueprintSection(sid, title, points, slots)

    def slot(self, raw: Any, section: str, seen: dict[str, int], line0: int) -> Slot:
        import re

        if not isinstance(raw, _Map):
            raise self.fail(line0, f"section {section}: every slot must be a mapping with id, source and points")
        line = raw.line
        self._keys(raw, ("id", "source", "points", "kinds", "types", "chapters", "fallback"), "slot")
        for key in ("id", "source", "points"):
            if key not in raw:
                raise self.fail(line, f"slot {raw.get('id', '?')}: missing '{key}'")
        sid = str(raw["id"])
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", sid):
            raise self.fail(self._line(raw, "id"), f"slot id '{sid}' must be letters, digits, '-', '_' or '.'")
        if sid in seen:
            raise self.fail(self._line(raw, "id"), f"duplicate slot id '{sid}' (first on line {seen[sid]})")
        seen[sid] = line
        source = raw["source"]
        if source not in SOURCES:
            raise self.fail(self._line(raw, "source"), f"slot {sid}: source must be bank or kind, got {source!r}")
        points = self._number(raw["points"], self._line(raw, "points"), f"slot {sid}: points")
        chapters = None
        if raw.get("chapters") is not None:
            chapters = self._names(raw["chapters"], self._line(raw, "chapters"), f"slot {sid}: chapters")
            for c in chapters:
                if c not in CHAPTERS:
                    import difflib

                    close = difflib.get_close_matches(c, list(CHAPTERS), n=1)
                    hint = f"; did you mean '{close[0]}'?" if close else f"; chapters: {', '.join(CHAPTERS)}"
                    raise self.fail(self._line(raw, "chapters"), f"slot {sid}: unknown chapter '{c}'{hint}")
        kinds: list[str] = []
        types: list[str] = []
        fallback: list[str] = []
        if source == "kind":
            if "types" in raw:
                raise self.fail(self._line(raw, "types"), f"slot {sid}: 'types' is for bank slots; a kind slot lists 'kinds'")
            if "kinds" not in raw:
                raise self.fail(line, f"slot {sid}: a kind slot needs 'kinds' (see `examgen list`)")
            kinds = self._names(raw["kinds"], self._line(raw, "kinds"), f"slot {sid}: kinds")
            if raw.get("fallback") is not None:
                fallback = self._names(raw["fallback"], self._line(raw, "fallback"), f"slot {sid}: fallback")
        else:
            for key in ("kinds", "fallback"):
                if key in raw:
                    raise self.fail(self._line(raw, key), f"slot {sid}: '{key}' is for kind slots; a bank slot lists 'types'")
            if "types" not in raw:
                raise self.fail(line, f"slot {sid}: a bank slot needs 'types' ({', '.join(BANK_TYPES)})")
            types = self._names(raw["types"], self._line(raw, "types"), f"slot {sid}: types")
            for t in types:
                if t not in BANK_TYPES:
                    raise self.fail(self._line(raw, "types"),
                                    f"slot {sid}: unknown item type '{t}'; types: {', '.join(BANK_TYPES)}")
        return Slot(id=sid, section=section, source=source, points=points, kinds=kinds, types=types,
                    chapters=chapters, fallback=fallback, line=line)


def resolve_blueprint(blueprint: "str | Blueprint | None") -> Blueprint:
    if isinstance(blueprint, Blueprint):
        return blueprint
    return load_blueprint(blueprint)


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
    if item.type != "short":
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
    """The slot's kinds that are registered; the fallback list only when none of them is."""
    from examgen import registry

    kinds = registry.load_all()
    have = [k for k in slot.kinds if k in kinds]
    if not have:
        have = [k for k in slot.fallback if k in kinds]
    return have


def _chapter_of(pick: _Pick, cand: Any | None = None) -> str:
    from examgen import registry

    c = pick.choice if cand is None else cand
    if pick.slot.source == "kind":
        return registry.load_all()[c].chapter
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
                names = ", ".join(slot.kinds + slot.fallback)
                raise UserError(f"blueprint {where}: slot {slot.id}: none of its kinds is installed ({names}); "
                                f"`examgen list` shows the kinds")
            ranked = sorted(have, key=lambda k: _rank(s, k))
        else:
            if b is None:
                b = bank_for(bank_dir)
            pool = [it for it in b.items if it.type in slot.types
                    and (slot.chapters is None or it.chapter in slot.chapters) and own_answer_full_marks(it)]
            if not pool:
                chs = f" in chapters {', '.join(slot.chapters)}" if slot.chapters else ""
                raise UserError(f"blueprint {where}: slot {slot.id}: the question bank has no {'/'.join(slot.types)} "
                                f"items{chs}")
            ranked = sorted(pool, key=lambda it: _rank(s, it.id))
        picks.append(_Pick(slot, s, ranked))

    # must-include kinds: the first slot of the section that can hold the kind holds it
    for section, kind in bp.must_include:
        for p in picks:
            if p.slot.section == section and p.slot.source == "kind" and kind in p.ranked and not p.forced:
                p.index, p.forced = p.ranked.index(kind), True
                break
        else:
            raise UserError(f"blueprint {where}: must_include: kind '{kind}' is not installed "
                            f"(no slot of section '{section}' can hold it)")

    # no item or kind twice: a slot skips candidates that a forced or single-candidate slot holds, or an earlier
    # slot already took
    used: set[str] = {_key_of(p) for p in picks if p.forced or len(p.ranked) == 1}
    for p in picks:
        if p.forced or len(p.ranked) == 1:
            continue
        for i, cand in enumerate(p.ranked):
            if _key_of(p, cand) not in used:
                p.index = i
                break
        used.add(_key_of(p))

    _balance(picks, bp, where)

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
                if _chapter_of(p, cand) not in counts and _key_of(p, cand) not in used:
                    if best is None or (i, order) < best[:2]:
                        best = (i, order, p, i)
                    break
        if best is None:
            raise UserError(f"blueprint {where}: cannot reach {bp.min_chapters} chapters with these slots "
                            f"(only {len(counts)}); widen the slots' chapters or lower balance.min_chapters")
        _, _, p, i = best
        counts[_chapter_of(p)] -= 1
        if counts[_chapter_of(p)] == 0:
            del counts[_chapter_of(p)]
        p.index = i
        counts[_chapter_of(p)] += 1


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
                    raise UserError(f"exam {exam_id}: bank item '{it['id']}' is no longer in the question bank")
                problem = item.to_problem().with_points(it["points"])
            else:
                kinds = registry.load_all()
                if it["kind"] not in kinds:
                    raise UserError(f"exam {exam_id}: kind '{it['kind']}' is no longer installed")
                problem = kinds[it["kind"]].generate(it["seed"]).with_points(it["points"])
            items.append(ExamItem(it["number"], s["id"], it["slot"], problem, it.get("seed")))
        sections.append(ExamSection(s["id"], Bi.from_json(s["title"]), s["points"], items))
    return Exam(seed=rec["seed"], title=Bi.from_json(rec["title"]), duration_min=rec["duration_min"],
                blueprint=rec["blueprint"], sections=sections, bank_dir=rec.get("bank_dir"))


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


def _num_text(v: Any) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def value_to_text(spec: Any, value: Any) -> str | None:
    """A sheet entry (YAML scalar, list or nested list) as the text a student would type for this part."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        if isinstance(spec, TrueFalseSpec):
            return "true" if value else "false"
        return _num_text(value)
    if isinstance(value, (int, float)):
        return _num_text(value)
    if isinstance(value, dict):
        raise ValueError("a single answer is expected here, not a mapping")
    if isinstance(value, list):
        if isinstance(spec, MatrixSpec) or (value and all(isinstance(r, list) for r in value)):
            return "; ".join(" ".join(_num_text(x) for x in (r if isinstance(r, list) else [r])) for r in value)
        if isinstance(spec, FillSpec):
            return "; ".join(str(x) for x in value)
        if isinstance(spec, ChoiceSpec):
            return "".join(str(x) for x in value)
        if isinstance(spec, LabelsSpec):
            return " ".join(str(x) for x in value)
        if isinstance(spec, (VectorSpec, ShapeSpec, NumberSpec)):
            return ", ".join(_num_text(x) for x in value)
        return ", ".join(str(x) for x in value)
    return str(value)


def correct_text(problem: Problem, part: Part, lang: str) -> str:
    """The key as a student would write it (both alternatives of a blank, the reference text of a short answer)."""
    from examgen.grading import display_value
    from examgen.mathfmt import unicode_text

    if isinstance(part.spec, RubricSpec):
        ans = part.answer
        return unicode_text(ans.get(lang, "") if isinstance(ans, dict) else str(ans))
    if isinstance(part.spec, FillSpec):
        return "; ".join(" / ".join(alts[:2]) for alts in part.spec.blanks)
    if isinstance(part.spec, TrueFalseSpec):
        return ("对" if part.answer else "错") if lang == "zh" else ("true" if part.answer else "false")
    return display_value(part.spec, part.answer)


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


# ---------------------------------------------------------------- a filled-in sheet
def read_sheet(path: str) -> Any:
    import yaml

    try:
        text = sys.stdin.read() if path == "-" else Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the answer sheet {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"{path}{line}: the answer sheet is not valid YAML: {problem}") from None


def sheet_answers(exam: Exam, data: Any, shown: str = "sheet") -> dict[int, dict[str, str]]:
    """A sheet (item number → answer text; multi-part items: a mapping part → text) as answers per item."""
    if data is None:
        data = {}
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        raise UserError(f"{shown}: the answer sheet must map item numbers to answers, e.g. `1: B`")
    n = len(exam.items)
    out: dict[int, dict[str, str]] = {}
    for raw_key, value in data.items():
        try:
            number = int(str(raw_key).strip().rstrip(".").lstrip("#"))
        except ValueError:
            raise UserError(f"{shown}: '{raw_key}' is not an item number (1–{n})") from None
        if not 1 <= number <= n:
            raise UserError(f"{shown}: there is no item {number}; the paper has items 1–{n}")
        if number in out:
            raise UserError(f"{shown}: item {number} is answered twice")
        pr = exam.item(number).problem
        names = [p.name for p in pr.parts]
        single = len(names) == 1 and names[0] == ""
        answers: dict[str, str] = {}
        if single:
            if isinstance(value, dict):
                raise UserError(f"{shown}: item {number} has a single answer, not parts")
            try:
                text = value_to_text(pr.parts[0].spec, value)
            except ValueError as exc:
                raise UserError(f"{shown}: item {number}: {exc}") from None
            if text is not None:
                answers[""] = text
        else:
            if not isinstance(value, dict):
                if value is None:
                    out[number] = {}
                    continue
                raise UserError(f"{shown}: item {number} has parts {', '.join(names)}: give a mapping part → answer")
            for part_name, part_value in value.items():
                part = next((p for p in pr.parts if p.name == str(part_name)), None)
                if part is None:
                    raise UserError(f"{shown}: item {number} has no part '{part_name}'; its parts are "
                                    f"{', '.join(names)}")
                try:
                    text = value_to_text(part.spec, part_value)
                except ValueError as exc:
                    raise UserError(f"{shown}: item {number}, part {part_name}: {exc}") from None
                if text is not None:
                    answers[part.name] = text
        out[number] = answers
    return out


# ---------------------------------------------------------------- grading a paper
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
