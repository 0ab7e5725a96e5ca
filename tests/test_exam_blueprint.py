"""The blueprint, building papers from seeds, the paper JSON and answer sheets (in-process, fast)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from examgen import registry
from examgen.errors import UserError
from examgen.exam import (
    build_exam, grade_exam, load_blueprint, paper_json, parse_blueprint, sheet_answers, shipped_blueprint, slot_seed,
)
from examgen.model import CHAPTERS


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    """The parsed-bank cache in a directory of this test session, not the user's cache directory."""
    monkeypatch.setenv("EXAMGEN_CACHE", str(tmp_path_factory.getbasetemp() / "examgen-cache"))


SEEDS = range(12)


def refs(exam):
    return {it.slot: (it.problem.ref, it.problem.points) for it in exam.items}


def test_default_blueprint_shape():
    bp = load_blueprint()
    assert [(s.id, s.points) for s in bp.sections] == [
        ("objective", 30), ("short", 20), ("calculation", 20), ("comprehensive", 30)]
    assert bp.total == 100 and bp.duration_min == 120 and bp.min_chapters == 7
    assert ("calculation", "iou") in bp.must_include and ("calculation", "edge-filter") in bp.must_include
    for sec in bp.sections:
        assert sum(s.points for s in sec.slots) == sec.points
    comp = next(s for s in bp.sections if s.id == "comprehensive")
    assert all(k.startswith("scenario-") for slot in comp.slots for k in slot.kinds)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_exam_meets_the_blueprint(seed):
    ex = build_exam(seed)
    assert ex.total_points == 100
    assert [(s.id, sum(it.problem.points for it in s.items)) for s in ex.sections] == [
        ("objective", 30), ("short", 20), ("calculation", 20), ("comprehensive", 30)]
    assert len({it.chapter for it in ex.items}) >= 7
    calc = [it.problem.kind for it in ex.items if it.section == "calculation"]
    assert "iou" in calc and "edge-filter" in calc
    keys = [it.problem.ref if it.problem.item_id else it.problem.kind for it in ex.items]
    assert len(keys) == len(set(keys)), "no item or kind twice"
    assert [it.number for it in ex.items] == list(range(1, len(ex.items) + 1))
    for it in ex.items:
        assert (it.seed is None) == (it.problem.item_id is not None)
        if it.seed is not None:
            assert it.seed == slot_seed(seed, it.slot)
            assert it.problem.seed == it.seed
    comp_kinds = [it.problem.kind for it in ex.items if it.section == "comprehensive"]
    scenarios = {k for k in registry.load_all() if k.startswith("scenario-")}
    if scenarios:  # the scenario kinds are used once installed (before that: the slots' fallback kinds)
        assert all(k in scenarios for k in comp_kinds)


def test_same_seed_same_exam_and_different_seeds_differ():
    a, b = build_exam(7), build_exam(7)
    assert refs(a) == refs(b)
    assert json.dumps(paper_json(a, "zh"), ensure_ascii=False) == json.dumps(paper_json(b, "zh"), ensure_ascii=False)
    assert refs(build_exam(8)) != refs(a)


def test_slot_seed_depends_on_exam_seed_and_slot_id_only():
    assert slot_seed(1, "calc-3") == slot_seed(1, "calc-3")
    assert slot_seed(1, "calc-3") != slot_seed(2, "calc-3")
    assert slot_seed(1, "calc-3") != slot_seed(1, "calc-4")
    assert 0 <= slot_seed(2**62, "x") < 10**9


def _edited(tmp_path: Path, old: str, new: str) -> str:
    text = shipped_blueprint().read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "edited.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("old,new,slot", [
    # a kind slot gets other kinds
    ("kinds: [conv-output, conv-params, pool-output,", "kinds: [yolo-output]\n        fallback: [conv-output, conv-params, pool-output,", "calc-3"),
    # a bank slot gets another chapter
    ("{id: choice-10, source: bank, types: [single, multiple, tf], points: 2}",
     "{id: choice-10, source: bank, types: [single], points: 2, chapters: [transfer]}", "choice-10"),
    # a slot is renamed (so it has a new seed)
    ("{id: short-3, source: bank", "{id: short-3b, source: bank", "short-3"),
])
def test_editing_one_slot_does_not_reshuffle_the_others(tmp_path, old, new, slot):
    path = _edited(tmp_path, old, new)
    changed = 0
    for seed in SEEDS:
        before, after = refs(build_exam(seed)), refs(build_exam(seed, path))
        for sid, ref in before.items():
            if sid != slot:
                assert after[sid] == ref, f"seed {seed}: slot {sid} changed"
        changed += after.get(slot) != before[slot]
    assert changed > 0, "the edited slot itself does change"


def test_a_kind_slot_falls_back_when_its_kinds_are_missing(tmp_path):
    p = tmp_path / "bp.yaml"
    p.write_text("sections:\n  - id: calculation\n    points: 10\n    slots:\n"
                 "      - {id: c1, source: kind, kinds: [no-such-kind, iou], points: 5}\n"
                 "      - {id: c2, source: kind, kinds: [future-kind], fallback: [otsu], points: 5}\n")
    ex = build_exam(3, str(p))
    assert [it.problem.kind for it in ex.items] == ["iou", "otsu"]
    assert [it.problem.points for it in ex.items] == [5, 5]
    p.write_text("sections:\n  - id: calculation\n    points: 5\n    slots:\n"
                 "      - {id: c1, source: kind, kinds: [future-kind], points: 5}\n")
    with pytest.raises(UserError, match="slot c1: none of its kinds is installed"):
        build_exam(3, str(p))


def test_chapter_balance_changes_a_duplicated_chapter(tmp_path):
    p = tmp_path / "bp.yaml"
    p.write_text("balance: {min_chapters: 2}\nsections:\n  - id: calculation\n    points: 4\n    slots:\n"
                 "      - {id: s1, source: kind, kinds: [iou], points: 2}\n"
                 "      - {id: s2, source: kind, kinds: [nms, average-precision, yolo-output, otsu], points: 2}\n")
    for seed in SEEDS:
        ex = build_exam(seed, str(p))
        assert [it.problem.kind for it in ex.items] == ["iou", "otsu"]


BAD = [
    ("sections: [\n", r"bp\.yaml:2: invalid YAML"),
    ("- 1\n", r"bp\.yaml:1: a blueprint must be a mapping"),
    ("title: x\n", r"bp\.yaml:1: the blueprint has no 'sections'"),
    ("sections: []\n", r"bp\.yaml:1: sections must be a non-empty list"),
    ("sections:\n  - id: x\n    title: X\n    points: 10\n    slots:\n      - {id: a, source: kind, kinds: [iou], points: 4}\n",
     r"bp\.yaml:4: section x: its slots add up to 4 points, not 10"),
    ("total: 50\nsections:\n  - id: x\n    title: X\n    points: 4\n    slots:\n      - {id: a, source: kind, kinds: [iou], points: 4}\n",
     r"bp\.yaml:1: the sections add up to 4 points, not the total 50"),
    ("sections:\n  - id: x\n    title: X\n    points: 4\n    slots:\n      - {id: a, source: kind, kind: iou, points: 4}\n",
     r"bp\.yaml:6: slot: unknown key 'kind' \(did you mean 'kinds'\?\)"),
    ("sections:\n  - id: x\n    title: X\n    points: 4\n    slots:\n      - {id: a, source: web, kinds: [iou], points: 4}\n",
     r"bp\.yaml:6: slot a: source must be bank or kind"),
    ("sections:\n  - id: x\n    title: X\n    points: 4\n    slots:\n      - {id: a, source: bank, types: [essay], points: 4}\n",
     r"bp\.yaml:6: slot a: unknown item type 'essay'"),
    ("sections:\n  - id: x\n    title: X\n    points: 4\n    slots:\n      - {id: a, source: bank, types: [tf], chapters: [detect], points: 4}\n",
     r"bp\.yaml:6: slot a: unknown chapter 'detect'; did you mean 'detection'\?"),
    ("sections:\n  - id: x\n    title: X\n    points: 4\n    slots:\n      - {id: a, source: kind, kinds: [iou], points: -4}\n",
     r"bp\.yaml:6: slot a: points must be a positive number"),
    ("sections:\n  - id: x\n    title: X\n    points: 4\n    slots:\n      - {id: a, source: kind, kinds: [iou], points: 2}\n"
     "      - {id: a, source: kind, kinds: [otsu], points: 2}\n", r"bp\.yaml:7: duplicate slot id 'a' \(first on line 6\)"),
    ("sections:\n  - id: x\n    points: 4\n    slots:\n      - {id: a, source: kind, kinds: [iou], points: 4}\n",
     r"bp\.yaml:2: section x: give it a title"),
    ("duration_min: 0\nsections:\n  - id: objective\n    points: 4\n    slots:\n      - {id: a, source: kind, kinds: [iou], points: 4}\n",
     r"bp\.yaml:1: duration_min must be a positive whole number"),
    ("balance: {min_chapters: 12}\nsections:\n  - id: objective\n    points: 4\n    slots:\n      - {id: a, source: kind, kinds: [iou], points: 4}\n",
     r"bp\.yaml:1: balance\.min_chapters must be a whole number from 1 to 9"),
    ("must_include: [{section: calc, kind: iou}]\nsections:\n  - id: objective\n    points: 4\n    slots:\n"
     "      - {id: a, source: kind, kinds: [iou], points: 4}\n", r"bp\.yaml:1: must_include: no section 'calc'"),
    ("must_include: [{section: objective, kind: nms}]\nsections:\n  - id: objective\n    points: 4\n    slots:\n"
     "      - {id: a, source: kind, kinds: [iou], points: 4}\n", r"must_include: no slot of section 'objective' lists kind 'nms'"),
]


@pytest.mark.parametrize("text,message", BAD)
def test_blueprint_errors_are_one_line_with_file_and_line(tmp_path, text, message):
    p = tmp_path / "bp.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as exc:
        load_blueprint(str(p))
    assert "\n" not in exc.value.message
    assert re.search(message, exc.value.message), exc.value.message


def test_missing_blueprint_file_and_unbuildable_slot(tmp_path):
    with pytest.raises(UserError, match="cannot read the blueprint .*nope.yaml"):
        load_blueprint(str(tmp_path / "nope.yaml"))
    p = tmp_path / "bp.yaml"
    p.write_text("balance: {min_chapters: 2}\nsections:\n  - id: x\n    title: X\n    points: 4\n    slots:\n"
                 "      - {id: a, source: kind, kinds: [iou], points: 2}\n"
                 "      - {id: b, source: kind, kinds: [nms], points: 2}\n")
    with pytest.raises(UserError, match="cannot reach 2 chapters"):
        build_exam(1, str(p))


def test_parse_blueprint_accepts_plain_titles():
    bp = parse_blueprint("title: Quiz\nsections:\n  - id: objective\n    points: 2\n    slots:\n"
                         "      - {id: a, source: bank, types: [tf], points: 2}\n")
    assert bp.title.zh == bp.title.en == "Quiz"
    assert bp.sections[0].title.en.startswith("I.")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_papers_own_answers_score_full_marks(lang):
    for seed in range(25):
        ex = build_exam(seed)
        paper = paper_json(ex, lang)
        assert paper["total"] == 100 and len(paper["items"]) == len(ex.items)
        assert {s["id"]: s["points"] for s in paper["sections"]} == {
            "objective": 30, "short": 20, "calculation": 20, "comprehensive": 30}
        sheet = yaml.safe_load(yaml.safe_dump({i["number"]: i["answer"] for i in paper["items"]}, allow_unicode=True))
        report = grade_exam(ex, sheet_answers(ex, sheet))
        missed = [(r.item.number, r.item.ref, r.earned) for r in report.results if r.earned != r.points]
        assert report.total == 100, missed


def test_paper_json_items_have_the_documented_fields():
    paper = paper_json(build_exam(3), "en")
    for key in ("seed", "title", "blueprint", "duration_min", "total", "sections", "items"):
        assert key in paper
    for item in paper["items"]:
        for key in ("number", "section", "points", "kind", "id", "seed", "prompt", "answer"):
            assert key in item
        if item["kind"] == "bank-short":
            assert isinstance(item["answer"], str) and item["answer"]
        if item["id"] is None:
            assert isinstance(item["seed"], int)


def test_sheet_errors_are_clear():
    ex = build_exam(1)
    multi = next(it for it in ex.items if len(it.problem.parts) > 1)
    single = next(it for it in ex.items if len(it.problem.parts) == 1)
    with pytest.raises(UserError, match="there is no item 99"):
        sheet_answers(ex, {99: "A"})
    with pytest.raises(UserError, match="'abc' is not an item number"):
        sheet_answers(ex, {"abc": "A"})
    with pytest.raises(UserError, match=f"item {multi.number} has parts"):
        sheet_answers(ex, {multi.number: "1"})
    with pytest.raises(UserError, match=f"item {multi.number} has no part 'zz'"):
        sheet_answers(ex, {multi.number: {"zz": "1"}})
    with pytest.raises(UserError, match=f"item {single.number} has a single answer"):
        sheet_answers(ex, {single.number: {"a": "1"}})
    with pytest.raises(UserError, match="must map item numbers"):
        sheet_answers(ex, ["A", "B"])
    assert sheet_answers(ex, None) == {}


def test_self_marks_override_key_points_and_clear_the_estimate_flag():
    ex = build_exam(2)
    short = next(it for it in ex.items if it.problem.kind == "bank-short")
    ref = short.problem.parts[0].answer["en"]
    full = grade_exam(ex, {short.number: {"": ref}})
    r = next(x for x in full.results if x.item.number == short.number)
    assert r.earned == r.points and r.auto_estimate
    n = len(short.problem.parts[0].spec.key_points)
    marked = grade_exam(ex, {short.number: {"": ref}}, {(short.number, ""): [False] * n})
    r2 = next(x for x in marked.results if x.item.number == short.number)
    assert r2.earned == 0 and r2.self_marked and not r2.auto_estimate


def test_report_json_has_totals_sections_and_chapters():
    ex = build_exam(4)
    data = grade_exam(ex, {}).to_json("zh")
    assert data["total"] == 0 and data["max_total"] == 100
    assert set(data["sections"]) == {"objective", "short", "calculation", "comprehensive"}
    assert all(set(v) >= {"score", "max", "title"} for v in data["sections"].values())
    assert set(data["chapters"]) <= set(CHAPTERS) and len(data["chapters"]) >= 7
    assert all(i["status"] == "blank" for i in data["items"])
