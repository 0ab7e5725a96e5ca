"""`examgen export`: printable papers and keys (PDF, HTML, Markdown), class variants, Moodle XML, GIFT, Anki."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from examgen.cli import LangOpt, app, lang_of
from examgen.usage_errors import SeedType


@app.command("export")
def export_cmd(
    output: Annotated[str, typer.Option("--output", "-o", help="File to write (with --variants: the name stem).")],
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="pdf, html, md, moodle, gift, anki or qti (default: from the --output extension).")] = None,
    key: Annotated[bool, typer.Option("--key", help="Write the answer key (answers, points, worked steps, marking scheme) instead of the paper.")] = False,
    with_solutions: Annotated[bool, typer.Option("--with-solutions", help="Put the solutions into the paper, after each question.")] = False,
    variants: Annotated[int, typer.Option("--variants", help="K variants with seeds N, N+1 … (one file each) plus a combined key table.")] = 1,
    seed: Annotated[Optional[int], typer.Option("--seed", click_type=SeedType(), help="The mock exam of this seed (as `examgen exam --seed N`); with --kind/--topic the first problem seed.")] = None,
    exam: Annotated[Optional[int], typer.Option("--exam", help="A saved exam, by id (`examgen history`).")] = None,
    kind: Annotated[Optional[list[str]], typer.Option("--kind", help="A generated kind (repeatable).")] = None,
    topic: Annotated[Optional[list[str]], typer.Option("--topic", help="A chapter: its bank items and generated kinds (repeatable).")] = None,
    count: Annotated[Optional[int], typer.Option("--count", "-n", min=1, max=1000, help="Problems per kind (default 1); bank items per topic (default all).")] = None,
    blueprint: Annotated[Optional[str], typer.Option("--blueprint", help="Exam blueprint file (default: the shipped one).")] = None,
    bank: Annotated[Optional[str], typer.Option("--bank", help="An extra question-bank directory.")] = None,
    show_seed: Annotated[bool, typer.Option("--show-seed", help="Print the seed and the command on the paper (self-study prints; a class paper shows only its variant code).")] = False,
    code: Annotated[Optional[str], typer.Option("--code", help="The variant code on a paper (e.g. V07-3KQ9): rebuild that paper or, with --key, its key; needs --key-table.")] = None,
    key_table: Annotated[Optional[str], typer.Option("--key-table", help="The combined key table (or a key) that maps --code to its seed.")] = None,
    shuffle: Annotated[bool, typer.Option("--shuffle", help="Shuffle question order within each section and option order, per variant (the key follows).")] = False,
    students: Annotated[Optional[str], typer.Option("--students", help="A class list (CSV with name and number columns): one named PDF per student, variants in turn, plus one combined print file.")] = None,
    lang: LangOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing files.")] = False,
) -> None:
    """Export a mock exam, a saved exam or a selection of problems to a printable or importable file."""
    from examgen.export.run import run
    from examgen.export.sources import Selection

    from examgen.export.sources import resolve_code

    sel = Selection(seed=seed, exam_id=exam, kinds=list(kind or []), topics=list(topic or []), count=count,
                    variants=variants, blueprint=blueprint, bank=bank, lang=lang_of(lang), shuffle=shuffle,
                    show_seed=show_seed)
    sel = resolve_code(sel, code, key_table, lang_given=lang is not None)
    if lang is None and exam is not None:  # a saved exam in the language it was sat in
        from examgen.export.sources import saved_exam_lang

        sel.lang = saved_exam_lang(exam, sel.lang)
    if students is not None:
        from pathlib import Path

        from examgen.export.students import read_students

        sel.students = read_students(Path(students).expanduser())
        if sel.variants == 1:
            sel.variants = min(len(sel.students), 200) if len(sel.students) > 1 else 1
    paths = run(sel, fmt, output, key=key, solutions=with_solutions, force=force)
    if sel.students:
        papers = f"{len(paths) - 2} named papers {paths[0]} … {paths[-3]}" if len(paths) > 3 else \
            f"the named paper {paths[0]}"
        typer.echo(f"wrote {papers}, the print file {paths[-2]} and the key table {paths[-1]}")
    elif len(paths) > 4:  # variants: name the range, not thirty lines
        typer.echo(f"wrote {len(paths) - 1} variants {paths[0]} … {paths[-2]} and the key table {paths[-1]}")
    else:
        for path in paths:
            typer.echo(f"wrote {path}")
