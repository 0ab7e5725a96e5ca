"""Issue 16 (builder side) and issue 14 item 4: no item twice on a paper; a continuation item ("接上题") only
directly after its parent; `examgen bank lint` checks blueprints against the bank."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from examgen.bank import load_bank
from examgen.blueprint import Slot
from examgen.errors import UserError
from examgen.exam import _continuations, _distinct, _Pick, build_exam

EXAMGEN = [sys.executable, "-m", "examgen"]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EXAMGEN_CACHE", str(tmp_path_factory.getbasetemp() / "examgen-cache"))


def tf_slots(n: int, chapters: str = "classic-cv") -> str:
    rows = "".join(f"      - {{id: fill-{i}, source: bank, types: [tf], chapters: [{chapters}], points: 1}}\n"
                   for i in range(1, n + 1))
    return f"sections:\n  - id: objective\n    title: {{zh: 判断, en: TF}}\n    points: {n}\n    slots:\n{rows}"


def test_the_issue_blueprint_is_refused_naming_the_slots(tmp_path):
    bank = load_bank()
    have = [it.id for it in bank.items if it.type == "tf" and it.chapter == "classic-cv"]
    assert len(have) == 1                       # the case of the issue: one classic-cv true/false item
    p = tmp_path / "bp.yaml"
    p.write_text(tf_slots(2))
    with pytest.raises(UserError) as exc:
        build_exam(1, str(p))
    assert exc.value.en == (f"blueprint {p}: slots fill-1 and fill-2 ask for more classic-cv true/false items "
                            f"than the bank has (1); no item appears twice on a paper: widen their types or "
                            f"chapters, or use fewer slots")
    assert "槽位 fill-1、fill-2" in exc.value.text("zh") and "\n" not in exc.value.text("zh")
    p.write_text(tf_slots(1000))
    with pytest.raises(UserError, match="than the bank has"):
        build_exam(1, str(p))


def test_slots_that_can_all_be_filled_get_distinct_items(tmp_path):
    bank = load_bank()
    n = sum(1 for it in bank.items if it.type == "tf" and it.chapter == "detection")
    p = tmp_path / "bp.yaml"
    p.write_text(tf_slots(n, "detection"))
    for seed in range(1, 21):
        refs = [it.problem.ref for it in build_exam(seed, str(p)).items]
        assert len(set(refs)) == n
    p.write_text(tf_slots(n + 1, "detection"))
    with pytest.raises(UserError, match=rf"than the bank has \({n}\)"):
        build_exam(1, str(p))


def test_300_seeds_of_the_default_blueprint_have_no_repeated_item():
    parent_child = 0
    for seed in range(1, 301):
        ex = build_exam(seed)
        refs = [it.problem.ref for it in ex.items]
        assert len(set(refs)) == len(refs), (seed, refs)
        for k, ref in enumerate(refs):
            if ref == "rnn-lstm-10":
                assert k > 0 and refs[k - 1] == "rnn-lstm-09", (seed, refs)
                parent_child += 1
    assert parent_child == 0          # in the default blueprint no slot follows one that can hold rnn-lstm-09


# ---------------------------------------------------------------- the assignment itself, on made-up items
@dataclass
class FakeItem:
    id: str
    chapter: str = "rnn"
    follows: str | None = None


def picks_of(*pools: list[FakeItem]) -> list[_Pick]:
    return [_Pick(Slot(id=f"s{i}", section="objective", source="bank", points=1, types=["fill"]), i, list(pool))
            for i, pool in enumerate(pools, 1)]


def test_an_earlier_slot_moves_over_to_make_room():
    x, y, z = FakeItem("x"), FakeItem("y"), FakeItem("z")
    picks = picks_of([x, z], [x, y], [y])       # greedy: s1 x, s2 y — but s3 can only hold y
    _distinct(picks, "bp")
    assert [p.choice.id for p in picks] == ["z", "x", "y"]


def test_no_conflict_means_every_slot_keeps_its_best_candidate():
    items = [FakeItem(c) for c in "abcdef"]
    picks = picks_of(items[:3], items[3:5], [items[5], items[0]])
    _distinct(picks, "bp")
    assert [p.choice.id for p in picks] == ["a", "d", "f"]


def test_a_continuation_only_stands_right_after_its_parent():
    parent, child, other = FakeItem("p"), FakeItem("c", follows="p"), FakeItem("o")
    picks = picks_of([parent], [child, other])
    _distinct(picks, "bp")
    _continuations(picks, "bp")
    assert [p.choice.id for p in picks] == ["p", "c"]
    picks = picks_of([other], [child, parent])
    _distinct(picks, "bp")
    _continuations(picks, "bp")
    assert [p.choice.id for p in picks] == ["o", "p"]
    picks = picks_of([child, other])
    _distinct(picks, "bp")
    assert picks[0].choice.id == "o"
    picks = picks_of([other], [child])
    _distinct(picks, "bp")
    with pytest.raises(UserError, match="slot s2 asks for more fill-in items than the bank has"):
        _continuations(picks, "bp")


# ---------------------------------------------------------------- lint
def lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(EXAMGEN + ["bank", "lint", *args], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=120)


ITEM = """chapter: rnn
items:
  - id: rnn-mine-01
    type: tf
    chapter: rnn
    concepts: [lstm-structure]
    points: 2
    difficulty: 1
    source: mine
    stem: {{zh: "{zh}", en: "{en}"}}
    answer: true
    explanation: {{zh: 因为如此。, en: Because.}}
{extra}"""


def test_lint_checks_continuations_and_blueprints(tmp_path):
    r = lint()
    assert r.returncode == 0, r.stdout + r.stderr
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "mine.yaml").write_text(ITEM.format(zh="接上题，h_t 小于 1。", en="Continuing: h_t is below 1.", extra=""))
    r = lint("--bank", str(bank), "--no-coverage")
    assert r.returncode == 1 and "mine.yaml:10: item rnn-mine-01: its stem continues an earlier item" in r.stdout
    (bank / "mine.yaml").write_text(ITEM.format(zh="接上题，h_t 小于 1。", en="Continuing: h_t is below 1.",
                                                extra="    follows: rnn-nothing-99\n"))
    r = lint("--bank", str(bank), "--no-coverage")
    assert r.returncode == 1 and "follows 'rnn-nothing-99', which is not in the bank" in r.stdout
    (bank / "mine.yaml").write_text(ITEM.format(zh="接上题，h_t 小于 1。", en="Continuing: h_t is below 1.",
                                                extra="    follows: rnn-lstm-09\n"))
    r = lint("--bank", str(bank), "--no-coverage")
    assert r.returncode == 0, r.stdout
    bp = tmp_path / "bp.yaml"
    bp.write_text(tf_slots(2))
    r = lint("--blueprint", str(bp), "--no-coverage")
    assert r.returncode == 1 and "slots fill-1 and fill-2 ask for more classic-cv true/false items" in r.stdout
