"""Formula notation written as plain text (`h_{t−1}`, `C̃_t`, `n_in`, `(1 − p_t)^γ`, `18C^2`) → Typst math.

Bank texts, part labels and step titles sometimes spell a subscript with `_` outside `$…$`. Printed literally,
a paper would show `[h_{t−1}, x_t]`. `text_segments` finds such atoms in a text run and turns each into a math
segment, so every writer typesets it through its own math path (Typst in the PDF, MathML in HTML, Unicode
sub/superscripts in Markdown)."""

from __future__ import annotations

import re
from typing import Any

_SUPERS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_LETTER = r"A-Za-z\u0370-\u03ff"
_BASE = rf"∂?[{_LETTER}0-9]+[\u0302\u0303\u0304]?|\([^()_^]*(?:_[^()\s]+[^()_^]*)*\)"
_SCRIPT = rf"[_^](?:\{{[^{{}}]*\}}|\([^()]*\)|[{_LETTER}0-9′']+|[−-]?[0-9]+)"
ATOM = re.compile(rf"(?<![_{_LETTER}0-9])(?:{_BASE})(?:{_SCRIPT})+[{_SUPERS}]*")
_ACCENTS = {"\u0303": "tilde", "\u0302": "hat", "\u0304": "bar"}
_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
          "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}


def _word(w: str) -> str:
    """One name: a single letter stays a variable; several letters are quoted unless they name a Greek letter
    (`in` is Typst's ∈, so a subscript `in` must be quoted)."""
    m = re.fullmatch(r"([0-9]*)(.*)", w)
    assert m is not None
    digits, name = m.groups()
    if re.fullmatch(r"[^\W\d_]+\d+", name):  # `β1`, `W2`: one name for Typst, not an unknown variable
        return digits + '"' + name + '"'
    if not name or len(name) == 1 or name.lower() in _GREEK or not name.isalpha():
        return w
    return digits + '"' + name + '"'


def _base(b: str) -> str:
    if b.startswith("("):
        return "(" + atoms_to_math(b[1:-1]) + ")"
    lead = "∂ " if b.startswith("∂") else ""
    core = b[1:] if lead else b
    if core and core[-1] in _ACCENTS:
        return lead + f"{_ACCENTS[core[-1]]}({_word(core[:-1])})"
    return lead + _word(core)


def _script_body(s: str) -> str:
    if s[0] in "{(":
        inner = s[1:-1]
        return "(" + " ".join(_word(w) if re.fullmatch(rf"[{_LETTER}0-9]+", w) else w
                              for w in re.split(r"(\s+|[−+\-,])", inner) if w) + ")"
    return _word(s) if len(s) > 1 else s


def atom_to_math(atom: str) -> str:
    """`h_{t−1}` → `h_(t−1)`, `C̃_t` → `tilde(C)_t`, `n_in` → `n_"in"`, `β^t²`→ …"""
    m = re.match(rf"{_BASE}", atom)
    assert m is not None
    out = _base(m.group(0))
    rest = atom[m.end():]
    for sm in re.finditer(rf"({_SCRIPT})|([{_SUPERS}]+)", rest):
        if sm.group(1):
            out += sm.group(1)[0] + _script_body(sm.group(1)[1:])
        else:
            out += "^(" + "".join(str(_SUPERS.index(c)) for c in sm.group(2)) + ")"
    return out


def atoms_to_math(text: str) -> str:
    """A whole string in which atoms become math and the rest is kept (used inside a parenthesized base)."""
    return ATOM.sub(lambda m: atom_to_math(m.group(0)), text)


def text_segments(text: str) -> list[dict[str, Any]]:
    """A plain text run as text and math segments (math only where the text spells a script)."""
    if "_" not in text and "^" not in text:
        return [{"kind": "text", "value": text}] if text else []
    from examgen.export.segments import safe_math

    out: list[dict[str, Any]] = []
    pos = 0
    for m in ATOM.finditer(text):
        fixed = safe_math(atom_to_math(m.group(0)))
        if fixed is None:
            continue
        if m.start() > pos:
            out.append({"kind": "text", "value": text[pos:m.start()]})
        out.append({"kind": "math", "value": fixed})
        pos = m.end()
    if pos < len(text):
        out.append({"kind": "text", "value": text[pos:]})
    return out
