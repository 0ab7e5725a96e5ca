"""`examgen plan`: what to practise today to raise the predicted exam score most (`examgen.readiness`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from examgen.cli import JsonOpt, LangOpt, app, emit_json, lang_of
from examgen.errors import UserError

if TYPE_CHECKING:  # `examgen --help` imports this module: datetime only when a command runs
    import datetime as dt


def parse_until(text: str, today: dt.date | None = None) -> dt.date:
    """A date YYYY-MM-DD, today or later, or a one-line bilingual error."""
    import datetime as dt

    from examgen.i18n import Bi

    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(Bi(f"--until 应为日期 YYYY-MM-DD（例如 2026-12-20），收到的是 '{text}'",
                           f"--until must be a date YYYY-MM-DD (e.g. 2026-12-20), got '{text}'")) from None
    today = today or dt.date.today()
    if day < today:
        raise UserError(Bi(f"--until 的日期 {day} 已经过去；请给出今天或以后的日期",
                           f"--until {day} is in the past; give today or a later date"))
    return day


@app.command()
def plan(
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help="The exam date (YYYY-MM-DD): forgetting is counted up to that day.")] = None,
    count: Annotated[int, typer.Option("-n", "--count", min=1, max=40, help="How many rows.")] = 5,
    blueprint: Annotated[Optional[str], typer.Option("--blueprint", metavar="FILE", help="Your own blueprint (YAML; see docs/exam.md).")] = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What to practise today to raise your predicted exam score most: weak, high-value topics first."""
    import datetime as dt
    import time

    from examgen import readiness
    from examgen.exam import load_blueprint
    from examgen.store import Store
    from examgen.store_mistakes import repeated

    lg = lang_of(lang)
    day = parse_until(until) if until is not None else None
    at = time.mktime(day.timetuple()) if day is not None else time.time()
    bp = load_blueprint(blueprint)
    with Store.open() as store:
        r = readiness.build(store, bp, at=max(at, time.time()))
        means = readiness.kind_means(store)
        again = repeated(store, lg)
    rows = [(c, readiness.command_for(c, means)) for c in readiness.plan(r, count)]
    days = (day - dt.date.today()).days if day is not None else None
    if as_json:
        emit_json({"predicted": readiness.to_json(r)["predicted"], "until": str(day) if day else None,
                   "days": days, "rows": [{"chapter": c.chapter, "section": c.section, "points": round(c.points, 3),
                                           "p": round(c.mean, 4), "lo": round(c.lo, 4), "hi": round(c.hi, 4),
                                           "recall": None if c.recall is None else round(c.recall, 4),
                                           "gain": round(c.gain, 3), "command": cmd} for c, cmd in rows],
                   "repeated_mistakes": again})
        return
    from examgen.cli import console
    from examgen.ui.readiness_view import plan_view

    con = console()
    con.print(plan_view(rows, lg, str(day) if day else None, days))
    if again:
        from examgen.ui.readiness_view import repeated_view

        con.print(repeated_view(again, lg))
