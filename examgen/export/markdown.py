"""Markdown writer: the same document as the PDF and HTML, as GitHub-flavoured Markdown with math in plain Unicode
(`mathfmt.to_unicode`), figures as tables (shaded cells in bold), blanks as `______`."""

from __future__ import annotations

import re
from typing import Any

from examgen.export.document import Block, DocItem, Document, KeyTable, LETTERS, Segment, pts, pts_label
from examgen.export.provenance import md_comment
from examgen.export.segments import segments
from examgen.mathfmt import to_unicode

_SPECIAL = re.compile(r"([\\`*_\[\]<>|$#])")
# subscripts Unicode has no letter for, as `to_unicode` and the kinds' text leave them (`c_y`, `W_f`, `Σ_(u,v)`,
# `h_{t−1}`), and `^{…}` superscripts
_SCRIPT = re.compile(r'(?<=[^\s_\\])_(\([^()]*\)|\{[^{}]*\}|"[^"]*"|[0-9A-Za-z\u0370-\u03ff]+)|\^\{([^{}]*)\}')


def _escape(s: str) -> str:
    return _SPECIAL.sub(r"\\\1", s)


def md(s: str) -> str:
    """Escape Markdown syntax so text prints literally; subscripts and `^{…}` as GitHub's `<sub>`/`<sup>`, so no
    raw `_` or braces reach a reader."""
    out, last = [], 0
    for m in _SCRIPT.finditer(s):
        body, tag = (m.group(1), "sub") if m.group(1) is not None else (m.group(2), "sup")
        if tag == "sub" and body[0] in '({"':
            body = body[1:-1]
        out.append(f"{_escape(s[last:m.start()])}<{tag}>{_escape(body)}</{tag}>")
        last = m.end()
    return "".join(out) + _escape(s[last:])


def cell(s: str) -> str:
    return md(s).replace("\n", " ") or " "


class BlockMd:
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def segs(self, segs: list[Segment]) -> str:
        out = []
        for s in segs:
            k = s.get("kind")
            if k == "math":
                out.append(md(to_unicode(s["value"])))
            elif k == "bold":
                out.append(f"**{md(s['value'].strip())}** ")
            elif k == "blank":
                n = s.get("n")
                out.append((f"({n})" if n else "") + r"\_\_\_\_\_\_\_\_")
            elif k == "paren":
                out.append(" (\u2003\u2003)" if self.lang == "en" else "（\u2003\u2003）")
            else:
                out.append(md(s.get("value", "")))
        return "".join(out)

    def cap(self, c: Any) -> str:
        if not c:
            return ""
        return self.segs([{"kind": "text", "value": c}] if isinstance(c, str) else c)

    def blocks(self, blocks: list[Block]) -> str:
        return "\n\n".join(x for x in (self.block(b) for b in blocks) if x)

    def block(self, b: Block) -> str:
        k = b["kind"]
        if k == "text":
            return md(b["value"])
        if k == "rich":
            return self.segs(b["segments"])
        if k == "math":
            return md(to_unicode(b["value"]))
        if k == "figures":
            return "\n\n".join(self.figure(f) for f in b["items"])
        if k in ("grid", "table"):
            return self.figure(b)
        if k == "options":
            return "\n".join(f"- {LETTERS[i]}. {self.segs(o['segments'])}" for i, o in enumerate(b["items"]))
        if k == "steps":
            return self.steps(b)
        if k == "answer":
            label = "答案 Answer" if self.lang == "zh" else "Answer"
            if b.get("segments"):
                return f"{label}: **{self.segs(b['segments'])}**"
            v = to_unicode(b["value"]) if b.get("math") else b["value"]
            return f"{label}: **{md(v)}**"
        raise ValueError(f"unknown block kind {k!r}")

    def _cell(self, v: Any) -> str:
        if isinstance(v, str):
            return cell(v)
        return self.segs(v).replace("\n", " ") or " "

    def figure(self, f: Block) -> str:
        cap = self.cap(f.get("caption"))
        if f["kind"] == "grid":
            hl = {tuple(x) for x in f.get("highlight", [])}
            ncols = max(len(r) for r in f["rows"])
            lines = ["|" + "|".join(["   "] * ncols) + "|", "|" + "|".join([":-:"] * ncols) + "|"]
            for r, row in enumerate(f["rows"]):
                vals = [f"**{cell(v)}**" if (r, c) in hl else cell(v) for c, v in enumerate(row)]
                lines.append("| " + " | ".join(vals) + " |")
            body = "\n".join(lines)
            return (f"*{cap}*\n\n" if cap else "") + body
        hdr = f.get("header") or []
        rows = f["rows"]
        ncols = max([len(hdr)] + [len(r) for r in rows])
        head = [cell(h) for h in hdr] if hdr else ["   "] * ncols
        al = f.get("align") or []
        sep = [(":--" if i < len(al) and al[i] == "left" else ":-:") for i in range(ncols)]
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(sep) + "|"]
        for r in rows:
            lines.append("| " + " | ".join(self._cell(v) for v in r) + " |")
        return (f"{cap}\n\n" if cap else "") + "\n".join(lines)

    def steps(self, b: Block) -> str:
        out = []
        for i, s in enumerate(b["items"], 1):
            title = s.get("title") or []
            t = self.segs(title) if isinstance(title, list) else md(title)
            if "lines" in s:
                pieces = [md(to_unicode(x)) for x in s["lines"]]
                if s.get("result"):
                    pieces.append("**" + md(to_unicode(s["result"])) + "**")
            else:
                pieces = [md(to_unicode(s.get("math", "")))] + (
                    ["**" + md(to_unicode(s["result"])) + "**"] if s.get("result") else [])
            line = f"{i}. {t}" if t else f"{i}."
            if pieces:
                line += "  \n   " + " ⇒ ".join(p for p in pieces if p)
            if s.get("note"):
                line += "  \n   *" + self.segs(s["note"]) + "*"
            out.append(line)
        return "\n".join(out)

    def space(self, sp: dict[str, Any]) -> str:
        k = sp.get("kind", "none")
        line = r"\_" * 40
        if k == "lines":
            return "\n\n".join([line] * int(sp.get("lines", 3)))
        if k == "box":
            n = max(3, int(float(sp.get("height_cm", 4)) / 0.85))
            label = "答 Answer" if self.lang == "zh" else "Answer"
            return f"{label}:\n\n" + "\n\n".join([line] * n)
        if k == "calc":
            out = ["\n\n".join([line] * int(sp.get("lines", 4)))]
            for p in sp.get("parts", []):
                hint = (f"【{p['hint']}】" if self.lang == "zh" else f"[{p['hint']}]") if p.get("hint") else ""
                head = (f"**{self.segs(p['label'])}**" + (f" ({md(p['points'])})" if p.get("points") else "")
                        + (f" {md(hint)}" if hint else "") + ": ")
                f = p.get("form", {"kind": "blank"})
                blank = r"\_\_\_\_\_\_"
                if f["kind"] == "shape":
                    body = " × ".join([blank] * int(f["n"]))
                elif f["kind"] == "vector":
                    body = r"\[" + ", ".join([blank] * int(f["n"])) + r"\]"
                elif f["kind"] == "cells":
                    c = int(f["cols"])
                    rows = ["|" + "|".join(["   "] * c) + "|", "|" + "|".join(["---"] * c) + "|"]
                    rows += ["|" + "|".join(["   "] * c) + "|"] * int(f["rows"])
                    out.append(head + "\n\n" + "\n".join(rows))
                    continue
                else:
                    body = r"\_" * 16
                out.append("- " + head + body)
            return "\n\n".join(out)
        return ""


def _item(r: BlockMd, it: DocItem, doc: Document) -> str:
    lang = doc.lang
    tag = f"【{md(it.tag)}】" if lang == "zh" else f"\\[{md(it.tag)}\\]"
    out = [f"### {it.number}. {tag} ({md(pts_label(it.points, lang))})"]
    if doc.mode != "key":
        out.append(r.blocks(it.body))
    if doc.mode == "paper":
        sp = r.space(it.space)
        if sp:
            out.append(sp)
    elif doc.mode == "solutions":
        label = "解答 Solution" if lang == "zh" else "Solution"
        key = r.blocks(it.key)
        out.append(f"**{label}**\n\n" + key)
    else:
        out.append(r.blocks(it.key))
    return "\n\n".join(out)


def render_document(doc: Document) -> bytes:
    r = BlockMd(doc.lang)
    lang = doc.lang
    out = [f"# {md(doc.title)}"]
    if doc.subtitle:
        out.append(md(doc.subtitle))
    if doc.header != doc.title:
        out.append(f"*{md(doc.header)}*")
    if doc.mode == "paper" and doc.name_fields:
        name, sid = ("姓名 Name", "学号 ID") if lang == "zh" else ("Name", "Student number")
        blank = r"\_" * 12
        out.append(f"{name}: {blank}\u2003{sid}: {blank}")
    if doc.instructions:
        out.append("> " + md(doc.instructions))
    for sec in doc.sections:
        sp = f"共 {pts(sec.points)} 分" if lang == "zh" else f"{pts(sec.points)} points"
        out.append(f"## {md(sec.title)} ({sp})")
        out.extend(_item(r, it, doc) for it in sec.items)
    if doc.mode != "key":
        out.append("（试卷结束）" if lang == "zh" else "— End of paper —")
    if doc.colophon:
        out.append(f"`{doc.colophon}`")
    if doc.footer:
        out.append("---\n\n" + md(doc.footer))
    if doc.records:
        out.append(md_comment(doc.records))
    return ("\n\n".join(out) + "\n").encode("utf-8")


def render_key_table(table: KeyTable) -> bytes:
    lang = table.lang
    word = "变体" if lang == "zh" else "Variant"
    q, a, p = ("题号", "答案", "分值") if lang == "zh" else ("Q", "Answer", "Points")
    out = [f"# {md(table.title)}", md(table.subtitle)]
    r = BlockMd(lang)
    for row in table.rows:
        out.append(f"## {word} {row.variant} · {row.code} · seed {row.seed}\n\n`{row.command}`")
        lines = [f"| {q} | {a} | {p} |", "|:-:|:--|:-:|"]
        for n, _ref, text, pt in row.answers:
            lines.append(f"| {n} | {r.segs(segments(text)).replace(chr(10), ' ') or ' '} | {pts(pt)} |")
        out.append("\n".join(lines))
    out.append(md_comment(table.records))
    return ("\n\n".join(out) + "\n").encode("utf-8")
