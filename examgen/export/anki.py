"""Anki writer (`.apkg` with genanki), in a subdeck per chapter.

* a one-answer problem or bank item → one "examgen problem" note: front = the question (prompt, figures as
  tables, options), back = the answer (with the decimals the question asks for), the worked steps and the
  explanation or marking scheme;
* a problem with several parts → one "examgen part" note per part: the shared stem and the part asked on the front,
  that part's answer and its worked steps on the back, so each card is one thing to recall;
* a fill-in item → one "examgen cloze" note (Anki's cloze type): each blank is a deletion `{{c1::…}}`, the other
  accepted answers and the explanation in the Extra field;
* math as MathJax `\\(…\\)` / `\\[…\\]` (`examgen.export.latex`), which every Anki client renders; a style that
  follows the reviewer's night mode (no fixed colours; shading in translucent grey);
* tags: `examgen`, `chapter::<chapter>`, `kind::<kind>`, `section::<section>`;
* note types and decks have fixed ids, and each note's GUID is derived from the bank item id or kind + seed (and
  the part and the language), so importing a newer export updates the notes instead of adding new ones
  (an export without `--seed` takes a seed derived from the selection: `quiz.stable_seed`);
* reproducible: the notes' modification time (and the zip entries' dates) come from `SOURCE_DATE_EPOCH` when it
  is set, else from the current time — Anki only updates a note from an import that is newer than its copy."""

from __future__ import annotations

import io
import os
import sqlite3
import tempfile
import time
import zipfile
from dataclasses import replace
from typing import Any

from examgen.answer_form import form_line
from examgen.export.document import DocItem, Segment, chapter_name, key_blocks, pts
from examgen.export.html import BlockHtml, esc
from examgen.export.latex import to_latex
from examgen.export.quiz import exact_key, items, key_answer, label_html
from examgen.model import CHAPTERS, FillSpec, MatrixSpec, Problem

MODEL_ID = 1_744_190_326  # fixed forever: changing an id makes Anki treat every note as new
PART_MODEL_ID = 1_744_190_328
CLOZE_MODEL_ID = 1_744_190_329
DECK_ID = 1_744_190_327  # the course deck; chapter subdecks get DECK_BASE + an index
DECK_BASE = 1_744_190_400
MODEL_NAME = "examgen problem"
PART_MODEL_NAME = "examgen part"
CLOZE_MODEL_NAME = "examgen cloze"
DECK_NAME = {"zh": "examgen::深度学习与计算机视觉", "en": "examgen::Deep Learning & Computer Vision"}
LANGS = ("zh", "en")

CSS = """
.card { font-family: "Noto Sans SC", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
        font-size: 18px; line-height: 1.5; text-align: left; }
.head { opacity: .65; font-size: .8em; margin-bottom: .4em; }
.ask { margin-top: .6em; }
table { border-collapse: collapse; margin: .4em auto; }
td, th { border: 1px solid currentColor; padding: 2px 8px; text-align: center; }
th, td.hl { background: rgba(128, 128, 128, .25); }
td.l { text-align: left; }
figure { display: inline-block; margin: .3em 1em; text-align: center; vertical-align: top; }
figcaption, .note { opacity: .7; font-size: .9em; }
ol.options { list-style: none; padding-left: .5em; }
ol.steps { padding-left: 1.6em; }
.sm { margin: .1em 0 .3em; }
.then { opacity: .6; }
.blank { display: inline-block; min-width: 4em; border-bottom: 1px solid currentColor; }
.answer .box { border: 1px solid currentColor; padding: 0 .4em; }
.cloze { font-weight: bold; color: #1a73e8; }
.nightMode .cloze, .night_mode .cloze { color: #8ab4f8; }
"""


class MathJaxHtml(BlockHtml):
    """The shared block renderer with math as MathJax delimiters (Anki's reviewer typesets them)."""

    def __init__(self, lang: str, blank: Any = None) -> None:
        super().__init__(lang, math="unicode", blank=blank)

    def m(self, expr: str, display: bool = False, bold: bool = False) -> str:
        tex = to_latex(expr)
        if bold:
            tex = r"\boldsymbol{" + tex + " }"
        return esc(r"\[" + tex + r"\]" if display else r"\(" + tex + r"\)")


def _models() -> dict[str, Any]:
    import genanki

    basic = genanki.Model(
        MODEL_ID, MODEL_NAME,
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Ref"}],
        templates=[{"name": "Card 1", "qfmt": "{{Question}}",
                    "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}<div class="head">{{Ref}}</div>'}],
        css=CSS, sort_field_index=2)
    part = genanki.Model(
        PART_MODEL_ID, PART_MODEL_NAME,
        fields=[{"name": "Stem"}, {"name": "Part"}, {"name": "Answer"}, {"name": "Ref"}],
        templates=[{"name": "Part", "qfmt": '{{Stem}}<div class="ask">{{Part}}</div>',
                    "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}<div class="head">{{Ref}}</div>'}],
        css=CSS, sort_field_index=3)
    cloze = genanki.Model(
        CLOZE_MODEL_ID, CLOZE_MODEL_NAME,
        fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "Ref"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                    "afmt": '{{cloze:Text}}<hr id="answer">{{Extra}}<div class="head">{{Ref}}</div>'}],
        css=CSS, model_type=genanki.Model.CLOZE, sort_field_index=2)
    return {"basic": basic, "part": part, "cloze": cloze}


def deck_id(lang: str, chapter: str) -> int:
    chapters = list(CHAPTERS)
    c = chapters.index(chapter) if chapter in chapters else len(chapters)
    return DECK_BASE + 20 * (LANGS.index(lang) if lang in LANGS else len(LANGS)) + c


def deck_name(lang: str, chapter: str) -> str:
    return f"{DECK_NAME.get(lang, DECK_NAME['en'])}::{chapter_name(chapter, lang)}"


def tags(it: DocItem) -> list[str]:
    return ["examgen", f"chapter::{it.chapter}", f"kind::{it.kind}", f"section::{it.section}"]


def _head(it: DocItem, lang: str) -> str:
    pts_word = "分" if lang == "zh" else "pts"
    return (f'<div class="head">{esc(chapter_name(it.chapter, lang))} · {esc(it.tag)} · '
            f"{esc(pts(it.points))} {pts_word}</div>")


def _ref(it: DocItem) -> str:
    return esc(it.ref if it.seed is None else f"{it.kind} · seed {it.seed}")


def _cloze_text(text: str) -> str:
    """Text inside a cloze deletion: braces and colons as entities, so `}}` or `::` cannot end it early."""
    return esc(text).replace("{", "&#123;").replace("}", "&#125;").replace(":", "&#58;")


def notes(it: DocItem, lang: str) -> list[tuple[str, list[str], tuple[str, ...]]]:
    """The notes of one item: (model key, fields, GUID parts)."""
    pr = it.problem
    spec0 = pr.parts[0].spec
    r = MathJaxHtml(lang)
    if isinstance(spec0, FillSpec):
        def blank(seg: Segment) -> str:
            n = seg.get("n") or 1
            return f"{{{{c{n}::{_cloze_text(spec0.blanks[n - 1][0])}}}}}"

        text = _head(it, lang) + MathJaxHtml(lang, blank=blank).blocks(it.body)
        return [("cloze", [text, r.blocks(exact_key(it, lang)), _ref(it)], ("cloze", it.ref, lang))]
    if len(pr.parts) == 1:
        return [("basic", [_head(it, lang) + r.blocks(it.body), r.blocks(exact_key(it, lang)), _ref(it)],
                 (it.ref, lang))]
    stem = _head(it, lang) + r.blocks(it.body)
    out = []
    for i, part in enumerate(pr.parts, 1):
        ask = (f"<b>({i}) {label_html(part.label.get(lang))}</b> ({esc(pts(pr.part_points(part)))}) "
               f'<span class="note">{esc(form_line(part.spec, lang))}</span>')
        steps = [s for s in pr.steps if s.part in ("", part.name)]
        solo = replace(pr, parts=[part], steps=steps, explanation=None)
        blocks = [b for b in key_blocks(solo, lang) if b["kind"] == "steps"]
        matrix = isinstance(part.spec, MatrixSpec)
        answer = {"kind": "answer", "value": key_answer(part, lang), "math": False}
        if matrix:
            answer = next(b for b in key_blocks(solo, lang) if b["kind"] == "answer")
        back = r.blocks([answer] + blocks)
        out.append(("part", [stem, ask, back, _ref(it) + f" · ({i})"], (it.ref, part.name, lang)))
    return out


def render(problems: list[Problem], lang: str, timestamp: float | None = None) -> bytes:
    import genanki

    if timestamp is None:
        env = os.environ.get("SOURCE_DATE_EPOCH")
        timestamp = float(env) if env and env.isdigit() else time.time()
    models = _models()
    decks: dict[str, Any] = {}
    for it in items(problems, lang):
        deck = decks.get(it.chapter)
        if deck is None:
            deck = decks[it.chapter] = genanki.Deck(
                deck_id(lang, it.chapter), deck_name(lang, it.chapter),
                description="examgen — exam practice for the deep-learning & computer-vision course")
        for model, fields, key in notes(it, lang):
            deck.add_note(genanki.Note(model=models[model], fields=fields, guid=genanki.guid_for("examgen", *key),
                                       tags=tags(it)))
    return _package(genanki.Package(list(decks.values())), timestamp)


def _package(pkg: Any, timestamp: float) -> bytes:
    """genanki's `write_to_file`, but with fixed zip dates so that the same input gives the same bytes."""
    import itertools

    fd, db = tempfile.mkstemp(suffix=".anki2")
    os.close(fd)
    try:
        conn = sqlite3.connect(db)
        pkg.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        conn.commit()
        conn.execute("VACUUM")
        conn.close()
        with open(db, "rb") as fh:
            data = fh.read()
    finally:
        os.unlink(db)
    stamp = time.gmtime(max(timestamp, 315532800))[:6]  # zip dates start in 1980
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("collection.anki2", date_time=stamp), data, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr(zipfile.ZipInfo("media", date_time=stamp), "{}", compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
