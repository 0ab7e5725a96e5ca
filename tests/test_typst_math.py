"""Every formula a kind writes (prompt math, step formulas, figure labels) compiles in real Typst as written —
not only after the exporter's repairs — and every Chinese character is in the PDF font."""

from __future__ import annotations

import json

import pytest

from examgen import registry
from examgen.export.typst_engine import check_coverage
from examgen.mathfmt import split_math

import typst

DOC = b'#for m in json(bytes(sys.inputs.data)) { eval(m, mode: "math"); linebreak() }'
PROBE = b'#eval(sys.inputs.m, mode: "math")'


@pytest.fixture(scope="module")
def compiler():
    return typst.Compiler(ignore_system_fonts=True)


def texts_of(pr) -> list[str]:
    texts = [pr.prompt.zh, pr.prompt.en] + [x for p in pr.parts for x in (p.label.zh, p.label.en)]
    for step in pr.steps:
        texts += [step.title.zh, step.title.en] + ([step.note.zh, step.note.en] if step.note else [])
    for fig in pr.figures:
        texts += [fig.label.zh, fig.label.en] + [c for row in fig.rows for c in row] + (fig.header or [])
    return texts


def formulas(pr) -> set[str]:
    out: set[str] = set()
    texts = [pr.prompt.zh, pr.prompt.en] + [f.label.zh for f in pr.figures] + [f.label.en for f in pr.figures]
    for step in pr.steps:
        texts += [step.title.zh, step.title.en]
        if step.note is not None:
            texts += [step.note.zh, step.note.en]
        out |= {s for s in (step.formula, step.work, step.result) if s.strip()}
    for text in texts:
        out |= {seg for kind, seg in split_math(text) if kind == "math" and seg.strip()}
    return out


@pytest.mark.parametrize("name", [k.name for k in registry.all_kinds()])
def test_formulas_compile(name, compiler):
    kind = registry.get(name)
    maths: set[str] = set()
    for seed in range(12):
        pr = kind.generate(seed)
        check_coverage(texts_of(pr))
        maths |= formulas(pr)
    maths |= formulas(kind.from_params(dict(kind.example)))
    try:
        compiler.compile(input=DOC, format="svg", sys_inputs={"data": json.dumps(sorted(maths))})
    except typst.TypstError:
        bad = []
        for m in sorted(maths):
            try:
                compiler.compile(input=PROBE, format="svg", sys_inputs={"m": m})
            except typst.TypstError as err:
                bad.append((m, err.message))
        assert not bad, bad[:5]
