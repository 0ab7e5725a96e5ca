"""Rich renderables for problems, worked solutions and verdicts (terminal output only)."""

from __future__ import annotations

import re
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from examgen.grading import Verdict, display_value
from examgen.i18n import Bi, cell
from examgen.mathfmt import to_unicode, unicode_text
from examgen.model import Figure, Problem, Step
from examgen.ui.messages import t as ui_t

SECTION_NAMES = {
    "choice": Bi("选择", "Choice"), "fill": Bi("填空", "Fill-in"), "short": Bi("简答", "Short answer"),
    "calculation": Bi("计算", "Calculation"), "comprehensive": Bi("综合", "Comprehensive"),
}
LETTERS = "ABCDEFGHIJ"


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f"
_TOKEN_RE = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")
_NO_LINE_START = set("，。、；：？！）》」』】〉”’,.;:?!)]}%…")
_NO_LINE_END = set("（《「『【〈“‘")


def wrap_spans(text: str, width: int) -> list[tuple[int, int]]:
    """Where to cut `text` into lines of at most `width` cells: (start, end) of each line. Chinese may break
    between any two characters (never before closing punctuation, never after an opening bracket), other words
    only at spaces; the spaces at a break are dropped. Rich alone breaks Chinese text only at spaces."""
    width = max(width, 8)
    spans: list[tuple[int, int]] = []
    base = 0
    for para in text.split("\n"):
        units: list[tuple[int, str]] = []      # (offset, unit): unbreakable pieces
        pos = base
        for tok in _TOKEN_RE.findall(para):
            if units and not tok.isspace() and not units[-1][1].isspace() and (
                    tok[0] in _NO_LINE_START or units[-1][1][-1] in _NO_LINE_END):
                units[-1] = (units[-1][0], units[-1][1] + tok)
            else:
                units.append((pos, tok))
            pos += len(tok)
        start: int | None = None               # the current line: text[start:end], `used` cells
        end, used = base, 0
        for off, u in units:
            if u.isspace():  # kept as it is inside a line (math uses wide spaces), dropped at a line break
                if start is not None:
                    used += cell_len(u)
                continue
            if start is not None and used + cell_len(u) <= width:
                end, used = off + len(u), used + cell_len(u)
                continue
            if start is not None:
                spans.append((start, end))
            while cell_len(u) > width:
                cut = len(u)
                while cell_len(u[:cut]) > width:
                    cut -= 1
                spans.append((off, off + cut))
                off, u = off + cut, u[cut:]
            start, end, used = off, off + len(u), cell_len(u)
        spans.append((start, end) if start is not None else (base, base))
        base += len(para) + 1
    return spans


def wrap_cjk(text: str, width: int) -> str:
    """`text` wrapped to `width` cells (see `wrap_spans`)."""
    return "\n".join(text[a:b].rstrip() for a, b in wrap_spans(text, width))


def wrap_text(text: Text, width: int) -> Text:
    """A Rich `Text` wrapped like `wrap_cjk`, keeping its styles."""
    lines = [text[a:b] for a, b in wrap_spans(text.plain, width)]
    for line in lines:
        line.rstrip()
    return Text("\n").join(lines)


class Wrapped:
    """Text that wraps like `wrap_cjk` at whatever width it is given (Chinese between any two characters);
    `style` applies to the text after an unstyled `prefix` (such as a step number). `text` may be a styled
    Rich `Text`."""

    def __init__(self, text: str | Text, style: str = "", prefix: str = "") -> None:
        self.text, self.style, self.prefix = text, style, prefix

    def _full(self) -> Text:
        body = self.text.copy() if isinstance(self.text, Text) else Text(self.text)
        if self.style:
            body.stylize(self.style)
        return Text(self.prefix) + body if self.prefix else body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lines: list[Text] = []
        for para in self._full().split("\n", allow_blank=True):
            lead = len(para.plain) - len(para.plain.lstrip(" "))
            if para.plain[lead:lead + 2] == "⇒ ":  # a worked step's result line hangs under its first number
                lead += 2
            if 0 < lead <= width // 3 and para.plain.strip():  # an indented line keeps its indent when it wraps
                lines += [para[:lead] + ln if i == 0 else Text(" " * lead) + ln
                          for i, ln in enumerate(wrap_text(para[lead:], width - lead).split("\n"))]
            else:
                lines += wrap_text(para, width).split("\n", allow_blank=True)
        yield Text("\n").join(lines)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((cell_len(line) for line in self._full().plain.split("\n")), default=0)
        return Measurement(min(longest, 8), longest)


def txt(b: Bi, lang: str) -> str:
    return unicode_text(b.get(lang))


def figure_view(fig: Figure, lang: str) -> RenderableType:
    """An image as a grid with shaded cells, a matrix, or a table, with its label on a line of its own (a table
    title would be cut to the table's width)."""
    label = txt(fig.label, lang)
    items: list[RenderableType] = ([Text(label, style="italic")] if label else []) + [_figure_table(fig, lang)]
    if fig.highlight:
        items.append(_MarkLegend(lang))
    return Group(*items) if len(items) > 1 else items[0]


class _MarkLegend:
    """Where there are no colours, a line saying what the [brackets] of `MarkedCell` stand for: the prompt calls
    those cells gray (灰色)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if console.color_system is None:
            yield Text("[ ] 为图中的灰色格" if self.lang == "zh" else "[ ] marks the gray (shaded) cells", style="dim")


class MarkedCell:
    """A highlighted cell (the window a question points at): reverse video on a colour terminal, and in
    [brackets] where there are no colours (a pipe, a file, TERM=dumb), so that it is never lost."""

    def __init__(self, value: str) -> None:
        self.value = value

    def _text(self, console: Console) -> Text:
        if console.color_system is None:
            return Text(f"[{self.value}]", style="bold")
        return Text(self.value, style="reverse bold")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self._text(console)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = self._text(console).cell_len
        return Measurement(width, width)


def _figure_table(fig: Figure, lang: str) -> RenderableType:
    if fig.kind == "table":
        table = Table(box=box.SIMPLE_HEAVY if fig.header else box.SQUARE, show_header=bool(fig.header),
                      pad_edge=False)
        ncols = len(fig.header) if fig.header else len(fig.rows[0])
        for i in range(ncols):
            table.add_column(cell(fig.header[i], lang) if fig.header else "", justify="right" if i else "left")
        for row in fig.rows:
            table.add_row(*(cell(v, lang) for v in row))
        return table
    shaded = set(map(tuple, fig.highlight))
    table = Table(box=box.SQUARE if fig.kind == "grid" else box.SIMPLE, show_header=False, pad_edge=True,
                  padding=(0, 1))
    for _ in fig.rows[0]:
        table.add_column(justify="right")
    for r, row in enumerate(fig.rows):
        table.add_row(*[MarkedCell(v) if (r, c) in shaded else Text(v) for c, v in enumerate(row)])
    return table


def figures_view(figs: list[Figure], lang: str) -> RenderableType:
    """Figures side by side when they are small (kernels), stacked otherwise."""
    if not figs:
        return Text("")
    small = [f for f in figs if f.kind == "matrix"]
    other = [f for f in figs if f.kind != "matrix"]
    items: list[RenderableType] = [figure_view(f, lang) for f in other]
    if small:
        row = Table.grid(padding=(0, 3))
        for _ in small:
            row.add_column()
        row.add_row(*[figure_view(f, lang) for f in small])
        items.append(row)
    return Group(*items)


def problem_view(problem: Problem, lang: str, number: int | None = None, show_points: bool = True) -> RenderableType:
    head = Text()
    if number is not None:
        head.append(f"{number}. ", style="bold")
    sec = SECTION_NAMES.get(problem.section, Bi(problem.section, problem.section)).get(lang)
    head.append(f"[{sec}] ", style="cyan")
    if problem.title is not None:
        head.append(txt(problem.title, lang) + ("" if lang == "zh" and show_points else " "), style="bold")
    if show_points:
        head.append(ui_t("hdr.points_after", lang, p=_pts(problem.points)).lstrip(), style="dim")
    parts: list[RenderableType] = [head, Wrapped(txt(problem.prompt, lang))]
    if problem.options:
        options = Table.grid(padding=(0, 1))
        options.add_column(no_wrap=True)
        options.add_column()
        for i, opt in enumerate(problem.options):
            options.add_row(f"  {LETTERS[i]}.", Wrapped(txt(opt, lang)))
        parts.append(options)
    if problem.figures:
        parts.append(figures_view(problem.figures, lang))
    if len(problem.parts) > 1 or problem.parts[0].name:
        lines = Text()
        for p in problem.parts:
            lines.append(f"  {p.name}: ", style="bold")
            pts = _pts(problem.part_points(p))
            lines.append(txt(p.label, lang) + (f"（{pts} 分）" if lang == "zh" else f" ({pts})") + "\n")
        parts.append(lines)
    return Group(*parts)


def _pts(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def step_view(step: Step, lang: str, level: int = 3, number: int | None = None) -> RenderableType:
    """One numbered worked step whose title wraps between Chinese characters (see `step_lines`)."""
    title = Wrapped(txt(step.title, lang), style="bold", prefix=f"{number}. " if number is not None else "")
    rest = step_lines(step, lang, level, title=False, note=False)
    items: list[RenderableType] = [title] + ([Wrapped(rest)] if rest.plain else [])  # wrapped lines keep the indent
    if level >= 3 and step.note is not None:  # indented under the step, wrapped like the title
        items.append(Wrapped("    " + txt(step.note, lang), style="italic"))
    return Group(*items) if len(items) > 1 else title


def step_lines(step: Step, lang: str, level: int = 3, title: bool = True, note: bool = True) -> Text:
    """One worked step. level 1: what and the formula; 2: + numbers substituted; 3: + result (and the note)."""
    line = Text()
    if title:
        line.append(txt(step.title, lang), style="bold")
    math = []
    if step.formula:
        math.append(to_unicode(step.formula))
    if level >= 2 and step.work:
        math.append(to_unicode(step.work))
    if level >= 3 and step.result:
        math.append(to_unicode(step.result))
    for i, m in enumerate(math):
        line.append(("\n" if line.plain or i else "") + "    " + ("" if i == 0 else "⇒ ") + m)
    if note and level >= 3 and step.note is not None:
        line.append(("\n" if line.plain else "") + "    " + txt(step.note, lang), style="italic")
    return line


def solution_view(problem: Problem, lang: str, level: int = 3) -> RenderableType:
    items: list[RenderableType] = [Text("解答" if lang == "zh" else "Solution", style="bold underline")]
    items += [step_view(step, lang, level, i) for i, step in enumerate(problem.steps, 1)]
    if level >= 3:
        items.append(answer_view(problem, lang))
        if problem.explanation is not None:
            items.append(Wrapped(txt(problem.explanation, lang), style="italic"))
    return Group(*items)


class _AnswerLine:
    """"Answer: a = …  b = …", wrapped between parts, never inside one (a matrix stays on one line)."""

    def __init__(self, head: str, pieces: list[str]) -> None:
        self.head, self.pieces = head, pieces

    def __rich_console__(self, console: Any, options: Any) -> Any:
        one = Text(self.head, style="bold green")
        one.append("  ".join(self.pieces))
        if one.cell_len <= options.max_width:
            yield one
            return
        if len(self.pieces) == 1:  # one long answer (a short answer's reference text): wrapped like the prompt
            yield wrap_text(one, options.max_width)
            return
        line = Text(self.head, style="bold green")
        room = options.max_width
        for piece in self.pieces:  # as many whole parts a line as fit; the next line indented
            sep = "" if line.plain in (self.head, "  ") else "  "
            if line.plain != "  " and line.cell_len + len(sep) + cell_len(piece) > room:
                yield Text(line.plain.rstrip(), style=line.style) if line.plain == self.head else line
                line, sep = Text("  "), ""
            line.append(sep + piece)
        yield line


def answer_view(problem: Problem, lang: str) -> RenderableType:
    head = "答案：" if lang == "zh" else "Answer: "
    if len(problem.parts) == 1 and not problem.parts[0].name:
        return _AnswerLine(head, [_answer_text(problem, problem.parts[0], lang)])
    return _AnswerLine(head, [f"{p.name} = {_answer_text(problem, p, lang)}" for p in problem.parts])


def _answer_text(problem: Problem, part: Any, lang: str) -> str:
    value = display_value(part.spec, part.answer)
    if part.spec.kind == "rubric":
        return txt(Bi.from_json(part.answer), lang) if isinstance(part.answer, dict) else str(part.answer)
    if part.spec.kind == "fill":
        from examgen.answer_sheet import fill_key_text

        return fill_key_text(part.spec, lang)
    return value


STATUS_STYLE = {"correct": "bold green", "partial": "bold yellow", "wrong": "bold red", "blank": "bold red",
                "format": "bold magenta"}
STATUS_KEY = {"correct": "verdict.correct", "partial": "verdict.partial", "wrong": "verdict.wrong",
              "blank": "verdict.blank", "format": "verdict.format"}


def verdict_view(verdict: Verdict, problem: Problem, lang: str, reveal: bool = True) -> RenderableType:
    """The verdict per part; `reveal=False` (practice, before a retry) leaves out the correct answers and any
    feedback that would give them away."""
    from examgen.i18n import t as tr

    status = verdict.status
    head = Text(tr(STATUS_KEY[status], lang), style=STATUS_STYLE[status])
    if status != "format":
        head.append(f"  {verdict.earned:g}/{verdict.max_points:g}", style="bold")
    items: list[RenderableType] = [head]
    fe = verdict.format_error
    if fe is not None:
        items.append(Text(fe.get(lang), style="magenta"))
        return Group(*items)
    multi = len(verdict.parts) > 1 or verdict.parts[0].name
    for pv, part in zip(verdict.parts, problem.parts):
        line = Text()
        if multi:
            mark = "✓" if pv.correct else ("·" if pv.blank else ("◐" if pv.score > 0 else "✗"))
            line.append(f"  {mark} {pv.name}: ", style="green" if pv.correct else "red")
        shown = _answer_text(problem, part, lang)
        if pv.correct and multi and part.spec.kind != "rubric":
            # "✓ kept: B D A E", not a bare "✓ kept:"; credit carried forward shows what was typed, not the key
            from examgen.ui.views import visible

            line.append(visible(" ".join(pv.given.split())) if pv.carried and pv.given else shown, style="green")
        elif not pv.correct and reveal:
            line.append(tr("fb.expected", lang, value=shown))
        elif not pv.correct and multi:
            line.append(tr("verdict.blank" if pv.blank else ("verdict.partial" if pv.score > 0 else "verdict.wrong"),
                           lang))
        diagnosed = {d.line(): d.short_line() for d in pv.diagnosis}
        for fb in pv.feedback:
            sep = "\n    " if line.plain else ""      # a single answer's feedback starts the line, no blank above
            if not reveal and fb in diagnosed:   # name the mistake, keep the step's values for after the retry
                line.append(sep + diagnosed[fb].get(lang), style="yellow")
            elif reveal or (shown not in fb.get(lang) and part.spec.kind != "rubric"):
                line.append(sep + fb.get(lang), style="yellow")
        if line.plain.strip():
            items.append(Wrapped(line))
    return Group(*items)
