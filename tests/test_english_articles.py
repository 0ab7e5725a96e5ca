"""English prompts say 'an' before a number read with a vowel (an 8 × 8 map, an 11 × 11 kernel) and 'a' before
the others (a 7 × 7 grid), whatever numbers a seed draws. Checked against the numbers' English names, written here."""

from __future__ import annotations

import re

import pytest

from examgen import registry
from examgen.model import english_articles

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
         "seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def first_word(n: int) -> str:
    """The first word of n read in English: 8 eight, 18 eighteen, 80 eighty, 800 eight (hundred), 11000 eleven."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10]
    if n < 1000:
        return _ONES[n // 100]
    return first_word(n // 1000) if n < 10**6 else first_word(n // 10**6)


def want(n: int) -> str:
    return "an" if first_word(n).startswith("e") else "a"  # 'one' is read 'wun': a consonant


@pytest.mark.parametrize("n", [1, 7, 8, 11, 12, 18, 28, 80, 88, 100, 110, 800, 1100, 8000, 11000, 18500, 110000])
def test_the_article_follows_the_number_as_read(n):
    assert english_articles(f"a {n} × {n} map") == f"{want(n)} {n} × {n} map"
    assert english_articles(f"An ${n} times {n}$ grid") == f"{want(n).capitalize()} ${n} times {n}$ grid"


def test_words_and_other_letters_are_left_alone():
    for text in ("a layer", "an image", "(a) 8 boxes", "data 8", "Area 11", "a$8$"):
        assert english_articles(text) == text


@pytest.mark.parametrize("kind", sorted(k.name for k in registry.all_kinds()))
def test_every_english_prompt_uses_the_right_article(kind):
    k = registry.get(kind)
    for seed in range(150):
        text = k.generate(seed).prompt.en
        for art, num in re.findall(r"\b(a|an|A|An) \$?(\d+)", text):
            assert art.lower() == want(int(num)), (kind, seed, text)
