"""What Moodle XML, GIFT, QTI and Anki share: one question per distinct problem (bank id or kind + seed), its
category (course / examgen / chapter / kind), its name, its numeric answers with the grader's tolerance, and the
short-answer alternatives written so that Moodle's matching accepts exactly what examgen's grader accepts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from examgen.export.document import (
    WORDS, Block, DocItem, Segment, answer_text, make_item, numeric_entries, segments,
)
from examgen.export.html import BlockHtml, esc
from examgen.grading import tolerance
from examgen.mathfmt import num
from examgen.model import ChoiceSpec, MatrixSpec, NumberSpec, Part, Problem, VectorSpec


@dataclass
class Entry:
    """One number a student types: its value and the tolerance the grader allows (0 for whole numbers)."""

    suffix: str
    value: float
    tol: float

    @property
    def value_text(self) -> str:
        return num(self.value, 10)

    @property
    def tol_text(self) -> str:
        """The grader's tolerance, not rounded down (`0.005000000005`, not `0.005`): Moodle's interval is then
        never narrower than the grader's."""
        return "0" if self.tol == 0 else f"{self.tol:.12g}"


def entries(part: Part) -> list[Entry] | None:
    raw = numeric_entries(part)
    if raw is None:
        return None
    out = []
    for suffix, value, integer, decimals in raw:
        tol = 0.0 if integer else tolerance(value, decimals, integer)
        out.append(Entry(suffix, value, float(f"{tol:.12g}")))
    return out


def literal(text: str) -> str:
    """A short-answer pattern that matches `text` literally: Moodle treats `*` as a wildcard
    (`qtype_shortanswer_question::compare_string_with_wildcard`) and `\\*` as a star."""
    return text.replace("*", "\\*")


def alternatives(alts: list[str] | tuple[str, ...]) -> list[str]:
    """Accepted spellings of a short answer as Moodle needs them: each alternative trimmed, plus its NFKC form
    and its form without white space (examgen's grader compares NFKC text without white space, Moodle the
    trimmed text, case-insensitively); duplicates (ignoring case) dropped, order kept."""
    out: list[str] = []
    seen: set[str] = set()
    for alt in alts:
        a = alt.strip()
        nfkc = unicodedata.normalize("NFKC", a)
        for form in (a, nfkc, "".join(nfkc.split())):
            key = form.casefold()
            if form and key not in seen:
                seen.add(key)
                out.append(form)
    return out


def distinct(problems: list[Problem]) -> list[Problem]:
    """Each problem once (a bank item drawn by two variants is one question), in first-seen order."""
    seen: set[str] = set()
    out = []
    for p in problems:
        if p.ref not in seen:
            seen.add(p.ref)
            out.append(p)
    return out


def items(problems: list[Problem], lang: str) -> list[DocItem]:
    """Question items (no answer space, no choice bracket), numbered in order."""
    return [make_item(p, i, lang, paper=False) for i, p in enumerate(distinct(problems), 1)]


def category(it: DocItem) -> str:
    return f"examgen/{it.chapter}/{it.kind}"


def name(it: DocItem) -> str:
    if it.problem.item_id:
        return it.problem.item_id
    return f"{it.kind} seed {it.seed}"


def is_numerical(it: DocItem) -> bool:
    """A single number: a Moodle numerical question (others with several numbers become cloze questions)."""
    parts = it.problem.parts
    if len(parts) != 1:
        return False
    e = entries(parts[0])
    return e is not None and len(e) == 1


def weights(points: list[float], counts: list[int], total: float) -> list[int]:
    """Whole-number weights of a cloze question's fields (Moodle takes only whole numbers and makes their sum the
    question's mark, ignoring `defaultgrade`); field i is one of `counts[i]` entries sharing `points[i]`.

    * The paper's points `total` whenever every field's share of them is at least one point: the exact shares
      when they are whole, else rounded by largest remainder (Hamilton), so each weight is within one point of
      the grader's share and the mark is the paper's.
    * A field worth less than a point (more fields than points, e.g. a 7×7 matrix for 6 points): no whole
      weights add up to the points without distorting the grader's proportions, so the weights are the
      smallest whole numbers in the grader's exact proportion; the mark is then a multiple of the points, and
      Moodle's quiz scales it to the slot's maximum mark (set it to the paper's points)."""
    from fractions import Fraction
    from math import floor, gcd, lcm

    shares = [Fraction(str(round(float(p), 4))) / c for p, c in zip(points, counts) for _ in range(c)]
    n = len(shares)
    whole = Fraction(str(round(float(total), 4)))
    if n == 0:
        return []
    scale = whole / (sum(shares) or 1)
    exact = [s * scale for s in shares]
    if whole.denominator == 1 and all(e >= 1 for e in exact):
        ws = [floor(e) for e in exact]
        for i in sorted(range(n), key=lambda j: (-(exact[j] - ws[j]), j))[:int(whole) - sum(ws)]:
            ws[i] += 1
        return ws
    m = lcm(*(s.denominator for s in shares))
    ints = [int(s * m) for s in shares]
    g = gcd(*ints) or 1
    return [max(1, i // g) for i in ints]


_SUBSCRIPT = re.compile(r'(?<=[^\s_])_(\([^()]*\)|\{[^{}]*\}|"[^"]*"|[0-9A-Za-z\u0370-\u03ff]+)')


def label_html(text: str) -> str:
    """A part label as HTML: subscripts written `z_t`, `h_(t−1)`, `n_"in"` in the kinds' labels become
    `<sub>`, so no raw `_` or braces reach a student; everything else is escaped."""
    out, last = [], 0
    for m in _SUBSCRIPT.finditer(text):
        body = m.group(1)
        if body[0] in '({"':
            body = body[1:-1]
        out.append(esc(text[last:m.start()]) + f"<sub>{esc(body)}</sub>")
        last = m.end()
    return "".join(out) + esc(text[last:])


_SUPERSCRIPT = re.compile(r"\^\{([^{}]*)\}")
_TEXT_NODE = re.compile(r">([^<>]+)<")


def scripts_html(escaped: str) -> str:
    """Escaped text with the subscripts `z_t`, `h_{t−1}`, `C_out` as `<sub>` and `e^{−0.5}` as `<sup>`."""
    def sub(m: re.Match[str]) -> str:
        body = m.group(1)
        return f"<sub>{body[1:-1] if body[0] in '({' else body}</sub>"

    return _SUPERSCRIPT.sub(r"<sup>\1</sup>", _SUBSCRIPT.sub(sub, escaped))


class LmsHtml(BlockHtml):
    """Blocks as HTML for Moodle, GIFT and QTI (no MathML, no stylesheet there): math as Unicode, and what
    Unicode has no letter for (`G_y`, `C_out`, `e^{−0.5}`) or the bank writes in plain text (`C_{t−1}`) as
    `<sub>` / `<sup>` in every text node, so no raw `_` or braces reach a student. Answer fields (the `blank`
    callback: cloze codes, QTI interactions) are kept out of that rewriting."""

    def __init__(self, lang: str, blank: Callable[[Segment], str] | None = None, inline_style: bool = False) -> None:
        self._fields: list[str] = []
        self._depth = 0
        field = None
        if blank is not None:
            def field(seg: Segment) -> str:
                self._fields.append(blank(seg))
                return f"\ue000{len(self._fields) - 1}\ue001"
        super().__init__(lang, math="unicode", blank=field, inline_style=inline_style)

    def _post(self, html: str) -> str:
        if "_" in html or "^{" in html:
            html = _TEXT_NODE.sub(lambda m: ">" + scripts_html(m.group(1)) + "<", ">" + html + "<")[1:-1]
        if "\ue000" in html:
            html = re.sub("\ue000(\\d+)\ue001", lambda m: self._fields[int(m.group(1))], html)
        return html

    def _outer(self, render: Callable[[], str]) -> str:
        """Rewrite once, at the outermost call (blocks render their segments through `segs`)."""
        self._depth += 1
        try:
            html = render()
        finally:
            self._depth -= 1
        return self._post(html) if self._depth == 0 else html

    def blocks(self, blocks: list[Block]) -> str:
        return self._outer(lambda: super(LmsHtml, self).blocks(blocks))

    def segs(self, segs: list[Segment]) -> str:
        return self._outer(lambda: super(LmsHtml, self).segs(segs))


BLANK_HTML = ('<span style="display:inline-block;min-width:4em;border-bottom:1px solid currentColor">'
              "\u2003</span>")


def visible_blank(seg: dict) -> str:
    """A fill-in blank that shows without a stylesheet (Moodle, QTI and Anki have none of ours)."""
    n = seg.get("n")
    return (f"<sup>({n})</sup>" if n else "") + BLANK_HTML


def exact_number(value: float, decimals: int | None, integer: bool) -> str:
    """A key number with the decimals the question asks for (`0.10` where 2 decimals are asked)."""
    if integer or decimals is None:
        return num(value, 4)
    return f"{value:.{decimals}f}"


def key_answer(part: Part, lang: str) -> str:
    """A part's key as a student would write it, keeping the asked decimals; other answers as on the paper."""
    spec = part.spec
    if isinstance(spec, NumberSpec):
        return exact_number(float(part.answer), spec.decimals, spec.integer)
    if isinstance(spec, VectorSpec):
        return "[" + ", ".join(exact_number(float(v), spec.decimals, spec.integer) for v in part.answer) + "]"
    if isinstance(spec, MatrixSpec):
        return "; ".join(" ".join(exact_number(float(v), spec.decimals, spec.integer) for v in row)
                         for row in part.answer)
    return answer_text(part, lang)


def choice_key(problem: Problem, lang: str) -> list[Segment]:
    """A choice key with the text of its options, "B. 池化层": an LMS may shuffle the options, so the letter alone
    could point at another one."""
    out: list[Segment] = []
    for j, letter in enumerate(sorted(problem.parts[0].answer)):
        out.append({"kind": "text", "value": ("; " if j else "") + f"{letter}. "})
        out += segments(problem.options[ord(letter) - ord("A")].get(lang))
    return out


def exact_key(it: DocItem, lang: str) -> list[Block]:
    """The item's key blocks with every answer written by `key_answer` (matrices stay typeset; a choice with its
    options' text)."""
    texts = [key_answer(p, lang) for p in it.problem.parts]
    choice = isinstance(it.problem.parts[0].spec, ChoiceSpec) and bool(it.problem.options)
    out = []
    for b in it.key:
        if b["kind"] == "answer" and not b.get("math"):
            b = {**b, "value": texts[0], **({"segments": choice_key(it.problem, lang)} if choice else {})}
        elif b["kind"] == "table" and (b.get("header") or [None])[0] == WORDS["part"].get(lang):
            b = {**b, "rows": [[r[0], texts[i] if isinstance(r[1], str) else r[1], r[2]]
                               for i, r in enumerate(b["rows"])]}
        out.append(b)
    return out


def stable_seed(kinds: list[str], topics: list[str], count: int | None, bank: str | None) -> int:
    """The first problem seed of a selection exported without `--seed`: derived from the selection itself, so
    exporting the same selection again gives the same problems (and Anki updates the same notes)."""
    import hashlib
    import json

    key = json.dumps({"kinds": sorted(set(kinds)), "topics": sorted(set(topics)), "count": count, "bank": bank},
                     sort_keys=True)
    return int.from_bytes(hashlib.sha256(("examgen:export:" + key).encode()).digest()[:4], "big")
