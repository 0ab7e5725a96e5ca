"""The command line: JSON contract, exit codes, one-line errors, solve from typed-in parameters."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from examgen import registry


def run(*args, stdin=None):
    env = dict(os.environ, COLUMNS="100")
    return subprocess.run([sys.executable, "-m", "examgen", *args], capture_output=True, text=True, input=stdin,
                          env=env, timeout=60)


def one_line_error(r, code=2):
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("examgen: error:"), r.stderr
    assert "Traceback" not in r.stderr


def test_generate_json_contract_and_count():
    r = run("generate", "iou", "--seed", "7", "--count", "3", "--json")
    assert r.returncode == 0
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["seed"] for row in rows] == [7, 8, 9]
    for row in rows:
        assert {"kind", "seed", "section", "topic", "points", "params", "prompt", "answer", "steps"} <= set(row)
        assert row == registry.get("iou").generate(row["seed"]).to_json()


def test_check_json_fields_and_exit_codes():
    pr = registry.get("yolo-output").generate(3)
    shape = "×".join(map(str, pr.answer["shape"]))
    r = run("check", "yolo-output", "--seed", "3", "--answer", f"shape={shape}", "--answer",
            f"total={pr.answer['total']}", "--json")
    data = json.loads(r.stdout)
    assert r.returncode == 0 and data["correct"] is True and data["score"] == 1 and data["format_error"] is None
    r = run("check", "yolo-output", "--seed", "3", "--answer", "shape=1x1x1", "--answer", "total=1", "--json")
    data = json.loads(r.stdout)
    assert r.returncode == 0 and data["correct"] is False and data["score"] < 1
    r = run("check", "yolo-output", "--seed", "3", "--answer", "shape=seven", "--json")
    data = json.loads(r.stdout)
    assert r.returncode == 3 and data["format_error"] and data["score"] == 0


def test_check_single_answer_kind_in_both_languages():
    pr = registry.get("iou").generate(11)
    for lang in ("zh", "en"):
        r = run("check", "iou", "--seed", "11", "--answer", repr(pr.answer), "--lang", lang)
        assert r.returncode == 0 and ("正确" in r.stdout if lang == "zh" else "Correct" in r.stdout)


@pytest.mark.parametrize("args,needle", [
    (("generate", "nope"), "unknown kind 'nope'"),
    (("generate", "iuo"), "did you mean iou"),
    (("generate", "iou", "--seed", "-1"), "seed must be between"),
    (("check", "iou", "--answer", "0.5"), "give --seed"),
    (("check", "yolo-output", "--seed", "1", "--answer", "7x7x30"), "write --answer PART=VALUE"),
    (("check", "yolo-output", "--seed", "1", "--answer", "foo=1"), "unknown part foo: this problem has parts shape"),
    (("check", "nosuch-item-01", "--answer", "1"), "no kind or bank item called 'nosuch-item-01'"),
    (("solve", "conv-output", "-p", "input_hw=abc"), "must be a list of whole numbers like [3, 3] of length 2, got 'abc'"),
    (("solve", "iou", "--param", "box_a"), "--param must look like name=value"),
    (("solve", "iou", "--param", "box_a=[1,2,3]", "--param", "box_b=[1,1,4,4]", "--param", "box_format=xyxy"),
     "must have 4 entries"),
    (("solve", "iou", "--param", "box_a=[5,5,1,1]", "--param", "box_b=[1,1,4,4]", "--param", "box_format=xyxy"),
     "has no area"),
    (("solve", "conv-output", "--param", "input_hw=[5,5]"), "missing parameter"),
    (("solve", "iou"), "give the parameters with --param"),
    (("solve", "otsu", "--param", "histogram=[[0,5]]"), "at least two occupied"),
    (("solve", "iou", "--param", "wat=1"), "unknown parameter 'wat'"),
    (("list", "--lang", "fr"), "unknown language 'fr'"),
    (("solve", "iou", "--params", "/nonexistent.json"), "cannot read the params file /nonexistent.json"),
])
def test_bad_input_gets_one_line_and_exit_2(args, needle):
    r = run(*args)
    one_line_error(r)
    assert needle in r.stderr


def test_solve_round_trips_generated_params_from_stdin():
    for name in ("edge-filter", "otsu", "lstm-step", "precision-recall"):
        gen = run("generate", name, "--seed", "4", "--json")
        r = run("solve", name, "--params", "-", "--json", stdin=gen.stdout)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["answer"] == json.loads(gen.stdout)["answer"]


def test_solve_accepts_matrix_shorthand():
    r = run("solve", "edge-filter", "--param", "operator=roberts", "--param", "image=1 2 3; 4 5 6; 7 8 9",
            "--param", "kernel_x=1 0; 0 -1", "--param", "kernel_y=0 1; -1 0", "--param", "magnitude=l1",
            "--param", "at=[0,0]", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["answer"] == {"gx": -4, "gy": -2, "magnitude": 6}


def test_list_and_help():
    r = run("list", "--json")
    kinds = json.loads(r.stdout)
    assert {k["kind"] for k in kinds} == {k.name for k in registry.all_kinds()}
    assert run("--help").returncode == 0
    assert "iou" in run("list").stdout


def test_error_lines_follow_the_language_asked_for(monkeypatch):
    from examgen.cli import argv_lang
    from examgen.errors import UserError
    from examgen.i18n import Bi

    monkeypatch.setenv("EXAMGEN_LANG", "en")
    assert argv_lang(["generate", "iou", "--lang", "zh"]) == "zh"
    assert argv_lang(["--lang=zh"]) == "zh"
    assert argv_lang(["--lang", "fr"]) == "en"
    err = UserError(Bi("未知的题型", "unknown kind"))
    assert (err.text("zh"), err.text("en"), err.message) == ("未知的题型", "unknown kind", "unknown kind")
    assert UserError("plain").text("zh") == "plain"


def test_list_at_80_columns_never_cuts_a_kind_name_and_help_has_no_backslashes():
    names = {k.name for k in registry.all_kinds()}
    for lang in ("zh", "en"):
        r = subprocess.run([sys.executable, "-m", "examgen", "list", "--lang", lang], capture_output=True, text=True,
                           env=dict(os.environ, COLUMNS="80"), timeout=60)
        first_cells = {line.split("│")[1].strip() for line in r.stdout.splitlines() if line.startswith("│")}
        assert names <= first_cells, names - first_cells      # every name whole, on one line, in its column
        assert "…" not in r.stdout and max(len(line) for line in r.stdout.splitlines()) <= 80
        lines = r.stdout.splitlines()
        assert not any(a.startswith("┡") and b.startswith("└") for a, b in zip(lines, lines[1:]))  # no empty table
        from examgen.model import CHAPTERS

        for ch, title in CHAPTERS.items():   # every chapter is there; one without kinds points to its bank items
            assert title.get(lang) in r.stdout
            if not any(k.chapter == ch for k in registry.all_kinds()):
                assert f"examgen practice --topic {ch}" in r.stdout
        if lang == "zh":
            assert "chapter" not in r.stdout and "section" not in r.stdout
        else:   # no English word is broken across lines ("Cross-correlatio|n")
            cells = " ".join(line.split("│")[3].strip() for line in r.stdout.splitlines() if line.startswith("│"))
            words = {w for k in registry.all_kinds() for w in k.summary.en.split()}
            assert words <= set(cells.split()), words - set(cells.split())
    for cmd in (["check"], ["generate"], ["exam"], ["export"], ["practice"], ["bank", "show"]):
        out = run(*cmd, "--help").stdout
        assert "\\[" not in out and "\\" not in out, (cmd, out)
    assert "[required]" in run("check", "--help").stdout
