"""Issue 15: hostile files and answers get one line on stderr and exit 2 (format errors in `check`: exit 3), never
an internal error or a hang. Each case runs the real command line (`examgen.cli.main`, in this process so the
time of the refusal itself is measured, ≤ 1 s) and a few run it as a subprocess, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from examgen import registry

LIMIT_S = 1.0


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EXAMGEN_CACHE", str(tmp_path_factory.getbasetemp() / "examgen-cache"))


@pytest.fixture(scope="module", autouse=True)
def _warm():
    """Imports, the kind registry and the bank are loaded once, so each case times its own refusal."""
    from examgen.exam import build_exam

    registry.load_all()
    build_exam(1)


def cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str, float]:
    """`examgen ARGS` in this process (Click names the program after `sys.argv[0]`, as the console script does)."""
    import click.core
    import click.utils

    from examgen.cli import main

    monkeypatch.setattr(sys, "argv", ["examgen", *args])
    for module in (click.core, click.utils):
        monkeypatch.setattr(module, "_detect_program_name", lambda *a, **k: "examgen")
    capsys.readouterr()
    t = time.perf_counter()
    with pytest.raises(SystemExit) as exc:
        main()
    dt = time.perf_counter() - t
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err, dt


def refused(result: tuple[int, str, str, float], needle: str, code: int = 2, prefix: str = "examgen: error: ",
            limit_s: float = LIMIT_S) -> str:
    rc, out, err, dt = result
    lines = [line for line in err.splitlines() if line.strip()]
    assert rc == code, (rc, out[:300], err[:300])
    assert len(lines) == 1 and lines[0].startswith(prefix), err[:500]
    assert "Traceback" not in err and "internal error" not in err
    assert needle in lines[0], lines[0]
    assert dt <= limit_s, f"{dt:.2f} s"
    return lines[0]


# ---------------------------------------------------------------- hostile files
def alias_bomb(levels: int = 9, as_item: bool = True) -> str:
    """Nine levels of `&lN [*lN-1, …]`: a few hundred bytes that expand to 9^9 strings."""
    rows = ['x: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    rows += [f"y{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    if as_item:
        rows.append("1: [" + ",".join([f"*l{levels - 1}"] * 9) + "]")
    return "\n".join(rows) + "\n"


def write(tmp_path: Path, name: str, data: str | bytes, size: int | None = None) -> str:
    p = tmp_path / name
    if size is not None:          # a file of that size (sparse: the limit is checked before anything is read)
        with open(p, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode())
            fh.truncate(size)
    else:
        p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(p)


FILES = {
    "latin1": ("story: café\nw: 5\n".encode("latin-1"), None, "not UTF-8 text: byte 10 (0xE9)"),
    "binary": (bytes(range(128, 256)) * 16, None, "not UTF-8 text: byte 0 (0x80)"),
    "utf16": ("\ufeff1: A\n".encode("utf-16"), None, "not UTF-8 text: byte 0 (0xFF)"),
    "too-large": (b"a: 1\n", 60_000_000, "is too large (60,000,000 bytes; the limit is"),
    "many-values": ("a: [" + ",".join(["1"] * 100_000) + "]\n", None, "more than 20,000 values"),
    "deep-list": ("1: " + "[" * 10_000 + "]" * 10_000 + "\n", None, "nested more than 20 levels deep"),
    "deep-map": ("1: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n", None, "nested more than 20 levels deep"),
    "deep-short": ("1: " + "[" * 25 + "1" + "]" * 25 + "\n", None, "nested more than 20 levels deep"),
    "long-number": ("1: " + "9" * 5000 + "\n", None, "a number with more than 400 digits"),
    "alias-bomb": (alias_bomb(), None, "YAML anchors and aliases (&name, *name) are not allowed"),
    "alias-map": (alias_bomb(as_item=False), None, "YAML anchors and aliases (&name, *name) are not allowed"),
    "alias-string": ("a: &x aaaa\nb: *x\n", None, "YAML anchors and aliases (&name, *name) are not allowed"),
    "duplicate-key": ("1: B\n1: C\n", None, ":2: the key '1' is given twice"),
    "duplicate-quoted": ('1: B\n"1": C\n', None, ":2: the key '1' is given twice"),
    "duplicate-nested": ("1: {gx: -1, gx: 5}\n", None, ":1: the key 'gx' is given twice"),
    "duplicate-json": ('{"1": "B", "1": "C"}', None, ":1: the key '1' is given twice"),
    "duplicate-spelt": ("1: C\n01: B\n", None, ":2: the key '1' is given twice"),
    "duplicate-float": ("+1: C\n1.0: B\n", None, ":2: the key '1' is given twice"),
}


READERS = {    # how each kind of file reaches the command line, and what the user calls it
    "sheet": ("answer sheet", lambda path: ["exam", "--seed", "1", "--answers", path]),
    "params": ("params file", lambda path: ["solve", "batchnorm", "--params", path]),
    "blueprint": ("blueprint", lambda path: ["exam", "--seed", "1", "--blueprint", path, "--paper-json"]),
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("case", sorted(FILES))
def test_hostile_file(reader, case, tmp_path, monkeypatch, capsys):
    data, size, needle = FILES[case]
    what, argv = READERS[reader]
    path = write(tmp_path, f"{reader}.yaml", data, size)
    needle = needle.replace("is too large", f"the {what} is too large")
    line = refused(cli(monkeypatch, capsys, *argv(path)), needle)
    assert path in line


@pytest.mark.parametrize("case", ["latin1", "too-large", "deep-list", "long-number", "alias-map"])
def test_hostile_bank_file(case, tmp_path, monkeypatch, capsys):
    data, size, needle = FILES[case]
    bank = tmp_path / "bank"
    bank.mkdir()
    path = write(bank, "mine.yaml", data, size)
    needle = needle.replace("is too large", "the bank file is too large")
    # an extra bank directory means parsing the shipped 400-item bank again with it (about 0.5 s on an idle
    # machine): that, not the refusal, is what this time is mostly made of
    line = refused(cli(monkeypatch, capsys, "exam", "--seed", "1", "--bank", str(bank), "--paper-json"), needle,
                   limit_s=3 * LIMIT_S)
    assert "mine.yaml" in line
    rc, out, err, _ = cli(monkeypatch, capsys, "bank", "lint", "--bank", str(bank), "--no-coverage")
    assert rc == 1 and "mine.yaml" in out and needle in out and "Traceback" not in err
    assert path


def test_line_numbers_and_byte_offsets_are_named(tmp_path, monkeypatch, capsys):
    path = write(tmp_path, "s.yaml", "1: A\n2: B\n3: caf\xe9\n".encode("latin-1"))
    refused(cli(monkeypatch, capsys, "exam", "--seed", "1", "--answers", path), f"{path}:3: not UTF-8 text: byte 16 (0xE9)")
    path = write(tmp_path, "d.yaml", "1: A\n2: B\n3: " + "[" * 30 + "]" * 30 + "\n")
    refused(cli(monkeypatch, capsys, "exam", "--seed", "1", "--answers", path), f"{path}:3: nested more than 20")


def test_one_answer_over_10_kb_in_a_sheet_names_the_item(tmp_path, monkeypatch, capsys):
    path = write(tmp_path, "s.yaml", "1: A\n2: " + "x" * 20_000 + "\n")
    refused(cli(monkeypatch, capsys, "exam", "--seed", "1", "--answers", path),
            "item 2: the answer is longer than 10,000 characters")
    path = write(tmp_path, "l.yaml", "11: [" + ", ".join(["12345678"] * 2000) + "]\n")
    refused(cli(monkeypatch, capsys, "exam", "--seed", "1", "--answers", path), "item 11: the answer is longer")


def test_a_long_number_typed_as_a_string_is_a_format_error_of_that_item_only(tmp_path, monkeypatch, capsys):
    """Quoted, the 5,000 digits are the text a student typed: graded as a format error ("number too large")."""
    path = write(tmp_path, "s.yaml", '20: "' + "9" * 5000 + '"\n')
    rc, out, err, dt = cli(monkeypatch, capsys, "exam", "--seed", "1", "--answers", path, "--json")
    assert rc == 0 and err == "" and dt <= LIMIT_S
    item = next(i for i in json.loads(out)["items"] if i["number"] == 20)
    assert item["earned"] == 0
    assert "number too large" in json.dumps(item)


# ---------------------------------------------------------------- answers typed to `check`
@pytest.mark.parametrize("text,needle", [
    ("9" * 5000, "number too large"),
    ("1e999999", "number too large"),
    ("9^9^9^9", "too large"),
    ("sqrt(-1)", "not a real number"),
    ("ln(0)", "not a real number"),
    ("ln(-2)", "not a real number"),
    ("(" * 3000 + "1" + ")" * 3000, "too long"),
    ("1" * 100_000, "too long"),
    ("", "No answer given"),
    ("   ", "No answer given"),
])
def test_check_hostile_numbers_are_format_errors(text, needle, monkeypatch, capsys):
    rc, out, err, dt = cli(monkeypatch, capsys, "check", "iou", "--seed", "1", "--answer", text, "--json")
    assert rc == 3 and err == "" and dt <= LIMIT_S, (rc, err)
    data = json.loads(out)
    assert data["correct"] is False and data["format_error"] and needle in data["format_error"]


def test_blank_answers_whole_and_per_part(monkeypatch, capsys):
    """Issue 13 item 3: `--answer ''` and `--answer part=` are "no answer given", exit 3, correct false."""
    for kind, args, where in (("iou", ["--answer", ""], ""), ("edge-filter", ["--answer", "gx="], "Part gx: "),
                              ("edge-filter", ["--answer", "gx=1 2; 3 4", "--answer", "gy= "], "Part gy: ")):
        rc, out, err, dt = cli(monkeypatch, capsys, "check", kind, "--seed", "1", *args, "--json")
        data = json.loads(out)
        assert rc == 3 and data["correct"] is False and data["status"] == "format"
        assert data["format_error"].startswith(where) and "No answer given" in data["format_error"]
    rc, out, err, _ = cli(monkeypatch, capsys, "check", "iou", "--seed", "1", "--answer", "", "--lang", "zh")
    assert rc == 3 and "未作答" in out


# ---------------------------------------------------------------- usage errors and seeds
USAGE = [
    (("generate",), "missing argument KIND; see examgen generate --help"),
    (("generate", "iou", "--seed", "1_0"), "'1_0' is not a seed: write a plain decimal integer"),
    (("generate", "iou", "--seed", "+3"), "'+3' is not a seed"),
    (("generate", "iou", "--seed", " 7"), "' 7' is not a seed"),
    (("generate", "iou", "--seed", "0x10"), "'0x10' is not a seed"),
    (("generate", "iou", "--seed", "abc"), "'abc' is not a seed"),
    (("generate", "iou", "--count", "0"), "--count must be from 1 to"),
    (("history", "-n", "0"), "error: -n must be from 1 to 100000, got 0"),       # the option as typed
    (("history", "--limit", "0"), "error: --limit must be from 1 to 100000, got 0"),
    (("history", "-n0"), "error: -n must be from 1 to 100000, got 0"),
    (("generate", "iou", "--bogus"), "unknown option --bogus; see examgen generate --help"),
    (("generat", "iou"), "unknown command 'generat' (did you mean generate?)"),
    (("generate", "iou", "extra"), "unexpected extra argument extra"),
    (("check", "iou"), "missing option --answer; see examgen check --help"),
    (("exam", "--seed", "1_0"), "'1_0' is not a seed"),
    (("export", "--seed", "1_0", "-o", "x.md"), "'1_0' is not a seed"),
    (("exam", "--minutes", "0"), "--minutes must be"),
    (("exam", "--minutes", "abc"), "--minutes must be a number, got 'abc'"),   # not '… a valid float range'
    (("practice", "--weak", "--due"), "--weak and --due do not go together"),
    (("export", "--kind", "iou", "-n", "100000", "-o", "x.pdf"), "-n must be from 1 to 1000, got 100000"),
    (("export", "--kind", "iou", "-n", "1000", "--variants", "200", "-f", "md", "-o", "x.md"),
     "one export holds at most 10000 problems, this asks for 200000"),
]


@pytest.mark.parametrize("args,needle", USAGE)
def test_usage_errors_are_one_line(args, needle, monkeypatch, capsys):
    refused(cli(monkeypatch, capsys, *args), needle)


def test_an_unknown_examgen_lang_is_refused_like_lang(monkeypatch, capsys):
    monkeypatch.setenv("EXAMGEN_LANG", "fr")
    refused(cli(monkeypatch, capsys, "generate", "iou", "--seed", "1"), "EXAMGEN_LANG must be zh or en, got 'fr'")
    rc, out, _, _ = cli(monkeypatch, capsys, "generate", "iou", "--seed", "1", "--lang", "en")
    assert rc == 0 and "IoU" in out                       # --lang decides, the variable is not needed


def test_usage_errors_in_chinese(monkeypatch, capsys):
    prefix = "examgen：错误："
    refused(cli(monkeypatch, capsys, "generate", "--lang", "zh"), "缺少参数 KIND；见 examgen generate --help",
            prefix=prefix)
    monkeypatch.setenv("EXAMGEN_LANG", "zh")
    refused(cli(monkeypatch, capsys, "generate"), "缺少参数 KIND", prefix=prefix)
    refused(cli(monkeypatch, capsys, "generate", "iou", "--seed", "1_0"), "'1_0' 不是种子", prefix=prefix)


def test_a_bad_option_value_names_all_its_names_when_the_command_line_does_not_tell():
    import click

    from examgen.usage_errors import describe

    opt = click.Option(["--limit", "-n"], type=click.IntRange(1, 100000))
    exc = click.BadParameter("0 is not in the range 1<=x<=100000.", param=opt)
    assert describe(exc).en == "-n/--limit must be from 1 to 100000, got 0"
    assert describe(exc, ["history", "-n", "0"]).zh == "-n 必须在 1 到 100000 之间，给的是 0"


def test_plain_seeds_still_work(monkeypatch, capsys):
    rc, out, err, _ = cli(monkeypatch, capsys, "generate", "iou", "--seed", "10", "--json")
    assert rc == 0 and json.loads(out)["seed"] == 10


# ---------------------------------------------------------------- as a user runs it
def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The `examgen` console script of this environment."""
    script = Path(sys.executable).with_name("examgen")
    return subprocess.run([str(script)] + list(args), capture_output=True, input=stdin, env=os.environ.copy(), timeout=60)


def test_subprocess_cases_are_one_line_on_stderr(tmp_path):
    sheet = write(tmp_path, "bomb.yaml", alias_bomb())
    big = b"1: " + b"x" * 2_000_000 + b"\n"
    for args, stdin, needle in [
        (("exam", "--seed", "1", "--answers", sheet), None, "anchors and aliases"),
        (("exam", "--seed", "1", "--answers", "-"), big, "<stdin>: the answer sheet is too large"),
        (("solve", "batchnorm", "--params", "-"), "w: café\n".encode("latin-1"), "<stdin>:1: not UTF-8 text"),
        (("generate",), None, "examgen: error: missing argument KIND; see examgen generate --help"),
    ]:
        r = run(*args, stdin=stdin)
        err = r.stderr.decode()
        assert r.returncode == 2 and err.count("\n") == 1 and needle in err, err[:300]
        assert "Traceback" not in err


def test_a_blank_in_an_exam_scores_0_and_shows_as_blank(tmp_path, monkeypatch, capsys):
    """The other side of the blank-answer rule: on a paper a blank is not a format error."""
    path = write(tmp_path, "s.yaml", '1: ""\n2: "  "\n21: {gx: ""}\n')
    rc, out, err, _ = cli(monkeypatch, capsys, "exam", "--seed", "1", "--answers", path, "--json")
    assert rc == 0 and err == ""
    items = {i["number"]: i for i in json.loads(out)["items"]}
    for n in (1, 2, 21):
        assert items[n]["earned"] == 0 and items[n]["status"] == "blank"
        assert all(p["blank"] and p["format_error"] is None for p in items[n]["parts"])
