"""Moodle XML writer (UTF-8, built with xml.etree so every text is escaped correctly).

Every answer is written so that Moodle's own matching accepts what examgen's grader accepts and rejects what it
rejects (tests/moodle_rules.py re-implements those rules from Moodle's source and checks every exported answer):

* single / multiple choice → `multichoice` (options in the bank's order: explanations refer to letters;
  a multiple-choice item gives each correct option 100/k % and each wrong one −100 %, so any wrong pick scores 0
  as in the grader);
* true / false → `truefalse`;
* fill-in with one blank → `shortanswer` (every accepted alternative, case-insensitive, `*` written `\\*` so it
  is no wildcard); with several blanks → a `cloze` question with one SHORTANSWER field per blank, where the blank
  is;
* short answer → `essay`, with the reference answer and the marking scheme (key points and their points) in the
  grader information;
* a computational problem with one number → `numerical`, tolerance as in the grader (`grading.tolerance`;
  whole numbers exact); with several parts or numbers (shapes, vectors, matrices) → one `cloze` question per
  variant with a NUMERICAL field per number (SHORTANSWER for labels), weighted by the parts' points.

Cloze answers are HTML-entity encoded where a character means something to Moodle's cloze parser (`}` `#` `~`
`\\`, and `& < > "`): Moodle decodes entities in every field answer (`qtype_multianswer_extract_question`) but
un-escapes only `\\}` and `\\#`, so `\\/` or `\\~` would stay in the answer. Cloze field weights must be
whole numbers and Moodle takes their sum as the question's mark (it ignores `defaultgrade`), so the weights add
up to the paper's points whenever every field can carry a whole point (each within one point of the grader's
share), else they are the smallest whole numbers in the grader's proportion (`quiz.weights`).

The worked steps and explanations go into the general feedback. Every question sits in the category
`$course$/top/examgen/<chapter>/<kind>` (one question per variant inside a category per kind, ready for Moodle's
"random question from category"); its ID number is the bank id or `kind:seed`. Math is plain Unicode."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from examgen.export.document import WORDS, DocItem, LETTERS, Segment, label_forms, pts, segments
from examgen.answer_form import form_line
from examgen.export.html import esc
from examgen.export.quiz import (
    LmsHtml, alternatives, category, entries, exact_key, is_numerical, items, label_html, literal, name,
    visible_blank, weights,
)
from examgen.model import ChoiceSpec, FillSpec, LabelsSpec, Problem, RubricSpec, TrueFalseSpec

PENALTY = "0.3333333"


def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = "html", **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, **attrs)
    if fmt:
        el.set("format", fmt)
    ET.SubElement(el, "text").text = text
    return el


def _simple(parent: ET.Element, tag: str, value: str) -> ET.Element:
    el = ET.SubElement(parent, tag)
    el.text = value
    return el


def stem(it: DocItem) -> list[dict[str, Any]]:
    """The question without its options (Moodle and GIFT list the options as answers)."""
    return [b for b in it.body if b.get("kind") != "options"]


_CLOZE_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "}": "&#125;", "#": "&#35;",
                   "~": "&#126;", "\\": "&#92;"}


def cloze_answer(text: str) -> str:
    """A short-answer alternative as it goes into a cloze field: `*` made literal, then every character that
    Moodle's cloze parser or HTML gives a meaning written as an entity (Moodle decodes them); `/` as it is."""
    return "".join(_CLOZE_ENTITIES.get(ch, ch) for ch in literal(text))


def cloze_shortanswer(weight: int, alts: list[str]) -> str:
    return f"{{{weight}:SHORTANSWER:" + "~".join("=" + cloze_answer(a) for a in alternatives(alts)) + "}"


def fraction(x: float) -> str:
    return f"{x:.5f}".rstrip("0").rstrip(".")


class _Writer:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.html = LmsHtml(lang, inline_style=True, blank=visible_blank)

    def question(self, it: DocItem) -> ET.Element:
        spec = it.problem.parts[0].spec
        if isinstance(spec, ChoiceSpec):
            return self.multichoice(it, spec)
        if isinstance(spec, TrueFalseSpec):
            return self.truefalse(it)
        if isinstance(spec, FillSpec):
            return self.shortanswer(it, spec) if len(spec.blanks) == 1 else self.cloze(it)
        if isinstance(spec, RubricSpec):
            return self.essay(it)
        if is_numerical(it):
            return self.numerical(it)
        return self.cloze(it)

    def _head(self, it: DocItem, qtype: str, body: str | None = None) -> ET.Element:
        q = ET.Element("question", type=qtype)
        _text(q, "name", name(it), fmt=None)
        _text(q, "questiontext", body if body is not None else self.html.blocks(stem(it)))
        _text(q, "generalfeedback", self.html.blocks(exact_key(it, self.lang)))
        if qtype != "cloze":
            _simple(q, "defaultgrade", pts(it.points))
        _simple(q, "penalty", PENALTY)
        _simple(q, "hidden", "0")
        _simple(q, "idnumber", it.ref)
        return q

    def multichoice(self, it: DocItem, spec: ChoiceSpec) -> ET.Element:
        q = self._head(it, "multichoice")
        correct = set(it.problem.parts[0].answer)
        _simple(q, "single", "false" if spec.multiple else "true")
        _simple(q, "shuffleanswers", "0")
        _simple(q, "answernumbering", "ABCD")
        k = max(1, len(correct))
        for i, opt in enumerate(it.problem.options):
            letter = LETTERS[i]
            if spec.multiple:
                fr = 100 / k if letter in correct else -100
            else:
                fr = 100 if letter in correct else 0
            a = _text(q, "answer", self.html.segs(segments(opt.get(self.lang))), fraction=fraction(fr))
            _text(a, "feedback", "")
        return q

    def truefalse(self, it: DocItem) -> ET.Element:
        q = self._head(it, "truefalse")
        ans = bool(it.problem.parts[0].answer)
        for word, value in (("true", True), ("false", False)):
            a = _text(q, "answer", word, fmt="moodle_auto_format", fraction="100" if ans == value else "0")
            _text(a, "feedback", "")
        return q

    def shortanswer(self, it: DocItem, spec: FillSpec) -> ET.Element:
        q = self._head(it, "shortanswer")
        _simple(q, "usecase", "0")
        for alt in alternatives(spec.blanks[0]):
            a = _text(q, "answer", literal(alt), fmt="moodle_auto_format", fraction="100")
            _text(a, "feedback", "")
        return q

    def essay(self, it: DocItem) -> ET.Element:
        q = ET.Element("question", type="essay")
        _text(q, "name", name(it), fmt=None)
        _text(q, "questiontext", self.html.blocks(it.body))
        word = WORDS["explanation"].get(self.lang)
        expl = [b for b in it.key if b.get("kind") == "rich" and b["segments"]
                and b["segments"][0] == {"kind": "bold", "value": word}]
        _text(q, "generalfeedback", self.html.blocks(expl))
        _simple(q, "defaultgrade", pts(it.points))
        _simple(q, "penalty", "0")
        _simple(q, "hidden", "0")
        _simple(q, "idnumber", it.ref)
        _simple(q, "responseformat", "editor")
        _simple(q, "responserequired", "1")
        _simple(q, "responsefieldlines", str(max(5, min(20, int(it.points * 3)))))
        _simple(q, "attachments", "0")
        _simple(q, "attachmentsrequired", "0")
        _text(q, "graderinfo", self.html.blocks(exact_key(it, self.lang)))
        _text(q, "responsetemplate", "")
        return q

    def numerical(self, it: DocItem) -> ET.Element:
        q = self._head(it, "numerical")
        (e,) = entries(it.problem.parts[0]) or []
        a = _text(q, "answer", e.value_text, fmt="moodle_auto_format", fraction="100")
        _simple(a, "tolerance", e.tol_text)
        _text(a, "feedback", "")
        _simple(q, "unitgradingtype", "0")
        _simple(q, "unitpenalty", "0.1000000")
        _simple(q, "showunits", "3")
        _simple(q, "unitsleft", "0")
        return q

    def cloze(self, it: DocItem) -> ET.Element:
        """One cloze question: NUMERICAL fields per number, SHORTANSWER for labels and fill-in blanks."""
        pr = it.problem
        spec0 = pr.parts[0].spec
        if isinstance(spec0, FillSpec):
            n = len(spec0.blanks)
            ws = weights([it.points], [n], it.points)

            def blank(seg: Segment) -> str:
                i = (seg.get("n") or 1) - 1
                return cloze_shortanswer(ws[i], list(spec0.blanks[i]))

            body = LmsHtml(self.lang, blank=blank, inline_style=True).blocks(it.body)
            return self._head(it, "cloze", body)
        parts = pr.parts
        counts = []
        for p in parts:
            e = entries(p)
            counts.append(len(e) if e else 1)
        ws = iter(weights([pr.part_points(p) for p in parts], counts, pr.points))
        fields = []
        for i, p in enumerate(parts):
            e = entries(p)
            label = f"<b>({i + 1}) {label_html(p.label.get(self.lang))}</b> ({esc(pts(pr.part_points(p)))}): "
            if e is None:
                forms = label_forms(p) if isinstance(p.spec, LabelsSpec) else [str(p.answer)]
                hint = f' <span style="color:#666">{esc(form_line(p.spec, self.lang))}</span>'
                fields.append(f"<p>{label}{cloze_shortanswer(next(ws), forms)}{hint}</p>")
                continue
            codes = [f"{{{next(ws)}:NUMERICAL:={x.value_text}:{x.tol_text}}}" for x in e]
            spec = p.spec
            if spec.kind == "matrix":
                rows = []
                for r in range(spec.rows):  # type: ignore[attr-defined]
                    cells = codes[r * spec.cols:(r + 1) * spec.cols]  # type: ignore[attr-defined]
                    rows.append("<tr>" + "".join(f'<td style="padding:2px">{c}</td>' for c in cells) + "</tr>")
                fields.append(f"<p>{label}</p><table>{''.join(rows)}</table>")
            elif spec.kind == "shape":
                fields.append(f"<p>{label}{' × '.join(codes)}</p>")
            elif len(codes) > 1:
                fields.append(f"<p>{label}[{', '.join(codes)}]</p>")
            else:
                fields.append(f"<p>{label}{codes[0]}</p>")
        return self._head(it, "cloze", self.html.blocks(it.body) + "".join(fields))


def render(problems: list[Problem], lang: str) -> bytes:
    """Moodle XML for the problems (each distinct problem once), grouped in a category per chapter and kind."""
    w = _Writer(lang)
    root = ET.Element("quiz")
    groups: dict[str, list[DocItem]] = {}
    for it in items(problems, lang):
        groups.setdefault(category(it), []).append(it)
    for cat, its in groups.items():
        q = ET.SubElement(root, "question", type="category")
        _text(q, "category", f"$course$/top/{cat}", fmt=None)
        _text(q, "info", "", fmt="html")
        for it in its:
            root.append(w.question(it))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def parse_numeric(q: Any) -> tuple[float, float]:
    """(value, tolerance) of a parsed numerical question element (used by the tests and for checks)."""
    a = q.find("answer")
    return float(a.findtext("text")), float(a.findtext("tolerance"))
