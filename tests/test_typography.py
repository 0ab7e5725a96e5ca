"""Chinese text uses Chinese punctuation (，；：（）) — in the sources, the bank and every generated problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from examgen import registry
from examgen.i18n import zh_typography

ROOT = Path(__file__).resolve().parent.parent


def test_conversion_examples():
    assert zh_typography("图像坐标,x 向右(从 1 开始):A = $(5, 6)$,求 IoU") == "图像坐标，x 向右（从 1 开始）：A = $(5, 6)$，求 IoU"
    assert zh_typography("属于单阶段(one-stage)方法") == "属于单阶段（one-stage）方法"
    assert zh_typography("f(x) = max(0, x), in English") == "f(x) = max(0, x), in English"
    assert zh_typography("$f(x, y)$ 的值") == "$f(x, y)$ 的值"


def test_sources_and_bank_are_consistent():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "zh_punct.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, "run python tools/zh_punct.py:\n" + r.stdout


@pytest.mark.parametrize("name", [k.name for k in registry.all_kinds()])
def test_generated_chinese_text_is_consistent(name):
    kind = registry.get(name)
    for seed in range(15):
        pr = kind.generate(seed)
        texts = [pr.prompt.zh] + [s.title.zh for s in pr.steps] + [p.label.zh for p in pr.parts]
        for text in texts:
            assert zh_typography(text) == text, text
