"""`examgen practice`: an untimed drill over generated kinds and bank items with instant feedback, fresh variants
on demand and progressive hints (formula → numbers substituted → full solution). `--weak` orders the pool by the
Leitner schedule (`examgen.schedule`): what is due and most often wrong first."""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable

from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from examgen.errors import UserError
from examgen.i18n import Bi
from examgen.model import CHAPTERS, Problem
from examgen.ui.messages import t


@dataclass
class Card:
    key: str                 # schedule key: kind:<name> or item:<id>
    chapter: str
    kind: Any = None         # a registry Kind
    item: Any = None         # a bank Item
    parent: Any = None       # the bank Item a continuation item (`follows`) continues: its stem is shown first

    @property
    def label(self) -> str:
        return self.kind.name if self.kind is not None else self.item.id


@dataclass
class _Shown:
    """A fake exam item so that the exam screen's question view can show a practice problem."""

    number: int
    problem: Problem


def _check_topic(topic: str | None) -> None:
    if topic is None or topic in CHAPTERS:
        return
    from examgen.suggest import close_names

    close = close_names(topic, CHAPTERS)
    hint = Bi(f"；是不是 {close[0]}？", f"; did you mean '{close[0]}'?") if close else \
        Bi(f"；章节有 {'、'.join(CHAPTERS)}", f"; chapters: {', '.join(CHAPTERS)}")
    raise UserError(Bi(f"未知章节 {topic}", f"unknown topic '{topic}'") + hint)


def build_pool(topic: str | None, kind: str | None, bank_dir: str | None) -> list[Card]:
    from examgen import registry
    from examgen.exam import BANK_TYPES, bank_for

    _check_topic(topic)
    kinds = registry.load_all()
    if kind is not None and kind not in kinds and kind not in BANK_TYPES:
        from examgen.suggest import close_names

        close = close_names(kind, list(kinds) + list(BANK_TYPES))
        hint = Bi(f"；是不是 {close[0]}？", f"; did you mean '{close[0]}'?") if close else \
            Bi(f"；请用 examgen list 中的题型，或题库题型（{'、'.join(BANK_TYPES)}）",
               f"; use a kind from `examgen list` or a bank type ({', '.join(BANK_TYPES)})")
        raise UserError(Bi(f"未知题型 {kind}", f"unknown kind '{kind}'") + hint)
    cards: list[Card] = []
    if kind is None or kind in kinds:
        for k in registry.all_kinds():
            if (kind is None or k.name == kind) and (topic is None or k.chapter == topic):
                cards.append(Card(f"kind:{k.name}", k.chapter, kind=k))
    if kind is None or kind in BANK_TYPES:
        items = bank_for(bank_dir).items
        by_id = {it.id: it for it in items}
        for it in items:
            if (kind is None or it.type == kind) and (topic is None or it.chapter == topic):
                cards.append(Card(f"item:{it.id}", it.chapter, item=it, parent=by_id.get(it.follows or "")))
    if not cards:
        what = " ".join(f"--{n} {v}" for n, v in (("topic", topic), ("kind", kind)) if v)
        raise UserError(Bi(f"没有符合 {what} 的题目。", f"no problems match {what}"))
    return cards


def order_pool(cards: list[Card], weak: bool, rng: random.Random, store: Any) -> tuple[list[Card], set[str]]:
    """The practice order, and the keys that are due for review."""
    if weak:
        from examgen.schedule import cards_from, chapter_accuracy, weak_order

        sched = store.schedule()
        acc = chapter_accuracy(store.attempts())
        sc = cards_from([(c.key, c.chapter) for c in cards], sched)
        now = time.time()
        by_key = {c.key: c for c in cards}
        ordered = weak_order(sc, now, acc, salt=str(rng.random()))
        due = {c.key for c in sc if c.is_due(now)}
        return [by_key[c.key] for c in ordered], due
    kinds = [c for c in cards if c.kind is not None]
    items = [c for c in cards if c.item is not None]
    rng.shuffle(kinds)
    rng.shuffle(items)
    out: list[Card] = []
    while kinds or items:  # generated kinds and bank items alternate, so neither drowns the other
        if kinds:
            out.append(kinds.pop())
        if items:
            out.append(items.pop())
    return out, set()


class Practice:
    def __init__(self, cards: list[Card], order: list[Card], due: set[str], count: int, rng: random.Random,
                 store: Any, lang: str, console: Console, reader: Any) -> None:
        self.cards = cards
        self.order = order
        self.due = due
        self.count = count
        self.rng = rng
        self.store = store
        self.lang = lang
        self.con = console
        self.reader = reader
        self.earned = 0.0
        self.points = 0.0
        self.done = 0
        self.interrupted = False
        self.seen_items: set[str] = set()
        self.results: list[tuple[Card, Problem, float]] = []

    # ------------------------------------------------------------ input/output
    def say(self, text: str, style: str = "") -> None:
        """A message, wrapped between Chinese characters too."""
        from examgen.ui.render import Wrapped

        self.con.print(Wrapped(text, style=style))

    def read(self, prompt: str) -> str | None:
        """A line, or None at the end of input."""
        self.con.print(Text(prompt, style="bold"), end="")
        try:
            self.con.file.flush()
        except Exception:
            pass
        while True:
            try:
                ev = self.reader.get(1.0)
            except KeyboardInterrupt:   # Ctrl-C: leave as :q does (a solution seen scores 0), then the summary
                self.interrupted = True
                return None
            if ev is None:
                if getattr(self.reader, "finished", False):
                    return None
                continue
            kind, _, text = ev
            if kind == "eof":
                if not self.reader.tty:
                    self.con.print()
                return None
            if not self.reader.tty:
                from examgen.ui.views import echo_line

                self.say(echo_line(text or "", self.lang))
            return text or ""

    # ------------------------------------------------------------ problems
    def make(self, card: Card) -> tuple[Problem, Callable[..., Any] | None]:
        if card.kind is not None:
            seed = self.rng.randrange(1_000_000)
            pr = card.kind.generate(seed)
            return pr, card.kind.carry(pr.params)
        self.seen_items.add(card.item.id)
        return card.item.to_problem(), None

    def variant(self, card: Card) -> Card | None:
        """A fresh problem of the same kind; for a bank item another item of the same type, on its main concept if
        there is one (else a concept it shares, else its chapter)."""
        if card.kind is not None:
            return card
        it = card.item
        fresh = [c for c in self.cards if c.item is not None and c.item.id not in self.seen_items
                 and c.item.type == it.type]
        for same in ([c for c in fresh if it.concepts and it.concepts[0] in c.item.concepts],   # its main concept
                     [c for c in fresh if set(c.item.concepts) & set(it.concepts)],
                     [c for c in fresh if c.item.chapter == it.chapter]):
            if same:
                return self.rng.choice(same)
        return None

    def hint(self, card: Card, pr: Problem, level: int) -> RenderableType:
        from examgen.ui.render import solution_view, step_view

        head = Text(t("pr.hint", self.lang, level=min(level, 3)), style="bold yellow")
        if level >= 3:
            return Group(head, solution_view(pr, self.lang))
        if pr.steps:  # the steps' titles wrap between Chinese characters, as in the solution
            return Group(head, *[step_view(step, self.lang, level, i) for i, step in enumerate(pr.steps, 1)])
        it = card.item
        out: list[RenderableType] = [head]
        if level == 1:
            out.append(Text(t("pr.hint.source", self.lang, source=it.source)))
            try:
                from examgen.exam import bank_for

                concepts = bank_for(None).concepts
                names = [concepts[c].name.get(self.lang) for c in it.concepts if c in concepts]
            except Exception:
                names = []
            if names:
                out.append(Text(t("pr.hint.concepts", self.lang, names=", ".join(names))))
            if it.type == "short":
                out.append(Text(t("pr.hint.points", self.lang, n=len(it.rubric))))
        else:
            if it.type == "short":
                for kp in it.rubric:
                    out.append(Text(f"• {kp.text.get(self.lang)} ({kp.points:g})"))
            else:
                out.append(Text(it.explanation.get(self.lang), style="italic"))
        return Group(*out)

    # ------------------------------------------------------------ what hints cost
    def caps(self, card: Card) -> tuple[float, ...]:
        """The share of the points still to be earned after hint level 0, 1, 2, 3. A generated kind: the formulas
        cost a quarter, the numbers substituted half, the full solution everything. A bank item: where in the
        notes costs half; its key points or explanation give the answer away."""
        return (1.0, 0.75, 0.5, 0.0) if card.kind is not None else (1.0, 0.5, 0.0, 0.0)

    def cap(self, card: Card, pr: Problem, level: int) -> float:
        return round(float(pr.points) * self.caps(card)[min(level, 3)], 2)

    def revealed(self, card: Card, pr: Problem, level: int) -> bool:
        """Whether the hints seen gave the answer away (the solution; a bank item's key points at hint 2): leaving
        or skipping then records 0, so that the problem comes back."""
        return level >= 3 or (level > 0 and self.cap(card, pr, level) == 0)

    def cost_line(self, card: Card, pr: Problem, level: int) -> Text:
        """What the next hint and the solution cost, said before the student asks for them."""
        from examgen.ui.views import fmt_pts

        if level >= 3 or self.cap(card, pr, level) == 0:
            return Text(t("pr.cost.none", self.lang), style="dim")
        nxt = self.cap(card, pr, level + 1)
        key = "pr.cost.hint" if nxt > 0 else "pr.cost.hint_zero"
        return Text(t(key, self.lang, level=level + 1, cap=fmt_pts(nxt), max=fmt_pts(pr.points)), style="dim")

    # ------------------------------------------------------------ the loop
    def run(self) -> None:
        self.say(t("pr.keys", self.lang), "dim")
        i = 0
        queue = list(self.order)
        while self.done < self.count and queue is not None:
            if not queue:
                queue = list(self.order)
            card = queue.pop(0)
            i += 1
            status = self.problem(card, i)
            if status == "quit":
                break
        self.summary()
        if self.interrupted:
            raise KeyboardInterrupt   # "interrupted", exit 130, after the summary

    def record(self, card: Card, pr: Problem, earned: float, level: int, duration_s: float | None = None,
               verdict: Any = None) -> float:
        """Record one attempt (at most once per problem): the score, capped by the hints seen, goes to the
        statistics and the schedule (with the time taken, when known); returns it."""
        earned = min(round(earned, 2), self.cap(card, pr, level))
        self.earned += earned
        self.points += float(pr.points)
        self.done += 1
        self.results.append((card, pr, earned))
        try:
            self.store.record_practice(pr, earned, float(pr.points), duration_s, verdict)
        except UserError as exc:
            self.say(exc.text(self.lang), "red")
        return earned

    def summary(self) -> None:
        """The session: how many, the share of the points, and each item missed with when it is due again."""
        if not self.done:
            return
        from examgen.schedule import due_at, key_for
        from examgen.ui.views import fmt_pts

        rate = f"{100 * self.earned / self.points:.0f}%" if self.points else "–"
        self.con.print(Rule(style="dim"))
        self.say(t("pr.summary", self.lang, n=self.done, rate=rate), "bold")
        missed = [(c, pr, e) for c, pr, e in self.results if e < float(pr.points) - 1e-9]
        if not missed:
            return
        try:
            sched = self.store.schedule()
        except UserError:
            sched = {}
        self.say(t("pr.missed", self.lang), "bold")
        now = time.time()
        for card, pr, earned in missed:
            when = due_at(sched, key_for(pr))
            self.say(t("pr.missed_item", self.lang, what=pr.ref if card.kind is not None else card.label,
                                  got=fmt_pts(earned), max=fmt_pts(pr.points), due=due_text(when, now, self.lang)))

    def problem(self, card: Card, i: int) -> str:
        from examgen.grading import FormatError, grade, parse_answer
        from examgen.ui.render import solution_view, verdict_view
        from examgen.ui.views import fmt_pts, question_view

        pr, carry = self.make(card)
        shown = time.monotonic()  # the time taken, for the schedule (a fast full-marks answer is rated Easy)
        number = self.done + 1
        level = 0
        recorded: float | None = None
        show_hint = False            # a hint asked for after a wrong answer: shown under the question again
        while True:
            what = pr.ref if card.kind is not None else card.label
            what += " " + t("pr.due", self.lang) if card.key in self.due else ""
            self.con.print(Rule(t("pr.title", self.lang, i=number, n=self.count, what=what), style="cyan"))
            if card.parent is not None:   # drawn alone, "接上题" needs the question it continues
                self.say(t("pr.context", self.lang, stem=card.parent.stem.get(self.lang)), "italic")
            self.con.print(question_view(_Shown(number, pr), self.lang, self.con.width))
            if recorded is None:
                self.con.print(self.cost_line(card, pr, level))
            if show_hint:
                self.con.print(solution_view(pr, self.lang) if level >= 3 else self.hint(card, pr, level))
                show_hint = False
            answers: dict[str, str] = {}
            restart = False
            p = 0
            while p < len(pr.parts):
                part = pr.parts[p]
                label = "" if part.name == "" else f"{part.name} "
                line = self.read(f"{label}› ")
                raw = "" if line is None else line.strip()
                cmd = raw[1:].strip().lower() if raw.startswith(":") else None
                if line is None or cmd in ("q", "quit", "exit"):
                    if recorded is None and self.revealed(card, pr, level):   # leaving after the answer: 0, as :skip
                        self.record(card, pr, 0.0, level)
                        self.say(t("pr.quit_revealed", self.lang), "yellow")
                    return "quit"
                if cmd in ("s", "skip", "n", "next"):
                    if recorded is None and self.revealed(card, pr, level):   # the answer was seen: 0, due soon
                        self.record(card, pr, 0.0, level)
                        self.say(t("pr.skip_revealed", self.lang), "yellow")
                        return "done"
                    return "skip"
                if cmd in ("h", "hint", "solution", "sol", "answer"):
                    level = 3 if cmd in ("solution", "sol", "answer") else level + 1
                    if level >= 3:
                        self.con.print(solution_view(pr, self.lang))
                    else:
                        self.con.print(self.hint(card, pr, level))
                    if recorded is None and self.cap(card, pr, level) > 0:
                        self.con.print(Text(t("pr.cost.now", self.lang, cap=fmt_pts(self.cap(card, pr, level)),
                                              max=fmt_pts(pr.points)), style="yellow"))
                    if recorded is None:
                        self.con.print(self.cost_line(card, pr, level))
                    continue
                if cmd in ("new", "variant", "fresh"):
                    nxt = self.variant(card)
                    if nxt is None:
                        self.say(t("pr.no_variant", self.lang), "yellow")
                        continue
                    if recorded is None and self.revealed(card, pr, level):
                        self.record(card, pr, 0.0, level)
                    self.say(t("pr.new_variant", self.lang), "dim")
                    card = nxt
                    pr, carry = self.make(card)
                    shown = time.monotonic()
                    level, recorded, restart = 0, None, True
                    break
                if cmd is not None:
                    self.say(t("q.unknown_cmd", self.lang, cmd=cmd), "yellow")
                    continue
                if not raw:      # a blank is not an attempt
                    self.say(t("pr.blank", self.lang), "yellow")
                    continue
                try:
                    parse_answer(part.spec, raw)
                except FormatError as exc:
                    self.say(exc.message.get(self.lang) + t("q.format_retry", self.lang),
                                        style="magenta")
                    continue
                answers[part.name] = raw
                p += 1
            if restart:
                continue
            single = len(pr.parts) == 1 and pr.parts[0].name == ""
            verdict = grade(pr, answers.get("") if single else answers, carry)
            rubric = any(part.spec.kind == "rubric" for part in pr.parts)
            reveal = verdict.correct or level >= 3 or rubric
            self.con.print(verdict_view(verdict, pr, self.lang, reveal=reveal))
            earned = verdict.earned
            if rubric and recorded is None:
                earned = self.self_mark(pr, verdict)
            if recorded is None:
                recorded = self.record(card, pr, earned, level, time.monotonic() - shown, verdict)
                note = "pr.recorded" if recorded >= earned - 1e-9 else "pr.recorded_capped"
                self.say(t(note, self.lang, got=fmt_pts(recorded), max=fmt_pts(pr.points),
                                      earned=fmt_pts(earned)), "bold")
            else:
                self.say(t("pr.retry_note", self.lang, got=fmt_pts(recorded), max=fmt_pts(pr.points)),
                                    style="dim")
            status = self.after(card, pr, verdict, reveal)
            if status == "retry":
                continue
            if status == "hint":     # the next hint, then another try (the score is recorded already)
                level, show_hint = level + 1, True
                continue
            if status == "new":
                nxt = self.variant(card)
                card = nxt if nxt is not None else card
                pr, carry = self.make(card)
                shown = time.monotonic()
                level, recorded = 0, None
                continue
            return status

    def after(self, card: Card, pr: Problem, verdict: Any, revealed: bool) -> str:
        """After the verdict: Enter (the answer is shown first if it was not), :retry or :hint (the next hint, then
        a retry) before the answer is shown, :new, :solution, :q."""
        from examgen.ui.render import answer_view, solution_view

        while True:
            line = self.read(t("pr.after" if revealed else "pr.after_wrong", self.lang))
            if line is None:
                return "quit"
            cmd = line.strip().lstrip(":").lower()
            if cmd in ("", "n", "next"):
                if not revealed:
                    self.con.print(answer_view(pr, self.lang))
                return "done"
            if cmd in ("q", "quit", "exit"):
                return "quit"
            if cmd in ("h", "hint") and not revealed:
                return "hint"
            if cmd in ("solution", "sol", "s", "answer", "h", "hint"):
                self.con.print(solution_view(pr, self.lang))
                revealed = True
                continue
            if cmd in ("r", "retry"):
                if revealed and verdict.correct:
                    self.say(t("pr.retry_done", self.lang), "dim")
                    continue
                return "retry"
            if cmd in ("new", "variant"):
                if self.variant(card) is None:
                    self.say(t("pr.no_variant", self.lang), "yellow")
                    continue
                self.say(t("pr.new_variant", self.lang), "dim")
                return "new"
            self.say(t("q.unknown_cmd", self.lang, cmd=cmd), "yellow")

    def self_mark(self, pr: Problem, verdict: Any) -> float:
        """Short answers: the student marks each key point (Enter keeps the automatic estimate); the score."""
        from examgen.grading import rubric_score
        from examgen.model import RubricSpec
        from examgen.ui.views import fmt_pts

        earned = 0.0
        for part, pv in zip(pr.parts, verdict.parts):
            if not isinstance(part.spec, RubricSpec) or pv.blank or pv.format_error is not None:
                earned += pv.earned
                continue
            marks = list(pv.key_points or [False] * len(part.spec.key_points))
            self.say(t("pr.self_mark", self.lang), "bold")
            for i, kp in enumerate(part.spec.key_points):
                auto = t("self.found" if marks[i] else "self.missed", self.lang)
                line = self.read(t("self.ask", self.lang, i=i + 1, text=kp.text.get(self.lang) + t(
                    "hdr.points_after", self.lang, p=fmt_pts(kp.points)), auto=auto))
                if line is None:
                    break
                ans = line.strip().lower()
                if ans in ("y", "yes", "是", "对", "1", "t"):
                    marks[i] = True
                elif ans in ("n", "no", "否", "错", "0", "f"):
                    marks[i] = False
            earned += round(pv.points * rubric_score(part.spec, marks), 2)
        return earned


def due_text(when: float | None, now: float, lang: str) -> str:
    """When a card is due again, as a student reads it: now, in 5 hours, in 3 days (2026-12-06)."""
    if when is None or when <= now + 60:
        return t("pr.due.now", lang)
    hours = (when - now) / 3600
    if hours < 24:
        return t("pr.due.hours", lang, n=max(int(round(hours)), 1))
    return t("pr.due.days", lang, n=int(round(hours / 24)), date=time.strftime("%Y-%m-%d", time.localtime(when)))


def run_practice(topic: str | None, kind: str | None, weak: bool, count: int, seed: int | None,
                 bank_dir: str | None, lang: str, due_only: bool = False) -> None:
    from examgen.store import Store
    from examgen.ui.reader import LineReader

    cards = build_pool(topic, kind, bank_dir)
    rng = random.Random(seed if seed is not None else secrets.randbits(64))
    with Store.open() as store:
        order, due = order_pool(cards, weak or due_only, rng, store)
        con = Console(highlight=False, soft_wrap=False)
        if due_only:  # `--due`: only the cards the FSRS schedule says are due
            order = [c for c in order if c.key in due]
            if not order:
                from examgen.schedule import NOTHING_DUE

                con.print(Text(NOTHING_DUE.get(lang)))
                return
        if weak and not store.schedule():
            con.print(Text(t("pr.weak_none", lang), style="dim"))
        count = min(count, len(order)) if due_only else count
        Practice(cards, order, due, count, rng, store, lang, con, LineReader()).run()
