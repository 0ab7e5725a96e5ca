"""Anki writer (`.apkg` with genanki): one note per bank item or per generated variant.

* front = the question (prompt, figures as tables, options); back = the answer with its points, the worked steps
  and the explanation or marking scheme; math in plain Unicode (renders on every Anki client);
* tags: `examgen`, `chapter::<chapter>`, `kind::<kind>`, `section::<section>`;
* the note model and the deck have fixed ids, and each note's GUID is derived from the bank item id or from
  kind + seed (and the language), so importing a newer export updates the cards instead of duplicating them;
* reproducible: the notes' modification time (and the zip entries' dates) come from `SOURCE_DATE_EPOCH` when it
  is set, else from the current time — Anki only updates a note from an import that is newer than its copy."""

from __future__ import annotations

import io
import os
import sqlite3
import tempfile
import time
import zipfile
from typing import Any

from examgen.export.document import DocItem, chapter_name
from examgen.export.html import BlockHtml, esc
from examgen.export.quiz import items
from examgen.model import Problem

MODEL_ID = 1_744_190_326  # fixed forever: changing it makes Anki treat every note as new
DECK_ID = 1_744_190_327
MODEL_NAME = "examgen problem"
DECK_NAME = {"zh": "examgen::深度学习与计算机视觉", "en": "examgen::Deep Learning & Computer Vision"}

CSS = """
.card { font-family: "Noto Sans SC", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
        font-size: 18px; line-height: 1.5; text-align: left; color: #111; background: #fff; }
.head { color: #666; font-size: .8em; margin-bottom: .4em; }
table { border-collapse: collapse; margin: .4em auto; }
td, th { border: 1px solid #444; padding: 2px 8px; text-align: center; }
th { background: #eee; }
td.hl { background: #d7d7d7; }
td.l { text-align: left; }
figure { display: inline-block; margin: .3em 1em; text-align: center; vertical-align: top; }
figcaption { color: #666; font-size: .85em; }
ol.options { list-style: none; padding-left: .5em; }
ol.steps { padding-left: 1.6em; }
.sm { margin: .1em 0 .3em; }
.then { color: #888; }
.note { color: #666; font-size: .9em; }
.blank { display: inline-block; min-width: 4em; border-bottom: 1px solid #111; }
.answer .box { border: 1px solid #333; padding: 0 .4em; }
.night_mode td.hl { background: #555; }
"""


def model() -> Any:
    import genanki

    return genanki.Model(
        MODEL_ID, MODEL_NAME,
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Ref"}],
        templates=[{
            "name": "Card 1",
            "qfmt": "{{Question}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}<div class="head">{{Ref}}</div>',
        }],
        css=CSS,
        sort_field_index=2,
    )


def guid(it: DocItem, lang: str) -> str:
    import genanki

    return genanki.guid_for("examgen", it.ref, lang)


def tags(it: DocItem) -> list[str]:
    return ["examgen", f"chapter::{it.chapter}", f"kind::{it.kind}", f"section::{it.section}"]


def note_fields(it: DocItem, lang: str) -> list[str]:
    r = BlockHtml(lang, math="unicode")
    pts_word = "分" if lang == "zh" else "pts"
    head = (f'<div class="head">{esc(chapter_name(it.chapter, lang))} · {esc(it.tag)} · '
            f"{esc(f'{it.points:g}')} {pts_word}</div>")
    front = head + r.blocks(it.body)
    back = r.blocks(it.key)
    ref = it.ref if it.seed is None else f"{it.kind} · seed {it.seed}"
    return [front, back, esc(ref)]


def render(problems: list[Problem], lang: str, timestamp: float | None = None) -> bytes:
    import genanki

    if timestamp is None:
        env = os.environ.get("SOURCE_DATE_EPOCH")
        timestamp = float(env) if env and env.isdigit() else time.time()
    m = model()
    deck = genanki.Deck(DECK_ID, DECK_NAME.get(lang, DECK_NAME["en"]),
                        description="examgen — exam practice for the deep-learning & computer-vision course")
    for it in items(problems, lang):
        deck.add_note(genanki.Note(model=m, fields=note_fields(it, lang), guid=guid(it, lang), tags=tags(it)))
    return _package(genanki.Package(deck), timestamp)


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
