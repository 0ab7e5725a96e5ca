"""Typst math strings → LaTeX for MathJax (Anki renders `\\(…\\)` with its bundled MathJax).

The formulas are parsed by the same small parser as the HTML export's MathML (`examgen.export.mathml`), so both
read a formula alike; only the output differs. `to_latex("(W - F + 2P)/S + 1")` gives `\\frac{W - F + 2 P}{S} + 1`.
Anything unknown is printed as upright text, never dropped. The output never contains `{{` or `}}`, which Anki
would read as template or cloze markup."""

from __future__ import annotations

from examgen.export.mathml import _EXTRA_SYMBOLS, _Node, parse
from examgen.mathfmt import OPERATORS, SYMBOLS

__all__ = ["to_latex"]

_COMMANDS = {
    "alpha": r"\alpha", "beta": r"\beta", "gamma": r"\gamma", "delta": r"\delta", "epsilon": r"\varepsilon",
    "eta": r"\eta", "theta": r"\theta", "lambda": r"\lambda", "mu": r"\mu", "pi": r"\pi", "rho": r"\rho",
    "sigma": r"\sigma", "tau": r"\tau", "phi": r"\varphi", "omega": r"\omega", "xi": r"\xi", "nu": r"\nu",
    "kappa": r"\kappa", "chi": r"\chi", "psi": r"\psi", "zeta": r"\zeta", "iota": r"\iota",
    "upsilon": r"\upsilon", "Sigma": r"\Sigma", "Delta": r"\Delta", "Omega": r"\Omega", "Phi": r"\Phi",
    "Gamma": r"\Gamma", "Lambda": r"\Lambda", "Theta": r"\Theta", "Pi": r"\Pi", "Psi": r"\Psi", "Xi": r"\Xi",
    "nabla": r"\nabla", "partial": r"\partial", "dot": r"\cdot", "dot.op": r"\cdot", "dot.c": r"\cdot",
    "times": r"\times", "approx": r"\approx", "infinity": r"\infty", "sum": r"\sum", "product": r"\prod",
    "prod": r"\prod", "in": r"\in", "arrow": r"\to", "arrow.r": r"\to", "arrow.l": r"\leftarrow",
    "arrow.r.double": r"\Rightarrow", "arrow.l.r": r"\leftrightarrow", "dots": r"\ldots",
    "plus.minus": r"\pm", "minus": "-", "div": r"\div", "dot.o": r"\odot", "plus.o": r"\oplus",
    "minus.o": r"\ominus", "bullet": r"\bullet", "circle.stroked.small": r"\circ", "eq.not": r"\neq",
    "lt.eq": r"\le", "gt.eq": r"\ge", "ast": r"\ast", "star": r"\star", "emptyset": r"\emptyset",
    "union": r"\cup", "inter": r"\cap", "and": r"\wedge", "or": r"\vee", "not": r"\neg", "forall": r"\forall",
    "exists": r"\exists", "quad": r"\quad", "qquad": r"\qquad", "wide": r"\qquad", "equiv": r"\equiv",
    "prop": r"\propto", "tilde.eq": r"\simeq", "colon": ":", "prime": "'", "ell": r"\ell", "dif": r"\mathrm{d}",
}
_CHARS = {"−": "-", "≤": r"\le", "≥": r"\ge", "≠": r"\neq", "→": r"\to", "⇒": r"\Rightarrow", "≡": r"\equiv",
          "≔": ":=", "←": r"\leftarrow", "…": r"\ldots", "*": r"\ast", "{": r"\{", "}": r"\}", "#": r"\#",
          "%": r"\%", "&": r"\&", "$": r"\$", "~": r"\sim", "^": r"\hat{}", "_": r"\_", "\\": r"\backslash"}
_FENCES = {"floor": (r"\lfloor ", r" \rfloor"), "ceil": (r"\lceil ", r" \rceil"), "abs": (r"\left| ", r" \right|"),
           "norm": (r"\left\| ", r" \right\|"), "round": (r"\lfloor ", r" \rceil")}
_ACCENTS = {"tilde": r"\tilde", "hat": r"\hat", "bar": r"\bar", "overline": r"\overline", "arrow": r"\vec",
            "underline": r"\underline"}


def _text(s: str) -> str:
    out = s
    for ch, rep in (("\\", r"\textbackslash "), ("{", r"\{"), ("}", r"\}"), ("#", r"\#"), ("%", r"\%"),
                    ("&", r"\&"), ("$", r"\$"), ("_", r"\_"), ("^", r"\^{}"), ("~", r"\~{}")):
        out = out.replace(ch, rep)
    return r"\text{" + out + "}"


def _arg(node: _Node | None) -> str:
    return "{" + (_render(node) if node is not None else "") + "}"


def _render(node: _Node) -> str:
    k = node.kind
    if k == "seq":
        return " ".join(p for p in (_render(c) for c in node.children) if p)
    if k == "num":
        return node.value.replace("−", "-")
    if k == "text":
        return _text(node.value)
    if k == "op":
        return _CHARS.get(node.value, node.value)
    if k == "ident":
        return _ident(node.value)
    if k == "group":
        open_ = r"\{" if node.open == "{" else node.open
        close = r"\}" if node.close == "}" else node.close
        return open_ + _render(node.children[0]) + close
    if k == "script":
        out = "{" + _render(node.children[0]) + "}"
        if node.sub is not None:
            out += "_" + _arg(node.sub)
        if node.sup is not None:
            out += "^" + _arg(node.sup)
        return out
    if k == "frac":
        return r"\frac" + _arg(node.children[0]) + _arg(node.children[1])
    if k == "func":
        return _func(node)
    return _text(node.value)


def _ident(name: str) -> str:
    if name in _COMMANDS:
        return _COMMANDS[name]
    if name in OPERATORS:
        return r"\operatorname{" + name + "}"
    if len(name) == 1:
        return name
    ch = SYMBOLS.get(name) or _EXTRA_SYMBOLS.get(name)
    if ch:
        return _CHARS.get(ch, ch)
    return r"\mathrm{" + name + "}"


def _matrix(rows: list[list[str]]) -> str:
    return r"\begin{pmatrix} " + r" \\ ".join(" & ".join(r) for r in rows) + r" \end{pmatrix}"


def _func(node: _Node) -> str:
    name = node.value
    args = [c for row in node.rows for c in row]
    first = _arg(args[0] if args else None)
    if name == "sqrt":
        return r"\sqrt" + first
    if name == "root" and len(args) >= 2:
        return r"\sqrt[" + _render(args[0]) + "]" + _arg(args[1])
    if name == "frac" and len(args) >= 2:
        return r"\frac" + first + _arg(args[1])
    if name == "binom" and len(args) >= 2:
        return r"\binom" + first + _arg(args[1])
    if name in _FENCES:
        lo, hi = _FENCES[name]
        return lo + _render(args[0]) + hi if args else lo + hi
    if name in _ACCENTS:
        wide = {"tilde": r"\widetilde", "hat": r"\widehat"}
        cmd = wide.get(name, _ACCENTS[name]) if args and len(_render(args[0])) > 1 else _ACCENTS[name]
        return cmd + first
    if name == "vec":
        return _matrix([[_render(a)] for a in args])
    if name == "mat":
        return _matrix([[_render(c) for c in row] for row in node.rows])
    if name == "cases":
        return r"\begin{cases} " + r" \\ ".join(_render(a) for a in args) + r" \end{cases}"
    if name == "bold":
        return ", ".join(r"\boldsymbol" + _arg(a) for a in args)
    if name == "upright" and args:
        return r"\mathrm" + first
    if name in ("italic", "display", "inline", "lr", "cancel", "op"):
        return " ".join(_render(a) for a in args)
    return r"\mathrm{" + name + "}(" + ", ".join(_render(a) for a in args) + ")"


def _no_double_braces(s: str) -> str:
    while "{{" in s or "}}" in s:
        s = s.replace("{{", "{ {").replace("}}", "} }")
    return s


def to_latex(expr: str) -> str:
    """LaTeX (MathJax) for a Typst math string, without the `\\(…\\)` delimiters."""
    return _no_double_braces(" ".join(_render(n) for n in parse(expr)).strip())
