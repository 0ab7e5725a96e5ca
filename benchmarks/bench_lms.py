"""LMS export speed: one mock exam to Moodle XML, GIFT, QTI and Anki in a fresh `examgen export …` process (as a
teacher runs it), and the whole question bank through each writer in a warm process (CPU time, best of three, so
that other jobs on the machine disturb it less)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = 3
FORMATS = {"moodle": ".xml", "gift": ".gift", "qti": ".zip", "anki": ".apkg"}


def _cold(ext: str) -> float:
    times = []
    with tempfile.TemporaryDirectory() as d:
        for i in range(REPEAT):
            out = Path(d) / f"exam{i}{ext}"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "examgen", "export", "--seed", "20261126", "--lang", "zh", "-o",
                            str(out)], capture_output=True, check=True)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _bank_cpu(fmt: str) -> float:
    import importlib

    from examgen import registry
    from examgen.bank import load_bank

    registry.load_all()
    problems = [it.to_problem() for it in load_bank(None).items]
    writer = importlib.import_module(f"examgen.export.{fmt}")
    kw = {"timestamp": 1_800_000_000} if fmt == "anki" else {}
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        writer.render(problems, "zh", **kw)
        best = min(best, time.process_time() - t0)
    return best


def run() -> list[dict]:
    rows = []
    for fmt, ext in FORMATS.items():
        t = _cold(ext)
        rows.append({"name": f"export one exam to {fmt} (cold process)", "value": round(t, 3), "unit": "s",
                     "target": "≤ 1 s", "ok": t <= 1.0})
    for fmt in FORMATS:
        t = _bank_cpu(fmt)
        rows.append({"name": f"the whole bank through the {fmt} writer (CPU)", "value": round(t * 1000, 1),
                     "unit": "ms", "target": "≤ 500 ms", "ok": t <= 0.5})
    return rows


if __name__ == "__main__":
    for row in run():
        mark = "ok " if row.get("ok", True) else "SLOW"
        print(f"{mark} {row['name']}: {row['value']} {row['unit']} (target {row['target']})")
