"""`rnn-step`: Forward pass of a vanilla RNN.

Unroll h_t = tanh(W_hh h_(t−1) + W_xh x_t + b) for one or two steps, optionally with an output layer. Top to bottom:
params schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _r, matrix, pick, all_in
from examgen.kinds.rnn._shared import _dims, _rows_work, _tenth, _terms, _v, _vec_text, matvec, sigmoid
from examgen.mathfmt import num, p
from examgen.model import Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


def _check_rnn(params: dict[str, Any]) -> None:
    n = len(params["h0"])
    m = len(params["xs"][0])
    if len(params["W_hh"]) != n or any(len(r) != n for r in params["W_hh"]):
        raise ParamError(f"W_hh must be {n}×{n} (hidden × hidden)")
    if len(params["W_xh"]) != n or any(len(r) != m for r in params["W_xh"]):
        raise ParamError(f"W_xh must be {n}×{m} (hidden × input)")
    if len(params["b"]) != n:
        raise ParamError(f"b must have {n} entries")
    if len(params["xs"]) > 4:
        raise ParamError("give at most 4 time steps (one row of xs per step)")
    has_w, has_b = params.get("W_hy") is not None, params.get("b_y") is not None
    if has_w != has_b:
        raise ParamError("give both W_hy and b_y for an output layer, or neither")
    if has_w:
        k = len(params["b_y"])
        if len(params["W_hy"]) != k or any(len(r) != n for r in params["W_hy"]):
            raise ParamError(f"W_hy must be {k}×{n} (outputs × hidden)")


RNN_SCHEMA = Schema({
    "W_hh": Param("matrix", "recurrent weights W_hh (hidden × hidden)"),
    "W_xh": Param("matrix", "input weights W_xh (hidden × input)"),
    "b": Param("floats", "bias b of the hidden state"),
    "h0": Param("floats", "initial hidden state h_0"),
    "xs": Param("matrix", "inputs: one row x_t per time step"),
    "W_hy": Param("matrix", "output weights W_hy (outputs × hidden), optional", optional=True),
    "b_y": Param("floats", "output bias b_y, optional", optional=True),
}, check=_check_rnn)


# ---------------------------------------------------------------- solver
def rnn_hidden(params: dict[str, Any], h_prev: list[float], x: list[float]) -> tuple[list[float], list[float]]:
    """(pre-activation, h) of one vanilla-RNN step h = tanh(W_hh h_prev + W_xh x + b)."""
    a = [u + v + b for u, v, b in zip(matvec(params["W_hh"], h_prev), matvec(params["W_xh"], x), params["b"])]
    return a, [math.tanh(v) for v in a]


def rnn_output(params: dict[str, Any], h: list[float]) -> list[float]:
    return [v + b for v, b in zip(matvec(params["W_hy"], h), params["b_y"])]


def rnn_values(params: dict[str, Any]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    h = list(params["h0"])
    for t, x in enumerate(params["xs"], start=1):
        a, h = rnn_hidden(params, h, list(x))
        out[f"a{t}"], out[f"h{t}"] = a, h
    if params.get("W_hy") is not None:
        out["y"] = rnn_output(params, h)
    return out


def rnn_step(params: dict[str, Any]) -> Solution:
    vals = rnn_values(params)
    n = len(params["h0"])
    steps_n = len(params["xs"])
    steps: list[Step] = []
    parts: list[Part] = []
    h = list(params["h0"])
    for t, x in enumerate(params["xs"], start=1):
        x = list(x)
        rows = []
        for i in range(n):
            rows.append(f"{_terms(params['W_hh'][i], h)} + {_terms(params['W_xh'][i], x)} + {p(params['b'][i])}")
        a, h_new = vals[f"a{t}"], vals[f"h{t}"]
        if t == 1:
            title = Bi("时刻 $t = 1$：由初始隐状态 $h_0$ 与输入 $x_1$ 计算 $h_1$",
                       "Time $t = 1$: $h_1$ from the initial state $h_0$ and the input $x_1$")
        else:
            title = Bi(f"时刻 $t = {t}$：把上一步的 $h_{t - 1}$ 与输入 $x_{t}$ 代入同一组权重（参数共享）",
                       f"Time $t = {t}$: feed $h_{t - 1}$ and the input $x_{t}$ through the same weights "
                       f"(shared across time)")
        steps.append(Step(title=title, part=f"h{t}",
                          formula=f'h_{t} = tanh(W_"hh" h_{t - 1} + W_"xh" x_{t} + b)',
                          work=f"tanh({_rows_work(rows)}) = tanh({_v(a)})",
                          result=f"h_{t} approx {_v(h_new)}"))
        parts.append(Part(f"h{t}", Bi(f"隐状态 h_{t}", f"Hidden state h_{t}"), VectorSpec(n, decimals=4), _r(h_new),
                          depends_on=(f"h{t - 1}",) if t > 1 else ()))
        h = h_new
    if "y" in vals:
        k = len(params["b_y"])
        rows = [f"{_terms(params['W_hy'][i], h)} + {p(params['b_y'][i])}" for i in range(k)]
        t = steps_n
        steps.append(Step(title=Bi(f"输出层（线性，不加激活）：由 $h_{t}$ 计算 $y_{t}$",
                                   f"Output layer (linear, no activation): $y_{t}$ from $h_{t}$"),
                          part="y", formula=f'y_{t} = W_"hy" h_{t} + b_y', work=_rows_work(rows),
                          result=f"y_{t} approx {_v(vals['y'])}"))
        parts.append(Part("y", Bi(f"输出 y_{t}", f"Output y_{t}"), VectorSpec(k, decimals=4), _r(vals["y"]),
                          depends_on=(f"h{t}",)))
    return Solution(parts, steps)


def rnn_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> list[float] | None:
    """h_t from the student's h_(t-1); y from the student's last hidden state (each in (−1, 1), as tanh's)."""
    if not all_in(list(earlier.values()), -1, 1, open_lo=True, open_hi=True):
        return None
    if part == "y":
        (h,) = earlier.values()
        return rnn_output(params, list(h))
    if part.startswith("h") and part[1:].isdigit() and int(part[1:]) > 1:
        t = int(part[1:])
        return rnn_hidden(params, list(earlier[f"h{t - 1}"]), list(params["xs"][t - 1]))[1]
    return None


# ---------------------------------------------------------------- sampler and prompt
def sample_rnn(rng: random.Random) -> dict[str, Any]:
    n, m = pick(rng, [(1, 1), (1, 1), (1, 2), (2, 1), (2, 2), (2, 1)])
    steps = pick(rng, [1, 2, 2])
    first = rng.random() < 0.3
    output = rng.random() < 0.45
    while True:
        params: dict[str, Any] = {
            "W_hh": [[_tenth(rng, -10, 10, True) for _ in range(n)] for _ in range(n)],
            "W_xh": [[_tenth(rng, -10, 10, True) for _ in range(m)] for _ in range(n)],
            "b": [_tenth(rng, -5, 5) for _ in range(n)],
            "h0": [0.0] * n if first else [_tenth(rng, -9, 9, True) for _ in range(n)],
            "xs": [[_tenth(rng, -10, 10, True) for _ in range(m)] for _ in range(steps)],
        }
        if output:
            k = pick(rng, [1, 1, 2]) if n == 2 else 1
            params["W_hy"] = [[_tenth(rng, -15, 15, True) for _ in range(n)] for _ in range(k)]
            params["b_y"] = [_tenth(rng, -5, 5) for _ in range(k)]
        vals = rnn_values(params)
        pre = [v for t in range(1, steps + 1) for v in vals[f"a{t}"]]
        if any(abs(v) < 0.05 for v in pre):
            continue
        if output and any(abs(v) < 0.01 for v in vals["y"]):
            continue
        return params


def prompt_rnn(params: dict[str, Any]) -> Prompt:
    n, m = len(params["h0"]), len(params["xs"][0])
    steps = len(params["xs"])
    output = params.get("W_hy") is not None
    scalar = n == 1 and m == 1 and (not output or len(params["b_y"]) == 1)
    dims = _dims(n, m)
    form = 'h_t = tanh(W_"hh" h_(t-1) + W_"xh" x_t + b)'
    out_zh = '，输出层为 $y_t = W_"hy" h_t + b_y$（线性，不加激活函数）' if output else ""
    out_en = ', and the output layer is $y_t = W_"hy" h_t + b_y$ (linear, no activation)' if output else ""
    xs = ", ".join(f"$x_{t} = {_vec_text(x)}$" for t, x in enumerate(params["xs"], start=1))
    h0 = f"$h_0 = {_vec_text(params['h0'])}$"
    if scalar:
        w = [f'$W_"hh" = {num(params["W_hh"][0][0])}$', f'$W_"xh" = {num(params["W_xh"][0][0])}$',
             f"$b = {num(params['b'][0])}$"]
        if output:
            w += [f'$W_"hy" = {num(params["W_hy"][0][0])}$', f"$b_y = {num(params['b_y'][0])}$"]
        given_zh = "参数为 " + "、".join(w) + "，"
        given_en = "the parameters are " + ", ".join(w) + "; "
        figs = []
    else:
        b_text = f"$b = {_vec_text(params['b'])}$"
        by_text = f"，$b_y = {_vec_text(params['b_y'])}$" if output else ""
        by_en = f", $b_y = {_vec_text(params['b_y'])}$" if output else ""
        given_zh = f"权重矩阵如下图，偏置 {b_text}{by_text}；"
        given_en = f"the weight matrices are shown below, the biases are {b_text}{by_en}; "
        figs = [matrix(Bi('$W_"hh"$', '$W_"hh"$'), params["W_hh"]), matrix(Bi('$W_"xh"$', '$W_"xh"$'), params["W_xh"])]
        if output:
            figs.append(matrix(Bi('$W_"hy"$', '$W_"hy"$'), params["W_hy"]))
    asks = [f"$h_{t}$" for t in range(1, steps + 1)]
    if output:
        asks.append(f"$y_{steps}$")
    ask_zh = "、".join(asks)
    ask_en = ", ".join(asks[:-1]) + " and " + asks[-1] if len(asks) > 1 else asks[0]
    zero = all(v == 0 for v in params["h0"])
    start_zh = "序列开始时隐状态为零，" if zero else "初始隐状态为 "
    start_en = "the sequence starts from a zero state, " if zero else "the initial state is "
    zh = (f"一个简单循环神经网络（vanilla RNN，{dims.zh}）按 ${form}$ 更新隐状态，所有时刻共享同一组参数{out_zh}。"
          f"{given_zh}{start_zh}{h0}，输入序列为 {xs.replace('$, $', '$，$')}。求 {ask_zh}（保留四位小数）。")
    en = (f"A vanilla RNN ({dims.en}) updates its hidden state by ${form}$, with the same parameters at every time "
          f"step{out_en}. Here {given_en}{start_en}{h0} and the inputs are {xs}. Compute {ask_en} (4 decimals).")
    return Prompt(Bi(zh, en), figs)


# ---------------------------------------------------------------- typical mistakes
def _forward(params: dict[str, Any], act: Any = math.tanh, bias: bool = True, recurrent: bool = True
             ) -> dict[str, list[float]]:
    """The forward pass done with a wrong rule: activation `act` for the hidden state, the biases left out, or
    every step fed h_0 instead of the previous state."""
    out: dict[str, list[float]] = {}
    h0 = h = list(params["h0"])
    for t, x in enumerate(params["xs"], start=1):
        pre = [u + v + (b if bias else 0.0) for u, v, b in
               zip(matvec(params["W_hh"], h if recurrent else h0), matvec(params["W_xh"], list(x)), params["b"])]
        out[f"h{t}"] = h = [act(v) for v in pre]
    if params.get("W_hy") is not None:
        out["y"] = [v + (b if bias else 0.0) for v, b in zip(matvec(params["W_hy"], h), params["b_y"])]
    return out


def _tanh_output(params: dict[str, Any]) -> dict[str, list[float]] | None:
    """y = tanh(W_hy h + b_y); None when every |y| < 0.2, where tanh(y) is y within the grading tolerance."""
    y = _forward(params)["y"]
    return None if all(abs(v) < 0.2 for v in y) else {"y": [math.tanh(v) for v in y]}


MISTAKES = (
    Mistake("sigmoid-for-tanh", Bi("隐状态的激活函数用了 σ；简单 RNN 应该用 tanh", "used σ for the hidden state; a "
            "vanilla RNN uses tanh"), "Time $t = 1$", lambda p: _forward(p, act=sigmoid)),
    Mistake("forgot-bias", Bi("漏了偏置 b（有输出层时也漏了 b_y）", "left out the bias b (and b_y of the output layer)"),
            "Time $t = 1$", lambda p: _forward(p, bias=False) if any(p["b"]) or any(p.get("b_y") or ()) else None),
    Mistake("no-recurrence", Bi("t = 2 时没有代入上一步的 h_1，仍用了 h_0", "at t = 2 fed h_0 again instead of the "
            "previous state h_1"), "Time $t = 2$",
            lambda p: _forward(p, recurrent=False) if len(p["xs"]) > 1 else None),
    Mistake("output-with-tanh", Bi("输出层又加了 tanh；本题输出层是线性的 y = W_hy h + b_y", "put a tanh on the "
            "output layer; here it is linear, y = W_hy h + b_y"), "Output layer",
            lambda p: _tanh_output(p) if p.get("W_hy") is not None else None),
)


register(Kind(
    name="rnn-step", chapter="rnn", section="calculation", points=6,
    title=Bi("简单循环神经网络的前向计算", "Forward pass of a vanilla RNN"),
    summary=Bi("按 h_t = tanh(W_hh h_(t−1) + W_xh x_t + b) 展开一到两个时刻，可含输出层",
               "Unroll h_t = tanh(W_hh h_(t−1) + W_xh x_t + b) for one or two steps, optionally with an output layer"),
    conventions=Bi("各时刻共享参数；输出层为线性 y = W_hy h + b_y；保留四位小数；h_2、y 按你前面的答案继续计算也给分",
                   "parameters shared across time; linear output y = W_hy h + b_y; 4 decimals; h_2 and y also earn "
                   "credit when carried forward from your earlier answers"),
    variants=("scalar, one step", "two time steps", "with output layer", "zero initial state", "hidden size 2 / "
              "input size 2 (matrices)"),
    sample=sample_rnn, prompt=prompt_rnn, solve=rnn_step, schema=RNN_SCHEMA,
    carry_forward=rnn_carry_forward,
    example={"W_hh": [[0.5]], "W_xh": [[1.0]], "b": [0.2], "h0": [0.0], "xs": [[1.0], [-0.5]],
             "W_hy": [[2.0]], "b_y": [-0.5]},
    mistakes=MISTAKES,
))
