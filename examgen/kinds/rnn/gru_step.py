"""`gru-step`: One GRU step.

Update gate, reset gate, candidate and new hidden state. Top to bottom: params schema, pure solver, sampler, prompt,
registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.i18n import Bi
from examgen.kinds._common import _nondegenerate, _r, decimal, matrix, pick, reusing, all_in
from examgen.kinds.rnn._shared import (
    _candidate, _dims, _rows_work, _terms, _v, _vec_text, check_gate_shapes, gru_cell,
)
from examgen.mathfmt import num, p
from examgen.model import Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


_GW = ("W_z", "W_r", "W_h")
_GB = ("b_z", "b_r", "b_h")


def _check_gru(params: dict[str, Any]) -> None:
    check_gate_shapes(params, _GW, _GB)


GRU_SCHEMA = Schema({
    "x": Param("floats", "input x_t"),
    "h_prev": Param("floats", "previous hidden state h_(t-1)"),
    **{w: Param("matrix", f"{w}: hidden × (hidden + input), acting on [h_prev, x] "
                          f"({'[r ⊙ h_prev, x]' if w == 'W_h' else '[h_prev, x]'})") for w in _GW},
    **{b: Param("floats", f"bias {b}") for b in _GB},
}, check=_check_gru)


# ---------------------------------------------------------------- solver
def gru_values(params: dict[str, Any]) -> dict[str, list[float]]:
    return gru_cell(params, list(params["x"]), list(params["h_prev"]))


def gru_candidate(params: dict[str, Any], r: list[float]) -> tuple[list[float], list[float]]:
    """h̃ = tanh(W_h [r ⊙ h_prev, x] + b_h): the reset gate scales the old state before the product."""
    return _candidate(params, r, list(params["h_prev"]), list(params["x"]))


def gru_update(params: dict[str, Any], z: list[float], h_tilde: list[float]) -> list[float]:
    """h_t = (1 − z) ⊙ h_prev + z ⊙ h̃ (the course's convention: z is the share of the new candidate)."""
    return [(1 - zi) * hp + zi * ht for zi, hp, ht in zip(z, params["h_prev"], h_tilde)]


def gru_step(params: dict[str, Any]) -> Solution:
    h_prev, x = list(params["h_prev"]), list(params["x"])
    n = len(h_prev)
    vals = gru_values(params)
    z_in = h_prev + x
    steps = [Step(title=Bi("拼接上一时刻隐状态与当前输入", "Concatenate the previous hidden state and the input"),
                  formula="v = [h_(t-1), x_t]", result="v = " + _v(z_in))]
    for key, w, b, title, sym in (("z", "W_z", "b_z", Bi("更新门（决定采用多少新的候选状态）",
                                                          "Update gate (how much of the new candidate to take)"),
                                   "z_t"),
                                  ("r", "W_r", "b_r", Bi("重置门（决定保留多少旧状态去计算候选状态）",
                                                          "Reset gate (how much of the old state feeds the candidate)"),
                                   "r_t")):
        rows = [f"{_terms(params[w][i], z_in)} + {p(params[b][i])}" for i in range(n)]
        steps.append(Step(title=title, part=key, formula=f"{sym} = sigma({w} v + {b})",
                          work=f"sigma({_rows_work(rows)}) = sigma({_v(vals['pre_' + key])})",
                          result=f"{sym} approx {_v(vals[key])}"))
    reset = [ri * hi for ri, hi in zip(vals["r"], h_prev)]
    steps.append(Step(title=Bi("用重置门缩放旧状态", "Scale the old state by the reset gate"), part="h_tilde",
                      formula="r_t dot.o h_(t-1)",
                      work="; ".join(f"{num(ri)} dot {p(hi)}" for ri, hi in zip(vals["r"], h_prev)),
                      result=f"r_t dot.o h_(t-1) approx {_v(reset)}"))
    rv = reset + x
    rows = [f"{_terms(params['W_h'][i], rv)} + {p(params['b_h'][i])}" for i in range(n)]
    steps.append(Step(title=Bi("候选隐状态", "Candidate hidden state"), part="h_tilde",
                      formula="tilde(h)_t = tanh(W_h [r_t dot.o h_(t-1), x_t] + b_h)",
                      work=f"tanh({_rows_work(rows)}) = tanh({_v(vals['pre_h_tilde'])})",
                      result=f"tilde(h)_t approx {_v(vals['h_tilde'])}"))
    h_work = "; ".join(f"(1 - {num(zi)}) dot {p(hp)} + {num(zi)} dot {p(ht)}"
                       for zi, hp, ht in zip(vals["z"], h_prev, vals["h_tilde"]))
    steps.append(Step(title=Bi("新隐状态：在旧状态与候选状态之间按更新门插值",
                               "New hidden state: interpolate between the old state and the candidate"),
                      part="h", formula="h_t = (1 - z_t) dot.o h_(t-1) + z_t dot.o tilde(h)_t", work=h_work,
                      result=f"h_t approx {_v(vals['h'])}",
                      note=Bi("PyTorch 写作 $h_t = (1 - z'_t) dot.o tilde(h)_t + z'_t dot.o h_(t-1)$，其中 "
                              "$z'_t = 1 - z_t$，两种写法结果相同。",
                              "PyTorch writes $h_t = (1 - z'_t) dot.o tilde(h)_t + z'_t dot.o h_(t-1)$ with "
                              "$z'_t = 1 - z_t$; both give the same result.")))
    spec = VectorSpec(n, decimals=4)
    labels = {"z": Bi("更新门 z_t", "Update gate z_t"), "r": Bi("重置门 r_t", "Reset gate r_t"),
              "h_tilde": Bi("候选状态 h̃_t", "Candidate h̃_t"), "h": Bi("隐状态 h_t", "Hidden state h_t")}
    deps = {"h_tilde": ("r",), "h": ("z", "h_tilde")}
    parts = [Part(k, labels[k], spec, _r(vals[k]), depends_on=deps.get(k, ())) for k in ("z", "r", "h_tilde", "h")]
    return Solution(parts, steps)


def gru_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> list[float] | None:
    """h̃ from the student's r; h from the student's z and h̃ (gates in (0, 1), h̃ in (−1, 1))."""
    if not all_in([earlier.get(g, 0.5) for g in ("r", "z")], 0, 1, open_lo=True, open_hi=True) or \
            not all_in(earlier.get("h_tilde", 0.0), -1, 1, open_lo=True, open_hi=True):
        return None
    if part == "h_tilde":
        return gru_candidate(params, list(earlier["r"]))[1]
    if part == "h":
        return gru_update(params, list(earlier["z"]), list(earlier["h_tilde"]))
    return None


# ---------------------------------------------------------------- sampler and prompt
def _val(rng: random.Random, lo: float, hi: float, two: bool) -> float:
    return decimal(rng, lo, hi, 2 if two else 1)


def sample_gru(rng: random.Random) -> dict[str, Any]:
    n, m = pick(rng, [(1, 1), (1, 1), (1, 2), (2, 1), (2, 2)])
    two = rng.random() < 0.3
    first = rng.random() < 0.2
    while True:
        params: dict[str, Any] = {
            "x": [_val(rng, -1, 1, two) or 0.5 for _ in range(m)],
            "h_prev": [0.0] * n if first else [_val(rng, -1, 1, two) or -0.5 for _ in range(n)],
        }
        for w in _GW:
            params[w] = [[_val(rng, -1, 1, two) for _ in range(n + m)] for _ in range(n)]
        for b in _GB:
            params[b] = [_val(rng, -0.5, 0.5, two) for _ in range(n)]
        vals = gru_values(params)
        # a visible update: the new state differs from the old one in every component
        if any(abs(h - hp) < 0.01 for h, hp in zip(vals["h"], params["h_prev"])):
            continue
        if any(all(v == 0 for v in row) for w in _GW for row in params[w]):
            continue
        return params


def prompt_gru(params: dict[str, Any]) -> Prompt:
    n, m = len(params["h_prev"]), len(params["x"])
    dims = _dims(n, m)
    eqs = ("$z_t = sigma(W_z [h_(t-1), x_t] + b_z)$, $r_t = sigma(W_r [h_(t-1), x_t] + b_r)$, "
           "$tilde(h)_t = tanh(W_h [r_t dot.o h_(t-1), x_t] + b_h)$, "
           "$h_t = (1 - z_t) dot.o h_(t-1) + z_t dot.o tilde(h)_t$")
    given = f"$x_t = {_vec_text(params['x'])}$, $h_(t-1) = {_vec_text(params['h_prev'])}$"
    biases = ", ".join(f"${b} = {_vec_text(params[b])}$" for b in _GB)
    zh = (f"一个 GRU 单元（{dims.zh}）按下式计算：{eqs.replace('$, $', '$，$')}。本题约定更新门 $z_t$ 越大，越多地采用新的候选状态 "
          f"$tilde(h)_t$（PyTorch 的写法 $h_t = (1 - z_t) dot.o tilde(h)_t + z_t dot.o h_(t-1)$ 中 $z_t$ 的含义正好相反）；"
          f"重置门先与旧状态逐元素相乘，再与 $x_t$ 拼接后乘以 $W_h$。权重矩阵作用在拼接向量上（见下图），偏置 {biases.replace('$, $', '$，$')}。"
          f"已知 {given.replace('$, $', '$，$')}，求 $z_t$、$r_t$、$tilde(h)_t$、$h_t$（保留四位小数）。")
    en = (f"A GRU cell ({dims.en}) computes {eqs}. Convention: a larger update gate $z_t$ takes more of the new "
          f"candidate $tilde(h)_t$ (in PyTorch's form $h_t = (1 - z_t) dot.o tilde(h)_t + z_t dot.o h_(t-1)$ the gate "
          f"means the opposite); the reset gate multiplies the old state element-wise before it is concatenated with "
          f"$x_t$ and multiplied by $W_h$. The weight matrices act on the concatenations (shown below); the biases "
          f"are {biases}. Given {given}, compute $z_t$, $r_t$, $tilde(h)_t$ and $h_t$ (4 decimals).")
    figs = [matrix(Bi(f"${w}$", f"${w}$"), params[w]) for w in _GW]
    return Prompt(Bi(zh, en), figs)


# ---------------------------------------------------------------- typical mistakes
def _z_reversed(params: dict[str, Any]) -> dict[str, list[float]]:
    """h_t = z ⊙ h_prev + (1 − z) ⊙ h̃: the update gate taken as the share of the old state."""
    v = gru_values(params)
    return {"h": [zi * hp + (1 - zi) * ht for zi, hp, ht in zip(v["z"], params["h_prev"], v["h_tilde"])]}


def _no_reset(params: dict[str, Any]) -> dict[str, list[float]] | None:
    """h̃ = tanh(W_h [h_prev, x] + b_h): the reset gate left out of the candidate."""
    if not any(params["h_prev"]):
        return None
    v = gru_values(params)
    h_tilde = gru_candidate(params, [1.0] * len(params["h_prev"]))[1]
    return {"h_tilde": h_tilde, "h": gru_update(params, v["z"], h_tilde)}


def _no_bias(params: dict[str, Any]) -> dict[str, list[float]] | None:
    if not any(v for b in _GB for v in params[b]):
        return None
    v = gru_values({**params, **{b: [0.0] * len(params[b]) for b in _GB}})
    return {k: v[k] for k in ("z", "r", "h_tilde", "h")}


MISTAKES = (
    Mistake("z-reversed", Bi("更新门用反了，写成了 h_t = z_t ⊙ h_(t−1) + (1 − z_t) ⊙ h̃_t；本课程中 z_t 是新候选状态所占的比例",
            "reversed the update gate, writing h_t = z_t ⊙ h_(t−1) + (1 − z_t) ⊙ h̃_t; here z_t is the share of the new "
            "candidate"), "New hidden state", _z_reversed),
    Mistake("candidate-without-reset", Bi("候选状态没有用重置门缩放旧状态：应为 tanh(W_h [r_t ⊙ h_(t−1), x_t] + b_h)",
            "left the reset gate out of the candidate: it is tanh(W_h [r_t ⊙ h_(t−1), x_t] + b_h)"),
            "Scale the old state", _no_reset),
    Mistake("forgot-bias", Bi("门和候选状态的计算漏了偏置 b", "left the biases b out of the gates and the candidate"),
            "Update gate", _no_bias),
)


register(Kind(
    name="gru-step", chapter="rnn", section="calculation", points=8,
    title=Bi("GRU 单步计算", "One GRU step"),
    summary=Bi("更新门、重置门、候选隐状态与新隐状态", "Update gate, reset gate, candidate and new hidden state"),
    conventions=Bi("h_t = (1 − z_t) ⊙ h_(t−1) + z_t ⊙ h̃_t（z 越大越多采用新状态；PyTorch 中 z 的含义相反）；"
                   "h̃_t = tanh(W_h [r_t ⊙ h_(t−1), x_t] + b_h)；保留四位小数；h̃_t 与 h_t 按你前面的答案继续计算也给分",
                   "h_t = (1 − z_t) ⊙ h_(t−1) + z_t ⊙ h̃_t (larger z takes more of the candidate; PyTorch's z means "
                   "the "
                   "opposite); h̃_t = tanh(W_h [r_t ⊙ h_(t−1), x_t] + b_h); 4 decimals; h̃_t and h_t also earn credit "
                   "when carried forward from your earlier answers"),
    variants=("scalar cell", "hidden size 2", "input size 2", "first step (h₀ = 0)", "two-decimal weights"),
    sample=_nondegenerate(sample_gru, gru_step), prompt=prompt_gru, solve=reusing(gru_step), schema=GRU_SCHEMA,
    carry_forward=gru_carry_forward,
    example={"x": [1.0], "h_prev": [0.5], "W_z": [[0.5, -0.4]], "W_r": [[0.3, 0.8]], "W_h": [[0.6, 0.2]],
             "b_z": [0.1], "b_r": [0.0], "b_h": [-0.2]},
    mistakes=MISTAKES,
))
