"""Readiness and `plan` after a scripted history of 3 exams and 50 practice answers, built through the real store
API, checked against an independent computation (scipy's Beta, the blueprint read here from its YAML)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats as sps

from examgen import registry
from examgen.exam import build_exam, grade_exam, part_answer_value, value_to_text
from examgen.store import Store

ROOT = Path(__file__).resolve().parent.parent
WEAK = {"detection", "rnn"}           # the scripted student gets these wrong in the exams
CHAPTERS = ["cnn", "vision-tasks", "image-processing", "classic-cv", "training", "transfer", "segmentation",
            "detection", "rnn"]
PRACTICE = [("iou", 12, 0.0), ("iou", 3, 1.0), ("nms", 8, 0.0), ("lstm-step", 7, 0.0), ("gru-step", 5, 0.5),
            ("conv-output", 8, 1.0), ("otsu", 4, 1.0), ("batchnorm", 3, 1.0)]   # (kind, how many, score): 50


def _sheet(ex, right) -> dict[int, dict[str, str]]:
    from examgen.selftest import wrong_text

    out = {}
    for it in ex.items:
        pr = it.problem
        if right(it):
            out[it.number] = {p.name: value_to_text(p.spec, part_answer_value(pr, p, "en")) or "" for p in pr.parts}
        else:    # answered wrongly: a question left blank would be no attempt at all
            out[it.number] = {p.name: wrong_text(p) for p in pr.parts}
    return out


@pytest.fixture
def history():
    with Store.open() as s:
        for seed in (11, 12, 13):
            ex = build_exam(seed)
            eid = s.create_exam(ex, "en", "sheet", 7200)
            answers = _sheet(ex, lambda it: it.problem.topic not in WEAK)
            s.submit(eid, grade_exam(ex, answers, exam_id=eid), 3600.0, "student")
        n = 0
        for kind, times, score in PRACTICE:
            k = registry.get(kind)
            for i in range(times):
                pr = k.generate(1000 + n)
                s.record_practice(pr, score * pr.points, float(pr.points))
                n += 1
        assert n == 50
        yield s


def _expected_cells(attempts):
    """Cell points from the blueprint YAML and Beta(1,1) posteriors from the attempts, written independently."""
    bp = yaml.safe_load((ROOT / "question_bank" / "blueprint.yaml").read_text(encoding="utf-8"))
    chapter_of = {k.name: k.chapter for k in registry.all_kinds()}
    section_of, points = {}, {}
    for sec in bp["sections"]:
        for slot in sec["slots"]:
            if slot["source"] == "bank":
                for t in slot["types"]:
                    section_of.setdefault("bank-" + t, sec["id"])
                chs = slot.get("chapters") or CHAPTERS
            else:
                for k in slot["kinds"]:
                    section_of.setdefault(k, sec["id"])
                chs = [chapter_of[k] for k in slot["kinds"] if k in chapter_of]
            for ch in chs:
                points[(ch, sec["id"])] = points.get((ch, sec["id"]), 0.0) + slot["points"] / len(chs)
    for sec in bp["sections"]:
        for slot in sec["slots"]:
            for k in slot.get("fallback", []):
                section_of.setdefault(k, sec["id"])
    ab = {}
    for row in attempts:
        kind, chapter, pts, earned = row[5], row[6], float(row[7]), float(row[8])  # the attempts table's columns
        key = (chapter, section_of[kind])
        s = earned / pts
        a, b = ab.get(key, (1.0, 1.0))
        ab[key] = (a + s, b + 1.0 - s)
    return points, ab


def test_stats_shows_the_predicted_score_with_an_interval(history):
    attempts = history.attempts()
    assert len(attempts) == 3 * 24 + 50
    points, ab = _expected_cells(attempts)
    r = subprocess.run([sys.executable, "-m", "examgen", "stats", "--json"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    ready = json.loads(r.stdout)["readiness"]
    cells = {(c["chapter"], c["section"]): c for c in ready["cells"]}
    assert {k for k, c in cells.items() if c["points"] > 0} == set(points)
    for key, pts in points.items():
        a, b = ab.get(key, (1.0, 1.0))
        c = cells[key]
        assert c["points"] == pytest.approx(pts, abs=1e-3)
        assert (c["alpha"], c["beta"]) == (pytest.approx(a, abs=1e-3), pytest.approx(b, abs=1e-3))
        assert c["p"] == pytest.approx(sps.beta.mean(a, b), abs=1e-4)
        assert c["lo"] == pytest.approx(sps.beta.ppf(0.05, a, b), abs=0.03)
        assert c["hi"] == pytest.approx(sps.beta.ppf(0.95, a, b), abs=0.03)
    # the predicted score: exact mean, and a 90 % interval against 200 000 draws of our own
    want = sum(pts * sps.beta.mean(*ab.get(k, (1.0, 1.0))) for k, pts in points.items())
    rng = np.random.default_rng(1)
    total = sum(pts * rng.beta(*ab.get(k, (1.0, 1.0)), size=200_000) for k, pts in points.items())
    lo, hi = np.quantile(total, [0.05, 0.95])
    pred = ready["predicted"]
    assert pred["total"] == 100 and pred["mean"] == pytest.approx(want, abs=0.01)
    assert pred["lo"] == pytest.approx(lo, abs=0.6) and pred["hi"] == pytest.approx(hi, abs=0.6)
    assert pred["lo"] < pred["mean"] < pred["hi"]
    assert [t["percent"] for t in ready["trend"]] == \
           [pytest.approx(100 * e.score / e.max_score, abs=0.01) for e in reversed(history.exams())]
    # and the terminal view says it in one line
    r = subprocess.run([sys.executable, "-m", "examgen", "stats", "--lang", "en"], capture_output=True, text=True,
                       timeout=120, env={**__import__("os").environ, "COLUMNS": "120"})
    m = re.search(r"predicted score (\d+\.\d) / 100 \(90% interval (\d+\.\d)–(\d+\.\d)\)", r.stdout)
    assert m, r.stdout
    assert float(m[1]) == pytest.approx(want, abs=0.051)
    assert float(m[2]) == pytest.approx(lo, abs=0.7) and float(m[3]) == pytest.approx(hi, abs=0.7)
    assert "Mock exam scores" in r.stdout and r.stdout.count("#") >= 3


def test_plan_lists_the_weakest_high_value_topics_first(history):
    points, ab = _expected_cells(history.attempts())
    # everything was reviewed seconds ago: recall ≈ 1, so the gain is the points still being lost
    lost = {k: pts * (1 - sps.beta.mean(*ab.get(k, (1.0, 1.0)))) for k, pts in points.items()}
    want = sorted(lost, key=lambda k: -lost[k])[:5]
    r = subprocess.run([sys.executable, "-m", "examgen", "plan", "--json"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["rows"]
    assert [(x["chapter"], x["section"]) for x in rows] == want
    for x in rows:
        assert x["gain"] == pytest.approx(lost[(x["chapter"], x["section"])], rel=0.02)
    assert {x["chapter"] for x in rows[:3]} <= WEAK              # the scripted weak chapters come first
    top = rows[0]
    assert top["command"].startswith("examgen practice ")
    # the command of each row runs and practises that topic
    assert all(re.fullmatch(r"examgen practice (--kind [a-z-]+|--topic [a-z-]+ (--kind short|--weak))", x["command"])
               for x in rows)
    r = subprocess.run([sys.executable, "-m", "examgen", "plan", "--lang", "zh", "--until", "2999-01-01"],
                       capture_output=True, text=True, timeout=120, env={**__import__("os").environ,
                                                                          "COLUMNS": "100"})
    assert r.returncode == 0 and "今天练什么" in r.stdout and top["command"] in r.stdout


@pytest.mark.parametrize("lang, until, want", [
    ("en", "2020-01-01", "--until 2020-01-01 is in the past; give today or a later date"),
    ("en", "tomorrow", "--until must be a date YYYY-MM-DD (e.g. 2026-12-20), got 'tomorrow'"),
    ("zh", "2026-13-01", "--until 应为日期 YYYY-MM-DD（例如 2026-12-20），收到的是 '2026-13-01'"),
])
def test_plan_bad_until_is_one_line(lang, until, want):
    r = subprocess.run([sys.executable, "-m", "examgen", "plan", "--until", until, "--lang", lang],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.strip() == ("examgen：错误：" if lang == "zh" else "examgen: error: ") + want and r.stdout == ""


def test_stats_html_is_one_self_contained_file(history, tmp_path):
    out = tmp_path / "report.html"
    r = subprocess.run([sys.executable, "-m", "examgen", "stats", "--html", str(out), "--lang", "zh"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "<script" not in html
    assert "src=" not in html and "href=" not in html          # nothing loaded from elsewhere
    assert "预测得分" in html and "目标检测" in html
    bad = subprocess.run([sys.executable, "-m", "examgen", "stats", "--html", str(tmp_path / "no" / "x.html"), "--lang", "en"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "cannot write" in bad.stderr
    again = subprocess.run([sys.executable, "-m", "examgen", "stats", "--html", str(out), "--lang", "en"],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "already exists; use --force" in again.stderr and out.read_text(encoding="utf-8") == html
    forced = subprocess.run([sys.executable, "-m", "examgen", "stats", "--html", str(out), "--force", "--lang", "en"],
                            capture_output=True, text=True, timeout=120)
    assert forced.returncode == 0 and f"wrote {out}" in forced.stderr and "predicted score" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("columns", [60, 66, 80, 100])
def test_narrow_terminals_keep_every_label_value_and_command(history, lang, columns):
    """At 80 columns and less the tables lose bars, intervals or move the commands below; never a chapter name,
    a number or a command (Rich would squeeze the label column to nothing and cut 'Gain' to '+')."""
    from examgen.model import CHAPTERS

    env = {**__import__("os").environ, "COLUMNS": str(columns)}
    stats = subprocess.run([sys.executable, "-m", "examgen", "stats", "--lang", lang], capture_output=True,
                           text=True, timeout=120, env=env).stdout
    ready = json.loads(subprocess.run([sys.executable, "-m", "examgen", "stats", "--json"], capture_output=True,
                                      text=True, timeout=120).stdout)["readiness"]
    table = stats[stats.index("(90%" if lang == "en" else "（90%"):]
    labels = "".join(re.sub(r"\s+", "", re.split(r"\s{2,}", line.strip())[0]) for line in table.splitlines())
    for ch in {c["chapter"] for c in ready["cells"] if c["points"] > 0}:
        assert re.sub(r"\s+", "", CHAPTERS[ch].get(lang)) in labels        # whole, maybe folded over lines
    for c in ready["cells"]:
        if c["points"] > 0:
            assert f"{100 * c['p']:.0f}%" in table
    for ch in {c["chapter"] for c in ready["cells"]}:   # each chapter's expected points / its points, whole
        cells = [c for c in ready["cells"] if c["chapter"] == ch and c["points"] > 0]
        if cells:
            want = f"{sum(c['points'] * c['p'] for c in cells):.1f}/{sum(c['points'] for c in cells):.1f}"
            assert want in table, want
    assert "…" not in stats and all(len(line) <= columns for line in stats.splitlines())
    plan = json.loads(subprocess.run([sys.executable, "-m", "examgen", "plan", "-n", "8", "--json"],
                                     capture_output=True, text=True, timeout=120).stdout)["rows"]
    shown = subprocess.run([sys.executable, "-m", "examgen", "plan", "-n", "8", "--lang", lang], capture_output=True,
                           text=True, timeout=120, env=env).stdout
    lines = shown.splitlines()
    for x in plan:
        assert any(x["command"] in line for line in lines)                  # on one line: it is copied
        assert f"+{x['gain']:.1f}" in shown and f"{x['points']:.1f}" in shown
    assert "…" not in shown and all(len(line) <= columns for line in lines)


def test_fsrs_recall_and_the_memorize_flag_have_different_chinese_words():
    """`plan`'s column is FSRS's recall probability (回忆概率); `bank stats` flags the concepts to learn by heart
    (需背诵): both were 记忆. The README's plan (rendered at 100 columns) keeps its commands in the table."""
    from rich.console import Console

    from examgen.readiness import Cell
    from examgen.ui.messages import M
    from examgen.ui.readiness_view import L, plan_view

    rows = [(Cell("detection", "calculation", points=7.0, failures=5.0, recall=0.22), "examgen practice --kind nms"),
            (Cell("detection", "comprehensive", points=7.5, failures=2.0, recall=0.4),
             "examgen practice --kind scenario-detection")]
    con = Console(width=100, record=True, highlight=False)
    con.print(plan_view(rows, "zh", "2027-01-08", 36))
    out = con.export_text()
    head = next(line for line in out.splitlines() if "答对率" in line)
    assert "回忆概率" in head and "记忆" not in out and "命令：" not in out     # commands inside, not below
    assert (L["plan.recall"].zh, M["bank.col.memorize"].zh) == ("回忆概率", "需背诵")


@pytest.mark.parametrize("width, inside", [(81, False), (82, True), (100, True)])
def test_plan_keeps_its_commands_in_the_table_exactly_when_they_fit(width, inside):
    """The longest command (42 cells) with the # column (1), Pts (3), P(right) (8), Recall (6) and Gain (5), three
    cells between columns and an edge each side: 65 + 15 + 2 = 82 cells. The # column is not the label column
    (it was counted as 14 cells wide, so the commands went below up to 94 columns)."""
    from rich.console import Console

    from examgen.readiness import Cell
    from examgen.ui.readiness_view import plan_view

    rows = [(Cell("detection", "calculation", points=7.0, failures=5.0, recall=0.22), "examgen practice --kind nms"),
            (Cell("detection", "comprehensive", points=7.5, failures=2.0, recall=0.4),
             "examgen practice --kind scenario-detection")]
    con = Console(width=width, record=True, highlight=False)
    con.print(plan_view(rows, "en", "2027-01-08", 36))
    out = con.export_text()
    assert ("Commands:" not in out) == inside
    assert all(len(line.rstrip()) <= width for line in out.splitlines())
    assert any(line.strip() == "examgen practice --kind scenario-detection" or
               line.strip().endswith("examgen practice --kind scenario-detection") for line in out.splitlines())
