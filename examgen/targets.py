"""Find what a command refers to: a generated kind (with a seed) or a bank item (by id)."""

from __future__ import annotations

import secrets
from typing import Any, Callable

from examgen import registry
from examgen.errors import UserError
from examgen.model import Problem


def random_seed() -> int:
    """A fresh seed for when the user gives none (printed with the problem so it can be found again)."""
    return secrets.randbelow(1_000_000)


def resolve(name: str, seed: int | None, bank_dir: str | None = None) -> tuple[Problem, Callable[..., Any] | None]:
    """The problem named by `name`: a kind (generated from `seed`) or a bank item id. Also returns the kind's
    carry-forward hook, bound to the problem's parameters."""
    kinds = registry.load_all()
    if name in kinds:
        kind = kinds[name]
        if seed is None:
            raise UserError(f"'{name}' is a generated kind: give --seed N to say which problem to check")
        problem = kind.generate(registry.check_seed(seed))
        return problem, kind.carry(problem.params)
    try:
        from examgen import bank
    except ImportError:  # pragma: no cover - the bank module ships with the package
        bank = None  # type: ignore[assignment]
    if bank is not None:
        item = bank.find_item(name, bank_dir)
        if item is not None:
            return item, None
    registry.get(name)  # raises the "unknown kind … did you mean" error
    raise AssertionError("unreachable")


def split_answers(problem: Problem, raw: list[str]) -> str | dict[str, str]:
    """`--answer` values → the text of a single-part problem, or a mapping part → text."""
    names = [p.name for p in problem.parts]
    if len(names) == 1 and names[0] == "":
        if len(raw) != 1:
            raise UserError("this problem has one answer: give --answer once")
        return raw[0]
    out: dict[str, str] = {}
    for item in raw:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in names:
            raise UserError(f"this problem has parts {', '.join(names)}: write --answer PART=VALUE, "
                            f"e.g. --answer {names[0]}=…")
        if key in out:
            raise UserError(f"part '{key}' answered twice")
        out[key] = value
    return out
