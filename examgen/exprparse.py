"""A restricted arithmetic parser for what students type. Never `eval`.

Grammar (after `normalize`): numbers (`0.14`, `1.4e-1`, `.5`), `+ - * / ^`, parentheses, `sqrt(…)`, `√x`,
`exp(…)`, `ln(…)`, `log(…)` (natural), `π`/`pi`, a trailing `%`. Implicit multiplication (`2π`, `2(3+1)`,
`2sqrt(2)`) is allowed. Anything else is a `ParseError` with a short description of what went wrong.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

MAX_LEN = 2000
MAX_DEPTH = 60
MAX_EXPONENT = 400.0

_TRANSLATE = str.maketrans({
    "−": "-", "–": "-", "—": "-", "﹣": "-", "－": "-",
    "×": "*", "·": "*", "⋅": "*", "✕": "*", "∗": "*", "•": "*",
    "÷": "/", "∕": "/",
    "（": "(", "）": ")", "【": "[", "】": "]", "［": "[", "］": "]",
    "，": ",", "；": ";", "：": ":", "、": ",", "。": ".",
    "\u00a0": " ", "\u3000": " ", "\t": " ",
})


def normalize(text: str) -> str:
    """NFKC (full-width → ASCII), Unicode minus and times signs → ASCII, `**` → `^`, trimmed."""
    s = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    s = s.replace("**", "^").replace("\r\n", "\n").replace("\r", "\n")
    return s.strip()


class ParseError(ValueError):
    """The text is not a well-formed expression; the message says where."""


@dataclass(frozen=True)
class Num:
    """A parsed number and, when typed as a plain decimal, how many decimals it had (for precision hints)."""

    value: float
    decimals: int | None = None
    percent: bool = False


_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-zπ√]+)|(?P<op>[-+*/^()%]))"
)
_FUNCS = {"sqrt": math.sqrt, "exp": math.exp, "ln": math.log, "log": math.log, "√": math.sqrt}


def _tokens(s: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    s = s.rstrip()
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m or m.end() == pos:
            bad = s[pos:].strip()[:1] or s[pos:pos + 1]
            raise ParseError(f"unexpected character '{bad}'")
        kind = m.lastgroup or ""
        tok = m.group(kind)
        if kind == "name":
            # Split runs like "2pi" handled by num; here split "√pi" or "sqrtpi" into known names.
            out.extend(("name", n) for n in _split_names(tok))
        else:
            out.append((kind, tok))
        pos = m.end()
    return out


def _split_names(tok: str) -> list[str]:
    names: list[str] = []
    rest = tok.lower() if tok not in ("π", "√") else tok
    rest = tok
    while rest:
        for n in ("sqrt", "exp", "ln", "log", "pi", "π", "√"):
            if rest.lower().startswith(n):
                names.append(n)
                rest = rest[len(n):]
                break
        else:
            raise ParseError(f"unknown name '{tok}'")
    return names


class _Parser:
    def __init__(self, toks: list[tuple[str, str]]) -> None:
        self.toks = toks
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, op: str) -> None:
        tok = self.peek()
        if tok != ("op", op):
            raise ParseError(f"missing '{op}'")
        self.i += 1

    def expr(self) -> float:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("too deeply nested")
        value = self.term()
        while (tok := self.peek()) in (("op", "+"), ("op", "-")):
            self.take()
            rhs = self.term()
            value = value + rhs if tok[1] == "+" else value - rhs
        self.depth -= 1
        return value

    def term(self) -> float:
        value = self.unary()
        while True:
            tok = self.peek()
            if tok in (("op", "*"), ("op", "/")):
                self.take()
                rhs = self.unary()
                if tok[1] == "*":
                    value *= rhs
                else:
                    if rhs == 0:
                        raise ParseError("division by zero")
                    value /= rhs
            elif tok is not None and (tok[0] == "name" or tok == ("op", "(")):
                value *= self.unary()  # implicit multiplication: 2π, 2(3+1), 2sqrt(2)
            else:
                return value

    def unary(self) -> float:
        tok = self.peek()
        if tok in (("op", "-"), ("op", "+")):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ParseError("too deeply nested")
            v = self.unary()
            self.depth -= 1
            return -v if tok[1] == "-" else v
        return self.power()

    def power(self) -> float:
        base = self.postfix()
        if self.peek() == ("op", "^"):
            self.take()
            exponent = self.unary()
            if abs(exponent) > MAX_EXPONENT:
                raise ParseError("exponent too large")
            try:
                result = base ** exponent
            except (OverflowError, ZeroDivisionError) as exc:
                raise ParseError("number out of range") from exc
            if isinstance(result, complex):
                raise ParseError("not a real number")
            return result
        return base

    def postfix(self) -> float:
        value = self.atom()
        while self.peek() == ("op", "%"):
            self.take()
            value /= 100.0
        return value

    def atom(self) -> float:
        tok = self.peek()
        if tok is None:
            raise ParseError("the expression ends too early")
        kind, text = tok
        if kind == "num":
            self.take()
            return float(text)
        if kind == "name":
            self.take()
            if text in ("pi", "π"):
                return math.pi
            func = _FUNCS[text.lower() if text != "√" else text]
            if text == "√" and self.peek() != ("op", "("):
                arg = self.postfix()
            else:
                self.expect("(")
                arg = self.expr()
                self.expect(")")
            try:
                return func(arg)
            except (ValueError, OverflowError) as exc:
                raise ParseError(f"{text} of {arg:g} is not defined") from exc
        if tok == ("op", "("):
            self.take()
            value = self.expr()
            self.expect(")")
            return value
        raise ParseError(f"unexpected '{text}'")


def parse_number(text: str) -> Num:
    """Parse an arithmetic expression typed by a student into a `Num` (text must already be normalized)."""
    s = text.strip()
    if not s:
        raise ParseError("empty")
    if len(s) > MAX_LEN:
        raise ParseError("too long")
    # A label before the value: "IoU = 0.14", "x≈0.14", "≈ 0.14".
    s = re.sub(r"^[A-Za-z_][\w ]*\s*(=|≈)\s*", "", s)
    s = re.sub(r"^(=|≈)\s*", "", s)
    if re.fullmatch(r"-?\d+,\d+", s):
        s = s.replace(",", ".")  # decimal comma
    decimals: int | None = None
    plain = re.fullmatch(r"[-+]?(\d*)\.(\d+)", s)
    if plain:
        decimals = len(plain.group(2))
    elif re.fullmatch(r"[-+]?\d+", s):
        decimals = 0
    percent = s.endswith("%")
    plain_pct = re.fullmatch(r"[-+]?\d*\.?(\d*)%", s)
    if plain_pct:
        decimals = len(plain_pct.group(1)) + 2
    toks = _tokens(s)
    parser = _Parser(toks)
    try:
        value = parser.expr()
    except RecursionError as exc:
        raise ParseError("too deeply nested") from exc
    except OverflowError as exc:
        raise ParseError("number out of range") from exc
    if parser.i != len(toks):
        raise ParseError(f"unexpected '{toks[parser.i][1]}'")
    if not math.isfinite(value):
        raise ParseError("number out of range")
    return Num(value, decimals, percent)
