"""QTI 2.1 export: the package's structure (tests/qti_rules.py: the XSD's content models, IMS CP), and items
that score as examgen's grader does, judged by running their response processing on the key, its accepted
forms and wrong values (the probes of tests/test_lms_matching.py), for mock exams and the whole bank."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from examgen import registry
from examgen.export import qti
from examgen.export.quiz import entries
from examgen.grading import grade_part
from examgen.model import ChoiceSpec, FillSpec, LabelsSpec, Problem, RubricSpec, TrueFalseSpec

from tests import qti_rules as qr
from tests.test_lms_matching import (
    Count, _fields_of, check_field, check_numeric_field, grader_accepts_text, text_probes,
)
from examgen.export.document import label_forms

Q = f"{{{qr.NS}}}"


@pytest.fixture(scope="module")
def exported() -> list[tuple[str, list[Problem]]]:
    """(lang, problems): mock exams of seeds 7 (zh) and 8 (en), the whole bank and every kind (2 seeds)."""
    from examgen.bank import load_bank
    from examgen.exam import build_exam

    registry.load_all()
    out = [(lang, [it.problem for sec in build_exam(seed, None, None).sections for it in sec.items])
           for seed, lang in ((7, "zh"), (8, "en"))]
    bank = [it.to_problem() for it in load_bank(None).items]
    out.append(("en", bank + [k.generate(s) for k in registry.all_kinds() for s in (11, 12)]))
    out.append(("zh", bank))
    return out


def unpack(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {n: z.read(n) for n in z.namelist()}


def test_package_is_valid_qti_21(exported) -> None:
    kinds: set[str] = set()
    for lang, problems in exported:
        files = unpack(qti.render(problems, lang))
        res = qr.check_manifest(ET.fromstring(files["imsmanifest.xml"]), set(files))
        test = ET.fromstring(files["assessment.xml"])
        qr.check_element(test)
        refs = {r.get("identifier"): r.get("href") for r in test.iter(Q + "assessmentItemRef")}
        items = {p: ET.fromstring(b) for p, b in files.items() if p.startswith("items/")}
        assert sorted(refs.values()) == sorted(items)
        assert {k for k, r in res.items() if r.get("type") == "imsqti_item_xmlv2p1"} == set(refs)
        for path, item in items.items():
            qr.check_item(item)
            assert refs[item.get("identifier")] == path
            assert item.get(qr.XML_LANG) == lang
            kinds |= {e.tag[len(Q):] for e in item.iter() if e.tag.endswith("Interaction")}
            if any(c.tag == Q + "rubricBlock" for c in item.iter()):
                kinds.add("rubricBlock")
        assert len(items) == len({p.ref for p in problems})
    assert {"choiceInteraction", "textEntryInteraction", "extendedTextInteraction", "rubricBlock"} <= kinds


def test_the_rules_catch_invalid_qti() -> None:
    """The structural rules are not vacuous: they reject what the XSD rejects."""
    def item(body: str, decl: str = "") -> ET.Element:
        return ET.fromstring(f'<assessmentItem xmlns="{qr.NS}" identifier="i" title="t" adaptive="false" '
                             f'timeDependent="false">{decl}<itemBody>{body}</itemBody></assessmentItem>')

    qr.check_element(item("<p>x</p>"))
    for bad in ("", "text at the top", '<p style="color:red">x</p>', "<p><div>x</div></p>", "<figure>x</figure>",
                "<table><tr><td>1</td></tr></table>", '<p><textEntryInteraction/></p>'):
        with pytest.raises((AssertionError, ValueError)):
            qr.check_element(item(bad))
    with pytest.raises(AssertionError):  # declarations after the body
        qr.check_element(ET.fromstring(f'<assessmentItem xmlns="{qr.NS}" identifier="i" title="t" adaptive="false" '
                                       f'timeDependent="false"><itemBody/><outcomeDeclaration identifier="S" '
                                       f'cardinality="single"/></assessmentItem>'))
    with pytest.raises(AssertionError):  # an interaction bound to no declaration
        qr.check_item(item('<p><textEntryInteraction responseIdentifier="R"/></p>'))


# ---------------------------------------------------------------- scoring
def _key_responses(item: ET.Element) -> dict[str, str | list[str]]:
    out: dict[str, str | list[str]] = {}
    for d in item.iter(Q + "responseDeclaration"):
        cr = d.find(Q + "correctResponse")
        if cr is None:
            continue
        vals = [v.text for v in cr]
        out[d.get("identifier")] = vals if d.get("cardinality") == "multiple" else vals[0]
    return out


def check_qti_item(count: Count, item: ET.Element, pr: Problem) -> None:
    where = f"qti {pr.ref}"
    spec = pr.parts[0].spec
    maxscore = float(item.find(f"{Q}outcomeDeclaration[@identifier='MAXSCORE']/{Q}defaultValue/{Q}value").text)
    assert maxscore == pytest.approx(pr.points), where
    key = _key_responses(item)
    if isinstance(spec, RubricSpec):  # scored by hand: the rubric for the scorer holds every key point
        assert qr.score(item, {"RESPONSE": "anything"}) == 0
        rubric = "".join(next(item.iter(Q + "rubricBlock")).itertext())
        for kp in spec.key_points:
            # subscripts are <sub> there: compare the text without `_` and braces
            assert re.sub(r"[_{}]", "", kp.text.get(item.get(qr.XML_LANG))) in rubric, where
        return
    assert qr.score(item, key) == pr.points, where  # exactly: an LMS may compare SCORE with MAXSCORE
    assert qr.score(item, {}) == 0, where
    if isinstance(spec, (ChoiceSpec, TrueFalseSpec)):
        ids = [c.get("identifier") for c in item.iter(Q + "simpleChoice")]
        picks = [[x] for x in ids]
        if isinstance(spec, ChoiceSpec) and spec.multiple:
            right = sorted(pr.parts[0].answer)
            picks += [right, right[:1], right[:-1], right + [x for x in ids if x not in right][:1]]
        for pick in picks:
            resp = pick if isinstance(spec, ChoiceSpec) and spec.multiple else pick[0]
            typed = "".join(pick) if isinstance(spec, ChoiceSpec) else {"true": "T", "false": "F"}[pick[0]]
            expected = grade_part(pr, pr.parts[0], typed).score * pr.points
            assert qr.score(item, {"RESPONSE": resp}) == pytest.approx(expected), (where, pick)
            count.good += expected == pr.points
            count.bad += expected == 0
        return
    fields = _fields_of(pr)
    rids = sorted(key, key=lambda r: int(r.rsplit("_", 1)[1]))
    assert len(rids) == len(fields), where
    for rid, (part, i) in zip(rids, fields):
        n = len(part.spec.blanks) if isinstance(part.spec, FillSpec) else len(entries(part) or [None])
        share = (pr.points if isinstance(part.spec, FillSpec) else pr.part_points(part)) / n

        def grade(response: str, rid: str = rid, share: float = share) -> float:
            lost = pr.points - qr.score(item, {**key, rid: response})
            # a wrong field costs exactly its share (SCORE is rounded to 6 decimals)
            assert abs(lost) < 1e-6 or abs(lost - share) < 1e-6, (where, rid, response, lost, share)
            return 1.0 if abs(lost) < 1e-6 else 0.0

        w = f"{where} {part.name}[{i}]"
        if isinstance(part.spec, FillSpec):
            good, bad = text_probes(list(part.spec.blanks[i]))
            check_field(count, w, grade, good, bad, lambda t, p=part, i=i: grader_accepts_text(pr, p, t, i))
        elif i is None:
            labels = list(part.answer) if isinstance(part.spec, LabelsSpec) else None
            forms = label_forms(part) if labels is not None else [str(part.answer)]
            good, bad = text_probes(forms + [" ".join(labels).lower()] if labels else forms,
                                    labels if labels and part.spec.ordered else None)
            check_field(count, w, grade, good, bad, lambda t, p=part: grader_accepts_text(pr, p, t))
        else:
            assert float(key[rid]) == entries(part)[i].value, w  # the correct response is the key's number
            check_numeric_field(count, w, pr, part, i, grade)


def test_qti_scores_as_examgen_does(exported) -> None:
    count = Count()
    for lang, problems in exported:
        files = unpack(qti.render(problems, lang))
        by_id = {qti.ident(p.ref): p for p in problems}
        for path, data in files.items():
            if path.startswith("items/"):
                item = ET.fromstring(data)
                check_qti_item(count, item, by_id[item.get("identifier")])
    print(f"QTI probes: {count.good} accepted, {count.bad} rejected")
    assert count.good >= 500 and count.bad >= 500, (count.good, count.bad)


def test_same_problems_same_bytes(exported) -> None:
    lang, problems = exported[0]
    assert qti.render(problems, lang) == qti.render(list(problems), lang)


def test_html_needs_no_element_outside_qti(exported) -> None:
    """Every element our HTML uses is in QTI's XHTML subset or has a QTI equivalent (nothing falls back to span)."""
    from examgen.export import qti_xhtml as qx
    from examgen.export.html import BlockHtml
    from examgen.export.quiz import exact_key, items

    known = qx.BLOCK | qx.INLINE | qx.TABLE | set(qx.RENAME)
    for lang, problems in exported[2:]:
        html = BlockHtml(lang, math="unicode")
        for it in items(problems, lang):
            root = ET.fromstring(f"<div>{html.blocks(it.body) + html.blocks(exact_key(it, lang))}</div>")
            assert {e.tag for e in root.iter()} <= known, it.ref


def test_export_command_writes_a_qti_zip(tmp_path) -> None:
    from examgen.export.run import build, infer_format
    from examgen.export.sources import Selection

    out = tmp_path / "quiz.zip"
    assert infer_format(None, out) == "qti"
    sel = Selection(kinds=["iou", "lstm-step"], count=2, lang="en")
    files = unpack(build(sel, "qti", out)[out])
    assert "imsmanifest.xml" in files and "assessment.xml" in files
    assert sum(p.startswith("items/") for p in files) == 4
    assert build(sel, "qti", out) == build(sel, "qti", out)  # no --seed: the selection's own seed, same package
