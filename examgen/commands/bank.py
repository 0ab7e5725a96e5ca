"""`examgen bank …`: lint, stats and show for the question bank."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from examgen.cli import JsonOpt, LangOpt, app, console, emit_json, lang_of

if TYPE_CHECKING:
    from examgen.i18n import Bi

bank_app = typer.Typer(help="The question bank: validate, count, show items.", no_args_is_help=True)
app.add_typer(bank_app, name="bank")

BankOpt = Annotated[Optional[str], typer.Option("--bank", help="An extra bank directory (also: EXAMGEN_BANK).")]


@bank_app.command("lint")
def lint_cmd(
    bank: BankOpt = None,
    coverage: Annotated[bool, typer.Option("--coverage/--no-coverage", help="Also check the coverage rules.")] = True,
    blueprint: Annotated[Optional[str], typer.Option("--blueprint", metavar="FILE", help="Also check this blueprint against the bank (the shipped one is always checked).")] = None,
) -> None:
    """Validate every bank file and the blueprint(s) against it; errors as file:line: message, exit code 1 when
    there are any."""
    from examgen.bank import lint
    from examgen.exam import lint_blueprint

    loaded, issues = lint(bank, coverage)
    lines = [str(issue) for issue in issues]
    if not any(issue.fatal is not None for issue in issues):
        for bp in [None] + ([blueprint] if blueprint else []):
            lines += lint_blueprint(bp, bank)
    for line in lines:
        typer.echo(line)
    if lines:
        from examgen.ui.messages import plural

        typer.echo(plural(f"{len(lines)} problem(s) in {len(loaded.files)} file(s)"), err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {len(loaded.items)} items, {len(loaded.concepts)} concepts, {len(loaded.files)} files"
               + (f", blueprint {blueprint}" if blueprint else ""))


@bank_app.command("stats")
def stats_cmd(bank: BankOpt = None, lang: LangOpt = None, as_json: JsonOpt = False) -> None:
    """Items per chapter, type and concept."""
    from rich.table import Table

    from examgen.bank import TYPES, load_bank, stats
    from examgen.model import CHAPTERS

    lg = lang_of(lang)
    b = load_bank(bank)
    data = stats(b)
    if as_json:
        emit_json(data)
        return
    from examgen.ui.messages import t
    from examgen.ui.render import Wrapped

    con = console()
    table = Table(title=t("bank.summary", lg, items=data["items"], objective=data["objective"], short=data["short"],
                          concepts=data["concepts"]))
    table.add_column(t("bank.col.chapter", lg))
    for typ in TYPES:
        table.add_column(t(f"bank.type.{typ}", lg), justify="right", no_wrap=True)
    table.add_column(t("bank.col.total", lg), justify="right", no_wrap=True)
    for ch, counts in data["by_chapter"].items():
        name = CHAPTERS[ch].get(lg) if ch in CHAPTERS else ch
        table.add_row(Wrapped(f"{ch} · {name}"), *[str(counts[x]) for x in TYPES], str(sum(counts.values())))
    con.print(table)
    # a title wraps only where the column is too narrow for it, Chinese between any two characters (Rich would
    # break "lstm-structure · LSTM 结构（…）" at its last space, or cut a long title with "…")
    c = Table(title=t("bank.concepts", lg))
    c.add_column(t("bank.col.concept", lg))
    for key in ("chapter", "objective", "short", "memorize"):
        c.add_column(t(f"bank.col.{key}", lg), no_wrap=True)
    for cid, concept in b.concepts.items():
        n = data["by_concept"].get(cid, {"objective": 0, "short": 0})
        c.add_row(Wrapped(f"{cid} · {concept.name.get(lg)}"), concept.chapter, str(n["objective"]), str(n["short"]),
                  "✓" if concept.memorize else "")
    con.print(c)


@bank_app.command("show")
def show_cmd(
    item_id: Annotated[str, typer.Argument(help="Item id.")],
    answer: Annotated[bool, typer.Option("--answer/--no-answer", help="Show the answer and explanation.")] = False,
    bank: BankOpt = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one bank item."""
    from examgen.bank import find_item
    from examgen.errors import UserError

    lg = lang_of(lang)
    problem = find_item(item_id, bank)
    if problem is None:
        raise UserError(_no_item(item_id, bank))
    if as_json:
        emit_json(problem.to_json())
        return
    from examgen.ui.render import problem_view, solution_view

    con = console()
    con.print(problem_view(problem, lg))
    if answer:
        con.print(solution_view(problem, lg))


def _no_item(item_id: str, bank: str | None) -> Bi:
    """No item `item_id`: the ids close to it, else where ids are found (no command lists them)."""
    from examgen.bank import bank_dirs, load_bank
    from examgen.i18n import Bi
    from examgen.suggest import close_names

    close = close_names(item_id, load_bank(bank).by_id())
    if close:
        hint = Bi(f"；是不是 {'、'.join(close)}？", f"; did you mean {', '.join(close)}?")
    else:
        dirs = [str(d) for d in bank_dirs(bank)]
        hint = Bi(f"；题目编号以章节开头（例如 rnn-basics-01），写在题库目录 {'、'.join(dirs)} 的各文件里",
                  f"; item ids start with their chapter (e.g. rnn-basics-01): they are the id fields of the bank "
                  f"files in {', '.join(dirs)}")
    return Bi(f"题库中没有编号为 {item_id} 的题目", f"no bank item with id '{item_id}'") + hint
