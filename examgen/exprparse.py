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
MAX_DIGITS = 400          # digits in one number as typed (the same limit as `safe_read.MAX_DIGITS`)

_TRANSLATE = str.maketrans({
    "−": "-", "–": "-", "—": "-", "﹣": "-", "－": "-",
    "×": "*", "·": "*", "⋅": "*", "✕": "*", "∗": "*", "•": "*",
    "÷": "/", "∕": "/",
    "（": "(", "）": ")", "【": "[", "】": "]", "［": "[", "］": "]",
    "，": ",", "；": ";", "：": ":", "、": ",", "。": ".",
    "\u00a0": " ", "\u3000": " ", "\t": " ",
})


_SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿ"
_SUB = "₀₁₂₃₄₅₆₇₈₉₊₋₍₎"
_SUPER_ASCII = str.maketrans(_SUPER, "0123456789+-()n")
_SCRIPT_RUN = re.compile(f"([{_SUPER}]+|[{_SUB}]+)")
_SIMPLE_POWER = re.compile(r"[+-]?\d+|n")


# enclosed numbers (①, ⑴, ⒈, ❶, ㉑): a list mark, never a digit glued to the answer (①0.27 is not 10.27)
_ENCLOSED = re.compile("[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]")


def _nfkc(piece: str, mode: str) -> str:
    if mode != "number" or not _ENCLOSED.search(piece):
        return unicodedata.normalize("NFKC", piece)
    return "".join(ch if _ENCLOSED.fullmatch(ch) else unicodedata.normalize("NFKC", ch) for ch in piece)


def fold(text: str, mode: str = "number") -> str:
    """NFKC (full width → ASCII) that never turns a superscript or subscript into a digit glued to a number. A run
    of superscripts is a power: `10⁻¹` → `10^-1`, `3²` → `3^2`, `x²` → `x^2`, parenthesized unless a plain signed
    integer with no digit or letter after it (`10⁻¹5` → `10^(-1)5`, an error, never 10^-15). A subscript after a
    letter is an index as NFKC reads it (`w₀` → `w0`); any other is left as typed (`10₂`, which no number parses).
    `mode="text"` (matching free text): a superscript after a letter is NFKC's too (`18C²` = `18C2`, as the LMS
    exports match it); `mode="keep"`: every superscript and subscript is left as typed, for a later `fold`."""
    pieces = _SCRIPT_RUN.split(text)
    out: list[str] = []
    for i, piece in enumerate(pieces):
        before = out[-1][-1:] if out and out[-1] else ""
        if i % 2 == 0:
            out.append(_nfkc(piece, mode))
        elif mode == "keep":
            out.append(piece)
        elif piece[0] in _SUPER and not (mode == "text" and before.isalpha()):
            power = piece.translate(_SUPER_ASCII)
            after = pieces[i + 1][:1] if i + 1 < len(pieces) else ""
            bare = _SIMPLE_POWER.fullmatch(power) and not (after.isalnum() or after == ".")
            out.append("^" + power if bare else "^(" + power + ")")
        else:
            out.append(unicodedata.normalize("NFKC", piece) if before.isalpha() else piece)
    return "".join(out)


def normalize(text: str) -> str:
    """`fold` (NFKC, superscripts as powers), Unicode minus and times signs → ASCII, `**` → `^`, trimmed."""
    s = fold(text).translate(_TRANSLATE)
    s = s.replace("**", "^").replace("\r\n", "\n").replace("\r", "\n")
    return s.strip()


class ParseError(ValueError):
    """The text is not a well-formed expression, or its value is not a usable real number; the message says why
    (`str(exc)` in English, `exc.zh` in Chinese)."""

    def __init__(self, en: str, zh: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh if zh is not None else en


def _too_large() -> ParseError:
    return ParseError("number too large", "数字太大")


def _not_real() -> ParseError:
    return ParseError("not a real number", "不是实数")


@dataclass(frozen=True)
class Num:
    """A parsed number and, when typed as a plain decimal, how many decimals it had (for precision hints)."""

    value: float
    decimals: int | None = None
    percent: bool = False


_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-zπ√]+)|(?P<op>[-+*/^()%]))"
)
_LONG_RUN = re.compile(r"[0-9]{%d}" % (MAX_DIGITS + 1))
_FUNCS = {"sqrt": math.sqrt, "exp": math.exp, "ln": math.log, "log": math.log, "√": math.sqrt}


def _tokens(s: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    s = s.rstrip()
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m or m.end() == pos:
            bad = s[pos:].strip()[:1] or s[pos:pos + 1]
            if bad == "!":
                raise ParseError("'!' is not read (3! would be a factorial): write the number without it",
                                 "不识别 '!'（3! 是阶乘）：请去掉 '!'，只写数值")
            if not bad.isprintable():  # a control character would show as nothing: name it
                bad = f"U+{ord(bad):04X}"
            raise ParseError(f"unexpected character '{bad}'", f"无法识别的字符 '{bad}'")
        kind = m.lastgroup or ""
        tok = m.group(kind)
        if kind == "num" and len(tok) > MAX_DIGITS and sum(c.isdigit() for c in tok) > MAX_DIGITS:
            raise ParseError(f"number too large (more than {MAX_DIGITS} digits)", f"数字太大（超过 {MAX_DIGITS} 位）")
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
            raise ParseError(f"unknown name '{tok}'", f"未知的名称 '{tok}'")
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
            raise ParseError(f"missing '{op}'", f"缺少 '{op}'")
        self.i += 1

    def expr(self) -> float:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("too deeply nested", "嵌套太深")
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
                        raise ParseError("division by zero", "除数为零")
                    value /= rhs
            elif tok == ("op", "("):  # 0.21 (21%), 23 (23×23): a note in brackets, never a factor
                raise ParseError("a value in brackets after another: write * between them, as 2*(3+1), or give "
                                 "one value", "括号里的值紧跟在另一个值后面：相乘请写 *，如 2*(3+1)；否则只写一个值")
            elif tok is not None and tok[0] == "name":
                value *= self.unary()  # implicit multiplication: 2π, 2sqrt(2)
            else:
                return value

    def unary(self) -> float:
        tok = self.peek()
        if tok in (("op", "-"), ("op", "+")):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ParseError("too deeply nested", "嵌套太深")
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
                raise ParseError("exponent too large", "指数太大")
            try:
                result = base ** exponent
            except OverflowError as exc:
                raise _too_large() from exc
            except ZeroDivisionError as exc:
                raise ParseError("division by zero", "除数为零") from exc
            if isinstance(result, complex):
                raise _not_real()
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
            raise ParseError("the expression ends too early", "表达式不完整")
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
            except OverflowError as exc:
                raise _too_large() from exc
            except ValueError as exc:  # sqrt of a negative number, ln of 0: not a real number
                raise ParseError(f"{text} of {arg:g} is not a real number", f"{text}({arg:g}) 不是实数") from exc
        if tok == ("op", "("):
            self.take()
            value = self.expr()
            self.expect(")")
            return value
        raise ParseError(f"unexpected '{text}'", f"多余的 '{text}'")


_APPROX = r"(?:≈|~|∼|≃|约等于|约为|大约|大概|约)"
_LABEL = re.compile(rf"^(?:[A-Za-z_][\w ]*?\s*(?:={_APPROX}?|{_APPROX}=?)|(?:答|answer)\s*:{_APPROX}?)\s*",
                    re.IGNORECASE)  # IoU = 0.14, x≈0.14, 答：0.14, Answer: 0.14 (not any 'name:', as in lambda: 1)
DENYING_LABEL = re.compile(r"\b(?:not|no|never|isn'?t|wrong|false)\b|n't\b", re.IGNORECASE)  # IoU is not = 0.2
_ROUGHLY = re.compile(r"\s*左右$")  # 0.08 左右
_ABOUT = re.compile(rf"^(?:={_APPROX}?|{_APPROX}=?)\s*")
_THOUSANDS = re.compile(r"[-+]?[1-9]\d{0,2}(,\d{3})+")


def parse_number(text: str) -> Num:
    """Parse an arithmetic expression typed by a student into a `Num` (text must already be normalized)."""
    s = text.strip()
    if not s:
        raise ParseError("empty", "为空")
    if _LONG_RUN.search(s):
        raise ParseError(f"number too large (more than {MAX_DIGITS} digits)", f"数字太大（超过 {MAX_DIGITS} 位）")
    if len(s) > MAX_LEN:
        raise ParseError(f"too long (over {MAX_LEN} characters)", f"太长（超过 {MAX_LEN} 个字符）")
    # A label before the value, "IoU = 0.14", "x≈0.14", and "about": "≈ 0.14", "~0.14", "约0.14", "大约 0.14".
    label = _LABEL.match(s)
    if label and DENYING_LABEL.search(label.group()):
        raise ParseError(f"the label '{label.group().strip()}' denies the value: write the value alone",
                         f"标签“{label.group().strip()}”否定了后面的值：请只写数值")
    s = s[label.end():] if label else s
    s = _ROUGHLY.sub("", _ABOUT.sub("", s, count=1), count=1)
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")  # thousands separators: 288,000 (a leading 0 or a group not of 3 is not one)
    elif re.fullmatch(r"-?\d+,\d+", s):
        s = s.replace(",", ".")  # decimal comma: 0,5
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
        raise ParseError("too deeply nested", "嵌套太深") from exc
    except OverflowError as exc:
        raise _too_large() from exc
    except ParseError:
        raise
    except (ArithmeticError, ValueError) as exc:  # never expected: the grammar's operations are all guarded
        raise ParseError(f"cannot be computed ({type(exc).__name__})", f"无法计算（{type(exc).__name__}）") from exc
    if parser.i != len(toks):
        raise ParseError(f"unexpected '{toks[parser.i][1]}'", f"多余的 '{toks[parser.i][1]}'")
    if math.isnan(value):
        raise _not_real()
    if math.isinf(value):
        raise _too_large()
    return Num(value, decimals, percent)
