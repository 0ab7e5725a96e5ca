"""Issue 15 item 5: fuzzing every reader of student and teacher input — the grader of every answer type, the
answer-sheet loader, the params loader, the bank loader and the blueprint loader. Whatever the input, nothing
but the project's own errors comes out (`UserError`, and `FormatError` for an answer that cannot be read), and
each call takes at most 1 s. Bounded: the "ci" profile (200 examples per target) runs in well under 60 s.

Run with `-s` to see how many inputs each target tried."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examgen import registry
from examgen.answer_parse import FormatError
from examgen.errors import UserError
from examgen.grading import grade
from examgen.model import (
    ChoiceSpec, FillSpec, LabelsSpec, MatrixSpec, NumberSpec, RubricSpec, ShapeSpec, TrueFalseSpec, VectorSpec,
)

OURS = (UserError, FormatError)
LIMIT_S = 1.0
TRIED: Counter[str] = Counter()
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print("\nfuzz inputs tried per target: " + ", ".join(f"{k} {v}" for k, v in sorted(TRIED.items())))


def timed(target: str, fn, *args):
    """Call fn; only the project's errors may come out, within LIMIT_S."""
    TRIED[target] += 1
    t = time.perf_counter()
    try:
        return fn(*args)
    except OURS:
        return None
    finally:
        dt = time.perf_counter() - t
        assert dt <= LIMIT_S, f"{target}: {dt:.2f} s"


# ---------------------------------------------------------------- strategies
SYMBOLS = list("0123456789.,;:+-*/^()[]{}%eExX×·√π_ \n\t") + ["sqrt(", "ln(", "log(", "exp(", "1e308", "1e-330",
                                                               "inf", "nan", "对", "错", "T", "F", "A", "B", "C"]
typed = st.one_of(
    st.lists(st.sampled_from(SYMBOLS), max_size=80).map("".join),
    st.text(max_size=200),
    st.integers(min_value=-(10 ** 1200), max_value=10 ** 1200).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.tuples(st.sampled_from(["9", "1", "0."]), st.integers(1, 6000)).map(lambda t: t[0] * t[1]),
    st.tuples(st.sampled_from(["(", "[", "sqrt(", "-", "2^"]), st.integers(1, 3000)).map(lambda t: t[0] * t[1] + "1"),
)

scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10 ** 500), 10 ** 500), st.floats(),
                    st.text(max_size=30), st.sampled_from(["A", "B", "true", "1/7", "7x7x30", "1 2; 3 4"]))
trees = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=6), st.dictionaries(st.one_of(st.integers(-3, 30), st.text(max_size=8)), inner,
                                                 max_size=6)), max_leaves=40)


def as_yaml(tree) -> str:
    try:
        return yaml.safe_dump(tree, allow_unicode=True)
    except yaml.YAMLError:
        return str(tree)


def mutate(text: str, cut: int, insert: str) -> str:
    i = cut % (len(text) + 1)
    return text[:i] + insert + text[i:]


yaml_texts = st.one_of(
    trees.map(as_yaml),
    st.tuples(trees.map(as_yaml), st.integers(0, 10 ** 6),
              st.sampled_from(["&a ", "*a", "[", "]", "{", ": ", "\n- ", "!!python/object:os.system ", "'",
                               '"', "\x00", "\ufeff", "<<: *a\n", "? ", "|", "&a [*a]", "!!binary "]))
    .map(lambda t: mutate(*t)),
    st.text(max_size=300),
    st.integers(1, 200).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 200).map(lambda n: "{a: " * n + "1" + "}" * n),
)


# ---------------------------------------------------------------- targets
def _parts_by_spec():
    """A real part (with its problem) for every answer type: generated kinds and bank items."""
    from examgen.bank import load_bank

    found: dict[type, tuple] = {}
    problems = [k.generate(3) for k in registry.all_kinds()]
    problems += [it.to_problem() for it in load_bank().items]
    for pr in problems:
        for part in pr.parts:
            found.setdefault(type(part.spec), (pr, part))
    return found


SPEC_TYPES = [NumberSpec, VectorSpec, ShapeSpec, MatrixSpec, LabelsSpec, ChoiceSpec, TrueFalseSpec, FillSpec,
              RubricSpec]


@pytest.fixture(scope="module")
def parts():
    found = _parts_by_spec()
    assert set(SPEC_TYPES) <= set(found), set(SPEC_TYPES) - set(found)
    return found


@pytest.mark.parametrize("spec_type", SPEC_TYPES, ids=lambda t: t.__name__)
@FUZZ
@given(text=typed)
def test_grader_of_every_answer_type(parts, spec_type, text):
    problem, part = parts[spec_type]
    kind = registry.load_all().get(problem.kind)
    carry = kind.carry(problem.params) if kind is not None and problem.params else None
    answers = text if part.name == "" and len(problem.parts) == 1 else {part.name: text}
    verdict = timed(f"grade:{spec_type.__name__}", grade, problem, answers, carry, True)
    assert verdict is not None and 0.0 <= verdict.score <= 1.0


@pytest.fixture(scope="module")
def exam():
    from examgen.exam import build_exam

    return build_exam(1)


@FUZZ
@given(text=yaml_texts)
def test_sheet_loader(exam, text):
    from examgen.exam import sheet_answers
    from examgen.safe_read import SHEET, parse_yaml

    def load(t: str):
        return sheet_answers(exam, parse_yaml(t, "sheet.yaml", SHEET), "sheet.yaml")

    answers = timed("sheet", load, text)
    if answers is not None:
        assert all(len(t) <= 10_000 for parts in answers.values() for t in parts.values())


@FUZZ
@given(raw=st.binary(max_size=400))
def test_file_bytes_decoding(raw):
    from examgen.safe_read import SHEET, decode, parse_yaml

    timed("bytes", lambda b: parse_yaml(decode(b, "f.yaml"), "f.yaml", SHEET), raw)


@FUZZ
@given(kind=st.sampled_from(sorted(registry.load_all())), text=yaml_texts)
def test_params_loader(kind, text):
    from examgen.safe_read import PARAMS, parse_yaml

    def load(t: str):
        data = parse_yaml(t, "params.yaml", PARAMS)
        if isinstance(data, dict):
            registry.get(kind).schema.validate(data)

    timed("params", load, text)


@FUZZ
@given(text=yaml_texts)
def test_blueprint_loader(text):
    from examgen.blueprint import parse_blueprint

    timed("blueprint", parse_blueprint, text, "bp.yaml")


BANK_FILE = (Path(__file__).resolve().parent.parent / "question_bank" / "rnn.yaml").read_text()[:3000]


@FUZZ
@given(text=st.one_of(yaml_texts, st.tuples(st.just(BANK_FILE), st.integers(0, 3000),
                                            st.sampled_from(["&a ", "*a", "[", "]", ": ", "\n  - ", "'", "\x00",
                                                             "type: fill\n", "follows: x\n", "接上题"]))
                      .map(lambda t: mutate(*t))))
def test_bank_loader(tmp_path_factory, text):
    from examgen.bank import load

    d = tmp_path_factory.mktemp("bank")
    (d / "mine.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    bank = timed("bank", load, [d])
    assert bank is not None            # the bank loader reports problems as issues, it does not raise


def _paths(value, path=()):
    """Every place in a params value a number or a list could be replaced."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from _paths(v, path + (i,))
    if path:
        yield path


hostile_values = st.one_of(
    st.sampled_from([0, -1, 10 ** 6, 10 ** 9, 10 ** 50, 1e308, -1e308, 1e-320, 0.5, "x", "", [], [[]], [1] * 500,
                     True, None, {"a": 1}]),
    st.integers(-(10 ** 400), 10 ** 400), st.floats(allow_nan=False), st.text(max_size=10))


@FUZZ
@given(kind=st.sampled_from(sorted(registry.load_all())), where=st.integers(0, 10 ** 6), value=hostile_values,
       seed=st.integers(1, 50))
def test_solve_from_hostile_params(kind, where, value, seed):
    """`examgen solve` with a generated problem's params, one value replaced by a hostile one."""
    import copy

    from examgen.cli import problem_from_params

    k = registry.get(kind)
    params = copy.deepcopy(k.generate(seed).params)
    paths = list(_paths(params))
    path = paths[where % len(paths)]
    target = params
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    timed("solve", problem_from_params, k, params)
