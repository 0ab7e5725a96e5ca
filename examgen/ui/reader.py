"""Standard input as time-stamped lines, read by a background thread (line mode: a pipe, or a terminal that
cannot show the full screen)."""

from __future__ import annotations

import codecs
import io
import os
import queue
import sys
import threading
import time
from typing import Any


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
