"""Moodle XML and GIFT grade as examgen's grader does, judged by Moodle's own matching rules (tests/moodle_rules.py).

For every exported answer of a mock exam (both languages) and of the whole bank plus every generated kind, the
test builds probes: the key itself and its accepted spellings (must be accepted), and wrong values close to the
key (an entry just outside the tolerance, a shape or product with an extra digit or factor, a fill answer one
character off, a reordered label list: must be rejected). The grader is the oracle: each probe is graded with
`examgen.grading.grade_part` in the field's place, and Moodle's verdict must be the same."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from examgen import registry
from examgen.export import gift, moodle
from examgen.export.document import label_forms
from examgen.export.quiz import entries, items
from examgen.grading import grade_part
from examgen.mathfmt import num
from examgen.model import (
    ChoiceSpec, FillSpec, LabelsSpec, MatrixSpec, Part, Problem, RubricSpec, ShapeSpec, TrueFalseSpec,
)

from tests import moodle_rules as mr


# ---------------------------------------------------------------- what is exported
@pytest.fixture(scope="module")
def exported() -> list[tuple[str, list[Problem]]]:
    """(lang, problems): the mock exams of seeds 7 (zh) and 8 (en), and the whole bank with every generated kind
    (three seeds each)."""
    from examgen.bank import load_bank
    from examgen.exam import build_exam

    registry.load_all()
    out = []
    for seed, lang in ((7, "zh"), (8, "en")):
        out.append((lang, [it.problem for sec in build_exam(seed, None, None).sections for it in sec.items]))
    bank = [it.to_problem() for it in load_bank(None).items]
    kinds = [k.generate(s) for k in registry.all_kinds() for s in (11, 12, 13)]
    out.append(("en", bank + kinds))
    out.append(("zh", bank))
    return out


# ---------------------------------------------------------------- probes
def _fmt(x: float) -> str:
    return num(x, 10) if abs(x) >= 1e-4 or x == 0 else f"{x:.12g}"


def number_probes(value: float, integer: bool, decimals: int | None, tol: float) -> tuple[list[str], list[str]]:
    """(accepted, wrong) spellings of one number a student types."""
    good = [_fmt(value)]
    if decimals is not None and not integer:
        good.append(f"{value:.{decimals}f}")  # the key with the decimals the question asks for: 0.10
    bad = []
    if integer:
        v = int(round(value))
        bad += [str(v + 1), str(v - 1), str(v) + "1"]  # off by one, an extra digit
    else:
        good += [_fmt(value + 0.9 * tol), _fmt(value - 0.9 * tol)]
        bad += [_fmt(value + 1.2 * tol), _fmt(value - 1.2 * tol), _fmt(value * 10 + (1 if value >= 0 else -1))]
    return list(dict.fromkeys(good)), list(dict.fromkeys(b for b in bad if b not in good))


def text_probes(alts: list[str], ordered_labels: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(accepted, wrong) spellings of a short answer: every alternative, in upper case and padded with spaces;
    wrong: one character more or less, an extra digit or factor next to each `*` (a wildcard would take them)."""
    good, bad = [], []
    for a in alts:
        good += [a, a.upper(), f"  {a} "]
        bad += [a + "0", "x" + a]
        if len(a) > 1:
            bad.append(a[:-1])
        for i, ch in enumerate(a):
            if ch == "*":
                bad += [a[:i] + "0" + a[i:], a[:i] + "*9" + a[i:]]
    if ordered_labels and len(ordered_labels) > 1:
        bad += [" ".join(reversed(ordered_labels)), " ".join(ordered_labels[:-1]),
                " ".join(ordered_labels + ordered_labels[:1])]
    return list(dict.fromkeys(good)), list(dict.fromkeys(b for b in bad if b.strip() and b not in good))


def shape_probes(dims: list[int]) -> tuple[list[str], list[str]]:
    forms = ["×".join(map(str, dims)), "x".join(map(str, dims)), "*".join(map(str, dims)),
             "(" + ", ".join(map(str, dims)) + ")", ",".join(map(str, dims))]
    bad = []
    for sep in ("×", "*", "x"):
        for i in range(len(dims)):
            more = list(map(str, dims))
            more[i] += "0"  # a product off by one factor of ten / an extra digit
            bad.append(sep.join(more))
        bad.append(sep.join(map(str, dims + [2])))  # an extra factor
        if len(dims) > 1:
            bad.append(sep.join(map(str, dims[1:])))  # a factor missing
    return forms, list(dict.fromkeys(b for b in bad if b not in forms))


# ---------------------------------------------------------------- the grader as oracle
def _entry_texts(part: Part) -> list[str]:
    return [_fmt(e.value) for e in entries(part) or []]


def _assemble(part: Part, texts: list[str]) -> str:
    spec = part.spec
    if isinstance(spec, ShapeSpec):
        return "×".join(texts)
    if isinstance(spec, MatrixSpec):
        return "; ".join(" ".join(texts[r * spec.cols:(r + 1) * spec.cols]) for r in range(spec.rows))
    return ", ".join(texts)


def grader_accepts_entry(problem: Problem, part: Part, index: int, probe: str) -> bool:
    """The grader's verdict on one entry: the part answered with the key everywhere but `index`."""
    texts = _entry_texts(part)
    texts[index] = probe
    v = grade_part(problem, part, _assemble(part, texts))
    assert v.format_error is None, (problem.ref, probe, v.format_error)
    if len(texts) == 1:
        return v.score >= 1 - 1e-9
    return v.score >= 1 - 1e-9


def grader_accepts_text(problem: Problem, part: Part, probe: str, blank: int | None = None) -> bool:
    if blank is not None:
        spec = part.spec
        assert isinstance(spec, FillSpec)
        texts = [alts[0] for alts in spec.blanks]
        texts[blank] = probe.strip()
        if len(texts) > 1 and any(c in probe for c in ";|\n；,"):
            return None  # type: ignore[return-value]  # cannot be typed into one blank of a multi-blank answer
        v = grade_part(problem, part, "; ".join(texts) if len(texts) > 1 else probe)
        if v.format_error is not None:
            return False
        right = v.score * len(texts)
        return abs(right - len(texts)) < 1e-9
    v = grade_part(problem, part, probe)
    return v.format_error is None and v.score >= 1 - 1e-9


class Count:
    def __init__(self) -> None:
        self.good = 0
        self.bad = 0
        self.kinds: set[str] = set()


def check_field(count: Count, where: str, moodle_grade, good: list[str], bad: list[str], oracle) -> None:
    """Accepted spellings: grader and Moodle accept; wrong ones the grader rejects: Moodle rejects too."""
    for g in good:
        verdict = oracle(g)
        if verdict is None:
            continue
        assert verdict, f"{where}: the grader rejects its own accepted form {g!r}"
        assert moodle_grade(g) == 1.0, f"{where}: Moodle would mark the correct answer {g!r} wrong"
        count.good += 1
    for b in bad:
        verdict = oracle(b)
        if verdict is None or verdict:
            continue  # the grader takes it (e.g. 1/7 = 4/28): not a wrong answer
        got = moodle_grade(b)
        assert got in (0.0, None), f"{where}: Moodle would give {got} for the wrong answer {b!r}"
        count.bad += 1


# ---------------------------------------------------------------- Moodle XML
def _fields_of(problem: Problem) -> list[tuple[Part, int | None]]:
    """The cloze fields of a problem in the order the writer places them: one per blank of a fill item; per
    part, one per number (shape, vector, matrix entries) or one for labels."""
    out: list[tuple[Part, int | None]] = []
    spec0 = problem.parts[0].spec
    if isinstance(spec0, FillSpec):
        return [(problem.parts[0], i) for i in range(len(spec0.blanks))]
    for part in problem.parts:
        es = entries(part)
        if es is None:
            out.append((part, None))
        else:
            out += [(part, i) for i in range(len(es))]
    return out


def check_numeric_field(count, where, problem, part, i, moodle_grade) -> None:
    e = entries(part)[i]
    spec = part.spec
    integer = isinstance(spec, ShapeSpec) or bool(getattr(spec, "integer", False))
    good, bad = number_probes(e.value, integer, getattr(spec, "decimals", None), e.tol)
    check_field(count, where, moodle_grade, good, bad, lambda t: grader_accepts_entry(problem, part, i, t))


def check_moodle(count: Count, problems: list[Problem], lang: str) -> None:
    root = ET.fromstring(moodle.render(problems, lang))
    by_ref = {p.ref: p for p in problems}
    for q in root:
        qtype = q.get("type")
        if qtype == "category":
            continue
        pr = by_ref[q.findtext("idnumber")]
        where = f"moodle {lang} {pr.ref}"
        count.kinds.add(qtype)
        spec = pr.parts[0].spec
        if qtype == "numerical":
            answers = [(float(a.findtext("text")), float(a.findtext("tolerance")), float(a.get("fraction")) / 100)
                       for a in q.findall("answer")]
            check_numeric_field(count, where, pr, pr.parts[0], 0, lambda r: mr.grade_numerical(answers, r))
            assert float(q.findtext("defaultgrade")) == pr.points
        elif qtype == "shortanswer":
            assert q.findtext("usecase") == "0"
            answers = [(float(a.get("fraction")) / 100, a.findtext("text")) for a in q.findall("answer")]
            good, bad = text_probes(list(spec.blanks[0]))
            check_field(count, where, lambda r: mr.grade_shortanswer(answers, r), good, bad,
                        lambda t: grader_accepts_text(pr, pr.parts[0], t, 0))
        elif qtype == "cloze":
            subs, mark, _ = mr.extract_cloze(q.find("questiontext/text").text)
            fields = _fields_of(pr)
            assert len(subs) == len(fields), where
            check_cloze_weights(where, pr, fields, subs, mark)
            for sub, (part, i) in zip(subs, fields):
                w = f"{where} {part.name}[{i}]"
                if isinstance(part.spec, FillSpec):
                    assert sub.qtype == "shortanswer" and not sub.usecase
                    good, bad = text_probes(list(part.spec.blanks[i]))
                    check_field(count, w, sub.grade, good, bad, lambda t: grader_accepts_text(pr, part, t, i))
                elif i is None:
                    assert sub.qtype == "shortanswer"
                    labels = list(part.answer) if isinstance(part.spec, LabelsSpec) else None
                    forms = label_forms(part) if labels is not None else [str(part.answer)]
                    good, bad = text_probes(forms + [" ".join(labels).lower()] if labels else forms,
                                            labels if labels and part.spec.ordered else None)
                    check_field(count, w, sub.grade, good, bad, lambda t: grader_accepts_text(pr, part, t))
                else:
                    assert sub.qtype == "numerical"
                    check_numeric_field(count, w, pr, part, i, sub.grade)
        elif qtype == "multichoice":
            assert isinstance(spec, ChoiceSpec)
            fr = {chr(65 + j): float(a.get("fraction")) / 100 for j, a in enumerate(q.findall("answer"))}
            correct = sorted(pr.parts[0].answer)
            picks = [correct] + [[x] for x in fr if x not in correct]
            if spec.multiple:  # check boxes: the whole key plus one wrong pick scores 0, as in the grader
                picks += [correct + [x] for x in fr if x not in correct]
            else:
                assert q.findtext("single") == "true"
            for pick in picks:
                moodle_score = min(1.0, max(0.0, sum(fr[x] for x in pick)))
                examgen = grade_part(pr, pr.parts[0], "".join(sorted(pick))).score
                assert moodle_score == pytest.approx(examgen), (where, pick)
                count.good += examgen == 1
                count.bad += examgen == 0
            if spec.multiple:
                # a correct subset: the grader gives half the points; Moodle adds the options' fractions, so it
                # gives j/k for j of k correct options. That equals 1/2 only for k = 2: a known limit of Moodle's
                # multichoice (no "any correct subset = 50 %" rule), stated in docs/export.md
                k = len(correct)
                for j in range(1, k):
                    moodle_score = sum(fr[x] for x in correct[:j])
                    assert grade_part(pr, pr.parts[0], "".join(correct[:j])).score == 0.5
                    assert moodle_score == pytest.approx(j / k), (where, correct[:j])
                    count.kinds.add("multichoice-subset-exact" if k == 2 else "multichoice-subset-j/k")
        elif qtype == "truefalse":
            right = next(a.findtext("text") for a in q.findall("answer") if a.get("fraction") == "100")
            assert right == ("true" if pr.parts[0].answer else "false"), where
        else:
            assert qtype == "essay" and isinstance(spec, RubricSpec), where


def check_cloze_weights(where: str, pr: Problem, fields, subs, mark: int) -> None:
    """Moodle's mark of a cloze question (the sum of its field weights) is the paper's points whenever every
    field's share is at least a point, each weight within one point of that share (exact when the shares are
    whole); with a field worth less than a point, the weights are in the grader's exact proportion."""
    shares = []
    for part, i in fields:
        n = len(part.spec.blanks) if isinstance(part.spec, FillSpec) else len(entries(part) or [None])
        pts = pr.points / n if isinstance(part.spec, FillSpec) else pr.part_points(part) / n
        shares.append(Fraction(pts).limit_denominator(10_000) / Fraction(pr.points).limit_denominator(10_000))
    assert sum(shares) == 1, where
    total = Fraction(pr.points).limit_denominator(10_000)
    assert all(sub.weight >= 1 for sub in subs), where  # every field counts
    if total.denominator == 1 and all(share * total >= 1 for share in shares):
        assert mark == total, (where, mark, pr.points)
        for sub, share in zip(subs, shares):
            assert abs(sub.weight - share * total) < 1, (where, sub.weight, share * total)
            if (share * total).denominator == 1:
                assert sub.weight == share * total, where
    else:
        for sub, share in zip(subs, shares):
            assert Fraction(sub.weight, mark) == share, (where, sub.weight, mark, share)


def test_moodle_xml_grades_as_examgen_does(exported) -> None:
    count = Count()
    for lang, problems in exported:
        check_moodle(count, problems, lang)
    assert {"numerical", "cloze", "shortanswer", "multichoice", "truefalse", "essay"} <= count.kinds
    assert count.good >= 500 and count.bad >= 500, (count.good, count.bad)


def test_cloze_mark_is_the_paper_points_when_whole_weights_allow(exported) -> None:
    """A problem whose fields all carry whole points gets a cloze question worth exactly its paper points."""
    lang, problems = exported[0]
    conv = [p for p in problems if p.kind == "conv-output"] or [registry.get("conv-output").generate(3)]
    p = conv[0].with_points(6)  # a 3-number shape worth 6: 2 points per entry
    (q,) = [q for q in ET.fromstring(moodle.render([p], lang)) if q.get("type") == "cloze"]
    subs, mark, _ = mr.extract_cloze(q.find("questiontext/text").text)
    assert mark == 6 and [s.weight for s in subs] == [2, 2, 2]


# ---------------------------------------------------------------- GIFT
def _gift_fields(problem: Problem) -> list[tuple[Part, int | None, str]]:
    """The GIFT questions of a problem in the writer's order: (part, entry or blank, what it holds)."""
    spec0 = problem.parts[0].spec
    if isinstance(spec0, FillSpec):
        return [(problem.parts[0], i, "blank") for i in range(len(spec0.blanks))]
    if isinstance(spec0, (ChoiceSpec, TrueFalseSpec, RubricSpec)):
        return [(problem.parts[0], None, spec0.kind)]
    out: list[tuple[Part, int | None, str]] = []
    for part in problem.parts:
        es = entries(part)
        if isinstance(part.spec, ShapeSpec):
            out.append((part, None, "shape"))
        elif es is None:
            out.append((part, None, "text"))
        elif len(es) > 1 and getattr(part.spec, "integer", False):
            out.append((part, None, "matrix"))
        else:
            out += [(part, i, "number") for i in range(len(es))]
    return out


def _matrix_probes(part: Part) -> tuple[list[str], list[str]]:
    vals = part.answer if isinstance(part.spec, MatrixSpec) else [part.answer]
    rows = [[str(int(v)) for v in r] for r in vals]
    good = ["; ".join(" ".join(r) for r in rows), "; ".join(", ".join(r) for r in rows)]
    if not isinstance(part.spec, MatrixSpec):
        good = [", ".join(rows[0]), " ".join(rows[0]), "[" + ", ".join(rows[0]) + "]"]
    bad = []
    for k in range(min(3, len(rows[0]))):
        wrong = [r[:] for r in rows]
        wrong[0][k] = str(int(wrong[0][k]) + 1)
        bad.append("; ".join(", ".join(r) for r in wrong) if isinstance(part.spec, MatrixSpec)
                   else ", ".join(wrong[0]))
    return good, bad


def check_gift(count: Count, problems: list[Problem], lang: str) -> None:
    w = gift._Writer(lang)
    for it in items(problems, lang):
        pr = it.problem
        qs = [mr.read_gift_question(src) for src in w.questions(it)]
        fields = _gift_fields(pr)
        assert len(qs) == len(fields), pr.ref
        for q, (part, i, what) in zip(qs, fields):
            where = f"gift {lang} {pr.ref} {part.name}[{i}]"
            count.kinds.add(q.qtype)
            if what == "number":
                assert q.qtype == "numerical", where
                check_numeric_field(count, where, pr, part, i, lambda r: mr.grade_numerical(q.numerical, r))
                continue
            if what in ("choice", "tf", "rubric"):
                assert q.qtype == {"choice": "multichoice", "tf": "truefalse", "rubric": "essay"}[what], where
                if what == "choice":
                    check_gift_choice(count, where, pr, q)
                continue
            assert q.qtype == "shortanswer", where
            grade = (lambda qq: lambda r: mr.grade_shortanswer([(f, a) for a, f in qq.answers], r))(q)
            if what == "blank":
                good, bad = text_probes(list(part.spec.blanks[i]))
                check_field(count, where, grade, good, bad, lambda t: grader_accepts_text(pr, part, t, i))
            elif what == "shape":
                good, bad = shape_probes(list(part.answer))
                check_field(count, where, grade, good, bad, lambda t: grader_accepts_text(pr, part, t))
            elif what == "matrix":
                good, bad = _matrix_probes(part)
                check_field(count, where, grade, good, bad, lambda t: grader_accepts_text(pr, part, t))
            else:
                labels = list(part.answer) if isinstance(part.spec, LabelsSpec) else None
                forms = label_forms(part) if labels is not None else [str(part.answer)]
                good, bad = text_probes(forms, labels if labels and part.spec.ordered else None)
                check_field(count, where, grade, good, bad, lambda t: grader_accepts_text(pr, part, t))


def check_gift_choice(count: Count, where: str, pr: Problem, q) -> None:
    """A GIFT choice question scores a pick as the grader does: Moodle adds the picked options' fractions
    (clamped to 0 … 1); the key, each wrong option and the key plus a wrong one are checked."""
    spec = pr.parts[0].spec
    assert q.single == (not spec.multiple), where
    fr = {chr(65 + j): f for j, (_, f) in enumerate(q.answers)}
    assert len(fr) == spec.options, where
    correct = sorted(pr.parts[0].answer)
    picks = [correct] + [[x] for x in fr if x not in correct]
    if spec.multiple:
        picks += [correct + [x] for x in fr if x not in correct]
    for pick in picks:
        moodle_score = min(1.0, max(0.0, sum(fr[x] for x in pick)))
        examgen = grade_part(pr, pr.parts[0], "".join(sorted(pick))).score
        assert moodle_score == pytest.approx(examgen, abs=1e-6), (where, pick, moodle_score, examgen)
        count.good += examgen == 1
        count.bad += examgen == 0


def test_gift_grades_as_examgen_does(exported) -> None:
    count = Count()
    for lang, problems in exported:
        check_gift(count, problems, lang)
    assert {"numerical", "shortanswer", "multichoice", "truefalse", "essay"} <= count.kinds
    assert count.good >= 500 and count.bad >= 500, (count.good, count.bad)


def test_gift_file_reads_back_question_by_question(exported, tmp_path) -> None:
    """The whole file, split as Moodle splits it (blank lines, // comments), gives the same questions."""
    lang, problems = exported[2]
    data = gift.render(problems, lang).decode("utf-8")
    chunks = [c for c in mr.split_gift(data) if not c.startswith("$CATEGORY")]
    w = gift._Writer(lang)
    expected = [q for it in items(problems, lang) for q in w.questions(it)]
    assert chunks == expected


# ---------------------------------------------------------------- the rules themselves
def test_the_rules_reproduce_the_reported_bugs() -> None:
    """The re-implemented rules show the faults of the old export: an unescaped `*` is a wildcard; `\\/` stays."""
    assert mr.compare_string_with_wildcard("120×140×48", "12*14*48", True)  # the old alternative took it
    assert not mr.compare_string_with_wildcard("120×140×48", "12\\*14\\*48", True)
    assert mr.compare_string_with_wildcard("12*14*48", "12\\*14\\*48", True)
    (sub,), mark, _ = mr.extract_cloze("x {2:SHORTANSWER:=1\\/7} y")
    assert mark == 2 and sub.grade("1/7") == 0.0  # the old cloze text marked 1/7 wrong
    (sub,), _, _ = mr.extract_cloze("{1:SHORTANSWER:=1/7~=a&#126;b~=c&#125;&#35;}")
    assert sub.grade("1/7") == sub.grade("a~b") == sub.grade("c}#") == 1.0
    (num_,), _, _ = mr.extract_cloze("{3:NUMERICAL:=0.25:0.005}")
    assert num_.grade("0.254") == 1.0 and num_.grade("0.256") == 0.0 and num_.grade("1/4") is None
    assert mr.read_gift_question("::t::q {=a\\\\*b}").answers == [("a\\*b", 1.0)]
