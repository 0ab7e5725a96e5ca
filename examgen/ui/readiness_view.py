"""Readiness and the study plan in the terminal (Rich): the predicted score, chapter × section probabilities,
per-chapter bars, the score trend of past exams, and the plan table."""

from __future__ import annotations

import time
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from examgen.i18n import Bi
from examgen.model import CHAPTERS

SECTION_SHORT = {"objective": Bi("选择填空", "Choice/fill"), "short": Bi("简答", "Short"),
                 "calculation": Bi("计算", "Calculation"), "comprehensive": Bi("综合", "Comprehensive")}
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
    "plan.topic": Bi("练习内容", "Topic"), "plan.p": Bi("答对率", "P(right)"), "plan.recall": Bi("记忆", "Recall"),
    "plan.gain": Bi("可提高", "Gain"), "plan.points": Bi("分值", "Pts"), "plan.cmd": Bi("命令", "Command"),
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


def readiness_view(r: Any, lang: str) -> RenderableType:
    """The predicted score, the chapter × section table with per-chapter bars, and the score trend."""
    out: list[RenderableType] = [Text(L["title"].get(lang).format(mean=r.mean, total=r.total, lo=r.lo, hi=r.hi),
                                      style="bold")]
    from examgen.readiness import chapter_rows, sections

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
    table.add_column(L["chapter"].get(lang))
    for sec in sections(r):
        table.add_column(_section(sec, lang), justify="right", no_wrap=True)
    table.add_column(L["points"].get(lang), justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for row in chapter_rows(r):
        cells: list[Any] = ["" if c is None else Text(f"{100 * c.mean:.0f}% {100 * c.lo:.0f}–{100 * c.hi:.0f}",
                                                      style=_style(c.mean) if c.points else "dim")
                            for c in row.cells]
        table.add_row(_chapter(row.chapter, lang), *cells,
                      f"{row.expected:.1f}/{row.points:.1f}" if row.points else "",
                      _bar(row.expected / row.points, 10) if row.points else Text(""))
    out += [table, Text(L["how"].get(lang), style="dim")]
    if r.trend:
        out.append(trend_view(r.trend, lang))
    return Group(*out)


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
    out: list[RenderableType] = []
    title = L["plan.title"].get(lang)
    if until:
        title += "\n" + L["plan.until"].get(lang).format(date=until, days=days)
    t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("#", justify="right")
    t.add_column(L["plan.topic"].get(lang) + " · " + L["plan.cmd"].get(lang),
                 min_width=max(len(cmd) for _, cmd in rows))  # a command is never wrapped: it is copied
    for key in ("plan.points", "plan.p", "plan.recall", "plan.gain"):
        t.add_column(L[key].get(lang), justify="right", no_wrap=True)
    for i, (c, cmd) in enumerate(rows, 1):
        topic = Text(f"{_chapter(c.chapter, lang)} · {_section(c.section, lang)}\n")
        topic.append(cmd, style="cyan")
        recall = "–" if c.recall is None else f"{100 * c.recall:.0f}%"
        t.add_row(str(i), topic, f"{c.points:.1f}", Text(f"{100 * c.mean:.0f}%", style=_style(c.mean)), recall,
                  f"+{c.gain:.1f}")
    out.append(t)
    return Group(*out)


REPEATED = Bi("反复出现的错误（这一类值得再练）：", "Mistakes you keep making (worth practising that kind again):")


def repeated_view(entries: list[dict[str, Any]], lang: str) -> RenderableType:
    """`plan`'s note on the mistakes made at least twice (`examgen.store_mistakes.repeated`), with the command."""
    out: list[RenderableType] = [Text(REPEATED.get(lang), style="bold")]
    for m in entries:
        times = f"{m['count']} 次" if lang == "zh" else f"{m['count']} times"
        out.append(Text(f"  {m['kind']} · {m['text']} · {times}"))
        out.append(Text("    " + m["command"], style="cyan", no_wrap=True))
    return Group(*out)
