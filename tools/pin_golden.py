"""Pin a few seeds per kind: `tests/golden/kinds.json` records the params and answer key they produce.

The golden test fails if a change (or another Python version) would give a student a different problem or key for
the same seed. Re-pin only on purpose:  python tools/pin_golden.py  (and say why in the commit message)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEEDS = (0, 1, 42, 2026)


def snapshot() -> dict:
    from examgen import registry

    out = {}
    for kind in registry.all_kinds():
        out[kind.name] = {str(s): {"params": (pr := kind.generate(s)).params, "answer": pr.answer} for s in SEEDS}
    return out


def main() -> int:
    path = ROOT / "tests" / "golden" / "kinds.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(snapshot(), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"pinned {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
