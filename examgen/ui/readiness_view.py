"""Readiness and the study plan in the terminal (Rich): the predicted score, chapter × section probabilities,
per-chapter bars, the score trend of past exams, and the plan table."""

from __future__ import annotations

import time
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from examgen.i18n import Bi
from examgen.model import CHAPTERS

SECTION_SHORT = {"objective": Bi("选择填空", "Choice/fill"), "short": Bi("简答", "Short"),
                 "calculation": Bi("计算", "Calculation"), "comprehensive": Bi("综合", "Comprehensive")}
SECTION_TINY = {"objective": Bi("选填", "Obj."), "short": Bi("简答", "Short"), "calculation": Bi("计算", "Calc."),
                "comprehensive": Bi("综合", "Comp.")}  # headings of the narrowest readiness table
L = {
    "title": Bi("备考评估：若今天考试，预测得分 {mean:.1f} / {total:g}（90% 区间 {lo:.1f}–{hi:.1f}）",
                "Readiness: if the exam were today, predicted score {mean:.1f} / {total:g} "
                "(90% interval {lo:.1f}–{hi:.1f})"),
    "how": Bi("每格：答对一道题的估计概率及其 90% 区间（Beta 后验，练习与考试记录）；右列：该章预计得分 / 满分。",
              "Each cell: estimated probability of answering an item right, with its 90% interval (Beta "
              "posterior from practice and exams); right: the chapter's expected points / its points."),
    "chapter": Bi("章节", "Chapter"), "points": Bi("预计得分", "Expected"),
    "trend": Bi("历次模拟考试得分", "Mock exam scores"),
    "plan.title": Bi("今天练什么（按可提高的预计得分排序）", "What to practise today (by the expected points it can add)"),
    "plan.until": Bi("距 {date} 还有 {days} 天", "{days} days to {date}"),
    "plan.topic": Bi("练习内容", "Topic"), "plan.p": Bi("答对率", "P(right)"), "plan.recall": Bi("回忆概率", "Recall"),
    "plan.gain": Bi("可提高", "Gain"), "plan.points": Bi("分值", "Pts"), "plan.cmd": Bi("命令", "Command"),
    "plan.below": Bi("命令：", "Commands:"),
    "plan.none": Bi("蓝图上没有可练习的内容。", "Nothing on the blueprint to practise."),
}


def _chapter(ch: str, lang: str) -> str:
    return CHAPTERS[ch].get(lang) if ch in CHAPTERS else ch


def _section(sec: str, lang: str) -> str:
    return SECTION_SHORT[sec].get(lang) if sec in SECTION_SHORT else sec


def _style(p: float) -> str:
    return "green" if p >= 0.8 else ("yellow" if p >= 0.5 else "red")


def _bar(fraction: float, width: int = 16) -> Text:
    from examgen.ui.views import bar

    return bar(fraction, width)


MIN_LABEL = 14  # a table's label column (chapter, topic) keeps at least this many cells: never squeezed away


class _ByWidth:
    """A table built for the width it is given: one that drops its least needed columns, or moves its commands
    below, when the terminal is narrow, rather than let Rich squeeze the label or cut the numbers."""

    def __init__(self, build: Any) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(options.max_width)


def _fits(columns: list[list[str]], width: int, label: int = 0) -> bool:
    """Whether columns of these cells (column `label` the label, at least MIN_LABEL wide) fit in `width`."""
    from examgen.ui.views import table_cells

    widths = [max(map(cell_len, c)) for c in columns]
    widths[label] = max(MIN_LABEL, widths[label])
    return table_cells(widths) <= width


def readiness_view(r: Any, lang: str) -> RenderableType:
    """The predicted score, the chapter × section table with per-chapter bars, and the score trend."""
    out: list[RenderableType] = [Text(L["title"].get(lang).format(mean=r.mean, total=r.total, lo=r.lo, hi=r.hi),
                                      style="bold"), _ByWidth(lambda w: _readiness_table(r, lang, w)),
                                 Text(L["how"].get(lang), style="dim")]
    if r.trend:
        out.append(trend_view(r.trend, lang))
    return Group(*out)


def _readiness_table(r: Any, lang: str, width: int) -> Table:
    """Chapters × sections. Narrower than it needs: first without the bars, then without the intervals, then with
    short headings (Calc., Comp.)."""
    from examgen.readiness import chapter_rows, sections

    rows = chapter_rows(r)
    secs = sections(r)

    def cell(c: Any, interval: bool) -> str:
        return "" if c is None else f"{100 * c.mean:.0f}%" + (f" {100 * c.lo:.0f}–{100 * c.hi:.0f}" if interval else "")

    def head(sec: str, tiny: bool) -> str:
        return SECTION_TINY[sec].get(lang) if tiny and sec in SECTION_TINY else _section(sec, lang)

    def columns(bars: bool, interval: bool, tiny: bool = False) -> list[list[str]]:
        cols = [[L["chapter"].get(lang)], *[[head(s, tiny)] for s in secs], [L["points"].get(lang)]]
        for row in rows:
            cols[0].append("")
            for i, c in enumerate(row.cells):
                cols[1 + i].append(cell(c, interval))
            cols[-1].append(f"{row.expected:.1f}/{row.points:.1f}")
        return cols + [["x" * 10]] if bars else cols

    bars, interval, tiny = next(((b, i, t) for b, i, t in ((True, True, False), (False, True, False),
                                                           (False, False, False)) if _fits(columns(b, i, t), width)),
                                (False, False, True))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
    table.add_column(L["chapter"].get(lang), min_width=min(MIN_LABEL, 10) if tiny else MIN_LABEL, overflow="fold")
    for sec in secs:
        table.add_column(head(sec, tiny), justify="right", no_wrap=True)
    table.add_column(L["points"].get(lang), justify="right", no_wrap=True)
    if bars:
        table.add_column("", no_wrap=True)
    for row in rows:
        cells: list[Any] = [Text(cell(c, interval), style=(_style(c.mean) if c.points else "dim") if c else "")
                            for c in row.cells]
        table.add_row(_chapter(row.chapter, lang), *cells,
                      f"{row.expected:.1f}/{row.points:.1f}" if row.points else "",
                      *([_bar(row.expected / row.points, 10) if row.points else Text("")] if bars else []))
    return table


def trend_view(trend: list[tuple[int, float, float]], lang: str) -> RenderableType:
    """One bar per submitted exam, oldest first."""
    t = Table(title=L["trend"].get(lang), title_justify="left", box=None, pad_edge=False, show_header=False)
    for _ in range(4):
        t.add_column(no_wrap=True)
    for exam_id, at, pct in trend:
        t.add_row(f"#{exam_id}", time.strftime("%Y-%m-%d", time.localtime(at)), _bar(pct / 100, 30),
                  f"{pct:.0f}%")
    return t


def plan_view(rows: list[tuple[Any, str]], lang: str, until: str | None = None, days: int | None = None) -> RenderableType:
    """The plan: one row per cell to practise, with the command to run."""
    if not rows:
        return Text(L["plan.none"].get(lang))
    title = L["plan.title"].get(lang)
    if until:
        title += "\n" + L["plan.until"].get(lang).format(date=until, days=days)
    return _ByWidth(lambda w: _plan_table(rows, lang, title, w))


def _plan_table(rows: list[tuple[Any, str]], lang: str, title: str, width: int) -> RenderableType:
    """A command is never wrapped (it is copied): where it does not fit in the table, it goes below it."""
    heads = [L[key].get(lang) for key in ("plan.points", "plan.p", "plan.recall", "plan.gain")]
    values = [[f"{c.points:.1f}", f"{100 * c.mean:.0f}%", "–" if c.recall is None else f"{100 * c.recall:.0f}%",
               f"+{c.gain:.1f}"] for c, _ in rows]
    topics = [f"{_chapter(c.chapter, lang)} · {_section(c.section, lang)}" for c, _ in rows]
    label = L["plan.topic"].get(lang) + " · " + L["plan.cmd"].get(lang)
    inside = _fits([[str(len(rows))], [label, *topics, *(cmd for _, cmd in rows)],
                    *([h, *(v[i] for v in values)] for i, h in enumerate(heads))], width, label=1)
    t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("#", justify="right")
    t.add_column(label if inside else L["plan.topic"].get(lang),
                 min_width=max(len(cmd) for _, cmd in rows) if inside else MIN_LABEL, overflow="fold")
    for head in heads:
        t.add_column(head, justify="right", no_wrap=True)
    for i, ((c, cmd), topic, v) in enumerate(zip(rows, topics, values), 1):
        cell = Text(topic)
        if inside:
            cell.append("\n" + cmd, style="cyan")
        t.add_row(str(i), cell, v[0], Text(v[1], style=_style(c.mean)), v[2], v[3])
    if inside:
        return t
    below = [Text(L["plan.below"].get(lang), style="bold")]
    below += [Text.assemble(f"{i:>2}  ", (cmd, "cyan"), no_wrap=True) for i, (_, cmd) in enumerate(rows, 1)]
    return Group(t, *below)


REPEATED = Bi("反复出现的错误（这一类值得再练）：", "Mistakes you keep making (worth practising that kind again):")


def repeated_view(entries: list[dict[str, Any]], lang: str) -> RenderableType:
    """`plan`'s note on the mistakes made at least twice (`examgen.store_mistakes.repeated`), with the command."""
    out: list[RenderableType] = [Text(REPEATED.get(lang), style="bold")]
    for m in entries:
        times = f"{m['count']} 次" if lang == "zh" else f"{m['count']} times"
        out.append(Text(f"  {m['kind']} · {m['text']} · {times}"))
        out.append(Text("    " + m["command"], style="cyan", no_wrap=True))
    return Group(*out)
