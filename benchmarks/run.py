"""Benchmarks (not timed tests): run every `benchmarks/bench_*.py` and print a table against the targets.

    python benchmarks/run.py            # all
    python benchmarks/run.py core       # only bench_core.py
    python benchmarks/run.py --json out.json
"""

from __future__ import annotations

import importlib.util
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> str:
    import os

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main(argv: list[str]) -> int:
    out_json = None
    if "--json" in argv:
        i = argv.index("--json")
        out_json = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    wanted = set(argv)
    rows = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for row in mod.run():
            row.setdefault("group", name)
            rows.append(row)
            ok = row.get("ok")
            mark = "" if ok is None else ("ok" if ok else "MISSED")
            value = row.get("value")
            shown = f"{value:>12.4g}" if isinstance(value, (int, float)) else f"{'n/a':>12}"
            print(f"{row['group']:8} {row['name']:58} {shown} {row['unit']:10} "
                  f"target {str(row.get('target', '')):<14} {mark}", flush=True)
    print(f"machine: {machine()}")
    if out_json:
        Path(out_json).write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2, ensure_ascii=False))
    return 0 if all(r.get("ok", True) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
