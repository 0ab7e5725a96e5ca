"""Formulas are written once, in Typst math syntax, and rendered two ways.

Typst typesets them in the PDF export; `to_unicode` turns them into plain Unicode for the terminal. Conventions for
formula writers (checked by `check_typst_math` in the tests):

* single letters are variables (`W`, `F`, `x`); multi-letter names are quoted (`"IoU"`, `"TP"`) unless they are
  known Typst names (Greek letters, `sqrt`, `floor`, `tilde`, `dot`, `times`, `tanh`, `exp`, `max` …);
* products use `dot` or `times`, never `*`; sub/superscripts use `_` and `^` with parentheses: `h_(t-1)`, `x^2`;
* matrices are `mat(1, 2; 3, 4)`; negative numbers inside a formula are parenthesized with `p()` below.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

# Typst names the formulas may use, and their plain-text rendering.
SYMBOLS: dict[str, str] = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η", "theta": "θ",
    "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "omega": "ω",
    "Sigma": "Σ", "Delta": "Δ", "Omega": "Ω", "Phi": "Φ", "nabla": "∇", "partial": "∂",
    "dot": "·", "times": "×", "approx": "≈", "infinity": "∞", "sum": "Σ", "product": "∏", "in": "∈",
    "arrow": "→", "quad": "  ", "dots": "…", "plus.minus": "±", "minus": "−", "div": "÷",
    "dot.o": "⊙", "plus.o": "⊕", "minus.o": "⊖", "bullet": "•", "circle.stroked.small": "∘", "dot.op": "·", "arrow.r": "→", "arrow.l": "←", "eq.not": "≠",
    "lt.eq": "≤", "gt.eq": "≥", "ast": "*", "star": "⋆", "emptyset": "∅", "union": "∪", "inter": "∩",
    "and": "∧", "or": "∨", "not": "¬", "forall": "∀", "exists": "∃", "wide": "    ",
}
# Functions that keep their name (operators in Typst math).
OPERATORS = {"exp", "ln", "log", "max", "min", "tanh", "sin", "cos", "tan", "sinh", "cosh", "arg", "det", "lim",
             "sup", "inf", "mod"}
# Functions that Typst lays out specially.
LAYOUT_FUNCS = {"sqrt", "floor", "ceil", "abs", "norm", "tilde", "hat", "bar", "vec", "mat", "frac", "bold",
                "upright", "italic", "cases", "op", "overline", "underline", "lr", "round", "root", "binom",
                "display", "inline", "cancel", "arrow"}

KNOWN_NAMES = set(SYMBOLS) | OPERATORS | LAYOUT_FUNCS

_SUB = str.maketrans("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP = str.maketrans("0123456789+-=()inT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿᵀ")
_SUB_OK = set("0123456789+-=()aehijklmnoprstuvx")
_SUP_OK = set("0123456789+-=()inT")


@lru_cache(maxsize=65536, typed=True)
def num(x: float, d: int | None = None) -> str:
    """A number for display: at most `d` decimals, trailing zeros dropped, `-0` shown as `0`. Without `d` (a
    computed value in the worked steps) 4 decimals, and a small value keeps 3 significant figures (0.0067213 →
    0.00672, not 0.0067), so a value carried into later work keeps the precision the final answer needs."""
    t = type(x)
    if t is int:
        return str(x)
    if t is bool:
        return str(x)
    if x.is_integer() and -1e15 < x < 1e15:
        return str(int(x))
    if d is None:
        d = 4
        if 1e-9 <= abs(x) < 0.01:
            d = 2 - math.floor(math.log10(abs(x)))
    s = "%.*f" % (d, x)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" or not s else s


def p(x: float, d: int | None = None) -> str:
    """A number for substitution into a formula: negative numbers get parentheses."""
    s = num(x, d)
    return f"({s})" if s.startswith("-") else s


def vec(values: list[float], d: int | None = None) -> str:
    """A column vector in Typst math (`vec(0.5, -0.2)`)."""
    return "vec(" + ", ".join([num(v, d) for v in values]) + ")"


def mat(rows: list[list[float]], d: int | None = None) -> str:
    """A matrix in Typst math (`mat(1, 2; 3, 4)`)."""
    return "mat(" + "; ".join([", ".join([num(v, d) for v in row]) for row in rows]) + ")"


def qt(text: str) -> str:
    """Quote a multi-letter name for Typst math: `qt("IoU")` → `"IoU"`."""
    return '"' + text.replace('"', "'") + '"'


def round_answer(x: float) -> float | int:
    """Canonical stored value of a real answer: rounded to 10 decimals so every machine stores the same key."""
    if isinstance(x, int):
        return x
    r = round(float(x), 10)
    return 0.0 if r == 0 else r


# ---------------------------------------------------------------- Typst math → Unicode
_IDENT = re.compile(r"[A-Za-z][A-Za-z]*(?:\.[A-Za-z]+)*")


def _match_paren(s: str, i: int) -> int:
    """Index of the parenthesis closing the one at s[i]."""
    depth = 0
    in_str = False
    for j in range(i, len(s)):
        c = s[j]
        if c == '"':
            in_str = not in_str
        elif in_str:
            continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(s) - 1


def _script(body: str, table: dict[int, int], ok: set[str], mark: str) -> str:
    plain = body.replace(" ", "").replace("−", "-")
    if mark == "_" and plain == "x":     # no subscript y exists: G_x beside G_y, not "Gₓ, G_y"
        return "_x"
    if plain and all(ch in ok for ch in plain):
        return plain.translate(table)
    if len(plain) == 1:
        return mark + plain
    return f"{mark}({body})"


_DIGRAPHS = {"<=": "≤", ">=": "≥", "!=": "≠", "<-": "←", "->": "→"}


def to_unicode(expr: str) -> str:
    """Plain-Unicode rendering of a Typst math string (for the terminal and Markdown)."""
    out: list[str] = []
    i = 0
    s = expr
    while i < len(s):
        c = s[i]
        if c == '"':
            j = s.find('"', i + 1)
            j = len(s) if j < 0 else j
            out.append(s[i + 1:j])
            i = j + 1
            continue
        if c == "\\":
            if i + 1 < len(s):
                out.append(s[i + 1])
            i += 2
            continue
        if c in "_^":
            table, ok, mark = (_SUB, _SUB_OK, "_") if c == "_" else (_SUP, _SUP_OK, "^")
            if i + 1 < len(s) and s[i + 1] == "(":
                j = _match_paren(s, i + 1)
                body = to_unicode(s[i + 2:j])
                out.append(_script(body, table, ok, mark))
                i = j + 1
            else:
                m = re.match(r'"[^"]*"|[A-Za-z]+|\d+(?:\.\d+)?|.', s[i + 1:])
                tok = m.group(0) if m else ""
                body = to_unicode(tok)
                out.append(_script(body, table, ok, mark))
                i += 1 + len(tok)
            continue
        m = _IDENT.match(s, i)
        if m:
            name = m.group(0)
            # Longest dotted name that is known (dot.o), else the first segment.
            while name not in KNOWN_NAMES and "." in name:
                name = name.rsplit(".", 1)[0]
            end = i + len(name)
            nxt = s[end] if end < len(s) else ""
            if name in LAYOUT_FUNCS and nxt == "(":
                j = _match_paren(s, end)
                inner = s[end + 1:j]
                out.append(_layout(name, inner))
                i = j + 1
                continue
            if name in SYMBOLS:
                out.append(SYMBOLS[name])
            else:
                out.append(name)
            i = end
            continue
        if s[i:i + 2] in _DIGRAPHS:
            out.append(_DIGRAPHS[s[i:i + 2]])
            i += 2
            continue
        if c == "-":
            out.append("−" if _binary_minus(out) else "-")
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _binary_minus(out: list[str]) -> bool:
    text = "".join(out).rstrip()
    return bool(text) and (text[-1].isalnum() or text[-1] in ")]|⌋⌉²³¹⁰ᵀ'′")


def _split_top(inner: str, sep: str) -> list[str]:
    parts, depth, cur, in_str = [], 0, [], False
    for c in inner:
        if c == '"':
            in_str = not in_str
        if not in_str:
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            elif c == sep and depth == 0:
                parts.append("".join(cur))
                cur = []
                continue
        cur.append(c)
    parts.append("".join(cur))
    return parts


def _layout(name: str, inner: str) -> str:
    body = to_unicode(inner).strip()
    simple = bool(re.fullmatch(r"[\w.·²³]+", body))
    if name == "sqrt":
        return f"√{body}" if simple else f"√({body})"
    if name == "floor":
        return f"⌊{body}⌋"
    if name == "ceil":
        return f"⌈{body}⌉"
    if name in ("abs",):
        return f"|{body}|"
    if name == "norm":
        return f"‖{body}‖"
    if name == "tilde":
        return body + "\u0303" if len(body) == 1 else f"~{body}"
    if name == "hat":
        return body + "\u0302" if len(body) == 1 else f"^{body}"
    if name in ("bar", "overline"):
        return body + "\u0304" if len(body) == 1 else f"‾{body}"
    if name == "frac":
        a, b = (_split_top(inner, ",") + [""])[:2]
        return f"({to_unicode(a).strip()})/({to_unicode(b).strip()})"
    if name == "vec":
        return "[" + ", ".join(to_unicode(x).strip() for x in _split_top(inner, ",")) + "]ᵀ"
    if name == "mat":
        rows = [", ".join(to_unicode(x).strip() for x in _split_top(r, ",")) for r in _split_top(inner, ";")]
        return "[" + "; ".join(rows) + "]"
    if name == "cases":
        return "{ " + "; ".join(to_unicode(x).strip() for x in _split_top(inner, ",")) + " }"
    if name == "op":
        return body
    if name in ("bold", "upright", "italic", "display", "inline", "underline", "lr", "cancel"):
        return body
    if name == "root":
        a, b = (_split_top(inner, ",") + [""])[:2]
        return f"{to_unicode(a).strip()}√({to_unicode(b).strip()})"
    if name == "binom":
        a, b = (_split_top(inner, ",") + [""])[:2]
        return f"C({to_unicode(a).strip()}, {to_unicode(b).strip()})"
    if name == "round":
        return f"round({body})"
    return f"{name}({body})"


def unicode_text(text: str) -> str:
    """A prompt or title with `$…$` inline math rendered as Unicode."""
    return "".join(to_unicode(seg) if k == "math" else seg for k, seg in split_math(text))


def split_math(text: str) -> list[tuple[str, str]]:
    """Split `text $math$ text` into ("text", …) and ("math", …) segments; `\\$` is a literal dollar."""
    if "\\$" not in text:  # the fast, common case
        return [("math" if i % 2 else "text", seg) for i, seg in enumerate(text.split("$")) if seg]
    segs: list[tuple[str, str]] = []
    buf: list[str] = []
    in_math = False
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] == "$":
            buf.append("$")
            i += 2
            continue
        if c == "$":
            if buf:
                segs.append(("math" if in_math else "text", "".join(buf)))
            buf = []
            in_math = not in_math
            i += 1
            continue
        buf.append(c)
        i += 1
    if buf:
        segs.append(("math" if in_math else "text", "".join(buf)))
    return segs


def check_typst_math(expr: str) -> list[str]:
    """Problems Typst would have with a formula: unquoted multi-letter names it does not know, unbalanced
    parentheses or quotes, `*` used for products. Returns a list of messages (empty when fine)."""
    problems: list[str] = []
    if expr.count('"') % 2:
        problems.append(f"unbalanced quotes in {expr!r}")
    stripped = re.sub(r'"[^"]*"', '""', expr)
    depth = 0
    for ch in stripped:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            break
    if depth != 0:
        problems.append(f"unbalanced parentheses in {expr!r}")
    if "*" in stripped.replace("^*", ""):
        problems.append(f"use dot or times, not * in {expr!r}")
    if "$" in stripped:
        problems.append(f"stray $ in {expr!r}")
    for m in re.finditer(r"(?<![A-Za-z0-9.])[A-Za-z][A-Za-z0-9]+(?:\.[A-Za-z]+)*", stripped):
        name = m.group(0)
        base = name
        while base not in KNOWN_NAMES and "." in base:
            base = base.rsplit(".", 1)[0]
        if base not in KNOWN_NAMES:
            problems.append(f"unquoted name {name!r} in {expr!r}")
    if re.search(r"[\u4e00-\u9fff]", stripped):
        problems.append(f"unquoted Chinese in {expr!r}")
    return problems


def isclose(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
