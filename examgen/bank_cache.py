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
from typing import Any, Callable

ENV_CACHE = "EXAMGEN_CACHE"
FORMAT = "examgen-bank-cache 3"  # 2: key points carry their clause keywords; 3: and deny_negated
MISS = object()
# a change to any of these may change what a bank file parses or validates to: the cache misses
_PARSER_FILES = ("bank.py", "bank_cache.py", "blueprint.py", "safe_read.py", "grading.py", "answer_parse.py",
                 "model.py")


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


def key_of(text: str, kind: str = "bank") -> str:
    """The cache key of a file's text: its digest together with the parser's and the kind of file."""
    h = hashlib.sha256(_parser_stamp().encode())
    h.update(b"\0" + kind.encode() + b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _entry(path: Path, kind: str = "bank") -> Path | None:
    base = cache_dir()
    if base is None:
        return None
    try:
        where = str(path.resolve())
    except (OSError, RuntimeError):
        where = str(path)
    name = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return base / f"{kind}-{name}.json"


def _limit(text: str) -> int:
    """The largest cache file read for a bank file of this text (the data with line numbers is about its size)."""
    return 16 * len(text.encode("utf-8", "surrogatepass")) + 65_536


def get(path: Path, text: str, kind: str = "bank") -> Any:
    """The cached data of the file `path` (a `kind` of file: "bank", "blueprint") whose text is `text`, or `MISS`."""
    entry = _entry(path, kind)
    return MISS if entry is None else _read_entry(entry, key_of(text, kind), _limit(text))


def put(path: Path, text: str, data: Any, kind: str = "bank") -> None:
    """Store the parsed `data` of `path` (best effort: any failure leaves no cache file, or the old one)."""
    entry = _entry(path, kind)
    if entry is not None:
        _write_entry(entry, key_of(text, kind), data)


def _read_entry(entry: Path, key: str, limit: int) -> Any:
    """The data of a cache file whose key is `key` and whose checksum holds, or `MISS`."""
    try:
        with open(entry, "rb") as fh:
            raw = fh.read(limit + 1)
        if len(raw) > limit:
            return MISS
        head, _, body = raw.partition(b"\n")
        meta = json.loads(head)
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key:
            return MISS
        if meta.get("sum") != hashlib.sha256(body).hexdigest():
            return MISS
        return json.loads(body)
    except (OSError, ValueError, RecursionError, MemoryError):
        return MISS


def _write_entry(entry: Path, key: str, data: Any) -> None:
    try:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        if json.loads(body) != data:
            return
    except (TypeError, ValueError, RecursionError):
        return
    meta = {"format": FORMAT, "key": key, "sum": hashlib.sha256(body).hexdigest()}
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


# ---------------------------------------------------------------- the whole bank, validated
def cached_bank(dirs: list[Path], load: Callable[[list[Path]], Any]) -> Any:
    """`load(dirs)`, or the same bank from the cache when no bank file changed. Only a bank without any issue is
    stored (a bank with issues is loaded as before, each file still from its own cache entry)."""
    from examgen import bank as bankmod
    from examgen.safe_read import BANK, read_text

    h = hashlib.sha256(_parser_stamp().encode())
    total = 0
    try:
        for d in dirs:
            h.update(b"\0dir\0" + str(d.resolve()).encode("utf-8", "surrogatepass"))
            concepts = d / "concepts.yaml"
            for p in ([concepts] if concepts.exists() else []) + bankmod.chapter_files(d):
                text = read_text(p, BANK, str(p))
                total += len(text)
                h.update(b"\0file\0" + p.name.encode("utf-8", "surrogatepass") + b"\0" +
                         hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
    except (OSError, RuntimeError, bankmod.UserError):
        return load(dirs)     # a file that cannot be read: loading names it
    key = h.hexdigest()
    entry = _bank_entry(dirs)
    if entry is not None:
        data = _read_entry(entry, key, 16 * total + 65_536)
        if data is not MISS:
            try:
                return _decode(data, bankmod)
            except (KeyError, IndexError, TypeError, ValueError, AttributeError):
                pass
    b = load(dirs)
    if entry is not None and not b.issues:
        data = _encode(b, bankmod)
        if data is not None and _decode(data, bankmod) == b:
            _write_entry(entry, key, data)
    return b


def _bank_entry(dirs: list[Path]) -> Path | None:
    base = cache_dir()
    if base is None:
        return None
    name = hashlib.sha256("\0".join(str(d) for d in dirs).encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return base / f"bankset-{name}.json"


def _encode(b: Any, bankmod: Any) -> dict[str, Any] | None:
    """The bank as plain data: texts as [zh, en], each item's file as an index into `files`."""
    files = [str(p) for p in b.files]
    index = {bankmod._display(p): i for i, p in enumerate(b.files)}
    items = []
    for it in b.items:
        if it.file not in index:
            return None
        items.append([it.id, it.type, it.chapter, it.concepts, it.points, it.difficulty, it.source, _bi(it.stem),
                      it.answer, _bi(it.explanation), [_bi(o) for o in it.options],
                      [[_bi(k.text), k.points, [list(g) for g in k.keywords], [list(g) for g in k.clause_keywords],
                        k.deny_negated]
                       for k in it.rubric], index[it.file], it.line, it.follows,
                      it.checked])
    concepts = [[c.id, c.chapter, _bi(c.name), c.memorize] for c in b.concepts.values()]
    return {"files": files, "items": items, "concepts": concepts}


def _decode(data: dict[str, Any], bankmod: Any) -> Any:
    from examgen.i18n import Bi
    from examgen.model import KeyPoint

    files = [Path(f) for f in data["files"]]
    shown = [bankmod._display(p) for p in files]
    items = []
    for (iid, typ, chapter, concepts, points, difficulty, source, stem, answer, expl, options, rubric, fi, line,
         follows, checked) in data["items"]:
        items.append(bankmod.Item(
            id=iid, type=typ, chapter=chapter, concepts=concepts, points=points, difficulty=difficulty,
            source=source, stem=Bi(*stem), answer=answer, explanation=Bi(*expl), options=[Bi(*o) for o in options],
            rubric=[KeyPoint(Bi(*t), pts, tuple(tuple(g) for g in kw), tuple(tuple(g) for g in ckw), bool(deny))
                    for t, pts, kw, ckw, deny in rubric],
            file=shown[fi], line=line, follows=follows, checked=bool(checked)))
    concepts = {c[0]: bankmod.Concept(c[0], c[1], Bi(*c[2]), c[3]) for c in data["concepts"]}
    return bankmod.Bank(items, concepts, [], files)


def _bi(b: Any) -> list[str]:
    return [b.zh, b.en]
