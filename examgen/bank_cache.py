"""A disk cache of parsed question-bank files, so `examgen exam` does not parse 0.5 MB of YAML on every start.

One JSON file per bank file, in the user's cache directory (`EXAMGEN_CACHE`, else `$XDG_CACHE_HOME/examgen`, else
`~/.cache/examgen`), named after the bank file's path. It holds the parsed data (plain lists, mappings, strings,
numbers, with the line numbers the loader records) and two SHA-256 digests:

* `key`: of the bank file's text (as read through `safe_read`, with its limits) and of the parser's own source
  files; a changed bank file, or a changed parser, misses;
* `sum`: of the stored data itself; a truncated or damaged cache file misses.

JSON, never pickle: a cache file anyone swapped or damaged is at worst data that misses and is rewritten. Every
failure to read or write the cache (no such directory, read-only, full disk, not JSON, too large) is silent: the
bank is parsed as before. Data that JSON would not give back equal (a date, a set, a number key) is not cached."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

ENV_CACHE = "EXAMGEN_CACHE"
FORMAT = "examgen-bank-cache 1"
MISS = object()
_PARSER_FILES = ("bank.py", "safe_read.py")   # a change to either changes how a file parses: the cache misses


def cache_dir() -> Path | None:
    """Where cache files live, or None when no home or cache directory can be named."""
    raw = os.environ.get(ENV_CACHE)
    if raw:
        return Path(raw).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "examgen"
    try:
        return Path.home() / ".cache" / "examgen"
    except (RuntimeError, KeyError, OSError):
        return None


def _parser_stamp() -> str:
    here = Path(__file__).resolve().parent
    parts = [FORMAT]
    for name in _PARSER_FILES:
        try:
            st = (here / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:?")
    return "\n".join(parts)


def key_of(text: str) -> str:
    """The cache key of a bank file's text: its digest together with the parser's."""
    h = hashlib.sha256(_parser_stamp().encode())
    h.update(b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _entry(path: Path) -> Path | None:
    base = cache_dir()
    if base is None:
        return None
    try:
        where = str(path.resolve())
    except (OSError, RuntimeError):
        where = str(path)
    name = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return base / f"bank-{name}.json"


def _limit(text: str) -> int:
    """The largest cache file read for a bank file of this text (the data with line numbers is about its size)."""
    return 16 * len(text.encode("utf-8", "surrogatepass")) + 65_536


def get(path: Path, text: str) -> Any:
    """The cached data of the bank file `path` whose text is `text`, or `MISS`."""
    entry = _entry(path)
    if entry is None:
        return MISS
    try:
        with open(entry, "rb") as fh:
            raw = fh.read(_limit(text) + 1)
        if len(raw) > _limit(text):
            return MISS
        head, _, body = raw.partition(b"\n")
        meta = json.loads(head)
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key_of(text):
            return MISS
        if meta.get("sum") != hashlib.sha256(body).hexdigest():
            return MISS
        return json.loads(body)
    except (OSError, ValueError, RecursionError, MemoryError):
        return MISS


def put(path: Path, text: str, data: Any) -> None:
    """Store the parsed `data` of `path` (best effort: any failure leaves no cache file, or the old one)."""
    entry = _entry(path)
    if entry is None:
        return
    try:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        if json.loads(body) != data:
            return
    except (TypeError, ValueError, RecursionError):
        return
    meta = {"format": FORMAT, "key": key_of(text), "sum": hashlib.sha256(body).hexdigest()}
    tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(json.dumps(meta).encode() + b"\n" + body)
        os.replace(tmp, entry)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
