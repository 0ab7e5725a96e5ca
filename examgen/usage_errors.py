"""Command-line usage errors as one bilingual line, instead of Click's three (Usage / Try / Error):

    examgen: error: missing argument KIND; see examgen generate --help
    examgen：错误：缺少参数 KIND；见 examgen generate --help

and the strict seed type: a seed is a plain decimal integer (`1_0`, `+3`, ` 7`, `0x10` are refused, although
Python's `int()` would take them). Imported only when a usage error happens, or for the seed option's type."""

from __future__ import annotations

import re
from typing import Any

import click

from examgen.i18n import Bi

PREFIX = Bi("examgen：错误：", "examgen: error: ")
MAX_SEED_DIGITS = 30      # longer is out of range anyway; never convert an unbounded string to int


class BiBadParameter(click.BadParameter):
    """A bad option value whose explanation is given in both languages."""

    def __init__(self, message: Bi, ctx: click.Context | None = None, param: click.Parameter | None = None) -> None:
        super().__init__(message.en, ctx=ctx, param=param)
        self.bi = message


class SeedType(click.ParamType):
    """A seed: digits only, with an optional leading minus (so that a negative seed gets the range message)."""

    name = "integer"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:  # click ≥ 8.2 passes ctx
        return "INTEGER"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value)
        if not re.fullmatch(r"-?[0-9]+", text):
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise BiBadParameter(Bi(f"'{shown}' 不是种子：请写一个十进制整数，例如 7",
                                    f"'{shown}' is not a seed: write a plain decimal integer, e.g. 7"), ctx, param)
        if len(text.lstrip("-")) > MAX_SEED_DIGITS:
            raise BiBadParameter(Bi("种子的位数太多", "the seed has too many digits"), ctx, param)
        return int(text)


def _name(param: click.Parameter | None) -> str:
    if param is None:
        return "?"
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len)
    return param.human_readable_name.strip("[]")


def _typed_name(param: click.Parameter | None, argv: list[str] | None) -> str:
    """An option whose value is wrong, named as it was typed (`-n` for `history -n 0`, `--limit` for `--limit 0`);
    when the command line does not tell, by all its names (`-n/--limit`)."""
    if not isinstance(param, click.Option) or len(param.opts) < 2:
        return _name(param)
    used = {opt for opt in param.opts for arg in argv or []
            if arg == opt or arg.startswith(opt + "=") or (len(opt) == 2 and opt[1] != "-" and arg.startswith(opt))}
    if len(used) == 1:
        return used.pop()
    return "/".join(sorted(param.opts, key=len))


def _range_text(param: click.Parameter | None, value: str, argv: list[str] | None = None) -> Bi | None:
    kind = getattr(param, "type", None)
    lo, hi = getattr(kind, "min", None), getattr(kind, "max", None)
    if lo is None and hi is None:
        return None
    name = _typed_name(param, argv)
    if lo is not None and hi is not None:
        return Bi(f"{name} 必须在 {lo} 到 {hi} 之间，给的是 {value}", f"{name} must be from {lo} to {hi}, got {value}")
    if lo is not None:
        return Bi(f"{name} 至少为 {lo}，给的是 {value}", f"{name} must be at least {lo}, got {value}")
    return Bi(f"{name} 至多为 {hi}，给的是 {value}", f"{name} must be at most {hi}, got {value}")


def _bad_value(exc: click.BadParameter, argv: list[str] | None = None) -> Bi:
    if isinstance(exc, BiBadParameter):
        return exc.bi
    name = _typed_name(exc.param, argv)
    msg = exc.message.rstrip(".")
    m = re.fullmatch(r"(.+) is not in the range .+", msg)
    if m:
        ranged = _range_text(exc.param, m.group(1), argv)
        if ranged is not None:
            return ranged
    m = re.fullmatch(r"(.+) is not a valid (integer|float)(?: range)?", msg)
    if m:
        what = Bi("整数", "a whole number") if m.group(2) == "integer" else Bi("数", "a number")
        return Bi(f"{name} 必须是{what.zh}，给的是 {m.group(1)}", f"{name} must be {what.en}, got {m.group(1)}")
    return Bi(f"{name} 的值无效：{msg}", f"invalid value for {name}: {msg}")


def _unknown_command(exc: click.UsageError) -> Bi | None:
    m = re.match(r"No such command '(.+?)'\.", exc.message)
    if m is None:
        return None
    name = m.group(1)
    hint = Bi("", "")
    ctx = exc.ctx
    if ctx is not None and isinstance(ctx.command, click.Group):
        from examgen.suggest import close_names

        close = close_names(name, ctx.command.list_commands(ctx))
        if close:
            hint = Bi(f"（是否想用 {close[0]}？）", f" (did you mean {close[0]}?)")
    return Bi(f"未知命令 '{name}'", f"unknown command '{name}'") + hint


def describe(exc: click.ClickException, argv: list[str] | None = None) -> Bi:
    """What was wrong, in both languages (without the prefix and the help hint); `argv`, the command line, names a
    bad option value's option as it was typed."""
    if isinstance(exc, click.MissingParameter):
        name = _name(exc.param)
        if (exc.param_type or getattr(exc.param, "param_type_name", "")) == "argument":
            return Bi(f"缺少参数 {name}", f"missing argument {name}")
        return Bi(f"缺少选项 {name}", f"missing option {name}")
    if isinstance(exc, click.NoSuchOption):
        hint = Bi("", "")
        if exc.possibilities:
            hint = Bi(f"（是否想用 {exc.possibilities[0]}？）", f" (did you mean {exc.possibilities[0]}?)")
        return Bi(f"未知选项 {exc.option_name}", f"unknown option {exc.option_name}") + hint
    if isinstance(exc, click.BadOptionUsage):
        m = re.fullmatch(r"Option '(.+)' requires an argument\.", exc.message)
        if m:
            return Bi(f"选项 {m.group(1)} 需要一个值", f"option {m.group(1)} needs a value")
        m = re.fullmatch(r"Option '(.+)' does not take a value\.", exc.message)
        if m:
            return Bi(f"选项 {m.group(1)} 不带值", f"option {m.group(1)} does not take a value")
    if isinstance(exc, click.BadParameter):
        return _bad_value(exc, argv)
    if isinstance(exc, click.UsageError):
        unknown = _unknown_command(exc)
        if unknown is not None:
            return unknown
        m = re.fullmatch(r"Got unexpected extra arguments? \((.+)\)", exc.message)
        if m:
            return Bi(f"多余的参数 {m.group(1)}", f"unexpected extra argument {m.group(1)}")
    text = exc.format_message().rstrip(".")
    text = text[:1].lower() + text[1:]
    return Bi(text, text)


def command_path(exc: click.ClickException, argv: list[str]) -> str:
    """`examgen generate` for an error in `generate`; from the command line when Click gives no context."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None and ctx.parent is not None:
        return ctx.command_path
    from examgen.cli import app

    group = typer_group(app)
    path = ["examgen"]
    for arg in argv:
        if arg.startswith("-"):
            break
        sub = group.commands.get(arg) if isinstance(group, click.Group) else None
        if sub is None:
            break
        path.append(arg)
        group = sub
    return " ".join(path)


def typer_group(app: Any) -> click.Command:
    import typer

    return typer.main.get_command(app)


def one_line(exc: click.ClickException, lang: str, argv: list[str] | None = None) -> str:
    """The whole line: prefix, what was wrong, and where to read more."""
    path = command_path(exc, argv or [])
    msg = describe(exc, argv).get(lang).replace("\n", " ")
    hint = Bi(f"；见 {path} --help", f"; see {path} --help").get(lang) if isinstance(exc, click.UsageError) else ""
    return f"{PREFIX.get(lang)}{msg}{hint}"
