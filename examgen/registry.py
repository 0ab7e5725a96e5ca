"""One registry of problem kinds. Each kind is one module, `examgen/kinds/<chapter>/<kind>.py`, that registers its
kind on import; nothing keeps lists by hand. The registry finds kinds by their file names and imports a kind's module
only when the kind is asked for (`get`), or every module when all kinds are (`all_kinds`, `load_all`).

A kind bundles: stable name, chapter, section, default points, a parameter sampler (`sample(rng) -> params`),
a prompt builder (`prompt(params) -> Prompt`), a pure solver (`solve(params) -> Solution`), the parameter schema,
a worked example, and an optional carry-forward hook for multi-part problems."""

from __future__ import annotations

import importlib
import os
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from examgen.errors import ParamError, UserError
from examgen.i18n import Bi
from examgen.model import Problem, Prompt, Solution
from examgen.params import Schema

if TYPE_CHECKING:
    from examgen.mistakes import Mistake

_KINDS: dict[str, "Kind"] = {}
_INDEX: dict[str, str] = {}  # kind name -> module, from the file names under examgen/kinds/
_LOADED = False

MAX_SEED = 2**63 - 1
MAX_REDRAWS = 200  # draws tried before giving up on one that no mistake scores on (tests check none runs out)


@dataclass(frozen=True)
class Kind:
    name: str
    chapter: str
    section: str
    points: int
    title: Bi
    summary: Bi
    sample: Callable[[random.Random], dict[str, Any]]
    prompt: Callable[[dict[str, Any]], Prompt]
    solve: Callable[[dict[str, Any]], Solution]
    schema: Schema
    example: dict[str, Any]
    conventions: Bi = field(default_factory=lambda: Bi("", ""))
    variants: tuple[str, ...] = ()
    carry_forward: Callable[[dict[str, Any], str, dict[str, Any]], Any] | None = None
    mistakes: tuple["Mistake", ...] = ()
    rounded: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # see examgen.rounding

    def rng(self, seed: int) -> random.Random:
        """The random stream of one problem: seeded by kind name and seed (stable across Python versions)."""
        return random.Random(f"examgen:{self.name}:{seed}")

    def generate(self, seed: int) -> Problem:
        """The problem of a seed. A draw where a declared mistake gives the key's own value is rejected and the
        next draw of the same random stream taken, so a wrong method never scores."""
        rng = self.rng(seed)
        params = self.sample(rng)
        sol = self.solve(params)
        if self.mistakes:
            from examgen.mistakes import collides

            for _ in range(MAX_REDRAWS):
                if not collides(self, params, sol.parts):
                    break
                params = self.sample(rng)
                sol = self.solve(params)
        return self.build(params, seed, sol)

    def build(self, params: dict[str, Any], seed: int | None = None, sol: Solution | None = None) -> Problem:
        """A problem from parameters (already valid): prompt, answers and steps (`sol`: already solved)."""
        prompt = self.prompt(params)
        sol = sol if sol is not None else self.solve(params)
        parts = sol.parts   # answers reached by rounding as the prompt says: `rounding.accepted_parts`, when grading
        from examgen.stepfmt import fit_steps

        return Problem(kind=self.name, seed=seed, section=self.section, topic=self.chapter, points=self.points,
                       params=params, prompt=prompt.text, parts=parts, steps=fit_steps(sol.steps, parts),
                       figures=prompt.figures, title=self.title)

    def from_params(self, raw: dict[str, Any]) -> Problem:
        """Validate user-supplied parameters, then build (for `examgen solve`)."""
        params = self.schema.validate(raw)
        try:
            return self.build(params)
        except ParamError:
            raise
        except (ValueError, ZeroDivisionError, IndexError, KeyError) as exc:
            raise ParamError(f"these parameters do not make a valid {self.name} problem: {exc}") from exc

    def carry(self, params: dict[str, Any]) -> Callable[[str, dict[str, Any]], Any] | None:
        if self.carry_forward is None:
            return None
        hook = self.carry_forward
        return lambda part, earlier: hook(params, part, earlier)


def register(kind: Kind) -> Kind:
    if kind.name in _KINDS and _KINDS[kind.name] is not kind:
        raise RuntimeError(f"kind {kind.name!r} registered twice")
    _KINDS[kind.name] = kind
    return kind


def index() -> dict[str, str]:
    """Kind name → module, read from the file names of `examgen/kinds/<chapter>/` (no imports): a module
    `kinds/detection/yolo_cell.py` holds the kind `yolo-cell`. Chapters in the course's order."""
    if not _INDEX:
        from examgen.model import CHAPTERS

        root = os.path.join(os.path.dirname(__file__), "kinds")
        with os.scandir(root) as it:
            folders = {e.name for e in it if e.is_dir() and not e.name.startswith(("_", "."))}
        order = {c.replace("-", "_"): i for i, c in enumerate(CHAPTERS)}
        for folder in sorted(folders, key=lambda f: (order.get(f, len(order)), f)):
            with os.scandir(os.path.join(root, folder)) as it:
                stems = sorted(e.name[:-3] for e in it if e.name.endswith(".py") and not e.name.startswith("_"))
            for stem in stems:
                _INDEX[stem.replace("_", "-")] = f"examgen.kinds.{folder}.{stem}"
    return _INDEX


def _load(name: str) -> Kind:
    """Import the module of one kind (it registers itself)."""
    if name not in _KINDS:
        module = index()[name]
        importlib.import_module(module)
        if name not in _KINDS:
            raise RuntimeError(f"{module} does not register a kind named {name!r}")
    return _KINDS[name]


def load_all() -> dict[str, Kind]:
    """Import every kind module once (they register themselves)."""
    global _LOADED
    if not _LOADED:
        for name in index():
            _load(name)
        _LOADED = True
    return _KINDS


def all_kinds() -> list[Kind]:
    from examgen.model import CHAPTERS

    order = {c: i for i, c in enumerate(CHAPTERS)}
    return sorted(load_all().values(), key=lambda k: (order.get(k.chapter, 99), k.section != "calculation", k.name))


def get(name: str, bank_items: bool = False) -> Kind:
    """The kind called `name` (importing only its module), or a one-line error with the closest names
    (`bank_items`: the name may also have been a bank item id, and the error says so)."""
    if name in index():
        return _load(name)
    pool = list(index())
    if bank_items:
        from examgen.bank import load_bank

        pool += [it.id for it in load_bank().items]
    from examgen.suggest import close_names

    close = close_names(name, pool, n=3)
    if bank_items:
        what = Bi(f"没有名为 {name} 的题型或题库题目", f"no kind or bank item called '{name}'")
        where = Bi("examgen list 列出题型，examgen bank stats 列出题库", "`examgen list` shows the kinds, "
                   "`examgen bank stats` the bank")
    else:
        what = Bi(f"未知题型 {name}", f"unknown kind '{name}'")
        where = Bi("examgen list 列出全部题型", "`examgen list` shows all kinds")
    hint = Bi(f"；是不是 {'、'.join(close)}？", f"; did you mean {', '.join(close)}?") if close else \
        Bi("；" + where.zh, "; " + where.en)
    raise UserError(what + hint)


def check_seed(seed: int) -> int:
    if seed < 0 or seed > MAX_SEED:
        raise UserError(Bi(f"种子应在 0 到 {MAX_SEED} 之间，收到 {seed}。",
                           f"seed must be between 0 and {MAX_SEED}, got {seed}"))
    return seed


def problem(name: str, seed: int) -> Problem:
    return get(name).generate(check_seed(seed))
