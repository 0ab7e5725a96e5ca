"""What an export is made of: exams (`--seed N`, `--exam ID`) or a selection (`--kind K …`, `--topic T …`),
one `Paper` per variant. Every paper carries its seed, the command that regenerates it and its variant code
(`examgen.export.provenance`): the paper prints the code, only keys and key tables print the seed.

Variant seeds: variant 1 uses the given seed; variant i uses `seed + (i - 1) · stride`, where the stride is 1 for
exams (exam seeds are independent: every slot seed is a hash of exam seed and slot id) and `--count` for selections
(so the problem seeds of two variants never overlap: variant i of `--kind K --count 3 --seed 100` holds seeds
103…105 for i = 2). Bank items of a `--topic` are all taken, or, with `--count N`, N of them drawn by a random
stream seeded with the variant seed and the topic, kept in bank order."""

from __future__ import annotations

import random
import shlex
from dataclasses import dataclass, field
from typing import Any

from examgen.errors import UserError
from examgen.i18n import Bi
from examgen.model import CHAPTERS, Problem

MAX_PROBLEMS = 10_000  # one export's problems at the most (a 100,000-problem PDF took minutes)
MAX_VARIANTS = 200


@dataclass
class Selection:
    """What the user asked for on the command line."""

    seed: int | None = None
    exam_id: int | None = None
    kinds: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    count: int | None = None
    variants: int = 1
    blueprint: str | None = None
    bank: str | None = None
    lang: str = "en"
    shuffle: bool = False
    show_seed: bool = False
    fixed_variant: tuple[int, int] | None = None  # (variant, variants) when one variant is rebuilt from its code
    students: list[Any] = field(default_factory=list)  # `--students FILE`: examgen.export.students.Student

    @property
    def is_selection(self) -> bool:
        return bool(self.kinds or self.topics)


@dataclass
class Paper:
    """One variant: an exam or a list of problems, with its seed and the command that makes it again."""

    variant: int | None
    seed: int | None
    command: str
    exam: Any = None
    problems: list[Problem] | None = None
    subtitle: str = ""
    code: str = ""
    selection: dict[str, Any] = field(default_factory=dict)
    variants: int | None = None

    @property
    def record(self) -> dict[str, Any]:
        """What a key and a key table store for this paper's code: enough to rebuild it."""
        return {"seed": self.seed, "variant": self.variant, "variants": self.variants, "command": self.command,
                "selection": self.selection}


def validate(sel: Selection) -> None:
    """One-line errors for contradictory or incomplete options (before anything is built)."""
    if sel.exam_id is not None and (sel.is_selection or sel.seed is not None):
        raise UserError(Bi("--exam 不能与 --seed、--kind 或 --topic 同时使用",
                           "--exam cannot be combined with --seed, --kind or --topic"))
    if sel.exam_id is not None and sel.variants > 1:
        raise UserError(Bi("保存的考试只有一套试卷：--variants 需要 --seed N，或用 --kind/--topic 选题",
                           "a saved exam is one paper: --variants needs --seed N or a --kind/--topic selection"))
    if sel.exam_id is None and sel.seed is None and not sel.is_selection:
        raise UserError(Bi("请指明导出什么：--seed N（模拟考试）、--exam ID（保存的考试）、--kind K 或 --topic T",
                           "say what to export: --seed N (a mock exam), --exam ID (a saved exam), --kind K or --topic T"))
    if not 1 <= sel.variants <= MAX_VARIANTS:
        raise UserError(Bi(f"--variants 必须在 1 到 {MAX_VARIANTS} 之间，给的是 {sel.variants}",
                           f"--variants must be between 1 and {MAX_VARIANTS}, got {sel.variants}"))
    if sel.count is not None and not sel.is_selection:
        raise UserError(Bi("--count 只用于 --kind/--topic 选题（考试的题量由蓝图决定）",
                           "--count applies to --kind/--topic selections (an exam's size comes from its blueprint)"))
    if sel.count is not None and sel.count < 1:
        raise UserError(Bi(f"--count 至少为 1，给的是 {sel.count}", f"--count must be at least 1, got {sel.count}"))
    from examgen import registry

    if sel.seed is not None:
        registry.check_seed(sel.seed)
    for k in sel.kinds:
        registry.get(k)  # unknown kind → one-line error with suggestions
    for t in sel.topics:
        if t not in CHAPTERS:
            raise UserError(Bi(f"未知章节 {t}；可用的章节：{'、'.join(CHAPTERS)}",
                               f"unknown topic '{t}'; expected one of {', '.join(CHAPTERS)}"))
    asked = sel.variants * (sel.count or 1) * max(1, len(set(sel.kinds)) + len(set(sel.topics)))
    if sel.is_selection and asked > MAX_PROBLEMS:
        raise UserError(Bi(f"一次最多导出 {MAX_PROBLEMS} 道题，这里要 {asked} 道（套数 × 每种题数 × 题型数）；"
                           f"请减少 --variants、--count 或 --kind",
                           f"one export holds at most {MAX_PROBLEMS} problems, this asks for {asked} (variants × "
                           f"count × kinds); use fewer --variants, --count or --kind"))


def stride(sel: Selection) -> int:
    return 1 if not sel.is_selection else max(1, sel.count or 1)


def variant_seed(base: int, variant: int, step: int = 1) -> int:
    """The seed of variant `variant` (1-based)."""
    return base + (variant - 1) * step


def identity(sel: Selection) -> dict[str, Any]:
    """The options a paper is made of besides its seed (not the language: zh and en papers share a code)."""
    full = {"exam_id": sel.exam_id, "kinds": sel.kinds, "topics": sel.topics, "count": sel.count,
            "blueprint": sel.blueprint, "bank": sel.bank, "shuffle": sel.shuffle}
    return {k: v for k, v in full.items() if v not in (None, [], False)}


def from_record(record: dict[str, Any], lang: str, variants: int | None = None) -> Selection:
    """The selection that rebuilds one paper from its record in a key table."""
    s = record.get("selection") or {}
    v = record.get("variant")
    return Selection(seed=record.get("seed") if s.get("exam_id") is None else None, exam_id=s.get("exam_id"),
                     kinds=list(s.get("kinds", [])), topics=list(s.get("topics", [])), count=s.get("count"),
                     blueprint=s.get("blueprint"), bank=s.get("bank"), lang=lang, shuffle=bool(s.get("shuffle")),
                     fixed_variant=(int(v), int(variants or v)) if v else None)


def resolve_code(sel: Selection, code: str | None, key_table: str | None, lang_given: bool = True) -> Selection:
    """`--code C --key-table F`: the selection of that one variant, read from the key table's code map; in the
    language the paper was made in unless `--lang` was given."""
    if code is None and key_table is None:
        return sel
    if code is None:
        raise UserError(Bi("--key-table 需要与 --code 一起使用（试卷页脚上的代码）",
                           "--key-table goes with --code (the code in the paper's footer)"))
    if key_table is None:
        raise UserError(Bi(f"试卷代码 {code} 本身不含种子：请给出 --key-table 文件（答案总表或该套答案），或直接给出 --seed",
                           f"a variant code ({code}) does not contain its seed: give --key-table FILE (the combined "
                           f"key table or that variant's key) or the variant's --seed"))
    if sel.is_selection or sel.seed is not None or sel.exam_id is not None or sel.variants > 1 or sel.shuffle:
        raise UserError(Bi("--code 与 --key-table 已确定试卷：不要再给 --seed、--exam、--kind、--topic、--variants 或 --shuffle",
                           "--code with --key-table names the paper: do not add --seed, --exam, --kind, --topic, "
                           "--variants or --shuffle"))
    from pathlib import Path

    from examgen.export.provenance import lookup

    record = lookup(Path(key_table).expanduser(), code)
    out = from_record(record, sel.lang if lang_given else _recorded_lang(record, sel.lang), record.get("variants"))
    out.show_seed = sel.show_seed
    return out


def _recorded_lang(record: dict[str, Any], default: str) -> str:
    """The language of the paper a code-map record made: the `--lang` of its command."""
    try:
        words = shlex.split(str(record.get("command", "")))
    except ValueError:
        return default
    got = words[words.index("--lang") + 1] if "--lang" in words[:-1] else default
    return got if got in ("zh", "en") else default


def saved_exam_lang(exam_id: int, default: str) -> str:
    """The language a saved exam was sat in (its paper is exported in it unless `--lang` says otherwise)."""
    from examgen.store import Store

    try:
        with Store.open() as store:
            return store.exam_row(exam_id).lang or default
    except (UserError, ModuleNotFoundError):
        return default  # no such exam or no store: load_saved_exam says so in its own words


def _command(sel: Selection, seed: int | None) -> str:
    parts = ["examgen", "export"]
    if sel.exam_id is not None:
        parts += ["--exam", str(sel.exam_id)]
    for k in sel.kinds:
        parts += ["--kind", k]
    for t in sel.topics:
        parts += ["--topic", t]
    if seed is not None:
        parts += ["--seed", str(seed)]
    if sel.count is not None:
        parts += ["--count", str(sel.count)]
    if sel.blueprint:
        parts += ["--blueprint", sel.blueprint]
    if sel.bank:
        parts += ["--bank", sel.bank]
    if sel.shuffle:
        parts += ["--shuffle"]
    parts += ["--lang", sel.lang]
    return " ".join(shlex.quote(p) for p in parts)


def _exam_module() -> Any:
    try:
        from examgen import exam as exam_mod
    except ModuleNotFoundError as exc:
        if exc.name == "examgen.exam":
            raise UserError(Bi("此安装中没有模拟考试（缺少 examgen.exam）；请改用 --kind 或 --topic 选题导出",
                               "mock exams are not available in this installation (examgen.exam is missing); "
                               "export a selection with --kind or --topic instead")) from None
        raise
    if not hasattr(exam_mod, "build_exam"):
        raise UserError(Bi("此安装中没有模拟考试（examgen.exam 中没有 build_exam）",
                           "mock exams are not available in this installation (examgen.exam has no build_exam)"))
    return exam_mod


def load_saved_exam(exam_id: int) -> Any:
    try:
        from examgen.store import Store
    except ModuleNotFoundError as exc:
        if exc.name == "examgen.store":
            raise UserError(Bi("此安装中没有保存的考试（缺少 examgen.store）",
                               "saved exams are not available in this installation (examgen.store is missing)")) from None
        raise
    store = Store.open()
    try:
        return store.load_exam(exam_id)
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()


def selection_problems(sel: Selection, seed: int) -> list[Problem]:
    """The problems of one variant of a --kind/--topic selection."""
    from examgen import registry

    count = sel.count or 1
    problems: list[Problem] = []
    kinds = list(dict.fromkeys(sel.kinds))
    if sel.topics:
        for k in registry.all_kinds():
            if k.chapter in sel.topics and k.name not in kinds:
                kinds.append(k.name)
    for name in kinds:
        kind = registry.get(name)
        for i in range(count):
            problems.append(kind.generate(registry.check_seed(seed + i)))
    if sel.topics:
        from examgen.bank import load_bank

        bank = load_bank(sel.bank)
        for topic in dict.fromkeys(sel.topics):
            items = [it for it in bank.items if it.chapter == topic]
            if sel.count is not None and sel.count < len(items):
                rng = random.Random(f"examgen:export:{seed}:{topic}")
                keep = set(rng.sample(range(len(items)), sel.count))
                items = [it for i, it in enumerate(items) if i in keep]
            problems.extend(it.to_problem() for it in items)
    if not problems:
        raise UserError(Bi("所选内容为空：没有符合的题型或题库题目", "the selection is empty: no kinds or bank items match"))
    return problems


def _selection_subtitle(sel: Selection) -> str:
    bits = []
    if sel.topics:
        names = [CHAPTERS[t].get(sel.lang) for t in dict.fromkeys(sel.topics)]
        bits.append(" · ".join(names))
    if sel.kinds:
        from examgen import registry

        bits.append(" · ".join(registry.get(k).title.get(sel.lang) for k in dict.fromkeys(sel.kinds)))
    return " · ".join(bits)


def papers(sel: Selection) -> list[Paper]:
    """One paper per variant (a single paper without --variants), each with its variant code."""
    validate(sel)
    out = _papers(sel)
    from examgen.export import provenance
    from examgen.export.shuffle import shuffle_exam, shuffle_problems

    ident = identity(sel)
    n = sel.fixed_variant[1] if sel.fixed_variant else sel.variants if sel.variants > 1 else None
    for p in out:
        p.selection = ident
        p.variants = n
        p.code = provenance.variant_code(provenance.identity(ident, p.seed), p.variant or 1)
        if sel.shuffle:
            if p.exam is not None:
                p.exam = shuffle_exam(p.exam, p.seed)
            else:
                p.problems = shuffle_problems(list(p.problems or []), p.seed)
    return out


def _numbers(sel: Selection) -> list[tuple[int | None, int]]:
    """(printed variant number or None, 1-based index for the seed) of every paper to build."""
    if sel.fixed_variant is not None:
        v, _ = sel.fixed_variant
        return [(v, 1)]
    multi = sel.variants > 1
    return [(v if multi else None, v) for v in range(1, sel.variants + 1)]


def _papers(sel: Selection) -> list[Paper]:
    if sel.exam_id is not None:
        exam = load_saved_exam(sel.exam_id)
        v = sel.fixed_variant[0] if sel.fixed_variant else None
        return [Paper(v, exam.seed, _command(sel, None), exam=exam)]
    out: list[Paper] = []
    if not sel.is_selection:
        mod = _exam_module()
        assert sel.seed is not None
        for shown, v in _numbers(sel):
            s = variant_seed(sel.seed, v)
            exam = mod.build_exam(s, sel.blueprint, sel.bank)
            out.append(Paper(shown, s, _command(sel, s), exam=exam))
        return out
    from examgen.targets import random_seed

    base = sel.seed if sel.seed is not None else random_seed()
    sub = _selection_subtitle(sel)
    for shown, v in _numbers(sel):
        s = variant_seed(base, v, stride(sel))
        out.append(Paper(shown, s, _command(sel, s), problems=selection_problems(sel, s), subtitle=sub))
    return out
