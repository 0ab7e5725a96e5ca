"""QTI 2.1 and IMS Content Packaging rules for the tests (never imported by examgen).

The IMS XSD (`imsqti_v2p1.xsd`, 565 kB, with its imports of xml.xsd, XInclude, MathML 2 and APIP) is not in any
package this project can install, so the tests cannot run a schema validator on it. Instead this module holds
the content models of every QTI element the writer uses (named after the XSD's complex types at each rule):
element order and counts, required and allowed attributes, enumerations and value types, and which XHTML
elements may stand where (block / inline / flow, as the XSD's groups allow). AssessmentItem, AssessmentTest,
AssessmentSection, AssessmentItemRef, ChoiceInteraction, CorrectResponse, ExtendedTextInteraction, ItemBody, LI,
OUL, Mapping and OutcomeDeclaration were compared with the XSD's text (the copy in oat-sa/extension-tao-itemqti,
read with the search tool); the others follow the QTI 2.1 information model. Where in doubt the rules are
stricter than the XSD (a list needs an item, a rubric holds blocks). On top of what the XSD checks it checks what a
delivery engine needs (JQTI+/OpenOLAT validate these too): every identifier a rule or interaction uses is
declared, `correct` and `mapResponse` have what they read, values parse for their base type.

`score` runs an item's response processing (QTI 2.1 §5 semantics, NULL included) for the expressions the
writer emits, so the tests can grade responses as a QTI engine would."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XSI_LOC = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"

BASE_TYPES = {"boolean", "directedPair", "duration", "file", "float", "identifier", "integer", "intOrIdentifier",
              "pair", "point", "string", "uri"}
CARDINALITY = {"multiple", "ordered", "record", "single"}
VIEWS = {"author", "candidate", "proctor", "scorer", "testConstructor", "tutor"}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
BOOL = {"true", "false"}

# ---------------------------------------------------------------- XHTML content (the XSD's groups)
INLINE_HTML = {"a", "abbr", "acronym", "b", "big", "br", "cite", "code", "dfn", "em", "i", "img", "kbd", "q",
               "samp", "small", "span", "strong", "sub", "sup", "tt", "var"}
BLOCK_HTML = {"address", "blockquote", "div", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "p", "pre",
              "table", "ul"}
INLINE_INTERACTIONS = {"textEntryInteraction", "inlineChoiceInteraction", "endAttemptInteraction"}
BLOCK_INTERACTIONS = {"choiceInteraction", "extendedTextInteraction", "orderInteraction", "matchInteraction",
                      "associateInteraction", "uploadInteraction", "sliderInteraction", "hottextInteraction"}
HTML_ATTRS = {"id", "class", "label", XML_LANG}
CELL_ATTRS = {"abbr", "axis", "colspan", "headers", "rowspan", "scope"}


@dataclass(frozen=True)
class Model:
    """Children: a sequence of (names, min, max) or `mixed` content drawn from a set; attributes."""

    seq: tuple[tuple[frozenset[str], int, float], ...] | None = None
    content: frozenset[str] | None = None  # free order: any of these, any number of times
    text: bool = False  # character data allowed
    at_least: int = 0  # children a free-order content needs (ItemBody.Type: minOccurs 1)
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()


def S(*names: str) -> frozenset[str]:
    return frozenset(names)


INF = float("inf")
EXPR = S("roundTo", "patternMatch", "and", "or", "not", "isNull", "match", "equal", "contains", "gt", "lt", "gte", "lte", "sum", "product",
         "variable", "correct", "baseValue", "mapResponse", "null", "member", "multiple", "testVariables")
RESPONSE_RULES = S("responseCondition", "setOutcomeValue", "exitResponse")
INLINE = frozenset(INLINE_HTML | INLINE_INTERACTIONS)
FLOW = frozenset(INLINE | BLOCK_HTML | BLOCK_INTERACTIONS)
FLOW_STATIC = frozenset(INLINE_HTML | BLOCK_HTML)
HTML = frozenset(HTML_ATTRS)

MODELS: dict[str, Model] = {
    # AssessmentItem.Type
    "assessmentItem": Model(seq=((S("responseDeclaration"), 0, INF), (S("outcomeDeclaration"), 0, INF),
                                 (S("templateDeclaration"), 0, INF), (S("templateProcessing"), 0, 1),
                                 (S("stylesheet"), 0, INF), (S("itemBody"), 0, 1), (S("responseProcessing"), 0, 1),
                                 (S("modalFeedback"), 0, INF)),
                            required=S("identifier", "title", "adaptive", "timeDependent"),
                            optional=S("label", XML_LANG, "toolName", "toolVersion", XSI_LOC)),
    # ResponseDeclaration.Type
    "responseDeclaration": Model(seq=((S("defaultValue"), 0, 1), (S("correctResponse"), 0, 1),
                                      (S("mapping", "areaMapping"), 0, 1)),
                                 required=S("identifier", "cardinality"), optional=S("baseType")),
    # OutcomeDeclaration.Type
    "outcomeDeclaration": Model(seq=((S("defaultValue"), 0, 1), (S("matchTable", "interpolationTable"), 0, 1)),
                                required=S("identifier", "cardinality"),
                                optional=S("baseType", "view", "interpretation", "longInterpretation",
                                           "normalMaximum", "normalMinimum", "masteryValue")),
    "defaultValue": Model(seq=((S("value"), 1, INF),), optional=S("interpretation")),
    "correctResponse": Model(seq=((S("value"), 1, INF),), optional=S("interpretation")),
    "value": Model(text=True, optional=S("fieldIdentifier", "baseType")),
    # Mapping.Type, MapEntry.Type
    "mapping": Model(seq=((S("mapEntry"), 1, INF),), optional=S("lowerBound", "upperBound", "defaultValue")),
    "mapEntry": Model(required=S("mapKey", "mappedValue"), optional=S("caseSensitive")),
    # ItemBody.Type: blocks only (mixed="false")
    "itemBody": Model(content=frozenset(BLOCK_HTML | BLOCK_INTERACTIONS | {"rubricBlock"}), optional=HTML,
                      at_least=1),
    # RubricBlock.Type
    "rubricBlock": Model(content=FLOW_STATIC, text=True, required=S("view"), optional=HTML | S("use")),
    # ChoiceInteraction.Type, SimpleChoice.Type
    "choiceInteraction": Model(seq=((S("prompt"), 0, 1), (S("simpleChoice"), 1, INF)),
                               required=S("responseIdentifier"),
                               optional=HTML | S("shuffle", "maxChoices", "minChoices", "orientation")),
    "simpleChoice": Model(content=FLOW_STATIC, text=True, required=S("identifier"),
                          optional=HTML | S("fixed", "templateIdentifier", "showHide")),
    "prompt": Model(content=INLINE, text=True, optional=HTML),
    # TextEntryInteraction.Type, ExtendedTextInteraction.Type
    "textEntryInteraction": Model(required=S("responseIdentifier"),
                                  optional=HTML | S("base", "stringIdentifier", "expectedLength", "patternMask",
                                                    "placeholderText")),
    "extendedTextInteraction": Model(seq=((S("prompt"), 0, 1),), required=S("responseIdentifier"),
                                     optional=HTML | S("base", "stringIdentifier", "expectedLength", "patternMask",
                                                       "placeholderText", "maxStrings", "minStrings",
                                                       "expectedLines", "format")),
    # ResponseProcessing.Type and the rules
    "responseProcessing": Model(content=RESPONSE_RULES, optional=S("template", "templateLocation")),
    "responseCondition": Model(seq=((S("responseIf"), 1, 1), (S("responseElseIf"), 0, INF),
                                    (S("responseElse"), 0, 1))),
    "responseIf": Model(seq=((EXPR, 1, 1), (RESPONSE_RULES, 0, INF))),
    "responseElseIf": Model(seq=((EXPR, 1, 1), (RESPONSE_RULES, 0, INF))),
    "responseElse": Model(content=RESPONSE_RULES),
    "setOutcomeValue": Model(seq=((EXPR, 1, 1),), required=S("identifier")),
    # the expressions
    "and": Model(seq=((EXPR, 1, INF),)),
    "or": Model(seq=((EXPR, 1, INF),)),
    "sum": Model(seq=((EXPR, 1, INF),)),
    "product": Model(seq=((EXPR, 1, INF),)),
    "not": Model(seq=((EXPR, 1, 1),)),
    "isNull": Model(seq=((EXPR, 1, 1),)),
    "match": Model(seq=((EXPR, 2, 2),)),
    "contains": Model(seq=((EXPR, 2, 2),)),
    "gt": Model(seq=((EXPR, 2, 2),)),
    "equal": Model(seq=((EXPR, 2, 2),), required=S("toleranceMode"),
                   optional=S("tolerance", "includeLowerBound", "includeUpperBound")),
    "roundTo": Model(seq=((EXPR, 1, 1),), required=S("figures"), optional=S("roundingMode")),
    "patternMatch": Model(seq=((EXPR, 1, 1),), required=S("pattern")),
    "variable": Model(required=S("identifier"), optional=S("weightIdentifier")),
    "correct": Model(required=S("identifier")),
    "mapResponse": Model(required=S("identifier")),
    "baseValue": Model(text=True, required=S("baseType")),
    "testVariables": Model(required=S("variableIdentifier"),
                           optional=S("sectionIdentifier", "weightIdentifier", "baseType", "includeCategory",
                                      "excludeCategory")),
    # ModalFeedback.Type
    "modalFeedback": Model(content=FLOW_STATIC, text=True, required=S("outcomeIdentifier", "showHide", "identifier"),
                           optional=S("title")),
    # AssessmentTest.Type, TestPart.Type, AssessmentSection.Type, AssessmentItemRef.Type, OutcomeProcessing.Type
    "assessmentTest": Model(seq=((S("outcomeDeclaration"), 0, INF), (S("timeLimits"), 0, 1), (S("stylesheet"), 0, INF),
                                 (S("testPart"), 1, INF), (S("outcomeProcessing"), 0, 1),
                                 (S("testFeedback"), 0, INF)),
                            required=S("identifier", "title"), optional=S("toolName", "toolVersion", XSI_LOC)),
    "testPart": Model(seq=((S("preCondition"), 0, INF), (S("branchRule"), 0, INF), (S("itemSessionControl"), 0, 1),
                           (S("timeLimits"), 0, 1), (S("assessmentSection"), 1, INF), (S("testFeedback"), 0, INF)),
                      required=S("identifier", "navigationMode", "submissionMode")),
    "assessmentSection": Model(seq=((S("preCondition"), 0, INF), (S("branchRule"), 0, INF),
                                    (S("itemSessionControl"), 0, 1), (S("timeLimits"), 0, 1),
                                    (S("selection"), 0, 1), (S("ordering"), 0, 1), (S("rubricBlock"), 0, INF),
                                    (S("assessmentItemRef", "assessmentSection", "assessmentSectionRef"), 0, INF)),
                               required=S("identifier", "title", "visible"),
                               optional=S("required", "fixed", "keepTogether")),
    "assessmentItemRef": Model(seq=(), required=S("identifier", "href"), optional=S("required", "fixed", "category")),
    "outcomeProcessing": Model(content=S("setOutcomeValue", "outcomeCondition")),
}
# XHTML (P.Type, Div.Type, Span.Type …, Table.Type, TBody.Type, TR.Type, TD.Type, OL.Type, LI.Type, BR.Type)
for _tag in INLINE_HTML - {"br", "img"}:
    MODELS[_tag] = Model(content=INLINE, text=True, optional=HTML | (S("href", "type") if _tag == "a" else S()))
MODELS["br"] = Model(optional=HTML)
MODELS["p"] = Model(content=INLINE, text=True, optional=HTML)
MODELS["div"] = Model(content=FLOW, text=True, optional=HTML)
MODELS["table"] = Model(seq=((S("caption"), 0, 1), (S("col"), 0, INF), (S("colgroup"), 0, INF), (S("thead"), 0, 1),
                             (S("tfoot"), 0, 1), (S("tbody"), 1, INF)), optional=HTML | S("summary"))
for _tag in ("thead", "tbody", "tfoot"):
    MODELS[_tag] = Model(seq=((S("tr"), 1, INF),), optional=HTML)
MODELS["tr"] = Model(seq=((S("th", "td"), 1, INF),), optional=HTML)
MODELS["td"] = MODELS["th"] = Model(content=FLOW, text=True, optional=HTML | CELL_ATTRS)
MODELS["caption"] = Model(content=INLINE, text=True, optional=HTML)
MODELS["ol"] = MODELS["ul"] = Model(seq=((S("li"), 1, INF),), optional=HTML)
MODELS["li"] = Model(content=FLOW, text=True, optional=HTML)

ENUMS = {"roundingMode": {"significantFigures", "decimalPlaces"}, "baseType": BASE_TYPES, "cardinality": CARDINALITY, "showHide": {"show", "hide"},
         "toleranceMode": {"exact", "absolute", "relative"}, "navigationMode": {"linear", "nonlinear"},
         "submissionMode": {"individual", "simultaneous"}, "adaptive": BOOL, "timeDependent": BOOL, "shuffle": BOOL,
         "caseSensitive": BOOL, "visible": BOOL, "includeLowerBound": BOOL, "includeUpperBound": BOOL,
         "fixed": BOOL, "required": BOOL}
FLOATS = {"normalMaximum", "normalMinimum", "masteryValue", "lowerBound", "upperBound", "mappedValue"}
INTS = {"figures", "maxChoices", "minChoices", "expectedLength", "expectedLines", "colspan", "rowspan"}
IDENTS = {"identifier", "responseIdentifier", "outcomeIdentifier", "variableIdentifier"}


def _local(tag: str, ns: str) -> str:
    assert tag.startswith("{" + ns + "}"), f"{tag} is not in the namespace {ns}"
    return tag[len(ns) + 2:]


def _check_attrs(where: str, name: str, el: ET.Element, model: Model) -> None:
    attrs = set(el.attrib)
    missing = model.required - attrs
    assert not missing, f"{where}: <{name}> lacks {sorted(missing)}"
    extra = attrs - model.required - model.optional
    assert not extra, f"{where}: <{name}> does not allow {sorted(extra)}"
    for k, v in el.attrib.items():
        if k in ENUMS:
            assert v in ENUMS[k], f"{where}: <{name} {k}={v!r}>"
        if k in FLOATS or (k == "defaultValue" and name == "mapping"):
            float(v)
        if k in INTS:
            assert re.fullmatch(r"-?\d+", v), f"{where}: <{name} {k}={v!r}>"
        if k in IDENTS:
            assert NCNAME.match(v), f"{where}: <{name} {k}={v!r}> is no identifier"
        if k == "view":
            assert set(v.split()) <= VIEWS and v.split(), f"{where}: <{name} view={v!r}>"
        if k == "tolerance":
            vals = v.split()
            assert 1 <= len(vals) <= 2 and all(float(x) >= 0 for x in vals), f"{where}: tolerance {v!r}"


def check_element(el: ET.Element, ns: str = NS, where: str = "") -> None:
    """The element and everything under it against MODELS (AssertionError says where and what)."""
    name = _local(el.tag, ns)
    model = MODELS.get(name)
    assert model is not None, f"{where}: <{name}> is not an element the QTI 2.1 XSD allows here"
    here = f"{where}/{name}"
    _check_attrs(here, name, el, model)
    if not model.text:
        assert not (el.text or "").strip(), f"{here}: text {el.text!r} where <{name}> takes none"
        for c in el:
            assert not (c.tail or "").strip(), f"{here}: text {c.tail!r} where <{name}> takes none"
    names = [_local(c.tag, ns) for c in el]
    if model.seq is not None:
        i = 0
        for allowed, lo, hi in model.seq:
            n = 0
            while i < len(names) and names[i] in allowed and n < hi:
                i, n = i + 1, n + 1
            assert n >= lo, f"{here}: needs {lo}+ of {sorted(allowed)} at child {i} (children: {names})"
        assert i == len(names), f"{here}: <{names[i] if i < len(names) else ''}> out of place (children: {names})"
    elif model.content is not None:
        bad = [n for n in names if n not in model.content]
        assert not bad, f"{here}: <{bad[0]}> is not allowed inside <{name}>"
        assert len(names) >= model.at_least, f"{here}: <{name}> needs {model.at_least}+ children"
    else:
        assert not names, f"{here}: <{name}> is empty in the XSD, has {names}"
    if name == "baseValue" and el.get("baseType") == "float":
        float(el.text or "")
    for c in el:
        check_element(c, ns, here)


# ---------------------------------------------------------------- an item's own consistency
def check_item(item: ET.Element) -> dict[str, ET.Element]:
    """Schema rules plus what an engine needs; returns the declarations by identifier."""
    check_element(item)
    q = f"{{{NS}}}"
    decls: dict[str, ET.Element] = {}
    for d in list(item.iter(q + "responseDeclaration")) + list(item.iter(q + "outcomeDeclaration")):
        ident = d.get("identifier")
        assert ident not in decls, f"{ident} declared twice"
        decls[ident] = d
        if d.get("cardinality") == "single":
            for holder in ("defaultValue", "correctResponse"):
                h = d.find(q + holder)
                assert h is None or len(h) == 1, f"{ident}: one value for a single cardinality"
        for v in d.iter(q + "value"):
            _parse(d.get("baseType"), v.text)
    responses = {k for k, d in decls.items() if d.tag == q + "responseDeclaration"}
    outcomes = set(decls) - responses
    for inter in [e for e in item.iter() if e.tag.endswith("Interaction")]:
        rid = inter.get("responseIdentifier")
        assert rid in responses, f"interaction bound to undeclared {rid}"
        d = decls[rid]
        if inter.tag == q + "choiceInteraction":
            assert d.get("baseType") == "identifier"
            one = inter.get("maxChoices", "1") == "1"
            assert d.get("cardinality") == ("single" if one else "multiple"), rid
            ids = [c.get("identifier") for c in inter.findall(q + "simpleChoice")]
            assert len(ids) == len(set(ids)), f"{rid}: choice identifiers repeat"
            for v in d.iter(q + "value"):
                assert v.text in ids, f"{rid}: correct value {v.text} is no choice"
        else:
            assert d.get("cardinality") == "single" and d.get("baseType") in ("string", "float", "integer"), rid
    bound = {e.get("responseIdentifier") for e in item.iter() if e.tag.endswith("Interaction")}
    assert bound == responses, f"declared but not asked: {sorted(responses - bound)}"
    for e in item.iter():
        tag = e.tag[len(q):]
        if tag in ("variable", "correct", "mapResponse"):
            assert e.get("identifier") in decls, f"<{tag}> reads undeclared {e.get('identifier')}"
        if tag == "correct":
            assert decls[e.get("identifier")].find(q + "correctResponse") is not None
        if tag == "mapResponse":
            assert decls[e.get("identifier")].find(q + "mapping") is not None
        if tag == "setOutcomeValue":
            assert e.get("identifier") in outcomes, f"sets undeclared outcome {e.get('identifier')}"
        if tag == "baseValue":
            _parse(e.get("baseType"), e.text)
        if tag == "modalFeedback":
            assert e.get("outcomeIdentifier") in outcomes
    return decls


def _parse(base: str | None, text: str | None) -> Any:
    t = text or ""
    if base == "float":
        return float(t)
    if base == "integer":
        return int(t)
    if base == "boolean":
        assert t in BOOL
        return t == "true"
    if base == "identifier":
        assert NCNAME.match(t), f"{t!r} is no identifier"
    return t


# ---------------------------------------------------------------- content packaging (imscp_v1p1)
CP_MODELS = {
    "manifest": Model(seq=((S("metadata"), 0, 1), (S("organizations"), 1, 1), (S("resources"), 1, 1),
                           (S("manifest"), 0, INF)), required=S("identifier"), optional=S("version", XSI_LOC)),
    "metadata": Model(seq=((S("schema"), 0, 1), (S("schemaversion"), 0, 1))),
    "schema": Model(text=True), "schemaversion": Model(text=True),
    "organizations": Model(seq=((S("organization"), 0, INF),), optional=S("default")),
    "resources": Model(seq=((S("resource"), 0, INF),)),
    "resource": Model(seq=((S("metadata"), 0, 1), (S("file"), 0, INF), (S("dependency"), 0, INF)),
                      required=S("identifier", "type"), optional=S("href")),
    "file": Model(seq=(), required=S("href")),
    "dependency": Model(seq=(), required=S("identifierref")),
}


def check_manifest(m: ET.Element, paths: set[str]) -> dict[str, ET.Element]:
    """The manifest's structure (IMS CP 1.1), its identifiers (unique NCNames), dependencies that resolve,
    and files that are exactly the package's other files. Returns the resources by identifier."""
    saved = dict(MODELS)
    MODELS.clear()
    MODELS.update(CP_MODELS)
    try:
        check_element(m, CP)
    finally:
        MODELS.clear()
        MODELS.update(saved)
    q = f"{{{CP}}}"
    res = {r.get("identifier"): r for r in m.iter(q + "resource")}
    ids = [r.get("identifier") for r in m.iter(q + "resource")] + [m.get("identifier")]
    assert len(ids) == len(set(ids)) and all(NCNAME.match(i) for i in ids)
    listed = set()
    for r in res.values():
        assert r.get("type") in ("imsqti_item_xmlv2p1", "imsqti_test_xmlv2p1")
        files = [f.get("href") for f in r.findall(q + "file")]
        assert r.get("href") in files, r.get("identifier")
        listed.update(files)
        for d in r.findall(q + "dependency"):
            assert d.get("identifierref") in res
    assert listed == paths - {"imsmanifest.xml"}, (sorted(listed ^ (paths - {"imsmanifest.xml"})))
    return res


# ---------------------------------------------------------------- response processing
NULL = None
XSD_ESCAPES = set("nrt\\|.?*+(){}-[]^")


def _xsd_regex(pattern: str) -> str:
    """An XML Schema regex (the subset the writer uses: literals, single-character escapes, classes of
    literals, groups, |, \\s, *) as a Python one; an escape XML Schema does not know is an error."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1]
            assert nxt in XSD_ESCAPES or nxt == "s", f"\\{nxt} is no XML Schema escape"
            out.append("[ \\t\\n\\r]" if nxt == "s" else re.escape(nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def score(item: ET.Element, responses: dict[str, Any]) -> float:
    """Run the item's responseProcessing for `responses` (identifier → a str for string / float responses as
    typed, a list of choice identifiers for multiple cardinality; missing = NULL) and return SCORE.
    A float response that does not parse as a number is NULL (the engine refuses it)."""
    q = f"{{{NS}}}"
    decls = {d.get("identifier"): d for d in list(item.iter(q + "responseDeclaration"))
             + list(item.iter(q + "outcomeDeclaration"))}
    values: dict[str, Any] = {}
    for ident, d in decls.items():
        dv = d.find(q + "defaultValue")
        values[ident] = _parse(d.get("baseType"), dv[0].text) if dv is not None else NULL
    for ident, r in responses.items():
        d = decls[ident]
        if r is None or r == [] or (isinstance(r, str) and r == ""):
            values[ident] = NULL
        elif d.get("baseType") == "float":
            try:
                values[ident] = float(str(r).strip())
            except ValueError:
                values[ident] = NULL
        else:
            values[ident] = r

    def ev(e: ET.Element) -> Any:
        tag = e.tag[len(q):]
        kids = list(e)
        if tag == "baseValue":
            return _parse(e.get("baseType"), e.text)
        if tag == "variable":
            return values[e.get("identifier")]
        if tag == "correct":
            d = decls[e.get("identifier")]
            vs = [_parse(d.get("baseType"), v.text) for v in d.find(q + "correctResponse")]
            return vs if d.get("cardinality") == "multiple" else vs[0]
        if tag == "mapResponse":
            d = decls[e.get("identifier")]
            mp = d.find(q + "mapping")
            v = values[e.get("identifier")]
            if v is NULL:
                return float(mp.get("defaultValue", "0"))
            got = float(mp.get("defaultValue", "0"))
            for me in mp:
                key = me.get("mapKey")
                same = key == v if me.get("caseSensitive") == "true" else key.lower() == str(v).lower()
                if same:
                    got = float(me.get("mappedValue"))
                    break
            lo, hi = mp.get("lowerBound"), mp.get("upperBound")
            return min(float(hi), max(float(lo), got)) if lo and hi else got
        args = [ev(k) for k in kids]
        if tag == "isNull":
            return args[0] is NULL or args[0] == []
        if tag == "not":
            return NULL if args[0] is NULL else not args[0]
        if tag == "and":
            return False if False in args else (NULL if NULL in args else True)
        if tag == "or":
            return True if True in args else (NULL if NULL in args else False)
        if any(a is NULL for a in args):
            return NULL
        if tag == "match":
            a, b = args
            return sorted(a) == sorted(b) if isinstance(a, list) else a == b
        if tag == "contains":  # QTI: true when the first container contains the second
            a, b = args
            return all(a.count(x) >= b.count(x) for x in b)
        if tag == "equal":
            a, b = args
            mode = e.get("toleranceMode")
            if mode == "exact":
                return a == b
            tol = [float(t) for t in e.get("tolerance", "0").split()]
            t0, t1 = tol[0], tol[-1]
            if mode == "relative":
                lo, hi = b * (1 - t0 / 100), b * (1 + t1 / 100)
            else:
                lo, hi = b - t0, b + t1
            lo_ok = a >= lo if e.get("includeLowerBound", "true") == "true" else a > lo
            hi_ok = a <= hi if e.get("includeUpperBound", "true") == "true" else a < hi
            return lo_ok and hi_ok
        if tag == "gt":
            return args[0] > args[1]
        if tag == "roundTo":
            assert e.get("roundingMode") == "decimalPlaces"
            return round(args[0], int(e.get("figures")))
        if tag == "patternMatch":  # XML Schema regexes are anchored; their \s is space, tab, CR, LF only
            return re.fullmatch(_xsd_regex(e.get("pattern")), str(args[0]), re.S) is not None
        if tag == "sum":
            return float(sum(args))
        if tag == "product":
            out = 1.0
            for a in args:
                out *= a
            return out
        raise NotImplementedError(tag)

    def run(rules: list[ET.Element]) -> None:
        for r in rules:
            tag = r.tag[len(q):]
            if tag == "setOutcomeValue":
                values[r.get("identifier")] = ev(r[0])
            elif tag == "responseCondition":
                for branch in r:
                    btag = branch.tag[len(q):]
                    if btag == "responseElse":
                        run(list(branch))
                        break
                    if ev(branch[0]) is True:  # NULL counts as false
                        run(list(branch)[1:])
                        break
            else:
                raise NotImplementedError(tag)

    rp = item.find(q + "responseProcessing")
    run(list(rp))
    return float(values["SCORE"])
