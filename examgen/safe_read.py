"""Reading what users hand us, safely. Every file the CLI reads (answer sheets, params files, blueprints, bank
files) goes through `read_text` and `parse_yaml` here, so the same limits hold everywhere, checked before parsing:

* a size limit per kind of file (`SHEET`, `PARAMS`, `BLUEPRINT`, `BANK`), checked on the file's size before it is
  read (and on the bytes read, for pipes and devices);
* UTF-8 only (a leading BOM is allowed), else the error names the file, the line and the byte offset;
* YAML through libyaml with the safe constructors, and before any value is built: no anchors or aliases
  (`&name`, `*name`: an alias bomb expands a few hundred bytes into gigabytes), at most `MAX_DEPTH` levels of
  nesting, at most `max_nodes` values, no number longer than `MAX_DIGITS` digits.

Every refusal is a one-line bilingual `ReadError` (a `UserError`, exit 2) naming the file, the line where known,
and the limit.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from examgen.errors import UserError
from examgen.i18n import Bi

MAX_DEPTH = 20            # nesting of lists and mappings in any YAML we read
MAX_DIGITS = 400          # digits of one number (a YAML number, or a number typed as an answer)
ANSWER_CHARS = 10_000     # one answer, however it arrives (typed, in a sheet, stored)
PRESCAN_CHARS = 20_000    # longer documents are checked on libyaml's event stream before any node is built


@dataclass(frozen=True)
class Source:
    """A kind of file we read: what it is called, its size limit (bytes) and how many values it may hold."""

    what: Bi
    limit: int
    max_nodes: int = 20_000

    @property
    def limit_text(self) -> str:
        return f"{self.limit / 1_000_000:g} MB"


SHEET = Source(Bi("答题卡", "answer sheet"), 1_000_000)
PARAMS = Source(Bi("参数文件", "params file"), 1_000_000)
BLUEPRINT = Source(Bi("蓝图", "blueprint"), 5_000_000)
BANK = Source(Bi("题库文件", "bank file"), 5_000_000, 500_000)


class ReadError(UserError):
    """A file refused: `where` (file, or file:line) and `detail` (what is wrong, both languages)."""

    def __init__(self, shown: str, detail: Bi, line: int | None = None) -> None:
        self.shown, self.line, self.detail = shown, line, detail
        where = f"{shown}:{line}" if line else shown
        super().__init__(Bi(f"{where}：{detail.zh}", f"{where}: {detail.en}"))


def _cannot_read(shown: str, src: Source, reason: str) -> UserError:
    return UserError(Bi(f"无法读取{src.what.zh} {shown}：{reason}", f"cannot read the {src.what.en} {shown}: {reason}"))


def too_large(shown: str, src: Source, size: int | None) -> ReadError:
    got_en = f"{size:,} bytes" if size is not None else "more than that"
    got_zh = f"{size:,} 字节" if size is not None else "超出上限"
    return ReadError(shown, Bi(f"{src.what.zh}太大（{got_zh}；上限为 {src.limit_text}），未读取",
                               f"the {src.what.en} is too large ({got_en}; the limit is {src.limit_text}); "
                               f"it was not read"))


def too_many(shown: str, src: Source, line: int | None = None) -> ReadError:
    return ReadError(shown, Bi(f"{src.what.zh}包含超过 {src.max_nodes:,} 个值（上限）",
                               f"the {src.what.en} holds more than {src.max_nodes:,} values (the limit)"), line)


def too_deep(shown: str, line: int) -> ReadError:
    return ReadError(shown, Bi(f"嵌套超过 {MAX_DEPTH} 层（上限）", f"nested more than {MAX_DEPTH} levels deep (the limit)"),
                     line)


def too_many_digits(shown: str, line: int) -> ReadError:
    return ReadError(shown, Bi(f"数字超过 {MAX_DIGITS} 位（上限）",
                               f"a number with more than {MAX_DIGITS} digits (the limit)"), line)


def alias_refused(shown: str, src: Source, line: int) -> ReadError:
    return ReadError(shown, Bi(f"{src.what.zh}中不允许使用 YAML 锚点和别名（&name、*name），请直接写出内容",
                               f"YAML anchors and aliases (&name, *name) are not allowed in this {src.what.en}; "
                               f"write the value out"), line)


# ---------------------------------------------------------------- bytes and text
def read_bytes(path: str | os.PathLike[str], src: Source, shown: str | None = None) -> bytes:
    """The bytes of `path` ('-' = stdin), refused when larger than the source's limit, before reading it all."""
    shown = shown if shown is not None else str(path)
    if str(path) == "-":
        data = sys.stdin.buffer.read(src.limit + 1)
    else:
        try:
            with open(Path(path).expanduser(), "rb") as fh:
                st = os.fstat(fh.fileno())
                if stat.S_ISDIR(st.st_mode):
                    raise IsADirectoryError
                if stat.S_ISREG(st.st_mode) and st.st_size > src.limit:
                    raise too_large(shown, src, st.st_size)
                data = fh.read(src.limit + 1)
        except IsADirectoryError:
            raise _cannot_read(shown, src, "it is a directory") from None
        except OSError as exc:
            raise _cannot_read(shown, src, exc.strerror or str(exc)) from None
    if len(data) > src.limit:
        raise too_large(shown, src, None)
    return data


def decode(data: bytes, shown: str) -> str:
    """UTF-8 text (a leading BOM is dropped); otherwise an error naming the line and the byte offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        raise ReadError(shown, Bi(f"不是 UTF-8 文本：字节 {exc.start}（0x{byte:02X}）无法解码，请另存为 UTF-8 编码",
                                  f"not UTF-8 text: byte {exc.start} (0x{byte:02X}) cannot be decoded; "
                                  f"save the file as UTF-8"), line) from None


def read_text(path: str | os.PathLike[str], src: Source, shown: str | None = None) -> str:
    """The text of `path` ('-' = stdin) within the source's size limit, decoded as UTF-8."""
    shown = shown if shown is not None else str(path)
    return decode(read_bytes(path, src, shown), shown)


def check_text_size(text: str, shown: str, src: Source) -> None:
    """The same size limit for text that did not come from a file (a `--param` value, a string)."""
    if len(text) * 4 > src.limit:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > src.limit:
            raise too_large(shown, src, size)


# ---------------------------------------------------------------- YAML
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _base_loader() -> type:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: about 7× faster


def check_nodes(node: Any, shown: str, src: Source) -> None:
    """Refuse aliases, nesting deeper than MAX_DEPTH, more than `max_nodes` values and over-long numbers in a
    composed document, before anything is constructed (iterative, so any depth is safe)."""
    seen: set[int] = set()
    stack = [(node, 1)]
    while stack:
        n, depth = stack.pop()
        if id(n) in seen:
            raise alias_refused(shown, src, n.start_mark.line + 1)
        seen.add(id(n))
        if len(seen) > src.max_nodes:
            raise too_many(shown, src, n.start_mark.line + 1)
        value = n.value
        if isinstance(value, str):
            if len(value) > MAX_DIGITS and n.tag in _NUMBER_TAGS and sum(c.isdigit() for c in value) > MAX_DIGITS:
                raise too_many_digits(shown, n.start_mark.line + 1)
            continue
        if depth > MAX_DEPTH:
            raise too_deep(shown, n.start_mark.line + 1)
        depth += 1
        for child in value:
            if type(child) is tuple:
                stack.append((child[1], depth))
                stack.append((child[0], depth))
            else:
                stack.append((child, depth))


def scan_events(text: str, shown: str, src: Source) -> None:
    """The checks of `check_nodes` on libyaml's event stream, stopping at the first violation: a large hostile
    document is refused before the much slower building of nodes and values."""
    import yaml
    from yaml import events as ev

    starts = (ev.SequenceStartEvent, ev.MappingStartEvent)
    ends = (ev.SequenceEndEvent, ev.MappingEndEvent)
    resolver = yaml.resolver.Resolver()
    depth = count = 0
    for e in yaml.parse(text, Loader=_base_loader()):
        t = type(e)
        if t is ev.ScalarEvent:
            count += 1
            value = e.value
            if (len(value) > MAX_DIGITS and e.implicit[0] and sum(c.isdigit() for c in value) > MAX_DIGITS
                    and resolver.resolve(yaml.ScalarNode, value, (True, False)) in _NUMBER_TAGS):
                raise too_many_digits(shown, e.start_mark.line + 1)
        elif t in starts:
            count += 1
            depth += 1
            if depth > MAX_DEPTH:
                raise too_deep(shown, e.start_mark.line + 1)
        elif t in ends:
            depth -= 1
        elif t is ev.AliasEvent:
            raise alias_refused(shown, src, e.start_mark.line + 1)
        if count > src.max_nodes:
            raise too_many(shown, src, e.start_mark.line + 1)


def _key_name(text: str) -> str:
    """A key as the reader takes it: a whole number in any spelling (1, 01, +1, 1.0, "1") is that number."""
    name = text.strip()
    try:
        value = float(name.replace("_", "x"))  # YAML 1.1's 1_000 is no item number: left as written
    except ValueError:
        return name
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else name


def refuse_duplicate_keys(node: Any, shown: str, src: Source) -> None:
    """A key given twice in one mapping (`1: B` then `1: C`; `{gx: -1, gx: 5}`) is refused at its second line:
    YAML would keep the last silently, and an answer typed would be lost. `1`, `01`, `+1`, `1.0` and `"1"` are the
    same key."""
    seen: set[str] = set()
    for key, _ in node.value:
        if getattr(key, "tag", "").endswith((":str", ":int", ":float", ":bool", ":null")):
            name = _key_name(str(key.value))
            if name in seen:
                raise ReadError(shown, Bi(f"键 '{name[:40]}' 出现了两次：每项只能写一次",
                                          f"the key '{name[:40]}' is given twice: write each one once"),
                                key.start_mark.line + 1)
            seen.add(name)


def strict_loader(base: type | None = None, src: Source = SHEET, shown: str = "", walk: bool = True) -> type:
    """A loader class (a subclass of `base`, default libyaml's safe loader) that checks the composed document
    with `check_nodes` (unless `walk` is false: the caller scanned the events already) before building it."""
    parent = base if base is not None else _base_loader()

    class StrictLoader(parent):  # type: ignore[misc, valid-type]
        def construct_document(self, node: Any) -> Any:
            if walk:
                check_nodes(node, shown, src)
            return super().construct_document(node)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            refuse_duplicate_keys(node, shown, src)
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


def parse_yaml(text: str, shown: str, src: Source, loader: type | None = None) -> Any:
    """One YAML (or JSON) document with the limits of `src`; a one-line error naming the file and line."""
    import yaml

    check_text_size(text, shown, src)
    try:
        long = len(text) > PRESCAN_CHARS
        if long:
            scan_events(text, shown, src)
        return yaml.load(text, Loader=strict_loader(loader, src, shown, walk=not long))  # noqa: S506 - safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "nesting depth" in problem:   # libyaml's own limit, met while it reads ahead past ours
            raise too_deep(shown, mark.line + 1 if mark is not None else 1) from None
        raise ReadError(shown, Bi(f"YAML 格式错误（invalid YAML）：{problem}", f"invalid YAML: {problem}"),
                        mark.line + 1 if mark is not None else None) from None
    except (ValueError, TypeError, RecursionError) as exc:  # a constructor refusing a value (e.g. a bad date)
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReadError(shown, Bi(f"YAML 格式错误（invalid YAML）：{problem}", f"invalid YAML: {problem}")) from None


def load_yaml(path: str | os.PathLike[str], src: Source, shown: str | None = None, loader: type | None = None) -> Any:
    """Read and parse a YAML file ('-' = stdin) with every limit of `src`."""
    shown = shown if shown is not None else ("<stdin>" if str(path) == "-" else str(path))
    return parse_yaml(read_text(path, src, shown), shown, src, loader)
