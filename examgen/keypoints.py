"""Find the key points a short answer evidences (the rubric half of grading).

A key point is found when every keyword group (synonyms, any one of them) occurs in the answer, or, for
`KeyPoint.clause_keywords`, in one clause of it. Matching is by substring on `norm_text`. A key point marked
`deny_negated` takes no keyword that a negation denies (不冻结, 没有冻结, does not freeze, should not be frozen,
开运算不是先腐蚀再膨胀: the words just after it, within its clause) as evidence. It is a mark, not the rule, because a keyword is often the topic of a claim that a negation states:
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

# where a negation's reach ends: a clause end, a colon, and the words after which the main claim goes on
# (在不增加参数的情况下减小尺寸; 不用学习就能下采样; 不引入参数，同时…)
# (在不增加参数的情况下减小尺寸; 不用学习就能下采样; 没有参数并且可以…; 不是人工设计的 — 而是学习的; (not closing))
_SCOPE_END = re.compile(_CLAUSE_END.pattern + r"|:|(?:情况|前提|条件)下|同时|就|却|反而|仍|依然|也|并|且|还|又|便|—|–"
                        r"|[()（）]", re.IGNORECASE)
_RESPECTIVELY = ("分别", "respectively")
_OPEN, _CLOSE = "([{【", ")]}】"  # (after NFKC) a separator inside brackets, as in σ(W·[h, x] + b), ends nothing
# a clause after a comma or 'and' that opens with a verb of the same subject, a pronoun for it, a reason or the
# next step goes on with the clause before: 输入门，决定写入哪些新信息; the input gate is a sigmoid layer and
# decides what is written; Sobel 抗噪更好，因为…; erode, then dilate
_SOFT = re.compile(r",|and", re.IGNORECASE)
_GOES_ON = re.compile(r"\s*(?:决定|控制|负责|用于|用来|确定|调节|筛选|它|只有|因为|由于|再|然后|之后|随后|(?:decides?|"
                      r"determines?|controls?|deciding|determining|controlling|which|it|because|since|then|"
                      r"followed by)\b)", re.IGNORECASE)

# negations. Bare 非 and 无 are left out: they make terms of their own
# (非极大值抑制, 非线性, 无监督) in which the rest is not denied.
_NEGATION_ZH = re.compile(r"不(?:需要|应该|需|必|用|要|会|能|可|应|再|是)?|没有?|未曾?|无[需须法]|[并而]非")
_NEGATION_EN = re.compile(
    r"\b(?:not|no|never|without|cannot|\w+n['’]t)\s+(?:(?:to be|be|been|being|get|to)\s+)?")
_NONE: frozenset[int] = frozenset()
# private-use marks, kept while the text is normalized: here ends a negation that denies the words after it; one
# that denies only the word right after it; a clause ends; a word ends
_MARK, _NEAR, _END, _WORD = "\ue000", "\ue001", "\ue002", "\ue003"
_JOIN = "\ue004"  # where `_pieces` joined a clause to the one before (its comma or 'and' left out)
# 不 that starts a word of its own denies only what is right after it: 不仅/不但/不只/不光/不单/不止 'not only',
# 不同, 不断, 不变, 不少, 不久, 不管/不论 'no matter', 不过 'but'; and so do 'not only', 'not just', 'no matter' …
_NOT_A_DENIAL = frozenset("仅但只光单止同断变少久管论过")
_NOT_A_DENIAL_EN = ("only", "just", "merely", "simply", "matter", "doubt", "less")
# how far a negation reaches: the next few characters of Chinese or words of English (不是先腐蚀再膨胀, not updated
# additively), never to the end of a long clause, where the main claim goes on (在不改变感受野的条件下参数更少,
# without any parameters reduces the size)
_REACH_ZH, _REACH_EN = 4, 2


def _mark(m: re.Match[str]) -> str:
    rest = m.string[m.end():]
    near = (m.group(0) == "不" and rest[:1] in _NOT_A_DENIAL) or rest.startswith(_NOT_A_DENIAL_EN)
    return m.group(0) + (_NEAR if near else _MARK)


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def negated(text: str) -> tuple[str, frozenset[int]]:
    """`norm_text(text)` and the positions in it that a negation denies: the one straight after it, and those of
    the next four Chinese characters or two English words, within its clause (开运算不是先腐蚀再膨胀 denies 先腐蚀 and
    腐蚀再膨胀). A keyword that holds the negation (不会过拟合) starts before it and still counts, and a negation
    within another's reach undoes it (并非不能缓解, not without freezing)."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = _NEGATION_EN.sub(_mark, t)
    t = _NEGATION_ZH.sub(_mark, t)
    t = _SCOPE_END.sub(lambda m: _END + m.group(0), t)
    t = re.sub(r"\s+", lambda m: _WORD + m.group(0), t)
    plain: list[str] = []
    denied: set[int] = set()
    reach: set[int] = set()           # the positions the open negation denies so far
    zh = en = 0                       # what is left of its reach
    start = False                     # the next character is the first one a negation reaches
    for ch in norm_text(t):
        if ch in (_MARK, _NEAR):
            if (zh or en) and ch == _MARK:   # a negation of a negation: neither denies
                denied -= reach
                reach, zh, en = set(), 0, 0
            elif not (zh or en):
                denied.add(len(plain))
                reach = {len(plain)}
                zh, en = (_REACH_ZH, _REACH_EN) if ch == _MARK else (0, 0)
                start = ch == _MARK
            continue
        elif ch in (_END, _JOIN):
            zh = en = 0
        elif ch == _WORD:
            if en and plain and _is_latin(plain[-1]):
                en -= 1
                zh = zh if en else 0
        else:
            if start and ch in "把将被":   # 不把特征图尺寸减小: the verb comes last, so the clause is denied
                zh, en = 10_000, 10_000
            start = False
            if zh or en:
                if not _is_latin(ch) and plain and _is_latin(plain[-1]) and en:
                    en -= 1            # a word ended at punctuation or Chinese
                if not (zh or en):
                    plain.append(ch)
                    continue
                denied.add(len(plain))
                reach.add(len(plain))
                if not _is_latin(ch) and not ch.isascii():
                    zh -= 1
                    en = en if zh else 0
            plain.append(ch)
    s, plain_text = "".join(plain), norm_text(text.replace(_JOIN, ""))
    if s != plain_text:  # a normalization the marks disturbed: match without the guard, never wrongly
        return plain_text, frozenset()
    return s, frozenset(denied)


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
            out[-1] += _JOIN + piece  # a negation's reach still ends there (不把特征相加，它把它们拼接)
        else:
            out.append(piece)
        if m:
            soft, start = bool(_SOFT.fullmatch(m.group())), m.end()
    return out


def _occurs(s: str, denied: frozenset[int], word: str) -> bool:
    """`word` in `s`, starting at a position no negation denies."""
    w = norm_text(word)
    if not w:
        return False
    i = s.find(w)
    while i >= 0:
        if i not in denied:
            return True
        i = s.find(w, i + 1)
    return False


def _has_all(s: str, denied: frozenset[int], groups: tuple[tuple[str, ...], ...]) -> bool:
    return all(any(_occurs(s, denied, w) for w in group) for group in groups)


def match_key_points(text: str, spec: RubricSpec) -> list[bool]:
    """Which key points a short answer evidences: every keyword group (OR of synonyms, substring match) in the
    answer, or every group of the clause keywords in one clause of it; for a key point marked `deny_negated`, a
    keyword a negation denies does not count."""
    s, denied = negated(text)
    parts: list[tuple[str, frozenset[int]]] | None = None
    hits = []
    for kp in spec.key_points:
        hit = _has_all(s, denied if kp.deny_negated else _NONE, kp.keywords)
        if not hit and kp.clause_keywords:
            parts = _clauses(text) if parts is None else parts
            hit = any(_has_all(c, at if kp.deny_negated else _NONE, kp.clause_keywords) for c, at in parts)
        hits.append(hit)
    return hits
