"""`examgen exam | resume | history | stats | review | practice`: the timed mock exam and the learning loop.

Exit codes: 0 done · 2 bad input · 4 the history database is unreadable, corrupt or busy · 5 the exam was left
unfinished (saved; `examgen resume`)."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any, Optional

import typer

from examgen.cli import JsonOpt, LangOpt, SeedOpt, app, emit_json, lang_of
from examgen.errors import UserError
from examgen.i18n import Bi

LEFT_OPEN = 5
ENV_TEST_DURATION = "EXAMGEN_TEST_DURATION_S"

BlueprintOpt = Annotated[Optional[str], typer.Option("--blueprint", metavar="FILE",
                                                     help="Your own blueprint (YAML; see docs/exam.md).")]
NoPagerOpt = Annotated[bool, typer.Option("--no-pager", help="Print the report instead of opening it in $PAGER.")]
BankOpt = Annotated[Optional[str], typer.Option("--bank", metavar="DIR", help="An extra question-bank directory.")]


def _screen(as_json: bool) -> Any:
    """The console of the exam screen: stdout, or stderr when stdout carries JSON."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, stderr=as_json)


def _duration_s(minutes: float | None, blueprint_minutes: int) -> float:
    raw = os.environ.get(ENV_TEST_DURATION)
    if raw:
        try:
            value = float(raw)
        except ValueError:
            raise UserError(Bi(f"{ENV_TEST_DURATION} 应为秒数，收到 “{raw}”。",
                               f"{ENV_TEST_DURATION} must be a number of seconds, got '{raw}'")) from None
        if value <= 0:
            raise UserError(Bi(f"{ENV_TEST_DURATION} 应为正数，收到 “{raw}”。",
                               f"{ENV_TEST_DURATION} must be positive, got '{raw}'"))
        return value
    if minutes is not None:
        return float(minutes) * 60.0
    return float(blueprint_minutes) * 60.0


def _reader(con: Any) -> Any:
    """Keys for the full screen when both ends are a terminal that can show it, else lines (a pipe, TERM=dumb)."""
    from examgen.ui.fullscreen import usable

    try:
        fd: int | None = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    if os.environ.get("EXAMGEN_SCREEN") != "lines" and usable(con, fd):
        from examgen.ui.keys import KeyReader

        return KeyReader(fd)  # type: ignore[arg-type]
    from examgen.ui.reader import LineReader

    return LineReader()


def _run_session(store: Any, exam: Any, exam_id: int, lg: str, duration_s: float, mode: str, as_json: bool,
                 resumed: bool, pager: bool = True, notice: str | None = None) -> None:
    from examgen.ui.exam_screen import ExamRunner

    state = store.state(exam_id)
    con = _screen(as_json)
    runner = ExamRunner(exam, store, exam_id, state, duration_s, lg, con, _reader(con), mode, resumed, pager)
    runner.notice = notice
    report = runner.run()
    if report is None:
        store.close()
        raise typer.Exit(LEFT_OPEN)
    if as_json:
        emit_json(report.to_json(lg))
    store.close()


@app.command()
def exam(
    seed: SeedOpt = None,
    blueprint: BlueprintOpt = None,
    bank: BankOpt = None,
    paper_json: Annotated[bool, typer.Option("--paper-json", help="Print the paper (with answers) as JSON and stop.")] = False,
    answers: Annotated[Optional[str], typer.Option("--answers", metavar="SHEET.yaml", help="Grade a filled-in answer sheet (item number → answer; '-' = stdin) without the screen.")] = None,
    minutes: Annotated[Optional[float], typer.Option("--minutes", min=1, max=600, help="Override the blueprint's duration.")] = None,
    no_pager: NoPagerOpt = False,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Sit a timed mock exam (100 points: choice/fill 30, short 20, calculation 20, comprehensive 30).

    An answer is saved when you press Enter or move to another part or question; Ctrl-C saves and leaves.
    Exit codes: 0 graded, 2 bad input, 4 history database unreadable, 5 left unfinished (examgen resume)."""
    from examgen.exam import build_exam, read_sheet

    lg = lang_of(lang)
    if paper_json and answers:
        raise UserError(Bi("--paper-json 与 --answers 不能同时使用：要么输出试卷，要么批改答题卡。",
                           "--paper-json and --answers do not go together: print the paper, or grade a sheet"))
    # A hostile or broken sheet is refused before the (slower) paper is built.
    sheet = read_sheet(answers) if answers is not None else None
    if blueprint is not None:
        _note_missing_kinds(blueprint)
    if seed is None:
        from examgen.targets import random_seed

        seed = random_seed()
    ex = build_exam(seed, blueprint, bank)
    if paper_json:
        from examgen.exam import paper_json as to_paper

        emit_json(to_paper(ex, lg))
        return
    duration = _duration_s(minutes, ex.duration_min)
    if answers is not None:
        _grade_sheet(ex, sheet, answers, lg, duration, as_json)
        return
    from examgen.store import Store

    from examgen.ui.messages import t

    store = Store.open()
    mode = "interactive" if sys.stdin.isatty() else "piped"
    open_id = store.latest_open()
    notice = None if open_id is None else t("start.open_exam", lg, id=open_id)
    exam_id = store.create_exam(ex, lg, mode, duration)
    _run_session(store, ex, exam_id, lg, duration, mode, as_json, resumed=False, pager=not no_pager, notice=notice)


def _note_missing_kinds(path: str) -> None:
    """A teacher's blueprint may name kinds this installation lacks: say so (the slot uses the others)."""
    from examgen import registry
    from examgen.exam import load_blueprint

    installed = registry.load_all()
    for slot in load_blueprint(path).slots:
        missing = [k for k in slot.kinds if k not in installed]
        if missing and len(missing) < len(slot.kinds):
            sys.stderr.write(f"examgen: note: slot {slot.id}: kinds not installed, skipped: {', '.join(missing)}\n")


def _grade_sheet(ex: Any, sheet: Any, path: str, lg: str, duration: float, as_json: bool) -> None:
    from examgen.exam import grade_exam, sheet_answers
    from examgen.store import Store

    answers = sheet_answers(ex, sheet, path)
    with Store.open() as store:
        exam_id = store.create_exam(ex, lg, "sheet", duration)
        report = grade_exam(ex, answers, exam_id=exam_id, time_used_s=None, duration_s=duration, reason="sheet",
                            mode="sheet")
        store.save_sheet(exam_id, answers, report)
    if as_json:
        emit_json(report.to_json(lg))
        return
    from examgen.cli import console
    from examgen.ui.report import report_view

    con = console()
    con.print(report_view(report, lg, width=con.width))


@app.command()
def resume(
    exam_id: Annotated[Optional[int], typer.Argument(metavar="[ID]", help="Exam id (default: the latest unfinished one).")] = None,
    no_pager: NoPagerOpt = False,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Continue an unfinished exam: every answer, the flags and the remaining time come back."""
    from examgen.store import Store

    store = Store.open()
    if exam_id is None:
        exam_id = store.latest_open()
        if exam_id is None:
            raise UserError(Bi("没有未完成的考试；examgen history 列出你的考试。",
                               "no unfinished exam; `examgen history` lists your exams"))
    row = store.exam_row(exam_id)
    if row.mode == "sheet":
        raise UserError(Bi(f"考试 #{exam_id} 是按答题卡批改的，没有可继续的考试。",
                           f"exam {exam_id} was graded from a sheet; there is nothing to resume"))
    if row.status == "submitted":
        raise UserError(Bi(f"考试 #{exam_id} 已交卷；用 examgen review {exam_id} 查看。",
                           f"exam {exam_id} was already submitted; see it with `examgen review {exam_id}`"))
    lg = lang_of(lang) if lang is not None else row.lang
    ex = store.load_exam(exam_id)
    store.claim(exam_id)
    mode = "interactive" if sys.stdin.isatty() else "piped"
    _run_session(store, ex, exam_id, lg, row.duration_s, mode, as_json, resumed=True, pager=not no_pager)


@app.command()
def history(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=100000, help="How many exams to show.")] = 30,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Past exams: date, seed, score, time used, and the trend."""
    from examgen.store import Store

    lg = lang_of(lang)
    with Store.open(readonly=True) as store:
        rows = store.exams(limit=limit)
    if as_json:
        emit_json([{"id": r.id, "created_at": r.created_at, "seed": r.seed, "blueprint": r.blueprint,
                    "mode": r.mode, "status": r.status, "score": r.score, "max_score": r.max_score,
                    "time_used_s": round(r.elapsed_s, 1), "duration_s": r.duration_s,
                    "submitted": r.submit_reason} for r in rows])
        return
    from examgen.cli import console
    from examgen.ui.report import history_view

    con = console()
    con.print(history_view(rows, lg, width=con.width))


def stats_data(store: Any) -> dict[str, Any]:
    import time

    from examgen.model import CHAPTERS

    chapters: dict[str, dict[str, Any]] = {}
    kinds: dict[str, dict[str, Any]] = {}
    for row in store.attempts():
        _, _, _, _, _, kind, chapter, points, earned, _, _ = row
        for table, key in ((chapters, chapter), (kinds, kind)):
            d = table.setdefault(key, {"attempts": 0, "points": 0.0, "earned": 0.0})
            d["attempts"] += 1
            d["points"] += float(points)
            d["earned"] += float(earned)
    for table in (chapters, kinds):
        for d in table.values():
            d["accuracy"] = round(d["earned"] / d["points"], 4) if d["points"] else 0.0
            d["points"] = round(d["points"], 2)
            d["earned"] = round(d["earned"], 2)
    order = {c: i for i, c in enumerate(CHAPTERS)}
    now = time.time()
    from examgen.fsrs_sched import is_due

    due = sum(1 for s in store.schedule().values() if is_due(s[0], s[1], now))
    return {"chapters": dict(sorted(chapters.items(), key=lambda kv: order.get(kv[0], 99))),
            "kinds": dict(sorted(kinds.items(), key=lambda kv: (kv[1]["accuracy"], kv[0]))), "due": due}


@app.command()
def stats(
    blueprint: BlueprintOpt = None,
    html: Annotated[Optional[str], typer.Option("--html", metavar="FILE", help="Also write the readiness report as one self-contained HTML file.")] = None,
    force: Annotated[bool, typer.Option("--force", help="With --html: replace an existing file.")] = False,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Accuracy per chapter and kind, and readiness: the predicted exam score with an interval."""
    from examgen import readiness
    from examgen.exam import load_blueprint
    from examgen.store import Store
    from examgen.store_mistakes import mistake_counts

    lg = lang_of(lang)
    bp = load_blueprint(blueprint)
    with Store.open(readonly=True) as store:
        data = stats_data(store)
        data["mistakes"] = mistake_counts(store, lg)
        ready = readiness.build(store, bp)
    data["readiness"] = readiness.to_json(ready)
    if html is not None:
        from examgen.readiness_html import write_report

        write_report(ready, lg, html, data["mistakes"], force)
        typer.echo(("已写入 " if lg == "zh" else "wrote ") + html, err=True)
    if as_json:
        emit_json(data)
        return
    from examgen.cli import console
    from examgen.ui.readiness_view import readiness_view
    from examgen.ui.report import stats_view

    con = console()
    con.print(stats_view(data, lg, width=con.width))
    if data["chapters"]:
        con.print(readiness_view(ready, lg))


@app.command()
def review(
    exam_id: Annotated[int, typer.Argument(metavar="ID", help="Exam id (see `examgen history`).")],
    self_mark: Annotated[bool, typer.Option("--self-mark", help="Mark your short answers yourself, key point by key point.")] = False,
    no_pager: NoPagerOpt = False,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Reopen a graded exam: the report with every answer and worked solution."""
    from examgen.exam import grade_exam
    from examgen.store import Store

    lg = lang_of(lang)
    with Store.open(readonly=not self_mark) as store:
        row = store.exam_row(exam_id)
        if row.status != "submitted":
            raise UserError(Bi(f"考试 #{exam_id} 尚未交卷；用 examgen resume {exam_id} 继续。",
                               f"exam {exam_id} is not submitted yet; continue it with `examgen resume {exam_id}`"))
        ex = store.load_exam(exam_id)
        state = store.state(exam_id)
        report = grade_exam(ex, state.answers, store.self_marks(exam_id), exam_id=exam_id,
                            time_used_s=None if row.mode == "sheet" else row.elapsed_s, duration_s=row.duration_s,
                            reason=row.submit_reason, mode=row.mode)
        if self_mark:
            from examgen.ui.reader import LineReader
            from examgen.ui.report import self_mark as run_self_mark

            report = run_self_mark(report, store, LineReader(), _screen(as_json), lg)
    if as_json:
        emit_json(report.to_json(lg))
        return
    from examgen.cli import console
    from examgen.ui.report import report_view, show

    con = console()
    show(con, report_view(report, lg, width=con.width), not no_pager)


@app.command()
def practice(
    topic: Annotated[Optional[str], typer.Option("--topic", "-t", help="A chapter id, e.g. detection (see `examgen bank stats`).")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", "-k", help="A kind (`examgen list`) or a bank item type: single, multiple, tf, fill, short.")] = None,
    weak: Annotated[bool, typer.Option("--weak", help="What you get wrong most and what is due again (spaced repetition).")] = False,
    due: Annotated[bool, typer.Option("--due", help="Only what the FSRS schedule says is due for review now.")] = False,
    count: Annotated[int, typer.Option("-n", "--count", min=1, max=1000, help="How many problems.")] = 10,
    seed: SeedOpt = None,
    bank: BankOpt = None,
    retention: Annotated[Optional[str], typer.Option("--retention", help="FSRS retention target 0.7–0.99: the share of problems you want to still get right when they come due (default: EXAMGEN_RETENTION or 0.9).")] = None,
    lang: LangOpt = None,
) -> None:
    """Untimed drill with instant feedback, fresh variants on demand and progressive hints."""
    from examgen.schedule import retention as current_retention, set_retention
    from examgen.ui.practice import run_practice

    lg = lang_of(lang)
    if weak and due:
        raise UserError(Bi("--weak 与 --due 不能同时使用：--weak 练最常错的和到期的，--due 只练到期复习的。",
                           "--weak and --due do not go together: --weak drills what you miss most and what is due, "
                           "--due only what is due for review"))
    set_retention(retention)
    current_retention()  # a bad EXAMGEN_RETENTION is reported before the session starts
    run_practice(topic=topic, kind=kind, weak=weak, count=count, seed=seed, bank_dir=bank, lang=lg, due_only=due)
