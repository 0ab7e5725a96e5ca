"""Papers that can be handed out: no seed or key command on them, variant codes the key table resolves, keys with
the stated precision, shuffled variants whose key is still right. PDFs are read with poppler's pdftotext."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from examgen import cli
from examgen.export import provenance
from examgen.export.document import WORDS, key_num
from examgen.export.run import build
from examgen.export.sources import Selection
from examgen.model import ChoiceSpec, NumberSpec

CODE = re.compile(r"V\d{2,3}-[2-9A-HJKMNP-TV-Z]{4}")


def pdftotext(data: bytes, tmp_path: Path, name: str = "x.pdf", *args: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def text_of(data: bytes, fmt: str, tmp_path: Path) -> str:
    return pdftotext(data, tmp_path) if fmt == "pdf" else data.decode("utf-8")


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """`examgen ARGS` in this process, through the real entry point (one-line errors, exit codes)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "argv", ["examgen", *args])
        with pytest.raises(SystemExit) as exc:
            cli.main()
    out = capsys.readouterr()
    return (0 if exc.value.code is None else int(exc.value.code)), out.out, out.err


@pytest.mark.parametrize("fmt", ["pdf", "html", "md"])
@pytest.mark.parametrize("sel", [
    Selection(seed=48213, variants=2, lang="zh"),
    Selection(kinds=["iou", "lstm-step"], topics=["cnn"], count=1, seed=73129, variants=2, lang="en"),
], ids=["exam-zh", "selection-en"])
def test_papers_carry_a_code_not_the_seed_and_the_key_table_maps_codes_to_seeds(fmt, sel, tmp_path) -> None:
    files = build(sel, fmt, tmp_path / f"set.{fmt}")
    table_path = tmp_path / f"set-key-table.{fmt}"
    for path, data in files.items():
        path.write_bytes(data)
    mapping = provenance.read_map(table_path)
    seeds = {}
    for v in (1, 2):
        paper = text_of(files[tmp_path / f"set-v{v:02d}.{fmt}"], fmt, tmp_path)
        for leak in ("seed", "examgen export", "--key", str(sel.seed), str(sel.seed + v - 1)):
            assert leak not in paper.lower(), (fmt, v, leak)
        codes = set(CODE.findall(paper))
        assert len(codes) == 1 and next(iter(codes)).startswith(f"V0{v}-"), codes
        code = codes.pop()
        seeds[v] = mapping[code]["seed"]
    assert seeds == {1: sel.seed, 2: sel.seed + 1}  # exams step by 1; selections by --count (1 here)
    table = text_of(files[table_path], fmt, tmp_path)
    for code, rec in mapping.items():
        assert code in table and f"seed {rec['seed']}" in table


def test_a_key_rebuilt_from_its_code_is_that_variants_key(capsys, tmp_path) -> None:
    base = tmp_path / "set.pdf"
    code, _, err = run_cli(capsys, "export", "--seed", "900", "--variants", "3", "--lang", "en", "-o", str(base))
    assert code == 0, err
    paper = pdftotext((tmp_path / "set-v02.pdf").read_bytes(), tmp_path)
    vcode = CODE.search(paper).group(0)
    code, _, err = run_cli(capsys, "export", "--code", vcode.lower(), "--key-table", str(tmp_path / "set-key-table.pdf"),
                           "--key", "--lang", "en", "-o", str(tmp_path / "k.md"))
    assert code == 0, err
    by_code = (tmp_path / "k.md").read_text(encoding="utf-8")
    code, _, err = run_cli(capsys, "export", "--seed", "901", "--key", "--lang", "en", "-o", str(tmp_path / "s.md"))
    assert code == 0, err
    by_seed = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert f"{vcode} · seed 901 · Variant 2/3" in by_code
    body = lambda t: t.split("\n## ", 1)[1].split("\n---\n")[0]  # noqa: E731 - all but title block and footer
    assert body(by_code) == body(by_seed) and "9. \\[Single choice: one letter\\]" in body(by_code)
    assert provenance.read_map(tmp_path / "k.md")[vcode]["seed"] == 901  # a key maps its own code too


def test_code_and_saved_exam_keep_their_language_unless_lang_is_given(capsys, tmp_path, monkeypatch) -> None:
    """A Chinese class set's key rebuilt from a code is Chinese, and a saved exam sat in Chinese exports in
    Chinese, without --lang; --lang still decides when given."""
    from examgen.exam import build_exam
    from examgen.store import Store

    monkeypatch.setenv("EXAMGEN_LANG", "en")
    code, _, err = run_cli(capsys, "export", "--seed", "900", "--variants", "2", "--lang", "zh", "-o",
                           str(tmp_path / "set.md"))
    assert code == 0, err
    vcode = next(iter(provenance.read_map(tmp_path / "set-key-table.md")))
    for extra, title in (([], "参考答案"), (["--lang", "en"], "Answer key")):
        code, _, err = run_cli(capsys, "export", "--code", vcode, "--key-table", str(tmp_path / "set-key-table.md"),
                               "--key", *extra, "-o", str(tmp_path / "k.md"), "--force")
        assert code == 0, err
        assert title in (tmp_path / "k.md").read_text(encoding="utf-8")
    with Store.open() as s:
        eid = s.create_exam(build_exam(5), "zh", "timed", 3600.0)
    for extra, word in (([], "选择"), (["--lang", "en"], "choice")):
        code, _, err = run_cli(capsys, "export", "--exam", str(eid), *extra, "-o", str(tmp_path / "e.md"), "--force")
        assert code == 0, err
        assert word in (tmp_path / "e.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--code", "V01-ABCD"], "give --key-table FILE"),
    (["--key-table", "t.pdf"], "--key-table goes with --code"),
    (["--code", "V01-ABCD", "--key-table", "t.md", "--seed", "3"], "names the paper"),
])
def test_code_usage_errors(capsys, tmp_path, args, message) -> None:
    code, _, err = run_cli(capsys, "export", *args, "-o", str(tmp_path / "x.pdf"))
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1, err


def test_unknown_code_and_a_paper_as_key_table(capsys, tmp_path) -> None:
    out = tmp_path / "p.md"
    assert run_cli(capsys, "export", "--kind", "iou", "--seed", "5", "-o", str(out))[0] == 0
    code, _, err = run_cli(capsys, "export", "--code", "V01-ABCD", "--key-table", str(out), "-o", str(tmp_path / "k.md"))
    assert code != 0 and "not an answer key or key table" in err
    key = tmp_path / "k.md"
    assert run_cli(capsys, "export", "--kind", "iou", "--seed", "5", "--key", "-o", str(key))[0] == 0
    code, _, err = run_cli(capsys, "export", "--code", "V09-ABCD", "--key-table", str(key), "-o", str(tmp_path / "z.md"))
    assert code != 0 and "has no variant code V09-ABCD" in err and "V01-" in err


def test_show_seed_prints_seed_and_command_for_self_study(tmp_path) -> None:
    sel = Selection(kinds=["iou"], seed=5, lang="en", show_seed=True)
    paper = next(iter(build(sel, "md", tmp_path / "p.md").values())).decode()
    assert "seed 5" in paper and "`examgen export --kind iou --seed 5 --lang en`" in paper


def test_codes_need_the_secret(monkeypatch) -> None:
    ident = provenance.identity({"kinds": ["iou"]}, 5)
    monkeypatch.setenv(provenance.SECRET_ENV, "a" * 32)
    a = provenance.variant_code(ident, 3)
    assert provenance.variant_code(ident, 3) == a and CODE.fullmatch(a) and a.startswith("V03-")
    monkeypatch.setenv(provenance.SECRET_ENV, "b" * 32)
    assert provenance.variant_code(ident, 3) != a
    # without the environment variable: a random secret made once in the data directory, then reused
    monkeypatch.delenv(provenance.SECRET_ENV)
    c = provenance.variant_code(ident, 3)
    assert provenance.variant_code(ident, 3) == c
    # 200 seeds give (almost) 200 different codes: the code is no function of the seed a student could tabulate
    codes = {provenance.variant_code(provenance.identity({"kinds": ["iou"]}, s), 1) for s in range(200)}
    assert len(codes) >= 190


def test_key_numbers_keep_the_stated_decimals() -> None:
    two = NumberSpec(decimals=2)
    assert key_num(0.1, two) == "0.10" and key_num(1.0, two) == "1.00" and key_num(-0.0001, two) == "0.00"
    assert key_num(0.12345, NumberSpec()) == "0.1235" and key_num(12, NumberSpec(integer=True)) == "12"


def test_iou_keys_print_two_decimals(tmp_path) -> None:
    key = next(iter(build(Selection(kinds=["iou"], count=40, seed=1, lang="en"), "md", tmp_path / "k.md",
                          mode="key").values())).decode()
    from examgen import registry

    for s in range(1, 41):
        p = registry.problem("iou", s)
        for part in p.parts:
            if isinstance(part.spec, NumberSpec) and part.spec.decimals:
                assert f"{float(part.answer):.{part.spec.decimals}f}" in key, (s, part.answer)


def test_shuffled_variants_keep_a_right_key() -> None:
    """Each shuffled variant holds the same questions per section in another order; every choice item's key
    letter points at the option text the unshuffled key points at, and grading that letter gives full marks."""
    from examgen.exam import build_exam
    from examgen.export.sources import papers
    from examgen.grading import grade

    moved = 0
    for seed in (3, 4, 5):
        plain = build_exam(seed)
        (shuffled,) = [p.exam for p in papers(Selection(seed=seed, lang="en", shuffle=True))]
        for a, b in zip(plain.sections, shuffled.sections):
            assert sorted(it.problem.ref for it in a.items) == sorted(it.problem.ref for it in b.items)
        assert [it.number for it in shuffled.items] == list(range(1, len(plain.items) + 1))
        orig = {it.problem.ref: it.problem for it in plain.items}
        for it in shuffled.items:
            p, o = it.problem, orig[it.problem.ref]
            part, opart = p.parts[0], o.parts[0]
            if not isinstance(part.spec, ChoiceSpec):
                continue
            letters = part.answer if isinstance(part.answer, list) else [part.answer]
            oletters = opart.answer if isinstance(opart.answer, list) else [opart.answer]
            text = sorted(p.options["ABCDEFGHIJ".index(x)].en for x in letters)
            assert text == sorted(o.options["ABCDEFGHIJ".index(x)].en for x in oletters), p.ref
            assert grade(p, "".join(letters)).earned == pytest.approx(p.points), p.ref
            moved += p.options != o.options
        assert [it.problem.ref for it in shuffled.items] != [it.problem.ref for it in plain.items]
    assert moved > 5


# ---------------------------------------------------------------- print layout, from poppler's text positions
HEAD = re.compile(r"^\d+\.$")
NOT_A_QUESTION = re.compile(r"^(得分|评卷人|Score|Marker|[一二三四五六七八九十]+、|(I|II|III|IV|V|VI|VII|VIII|IX|X)\.$|（试卷结束）"
                            r"|—|此页无试题|This$)")


def page_rows(pdf: bytes, tmp_path: Path) -> list[list[tuple[float, list[str]]]]:
    """Per page, its text lines (top y, words) in reading order, without the running header and footer."""
    import html

    out = pdftotext(pdf, tmp_path, "layout.pdf", "-bbox-layout")
    pages = []
    for _w, h, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        rows = []
        for line in re.findall(r"<line[^>]*>(.*?)</line>", body, re.S):
            words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>(.*?)</word>', line)
            if words and 50 < float(words[0][0]) < float(h) - 50:
                rows.append((float(words[0][0]), [html.unescape(w) for _, w in words]))
        pages.append(sorted(rows, key=lambda r: r[0]))
    return pages


def questions(pages) -> list[dict]:
    """Every question: its number, the page of its header, the pages its lines are on, whether it opens its page."""
    qs: list[dict] = []
    for pno, rows in enumerate(pages, 1):
        opens = True
        for _y, words in rows:
            if HEAD.match(words[0]) and len(words) > 1 and words[1][:1] in "【[":
                qs.append({"n": int(words[0][:-1]), "page": pno, "pages": {pno}, "opens": opens, "rows": 1})
            elif qs and not NOT_A_QUESTION.match(words[0]):
                qs[-1]["pages"].add(pno)
                qs[-1]["rows"] += qs[-1]["page"] == pno
            opens = opens and bool(NOT_A_QUESTION.match(words[0]))
    return qs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_questions_stay_whole_and_no_raw_subscripts(lang, tmp_path) -> None:
    """Seeds 1–5: on the paper every question (stem, figures, options, work space, answer fields) is on one page;
    only a question taller than a page may continue, and then it opens its page. In the key a question's header
    is never left alone at a page's foot. No `_{`, `_t` … is printed; punctuation is the document language's."""
    from examgen.exam import build_exam

    for seed in range(1, 6):
        n_items = len(build_exam(seed).items)
        for mode in ("paper", "key"):
            pdf = next(iter(build(Selection(seed=seed, lang=lang), "pdf", tmp_path / "x.pdf", mode=mode).values()))
            pages = page_rows(pdf, tmp_path)
            qs = questions(pages)
            assert [q["n"] for q in qs] == list(range(1, n_items + 1)), (seed, mode)
            for q in qs:
                if mode == "paper":
                    assert q["pages"] == {q["page"]} or q["opens"], (lang, seed, q)
                else:
                    assert q["pages"] == {q["page"]} or q["rows"] >= 3, (lang, seed, q)
            text = pdftotext(pdf, tmp_path)
            raw = re.findall(r"\S*(?:_\{|_[A-Za-z0-9(]|\^\{)\S*", text)
            assert not raw, (lang, seed, mode, raw[:5])
            if lang == "en":  # half-width punctuation in English
                assert not re.findall(r".{0,12}[：，；（）【】。].{0,12}", text), (seed, mode)
            else:  # one quote style: “”
                assert not re.findall(r".{0,12}(?:[「」『』]|\"[^\"\n]*[\u4e00-\u9fff]).{0,12}", text), (seed, mode)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_with_solutions_a_stem_and_its_figure_and_options_stay_on_one_page(lang, tmp_path) -> None:
    """Seeds 1–5 with solutions: everything from a question's header to its 解答/Solution label is on one page
    (only the worked solution may continue on the next page), and that label is never alone at a page's foot."""
    for seed in range(1, 6):
        pdf = next(iter(build(Selection(seed=seed, lang=lang), "pdf", tmp_path / "s.pdf", mode="solutions").values()))
        pages = page_rows(pdf, tmp_path)
        current = None  # (number, page of its header) while in the question part, before its solution
        label_at = None  # (number, page) of the last solution label seen
        solved = 0
        for pno, rows in enumerate(pages, 1):
            for _y, words in rows:
                if HEAD.match(words[0]) and len(words) > 1 and words[1][:1] in "【[":
                    current = (int(words[0][:-1]), pno)
                elif words[0] in ("解答", "Solution") and current:
                    current, label_at, solved = None, (current[0], pno), solved + 1
                    continue
                elif current and not NOT_A_QUESTION.match(words[0]):
                    assert pno == current[1], (lang, seed, current, words)
                if label_at and label_at[1] != pno:
                    raise AssertionError((lang, seed, "solution label alone at a page's foot", label_at))
                label_at = None
        assert solved >= 20, (lang, seed, solved)


def test_thirty_variants_print_with_equal_page_counts(tmp_path) -> None:
    from examgen.export.pdf import page_count

    files = build(Selection(seed=1, variants=30, lang="zh"), "pdf", tmp_path / "set.pdf")
    papers = [data for path, data in sorted(files.items()) if "key-table" not in path.name]
    counts = [page_count(p) for p in papers]
    assert len(papers) == 30 and len(set(counts)) == 1, counts
    padded = 0
    for data in papers:
        pages = page_rows(data, tmp_path)
        assert len(pages) == counts[0]  # poppler agrees with the count
        blank = [i for i, rows in enumerate(pages) if any("此页无试题" in "".join(w) for _, w in rows)]
        padded += bool(blank)
        for i in blank:  # a marked blank page holds nothing else and comes after the end-of-paper mark
            assert len(pages[i]) == 1 and i > max(j for j, rows in enumerate(pages) if rows and
                                                  any("试卷结束" in "".join(w) for _, w in rows))
    assert padded > 0  # the set really had shorter variants to pad


# ---------------------------------------------------------------- HTML in Chromium
PROBE = """<script>document.addEventListener('DOMContentLoaded', () => {
  const h = e => e.getBoundingClientRect().height;
  const open = [...document.querySelectorAll('mtable')].map(t => t.previousElementSibling).filter(e => e);
  document.body.setAttribute('data-h', JSON.stringify({brackets: open.map(h),
    number: h(document.querySelector('mtable mn')), fonts: getComputedStyle(document.querySelector('math')).fontFamily}));
});</script>"""


def test_html_names_a_math_font_so_chromium_stretches_matrix_brackets(tmp_path) -> None:
    import html
    import json
    import tempfile

    data = next(iter(build(Selection(seed=5, lang="en"), "html", tmp_path / "k.html", mode="key").values())).decode()
    assert "mat(" not in data and "<mtable" in data  # the key's matrices are MathML tables
    for external in ("http://", "https://", "@import", "url(", "<link", "<script"):
        assert external not in data  # self-contained: nothing is fetched
    page = tmp_path / "probe.html"
    page.write_text(data.replace("</head>", PROBE + "</head>"), encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                              "--disable-background-networking", "--no-first-run", f"--user-data-dir={profile}",
                              "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    found = json.loads(html.unescape(re.search(r'data-h="([^"]*)"', dom).group(1)))
    assert "Math" in found["fonts"].split(",")[0]
    # a 3-row matrix: its bracket as tall as the rows (an unstretched one is as tall as a digit)
    assert max(found["brackets"]) > 2.5 * found["number"], found


# ---------------------------------------------------------------- --students
def test_students_get_named_papers_and_one_print_file(capsys, tmp_path) -> None:
    csv = tmp_path / "class.csv"
    csv.write_text("\ufeff学号,姓名,班级\n2023001,张三,1\n\n2023002,李四,1\n2023003,Alice Smith,2\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "export", "--kind", "iou", "--kind", "lstm-step", "--seed", "7", "--variants",
                             "2", "--students", str(csv), "--lang", "zh", "-o", str(tmp_path / "q.pdf"))
    assert code == 0, err
    assert "3 named papers" in out
    names = {"2023001": "张三", "2023002": "李四", "2023003": "Alice Smith"}
    table = provenance.read_map(tmp_path / "q-key-table.pdf")
    counts = set()
    for i, (number, name) in enumerate(names.items()):
        text = pdftotext((tmp_path / f"q-{number}.pdf").read_bytes(), tmp_path)
        pages = text.split("\f")[:-1]
        counts.add(len(pages))
        for page in pages:  # name and number on every page's header
            assert name.split()[0] in page and number in page
        vcode = set(CODE.findall(text)).pop()
        assert vcode.startswith(f"V0{i % 2 + 1}-") and table[vcode]["seed"] == 7 + i % 2  # variants in turn
        assert "seed" not in text
    assert len(counts) == 1 and counts.copy().pop() % 2 == 0  # the same, even page count: duplex, sheet by sheet
    combined = pdftotext((tmp_path / "q-class.pdf").read_bytes(), tmp_path).split("\f")[:-1]
    per = counts.pop()
    assert len(combined) == 3 * per
    for i, name in enumerate(names.values()):  # each student's own pages, numbered 1 … per
        chunk = combined[i * per:(i + 1) * per]
        assert all(name.split()[0] in page for page in chunk)
        assert f"第 1 页 / 共 {per} 页" in chunk[0] and f"第 {per} 页 / 共 {per} 页" in chunk[-1]


@pytest.mark.parametrize("content, message", [
    ("name,number\nA,1\nB\n", "line 3: the number is missing"),
    ("name,number\nA,1\nB,1\n", "line 3: number 1 repeats line 2"),
    ("who,what\nA,1\n", "line 1: the header needs a name column"),
    ("name,number\n", "has a header but no students"),
    ("name,number\nA,1/2\nB,1_2\n", "line 3: number 1_2 gives the same file name"),
    ("name,number\n王😀,7\n", "line 2: character '😀' (U+1F600) is not in the bundled fonts"),  # not a blank name
    ("name,number\nA,1\n王喆,2\n", "line 3: character '喆' (U+5586) is not in the bundled fonts"),
    ("name,number\n王\u200b明,7\n", "line 2: has an invisible character U+200B"),
])
def test_bad_class_lists_are_one_line_errors_naming_the_line(capsys, tmp_path, content, message,
                                                             no_full_font) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text(content, encoding="utf-8")
    code, _, err = run_cli(capsys, "export", "--kind", "iou", "--seed", "1", "--students", str(csv), "-o",
                           str(tmp_path / "x.pdf"))
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1, err
    assert list(tmp_path.glob("x*")) == []  # nothing written


def test_chinese_papers_use_one_quote_style(tmp_path) -> None:
    """The confusion-matrix kind quotes a class name with 「」 in its worked steps: the key prints “”."""
    from examgen import registry

    assert any("「" in st.title.zh for st in registry.problem("confusion-matrix", 1).steps)  # the case tested
    pdf = next(iter(build(Selection(kinds=["confusion-matrix"], seed=1, lang="zh"), "pdf", tmp_path / "c.pdf",
                          mode="key").values()))
    text = pdftotext(pdf, tmp_path)
    assert "“" in text and "「" not in text and "」" not in text


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_and_markdown_papers_end_with_a_mark(fmt, lang, tmp_path) -> None:
    sel = Selection(kinds=["iou"], count=1, seed=3, lang=lang)
    paper = next(iter(build(sel, fmt, tmp_path / f"p.{fmt}").values())).decode()
    key = next(iter(build(sel, fmt, tmp_path / f"k.{fmt}", mode="key").values())).decode()
    end = "（试卷结束）" if lang == "zh" else "— End of paper —"
    assert paper.count(end) == 1 and end not in key
    if fmt == "html":  # a score box per section on the paper, none in the key
        assert paper.count('class="sscore"') == paper.count('<section class="sec">') >= 1
        assert 'class="sscore"' not in key


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_html_and_markdown_print_no_raw_subscripts(fmt, tmp_path) -> None:
    """Seeds 1–5, zh and en, paper, key and paper with solutions: subscripts Unicode has no letter for (`c_y`,
    `W_f`, `Σ_(u,v)`) are MathML in HTML and `<sub>` in Markdown; no `_x`, `_{`, `^{` or brace reaches a reader."""
    import html

    for lang in ("zh", "en"):
        for seed in range(1, 6):
            for mode in ("paper", "key", "solutions"):
                data = next(iter(build(Selection(seed=seed, lang=lang), fmt, tmp_path / f"x.{fmt}",
                                       mode=mode).values())).decode()
                if fmt == "html":
                    body = re.sub(r"<style.*?</style>", "", data.split("<body", 1)[1], flags=re.S)
                    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
                else:
                    text = re.sub(r"<!--.*?-->|`[^`]*`", "", data, flags=re.S)
                raw = re.findall(r"\S*(?:_\{|_[A-Za-z0-9(]|\^\{|[{}])\S*", text)
                assert not raw, (fmt, lang, seed, mode, raw[:5])


@pytest.mark.parametrize("fmt", ["pdf", "html", "md"])
def test_true_false_labels_use_the_brackets_of_their_language(fmt, tmp_path) -> None:
    """Chinese key: 对（√）/ 错（×） with full-width brackets, never the half-width `(√)`; English: True / False."""
    (zh,) = build(Selection(seed=7, lang="zh"), fmt, tmp_path / f"k.{fmt}", mode="key").values()
    text = text_of(zh, fmt, tmp_path)
    assert re.search("[对错]（[√×]）", text), fmt
    assert not re.search(r"\([√×]\)", text), fmt
    assert (WORDS["true"].get("en"), WORDS["false"].get("en")) == ("True", "False")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_edge_map_threshold_prints_the_magnitude_bars_whole(lang, tmp_path) -> None:
    """`E = [|G| >= T]` in the key: Typst reads `[|` as the bracket ⟦, which printed `⟦G| ≥ 20]` and split the
    |G| label; the PDF must show `[|G| ≥ T]`."""
    sel = Selection(kinds=["scenario-image-pipeline"], count=2, seed=1, lang=lang)
    (data,) = build(sel, "pdf", tmp_path / "k.pdf", mode="key").values()
    text = pdftotext(data, tmp_path)
    assert "⟦" not in text and "⟧" not in text
    g = "\U0001d43a"  # mathematical italic G, as Typst sets a variable
    assert len(re.findall(rf"\[\s*\|{g}\|\s*≥\s*\d+\s*\]", text)) == 2, text
