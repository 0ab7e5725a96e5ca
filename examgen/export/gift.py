"""GIFT writer (Moodle's plain-text question format, UTF-8, `[html]` markup).

GIFT has one answer set per question and no cloze, so a problem with several answers becomes several questions:

* single choice `{=A ~B …}`; multiple choice `{~%50%A ~%-100%B …}` (100/k % per correct option, −100 % per
  wrong one, so a wrong pick scores 0 as in the grader); true / false `{T}` / `{F}`;
* fill-in: the answer set `{=alt1 =alt2}` stands where the blank is; with several blanks, one question per
  blank (the others stay ____);
* short answer → essay `{}`; GIFT has no grader-information field, so the reference answer and the marking scheme
  go into the general feedback (`####`);
* a computational problem: one numerical question `{#value:tolerance}` per number asked (per part, and per entry
  of a vector or matrix of decimals), tolerance as in the grader; a whole-number vector or matrix is one short
  answer accepting `1 2; 3 4`, `1,2;3,4`, `1, 2; 3, 4` and `[[1, 2], [3, 4]]`; a shape a short answer accepting
  `8×8×256`, `8x8x256`, `8*8*256`, `(8, 8, 256)` and `8,8,256`; labels a short answer with their usual spellings.

Moodle matches short answers with `*` as a wildcard, so a literal `*` is written `\\\\*` (GIFT reads that as
`\\*`, which Moodle matches as a star); each alternative also comes in its NFKC form and without white space, as
the grader compares (`quiz.alternatives`). Worked steps go into the general feedback. Categories as in the Moodle
export: `$course$/top/examgen/<chapter>/<kind>`. Special characters `~ = # :` and `\\` are escaped with a backslash; in
HTML text (question, options, feedback) `{ }` are written `&#123; &#125;`, which Moodle shows as braces."""

from __future__ import annotations

from examgen.answer_form import form_line
from examgen.export.document import WORDS, DocItem, LETTERS, Segment, label_forms, pts, segments
from examgen.export.html import esc
from examgen.export.moodle import fraction, stem
from examgen.export.quiz import (
    LmsHtml, alternatives, category, entries, exact_key, items, label_html, literal, name,
)
from examgen.mathfmt import num
from examgen.model import ChoiceSpec, FillSpec, LabelsSpec, Problem, RubricSpec, ShapeSpec, TrueFalseSpec

_SPECIAL = "\\~=#{}:"


def gift_escape(s: str) -> str:
    """Plain text (titles, short-answer alternatives): special characters get a backslash."""
    out = []
    for ch in s.replace("\r", "").replace("\n", " "):
        out.append("\\" + ch if ch in _SPECIAL else ch)
    return "".join(out)


def gift_html(s: str) -> str:
    """HTML text (question, options, feedback): braces become character references (`&#123;`), which Moodle
    renders as braces and which no GIFT reader can mistake for the end of an answer set; the rest as above."""
    return gift_escape(s.replace("{", "&#123;").replace("}", "&#125;"))


def matrix_forms(values: list, integer: bool) -> list[str]:
    """Spellings of a whole-number vector or matrix answer: `1 2; 3 4`, `1, 2; 3, 4`, `[[1, 2], [3, 4]]` …"""
    def n(v: float) -> str:
        return str(int(round(v))) if integer else num(v, 10)

    if values and isinstance(values[0], list):
        rows = [[n(v) for v in r] for r in values]
        forms = ["; ".join(" ".join(r) for r in rows), ";".join(",".join(r) for r in rows),
                 "; ".join(", ".join(r) for r in rows), "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]"]
    else:
        vals = [n(v) for v in values]
        forms = [", ".join(vals), " ".join(vals), ",".join(vals), "[" + ", ".join(vals) + "]"]
    return list(dict.fromkeys(forms))


def shape_forms(values: list[int]) -> list[str]:
    v = [str(x) for x in values]
    return list(dict.fromkeys(["×".join(v), "x".join(v), "*".join(v), "(" + ", ".join(v) + ")", ",".join(v)]))


class _Writer:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.html = LmsHtml(lang, inline_style=True)

    def q(self, title: str, head_html: str, answer: str, feedback_html: str, tail_html: str = "") -> str:
        fb = f"####{gift_html(feedback_html)}" if feedback_html else ""
        return (f"::{gift_escape(title)}::[html]{gift_html(head_html)}{{{answer}{fb}}}"
                f"{gift_html(tail_html)}")

    @staticmethod
    def short(forms: list[str]) -> str:
        """A short-answer set: every spelling, `*` literal, GIFT specials escaped."""
        return " ".join("=" + gift_escape(literal(f)) for f in alternatives(forms))

    def questions(self, it: DocItem) -> list[str]:
        pr = it.problem
        spec = pr.parts[0].spec
        feedback = self.html.blocks(exact_key(it, self.lang))
        body = self.html.blocks(stem(it))
        title = name(it)
        if isinstance(spec, ChoiceSpec):
            correct = set(pr.parts[0].answer)
            k = max(1, len(correct))
            opts = []
            for i, o in enumerate(pr.options):
                letter = LETTERS[i]
                # the letter is part of the option's text: GIFT cannot turn Moodle's shuffling off, and the
                # feedback and explanations name options by letter ("D is wrong")
                text = gift_escape(f"{letter}. ") + gift_html(self.html.segs(segments(o.get(self.lang))))
                if spec.multiple:
                    fr = 100 / k if letter in correct else -100
                    opts.append(f"~%{fraction(fr)}%{text}")
                else:
                    opts.append(("=" if letter in correct else "~") + text)
            return [self.q(title, body, " ".join(opts), feedback)]
        if isinstance(spec, TrueFalseSpec):
            return [self.q(title, body, "T" if pr.parts[0].answer else "F", feedback)]
        if isinstance(spec, FillSpec):
            return self.fill(it, spec, feedback)
        if isinstance(spec, RubricSpec):
            return [self.q(title, body, "", feedback)]
        out = []
        multi = len(pr.parts) > 1
        for i, p in enumerate(pr.parts, 1):
            label = label_html(p.label.get(self.lang))
            ptxt = pts(pr.part_points(p))
            where = f" ({i})" if multi else ""
            form = f' <span style="color:#666">{esc(form_line(p.spec, self.lang))}</span>'
            if isinstance(p.spec, (ShapeSpec, LabelsSpec)):
                forms = shape_forms(p.answer) if isinstance(p.spec, ShapeSpec) else label_forms(p)
                ask = f"<p><b>{label}</b> ({esc(ptxt)}){form}</p>"
                out.append(self.q(f"{title}{where}", body + ask, self.short(forms), feedback))
                continue
            es = entries(p)
            if es is None:  # any other answer: exact text
                out.append(self.q(f"{title}{where}", body, self.short([str(p.answer)]), feedback))
                continue
            if len(es) > 1 and getattr(p.spec, "integer", False):
                # whole numbers are exact: one short answer for the whole vector or matrix, not one per entry
                ask = f"<p><b>{label}</b> ({esc(ptxt)}){form}</p>"
                out.append(self.q(f"{title}{where}", body + ask, self.short(matrix_forms(p.answer, True)), feedback))
                continue
            for e in es:
                which = f"{label} {esc(e.suffix)}".strip()
                ask = f"<p><b>{which}</b> ({esc(ptxt)})</p>"
                out.append(self.q(f"{title}{where}{(' ' + e.suffix) if e.suffix else ''}", body + ask,
                                  f"#{e.value_text}:{e.tol_text}", feedback))
        return out

    def fill(self, it: DocItem, spec: FillSpec, feedback: str) -> list[str]:
        """The answer set where the blank is; one question per blank."""
        n = len(spec.blanks)
        out = []
        for k in range(1, n + 1):
            marker = "\x00BLANK\x00"

            def blank(seg: Segment, k: int = k) -> str:
                if (seg.get("n") or 1) == k:
                    return marker
                return f"<sup>({seg.get('n')})</sup>____"

            html = LmsHtml(self.lang, blank=blank, inline_style=True).blocks(stem(it))
            head, _, tail = html.partition(marker)
            ans = self.short(list(spec.blanks[k - 1]))
            title = name(it) + (f" (blank {k})" if n > 1 else "")
            out.append(self.q(title, head, ans, feedback, tail))
        return out


def render(problems: list[Problem], lang: str) -> bytes:
    w = _Writer(lang)
    its = items(problems, lang)
    word = WORDS["key"].get(lang)
    lines = [f"// examgen GIFT export · {len(its)} problem{'' if len(its) == 1 else 's'} · lang {lang} · {word} in the general feedback", ""]
    last = None
    for it in its:
        cat = category(it)
        if cat != last:
            lines += [f"$CATEGORY: $course$/top/{cat}", ""]
            last = cat
        for q in w.questions(it):
            lines += [q, ""]
    return "\n".join(lines).encode("utf-8")
