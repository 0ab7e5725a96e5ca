"""Solvers for recurrent cells."""

from __future__ import annotations

import math
from operator import mul
from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import num, p, round_answer, vec
from examgen.model import Part, Solution, Step, VectorSpec


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def affine(w: list[list[float]], z: list[float], b: list[float]) -> list[float]:
    return [sum(map(mul, row, z)) + bi for row, bi in zip(w, b)]


def _affine_work(w: list[list[float]], z: list[float], b: list[float]) -> str:
    rows = []
    for row, bi in zip(w, b):
        terms = " + ".join(f"{p(wi)} dot {p(zi)}" for wi, zi in zip(row, z))
        rows.append(f"{terms} + {p(bi)}")
    return rows[0] if len(rows) == 1 else "(" + "; ".join(rows) + ")"


def _v(values: list[float]) -> str:
    return num(values[0]) if len(values) == 1 else vec(values)


GATES = (
    ("f", "W_f", "b_f", "sigma", Bi("遗忘门", "Forget gate"), "f_t"),
    ("i", "W_i", "b_i", "sigma", Bi("输入门", "Input gate"), "i_t"),
    ("c_tilde", "W_c", "b_c", "tanh", Bi("候选细胞状态", "Candidate cell state"), "tilde(C)_t"),
    ("o", "W_o", "b_o", "sigma", Bi("输出门", "Output gate"), "o_t"),
)


def lstm_values(params: dict[str, Any]) -> dict[str, list[float]]:
    return lstm_cell(params, list(params["x"]), list(params["h_prev"]), list(params["c_prev"]))


def lstm_cell(weights: dict[str, Any], x: list[float], h_prev: list[float], c_prev: list[float]
              ) -> dict[str, list[float]]:
    """One LSTM step with the weights `W_f … b_o` of `weights`: pre-activations, gates, C_t and h_t."""
    z = h_prev + x
    exp, tanh = math.exp, math.tanh
    out: dict[str, list[float]] = {}
    for name, w, b, act, _, _ in GATES:
        pre = [sum(map(mul, row, z)) + bi for row, bi in zip(weights[w], weights[b])]
        out["pre_" + name] = pre
        out[name] = [1.0 / (1.0 + exp(-v)) for v in pre] if act == "sigma" else [tanh(v) for v in pre]
    out["c"] = c = [f * c0 + i * ct for f, c0, i, ct in zip(out["f"], c_prev, out["i"], out["c_tilde"])]
    out["h"] = [o * tanh(cv) for o, cv in zip(out["o"], c)]
    return out


def lstm_step(params: dict[str, Any]) -> Solution:
    z = list(params["h_prev"]) + list(params["x"])
    vals = lstm_values(params)
    steps = [Step(title=Bi("拼接上一时刻隐状态与当前输入", "Concatenate the previous hidden state and the input"),
                  formula="z = [h_(t-1), x_t]", result="z = " + _v(z))]
    for name, w, b, act, title, sym in GATES:
        pre = vals["pre_" + name]
        steps.append(Step(title=title, part=name, formula=f"{sym} = {act}({w} z + {b})",
                          work=f"{act}({_affine_work(params[w], z, params[b])}) = {act}({_v(pre)})",
                          result=f"{sym} approx {_v(vals[name])}"))
    c_work = "; ".join(f"{p(f)} dot {p(c0)} + {p(i)} dot {p(ct)}" for f, c0, i, ct in
                       zip(vals["f"], params["c_prev"], vals["i"], vals["c_tilde"]))
    steps.append(Step(title=Bi("更新细胞状态：遗忘旧信息并加入新信息", "Update the cell state: forget old, add new"),
                      part="c", formula="C_t = f_t dot.o C_(t-1) + i_t dot.o tilde(C)_t", work=c_work,
                      result=f"C_t approx {_v(vals['c'])}"))
    h_work = "; ".join(f"{p(o)} dot tanh({p(c)})" for o, c in zip(vals["o"], vals["c"]))
    steps.append(Step(title=Bi("输出隐状态", "Output hidden state"), part="h",
                      formula="h_t = o_t dot.o tanh(C_t)", work=h_work, result=f"h_t approx {_v(vals['h'])}"))
    n = len(params["h_prev"])
    spec = VectorSpec(n, decimals=4)
    labels = {
        "f": Bi("遗忘门 f_t", "Forget gate f_t"), "i": Bi("输入门 i_t", "Input gate i_t"),
        "c_tilde": Bi("候选状态 C̃_t", "Candidate C̃_t"), "c": Bi("细胞状态 C_t", "Cell state C_t"),
        "o": Bi("输出门 o_t", "Output gate o_t"), "h": Bi("隐状态 h_t", "Hidden state h_t"),
    }
    deps = {"c": ("f", "i", "c_tilde"), "h": ("o", "c")}
    parts = [Part(k, labels[k], spec, [round_answer(v) for v in vals[k]], depends_on=deps.get(k, ()))
             for k in ("f", "i", "c_tilde", "c", "o", "h")]
    return Solution(parts, steps)


def lstm_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> list[float] | None:
    """The key of `c` or `h` recomputed from the student's own earlier answers."""
    if part == "c":
        return [f * c0 + i * ct for f, c0, i, ct in
                zip(earlier["f"], params["c_prev"], earlier["i"], earlier["c_tilde"])]
    if part == "h":
        return [o * math.tanh(c) for o, c in zip(earlier["o"], earlier["c"])]
    return None
