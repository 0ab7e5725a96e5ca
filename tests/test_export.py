"""`examgen export`: documents, PDF / HTML / Markdown, variants and the combined key, bad input.

Everything written is opened with a real reader (pypdf for PDFs) and compared with `examgen generate … --json`."""

from __future__ import annotations

import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

import typst  # noqa: F401
import pypdf

from examgen import cli, registry  # noqa: E402
from examgen.errors import UserError  # noqa: E402
from examgen.export import document as D  # noqa: E402
from examgen.export.files import write_all  # noqa: E402
from examgen.export.mathml import to_mathml  # noqa: E402
from examgen.export.run import build, run  # noqa: E402
from examgen.export.sources import Selection  # noqa: E402
from examgen.grading import display_value  # noqa: E402
from examgen.i18n import Bi  # noqa: E402
from examgen.model import Part, Problem, TrueFalseSpec  # noqa: E402

KINDS = ["conv-output", "edge-filter", "iou", "otsu", "lstm-step", "precision-recall"]


# ---------------------------------------------------------------- helpers
def _out(tmp_path: Path) -> Path:
    """An empty output directory (tmp_path also holds the isolated EXAMGEN_HOME)."""
    d = tmp_path / "out"
    d.mkdir()
    return d


def run_cli(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    """`examgen ARGS` in this process, through the real entry point (one-line errors, exit codes)."""
    monkeypatch.setattr(sys, "argv", ["examgen", *args])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    out = capsys.readouterr()
    code = exc.value.code
    return (0 if code is None else int(code)), out.out, out.err


def generated(capsys, monkeypatch, kind: str, seed: int, count: int) -> list[dict]:
    code, out, _ = run_cli(capsys, monkeypatch, "generate", kind, "--seed", str(seed), "--count", str(count),
                           "--json")
    assert code == 0
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def spec_of(p: dict):
    """The answer spec of a `generate --json` part, rebuilt as a model object."""
    from examgen import model

    d = dict(p["spec"])
    cls = {"number": model.NumberSpec, "vector": model.VectorSpec, "shape": model.ShapeSpec,
           "matrix": model.MatrixSpec, "labels": model.LabelsSpec}[d["kind"]]
    if "labels" in d:
        d["labels"] = tuple(d["labels"])
    return cls(**d)


def stated_precision(spec, answer) -> str:
    """The key's answer written independently: numbers with exactly the decimals the question states."""
    d = getattr(spec, "decimals", None)
    if isinstance(answer, (int, float)) and d is not None and not getattr(spec, "integer", False):
        return f"{float(answer):.{d}f}"
    return display_value(spec, answer)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def plain_prompt(text: str) -> str:
    """A run of prompt text without math (nor a subscript spelled in the text, which prints as math), long
    enough to identify a question."""
    runs = [seg for kind, seg in __import__("examgen.mathfmt", fromlist=["split_math"]).split_math(text)
            if kind == "text"]
    runs = [re.sub(r'["“”「」]', "", r) for seg in runs for r in re.split(r"\S*[_^]\S*", seg)]
    return squash(max(runs, key=len))[:12]  # quotes left out: Chinese papers print one style, “”


def fonts_embedded(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            fonts[ref.idnum] = ref.get_object()
    names = []
    for f in fonts.values():
        names.append(str(f.get("/BaseFont")))
        g = f["/DescendantFonts"][0].get_object() if f.get("/Subtype") == "/Type0" else f
        if g.get("/Subtype") == "/Type3":
            continue
        desc = g["/FontDescriptor"].get_object()
        assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"not embedded: {names[-1]}"
    return names


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("export")


@pytest.fixture(scope="module")
def exam_pdfs(out_dir: Path) -> dict[str, bytes]:
    """One mock exam (seed 5) as paper (zh) and key (zh), written through `run`."""
    res = {}
    for mode, name in (("paper", "paper.pdf"), ("key", "key.pdf")):
        run(Selection(seed=5, lang="zh"), "pdf", str(out_dir / name), key=mode == "key")
        res[mode] = (out_dir / name).read_bytes()
    return res


# ---------------------------------------------------------------- the neutral document
@dataclass
class _Item:
    number: int
    section: str
    slot: str
    problem: Problem
    seed: int | None


@dataclass
class _Section:
    id: str
    title: Bi
    points: float
    items: list


@dataclass
class _Exam:
    """A stand-in for `examgen.exam.Exam` (the shared API), so the document model is tested on its own."""

    seed: int
    title: Bi
    duration_min: int
    blueprint: str
    sections: list

    @property
    def items(self) -> list:
        return [it for s in self.sections for it in s.items]


def stand_in_exam() -> _Exam:
    tf = Problem(kind="bank-tf", seed=None, section="choice", topic="cnn", points=2, params={"id": "x-tf"},
                 prompt=Bi("池化层没有可学习参数。", "Pooling layers have no learnable parameters."),
                 parts=[Part("", Bi("答案", "Answer"), TrueFalseSpec(), True)], steps=[],
                 explanation=Bi("最大池化和平均池化都没有参数。", "Max and average pooling have none."), item_id="x-tf")
    calc = registry.problem("edge-filter", 4).with_points(8)
    return _Exam(seed=42, title=Bi("测试卷", "Test paper"), duration_min=90, blueprint="test", sections=[
        _Section("objective", Bi("一、判断题", "I. True or false"), 2, [_Item(1, "objective", "o1", tf, None)]),
        _Section("calculation", Bi("二、计算题", "II. Calculation"), 8, [_Item(2, "calculation", "c1", calc, 4)]),
    ])


def test_document_from_stand_in_exam() -> None:
    prov = D.Provenance(seed=42, code="V01-ABCD", command="examgen export --seed 42")
    doc = D.from_exam(stand_in_exam(), "zh", "paper", prov=prov)
    assert [s.title for s in doc.sections] == ["一、判断题", "二、计算题"]
    assert [it.number for it in doc.items] == [1, 2] and doc.total_points == 10
    assert doc.footer == "V01-ABCD" and doc.command == doc.colophon == "" and doc.records == {}
    key = D.from_exam(stand_in_exam(), "zh", "key", prov=prov)
    assert "seed 42" in key.footer and key.colophon == "examgen export --seed 42" and "V01-ABCD" in key.records
    assert doc.score_labels == ["一", "二"] and "90 分钟" in doc.instructions
    tf, calc = doc.items
    assert tf.body[-1]["segments"][-1] == {"kind": "paren"}  # the bracket the answer goes in
    assert tf.space == {"kind": "none"} and tf.answers[0].text == "对（√）"
    assert calc.space["kind"] == "calc" and len(calc.space["parts"]) == len(calc.problem.parts)
    assert any(b["kind"] == "figures" for b in calc.body)
    steps = next(b for b in calc.key if b["kind"] == "steps")
    assert len(steps["items"]) == len(calc.problem.steps)
    key = D.from_exam(stand_in_exam(), "en", "key")
    assert key.instructions == "" and key.score_labels == [] and key.items[1].tag == "Edge operators"


def test_segments_blanks_and_math() -> None:
    segs = D.segments("a ____ b $x_1$ c ____", blanks=True)
    assert [s["kind"] for s in segs] == ["text", "blank", "text", "math", "text", "blank"]
    assert segs[1]["n"] == 1 and segs[5]["n"] == 2
    assert D.segments("only ____ one", blanks=True)[1] == {"kind": "blank", "n": None}


def test_safe_math_quotes_unknown_names() -> None:
    assert D.safe_math("TP") == '"TP"'
    assert D.safe_math('G1 = (3, 4)') == '"G1" = (3, 4)'
    assert D.safe_math('h_(t-1) dot.o tilde(C)_t') == 'h_(t-1) dot.o tilde(C)_t'
    assert D.safe_math("frac(") is None
    assert D.math_or_quoted("frac(").startswith('"')


def test_mathml() -> None:
    m = to_mathml("(W - F + 2P)/S + 1")
    assert m.startswith("<math>") and "<mfrac>" in m and "<mo>(</mo>" not in m.split("<mfrac>")[1][:30]
    assert "<msqrt>" in to_mathml("sqrt(G_x^2 + G_y^2)")
    assert "<mtable>" in to_mathml("mat(1, 2; 3, 4)") and to_mathml("mat(1, 2; 3, 4)").count("<mtr>") == 2
    assert "<mtext>IoU</mtext>" in to_mathml('"IoU" approx 0.5')
    assert "⊙" in to_mathml("f_t dot.o C_(t-1)") and "˜" in to_mathml("tilde(C)_t")
    assert "<msubsup>" in to_mathml("x_2^A") and "display=\"block\"" in to_mathml("x", display=True)
    assert "&lt;" in to_mathml("a < b")  # escaped, never raw markup
    assert "q" in to_mathml("qux(1)")  # unknown names are printed, not dropped
    bold = to_mathml("S_A = 24, S_B = 63", bold=True)  # a result with a comma keeps both halves
    assert ">63</mn>" in bold and "font-weight:bold" in bold
    assert "<mn>−5</mn>" in to_mathml("G_x = -5") and "<mo>−</mo><mn>5</mn>" in to_mathml("a - 5")


# ---------------------------------------------------------------- PDF
def test_exam_pdf_has_every_question_chinese_text_and_embedded_fonts(exam_pdfs) -> None:
    from examgen.exam import build_exam

    exam = build_exam(5)
    text = re.sub(r'["“”]', "", squash(pdf_text(exam_pdfs["paper"])))
    for it in exam.items:
        assert f"{it.number}.【" in text, f"question {it.number}"
        assert plain_prompt(it.problem.prompt.zh) in text, it.problem.ref
    for sec in exam.sections:
        assert squash(sec.title.zh) in text
    assert "姓名Name" in text and "学号ID" in text and "题号Section" in text
    assert "第1页/共" in text and "seed" not in text and "examgen" not in text
    assert re.search(r"V01-[2-9A-Z]{4}", text)
    names = fonts_embedded(exam_pdfs["paper"])
    assert any("NotoSansSC" in n for n in names) and any("Bold" in n for n in names)
    reader = pypdf.PdfReader(io.BytesIO(exam_pdfs["paper"]))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4


def test_exam_key_pdf_has_answers_points_and_marking_scheme(exam_pdfs) -> None:
    from examgen.exam import build_exam

    exam = build_exam(5)
    key = squash(pdf_text(exam_pdfs["key"]))
    assert "参考答案" in key and "题号" not in key
    for it in exam.items:
        assert f"{it.number}.【" in key
        for part in it.problem.parts:
            shown = D.answer_text(part, "zh")
            if part.spec.kind == "matrix":
                continue  # typeset as a matrix
            if part.spec.kind == "rubric":
                for kp in part.spec.key_points:  # the marking scheme: every key point with its points
                    assert squash(kp.text.zh)[:10] in key
                continue
            assert squash(shown) in key, (it.number, shown)
    assert "评分标准" in key and "合计" in key
    fonts_embedded(exam_pdfs["key"])


def test_key_answers_equal_generate_json(capsys, monkeypatch, tmp_path) -> None:
    seed, count = 20, 2
    args = [a for k in KINDS for a in ("--kind", k)]
    code, _, err = run_cli(capsys, monkeypatch, "export", *args, "--seed", str(seed), "--count", str(count),
                           "--key", "-o", str(tmp_path / "k.pdf"), "--lang", "en")
    assert code == 0, err
    text = squash(pdf_text((tmp_path / "k.pdf").read_bytes()))
    code, _, _ = run_cli(capsys, monkeypatch, "export", *args, "--seed", str(seed), "--count", str(count), "--key",
                         "-o", str(tmp_path / "k.md"), "--lang", "en")
    md = (tmp_path / "k.md").read_text(encoding="utf-8")
    n = 0
    for kind in KINDS:
        for pj in generated(capsys, monkeypatch, kind, seed, count):
            for p in pj["parts"]:
                if p["spec"]["kind"] == "matrix":
                    continue
                shown = display_value(spec_of(p), p["answer"])
                assert squash(shown) in text, (kind, pj["seed"], p["name"], shown)
                assert shown.replace("[", "\\[").replace("]", "\\]") in md or shown in md, (kind, p["name"])
                n += 1
    assert n >= len(KINDS) * count


def test_variants_files_and_combined_key_table(capsys, monkeypatch, tmp_path) -> None:
    tmp_path = _out(tmp_path)
    code, out, err = run_cli(capsys, monkeypatch, "export", "--kind", "iou", "--kind", "conv-output", "--seed", "40",
                             "--count", "2", "--variants", "3", "-o", str(tmp_path / "set.md"), "--lang", "en")
    assert code == 0, err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["set-key-table.md", "set-v01.md", "set-v02.md", "set-v03.md"]
    table = (tmp_path / "set-key-table.md").read_text(encoding="utf-8")
    for v in (1, 2, 3):
        start = 40 + (v - 1) * 2  # variant seeds: 40, 42, 44 — problem seeds never overlap
        m = re.search(rf"## Variant {v} · (V0{v}-[2-9A-Z]{{4}}) · seed {start}\n", table)
        assert m, v
        paper = (tmp_path / f"set-v{v:02d}.md").read_text(encoding="utf-8")
        assert m.group(1) in paper and "seed" not in paper
        for kind in ("iou", "conv-output"):
            for pj in generated(capsys, monkeypatch, kind, start, 2):
                p = pj["parts"][0]
                assert stated_precision(spec_of(p), p["answer"]) in table.replace("\\", "")


def test_exam_variants_pdf_and_key_table(tmp_path) -> None:
    from examgen.exam import build_exam

    files = build(Selection(seed=300, variants=2, lang="zh"), "pdf", tmp_path / "c.pdf")
    assert sorted(p.name for p in files) == ["c-key-table.pdf", "c-v01.pdf", "c-v02.pdf"]
    table = squash(pdf_text(files[tmp_path / "c-key-table.pdf"]))
    for v, seed in ((1, 300), (2, 301)):
        m = re.search(rf"变体Variant{v}(V0{v}-[2-9A-Z]{{4}})seed{seed}", table)
        assert m, (v, seed)
        paper = squash(pdf_text(files[tmp_path / f"c-v{v:02d}.pdf"]))
        assert m.group(1) in paper and "seed" not in paper
        for it in build_exam(seed).items:
            line = D.make_item(it.problem, it.number, "zh").answer_line("zh")
            # subscripts print as math: 𝐶1 in the PDF's text for C_1
            nfkc = lambda t: unicodedata.normalize("NFKC", t)  # noqa: E731
            assert nfkc(squash(line).replace("_", ""))[:20] in nfkc(table), (seed, it.number, line)


def test_reexport_is_byte_identical(tmp_path) -> None:
    sel = Selection(kinds=["edge-filter"], topics=["transfer"], count=2, seed=9, lang="zh")
    for fmt, ext in (("pdf", "pdf"), ("html", "html"), ("md", "md"), ("moodle", "xml"), ("gift", "gift")):
        a = build(sel, fmt, tmp_path / f"a.{ext}")
        b = build(sel, fmt, tmp_path / f"a.{ext}")
        assert a == b, fmt


def test_with_solutions_pdf(tmp_path) -> None:
    files = build(Selection(kinds=["otsu"], seed=3, lang="en"), "pdf", tmp_path / "s.pdf", mode="solutions")
    text = squash(pdf_text(next(iter(files.values()))))
    assert "Solution" in text and "Otsu" in text and "Pixelcount" in text
    assert "Name" not in text  # no name fields when the solutions are in


# ---------------------------------------------------------------- HTML and Markdown
def test_html_is_self_contained_and_has_same_content_as_markdown(tmp_path) -> None:
    sel = Selection(kinds=["edge-filter", "lstm-step"], topics=["classic-cv"], count=1, seed=12, lang="zh")
    html = next(iter(build(sel, "html", tmp_path / "x.html", mode="solutions").values())).decode("utf-8")
    md = next(iter(build(sel, "md", tmp_path / "x.md", mode="solutions").values())).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert "<script" not in html and "http://" not in html and "https://" not in html and "<link" not in html
    assert "@media print" in html and "break-inside: avoid" in html and "size: A4" in html
    assert "<math" in html and "<msub>" in html and "<mtable>" in html
    from examgen.export.sources import selection_problems

    for i, p in enumerate(selection_problems(sel, 12), 1):
        stem = plain_prompt(p.prompt.zh)[:8]
        assert stem in squash(re.sub(r"<[^>]+>", "", html)), p.ref
        assert stem in squash(md.replace("\\", "")), p.ref
        for part in p.parts:
            if part.spec.kind not in ("matrix", "rubric"):
                assert D.answer_text(part, "zh") in md.replace("\\", "")


def test_html_escapes_markup(tmp_path) -> None:
    p = Problem(kind="bank-tf", seed=None, section="choice", topic="cnn", points=1, params={},
                prompt=Bi("<script>alert(1)</script> & #x", "<b>x</b>"), parts=[Part("", Bi("a", "a"),
                TrueFalseSpec(), False)], steps=[], item_id="esc-1")
    doc = D.from_problems([p], "zh", "paper")
    from examgen.export.html import render_document

    html = render_document(doc).decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; #x" in html


# ---------------------------------------------------------------- bad input
def test_bad_input_one_line_errors_and_no_files(capsys, monkeypatch, tmp_path) -> None:
    tmp_path = _out(tmp_path)
    cases = [
        (["--exam", "999"], "no exam with id 999"),
        (["--kind", "conv-outptu"], "unknown kind 'conv-outptu'"),
        (["--topic", "nope"], "unknown topic 'nope'"),
        (["--seed", "1", "--key", "--with-solutions"], "choose one"),
        ([], "say what to export"),
        (["--exam", "1", "--variants", "2"], "one paper"),
        (["--seed", "1", "--format", "docx"], "unknown format 'docx'"),
        (["--kind", "iou", "--key", "--format", "moodle"], "apply to pdf, html and md"),
    ]
    for args, msg in cases:
        code, out, err = run_cli(capsys, monkeypatch, "export", *args, "-o", str(tmp_path / "x.pdf"))
        assert code == 2, (args, err)
        assert msg in err and err.count("\n") == 1 and err.startswith("examgen: error:"), (args, err)
    assert list(tmp_path.iterdir()) == []
    code, _, err = run_cli(capsys, monkeypatch, "export", "--seed", "1", "-o", str(tmp_path / "no" / "x.pdf"))
    assert code == 2 and "does not exist" in err
    code, _, err = run_cli(capsys, monkeypatch, "export", "--seed", "1", "-o", str(tmp_path / "x.what"))
    assert code == 2 and "cannot tell the format" in err


def test_existing_file_needs_force(capsys, monkeypatch, tmp_path) -> None:
    tmp_path = _out(tmp_path)
    target = tmp_path / "k.md"
    target.write_text("keep me", encoding="utf-8")
    code, _, err = run_cli(capsys, monkeypatch, "export", "--kind", "iou", "--seed", "1", "-o", str(target))
    assert code == 2 and "already exists; use --force" in err and err.count("\n") == 1
    assert target.read_text(encoding="utf-8") == "keep me"
    # with --variants, one existing target stops the whole export before anything is written
    (tmp_path / "v-v02.md").write_text("old", encoding="utf-8")
    code, _, err = run_cli(capsys, monkeypatch, "export", "--kind", "iou", "--seed", "1", "--variants", "3",
                           "-o", str(tmp_path / "v.md"))
    assert code == 2 and "v-v02.md already exists" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.md", "v-v02.md"]
    code, out, _ = run_cli(capsys, monkeypatch, "export", "--kind", "iou", "--seed", "1", "-o", str(target),
                           "--force")
    assert code == 0 and "wrote" in out and "IoU" in target.read_text(encoding="utf-8")


def test_unwritable_directory(capsys, monkeypatch, tmp_path) -> None:
    tmp_path = _out(tmp_path)
    import os

    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if str(p) == str(tmp_path) else real(p, mode))
    code, _, err = run_cli(capsys, monkeypatch, "export", "--kind", "iou", "--seed", "1", "-o",
                           str(tmp_path / "a.pdf"))
    assert code == 2 and "is not writable" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_names_the_file_asked_for_not_its_temporary(capsys, monkeypatch, tmp_path) -> None:
    """/proc passes the checks (a directory, root may write) but refuses new files: the message names q.pdf."""
    code, _, err = run_cli(capsys, monkeypatch, "export", "--kind", "iou", "--seed", "1", "-o", "/proc/q.pdf")
    assert code == 2 and "cannot write /proc/q.pdf" in err and ".tmp" not in err and err.count("\n") == 1, err


def test_an_existing_directory_as_output_says_so(capsys, monkeypatch, tmp_path) -> None:
    code, _, err = run_cli(capsys, monkeypatch, "export", "--kind", "iou", "--seed", "1", "-o", str(tmp_path))
    assert code == 2 and f"{tmp_path} is a directory; give a file name with --output" in err and err.count("\n") == 1


def test_failure_midway_leaves_no_partial_files(monkeypatch, tmp_path) -> None:
    tmp_path = _out(tmp_path)
    files = {tmp_path / "a.txt": b"a", tmp_path / "b.txt": b"b"}
    import os

    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(UserError, match="No space left"):
        write_all(files, force=False)
    monkeypatch.setattr(os, "replace", real)
    assert list(tmp_path.iterdir()) == []  # temporary files removed, nothing renamed into place


def test_missing_glyph_fails_with_the_question(capsys, monkeypatch, tmp_path, no_full_font) -> None:
    tmp_path = _out(tmp_path)
    from examgen.export import sources

    bad = registry.problem("iou", 1)
    bad.prompt = Bi(bad.prompt.zh + "龘", bad.prompt.en + " 龘")
    monkeypatch.setattr(sources, "selection_problems", lambda sel, seed: [bad])
    code, _, err = run_cli(capsys, monkeypatch, "export", "--kind", "iou", "--seed", "1", "-o",
                           str(tmp_path / "g.pdf"), "--lang", "zh")
    assert code == 2 and "第 1 题（iou:1）：字符 '龘'（U+9F98）不在随附的中文字体" in err and err.count("\n") == 1
    code, _, err = run_cli(capsys, monkeypatch, "export", "--kind", "iou", "--seed", "1", "-o",
                           str(tmp_path / "g.pdf"), "--lang", "en")
    assert code == 2 and "question 1 (iou:1)" in err and "U+9F98" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_saved_exam_exports_like_its_seed(tmp_path) -> None:
    from examgen.exam import build_exam
    from examgen.store import Store

    exam = build_exam(77)
    with Store.open() as store:
        exam_id = store.create_exam(exam, "en", "timed", 3600.0)
    files = build(Selection(exam_id=exam_id, lang="en"), "md", tmp_path / "s.md")
    saved = next(iter(files.values())).decode()
    by_seed = next(iter(build(Selection(seed=77, lang="en"), "md", tmp_path / "t.md").values())).decode()
    assert "examgen" not in saved and "seed" not in saved  # a paper names only its code
    key = next(iter(build(Selection(exam_id=exam_id, lang="en"), "md", tmp_path / "k.md", mode="key").values()))
    assert f"`examgen export --exam {exam_id} --lang en`" in key.decode()  # the key names the command
    strip = lambda s: s.split("\n---\n")[0]  # noqa: E731 - the footers name the variant codes
    assert strip(saved) == strip(by_seed)


def test_exam_key_equals_exam_paper_json(capsys, monkeypatch, tmp_path) -> None:
    """The key of `export --seed N --key` has the answers `examgen exam --seed N --paper-json` gives."""
    from dataclasses import replace

    from examgen.exam import build_exam

    code, out, err = run_cli(capsys, monkeypatch, "exam", "--seed", "5", "--paper-json", "--lang", "en")
    assert code == 0, err
    paper = json.loads(out)
    code, _, err = run_cli(capsys, monkeypatch, "export", "--seed", "5", "--key", "-o", str(tmp_path / "k.md"),
                           "--lang", "en")
    assert code == 0, err
    key = (tmp_path / "k.md").read_text(encoding="utf-8").replace("\\", "")
    items = {it.number: it for it in build_exam(5).items}
    assert [it["number"] for it in paper["items"]] == sorted(items)
    for pj in paper["items"]:
        problem = items[pj["number"]].problem
        assert f"### {pj['number']}. [" in key
        single = len(problem.parts) == 1 and not problem.parts[0].name
        for part in problem.parts:
            value = pj["answer"] if single else pj["answer"][part.name]
            if part.spec.kind in ("matrix", "rubric"):
                continue
            shown = D.answer_text(replace(part, answer=value), "en")
            if "_" in shown:  # a subscript in an answer (`h_{t-1}`) is printed as math
                from examgen.export.markdown import BlockMd

                shown = BlockMd("en").segs(D.segments(shown)).replace("\\", "")
            assert shown in key, (pj["number"], part.name, shown)
