"""Benchmarks of the mock-exam engine: building a paper, time to the first question, saving an answer.

`run()` returns `[{"name", "value", "unit", "target"}]`; `python benchmarks/bench_exam.py` prints them."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

EXAMGEN = [sys.executable, "-m", "examgen"]


def bench_build_warm(n: int = 40) -> float:
    """Median ms to build a full exam (blueprint, bank and kinds already loaded)."""
    from examgen.exam import build_exam

    build_exam(0)
    times = []
    for seed in range(1, n + 1):
        t = time.perf_counter()
        build_exam(seed)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _first_question_ms(home: str, seed: int, pycache: str | None) -> float:
    env = os.environ.copy()
    env["EXAMGEN_HOME"] = home
    env["EXAMGEN_CACHE"] = os.path.join(os.path.dirname(home), "cache")
    env.setdefault("EXAMGEN_LANG", "en")
    if pycache is not None:  # an installed package has its bytecode cached; keep the cache out of the repository
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    t = time.perf_counter()
    p = subprocess.Popen(EXAMGEN + ["exam", "--seed", str(seed)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env)
    buf = b""
    assert p.stdout is not None
    while b"[1] " not in buf:
        chunk = p.stdout.read1(65536)
        if not chunk:
            break
        buf += chunk
    elapsed = time.perf_counter() - t
    assert p.stdin is not None
    p.stdin.write(b":q\n")
    p.stdin.close()
    p.stdout.read()
    p.wait(timeout=30)
    if b"[1] " not in buf:
        raise RuntimeError("examgen exam never showed question 1")
    return elapsed * 1000


def bench_first_question(n: int = 5, bytecode_cache: bool = True) -> float:
    """Median ms from starting `examgen exam` (piped input) to question 1 on screen, with a fresh history file;
    the first run (which writes the parsed-bank cache and the bytecode cache) is not counted."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        pycache = os.path.join(tmp, "pycache") if bytecode_cache else None
        _first_question_ms(os.path.join(tmp, "warmup"), 0, pycache)
        for i in range(n):
            times.append(_first_question_ms(os.path.join(tmp, f"home{i}"), i + 1, pycache))
    return statistics.median(times)


def _screen_ms(home: str, seed: int, pycache: str) -> tuple[float, float]:
    """In a pseudo-terminal of 80×24 (the full screen): ms from starting `examgen exam` to the start page drawn,
    and from Enter on it to question 1 drawn."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    env = os.environ.copy()
    env.update({"EXAMGEN_HOME": home, "EXAMGEN_CACHE": os.path.join(os.path.dirname(home), "cache"),
                "PYTHONPYCACHEPREFIX": pycache, "TERM": "xterm-256color", "EXAMGEN_LANG": "zh"})
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def until(marker: bytes, buf: bytes) -> bytes:
        end = time.monotonic() + 30
        while marker not in buf and time.monotonic() < end:
            if select.select([master], [], [], 0.5)[0]:
                buf += os.read(master, 65536)
        if marker not in buf:
            raise RuntimeError(f"examgen exam never showed {marker!r}")
        return buf

    t = time.perf_counter()
    p = subprocess.Popen(EXAMGEN + ["exam", "--seed", str(seed)], stdin=slave, stdout=slave, stderr=slave, env=env,
                         start_new_session=True)
    os.close(slave)
    until("回车".encode(), b"")
    start_page = time.perf_counter() - t
    t = time.perf_counter()
    os.write(master, b"\r")
    until(b"[1] ", b"")
    question = time.perf_counter() - t
    os.write(master, b":q\r")
    try:
        p.wait(timeout=30)
        while select.select([master], [], [], 0.1)[0] and os.read(master, 65536):
            pass
    except OSError:
        pass
    os.close(master)
    return start_page * 1000, question * 1000


def bench_screen(n: int = 5) -> tuple[float, float]:
    """Medians of `_screen_ms` (the first run, which writes the caches, not counted)."""
    pages, questions = [], []
    with tempfile.TemporaryDirectory() as tmp:
        pycache = os.path.join(tmp, "pycache")
        _screen_ms(os.path.join(tmp, "warmup"), 0, pycache)
        for i in range(n):
            a, b = _screen_ms(os.path.join(tmp, f"home{i}"), i + 1, pycache)
            pages.append(a)
            questions.append(b)
    return statistics.median(pages), statistics.median(questions)


def bench_save_answer(n: int = 200, wait_for_disk: bool = False) -> tuple[float, float]:
    """Median and 95th-percentile ms of saving one answer: one transaction (WAL, synchronous=NORMAL; the fsync runs
    in a background thread). `wait_for_disk` also waits for an fsync of the journal (informational)."""
    from examgen.exam import build_exam
    from examgen.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(os.path.join(tmp, "examgen.db"))
        exam_id = store.create_exam(build_exam(1), "en", "piped", 7200)
        times = []
        for i in range(n):
            t = time.perf_counter()
            store.save_answer(exam_id, 1 + i % 24, "", f"answer {i}", elapsed_s=i * 0.5, current=1 + i % 24)
            if wait_for_disk:
                store.flush()
            times.append(time.perf_counter() - t)
        store.close()
    times.sort()
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def run() -> list[dict[str, Any]]:
    save_med, save_p95 = bench_save_answer()
    disk_med, _ = bench_save_answer(60, wait_for_disk=True)
    page_ms, question_ms = bench_screen()
    return [
        {"name": "exam: build a full exam (warm)", "value": round(bench_build_warm(), 2), "unit": "ms", "target": 50},
        {"name": "exam: `examgen exam` to the first question", "value": round(bench_first_question(), 1),
         "unit": "ms", "target": 300},
        {"name": "exam: full screen (pty 80×24): start page drawn", "value": round(page_ms, 1), "unit": "ms",
         "target": 300},
        {"name": "exam: full screen: Enter on the start page to question 1 drawn", "value": round(question_ms, 1),
         "unit": "ms", "target": 100},
        {"name": "exam: first question, no bytecode cache (PYTHONDONTWRITEBYTECODE, informational)",
         "value": round(bench_first_question(3, bytecode_cache=False), 1), "unit": "ms", "target": None},
        {"name": "exam: save an answer (median)", "value": round(save_med, 2), "unit": "ms", "target": 5},
        {"name": "exam: save an answer (95th percentile, informational)", "value": round(save_p95, 2), "unit": "ms",
         "target": None},
        {"name": "exam: save an answer and wait for the fsync (informational)", "value": round(disk_med, 2),
         "unit": "ms", "target": None},
    ]


if __name__ == "__main__":
    for row in run():
        target = "" if row["target"] is None else f"(target ≤ {row['target']} {row['unit']})"
        print(f"{row['name']:<80} {row['value']:>8} {row['unit']}  {target}")
