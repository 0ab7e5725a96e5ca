"""Start-up time of the CLI and warm generation throughput per kind."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

REPEAT = 7


_CACHE = tempfile.mkdtemp(prefix="examgen-bench-pycache-")


def _env() -> dict[str, str]:
    """As on an installed machine: bytecode is cached (pip compiles it at install time). This sandbox sets
    PYTHONDONTWRITEBYTECODE, which would make every run recompile every module."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = _CACHE
    return env


def _cold(args: list[str]) -> float:
    """Median wall time of a fresh interpreter running `args` (seconds), after one run that fills the cache."""
    subprocess.run(args, capture_output=True, check=True, env=_env())
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True, env=_env())
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run() -> list[dict]:
    rows = []
    typer_t = _cold([sys.executable, "-c", "import typer"])
    help_t = _cold([sys.executable, "-m", "examgen", "--help"])
    rows.append({"name": "python -c 'import typer' (cold)", "value": typer_t * 1000, "unit": "ms", "target": "baseline"})
    rows.append({"name": "examgen --help (cold)", "value": help_t * 1000, "unit": "ms",
                 "target": "≤ 1.5× typer", "ok": help_t <= 1.5 * typer_t})
    rows.append({"name": "examgen --help / import typer", "value": help_t / typer_t, "unit": "×", "target": "≤ 1.5"})
    from examgen import registry

    kinds = registry.all_kinds()
    worst = 0.0
    for name in ("iou", "lstm-step", "edge-filter"):
        t = _cold([sys.executable, "-m", "examgen", "generate", name, "--seed", "1"])
        worst = max(worst, t)
        rows.append({"name": f"examgen generate {name} (cold)", "value": t * 1000, "unit": "ms", "target": "≤ 250 ms",
                     "ok": t <= 0.25})
    for kind in kinds:
        rate = 0.0
        n = 0
        for _ in range(5):  # best of five 0.3 s windows: the least disturbed by other processes (as timeit does)
            start_n, t0 = n, time.perf_counter()
            while time.perf_counter() - t0 < 0.3:
                kind.generate(n).to_json()  # params, prompt zh+en, answer, steps zh+en
                n += 1
            rate = max(rate, (n - start_n) / (time.perf_counter() - t0))
        rows.append({"name": f"warm generate+solve {kind.name}", "value": rate, "unit": "problems/s",
                     "target": "≥ 5000", "ok": rate >= 5000})
    return rows
