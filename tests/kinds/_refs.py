"""Test helpers shared by the cross-checks of several kinds: reference implementations, a few small utilities, and the
bodies of the checks every kind of a family gets (each kind's test file calls them with its own name)."""

from __future__ import annotations

import json
import math
import sys
from functools import lru_cache

import numpy as np
import pytest

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import grade, display_value, parse_answer, score_answer
from examgen.mathfmt import check_typst_math, split_math
from examgen.selftest import submissions


def kind(name):
    return registry.get(name)


_kind = kind  # the name the scenario and sequence checks use


def answers(pr):
    return {p.name: p.answer for p in pr.parts}


def n_params(*shapes):
    """Number of learnable values in tensors of the given shapes (as a framework would allocate them)."""
    return int(sum(np.prod(s, dtype=np.int64) for s in shapes))


def gen(kind: str, seed: int):
    return registry.get(kind).generate(seed)


def corners_np(boxes: list[list[float]], fmt: str) -> np.ndarray:
    b = np.asarray(boxes, dtype=float)
    if fmt == "xyxy":
        return b.copy()
    if fmt == "xywh":
        return np.stack([b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]], axis=1)
    return np.stack([b[:, 0] - b[:, 2] / 2, b[:, 1] - b[:, 3] / 2, b[:, 0] + b[:, 2] / 2, b[:, 1] + b[:, 3] / 2], axis=1)


def _by(verdict):
    return {pv.name: pv for pv in verdict.parts}


def _f(x):
    return repr(float(x))


def _vec(values):
    return ", ".join(repr(float(v)) for v in np.atleast_1d(values))


def _matrix(rows):
    return "; ".join(" ".join(repr(float(v)) for v in r) for r in np.atleast_2d(rows))


def _correct_texts(pr):
    from examgen.selftest import submissions

    return dict(submissions(pr).correct)


def _away(follow, key):
    """A number far from both the carried-forward value and the key: wrong whichever way it is graded."""
    for d in (1.3, -1.3, 2.7, -2.7):
        v = float(follow) + d
        if abs(v - float(key)) > 0.1 + 0.02 * abs(float(key)):
            return _f(v)
    raise AssertionError("no far value")


def _check_carry(pr, answers, part, follow_text, wrong_text):
    """`answers` (wrong earlier parts) + `part` = follow_text earns full credit for `part`; wrong_text earns none."""
    kind = _kind(pr.kind)
    carry = kind.carry(pr.params)
    by = _by(grade(pr, {**answers, part: follow_text}, carry))
    plain = _by(grade(pr, {**answers, part: follow_text}, None))
    assert by[part].score == 1.0, (pr.kind, pr.seed, part, by[part].to_json("en"))
    assert by[part].carried or plain[part].score == 1.0
    by = _by(grade(pr, {**answers, part: wrong_text}, carry))
    assert by[part].score == 0.0, (pr.kind, pr.seed, part, wrong_text, by[part].to_json("en"))


def _far(*refs):
    """A vector far (per component) from every reference vector: wrong whichever way it is graded."""
    refs = [np.atleast_1d(np.asarray(r, float)) for r in refs]
    for off in (0.77, -0.77, 1.9, -1.9, 3.3):
        cand = refs[0] + off
        if all(np.all(np.abs(cand - r) > 0.1 + 0.02 * np.abs(r)) for r in refs):
            return cand
    raise AssertionError("no far value")


def _fmt(values):
    return ", ".join(repr(float(v)) for v in np.atleast_1d(values))


N_SEEDS = 500


@lru_cache(maxsize=None)
def problems(name: str) -> tuple:
    kind = registry.get(name)
    return tuple(kind.generate(seed) for seed in range(N_SEEDS))


def close(got, want, atol=1e-9, rtol=1e-9):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), atol=atol, rtol=rtol)


def part_score(pr, name: str, value) -> float:
    """Score one part for a submitted value (a number or a nested list), typed as a student would."""
    part = next(p for p in pr.parts if p.name == name)
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value, dtype=float)
        if arr.ndim == 2:
            text = "; ".join(" ".join(repr(float(v)) for v in row) for row in arr)
        else:
            text = ", ".join(repr(float(v)) for v in arr.ravel())
    else:
        text = repr(float(value))
    return score_answer(part.spec, part.answer, parse_answer(part.spec, text))[0]


def _tie(value: float, decimals: int) -> bool:
    x = abs(value) * 10 ** decimals
    return abs(x - math.floor(x) - 0.5) < 1e-4


def _flat(v):
    return [x for item in v for x in _flat(item)] if isinstance(v, list) else [v]


def run_cli(args, capsys, monkeypatch):
    from examgen import cli

    monkeypatch.setattr(sys, "argv", ["examgen", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def cnn_well_formed(name, seed):
    """Deterministic, schema-stable, numeric, positive where a count is asked, and Typst-clean (a CNN-layer kind)."""
    k = kind(name)
    a, b = k.generate(seed), k.generate(seed)
    assert json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True)
    params = json.loads(json.dumps(a.params))
    assert k.schema.validate(params) == params
    again = k.from_params(params)
    assert again.answer == a.answer and again.prompt == a.prompt
    for part in a.parts:
        flat = part.answer if isinstance(part.answer, list) else [part.answer]
        flat = [v for x in flat for v in (x if isinstance(x, list) else [x])]
        assert flat and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in flat)
    # parameter counts, sizes and receptive fields are positive; a feature map may contain 0 and negatives
    for part in a.parts:
        if part.spec.kind in ("number", "shape") or (part.spec.kind == "vector"):
            vals = part.answer if isinstance(part.answer, list) else [part.answer]
            assert all(v > 0 for v in vals), (name, seed, part.name, part.answer)
    bis = [a.prompt] + [s.title for s in a.steps] + [s.note for s in a.steps if s.note] + [f.label for f in a.figures]
    for text in [t for b in bis for t in (b.zh, b.en)]:
        for kind_, seg in split_math(text):
            if kind_ == "math":
                assert check_typst_math(seg) == [], seg


def example_solves(name):
    """The kind's documented example solves, with parts and steps."""
    k = kind(name)
    pr = k.from_params(dict(k.example))
    assert pr.parts and pr.steps


def one_line_param_error(name, raw):
    """Bad typed-in parameters raise a ParamError whose message is one non-empty line."""
    with pytest.raises(ParamError) as exc:
        kind(name).from_params(raw)
    assert "\n" not in str(exc.value) and str(exc.value)
    assert "\n" not in exc.value.message and exc.value.message


def self_consistent(name, seed):
    """Deterministic, schema-stable, and the key itself grades as fully correct."""
    kind = registry.get(name)
    a, b = kind.generate(seed), kind.generate(seed)
    assert json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True)
    params = json.loads(json.dumps(a.params))
    assert kind.schema.validate(params) == params
    subs = submissions(a)
    assert grade(a, subs.correct, kind.carry(a.params)).correct


def scenario_properties(name, seed):
    """What every scenario kind promises: deterministic, schema-stable, comprehensive, carry-forward-safe."""
    kind = _kind(name)
    a, b = kind.generate(seed), kind.generate(seed)
    assert a.to_json() == b.to_json()
    params = json.loads(json.dumps(a.params))
    assert kind.schema.validate(params) == params
    assert kind.from_params(params).answer == a.answer
    assert a.section == "comprehensive" and 10 <= a.points <= 15 and len(a.parts) >= 4
    assert all(step.part in {p.name for p in a.parts} for step in a.steps), "every step names its part"
    assert any(p.depends_on for p in a.parts)
    # the full correct submission gets full marks, also with carry-forward switched on
    assert grade(a, _correct_texts(a), kind.carry(a.params)).score == 1.0


def sequence_properties(name, seed):
    """Deterministic and schema-stable (a sequence kind)."""
    kind = _kind(name)
    a, b = kind.generate(seed), kind.generate(seed)
    assert a.to_json() == b.to_json()
    params = json.loads(json.dumps(a.params))
    assert kind.schema.validate(params) == params
    assert kind.from_params(params).answer == a.answer


def assert_no_rounding_ties(pr):
    """No answer asked to d decimals sits on a rounding tie."""
    for part in pr.parts:
        d = getattr(part.spec, "decimals", None)
        if d is not None and not getattr(part.spec, "integer", False):
            assert not any(_tie(float(v), d) for v in _flat(part.answer)), (pr.params, part.name)


def assert_formulas_are_typst(pr):
    """Every formula of the prompt and the steps is valid Typst math."""
    texts = [pr.prompt.zh, pr.prompt.en] + [t for s in pr.steps for t in (s.title.zh, s.title.en)]
    maths = [seg for t in texts for kind, seg in split_math(t) if kind == "math"]
    maths += [x for s in pr.steps for x in (s.formula, s.work, s.result) if x]
    for m in maths:
        assert check_typst_math(m) == [], m


def training_properties(name, seed, not_degenerate):
    """Deterministic, schema-stable, the rounded key is accepted, no rounding ties, not degenerate."""
    kind = registry.get(name)
    pr = kind.generate(seed)
    # determinism
    assert kind.generate(seed).to_json() == pr.to_json()
    # params survive JSON and the schema unchanged, and solving them alone gives the same problem
    raw = json.loads(json.dumps(pr.params))
    assert kind.schema.validate(raw) == raw
    assert kind.from_params(raw).answer == pr.answer
    # the key rounded to the decimals asked for is accepted (no ties: the rounding is unambiguous)
    subs = {p.name: display_value(p.spec, p.answer) for p in pr.parts}
    assert grade(pr, subs, kind.carry(pr.params)).correct, subs
    for part in pr.parts:
        d = getattr(part.spec, "decimals", None)
        if d is not None and not getattr(part.spec, "integer", False):
            assert not any(_tie(float(v), d) for v in _flat(part.answer))
    not_degenerate(pr)


def cli_solve_reproduces_the_example(name, capsys, monkeypatch):
    """`examgen solve NAME --param …` with the example's parameters prints the same answer."""
    kind = registry.get(name)
    args = ["solve", name, "--json"]
    for key, value in kind.example.items():
        args += ["--param", f"{key}={json.dumps(value)}"]
    code, out, err = run_cli(args, capsys, monkeypatch)
    assert code == 0, err
    assert json.loads(out)["answer"] == kind.from_params(dict(kind.example)).answer


def follow_through(pr, carry, given: dict, part: str, follow: str, key: str, far: str, why: object = None) -> dict:
    """The three sides of follow-through credit for `part`, with the wrong earlier answers `given`: `follow` (the
    value the test computed itself from them) is credited and marked carried; the key is right and not carried;
    `far`, wrong both ways, scores 0. Returns the verdicts of the `follow` submission by part name."""
    from examgen.grading import grade

    def parts(text: str) -> dict:
        return {pv.name: pv for pv in grade(pr, {**given, part: text}, carry).parts}

    v = parts(follow)
    assert v[part].carried and v[part].score == 1.0, (why, given, follow, key)
    right = parts(key)[part]
    assert right.score == 1.0 and not right.carried, (why, key)
    wrong = parts(far)[part]
    assert wrong.score == 0.0 and not wrong.carried, (why, far)
    return v


def no_follow_through(pr, given: dict, part: str, text: str, why: object = None):
    """`part` = `text`, computed from earlier answers `given` the quantity cannot take (a probability of 2, a
    negative variance), is not carried and scores 0."""
    from examgen import registry
    from examgen.grading import grade

    carry = registry.get(pr.kind).carry(pr.params)
    v = {pv.name: pv for pv in grade(pr, {**given, part: text}, carry).parts}[part]
    assert not v.carried and v.score == 0.0, (why, given, text, v.to_json("en"))
