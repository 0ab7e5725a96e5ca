"""Chinese punctuation for Chinese text (，；：（）), kept apart from `examgen.i18n` so that no command pays for
compiling these expressions at start-up: the product's Chinese text is already in this form (a test checks every
kind's generated text), and `tools/zh_punct.py` applies it to the sources and the question bank."""

from __future__ import annotations

import re
from functools import lru_cache

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_ZH_LEFT = f"[{_HAN}\u3001\u3002\uff09\u201d]"  # what may stand before full-width punctuation


_MATH = re.compile(r"\$(?:\\.|[^$\\])*\$")
_PH = "\ue000"  # stands for one `$…$` while the rules run, so that math is never changed
_PAREN_HAN = re.compile(rf"\(([^()]*[{_HAN}][^()]*)\)")
_PAREN_AFTER_HAN = re.compile(rf"(?<=[{_HAN}])\(([^()]*)\)")
# …or come right before one (AlexNet(2012)的, (1)训练, 框3(0.1)和), but not a function's: f(x)的, max(0, x)的
_PAREN_BEFORE_HAN = re.compile(rf"(?<![^A-Za-z][A-Za-z])(?<!^[A-Za-z])(?<!sign)(?<!max)(?<!min)(?<!exp)(?<!log)(?<!sqrt)(?<!tanh)(?<!relu)(?<!ReLU)(?<!softmax)(?<!sigmoid)\(([^()]*)\)(?=[{_HAN}])")
# (character that must be present, pattern, replacement): a rule only runs when its character is there
_RULES = [(c, re.compile(p), r) for c, p, r in (
    (",", rf"(?<={_ZH_LEFT}) ?,\s*", "，"), (",", rf"\s?,\s*(?=[{_HAN}（])", "，"), (",", rf"(?<={_PH}),\s*", "，"),
    (";", rf"(?<={_ZH_LEFT}) ?;\s*", "；"), (";", rf"\s?;\s*(?=[{_HAN}（])", "；"), (";", rf"(?<={_PH});\s*", "；"),
    (":", rf"(?<={_ZH_LEFT}) ?:(?![a-z/{{])\s*", "："),  # not `:hint`, `:q`, `:{cmd}` (commands)
    (":", rf"(?<=[\w）}}{_PH}]) ?:\s*(?=[{_HAN}（])", "："),  # `NMS:按` → `NMS：按`
    ("?", rf"(?<={_ZH_LEFT}) ?\?", "？"),
    ("?", rf"\?(?=[{_HAN}（A-Z])", "？"),  # a question ending right before the next sentence: `为 0?Xavier`
    # a clause ending right before Latin text with no space: `TP = 30,FP = 10`, `= 28;IoU`, `two-stage:Faster`
    (",", r"(?:(?<=[0-9)\]）²³_])|(?<=[A-Za-z]{2})),(?=[A-Za-zα-ωΑ-Ω])", "，"), (";", r"(?<=\S);(?=[A-Za-zα-ωΑ-Ω])", "；"),
    (":", r"(?<=[A-Za-z0-9）)]):(?=[A-Za-z])(?![^{]*})", "："),
    ("!", rf"(?<={_ZH_LEFT}) ?!", "！"),
    ("（", r"（\s+", "（"), ("）", r"\s+）", "）"), ("）", rf"）\s+(?=[{_HAN}])", "）"),
    ("（", rf"(?<=[{_HAN}])\s+（", "（"),
)]
_NEEDS = re.compile(rf"[{_HAN}\u3001\u3002\uff09] ?[,;:?!(]|\)[{_HAN}]|[,;:)?]\s*[{_HAN}（]|\([^()]*[{_HAN}]|\$ ?[,;]"
                    rf"|）\s+[{_HAN}]|[{_HAN}]\s+（|\?[A-Z]|[^\s,{{(\[][,;:][A-Za-zα-ωΑ-Ω]")


@lru_cache(maxsize=8192)
def zh_typography(text: str) -> str:
    """Chinese punctuation in Chinese text: `图像坐标,x 向右(从 1 开始)` → `图像坐标，x 向右（从 1 开始）`.

    `$…$` math never changes. Parentheses whose content has Chinese, or that follow a Chinese character, become
    （）; , ; : ? ! next to a Chinese character (or a comma right after math) become ，；：？！.
    `tools/zh_punct.py` applies it to the sources and the bank; a test checks that every generated problem's
    Chinese text is already in this form."""
    if _NEEDS.search(text) is None:  # the common case: nothing to do
        return text
    maths = _MATH.findall(text)
    flat = _MATH.sub(_PH, text) if maths else text
    prev = None
    while prev != flat and "(" in flat:
        prev = flat
        flat = _PAREN_HAN.sub("（\\1）", flat)
        flat = _PAREN_AFTER_HAN.sub("（\\1）", flat)
        flat = _PAREN_BEFORE_HAN.sub("（\\1）", flat)
    for char, pattern, repl in _RULES:
        if char in flat:
            flat = pattern.sub(repl, flat)
    if not maths:
        return flat
    pieces = flat.split(_PH)
    out = [pieces[0]]
    for m, piece in zip(maths, pieces[1:]):
        out += [m, piece]
    return "".join(out)
