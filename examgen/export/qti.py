"""QTI 2.1 writer: a content package (`.zip`) that Canvas, Blackboard and OpenOLAT import.

The package holds `imsmanifest.xml` (IMS Content Packaging 1.1: one resource per item, `imsqti_item_xmlv2p1`,
and one for the test, `imsqti_test_xmlv2p1`, depending on them), `assessment.xml` (an assessmentTest with one
section per chapter; the test score is the sum of the item scores) and `items/<id>.xml`, one assessmentItem per
distinct problem, as R/exams' `exams2qti21` lays out its packages.

Each item scores as examgen's grader does (the tests run the response processing on the key, its accepted forms
and wrong values): `SCORE` runs from 0 to the paper's points (`MAXSCORE`), with each answer field worth exactly its
share (`points / entries` of its part; QTI scores are decimals, so no rounding as in Moodle's cloze):

* single choice and true / false → `choiceInteraction` (one choice); the key scores the points;
* multiple choice → `choiceInteraction` with several choices: the key scores the points, a non-empty subset of
  it half of them, anything with a wrong pick 0 (the grader's rule);
* fill-in → a `textEntryInteraction` where each blank is, string responses mapped case-insensitively to their
  accepted alternatives (trimmed, NFKC, without white space, as `quiz.alternatives` gives them);
* a number, vector, matrix or shape → a float `textEntryInteraction` per number, matched with `equal` within
  the grader's tolerance (`grading.tolerance`; whole numbers exactly); labels as strings with their spellings;
* short answer → `extendedTextInteraction`, scored by hand: the reference answer and the marking scheme (key
  points and their points) in a `rubricBlock` for the scorer.

The worked solution is the item's `modalFeedback`, shown after the attempt. Math is plain Unicode (no MathML),
HTML the XHTML subset QTI allows (`qti_xhtml`)."""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

from examgen.answer_form import form_line
from examgen.export.document import WORDS, DocItem, LETTERS, Segment, chapter_name, label_forms, pts, segments
from examgen.export.html import esc
from examgen.export.moodle import stem
from examgen.export.qti_xhtml import parse
from examgen.export.quiz import LmsHtml, alternatives, entries, exact_key, items, label_html, name
from examgen.model import ChoiceSpec, FillSpec, LabelsSpec, Part, Problem, RubricSpec, TrueFalseSpec

NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd"


def ident(text: str) -> str:
    """A QTI / content-packaging identifier (an XML NCName) for a problem ref: `iou:12` → `item_iou_12`."""
    return "item_" + re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: Any) -> ET.Element:
    el = ET.SubElement(parent, tag, {k.rstrip("_"): str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _score(x: float) -> str:
    return f"{x:.15g}"


class Field:
    """One answer field: its response identifier, what it takes and what it is worth."""

    def __init__(self, rid: str, weight: float, numeric: tuple[float, float] | None = None,
                 alts: list[str] | None = None) -> None:
        self.rid, self.weight, self.numeric, self.alts = rid, weight, numeric, alts or []

    def declaration(self, item: ET.Element) -> None:
        base = "float" if self.numeric else "string"
        rd = _el(item, "responseDeclaration", identifier=self.rid, cardinality="single", baseType=base)
        cr = _el(rd, "correctResponse")
        if self.numeric:
            _el(cr, "value", _score(self.numeric[0]))
            return
        _el(cr, "value", self.alts[0])
        mp = _el(rd, "mapping", defaultValue="0", lowerBound="0", upperBound="1")
        for a in self.alts:
            _el(mp, "mapEntry", mapKey=a, mappedValue="1", caseSensitive="false")

    def rule(self, rp: ET.Element) -> None:
        """SCORE += weight when the response is right (a NULL response, i.e. none, scores nothing)."""
        cond = _el(_el(rp, "responseCondition"), "responseIf")
        if self.numeric:
            value, tol = self.numeric
            eq = (_el(cond, "equal", toleranceMode="exact") if tol == 0 else
                  _el(cond, "equal", toleranceMode="absolute", tolerance=f"{tol:.12g}", includeLowerBound="true",
                      includeUpperBound="true"))
            _el(eq, "variable", identifier=self.rid)
            _el(eq, "baseValue", _score(value), baseType="float")
        else:
            # an accepted alternative (the mapping, which importers read as the accepted answers) or the same
            # with white space around it (a pattern; QTI engines do not trim what a student types)
            either = _el(cond, "or")
            gt = _el(either, "gt")
            _el(gt, "mapResponse", identifier=self.rid)
            _el(gt, "baseValue", "0", baseType="float")
            pm = _el(either, "patternMatch", pattern=pattern(self.alts))
            _el(pm, "variable", identifier=self.rid)
        _add(cond, "SCORE", _score(self.weight))


_XSD_META = set("\\|.-^?*+{}()[]")  # what XML Schema regexes escape (not $)


def pattern(alts: list[str]) -> str:
    """An XML Schema regular expression (patternMatch) for any alternative, case-insensitively, with white
    space around it."""
    def one(a: str) -> str:
        out = []
        for ch in a:
            if ch.lower() != ch.upper() and len(ch.lower()) == len(ch.upper()) == 1:
                out.append(f"[{ch.lower()}{ch.upper()}]")
            else:
                out.append("\\" + ch if ch in _XSD_META else ch)
        return "".join(out)

    return "\\s*(" + "|".join(one(a) for a in alts) + ")\\s*"


def _add(parent: ET.Element, outcome: str, value: str) -> None:
    """setOutcomeValue outcome := outcome + value (a float)."""
    s = _el(_el(parent, "setOutcomeValue", identifier=outcome), "sum")
    _el(s, "variable", identifier=outcome)
    _el(s, "baseValue", value, baseType="float")


def _set(parent: ET.Element, outcome: str, value: str, base: str = "float") -> None:
    _el(_el(parent, "setOutcomeValue", identifier=outcome), "baseValue", value, baseType=base)


class _Writer:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.html = LmsHtml(lang)

    # ---- the item
    def item(self, it: DocItem) -> ET.Element:
        pr = it.problem
        item = ET.Element("assessmentItem", {
            "xmlns": NS, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{NS} {QTI_XSD}", "identifier": ident(it.ref),
            "title": name(it), "adaptive": "false", "timeDependent": "false", "xml:lang": self.lang,
            "toolName": "examgen"})
        spec = pr.parts[0].spec
        body = ET.Element("itemBody")
        rp = ET.Element("responseProcessing")
        _set(rp, "SCORE", "0")
        _set(rp, "FEEDBACK", "SOLUTION", "identifier")
        if isinstance(spec, (ChoiceSpec, TrueFalseSpec)):
            self.choice(it, item, body, rp)
        elif isinstance(spec, RubricSpec):
            self.essay(it, item, body)
        else:
            fields = self.fill(it, body) if isinstance(spec, FillSpec) else self.parts(it, body)
            for f in fields:
                f.declaration(item)
            for f in fields:
                f.rule(rp)
            # the shares are decimals (7 points over 12 fields): round the sum so the key scores the points exactly
            sov = _el(rp, "setOutcomeValue", identifier="SCORE")
            _el(_el(sov, "roundTo", roundingMode="decimalPlaces", figures="6"), "variable", identifier="SCORE")
        self.outcomes(item, it.points)
        item.append(body)
        item.append(rp)
        fb = _el(item, "modalFeedback", outcomeIdentifier="FEEDBACK", showHide="show", identifier="SOLUTION",
                 title=WORDS["key"].get(self.lang))
        fb.extend(parse(self.html.blocks(exact_key(it, self.lang))))
        return item

    def outcomes(self, item: ET.Element, points: float) -> None:
        """SCORE (0 … points), MAXSCORE and FEEDBACK, after the response declarations (the XSD's order)."""
        at = len([c for c in item if c.tag == "responseDeclaration"])
        score = ET.Element("outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float",
                           normalMinimum="0", normalMaximum=_score(points))
        _el(_el(score, "defaultValue"), "value", "0")
        maxs = ET.Element("outcomeDeclaration", identifier="MAXSCORE", cardinality="single", baseType="float")
        _el(_el(maxs, "defaultValue"), "value", _score(points))
        fb = ET.Element("outcomeDeclaration", identifier="FEEDBACK", cardinality="single", baseType="identifier")
        for i, el in enumerate((score, maxs, fb)):
            item.insert(at + i, el)

    def choice(self, it: DocItem, item: ET.Element, body: ET.Element, rp: ET.Element) -> None:
        pr = it.problem
        spec = pr.parts[0].spec
        body.extend(parse(self.html.blocks(stem(it))))
        multiple = isinstance(spec, ChoiceSpec) and spec.multiple
        rd = _el(item, "responseDeclaration", identifier="RESPONSE", cardinality="multiple" if multiple else "single",
                 baseType="identifier")
        cr = _el(rd, "correctResponse")
        ci = _el(body, "choiceInteraction", responseIdentifier="RESPONSE", shuffle="false",
                 maxChoices="0" if multiple else "1")
        if isinstance(spec, TrueFalseSpec):
            _el(cr, "value", "true" if pr.parts[0].answer else "false")
            for cid in ("true", "false"):
                _el(ci, "simpleChoice", WORDS[cid].get(self.lang), identifier=cid)
        else:
            for letter in sorted(pr.parts[0].answer):
                _el(cr, "value", letter)
            for i, opt in enumerate(pr.options):
                sc = _el(ci, "simpleChoice", identifier=LETTERS[i])
                frag = parse(f"<span>{self.html.segs(segments(opt.get(self.lang)))}</span>")[0]
                sc.text = f"{LETTERS[i]}. " + (frag.text or "")
                sc.extend(list(frag))
        cond = _el(rp, "responseCondition")
        full = _el(cond, "responseIf")
        m = _el(full, "match")
        _el(m, "variable", identifier="RESPONSE")
        _el(m, "correct", identifier="RESPONSE")
        _set(full, "SCORE", _score(it.points))
        if multiple:  # a non-empty subset of the key: half the points, as the grader gives
            half = _el(cond, "responseElseIf")
            both = _el(half, "and")
            _el(_el(_el(both, "not"), "isNull"), "variable", identifier="RESPONSE")
            c = _el(both, "contains")
            _el(c, "correct", identifier="RESPONSE")
            _el(c, "variable", identifier="RESPONSE")
            _set(half, "SCORE", _score(it.points / 2))

    def essay(self, it: DocItem, item: ET.Element, body: ET.Element) -> None:
        _el(item, "responseDeclaration", identifier="RESPONSE", cardinality="single", baseType="string")
        rubric = _el(body, "rubricBlock", view="scorer")
        rubric.extend(parse(self.html.blocks(exact_key(it, self.lang))))
        body.extend(parse(self.html.blocks(it.body)))
        _el(body, "extendedTextInteraction", responseIdentifier="RESPONSE",
            expectedLines=str(max(5, min(20, int(it.points * 3)))))

    def fill(self, it: DocItem, body: ET.Element) -> list[Field]:
        spec = it.problem.parts[0].spec
        assert isinstance(spec, FillSpec)
        n = len(spec.blanks)
        fields = [Field(f"RESPONSE_{i + 1}", it.points / n, alts=alternatives(spec.blanks[i])) for i in range(n)]

        def blank(seg: Segment) -> str:
            i = (seg.get("n") or 1) - 1
            return (f"<sup>({i + 1})</sup>" if n > 1 else "") + \
                f'<textEntryInteraction responseIdentifier="{fields[i].rid}" expectedLength="12"/>'

        body.extend(parse(LmsHtml(self.lang, blank=blank).blocks(it.body)))
        return fields

    def parts(self, it: DocItem, body: ET.Element) -> list[Field]:
        """A computational problem: the stem, then per part its label, points and one field per number."""
        pr = it.problem
        body.extend(parse(self.html.blocks(it.body)))
        fields: list[Field] = []
        for i, p in enumerate(pr.parts, 1):
            head = (f"<b>({i}) {label_html(p.label.get(self.lang))}</b> "
                    f"({esc(pts(pr.part_points(p)))}){'：' if self.lang == 'zh' else ': '}")
            es = entries(p)
            share = pr.part_points(p) / (len(es) if es else 1)
            if es is None:
                f = Field(f"RESPONSE_{len(fields) + 1}", share, alts=alternatives(self._forms(p)))
                fields.append(f)
                body.extend(parse(f'<p>{head}<textEntryInteraction responseIdentifier="{f.rid}" expectedLength="16"/>'
                                  f' <span class="form">{esc(form_line(p.spec, self.lang))}</span></p>'))
                continue
            new = [Field(f"RESPONSE_{len(fields) + k + 1}", share, numeric=(e.value, e.tol))
                   for k, e in enumerate(es)]
            fields += new
            codes = [f'<textEntryInteraction responseIdentifier="{f.rid}" expectedLength="8"/>' for f in new]
            kind = p.spec.kind
            if kind == "matrix":
                cols = p.spec.cols  # type: ignore[attr-defined]
                rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in codes[r:r + cols]) + "</tr>"
                               for r in range(0, len(codes), cols))
                body.extend(parse(f'<p>{head}</p><table class="matrix"><tbody>{rows}</tbody></table>'))
            elif kind == "shape":
                body.extend(parse(f"<p>{head}{' × '.join(codes)}</p>"))
            elif len(codes) > 1:
                body.extend(parse(f"<p>{head}[{', '.join(codes)}]</p>"))
            else:
                body.extend(parse(f"<p>{head}{codes[0]}</p>"))
        return fields

    @staticmethod
    def _forms(p: Part) -> list[str]:
        return label_forms(p) if isinstance(p.spec, LabelsSpec) else [str(p.answer)]


def _xml(el: ET.Element, indent: bool = True) -> bytes:
    """UTF-8 XML; items are not indented (white space added between inline elements would show)."""
    if indent:
        ET.indent(el, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(el, encoding="utf-8", xml_declaration=False) + b"\n"


def test_xml(its: list[DocItem], lang: str, test_id: str) -> ET.Element:
    """The assessmentTest: one testPart, a section per chapter, SCORE = the sum of the item scores."""
    title = "examgen 练习" if lang == "zh" else "examgen practice"
    t = ET.Element("assessmentTest", {"xmlns": NS, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{NS} {QTI_XSD}",
                                      "identifier": test_id, "title": title, "toolName": "examgen"})
    _el(t, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    part = _el(t, "testPart", identifier="part_1", navigationMode="nonlinear", submissionMode="individual")
    chapters: dict[str, ET.Element] = {}
    for it in its:
        sec = chapters.get(it.chapter)
        if sec is None:
            sec = chapters[it.chapter] = _el(part, "assessmentSection",
                                             identifier="section_" + re.sub(r"[^A-Za-z0-9_.-]", "_", it.chapter),
                                             title=chapter_name(it.chapter, lang), visible="true")
        _el(sec, "assessmentItemRef", identifier=ident(it.ref), href=f"items/{ident(it.ref)}.xml")
    op = _el(t, "outcomeProcessing")
    sov = _el(op, "setOutcomeValue", identifier="SCORE")
    _el(_el(sov, "sum"), "testVariables", variableIdentifier="SCORE")
    return t


def manifest(its: list[DocItem], test_id: str) -> ET.Element:
    m = ET.Element("manifest", {"xmlns": CP, "xmlns:xsi": XSI, "identifier": "manifest_" + test_id,
                                "xsi:schemaLocation": f"{CP} {CP_XSD}"})
    md = _el(m, "metadata")
    _el(md, "schema", "QTIv2.1 Package")
    _el(md, "schemaversion", "1.0.0")
    _el(m, "organizations")
    res = _el(m, "resources")
    t = _el(res, "resource", identifier=test_id, type="imsqti_test_xmlv2p1", href="assessment.xml")
    _el(t, "file", href="assessment.xml")
    for it in its:
        _el(t, "dependency", identifierref=ident(it.ref))
    for it in its:
        r = _el(res, "resource", identifier=ident(it.ref), type="imsqti_item_xmlv2p1",
                href=f"items/{ident(it.ref)}.xml")
        _el(r, "file", href=f"items/{ident(it.ref)}.xml")
    return m


def files(problems: list[Problem], lang: str) -> dict[str, bytes]:
    """The package's files by path: manifest, test, one file per item."""
    its = items(problems, lang)
    test_id = "test_" + hashlib.sha256("|".join([lang] + [it.ref for it in its]).encode()).hexdigest()[:12]
    w = _Writer(lang)
    out = {"imsmanifest.xml": _xml(manifest(its, test_id)), "assessment.xml": _xml(test_xml(its, lang, test_id))}
    for it in its:
        out[f"items/{ident(it.ref)}.xml"] = _xml(w.item(it), indent=False)
    return out


def render(problems: list[Problem], lang: str) -> bytes:
    """The content package as zip bytes (fixed dates: the same problems give the same bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path, data in files(problems, lang).items():
            z.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()
