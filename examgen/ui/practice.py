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
from examgen.model import CHAPTERS, Problem
from examgen.ui.messages import t


@dataclass
class Card:
    key: str                 # schedule key: kind:<name> or item:<id>
    chapter: str
    kind: Any = None         # a registry Kind
    item: Any = None         # a bank Item

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
    import difflib

    close = difflib.get_close_matches(topic, list(CHAPTERS), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; chapters: {', '.join(CHAPTERS)}"
    raise UserError(f"unknown topic '{topic}'{hint}")


def build_pool(topic: str | None, kind: str | None, bank_dir: str | None) -> list[Card]:
    from examgen import registry
    from examgen.exam import BANK_TYPES, bank_for

    _check_topic(topic)
    kinds = registry.load_all()
    if kind is not None and kind not in kinds and kind not in BANK_TYPES:
        import difflib

        close = difflib.get_close_matches(kind, list(kinds) + list(BANK_TYPES), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else \
            f"; use a kind from `examgen list` or a bank type ({', '.join(BANK_TYPES)})"
        raise UserError(f"unknown kind '{kind}'{hint}")
    cards: list[Card] = []
    if kind is None or kind in kinds:
        for k in registry.all_kinds():
            if (kind is None or k.name == kind) and (topic is None or k.chapter == topic):
                cards.append(Card(f"kind:{k.name}", k.chapter, kind=k))
    if kind is None or kind in BANK_TYPES:
        for it in bank_for(bank_dir).items:
            if (kind is None or it.type == kind) and (topic is None or it.chapter == topic):
                cards.append(Card(f"item:{it.id}", it.chapter, item=it))
    if not cards:
        what = " ".join(f"--{n} {v}" for n, v in (("topic", topic), ("kind", kind)) if v)
        raise UserError(f"no problems match {what}")
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
        self.seen_items: set[str] = set()

    # ------------------------------------------------------------ input/output
    def read(self, prompt: str) -> str | None:
        """A line, or None at the end of input."""
        self.con.print(Text(prompt, style="bold"), end="")
        try:
            self.con.file.flush()
        except Exception:
            pass
        while True:
            ev = self.reader.get(1.0)
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
                self.con.print(Text(text or ""))
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
        """A fresh problem of the same kind; for a bank item another item of the same type and concept."""
        if card.kind is not None:
            return card
        it = card.item
        same = [c for c in self.cards if c.item is not None and c.item.id not in self.seen_items
                and c.item.type == it.type and set(c.item.concepts) & set(it.concepts)]
        if not same:
            same = [c for c in self.cards if c.item is not None and c.item.id not in self.seen_items
                    and c.item.type == it.type and c.item.chapter == it.chapter]
        return self.rng.choice(same) if same else None

    def hint(self, card: Card, pr: Problem, level: int) -> RenderableType:
        from examgen.ui.render import solution_view, step_lines

        head = Text(t("pr.hint", self.lang, level=min(level, 3)), style="bold yellow")
        if level >= 3:
            return Group(head, solution_view(pr, self.lang))
        if pr.steps:
            lines = [head]
            for i, step in enumerate(pr.steps, 1):
                line = Text(f"{i}. ")
                line.append_text(step_lines(step, self.lang, level))
                lines.append(line)
            return Group(*lines)
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

    # ------------------------------------------------------------ the loop
    def run(self) -> None:
        self.con.print(Text(t("pr.keys", self.lang), style="dim"))
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
        if self.done:
            rate = f"{100 * self.earned / self.points:.0f}%" if self.points else "–"
            self.con.print(Rule(style="dim"))
            self.con.print(Text(t("pr.summary", self.lang, n=self.done, rate=rate), style="bold"))

    def problem(self, card: Card, i: int) -> str:
        from examgen.grading import FormatError, grade, parse_answer
        from examgen.ui.exam_screen import question_view
        from examgen.ui.render import solution_view, verdict_view

        pr, carry = self.make(card)
        shown = time.monotonic()  # the time taken, for the schedule (a fast full-marks answer is rated Easy)
        number = self.done + 1
        level = 0
        recorded = False
        revealed = False
        while True:
            what = pr.ref if card.kind is not None else card.label
            what += " " + t("pr.due", self.lang) if card.key in self.due else ""
            self.con.print(Rule(t("pr.title", self.lang, i=number, n=self.count, what=what), style="cyan"))
            self.con.print(question_view(_Shown(number, pr), self.lang, self.con.width))
            answers: dict[str, str] = {}
            restart = False
            p = 0
            while p < len(pr.parts):
                part = pr.parts[p]
                label = "" if part.name == "" else f"{part.name} "
                line = self.read(f"{label}› ")
                if line is None:
                    return "quit"
                raw = line.strip()
                cmd = raw[1:].strip().lower() if raw.startswith(":") else None
                if cmd in ("q", "quit", "exit"):
                    return "quit"
                if cmd in ("s", "skip", "n", "next"):
                    return "skip"
                if cmd in ("h", "hint"):
                    level += 1
                    if level >= 3:
                        revealed = True
                    self.con.print(self.hint(card, pr, level))
                    continue
                if cmd in ("solution", "sol", "answer"):
                    revealed = True
                    level = 3
                    self.con.print(solution_view(pr, self.lang))
                    continue
                if cmd in ("new", "variant", "fresh"):
                    nxt = self.variant(card)
                    if nxt is None:
                        self.con.print(Text(t("pr.no_variant", self.lang), style="yellow"))
                        continue
                    self.con.print(Text(t("pr.new_variant", self.lang), style="dim"))
                    card = nxt
                    pr, carry = self.make(card)
                    shown = time.monotonic()
                    level, revealed, restart = 0, False, True
                    break
                if cmd is not None:
                    self.con.print(Text(t("q.unknown_cmd", self.lang, cmd=cmd), style="yellow"))
                    continue
                if not raw:
                    continue
                try:
                    parse_answer(part.spec, raw)
                except FormatError as exc:
                    self.con.print(Text(exc.message.get(self.lang) + " " + t("q.format_retry", self.lang),
                                        style="magenta"))
                    continue
                answers[part.name] = raw
                p += 1
            if restart:
                continue
            single = len(pr.parts) == 1 and pr.parts[0].name == ""
            verdict = grade(pr, answers.get("") if single else answers, carry)
            self.con.print(verdict_view(verdict, pr, self.lang))
            if not recorded:
                recorded = True
                earned = 0.0 if revealed else verdict.earned
                self.earned += earned
                self.points += float(pr.points)
                self.done += 1
                try:
                    self.store.record_practice(pr, earned, float(pr.points), time.monotonic() - shown)
                except UserError as exc:
                    self.con.print(Text(exc.message, style="red"))
            while True:
                line = self.read(t("pr.after", self.lang))
                if line is None:
                    return "quit"
                cmd = line.strip().lstrip(":").lower()
                if cmd in ("", "n", "next"):
                    return "done"
                if cmd in ("q", "quit", "exit"):
                    return "quit"
                if cmd in ("solution", "sol", "s", "answer"):
                    self.con.print(solution_view(pr, self.lang))
                    continue
                if cmd in ("h", "hint"):
                    level += 1
                    self.con.print(self.hint(card, pr, level))
                    continue
                if cmd in ("r", "retry"):
                    break
                if cmd in ("new", "variant"):
                    nxt = self.variant(card)
                    if nxt is None:
                        self.con.print(Text(t("pr.no_variant", self.lang), style="yellow"))
                        continue
                    self.con.print(Text(t("pr.new_variant", self.lang), style="dim"))
                    card = nxt
                    pr, carry = self.make(card)
                    level, revealed, recorded = 0, False, False
                    break
                self.con.print(Text(t("q.unknown_cmd", self.lang, cmd=cmd), style="yellow"))


def run_practice(topic: str | None, kind: str | None, weak: bool, count: int, seed: int | None,
                 bank_dir: str | None, lang: str, due_only: bool = False) -> None:
    from examgen.store import Store
    from examgen.ui.exam_screen import LineReader

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
