"""Our HTML fragments as the XHTML subset QTI 2.1 allows in an item body.

QTI 2.1 takes a fixed set of XHTML elements with a few attributes each (no `style`, no `border`, no `figure`):
`figure` becomes `div`, `figcaption` a `p`, rows straight under a `table` go into a `tbody` (QTI requires one),
and only the attributes QTI declares for an element are kept (`class` everywhere, `colspan`/`rowspan` on cells).
Elements outside the subset become `span` (inline) so no content is lost; the tests check that none occur."""

from __future__ import annotations

import xml.etree.ElementTree as ET

BLOCK = {"p", "div", "table", "ol", "ul", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dl"}
INLINE = {"span", "b", "i", "em", "strong", "sub", "sup", "code", "br", "small", "big", "tt", "kbd", "var",
          "samp", "q", "cite", "abbr", "acronym", "dfn", "a", "img"}
TABLE = {"caption", "col", "colgroup", "thead", "tfoot", "tbody", "tr", "th", "td", "li", "dt", "dd"}
RENAME = {"figure": "div", "figcaption": "p", "section": "div", "u": "span", "s": "span", "mark": "span"}
ATTRS = {"th": {"colspan", "rowspan", "scope", "abbr", "axis", "headers"},
         "td": {"colspan", "rowspan", "scope", "abbr", "axis", "headers"},
         "img": {"src", "alt", "width", "height", "longdesc"}, "a": {"href", "type"}, "table": {"summary"},
         "col": {"span"}, "colgroup": {"span"}, "ol": set(), "ul": set()}
COMMON = {"class", "id", "label"}


def parse(fragment: str) -> list[ET.Element]:
    """A well-formed HTML fragment (our writers escape every text) as elements, made QTI-clean."""
    root = ET.fromstring(f"<div>{fragment}</div>")
    clean(root)
    if root.text and root.text.strip():  # loose text at the top: wrap it so an item body (blocks only) takes it
        p = ET.Element("p")
        p.text, root.text = root.text, None
        root.insert(0, p)
    return list(root)


def clean(el: ET.Element) -> None:
    tag = RENAME.get(el.tag, el.tag)
    if tag not in BLOCK | INLINE | TABLE and el.tag != "textEntryInteraction":
        tag = "span"
    el.tag = tag
    if el.tag != "textEntryInteraction":
        keep = COMMON | ATTRS.get(tag, set())
        for name in list(el.attrib):
            if name not in keep:
                del el.attrib[name]
    for child in list(el):
        clean(child)
    if tag == "table" and any(c.tag == "tr" for c in el):
        body = ET.Element("tbody")
        for c in [c for c in el if c.tag == "tr"]:
            el.remove(c)
            body.append(c)
        el.append(body)
