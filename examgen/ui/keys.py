"""Keys from a terminal in cbreak mode, and a one-line editor for the answer line of the full-screen exam.

`KeyReader` reads the terminal in a background thread and turns bytes into time-stamped events: ("text", t, s)
for typed (or pasted) text, ("key", t, name) for Enter, arrows, PgUp/PgDn, Tab, Backspace, Ctrl-D …, ("eof", t,
None) when the terminal goes away. `get(timeout)` assembles the same events into lines, as `LineReader` gives
them, for the prompts that run after the full screen is closed (self-marking)."""

from __future__ import annotations

import codecs
import os
import queue
import select
import threading
import time
from typing import Any

from rich.cells import cell_len

# escape sequences → key names (xterm, tmux, the Linux console; both cursor-key modes)
_SEQ = {
    "[A": "up", "[B": "down", "[C": "right", "[D": "left", "OA": "up", "OB": "down", "OC": "right", "OD": "left",
    "[H": "home", "[F": "end", "OH": "home", "OF": "end", "[1~": "home", "[4~": "end", "[7~": "home", "[8~": "end",
    "[2~": "insert", "[3~": "delete", "[5~": "pgup", "[6~": "pgdn", "[Z": "shift-tab",
}
_CTRL = {"\r": "enter", "\n": "enter", "\t": "tab", "\x7f": "backspace", "\x08": "backspace", "\x04": "ctrl-d",
         "\x01": "home", "\x05": "end", "\x15": "ctrl-u", "\x0b": "ctrl-k", "\x17": "ctrl-w", "\x0c": "ctrl-l",
         "\x02": "left", "\x06": "right", "\x10": "up", "\x0e": "down"}
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


def parse_keys(data: str, pending: str = "") -> tuple[list[tuple[str, str]], str]:
    """Split decoded terminal input into ("text", s) / ("key", name) / ("paste", s) events. An escape sequence cut
    at the end of `data` is returned as the new `pending` prefix (the next read completes it)."""
    s = pending + data
    out: list[tuple[str, str]] = []
    text: list[str] = []

    def flush() -> None:
        if text:
            out.append(("text", "".join(text)))
            text.clear()

    i = 0
    while i < len(s):
        c = s[i]
        if s.startswith(PASTE_START, i):
            end = s.find(PASTE_END, i + len(PASTE_START))
            if end < 0:
                flush()
                return out, s[i:]
            flush()
            out.append(("paste", s[i + len(PASTE_START):end]))
            i = end + len(PASTE_END)
            continue
        if c == "\x1b":
            rest = s[i + 1:]
            if not rest:
                flush()
                out.append(("key", "esc"))
                i += 1
                continue
            if rest[0] in "[O":
                j = 1
                if rest[0] == "[":
                    while j < len(rest) and not "@" <= rest[j] <= "~":
                        j += 1
                if j >= len(rest):
                    if len(rest) < 16:         # an unfinished sequence: the next read completes it
                        flush()
                        return out, s[i:]
                    i += 1
                    continue
                seq = rest[:j + 1]
                flush()
                name = _SEQ.get(seq)
                if name is None and ";" in seq:  # a modified key (ESC [1;5A is Ctrl-Up): the key itself
                    name = _SEQ.get("[" + seq[-1]) or _SEQ.get("[" + seq[1:].split(";")[0] + "~")
                if name:
                    out.append(("key", name))
                i += 2 + j
                continue
            flush()
            out.append(("key", "esc"))        # Alt-x and lone Esc: Esc, then x as text
            i += 1
            continue
        if c == "\r" and s.startswith("\r\n", i):
            flush()
            out.append(("key", "enter"))
            i += 2
            continue
        if c in _CTRL:
            flush()
            out.append(("key", _CTRL[c]))
        elif c >= " " or c == "\u3000":
            text.append(c)
        i += 1
    flush()
    return out, ""


class KeyReader:
    """Terminal input as key events, read by a background thread (see the module docstring)."""

    tty = True

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.q: "queue.Queue[tuple[str, float, Any]]" = queue.Queue()
        self.finished = False
        self._line: list[str] = []
        self._reading = threading.Event()      # cleared while another program (the pager) owns the terminal
        self._reading.set()
        self._thread = threading.Thread(target=self._run, name="examgen-keys", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        dec = codecs.getincrementaldecoder("utf-8")("replace")
        pending = ""
        while True:
            self._reading.wait()
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.1)
                if not ready or not self._reading.is_set():
                    continue
                data = os.read(self.fd, 65536)
            except InterruptedError:
                continue
            except OSError:
                data = None
            now = time.monotonic()
            if not data:
                self.q.put(("eof", now, None))
                if data is None:
                    return
                time.sleep(0.05)             # Ctrl-D in cooked mode: one end of input, reading goes on
                continue
            events, pending = parse_keys(dec.decode(data), pending)
            for kind, value in events:
                self.q.put((kind, now, value))

    def pause(self) -> None:
        """Stop reading the terminal (a pager runs and must get every key) until `resume`."""
        self._reading.clear()
        time.sleep(0.12)                        # a read already waiting on select() gives up

    def resume(self) -> None:
        self._reading.set()

    def get_key(self, timeout: float | None) -> tuple[str, float, Any] | None:
        try:
            return self.q.get(timeout=timeout) if timeout is None or timeout > 0 else self.q.get_nowait()
        except queue.Empty:
            return None

    def get(self, timeout: float | None) -> tuple[str, float, str | None] | None:
        """The next whole line, like `LineReader.get` (for prompts outside the full screen)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ev = self.get_key(left)
            if ev is None:
                return None
            kind, at, value = ev
            if kind in ("text", "paste"):
                self._line.append(value)
            elif kind == "key" and value == "backspace" and self._line:
                self._line[-1] = self._line[-1][:-1]
            elif kind == "key" and value == "enter":
                line, self._line = "".join(self._line), []
                return "line", at, line
            elif kind == "eof" or (kind == "key" and value == "ctrl-d" and not "".join(self._line)):
                return "eof", at, None

    def drain(self) -> list[str]:
        """Throw away what was typed ahead; return it as lines."""
        out, cur = [], "".join(self._line)
        self._line = []
        while True:
            try:
                kind, _, value = self.q.get_nowait()
            except queue.Empty:
                break
            if kind in ("text", "paste"):
                cur += value
            elif kind == "key" and value == "enter" and cur:
                out.append(cur)
                cur = ""
        if cur:
            out.append(cur)
        return out


class LineEditor:
    """The answer line: text, a cursor, and the rows it wraps into after the prompt."""

    def __init__(self, text: str = "", newline: str = " ", selected: bool = False) -> None:
        self.text = text
        self.pos = len(text)
        self.newline = newline                # what a line break in pasted text becomes (a matrix: "; ")
        self.selected = selected and bool(text)  # a saved answer shown for editing: typing replaces it whole

    def insert(self, s: str) -> None:
        if self.selected:
            self.text, self.pos, self.selected = "", 0, False
        self.text = self.text[:self.pos] + s + self.text[self.pos:]
        self.pos += len(s)

    def paste(self, s: str) -> None:
        lines = [ln.strip() for ln in s.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        self.insert(self.newline.join(ln for ln in lines if ln))

    def key(self, name: str) -> bool:
        """Apply an editing key; False when the key is not an editing key."""
        t, p = self.text, self.pos
        if self.selected:
            self.selected = False
            if name in ("backspace", "delete", "ctrl-u", "ctrl-w"):
                self.text, self.pos = "", 0
                return True
        if name == "backspace" and p:
            self.text, self.pos = t[:p - 1] + t[p:], p - 1
        elif name == "delete":
            self.text = t[:p] + t[p + 1:]
        elif name == "left":
            self.pos = max(p - 1, 0)
        elif name == "right":
            self.pos = min(p + 1, len(t))
        elif name == "home":
            self.pos = 0
        elif name == "end":
            self.pos = len(t)
        elif name == "ctrl-u":
            self.text, self.pos = t[p:], 0
        elif name == "ctrl-k":
            self.text = t[:p]
        elif name == "ctrl-w":
            head = t[:p].rstrip()
            cut = max(head.rfind(" "), head.rfind(";"), head.rfind(",")) + 1
            self.text, self.pos = t[:cut] + t[p:], cut
        elif name != "backspace":
            return False
        return True

    def rows(self, first: int, width: int, most: int) -> tuple[list[str], int, int, int]:
        """The text wrapped into rows of `first` cells, then `width` cells; at most `most` rows, those around
        the cursor; the cursor's row and cell column in them; and the index of the first row shown (0: the row
        after the prompt). A long short answer is read whole as it is typed, not scrolled sideways."""
        first, width, most = max(first, 4), max(width, 4), max(most, 1)

        def room(r: int) -> int:
            return first if r == 0 else width

        rows, row, cur = [""], 0, None
        for i, ch in enumerate(self.text):
            if i == self.pos and cell_len(rows[row]) < room(row):   # the cursor where a typed key lands
                cur = (row, cell_len(rows[row]))
            if cell_len(rows[row] + ch) > room(row):
                rows.append("")
                row += 1
            if i == self.pos and cur is None:
                cur = (row, cell_len(rows[row]))
            rows[row] += ch
        if cur is None:                                   # at the end
            cur = (row, cell_len(rows[row]))
            if cur[1] >= room(row):                       # after a full row: the next one
                rows.append("")
                cur = (row + 1, 0)
        start = max(0, min(cur[0] - most + 1, len(rows) - most))
        return rows[start:start + most], cur[0] - start, cur[1], start
