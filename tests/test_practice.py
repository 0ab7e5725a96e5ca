"""`examgen practice` and the FSRS schedule behind `--weak` (the FSRS arithmetic itself: tests/test_fsrs.py)."""

from __future__ import annotations

import json
import random
import os
import re
import subprocess
import sys

import pexpect
import pytest
import yaml

from examgen import registry
from examgen.exam import part_answer_value, value_to_text
from examgen.schedule import DAY, Card, cards_from, weak_order


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    """The parsed-bank cache in a directory of this test session, not the user's cache directory."""
    monkeypatch.setenv("EXAMGEN_CACHE", str(tmp_path_factory.getbasetemp() / "examgen-cache"))


EXAMGEN = [sys.executable, "-m", "examgen"]


def env(**extra: str) -> dict[str, str]:
    e = os.environ.copy()
    e.update({"COLUMNS": "100", "EXAMGEN_LANG": "en"})
    e.update(extra)
    return e


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(EXAMGEN + args, input=stdin, capture_output=True, text=True, env=env(), timeout=60)


def correct_lines(kind: str, seed: int) -> list[str]:
    pr = registry.get(kind).generate(seed)
    return [value_to_text(p.spec, part_answer_value(pr, p, "en")) for p in pr.parts]


def test_practice_feedback_hints_variants_in_a_terminal():
    c = pexpect.spawn(EXAMGEN[0], EXAMGEN[1:] + ["practice", "--kind", "iou", "-n", "2", "--seed", "5"],
                      env=env(), encoding="utf-8", timeout=20, dimensions=(40, 100))
    c.delaybeforesend = 0.01
    c.expect(r"Practice 1/2 · iou:(\d+)")
    seed = int(c.match.group(1))
    c.expect("› ")
    c.sendline(correct_lines("iou", seed)[0])
    c.expect("Correct")
    c.expect("Enter: next")
    c.sendline("")
    c.expect(r"Practice 2/2 · iou:(\d+)")
    seed2 = int(c.match.group(1))
    assert seed2 != seed
    c.expect("› ")
    c.sendline("zz")                          # a format error: no verdict, asked again
    c.expect("Not a number")
    c.sendline(":hint")
    c.expect("Hint 1/3")
    c.sendline(":hint")
    c.expect("Hint 2/3")
    c.sendline(":new")                        # a fresh variant
    c.expect(r"Practice 2/2 · iou:(\d+)")
    seed3 = int(c.match.group(1))
    assert seed3 != seed2
    c.sendline("0.999")
    c.expect("Wrong")
    c.expect("The answer is not shown yet")
    c.sendline(":solution")
    c.expect("Solution")
    c.sendline(":retry")
    c.expect(r"Practice 2/2 · iou:" + str(seed3))
    c.sendline(":q")
    c.expect(r"This session: 2 problems")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0
    stats = json.loads(run(["stats", "--json"]).stdout)
    assert stats["kinds"]["iou"]["attempts"] == 2
    assert stats["kinds"]["iou"]["accuracy"] == 0.5


def test_piped_bank_practice_records_attempts():
    r = run(["practice", "--kind", "tf", "--topic", "rnn", "-n", "3", "--seed", "2"], "T\n\nF\n\n:q\n")
    assert r.returncode == 0, r.stderr
    assert len(re.findall(r"^(Correct|Wrong)  \d", r.stdout, re.M)) == 2
    stats = json.loads(run(["stats", "--json"]).stdout)
    assert stats["kinds"]["bank-tf"]["attempts"] == 2 and list(stats["chapters"]) == ["rnn"]


def test_bank_hints_and_solution():
    r = run(["practice", "--kind", "short", "-n", "1", "--seed", "1"], ":hint\n:hint\n:hint\n:q\n")
    assert r.returncode == 0
    assert "From the notes:" in r.stdout and "Hint 2/3" in r.stdout and "Answer:" in r.stdout


def test_practice_errors_are_one_line():
    for args, msg in ((["--topic", "detect"], "did you mean 'detection'"), (["--kind", "iuo"], "did you mean 'iou'"),
                      (["--kind", "otsu", "--topic", "rnn"], "no problems match --topic rnn --kind otsu"),
                      (["--kind", "ioo"], "did you mean 'iou'"), (["--kind", "nsm"], "did you mean 'nms'"),
                      (["--kind", "nosuch"], "unknown kind 'nosuch'; use a kind from `examgen list`")):
        r = run(["practice"] + args)
        assert r.returncode == 2 and msg in r.stderr and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
        assert "otsu" not in r.stderr or "otsu" in args, r.stderr     # 'nosuch' was offered 'otsu' (ratio 0.6)


def test_weak_starts_with_what_was_missed():
    paper = json.loads(run(["exam", "--seed", "9", "--paper-json"]).stdout)
    sheet = {i["number"]: i["answer"] for i in paper["items"]}
    iou = next(i for i in paper["items"] if i["kind"] == "iou")
    sheet[iou["number"]] = 123.0                        # the only mistake
    path = os.path.join(os.environ["EXAMGEN_HOME"], "s.yaml")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(sheet, fh, allow_unicode=True)
    assert run(["exam", "--seed", "9", "--answers", path, "--json"]).returncode == 0
    r = run(["practice", "--weak", "-n", "1", "--seed", "3"], ":q\n")
    assert re.search(r"Practice 1/1 · iou:\d+ \(due for review\)", r.stdout), r.stdout[:500]


def test_weak_order_due_first_then_weak_chapters():
    now = 1e9
    sched = {
        "kind:iou": (2, now - 10, 4, 3, now - 10),       # due longest, often wrong
        "kind:otsu": (2, now - 10, 4, 1, now - 10),      # due as long, rarely wrong
        "item:a": (2, now - 5, 2, 0, now - 5),           # due
        "item:b": (2, now + DAY, 2, 1, now),             # not due
        "item:c": (2, now + 60, 2, 1, now),              # a review card due in a minute: not due yet
        "item:d": (3, now + 60, 2, 1, now),              # relearning, due in a minute: shown now, as in Anki
    }
    cards = cards_from([("kind:iou", "detection"), ("kind:otsu", "image-processing"), ("item:a", "cnn"),
                        ("item:b", "cnn"), ("item:new-rnn", "rnn"), ("item:new-cnn", "cnn"), ("item:c", "cnn"),
                        ("item:d", "cnn")], sched)
    order = [c.key for c in weak_order(cards, now, {"rnn": 0.2, "cnn": 0.9})]
    assert order == ["kind:iou", "kind:otsu", "item:a", "item:d", "item:new-rnn", "item:new-cnn", "item:c",
                     "item:b"]
    assert isinstance(cards[0], Card) and cards[0].error_rate == 0.75


def test_hints_cap_the_score_and_screen_summary_stats_schedule_agree():
    """Two hints then a right answer: the screen says beforehand what the hints cost, records half the points,
    and the summary, `stats` and the schedule say the same; a blank is no attempt; :skip after :solution scores 0."""
    import time

    from examgen.store import Store

    c = pexpect.spawn(EXAMGEN[0], EXAMGEN[1:] + ["practice", "--kind", "conv-output", "-n", "3", "--seed", "8"],
                      env=env(), encoding="utf-8", timeout=20, dimensions=(40, 120))
    c.delaybeforesend = 0.01
    c.expect(r"Practice 1/3 · conv-output:(\d+)")
    right = correct_lines("conv-output", int(c.match.group(1)))[0]
    c.expect(r"After hint 1 this problem can earn at most 3 of 4 points")     # said before the hint is asked for
    c.expect("› ")
    c.sendline("")                                                          # blank: asked again, not an attempt
    c.expect("No answer: type one, or :skip")
    c.sendline(":hint")
    c.expect(r"Having seen this hint, the problem can earn at most 3 of 4")
    c.sendline(":hint")
    c.expect(r"at most 2 of 4")
    c.sendline(right)
    c.expect("Correct")
    c.expect(r"Recorded: 2/4 points \(answered 4; the hints seen cap it at 2\)")
    c.sendline("")
    c.expect(r"Practice 2/3 · conv-output:(\d+)")
    c.expect("› ")
    c.sendline("1x1x1")
    c.expect("Wrong")
    c.expect("The answer is not shown yet")
    assert "Correct answer" not in c.before                                 # a retry comes before the answer
    c.sendline(":hint")                                                     # the next hint, then a retry
    c.expect(r"Practice 2/3")
    c.expect(r"Hint 1/3")
    c.expect("› ")
    assert "Correct answer" not in c.before and "Solution" not in c.before
    c.sendline("1x1x2")
    c.expect("A retry does not change the score recorded")
    c.sendline("")
    c.expect("Answer: ")                                                    # Enter shows it, then goes on
    c.expect(r"Practice 3/3 · conv-output:(\d+)")
    c.sendline(":solution")
    c.expect("Solution")
    c.sendline(":skip")
    c.expect("0 points, it comes back soon")
    c.expect(r"This session: 3 problems, 17% of the points")
    c.expect("due again")
    c.expect(pexpect.EOF)
    summary = c.before
    c.close()
    assert c.exitstatus == 0
    assert re.findall(r"conv-output:\d+: (\d)/4 points · due (\w+)", summary) == [("2", "now"), ("0", "now"),
                                                                                  ("0", "now")]
    stats = json.loads(run(["stats", "--json"]).stdout)["kinds"]["conv-output"]
    assert (stats["attempts"], stats["earned"], stats["points"]) == (3, 2.0, 12.0)
    with Store.open() as s:
        box, due, seen, wrong, _ = s.schedule()["kind:conv-output"]
    # FSRS state 1 (learning), "due now" as the summary said: within FSRS's first learning step of a minute
    assert (box, seen, wrong) == (1, 3, 3) and due <= time.time() + 60


def test_new_keeps_a_bank_items_type_and_main_concept():
    from examgen.ui.practice import Practice, build_pool

    cards = build_pool(None, "single", None)
    pr = Practice(cards, cards, set(), 1, random.Random(1), None, "en", None, None)
    checked = 0
    for card in cards:
        main = card.item.concepts[0] if card.item.concepts else None
        if main is None or not any(main in c.item.concepts for c in cards if c is not card):
            continue
        pr.seen_items = {card.item.id}
        nxt = pr.variant(card)
        assert nxt.item.type == "single" and main in nxt.item.concepts, (card.item.id, nxt.item.id)
        checked += 1
    assert checked > 10


@pytest.mark.parametrize("leave", [":q", "EOF"])
def test_leaving_after_the_solution_records_zero_as_skip_does(leave):
    """:solution, then :q or end of input: the problem scores 0 and is due again, as after :skip; the session
    summary says so (leaving must not be a way to see the answer and never be reviewed)."""
    from examgen.store import Store

    lines = ":solution\n" + (":q\n" if leave == ":q" else "")
    out = run(["practice", "--kind", "iou", "-n", "2", "--seed", "50", "--lang", "en"], stdin=lines)
    assert out.returncode == 0, out.stderr
    assert "0 points, it comes back soon" in out.stdout
    assert re.search(r"This session: 1 problem, 0% of the points", out.stdout), out.stdout[-600:]
    stats = json.loads(run(["stats", "--json"]).stdout)["kinds"]["iou"]
    assert (stats["attempts"], stats["earned"]) == (1, 0.0)
    with Store.open() as s:
        assert s.schedule()["kind:iou"][3] == 1     # one miss in the schedule


def test_leaving_before_the_solution_records_nothing():
    run(["practice", "--kind", "iou", "-n", "2", "--seed", "50", "--lang", "en"], stdin=":hint\n:q\n")
    assert "iou" not in json.loads(run(["stats", "--json"]).stdout)["kinds"]


def test_ctrl_c_after_the_solution_records_zero_prints_the_summary_and_exits_130():
    c = pexpect.spawn(EXAMGEN[0], EXAMGEN[1:] + ["practice", "--kind", "iou", "-n", "2", "--seed", "50",
                                                 "--lang", "en"], env=env(), encoding="utf-8", timeout=20,
                      dimensions=(40, 120))
    c.expect("› ")
    c.sendline(":solution")
    c.expect("Solution")
    c.expect("› ")
    c.sendintr()
    c.expect("0 points, it comes back soon")
    c.expect(r"This session: 1 problem, 0% of the points")
    c.expect("interrupted")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 130
    assert json.loads(run(["stats", "--json"]).stdout)["kinds"]["iou"]["attempts"] == 1


def test_leaving_a_bank_item_after_the_hint_that_gives_it_away_records_zero():
    """A bank item's second hint (its key points or explanation) gives the answer away, as a kind's solution does:
    leaving then records 0 and brings the item back."""
    out = run(["practice", "-k", "single", "-n", "3", "--seed", "5", "--lang", "en"], stdin=":hint\n:hint\n:q\n")
    assert out.returncode == 0 and "0 points, it comes back soon" in out.stdout
    stats = json.loads(run(["stats", "--json"]).stdout)["kinds"]["bank-single"]
    assert (stats["attempts"], stats["earned"]) == (1, 0.0)
    out = run(["practice", "-k", "single", "-n", "3", "--seed", "5", "--lang", "en"], stdin=":hint\n:q\n")
    assert json.loads(run(["stats", "--json"]).stdout)["kinds"]["bank-single"]["attempts"] == 1  # hint 1: nothing
