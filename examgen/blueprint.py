"""The mock-exam blueprint: sections of slots, loaded from YAML and validated with `file:line: message` errors.

The blueprint (`question_bank/blueprint.yaml`, or a teacher's own file) lists sections of slots. A slot is filled
either from the question bank (`source: bank`, by item types and chapters) or by generating a problem of a kind
(`source: kind`). Reading goes through `examgen.safe_read` (size, UTF-8, no aliases, nesting)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from examgen.errors import UserError
from examgen.i18n import Bi, same
from examgen.model import CHAPTERS

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
        m = _Map(loader.construct_mapping(node, deep=deep))  # the strict loader's: a key given twice is refused
        m.line = node.start_mark.line + 1
        m.lines = {getattr(k, "value", None): k.start_mark.line + 1 for k, _ in node.value}
        return m

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct)
    return Loader


def _parse_cached(text: str, shown: str, parse: Callable[[], Any]) -> Any:
    """`parse()`, or its result from the parse cache (`examgen.bank_cache`): with it warm, `yaml` is not imported."""
    from examgen import bank_cache

    plain = bank_cache.get(Path(shown), text, "blueprint")
    if plain is not bank_cache.MISS:
        try:
            return _from_plain(plain)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    data = parse()
    try:
        bank_cache.put(Path(shown), text, _to_plain(data), "blueprint")
    except (TypeError, ValueError, RecursionError):
        pass
    return data


def _to_plain(v: Any) -> Any:
    """Parsed blueprint YAML as JSON-able data: each `_Map` (every mapping) as its line, key lines and pairs."""
    if isinstance(v, _Map):
        return {"line": v.line, "lines": [[k, n] for k, n in v.lines.items()],
                "items": [[k, _to_plain(x)] for k, x in v.items()]}
    if isinstance(v, dict):
        raise TypeError("a mapping that is not a _Map")
    if isinstance(v, list):
        return [_to_plain(x) for x in v]
    return v


def _from_plain(v: Any) -> Any:
    if isinstance(v, dict):
        m = _Map((k, _from_plain(x)) for k, x in v["items"])
        m.line = int(v["line"])
        m.lines = {k: n for k, n in v["lines"]}
        return m
    if isinstance(v, list):
        return [_from_plain(x) for x in v]
    return v


_BP_CACHE: dict[tuple[str, int, int], Blueprint] = {}


def load_blueprint(path: str | None = None) -> Blueprint:
    """The blueprint at `path` (None = the shipped `question_bank/blueprint.yaml`); a `UserError` naming the file
    and line for anything wrong."""
    from examgen.safe_read import BLUEPRINT, read_text

    p = Path(path).expanduser() if path is not None else shipped_blueprint()
    shown = str(path) if path is not None else "blueprint.yaml"
    try:
        st = p.stat()
    except OSError as exc:
        raise UserError(Bi(f"无法读取蓝图 {shown}：{exc.strerror or exc}",
                           f"cannot read the blueprint {shown}: {exc.strerror or exc}")) from None
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    if key in _BP_CACHE:
        return _BP_CACHE[key]
    bp = parse_blueprint(read_text(p, BLUEPRINT, shown), shown, name=None if path is not None else "default")
    if path is not None:
        bp.path = str(p)
    else:
        bp.text = None  # the shipped blueprint is found again by name
    _BP_CACHE[key] = bp
    return bp


def parse_blueprint(text: str, shown: str = "blueprint", name: str | None = None) -> Blueprint:
    """A blueprint from its YAML text (within the limits of `safe_read.BLUEPRINT`), validated."""
    from examgen.safe_read import BLUEPRINT, parse_yaml

    data = _parse_cached(text, shown, lambda: parse_yaml(text, shown, BLUEPRINT, _yaml_loader()))
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

    def fail(self, line: int, zh: str, en: str) -> UserError:
        return UserError(Bi(f"{self.shown}:{line}：{zh}", f"{self.shown}:{line}: {en}"))

    def _line(self, d: Any, key: str | None = None) -> int:
        if isinstance(d, _Map):
            return d.lines.get(key, d.line) if key else d.line
        return 0

    def _keys(self, d: _Map, allowed: tuple[str, ...], what: Bi) -> None:
        from examgen.suggest import close_names

        for k in d:
            if k not in allowed:
                close = close_names(str(k), allowed)
                hint = Bi(f"（是不是 '{close[0]}'？）", f" (did you mean '{close[0]}'?)") if close else \
                    Bi(f"；可用的键：{'、'.join(allowed)}", f"; allowed: {', '.join(allowed)}")
                raise self.fail(self._line(d, k), f"{what.zh}：未知的键 '{k}'{hint.zh}",
                                f"{what.en}: unknown key '{k}'{hint.en}")

    def _bi(self, value: Any, line: int, what: Bi) -> Bi:
        if isinstance(value, str) and value.strip():
            return Bi(value.strip(), value.strip())
        if isinstance(value, dict) and all(isinstance(value.get(lg), str) and value.get(lg).strip()
                                           for lg in ("zh", "en")):
            return Bi(value["zh"].strip(), value["en"].strip())
        raise self.fail(line, f"{what.zh} 应为文字，或含 zh 和 en 的映射", f"{what.en} must be a text or a mapping with zh and en")

    def _number(self, value: Any, line: int, what: Bi, integer: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or value != value:
            raise self.fail(line, f"{what.zh} 应为正{'整' if integer else ''}数，给的是 {value!r}",
                            f"{what.en} must be a positive {'whole ' if integer else ''}number, got {value!r}")
        if integer and not float(value).is_integer():
            raise self.fail(line, f"{what.zh} 应为整数，给的是 {value!r}", f"{what.en} must be a whole number, got {value!r}")
        return float(value)

    def _names(self, value: Any, line: int, what: Bi) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(x, str) and x.strip() for x in value):
            raise self.fail(line, f"{what.zh} 应为非空的名称列表", f"{what.en} must be a non-empty list of names")
        return [x.strip() for x in value]

    def blueprint(self, data: Any) -> Blueprint:
        if not isinstance(data, _Map):
            raise self.fail(1, "蓝图应为含 'sections' 的映射（见 docs/exam.md）",
                            "a blueprint must be a mapping with 'sections' (see docs/exam.md)")
        self._keys(data, ("name", "title", "duration_min", "total", "balance", "must_include", "sections"),
                   Bi("蓝图", "blueprint"))
        if "sections" not in data:
            raise self.fail(data.line, "蓝图中没有 'sections'", "the blueprint has no 'sections'")
        name = str(data.get("name") or "")
        title = self._bi(data["title"], self._line(data, "title"), same("title")) if "title" in data else DEFAULT_TITLE
        duration = int(self._number(data.get("duration_min", 120), self._line(data, "duration_min"),
                                    same("duration_min"), integer=True))
        if duration > MAX_DURATION_MIN:
            raise self.fail(self._line(data, "duration_min"), f"duration_min 至多为 {MAX_DURATION_MIN}，给的是 {duration}",
                            f"duration_min must be at most {MAX_DURATION_MIN}, got {duration}")
        raw_sections = data["sections"]
        if not isinstance(raw_sections, list) or not raw_sections:
            raise self.fail(self._line(data, "sections"), "sections 应为非空列表", "sections must be a non-empty list")
        sections: list[BlueprintSection] = []
        seen_slots: dict[str, int] = {}
        seen_sections: set[str] = set()
        for raw in raw_sections:
            sections.append(self.section(raw, seen_sections, seen_slots, self._line(data, "sections")))
        total_sections = round(sum(s.points for s in sections), 6)
        if "total" in data:
            total = self._number(data["total"], self._line(data, "total"), same("total"))
            if abs(total - total_sections) > 1e-6:
                raise self.fail(self._line(data, "total"), f"各大题合计 {total_sections:g} 分，不等于 total {total:g}",
                                f"the sections add up to {total_sections:g} points, not the total {total:g}")
        else:
            total = total_sections
        min_chapters = 1
        if "balance" in data:
            bal = data["balance"]
            if not isinstance(bal, _Map):
                raise self.fail(self._line(data, "balance"), "balance 应为映射（min_chapters: N）",
                                "balance must be a mapping (min_chapters: N)")
            self._keys(bal, ("min_chapters",), same("balance"))
            mc = bal.get("min_chapters", 1)
            if isinstance(mc, bool) or not isinstance(mc, int) or not 1 <= mc <= len(CHAPTERS):
                raise self.fail(self._line(bal, "min_chapters"),
                                f"balance.min_chapters 应为 1 到 {len(CHAPTERS)} 的整数，给的是 {mc!r}",
                                f"balance.min_chapters must be a whole number from 1 to {len(CHAPTERS)}, got {mc!r}")
            n_slots = len(seen_slots)
            if mc > n_slots:
                raise self.fail(self._line(bal, "min_chapters"),
                                f"balance.min_chapters 为 {mc}，但蓝图只有 {n_slots} 个槽位",
                                f"balance.min_chapters is {mc} but the blueprint has only {n_slots} slots")
            min_chapters = mc
        must: list[tuple[str, str]] = []
        raw_must = data.get("must_include") or []
        if not isinstance(raw_must, list):
            raise self.fail(self._line(data, "must_include"), "must_include 应为 {section, kind} 的列表",
                            "must_include must be a list of {section, kind}")
        for rule in raw_must:
            line = self._line(rule) or self._line(data, "must_include")
            if not isinstance(rule, _Map) or not {"section", "kind"} <= set(rule):
                raise self.fail(line, "must_include 的每条规则都要有 'section' 和 'kind'",
                                "a must_include rule needs 'section' and 'kind'")
            self._keys(rule, ("section", "kind"), same("must_include"))
            sec = next((s for s in sections if s.id == rule["section"]), None)
            if sec is None:
                ids = [s.id for s in sections]
                raise self.fail(line, f"must_include：没有大题 '{rule['section']}'（大题：{'、'.join(ids)}）",
                                f"must_include: no section '{rule['section']}' (sections: {', '.join(ids)})")
            kind = str(rule["kind"])
            if not any(s.source == "kind" and kind in s.kinds + s.fallback for s in sec.slots):
                raise self.fail(line, f"must_include：大题 '{sec.id}' 没有列出题型 '{kind}' 的槽位",
                                f"must_include: no slot of section '{sec.id}' lists kind '{kind}'")
            must.append((sec.id, kind))
        return Blueprint(name=name, title=title, duration_min=duration, total=total, min_chapters=min_chapters,
                         must_include=must, sections=sections)

    def section(self, raw: Any, seen_sections: set[str], seen_slots: dict[str, int], line0: int) -> BlueprintSection:
        if not isinstance(raw, _Map):
            raise self.fail(line0, "每个大题都应为含 id、points 和 slots 的映射",
                            "every section must be a mapping with id, points and slots")
        self._keys(raw, ("id", "title", "points", "slots"), Bi("大题", "section"))
        for key in ("id", "points", "slots"):
            if key not in raw:
                raise self.fail(raw.line, f"大题 {raw.get('id', '?')}：缺少 '{key}'",
                                f"section {raw.get('id', '?')}: missing '{key}'")
        sid = str(raw["id"])
        if sid in seen_sections:
            raise self.fail(self._line(raw, "id"), f"大题 id '{sid}' 重复", f"duplicate section id '{sid}'")
        seen_sections.add(sid)
        if "title" in raw:
            title = self._bi(raw["title"], self._line(raw, "title"), Bi(f"大题 {sid}：title", f"section {sid}: title"))
        elif sid in DEFAULT_SECTION_TITLES:
            title = DEFAULT_SECTION_TITLES[sid]
        else:
            raise self.fail(raw.line, f"大题 {sid}：请给出标题（title，含 zh 和 en）",
                            f"section {sid}: give it a title (zh and en)")
        points = self._number(raw["points"], self._line(raw, "points"), Bi(f"大题 {sid}：points", f"section {sid}: points"))
        slots_raw = raw["slots"]
        if not isinstance(slots_raw, list) or not slots_raw:
            raise self.fail(self._line(raw, "slots"), f"大题 {sid}：slots 应为非空列表",
                            f"section {sid}: slots must be a non-empty list")
        slots = [self.slot(s, sid, seen_slots, self._line(raw, "slots")) for s in slots_raw]
        got = round(sum(s.points for s in slots), 6)
        if abs(got - points) > 1e-6:
            raise self.fail(self._line(raw, "points"), f"大题 {sid}：各槽位合计 {got:g} 分，不是 {points:g} 分",
                            f"section {sid}: its slots add up to {got:g} points, not {points:g}")
        return BlueprintSection(sid, title, points, slots)

    def slot(self, raw: Any, section: str, seen: dict[str, int], line0: int) -> Slot:
        import re

        if not isinstance(raw, _Map):
            raise self.fail(line0, f"大题 {section}：每个槽位都应为含 id、source 和 points 的映射",
                            f"section {section}: every slot must be a mapping with id, source and points")
        line = raw.line
        self._keys(raw, ("id", "source", "points", "kinds", "types", "chapters", "fallback"), Bi("槽位", "slot"))
        for key in ("id", "source", "points"):
            if key not in raw:
                raise self.fail(line, f"槽位 {raw.get('id', '?')}：缺少 '{key}'", f"slot {raw.get('id', '?')}: missing '{key}'")
        sid = str(raw["id"])
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", sid):
            raise self.fail(self._line(raw, "id"), f"槽位 id '{sid}' 只能由字母、数字和 '-'、'_'、'.' 组成",
                            f"slot id '{sid}' must be letters, digits, '-', '_' or '.'")
        if sid in seen:
            raise self.fail(self._line(raw, "id"), f"槽位 id '{sid}' 重复（第一次出现在第 {seen[sid]} 行）",
                            f"duplicate slot id '{sid}' (first on line {seen[sid]})")
        seen[sid] = line
        source = raw["source"]
        if source not in SOURCES:
            raise self.fail(self._line(raw, "source"), f"槽位 {sid}：source 应为 bank 或 kind，给的是 {source!r}",
                            f"slot {sid}: source must be bank or kind, got {source!r}")
        points = self._number(raw["points"], self._line(raw, "points"), Bi(f"槽位 {sid}：points", f"slot {sid}: points"))
        chapters = None
        if raw.get("chapters") is not None:
            chapters = self._names(raw["chapters"], self._line(raw, "chapters"),
                                   Bi(f"槽位 {sid}：chapters", f"slot {sid}: chapters"))
            for c in chapters:
                if c not in CHAPTERS:
                    from examgen.suggest import close_names

                    close = close_names(c, CHAPTERS)
                    hint = Bi(f"；是不是 '{close[0]}'？", f"; did you mean '{close[0]}'?") if close else \
                        Bi(f"；可用的章节：{'、'.join(CHAPTERS)}", f"; chapters: {', '.join(CHAPTERS)}")
                    raise self.fail(self._line(raw, "chapters"), f"槽位 {sid}：未知章节 '{c}'{hint.zh}",
                                    f"slot {sid}: unknown chapter '{c}'{hint.en}")
        kinds: list[str] = []
        types: list[str] = []
        fallback: list[str] = []
        if source == "kind":
            if "types" in raw:
                raise self.fail(self._line(raw, "types"), f"槽位 {sid}：'types' 用于题库槽位；题型槽位请列出 'kinds'",
                                f"slot {sid}: 'types' is for bank slots; a kind slot lists 'kinds'")
            if "kinds" not in raw:
                raise self.fail(line, f"槽位 {sid}：题型槽位需要 'kinds'（见 examgen list）",
                                f"slot {sid}: a kind slot needs 'kinds' (see `examgen list`)")
            kinds = self._names(raw["kinds"], self._line(raw, "kinds"), Bi(f"槽位 {sid}：kinds", f"slot {sid}: kinds"))
            if raw.get("fallback") is not None:
                fallback = self._names(raw["fallback"], self._line(raw, "fallback"),
                                       Bi(f"槽位 {sid}：fallback", f"slot {sid}: fallback"))
        else:
            for key in ("kinds", "fallback"):
                if key in raw:
                    raise self.fail(self._line(raw, key), f"槽位 {sid}：'{key}' 用于题型槽位；题库槽位请列出 'types'",
                                    f"slot {sid}: '{key}' is for kind slots; a bank slot lists 'types'")
            if "types" not in raw:
                raise self.fail(line, f"槽位 {sid}：题库槽位需要 'types'（{'、'.join(BANK_TYPES)}）",
                                f"slot {sid}: a bank slot needs 'types' ({', '.join(BANK_TYPES)})")
            types = self._names(raw["types"], self._line(raw, "types"), Bi(f"槽位 {sid}：types", f"slot {sid}: types"))
            for t in types:
                if t not in BANK_TYPES:
                    raise self.fail(self._line(raw, "types"), f"槽位 {sid}：未知题目类型 '{t}'；可用的类型：{'、'.join(BANK_TYPES)}",
                                    f"slot {sid}: unknown item type '{t}'; types: {', '.join(BANK_TYPES)}")
        return Slot(id=sid, section=section, source=source, points=points, kinds=kinds, types=types,
                    chapters=chapters, fallback=fallback, line=line)


def resolve_blueprint(blueprint: "str | Blueprint | None") -> Blueprint:
    if isinstance(blueprint, Blueprint):
        return blueprint
    return load_blueprint(blueprint)
