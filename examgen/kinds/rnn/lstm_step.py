"""`lstm-step`: One LSTM step.

Forget, input, candidate, cell, output gate and hidden state. Top to bottom: params schema, pure solver, sampler,
prompt, registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _nondegenerate, decimal, matrix, reusing, all_in
from examgen.kinds.rnn._shared import LSTM_GATES, _vec_text, check_gate_shapes, lstm_cell
from examgen.mathfmt import num, p, round_answer, vec
from examgen.model import Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


_W = ("W_f", "W_i", "W_c", "W_o")
_B = ("b_f", "b_i", "b_c", "b_o")


def _check_lstm(params: dict[str, Any]) -> None:
    if len(params["c_prev"]) != len(params["h_prev"]):
        raise ParamError("c_prev must have the same length as h_prev")
    check_gate_shapes(params, _W, _B)


LSTM_SCHEMA = Schema({
    "x": Param("floats", "input x_t"),
    "h_prev": Param("floats", "previous hidden state h_(t-1)"),
    "c_prev": Param("floats", "previous cell state C_(t-1)"),
    **{w: Param("matrix", f"{w}: hidden × (hidden + input), acting on [h_prev, x]") for w in _W},
    **{b: Param("floats", f"bias {b}") for b in _B},
}, check=_check_lstm)


# ---------------------------------------------------------------- solver
def _affine_work(w: list[list[float]], z: list[float], b: list[float]) -> str:
    rows = []
    for row, bi in zip(w, b):
        terms = " + ".join(f"{p(wi)} dot {p(zi)}" for wi, zi in zip(row, z))
        rows.append(f"{terms} + {p(bi)}")
    return rows[0] if len(rows) == 1 else "(" + "; ".join(rows) + ")"


def _v(values: list[float]) -> str:
    return num(values[0]) if len(values) == 1 else vec(values)


def lstm_values(params: dict[str, Any]) -> dict[str, list[float]]:
    return lstm_cell(params, list(params["x"]), list(params["h_prev"]), list(params["c_prev"]))


def lstm_step(params: dict[str, Any]) -> Solution:
    z = list(params["h_prev"]) + list(params["x"])
    vals = lstm_values(params)
    steps = [Step(title=Bi("拼接上一时刻隐状态与当前输入", "Concatenate the previous hidden state and the input"),
                  formula="z = [h_(t-1), x_t]", result="z = " + _v(z))]
    for name, w, b, act, title, sym in LSTM_GATES:
        pre = vals["pre_" + name]
        steps.append(Step(title=title, part=name, formula=f"{sym} = {act}({w} z + {b})",
                          work=f"{act}({_affine_work(params[w], z, params[b])}) = {act}({_v(pre)})",
                          result=f"{sym} approx {_v(vals[name])}"))
    c_work = "; ".join(f"{p(f)} dot {p(c0)} + {p(i)} dot {p(ct)}" for f, c0, i, ct in
                       zip(vals["f"], params["c_prev"], vals["i"], vals["c_tilde"]))
    steps.append(Step(title=Bi("更新细胞状态：遗忘旧信息并加入新信息", "Update the cell state: forget old, add new"),
                      part="c", formula="C_t = f_t dot.o C_(t-1) + i_t dot.o tilde(C)_t", work=c_work,
                      result=f"C_t approx {_v(vals['c'])}"))
    h_work = "; ".join(f"{p(o)} dot tanh({num(c)})" for o, c in zip(vals["o"], vals["c"]))
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
    """The key of `c` or `h` recomputed from the student's own earlier answers (gates in (0, 1), C̃ in (−1, 1))."""
    gates = [earlier[g] for g in ("f", "i", "o") if g in earlier]
    if not all_in(gates, 0, 1, open_lo=True, open_hi=True) or \
            not all_in(earlier.get("c_tilde", 0.0), -1, 1, open_lo=True, open_hi=True):
        return None
    if part == "c":
        return [f * c0 + i * ct for f, c0, i, ct in
                zip(earlier["f"], params["c_prev"], earlier["i"], earlier["c_tilde"])]
    if part == "h":
        return [o * math.tanh(c) for o, c in zip(earlier["o"], earlier["c"])]
    return None


# ---------------------------------------------------------------- sampler and prompt
def _val(rng: random.Random, lo: float, hi: float, two_decimals: bool) -> float:
    return decimal(rng, lo, hi, 2 if two_decimals else 1)


def sample_lstm(rng: random.Random) -> dict[str, Any]:
    n, m = rng.choice([(1, 1), (1, 2), (2, 1), (2, 2), (1, 1)])
    two = rng.random() < 0.3
    first_step = rng.random() < 0.25
    params: dict[str, Any] = {
        "x": [_val(rng, -1, 1, two) or 0.5 for _ in range(m)],
        "h_prev": [0.0] * n if first_step else [_val(rng, -1, 1, two) for _ in range(n)],
        "c_prev": [0.0] * n if first_step else [_val(rng, -1, 1, two) for _ in range(n)],
    }
    for w in _W:
        params[w] = [[_val(rng, -1, 1, two) for _ in range(n + m)] for _ in range(n)]
    for b in _B:
        params[b] = [_val(rng, -0.5, 0.5, two) for _ in range(n)]
    return params


def prompt_lstm(params: dict[str, Any]) -> Prompt:
    n, m = len(params["h_prev"]), len(params["x"])
    given = (f"$x_t = {_vec_text(params['x'])}$, $h_(t-1) = {_vec_text(params['h_prev'])}$, "
             f"$C_(t-1) = {_vec_text(params['c_prev'])}$")
    biases = ", ".join(f"${b} = {_vec_text(params[b])}$" for b in _B)
    gates = ("$f_t = sigma(W_f [h_(t-1), x_t] + b_f)$, $i_t = sigma(W_i [h_(t-1), x_t] + b_i)$, "
             "$tilde(C)_t = tanh(W_c [h_(t-1), x_t] + b_c)$, $o_t = sigma(W_o [h_(t-1), x_t] + b_o)$, "
             "$C_t = f_t dot.o C_(t-1) + i_t dot.o tilde(C)_t$, $h_t = o_t dot.o tanh(C_t)$")
    dims_zh = "标量" if n == 1 and m == 1 else f"隐状态维度 {n}、输入维度 {m}"
    dims_en = "scalars" if n == 1 and m == 1 else f"hidden size {n}, input size {m}"
    zh = (f"一个 LSTM 单元（{dims_zh}）的计算为：{gates.replace('$, $', '$，$')}。权重矩阵作用在拼接向量 $[h_(t-1), x_t]$ 上（见下图），"
          f"偏置 {biases.replace('$, $', '$，$')}。已知 {given.replace('$, $', '$，$')}，求 $f_t$、$i_t$、$tilde(C)_t$、$C_t$、$o_t$、$h_t$（保留四位小数）。")
    en = (f"An LSTM cell ({dims_en}) computes {gates}. The weight matrices act on the concatenation "
          f"$[h_(t-1), x_t]$ (shown below); the biases are {biases}. Given {given}, compute $f_t$, $i_t$, "
          f"$tilde(C)_t$, $C_t$, $o_t$ and $h_t$ (4 decimals).")
    figs = [matrix(Bi(f"${w}$", f"${w}$"), params[w]) for w in _W]
    return Prompt(Bi(zh, en), figs)


# ---------------------------------------------------------------- typical mistakes
def _lstm_wrong(params: dict[str, Any], candidate: str = "tanh", bias: bool = True, h_tanh: bool = True,
                swap_gates: bool = False) -> dict[str, list[float]]:
    """One LSTM step done with a wrong rule: σ for the candidate, no biases, h = o ⊙ C without tanh, or the
    forget and input gates swapped in the cell update."""
    z = list(params["h_prev"]) + list(params["x"])

    def gate(w: str, b: str, act: str) -> list[float]:
        pre = [sum(wi * zi for wi, zi in zip(row, z)) + (bv if bias else 0.0) for row, bv in zip(params[w], params[b])]
        return [1 / (1 + math.exp(-v)) if act == "sigma" else math.tanh(v) for v in pre]

    f, i, o = gate("W_f", "b_f", "sigma"), gate("W_i", "b_i", "sigma"), gate("W_o", "b_o", "sigma")
    ct = gate("W_c", "b_c", candidate)
    if swap_gates:
        f, i = i, f
    c = [fv * c0 + iv * cv for fv, c0, iv, cv in zip(f, params["c_prev"], i, ct)]
    h = [ov * (math.tanh(cv) if h_tanh else cv) for ov, cv in zip(o, c)]
    return {"f": f, "i": i, "c_tilde": ct, "c": c, "o": o, "h": h}


def _no_bias(params: dict[str, Any]) -> dict[str, list[float]] | None:
    if not any(v for b in _B for v in params[b]):
        return None
    return _lstm_wrong(params, bias=False)


def _swapped(params: dict[str, Any]) -> dict[str, list[float]] | None:
    if not any(params["c_prev"]):
        return None
    v = _lstm_wrong(params, swap_gates=True)
    return {"c": v["c"], "h": v["h"]}


MISTAKES = (
    Mistake("candidate-sigmoid", Bi("候选状态用了 σ；C̃_t 应该用 tanh", "used σ for the candidate; C̃_t uses tanh"),
            "Candidate cell state", lambda p: {k: v for k, v in _lstm_wrong(p, candidate="sigma").items()
                                               if k in ("c_tilde", "c", "h")}),
    Mistake("hidden-without-tanh", Bi("算成了 h_t = o_t ⊙ C_t，漏了 tanh", "took h_t = o_t ⊙ C_t without the tanh"),
            "Output hidden state", lambda p: {"h": _lstm_wrong(p, h_tanh=False)["h"]}),
    Mistake("forgot-bias", Bi("门的计算漏了偏置 b", "left the biases b out of the gates"), "Forget gate", _no_bias),
    Mistake("gates-swapped", Bi("细胞更新把遗忘门和输入门用反了：应为 C_t = f_t ⊙ C_(t−1) + i_t ⊙ C̃_t",
            "swapped the forget and input gates in the cell update: C_t = f_t ⊙ C_(t−1) + i_t ⊙ C̃_t"),
            "Update the cell state", _swapped),
)


register(Kind(
    name="lstm-step", chapter="rnn", section="calculation", points=8,
    title=Bi("LSTM 单步计算", "One LSTM step"),
    summary=Bi("遗忘门、输入门、候选状态、细胞状态、输出门与隐状态", "Forget, input, candidate, cell, output gate and hidden state"),
    conventions=Bi("权重作用于 [h_(t−1), x_t]；σ 为 sigmoid；⊙ 为逐元素乘；保留四位小数；C_t 与 h_t 按你前面的答案继续计算也给分",
                   "weights act on [h_(t−1), x_t]; σ is the sigmoid; ⊙ is element-wise; 4 decimals; C_t and h_t also "
                   "earn credit when carried forward from your earlier answers"),
    variants=("scalar cell", "hidden size 2", "input size 2", "first step (h₀ = C₀ = 0)"),
    sample=_nondegenerate(sample_lstm, lstm_step), prompt=prompt_lstm, solve=reusing(lstm_step), schema=LSTM_SCHEMA,
    carry_forward=lstm_carry_forward,
    example={"x": [1.0], "h_prev": [0.5], "c_prev": [0.2], "W_f": [[0.5, 0.5]], "W_i": [[0.4, -0.2]],
             "W_c": [[0.3, 0.6]], "W_o": [[-0.1, 0.8]], "b_f": [0.1], "b_i": [0.0], "b_c": [-0.1], "b_o": [0.2]},
    mistakes=MISTAKES,
))
