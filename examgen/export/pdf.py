"""PDF writer: a `Document` (or a `KeyTable`) → the JSON the Typst templates read → PDF bytes.

Layout lives in `templates/exam.typ` and `templates/keytable.typ`; this module only maps the neutral document to
their data shape and checks glyph coverage item by item, so a character outside the shipped font is reported with
the question it is in, before anything is compiled."""

from __future__ import annotations

import re
from typing import Any

from examgen.errors import UserError
from examgen.i18n import Bi
from examgen.export.document import Document, KeyTable, iter_texts, pts, pts_label
from examgen.export.segments import segments
from examgen.export.provenance import ATTACHMENT, map_json
from examgen.export.typst_engine import GlyphCoverageError, MathSyntaxError, TypstRenderer, check_coverage

_MODES = {"paper": "paper", "key": "key", "solutions": "paper+solutions"}
_renderer: TypstRenderer | None = None


def renderer() -> TypstRenderer:
    """One shared renderer (one Typst compiler) for every PDF of a run."""
    global _renderer
    if _renderer is None:
        _renderer = TypstRenderer()
    return _renderer


LONG_CM = 24.0  # questions estimated taller than this may break across pages (a page holds 25.6 cm)


def _units(s: str) -> int:
    """Width of a string in half-em units (CJK and full-width characters count 2)."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in s)


def _block_cm(b: dict[str, Any]) -> float:
    k = b.get("kind")
    if k in ("text", "rich"):
        return 0.35 + 0.6 * (1 + sum(_units(t) for t in iter_texts([b])) // 90)
    if k == "figures":
        return 1.0 + max((len(f.get("rows", [])) * (0.95 if f["kind"] == "grid" else 0.7) for f in b["items"]),
                         default=0)
    if k in ("grid", "table"):
        return 1.0 + len(b.get("rows", [])) * 0.8
    if k == "options":
        return 0.7 * len(b["items"])
    if k == "steps":
        return sum(1.2 + 0.7 * len(s.get("lines", [])) for s in b["items"])
    return 1.2


def rough_height_cm(it: Any, mode: str) -> float:
    """A generous estimate of a question's printed height. Typst could measure it, but measuring every question
    (or only the long ones) made a class set 2–3× slower to lay out."""
    blocks = ([] if mode == "key" else it.body) + ([] if mode == "paper" else it.key)
    h = 1.0 + sum(_block_cm(b) for b in blocks)
    sp = it.space if mode == "paper" else {}
    if sp.get("kind") == "calc":
        h += 0.85 * sp.get("lines", 4) + sum(1.2 + 0.9 * p["form"].get("rows", 0) for p in sp.get("parts", []))
    elif sp.get("kind") == "box":
        h += float(sp.get("height_cm", 4))
    elif sp.get("kind") == "lines":
        h += 0.85 * sp.get("lines", 3)
    return h


def section_points(points: float, lang: str) -> str:
    return f"共 {pts(points)} 分" if lang == "zh" else f"{pts(points)} points"


def document_data(doc: Document) -> dict[str, Any]:
    """The data of `templates/exam.typ` for a document."""
    sections = []
    for sec in doc.sections:
        items = []
        for it in sec.items:
            items.append({
                "number": it.number,
                "points": pts_label(it.points, doc.lang),
                "tag": it.tag,
                "body": it.body,
                "answer_space": it.space,
                "key": it.key,
                "long": rough_height_cm(it, doc.mode) > LONG_CM,
            })
        sections.append({"title": sec.title, "points": section_points(sec.points, doc.lang), "items": items})
    return {
        "lang": doc.lang,
        "title": doc.title,
        "subtitle": doc.subtitle,
        "header": doc.header,
        "footer": doc.footer,
        "mode": _MODES[doc.mode],
        "instructions": doc.instructions,
        "show_name_fields": doc.name_fields and doc.mode == "paper",
        "score_table": doc.score_labels if doc.mode == "paper" else [],
        "colophon": doc.colophon,
        "attachment": map_json(doc.records) if doc.records else "",
        "attachment_name": ATTACHMENT,
        "sections": sections,
    }


def check_document(doc: Document) -> None:
    """Fail with one line naming the question if any text would print as a blank box."""
    try:
        check_coverage([doc.title, doc.subtitle, doc.header, doc.footer, doc.instructions])
        for sec in doc.sections:
            check_coverage([sec.title])
    except GlyphCoverageError as exc:
        raise GlyphCoverageError(Bi(f"标题或大题标题中：{exc.zh}", f"in the title or a section heading: {exc.en}")) from None
    for it in doc.items:
        try:
            check_coverage([it.tag, *iter_texts(it.body), *iter_texts(it.key)])
        except GlyphCoverageError as exc:
            raise GlyphCoverageError(Bi(f"第 {it.number} 题（{it.ref}）：{exc.zh}",
                                        f"question {it.number} ({it.ref}): {exc.en}")) from None


def render_document(doc: Document, pad_pages: int = 0, student: Any = None, *, checked: bool = False,
                    pad_to: int = 0) -> bytes:
    """The PDF of one document: `pad_pages` marked blank pages at its end, or as many as make it `pad_to` pages
    (Typst counts its own pages, so padding costs no second layout)."""
    if not checked:  # names the question; the engine's own check of every string is then redundant
        check_document(doc)
    data = paper_data(doc, pad_pages, student)
    if pad_to:
        data["pad_to"] = pad_to
    return _render("exam", data, check=False)


def paper_data(doc: Document, pad_pages: int = 0, student: Any = None) -> dict[str, Any]:
    data = document_data(doc)
    data["pad_pages"] = pad_pages
    if student is not None:  # a named paper: name and number printed in the header
        data["student"] = {"name": student.name, "number": student.number}
        check_coverage([student.name, student.number])
    return data


def render_many(docs: list[Document], students: list[Any], pads: list[int], pages: int) -> bytes:
    """One print file of named papers, each `pages` long with its own page numbers."""
    for d in set(map(id, docs)):
        check_document(next(x for x in docs if id(x) == d))
    papers = [{**paper_data(d, pad, s), "total_pages": pages, "attachment": ""}
              for d, s, pad in zip(docs, students, pads)]
    first = papers[0]
    return _render("exam", {"lang": first["lang"], "mode": first["mode"], "title": first["title"],
                            "papers": papers}, check=False)


def page_count(pdf: bytes) -> int:
    """The pages of a PDF Typst wrote (each page object is `/Type/Page`, the tree `/Type/Pages`)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def render_class_set(docs: list[Document]) -> list[bytes]:
    """Every variant of a class set, the shorter ones padded with marked blank pages to the longest one's page
    count, so a stack printed duplex keeps every paper on its own sheets."""
    # the variant estimated longest first; every other one padded to the longest page count seen so far in its
    # own layout. One that turns out longer raises the count; only the ones padded to less are laid out again.
    order = sorted(range(len(docs)), key=lambda i: -sum(rough_height_cm(it, docs[i].mode) for it in docs[i].items))
    pdfs: dict[int, bytes] = {}
    most = 0
    for i in order:
        pdfs[i] = render_document(docs[i], pad_to=most)
        most = max(most, page_count(pdfs[i]))
    for i, data in pdfs.items():
        if page_count(data) < most:
            pdfs[i] = render_document(docs[i], checked=True, pad_to=most)
    return [pdfs[i] for i in range(len(docs))]


def key_table_data(table: KeyTable) -> dict[str, Any]:
    return {
        "lang": table.lang,
        "title": table.title,
        "subtitle": table.subtitle,
        "footer": table.footer,
        "attachment": map_json(table.records) if table.records else "",
        "attachment_name": ATTACHMENT,
        "variants": [
            {"variant": r.variant, "seed": "" if r.seed is None else str(r.seed), "command": r.command,
             "code": r.code,
             "answers": [{"number": n, "ref": ref, "answer": text, "segments": segments(text), "points": pts(p)}
                         for n, ref, text, p in r.answers]}
            for r in table.rows
        ],
    }


def render_key_table(table: KeyTable) -> bytes:
    data = key_table_data(table)
    return _render("keytable", data)


def _render(template: str, data: dict[str, Any], check: bool = True) -> bytes:
    try:
        return renderer().render(template, data, check=check)
    except MathSyntaxError as exc:
        raise UserError(Bi(f"有公式无法排版：{exc}", f"a formula does not typeset: {exc}")) from None
