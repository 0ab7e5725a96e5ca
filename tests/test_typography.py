"""Chinese text uses Chinese punctuation (，；：（）) — in the sources, the bank and every generated problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from examgen import registry
from examgen.typography import zh_typography

ROOT = Path(__file__).resolve().parent.parent


def test_conversion_examples():
    assert zh_typography("图像坐标,x 向右(从 1 开始):A = $(5, 6)$,求 IoU") == "图像坐标，x 向右（从 1 开始）：A = $(5, 6)$，求 IoU"
    assert zh_typography("属于单阶段(one-stage)方法") == "属于单阶段（one-stage）方法"
    assert zh_typography("f(x) = max(0, x), in English") == "f(x) = max(0, x), in English"
    assert zh_typography("$f(x, y)$ 的值") == "$f(x, y)$ 的值"
    assert zh_typography("权重全部初始化为 0?Xavier 初始化呢") == "权重全部初始化为 0？Xavier 初始化呢"
    assert zh_typography('什么是"退化问题"?为什么') == '什么是"退化问题"？为什么'
    assert zh_typography("x? y") == "x? y"
    assert zh_typography("TP = 30,FP = 10,FN = 30") == "TP = 30，FP = 10，FN = 30"
    assert zh_typography("并集 28;IoU = 4/28，two-stage:Faster R-CNN") == "并集 28；IoU = 4/28，two-stage：Faster R-CNN"
    assert zh_typography("随机删除连接是 dropout,L1 使权重稀疏") == "随机删除连接是 dropout，L1 使权重稀疏"
    assert zh_typography("若 η = 0.1,λ = 0.01，则") == "若 η = 0.1，λ = 0.01，则"
    assert zh_typography("交集面积为____,IoU 为____。") == "交集面积为____，IoU 为____。"
    assert zh_typography("AlexNet(2012)的特点；(1)残差连接；框3(0.1)和") == "AlexNet（2012）的特点；（1）残差连接；框3（0.1）和"
    for kept in ("f(x)的导数", "λ·sign(w)的符号", "max(0, x)的输出", "y = x + F(x)，反向"):  # functions keep theirs
        assert zh_typography(kept) == kept
    # what a student types stays as typed, and so do function arguments and format fields
    for kept in ("例如 AC 或 A,C。", "IoU(A,B) 的值", "f(a,b) 的值", "{x:g} 的值", "按 :q 退出"):
        assert zh_typography(kept) == kept


def test_sources_and_bank_are_consistent():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "zh_punct.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, "run python tools/zh_punct.py:\n" + r.stdout


@pytest.mark.parametrize("name", [k.name for k in registry.all_kinds()])
def test_generated_chinese_text_is_consistent(name):
    """Kinds compose their Chinese text from pieces; nothing fixes it up afterwards, so every composed prompt,
    figure caption, step and part label must already have Chinese punctuation."""
    kind = registry.get(name)
    texts = [kind.title.zh, kind.summary.zh, kind.conventions.zh]
    for params in [kind.example] + [kind.sample(kind.rng(seed)) for seed in range(200)]:
        prompt, sol = kind.prompt(params), kind.solve(params)
        texts += [prompt.text.zh] + [f.label.zh for f in prompt.figures] + [p.label.zh for p in sol.parts]
        texts += [s.title.zh for s in sol.steps] + [s.note.zh for s in sol.steps if s.note is not None]
    bad = sorted({t for t in texts if zh_typography(t) != t})
    assert not bad, f"{len(bad)} texts need Chinese punctuation, e.g. {bad[0]!r} → {zh_typography(bad[0])!r}"


def test_interface_messages_are_consistent():
    """Interface strings are templates: filled with Latin, Chinese, a number or math, their Chinese text must
    already have Chinese punctuation (`:{cmd}` stays: it is a command the student types)."""
    import re

    from examgen import i18n
    from examgen.ui import messages

    catalogs = [i18n.MESSAGES, messages.M]
    bad = []
    for catalog in catalogs:
        for key, text in catalog.items():
            template = text.zh.replace(":{cmd}", ":cmd")
            for fill in ("A1", "中", "3", "$x$"):
                filled = re.sub(r"\{[^{}]*\}", fill, template)
                if zh_typography(filled) != filled:
                    bad.append((key, text.zh))
                    break
    assert not bad, bad
