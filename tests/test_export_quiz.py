"""Moodle XML, GIFT and Anki exports, opened with independent readers (xml.etree, pygiftparser)."""

from __future__ import annotations

import html
import re

import pytest
import xml.etree.ElementTree as ET

from examgen.export import anki, gift, moodle
from examgen.export.quiz import entries
from examgen.export.run import build
from examgen.export.sources import Selection, selection_problems
from examgen.grading import tolerance
from examgen.i18n import Bi
from examgen.model import ChoiceSpec, FillSpec, Part, Problem, RubricSpec, TrueFalseSpec

SEL = Selection(kinds=["iou", "edge-filter", "conv-output", "lstm-step", "otsu"], topics=["classic-cv"], count=2,
                seed=31, lang="en")


@pytest.fixture(scope="module")
def problems() -> list[Problem]:
    return selection_problems(SEL, 31)


def tricky() -> list[Problem]:
    """Problems whose text has every character that XML, HTML, GIFT or cloze treat specially."""
    nasty = 'a < b & c > d "q" \'s\' {x} ~y =z #w :v \\ / $math$ </text>]]>'
    tf = Problem(kind="bank-tf", seed=None, section="choice", topic="cnn", points=2, params={},
                 prompt=Bi("特殊字符 " + nasty, "Special " + nasty),
                 parts=[Part("", Bi("答案", "Answer"), TrueFalseSpec(), False)], steps=[],
                 explanation=Bi("解析 " + nasty, "Because " + nasty), item_id="tricky-tf")
    mc = Problem(kind="bank-multiple", seed=None, section="choice", topic="cnn", points=3, params={},
                 prompt=Bi("选 {正确} 的", "Pick the {right} ones"),
                 parts=[Part("", Bi("答案", "Answer"), ChoiceSpec(4, multiple=True), ["A", "C"])], steps=[],
                 options=[Bi(f"选项{i} ~=# {{1, 2}}", f"option {i} ~=# {{1, 2}}") for i in range(4)],
                 item_id="tricky-mc")
    fill = Problem(kind="bank-fill", seed=None, section="fill", topic="cnn", points=2, params={},
                   prompt=Bi("a ____ b ____", "a ____ b ____"),
                   parts=[Part("", Bi("答案", "Answer"), FillSpec((("x{1}", "y"), ("z#",))), ["x{1}", "z#"])],
                   steps=[], item_id="tricky-fill")
    from examgen.model import KeyPoint

    short = Problem(kind="bank-short", seed=None, section="short", topic="cnn", points=3, params={},
                    prompt=Bi("说明 <b>", "Explain <b>"),
                    parts=[Part("", Bi("答案", "Answer"), RubricSpec((KeyPoint(Bi("要点一", "point one & more"), 2, (("a",),)),
                                                                  KeyPoint(Bi("要点二", "point two"), 1, (("b",),)))),
                                {"zh": "参考", "en": "reference <answer>"})],
                    steps=[], item_id="tricky-short")
    return [tf, mc, fill, short]


# ---------------------------------------------------------------- Moodle XML
def test_moodle_xml_parses_and_numbers_match(problems) -> None:
    data = moodle.render(problems + tricky(), "en")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(data)
    qs = [q for q in root if q.get("type") != "category"]
    cats = [q.find("category/text").text for q in root if q.get("type") == "category"]
    assert "$course$/top/examgen/detection/iou" in cats and "$course$/top/examgen/image-processing/edge-filter" in cats
    by_id = {q.findtext("idnumber"): q for q in qs}
    assert len(by_id) == len(qs) == len({p.ref for p in problems}) + 4
    n_numeric = 0
    for p in problems:
        q = by_id[p.ref]
        if p.item_id:
            continue
        vals = [(e, part) for part in p.parts for e in (entries(part) or [])]
        if q.get("type") == "numerical":
            (e, part), = vals
            value, tol = moodle.parse_numeric(q)
            spec = part.spec
            assert value == pytest.approx(e.value, abs=1e-9)
            expected_tol = 0 if spec.integer else tolerance(e.value, spec.decimals, spec.integer)
            assert tol == pytest.approx(expected_tol, rel=1e-6, abs=1e-12)
            n_numeric += 1
        else:
            assert q.get("type") == "cloze"
            text = q.find("questiontext/text").text
            codes = re.findall(r"\{(\d+):NUMERICAL:=([-0-9.e]+):([0-9.e-]+)\}", text)
            assert len(codes) == len(vals)
            for (w, v, t), (e, _) in zip(codes, vals):
                assert float(v) == pytest.approx(e.value, abs=1e-9) and float(t) == pytest.approx(e.tol)
            n_numeric += len(codes)
        assert "<ol" in q.find("generalfeedback/text").text  # the worked steps
    assert n_numeric >= 10


def test_moodle_objective_items_and_escaping(problems) -> None:
    root = ET.fromstring(moodle.render(problems + tricky(), "en"))
    by_id = {q.findtext("idnumber"): q for q in root if q.get("type") != "category"}
    tf = by_id["tricky-tf"]
    assert tf.get("type") == "truefalse"
    text = tf.find("questiontext/text").text
    assert html.unescape(re.sub(r"<[^>]+>", "", text)).startswith('Special a < b & c > d "q"')
    assert [(a.get("fraction"), a.findtext("text")) for a in tf.findall("answer")] == [("0", "true"), ("100", "false")]
    mc = by_id["tricky-mc"]
    assert mc.get("type") == "multichoice" and mc.findtext("single") == "false"
    fr = [float(a.get("fraction")) for a in mc.findall("answer")]
    assert fr == [50, -100, 50, -100] and "options" not in mc.find("questiontext/text").text
    fill = by_id["tricky-fill"]
    assert fill.get("type") == "cloze"
    assert "{1:SHORTANSWER:=x{1&#125;~=y}" in fill.find("questiontext/text").text
    essay = by_id["tricky-short"]
    assert essay.get("type") == "essay"
    grader = html.unescape(essay.find("graderinfo/text").text)
    assert "point one & more" in grader and "reference <answer>" in grader
    for p in problems:
        if p.item_id:
            q = by_id[p.item_id]
            expected = {"bank-single": "multichoice", "bank-multiple": "multichoice", "bank-tf": "truefalse",
                        "bank-short": "essay"}.get(p.kind)
            if p.kind == "bank-fill":
                expected = "shortanswer" if len(p.parts[0].spec.blanks) == 1 else "cloze"
            assert q.get("type") == expected, p.ref
            assert q.findtext("defaultgrade") in (None, f"{p.points:g}")


def test_a_choice_key_names_its_options_text_not_only_letters() -> None:
    """GIFT cannot turn Moodle's answer shuffling off, so 'Answer: A, C' could point at other options: the general
    feedback (and Moodle's and the Anki card's) gives each right option's text with its letter."""
    mc = tricky()[1]
    root = ET.fromstring(moodle.render([mc], "en"))
    feedback = html.unescape(re.sub(r"<[^>]+>", "", root.find("question[@type='multichoice']/generalfeedback/text").text))
    assert "A. option 0 ~=# {1, 2}; C. option 2 ~=# {1, 2}" in feedback
    source = gift.render([mc], "zh").decode("utf-8")
    fb = html.unescape(re.sub(r"<[^>]+>", "", source.split("####", 1)[1].replace("\\", "")))  # GIFT escapes first
    assert "A. 选项0 ~=# {1, 2}; C. 选项2 ~=# {1, 2}" in fb



# ---------------------------------------------------------------- GIFT
def test_gift_parses_with_pygiftparser(problems, tmp_path) -> None:
    import pygiftparser.parser as parser
    data = gift.render(problems + tricky(), "en")
    assert data.decode("utf-8").startswith(f"// examgen GIFT export · {len(problems) + len(tricky())} problems · ")
    assert gift.render(tricky()[:1], "en").decode("utf-8").startswith("// examgen GIFT export · 1 problem · ")
    path = tmp_path / "q.gift"
    path.write_bytes(data)
    with open(path, encoding="utf-8") as fh:
        qs = parser.parseFile(fh)
    by_title: dict[str, list] = {}
    for q in qs:
        by_title.setdefault(q.title, []).append(q)
    tf = by_title["tricky-tf"][0]
    assert tf.valid and type(tf.answers).__name__ == "TrueFalseSet" and tf.answers.answer is False
    assert html.unescape(tf.text).startswith("[html]") is False
    assert 'Special a < b & c > d' in html.unescape(tf.text.replace("\\", ""))
    mc = by_title["tricky-mc"][0]
    assert type(mc.answers).__name__ == "MultipleChoicesSet"
    assert [a.fraction for a in mc.answers.answers] == [50, -100, 50, -100]
    # each option starts with its letter: Moodle may shuffle GIFT options, and explanations name them by letter
    assert [html.unescape(a.answer.replace("\\", "")) for a in mc.answers.answers] == [
        f"{letter}. option {i} ~=# {{1, 2}}" for i, letter in enumerate("ABCD")]
    assert [type(q.answers).__name__ for q in by_title["tricky-fill (blank 1)"] + by_title["tricky-fill (blank 2)"]] \
        == ["ShortSet", "ShortSet"]
    assert type(by_title["tricky-short"][0].answers).__name__ == "Essay"
    assert "point one" in by_title["tricky-short"][0].generalFeedback
    # numbers: pygiftparser's number pattern has no minus sign, so it marks negative answers invalid; those are
    # checked against the GIFT text instead (`{#-5:0}` is standard GIFT, and Moodle imports it)
    checked = 0
    for p in problems:
        if p.item_id:
            continue
        def numeric(part) -> bool:  # whole-number vectors and matrices are one short answer instead
            es = entries(part) or []
            return part.spec.kind not in ("shape", "labels") and not (len(es) > 1 and part.spec.integer)

        expect = [(e, part) for part in p.parts if numeric(part) for e in (entries(part) or [])]
        got = [q for t, lst in by_title.items() if t.startswith(f"{p.kind} seed {p.seed}") for q in lst
               if type(q.answers).__name__ == "NumericAnswerSet"]
        assert len(got) == len(expect), p.ref
        for q, (e, _) in zip(got, expect):
            if e.value < 0:
                assert not q.valid
                m = re.search(r"\{#(-[0-9.]+):([0-9.]+)####", q.source)
                assert float(m.group(1)) == pytest.approx(e.value) and float(m.group(2)) == pytest.approx(e.tol)
            else:
                assert q.valid, q.title
                (a,) = q.answers.answers
                assert a.value == pytest.approx(e.value, abs=1e-9) and a.tolerance == pytest.approx(e.tol)
            checked += 1
        sa = [q for t, lst in by_title.items() if t.startswith(f"{p.kind} seed {p.seed}") for q in lst
              if type(q.answers).__name__ == "ShortSet"]
        accepted = [a.answer.replace("\\", "") for q in sa for a in q.answers.answers]
        for part in p.parts:
            if part.spec.kind == "shape":
                assert "×".join(map(str, part.answer)) in accepted
            elif part.spec.kind in ("vector", "matrix") and part.spec.integer and len(entries(part)) > 1:
                rows = part.answer if part.spec.kind == "matrix" else [part.answer]
                form = "; ".join(" ".join(str(v) for v in r) for r in rows)
                assert (form if part.spec.kind == "matrix" else form.replace(" ", ", ")) in accepted, form
    assert checked >= 10
    assert all(q.valid for q in qs if type(q.answers).__name__ != "NumericAnswerSet")


# ---------------------------------------------------------------- Anki (imports: tests/test_anki_import.py)
def test_anki_is_reproducible_with_source_date_epoch(problems, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    assert anki.render(problems[:4], "en") == anki.render(problems[:4], "en")


def test_quiz_formats_hold_every_variant_in_one_file(tmp_path) -> None:
    sel = Selection(kinds=["iou"], seed=5, count=2, variants=3, lang="en")
    files = build(sel, "moodle", tmp_path / "v.xml")
    assert list(files) == [tmp_path / "v.xml"]
    root = ET.fromstring(files[tmp_path / "v.xml"])
    ids = [q.findtext("idnumber") for q in root if q.get("type") == "numerical"]
    assert ids == [f"iou:{s}" for s in range(5, 11)]  # variant seeds 5, 7, 9 with two problems each
