"""Every in-document link `[text](#anchor)`, and every link to another Markdown file's anchor
(`[text](other.md#anchor)`), in README.md and docs/*.md names a heading that exists, by GitHub's rule for heading
anchors (lower case; punctuation other than `-` and `_` dropped; spaces become `-`; a repeated heading gets `-1`,
`-2` …)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]*)#([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ID = re.compile(r"""<a\s+(?:name|id)=["']([^"']+)["']""")


def slug(title: str) -> str:
    text = re.sub(r"<[^>]+>", "", title)                   # inline HTML
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)   # links keep their text
    text = text.replace("`", "").strip().lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in "-_ " or ch.isspace())
    return re.sub(r"\s", "-", text)


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out: set[str] = set()
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        out.update(HTML_ID.findall(line))
        m = HEADING.match(line)
        if m:
            base = slug(m.group(2))
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.add(base if n == 0 else f"{base}-{n}")
    return out


def links(path: Path) -> list[tuple[int, str, str]]:
    found = []
    fenced = False
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            found += [(no, target, anchor) for target, anchor in LINK.findall(line)
                      if not target.startswith(("http:", "https:", "mailto:"))]
    return found


def test_slug_follows_githubs_rule():
    assert slug("Readiness and the study plan") == "readiness-and-the-study-plan"
    assert slug("`examgen exam`: the screen (80×24)") == "examgen-exam-the-screen-8024"
    assert slug("Mock exams, history and practice") == "mock-exams-history-and-practice"
    assert slug("感受野 · 卷积核") == "感受野--卷积核"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_anchor_link_names_a_heading(doc):
    broken = []
    for no, target, anchor in links(doc):
        dest = doc if not target else (doc.parent / target).resolve()
        if dest.suffix != ".md" or not dest.is_file():
            continue
        if anchor not in anchors(dest):
            broken.append(f"{doc.relative_to(ROOT)}:{no}: ({target}#{anchor})")
    assert broken == []
