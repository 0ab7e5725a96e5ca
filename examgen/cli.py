"""Thin Typer commands: parse, call, render. Heavy modules are imported inside the commands so that
`examgen --help` starts about as fast as Typer itself."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Annotated, Any, Iterator, Optional

import typer
import typer.core

from examgen.errors import UserError
from examgen.usage_errors import SeedType

# Help is plain Click text (rich_markup_mode=None), but Typer escapes "[required]" / "[default: …]" for Rich
# whenever Rich is installed, so `--help` showed "\\[required]". Rich formatting is off: nothing to escape for.
typer.core.HAS_RICH = False

app = typer.Typer(
    name="examgen",
    help="Exam practice for the deep-learning & computer-vision course: problems, worked solutions, grading, "
         "mock exams, printable papers. 深度学习与计算机视觉期末复习：随机题目、详细解答、自动判分、模拟考试、打印试卷。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

LangOpt = Annotated[Optional[str], typer.Option("--lang", help="zh or en (default: EXAMGEN_LANG or the locale)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", click_type=SeedType(),
                                                help="Seed: the same seed gives the same problem.")]


def lang_of(lang: str | None) -> str:
    from examgen.i18n import LANGS, Bi, default_lang

    if lang is None:
        env = os.environ.get("EXAMGEN_LANG", "")
        if env and env not in LANGS:  # as --lang fr is refused, not English in silence
            raise UserError(Bi(f"EXAMGEN_LANG 应为 zh 或 en，给的是 '{env}'", f"EXAMGEN_LANG must be zh or en, got '{env}'"))
        return default_lang()
    if lang not in LANGS:
        raise UserError(Bi(f"未知语言 '{lang}'；可用 zh 或 en", f"unknown language '{lang}'; expected zh or en"))
    return lang


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- core commands
@app.command("list")
def list_kinds(lang: LangOpt = None, as_json: JsonOpt = False) -> None:
    """List every problem kind, grouped by chapter of the notes."""
    from examgen import registry
    from examgen.model import CHAPTERS

    lg = lang_of(lang)
    kinds = registry.all_kinds()
    if as_json:
        emit_json([{"kind": k.name, "chapter": k.chapter, "section": k.section, "points": k.points,
                    "title": k.title.to_json(), "summary": k.summary.to_json(), "variants": list(k.variants),
                    "params": list(k.schema.params)} for k in kinds])
        return
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    from examgen.ui.render import SECTION_NAMES, Wrapped

    heads = ("名称", "部分", "内容") if lg == "zh" else ("kind", "section", "what it asks")
    sections = {k.section: Wrapped(SECTION_NAMES[k.section].get(lg)) for k in kinds}
    out = console()
    out.print(Text("题型一览" if lg == "zh" else "examgen kinds", style="bold"), justify="center")
    # a table per chapter, its title the chapter: the summary keeps the room, so no word is broken at 80 columns;
    # the name is what one copies into `generate`/`practice`: never wrapped or cut
    for chapter, title in CHAPTERS.items():
        if not any(k.chapter == chapter for k in kinds):  # a chapter of concepts only: its bank items, not a table
            out.print(Text(title.get(lg), style="bold cyan"))
            out.print(Text(("  只有题库题：" if lg == "zh" else "  question-bank items only: ")
                           + f"examgen practice --topic {chapter}", style="dim"))
            continue
        table = Table(title=title.get(lg), title_justify="left", title_style="bold cyan", expand=True)
        table.add_column(heads[0], no_wrap=True, min_width=max(len(k.name) for k in kinds))
        table.add_column(heads[1], no_wrap=True, min_width=max(cell_len(SECTION_NAMES[s].get(lg)) for s in sections))
        table.add_column(heads[2], ratio=1)
        for k in kinds:
            if k.chapter == chapter:
                table.add_row(k.name, sections[k.section], Wrapped(k.summary.get(lg)))
        out.print(table)


@app.command()
def generate(
    kind: Annotated[str, typer.Argument(help="Kind name (see `examgen list`).")],
    seed: SeedOpt = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, max=10000, help="How many problems (seeds N, N+1, …).")] = 1,
    solution: Annotated[bool, typer.Option("--solution/--no-solution", help="Show the worked solution.")] = False,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Generate randomized problems of one kind."""
    from examgen import registry
    from examgen.targets import random_seed

    lg = lang_of(lang)
    k = registry.get(kind)
    start = registry.check_seed(seed if seed is not None else random_seed())
    if start + count - 1 > registry.MAX_SEED:
        raise UserError("seed + count is out of range")
    problems = [k.generate(start + i) for i in range(count)]
    if as_json:
        for pr in problems:
            emit_json(pr.to_json())
        return
    from rich.rule import Rule

    from examgen.ui.render import problem_view, solution_view

    con = console()
    for pr in problems:
        con.print(Rule(f"{pr.kind} · seed {pr.seed}", style="dim"))
        con.print(problem_view(pr, lg))
        if solution:
            con.print(solution_view(pr, lg))
    if not solution:
        hint = ("看解答：examgen generate {k} --seed {s} --solution；判分：examgen check {k} --seed {s} --answer …"
                if lg == "zh" else
                "Solution: examgen generate {k} --seed {s} --solution · grade: examgen check {k} --seed {s} --answer …")
        con.print(hint.format(k=kind, s=start), style="dim")


@app.command()
def solve(
    kind: Annotated[str, typer.Argument(help="Kind name (see `examgen list`).")],
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="name=value, e.g. input_hw=[32,32] or image='1 2; 3 4'.")] = None,
    params_file: Annotated[Optional[str], typer.Option("--params", help="JSON/YAML file with params ('-' = stdin), e.g. the output of generate --json.")] = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Solve a problem you type in from its parameters, with the work shown."""
    from examgen import registry
    from examgen.params import parse_cli_value

    lg = lang_of(lang)
    k = registry.get(kind)
    raw: dict[str, Any] = {}
    if params_file is not None:
        raw.update(_read_params(params_file))
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--param must look like name=value, got '{item}'")
        raw[name.strip()] = parse_cli_value(value, f"--param {name.strip()}")
    if not raw:
        example = " ".join(f"--param {n}={json.dumps(v, separators=(',', ':'))}" for n, v in k.example.items())
        raise UserError(f"give the parameters with --param; e.g. examgen solve {kind} {example}")
    pr = problem_from_params(k, raw)
    if as_json:
        emit_json(pr.to_json())
        return
    from examgen.ui.render import problem_view, solution_view

    con = console()
    con.print(problem_view(pr, lg, show_points=False))
    con.print(solution_view(pr, lg))


def problem_from_params(k: Any, raw: dict[str, Any]) -> Any:
    """`Kind.from_params`, with an overflow in the solver (numbers no problem worked by hand has) a one-line
    error like any other invalid parameters."""
    try:
        return k.from_params(raw)
    except ArithmeticError as exc:
        from examgen.i18n import Bi

        raise UserError(Bi(f"这些参数无法构成有效的 {k.name} 题目：数值太大，计算溢出（{type(exc).__name__}）",
                           f"these parameters do not make a valid {k.name} problem: the numbers are too large to "
                           f"compute with ({type(exc).__name__})")) from None


def _read_params(path: str) -> dict[str, Any]:
    from examgen.i18n import Bi
    from examgen.safe_read import PARAMS, load_yaml

    data = load_yaml(path, PARAMS)
    if isinstance(data, dict) and isinstance(data.get("params"), dict):
        data = data["params"]
    if not isinstance(data, dict):
        shown = "<stdin>" if path == "-" else path
        raise UserError(Bi(f"{shown} 必须是参数名到取值的映射", f"{shown} must hold a mapping of parameter names to values"))
    return data


@app.command()
def check(
    target: Annotated[str, typer.Argument(help="A kind name (with --seed) or a bank item id.")],
    answer: Annotated[list[str], typer.Option("--answer", "-a", help="Your answer; for multi-part problems PART=VALUE, repeated.")],
    seed: SeedOpt = None,
    bank: Annotated[Optional[str], typer.Option("--bank", help="Extra question-bank directory.")] = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Grade an answer. Exit code 0: graded (right or wrong); 3: the answer could not be read (format error)."""
    from examgen.grading import grade
    from examgen.targets import resolve, split_answers

    lg = lang_of(lang)
    problem, carry = resolve(target, seed, bank)
    verdict = grade(problem, split_answers(problem, answer), carry, blank_is_error=True)
    if as_json:
        out = verdict.to_json(lg)
        out.update({"kind": problem.kind, "seed": problem.seed, "id": problem.item_id, "answer": problem.answer})
        emit_json(out)
    else:
        from examgen.ui.render import verdict_view

        console().print(verdict_view(verdict, problem, lg))
    if verdict.format_error is not None:
        raise typer.Exit(3)


def _load_command_modules() -> None:
    """Register the commands of `examgen.commands.*` (bank, exam, export …)."""
    import importlib
    import pkgutil

    import examgen.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"examgen.commands.{info.name}")


_load_command_modules()


def argv_lang(argv: list[str]) -> str:
    """The language asked for on the command line (`--lang zh`, `--lang=zh`), else the default: errors raised
    before or outside a command are printed in it."""
    from examgen.i18n import LANGS, default_lang

    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg.partition("=")[2] \
            if arg.startswith("--lang=") else None
        if value in LANGS:
            return value
    return default_lang()


@contextlib.contextmanager
def _only_the_command_run(argv: list[str]) -> Iterator[None]:
    """Typer builds a Click command of every registered command on each start (their signatures and type hints:
    about 50 ms). When `argv` starts with a command's or a group's name, only that one is built (the groups stay:
    the CLI remains a group, so usage and errors read as before). Restored afterwards."""
    import typer.main

    commands = list(app.registered_commands)
    if argv and not argv[0].startswith("-") and not any(k.endswith("_COMPLETE") for k in os.environ):
        named = [c for c in commands if (c.name or typer.main.get_command_name(c.callback.__name__)) == argv[0]]
        groups = [g.name for g in app.registered_groups]
        if named or argv[0] in groups:
            app.registered_commands[:] = named
    try:
        yield
    finally:
        app.registered_commands[:] = commands


def main() -> None:
    """Console entry point: one-line errors and exit codes, never a traceback. Errors are printed in the language
    of `--lang` (else the default language), with the prefix `examgen: error:` or `examgen：错误：`."""
    import click

    from examgen.usage_errors import PREFIX, one_line

    try:
        with _only_the_command_run(sys.argv[1:]):
            code = app(standalone_mode=False)
    except UserError as exc:
        lang = argv_lang(sys.argv[1:])
        sys.stderr.write(f"{PREFIX.get(lang)}{exc.text(lang)}\n")
        sys.exit(exc.code)
    except click.exceptions.NoArgsIsHelpError as exc:  # `examgen`, `examgen bank`: the help, as Click prints it
        exc.show()
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        sys.stderr.write(one_line(exc, argv_lang(sys.argv[1:]), sys.argv[1:]) + "\n")
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        code = 130
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug: say so in one line; EXAMGEN_DEBUG=1 shows the traceback
        if os.environ.get("EXAMGEN_DEBUG"):
            raise
        detail = str(exc).splitlines()[0][:300] if str(exc) else ""
        sys.stderr.write(f"examgen：内部错误：{type(exc).__name__}：{detail}（请报告此问题；EXAMGEN_DEBUG=1 显示详情）\n"
                         if argv_lang(sys.argv[1:]) == "zh" else f"examgen: internal error: {type(exc).__name__}: {detail} "
                         f"(please report it; EXAMGEN_DEBUG=1 shows details)\n")
        sys.exit(1)
    if code == 130:  # Ctrl-C: Click returns 130 for it in non-standalone mode and says nothing
        sys.stderr.write("examgen：已中断\n" if argv_lang(sys.argv[1:]) == "zh" else "examgen: interrupted\n")
    sys.exit(code if isinstance(code, int) else 0)
