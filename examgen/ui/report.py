"""The grading report, self-marking of short answers, and the history and statistics views."""

from __future__ import annotations

import os
import time
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from examgen.model import CHAPTERS, Problem, RubricSpec
from examgen.ui.messages import M, t
from examgen.ui.views import (
    _one_line, _txt, bar, echo_line, fmt_clock, fmt_clocks, fmt_pts, pct, question_view, table_cells, visible,
)


# ---------------------------------------------------------------- the report
def show(con: Console, view: RenderableType, pager: bool, reader: Any = None) -> None:
    """Print `view`, through a pager when `pager` and the console is a terminal: `$PAGER`, else `less -R`;
    printed as it is when no pager can be started (or `--no-pager`). A key `reader` of the exam screen stops
    reading the terminal while the pager runs (else it would take the keys meant for the pager)."""
    if not pager or not con.is_terminal:
        con.print(view)
        return
    import shlex
    import shutil
    import subprocess

    with con.capture() as cap:
        con.print(view)
    text = cap.get()
    cmd = shlex.split(os.environ.get("PAGER", "") or "")
    if not cmd and shutil.which("less"):
        cmd = ["less", "-R"]
    if not cmd or shutil.which(cmd[0]) is None:
        con.file.write(text)
        con.file.flush()
        return
    pause = getattr(reader, "pause", None)
    if pause is not None:
        pause()
    try:
        con.file.flush()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=con.file)
        try:
            assert proc.stdin is not None
            proc.stdin.write(text.encode("utf-8", "replace"))
            proc.stdin.close()
        except BrokenPipeError:      # the student quit the pager before the end
            pass
        while True:
            try:
                proc.wait()
                break
            except KeyboardInterrupt:   # Ctrl-C belongs to the pager
                continue
    except (OSError, ValueError):
        con.file.write(text)
        con.file.flush()
    finally:
        if pause is not None:
            reader.resume()


def bar_cells(width: int, rows: list[list[str]], most: int) -> int:
    """How wide the bars of a score table can be at `width`: what the name (up to 24 cells) and the numbers leave,
    between 5 and `most`, so that a narrow terminal shortens the bars, never the names or the numbers."""
    cols = list(zip(*rows))
    need = table_cells([min(24, max(map(cell_len, cols[0])))] + [max(map(cell_len, c)) for c in cols[1:]] + [0])
    return max(5, min(most, width - need))


def _score_table(title: str, heads: list[str]) -> Table:
    """A report table: a name column, numbers right-aligned, and a bar at the end."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(heads[0], overflow="fold")
    for head in heads[1:]:
        table.add_column(head, justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)  # holds a Bar: it gives way first
    return table


def report_view(report: Any, lang: str, details: bool = True, width: int = 80) -> RenderableType:
    from examgen.exam import correct_text

    out: list[RenderableType] = []
    head = t("rep.title", lang)
    if report.exam_id is not None:
        head += " · " + t("rep.exam", lang, id=report.exam_id)
    out.append(Rule(head, style="cyan"))
    summary = Text(t("rep.score", lang, got=fmt_pts(report.total), max=fmt_pts(report.max_total)), style="bold")
    if report.time_used_s is not None:
        hours = bool(report.duration_s) and report.duration_s >= 3600 or report.time_used_s >= 3600
        limit = fmt_clock(report.duration_s, hours) if report.duration_s else "–"
        summary.append("  ·  " + t("rep.time", lang, used=fmt_clock(report.time_used_s, hours), limit=limit))
    if report.reason:
        summary.append("  ·  " + t(f"rep.reason.{report.reason}", lang), style="dim")
    out.append(summary)
    out.append(Text(f"{_txt(report.exam.title, lang)} · {t('start.seed', lang, seed=report.exam.seed)} · "
                    f"{report.exam.blueprint}",
                    style="dim"))

    st = _score_table(t("rep.sections", lang), [t(k, lang) for k in ("rep.col.section", "rep.col.got",
                                                                       "rep.col.max", "rep.col.rate")])
    secs = [[_txt(sec.title, lang), fmt_pts(got), fmt_pts(mx), pct(got, mx)] for sec, got, mx in report.sections()]
    cells = bar_cells(width, secs + [[t("start.total", lang), fmt_pts(report.total), fmt_pts(report.max_total),
                                      pct(report.total, report.max_total)]], 16)
    for row, (sec, got, mx) in zip(secs, report.sections()):
        st.add_row(*row, bar(got / mx if mx else 0, cells))
    st.add_row(Text(t("start.total", lang), style="bold"), Text(fmt_pts(report.total), style="bold"),
               fmt_pts(report.max_total), pct(report.total, report.max_total),
               bar(report.total / report.max_total if report.max_total else 0, cells))
    out.append(st)

    ct = _score_table(t("rep.chapters", lang), [t(k, lang) for k in ("rep.col.chapter", "rep.col.items",
                                                                       "rep.col.got", "rep.col.max")])
    chs = [[CHAPTERS[ch].get(lang) if ch in CHAPTERS else ch, str(n), fmt_pts(got), fmt_pts(mx)]
           for ch, got, mx, n in report.chapters()]
    cells = bar_cells(width, chs, 12)
    for row, (ch, got, mx, n) in zip(chs, report.chapters()):
        ct.add_row(*row, bar(got / mx if mx else 0, cells))
    out.append(ct)

    for key, test in (("rep.carried_items", lambda r: any(pv.carried for pv in r.verdict.parts)),
                      ("rep.self_items", lambda r: r.rubric and r.answers and r.self_marked),
                      ("rep.auto_items", lambda r: r.auto_estimate)):
        numbers = [str(r.item.number) for r in report.results if test(r)]
        if numbers:
            out.append(Text(t(key, lang, which=("、" if lang == "zh" else ", ").join(numbers)), style="yellow"))
    if details:
        wrong = [r for r in report.results if not r.verdict.correct or r.earned < r.points - 1e-9]
        out.append(Rule(t("rep.details", lang), style="cyan"))
        if not wrong:
            out.append(Text(t("rep.all_correct", lang), style="bold green"))
        for r in wrong:
            out.append(item_detail_view(r, report.exam, lang, width, correct_text))
        if any(r.auto_estimate for r in report.results):
            out.append(Text(t("rep.auto_note", lang, id=report.exam_id if report.exam_id is not None else "ID"),
                            style="yellow"))
    if report.exam_id is not None:
        out.append(Text(t("rep.review", lang, id=report.exam_id), style="dim"))
    return Group(*out)


def item_tags(r: Any, lang: str) -> list[str]:
    """How an item's score was reached, when not simply by matching the key: follow-through credit,
    self-marked, automatic estimate (a short answer scored by key words)."""
    tags = []
    if any(pv.carried for pv in r.verdict.parts):
        tags.append(t("rep.carried", lang))
    if r.rubric and r.answers:
        tags.append(t("rep.self", lang) if r.self_marked else t("rep.auto", lang))
    return tags


def item_detail_view(r: Any, exam: Any, lang: str, width: int, correct_text: Any) -> RenderableType:
    from examgen.ui.render import Wrapped, solution_view

    pr: Problem = r.item.problem
    sec = exam.section_of(r.item)
    tag = "".join(" · " + x for x in item_tags(r, lang))
    title = t("rep.item", lang, n=r.item.number, section=_txt(sec.title, lang), got=fmt_pts(r.earned),
              max=fmt_pts(r.points)) + tag + f" · {pr.ref}"
    parts: list[RenderableType] = [Rule(title, style="red" if r.earned == 0 else "yellow", align="left")]
    body = question_view(r.item, lang, width)
    parts.append(body)
    multi = len(pr.parts) > 1 or pr.parts[0].name
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    grid.add_column(no_wrap=True)
    grid.add_column()

    def row(label: Text | str, text: str | Text, style: str = "") -> None:
        grid.add_row(label, Wrapped(text, style=style))

    for part, pv in zip(pr.parts, r.verdict.parts):
        prefix = f"{part.name}: " if multi else ""
        if pv.carried:        # right when carried forward from the student's own earlier answer
            row(Text(prefix + t("rep.given", lang), style="bold"), _one_line(pv.given, 2000))
            for fb in pv.feedback:
                row(Text("✓", style="green"), fb.get(lang), "green")
            continue
        if pv.correct and not isinstance(part.spec, RubricSpec):
            continue
        given = _one_line(pv.given, 2000) if pv.given.strip() else Text(t("rep.blank", lang), style="dim")
        row(Text(prefix + t("rep.given", lang), style="bold"), given)
        if pv.format_error is not None:
            row(Text(t("rep.format", lang), style="magenta"), pv.format_error.get(lang), "magenta")
        label = t("rep.reference", lang) if isinstance(part.spec, RubricSpec) else t("rep.expected", lang)
        row(Text(prefix + label, style="bold green"), correct_text(pr, part, lang))
        for fb in pv.feedback:
            if not isinstance(part.spec, RubricSpec):
                row("", fb.get(lang), "yellow")
        if isinstance(part.spec, RubricSpec):
            found = pv.key_points or [False] * len(part.spec.key_points)
            for kp, ok in zip(part.spec.key_points, found):
                mark = Text("✓ " if ok else "✗ ", style="green" if ok else "red")
                mark.append(_txt(kp.text, lang) + t("hdr.points_after", lang, p=fmt_pts(kp.points)))
                row(Text(t("rep.key_points", lang) if kp is part.spec.key_points[0] else ""), mark)
    parts.append(grid)
    if pr.steps:
        parts.append(solution_view(pr, lang))
    elif pr.explanation is not None:
        line = Text(t("rep.explanation", lang), style="bold")
        line.append(_txt(pr.explanation, lang), style="italic")
        parts.append(Wrapped(line))
    return Group(*parts)


# ---------------------------------------------------------------- history and statistics
SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    return "".join(SPARK[min(int(v * (len(SPARK) - 1) + 0.5), len(SPARK) - 1)] for v in values)


def history_view(rows: list[Any], lang: str, width: int = 100) -> RenderableType:
    """One row per exam; at a narrow width the bars go first, then the year, then mode and status wrap: no score,
    time or id is ever cut."""
    if not rows:
        return Text(t("hist.empty", lang))
    cells = []
    for r in rows:
        if r.status == "submitted" and r.max_score:
            score = f"{fmt_pts(r.score)}/{fmt_pts(r.max_score)}"
            used = fmt_clock(r.elapsed_s) if r.mode != "sheet" else "–"
        else:
            score, used = "–", fmt_clocks(r.elapsed_s, r.duration_s, "/")
        mode = t(f"hist.mode.{r.mode}", lang) if f"hist.mode.{r.mode}" in M else r.mode
        status = t(f"hist.status.{r.status}", lang) if f"hist.status.{r.status}" in M else r.status
        cells.append([str(r.id), time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created_at)), str(r.seed), mode,
                      score, used, status])
    heads = [t(k, lang) for k in ("hist.col.id", "hist.col.date", "hist.col.seed", "hist.col.mode", "hist.col.score",
                                  "hist.col.time", "hist.col.status")]
    need = sum(max(cell_len(c[i]) for c in [heads] + cells) for i in range(7)) + 2 * 7
    bars, year = need + 10 <= width, need <= width
    if not year:
        cells = [c[:1] + [c[1][5:]] + c[2:] for c in cells]  # 12-04 20:19
    table = Table(title=t("hist.title", lang), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  collapse_padding=True)
    for i, (head, just) in enumerate(zip(heads, ("right", "left", "right", "left", "right", "right", "left"))):
        wraps = i in (3, 6) and not year   # mode and status may wrap; the rest never
        table.add_column(head, justify=just, no_wrap=not wraps, overflow="fold")  # type: ignore[arg-type]
    if bars:
        table.add_column("", no_wrap=True)
    for r, c in zip(rows, cells):
        b = bar(r.score / r.max_score, 8) if r.status == "submitted" and r.max_score else Text("")
        table.add_row(*c, *([b] if bars else []))
    out: list[RenderableType] = [table]
    done = [r for r in reversed(rows) if r.status == "submitted" and r.max_score]
    if done:
        fr = [r.score / r.max_score for r in done]
        last = fr[-1]
        delta = f"{100 * (fr[-1] - fr[-2]):+.0f}" if len(fr) > 1 else "–"
        out.append(Text(t("hist.trend", lang, spark=sparkline(fr[-30:]), last=f"{100 * last:.0f}%",
                          mean=f"{100 * sum(fr) / len(fr):.0f}%", delta=delta)))
    if any(r.status != "submitted" for r in rows):
        out.append(Text(t("hist.resume", lang), style="dim"))
    return Group(*out)




def _kind_name(kind: str, lang: str) -> str:
    """A kind's name in the stats: the question bank's item types by their names in the language."""
    return t(f"stats.bank.{kind[5:]}", lang) if kind.startswith("bank-") and f"stats.bank.{kind[5:]}" in M else kind


def stats_view(data: dict[str, Any], lang: str, width: int = 80) -> RenderableType:
    if not data["chapters"]:
        return Text(t("stats.empty", lang))
    out: list[RenderableType] = []
    counts = [t("stats.col.attempts", lang), t("stats.col.accuracy", lang)]
    for title, head, names, entries in (
            ("stats.title.chapter", "rep.col.chapter",
             [CHAPTERS[ch].get(lang) if ch in CHAPTERS else ch for ch in data["chapters"]], data["chapters"]),
            ("stats.title.kind", "stats.col.kind", [_kind_name(k, lang) for k in data["kinds"]], data["kinds"])):
        rows = [[name, str(d["attempts"]), f"{100 * d['accuracy']:.0f}%"] for name, d in zip(names, entries.values())]
        cells = bar_cells(width, [[t(head, lang)] + counts] + rows, 20)
        table = _score_table(t(title, lang), [t(head, lang)] + counts)
        for row, d in zip(rows, entries.values()):
            table.add_row(*row, bar(d["accuracy"], cells))
        out.append(table)
    if data.get("mistakes"):
        mt = Table(title=t("stats.title.mistakes", lang), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        mt.add_column(t("stats.col.times", lang), justify="right", no_wrap=True)
        mt.add_column(t("stats.col.kind", lang), no_wrap=True)
        mt.add_column(t("stats.col.mistake", lang))
        for m in data["mistakes"]:  # most frequent first, each in the mistake's own words
            mt.add_row(str(m["count"]), m["kind"], m["text"])
        out.append(mt)
    if data.get("due"):
        out.append(Text(t("stats.due", lang, n=data["due"]), style="yellow"))
    return Group(*out)



def _reply(con: Console, reader: Any, lang: str) -> str | None:
    """One line typed at a self-mark prompt, lower case and trimmed; None at the end of input."""
    try:
        con.file.flush()
    except Exception:
        pass
    while True:
        ev = reader.get(1.0)
        if ev is not None:
            break
    kind, _, text = ev
    if kind == "eof":
        return None
    if not reader.tty:
        con.print(Text(echo_line(text or "", lang)))
    return (text or "").strip().lower()


def self_mark(report: Any, store: Any, reader: Any, con: Console, lang: str) -> Any:
    """Ask, key point by key point, whether each short answer makes it; save and return the re-graded report."""
    from examgen.exam import grade_exam

    marks = store.self_marks(report.exam_id) if report.exam_id is not None else {}
    todo = [(r, part, pv) for r in report.results for part, pv in zip(r.item.problem.parts, r.verdict.parts)
            if isinstance(part.spec, RubricSpec) and not pv.blank and pv.format_error is None]
    if not todo:
        con.print(Text(t("self.none", lang)))
        return report
    for r, part, pv in todo:
        con.print(Rule(t("self.item", lang, n=r.item.number), style="cyan", align="left"))
        from examgen.exam import correct_text
        from examgen.ui.render import Wrapped

        # wrapped as everywhere else: between Chinese characters, never a line that starts with 。 or ，
        con.print(Wrapped(_txt(r.item.problem.prompt, lang), style="bold"))
        line = Text(t("rep.given", lang) + " ", style="bold")
        line.append(visible(pv.given))
        con.print(Wrapped(line))
        ref = Text(t("rep.reference", lang) + " ", style="bold green")
        ref.append(correct_text(r.item.problem, part, lang))
        con.print(Wrapped(ref))
        current = list(pv.key_points or [False] * len(part.spec.key_points))
        ask = "self.ask_again" if (r.item.number, part.name) in marks else "self.ask"   # whose mark is shown
        ended = False
        for i, kp in enumerate(part.spec.key_points):
            auto = t("self.found" if current[i] else "self.missed", lang)
            prompt = Text(t(ask, lang, i=i + 1, text=_txt(kp.text, lang) + t("hdr.points_after", lang,
                                                                           p=fmt_pts(kp.points)), auto=auto))
            while not ended:
                con.print(prompt, end="")
                ans = _reply(con, reader, lang)
                if ans is None:
                    ended = True
                elif ans in ("y", "yes", "是", "对", "1", "t"):
                    current[i] = True
                elif ans in ("n", "no", "否", "错", "0", "f"):
                    current[i] = False
                elif ans:          # not y, n or Enter: asked again, never taken as "keep"
                    con.print(Text(t("self.bad_reply", lang), style="yellow"))
                    prompt = Text(t("self.again_short", lang, i=i + 1))
                    continue
                break
            if ended:
                break
        marks[(r.item.number, part.name)] = current
    answers = {r.item.number: r.answers for r in report.results}
    new = grade_exam(report.exam, answers, marks, exam_id=report.exam_id, time_used_s=report.time_used_s,
                     duration_s=report.duration_s, reason=report.reason, mode=report.mode)
    if report.exam_id is not None:
        store.save_self_marks(report.exam_id, marks, new)
    con.print(Text(t("self.saved", lang, got=fmt_pts(new.total), max=fmt_pts(new.max_total)), style="bold green"))
    return new
