"""Helpers shared by several kinds of chapter `rnn`."""

from __future__ import annotations

import math
import random
from operator import mul
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.mathfmt import num, p, vec


def check_gate_shapes(params: dict[str, Any], weights: tuple[str, ...], biases: tuple[str, ...]) -> None:
    """Every gate matrix is hidden × (hidden + input), acting on [h_prev, x]; every bias has hidden entries."""
    n, m = len(params["h_prev"]), len(params["x"])
    for w in weights:
        if len(params[w]) != n or any(len(r) != n + m for r in params[w]):
            raise ParamError(f"{w} must be {n}×{n + m} (it acts on the concatenation [h_prev, x])")
    for b in biases:
        if len(params[b]) != n:
            raise ParamError(f"{b} must have {n} entries")


LSTM_GATES = (
    ("f", "W_f", "b_f", "sigma", Bi("遗忘门", "Forget gate"), "f_t"),
    ("i", "W_i", "b_i", "sigma", Bi("输入门", "Input gate"), "i_t"),
    ("c_tilde", "W_c", "b_c", "tanh", Bi("候选细胞状态", "Candidate cell state"), "tilde(C)_t"),
    ("o", "W_o", "b_o", "sigma", Bi("输出门", "Output gate"), "o_t"),
)


def lstm_cell(weights: dict[str, Any], x: list[float], h_prev: list[float], c_prev: list[float]
              ) -> dict[str, list[float]]:
    """One LSTM step with the weights `W_f … b_o` of `weights`: pre-activations, gates, C_t and h_t."""
    z = h_prev + x
    exp, tanh = math.exp, math.tanh
    out: dict[str, list[float]] = {}
    for name, w, b, act, _, _ in LSTM_GATES:
        pre = [sum(map(mul, row, z)) + bi for row, bi in zip(weights[w], weights[b])]
        out["pre_" + name] = pre
        out[name] = [1.0 / (1.0 + exp(-v)) for v in pre] if act == "sigma" else [tanh(v) for v in pre]
    out["c"] = c = [f * c0 + i * ct for f, c0, i, ct in zip(out["f"], c_prev, out["i"], out["c_tilde"])]
    out["h"] = [o * tanh(cv) for o, cv in zip(out["o"], c)]
    return out


def sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


def matvec(w: list[list[float]], v: list[float]) -> list[float]:
    return [sum(map(mul, row, v)) for row in w]  # the products added in order, from 0


def _v(values: list[float], d: int | None = None) -> str:
    """A scalar for a length-1 vector, else a column vector."""
    return num(values[0], d) if len(values) == 1 else vec(values, d)


def _terms(row: list[float], z: list[float]) -> str:
    return " + ".join(f"{p(a)} dot {p(b)}" for a, b in zip(row, z))


def _rows_work(rows: list[str]) -> str:
    return rows[0] if len(rows) == 1 else "(" + "; ".join(rows) + ")"


def gru_cell(weights: dict[str, Any], x: list[float], h_prev: list[float]) -> dict[str, list[float]]:
    """One GRU step with the weights `W_z … b_h` of `weights`: pre-activations, gates, h̃ and h."""
    z_in = h_prev + x
    exp = math.exp
    out: dict[str, list[float]] = {}
    out["pre_z"] = pre_z = [v + b for v, b in zip(matvec(weights["W_z"], z_in), weights["b_z"])]
    out["z"] = z = [1.0 / (1.0 + exp(-v)) for v in pre_z]
    out["pre_r"] = pre_r = [v + b for v, b in zip(matvec(weights["W_r"], z_in), weights["b_r"])]
    out["r"] = r = [1.0 / (1.0 + exp(-v)) for v in pre_r]
    out["pre_h_tilde"], out["h_tilde"] = _candidate(weights, r, h_prev, x)
    out["h"] = [(1 - zi) * hp + zi * ht for zi, hp, ht in zip(z, h_prev, out["h_tilde"])]
    return out


def _candidate(weights: dict[str, Any], r: list[float], h_prev: list[float], x: list[float]
               ) -> tuple[list[float], list[float]]:
    reset = [ri * hi for ri, hi in zip(r, h_prev)]
    pre = [v + b for v, b in zip(matvec(weights["W_h"], reset + x), weights["b_h"])]
    return pre, [math.tanh(v) for v in pre]


GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def layer_params(cell: str, hidden: int, inputs: int, bias: str) -> int:
    """G·(h·(h + x) + h) with one bias vector per gate, or G·(h·(h + x) + 2h) with PyTorch's b_ih and b_hh."""
    per_bias = 2 if bias == "double" else 1
    return GATES[cell] * (hidden * (hidden + inputs) + per_bias * hidden)


GATES_ONLY = {"rnn": 1, "gru": 2, "lstm": 3}  # the gates alone: a count that forgets the candidate's own weights


def set_params(hidden: int, inputs: int, biases: int = 1, recurrent: bool = True) -> int:
    """Parameters of one set of weights: W (h×x), U (h×h) unless left out (a typical mistake), `biases` bias
    vectors of h."""
    return hidden * inputs + (hidden * hidden if recurrent else 0) + biases * hidden


def _vec_text(v: list[float]) -> str:
    return num(v[0]) if len(v) == 1 else "(" + ", ".join(num(x) for x in v) + ")^T"


def _tenth(rng: random.Random, lo: int, hi: int, nonzero: bool = False) -> float:
    """A one-decimal number lo/10 … hi/10 (optionally never 0)."""
    while True:
        v = rng.randint(lo, hi)
        if v or not nonzero:
            return round(v / 10, 1)


def _dims(n: int, m: int) -> Bi:
    if n == 1 and m == 1:
        return Bi("隐状态和输入都是标量", "hidden state and input are scalars")
    return Bi(f"隐状态维度 {n}，输入维度 {m}", f"hidden size {n}, input size {m}")
