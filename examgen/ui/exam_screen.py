"""The exam screen: start page, header with countdown, questions, the command loop, the grading report, and the
history and statistics views.

Input is line based (works in any terminal, over ssh, and from a pipe): a reader thread turns standard input into
time-stamped lines, so the countdown keeps running while the student types and a line that arrives after the
deadline is recognised as late and never graded. Commands start with `:` (`:next`, `:goto 5`, `:submit` …) so that
no answer can be mistaken for one."""

from __future__ import annotations

import codecs
import io
import os
import queue
import signal
import sys
import threading
import time
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from examgen.errors import UserError
from examgen.i18n import Bi
from examgen.mathfmt import unicode_text
from examgen.model import CHAPTERS, Figure, Problem, RubricSpec
from examgen.ui.messages import M, t
from examgen.ui.render import wrap_cjk

LETTERS = "ABCDEFGHIJ"
HEARTBEAT_S = 15.0
WARN_S = 600.0
DANGER_S = 120.0


# ---------------------------------------------------------------- small helpers
def fmt_clock(seconds: float) -> str:
    s = max(0, int(seconds + 0.999)) if seconds > 0 else 0
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def fmt_pts(x: float) -> str:
    x = round(float(x), 2)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def clock_style(remaining: float) -> str:
    if remaining <= DANGER_S:
        return "bold white on red"
    if remaining <= WARN_S:
        return "bold black on yellow"
    return "bold green"


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


# ---------------------------------------------------------------- input
class LineReader:
    """Lines of standard input with the time they arrived, read by a background thread.

    `get(timeout)` returns ("line", t, text), ("eof", t, None) or None on timeout. On a terminal, Ctrl-D gives one
    "eof" and reading goes on; on a pipe the end of input is final."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream if stream is not None else sys.stdin
        try:
            self.fd: int | None = self.stream.fileno()
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            self.fd = None
        self.tty = self.fd is not None and os.isatty(self.fd)
        self.q: "queue.Queue[tuple[str, float, str | None]]" = queue.Queue()
        self.finished = False
        self._thread = threading.Thread(target=self._run, name="examgen-stdin", daemon=True)
        self._thread.start()

    def _put(self, kind: str, text: str | None) -> None:
        self.q.put((kind, time.monotonic(), text))

    def _run(self) -> None:
        if self.fd is None:
            try:
                for line in self.stream:
                    self._put("line", line.rstrip("\r\n"))
            finally:
                self._put("eof", None)
            return
        dec = codecs.getincrementaldecoder("utf-8")("replace")
        buf = ""
        while True:
            try:
                data = os.read(self.fd, 65536)
            except InterruptedError:
                continue
            except OSError:
                data = None
            if not data:
                buf += dec.decode(b"", final=True)
                if buf:
                    self._put("line", buf.rstrip("\r"))
                    buf = ""
                self._put("eof", None)
                if self.tty and data is not None:
                    time.sleep(0.05)
                    continue
                return
            buf += dec.decode(data)
            while "\n" in buf:
                line, buf = buf.split("\n", 1)
                self._put("line", line.rstrip("\r"))

    def get(self, timeout: float | None) -> tuple[str, float, str | None] | None:
        if self.finished:
            if timeout:
                time.sleep(min(timeout, 0.2))
            return None
        try:
            ev = self.q.get(timeout=timeout) if timeout is None or timeout > 0 else self.q.get_nowait()
        except queue.Empty:
            return None
        if ev[0] == "eof" and not self.tty:
            self.finished = True
        return ev

    def drain(self) -> list[str]:
        """Throw away what was typed ahead (on a terminal also the half-typed line); return the whole lines."""
        if self.tty:
            try:
                import termios

                termios.tcflush(self.fd, termios.TCIFLUSH)
            except Exception:
                pass
        out = []
        while True:
            try:
                kind, _, text = self.q.get_nowait()
            except queue.Empty:
                return out
            if kind == "line" and text:
                out.append(text)


# ---------------------------------------------------------------- views
def item_status(problem: Problem, answers: dict[str, str] | None) -> str:
    given = {k for k, v in (answers or {}).items() if v and v.strip()}
    names = {p.name for p in problem.parts}
    if not given & names:
        return "blank"
    return "answered" if names <= given else "partial"


def start_view(exam: Any, lang: str, interactive: bool, resumed: str | None = None) -> RenderableType:
    title = Text(_txt(exam.title, lang), style="bold")
    title.append(f"  · seed {exam.seed}", style="dim")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column(t("start.sections", lang))
    table.add_column(t("start.items", lang), justify="right")
    table.add_column(t("start.points", lang), justify="right")
    for sec in exam.sections:
        table.add_row(_txt(sec.title, lang), str(len(sec.items)), fmt_pts(sec.points))
    table.add_row(Text(t("start.total", lang), style="bold"), str(len(exam.items)),
                  Text(fmt_pts(exam.total_points), style="bold"))
    parts: list[RenderableType] = [Rule(t("start.title", lang), style="cyan"), title, table]
    if resumed:
        parts.append(Text(resumed, style="bold yellow"))
    else:
        parts.append(Text(t("start.duration", lang, d=exam.duration_min)))
    parts.append(Text(t("start.rules", lang), style="dim"))
    parts.append(keys_view(lang))
    if not interactive:
        parts.append(Text(t("start.piped", lang), style="dim"))
    return Group(*parts)


COMMANDS = [
    (":n  :next", "keys.next"), (":p  :prev", "keys.prev"), (":g N  :goto N  :N", "keys.goto"),
    (":f  :flag", "keys.flag"), (":l  :list", "keys.list"), (":c  :clear", "keys.clear"),
    (":h  :help", "keys.help"), (":s  :submit", "keys.submit"), (":q  Ctrl-C", "keys.quit"),
]


def keys_view(lang: str) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold cyan")
    grid.add_column()
    grid.add_row(Text(t("keys.title", lang), style="bold"), Text(t("keys.answer", lang)))
    for keys, msg in COMMANDS:
        grid.add_row(keys, t(msg, lang))
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
    multi = len(pr.parts) > 1 or pr.parts[0].name
    if multi:
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        from rich.cells import cell_len

        first = max(cell_len(p.name) for p in pr.parts) + 3
        for p in pr.parts:
            mark = "›" if p.name == current_part else " "
            label = _txt(p.label, lang) + t("hdr.points_after", lang, p=fmt_pts(pr.part_points(p)))
            given = answers.get(p.name)
            if given:
                label += "  ✎ " + _one_line(given)
            grid.add_row(Text(f"{mark} {p.name}:", style="bold"), Text(wrap_cjk(label, width - first - 2)))
        parts.append(grid)
    elif answers.get(""):
        line = Text(t("q.your_answer", lang) + " ", style="green")
        line.append(_one_line(answers[""]))
        parts.append(line)
    return Group(*parts)


def _one_line(text: str, limit: int = 200) -> str:
    s = " ".join(text.split())
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


def help_view(lang: str) -> RenderableType:
    return keys_view(lang)


# ---------------------------------------------------------------- the report
def report_view(report: Any, lang: str, details: bool = True, width: int = 80) -> RenderableType:
    from examgen.exam import correct_text

    out: list[RenderableType] = []
    head = t("rep.title", lang)
    if report.exam_id is not None:
        head += " · " + t("rep.exam", lang, id=report.exam_id)
    out.append(Rule(head, style="cyan"))
    summary = Text(t("rep.score", lang, got=fmt_pts(report.total), max=fmt_pts(report.max_total)), style="bold")
    if report.time_used_s is not None:
        limit = fmt_clock(report.duration_s) if report.duration_s else "–"
        summary.append("  ·  " + t("rep.time", lang, used=fmt_clock(report.time_used_s), limit=limit))
    if report.reason:
        summary.append("  ·  " + t(f"rep.reason.{report.reason}", lang), style="dim")
    out.append(summary)
    out.append(Text(f"{_txt(report.exam.title, lang)} · seed {report.exam.seed} · {report.exam.blueprint}",
                    style="dim"))

    st = Table(title=t("rep.sections", lang), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    st.add_column(t("rep.col.section", lang))
    st.add_column(t("rep.col.got", lang), justify="right")
    st.add_column(t("rep.col.max", lang), justify="right")
    st.add_column(t("rep.col.rate", lang), justify="right")
    st.add_column("", no_wrap=True)
    for sec, got, mx in report.sections():
        st.add_row(_txt(sec.title, lang), fmt_pts(got), fmt_pts(mx), pct(got, mx), bar(got / mx if mx else 0, 16))
    st.add_row(Text(t("start.total", lang), style="bold"), Text(fmt_pts(report.total), style="bold"),
               fmt_pts(report.max_total), pct(report.total, report.max_total),
               bar(report.total / report.max_total if report.max_total else 0, 16))
    out.append(st)

    ct = Table(title=t("rep.chapters", lang), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    ct.add_column(t("rep.col.chapter", lang))
    ct.add_column(t("rep.col.items", lang), justify="right")
    ct.add_column(t("rep.col.got", lang), justify="right")
    ct.add_column(t("rep.col.max", lang), justify="right")
    ct.add_column("", no_wrap=True)
    for ch, got, mx, n in report.chapters():
        name = CHAPTERS[ch].get(lang) if ch in CHAPTERS else ch
        ct.add_row(name, str(n), fmt_pts(got), fmt_pts(mx), bar(got / mx if mx else 0, 12))
    out.append(ct)

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


def item_detail_view(r: Any, exam: Any, lang: str, width: int, correct_text: Any) -> RenderableType:
    from examgen.ui.render import solution_view

    pr: Problem = r.item.problem
    sec = exam.section_of(r.item)
    tag = ""
    if r.rubric:
        tag = " · " + (t("rep.self", lang) if r.self_marked else t("rep.auto", lang)) if r.answers else ""
    title = t("rep.item", lang, n=r.item.number, section=_txt(sec.title, lang), got=fmt_pts(r.earned),
              max=fmt_pts(r.points)) + tag + f" · {pr.ref}"
    parts: list[RenderableType] = [Rule(title, style="red" if r.earned == 0 else "yellow", align="left")]
    body = question_view(r.item, lang, width)
    parts.append(body)
    multi = len(pr.parts) > 1 or pr.parts[0].name
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for part, pv in zip(pr.parts, r.verdict.parts):
        if pv.correct and not isinstance(part.spec, RubricSpec):
            continue
        prefix = f"{part.name}: " if multi else ""
        given = Text(_one_line(pv.given, 2000)) if pv.given.strip() else Text(t("rep.blank", lang), style="dim")
        grid.add_row(Text(prefix + t("rep.given", lang), style="bold"), given)
        if pv.format_error is not None:
            grid.add_row(Text(t("rep.format", lang), style="magenta"), Text(pv.format_error.get(lang), style="magenta"))
        label = t("rep.reference", lang) if isinstance(part.spec, RubricSpec) else t("rep.expected", lang)
        grid.add_row(Text(prefix + label, style="bold green"), Text(correct_text(pr, part, lang)))
        for fb in pv.feedback:
            if isinstance(part.spec, RubricSpec):
                continue
            grid.add_row("", Text(fb.get(lang), style="yellow"))
        if isinstance(part.spec, RubricSpec):
            found = pv.key_points or [False] * len(part.spec.key_points)
            for kp, ok in zip(part.spec.key_points, found):
                mark = Text("✓ " if ok else "✗ ", style="green" if ok else "red")
                mark.append(f"{_txt(kp.text, lang)} ({fmt_pts(kp.points)})")
                grid.add_row(Text(t("rep.key_points", lang) if kp is part.spec.key_points[0] else ""), mark)
    parts.append(grid)
    if pr.steps:
        parts.append(solution_view(pr, lang))
    elif pr.explanation is not None:
        line = Text(t("rep.explanation", lang) + ": ", style="bold")
        line.append(_txt(pr.explanation, lang), style="italic")
        parts.append(line)
    return Group(*parts)


# ---------------------------------------------------------------- history and statistics
SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    return "".join(SPARK[min(int(v * (len(SPARK) - 1) + 0.5), len(SPARK) - 1)] for v in values)


def history_view(rows: list[Any], lang: str) -> RenderableType:
    if not rows:
        return Text(t("hist.empty", lang))
    table = Table(title=t("hist.title", lang), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for key, just in (("hist.col.id", "right"), ("hist.col.date", "left"), ("hist.col.seed", "right"),
                      ("hist.col.mode", "left"), ("hist.col.score", "right"), ("hist.col.time", "right"),
                      ("hist.col.status", "left")):
        table.add_column(t(key, lang), justify=just)  # type: ignore[arg-type]
    table.add_column("", no_wrap=True)
    for r in rows:
        date = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created_at))
        if r.status == "submitted" and r.max_score:
            score = f"{fmt_pts(r.score)}/{fmt_pts(r.max_score)}"
            b = bar(r.score / r.max_score, 10)
            used = fmt_clock(r.elapsed_s) if r.mode != "sheet" else "–"
        else:
            score, b = "–", Text("")
            used = fmt_clock(r.elapsed_s) + " / " + fmt_clock(r.duration_s)
        table.add_row(str(r.id), date, str(r.seed), r.mode, score, used,
                      t(f"hist.status.{r.status}", lang) if f"hist.status.{r.status}" in M else r.status, b)
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




def stats_view(data: dict[str, Any], lang: str) -> RenderableType:
    if not data["chapters"]:
        return Text(t("stats.empty", lang))
    out: list[RenderableType] = []
    ct = Table(title=t("stats.title.chapter", lang), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    ct.add_column(t("rep.col.chapter", lang))
    ct.add_column(t("stats.col.attempts", lang), justify="right")
    ct.add_column(t("stats.col.accuracy", lang), justify="right")
    ct.add_column("", no_wrap=True)
    for ch, d in data["chapters"].items():
        name = CHAPTERS[ch].get(lang) if ch in CHAPTERS else ch
        ct.add_row(name, str(d["attempts"]), f"{100 * d['accuracy']:.0f}%", bar(d["accuracy"], 20))
    out.append(ct)
    kt = Table(title=t("stats.title.kind", lang), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    kt.add_column(t("stats.col.kind", lang))
    kt.add_column(t("stats.col.attempts", lang), justify="right")
    kt.add_column(t("stats.col.accuracy", lang), justify="right")
    kt.add_column("", no_wrap=True)
    for kind, d in data["kinds"].items():
        kt.add_row(kind, str(d["attempts"]), f"{100 * d['accuracy']:.0f}%", bar(d["accuracy"], 20))
    out.append(kt)
    if data.get("due"):
        out.append(Text(t("stats.due", lang, n=data["due"]), style="yellow"))
    return Group(*out)


# ---------------------------------------------------------------- the session
class _Leave(Exception):
    """Raised by SIGTERM/SIGHUP: save the clock and leave."""


class ExamRunner:
    """Runs one sitting of an exam (new or resumed). `run()` returns the report, or None when the student left."""

    def __init__(self, exam: Any, store: Any, exam_id: int, state: Any, duration_s: float, lang: str,
                 console: Console, reader: LineReader, mode: str, resumed: bool = False) -> None:
        self.exam = exam
        self.store = store
        self.exam_id = exam_id
        self.items = exam.items
        self.n = len(self.items)
        self.answers: dict[int, dict[str, str]] = {k: dict(v) for k, v in state.answers.items()}
        self.flags: set[int] = set(state.flags)
        self.idx = min(max(int(state.current or 1), 1), self.n + 1)
        self.part = 0
        self.base = float(state.elapsed_s)
        self.duration = float(duration_s)
        self.lang = lang
        self.con = console
        self.reader = reader
        self.mode = mode
        self.resumed = resumed
        self.interactive = reader.tty and console.is_terminal
        self.t0: float | None = None
        self.last_beat = time.monotonic()
        self.screen_lines = 10**6   # rows printed since the screen was cleared (live header only while < height)
        self.tail = ""
        self.live_second = -1
        self.rescue_file: str | None = None

    # ------------------------------------------------------------ time
    def elapsed(self) -> float:
        if self.t0 is None:
            return self.base
        return self.base + (time.monotonic() - self.t0)

    def remaining(self) -> float:
        return self.duration - self.elapsed()

    def deadline(self) -> float:
        assert self.t0 is not None
        return self.t0 + (self.duration - self.base)

    # ------------------------------------------------------------ output
    def emit(self, renderable: RenderableType, end: str = "\n") -> None:
        """Print; on a terminal also count the lines, so the live countdown knows whether row 1 still holds
        the header (it stops updating once the screen has scrolled)."""
        if not self.interactive:
            self.con.print(renderable, end=end)
            try:
                self.con.file.flush()
            except Exception:
                pass
            return
        with self.con.capture() as cap:
            self.con.print(renderable, end=end)
        text = cap.get()
        self.con.file.write(text)
        self.con.file.flush()
        self.screen_lines += text.count("\n")
        self.tail = text.rsplit("\n", 1)[-1]

    def typed(self, text: str) -> None:
        """The student's line, echoed by the terminal after the prompt: count the rows it took."""
        if not self.interactive:
            return
        from rich.cells import cell_len

        used = Text.from_ansi(self.tail).cell_len + cell_len(text)
        self.screen_lines += max(1, -(-used // max(self.width(), 1)))
        self.tail = ""

    def say(self, text: str, style: str = "") -> None:
        self.emit(Text(text, style=style))

    def prompt(self, text: str) -> None:
        self.emit(Text(text, style="bold"), end="")

    def width(self) -> int:
        return self.con.width

    def render(self) -> None:
        w = self.width()
        if self.idx > self.n:
            head: RenderableType = end_header(self.exam, self.remaining(), self.lang, w)
            body: RenderableType = Group(Text(t("q.end", self.lang), style="bold"),
                                         list_view(self.exam, self.answers, self.flags, self.lang))
        else:
            item = self.items[self.idx - 1]
            head = header_text(self.exam, item, self.remaining(), item.number in self.flags, self.lang, w)
            cur = item.problem.parts[self.part].name if self.part < len(item.problem.parts) else None
            body = question_view(item, self.lang, w, self.answers.get(item.number), cur)
        if self.interactive:
            self.con.clear()
            self.screen_lines = 0
            self.emit(head)
            self.emit(body)
            self.live_second = -1
        else:
            self.con.print(Rule(style="dim"))
            self.con.print(head)
            self.con.print(body)

    def tick(self) -> None:
        """Once a second while waiting: the live countdown and, every 15 s, the clock in the database."""
        now = time.monotonic()
        if now - self.last_beat >= HEARTBEAT_S:
            self.last_beat = now
            if self.t0 is None:
                self._store(lambda: self.store.heartbeat(self.exam_id))
            else:
                self._store(lambda: self.store.progress(self.exam_id, self.elapsed()))
        if self.t0 is None:
            return
        if self.interactive and self.screen_lines < self.con.height:
            sec = int(self.remaining())
            if sec != self.live_second:
                self.live_second = sec
                w = self.width()
                if self.idx > self.n:
                    head = end_header(self.exam, self.remaining(), self.lang, w)
                else:
                    item = self.items[self.idx - 1]
                    head = header_text(self.exam, item, self.remaining(), item.number in self.flags, self.lang, w)
                with self.con.capture() as cap:
                    self.con.print(head, end="")
                self.con.file.write("\x1b7\x1b[1;1H" + cap.get() + "\x1b[K\x1b8")
                self.con.file.flush()

    # ------------------------------------------------------------ storing (never lose an answer)
    def _store(self, fn: Any) -> None:
        if self.rescue_file is not None:
            self._write_rescue()
            return
        try:
            fn()
        except UserError as exc:
            self._start_rescue(exc.message)

    def _start_rescue(self, error: str) -> None:
        from examgen.store import data_dir

        stamp = time.strftime("%Y%m%d-%H%M%S")
        for base in (data_dir() / "rescue", os.path.expanduser("~"), os.getcwd(), "/tmp"):
            try:
                path = os.path.join(str(base), f"examgen-exam-{self.exam_id}-{stamp}.yaml")
                os.makedirs(os.path.dirname(path), exist_ok=True)
                self.rescue_file = path
                self._write_rescue()
                break
            except OSError:
                self.rescue_file = None
        self.say(t("q.store_failed", self.lang, error=error, file=self.rescue_file or "?"), "bold red")

    def _write_rescue(self) -> None:
        import yaml

        assert self.rescue_file is not None
        sheet: dict[int, Any] = {}
        for number, parts in sorted(self.answers.items()):
            pr = self.items[number - 1].problem
            if len(pr.parts) == 1 and pr.parts[0].name == "":
                if parts.get(""):
                    sheet[number] = parts[""]
            elif parts:
                sheet[number] = dict(parts)
        data = {"exam_id": self.exam_id, "seed": self.exam.seed, "blueprint": self.exam.blueprint,
                "elapsed_s": round(self.elapsed(), 1), "answers": sheet}
        tmp = self.rescue_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            yaml.safe_dump(data, fh, allow_unicode=True, sort_keys=False)
        os.replace(tmp, self.rescue_file)

    def save(self, number: int, part: str, text: str | None) -> None:
        if text:
            self.answers.setdefault(number, {})[part] = text
        else:
            self.answers.get(number, {}).pop(part, None)
        self._store(lambda: self.store.save_answer(self.exam_id, number, part, text, self.elapsed(), self.idx))

    # ------------------------------------------------------------ reading
    def read(self, prompt: str, timed: bool = True) -> tuple[str, str | None]:
        """("line", text), ("eof", None) or ("timeout", None) when the deadline passes first."""
        self.prompt(prompt)
        while True:
            if timed and self.t0 is not None:
                left = self.deadline() - time.monotonic()
                ev = self.reader.get(max(0.0, min(1.0, left)))
                if ev is not None and ev[1] > self.deadline():
                    if ev[0] == "line" and ev[2]:
                        self._late([ev[2]])
                    return "timeout", None
                if ev is None:
                    if self.deadline() - time.monotonic() <= 0:
                        return "timeout", None
                    self.tick()
                    continue
            else:
                ev = self.reader.get(1.0)
                if ev is None:
                    self.tick()
                    continue
            kind, _, text = ev
            if not self.interactive and kind == "line":
                self.con.print(Text(text or ""), highlight=False)
            elif not self.interactive and kind == "eof":
                self.con.print()
            elif kind == "line":
                self.typed(text or "")
            return kind, text

    def _late(self, lines: list[str]) -> None:
        for line in lines:
            self._store(lambda line=line: self.store.log_input(self.exam_id, line, "late"))

    # ------------------------------------------------------------ the loop
    def run(self) -> Any:
        old: dict[int, Any] = {}

        def on_signal(signum: int, frame: Any) -> None:
            raise _Leave()

        for name in ("SIGTERM", "SIGHUP"):
            sig = getattr(signal, name, None)
            if sig is not None and threading.current_thread() is threading.main_thread():
                try:
                    old[sig] = signal.signal(sig, on_signal)
                except (ValueError, OSError):
                    pass
        try:
            return self._run()
        except _Leave:
            return self.leave(quiet=True)
        finally:
            for sig, handler in old.items():
                try:
                    signal.signal(sig, handler)
                except (ValueError, OSError):
                    pass

    def _run(self) -> Any:
        if self.remaining() <= 0:
            self.say(t("time.up_resume", self.lang, id=self.exam_id), "bold yellow")
            return self.finish("time")
        resumed = None
        if self.resumed:
            answered = sum(1 for it in self.items if item_status(it.problem, self.answers.get(it.number)) != "blank")
            resumed = t("start.resume", self.lang, id=self.exam_id, answered=answered, n=self.n,
                        flagged=len(self.flags), left=fmt_clock(self.remaining()))
        if self.interactive:
            self.con.clear()
        self.con.print(start_view(self.exam, self.lang, self.interactive, resumed))
        if self.interactive:
            try:
                kind, text = self.read(t("start.press_resume" if self.resumed else "start.press", self.lang),
                                       timed=False)
            except KeyboardInterrupt:
                return self.leave()
            if kind == "eof" or (text or "").strip().lower() in (":q", ":quit", ":leave"):
                return self.leave()
        self.t0 = time.monotonic()
        self.last_beat = self.t0
        self._store(lambda: self.store.start(self.exam_id, self.base))
        self.render()
        while True:
            try:
                result = self.step()
            except KeyboardInterrupt:
                result = self.on_interrupt()
            if result is not None:
                return None if result is _LEFT else result

    def part_prompt(self) -> str:
        item = self.items[self.idx - 1]
        pr = item.problem
        part = pr.parts[self.part]
        if len(pr.parts) == 1 and part.name == "":
            return f"[{item.number}] " + t("q.prompt", self.lang)
        return f"[{item.number}] " + t("q.part_prompt", self.lang, name=part.name, label=_txt(part.label, self.lang),
                                       p=fmt_pts(pr.part_points(part)))

    def step(self) -> Any:
        prompt = t("q.end_prompt", self.lang) if self.idx > self.n else self.part_prompt()
        kind, text = self.read(prompt)
        if kind == "timeout":
            return self.finish("time")
        if kind == "eof":
            if self.interactive:
                return self.cmd_submit()
            self.say(t("eof.submit", self.lang), "dim")
            return self.finish("eof")
        raw = (text or "").strip()
        if raw.startswith(":") and not raw.startswith("::"):
            return self.command(raw[1:].strip())
        if raw.startswith("::"):
            raw = raw[1:]
        if self.idx > self.n:
            if raw:
                self.say(t("q.end_not_answer", self.lang), "yellow")
            return None
        if not raw:
            self.advance_part()
            return None
        return self.answer(raw)

    def answer(self, text: str) -> Any:
        from examgen.grading import FormatError, parse_answer

        item = self.items[self.idx - 1]
        part = item.problem.parts[self.part]
        try:
            parse_answer(part.spec, text)
        except FormatError as exc:
            self.say(exc.message.get(self.lang) + " " + t("q.format_retry", self.lang), "magenta")
            self._store(lambda: self.store.log_input(self.exam_id, text, "format", item.number, part.name,
                                                     self.elapsed()))
            return None
        self.save(item.number, part.name, text)
        self.advance_part()
        return None

    def advance_part(self) -> None:
        item = self.items[self.idx - 1]
        self.part += 1
        if self.part >= len(item.problem.parts):
            self.goto(self.idx + 1)
        elif self.interactive:
            self.render()

    def goto(self, idx: int) -> None:
        self.idx = min(max(idx, 1), self.n + 1)
        self.part = 0
        self._store(lambda: self.store.progress(self.exam_id, self.elapsed(), self.idx))
        self.render()

    def command(self, cmd: str) -> Any:
        name, _, arg = cmd.partition(" ")
        name = name.lower().strip()
        arg = arg.strip()
        if name.isdigit() or (name in ("g", "goto", "go") and arg):
            target = name if name.isdigit() else arg
            try:
                n = int(target)
            except ValueError:
                n = -1
            if not 1 <= n <= self.n:
                self.say(t("q.bad_goto", self.lang, n=target, total=self.n), "yellow")
                return None
            self.goto(n)
        elif name in ("n", "next"):
            self.goto(self.idx + 1)
        elif name in ("p", "prev", "previous", "back"):
            self.goto(self.idx - 1)
        elif name in ("f", "flag"):
            if self.idx > self.n:
                self.say(t("q.end_not_answer", self.lang), "yellow")
                return None
            number = self.items[self.idx - 1].number
            on = number not in self.flags
            if on:
                self.flags.add(number)
            else:
                self.flags.discard(number)
            self._store(lambda: self.store.set_flag(self.exam_id, number, on, self.elapsed()))
            self.say(t("q.flag_on" if on else "q.flag_off", self.lang, n=number), "yellow")
        elif name in ("l", "list", "ls"):
            self.emit(list_view(self.exam, self.answers, self.flags, self.lang))
        elif name in ("h", "help", "?"):
            self.emit(help_view(self.lang))
        elif name in ("c", "clear"):
            if self.idx > self.n:
                return None
            item = self.items[self.idx - 1]
            part = item.problem.parts[self.part]
            self.save(item.number, part.name, None)
            self.say(t("q.cleared", self.lang, n=item.number, part=part.name), "yellow")
        elif name in ("s", "submit"):
            return self.cmd_submit()
        elif name in ("q", "quit", "leave", "exit"):
            return self.leave()
        else:
            self.say(t("q.unknown_cmd", self.lang, cmd=name), "yellow")
        return None

    def blanks(self) -> list[int]:
        return [it.number for it in self.items if item_status(it.problem, self.answers.get(it.number)) != "answered"]

    def cmd_submit(self) -> Any:
        blanks = self.blanks()
        if self.interactive and blanks:
            which = ", ".join(map(str, blanks[:8])) + (" …" if len(blanks) > 8 else "")
            kind, text = self.read(t("submit.confirm", self.lang, n=len(blanks), which=which))
            if kind == "timeout":
                return self.finish("time")
            if kind == "eof" or (text or "").strip().lower() not in ("y", "yes", "是", "j", "ja", "确定"):
                self.say(t("submit.cancelled", self.lang), "dim")
                return None
        return self.finish("student")

    def on_interrupt(self) -> Any:
        if not self.interactive or self.t0 is None:
            return self.leave()
        self.emit("")
        try:
            kind, text = self.read(t("leave.confirm", self.lang))
        except KeyboardInterrupt:
            return self.leave()
        if kind == "timeout":
            return self.finish("time")
        if kind == "eof" or (text or "").strip().lower() in ("", "y", "yes", "是", "j", "ja"):
            return self.leave()
        self.render()
        return None

    def leave(self, quiet: bool = False) -> Any:
        el = min(self.elapsed(), self.duration)
        try:
            self.store.release(self.exam_id, el, min(self.idx, self.n + 1))
        except UserError:
            if self.rescue_file is None:
                self._start_rescue("release")
        if not quiet:
            self.con.print()
            self.say(t("leave.done", self.lang, id=self.exam_id, left=fmt_clock(self.duration - el)), "bold")
        return _LEFT

    def finish(self, reason: str) -> Any:
        from examgen.exam import grade_exam

        if reason == "time":
            el = self.duration
            late = self.reader.drain()
            if late:
                self._late(late)
            self.con.print()
            self.say(t("time.up", self.lang), "bold white on red")
        else:
            el = min(self.elapsed(), self.duration)
        marks = {}
        try:
            marks = self.store.self_marks(self.exam_id)
        except UserError:
            pass
        report = grade_exam(self.exam, self.answers, marks, exam_id=self.exam_id, time_used_s=el,
                            duration_s=self.duration, reason=reason, mode=self.mode)
        self._store(lambda: self.store.submit(self.exam_id, report, el, reason))
        if self.interactive and reason != "time":
            self.con.clear()
        self.con.print(report_view(report, self.lang, width=self.width()))
        if self.interactive and reason == "student" and any(r.rubric and r.answers for r in report.results):
            try:
                kind, text = self.read(t("self.offer", self.lang), timed=False)
            except KeyboardInterrupt:
                return report
            if kind == "line" and (text or "").strip().lower() in ("y", "yes", "是", "j", "ja"):
                report = self_mark(report, self.store, self.reader, self.con, self.lang)
        return report


_LEFT = object()


def self_mark(report: Any, store: Any, reader: LineReader, con: Console, lang: str) -> Any:
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
        con.print(Text(_txt(r.item.problem.prompt, lang), style="bold"))
        line = Text(t("rep.given", lang) + " ", style="bold")
        line.append(pv.given)
        con.print(line)
        from examgen.exam import correct_text

        ref = Text(t("rep.reference", lang) + " ", style="bold green")
        ref.append(correct_text(r.item.problem, part, lang))
        con.print(ref)
        current = list(pv.key_points or [False] * len(part.spec.key_points))
        for i, kp in enumerate(part.spec.key_points):
            auto = t("self.found" if current[i] else "self.missed", lang)
            con.print(Text(t("self.ask", lang, i=i + 1, text=f"{_txt(kp.text, lang)} ({fmt_pts(kp.points)})",
                             auto=auto)), end="")
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
                break
            if not reader.tty:
                con.print(Text(text or ""))
            ans = (text or "").strip().lower()
            if ans in ("y", "yes", "是", "对", "1", "t"):
                current[i] = True
            elif ans in ("n", "no", "否", "错", "0", "f"):
                current[i] = False
        marks[(r.item.number, part.name)] = current
    answers = {r.item.number: r.answers for r in report.results}
    new = grade_exam(report.exam, answers, marks, exam_id=report.exam_id, time_used_s=report.time_used_s,
                     duration_s=report.duration_s, reason=report.reason, mode=report.mode)
    if report.exam_id is not None:
        store.save_self_marks(report.exam_id, marks, new)
    con.print(Text(t("self.saved", lang, got=fmt_pts(new.total), max=fmt_pts(new.max_total)), style="bold green"))
    return new
