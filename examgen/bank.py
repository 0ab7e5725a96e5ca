"""The question bank: load and validate the YAML items in `question_bank/` (and a teacher's own directories).

Errors are reported as `file:line: message`. Items become `Problem`s, so they are rendered, graded, exported and
scheduled exactly like generated kinds. The schema is documented in `question_bank/SCHEMA.md`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from examgen.errors import UserError
from examgen.i18n import Bi
from examgen.model import (
    CHAPTERS, ChoiceSpec, FillSpec, KeyPoint, Part, Problem, RubricSpec, TrueFalseSpec,
)

TYPES = ("single", "multiple", "tf", "fill", "short")
OBJECTIVE = ("single", "multiple", "tf", "fill")
SECTION_OF = {"single": "choice", "multiple": "choice", "tf": "choice", "fill": "fill", "short": "short"}
LETTERS = "ABCDEFGHIJ"
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
BLANK = "____"
MIN_OBJECTIVE = 220
MIN_SHORT = 45
ENV_VAR = "EXAMGEN_BANK"


def shipped_dir() -> Path:
    """The bank that ships with the package (inside the wheel), or the repository's `question_bank/`."""
    inside = Path(__file__).resolve().parent / "question_bank"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parent.parent / "question_bank"


def bank_dirs(extra: str | None = None) -> list[Path]:
    dirs = [shipped_dir()]
    for raw in [extra, os.environ.get(ENV_VAR)]:
        if raw:
            for part in raw.split(os.pathsep):
                if part:
                    p = Path(part).expanduser()
                    if not p.is_dir():
                        raise UserError(f"question-bank directory not found: {p}")
                    if p.resolve() not in [d.resolve() for d in dirs]:
                        dirs.append(p)
    return dirs


# ---------------------------------------------------------------- YAML with line numbers
@lru_cache(maxsize=1)
def _line_loader() -> type:
    """A safe loader (libyaml when available: about 7× faster) that records the line of every mapping and of each
    of its keys. Built on first use: with the parse cache warm, `yaml` is never imported."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def construct_mapping(loader: Any, node: Any, deep: bool = False) -> dict[str, Any]:
        mapping = loader.construct_mapping(node, deep=deep)  # the strict loader's: a key given twice is refused
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
        return mapping

    class LineLoader(base):  # type: ignore[misc, valid-type]
        pass

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return LineLoader


@dataclass
class Issue:
    file: str
    line: int
    message: str
    fatal: UserError | None = None     # the file itself could not be read (size, encoding, YAML): refused for use

    def __str__(self) -> str:  # line 0: about the file or the bank as a whole, no line to point at
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


# ---------------------------------------------------------------- items
@dataclass
class Item:
    id: str
    type: str
    chapter: str
    concepts: list[str]
    points: int
    difficulty: int
    source: str
    stem: Bi
    answer: Any
    explanation: Bi
    options: list[Bi] = field(default_factory=list)
    rubric: list[KeyPoint] = field(default_factory=list)
    file: str = ""
    line: int = 0
    follows: str | None = None      # a continuation ("接上题") of this item: only directly after it on a paper
    checked: bool = field(default=False, compare=False)  # short: each reference answer scores its own rubric fully

    @property
    def section(self) -> str:
        return SECTION_OF[self.type]

    def spec(self) -> Any:
        if self.type in ("single", "multiple"):
            return ChoiceSpec(len(self.options), multiple=self.type == "multiple")
        if self.type == "tf":
            return TrueFalseSpec()
        if self.type == "fill":
            return FillSpec(tuple(_alternatives(b) for b in self.answer))
        return RubricSpec(tuple(self.rubric))

    def key(self) -> Any:
        """The canonical answer value stored in the part."""
        if self.type in ("single", "multiple"):
            return sorted(str(self.answer).upper())
        if self.type == "tf":
            return bool(self.answer)
        if self.type == "fill":
            return [_alternatives(b)[0] for b in self.answer]
        return {"zh": self.answer["zh"], "en": self.answer["en"]}

    def to_problem(self) -> Problem:
        part = Part("", Bi("答案", "Answer"), self.spec(), self.key())
        return Problem(kind=f"bank-{self.type}", seed=None, section=self.section, topic=self.chapter,
                       points=self.points, params={"id": self.id}, prompt=self.stem, parts=[part], steps=[],
                       options=list(self.options), explanation=self.explanation, item_id=self.id)


def _alternatives(blank: dict[str, list[str]]) -> tuple[str, ...]:
    zh = [str(x) for x in blank.get("zh", [])]
    en = [str(x) for x in blank.get("en", [])]
    out: list[str] = []
    for alt in zh[:1] + en[:1] + zh[1:] + en[1:]:
        if alt not in out:
            out.append(alt)
    return tuple(out)


@dataclass
class Concept:
    id: str
    chapter: str
    name: Bi
    memorize: bool


@dataclass
class Bank:
    items: list[Item]
    concepts: dict[str, Concept]
    issues: list[Issue]
    files: list[Path]

    def by_id(self) -> dict[str, Item]:
        return {it.id: it for it in self.items}


# ---------------------------------------------------------------- loading and validation
def _bi(value: Any, where: str, issues: list[Issue], file: str, line: int) -> Bi | None:
    if not isinstance(value, dict):
        issues.append(Issue(file, line, f"{where} must be a mapping with zh and en"))
        return None
    missing = [lg for lg in ("zh", "en") if not isinstance(value.get(lg), str) or not value.get(lg).strip()]
    if missing:
        issues.append(Issue(file, value.get("__line__", line), f"{where} is missing the {' and '.join(missing)} text"))
        return None
    extra = [k for k in value if k not in ("zh", "en", "__line__", "__lines__")]
    if extra:
        at = value.get("__lines__", {}).get(extra[0], value.get("__line__", line))
        issues.append(Issue(file, at, f"{where} has a key '{extra[0]}' besides zh and en: a line of text with ': ' in "
                                      f"it must be quoted, or YAML cuts the text there"))
        return None
    return Bi(value["zh"].strip(), value["en"].strip())


_CONTINUES = re.compile(r"^\s*(接上题|接上一题|续上题|(continuing|continued)\b)", re.IGNORECASE)


def _continues(stem: Bi) -> bool:
    """The stem reads as the continuation of an earlier item."""
    return bool(_CONTINUES.match(stem.zh) or _CONTINUES.match(stem.en))


def _line(d: dict[str, Any], key: str) -> int:
    return d.get("__lines__", {}).get(key, d.get("__line__", 0))


def _groups_ok(kw: Any, empty: bool = False) -> bool:
    """A list of keyword groups, each a non-empty list of words (an empty list only where `empty`)."""
    return isinstance(kw, list) and (bool(kw) or empty) and all(
        isinstance(g, list) and g and all(isinstance(w, (str, int)) for w in g) for g in kw)


def _load_item(raw: Any, file: str, chapter: str, issues: list[Issue]) -> Item | None:
    if not isinstance(raw, dict):
        issues.append(Issue(file, 0, "every item must be a mapping"))
        return None
    line = raw.get("__line__", 0)
    n_before = len(issues)
    for key in ("id", "type", "chapter", "concepts", "points", "difficulty", "stem", "answer", "explanation",
                "source"):
        if key not in raw:
            issues.append(Issue(file, line, f"item {raw.get('id', '?')}: missing field '{key}'"))
    if len(issues) > n_before:
        return None
    iid = str(raw["id"])
    if not _ID_RE.match(iid):
        issues.append(Issue(file, _line(raw, "id"), f"item id '{iid}' must be lower-case letters, digits and dashes"))
    typ = raw["type"]
    if typ not in TYPES:
        issues.append(Issue(file, _line(raw, "type"), f"item {iid}: type must be one of {', '.join(TYPES)}, got '{typ}'"))
        return None
    if raw["chapter"] != chapter:
        issues.append(Issue(file, _line(raw, "chapter"),
                            f"item {iid}: chapter '{raw['chapter']}' differs from the file's chapter '{chapter}'"))
    concepts = raw["concepts"]
    if not isinstance(concepts, list) or not concepts or not all(isinstance(c, str) for c in concepts):
        issues.append(Issue(file, _line(raw, "concepts"), f"item {iid}: concepts must be a non-empty list of ids"))
        concepts = []
    points = raw["points"]
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        issues.append(Issue(file, _line(raw, "points"), f"item {iid}: points must be a positive whole number"))
        points = 1
    if raw["difficulty"] not in (1, 2, 3):
        issues.append(Issue(file, _line(raw, "difficulty"), f"item {iid}: difficulty must be 1, 2 or 3"))
    stem = _bi(raw["stem"], f"item {iid}: stem", issues, file, _line(raw, "stem"))
    expl = _bi(raw["explanation"], f"item {iid}: explanation", issues, file, _line(raw, "explanation"))
    if not isinstance(raw["source"], str) or not raw["source"].strip():
        issues.append(Issue(file, _line(raw, "source"), f"item {iid}: source must name the part of the notes"))
    options: list[Bi] = []
    rubric: list[KeyPoint] = []
    checked = False
    answer = raw["answer"]
    aline = _line(raw, "answer")
    if typ in ("single", "multiple"):
        opts = raw.get("options")
        if not isinstance(opts, list) or not 3 <= len(opts) <= 6:
            issues.append(Issue(file, _line(raw, "options"), f"item {iid}: a choice item needs 3–6 options"))
            return None
        for i, o in enumerate(opts):
            b = _bi(o, f"item {iid}: option {LETTERS[i]}", issues, file, _line(raw, "options"))
            if b is not None:
                options.append(b)
        letters = LETTERS[:len(opts)]
        ans = str(answer).strip().upper()
        if not ans or any(c not in letters for c in ans) or len(set(ans)) != len(ans):
            issues.append(Issue(file, aline, f"item {iid}: answer '{answer}' is not among the options {letters[0]}–{letters[-1]}"))
        elif typ == "single" and len(ans) != 1:
            issues.append(Issue(file, aline, f"item {iid}: a single-choice answer is one letter, got '{answer}'"))
        elif typ == "multiple" and len(ans) < 2:
            issues.append(Issue(file, aline, f"item {iid}: a multiple-choice answer has two or more letters, got '{answer}'"))
        if stem is not None and len({o.zh for o in options}) != len(options):
            issues.append(Issue(file, _line(raw, "options"), f"item {iid}: two options have the same text"))
        answer = ans
    elif typ == "tf":
        if not isinstance(answer, bool):
            issues.append(Issue(file, aline, f"item {iid}: a true/false answer is true or false, got '{answer}'"))
    elif typ == "fill":
        if not isinstance(answer, list) or not answer:
            issues.append(Issue(file, aline, f"item {iid}: a fill answer is a list of blanks"))
            return None
        for i, blank in enumerate(answer, 1):
            if (not isinstance(blank, dict) or not all(isinstance(blank.get(lg), list) and blank.get(lg)
                                                       for lg in ("zh", "en"))):
                issues.append(Issue(file, aline, f"item {iid}: blank {i} needs zh and en lists of alternatives"))
                return None
        if stem is not None:
            for lg in ("zh", "en"):
                n = stem.get(lg).count(BLANK)
                if n != len(answer):
                    issues.append(Issue(file, _line(raw, "stem"),
                                        f"item {iid}: the {lg} stem has {n} blanks (____) but the answer has {len(answer)}"))
    else:
        ref = _bi(answer, f"item {iid}: reference answer", issues, file, aline)
        raw_rubric = raw.get("rubric")
        if not isinstance(raw_rubric, list) or not raw_rubric:
            issues.append(Issue(file, _line(raw, "rubric") or line, f"item {iid}: a short-answer item needs a rubric"))
            return None
        for kp in raw_rubric:
            kline = kp.get("__line__", line) if isinstance(kp, dict) else line
            if not isinstance(kp, dict):
                issues.append(Issue(file, kline, f"item {iid}: a rubric entry must be a mapping"))
                continue
            text = _bi(kp.get("point"), f"item {iid}: key point", issues, file, kline)
            kw = kp.get("keywords")
            pts = kp.get("points")
            if not isinstance(pts, (int, float)) or isinstance(pts, bool) or pts <= 0:
                issues.append(Issue(file, kline, f"item {iid}: key point points must be positive"))
                continue
            if not _groups_ok(kw):
                issues.append(Issue(file, kline, f"item {iid}: keywords must be a list of non-empty synonym lists"))
                continue
            ckw = kp.get("clause_keywords", [])
            if not _groups_ok(ckw, empty=True):
                issues.append(Issue(file, kline,
                                    f"item {iid}: clause_keywords must be a list of non-empty synonym lists"))
                continue
            deny = kp.get("deny_negated", False)
            if not isinstance(deny, bool):
                issues.append(Issue(file, kline, f"item {iid}: deny_negated must be true or false"))
                continue
            if text is not None:
                rubric.append(KeyPoint(text, float(pts), tuple(tuple(str(w) for w in g) for g in kw),
                                       tuple(tuple(str(w) for w in g) for g in ckw), deny))
        total = sum(kp.points for kp in rubric)
        if rubric and abs(total - points) > 1e-9:
            issues.append(Issue(file, _line(raw, "rubric"), f"item {iid}: rubric points add up to {total:g}, not {points}"))
        if ref is not None and rubric:
            from examgen.grading import match_key_points

            spec = RubricSpec(tuple(rubric))
            self_consistent = True
            for lg in ("zh", "en"):
                found = match_key_points(ref.get(lg), spec)
                for kp, ok in zip(rubric, found):
                    if not ok:
                        self_consistent = False
                        issues.append(Issue(file, aline, f"item {iid}: the {lg} reference answer misses its own key "
                                                         f"point '{kp.text.en[:50]}'"))
            if not self_consistent:
                return None  # never used: its own reference answer would not score full marks
            answer = {"zh": ref.zh, "en": ref.en}
            checked = True
    if stem is None or expl is None:
        return None
    follows = raw.get("follows")
    if follows is not None and (not isinstance(follows, str) or not _ID_RE.match(follows) or follows == iid):
        issues.append(Issue(file, _line(raw, "follows"), f"item {iid}: follows must name another item's id"))
        return None
    if follows is None and _continues(stem):
        issues.append(Issue(file, _line(raw, "stem"), f"item {iid}: its stem continues an earlier item (接上题 / "
                                                      f"Continuing); name that item with `follows: <id>`"))
        return None
    return Item(id=iid, type=typ, chapter=chapter, concepts=list(concepts), points=points, follows=follows,
                difficulty=int(raw["difficulty"]) if raw["difficulty"] in (1, 2, 3) else 2,
                source=str(raw["source"]), stem=stem, answer=answer, explanation=expl, options=options,
                rubric=rubric, file=file, line=line, checked=checked)


def _read_yaml(path: Path, issues: list[Issue]) -> Any:
    """A bank file within the limits of `safe_read.BANK`; what is wrong becomes an issue (marked `fatal`: the file
    could not be read at all)."""
    from examgen import bank_cache
    from examgen.safe_read import BANK, ReadError, parse_yaml, read_text

    shown = _display(path)
    try:
        text = read_text(path, BANK, shown)
        data = bank_cache.get(path, text)
        if data is bank_cache.MISS:
            data = parse_yaml(text, shown, BANK, _line_loader())
            bank_cache.put(path, text, data)
        return data
    except ReadError as exc:
        issues.append(Issue(shown, exc.line or 0, exc.detail.en, fatal=exc))
    except UserError as exc:
        issues.append(Issue(shown, 0, exc.en, fatal=exc))
    return None


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(_cwd()))
    except ValueError:
        return str(path)


def _cwd() -> Path:
    """The working directory, resolved (once per directory: `_display` runs for every issue)."""
    here = os.getcwd()
    if _CWD.get("raw") != here:
        _CWD.update(raw=here, resolved=Path(here).resolve())
    return _CWD["resolved"]


_CWD: dict[str, Any] = {}


def chapter_files(d: Path) -> list[Path]:
    """The chapter files of a bank directory, in the order they are read (after its concepts.yaml)."""
    return [p for p in sorted(d.glob("*.yaml"))
            if p.name not in ("concepts.yaml", "blueprint.yaml") and not p.name.startswith("_")]


def load(dirs: list[Path]) -> Bank:
    """Read every chapter file and concepts.yaml of the given directories; collect problems as issues."""
    issues: list[Issue] = []
    items: list[Item] = []
    concepts: dict[str, Concept] = {}
    files: list[Path] = []
    for d in dirs:
        cpath = d / "concepts.yaml"
        if cpath.exists():
            data = _read_yaml(cpath, issues)
            files.append(cpath)
            entries = data.get("concepts") if isinstance(data, dict) else None
            if data is not None and not isinstance(entries, list):
                issues.append(Issue(_display(cpath), 1, "concepts.yaml must have a 'concepts' list"))
            for c in entries or []:
                cl = c.get("__line__", 0) if isinstance(c, dict) else 0
                if not isinstance(c, dict) or not {"id", "chapter", "name"} <= set(c):
                    issues.append(Issue(_display(cpath), cl, "a concept needs id, chapter and name"))
                    continue
                name = _bi(c["name"], f"concept {c['id']}: name", issues, _display(cpath), cl)
                if c["chapter"] not in CHAPTERS:
                    issues.append(Issue(_display(cpath), cl, f"concept {c['id']}: unknown chapter '{c['chapter']}'"))
                if c["id"] in concepts:
                    issues.append(Issue(_display(cpath), cl, f"duplicate concept id '{c['id']}'"))
                if name is not None:
                    concepts[c["id"]] = Concept(c["id"], c["chapter"], name, bool(c.get("memorize", False)))
        for path in chapter_files(d):
            files.append(path)
            shown = _display(path)
            data = _read_yaml(path, issues)
            if data is None:
                continue
            if not isinstance(data, dict) or "chapter" not in data or not isinstance(data.get("items"), list):
                issues.append(Issue(shown, 1, "a chapter file needs 'chapter' and a list of 'items'"))
                continue
            chapter = data["chapter"]
            if chapter not in CHAPTERS:
                issues.append(Issue(shown, _line(data, "chapter"),
                                    f"unknown chapter '{chapter}'; expected one of {', '.join(CHAPTERS)}"))
                continue
            for raw in data["items"]:
                item = _load_item(raw, shown, chapter, issues)
                if item is not None:
                    items.append(item)
    seen: dict[str, Item] = {}
    for it in items:
        if it.id in seen:
            first = seen[it.id]
            issues.append(Issue(it.file, it.line, f"duplicate id '{it.id}' (first at {first.file}:{first.line})"))
        else:
            seen[it.id] = it
        if it.follows is not None and not any(p.id == it.follows for p in items):
            issues.append(Issue(it.file, it.line, f"item {it.id}: follows '{it.follows}', which is not in the bank"))
        for c in it.concepts:
            if concepts and c not in concepts:
                issues.append(Issue(it.file, it.line, f"item {it.id}: unknown concept '{c}'"))
    return Bank(items, concepts, issues, files)


def coverage_issues(bank: Bank) -> list[Issue]:
    """The coverage rules: counts, ≥ 2 objective items per concept, a short item per memorize concept."""
    out: list[Issue] = []
    objective = [it for it in bank.items if it.type in OBJECTIVE]
    short = [it for it in bank.items if it.type == "short"]
    where = "concepts.yaml"
    if len(objective) < MIN_OBJECTIVE:
        out.append(Issue("question_bank", 0, f"only {len(objective)} objective items; at least {MIN_OBJECTIVE} are needed"))
    if len(short) < MIN_SHORT:
        out.append(Issue("question_bank", 0, f"only {len(short)} short-answer items; at least {MIN_SHORT} are needed"))
    for cid, c in bank.concepts.items():
        n_obj = sum(1 for it in objective if cid in it.concepts)
        if n_obj < 2:
            out.append(Issue(where, 0, f"concept '{cid}' has {n_obj} objective items; at least 2 are needed"))
        if c.memorize and not any(cid in it.concepts for it in short):
            out.append(Issue(where, 0, f"concept '{cid}' is marked 记忆 but has no short-answer item"))
    for chapter in CHAPTERS:
        if not any(it.chapter == chapter for it in bank.items):
            out.append(Issue("question_bank", 0, f"chapter '{chapter}' has no items"))
    return out


def lint(extra: str | None = None, coverage: bool = True) -> tuple[Bank, list[Issue]]:
    bank = load(bank_dirs(extra))
    issues = list(bank.issues)
    if coverage:
        issues += coverage_issues(bank)
    return bank, issues


@lru_cache(maxsize=8)
def _cached(dirs: tuple[str, ...]) -> Bank:
    """The bank of `dirs`, once per process; from the disk cache when no file changed (`examgen.bank_cache`)."""
    from examgen.bank_cache import cached_bank

    return cached_bank([Path(d) for d in dirs], load)


def load_bank(extra: str | None = None) -> Bank:
    """The bank for use (cached). Invalid items are left out (`examgen bank lint` reports them); a file that cannot
    be read at all (too large, not UTF-8, not YAML, over a limit of `safe_read`) is refused with its error."""
    b = _cached(tuple(str(d) for d in bank_dirs(extra)))
    for issue in b.issues:
        if issue.fatal is not None:
            raise issue.fatal
    return b


def find_item(item_id: str, extra: str | None = None) -> Problem | None:
    item = load_bank(extra).by_id().get(item_id)
    return item.to_problem() if item is not None else None


def select(bank: Bank, chapter: str | None = None, types: tuple[str, ...] | None = None,
           concept: str | None = None) -> list[Item]:
    return [it for it in bank.items
            if (chapter is None or it.chapter == chapter) and (types is None or it.type in types)
            and (concept is None or concept in it.concepts)]


def stats(bank: Bank) -> dict[str, Any]:
    by_chapter: dict[str, dict[str, int]] = {c: {t: 0 for t in TYPES} for c in CHAPTERS}
    by_concept: dict[str, dict[str, int]] = {}
    for it in bank.items:
        by_chapter.setdefault(it.chapter, {t: 0 for t in TYPES})[it.type] += 1
        for c in it.concepts:
            d = by_concept.setdefault(c, {"objective": 0, "short": 0})
            d["short" if it.type == "short" else "objective"] += 1
    return {
        "items": len(bank.items),
        "objective": sum(1 for it in bank.items if it.type in OBJECTIVE),
        "short": sum(1 for it in bank.items if it.type == "short"),
        "concepts": len(bank.concepts),
        "by_chapter": by_chapter,
        "by_concept": by_concept,
    }

