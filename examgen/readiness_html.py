"""`examgen stats --html FILE`: the readiness view as one self-contained HTML file (inline SVG bars, no scripts)."""

from __future__ import annotations

from html import escape
from typing import Any

from examgen.i18n import Bi

T = {
    "title": Bi("备考评估", "Readiness report"),
    "score": Bi("若今天考试，预测得分 {mean:.1f} / {total:g}（90% 区间 {lo:.1f}–{hi:.1f}）",
                "If the exam were today: predicted score {mean:.1f} / {total:g} (90% interval {lo:.1f}–{hi:.1f})"),
    "cells": Bi("答对一道题的估计概率（90% 区间）", "Probability of answering an item right (90% interval)"),
    "bars": Bi("各章预计得分 / 满分", "Expected points per chapter / its points"),
    "trend": Bi("历次模拟考试得分", "Mock exam scores"),
    "chapter": Bi("章节", "Chapter"),
    "mistakes": Bi("你犯过的典型错误（次数）", "Your typical mistakes (times made)"),
    "method": Bi("Beta(1,1) 先验，练习与考试的每次作答为一次试验（部分得分计为部分成功）；区间为 Monte Carlo（{n} 次抽样，种子 {seed}）。",
                 "Beta(1,1) prior; every practice or exam answer is one trial (partial credit a partial success); "
                 "intervals by Monte Carlo ({n} draws, seed {seed})."),
}
CSS = ("body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:2em;color:#222}"
       "table{border-collapse:collapse}td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:right}"
       "td:first-child,th:first-child{text-align:left}.lo{color:#b00}.mid{color:#a60}.hi{color:#070}"
       ".dim{color:#999}")


def _cls(p: float) -> str:
    return "hi" if p >= 0.8 else ("mid" if p >= 0.5 else "lo")


def _bars_svg(rows: list[tuple[str, float, float]], width: int = 360, percent: bool = False) -> str:
    """Horizontal bars: label, value, maximum (the value printed as "got / max", or as a percentage)."""
    h = 22
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 330}" height="{h * len(rows) + 4}" '
           f'role="img">']
    for i, (label, got, worth) in enumerate(rows):
        y = i * h + 2
        frac = got / worth if worth else 0.0
        color = "#2a2" if frac >= 0.8 else ("#d90" if frac >= 0.5 else "#c33")
        out.append(f'<text x="0" y="{y + 15}" font-size="13">{escape(label)}</text>'
                   f'<rect x="230" y="{y + 3}" width="{width}" height="14" fill="#eee"/>'
                   f'<rect x="230" y="{y + 3}" width="{frac * width:.1f}" height="14" fill="{color}"/>'
                   f'<text x="{236 + width}" y="{y + 15}" font-size="13">'
                   f'{f"{100 * frac:.0f}%" if percent else f"{got:.1f} / {worth:.1f}"}</text>')
    out.append("</svg>")
    return "".join(out)


def report_html(r: Any, lang: str, mistakes: list[dict[str, Any]] | None = None) -> str:
    """The whole report: predicted score, chapter × section table, chapter bars, score trend, and the mistakes
    made (`examgen.store_mistakes.mistake_counts`), most frequent first."""
    import time

    from examgen import readiness
    from examgen.ui.readiness_view import SECTION_SHORT, _chapter

    head = "".join(f"<th>{escape(SECTION_SHORT[s].get(lang) if s in SECTION_SHORT else s)}</th>"
                   for s in readiness.sections(r))
    body, bars = [], []
    for row in readiness.chapter_rows(r):
        tds = ["<td></td>" if c is None else
               f'<td class="{_cls(c.mean) if c.points else "dim"}">{100 * c.mean:.0f}% '
               f'<small>{100 * c.lo:.0f}–{100 * c.hi:.0f}</small></td>' for c in row.cells]
        body.append(f"<tr><td>{escape(_chapter(row.chapter, lang))}</td>{''.join(tds)}</tr>")
        if row.points:
            bars.append((_chapter(row.chapter, lang), row.expected, row.points))
    parts = [f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
             f"<title>{escape(T['title'].get(lang))}</title><style>{CSS}</style></head><body>",
             f"<h1>{escape(T['title'].get(lang))}</h1>",
             f"<p><strong>{escape(T['score'].get(lang).format(mean=r.mean, total=r.total, lo=r.lo, hi=r.hi))}"
             f"</strong></p>",
             f"<h2>{escape(T['cells'].get(lang))}</h2><table><tr><th>{escape(T['chapter'].get(lang))}</th>{head}"
             f"</tr>{''.join(body)}</table>",
             f"<h2>{escape(T['bars'].get(lang))}</h2>{_bars_svg(bars)}"]
    if r.trend:
        rows = [(f"#{i}  {time.strftime('%Y-%m-%d', time.localtime(at))}", pct, 100.0) for i, at, pct in r.trend]
        parts.append(f"<h2>{escape(T['trend'].get(lang))}</h2>{_bars_svg(rows, percent=True)}")
    if mistakes:
        rows_m = "".join(f"<tr><td>{escape(m['text'])}</td><td>{escape(m['kind'])}</td><td>{m['count']}</td></tr>"
                         for m in mistakes)
        parts.append(f"<h2>{escape(T['mistakes'].get(lang))}</h2><table>{rows_m}</table>")
    parts.append(f'<p class="dim">{escape(T["method"].get(lang).format(n=readiness.DRAWS, seed=readiness.MC_SEED))}'
                 f"</p></body></html>\n")
    return "".join(parts)


def write_report(r: Any, lang: str, path: str, mistakes: list[dict[str, Any]] | None = None,
                 force: bool = False) -> None:
    """Write the report as exports are written (whole or not at all; an existing file only with `force`), with
    their one-line errors."""
    from pathlib import Path

    from examgen.export.files import write_all

    write_all({Path(path).expanduser(): report_html(r, lang, mistakes).encode("utf-8")}, force)
