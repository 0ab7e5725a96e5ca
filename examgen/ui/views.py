"""Views of the exam screen: the start page, the header with its countdown, a question as on paper (with the
answer form of every part), the list of answered and blank questions, and the keys."""

from __future__ import annotations

import io
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from examgen.answer_form import form_line
from examgen.i18n import Bi
from examgen.mathfmt import unicode_text
from examgen.model import Figure, Problem
from examgen.ui.messages import t
from examgen.ui.render import Wrapped, wrap_cjk

LETTERS = "ABCDEFGHIJ"
WARN_S = 600.0
DANGER_S = 120.0


# ---------------------------------------------------------------- small helpers
def fmt_clock(seconds: float, hours: bool = False) -> str:
    """`mm:ss`, or `h:mm:ss` from an hour on (or always, with `hours`: a time shown beside one of hours)."""
    s = max(0, int(seconds + 0.999)) if seconds > 0 else 0
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h or hours else f"{m:02d}:{s:02d}"


def fmt_clocks(a: float, b: float, sep: str = " / ") -> str:
    """Two times in one form: "0:01:21 / 2:00:00", never "01:21 / 2:00:00"."""
    hours = max(a, b) >= 3600 - 0.999
    return fmt_clock(a, hours) + sep + fmt_clock(b, hours)


ECHO_MAX = 200


def visible(text: str) -> str:
    """Typed text as it is shown: a control character (an escape sequence would recolour the terminal or set its
    title) named as U+001B."""
    return "".join(f"U+{ord(c):04X}" if (ord(c) < 32 and c != "\t") or 127 <= ord(c) < 160 else c for c in text)


def echo_line(text: str, lang: str = "en") -> str:
    """A piped line as it is shown back: control characters (an escape sequence would recolour the terminal)
    named as U+001B, and a line over ECHO_MAX characters cut with its length ("… (20000 chars)"). What is saved and
    graded is the line itself."""
    shown = visible(text[:ECHO_MAX])
    more = f"…（共 {len(text)} 个字符）" if lang == "zh" else f"… ({len(text)} chars)"
    return shown if len(text) <= ECHO_MAX else shown + more


def fmt_pts(x: float) -> str:
    x = round(float(x), 2)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def clock_style(remaining: float) -> str:
    if remaining <= DANGER_S:
        return "bold white on red"
    if remaining <= WARN_S:
        return "bold black on yellow"
    return "bold green"


def table_cells(widths: list[int]) -> int:
    """The width of a `box.SIMPLE_HEAD`, `pad_edge=False` table whose columns hold cells this wide: a padded rule
    between two columns, an edge on each side."""
    return sum(widths) + 3 * (len(widths) - 1) + 2


def bar(fraction: float, width: int = 20) -> Text:
    fraction = min(max(fraction, 0.0), 1.0)
    full = int(round(fraction * width))
    style = "green" if fraction >= 0.8 else ("yellow" if fraction >= 0.5 else "red")
    out = Text("█" * full, style=style)
    out.append("░" * (width - full), style="dim")
    return out


def pct(got: float, mx: float) -> str:
    return f"{100 * got / mx:.0f}%" if mx else "–"


def _txt(b: Bi, lang: str) -> str:
    return unicode_text(b.get(lang))


# ---------------------------------------------------------------- views
def item_status(problem: Problem, answers: dict[str, str] | None) -> str:
    given = {k for k, v in (answers or {}).items() if v and v.strip()}
    names = {p.name for p in problem.parts}
    if not given & names:
        return "blank"
    return "answered" if names <= given else "partial"


def fmt_duration(seconds: float, lang: str) -> str:
    """120 分钟 / 1 minute / 90 seconds: the length of an exam as a student reads it."""
    s = max(int(round(seconds)), 0)
    if s >= 60 and s % 60 == 0:
        return t("dur.minutes" if s != 60 else "dur.minute", lang, n=s // 60)
    if s >= 60:
        return t("dur.min_sec", lang, m=s // 60, s=s % 60)
    return t("dur.seconds" if s != 1 else "dur.second", lang, n=s)


def start_view(exam: Any, lang: str, interactive: bool, resumed: str | None = None,
               duration_s: float | None = None, full: bool = False, notice: str | None = None) -> RenderableType:
    """The start page; `duration_s`: the real length of this sitting (`--minutes`), else the blueprint's."""
    title = Text(_txt(exam.title, lang), style="bold")
    title.append("  · " + t("start.seed", lang, seed=exam.seed), style="dim")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column(t("start.sections", lang))
    table.add_column(t("start.items", lang), justify="right")
    table.add_column(t("start.points", lang), justify="right")
    for sec in exam.sections:
        table.add_row(_txt(sec.title, lang), str(len(sec.items)), fmt_pts(sec.points))
    table.add_row(Text(t("start.total", lang), style="bold"), str(len(exam.items)),
                  Text(fmt_pts(exam.total_points), style="bold"))
    parts: list[RenderableType] = [Rule(t("start.title", lang), style="cyan"), title, table]
    if notice:
        parts.append(Text(notice, style="bold yellow"))
    if resumed:
        parts.append(Text(resumed, style="bold yellow"))
    else:
        seconds = duration_s if duration_s is not None else exam.duration_min * 60
        parts.append(Text(t("start.duration", lang, d=fmt_duration(seconds, lang))))
    parts.append(Wrapped(t("start.rules", lang), style="dim"))
    parts.append(keys_view(lang, full))
    if not interactive:
        parts.append(Text(t("start.piped", lang), style="dim"))
    return Group(*parts)


COMMANDS = [
    (":n  :next", "keys.next"), (":p  :prev", "keys.prev"), (":g N  :goto N  :N", "keys.goto"),
    (":f  :flag", "keys.flag"), (":l  :list", "keys.list"), (":c  :clear", "keys.clear"),
    (":h  :help", "keys.help"), (":s  :submit", "keys.submit"), (":q  Ctrl-C", "keys.quit"),
]


FULL_KEYS = [("↑ ↓  Tab", "keys.move"), ("PgUp PgDn", "keys.scroll"), ("Esc", "keys.esc")]


def keys_view(lang: str, full: bool = False) -> RenderableType:
    """The keys; `full`: those of the full screen too (moving between parts, scrolling)."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold cyan")
    grid.add_column()
    grid.add_row(Text(t("keys.title", lang), style="bold"), Wrapped(t("keys.answer_full" if full else "keys.answer",
                                                                      lang)))
    for keys, msg in (FULL_KEYS if full else []) + COMMANDS:
        grid.add_row(keys, Wrapped(t(msg, lang)))
    return grid


def header_text(exam: Any, item: Any, remaining: float, flagged: bool, lang: str, width: int) -> Text:
    """One line: section · question n/N · points · flag · countdown (yellow under 10 minutes, red under 2)."""
    sec = exam.section_of(item)
    right = Text()
    if flagged:
        right.append(" " + t("hdr.flagged", lang) + " ", style="bold yellow")
    right.append(" " + t("hdr.left", lang, t=fmt_clock(remaining)) + " ", style=clock_style(remaining))
    mid = f" │ {t('hdr.question', lang, n=item.number, total=len(exam.items))} │ " \
          f"{t('hdr.points', lang, p=fmt_pts(item.problem.points))} "
    from rich.cells import cell_len, set_cell_size

    title = _txt(sec.title, lang)
    room = width - cell_len(mid) - right.cell_len - 1
    if cell_len(title) > room:
        title = set_cell_size(title, max(room - 1, 1)) + "…"
    line = Text(title, style="bold cyan")
    line.append(mid)
    pad = width - line.cell_len - right.cell_len
    if pad > 0:
        line.append(" " * pad)
    line.append_text(right)
    line.no_wrap = True
    line.overflow = "crop"
    return line


def end_header(exam: Any, remaining: float, lang: str, width: int) -> Text:
    line = Text(_txt(exam.title, lang), style="bold")
    right = Text(" " + t("hdr.left", lang, t=fmt_clock(remaining)) + " ", style=clock_style(remaining))
    from rich.cells import set_cell_size

    room = width - right.cell_len - 1
    if line.cell_len > room:
        line = Text(set_cell_size(line.plain, max(room - 1, 1)) + "…", style="bold")
    line.append(" " * max(width - line.cell_len - right.cell_len, 0))
    line.append_text(right)
    line.no_wrap = True
    return line


def _measure(fig_view: RenderableType, width: int) -> int:
    con = Console(width=width, file=io.StringIO(), highlight=False)
    return Measurement.get(con, con.options, fig_view).maximum


def figure_view(fig: Figure, lang: str) -> RenderableType:
    """A figure with its label on its own line (`examgen.ui.render.figure_view`)."""
    from examgen.ui.render import figure_view as base

    return base(fig, lang)


def figures_block(figs: list[Figure], lang: str, width: int) -> RenderableType:
    """Figures as grids/matrices/tables; small matrices side by side only when they fit the width."""
    views = [(f, figure_view(f, lang)) for f in figs]
    out: list[RenderableType] = []
    row: list[RenderableType] = []
    row_w = 0
    gap = 3

    def flush() -> None:
        nonlocal row, row_w
        if len(row) == 1:
            out.append(row[0])
        elif row:
            g = Table.grid(padding=(0, gap))
            for _ in row:
                g.add_column(no_wrap=True)
            g.add_row(*row)
            out.append(g)
        row, row_w = [], 0

    for fig, view in views:
        w = _measure(view, width)
        if fig.kind != "matrix":
            flush()
            out.append(view)
            continue
        if row and row_w + gap + w > width:
            flush()
        row.append(view)
        row_w += (gap if row_w else 0) + w
    flush()
    return Group(*out)


def question_view(item: Any, lang: str, width: int, answers: dict[str, str] | None = None,
                  current_part: str | None = None) -> RenderableType:
    """A question as on paper: number, title, points, the text, options as a list, figures, the parts."""
    pr: Problem = item.problem
    head = Text(f"{item.number}. ", style="bold")
    points = t("hdr.points_after", lang, p=fmt_pts(pr.points))
    if pr.title is not None and pr.item_id is None:
        head.append(_txt(pr.title, lang), style="bold")
    else:
        points = points.lstrip()
    head.append(points, style="dim")
    multi = len(pr.parts) > 1 or pr.parts[0].name
    if not multi:
        head.append(("" if lang == "zh" else " ") + form_line(pr.parts[0].spec, lang), style="cyan")
    parts: list[RenderableType] = [head, Text(wrap_cjk(_txt(pr.prompt, lang), width))]
    if pr.options:
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(no_wrap=True, width=4, justify="right")
        grid.add_column(overflow="fold")
        for i, opt in enumerate(pr.options):
            grid.add_row(Text(f"{LETTERS[i]}.", style="bold"), Text(wrap_cjk(_txt(opt, lang), width - 6)))
        parts.append(grid)
    if pr.figures:
        parts.append(figures_block(pr.figures, lang, width))
    answers = answers or {}
    if multi:
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        from rich.cells import cell_len

        first = max(cell_len(p.name) for p in pr.parts) + 3
        for p in pr.parts:
            mark = "›" if p.name == current_part else " "
            label = _txt(p.label, lang) + t("hdr.points_after", lang, p=fmt_pts(pr.part_points(p)))
            cell = Text(wrap_cjk(label + ("" if lang == "zh" else " ") + form_line(p.spec, lang), width - first - 2))
            cell.stylize("cyan", max(cell.plain.rfind("【" if lang == "zh" else "["), 0))
            given = answers.get(p.name)
            if given:
                cell.append("\n✎ " + _one_line(given), style="green")
            grid.add_row(Text(f"{mark} {p.name}:", style="bold"), cell)
        parts.append(grid)
    elif answers.get(""):
        line = Text(t("q.your_answer", lang) + " ", style="green")
        line.append(_one_line(answers[""]))
        parts.append(line)
    return Group(*parts)


def _one_line(text: str, limit: int = 200) -> str:
    s = visible(" ".join(text.split()))
    return s if len(s) <= limit else s[:limit - 1] + "…"


def list_view(exam: Any, answers: dict[int, dict[str, str]], flags: set[int], lang: str) -> RenderableType:
    """Per section: which questions are answered, partly answered, flagged, blank."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(t("list.section", lang))
    for key in ("list.answered", "list.partial", "list.flagged", "list.blank"):
        table.add_column(t(key, lang), overflow="fold")
    for sec in exam.sections:
        groups: dict[str, list[str]] = {"answered": [], "partial": [], "blank": []}
        flagged = []
        for it in sec.items:
            groups[item_status(it.problem, answers.get(it.number))].append(str(it.number))
            if it.number in flags:
                flagged.append(str(it.number))
        cells = [" ".join(groups["answered"]), " ".join(groups["partial"]), " ".join(flagged),
                 " ".join(groups["blank"])]
        table.add_row(_txt(sec.title, lang), *[Text(c or t("list.none", lang),
                                                    style="" if c else "dim") for c in cells])
    return table


def help_view(lang: str, full: bool = False) -> RenderableType:
    return keys_view(lang, full)
