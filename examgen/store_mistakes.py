"""The mistakes recorded with graded attempts: what is stored, and how often each one was made (`examgen stats`)."""

from __future__ import annotations

import json
from typing import Any

from examgen.i18n import Bi


def mistake_ids(verdict: Any) -> str:
    """The ids of the mistakes diagnosed in a verdict's parts, each once, as the JSON stored with an attempt."""
    ids: list[str] = []
    for pv in getattr(verdict, "parts", None) or []:
        for d in pv.diagnosis:
            if d.mistake.id not in ids:
                ids.append(d.mistake.id)
    return json.dumps(ids)


def _text(kind: str, mistake_id: str) -> Bi | None:
    """The mistake's own one-line text, or None when the kind (or the mistake) is no longer declared."""
    from examgen import registry

    if kind not in registry.index():
        return None
    for m in registry.get(kind).mistakes:
        if m.id == mistake_id:
            return m.text
    return None


def mistake_counts(store: Any, lang: str) -> list[dict[str, Any]]:
    """Each mistake made, with how many attempts it was diagnosed in: most frequent first (then by kind and id)."""
    counts: dict[tuple[str, str], int] = {}
    for kind, text in store.mistakes():
        try:
            ids = json.loads(text)
        except ValueError:
            continue
        for mid in ids if isinstance(ids, list) else []:
            counts[(kind, str(mid))] = counts.get((kind, str(mid)), 0) + 1
    out = []
    for (kind, mid), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        bi = _text(kind, mid)
        out.append({"kind": kind, "id": mid, "count": n, "text": bi.get(lang) if bi else mid})
    return out


def repeated(store: Any, lang: str, at_least: int = 2) -> list[dict[str, Any]]:
    """The mistakes made at least `at_least` times, each with the command that practises its kind (`plan`)."""
    return [dict(m, command=f"examgen practice --kind {m['kind']}") for m in mistake_counts(store, lang)
            if m["count"] >= at_least]
