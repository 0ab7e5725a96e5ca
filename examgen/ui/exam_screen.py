"""The exam session: the command loop, the clock, saving every answer, leaving and submitting.

Input is line based in line mode (a pipe, or `TERM=dumb`): a reader thread turns standard input into time-stamped
lines, so the countdown keeps running while the student types and a line that arrives after the deadline is
recognised as late and never graded. Commands start with `:` (`:next`, `:goto 5`, `:submit` …) so that no answer
can be mistaken for one."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from examgen.errors import UserError
from examgen.ui.messages import t
from examgen.ui.reader import LineReader
from examgen.ui.report import report_view, self_mark
from examgen.ui.views import (
    _txt, end_header, fmt_clock, fmt_pts, header_text, help_view, item_status, list_view, question_view, start_view,
)

HEARTBEAT_S = 15.0


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
