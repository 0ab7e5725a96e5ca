"""Export speed: one mock exam to PDF, and a class set of 30 variants plus the combined key table to PDF.

Both are measured the way a user meets them: a fresh `examgen export …` process (import, exam building,
Typst compilation, atomic writes), median of a few runs, into a temporary directory."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = 3


def _cold(args: list[str], repeat: int = REPEAT) -> float:
    times = []
    with tempfile.TemporaryDirectory() as d:
        for i in range(repeat):
            out = Path(d) / f"run{i}" / "exam.pdf"
            out.parent.mkdir()
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "examgen", "export", *args, "-o", str(out)], capture_output=True,
                           check=True)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _warm_one() -> float:
    """One exam to PDF inside a process that has already rendered one (the compiler is reused)."""
    from examgen.export.run import build
    from examgen.export.sources import Selection

    with tempfile.TemporaryDirectory() as d:
        build(Selection(seed=1, lang="zh"), "pdf", Path(d) / "w.pdf")
        times = []
        for s in range(2, 7):
            t0 = time.perf_counter()
            build(Selection(seed=s, lang="zh"), "pdf", Path(d) / "w.pdf")
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run() -> list[dict]:
    one = _cold(["--seed", "20261126", "--lang", "zh"])
    key = _cold(["--seed", "20261126", "--lang", "zh", "--key"])
    thirty = _cold(["--seed", "20261126", "--lang", "zh", "--variants", "30"], repeat=1)
    thirty_key = _cold(["--seed", "20261126", "--lang", "zh", "--variants", "30", "--key"], repeat=1)
    warm = _warm_one()
    return [
        {"name": "export one exam to PDF (cold process)", "value": round(one, 3), "unit": "s", "target": "≤ 1 s",
         "ok": one <= 1.0},
        {"name": "export one answer key to PDF (cold process)", "value": round(key, 3), "unit": "s",
         "target": "≤ 1 s", "ok": key <= 1.0},
        {"name": "one exam to PDF, warm (build + Typst)", "value": round(warm * 1000, 1), "unit": "ms",
         "target": "≤ 1000 ms", "ok": warm <= 1.0},
        {"name": "30 variants + combined key table to PDF (cold process)", "value": round(thirty, 2), "unit": "s",
         "target": "≤ 10 s", "ok": thirty <= 10.0},
        {"name": "30 variant keys + combined key table to PDF (cold process)", "value": round(thirty_key, 2),
         "unit": "s", "target": "≤ 10 s", "ok": thirty_key <= 10.0},
    ]


if __name__ == "__main__":
    for row in run():
        mark = "ok " if row.get("ok", True) else "SLOW"
        print(f"{mark} {row['name']}: {row['value']} {row['unit']} (target {row['target']})", file=sys.stdout)
