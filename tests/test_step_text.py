"""Worked steps write a negative number once in parentheses: tanh(-0.33), not tanh((-0.33))."""

from __future__ import annotations

import re

import pytest

from examgen import registry

DOUBLED = re.compile(r"\w\(\((-?[\d.]+)\)\)")


@pytest.mark.parametrize("kind", sorted(k.name for k in registry.all_kinds()))
def test_no_function_of_a_number_in_double_parentheses(kind):
    k = registry.get(kind)
    for seed in range(200):
        for st in k.generate(seed).steps:
            for text in (st.formula, st.work, st.result):
                assert not DOUBLED.search(text or ""), (kind, seed, text)
