"""Find what a command refers to: a generated kind (with a seed) or a bank item (by id)."""

from __future__ import annotations

import secrets
from typing import Any, Callable

from examgen import registry
from examgen.errors import UserError
from examgen.i18n import Bi
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
            raise UserError(Bi(f"{name} 是生成题型：请用 --seed N 指明要检查哪一道题。",
                               f"'{name}' is a generated kind: give --seed N to say which problem to check"))
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
    registry.get(name, bank_items=True)  # raises the "unknown kind or bank item … did you mean" error
    raise AssertionError("unreachable")


def split_answers(problem: Problem, raw: list[str]) -> str | dict[str, str]:
    """`--answer` values → the text of a single-part problem, or a mapping part → text."""
    names = [p.name for p in problem.parts]
    if len(names) == 1 and names[0] == "":
        if len(raw) != 1:
            raise UserError(Bi("这道题只有一个答案：--answer 只给一次。", "this problem has one answer: give --answer once"))
        return raw[0]
    out: dict[str, str] = {}
    for item in raw:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep:
            raise UserError(Bi(f"这道题有小问 {'、'.join(names)}：请写成 --answer 小问=答案，如 --answer {names[0]}=…",
                               f"this problem has parts {', '.join(names)}: write --answer PART=VALUE, "
                               f"e.g. --answer {names[0]}=…"))
        if key not in names:
            raise UserError(Bi(f"没有小问 {key}：这道题的小问是 {'、'.join(names)}（--answer {names[0]}=…）。",
                               f"unknown part {key}: this problem has parts {', '.join(names)} "
                               f"(--answer {names[0]}=…)"))
        if key in out:
            raise UserError(Bi(f"小问 {key} 给了两次答案。", f"part '{key}' answered twice"))
        out[key] = value
    return out
