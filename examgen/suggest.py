"""The "did you mean …?" of an unknown name (kind, chapter, bank item, command, blueprint key): only names close
enough to be a typo of it, or that it begins. Imported only when a name is unknown."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# difflib's ratio, 2·matches / total length. Its default cutoff, 0.6, offered 'otsu' for 'nosuch' (exactly 0.6);
# a one-letter typo or swap of a three-letter name ('ioo', 'iuo' → 'iou', 'nsm' → 'nms') scores 2/3.
CUTOFF = 0.65


def close_names(word: str, names: Iterable[str], n: int = 1) -> list[str]:
    """Up to `n` of `names` that `word` is a likely typo of, or a start of (`lstm` → `lstm-step`), best first."""
    pool = list(dict.fromkeys(names))
    starts = [name for name in pool if word and name.startswith(word + "-")]
    close = difflib.get_close_matches(word, pool, n=n, cutoff=CUTOFF)
    return list(dict.fromkeys(close + starts))[:n]
