"""End to end: `examgen exam` driven through a pseudo-terminal (pexpect) and through plain piped stdin."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pexpect
import pytest

from examgen.exam import build_exam, grade_exam, part_answer_value, value_to_text
from examgen.model import RubricSpec
from examgen.selftest import wrong_text
from examgen.store import Store


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    """The parsed-bank cache in a directory of this test session, not the user's cache directory."""
    monkeypatch.setenv("EXAMGEN_CACHE", str(tmp_path_factory.getbasetemp() / "examgen-cache"))


EXAMGEN = [sys.executable, "-m", "examgen"]
SEED = 11


def env(**extra: str) -> dict[str, str]:
    e = os.environ.copy()
    e.update({"COLUMNS": "100", "EXAMGEN_LANG": "en", "PAGER": "cat", "TERM": "xterm-256color"})
    e.update(extra)
    return e


def right(problem, part) -> str:
    text = value_to_text(part.spec, part_answer_value(problem, part, "en"))
    return " ".join(text.split()) if isinstance(part.spec, RubricSpec) else text


def plan(seed: int = SEED):
    """Per item: the line to type for each part, and the expected points per section.

    Odd objective items right, even ones wrong; short 16, 18 right, 17 blank, 19 wrong; calculation 20, 22 right,
    21 wrong in its first part (the rest blank); comprehensive 23 right, 24 blank."""
    ex = build_exam(seed)
    lines: dict[int, list[str]] = {}
    expected: dict[str, float] = {s.id: 0.0 for s in ex.sections}
    answers: dict[int, dict[str, str]] = {}
    for it in ex.items:
        pr, n = it.problem, it.number
        if it.section == "objective":
            good = n % 2 == 1
            blank = False
        else:
            good = n in (16, 18, 20, 22, 23)
            blank = n in (17, 24)
        if blank:
            typed = [""] * len(pr.parts)
        elif good:
            typed = [right(pr, p) for p in pr.parts]
        else:
            typed = [wrong_text(pr.parts[0])] + [""] * (len(pr.parts) - 1)
        lines[n] = typed
        answers[n] = {p.name: t for p, t in zip(pr.parts, typed) if t}
        if good and not blank:
            expected[it.section] += pr.points
    report = grade_exam(ex, answers)
    got = {sec.id: g for sec, g, _ in report.sections()}
    assert got == pytest.approx(expected), "the plan's wrong answers must score 0"
    return ex, lines, expected



def _typing_item_2(duration_s: str):
    """A full-screen exam of `duration_s` seconds: question 1 answered, question 2's right answer typed on the
    answer line, Enter not pressed. Returns (exam, the planned lines, child, the text typed)."""
    ex, lines, _ = plan()
    typed = right(ex.item(2).problem, ex.item(2).problem.parts[0])
    c = spawn(["exam", "--seed", str(SEED)], EXAMGEN_TEST_DURATION_S=duration_s)
    c.expect("Press Enter")
    c.sendline("")
    answer_item(c, 1, lines[1])
    c.expect(r"\[2\] ")
    c.send(typed)
    return ex, lines, c, typed

def test_piped_full_exam_scores_exactly_as_planned():
    ex, lines, expected = plan()
    typed = ["zz"]                 # a format error first: asked again, no penalty
    for n in sorted(lines):
        typed += lines[n]
    r = subprocess.run(EXAMGEN + ["exam", "--seed", str(SEED), "--json"], input="\n".join(typed) + "\n",
                       capture_output=True, text=True, env=env(), timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    data = json.loads(r.stdout)
    assert {k: v["score"] for k, v in data["sections"].items()} == pytest.approx(expected)
    assert data["total"] == pytest.approx(sum(expected.values())) and data["max_total"] == 100
    assert data["submitted"] == "eof" and data["mode"] == "piped"
    assert "format error costs nothing" in r.stderr
    with Store.open() as s:
        st = s.state(data["exam_id"])
        log = [r[0] for r in s.conn.execute("SELECT status FROM input_log WHERE text = 'zz'")]
    assert log == ["format"]
    assert st.answers[1] == {"": lines[1][0]}
    # the same answers through the saved history
    rv = subprocess.run(EXAMGEN + ["review", str(data["exam_id"]), "--json"], capture_output=True, text=True,
                        env=env(), timeout=30)
    assert json.loads(rv.stdout)["total"] == data["total"]


def spawn(args: list[str], **extra: str) -> pexpect.spawn:
    c = pexpect.spawn(EXAMGEN[0], EXAMGEN[1:] + args, env=env(**extra), encoding="utf-8", timeout=20,
                      dimensions=(24, 80))
    c.delaybeforesend = 0.01
    return c


def on_screen(typed: list[str]) -> list[str]:
    """What a student types on the full screen for a plan's lines: Enter on an empty line does not skip there,
    so blank parts at the end become one `:n` (next question)."""
    keep = list(typed)
    while keep and not keep[-1]:
        keep.pop()
    assert all(keep), "the plan leaves only trailing parts blank"
    return keep + ([":n"] if len(keep) < len(typed) else [])


def answer_item(c: pexpect.spawn, n: int, typed: list[str]) -> None:
    for text in on_screen(typed):
        c.expect(rf"\[{n}\] ")
        c.sendline(text)


def test_pty_full_exam_scores_exactly_as_planned():
    ex, lines, expected = plan()
    c = spawn(["exam", "--seed", str(SEED)])
    c.expect("Press Enter")
    assert "\x1b[?1049h" in c.before, "a terminal gets the full screen (alternate screen)"
    c.sendline("")
    for n in sorted(lines):
        answer_item(c, n, lines[n])
    c.expect("Command")
    c.sendline(":submit")
    c.expect(r"Submit\s+anyway")       # items 17 and 24 are blank
    c.sendline("y")
    c.expect("Grading report")
    c.expect("Self-mark")
    c.sendline("n")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0
    r = subprocess.run(EXAMGEN + ["review", "1", "--json"], capture_output=True, text=True, env=env(), timeout=30)
    data = json.loads(r.stdout)
    assert {k: v["score"] for k, v in data["sections"].items()} == pytest.approx(expected)
    assert data["submitted"] == "student" and data["mode"] == "interactive"


def test_sigkill_halfway_then_resume_restores_answers_flags_and_time():
    ex, lines, _ = plan()
    c = spawn(["exam", "--seed", str(SEED)], EXAMGEN_TEST_DURATION_S="900")
    c.expect("Press Enter")
    c.sendline("")
    given: dict[int, dict[str, str]] = {}
    for n in range(1, 9):
        if n == 3:
            c.expect(r"\[3\] ")
            c.sendline(":flag")
        answer_item(c, n, lines[n])
        given[n] = {p.name: t for p, t in zip(ex.item(n).problem.parts, lines[n]) if t}
    c.expect(r"\[9\] ")
    time.sleep(0.3)
    os.kill(c.pid, signal.SIGKILL)
    c.expect(pexpect.EOF)
    c.close()
    with Store.open() as s:
        st = s.state(1)
        row = s.exam_row(1)
    assert {n: a for n, a in st.answers.items()} == {n: a for n, a in given.items() if a}
    assert st.flags == {3} and st.current == 9
    assert row.status == "running" and 0 < row.elapsed_s < 900
    # resume (a pty): the start page says what comes back; the clock goes on from the saved time
    c = spawn(["resume"])
    c.expect(r"Resuming exam #1: (\d+)/24 answered, 1 flagged, (\d+):(\d+) left")
    answered = int(c.match.group(1))
    left = int(c.match.group(2)) * 60 + int(c.match.group(3))
    assert answered == len([a for a in given.values() if a])
    assert 900 - row.elapsed_s - 2 <= left <= 900 - row.elapsed_s + 1
    c.expect("Press Enter")
    c.sendline("")
    answer_item(c, 9, lines[9])
    c.expect(r"\[10\] ")
    c.sendline(":s")
    c.expect(r"Submit\s+anyway")
    c.sendline("y")
    c.expect("Grading report")
    c.expect("Self-mark|See it again")
    c.sendline("n")
    c.expect(pexpect.EOF)
    c.close()
    data = json.loads(subprocess.run(EXAMGEN + ["review", "1", "--json"], capture_output=True, text=True,
                                     env=env(), timeout=30).stdout)
    for item in data["items"]:
        n = item["number"]
        want = given.get(n) or ({p.name: t for p, t in zip(ex.item(9).problem.parts, lines[9]) if t} if n == 9 else {})
        assert item["answers"] == want, n


def test_resume_in_piped_mode_and_errors():
    ex, lines, _ = plan()
    typed = lines[1] + lines[2] + [":q"]
    r = subprocess.run(EXAMGEN + ["exam", "--seed", str(SEED)], input="\n".join(typed) + "\n", capture_output=True,
                       text=True, env=env(), timeout=60)
    assert r.returncode == 5 and "examgen resume 1" in r.stdout
    r = subprocess.run(EXAMGEN + ["resume", "--json"], input="\n".join(lines[3]) + "\n", capture_output=True,
                       text=True, env=env(), timeout=60)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [i["number"] for i in data["items"] if i["answers"]] == [n for n in (1, 2, 3) if any(lines[n])]
    r = subprocess.run(EXAMGEN + ["resume", "1"], capture_output=True, text=True, env=env(), timeout=30)
    assert r.returncode == 2 and "already submitted" in r.stderr and r.stderr.count("\n") == 1
    r = subprocess.run(EXAMGEN + ["resume"], capture_output=True, text=True, env=env(), timeout=30)
    assert r.returncode == 2 and "no unfinished exam" in r.stderr
    r = subprocess.run(EXAMGEN + ["review", "7"], capture_output=True, text=True, env=env(), timeout=30)
    assert r.returncode == 2 and "no exam with id 7" in r.stderr
    # an exam whose time ran out while nobody was sitting it is submitted on resume
    r = subprocess.run(EXAMGEN + ["exam", "--seed", "3"], input=":q\n", capture_output=True, text=True, env=env(),
                       timeout=60)
    assert r.returncode == 5
    with Store.open() as s:
        s.progress(2, elapsed_s=10_000)
    r = subprocess.run(EXAMGEN + ["resume", "--json"], capture_output=True, text=True, env=env(), timeout=60)
    assert r.returncode == 0 and "no time left" in r.stderr
    assert json.loads(r.stdout)["submitted"] == "time"


def test_deadline_mid_answer_keeps_what_was_typed_in_time():
    """What stands on the answer line when time runs out was typed before the deadline: it is the answer, as on a
    paper when the bell goes (and as ↓ would have saved it). Keys pressed after the deadline change nothing."""
    ex, lines, c, typed = _typing_item_2("3")                              # typed, Enter not pressed
    c.expect("Time is up", timeout=15)
    c.sendline("junk")                                                   # after the deadline
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0
    data = json.loads(subprocess.run(EXAMGEN + ["review", "1", "--json"], capture_output=True, text=True,
                                     env=env(), timeout=30).stdout)
    answered = {i["number"]: i["answers"] for i in data["items"] if i["answers"]}
    assert answered == {1: {"": lines[1][0]}, 2: {"": typed}}
    assert data["submitted"] == "time" and data["time_used_s"] == pytest.approx(3.0)


def test_piped_lines_after_the_deadline_do_not_count():
    ex, lines, _ = plan()
    p = subprocess.Popen(EXAMGEN + ["exam", "--seed", str(SEED), "--json"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=env(EXAMGEN_TEST_DURATION_S="5"))
    p.stdin.write(lines[1][0] + "\n")
    p.stdin.flush()
    seen = ""
    while "[2] " not in seen:            # the clock runs from the first question: wait for it, however slow the start
        ch = p.stderr.read(1)
        assert ch, "the exam ended before question 2"
        seen += ch
    while "Time is up" not in seen:      # no sleeping against the clock: the line goes in after the deadline
        ch = p.stderr.read(1)
        if not ch:
            break                        # the exam submitted and closed its output: later lines cannot count
        seen += ch
    try:
        p.stdin.write(lines[2][0] + "\n")
        p.stdin.close()
    except BrokenPipeError:
        pass
    p.stdin = None
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    data = json.loads(out)
    assert {i["number"] for i in data["items"] if i["answers"]} == {1}
    assert data["submitted"] == "time"


def test_ctrl_c_asks_then_saves_and_leaves():
    ex, lines, _ = plan()
    c = spawn(["exam", "--seed", str(SEED)])
    c.expect("Press Enter")
    c.sendline("")
    answer_item(c, 1, lines[1])
    c.expect(r"\[2\] ")
    c.sendintr()
    c.expect(r"Save and leave\?")
    c.sendline("n")                      # go on
    c.expect(r"\[2\] ")
    c.sendline(":goto 30")
    c.expect("There is no question 30")
    c.sendline(":flag")
    c.expect("Flagged question 2")
    c.sendline(":list")
    c.expect("Flagged")
    time.sleep(0.5)                      # let :list finish drawing before the interrupt (see the closing note)
    c.sendintr()
    c.expect(r"Save and leave\?")
    c.sendline("y")
    c.expect("examgen resume 1")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 5
    with Store.open() as s:
        st = s.state(1)
    assert st.answers == {1: {"": lines[1][0]}} and st.flags == {2}


def test_ctrl_c_keeps_the_line_being_typed():
    """Ctrl-C in the middle of an answer: the text on the line is saved (as ↓ would save it) whether the student
    then stays or leaves; a line that cannot be read stays on the answer line as it was typed."""
    ex, lines, c, typed = _typing_item_2("900")                            # no Enter
    time.sleep(0.3)
    c.sendintr()
    c.expect(r"Save and leave\?")
    c.sendline("n")
    c.expect(r"\[2\] ")
    with Store.open() as s:
        assert s.state(1).answers == {1: {"": lines[1][0]}, 2: {"": typed}}
    c.sendline(":g 3")
    c.expect(r"\[3\] ")
    c.send("((")                         # cannot be read
    time.sleep(0.3)
    c.sendintr()
    c.expect(r"Save and leave\?")
    c.sendline("n")
    c.expect(r"\[3\] .*\(\(")          # back on the line, as typed
    time.sleep(0.3)
    c.sendintr()
    c.expect(r"Save and leave\?")
    c.sendline("y")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 5
    with Store.open() as s:
        assert s.state(1).answers == {1: {"": lines[1][0]}, 2: {"": typed}}
        logged = [r[0] for r in s.conn.execute("SELECT text FROM input_log WHERE exam_id = 1")]
    assert "((" in logged                # never lost: kept with the lines that could not be read


def test_leaving_at_the_start_page_exits_as_unfinished():
    c = spawn(["exam", "--seed", str(SEED)])
    c.expect("Press Enter")
    c.sendline(":q")
    c.expect("examgen resume 1")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 5             # left unfinished, as after Ctrl-C: a script can tell it from a submission


def test_two_exams_in_two_terminals_at_once():
    procs = []
    plans = {}
    for seed in (11, 12):
        ex, lines, expected = plan(seed)
        plans[seed] = expected
        typed = [t for n in sorted(lines) for t in lines[n]]
        p = subprocess.Popen(EXAMGEN + ["exam", "--seed", str(seed), "--json"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
        procs.append((seed, p, "\n".join(typed) + "\n"))
    results = {}
    for seed, p, text in procs:
        out, err = p.communicate(text, timeout=60)
        assert p.returncode == 0, err[-2000:]
        results[seed] = json.loads(out)
    assert {r["exam_id"] for r in results.values()} == {1, 2}
    for seed, data in results.items():
        assert {k: v["score"] for k, v in data["sections"].items()} == pytest.approx(plans[seed])
    with Store.open() as s:
        assert s.integrity() == "ok"


def test_sheet_grading_cli_and_history_stats():
    import yaml

    paper = json.loads(subprocess.run(EXAMGEN + ["exam", "--seed", "4", "--paper-json"], capture_output=True,
                                      text=True, env=env(), timeout=30).stdout)
    sheet = {i["number"]: i["answer"] for i in paper["items"]}
    path = os.path.join(os.environ["EXAMGEN_HOME"], "sheet.yaml")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(sheet, fh, allow_unicode=True)
    r = subprocess.run(EXAMGEN + ["exam", "--seed", "4", "--answers", path, "--json"], capture_output=True, text=True,
                       env=env(), timeout=30)
    data = json.loads(r.stdout)
    assert data["total"] == 100 and all(v["score"] == v["max"] for v in data["sections"].values())
    hist = json.loads(subprocess.run(EXAMGEN + ["history", "--json"], capture_output=True, text=True, env=env(),
                                     timeout=30).stdout)
    assert hist[0]["score"] == 100 and hist[0]["mode"] == "sheet"
    stats = json.loads(subprocess.run(EXAMGEN + ["stats", "--json"], capture_output=True, text=True, env=env(),
                                      timeout=30).stdout)
    assert len(stats["chapters"]) >= 7 and all(d["accuracy"] == 1.0 for d in stats["chapters"].values())
    # self-marking a short answer down, piped: 'n' for every key point of every short answer
    n_points = sum(len(p["parts"]) if "parts" in p else 1 for p in data["items"] if p["kind"] == "bank-short")
    ex = build_exam(4)
    keys = sum(len(it.problem.parts[0].spec.key_points) for it in ex.items if it.problem.kind == "bank-short")
    r = subprocess.run(EXAMGEN + ["review", "1", "--self-mark", "--json"], input="n\n" * keys, capture_output=True,
                       text=True, env=env(), timeout=30)
    marked = json.loads(r.stdout)
    assert n_points == 4
    assert marked["sections"]["short"]["score"] == 0 and marked["total"] == 80 and marked["auto_estimates"] == []
    # again: the marks shown are the student's own, not "automatic"; a reply that is not y/n/Enter is asked again
    r = subprocess.run(EXAMGEN + ["review", "1", "--self-mark", "--json"], input="foo\ny\n" + "\n" * (keys - 1),
                       capture_output=True, text=True, env=env(), timeout=30)
    again = json.loads(r.stdout)
    assert "your earlier mark: missed" in r.stderr and "automatic:" not in r.stderr
    assert "Type y (found), n (missed), or Enter to keep it." in r.stderr
    assert 0 < again["sections"]["short"]["score"] < 20 and again["total"] > 80
    bad = subprocess.run(EXAMGEN + ["exam", "--seed", "4", "--answers", path + ".missing"], capture_output=True,
                         text=True, env=env(), timeout=30)
    assert bad.returncode == 2 and "cannot read the answer sheet" in bad.stderr and bad.stderr.count("\n") == 1


def test_arrow_keys_and_edits_save_before_a_sigkill():
    """Every way an answer leaves the answer line on the full screen saves it: ↓ and Tab after typing, ↑ back
    and an edit of a saved answer (replaced with Enter), the first part of a multi-part item left with ↓."""
    ex, _, _ = plan()
    multi = next(it for it in ex.items if len(it.problem.parts) > 1)
    one = [it for it in ex.items if len(it.problem.parts) == 1 and not isinstance(it.problem.parts[0].spec,
                                                                                     RubricSpec)][:2]
    a1, a2 = (right(it.problem, it.problem.parts[0]) for it in one)
    wrong1 = wrong_text(one[0].problem.parts[0])
    m1 = right(multi.problem, multi.problem.parts[0])
    c = spawn(["exam", "--seed", str(SEED)], EXAMGEN_TEST_DURATION_S="900")
    c.expect("Press Enter")
    c.sendline("")
    c.sendline(f":g {one[0].number}")
    c.expect(rf"\[{one[0].number}\] ")
    c.send(wrong1 + "\x1b[B")                        # typed, then ↓: saved, on to the next question
    c.sendline(f":g {one[1].number}")
    c.expect(rf"\[{one[1].number}\] ")
    c.send(a2 + "\t")                                # typed, then Tab
    c.sendline(f":g {one[0].number}")
    c.expect(rf"\[{one[0].number}\] ")
    c.send("\x15" + a1 + "\r")                       # the saved answer edited: Ctrl-U, the right one, Enter
    c.sendline(f":g {multi.number}")
    c.expect(rf"\[{multi.number}\] {multi.problem.parts[0].name}")
    c.send(m1 + "\x1b[B")                            # first part typed, ↓ to the second part
    c.expect(rf"\[{multi.number}\] {multi.problem.parts[1].name}")
    time.sleep(0.3)
    os.kill(c.pid, signal.SIGKILL)
    c.expect(pexpect.EOF)
    c.close()
    with Store.open() as s:
        answers = s.state(1).answers
    assert answers == {one[0].number: {"": a1}, one[1].number: {"": a2},
                       multi.number: {multi.problem.parts[0].name: m1}}


def test_a_piped_line_is_echoed_safely_and_saved_whole():
    """An escape sequence typed into a piped exam is shown named (U+001B), never sent to the terminal, and a line
    of 20,000 characters is shown cut with its length (both are then refused as answers, with their messages)."""
    long = "A" * 20_000
    r = subprocess.run(EXAMGEN + ["exam", "--seed", str(SEED), "--lang", "en"], input=f"\x1b[31mB\n{long}\n:q\n",
                       capture_output=True, text=True, env=env(), timeout=60)
    assert r.returncode == 5
    assert "\x1b[31m" not in r.stdout and "U+001B[31mB" in r.stdout
    assert long not in r.stdout and "… (20000 chars)" in r.stdout


@pytest.mark.parametrize("lang, want", [
    ("en", [":goto needs a question number, e.g. :goto 5 (1–24).", ":g needs a question number, e.g. :g 5 (1–24)."]),
    ("zh", [":goto 后面要写题号，例如 :goto 5（1–24）。", ":g 后面要写题号，例如 :g 5（1–24）。"]),
])
def test_a_bare_goto_asks_for_the_question_number(lang, want):
    r = subprocess.run(EXAMGEN + ["exam", "--seed", str(SEED), "--lang", lang], input=":goto\n:g\n:q\n",
                       capture_output=True, text=True, env=env(), timeout=60)
    out = " ".join(r.stdout.split())
    assert all(w in out for w in want), r.stdout[-1500:]
    assert "Unknown command" not in out and "未知命令" not in out


@pytest.mark.parametrize("lang, want, wrong", [
    ("en", "An answer is saved when you press Enter or move to another part or question", "saved as you type"),
    ("zh", "答案在按回车或切换到其他小问、其他题时保存", "输入后立即保存"),
])
def test_the_start_page_says_when_answers_are_saved(lang, want, wrong):
    """Answers are saved on Enter or when moving on, not keystroke by keystroke."""
    r = subprocess.run(EXAMGEN + ["exam", "--seed", str(SEED), "--lang", lang], input=":q\n", capture_output=True,
                       text=True, env=env(), timeout=60)
    out = "".join(r.stdout.split())
    assert "".join(want.split()) in out and "".join(wrong.split()) not in out, r.stdout[:1500]


def test_an_escape_sequence_in_an_answer_is_shown_named_in_the_report_and_review():
    import yaml

    ex = build_exam(SEED)
    short = next(it for it in ex.items if it.problem.kind == "bank-short")
    path = os.path.join(os.environ["EXAMGEN_HOME"], "esc.yaml")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump({short.number: "dropout\x1b[31mRED\x1b]0;TITLE\x07"}, fh)
    for args in (["exam", "--seed", str(SEED), "--answers", path], ["review", "1"]):
        r = subprocess.run(EXAMGEN + args + ["--lang", "en"], capture_output=True, text=True, env=env(), timeout=60)
        assert r.returncode == 0, r.stderr
        assert "\x1b]0;" not in r.stdout and "\x1b[31m" not in r.stdout
        assert "dropoutU+001B[31mREDU+001B]0;TITLEU+0007" in " ".join(r.stdout.split())
