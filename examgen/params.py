"""Parameter schemas: what each solver needs, how `--param name=value` is read, and validation.

Every kind declares its parameters once; `examgen solve` and the tests use the same schema, so a solver only
ever sees parameters of the right type. Cross-field rules live in the kind's `check` function."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from examgen.errors import ParamError
from examgen.i18n import Bi


@dataclass(frozen=True)
class Param:
    """One parameter: `type` is one of int, float, bool, str, ints, floats, matrix, pairs, boxes, any."""

    type: str
    help: str = ""
    choices: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None
    length: int | None = None
    optional: bool = False
    default: Any = None


@dataclass(frozen=True)
class Schema:
    params: dict[str, Param]
    check: Callable[[dict[str, Any]], None] | None = None
    extra_ok: bool = False

    def validate(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Type-check and normalize parameters; raises ParamError with a one-line message."""
        out: dict[str, Any] = {}
        unknown = [k for k in raw if k not in self.params]
        if unknown and not self.extra_ok:
            raise ParamError(Bi(f"未知参数 {unknown[0]}；可用的参数：{'、'.join(self.params)}。",
                                f"unknown parameter '{unknown[0]}'; expected: {', '.join(self.params)}"))
        for name, spec in self.params.items():
            if name not in raw or raw[name] is None:
                if spec.optional:
                    if spec.default is not None:
                        out[name] = spec.default
                    continue
                d = _describe(spec)
                raise ParamError(Bi(f"缺少参数 {name}（{d.zh}）。", f"missing parameter '{name}' ({d.en})"))
            out[name] = _coerce(name, spec, raw[name])
        if self.check is not None:
            self.check(out)
        return out


_DESCRIBE = {
    "int": Bi("整数", "a whole number"), "float": Bi("数", "a number"), "bool": Bi("true 或 false", "true or false"),
    "str": Bi("一个词", "a word"), "ints": Bi("整数列表，如 [3, 3]", "a list of whole numbers like [3, 3]"),
    "floats": Bi("数的列表，如 [0.5, -0.2]", "a list of numbers like [0.5, -0.2]"),
    "matrix": Bi("矩阵，如 [[1, 2], [3, 4]] 或 “1 2; 3 4”", "a matrix like [[1, 2], [3, 4]] or '1 2; 3 4'"),
    "pairs": Bi("数对列表，如 [[0, 5], [1, 3]]", "a list of pairs like [[0, 5], [1, 3]]"),
    "boxes": Bi("框的列表，如 [[0, 0, 4, 4], [2, 2, 6, 6]]", "a list of boxes like [[0, 0, 4, 4], [2, 2, 6, 6]]"),
    "any": Bi("一个值", "a value"),
}


def _describe(spec: Param) -> Bi:
    """What a parameter must be, in both languages."""
    text = _DESCRIBE[spec.type]
    if spec.choices:
        text = Bi("取 " + "、".join(str(c) for c in spec.choices) + " 之一",
                  "one of " + ", ".join(str(c) for c in spec.choices))
    if spec.length:
        text = Bi(f"{text.zh}（长度 {spec.length}）", f"{text.en} of length {spec.length}")
    return text


def _must(name: str, what: Bi, got: Any = None, quoted: bool = False) -> ParamError:
    """'parameter NAME must be WHAT[, got GOT]' (`quoted`: GOT is text the user typed)."""
    zh = "" if got is None else "，收到 " + (f"“{got}”" if quoted else str(got))
    en = "" if got is None else ", got " + (f"'{got}'" if quoted else str(got))
    return ParamError(Bi(f"参数 {name} 应为{what.zh}{zh}。", f"parameter '{name}' must be {what.en}{en}"))


def _num(name: str, value: Any, integer: bool, what: Bi | None = None) -> float | int:
    """A number; `what` is said in the error (the whole parameter's description when this is one entry)."""
    if what is None:
        what = _DESCRIBE["int" if integer else "float"]
    if isinstance(value, bool):
        raise _must(name, what, value)
    if isinstance(value, str):
        from examgen.exprparse import ParseError, normalize, parse_number
        try:
            value = parse_number(normalize(value)).value
        except ParseError:
            raise _must(name, what, value, quoted=True) from None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _must(name, what, repr(value))
    if integer:
        if abs(value - round(value)) > 1e-9:
            raise _must(name, what, value)
        return int(round(value))
    return float(value) if not isinstance(value, int) else value


def _coerce(name: str, spec: Param, value: Any) -> Any:
    t = spec.type
    if t == "any":
        return value
    if t == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
            return value.lower() in ("true", "yes", "1")
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise _must(name, _DESCRIBE["bool"], repr(value))
    if t == "str":
        value = str(value).lower() if isinstance(value, bool) else str(value)   # YAML read `true` as True
        if spec.choices and value not in spec.choices:
            raise _must(name, _describe(spec), value, quoted=True)
        return value
    if t in ("int", "float"):
        v = _num(name, value, t == "int")
        _range(name, spec, v)
        if spec.choices and v not in spec.choices:
            raise _must(name, _describe(spec), v)
        return v
    if t in ("ints", "floats"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = [value]
        if isinstance(value, str):
            value = _matrix_text(name, value)
            if len(value) == 1:
                value = value[0]
        if not isinstance(value, (list, tuple)):
            raise _must(name, _describe(spec))
        vals = [_num(name, v, t == "ints", _describe(spec)) for v in value]
        if spec.length is not None and len(vals) != spec.length:
            raise ParamError(Bi(f"参数 {name} 应有 {spec.length} 项，收到 {len(vals)} 项。",
                                f"parameter '{name}' must have {spec.length} entries, got {len(vals)}"))
        if not vals:
            raise ParamError(Bi(f"参数 {name} 不能为空。", f"parameter '{name}' must not be empty"))
        for v in vals:
            _range(name, spec, v)
        return vals
    if t in ("matrix", "pairs", "boxes"):
        if isinstance(value, str):
            value = _matrix_text(name, value)
        if (not isinstance(value, (list, tuple)) or not value
                or not all(isinstance(r, (list, tuple)) and r for r in value)):
            raise _must(name, _describe(spec))
        rows = [[_num(name, v, False, _describe(spec)) for v in r] for r in value]
        width = len(rows[0])
        if any(len(r) != width for r in rows):
            raise ParamError(Bi(f"参数 {name}：每一行的长度应相同。", f"parameter '{name}': every row must have the same length"))
        if t == "pairs" and width != 2:
            raise _must(name, _describe(spec))
        if t == "boxes" and width != 4:
            raise ParamError(Bi(f"参数 {name}：每个框有 4 个数。", f"parameter '{name}': every box has 4 numbers"))
        for r in rows:
            for v in r:
                _range(name, spec, v)
        return [[int(v) if float(v).is_integer() else v for v in r] for r in rows]
    raise ParamError(Bi(f"参数 {name} 的类型 {t} 未知。", f"parameter '{name}' has an unknown type {t}"))


def _range(name: str, spec: Param, v: float) -> None:
    if spec.min is not None and v < spec.min:
        raise ParamError(Bi(f"参数 {name} 应 ≥ {spec.min:g}，收到 {v:g}。", f"parameter '{name}' must be ≥ {spec.min:g}, got {v:g}"))
    if spec.max is not None and v > spec.max:
        raise ParamError(Bi(f"参数 {name} 应 ≤ {spec.max:g}，收到 {v:g}。", f"parameter '{name}' must be ≤ {spec.max:g}, got {v:g}"))


def _matrix_text(name: str, text: str) -> list[list[Any]]:
    """`'1 2; 3 4'` → [[1, 2], [3, 4]]; JSON/YAML lists are read by the CLI before they get here."""
    rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
    if not rows:
        raise ParamError(Bi(f"参数 {name} 为空。", f"parameter '{name}' is empty"))
    return [[x for x in r.replace(",", " ").split()] for r in rows]


def parse_cli_value(text: str, shown: str = "--param") -> Any:
    """Read one `--param` value: YAML/JSON scalars and lists (`3`, `true`, `[32, 32]`, `[[1,2],[3,4]]`),
    otherwise the raw string. The limits of a params file hold (size, nesting, no aliases, number length)."""
    import yaml

    from examgen.safe_read import PARAMS, check_text_size, strict_loader

    check_text_size(text, shown, PARAMS)
    try:
        return yaml.load(text, Loader=strict_loader(None, PARAMS, shown))  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ValueError):
        return text


field = field  # re-exported for kinds that build schemas with defaults
