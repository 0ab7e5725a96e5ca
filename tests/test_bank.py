"""The shipped bank passes lint and coverage; broken files are reported as file:line; short answers are scored
by key points; bank items grade through the same grader and JSON as generated kinds."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from examgen import bank
from examgen.grading import grade


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "examgen", *args], capture_output=True, text=True, env=env)


def test_shipped_bank_lints_clean_and_meets_coverage():
    loaded, issues = bank.lint()
    assert issues == []
    s = bank.stats(loaded)
    assert s["objective"] >= 220 and s["short"] >= 45
    assert 60 <= s["concepts"] <= 100
    for chapter, counts in s["by_chapter"].items():
        assert sum(counts.values()) > 0, chapter
    for cid, concept in loaded.concepts.items():
        n = s["by_concept"].get(cid, {"objective": 0, "short": 0})
        assert n["objective"] >= 2, cid
        if concept.memorize:
            assert n["short"] >= 1, cid


def test_every_bank_item_grades_its_own_key_as_correct():
    from examgen.selftest import submissions

    for item in bank.load_bank().items:
        pr = item.to_problem()
        subs = submissions(pr)
        assert grade(pr, subs.correct).correct, item.id
        assert grade(pr, subs.incorrect).score < 1, item.id


GOOD_ITEM = """
  - id: t-good-01
    type: single
    chapter: cnn
    concepts: [pooling]
    points: 2
    difficulty: 1
    source: test
    stem: {zh: 题干, en: Stem}
    options:
      - {zh: 甲, en: A1}
      - {zh: 乙, en: B1}
      - {zh: 丙, en: C1}
    answer: B
    explanation: {zh: 解释, en: Why}
"""


def write(dirpath: Path, name: str, body: str) -> Path:
    path = dirpath / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def lint_dir(tmp_path: Path) -> list[str]:
    loaded = bank.load([tmp_path])
    return [str(i) for i in loaded.issues]


def test_bad_yaml_names_file_and_line(tmp_path):
    write(tmp_path, "cnn.yaml", "chapter: cnn\nitems:\n  - id: x\n    stem: [unclosed\n")
    msgs = lint_dir(tmp_path)
    assert len(msgs) == 1 and msgs[0].startswith(str(tmp_path / "cnn.yaml") + ":") and "invalid YAML" in msgs[0]
    assert msgs[0].split(":")[1].isdigit() and int(msgs[0].split(":")[1]) >= 4


def test_missing_language_names_file_and_line(tmp_path):
    body = "chapter: cnn\nitems:\n" + GOOD_ITEM.replace("stem: {zh: 题干, en: Stem}", "stem: {zh: 题干}")
    write(tmp_path, "cnn.yaml", body)
    msgs = lint_dir(tmp_path)
    assert any(":11: item t-good-01: stem is missing the en text" in m for m in msgs), msgs


def test_text_cut_by_an_unquoted_colon_names_file_and_line(tmp_path):
    """An unquoted 'text: more' under zh/en becomes a key of its own and YAML drops the text: refused, with the line."""
    explanation = "    explanation:\n      zh: 解释\n      后半句: null\n      en: Why\n"
    body = "chapter: cnn\nitems:\n" + GOOD_ITEM.replace("    explanation: {zh: 解释, en: Why}\n", explanation)
    write(tmp_path, "cnn.yaml", body)
    msgs = lint_dir(tmp_path)
    assert any(":19: item t-good-01: explanation has a key '后半句' besides zh and en" in m and "quoted" in m
               for m in msgs), msgs


SHORT_ITEM = """chapter: cnn
items:
  - id: t-short-01
    type: short
    chapter: cnn
    concepts: [pooling]
    points: 2
    difficulty: 1
    source: test
    stem: {zh: 为什么池化？, en: Why pool?}
    answer: {zh: 池化减小尺寸。, en: Pooling reduces the size.}
    explanation: {zh: 解释, en: Why}
    rubric:
      - point: {zh: 减小尺寸, en: Reduces the size}
        points: 2
        keywords: [[池化, pool], [减小, reduc]]
"""  # a short-answer item; a test adds a key-point field at the end


def test_malformed_clause_keywords_are_refused(tmp_path):
    body = SHORT_ITEM + """        clause_keywords: [[池化], []]
"""
    write(tmp_path, "cnn.yaml", body)
    msgs = lint_dir(tmp_path)
    assert any("item t-short-01: clause_keywords must be a list of non-empty synonym lists" in m for m in msgs), msgs


def test_answer_not_among_options_names_file_and_line(tmp_path):
    body = "chapter: cnn\nitems:\n" + GOOD_ITEM.replace("answer: B", "answer: E")
    write(tmp_path, "cnn.yaml", body)
    msgs = lint_dir(tmp_path)
    assert any(":16: item t-good-01: answer 'E' is not among the options A–C" in m for m in msgs), msgs


def test_duplicate_id_names_both_places(tmp_path):
    path = write(tmp_path, "cnn.yaml", "chapter: cnn\nitems:" + GOOD_ITEM + GOOD_ITEM)
    lines = [i for i, line in enumerate(path.read_text().splitlines(), 1) if "- id: t-good-01" in line]
    msgs = lint_dir(tmp_path)
    dup = [m for m in msgs if "duplicate id 't-good-01'" in m]
    assert len(dup) == 1 and dup[0].startswith(f"{path}:{lines[1]}:") and f":{lines[0]})" in dup[0]


def test_fill_blank_count_and_short_rubric_checks(tmp_path):
    body = """\
    chapter: rnn
    items:
      - id: t-fill-01
        type: fill
        chapter: rnn
        concepts: [gru]
        points: 2
        difficulty: 1
        source: test
        stem: {zh: "GRU 有 ____ 个门", en: "A GRU has ____ gates and ____ states"}
        answer:
          - {zh: ["2"], en: ["2", two]}
        explanation: {zh: 更新门与重置门, en: update and reset}
      - id: t-short-01
        type: short
        chapter: rnn
        concepts: [gru]
        points: 4
        difficulty: 2
        source: test
        stem: {zh: 说明 GRU, en: Explain the GRU}
        answer: {zh: GRU 合并了门。, en: The GRU merges gates.}
        explanation: {zh: 见笔记, en: see notes}
        rubric:
          - point: {zh: 合并门, en: merges gates}
            points: 2
            keywords: [[合并, merge], [门, gate]]
          - point: {zh: 重置门, en: reset gate}
            points: 1
            keywords: [[重置, reset]]
    """
    write(tmp_path, "rnn.yaml", body)
    msgs = lint_dir(tmp_path)
    assert any("rnn.yaml:10: item t-fill-01: the en stem has 2 blanks (____) but the answer has 1" in m for m in msgs)
    assert any("rnn.yaml:" in m and "rubric points add up to 3, not 4" in m for m in msgs)
    assert any("the zh reference answer misses its own key point 'reset gate'" in m for m in msgs)


def test_lint_command_exit_codes_and_teacher_bank(tmp_path):
    write(tmp_path, "cnn.yaml", "chapter: cnn\nitems:\n" + GOOD_ITEM.replace("answer: B", "answer: Q"))
    r = run("bank", "lint", "--bank", str(tmp_path))
    assert r.returncode == 1
    assert f"{tmp_path / 'cnn.yaml'}:16:" in r.stdout
    ok = run("bank", "lint")
    assert ok.returncode == 0 and ok.stdout.startswith("ok:")
    # a teacher's valid bank adds its items and they can be checked like any other
    write(tmp_path, "cnn.yaml", "chapter: cnn\nitems:\n" + GOOD_ITEM)
    r = run("check", "t-good-01", "--answer", "(b)", "--bank", str(tmp_path), "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["correct"] is True and data["score"] == 1 and data["format_error"] is None
    missing = run("bank", "lint", "--bank", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "not found" in missing.stderr and "Traceback" not in missing.stderr


def test_check_bank_item_uses_the_same_json_fields_as_kinds():
    item = next(it for it in bank.load_bank().items if it.type == "single")
    r = run("check", item.id, "--answer", item.answer, "--json")
    k = run("check", "iou", "--seed", "1", "--answer", "0.5", "--json")
    a, b = json.loads(r.stdout), json.loads(k.stdout)
    assert a["correct"] is True
    assert set(a) == set(b)
    bad = run("check", item.id, "--answer", "Q", "--json")
    assert bad.returncode == 3 and json.loads(bad.stdout)["format_error"]


def item(item_id: str):
    return next(it for it in bank.load_bank().items if it.id == item_id)


# Hand-written student answers for real short items: good, partial, off-topic, empty, in both languages.
CASES = [
    ("training-vanish-12",
     "不准确。门控主要缓解梯度消失而不是过拟合。细胞状态是加法更新的,遗忘门接近1时梯度可以沿细胞状态几乎不衰减地回传。",
     "Not accurate: the gates mitigate vanishing gradients, not overfitting. The cell state is updated by addition, "
     "and when the forget gate is close to 1 the gradient can flow back along it almost unchanged.",
     "门控主要是为了缓解梯度消失。", "The gates are there to fight vanishing gradients.",
     "卷积层用来提取图像特征,池化层降低分辨率。", "Convolution extracts features and pooling lowers the resolution."),
    ("cnn-dropwhy-s01",
     "dropout 相当于对许多不同的子网络取平均;它减少了神经元之间的共适应;每次更新时参与的参数减少,模型容量降低。",
     "Dropout acts like averaging an ensemble of many sub-networks; it stops neurons from co-adapting; and each update "
     "involves fewer parameters, which reduces the effective capacity.",
     "dropout 相当于对很多不同的子网络取平均。", "It is like averaging an ensemble of many different sub-networks.",
     "Otsu 算法选择使类间方差最大的阈值。", "Otsu picks the threshold with the largest between-class variance."),
]


@pytest.mark.parametrize("item_id,good_zh,good_en,part_zh,part_en,off_zh,off_en", CASES)
def test_short_answer_scoring_on_hand_written_answers(item_id, good_zh, good_en, part_zh, part_en, off_zh, off_en):
    pr = item(item_id).to_problem()
    for good in (good_zh, good_en):
        assert grade(pr, good).score == 1.0, good
    for partial in (part_zh, part_en):
        v = grade(pr, partial)
        assert 0 < v.score < 1, (partial, v.score)
        fb = " ".join(f.en for f in v.parts[0].feedback)
        assert "Key points found" in fb and "Key points missed" in fb
    for off in (off_zh, off_en):
        assert grade(pr, off).score == 0, off
    empty = grade(pr, "   ")
    assert empty.status == "blank" and empty.score == 0


def test_self_marking_overrides_key_points():
    from examgen.grading import rubric_score

    pr = item("cnn-dropwhy-s01").to_problem()
    spec = pr.parts[0].spec
    v = grade(pr, "It is like averaging an ensemble of many different sub-networks.")
    found = list(v.parts[0].key_points)
    assert found == [True, False, False]
    found[1] = True  # the student self-marks the second key point as present
    assert rubric_score(spec, found) == pytest.approx(4 / 6)


def test_an_issue_of_a_whole_file_names_no_line_0():
    from examgen.bank import Issue

    assert str(Issue("concepts.yaml", 0, "concept 'x' is marked 记忆 but has no short-answer item")) == \
        "concepts.yaml: concept 'x' is marked 记忆 but has no short-answer item"
    assert str(Issue("cnn.yaml", 12, "bad")) == "cnn.yaml:12: bad"


def test_bank_stats_speaks_the_language_asked_for_and_wraps_titles_only_where_needed():
    import os
    import re

    env = {**os.environ, "COLUMNS": "100"}
    zh = run("bank", "stats", "--lang", "zh", env=env)
    assert zh.returncode == 0, zh.stderr
    head = zh.stdout.splitlines()[0]
    assert re.search(r"共 \d+ 题 · 客观题 \d+ · 简答题 \d+ · 知识点 \d+", head), head
    for word in ("章节", "单选", "多选", "判断", "填空", "简答", "合计", "客观题", "简答题", "需背诵"):
        assert word in zh.stdout, word
    for word in ("items", "objective", "concepts", "chapter", "single", "multiple", "total", "记忆"):
        assert not re.search(rf"(?<![\w-]){word}(?![\w-])", zh.stdout), word
    # Rich broke "lstm-structure · LSTM 结构（…）" at its last space and cut long titles with "…": a title now
    # fills the column's first line, Chinese wrapping between characters
    assert "lstm-structure · LSTM 结构（" in zh.stdout and "…" not in zh.stdout
    en = run("bank", "stats", "--lang", "en", env=env)
    assert en.returncode == 0 and re.search(r"\d+ items · \d+ objective · \d+ short · \d+ concepts", en.stdout)
    assert "memorize" in en.stdout and not re.search(r"[\u4e00-\u9fff]", en.stdout)


def test_bank_show_of_an_unknown_id_says_where_ids_are_or_the_close_one():
    r = run("bank", "show", "nosuch", "--lang", "en")
    assert r.returncode == 2 and "bank stats" not in r.stderr, r.stderr
    assert "item ids start with their chapter (e.g. rnn-basics-01)" in r.stderr and "question_bank" in r.stderr
    assert run("bank", "show", "rnn-basics-01").returncode == 0          # the example is a real id
    r = run("bank", "show", "rnn-basic-01", "--lang", "zh")
    assert r.returncode == 2 and r.stderr.strip() == "examgen：错误：题库中没有编号为 rnn-basic-01 的题目；是不是 rnn-basics-01？"
