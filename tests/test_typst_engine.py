"""Tests for examgen.export.typst_engine and templates/exam.typ."""

from __future__ import annotations

import copy
import io
import re

import pytest

import typst  # noqa: F401
import pypdf

from examgen.errors import UserError  # noqa: E402
from examgen.export.typst_engine import (  # noqa: E402
    FONT_DIR,
    TEMPLATE_DIR,
    GlyphCoverageError,
    MathSyntaxError,
    TypstRenderer,
    check_coverage,
    iter_math,
    iter_strings,
)

STEM = "卷积层输入特征图宽度"
LITERAL = "Literal: #set text(red) $x^2$ *bold* _under_ @ref <label> 100% \\n"


def t(value: str) -> dict:
    return {"kind": "text", "value": value}


def m(value: str) -> dict:
    return {"kind": "math", "value": value}


def sample_data(mode: str = "paper") -> dict:
    """A 2-section exam exercising every block kind and answer-space kind."""
    pixels = [
        ["23", "22", "23", "72", "73"],
        ["11", "23", "8", "80", "73"],
        ["8", "22", "16", "71", "63"],
        ["18", "8", "8", "60", "84"],
        ["8", "20", "14", "75", "53"],
    ]
    hl = [[r, c] for r in range(1, 4) for c in range(1, 4)]
    return {
        "lang": "zh",
        "title": "深度学习与计算机视觉 · 期末模拟卷 A",
        "subtitle": "Deep Learning & Computer Vision — Mock Final Exam A",
        "header": "深度学习与计算机视觉 · 期末模拟卷 A · 变体 Variant 1",
        "footer": "seed 20261126 · variant 1/30",
        "mode": mode,
        "instructions": "考试时间 120 分钟，满分 100 分。请将答案写在答题线上或方框内。"
        "Answer in Chinese or English.",
        "show_name_fields": True,
        "score_table": ["一", "二"],
        "sections": [
            {
                "title": "一、计算题 Calculation",
                "points": "共 30 分",
                "items": [
                    {
                        "number": 1,
                        "points": "8 分",
                        "tag": "计算 Calculation",
                        "body": [
                            {"kind": "rich", "segments": [
                                t(STEM + " "), {"kind": "math", "value": "W = 28"},
                                t("，卷积核大小 "), {"kind": "math", "value": "F = 3"},
                                t("，填充 "), {"kind": "math", "value": "P = 2"},
                                t("，步长 "), {"kind": "math", "value": "S = 1"},
                                t("。根据公式"),
                            ]},
                            m("O = (W - F + 2P)/S + 1"),
                            {"kind": "rich", "segments": [
                                t("求输出宽度 "), {"kind": "math", "value": "O"},
                                t("；并说明两个堆叠的 "), {"kind": "math", "value": "3 times 3"},
                                t(" 卷积与一个 "), {"kind": "math", "value": "5 times 5"},
                                t(" 卷积的感受野和参数量（通道数均为 "),
                                {"kind": "math", "value": "C"}, t("）。"),
                            ]},
                        ],
                        "answer_space": {"kind": "lines", "lines": 4},
                        "key": [
                            {"kind": "steps", "items": [
                                {"title": "代入公式 Substitute:",
                                 "math": "O = floor((W - F + 2P)/S) + 1 = floor((28 - 3 + 2 dot 1)/1) + 1",
                                 "result": "28"},
                                {"title": "两个 3×3 卷积的参数量 Parameters:",
                                 "math": "2 dot 9 C^2 = 18 C^2 < 25 C^2", "result": ""},
                            ]},
                            {"kind": "answer", "value": "O = 28", "math": True},
                        ],
                    },
                    {
                        "number": 2,
                        "points": "12 分",
                        "tag": "计算 Edge operator",
                        "body": [
                            {"kind": "rich", "segments": [
                                t("下图为 5×5 灰度图像块 "), {"kind": "math", "value": "I"},
                                t("（灰色为中心 3×3 邻域）。用 Sobel 算子计算中心像素的梯度分量 "),
                                {"kind": "math", "value": "G_x"}, t("、"),
                                {"kind": "math", "value": "G_y"}, t("，并求梯度幅值 "),
                                {"kind": "math", "value": "|G| = sqrt(G_x^2 + G_y^2)"}, t("："),
                            ]},
                            m("K_x = mat(-1, 0, 1; -2, 0, 2; -1, 0, 1), quad "
                              "K_y = K_x^T = mat(-1, -2, -1; 0, 0, 0; 1, 2, 1), quad "
                              "G_x = sum_(i,j) K_x (i,j) dot N(i,j)."),
                            {"kind": "grid", "rows": pixels, "highlight": hl,
                             "caption": "图 1 像素块 Pixel patch"},
                        ],
                        "answer_space": {"kind": "box", "height_cm": 4.9},
                        "key": [
                            m("G_x = (-1)(23) + (1)(80) + (-2)(22) + (2)(71) + (-1)(8) + (1)(60) = bold(207)"),
                            {"kind": "steps", "items": [
                                {"title": "", "math": "G_y = (8 + 2 times 8 + 60) - (23 + 2 times 8 + 80)",
                                 "result": "-35"},
                                {"title": "梯度幅值 Magnitude:",
                                 "math": "|G| = sqrt(G_x^2 + G_y^2) = sqrt(207^2 + (-35)^2) approx",
                                 "result": "209.94"},
                            ]},
                            {"kind": "answer", "value": "|G| approx 209.94", "math": True},
                        ],
                    },
                    {
                        "number": 3,
                        "points": "10 分",
                        "tag": "填空 Fill in",
                        "body": [
                            t("对上图 5×5 像素块做 3×3 最大池化（步长 1，无填充），写出输出特征图。"),
                            t(LITERAL),
                        ],
                        "answer_space": {"kind": "grid", "rows": 3, "cols": 3},
                        "key": [
                            {"kind": "table", "header": ["行 Row", "1", "2", "3"],
                             "rows": [["1", "23", "80", "80"], ["2", "23", "80", "80"],
                                      ["3", "22", "75", "84"]]},
                        ],
                    },
                ],
            },
            {
                "title": "二、简答与选择 Short answer & choice",
                "points": "共 20 分",
                "items": [
                    {
                        "number": 4,
                        "points": "10 分",
                        "tag": "简答 LSTM",
                        "body": [
                            {"kind": "rich", "segments": [
                                t("LSTM 单元中，遗忘门 "),
                                {"kind": "math", "value": "f_t = sigma(W_f [h_(t-1), x_t] + b_f)"},
                                t("，候选状态 "), {"kind": "math", "value": "tilde(C)_t"},
                                t("，细胞状态 "),
                                {"kind": "math", "value": "C_t = f_t dot.o C_(t-1) + i_t dot.o tilde(C)_t"},
                                t("。说明为何这种加法更新能缓解梯度消失（学习率 "),
                                {"kind": "math", "value": "eta"}, t("，动量 "),
                                {"kind": "math", "value": "beta"}, t("）。"),
                            ]},
                        ],
                        "answer_space": {"kind": "lines", "lines": 3},
                        "key": [
                            {"kind": "rich", "segments": [
                                t("细胞状态沿 "), {"kind": "math", "value": "C_(t-1) -> C_t"},
                                t(" 是加法更新，"),
                                {"kind": "math", "value": "(partial C_t)/(partial C_(t-1)) = f_t"},
                                t("，当 "), {"kind": "math", "value": "f_t approx 1"},
                                t(" 时梯度可跨越多个时间步而不指数衰减。"),
                            ]},
                        ],
                    },
                    {
                        "number": 5,
                        "points": "5 分",
                        "tag": "选择 Choice",
                        "body": [
                            t("目标检测中衡量预测框与真实框重叠程度的指标是："),
                            {"kind": "options", "items": [
                                "IoU 交并比", "mAP", "Dropout",
                                {"kind": "rich", "segments": [
                                    {"kind": "math", "value": "\"IoU\" > 0.5"}, t(" 阈值")]},
                            ]},
                        ],
                        "answer_space": {"kind": "none"},
                        "key": [{"kind": "answer", "value": "A", "math": False}],
                    },
                    {
                        "number": 6,
                        "points": "5 分",
                        "tag": "选择 Choice",
                        "body": [
                            t("关于批归一化（Batch Normalization），下列说法正确的是："),
                            {"kind": "options", "items": [
                                "训练时使用当前小批量的均值和方差进行归一化",
                                "推理时必须使用与训练时相同大小的小批量",
                                "批归一化层没有任何可学习参数",
                                "批归一化只能放在激活函数之后",
                            ]},
                        ],
                        "answer_space": {"kind": "none"},
                        "key": [{"kind": "answer", "value": "A", "math": False}],
                    },
                ],
            },
        ],
    }


@pytest.fixture(scope="module")
def renderer() -> TypstRenderer:
    return TypstRenderer()


@pytest.fixture(scope="module")
def paper_pdf(renderer: TypstRenderer) -> bytes:
    return renderer.render("exam", sample_data("paper"))


@pytest.fixture(scope="module")
def key_pdf(renderer: TypstRenderer) -> bytes:
    return renderer.render("exam", sample_data("key"))


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def squash(s: str) -> str:
    """Drop whitespace so line breaks chosen by Typst don't matter."""
    return re.sub(r"\s+", "", s)


def test_shipped_files_exist() -> None:
    assert (TEMPLATE_DIR / "exam.typ").is_file()
    for name in ("NotoSansSC-Regular-gb2312.ttf", "NotoSansSC-Bold-gb2312.ttf", "OFL.txt"):
        assert (FONT_DIR / name).is_file(), name
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT_DIR / "OFL.txt").read_text(encoding="utf-8")


def test_paper_is_pdf_with_chinese_text_and_every_question(paper_pdf: bytes) -> None:
    assert paper_pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(paper_pdf))
    assert len(reader.pages) >= 2
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4
    text = squash(pdf_text(paper_pdf))
    assert squash(STEM) in text
    for stem in ("求输出宽度", "用Sobel算子计算中心像素", "写出输出特征图",
                 "说明为何这种加法更新", "衡量预测框与真实框", "关于批归一化"):
        assert stem in text, stem
    for n in range(1, 7):
        assert f"{n}.【" in text, f"question {n}"
    assert "第1页/共" in text and "Page1of" in text
    assert "seed20261126" in text
    assert "姓名Name" in text and "题号" in text
    # options are lettered; the 4-column layout is used for the short ones
    assert "A.IoU交并比" in text and "D." in text
    # the pixel grid cells are real text
    assert "23222372" in text.replace("\n", "")


def test_key_mode_prints_key_not_answer_space(key_pdf: bytes, paper_pdf: bytes) -> None:
    key = squash(pdf_text(key_pdf))
    paper = squash(pdf_text(paper_pdf))
    assert "参考答案" in key and "参考答案" not in paper
    assert "代入公式" in key and "代入公式" not in paper
    assert "细胞状态沿" in key
    assert "答案Answer" in key
    assert squash(STEM) not in key  # key mode shows no question bodies
    # step results are bold math (U+1D7CE… bold digits); no "=" after a trailing relation
    assert "=𝟐𝟖" in key and "=−𝟑𝟓" in key and "≈𝟐𝟎𝟗.𝟗𝟒" in key and "≈=" not in key
    assert "⌊" in key and "√" in key  # floor and radical from the math font
    assert "题号" not in key  # no score table in the key


def test_paper_with_solutions_has_body_and_key(renderer: TypstRenderer) -> None:
    text = squash(pdf_text(renderer.render("exam", sample_data("paper+solutions"))))
    assert squash(STEM) in text and "代入公式" in text and "解答Solution" in text


def _font_dicts(pdf: bytes) -> list[dict]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts: dict[int, dict] = {}
    for page in reader.pages:
        res = page["/Resources"].get_object()
        for ref in res.get("/Font", {}).values():
            fonts[ref.idnum] = ref.get_object()
    return list(fonts.values())


def _embedded(font: dict) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are drawn inline
    desc = font["/FontDescriptor"].get_object()
    return any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_all_fonts_embedded_pypdf(paper_pdf: bytes, key_pdf: bytes) -> None:
    for pdf in (paper_pdf, key_pdf):
        fonts = _font_dicts(pdf)
        assert fonts
        names = [str(f.get("/BaseFont")) for f in fonts]
        assert any("NotoSansSC" in n for n in names), names
        assert any("NotoSansSC-Bold" in n for n in names), names  # headings really are bold
        assert any("NewCM" in n or "Math" in n for n in names), names  # math font used
        assert all(_embedded(f) for f in fonts), names


def test_markup_characters_print_literally(paper_pdf: bytes) -> None:
    text = pdf_text(paper_pdf)
    assert "#set text(red) $x^2$ *bold* _under_ @ref <label> 100% \\n" in text


def test_literal_text_alone(renderer: TypstRenderer) -> None:
    data = {"lang": "en", "title": "T", "mode": "paper", "sections": [{"title": "S", "points": "", "items": [
        {"number": 1, "points": "", "tag": "", "body": [t("# $ * _ @ < ] [ } { \\ ` //")],
         "answer_space": {"kind": "none"}, "key": None}]}]}
    assert "# $ * _ @ < ] [ } { \\ ` //" in pdf_text(renderer.render("exam", data))


def test_render_is_deterministic(renderer: TypstRenderer, paper_pdf: bytes) -> None:
    again = renderer.render("exam", sample_data("paper"))
    assert again == paper_pdf
    fresh = TypstRenderer().render("exam", sample_data("paper"))  # new compiler instance
    assert fresh == paper_pdf


def test_compiler_is_built_once_and_reused(renderer: TypstRenderer, paper_pdf: bytes) -> None:
    first = renderer.compiler
    renderer.render("exam", sample_data("key"))
    assert renderer.compiler is first


def test_render_does_not_mutate_data(renderer: TypstRenderer) -> None:
    data = sample_data("key")
    before = copy.deepcopy(data)
    renderer.render("exam", data)
    assert data == before


def test_png_output(renderer: TypstRenderer) -> None:
    pages = renderer.render_pages("exam", sample_data("key"), fmt="png")
    assert pages and all(p.startswith(b"\x89PNG") for p in pages)


def test_unknown_template_and_format(renderer: TypstRenderer) -> None:
    with pytest.raises(ValueError):
        renderer.render("../typst_engine", {})
    with pytest.raises(ValueError):
        renderer.render("exam", sample_data(), fmt="docx")


def test_bad_math_names_the_string(renderer: TypstRenderer) -> None:
    data = sample_data()
    data["sections"][0]["items"][0]["body"] = [m("frac(")]
    with pytest.raises(MathSyntaxError, match=r"'frac\(': unclosed delimiter") as exc:
        renderer.render("exam", data)
    assert isinstance(exc.value.__cause__, typst.TypstError)
    # Typst 0.15 removed dot.circle; ⊙ is dot.o
    data = sample_data()
    data["sections"][1]["items"][0]["body"] = [
        {"kind": "rich", "segments": [t("x "), {"kind": "math", "value": "a dot.circle b"}]}]
    with pytest.raises(MathSyntaxError, match="dot.circle"):
        renderer.render("exam", data)


def test_iter_math_finds_all_math_strings() -> None:
    found = set(iter_math(sample_data()))
    assert "O = (W - F + 2P)/S + 1" in found  # display math
    assert "tilde(C)_t" in found  # inline math segment
    assert "28" in found and "O = 28" in found  # step result, math answer
    assert "\"IoU\" > 0.5" in found  # rich option
    assert STEM not in found and "A" not in found  # text and non-math answers


def test_check_coverage(no_full_font) -> None:
    check_coverage(["卷积神经网络σ√−⌊⌋"])
    check_coverage(["", "ASCII only", "αβγ ∑∫ ≈ ⊙ C̃", "，。、：；（）【】「」", "１２ＡＢ"])
    with pytest.raises(GlyphCoverageError) as exc:
        check_coverage(["卷积", "神经龘网络"])
    msg = str(exc.value)
    assert "龘" in msg and "U+9F98" in msg and "\n" not in msg
    assert isinstance(exc.value, ValueError)
    assert isinstance(exc.value, UserError) and exc.value.message == msg  # one line for the CLI
    for bad in ("㐀", "𠀀", "堃", "한"):  # Ext A, Ext B, non-GB2312 hanzi, Hangul
        with pytest.raises(GlyphCoverageError):
            check_coverage([bad])
    for bad in ("😀", "👍🏽", "🇨🇳", "❤️"):  # no bundled or embedded font draws a pictograph
        with pytest.raises(GlyphCoverageError, match="bundled fonts and would print as a blank box"):
            check_coverage([bad])


def test_render_rejects_uncovered_text(renderer: TypstRenderer, no_full_font) -> None:
    data = sample_data()
    data["sections"][1]["items"][0]["tag"] = "龘"
    with pytest.raises(GlyphCoverageError, match="U\\+9F98"):
        renderer.render("exam", data)
    assert "龘" in list(iter_strings(data))
