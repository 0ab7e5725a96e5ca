"""The exam session: the command loop, the clock, saving every answer, leaving and submitting.

Input is line based in line mode (a pipe, or `TERM=dumb`): a reader thread turns standard input into time-stamped
lines, so the countdown keeps running while the student types and a line that arrives after the deadline is
recognised as late and never graded. Commands start with `:` (`:next`, `:goto 5`, `:submit` …) so that no answer
can be mistaken for one."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from examgen.errors import UserError
from examgen.ui.messages import t
from examgen.ui.rescue import SafeStore
from examgen.answer_form import form_line
from examgen.ui.fullscreen import Screen
from examgen.ui.keys import KeyReader
from examgen.ui.report import report_view, self_mark, show
from examgen.ui.views import (
    _txt, echo_line, end_header, fmt_clock, fmt_pts, header_text, help_view, item_status, list_view, question_view,
    start_view,
)

HEARTBEAT_S = 15.0


# ---------------------------------------------------------------- the session
class _Leave(Exception):
    """Raised by SIGTERM/SIGHUP: save the clock and leave."""


class ExamRunner(SafeStore):
    """Runs one sitting of an exam (new or resumed). `run()` returns the report, or None when the student left."""

    def __init__(self, exam: Any, store: Any, exam_id: int, state: Any, duration_s: float, lang: str,
                 console: Console, reader: Any, mode: str, resumed: bool = False, pager: bool = True) -> None:
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
        self.screen = Screen(console, reader.fd) if isinstance(reader, KeyReader) else None
        self.pager = pager
        self.draft: str | None = None   # a line that was not accepted (a format error before ↓): shown again
        self.t0: float | None = None
        self.last_beat = time.monotonic()
        self.screen_lines = 10**6   # rows printed since the screen was cleared (live header only while < height)
        self.tail = ""
        self.live_second = -1
        self.rescue_file: str | None = None
        self._keep_scroll = False
        self.notice: str | None = None   # shown on the start page (another exam is still open)

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
        the header (it stops updating once the screen has scrolled). On the full screen: shown over the page
        (a list, the help) until Esc or Enter."""
        if self.full:
            if renderable != "":
                self.screen.show_overlay(renderable)
            return
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

    @property
    def full(self) -> bool:
        """Whether the full screen is showing."""
        return self.screen is not None and self.screen.active

    def say(self, text: str, style: str = "") -> None:
        if self.full:
            self.screen.say(text, style)
            self.screen.draw()
            return
        self.emit(Text(text, style=style))

    def prompt(self, text: str) -> None:
        if not self.full:
            self.emit(Text(text, style="bold"), end="")

    def width(self) -> int:
        return self.con.width

    def head(self, width: int) -> Text:
        if self.idx > self.n:
            return end_header(self.exam, self.remaining(), self.lang, width)
        item = self.items[self.idx - 1]
        return header_text(self.exam, item, self.remaining(), item.number in self.flags, self.lang, width)

    def form(self) -> str:
        """The answer form of the current part, pinned above the answer line."""
        if self.idx > self.n:
            return ""
        pr = self.items[self.idx - 1].problem
        part = pr.parts[min(self.part, len(pr.parts) - 1)]
        return (f"{part.name}: " if part.name else "") + form_line(part.spec, self.lang)

    def render(self) -> None:
        w = self.width()
        if self.full:
            body = Group(Text(t("q.end", self.lang), style="bold"), list_view(self.exam, self.answers, self.flags,
                                                                              self.lang)) if self.idx > self.n else \
                question_view(self.items[self.idx - 1], self.lang, w, self.answers.get(self.items[self.idx - 1].number),
                              self.items[self.idx - 1].problem.parts[self.part].name)
            self.screen.page(self.head, body, self.form(), keep_scroll=self._keep_scroll)
            self.screen.draw()
            return
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
        if self.full:
            sec = int(self.remaining())
            if sec != self.live_second:
                self.live_second = sec
                self.screen.draw_header()
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

    def save(self, number: int, part: str, text: str | None) -> None:
        if text:
            self.answers.setdefault(number, {})[part] = text
        else:
            self.answers.get(number, {}).pop(part, None)
        self._store(lambda: self.store.save_answer(self.exam_id, number, part, text, self.elapsed(), self.idx))

    # ------------------------------------------------------------ reading
    def read(self, prompt: str, timed: bool = True, initial: str = "", newline: str = " ",
             answer: bool = False) -> tuple[str, str | None]:
        """("line", text), ("eof", None) or ("timeout", None) when the deadline passes first; on the full screen
        also ("prev" | "next", text) for the arrow keys. `initial`: the saved answer, shown for editing. `answer`:
        the line is an answer, so what is on it when time runs out was typed in time and is kept as the answer."""
        if self.full:
            deadline = self.deadline() if timed and self.t0 is not None else None
            kind, text = self.screen.read(self.reader, prompt, initial, newline, deadline, self.tick)
            self.screen.status.clear()
            if kind == "timeout":
                if text and text.strip():
                    self.keep_typed(text) if answer else self._late([text])
                return "timeout", None
            return kind, text
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
                self.con.print(Text(echo_line(text or "", self.lang)), highlight=False)
            elif not self.interactive and kind == "eof":
                self.con.print()
            elif kind == "line":
                self.typed(text or "")
            return kind, text

    def keep_typed(self, text: str) -> bool:
        """What is on the answer line when ↓, Ctrl-C or the deadline stops the typing: saved as the answer, or,
        when it cannot be read, kept as the line's draft (and logged with the format errors): False then."""
        raw = text.strip()
        if self.idx > self.n:
            if raw:
                self._late([text])
            return True
        item = self.items[self.idx - 1]
        saved = self.answers.get(item.number, {}).get(item.problem.parts[self.part].name, "")
        if raw and raw != saved.strip() and (raw.startswith(":") or not self.accept(raw)):
            self.draft = text
            return False
        return True

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
            result = self._run()
            return None if result is _LEFT else result
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
        if self.screen is not None:
            self.screen.open()
            self.screen.page(lambda w: end_header(self.exam, self.remaining(), self.lang, w),
                             start_view(self.exam, self.lang, True, resumed, self.duration, True, self.notice))
            self.screen.draw()
        elif self.interactive:
            self.con.clear()
        if not self.full:
            self.con.print(start_view(self.exam, self.lang, self.interactive, resumed, self.duration,
                                      notice=self.notice))
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
        initial, newline = "", " "
        if self.idx > self.n:
            prompt = t("q.end_prompt", self.lang)
        else:
            prompt = self.part_prompt()
            item = self.items[self.idx - 1]
            part = item.problem.parts[self.part]
            saved = self.answers.get(item.number, {}).get(part.name, "")
            initial = self.draft if self.draft is not None else saved
            newline = "; " if part.spec.kind == "matrix" else " "
        self.draft = None
        try:
            kind, text = self.read(prompt, initial=initial, newline=newline, answer=True)
        except KeyboardInterrupt:
            if self.screen is not None and self.screen.interrupted:
                self.keep_typed(self.screen.interrupted)
            raise
        if kind == "timeout":
            return self.finish("time")
        if kind in ("prev", "next"):
            return self.move(kind, text or "")
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
            if self.full:   # Enter on an empty line is not an answer: say how to skip (nothing is cleared)
                item = self.items[self.idx - 1]
                had = self.answers.get(item.number, {}).get(item.problem.parts[self.part].name)
                self.say(t("q.blank_keeps" if had else "q.blank", self.lang), "yellow")
                return None
            self.advance_part()
            return None
        return self.answer(raw)

    def accept(self, text: str) -> bool:
        """Save `text` as the answer to the current part, or say why it cannot be read (costs nothing)."""
        from examgen.grading import FormatError, parse_answer

        item = self.items[self.idx - 1]
        part = item.problem.parts[self.part]
        try:
            parse_answer(part.spec, text)
        except FormatError as exc:
            self.say(exc.message.get(self.lang) + t("q.format_retry", self.lang), "magenta")
            self._store(lambda: self.store.log_input(self.exam_id, text, "format", item.number, part.name,
                                                     self.elapsed()))
            return False
        self.save(item.number, part.name, text)
        return True

    def answer(self, text: str) -> Any:
        if self.accept(text):
            self.advance_part()
        elif self.full:
            self.draft = text
        return None

    def move(self, direction: str, text: str) -> Any:
        """↑/↓ (Tab/Shift-Tab) on the full screen: keep what was typed (it is saved like an answer), then go to
        the previous/next part; past the first or last part, to the previous/next question."""
        if self.idx > self.n:
            if direction == "prev":
                self.goto(self.n)
            return None
        if not self.keep_typed(text):
            return None
        item = self.items[self.idx - 1]
        step = 1 if direction == "next" else -1
        if 0 <= self.part + step < len(item.problem.parts):
            self.part += step
            self._keep_scroll = True
            self.render()
            self._keep_scroll = False
        elif direction == "next":
            self.goto(self.idx + 1)
        elif self.idx > 1:
            self.goto(self.idx - 1)
        return None

    def advance_part(self) -> None:
        item = self.items[self.idx - 1]
        self.part += 1
        if self.part >= len(item.problem.parts):
            self.goto(self.idx + 1)
        elif self.interactive:
            self._keep_scroll = True
            self.render()
            self._keep_scroll = False

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
        elif name in ("g", "goto", "go"):  # no number given
            self.say(t("q.goto_needs_n", self.lang, cmd=name, example=min(5, self.n), total=self.n), "yellow")
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
            self.emit(help_view(self.lang, self.full))
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
        if not self.full:
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
        if self.screen is not None:
            self.screen.close()
        if not quiet:
            self.con.print()
            self.say(t("leave.done", self.lang, id=self.exam_id, left=fmt_clock(self.duration - el)), "bold")
        return _LEFT

    def finish(self, reason: str) -> Any:
        from examgen.exam import grade_exam

        if self.screen is not None:
            self.screen.close()
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
        if self.interactive and reason != "time" and self.screen is None:
            self.con.clear()
        show(self.con, report_view(report, self.lang, width=self.width()), self.pager and self.interactive,
             self.reader)
        if self.interactive and reason == "student" and any(r.rubric and r.answers for r in report.results):
            try:
                kind, text = self.read(t("self.offer", self.lang), timed=False)
            except KeyboardInterrupt:
                return report
            if kind == "line" and (text or "").strip().lower() in ("y", "yes", "是", "j", "ja"):
                report = self_mark(report, self.store, self.reader, self.con, self.lang)
        return report


_LEFT = object()
