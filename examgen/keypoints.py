"""Find the key points a short answer evidences (the rubric half of grading).

A key point is found when every keyword group (synonyms, any one of them) occurs in the answer, or, for
`KeyPoint.clause_keywords`, in one clause of it. Matching is by substring on `norm_text`. A key point marked
`deny_negated` takes no keyword straight after a negation (不冻结, 没有冻结, does not freeze, should not be frozen) as
evidence. It is a mark, not the rule, because a keyword is often the topic of a claim that a negation states:
"不会梯度消失" says "mitigates vanishing gradients".
"""

from __future__ import annotations

import re
import unicodedata

from examgen.answer_parse import norm_text
from examgen.model import RubricSpec

# where a clause ends: sentence and clause punctuation, and the words that join two contrasted claims (not 而 of
# 从而/因而/进而 'thereby', which joins a cause to its effect, nor 但 of 不但 'not only')
_CLAUSE_END = re.compile(r"[。；;！!？?\n，,]|\.(?=\s)|\b(?:and|but|while|whereas)\b|(?<![从因进])而|(?<!不)但",
                         re.IGNORECASE)

_RESPECTIVELY = ("分别", "respectively")
_OPEN, _CLOSE = "([{【", ")]}】"  # (after NFKC) a separator inside brackets, as in σ(W·[h, x] + b), ends nothing
# a clause after a comma or 'and' that opens with a verb of the same subject, a pronoun for it, a reason or the
# next step goes on with the clause before: 输入门，决定写入哪些新信息; the input gate is a sigmoid layer and
# decides what is written; Sobel 抗噪更好，因为…; erode, then dilate
_SOFT = re.compile(r",|and", re.IGNORECASE)
_GOES_ON = re.compile(r"\s*(?:决定|控制|负责|用于|用来|确定|调节|筛选|它|只有|因为|由于|再|然后|之后|随后|(?:decides?|"
                      r"determines?|controls?|deciding|determining|controlling|which|it|because|since|then|"
                      r"followed by)\b)", re.IGNORECASE)

# negations whose scope is the word right after them. Bare 非 and 无 are left out: they make terms of their own
# (非极大值抑制, 非线性, 无监督) in which the rest is not denied.
_NEGATION_ZH = re.compile(r"不(?:需要|应该|需|必|用|要|会|能|可|应|再|是)?|没有?|未曾?|无[需须法]|[并而]非")
_NEGATION_EN = re.compile(
    r"\b(?:not|no|never|without|cannot|\w+n['’]t)\s+(?:(?:to be|be|been|being|get|to)\s+)?")
_NONE: frozenset[int] = frozenset()
_MARK = "\ue000"  # a private-use character: where a negation ends, while the text is normalized


def negated(text: str) -> tuple[str, frozenset[int]]:
    """`norm_text(text)` and the positions in it that follow straight after a negation."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = _NEGATION_EN.sub(lambda m: m.group(0) + _MARK, t)
    t = _NEGATION_ZH.sub(lambda m: m.group(0) + _MARK, t)
    plain: list[str] = []
    after: set[int] = set()
    for ch in norm_text(t):
        if ch == _MARK:
            after.add(len(plain))
        else:
            plain.append(ch)
    s = "".join(plain)
    if s != norm_text(text):  # a normalization the marks disturbed: match without the guard, never wrongly
        return norm_text(text), frozenset()
    return s, frozenset(after)


def clauses(text: str) -> list[str]:
    """The answer cut into clauses, each normalized as `norm_text` does (for `KeyPoint.clause_keywords`). A clause
    that pairs things 'respectively' (Xavier 和 He 分别适用于 …) is left out: which goes with which is in the
    order, which substrings cannot check."""
    return [c for c, _ in _clauses(text)]


def _clauses(text: str) -> list[tuple[str, frozenset[int]]]:
    parts = (negated(piece) for piece in _pieces(unicodedata.normalize("NFKC", text)))
    return [(c, at) for c, at in parts if c and not any(r in c for r in _RESPECTIVELY)]


def _pieces(text: str) -> list[str]:
    """The text cut at the clause ends outside brackets, a piece that goes on with its subject kept with the one
    before."""
    depth, inside = 0, set()
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth:
            inside.add(i)
    out: list[str] = []
    start, soft = 0, False
    for m in [m for m in _CLAUSE_END.finditer(text) if m.start() not in inside] + [None]:
        piece = text[start:m.start() if m else len(text)]
        if out and soft and _GOES_ON.match(piece):
            out[-1] += piece
        else:
            out.append(piece)
        if m:
            soft, start = bool(_SOFT.fullmatch(m.group())), m.end()
    return out


def _occurs(s: str, after: frozenset[int], word: str, before: int | None = None) -> bool:
    """`word` in `s`, not straight after a negation, and starting before `before` where that is given."""
    w = norm_text(word)
    if not w:
        return False
    i = s.find(w)
    while i >= 0 and (before is None or i < before):
        if i not in after:
            return True
        i = s.find(w, i + 1)
    return False


def _has_all(s: str, after: frozenset[int], groups: tuple[tuple[str, ...], ...], before: int | None = None) -> bool:
    return all(any(_occurs(s, after, w, before) for w in group) for group in groups)


# 不 that starts a word of its own, not a denial of what follows: 不仅/不但/不只/不光 'not only', 不同, 不断, 不变,
# 不少, 不久, 不管/不论 'no matter', 不过 'but'
_NOT_A_DENIAL = frozenset("仅但只光同断变少久管论过")


def _before_a_denial(c: str, after: frozenset[int], groups: tuple[tuple[str, ...], ...]) -> bool:
    """Every group in clause `c`, starting before the clause's first negation ends: a negation denies the rest of
    its clause (开运算不是先腐蚀再膨胀 denies 腐蚀再膨胀 too, not only the 先腐蚀 right after 不是), and a keyword
    that holds the negation (不会过拟合) still counts."""
    ends = [q for q in after if not (q > 0 and c[q - 1] == "不" and c[q:q + 1] in _NOT_A_DENIAL)
            and not c.startswith("only", q)]
    return _has_all(c, after, groups, min(ends) if ends else None)


def match_key_points(text: str, spec: RubricSpec) -> list[bool]:
    """Which key points a short answer evidences: every keyword group (OR of synonyms, substring match) in the
    answer, or every group of the clause keywords in one clause of it; for a key point marked `deny_negated`, a
    keyword right after a negation does not count."""
    s, after = negated(text)
    parts: list[tuple[str, frozenset[int]]] | None = None
    hits = []
    for kp in spec.key_points:
        hit = _has_all(s, after if kp.deny_negated else _NONE, kp.keywords)
        if not hit and kp.clause_keywords:
            parts = _clauses(text) if parts is None else parts
            hit = any(_before_a_denial(c, at, kp.clause_keywords) if kp.deny_negated
                      else _has_all(c, _NONE, kp.clause_keywords) for c, at in parts)
        hits.append(hit)
    return hits
