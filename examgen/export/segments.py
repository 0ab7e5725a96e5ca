"""Text → segments: `text $math$ text` and fill-in blanks as the segment dicts every writer lays out.

Plain text runs also go through `textmath.text_segments`, so a subscript spelled outside `$…$` (`h_{t−1}`, `f_t`)
is typeset as math instead of printing its underscore."""

from __future__ import annotations

import re
from typing import Any, Iterable

from examgen.export.textmath import text_segments
from examgen.mathfmt import KNOWN_NAMES, check_typst_math, split_math, to_unicode

Block = dict[str, Any]
Segment = dict[str, Any]
BLANK = "____"

# Names `mathfmt` accepts that Typst 0.15 does not know, and what Typst calls them.
TYPST_NAMES = {"prod": "product", "qquad": "wide"}
_WORD = re.compile(r'"[^"]*"|(?<![A-Za-z0-9.])[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z]+)*')


_UNQUOTED = re.compile(r'"[^"]*"|[^"]+')


def _split_shorthands(text: str) -> str:
    """Typst reads `[|` and `|]` as the brackets ⟦ ⟧ (`[|G| >= 20]` would print ⟦G| ≥ 20]): a space between keeps
    the bracket and the bar apart."""
    return text.replace("[|", "[ |").replace("|]", "| ]")


def safe_math(expr: str) -> str | None:
    """A Typst math string that compiles: unknown names of several letters or digits get quoted (`TP` → `"TP"`,
    `G1` → `"G1"`: Typst would stop at an unknown variable); None when the
    formula is broken beyond that (unbalanced brackets or quotes) and should be printed as plain text."""
    expr = expr.strip()

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if word.startswith('"') or len(word) == 1:
            return word
        if word in TYPST_NAMES:
            return TYPST_NAMES[word]
        base = word
        while base not in KNOWN_NAMES and "." in base:
            base = base.rsplit(".", 1)[0]
        return word if base in KNOWN_NAMES else '"' + word + '"'

    fixed = _WORD.sub(fix, expr).replace("*", " dot ").replace("^ dot ", "^*")
    fixed = _UNQUOTED.sub(lambda m: m.group(0) if m.group(0).startswith('"') else _split_shorthands(m.group(0)), fixed)
    return fixed if not check_typst_math(fixed) else None


def math_or_quoted(expr: str) -> str:
    """`safe_math`, or else the formula as a quoted Typst string (printed as plain Unicode text)."""
    fixed = safe_math(expr)
    return fixed if fixed is not None else '"' + to_unicode(expr).replace('"', "'").replace("\\", "/") + '"'


def math_segment(expr: str) -> Segment:
    fixed = safe_math(expr)
    return {"kind": "math", "value": fixed} if fixed is not None else {"kind": "text", "value": to_unicode(expr)}


def segments(text: str, blanks: bool = False) -> list[Segment]:
    """`text $math$ text` as segments; with `blanks`, `____` becomes a numbered fill-in blank."""
    out: list[Segment] = []
    n_blanks = text.count(BLANK) if blanks else 0
    k = 0
    for kind, value in split_math(text):
        if kind == "math":
            if value.strip():
                out.append(math_segment(value))
            continue
        if not n_blanks:
            out.extend(text_segments(value))
            continue
        pieces = value.split(BLANK)
        for j, piece in enumerate(pieces):
            if piece:
                out.extend(text_segments(piece))
            if j < len(pieces) - 1:
                k += 1
                out.append({"kind": "blank", "n": k if n_blanks > 1 else None})
    return out


def rich(text: str, blanks: bool = False) -> Block:
    return {"kind": "rich", "segments": segments(text, blanks)}


def paragraphs(text: str, blanks: bool = False) -> list[Block]:
    return [rich(p.strip(), blanks) for p in text.split("\n") if p.strip()]


def plain(segs: Iterable[Segment]) -> str:
    """The text of segments with math left in Typst syntax (for checks and searches)."""
    return "".join(s.get("value", "") or "" for s in segs)


# ---------------------------------------------------------------- one quote style in Chinese
_ASCII_QUOTED = re.compile(r'"([^"\n]*[\u4e00-\u9fff][^"\n]*)"')
_MATH_KEYS = {"lines", "result", "math"}  # Typst math strings: their "…" quote text and must stay ASCII


def zh_quotes(s: str) -> str:
    """`「精确率」`, `"精确率"` → `“精确率”`: Chinese papers use one quote style."""
    if "「" in s or "『" in s:
        s = s.replace("「", "“").replace("」", "”").replace("『", "‘").replace("』", "’")
    return _ASCII_QUOTED.sub(r"“\1”", s) if '"' in s else s


def zh_quoted(x: Any) -> Any:
    """Blocks or segments with `zh_quotes` applied to every printed text (never to math)."""
    if isinstance(x, list):
        return [zh_quotes(v) if isinstance(v, str) else zh_quoted(v) for v in x]
    if not isinstance(x, dict):
        return x
    out = {}
    for k, v in x.items():
        if k == "value" and isinstance(v, str):
            math = x.get("kind") == "math" or (x.get("kind") == "answer" and x.get("math"))
            out[k] = v if math else zh_quotes(v)
        elif k in _MATH_KEYS or not isinstance(v, (list, dict)):
            out[k] = v
        else:
            out[k] = zh_quoted(v)
    return out
