"""`--shuffle`: question order within a section and option order per variant, the key following.

The order is a function of the variant seed only (`random.Random("examgen:shuffle:<seed>")`), so a shuffled
paper is reproducible from its seed like any other. Questions are shuffled within runs of the same type (the
single choices stay together, then the true/false items …), as printed papers group them.

Options are permuted and the answer letters remapped with them. Options are left in the bank's order when the
explanation names option letters (`D 错`, `so D is wrong`): the key would then contradict its explanation."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from typing import Any

from examgen.model import ChoiceSpec, Problem

LETTERS = "ABCDEFGHIJ"


def rng_for(seed: int | None) -> random.Random:
    return random.Random(f"examgen:shuffle:{seed}")


def names_letters(problem: Problem) -> bool:
    """True when the explanation refers to option letters (in either language)."""
    if problem.explanation is None:
        return False
    n = len(problem.options)
    letters = LETTERS[:n]
    zh = re.search(rf"(?<![A-Za-z_])[{letters}](?![A-Za-z_])", problem.explanation.zh)
    others = letters.replace("A", "")
    en = (others and re.search(rf"(?<![A-Za-z_])[{others}](?![A-Za-z_])", problem.explanation.en)) or re.search(
        r"(?<![A-Za-z_])A(?![A-Za-z_])(?! [a-z])|(?<![A-Za-z_])A (?:is|are|and|or|was)\b", problem.explanation.en)
    return bool(zh or en)


def shuffle_options(problem: Problem, rng: random.Random) -> Problem:
    """The problem with its options permuted and its answer letters following; unchanged if it has no options
    or its explanation names letters."""
    part = problem.parts[0] if problem.parts else None
    if not problem.options or part is None or not isinstance(part.spec, ChoiceSpec) or names_letters(problem):
        return problem
    order = list(range(len(problem.options)))
    rng.shuffle(order)  # new position i shows old option order[i]
    new_letter = {LETTERS[old]: LETTERS[new] for new, old in enumerate(order)}
    answer: Any = part.answer
    if isinstance(answer, list):
        answer = sorted(new_letter[a] for a in answer)
    else:
        answer = new_letter[answer]
    parts = [replace(part, answer=answer)] + list(problem.parts[1:])
    return replace(problem, options=[problem.options[i] for i in order], parts=parts)


def _groups(items: list[Any], kind_of: Any) -> list[list[Any]]:
    """Consecutive runs of items of the same type."""
    groups: list[list[Any]] = []
    for it in items:
        if groups and kind_of(groups[-1][0]) == kind_of(it):
            groups[-1].append(it)
        else:
            groups.append([it])
    return groups


def _type(problem: Problem) -> str:
    return problem.kind if problem.kind.startswith("bank-") else "generated"


def shuffle_problems(problems: list[Problem], seed: int | None) -> list[Problem]:
    """A practice selection shuffled: within each section and type, then options."""
    rng = rng_for(seed)
    by_section: dict[str, list[Problem]] = {}
    for p in problems:
        by_section.setdefault(p.section, []).append(p)
    out: list[Problem] = []
    for probs in by_section.values():
        for group in _groups(sorted(probs, key=_type), _type):
            rng.shuffle(group)
            out.extend(shuffle_options(p, rng) for p in group)
    return out


def shuffle_exam(exam: Any, seed: int | None) -> Any:
    """An `Exam` shuffled: within each section (by type), then options; items renumbered through."""
    rng = rng_for(seed)
    sections = []
    number = 0
    for sec in exam.sections:
        items = []
        for group in _groups(list(sec.items), lambda it: _type(it.problem)):
            rng.shuffle(group)
            for it in group:
                number += 1
                items.append(replace(it, number=number, problem=shuffle_options(it.problem, rng)))
        sections.append(replace(sec, items=items))
    return replace(exam, sections=sections)
