"""Mistakes in the learning loop: recorded with every graded attempt (store migration v4), shown in the exam report
(terminal and --json) and the practice loop, counted per mistake in `examgen stats` (terminal, --json, --html).
The counts expected here come from the scripted history itself, never from the store."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
from collections import Counter

import pexpect
import pytest

from examgen import registry
from examgen.exam import build_exam, grade_exam, part_answer_value, value_to_text
from examgen.grading import display_value, grade
from examgen.store import Store
from examgen.store_schema import MIGRATIONS, SCHEMA_VERSION

from tests.test_practice import EXAMGEN, env, run  # the same subprocess runner and environment (COLUMNS=100)

# (kind, seed, the mistake the scripted student makes, or None for the right answer)
SCRIPT = [("iou", 0, "union-keeps-intersection"), ("iou", 1, "union-keeps-intersection"),
          ("iou", 2, "dice-not-iou"), ("iou", 3, None), ("iou", 4, "union-keeps-intersection"),
          ("conv-output", 0, None), ("lstm-step", 5, None), ("iou", 7, "dice-not-iou"),
          ("iou", 8, "union-keeps-intersection")]

def mistake(kind: str, mid: str):
    return next(m for m in registry.get(kind).mistakes if m.id == mid)


def answer_with(pr, kind: str, mid: str | None):
    """The answer text (single, or {part: text}) of a student who makes mistake `mid` (None: the key)."""
    vals = mistake(kind, mid).values(pr.params) if mid else {}
    full = {p.name: display_value(p.spec, vals[p.name]) if p.name in vals else display_value(p.spec, p.answer)
            for p in pr.parts}
    return full[""] if list(full) == [""] else full


def test_a_store_of_the_previous_schema_migrates_with_nothing_lost(tmp_path, monkeypatch):
    """A history file with today's main schema (v3: the migrations before this one) opens, gains the column, and
    keeps every attempt, card and review as it was."""
    assert SCHEMA_VERSION == 4
    home = tmp_path / "old-home"
    home.mkdir()
    db = home / "examgen.db"
    c = sqlite3.connect(db, isolation_level=None)
    for script in MIGRATIONS[:3]:
        c.executescript(script)
    c.execute("PRAGMA user_version = 3")
    rows = [(1.7e9 + i, "practice", None, None, f"iou:{i}", "iou", "detection", 6.0, 6.0 * (i % 2), i % 2, 0)
            for i in range(5)]
    c.executemany("INSERT INTO attempts (at, source, exam_id, number, ref, kind, chapter, points, earned, score, "
                  "auto) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    c.execute("INSERT INTO fsrs_log (key, at, rating, score, duration_s, retention, due_at, source) VALUES "
              "('kind:iou', 1.7e9, 3, 1.0, 12.5, 0.9, 1.8e9, 'practice')")
    c.close()
    monkeypatch.setenv("EXAMGEN_HOME", str(home))
    before = db.read_bytes()
    with Store.open(readonly=True) as s:     # stats, history, review: an upgraded copy in memory, the file untouched
        assert [tuple(r) for r in s.attempts()] == rows and s.mistakes() == []
    r = subprocess.run(EXAMGEN + ["stats", "--json"], capture_output=True, text=True, env=env(EXAMGEN_HOME=str(home)),
                       timeout=60)
    assert r.returncode == 0 and json.loads(r.stdout)["mistakes"] == [], r.stderr
    assert db.read_bytes() == before
    with Store.open() as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == 4
        got = [tuple(r) for r in s.conn.execute("SELECT at, source, exam_id, number, ref, kind, chapter, points, "
                                                "earned, score, auto, mistakes FROM attempts ORDER BY id")]
        assert got == [r + ("[]",) for r in rows]
        assert [tuple(r)[:3] for r in s.review_log()] == [("kind:iou", 1.7e9, 3)]
        assert s.mistakes() == []
        pr = registry.get("iou").generate(0)
        v = grade(pr, answer_with(pr, "iou", "union-keeps-intersection"))
        s.record_practice(pr, v.earned, float(pr.points), 3.0, v)
        assert s.mistakes() == [("iou", '["union-keeps-intersection"]')]


def _script_history(store) -> Counter:
    """Record SCRIPT through the real grader and store; return the counts the script itself implies."""
    expected: Counter = Counter()
    for kind, seed, mid in SCRIPT:
        pr = registry.get(kind).generate(seed)
        v = grade(pr, answer_with(pr, kind, mid))
        ids = [d["id"] for d in v.to_json("en")["diagnosis"]]
        assert ids == ([mid] if mid else []), (kind, seed, mid, ids)  # the script makes exactly this mistake
        store.record_practice(pr, v.earned, float(pr.points), 10.0, v)
        if mid:
            expected[(kind, mid)] += 1
    return expected


def _exam_with_a_mistake(store) -> tuple[int, tuple[str, str], int]:
    """A submitted exam, every item right except an iou item answered with the union-keeps-intersection mistake."""
    ex = build_exam(3)
    iou = next(it for it in ex.items if it.problem.kind == "iou")
    answers = {it.number: {p.name: value_to_text(p.spec, part_answer_value(it.problem, p, "en")) or ""
                           for p in it.problem.parts} for it in ex.items}
    answers[iou.number] = {"": answer_with(iou.problem, "iou", "union-keeps-intersection")}
    eid = store.create_exam(ex, "en", "sheet", 7200)
    store.save_sheet(eid, answers, grade_exam(ex, answers, exam_id=eid))
    return eid, ("iou", "union-keeps-intersection"), iou.number


def test_stats_count_each_mistake_from_practice_and_exams(tmp_path):
    with Store.open() as s:
        expected = _script_history(s)
        eid, exam_mistake, _ = _exam_with_a_mistake(s)
    expected[exam_mistake] += 1
    assert expected == Counter({("iou", "union-keeps-intersection"): 5, ("iou", "dice-not-iou"): 2})

    for lang in ("en", "zh"):
        r = run(["stats", "--json", "--lang", lang])
        assert r.returncode == 0, r.stderr
        got = json.loads(r.stdout)["mistakes"]
        assert [(m["kind"], m["id"], m["count"]) for m in got] == \
            [(k, i, n) for (k, i), n in expected.most_common()]          # most frequent first
        assert got[0]["text"] == getattr(mistake("iou", "union-keeps-intersection").text, lang)

    out = run(["stats", "--lang", "en"]).stdout
    assert "Your typical mistakes" in out
    for (kind, mid), n in expected.items():
        text = mistake(kind, mid).text.en
        line = next(ln for ln in out.splitlines() if text[:30] in ln)
        assert re.match(rf"\s*{n}\s+{kind}\s", line), line
    zh = run(["stats", "--lang", "zh"]).stdout
    assert "你犯过的典型错误" in zh and mistake("iou", "dice-not-iou").text.zh[:10] in zh

    r = run(["plan", "--json", "-n", "1"])
    assert r.returncode == 0, r.stderr
    assert [(m["kind"], m["id"], m["count"], m["command"]) for m in json.loads(r.stdout)["repeated_mistakes"]] == \
        [(k, i, n, f"examgen practice --kind {k}") for (k, i), n in expected.most_common() if n >= 2]
    assert "Mistakes you keep making" in run(["plan", "-n", "1"]).stdout

    html = tmp_path / "r.html"
    assert run(["stats", "--html", str(html), "--lang", "en"]).returncode == 0
    page = html.read_text(encoding="utf-8")
    assert "Your typical mistakes" in page
    assert re.search(r"<td>the union does not subtract[^<]*</td><td>iou</td><td>5</td>", page)


def test_exam_report_shows_the_diagnosis_terminal_and_json():
    with Store.open() as s:
        eid, (kind, mid), number = _exam_with_a_mistake(s)
        assert s.mistakes() == [(kind, json.dumps([mid]))]
    m = mistake(kind, mid)
    r = run(["review", str(eid), "--json", "--lang", "zh"])
    assert r.returncode == 0, r.stderr
    item = next(i for i in json.loads(r.stdout)["items"] if i["number"] == number)
    diag = item["parts"][0]["diagnosis"]
    assert [d["id"] for d in diag] == [mid] and diag[0]["text"] == m.text.zh and diag[0]["step"]
    wrong_elsewhere = [i for i in json.loads(r.stdout)["items"] if i["number"] != number and i["parts"][0]["diagnosis"]]
    assert wrong_elsewhere == []
    for lang, head in (("en", "Likely mistake: " + m.text.en), ("zh", "可能的错误：" + m.text.zh)):
        out = run(["review", str(eid), "--no-pager", "--lang", lang]).stdout
        flat = re.sub(r"\s+", "", out)
        assert re.sub(r"\s+", "", head) in flat, out[-3000:]
        assert ("seestep" if lang == "en" else "见第") in flat


def test_practice_verdict_names_the_mistake_in_a_terminal():
    """Through the real terminal: a wrong answer that is a known mistake is named (with the step to check, not its
    values, before a retry); the attempt is stored with the mistake."""
    home = os.environ["EXAMGEN_HOME"]
    c = pexpect.spawn(EXAMGEN[0], EXAMGEN[1:] + ["practice", "--kind", "iou", "-n", "1", "--seed", "5"],
                      env=env(EXAMGEN_HOME=home), encoding="utf-8", timeout=30, dimensions=(40, 100))
    c.expect(r"Practice 1/1 · iou:(\d+)")
    pr = registry.get("iou").generate(int(c.match.group(1)))
    c.expect("› ")
    c.sendline(answer_with(pr, "iou", "union-keeps-intersection"))
    c.expect("Wrong")
    c.expect(r"Recorded: 0/\d+ points")
    shown = re.sub(r"\x1b\[[0-9;]*m|\s+", "", c.before)
    m = mistake("iou", "union-keeps-intersection")
    assert re.sub(r"\s+", "", f"Likely mistake: {m.text.en} (check step") in shown
    assert display_value(pr.parts[0].spec, pr.answer) not in c.before   # the key stays hidden before a retry
    c.expect("› ")
    c.sendline(":q")
    c.expect(pexpect.EOF)
    with Store.open(readonly=True) as s:
        assert s.mistakes() == [("iou", '["union-keeps-intersection"]')]


def test_a_continuation_item_drawn_alone_shows_the_question_it_continues():
    """rnn-lstm-10 ("接上题…") follows rnn-lstm-09: practised alone, the parent's stem comes first."""
    from examgen.bank import load_bank

    bank = {it.id: it for it in load_bank().items}
    child, parent = bank["rnn-lstm-10"], bank["rnn-lstm-09"]
    assert child.follows == parent.id and child.stem.zh.startswith("接上题")
    for seed in range(40):
        r = subprocess.run(EXAMGEN + ["practice", "--kind", "fill", "--topic", "rnn", "-n", "1", "--seed", str(seed),
                                      "--lang", "zh"], input=":q\n", capture_output=True, text=True,
                           env=env(COLUMNS="400"), timeout=60)
        if "rnn-lstm-10" in r.stdout:
            break
    else:
        pytest.fail("rnn-lstm-10 was never drawn first")
    lines = r.stdout.splitlines()
    ctx = next(i for i, ln in enumerate(lines) if parent.stem.zh in ln)
    own = next(i for i, ln in enumerate(lines) if child.stem.zh in ln)
    assert ctx < own and lines[ctx].startswith("上一题（本题接着它）：")


def _no_stray_english(text: str, allowed: set[str]) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_-]*", text) if w not in allowed]


def test_zh_mistake_lines_have_no_stray_english():
    """The lines this feature adds, in Chinese, with the mistake's own text, the step title and the kind name taken
    out: no ASCII word is left (the English rendering of the same lines must have some, so the check can fail)."""
    from rich.console import Console

    from examgen.ui.readiness_view import repeated_view
    from examgen.ui.report import stats_view

    kind = registry.get("iou")
    pr = kind.generate(0)
    m = mistake("iou", "union-keeps-intersection")
    v = grade(pr, answer_with(pr, "iou", m.id))
    d = v.parts[0].diagnosis[0]
    data = {"chapters": {"detection": {"attempts": 1, "accuracy": 0.0}}, "kinds": {}, "due": 0,
            "mistakes": [{"kind": "iou", "id": m.id, "count": 4, "text": m.text.zh}]}
    con = Console(width=200, record=True, color_system=None)
    con.print(stats_view(data, "zh"))
    con.print(repeated_view([dict(data["mistakes"][0], command="")], "zh"))
    for lang, lines in (("zh", [d.short_line().zh, con.export_text()]),
                        ("en", [d.short_line().en])):
        text = "\n".join(lines)
        for piece in (m.text.get(lang), d.step.title.get(lang)):
            text = text.replace(piece, " ")
        words = _no_stray_english(text, {"iou"})
        assert (words == []) if lang == "zh" else words, (lang, words)


def test_the_mistake_tables_fit_the_terminal():
    """The stats table and plan's note with the longest declared mistake text fit 80 and 120 columns."""
    from examgen.ui.readiness_view import repeated_view
    from examgen.ui.report import stats_view
    from tests.test_exam_render import LANGS, SIZES, check_lines_fit, render

    longest = max(((k.name, m) for k in registry.all_kinds() for m in k.mistakes), key=lambda km: len(km[1].text.en))
    for lang in LANGS:
        entry = {"kind": longest[0], "id": longest[1].id, "count": 12, "text": longest[1].text.get(lang),
                 "command": f"examgen practice --kind {longest[0]}"}
        data = {"chapters": {"cnn": {"attempts": 3, "accuracy": 0.5}}, "kinds": {}, "due": 0, "mistakes": [entry]}
        for width, height in SIZES:
            check_lines_fit(render(stats_view(data, lang), width, height), width)
            check_lines_fit(render(repeated_view([entry], lang), width, height), width)
