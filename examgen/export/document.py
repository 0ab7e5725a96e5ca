"""One neutral document for every exporter (R/exams style: one document model, many writers).

An `Exam` (from `examgen.exam`) or a list of problems becomes a `Document`: sections → items → blocks. Here, and
only here, it is decided what a question shows (prompt, figures, options, blanks), how much answer space it gets,
and what its key says (answers with points, worked steps, marking scheme). The PDF (Typst), HTML and Markdown
writers only lay the blocks out; Moodle, GIFT and Anki reuse the items' blocks and answers.

Blocks are plain JSON-able dicts; their shape is the one documented at the top of `templates/exam.typ`:

* ``{"kind": "text", "value": str}`` — a paragraph, printed literally;
* ``{"kind": "rich", "segments": [seg, …]}`` — a paragraph with inline math; a segment is
  ``{"kind": "text" | "bold" | "math", "value": str}``, ``{"kind": "blank", "n": int | None}`` (a fill-in blank)
  or ``{"kind": "paren"}`` (the bracket a choice answer is written in);
* ``{"kind": "math", "value": str}`` — display math (Typst math syntax);
* ``{"kind": "grid", "rows", "highlight", "caption": [seg, …], "matrix": bool}`` — an image or a kernel as cells;
* ``{"kind": "table", "header", "rows", "caption", "align"}``;
* ``{"kind": "figures", "items": [grid | table, …]}`` — figures side by side when they fit;
* ``{"kind": "options", "items": [rich, …]}`` — choice options A, B, C …;
* ``{"kind": "steps", "items": [{"title": [seg, …], "lines": [math, …], "result": math}]}`` — worked steps;
* ``{"kind": "answer", "value": str, "math": bool}`` — the boxed final answer.

Answer space (paper only): ``none``, ``lines`` (n ruled lines), ``box`` (height in cm, optionally ruled) or
``calc`` (ruled work lines, then one answer field per part: a blank, ``__ × __ × __`` for a shape, ``[__, __]``
for a vector, or empty cells for a matrix).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from examgen.grading import display_value
from examgen.i18n import Bi, cell
from examgen.export.segments import (  # noqa: F401  (re-exported: the writers import them from here)
    BLANK, Block, Segment, TYPST_NAMES, math_or_quoted, math_segment, paragraphs, plain, rich, safe_math, segments,
    zh_quoted,
)
from examgen.model import (
    CHAPTERS, SECTIONS, ChoiceSpec, FillSpec, Figure, LabelsSpec, MatrixSpec, NumberSpec, Part, Problem,
    RubricSpec, ShapeSpec, TrueFalseSpec, VectorSpec,
)

MODES = ("paper", "key", "solutions")
LETTERS = "ABCDEFGHIJ"

SECTION_TITLES: dict[str, Bi] = {
    "choice": Bi("选择题", "Multiple choice"),
    "fill": Bi("填空题", "Fill in the blanks"),
    "short": Bi("简答题", "Short answer"),
    "calculation": Bi("计算题", "Calculation"),
    "comprehensive": Bi("综合题", "Comprehensive"),
}
KIND_TAGS: dict[str, Bi] = {
    "bank-single": Bi("单选", "Single choice"),
    "bank-multiple": Bi("多选", "Multiple choice"),
    "bank-tf": Bi("判断", "True / false"),
    "bank-fill": Bi("填空", "Fill in"),
    "bank-short": Bi("简答", "Short answer"),
}
ZH_NUMERALS = "一二三四五六七八九十"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

COURSE = Bi("深度学习与计算机视觉", "Deep Learning & Computer Vision")
WORDS: dict[str, Bi] = {
    "practice": Bi("练习卷", "Practice set"),
    "key": Bi("参考答案", "Answer key"),
    "solutions": Bi("试卷与解答", "Paper with solutions"),
    "variant": Bi("变体", "Variant"),
    "part": Bi("小问", "Part"),
    "answer": Bi("答案", "Answer"),
    "points": Bi("分值", "Points"),
    "key_point": Bi("评分要点", "Key point"),
    "reference": Bi("参考答案：", "Reference answer: "),
    "explanation": Bi("解析：", "Explanation: "),
    "scheme": Bi("评分标准（按要点给分）：", "Marking scheme (points per key point):"),
    "total": Bi("合计", "Total"),
    "see_scheme": Bi("见评分要点", "see marking scheme"),
    "true": Bi("对（√）", "True"),
    "false": Bi("错（×）", "False"),
    "also": Bi("也可", "also"),
    "combined_key": Bi("答案总表", "Combined answer key"),
}


def pts(x: float) -> str:
    """Points for display: `8`, `2.5`, `2.67`."""
    x = round(float(x), 2)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def pts_label(x: float, lang: str) -> str:
    return f"{pts(x)} 分" if lang == "zh" else f"{pts(x)} pt" + ("" if float(x) == 1 else "s")


def section_numeral(i: int, lang: str) -> str:
    """一, 二 … (zh) or I, II … (en) for the i-th section (0-based)."""
    if lang == "zh":
        return ZH_NUMERALS[i] if i < len(ZH_NUMERALS) else str(i + 1)
    return ROMAN[i] if i < len(ROMAN) else str(i + 1)


# ---------------------------------------------------------------- the model
@dataclass
class Answer:
    """One answer of the key: a part of a problem (or the whole of a one-answer problem)."""

    name: str
    label: str
    text: str  # as a student would write it
    points: float
    line: str = ""  # as the combined key table prints it (matrices as [[…], […]])

    def __post_init__(self) -> None:
        self.line = self.line or self.text


@dataclass
class DocItem:
    number: int
    points: float
    problem: Problem
    tag: str
    body: list[Block]
    space: dict[str, Any]
    key: list[Block]
    answers: list[Answer]

    @property
    def ref(self) -> str:
        return self.problem.ref

    @property
    def kind(self) -> str:
        return self.problem.kind

    @property
    def seed(self) -> int | None:
        return self.problem.seed

    @property
    def chapter(self) -> str:
        return self.problem.topic

    @property
    def section(self) -> str:
        return self.problem.section

    def answer_line(self, lang: str) -> str:
        """All answers on one line, for key tables: `A`, `8×8×256`, `(a) 细胞状态 C_1 = [0.2282]；…` with the localized
        part labels; matrices row by row in brackets, so `;` only ever separates parts."""
        if len(self.answers) == 1 and not self.answers[0].name:
            return self.answers[0].line
        sep = "；" if lang == "zh" else "; "
        return sep.join(f"{a.label} = {a.line}" for a in self.answers)


@dataclass
class DocSection:
    title: str
    points: float
    items: list[DocItem]


@dataclass
class Document:
    lang: str
    mode: str
    title: str
    subtitle: str
    header: str
    footer: str
    instructions: str
    seed: int | None
    sections: list[DocSection]
    variant: int | None = None
    variants: int | None = None
    command: str = ""
    score_labels: list[str] = field(default_factory=list)
    name_fields: bool = True
    code: str = ""
    colophon: str = ""  # small print after the last question: the regenerating command (keys, --show-seed)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → seed … (keys only)

    @property
    def items(self) -> list[DocItem]:
        return [it for sec in self.sections for it in sec.items]

    @property
    def total_points(self) -> float:
        return round(sum(it.points for it in self.items), 2)


@dataclass
class KeyRow:
    variant: int
    seed: int | None
    command: str
    code: str
    answers: list[tuple[int, str, str, float]]  # (number, ref, answer text, points)


@dataclass
class KeyTable:
    """The combined key of a class set: variant → seed → every answer."""

    lang: str
    title: str
    subtitle: str
    footer: str
    rows: list[KeyRow]
    records: dict[str, dict[str, Any]] = field(default_factory=dict)


# ---------------------------------------------------------------- questions
def figure_block(fig: Figure, lang: str) -> Block:
    caption = segments(fig.label.get(lang))
    if fig.kind == "table":
        return {"kind": "table", "header": [cell(h, lang) for h in fig.header or []],
                "rows": [[cell(v, lang) for v in r] for r in fig.rows],
                "caption": caption}
    return {"kind": "grid", "rows": [list(r) for r in fig.rows], "highlight": [list(rc) for rc in fig.highlight],
            "caption": caption, "matrix": fig.kind == "matrix"}


def body_blocks(problem: Problem, lang: str, paper: bool = True) -> list[Block]:
    """The question: prompt (blanks for fill items, a bracket for choice items), figures, options."""
    fill = any(isinstance(p.spec, FillSpec) for p in problem.parts)
    blocks = paragraphs(problem.prompt.get(lang), blanks=fill)
    choice = any(isinstance(p.spec, (ChoiceSpec, TrueFalseSpec)) for p in problem.parts)
    if choice and paper and blocks:
        blocks[-1]["segments"].append({"kind": "paren"})
    if problem.figures:
        blocks.append({"kind": "figures", "items": [figure_block(f, lang) for f in problem.figures]})
    if problem.options:
        blocks.append({"kind": "options", "items": [rich(o.get(lang)) for o in problem.options]})
    return blocks


def _form(spec: Any) -> dict[str, Any]:
    if isinstance(spec, MatrixSpec):
        return {"kind": "cells", "rows": spec.rows, "cols": spec.cols}
    if isinstance(spec, ShapeSpec):
        return {"kind": "shape", "n": spec.length}
    if isinstance(spec, VectorSpec) and spec.length > 1:
        return {"kind": "vector", "n": spec.length}
    return {"kind": "blank"}


def answer_space(problem: Problem, lang: str) -> dict[str, Any]:
    """How much room a student gets, sized to the question."""
    spec = problem.parts[0].spec
    if isinstance(spec, (ChoiceSpec, TrueFalseSpec, FillSpec)):
        return {"kind": "none"}
    if isinstance(spec, RubricSpec):
        height = min(9.0, max(3.5, 1.5 + 0.9 * float(problem.points)))
        return {"kind": "box", "height_cm": round(height, 1), "ruled": True}
    n_steps = len(problem.steps)
    lines = max(4, min(12, n_steps + 2 + (2 if problem.section == "comprehensive" else 0)))
    cell_rows = sum(p.spec.rows for p in problem.parts if isinstance(p.spec, MatrixSpec))
    lines = max(4, lines - cell_rows // 2)  # matrix fields are work space too: keep the question on one page
    parts = []
    for p in problem.parts:
        label = p.label.get(lang) if (p.name or len(problem.parts) > 1) else WORDS["answer"].get(lang)
        parts.append({"label": segments(label), "points": pts_label(problem.part_points(p), lang) if len(problem.parts) > 1
                      else "", "form": _form(p.spec), "hint": answer_form(p.spec, lang)})
    return {"kind": "calc", "lines": lines, "parts": parts}


# ---------------------------------------------------------------- keys
def answer_text(part: Part, lang: str) -> str:
    """A part's answer as a student would write it (what the key and the key table print)."""
    spec = part.spec
    if isinstance(spec, RubricSpec):
        return WORDS["see_scheme"].get(lang)
    if isinstance(spec, TrueFalseSpec):
        return WORDS["true" if part.answer else "false"].get(lang)
    if isinstance(spec, FillSpec):
        shown = [" | ".join(_in_language(alts, lang)[:2]) for alts in spec.blanks]
        if len(shown) == 1:
            return shown[0]
        return " ".join(f"({i}) {s}" for i, s in enumerate(shown, 1))
    if isinstance(spec, NumberSpec):
        return key_num(part.answer, spec)
    if isinstance(spec, VectorSpec):
        return "[" + ", ".join(key_num(v, spec) for v in part.answer) + "]"
    if isinstance(spec, MatrixSpec):
        return "; ".join(" ".join(key_num(v, spec) for v in row) for row in part.answer)
    return display_value(spec, part.answer)


def _in_language(alts: list[str], lang: str) -> list[str]:
    """Accepted fill-in answers in the key's language first; an English key shows no Chinese alternative when it
    has an English one."""
    def cjk(a: str) -> bool:
        return any("\u4e00" <= c <= "\u9fff" for c in a)

    if lang == "en":
        latin = [a for a in alts if not cjk(a)]
        return latin or list(alts)
    return sorted(alts, key=lambda a: not cjk(a))


def key_num(v: Any, spec: Any) -> str:
    """A number of the key with exactly the decimals the question asks for (`0.10` when 2 are asked; a key that
    printed `0.1` would contradict its own question); integers and unstated precision as the grader shows them."""
    d = getattr(spec, "decimals", None)
    if getattr(spec, "integer", False) or d is None:
        from examgen.mathfmt import num

        return num(v, 4 if d is None else max(d, 2))
    s = f"{float(v):.{d}f}"
    return s[1:] if s.startswith("-") and not s.strip("-0.") else s


def table_line(part: Part, lang: str) -> str:
    """A part's answer for the combined key table: a matrix row by row (`[[1, 2], [3, 4]]`)."""
    if isinstance(part.spec, MatrixSpec):
        return "[" + ", ".join("[" + ", ".join(key_num(v, part.spec) for v in row) + "]" for row in part.answer) + "]"
    return answer_text(part, lang)


def matrix_math(part: Part) -> str | None:
    """A matrix answer as Typst math (`mat(1, 2; 3, 4)`) so keys show it as a matrix; None for other answers."""
    if not isinstance(part.spec, MatrixSpec):
        return None
    return "mat(" + "; ".join(", ".join(key_num(v, part.spec) for v in row) for row in part.answer) + ")"


def answers_of(problem: Problem, lang: str) -> list[Answer]:
    return [Answer(p.name, p.label.get(lang), answer_text(p, lang), problem.part_points(p), table_line(p, lang))
            for p in problem.parts]


def step_items(problem: Problem, lang: str) -> list[dict[str, Any]]:
    items = []
    for s in problem.steps:
        lines = [math_or_quoted(x) for x in (s.formula, s.work) if x and x.strip()]
        result = math_or_quoted(s.result) if s.result.strip() else ""
        item: dict[str, Any] = {"title": segments(s.title.get(lang)), "lines": lines, "result": result}
        if s.note is not None:
            item["note"] = segments(s.note.get(lang))
        items.append(item)
    return items


def key_blocks(problem: Problem, lang: str) -> list[Block]:
    """The key of one problem: worked steps, the answers with their points, the explanation or marking scheme."""
    blocks: list[Block] = []
    if problem.steps:
        blocks.append({"kind": "steps", "items": step_items(problem, lang)})
    spec = problem.parts[0].spec
    if isinstance(spec, RubricSpec):
        ref = problem.parts[0].answer
        text = ref.get(lang, "") if isinstance(ref, dict) else str(ref)
        blocks.append({"kind": "rich", "segments": [{"kind": "bold", "value": WORDS["reference"].get(lang)}]
                       + segments(text)})
        rows = [[str(i), kp.text.get(lang), pts(kp.points)] for i, kp in enumerate(spec.key_points, 1)]
        rows.append(["", WORDS["total"].get(lang), pts(sum(kp.points for kp in spec.key_points))])
        blocks.append({"kind": "table", "header": ["#", WORDS["key_point"].get(lang), WORDS["points"].get(lang)],
                       "rows": rows, "caption": [{"kind": "bold", "value": WORDS["scheme"].get(lang)}],
                       "align": ["center", "left", "center"]})
    else:
        answers = answers_of(problem, lang)
        if len(answers) == 1:
            m = matrix_math(problem.parts[0])
            block = {"kind": "answer", "value": m or answers[0].text, "math": m is not None}
            if m is None and ("_" in answers[0].text or "^" in answers[0].text):  # `h_{t-1}` typeset as math
                block["segments"] = segments(answers[0].text)
            blocks.append(block)
        else:
            rows = []
            for i, (a, part) in enumerate(zip(answers, problem.parts), 1):
                m = matrix_math(part)
                rows.append([segments(f"({i}) {a.label}"), [{"kind": "math", "value": m, "display": True}] if m else a.text,
                             pts(a.points)])
            blocks.append({"kind": "table", "header": [WORDS["part"].get(lang), WORDS["answer"].get(lang),
                                                       WORDS["points"].get(lang)],
                           "rows": rows, "caption": [], "align": ["left", "center", "center"]})
    if problem.explanation is not None:
        expl = problem.explanation.get(lang).strip()
        if expl:
            blocks.append({"kind": "rich", "segments": [{"kind": "bold", "value": WORDS["explanation"].get(lang)}]
                           + segments(expl)})
    return blocks


def answer_form(spec: Any, lang: str) -> str:
    """The answer form a question states (`单选`, `多选：少选得一半，错选不得分`, `数值，保留 2 位小数`), without
    the brackets `answer_form.form_line` prints: the writers add their own."""
    from examgen.answer_form import form_line

    return form_line(spec, lang).strip()[1:-1]


def item_tag(problem: Problem, lang: str) -> str:
    if problem.kind in KIND_TAGS:  # a bank item: its type is its answer form (【多选：少选得一半，错选不得分】)
        return answer_form(problem.parts[0].spec, lang)
    if problem.title is not None:
        return problem.title.get(lang)
    return problem.kind


def make_item(problem: Problem, number: int, lang: str, paper: bool = True) -> DocItem:
    body, key, space = body_blocks(problem, lang, paper), key_blocks(problem, lang), answer_space(problem, lang)
    if lang == "zh":  # one quote style (“”) whatever the kind or bank text used
        body, key, space = zh_quoted(body), zh_quoted(key), zh_quoted(space)
    return DocItem(number=number, points=float(problem.points), problem=problem, tag=item_tag(problem, lang),
                   body=body, space=space, key=key, answers=answers_of(problem, lang))


# ---------------------------------------------------------------- documents
def _words(mode: str, lang: str) -> str:
    return {"key": WORDS["key"], "solutions": WORDS["solutions"]}.get(mode, Bi("", "")).get(lang)


def _instructions(lang: str, total: float, minutes: int | None) -> str:
    if lang == "zh":
        head = f"考试时间 {minutes} 分钟，满分 {pts(total)} 分。" if minutes else f"满分 {pts(total)} 分。"
        return head + "请将答案写在答题线上或方框内；计算题须写出主要步骤。"
    head = f"Time: {minutes} minutes. Total: {pts(total)} points. " if minutes else f"Total: {pts(total)} points. "
    return head + "Write your answers on the lines or in the boxes; show the main steps of every calculation."


@dataclass
class Provenance:
    """Where a document comes from. A paper prints only its code; the seed and the command that prints the key
    appear in keys (and on papers exported with `--show-seed`, for self-study)."""

    seed: int | None = None
    code: str = ""
    variant: int | None = None
    variants: int | None = None
    command: str = ""
    show_seed: bool = False
    record: dict[str, Any] = field(default_factory=dict)

    def open(self, mode: str) -> bool:
        return mode == "key" or self.show_seed

    def footer(self, mode: str, lang: str) -> str:
        bits = [self.code] if self.code else []
        if self.open(mode) and self.seed is not None:
            bits.append(f"seed {self.seed}")
        if self.variant is not None and self.variants:
            bits.append(f"{WORDS['variant'].get(lang)} {self.variant}/{self.variants}")
        return " · ".join(bits)

    def fields(self, mode: str, lang: str) -> dict[str, Any]:
        """The provenance fields of a `Document` in this mode."""
        records = {self.code: self.record} if mode == "key" and self.code else {}
        return {"footer": self.footer(mode, lang), "code": self.code, "records": records,
                "command": self.command if self.open(mode) else "",
                "colophon": self.command if self.open(mode) else "",
                "variant": self.variant, "variants": self.variants}


def _header(title: str, variant: int | None, variants: int | None, lang: str) -> str:
    if variant is not None and variants:
        return f"{title} · {WORDS['variant'].get(lang)} {variant}/{variants}"
    return title


def from_exam(exam: Any, lang: str, mode: str = "paper", *, prov: Provenance | None = None) -> Document:
    """A document from an `examgen.exam.Exam` (duck-typed: seed, title, duration_min, sections → items)."""
    check_mode(mode)
    prov = prov or Provenance(seed=exam.seed)
    paper = mode != "key"
    sections = []
    for sec in exam.sections:
        items = [make_item(it.problem, it.number, lang, paper) for it in sec.items]
        sections.append(DocSection(sec.title.get(lang), float(sec.points), items))
    title = exam.title.get(lang)
    total = round(sum(float(s.points) for s in exam.sections), 2)
    minutes = getattr(exam, "duration_min", None)
    if lang == "zh":
        sub = f"考试时间 {minutes} 分钟 · 满分 {pts(total)} 分" if minutes else f"满分 {pts(total)} 分"
    else:
        sub = f"{minutes} minutes · {pts(total)} points" if minutes else f"{pts(total)} points"
    if mode != "paper":
        sub = _words(mode, lang) + " · " + sub
    return Document(
        lang=lang, mode=mode, title=title, subtitle=sub, header=_header(title, prov.variant, prov.variants, lang),
        instructions=_instructions(lang, total, minutes) if mode == "paper" else "",
        seed=exam.seed, sections=sections, **prov.fields(mode, lang),
        score_labels=[section_numeral(i, lang) for i in range(len(sections))] if mode == "paper" else [],
    )


def from_problems(problems: list[Problem], lang: str, mode: str = "paper", *, seed: int | None = None,
                  title: str | None = None, subtitle: str = "", prov: Provenance | None = None) -> Document:
    """A practice document from problems: grouped into sections in the order choice, fill, short, calculation,
    comprehensive; numbered through."""
    check_mode(mode)
    prov = prov or Provenance(seed=seed)
    paper = mode != "key"
    order = {s: i for i, s in enumerate(SECTIONS)}
    groups: dict[str, list[Problem]] = {}
    for pr in sorted(problems, key=lambda p: order.get(p.section, 99)):
        groups.setdefault(pr.section, []).append(pr)
    sections = []
    number = 0
    for i, (sec, probs) in enumerate(groups.items()):
        items = []
        for pr in probs:
            number += 1
            items.append(make_item(pr, number, lang, paper))
        name = SECTION_TITLES.get(sec, Bi(sec, sec)).get(lang)
        head = f"{section_numeral(i, lang)}、{name}" if lang == "zh" else f"{section_numeral(i, lang)}. {name}"
        sections.append(DocSection(head, round(sum(p.points for p in probs), 2), items))
    title = title or f"{COURSE.get(lang)} · {WORDS['practice'].get(lang)}"
    total = round(sum(float(p.points) for p in problems), 2)
    sub = subtitle
    if mode != "paper":
        sub = _words(mode, lang) + (" · " + sub if sub else "")
    return Document(
        lang=lang, mode=mode, title=title, subtitle=sub, header=_header(title, prov.variant, prov.variants, lang),
        instructions=_instructions(lang, total, None) if mode == "paper" else "",
        seed=seed, sections=sections, **prov.fields(mode, lang),
        score_labels=[section_numeral(i, lang) for i in range(len(sections))] if mode == "paper" else [],
    )


def key_table(docs: list[Document], lang: str, provs: list[Provenance]) -> KeyTable:
    """The combined key of variants: one row per variant with its code, seed, command and every answer; the
    code → seed map goes with it (so `--code … --key-table FILE` can rebuild one variant's full key)."""
    rows = []
    for i, (d, pv) in enumerate(zip(docs, provs), 1):
        rows.append(KeyRow(variant=pv.variant or i, seed=pv.seed, command=pv.command, code=pv.code,
                           answers=[(it.number, it.ref, it.answer_line(lang), it.points) for it in d.items]))
    first = docs[0] if docs else None
    title = f"{first.title if first else COURSE.get(lang)} · {WORDS['combined_key'].get(lang)}"
    sub = (f"{len(docs)} 套试卷，按页脚的试卷代码查找。某套的完整解答："
           f"examgen export --code 代码 --key-table 本文件 --key -o 文件名" if lang == "zh" else
           f"{len(docs)} variants, found by the code in each paper's footer. One variant's full key: "
           f"examgen export --code CODE --key-table THIS-FILE --key -o FILE")
    return KeyTable(lang=lang, title=title, subtitle=sub, footer=title, rows=rows,
                    records={pv.code: pv.record for pv in provs if pv.code})


def check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")


# ---------------------------------------------------------------- walking the blocks
def iter_texts(blocks: Iterable[Block]) -> Iterator[str]:
    """Every piece of printable text of blocks (for glyph checks)."""
    for b in blocks:
        yield from _texts(b)


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _texts(v)


def chapter_name(chapter: str, lang: str) -> str:
    return CHAPTERS[chapter].get(lang) if chapter in CHAPTERS else chapter


# Spec helpers shared by the quiz writers.
def numeric_entries(part: Part) -> list[tuple[str, float, bool, int | None]] | None:
    """The numbers a part asks for: (suffix, value, integer, decimals) per entry; None if it is not numeric."""
    spec = part.spec
    if isinstance(spec, NumberSpec):
        return [("", float(part.answer), spec.integer, spec.decimals)]
    if isinstance(spec, VectorSpec):
        vals = list(part.answer)
        if len(vals) == 1:
            return [("", float(vals[0]), spec.integer, spec.decimals)]
        return [(f"[{i}]", float(v), spec.integer, spec.decimals) for i, v in enumerate(vals, 1)]
    if isinstance(spec, ShapeSpec):
        return [(f"[{i}]", float(v), True, None) for i, v in enumerate(part.answer, 1)]
    if isinstance(spec, MatrixSpec):
        return [(f"[{r},{c}]", float(v), spec.integer, spec.decimals)
                for r, row in enumerate(part.answer, 1) for c, v in enumerate(row, 1)]
    return None


def label_forms(part: Part) -> list[str]:
    """Accepted spellings of a labels answer: `A C D`, `A,C,D`, `ACD`."""
    spec = part.spec
    assert isinstance(spec, LabelsSpec)
    vals = [str(v) for v in part.answer]
    forms = [" ".join(vals), ",".join(vals), ", ".join(vals)]
    if all(len(v) == 1 for v in vals):
        forms.append("".join(vals))
    return list(dict.fromkeys(forms))
