"""HTML writer: one self-contained file per document (inline CSS, print CSS with A4 pages and page breaks, math as
MathML that browsers render natively — no CDN, no script, no network). The block renderer is shared with the
Moodle and Anki writers, which use plain Unicode math instead of MathML."""

from __future__ import annotations

import html
from typing import Any, Callable

from examgen.export.document import (
    Block, DocItem, Document, KeyTable, LETTERS, Segment, pts, pts_label,
)
from examgen.export.mathml import to_mathml
from examgen.export.provenance import html_meta
from examgen.export.segments import segments
from examgen.mathfmt import to_unicode


def esc(s: str) -> str:
    return html.escape(s, quote=True)


class BlockHtml:
    """Blocks → HTML. `math` is "mathml" (the HTML export) or "unicode" (Moodle, Anki: no MathML there);
    `blank` renders a fill-in blank (Moodle cloze and GIFT put their answer fields there)."""

    def __init__(self, lang: str, math: str = "mathml", blank: Callable[[Segment], str] | None = None,
                 inline_style: bool = False) -> None:
        self.lang = lang
        self.math = math
        self.blank = blank
        self.inline_style = inline_style  # Moodle: no stylesheet, so tables carry their own borders

    # ---- inline
    def m(self, expr: str, display: bool = False, bold: bool = False) -> str:
        if self.math == "mathml":
            return to_mathml(expr, display=display, bold=bold)
        text = esc(to_unicode(expr))
        return f"<b>{text}</b>" if bold else f'<span class="m">{text}</span>'

    def segs(self, segs: list[Segment]) -> str:
        out = []
        for s in segs:
            k = s.get("kind")
            if k == "math":
                out.append(self.m(s["value"], display=False))
            elif k == "bold":
                out.append(f"<b>{esc(s['value'])}</b>")
            elif k == "blank":
                if self.blank is not None:
                    out.append(self.blank(s))
                else:
                    n = s.get("n")
                    out.append((f"<sup>({n})</sup>" if n else "") + '<span class="blank">\u2003</span>')
            elif k == "paren":
                out.append('<span class="paren">(\u2003\u2003)</span>' if self.lang == "en"
                           else '<span class="paren">（\u2003\u2003）</span>')
            else:
                out.append(esc(s.get("value", "")))
        return "".join(out)

    def caption(self, cap: Any) -> str:
        if not cap:
            return ""
        return self.segs([{"kind": "text", "value": cap}] if isinstance(cap, str) else cap)

    # ---- blocks
    def blocks(self, blocks: list[Block]) -> str:
        return "".join(self.block(b) for b in blocks)

    def _tbl(self) -> str:
        return ' border="1" style="border-collapse:collapse"' if self.inline_style else ""

    def _td(self, extra: str = "") -> str:
        if self.inline_style:
            return f' style="padding:2px 6px;text-align:center{extra}"'
        return ""

    def block(self, b: Block) -> str:
        k = b["kind"]
        if k == "text":
            return f"<p>{esc(b['value'])}</p>"
        if k == "rich":
            return f"<p>{self.segs(b['segments'])}</p>"
        if k == "math":
            return f'<div class="display">{self.m(b["value"], display=True)}</div>'
        if k == "figures":
            inner = "".join(f'<figure>{self.figure(f)}</figure>' for f in b["items"])
            return f'<div class="figures">{inner}</div>'
        if k == "grid":
            return f'<div class="figures"><figure>{self.figure(b)}</figure></div>'
        if k == "table":  # a key table (answers, marking scheme): caption above, full text width
            return self.table(b)
        if k == "options":
            lis = "".join(f"<li><b>{LETTERS[i]}.</b> {self.segs(o['segments'])}</li>" for i, o in enumerate(b["items"]))
            return f'<ol class="options">{lis}</ol>'
        if k == "steps":
            return self.steps(b)
        if k == "answer":
            v = self.m(b["value"], display=b["value"].startswith("mat("), bold=True) if b.get("math") \
                else f"<b>{self.segs(b['segments']) if b.get('segments') else esc(b['value'])}</b>"
            label = "答案 Answer" if self.lang == "zh" else "Answer"
            return f'<p class="answer"><span class="lbl">{label}:</span> <span class="box">{v}</span></p>'
        raise ValueError(f"unknown block kind {k!r}")

    def cell(self, v: Any) -> str:
        if isinstance(v, str):
            return esc(v)
        out = []
        for s in v:
            if s.get("kind") == "math":
                out.append(self.m(s["value"], display=bool(s.get("display"))))
            else:
                out.append(self.segs([s]))
        return "".join(out)

    def figure(self, f: Block) -> str:
        if f["kind"] == "grid":
            hl = {tuple(x) for x in f.get("highlight", [])}
            cls = "grid matrix" if f.get("matrix") else "grid"
            rows = []
            for r, row in enumerate(f["rows"]):
                tds = []
                for c, v in enumerate(row):
                    shade = (r, c) in hl
                    if self.inline_style:
                        tds.append(f'<td{self._td(";background:#d7d7d7" if shade else "")}>{esc(v)}</td>')
                    else:
                        tds.append(f'<td class="hl">{esc(v)}</td>' if shade else f"<td>{esc(v)}</td>")
                rows.append("<tr>" + "".join(tds) + "</tr>")
            table = f'<table class="{cls}"{self._tbl()}>' + "".join(rows) + "</table>"
            cap = self.caption(f.get("caption"))
            return table + (f"<figcaption>{cap}</figcaption>" if cap else "")
        return self.table(f, figure=True)

    def table(self, f: Block, figure: bool = False) -> str:
        hdr = f.get("header") or []
        al = f.get("align") or []
        parts = []
        if hdr:
            parts.append("<thead><tr>" + "".join(f"<th{self._td()}>{esc(h)}</th>" for h in hdr) + "</tr></thead>")
        body = []
        for row in f["rows"]:
            tds = []
            for i, v in enumerate(row):
                left = i < len(al) and al[i] == "left"
                if self.inline_style:
                    tds.append(f'<td{self._td(";text-align:left" if left else "")}>{self.cell(v)}</td>')
                else:
                    tds.append(f'<td class="l">{self.cell(v)}</td>' if left else f"<td>{self.cell(v)}</td>")
            body.append("<tr>" + "".join(tds) + "</tr>")
        parts.append("<tbody>" + "".join(body) + "</tbody>")
        table = f'<table class="data"{self._tbl()}>' + "".join(parts) + "</table>"
        cap = self.caption(f.get("caption"))
        if figure:
            return table + (f"<figcaption>{cap}</figcaption>" if cap else "")
        return (f'<p class="cap">{cap}</p>' if cap else "") + table

    def steps(self, b: Block) -> str:
        lis = []
        for s in b["items"]:
            title = s.get("title") or []
            title_html = self.segs(title) if isinstance(title, list) else esc(title)
            if "lines" in s:
                pieces = [self.m(x, display=False) for x in s["lines"]]
                if s.get("result"):
                    pieces.append(self.m(s["result"], bold=True))
                math = ' <span class="then">⇒</span> '.join(pieces)
            else:
                m, r = s.get("math", ""), s.get("result", "")
                math = self.m(m) + ((" = " + self.m(r, bold=True)) if r else "")
            note = f'<div class="note">{self.segs(s["note"])}</div>' if s.get("note") else ""
            lis.append(f'<li><div class="st">{title_html}</div><div class="sm">{math}</div>{note}</li>')
        return '<ol class="steps">' + "".join(lis) + "</ol>"

    # ---- answer space (paper)
    def space(self, sp: dict[str, Any]) -> str:
        k = sp.get("kind", "none")
        if k == "lines":
            return '<div class="lines">' + '<div class="line"></div>' * int(sp.get("lines", 3)) + "</div>"
        if k == "box":
            label = "答 Answer" if self.lang == "zh" else "Answer"
            ruled = " ruled" if sp.get("ruled") else ""
            return (f'<div class="abox{ruled}" style="height:{float(sp.get("height_cm", 4)):.1f}cm">'
                    f'<span class="lbl">{label}:</span></div>')
        if k == "calc":
            lines = '<div class="lines">' + '<div class="line"></div>' * int(sp.get("lines", 4)) + "</div>"
            fields = "".join(self.field(p) for p in sp.get("parts", []))
            return f'<div class="calc">{lines}<div class="fields">{fields}</div></div>'
        return ""

    def field(self, p: dict[str, Any]) -> str:
        f = p.get("form", {"kind": "blank"})
        head = f'<b>{self.segs(p["label"])}</b>'
        if p.get("points"):
            head += f' <span class="pp">({esc(p["points"])})</span>'
        if p.get("hint"):
            hint = f"【{p['hint']}】" if self.lang == "zh" else f"[{p['hint']}]"
            head += f' <span class="pp">{esc(hint)}</span>'
        head += "："if self.lang == "zh" else ": "
        k = f.get("kind")
        if k == "cells":
            row = "<tr>" + "<td></td>" * int(f["cols"]) + "</tr>"
            return f'<div class="field">{head}<table class="cells">{row * int(f["rows"])}</table></div>'
        if k == "shape":
            body = " × ".join(['<span class="fb s"></span>'] * int(f["n"]))
        elif k == "vector":
            body = "[" + ", ".join(['<span class="fb v"></span>'] * int(f["n"])) + "]"
        else:
            body = '<span class="fb"></span>'
        return f'<div class="field">{head}{body}</div>'


CSS = """
:root { --ink: #111; --gray: #5a5a5a; --rule: #999; --shade: #d7d7d7; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       system-ui, sans-serif; font-size: 15px; line-height: 1.6; color: var(--ink); max-width: 52em;
       margin: 1.5em auto; padding: 0 1.2em; }
/* an OpenType MATH font, so Chromium stretches matrix brackets, fractions and roots; the first one the reader has */
math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", "Noto Sans Math", "DejaVu Math TeX Gyre",
       "TeX Gyre Termes Math", "Libertinus Math", math; font-size: 1.08em; }
header.doc { text-align: center; }
header.doc h1 { font-size: 1.5em; margin: .2em 0; }
.sub { color: #333; }
.run { display: flex; justify-content: space-between; color: var(--gray); font-size: .8em;
       border-bottom: 1px solid var(--rule); padding-bottom: .2em; margin-bottom: .8em; }
.namefields { margin: .6em 0; text-align: right; }
.namefields span.u { display: inline-block; width: 9em; border-bottom: 1px solid var(--ink); margin: 0 1.2em 0 .3em; }
.instr { background: #eee; padding: .4em .7em; border-radius: 3px; text-align: left; margin: .8em 0; }
table { border-collapse: collapse; }
table.score { margin: .6em auto; }
table.score th, table.score td { border: 1px solid #444; padding: .2em .8em; min-width: 3.5em; height: 1.9em; }
table.score th { background: #e8e8e8; }
section.sec > h2 { font-size: 1.15em; border-bottom: 1.5px solid #444; margin: 1.4em 0 .4em; padding-bottom: .1em; }
h2 .pts, .ihead .pts { font-weight: bold; }
article.item { margin: .9em 0 1.2em; }
.ihead { display: flex; gap: .4em; font-weight: bold; }
.ihead .pts { margin-left: auto; }
p { margin: .35em 0; }
.figures { display: flex; flex-wrap: wrap; gap: .6em 1.6em; align-items: flex-start; justify-content: center;
           margin: .6em 0; }
figure { margin: 0; text-align: center; }
figcaption { color: var(--gray); font-size: .85em; }
table.grid td { border: 1px solid #333; min-width: 2.3em; height: 2.3em; text-align: center; padding: 0 .3em; }
table.grid td.hl { background: var(--shade); }
table.data th, table.data td { border: 1px solid #444; padding: .15em .6em; text-align: center; }
table.data th { background: #e8e8e8; }
table.data td.l { text-align: left; }
.cap { margin-bottom: .2em; }
ol.options { list-style: none; padding-left: 1em; display: grid; grid-template-columns: repeat(auto-fill, minmax(20em, 1fr));
             gap: .1em 1.5em; margin: .3em 0; }
.blank { display: inline-block; min-width: 6em; border-bottom: 1px solid var(--ink); }
.paren { white-space: nowrap; margin-left: .8em; }
.lines .line { height: 2.1em; border-bottom: 1px solid var(--rule); }
.abox { border: 1px solid #444; position: relative; margin: .5em 0; }
.abox.ruled { background: repeating-linear-gradient(to bottom, transparent 0, transparent calc(2.1em - 1px),
              #ccc calc(2.1em - 1px), #ccc 2.1em); background-position: 0 .9em; }
.abox .lbl, .answer .lbl { color: var(--gray); font-size: .8em; }
.abox .lbl { position: absolute; top: .2em; left: .4em; }
.fields { margin-top: .6em; }
.field { margin: .45em 0; }
.field .pp { color: var(--gray); font-weight: normal; font-size: .85em; }
.fb { display: inline-block; width: 12em; border-bottom: 1px solid var(--ink); height: 1.2em; vertical-align: bottom; }
.fb.s { width: 3.5em; } .fb.v { width: 4em; }
table.cells td { border: 1px solid #333; width: 2.4em; height: 2.4em; }
.key { background: #f6f6f6; border-left: 3px solid #aaa; padding: .3em .8em; margin: .6em 0; }
.key > .klbl { color: var(--gray); font-weight: bold; font-size: .85em; }
ol.steps { padding-left: 2em; margin: .3em 0; }
ol.steps li { margin: .35em 0; }
.then { color: var(--gray); padding: 0 .2em; }
.note { color: var(--gray); font-size: .88em; }
.answer .box { border: 1px solid #333; padding: .05em .5em; display: inline-block; }
.sscore { float: right; font-size: .7em; font-weight: normal; border: 1px solid #444; padding: .1em .4em; }
.sscore i { display: inline-block; width: 4em; height: 1.2em; border-left: 1px solid #444; margin: 0 .4em;
            vertical-align: middle; }
.end { text-align: center; color: var(--gray); margin-top: 1.5em; }
.colophon { margin-top: 2em; color: var(--gray); font-size: .75em; }
footer.doc { margin-top: 2em; border-top: 1px solid var(--rule); color: var(--gray); font-size: .8em; padding-top: .3em; }
.variant { margin: 1em 0; }
.variant h2 { font-size: 1.05em; background: #ebebeb; padding: .2em .5em; display: flex; gap: 1em; }
.variant h2 .cmd { margin-left: auto; font-weight: normal; color: var(--gray); font-size: .8em; }
ol.keyrow { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(4, 1fr); gap: .2em 1em; }
ol.keyrow li.wide { grid-column: 1 / -1; }
ol.keyrow .pp { color: var(--gray); font-size: .8em; }
@page { size: A4; margin: 16mm 15mm 18mm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  article.item, figure, .figures, table, .calc, .abox, .variant, ol.steps li { break-inside: avoid; }
  section.sec > h2, .ihead, .variant h2 { break-after: avoid; }
  section.sec.newpage { break-before: page; }
  .variant + .variant.newpage { break-before: page; }
  .key { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def _page(title: str, lang: str, body: str, records: dict[str, dict[str, Any]] | None = None) -> bytes:
    html_lang = "zh-CN" if lang == "zh" else "en"
    meta = html_meta(records) + "\n" if records else ""
    doc = (f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           f'<meta name="generator" content="examgen">\n{meta}<title>{esc(title)}</title>\n<style>{CSS}</style>\n'
           f"</head>\n<body>\n{body}\n</body>\n</html>\n")
    return doc.encode("utf-8")


def _item(r: BlockHtml, it: DocItem, doc: Document) -> str:
    lang = doc.lang
    tag = f"【{esc(it.tag)}】" if lang == "zh" else f"[{esc(it.tag)}]"
    ptxt = f"（{esc(pts_label(it.points, lang))}）" if lang == "zh" else f"({esc(pts_label(it.points, lang))})"
    out = [f'<article class="item" id="q{it.number}">',
           f'<div class="ihead"><span class="no">{it.number}.</span><span class="tag">{tag}</span>'
           f'<span class="pts">{ptxt}</span></div>']
    if doc.mode != "key":
        out.append(r.blocks(it.body))
    if doc.mode == "paper":
        out.append(r.space(it.space))
    elif doc.mode == "solutions":
        label = "解答 Solution" if lang == "zh" else "Solution"
        out.append(f'<div class="key"><div class="klbl">{label}</div>{r.blocks(it.key)}</div>')
    else:
        out.append(r.blocks(it.key))
    out.append("</article>")
    return "".join(out)


def render_document(doc: Document) -> bytes:
    r = BlockHtml(doc.lang)
    lang = doc.lang
    right = {"key": "参考答案 Answer Key" if lang == "zh" else "Answer Key",
             "solutions": "试卷与解答 Paper with Solutions" if lang == "zh" else "Paper with Solutions"}.get(doc.mode, "")
    parts = [f'<div class="run"><span>{esc(doc.header)}</span><span>{esc(right)}</span></div>',
             '<header class="doc">', f"<h1>{esc(doc.title)}</h1>"]
    if doc.subtitle:
        parts.append(f'<div class="sub">{esc(doc.subtitle)}</div>')
    parts.append("</header>")
    if doc.mode == "paper" and doc.name_fields:
        name, sid = ("姓名 Name", "学号 ID") if lang == "zh" else ("Name", "Student number")
        parts.append(f'<div class="namefields">{name}:<span class="u"></span>{sid}:<span class="u"></span></div>')
    if doc.instructions:
        parts.append(f'<div class="instr">{esc(doc.instructions)}</div>')
    if doc.mode == "paper" and doc.score_labels:
        h1, h2, tot = (("题号 Section", "得分 Score", "总分 Total") if lang == "zh" else ("Section", "Score", "Total"))
        head = "".join(f"<th>{esc(x)}</th>" for x in [h1, *doc.score_labels, tot])
        row = f"<td>{h2}</td>" + "<td></td>" * (len(doc.score_labels) + 1)
        parts.append(f'<table class="score"><tr>{head}</tr><tr>{row}</tr></table>')
    for sec in doc.sections:
        sp = f"共 {pts(sec.points)} 分" if lang == "zh" else f"{pts(sec.points)} points"
        sp = f"（{sp}）" if lang == "zh" else f"({sp})"
        box = ""
        if doc.mode == "paper":  # the per-section score box of a printed paper
            sc, mk = ("得分 Score", "评卷人 Marker") if lang == "zh" else ("Score", "Marker")
            box = f'<span class="sscore">{sc}<i></i>{mk}<i></i></span>'
        parts.append(f'<section class="sec"><h2>{esc(sec.title)} <span class="pts">{esc(sp)}</span>{box}</h2>')
        parts.extend(_item(r, it, doc) for it in sec.items)
        parts.append("</section>")
    if doc.mode != "key":
        parts.append(f'<p class="end">{"（试卷结束）" if lang == "zh" else "— End of paper —"}</p>')
    if doc.colophon:
        parts.append(f'<p class="colophon">{esc(doc.colophon)}</p>')
    if doc.footer:
        parts.append(f'<footer class="doc">{esc(doc.footer)}</footer>')
    return _page(doc.title + (f" · {right}" if right else ""), lang, "\n".join(parts), doc.records)


def render_key_table(table: KeyTable) -> bytes:
    lang = table.lang
    word = "变体" if lang == "zh" else "Variant"
    parts = ['<header class="doc">', f"<h1>{esc(table.title)}</h1>", f'<div class="sub">{esc(table.subtitle)}</div>',
             "</header>"]
    r = BlockHtml(lang)
    for row in table.rows:
        lis = []
        for n, _ref, text, p in row.answers:
            wide = ' class="wide"' if len(text) > 24 else ""
            lis.append(f'<li{wide}><b>{n}.</b> {r.segs(segments(text))} <span class="pp">({esc(pts(p))})</span></li>')
        parts.append(f'<div class="variant"><h2><span>{word} {row.variant}</span><span>{esc(row.code)}</span>'
                     f'<span>seed {row.seed}</span><span class="cmd">{esc(row.command)}</span></h2>'
                     f'<ol class="keyrow">{"".join(lis)}</ol></div>')
    return _page(table.title, lang, "\n".join(parts), table.records)
