"""Typst math strings → MathML, for the HTML export (no CDN, no JavaScript: browsers render MathML Core).

Formulas are written once in Typst math syntax (see `examgen.mathfmt`). This is a small parser for the subset the
problems use: single-letter variables, quoted names (`"IoU"`), numbers, Greek letters and symbols, `_` / `^`
scripts, `a/b` fractions (a parenthesized numerator or denominator loses its parentheses, as in Typst), and the
layout functions `sqrt`, `root`, `frac`, `floor`, `ceil`, `abs`, `norm`, `tilde`, `hat`, `bar`, `overline`,
`vec`, `mat`, `cases`, `binom`, `bold`, `upright`, `op`, `lr` … Anything it does not know is printed as it is,
never dropped. `to_mathml("(W - F + 2P)/S + 1")` gives a `<math>` element.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from examgen.mathfmt import KNOWN_NAMES, LAYOUT_FUNCS, OPERATORS, SYMBOLS

__all__ = ["to_mathml"]

# Symbols that are operators (<mo>) rather than identifiers (<mi>).
_MO_NAMES = {
    "dot", "times", "approx", "infinity", "sum", "prod", "in", "arrow", "dots", "plus.minus", "minus", "div",
    "dot.o", "dot.op", "arrow.r", "arrow.l", "eq.not", "lt.eq", "gt.eq", "ast", "star", "union", "inter", "and",
    "or", "not", "forall", "exists", "nabla", "partial",
}
_EXTRA_SYMBOLS = {"arrow.r.double": "⇒", "arrow.l.r": "↔", "equiv": "≡", "prop": "∝", "tilde.eq": "≃",
                  "dot.c": "·", "colon": ":", "prime": "′", "ell": "ℓ", "xi": "ξ", "nu": "ν", "kappa": "κ",
                  "chi": "χ", "psi": "ψ", "zeta": "ζ", "iota": "ι", "upsilon": "υ", "Gamma": "Γ",
                  "Lambda": "Λ", "Theta": "Θ", "Pi": "Π", "Psi": "Ψ", "Xi": "Ξ", "dif": "d"}
_OPS2 = {"<=": "≤", ">=": "≥", "!=": "≠", "->": "→", "=>": "⇒", "==": "≡", ":=": "≔", "<-": "←", "...": "…"}
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = set(_OPEN.values())
_ACCENTS = {"tilde": "˜", "hat": "ˆ", "bar": "¯", "overline": "¯", "arrow": "→"}
_FENCES = {"floor": ("⌊", "⌋"), "ceil": ("⌈", "⌉"), "abs": ("|", "|"), "norm": ("‖", "‖"), "round": ("⌊", "⌉")}


@dataclass
class _Tok:
    kind: str  # num, text, ident, op, open, close, script, slash, sep
    value: str
    space: bool = False  # white space before the token


_TOKEN = re.compile(
    r'(?P<ws>\s+)|(?P<text>"(?:[^"\\]|\\.)*"?)|(?P<esc>\\.)|(?P<num>\d+(?:\.\d+)?)'
    r"|(?P<ident>[A-Za-z]+(?:\.[A-Za-z]+)*)|(?P<op2>\.\.\.|<=|>=|!=|->|=>|==|:=|<-)|(?P<ch>.)",
    re.S,
)


def _tokens(s: str) -> list[_Tok]:
    out: list[_Tok] = []
    space = False
    for m in _TOKEN.finditer(s):
        k = m.lastgroup
        v = m.group(0)
        if k == "ws":
            space = True
            continue
        if k == "text":
            out.append(_Tok("text", v[1:-1] if v.endswith('"') and len(v) > 1 else v[1:], space))
        elif k == "esc":
            out.append(_Tok("op", v[1], space))
        elif k == "num":
            out.append(_Tok("num", v, space))
        elif k == "ident":
            out.extend(_split_ident(v, space))
        elif k == "op2":
            out.append(_Tok("op", _OPS2[v], space))
        else:
            if v in _OPEN:
                out.append(_Tok("open", v, space))
            elif v in _CLOSE:
                out.append(_Tok("close", v, space))
            elif v in "_^":
                out.append(_Tok("script", v, space))
            elif v == "/":
                out.append(_Tok("slash", v, space))
            elif v in ",;":
                out.append(_Tok("sep", v, space))
            elif v == "&":
                pass  # alignment point: no output
            else:
                out.append(_Tok("op", v, space))
        space = False
    return out


def _known(name: str) -> bool:
    return name in KNOWN_NAMES or name in _EXTRA_SYMBOLS


def _split_ident(v: str, space: bool) -> list[_Tok]:
    """A dotted name (`dot.o`) if known; else the longest known prefix; unknown words letter by letter."""
    name = v
    while not _known(name) and "." in name:
        name = name.rsplit(".", 1)[0]
    rest = v[len(name):]
    if _known(name) or len(name) == 1:
        toks = [_Tok("ident", name, space)]
    else:
        toks = [_Tok("ident", c, space and i == 0) for i, c in enumerate(name)]
    if rest:  # ".x" after a known name: a full stop and more
        toks.append(_Tok("op", ".", False))
        if rest[1:]:
            toks.extend(_split_ident(rest[1:], False))
    return toks


# ---------------------------------------------------------------- tree
@dataclass
class _Node:
    kind: str  # seq, num, text, ident, op, group, script, frac, func
    value: str = ""
    children: list["_Node"] = field(default_factory=list)
    open: str = ""
    close: str = ""
    sub: "_Node | None" = None
    sup: "_Node | None" = None
    rows: list[list["_Node"]] = field(default_factory=list)


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def seq(self, stop_sep: bool = False) -> _Node:
        items: list[_Node] = []
        while True:
            t = self.peek()
            if t is None or t.kind == "close" or (stop_sep and t.kind == "sep"):
                break
            if t.kind == "slash":  # a fraction with no numerator
                self.take()
                num = items.pop() if items else _Node("seq")
                items.append(_Node("frac", children=[_strip(num), _strip(self.scripted())]))
                continue
            if t.kind == "op" and t.value == "-" and (not items or items[-1].kind == "op") \
                    and self.i + 1 < len(self.toks) and self.toks[self.i + 1].kind == "num":
                self.take()  # a negative number: one <mn>, no binary-operator spacing
                self.toks[self.i] = _Tok("num", "−" + self.toks[self.i].value, t.space)
            node = self.scripted()
            while self.peek() is not None and self.peek().kind == "slash":
                self.take()
                node = _Node("frac", children=[_strip(node), _strip(self.scripted())])
            items.append(node)
        return _Node("seq", children=items)

    def scripted(self) -> _Node:
        base = self.atom()
        while self.peek() is not None and self.peek().kind == "script":
            which = self.take().value
            arg = _strip(self.atom()) if self.peek() is not None else _Node("seq")
            if base.kind == "script" and ((which == "_" and base.sub is None) or (which == "^" and base.sup is None)):
                if which == "_":
                    base.sub = arg
                else:
                    base.sup = arg
            else:
                base = _Node("script", children=[base], sub=arg if which == "_" else None,
                             sup=arg if which == "^" else None)
        return base

    def atom(self) -> _Node:
        t = self.peek()
        if t is None:
            return _Node("seq")
        self.take()
        if t.kind == "open":
            inner = self.group_body()
            close = ""
            if self.peek() is not None and self.peek().kind == "close":
                close = self.take().value
            return _Node("group", children=[inner], open=t.value, close=close)
        if t.kind == "ident":
            nxt = self.peek()
            if t.value in LAYOUT_FUNCS and nxt is not None and nxt.kind == "open" and nxt.value == "(" \
                    and not nxt.space:
                self.take()
                rows = self.args()
                return _Node("func", value=t.value, rows=rows)
            return _Node("ident", value=t.value)
        if t.kind in ("num", "text", "op"):
            return _Node(t.kind, value=t.value)
        if t.kind == "sep":
            return _Node("op", value=t.value)
        if t.kind == "close":
            return _Node("op", value=t.value)
        if t.kind == "script":
            return _Node("op", value=t.value)
        return _Node("op", value=t.value)

    def group_body(self) -> _Node:
        """Contents of a parenthesized group: separators are plain operators here."""
        items: list[_Node] = []
        while True:
            t = self.peek()
            if t is None or t.kind == "close":
                break
            if t.kind == "sep":
                self.take()
                items.append(_Node("op", value=t.value))
                continue
            part = self.seq(stop_sep=True)
            items.extend(part.children)
        return _Node("seq", children=items)

    def args(self) -> list[list[_Node]]:
        """Arguments of a function call up to the closing parenthesis: rows split by `;`, cells by `,`."""
        rows: list[list[_Node]] = [[]]
        while True:
            cell = self.seq(stop_sep=True)
            rows[-1].append(cell)
            t = self.peek()
            if t is None:
                break
            if t.kind == "close":
                self.take()
                break
            self.take()
            if t.value == ";":
                rows.append([])
        return rows


def _strip(node: _Node) -> _Node:
    """`(a + b)` used as a fraction part or script loses its parentheses."""
    if node.kind == "group" and node.open == "(" and node.close == ")":
        return node.children[0]
    return node


# ---------------------------------------------------------------- MathML
def _e(s: str) -> str:
    return html.escape(s, quote=False)


def _mrow(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "<mrow>" + "".join(parts) + "</mrow>"


def _render(node: _Node, bold: bool = False) -> str:
    k = node.kind
    if k == "seq":
        parts = [_render(c, bold) for c in node.children]
        return _mrow(parts) if parts else "<mrow></mrow>"
    if k == "num":
        return f'<mn{_bold_attr(bold)}>{_e(node.value)}</mn>'
    if k == "text":
        return f'<mtext{_bold_attr(bold)}>{_e(node.value)}</mtext>'
    if k == "op":
        v = "−" if node.value == "-" else ("∗" if node.value == "*" else node.value)
        if v in ("|", "‖"):  # absolute-value bars hug their contents
            return f'<mo fence="true" lspace="0" rspace="0">{_e(v)}</mo>'
        return f"<mo>{_e(v)}</mo>"
    if k == "ident":
        return _ident(node.value, bold)
    if k == "group":
        inner = _render(node.children[0], bold)
        return ("<mrow>" + (f"<mo>{_e(node.open)}</mo>" if node.open else "") + inner
                + (f"<mo>{_e(node.close)}</mo>" if node.close else "") + "</mrow>")
    if k == "script":
        base = _render(node.children[0], bold)
        sub = _render(node.sub, bold) if node.sub is not None else None
        sup = _render(node.sup, bold) if node.sup is not None else None
        big = node.children[0].kind == "ident" and node.children[0].value in ("sum", "prod")
        if sub is not None and sup is not None:
            tag = "munderover" if big else "msubsup"
            return f"<{tag}>{base}{sub}{sup}</{tag}>"
        if sub is not None:
            tag = "munder" if big else "msub"
            return f"<{tag}>{base}{sub}</{tag}>"
        return f"<msup>{base}{sup}</msup>"
    if k == "frac":
        return f"<mfrac>{_render(node.children[0], bold)}{_render(node.children[1], bold)}</mfrac>"
    if k == "func":
        return _func(node, bold)
    return f"<mtext>{_e(node.value)}</mtext>"


def _bold_attr(bold: bool) -> str:
    return ' style="font-weight:bold"' if bold else ""


def _ident(name: str, bold: bool) -> str:
    b = _bold_attr(bold)
    if name in ("quad", "qquad"):
        return f'<mspace width="{"1em" if name == "quad" else "2em"}"/>'
    if name in SYMBOLS or name in _EXTRA_SYMBOLS:
        ch = SYMBOLS.get(name) or _EXTRA_SYMBOLS[name]
        if name in _MO_NAMES or name in ("arrow.r.double", "arrow.l.r", "equiv", "prop", "tilde.eq", "colon"):
            return f"<mo>{_e(ch)}</mo>"
        return f"<mi{b}>{_e(ch)}</mi>"
    if name in OPERATORS:
        return f"<mi{b}>{_e(name)}</mi>"
    if len(name) == 1:
        return f"<mi{b}>{_e(name)}</mi>"
    return f'<mi mathvariant="normal"{b}>{_e(name)}</mi>'


def _cells(node: _Node, bold: bool) -> list[list[str]]:
    return [[_render(c, bold) for c in row] for row in node.rows]


def _table(rows: list[list[str]], align: str = "center") -> str:
    style = "" if align == "center" else ' columnalign="left"'
    body = "".join("<mtr>" + "".join(f"<mtd>{c}</mtd>" for c in row) + "</mtr>" for row in rows)
    return f"<mtable{style}>{body}</mtable>"


def _func(node: _Node, bold: bool) -> str:
    name = node.value
    args = [c for row in node.rows for c in row]
    first = _render(args[0], bold) if args else "<mrow></mrow>"
    if name == "sqrt":
        return f"<msqrt>{first}</msqrt>"
    if name == "root" and len(args) >= 2:
        return f"<mroot>{_render(args[1], bold)}{first}</mroot>"
    if name == "frac" and len(args) >= 2:
        return f"<mfrac>{first}{_render(args[1], bold)}</mfrac>"
    if name == "binom" and len(args) >= 2:
        return (f'<mrow><mo>(</mo><mfrac linethickness="0">{first}{_render(args[1], bold)}</mfrac>'
                f"<mo>)</mo></mrow>")
    if name in _FENCES:
        lo, hi = _FENCES[name]
        return f"<mrow><mo>{lo}</mo>{first}<mo>{hi}</mo></mrow>"
    if name in _ACCENTS:
        return f'<mover accent="true">{first}<mo>{_ACCENTS[name]}</mo></mover>'
    if name == "underline":
        return f'<munder accentunder="true">{first}<mo>_</mo></munder>'
    if name == "vec":
        return f"<mrow><mo>(</mo>{_table([[_render(a, bold)] for a in args])}<mo>)</mo></mrow>"
    if name == "mat":
        return f"<mrow><mo>(</mo>{_table(_cells(node, bold))}<mo>)</mo></mrow>"
    if name == "cases":
        return f"<mrow><mo>{{</mo>{_table([[_render(a, bold)] for a in args], 'left')}</mrow>"
    if name == "bold":
        return "<mo>,</mo>".join(_render(a, True) for a in args)
    if name == "upright" and args:
        return _render(args[0], bold).replace("<mi>", '<mi mathvariant="normal">')
    if name in ("italic", "display", "inline", "lr", "cancel", "op"):
        return _mrow([_render(a, bold) for a in args]) if args else ""
    # any other layout function: its name and its arguments in parentheses
    inner = "<mo>,</mo>".join(_render(a, bold) for a in args)
    return f'<mrow><mi mathvariant="normal">{_e(name)}</mi><mo>(</mo>{inner}<mo>)</mo></mrow>'


def parse(expr: str) -> list[_Node]:
    """The nodes of a Typst math string (an unmatched closing bracket kept as an operator, so it still prints)."""
    p = _Parser(_tokens(expr))
    nodes = []
    while p.peek() is not None:
        nodes.append(p.seq())
        if p.peek() is not None:
            nodes.append(_Node("op", value=p.take().value))
    return nodes


def to_mathml(expr: str, display: bool = False, bold: bool = False) -> str:
    """A `<math>` element for a Typst math string (inline unless `display`; all bold with `bold`)."""
    body = "".join(_render(n, bold) for n in parse(expr))
    attr = ' display="block"' if display else ""
    return f"<math{attr}>{body}</math>"
