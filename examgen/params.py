"""Parameter schemas: what each solver needs, how `--param name=value` is read, and validation.

Every kind declares its parameters once; `examgen solve` and the tests use the same schema, so a solver only
ever sees parameters of the right type. Cross-field rules live in the kind's `check` function."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from examgen.errors import ParamError


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
            raise ParamError(f"unknown parameter '{unknown[0]}'; expected: {', '.join(self.params)}")
        for name, spec in self.params.items():
            if name not in raw or raw[name] is None:
                if spec.optional:
                    if spec.default is not None:
                        out[name] = spec.default
                    continue
                raise ParamError(f"missing parameter '{name}' ({_describe(spec)})")
            out[name] = _coerce(name, spec, raw[name])
        if self.check is not None:
            self.check(out)
        return out


def _describe(spec: Param) -> str:
    text = {
        "int": "a whole number", "float": "a number", "bool": "true or false", "str": "a word",
        "ints": "a list of whole numbers like [3, 3]", "floats": "a list of numbers like [0.5, -0.2]",
        "matrix": "a matrix like [[1, 2], [3, 4]] or '1 2; 3 4'", "pairs": "a list of pairs like [[0, 5], [1, 3]]",
        "boxes": "a list of boxes like [[0, 0, 4, 4], [2, 2, 6, 6]]", "any": "a value",
    }[spec.type]
    if spec.choices:
        text = "one of " + ", ".join(str(c) for c in spec.choices)
    if spec.length:
        text += f" of length {spec.length}"
    return text


def _num(name: str, value: Any, integer: bool) -> float | int:
    if isinstance(value, bool):
        raise ParamError(f"parameter '{name}' must be a number, not {value}")
    if isinstance(value, str):
        from examgen.exprparse import ParseError, normalize, parse_number
        try:
            value = parse_number(normalize(value)).value
        except ParseError:
            raise ParamError(f"parameter '{name}' must be a number, got '{value}'") from None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ParamError(f"parameter '{name}' must be a number, got {value!r}")
    if integer:
        if abs(value - round(value)) > 1e-9:
            raise ParamError(f"parameter '{name}' must be a whole number, got {value}")
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
        raise ParamError(f"parameter '{name}' must be true or false, got {value!r}")
    if t == "str":
        value = str(value)
        if spec.choices and value not in spec.choices:
            raise ParamError(f"parameter '{name}' must be one of {', '.join(map(str, spec.choices))}, got '{value}'")
        return value
    if t in ("int", "float"):
        v = _num(name, value, t == "int")
        _range(name, spec, v)
        if spec.choices and v not in spec.choices:
            raise ParamError(f"parameter '{name}' must be one of {', '.join(map(str, spec.choices))}, got {v}")
        return v
    if t in ("ints", "floats"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = [value]
        if isinstance(value, str):
            value = _matrix_text(name, value)
            if len(value) == 1:
                value = value[0]
        if not isinstance(value, (list, tuple)):
            raise ParamError(f"parameter '{name}' must be {_describe(spec)}")
        vals = [_num(name, v, t == "ints") for v in value]
        if spec.length is not None and len(vals) != spec.length:
            raise ParamError(f"parameter '{name}' must have {spec.length} entries, got {len(vals)}")
        if not vals:
            raise ParamError(f"parameter '{name}' must not be empty")
        for v in vals:
            _range(name, spec, v)
        return vals
    if t in ("matrix", "pairs", "boxes"):
        if isinstance(value, str):
            value = _matrix_text(name, value)
        if (not isinstance(value, (list, tuple)) or not value
                or not all(isinstance(r, (list, tuple)) and r for r in value)):
            raise ParamError(f"parameter '{name}' must be {_describe(spec)}")
        rows = [[_num(name, v, False) for v in r] for r in value]
        width = len(rows[0])
        if any(len(r) != width for r in rows):
            raise ParamError(f"parameter '{name}': every row must have the same length")
        if t == "pairs" and width != 2:
            raise ParamError(f"parameter '{name}' must be {_describe(spec)}")
        if t == "boxes" and width != 4:
            raise ParamError(f"parameter '{name}': every box has 4 numbers")
        for r in rows:
            for v in r:
                _range(name, spec, v)
        return [[int(v) if float(v).is_integer() else v for v in r] for r in rows]
    raise ParamError(f"parameter '{name}' has an unknown type {t}")


def _range(name: str, spec: Param, v: float) -> None:
    if spec.min is not None and v < spec.min:
        raise ParamError(f"parameter '{name}' must be ≥ {spec.min:g}, got {v:g}")
    if spec.max is not None and v > spec.max:
        raise ParamError(f"parameter '{name}' must be ≤ {spec.max:g}, got {v:g}")


def _matrix_text(name: str, text: str) -> list[list[Any]]:
    """`'1 2; 3 4'` → [[1, 2], [3, 4]]; JSON/YAML lists are read by the CLI before they get here."""
    rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
    if not rows:
        raise ParamError(f"parameter '{name}' is empty")
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
