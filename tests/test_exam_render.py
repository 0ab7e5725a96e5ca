"""The exam screen at 80×24 and 120×40, in Chinese and English: nothing cut off, grids aligned, lines that fit."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from rich.cells import cell_len
from rich.console import Console

from examgen import registry
from examgen.exam import bank_for, build_exam, grade_exam
from examgen.mathfmt import unicode_text
from examgen.model import Problem
from examgen.ui.render import wrap_cjk
from examgen.ui.report import history_view, report_view, stats_view
from examgen.ui.views import (
    clock_style, end_header, figures_block, fmt_clock, header_text, list_view, question_view, start_view,
)


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    """The parsed-bank cache in a directory of this test session, not the user's cache directory."""
    monkeypatch.setenv("EXAMGEN_CACHE", str(tmp_path_factory.getbasetemp() / "examgen-cache"))


SIZES = [(80, 24), (120, 40)]
LANGS = ["zh", "en"]


@dataclass
class Shown:
    number: int
    problem: Problem


def render(renderable, width: int, height: int) -> list[str]:
    con = Console(width=width, height=height, record=True, file=io.StringIO(), color_system=None,
                  highlight=False, soft_wrap=False)
    con.print(renderable)
    return con.export_text().splitlines()


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def check_lines_fit(lines: list[str], width: int) -> None:
    for line in lines:
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"
        assert "…" not in line or "…" in "".join(lines), line


def check_grid(lines: list[str], rows: list[list[str]]) -> None:
    """A boxed grid: every line of the box has the same width, separators line up, every value in its cell."""
    top = next(i for i, line in enumerate(lines) if line.lstrip().startswith("┌")
               and line.count("┬") == len(rows[0]) - 1 and i + len(rows) + 1 < len(lines)
               and [c.strip() for c in lines[i + 1].strip().strip("│").split("│")][:len(rows[0])] == rows[0])
    box = lines[top:top + len(rows) + 2]
    assert box[-1].lstrip().startswith("└"), box
    start = box[0].index("┌")
    seg = [line[start:start + cell_len(box[0][start:].rstrip())] for line in box]
    widths = {cell_len(s) for s in seg}
    assert len(widths) == 1, seg
    seps = [i for i, ch in enumerate(seg[0]) if ch in "┌┬┐"]
    for r, line in enumerate(seg[1:-1]):
        assert [i for i, ch in enumerate(line) if ch == "│"] == seps, line
        assert [c.strip() for c in line.strip("│").split("│")] == rows[r]


def check_matrix(fig, width: int, lang: str) -> None:
    """A matrix (no box): its rows are lines whose numbers end in the same columns."""
    lines = render(figures_block([fig], lang, width), width, 40)
    ends_per_row = []
    for row in fig.rows:
        pat = r"\s+".join(re.escape(v) for v in row)
        line = next((ln for ln in lines if re.search(r"(^|\s)" + pat + r"(\s|$)", ln)), None)
        assert line is not None, (row, lines)
        ends, pos = [], 0
        for v in row:
            m = re.compile(r"(?<!\S)" + re.escape(v) + r"(?!\S)").search(line, pos)
            ends.append(cell_len(line[:m.end()]))
            pos = m.end()
        ends_per_row.append(ends)
    assert all(e == ends_per_row[0] for e in ends_per_row), ends_per_row


def check_problem(problem: Problem, width: int, height: int, lang: str) -> None:
    lines = render(question_view(Shown(7, problem), lang, width), width, height)
    check_lines_fit(lines, width)
    flat = squash("\n".join(lines))
    assert squash(unicode_text(problem.prompt.get(lang))) in flat
    for opt in problem.options:
        assert squash(unicode_text(opt.get(lang))) in flat, "option cut off"
    for part in problem.parts:
        if part.name:
            assert squash(unicode_text(part.label.get(lang))) in flat
    for fig in problem.figures:
        assert squash(unicode_text(fig.label.get(lang))) in flat, "figure label cut off"
        if fig.kind == "grid":  # rendered without colours, so highlighted cells are in [brackets]
            hl = {tuple(rc) for rc in fig.highlight}
            check_grid(lines, [[f"[{v}]" if (r, c) in hl else v for c, v in enumerate(row)]
                               for r, row in enumerate(fig.rows)])
            if hl:  # and a line says what the brackets stand for: the prompt calls those cells gray
                assert squash("[ ] 为图中的灰色格" if lang == "zh" else "[ ] marks the gray (shaded) cells") in flat
        elif fig.kind == "matrix":
            check_matrix(fig, width, lang)
        else:
            for row in fig.rows:  # a "中文 / English" cell shows one language
                shown = [v.split(" / ")[0 if lang == "zh" else 1] if " / " in v and not v.isascii() else v for v in row]
                assert squash("".join(shown)) in flat.replace("│", "").replace("┃", "")


KINDS = [k.name for k in registry.all_kinds()]


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_every_kind_renders_without_cut_offs(width, height, lang):
    for name in KINDS:
        for seed in (0, 1, 2):
            check_problem(registry.get(name).generate(seed), width, height, lang)


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_bank_items_show_every_option_whole(width, height, lang):
    items = bank_for(None).items
    for it in items[::5]:
        check_problem(it.to_problem(), width, height, lang)


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_exam_pages_fit(width, height, lang):
    ex = build_exam(3)
    for it in ex.items:
        for remaining in (7200, 599, 61):
            head = render(header_text(ex, it, remaining, it.number % 2 == 0, lang, width), width, height)
            assert len(head) == 1 and cell_len(head[0].rstrip()) <= width
            assert fmt_clock(remaining) in head[0]
            assert f"{it.number}/{len(ex.items)}" in head[0]
        check_lines_fit(render(question_view(it, lang, width, {"": "B"}), width, height), width)
    assert len(render(end_header(ex, 100, lang, width), width, height)) == 1
    for view in (start_view(ex, lang, True), start_view(ex, lang, False, resumed="x"),
                 list_view(ex, {1: {"": "A"}}, {2}, lang)):
        check_lines_fit(render(view, width, height), width)
    answers = {it.number: {p.name: "1" for p in it.problem.parts} for it in ex.items[::2]}
    report = grade_exam(ex, answers, exam_id=3, time_used_s=1234, duration_s=7200, reason="student")
    lines = render(report_view(report, lang, width=width), width, height)
    check_lines_fit(lines, width)
    text = "\n".join(lines)
    for sec in ex.sections:
        assert sec.title.get(lang) in text


def test_history_and_stats_views_fit():
    from examgen.store import ExamRow

    rows = [ExamRow(i, 1.7e9 + i, i, "default", "zh", "piped", 7200, 3600, 1, st, None, None, None, sc, 100, None,
                    None, None, {}) for i, (st, sc) in enumerate([("submitted", 80), ("running", None)], 1)]
    data = {"chapters": {"cnn": {"attempts": 3, "accuracy": 0.5}}, "kinds": {"iou": {"attempts": 2, "accuracy": 1.0}},
            "due": 2}
    for lang in LANGS:
        for width, height in SIZES + [(60, 24)]:
            hist = render(history_view(rows, lang, width), width, height)
            check_lines_fit(hist, width)
            text = "\n".join(hist)
            assert "…" not in text and "80/100" in text and "1:00:00/2:00:00" in text   # nothing cut
            assert all(f" {r.id} " in text for r in rows)
            check_lines_fit(render(stats_view(data, lang, width), width, height), width)
            assert "…" not in "\n".join(render(stats_view(data, lang, width), width, height))


def test_clock_colours_warn_under_10_and_2_minutes():
    assert "green" in clock_style(3600) and "green" in clock_style(601)
    assert "yellow" in clock_style(600) and "yellow" in clock_style(121)
    assert "red" in clock_style(120) and "red" in clock_style(0)
    assert fmt_clock(7200) == "2:00:00" and fmt_clock(65) == "01:05" and fmt_clock(-3) == "00:00"
    from examgen.ui.views import fmt_clocks

    # two times side by side share one form: never "01:21 / 2:00:00"
    assert fmt_clocks(81, 7200) == "0:01:21 / 2:00:00" and fmt_clocks(81, 600) == "01:21 / 10:00"
    assert fmt_clocks(3700, 3600, "/") == "1:01:40/1:00:00"


@pytest.mark.parametrize("width", [10, 20, 37, 80])
def test_wrap_cjk(width):
    text = ("用 Sobel 算子(卷积核 K_x、K_y 如下)计算图中灰色 2×2 邻域处的梯度分量,保留两位小数。"
            "A long English sentence with words that must not be split apart, e.g. cross-correlation.")
    out = wrap_cjk(text, width)
    assert squash(out) == squash(text)
    for line in out.splitlines():
        assert cell_len(line) <= width
        assert not line.startswith((",", "。", ")", "、"))
    assert "cross-correlation." in out.replace("\n", " ") or width < len("cross-correlation.")


@pytest.mark.parametrize("width", [40, 60, 80, 120])
@pytest.mark.parametrize("name", ["scenario-image-pipeline", "scenario-cnn-design", "canny-steps", "morphology"])
def test_answer_line_wraps_between_parts_never_inside_one(name, width):
    """A matrix answer split over two lines reads as two answers: the line wraps only between parts."""
    from examgen.grading import display_value
    from examgen.ui.render import answer_view

    pr = registry.get(name).generate(3)
    con = Console(file=io.StringIO(), width=width, color_system=None)
    con.print(answer_view(pr, "en"))
    lines = con.file.getvalue().splitlines()
    for part in pr.parts:
        piece = f"{part.name} = {display_value(part.spec, part.answer)}"
        assert len(piece) > width or any(piece in line for line in lines), (piece, lines)
    assert all(cell_len(line) <= width for line in lines)


def test_table_cells_show_one_language():
    from examgen.i18n import cell

    assert (cell("置信度 / score", "zh"), cell("置信度 / score", "en")) == ("置信度", "score")
    assert cell("实际↓ 预测→ / actual↓ predicted→", "en") == "actual↓ predicted→"
    assert cell("TP/FP", "zh") == "TP/FP" and cell("3 / 4", "en") == "3 / 4"  # not a bilingual pair
    pr = registry.get("confusion-matrix").from_params({"matrix": [[5, 1], [2, 6]], "ask": "macro", "names": "animals"})
    con = Console(file=io.StringIO(), width=80, color_system=None)
    from examgen.ui.render import figure_view

    con.print(figure_view(pr.figures[0], "en"))
    out = con.file.getvalue()
    assert "cat" in out and "dog" in out and "猫" not in out and "实际" not in out


def _plain(renderable, width=100):
    con = Console(file=io.StringIO(), width=width, color_system=None)
    con.print(renderable)
    return con.file.getvalue()


def test_a_correct_part_shows_what_was_accepted_not_a_bare_name():
    """The NMS answer of the practice screen used to end in a bare '✓ kept:' line."""
    from examgen.grading import grade
    from examgen.ui.render import verdict_view

    pr = registry.get("nms").generate(449770)
    labels = pr.parts[0].answer
    out = _plain(verdict_view(grade(pr, " ".join(labels)), pr, "en"))
    assert f"✓ kept: {' '.join(labels)}" in out
    wrong = list(reversed(labels))
    out = _plain(verdict_view(grade(pr, " ".join(wrong)), pr, "en"))
    assert "✓ kept" not in out and "✗ kept" in out


def test_one_point_is_singular_in_english():
    from examgen.ui.messages import t

    assert t("hdr.points_after", "en", p="1") == " (1 pt)"
    assert t("hdr.points_after", "en", p="21") == " (21 pts)"
    assert t("hdr.points_after", "en", p="0.1") == " (0.1 pts)"
    assert t("rep.item", "en", n=3, section="x", got="1", max="1").endswith("1/1 pts")
    assert t("hdr.points_after", "zh", p="1") == "（1 分）"


@pytest.mark.parametrize("name,seed", [("edge-filter", 3), ("scenario-image-pipeline", 3), ("nms", 449770)])
def test_x_and_y_subscripts_read_alike(name, seed):
    """Unicode has a subscript x but no subscript y: a prompt must not read 'Gₓ, G_y'."""
    pr = registry.get(name).generate(seed)
    for lang in ("zh", "en"):
        text = unicode_text(pr.prompt.get(lang))
        assert "ₓ" not in text, text
    assert unicode_text("$h_(t-1)$, $O_max$") == "hₜ₋₁, Oₘₐₓ"


_CLOSING = "，。、；：？！）》」』】"


@pytest.mark.parametrize("width", [60, 80])
def test_long_chinese_notes_and_reference_answers_wrap_like_the_prompt(width):
    """A step's note wraps with its indent on every line, and no line of a note or of a short answer's reference
    text starts with closing punctuation (Rich alone cut 「…类别不均\\n。」 at column 0)."""
    from examgen.bank import find_item
    from examgen.ui.render import solution_view

    shown: list[list[str]] = []
    notes = 0
    for name in ("cross-entropy", "conv-params", "morphology", "stacked-conv-params"):
        for seed in range(1, 6):
            pr = registry.get(name).generate(seed)
            lines = render(solution_view(pr, "zh"), width, 10_000)
            shown.append(lines)
            for step in pr.steps:
                if step.note is None:
                    continue
                note = step.note.zh
                at = next(i for i, ln in enumerate(lines) if ln.strip() and note.startswith(ln.strip()))
                got = ""
                for ln in lines[at:]:
                    assert ln.startswith("    "), (name, seed, ln)
                    got += ln.strip()
                    if len(got) >= len(note.replace(" ", "")) - 2:
                        break
                notes += 1
    for item_id in ("training-init-08", "cnn-resdeg-s01", "segmentation-unet-06", "rnn-lstm-13"):
        shown.append(render(solution_view(find_item(item_id), "zh"), width, 10_000))
    assert notes > 5
    starts = [(ln, i) for lines in shown for i, ln in enumerate(lines) if ln.lstrip()[:1] in _CLOSING and ln.strip()]
    assert starts == []


@pytest.mark.parametrize("lang", LANGS)
def test_wrapped_feedback_keeps_its_indent(lang):
    """A feedback line is indented under the answer; when it wraps, its continuation lines stay indented."""
    from examgen.bank import find_item
    from examgen.grading import grade
    from examgen.ui.render import verdict_view

    pr = find_item("training-reg-09")
    lines = render(verdict_view(grade(pr, "L1 adds squared weights; L2 adds absolute values."), pr, lang), 60, 200)
    start = next(i for i, ln in enumerate(lines) if ln.startswith("    ") and ln.strip())
    tail = [ln for ln in lines[start:] if ln.strip()]
    assert len(tail) >= 2 and all(ln.startswith("    ") for ln in tail), lines
    check_lines_fit(lines, 60)
