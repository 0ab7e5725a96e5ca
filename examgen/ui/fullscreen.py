"""The full-screen exam view on the terminal's alternate screen: the header pinned on row 1, the current page (a
question, the start page, a list) below it, scrollable with PgUp/PgDn, and at the bottom the answer form of the
current part, the last message and the answer line.

Drawn with Rich into strings and written row by row (no curses, nothing heavy imported: start-up stays fast). The
terminal runs in cbreak mode (no echo, keys one by one, Ctrl-C still interrupts); `close()` restores it, and is
also registered with `atexit` so that no exit path leaves the terminal raw."""

from __future__ import annotations

import atexit
import os
import signal
import time
from typing import Any, Callable

from rich.cells import cell_len, set_cell_size
from rich.console import Console, RenderableType
from rich.text import Text

from examgen.ui.keys import LineEditor
from examgen.ui.render import wrap_cjk

MIN_W, MIN_H = 40, 12
ENTER = "\x1b[?1049h\x1b[?2004h\x1b[H\x1b[2J"      # alternate screen, bracketed paste, cursor home, clear
LEAVE = "\x1b[?2004l\x1b[?1049l"


def usable(con: Console, fd: int | None) -> bool:
    """Whether the full screen can be shown: both ends a terminal that can address the cursor, big enough."""
    if fd is None or not con.is_terminal or os.environ.get("TERM", "") in ("", "dumb", "unknown"):
        return False
    try:
        if not os.isatty(fd):
            return False
        import termios  # noqa: F401  (not on Windows: line mode there)
    except ImportError:
        return False
    w, h = con.size
    return w >= MIN_W and h >= MIN_H


INPUT_ROWS = 4   # the answer area grows to this many rows as a long answer is typed


class Screen:
    """One full-screen session on `con` (its file is the terminal), reading keys from `fd`."""

    def __init__(self, con: Console, fd: int) -> None:
        self.con = con
        self.fd = fd
        self.out = con.file
        self.active = False
        self._saved: Any = None
        self.header: Callable[[int], Text] = lambda w: Text("")
        self.body: RenderableType = Text("")
        self.overlay: RenderableType | None = None
        self.form = ""
        self.status: list[tuple[str, str]] = []
        self.interrupted: str | None = None   # the answer line as it stood when Ctrl-C came
        self.offset = 0
        self._lines: list[str] | None = None
        self._lines_key: Any = None
        self.prompt = ""
        self.editor = LineEditor()
        self._size = (0, 0)
        self._input_rows = 1

    # ------------------------------------------------------------ the terminal
    def open(self) -> None:
        import termios

        self._saved = termios.tcgetattr(self.fd)
        mode = termios.tcgetattr(self.fd)
        mode[0] &= ~(termios.IXON)                        # Ctrl-S does not freeze the screen
        mode[3] &= ~(termios.ICANON | termios.ECHO)       # keys one by one, no echo; ISIG stays: Ctrl-C works
        mode[6][termios.VMIN] = 1
        mode[6][termios.VTIME] = 0
        termios.tcsetattr(self.fd, termios.TCSANOW, mode)
        self._write(ENTER)
        self.active = True
        atexit.register(self.close)
        if hasattr(signal, "SIGTSTP") and signal.getsignal(signal.SIGTSTP) in (signal.SIG_DFL, None):
            try:
                signal.signal(signal.SIGTSTP, self._suspend)
            except (ValueError, OSError):
                pass

    def close(self) -> None:
        """Back to the normal screen and the terminal's own line editing (idempotent)."""
        if not self.active:
            return
        self.active = False
        self._write(LEAVE)
        try:
            import termios

            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
        except Exception:
            pass
        if hasattr(signal, "SIGTSTP") and signal.getsignal(signal.SIGTSTP) == self._suspend:
            try:
                signal.signal(signal.SIGTSTP, signal.SIG_DFL)
            except (ValueError, OSError):
                pass

    def _suspend(self, signum: int, frame: Any) -> None:
        """Ctrl-Z: give the shell a normal terminal, and come back to the same page on `fg`."""
        self.close()
        os.kill(os.getpid(), signal.SIGSTOP)
        self.open()
        self.draw()

    def _write(self, s: str) -> None:
        try:
            self.out.write(s)
            self.out.flush()
        except (OSError, ValueError):
            pass

    def size(self) -> tuple[int, int]:
        w, h = self.con.size
        return max(w, MIN_W), max(h, MIN_H)

    # ------------------------------------------------------------ what is shown
    def page(self, header: Callable[[int], Text], body: RenderableType, form: str = "", keep_scroll: bool = False) -> None:
        self.header, self.body, self.form, self.overlay = header, body, form, None
        self._lines = None
        if not keep_scroll:
            self.offset = 0

    def show_overlay(self, view: RenderableType) -> None:
        self.overlay = view
        self._lines = None
        self.draw()

    def clear_overlay(self) -> bool:
        if self.overlay is None:
            return False
        self.overlay = None
        self._lines = None
        self.draw()
        return True

    def say(self, text: str, style: str = "") -> None:
        self.status.append((text, style))
        del self.status[:-3]

    def _render(self, renderable: RenderableType, width: int) -> list[str]:
        with self.con.capture() as cap:
            self.con.print(renderable, width=width, crop=True)
        return cap.get().rstrip("\n").split("\n")

    def _wrapped(self, items: list[tuple[str, str]], width: int, most: int, first: bool = False) -> list[str]:
        """`items` wrapped to `width`: the last `most` lines (the newest messages), or with `first` the first
        ones (the start of the answer form, which names the part)."""
        lines: list[str] = []
        for text, style in items:
            for line in wrap_cjk(text, width).split("\n"):
                lines.append(self._render(Text(line, style=style), width)[0])
        if not most:
            return []
        return lines[:most] if first else lines[-most:]

    def _body_lines(self, width: int) -> list[str]:
        key = (width, id(self.overlay), id(self.body))
        if self._lines is None or self._lines_key != key:
            self._lines = self._render(self.overlay if self.overlay is not None else self.body, width)
            self._lines_key = key
        return self._lines

    def layout(self) -> tuple[int, list[str], list[str], list[str]]:
        """(rows for the page, its visible lines, the footer lines above the answer line, all page lines)."""
        w, h = self.size()
        foot = self._wrapped([(self.form, "cyan")], w, 2, first=True) if self.form else []
        foot += self._wrapped(self.status, w, 3)
        rows = h - 1 - len(foot) - self._input_rows
        lines = self._body_lines(w)
        self.offset = max(0, min(self.offset, len(lines) - rows + 1 if len(lines) > rows else 0))
        if len(lines) <= rows:
            return rows, lines, foot, lines
        shown = lines[self.offset:self.offset + rows - 1]
        last = min(self.offset + rows - 1, len(lines))
        more = Text(f"── PgUp/PgDn {self.offset + 1}–{last}/{len(lines)} ──", style="dim")
        return rows, shown + self._render(more, w), foot, lines

    def scroll(self, pages: int) -> None:
        w, h = self.size()
        rows = h - 3
        self.offset = max(0, self.offset + pages * max(rows - 2, 1))
        self.draw()

    # ------------------------------------------------------------ drawing
    def draw(self) -> None:
        if not self.active:
            return
        w, h = self.size()
        self._size = (w, h)
        self._input_rows = len(self._input(w, h)[1])
        rows, shown, foot, _ = self.layout()
        out = ["\x1b[?25l\x1b[1;1H", self._line(self._render(self.header(w), w)[0])]
        for i in range(rows):
            out.append(f"\x1b[{i + 2};1H" + self._line(shown[i] if i < len(shown) else ""))
        for i, line in enumerate(foot):
            out.append(f"\x1b[{rows + 2 + i};1H" + self._line(line))
        self._write("".join(out))
        self.draw_input()

    def _line(self, rendered: str) -> str:
        return rendered + "\x1b[0m\x1b[K"

    def draw_header(self) -> None:
        if not self.active:
            return
        if self.size() != self._size:          # the window changed size: lay everything out again
            self._lines = None
            self.draw()
            return
        w, _ = self._size
        self._write("\x1b[?25l\x1b7\x1b[1;1H" + self._line(self._render(self.header(w), w)[0]) + "\x1b8\x1b[?25h")

    def set_input(self, prompt: str, editor: LineEditor) -> None:
        self.prompt, self.editor = prompt, editor

    def _input(self, w: int, h: int) -> tuple[str, list[str], int, int]:
        """The prompt (cut to half the width; "" when the rows shown start below the first), the answer's rows
        (up to INPUT_ROWS, a quarter of the height at most), and the cursor's row and column in them."""
        prompt = self.prompt
        if cell_len(prompt) > w // 2:
            prompt = set_cell_size(prompt, w // 2 - 1) + "…"
        most = max(1, min(INPUT_ROWS, h // 4))
        rows, row, col, start = self.editor.rows(w - cell_len(prompt) - 1, w - 1, most)
        return (prompt if start == 0 else ""), rows, row, col

    def draw_input(self) -> None:
        if not self.active:
            return
        w, h = self._size if self._size != (0, 0) else self.size()
        prompt, rows, row, col = self._input(w, h)
        if len(rows) != self._input_rows:      # the answer grew or shrank a row: the page above makes room
            self.draw()
            return
        top = h - len(rows) + 1
        out = []
        for i, text in enumerate(rows):
            if self.editor.selected:
                text = "\x1b[7m" + text + "\x1b[27m"
            lead = self._render(Text(prompt, style="bold"), w)[0] if i == 0 and prompt else ""
            out.append(f"\x1b[{top + i};1H" + self._line(lead + text))
        x = (cell_len(prompt) if row == 0 else 0) + col + 1
        self._write("".join(out) + f"\x1b[{top + row};{x}H\x1b[?25h")

    # ------------------------------------------------------------ reading
    def read(self, keys: Any, prompt: str, initial: str, newline: str, deadline: float | None,
             tick: Callable[[], None]) -> tuple[str, str | None]:
        """Edit the answer line until Enter: ("line", text); ("prev" | "next", text) for ↑/↓/Tab/Shift-Tab;
        ("eof", None) for Ctrl-D on an empty line; ("timeout", what was typed) when `deadline` passes first.
        PgUp/PgDn scroll the page; Esc (or Enter on an empty line) closes a list or the help."""
        w, _ = self.size()
        if cell_len(prompt) > w // 2:             # a question (submit? leave?): above the line, in full
            self.say(prompt.rstrip(" ›"), "bold")
            prompt = "› "
            self.draw()
        ed = LineEditor(initial, newline, selected=True)
        self.set_input(prompt, ed)
        self.draw_input()
        self.interrupted = None
        try:
            return self._edit(keys, ed, deadline, tick)
        except KeyboardInterrupt:
            self.interrupted = ed.text   # Ctrl-C: what was on the line, for the caller to keep
            raise

    def _edit(self, keys: Any, ed: LineEditor, deadline: float | None,
              tick: Callable[[], None]) -> tuple[str, str | None]:
        while True:
            wait = 1.0 if deadline is None else max(0.0, min(1.0, deadline - time.monotonic()))
            ev = keys.get_key(wait)
            if ev is None:
                if deadline is not None and time.monotonic() >= deadline:
                    return "timeout", ed.text
                tick()
                continue
            kind, at, value = ev
            if deadline is not None and at > deadline:
                return "timeout", ed.text
            if kind == "eof":
                return "eof", None
            if kind == "text":
                ed.insert(value)
            elif kind == "paste":
                ed.paste(value)
            elif value == "enter":
                if self.overlay is not None and not ed.text.strip():
                    self.clear_overlay()
                    continue
                return "line", ed.text
            elif value == "ctrl-d" and not ed.text:
                return "eof", None
            elif value in ("pgup", "pgdn"):
                self.scroll(-1 if value == "pgup" else 1)
                continue
            elif value in ("up", "down", "tab", "shift-tab"):
                return ("prev" if value in ("up", "shift-tab") else "next"), ed.text
            elif value == "esc":
                self.clear_overlay()
                continue
            elif value == "ctrl-l":
                self._lines = None
                self.draw()
                continue
            else:
                ed.key(value)
            self.draw_input()
