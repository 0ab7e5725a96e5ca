"""What `examgen exam` does before the first question: with the parse cache warm it imports no YAML parser, no
export code, no numeric library and only the kinds its paper uses; the CLI builds only the command being run."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from examgen import cli


def _imports(args: list[str], env: dict[str, str]) -> set[str]:
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "examgen", *args], input=":q\n",
                       capture_output=True, text=True, env=env)
    assert "[1] " in r.stdout, r.stdout[-500:] + r.stderr[-2000:]
    return {m.group(1) for m in re.finditer(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)$", r.stderr, re.M)}


def test_a_warm_exam_start_imports_only_what_the_first_question_needs(tmp_path):
    env = dict(os.environ, EXAMGEN_CACHE=str(tmp_path / "cache"), EXAMGEN_HOME=str(tmp_path / "home"),
               EXAMGEN_SCREEN="lines")
    cold = _imports(["exam", "--seed", "5"], env)
    assert "yaml" in cold                          # the first start parses (and fills the cache)
    warm = _imports(["exam", "--seed", "6"], env)
    for heavy in ("yaml", "numpy", "sympy", "scipy", "examgen.export", "examgen.targets",
                  "genanki", "typst"):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in warm), heavy
    from examgen import registry

    kinds = {m for m in warm if m in set(registry.index().values())}
    assert 1 <= len(kinds) <= 8 < len(registry.index())   # a paper has a few kind slots; the rest is the bank


def test_only_the_command_run_is_built_and_all_come_back():
    before = list(cli.app.registered_commands)
    names = {c.name or c.callback.__name__.replace("_", "-") for c in before}
    assert {"exam", "generate"} <= names
    import typer.main

    with cli._only_the_command_run(["exam", "--seed", "1"]):
        group = typer.main.get_command(cli.app)
        assert sorted(group.commands) == ["bank", "exam"]
    with cli._only_the_command_run(["bank", "lint"]):
        assert sorted(typer.main.get_command(cli.app).commands) == ["bank"]
    for argv in (["--help"], [], ["exma"], ["--lang", "zh", "exam"]):
        with cli._only_the_command_run(argv):
            assert cli.app.registered_commands == before
    assert cli.app.registered_commands == before
