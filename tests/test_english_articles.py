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


@pytest.mark.parametrize("text, want", [
    ("This session: 4 problem(s), 50% of the points.", "This session: 4 problems, 50% of the points."),
    ("This session: 1 problem(s), 50% of the points.", "This session: 1 problem, 50% of the points."),
    ("Self-marked short answers: question(s) 16, 17.", "Self-marked short answers: questions 16, 17."),
    ("Self-marked short answers: question(s) 16.", "Self-marked short answers: question 16."),
    ("2 problem(s) in 1 file(s)", "2 problems in 1 file"),
])
def test_english_messages_say_the_plural_their_number_needs(text, want):
    from examgen.ui.messages import plural

    assert plural(text) == want


def test_every_en_message_with_a_plural_slot_reads_right():
    from examgen.ui.messages import M, t

    for key, msg in M.items():
        if "(s)" in msg.en:
            fields = {name: 1 if name in ("n",) else "16, 17" for name in re.findall(r"\{(\w+)", msg.en)}
            assert "(s)" not in t(key, "en", **fields), key
