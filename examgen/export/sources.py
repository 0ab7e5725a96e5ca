"""What an export is made of: exams (`--seed N`, `--exam ID`) or a selection (`--kind K …`, `--topic T …`),
one `Paper` per variant. Every paper carries its seed and the command that regenerates it.

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
from examgen.model import CHAPTERS, Problem

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


def validate(sel: Selection) -> None:
    """One-line errors for contradictory or incomplete options (before anything is built)."""
    if sel.exam_id is not None and (sel.is_selection or sel.seed is not None):
        raise UserError("--exam cannot be combined with --seed, --kind or --topic")
    if sel.exam_id is not None and sel.variants > 1:
        raise UserError("a saved exam is one paper: --variants needs --seed N or a --kind/--topic selection")
    if sel.exam_id is None and sel.seed is None and not sel.is_selection:
        raise UserError("say what to export: --seed N (a mock exam), --exam ID (a saved exam), --kind K or --topic T")
    if not 1 <= sel.variants <= MAX_VARIANTS:
        raise UserError(f"--variants must be between 1 and {MAX_VARIANTS}")
    if sel.count is not None and not sel.is_selection:
        raise UserError("--count applies to --kind/--topic selections (an exam's size comes from its blueprint)")
    if sel.count is not None and sel.count < 1:
        raise UserError("--count must be at least 1")
    from examgen import registry

    if sel.seed is not None:
        registry.check_seed(sel.seed)
    for k in sel.kinds:
        registry.get(k)  # unknown kind → one-line error with suggestions
    for t in sel.topics:
        if t not in CHAPTERS:
            raise UserError(f"unknown topic '{t}'; expected one of {', '.join(CHAPTERS)}")


def stride(sel: Selection) -> int:
    return 1 if not sel.is_selection else max(1, sel.count or 1)


def variant_seed(base: int, variant: int, step: int = 1) -> int:
    """The seed of variant `variant` (1-based)."""
    return base + (variant - 1) * step


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
    parts += ["--lang", sel.lang]
    return " ".join(shlex.quote(p) for p in parts)


def _exam_module() -> Any:
    try:
        from examgen import exam as exam_mod
    except ModuleNotFoundError as exc:
        if exc.name == "examgen.exam":
            raise UserError("mock exams are not available in this installation (examgen.exam is missing); "
                            "export a selection with --kind or --topic instead") from None
        raise
    if not hasattr(exam_mod, "build_exam"):
        raise UserError("mock exams are not available in this installation (examgen.exam has no build_exam)")
    return exam_mod


def load_saved_exam(exam_id: int) -> Any:
    try:
        from examgen.store import Store
    except ModuleNotFoundError as exc:
        if exc.name == "examgen.store":
            raise UserError("saved exams are not available in this installation (examgen.store is missing)") from None
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
        raise UserError("the selection is empty: no kinds or bank items match")
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
    """One paper per variant (a single paper without --variants)."""
    validate(sel)
    if sel.exam_id is not None:
        exam = load_saved_exam(sel.exam_id)
        return [Paper(None, exam.seed, _command(sel, None), exam=exam)]
    multi = sel.variants > 1
    out: list[Paper] = []
    if not sel.is_selection:
        mod = _exam_module()
        assert sel.seed is not None
        for v in range(1, sel.variants + 1):
            s = variant_seed(sel.seed, v)
            exam = mod.build_exam(s, sel.blueprint, sel.bank)
            out.append(Paper(v if multi else None, s, _command(sel, s), exam=exam))
        return out
    from examgen.targets import random_seed

    base = sel.seed if sel.seed is not None else random_seed()
    sub = _selection_subtitle(sel)
    for v in range(1, sel.variants + 1):
        s = variant_seed(base, v, stride(sel))
        out.append(Paper(v if multi else None, s, _command(sel, s), problems=selection_problems(sel, s),
                         subtitle=sub))
    return out
