"""What a student reads in the LMS exports (Moodle XML, GIFT, QTI): no raw subscript notation (`C_t`, `h_{t−1}`)
and no internal part names (`c_tilde`, `w_new`) in the visible text, and keys with the decimals the question asks
for (an IoU of 0.104 asked to 2 decimals is keyed `0.10`, not `0.1`)."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest

from examgen import registry
from examgen.export import gift, moodle, qti
from examgen.model import Problem

from tests import moodle_rules as mr

RAW = re.compile(r"[^\s_]_[A-Za-z0-9({\"]|_\{|\^\{")


@pytest.fixture(scope="module")
def problems() -> list[Problem]:
    from examgen.bank import load_bank

    registry.load_all()
    return [it.to_problem() for it in load_bank(None).items] + [k.generate(s) for k in registry.all_kinds()
                                                                 for s in (11, 12)]


def _strip(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def moodle_text(data: bytes) -> str:
    out = []
    for q in ET.fromstring(data):
        for tag in ("questiontext", "generalfeedback", "graderinfo"):
            t = q.findtext(f"{tag}/text")
            if t and q.get("type") == "cloze" and tag == "questiontext":
                t = re.sub(r"\{#\d+\}", "", mr.extract_cloze(t)[2])  # the fields are answers, not text
            out.append(_strip(t or ""))
        out += [_strip(a.findtext("text") or "") for a in q.findall("answer") if q.get("type") == "multichoice"]
    return "\n".join(out)


def gift_text(data: bytes) -> str:
    body = re.sub(r"^(//|\$CATEGORY).*$", "", data.decode("utf-8"), flags=re.M)
    # answer sets (text braces are &#123; &#125;) hold answers, which are not text, and the general feedback after
    # `####`, which is
    body = re.sub(r"(?<!\\)\{((?:[^{}\\]|\\.)*)\}", lambda m: m.group(1).partition("####")[2], body)
    body = re.sub(r"::(?:[^:\\]|\\.)*::", "", body)  # titles: the question names
    return _strip(re.sub(r"\\(.)", r"\1", body))


def qti_text(data: bytes) -> str:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join("".join(ET.fromstring(z.read(n)).itertext()) for n in z.namelist() if n.startswith("items/"))


READERS = {"moodle": (moodle, moodle_text), "gift": (gift, gift_text), "qti": (qti, qti_text)}


@pytest.mark.parametrize("fmt", sorted(READERS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_raw_notation_or_internal_names(problems, fmt, lang) -> None:
    writer, read = READERS[fmt]
    text = read(writer.render(problems, lang))
    raw = sorted({text[max(0, m.start() - 10):m.end() + 5] for m in RAW.finditer(text)})
    assert not raw, raw[:10]
    internal = {p.name for pr in problems for p in pr.parts if "_" in p.name}
    assert len(internal) >= 10  # c_tilde, w_new, conv1_params …: the check has something to find
    shown = sorted(n for n in internal if re.search(rf"(?<![\w]){re.escape(n)}(?![\w])", text))
    assert not shown, shown


def test_the_reader_sees_raw_notation_when_there_is_some() -> None:
    assert RAW.search(_strip("<p>C_t = f_t⊙C_{t−1}</p>")) and not RAW.search(_strip("<p>C<sub>t</sub></p>"))


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_keys_keep_the_asked_decimals(fmt) -> None:
    registry.load_all()
    kind = registry.get("iou")
    p = next(p for p in (kind.generate(s) for s in range(1, 500))
             if p.parts[0].spec.decimals == 2 and f"{float(p.parts[0].answer):.2f}".endswith("0"))
    want = f"{float(p.parts[0].answer):.2f}"  # e.g. 0.10
    writer, read = READERS[fmt]
    text = read(writer.render([p], "en"))
    assert re.search(rf"Answer:\s*{re.escape(want)}(?!\d)", text), (want, text[:300])
