"""The optional full Chinese font (`examgen[cjk-full]`, installed by the test extra): names beyond GB2312 print,
the characters it covers are the ones its own cmap has (read here with fontTools), and a paper that does not
need it is byte-identical with it installed or not."""

from __future__ import annotations

import subprocess

import pytest
from fontTools.ttLib import TTCollection

from examgen.export import cjk_full
from examgen.export.typst_engine import GlyphCoverageError, TypstRenderer, check_coverage
from tests.test_typst_engine import sample_data


def test_the_face_read_is_noto_sans_cjk_sc_and_its_cmap_is_read_right():
    font = TTCollection(str(cjk_full.font_path())).fonts[cjk_full.FACE]
    assert font["name"].getDebugName(1) == cjk_full.FAMILY
    cmap = font.getBestCmap()
    for lo, hi in ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0x20000, 0x20400)):
        wrong = [cp for cp in range(lo, hi + 1) if (cp in cmap) != cjk_full.covers(chr(cp))]
        assert wrong == [], [hex(cp) for cp in wrong[:5]]


def test_names_beyond_gb2312_print_with_the_full_font(capsys, tmp_path):
    from tests.test_export_paper import run_cli

    csv = tmp_path / "c.csv"
    csv.write_text("name,number\n王喆,1\n张堃,2\n李明,3\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "export", "--kind", "iou", "--seed", "1", "--students", str(csv), "-o",
                           str(tmp_path / "x.pdf"), "--lang", "zh")
    assert code == 0, err
    for number, name in (("1", "王喆"), ("2", "张堃")):
        pdf = tmp_path / f"x-{number}.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert name in text and "NotoSansCJK" in fonts
    fonts = subprocess.run(["pdffonts", str(tmp_path / "x-3.pdf")], capture_output=True, text=True).stdout
    assert "NotoSansCJK" not in fonts                 # 李明 is in the subset: the full font is not used


def test_a_paper_that_does_not_need_the_full_font_is_byte_identical_without_it(monkeypatch):
    with_font = TypstRenderer().render("exam", sample_data())
    from examgen.export import typst_engine

    typst_engine._covered.cache_clear()
    monkeypatch.setattr(cjk_full, "font_path", lambda: None)
    try:
        assert TypstRenderer().render("exam", sample_data()) == with_font
    finally:
        typst_engine._covered.cache_clear()


def test_a_character_neither_font_has_is_still_refused():
    with pytest.raises(GlyphCoverageError, match="nor by the installed Noto Sans CJK"):
        check_coverage(["𠀀"])          # Ext B: not in Noto Sans CJK
    with pytest.raises(GlyphCoverageError, match="bundled fonts"):
        check_coverage(["😀"])


def test_without_the_extra_the_message_says_how_to_add_it(no_full_font):
    with pytest.raises(GlyphCoverageError, match=r"pip install 'examgen\[cjk-full\]' adds the full font"):
        check_coverage(["喆"])
    with pytest.raises(GlyphCoverageError) as exc:
        check_coverage(["😀"])
    assert "cjk-full" not in str(exc.value)
