"""`--lang zh` error paths say everything in Chinese: after the identifiers a student types or copies (kind,
parameter, part, chapter and bank names, options, `examgen …` commands, environment variables) and the values
they typed are taken out, no ASCII letter is left in the one error line. The same check on the English line
must find words, so the allow-list cannot pass everything."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from examgen import registry
from examgen.bank import load_bank
from examgen.model import CHAPTERS

EXAMGEN = [sys.executable, "-m", "examgen"]

# (arguments, extra environment, a fragment the Chinese line must contain: the right message was reached)
CASES = [
    (["generate", "nosuch"], {}, "未知题型 nosuch"),
    (["generate", "iuo"], {}, "是不是 iou"),
    (["generate", "iou", "--seed", "-1"], {}, "种子应在 0 到"),
    (["check", "nosuch-item-01", "--answer", "1"], {}, "题型或题库题目"),
    (["check", "iou", "--answer", "0.5"], {}, "--seed N"),
    (["check", "iou", "--seed", "1", "--answer", "1", "--answer", "2"], {}, "只有一个答案"),
    (["check", "yolo-output", "--seed", "1", "--answer", "foo=1"], {}, "没有小问 foo"),
    (["check", "yolo-output", "--seed", "1", "--answer", "7x7x30"], {}, "小问=答案"),
    (["check", "yolo-output", "--seed", "1", "--answer", "shape=1", "--answer", "shape=2"], {}, "给了两次"),
    (["solve", "conv-output", "-p", "input_hw=abc"], {}, "整数列表"),
    (["solve", "conv-output", "-p", "input_hw=[5,5]"], {}, "缺少参数"),
    (["solve", "iou", "-p", "wat=1"], {}, "未知参数 wat"),
    (["solve", "iou", "-p", "box_a=[1,2,3]", "-p", "box_b=[1,1,4,4]", "-p", "box_format=xyxy"], {}, "应有 4 项"),
    (["solve", "iou", "-p", "box_a=[1,2,3,4]", "-p", "box_b=[1,1,4,4]", "-p", "box_format=nope"], {}, "之一"),
    (["solve", "iou", "-p", "box_a=[1,2,3,4]", "-p", "box_b=[1,1,4,4]", "-p", "box_format=true"], {}, "之一"),
    (["practice", "--topic", "nosuch"], {}, "未知章节 nosuch"),
    (["practice", "--topic", "detectoin"], {}, "是不是 detection"),
    (["practice", "--kind", "zzzzzz-qqq"], {}, "未知题型"),
    (["practice", "--topic", "rnn", "--kind", "otsu"], {}, "没有符合"),
    (["resume"], {}, "没有未完成的考试"),
    (["bank", "show", "nosuch"], {}, "题库中没有编号为 nosuch"),
    (["exam", "--paper-json", "--answers", "x.yaml"], {}, "不能同时使用"),
    (["exam", "--seed", "1"], {"EXAMGEN_TEST_DURATION_S": "abc"}, "应为秒数"),
    (["exam", "--seed", "1"], {"EXAMGEN_TEST_DURATION_S": "-3"}, "应为正数"),
    (["export", "-o", "x.pdf", "--exam", "999"], {}, "没有编号为 999 的考试"),
    (["review", "999"], {}, "没有编号为 999 的考试"),
    (["export", "-o", "x.pdf", "--seed", "1", "--variants", "0"], {}, "必须在 1 到 200 之间"),
    (["export", "-o", "/nonexist/x.pdf", "--seed", "1"], {}, "目录 /nonexist 不存在"),
    (["export", "-o", "x.unknownext", "--seed", "1"], {}, "无法从文件名"),
    (["export", "-o", "x.pdf", "--seed", "1", "--format", "docx"], {}, "未知格式"),
    (["export", "-o", "x.pdf"], {}, "请指明导出什么"),
    (["export", "-o", "x.pdf", "--seed", "1", "--key", "--with-solutions"], {}, "只能选一个"),
    (["stats", "--html", "/nonexist/r.html"], {}, "无法写入 /nonexist/r.html"),
]


def allowed_words() -> set[str]:
    """Identifiers a message may name: kinds and their parameters, parts and choices; chapters; bank ids."""
    words = {"examgen", "true", "false"}
    for k in registry.all_kinds():
        words.add(k.name)
        for name, spec in k.schema.params.items():
            words.add(name)
            words.update(str(c) for c in spec.choices or ())
        words.update(p.name for p in k.generate(1).parts)
    words.update(CHAPTERS)
    words.update(it.id for it in load_bank().items)
    words.update({"single", "multiple", "tf", "fill", "short"})
    words.update({"pdf", "html", "md", "moodle", "gift", "anki", "qti"})  # export --format values
    return words


def stray(line: str, argv: list[str], env: dict[str, str], words: set[str]) -> list[str]:
    """ASCII words in `line` that are not an identifier, an option, a command, a typed value or a number."""
    text = line.removeprefix("examgen：错误：").removeprefix("examgen: error: ")
    text = re.sub(r"examgen(?: [a-z][a-z-]*)+", " ", text)           # commands: examgen bank stats
    text = re.sub(r"(?<![\w-])--?[a-z][a-z-]*(?: [A-Z]+\b)?", " ", text)  # options: --answer, -p, --exam ID
    text = re.sub(r"(?<![\w-])/[\w./-]+", " ", text)                   # paths: /nonexist/x.pdf, /nonexist
    for value in list(argv) + list(env) + list(env.values()):
        for piece in re.split(r"[=\[\],]", value):
            if piece:
                text = re.sub(rf"(?<![\w-]){re.escape(piece)}(?![\w-])", " ", text)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_.-]*", text) if w not in words and w.rstrip(".") not in words]


def run_in_process(capsys, monkeypatch, argv: list[str], env: dict[str, str], lang: str) -> tuple[int, str]:
    """`examgen ARGV --lang LANG` through the real entry point in this process: (exit code, stderr)."""
    from examgen import cli

    with monkeypatch.context() as m:
        for k, v in env.items():
            m.setenv(k, v)
        m.setattr(sys, "argv", ["examgen", *argv, "--lang", lang])
        m.setattr(sys, "stdin", open(os.devnull))
        with pytest.raises(SystemExit) as exc:
            cli.main()
    code = exc.value.code
    return (0 if code is None else int(code)), capsys.readouterr().err


def test_error_paths_in_chinese_have_no_english(capsys, monkeypatch):
    words = allowed_words()
    english_words = 0
    for argv, env, fragment in CASES:
        code, err = run_in_process(capsys, monkeypatch, argv, env, "zh")
        assert code == 2, (argv, code, err)
        lines = err.strip("\n").split("\n")
        assert len(lines) == 1 and lines[0].startswith("examgen：错误："), (argv, err)
        assert fragment in lines[0], (argv, lines[0])
        assert stray(lines[0], argv, env, words) == [], (argv, lines[0])
        en = run_in_process(capsys, monkeypatch, argv, env, "en")[1].strip()
        assert en.startswith("examgen: error: ") and en != lines[0], (argv, en)
        english_words += len(stray(en, argv, env, words)) > 0
    assert english_words == len(CASES), "the check must find the English words of the English lines"


@pytest.mark.parametrize("setup,argv,fragment", [
    ("sheet", ["resume", "1"], "按答题卡批改"),
    ("open", ["review", "1"], "尚未交卷"),
    ("done", ["resume", "1"], "已交卷"),
])
def test_exam_state_errors_in_chinese(tmp_path, setup, argv, fragment):
    home = str(tmp_path / "home")
    e = {**os.environ, "EXAMGEN_HOME": home}
    if setup == "sheet":
        sheet = tmp_path / "sheet.yaml"
        sheet.write_text("1: A\n")
        subprocess.run(EXAMGEN + ["exam", "--seed", "1", "--answers", str(sheet)], env=e, capture_output=True,
                       check=True)
    else:
        subprocess.run(EXAMGEN + ["exam", "--seed", "1"], env=e, capture_output=True, timeout=60,
                       input=":q\n" if setup == "open" else ":s\n", text=True)
    r = subprocess.run(EXAMGEN + argv + ["--lang", "zh"], env=e, capture_output=True, text=True, timeout=60)
    line = r.stderr.strip()
    assert r.returncode == 2 and line.count("\n") == 0 and fragment in line, (r.returncode, r.stderr)
    assert stray(line, argv, {}, allowed_words()) == [], line


def cli_error(args: list[str]) -> str:
    """`examgen ARGS` through typer's CliRunner: the one error line, as `examgen.cli.main` prints it."""
    from typer.testing import CliRunner

    from examgen.cli import app, argv_lang
    from examgen.errors import UserError
    from examgen.usage_errors import PREFIX

    res = CliRunner().invoke(app, args)
    assert isinstance(res.exception, UserError), (args, res.exception, res.output)
    lang = argv_lang(args)
    return f"{PREFIX.get(lang)}{res.exception.text(lang)}"


def test_export_stats_review_history_errors_follow_the_language(tmp_path):
    """These errors were English after the Chinese prefix: each now reads in the language asked for."""
    existing = tmp_path / "mock7.pdf"
    existing.write_bytes(b"%PDF-old")
    report = tmp_path / "r.html"
    report.write_text("old", encoding="utf-8")
    cases = [  # (arguments, Chinese, English)
        (["export", "-o", str(existing), "--seed", "7"], f"{existing} 已存在；要替换它，请加 --force",
         f"{existing} already exists; use --force to replace it"),
        (["export", "-o", str(tmp_path / "x.pdf"), "--exam", "999"], "没有编号为 999 的考试；examgen history 列出你的考试",
         "no exam with id 999; `examgen history` lists them"),
        (["review", "999"], "没有编号为 999 的考试", "no exam with id 999"),
        (["export", "-o", str(tmp_path / "x.pdf"), "--seed", "1", "--variants", "0"],
         "--variants 必须在 1 到 200 之间，给的是 0", "--variants must be between 1 and 200, got 0"),
        (["export", "-o", "/nonexist/x.pdf", "--seed", "1"], "无法写入 /nonexist/x.pdf：目录 /nonexist 不存在",
         "cannot write /nonexist/x.pdf: the directory /nonexist does not exist"),
        (["export", "-o", str(tmp_path / "x.unknownext"), "--seed", "1"], "无法从文件名 'x.unknownext' 判断格式",
         "cannot tell the format from 'x.unknownext'; give --format"),
        (["stats", "--html", str(report)], f"{report} 已存在；要替换它，请加 --force",
         f"{report} already exists; use --force to replace it"),
        (["stats", "--html", "/nonexist/r.html"], "无法写入 /nonexist/r.html：目录 /nonexist 不存在",
         "cannot write /nonexist/r.html: the directory /nonexist does not exist"),
    ]
    english = re.compile(r"\b(?:already|exists|replace|cannot|write|directory|exist|exam with|lists|must|between|"
                         r"tell|format from|give)\b")
    for args, zh, en in cases:
        line = cli_error(args + ["--lang", "zh"])
        assert line.startswith("examgen：错误：") and zh in line, (args, line)
        assert not english.search(line), (args, line)
        line = cli_error(args + ["--lang", "en"])
        assert line.startswith("examgen: error: ") and en in line, (args, line)
        assert not re.search(r"[\u4e00-\u9fff]", line), (args, line)
    assert existing.read_bytes() == b"%PDF-old" and report.read_text(encoding="utf-8") == "old"
