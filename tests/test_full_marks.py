"""`grading.full_marks`, the fast verdict the mistake check asks for every draw, equals the grader's own verdict
(`score_answer` on the parsed form of the value) on random values around the tolerance and on every declared
mistake's value against the key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from examgen import registry
from examgen.grading import full_marks, score_answer, tolerance
from examgen.mistakes import _rounded, _shape_ok, as_given, mistake_values
from examgen.model import LabelsSpec, MatrixSpec, NumberSpec, ShapeSpec, VectorSpec


def _grader_says(spec, expected, value) -> bool:
    return score_answer(spec, expected, as_given(spec, value))[0] >= 1.0 - 1e-9


_decimals = st.one_of(st.none(), st.integers(0, 4))
_key = st.one_of(st.integers(-50, 50).map(float), st.floats(-100, 100, allow_nan=False).map(lambda v: round(v, 4)))


@st.composite
def _near(draw, expected, decimals, integer):
    """A value at, just inside or just outside the key's tolerance, or anywhere."""
    tol = tolerance(expected, decimals, integer)
    how = draw(st.sampled_from(["same", "inside", "edge", "outside", "any"]))
    sign = draw(st.sampled_from([-1, 1]))
    if how == "same":
        return expected
    if how == "inside":
        return expected + sign * tol * draw(st.floats(0, 0.999))
    if how == "edge":
        return expected + sign * tol
    if how == "outside":
        return expected + sign * tol * draw(st.floats(1.001, 3))
    return draw(st.floats(-200, 200, allow_nan=False))


@st.composite
def _case(draw):
    """(spec, expected, given) for the specs with a fast path."""
    shape = draw(st.sampled_from(["number", "vector", "matrix", "shape", "labels"]))
    decimals, integer = draw(_decimals), draw(st.booleans())
    if shape == "number":
        e = draw(_key)
        return NumberSpec(decimals=decimals, integer=integer), e, draw(_near(e, decimals, integer))
    if shape == "vector":
        n = draw(st.integers(1, 4))
        es = [draw(_key) for _ in range(n)]
        return (VectorSpec(length=n, decimals=decimals, integer=integer), es,
                [draw(_near(e, decimals, integer)) for e in es])
    if shape == "matrix":
        r, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        es = [[draw(_key) for _ in range(c)] for _ in range(r)]
        return (MatrixSpec(rows=r, cols=c, decimals=decimals, integer=integer), es,
                [[draw(_near(e, decimals, integer)) for e in row] for row in es])
    if shape == "shape":
        n = draw(st.integers(1, 3))
        es = [draw(st.integers(1, 9)) for _ in range(n)]
        return ShapeSpec(length=n), es, [e + draw(st.sampled_from([0, 0, 1, -1])) for e in es]
    labels = st.lists(st.sampled_from("ABCDE"), min_size=0, max_size=4)
    return LabelsSpec(labels=tuple("ABCDE"), ordered=draw(st.booleans())), draw(labels), draw(labels)


@settings(max_examples=2000, deadline=None)
@given(_case())
def test_full_marks_is_the_graders_verdict(case):
    spec, expected, value = case
    assert full_marks(spec, expected, value) == _grader_says(spec, expected, value)


DECLARING = [k.name for k in registry.all_kinds() if k.mistakes]


@pytest.mark.parametrize("name", DECLARING)
def test_full_marks_agrees_on_every_mistake_value(name):
    """Both ways and rounded as asked: the three questions `mistakes._same` asks, over 100 seeds."""
    kind = registry.get(name)
    asked = 0
    for seed in range(100):
        pr = kind.generate(seed)
        parts = {p.name: p for p in pr.parts}
        for _, vals in mistake_values(kind, pr.params):
            for n, v in vals.items():
                if n not in parts or not _shape_ok(parts[n].spec, v):
                    continue
                spec, key = parts[n].spec, parts[n].answer
                for e, g in ((key, v), (v, key), (key, _rounded(spec, v))):
                    assert full_marks(spec, e, g) == _grader_says(spec, e, g), (seed, n)
                    asked += 1
    assert asked > 0
