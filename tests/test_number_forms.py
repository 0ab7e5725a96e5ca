"""Numbers as students write them: thousands separators, a decimal comma, blanks typed as one tuple, and a fill
blank's tolerance bounded by the key's own last decimal (a key near 1 such as 0.999 must not accept 1)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from examgen import registry
from examgen.bank import find_item
from examgen.cli import app
from examgen.exprparse import normalize, parse_number
from examgen.grading import grade


@pytest.mark.parametrize("text, value", [
    ("288,000", 288000), ("1,327,104", 1327104), ("-2,880", -2880), ("288，100", 288100), ("1,000,000", 10**6),
    ("0,5", 0.5), ("12,5", 12.5), ("0,143", 0.143), ("1,2345", 1.2345), ("1,50", 1.5),
])
def test_thousands_separators_and_the_decimal_comma(text, value):
    assert parse_number(normalize(text)).value == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_parameter_counts_with_thousands_separators_are_correct(seed):
    """stacked-conv-params asks two counts in the hundreds of thousands: '589,824' is that number, not 589.824."""
    pr = registry.get("stacked-conv-params").generate(seed)
    typed = [f"{p.name}={int(p.answer):,}" for p in pr.parts]
    assert all("," in t for t in typed)
    args = ["check", "stacked-conv-params", "--seed", str(seed), "--json"]
    for t in typed:
        args += ["--answer", t]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["score"] == pytest.approx(1.0)


def _score(item_id: str, text: str) -> float:
    return grade(find_item(item_id), text).to_json("en")["score"]


@pytest.mark.parametrize("text, right", [
    ("0.999", True), ("0.9990", True), ("999/1000", True), ("1 - 0.1*0.01", True),
    ("1", False), ("0.99", False), ("0.998", False), ("0.9999", False), ("1.0", False),
])
def test_a_fill_key_near_one_keeps_its_last_decimal(text, right):
    """training-reg-04: each SGD step multiplies the weights by 1 − ηλ = 1 − 0.1 × 0.01 = 0.999; 1 (no decay) and
    0.99 (1 − λ) were accepted within 1 %."""
    assert (_score("training-reg-04", text) == 1.0) is right


@pytest.mark.parametrize("text, score", [
    ("288000; 288100", 1.0), ("288,000; 288,100", 1.0), ("288,000, 288,100", 1.0),
    ("288; 288100", 0.5), ("288000; 288.1", 0.5), ("2880; 2980", 0.0),
])
def test_fill_blanks_with_thousands_separators(text, score):
    """cnn-gconv-02: 100 kernels of 12×12×20 have 288,000 weights, 288,100 parameters with biases."""
    assert _score("cnn-gconv-02", text) == pytest.approx(score)


@pytest.mark.parametrize("text, score", [
    ("(0.6, 0.8)", 1.0), ("（0.6，0.8）", 1.0), ("[0.6, 0.8]", 1.0), ("0.6; 0.8", 1.0), ("(0.8, 0.6)", 0.0),
])
def test_blanks_typed_as_one_tuple(text, score):
    """training-vanish-09 shows its two blanks as (____, ____): clipping (3, 4) to norm 1 gives (0.6, 0.8)."""
    assert _score("training-vanish-09", text) == pytest.approx(score)


@pytest.mark.parametrize("typed, same_as", [
    ("Non-Maximum Suppression", "non maximum suppression"), ("non‐maximum", "nonmaximum"),
    ("one-stage", "one stage"), ("bias-corrected", "bias corrected"),
])
def test_a_hyphen_between_letters_does_not_matter(typed, same_as):
    from examgen.grading import norm_text

    assert norm_text(typed) == norm_text(same_as)


@pytest.mark.parametrize("typed, kept", [("h_t-1", "h_t-1"), ("-0.05", "-0.05"), ("l1-norm", "l1-norm"),
                                         ("3-4", "3-4")])
def test_a_minus_sign_is_kept(typed, kept):
    """A minus before or after a digit is a number's sign or an index, never dropped: 0.05 must not match -0.05."""
    from examgen.grading import norm_text

    assert norm_text(typed) == kept


def test_leaky_relu_slope_keeps_its_sign():
    """cnn-leaky-01: LeakyReLU(−5) with slope 0.01 is −0.05; 0.05 is wrong."""
    from examgen.model import FillSpec

    pr = find_item("cnn-leaky-01")
    assert isinstance(pr.parts[0].spec, FillSpec)
    assert _score("cnn-leaky-01", "-0.05") == 1.0
    assert _score("cnn-leaky-01", "0.05") == 0.0
