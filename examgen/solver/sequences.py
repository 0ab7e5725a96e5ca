"""Solvers for recurrent networks beyond the LSTM step: a vanilla RNN unrolled over one or two steps, one GRU
step, parameter counts of recurrent layers, and the back-propagated gradient through time of a scalar RNN."""

from __future__ import annotations

import math
from operator import mul
from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import num, p, round_answer, vec
from examgen.model import NumberSpec, Part, Solution, Step, VectorSpec


# ---------------------------------------------------------------- small linear algebra
def matvec(w: list[list[float]], v: list[float]) -> list[float]:
    return [sum(map(mul, row, v)) for row in w]  # the products added in order, from 0


def _v(values: list[float], d: int = 4) -> str:
    """A scalar for a length-1 vector, else a column vector."""
    return num(values[0], d) if len(values) == 1 else vec(values, d)


def _terms(row: list[float], z: list[float]) -> str:
    return " + ".join(f"{p(a)} dot {p(b)}" for a, b in zip(row, z))


def _rows_work(rows: list[str]) -> str:
    return rows[0] if len(rows) == 1 else "(" + "; ".join(rows) + ")"


def _r(values: list[float]) -> list[float]:
    return [round_answer(v) for v in values]


# ---------------------------------------------------------------- rnn-step
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
    """h_t from the student's h_(t-1); y from the student's last hidden state."""
    if part == "y":
        (h,) = earlier.values()
        return rnn_output(params, list(h))
    if part.startswith("h") and part[1:].isdigit() and int(part[1:]) > 1:
        t = int(part[1:])
        return rnn_hidden(params, list(earlier[f"h{t - 1}"]), list(params["xs"][t - 1]))[1]
    return None


# ---------------------------------------------------------------- gru-step
def gru_values(params: dict[str, Any]) -> dict[str, list[float]]:
    return gru_cell(params, list(params["x"]), list(params["h_prev"]))


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


def gru_candidate(params: dict[str, Any], r: list[float]) -> tuple[list[float], list[float]]:
    """h̃ = tanh(W_h [r ⊙ h_prev, x] + b_h): the reset gate scales the old state before the product."""
    return _candidate(params, r, list(params["h_prev"]), list(params["x"]))


def _candidate(weights: dict[str, Any], r: list[float], h_prev: list[float], x: list[float]
               ) -> tuple[list[float], list[float]]:
    reset = [ri * hi for ri, hi in zip(r, h_prev)]
    pre = [v + b for v, b in zip(matvec(weights["W_h"], reset + x), weights["b_h"])]
    return pre, [math.tanh(v) for v in pre]


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
    """h̃ from the student's r; h from the student's z and h̃."""
    if part == "h_tilde":
        return gru_candidate(params, list(earlier["r"]))[1]
    if part == "h":
        return gru_update(params, list(earlier["z"]), list(earlier["h_tilde"]))
    return None


# ---------------------------------------------------------------- recurrent-params
GATES = {"rnn": 1, "gru": 3, "lstm": 4}
CELL_NAMES = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}


def layer_params(cell: str, hidden: int, inputs: int, bias: str) -> int:
    """G·(h·(h + x) + h) with one bias vector per gate, or G·(h·(h + x) + 2h) with PyTorch's b_ih and b_hh."""
    per_bias = 2 if bias == "double" else 1
    return GATES[cell] * (hidden * (hidden + inputs) + per_bias * hidden)


def _layer_formula(g: int, bias: str) -> str:
    inner = "h(h + x) + 2h" if bias == "double" else "h(h + x) + h"
    return inner if g == 1 else f"{g}({inner})"


def _layer_work(g: int, h: int, x: int, bias: str) -> str:
    inner = f"{h} dot ({h} + {x}) + {'2 dot ' if bias == 'double' else ''}{h}"
    return inner if g == 1 else f"{g} dot ({inner})"


def _layer_step(cell: str, h: int, x: int, bias: str, part: str, title: Bi, symbol: str = "") -> Step:
    g = GATES[cell]
    value = layer_params(cell, h, x, bias)
    return Step(title=title, part=part, formula=f"{symbol or 'N_' + qname(cell)} = {_layer_formula(g, bias)}",
                work=_layer_work(g, h, x, bias), result=f"{value}")


def qname(cell: str) -> str:
    return '"' + CELL_NAMES[cell] + '"'


def recurrent_params(params: dict[str, Any]) -> Solution:
    cell, h, x, bias, ask = params["cell"], params["hidden"], params["input"], params["bias"], params["ask"]
    g = GATES[cell]
    name = CELL_NAMES[cell]
    per_bias = 2 if bias == "double" else 1
    gate_zh = {"rnn": "简单 RNN 只有 1 组权重（计算 $h_t$）", "gru": "GRU 有 3 组：更新门、重置门、候选状态",
               "lstm": "LSTM 有 4 组：遗忘门、输入门、候选细胞状态、输出门"}
    gate_en = {"rnn": "a vanilla RNN has 1 set of weights (for $h_t$)",
               "gru": "a GRU has 3 sets: update gate, reset gate, candidate state",
               "lstm": "an LSTM has 4 sets: forget, input, candidate cell state, output"}
    bias_zh = "两个偏置向量 $b_(i h)$、$b_(h h)$（PyTorch 约定）" if bias == "double" else "一个偏置向量"
    bias_en = "two bias vectors $b_(i h)$, $b_(h h)$ (PyTorch convention)" if bias == "double" else "one bias vector"
    bias_formula = "2h" if bias == "double" else "h"
    bias_work = f"2 dot {h}" if bias == "double" else f"{h}"

    def one_set(part: str) -> Step:
        return Step(title=Bi(f"每组权重：输入权重 $W$($h times x$)、循环权重 $U$($h times h$)和{bias_zh}",
                             f"One set of weights: input weights $W$ ($h times x$), recurrent weights $U$ "
                             f"($h times h$) and {bias_en}"),
                    part=part, formula=f"h x + h h + {bias_formula}", work=f"{h} dot {x} + {h} dot {h} + {bias_work}",
                    result=f"{h * x + h * h + per_bias * h}")

    steps: list[Step] = []
    parts: list[Part] = []
    integer = NumberSpec(integer=True)
    if ask == "layer":
        per = h * (h + x) + per_bias * h
        total = layer_params(cell, h, x, bias)
        steps.append(one_set("per_gate"))
        steps.append(Step(title=Bi(f"权重组数：{gate_zh[cell]}", f"Number of weight sets: {gate_en[cell]}"),
                          formula="G", result=f"G = {g}"))
        steps.append(Step(title=Bi(f"{name} 层的参数量", f"Parameters of the {name} layer"), part="layer",
                          formula=f"N = G dot ({_layer_formula(1, bias)})", work=f"{g} dot {per}",
                          result=f"N = {total}"))
        parts = [Part("per_gate", Bi("一组（一个门）的参数量", "Parameters of one set (one gate)"), integer, per),
                 Part("layer", Bi(f"{name} 层的参数量", f"Parameters of the {name} layer"), integer, total,
                      depends_on=("per_gate",))]
    elif ask == "output":
        k = params["outputs"]
        total_layer = layer_params(cell, h, x, bias)
        out = k * h + k
        steps.append(Step(title=Bi(f"{name} 层：{gate_zh[cell]}，每组 $h(h + x) + {bias_formula}$ 个参数",
                                   f"{name} layer: {gate_en[cell]}, each with $h(h + x) + {bias_formula}$ parameters"),
                          part="layer", formula=f"N_{qname(cell)} = {_layer_formula(g, bias)}",
                          work=_layer_work(g, h, x, bias), result=f"{total_layer}"))
        steps.append(Step(title=Bi("输出层（全连接）：权重 $K times h$ 加 $K$ 个偏置",
                                   "Output layer (fully connected): $K times h$ weights plus $K$ biases"),
                          part="output", formula='N_"out" = K h + K', work=f"{k} dot {h} + {k}", result=f"{out}"))
        steps.append(Step(title=Bi("总参数量", "Total parameters"), part="total",
                          formula=f'N = N_{qname(cell)} + N_"out"', work=f"{total_layer} + {out}",
                          result=f"{total_layer + out}"))
        parts = [Part("layer", Bi(f"{name} 层的参数量", f"Parameters of the {name} layer"), integer, total_layer),
                 Part("output", Bi("输出层的参数量", "Parameters of the output layer"), integer, out),
                 Part("total", Bi("总参数量", "Total parameters"), integer, total_layer + out,
                      depends_on=("layer", "output"))]
    elif ask == "compare":
        lstm, gru = layer_params("lstm", h, x, bias), layer_params("gru", h, x, bias)
        per = h * (h + x) + per_bias * h
        steps.append(one_set(""))
        steps.append(_layer_step("lstm", h, x, bias, "lstm",
                                 Bi("LSTM 有 4 组权重（遗忘门、输入门、候选细胞状态、输出门）",
                                    "An LSTM has 4 sets (forget, input, candidate cell state, output)")))
        steps.append(_layer_step("gru", h, x, bias, "gru",
                                 Bi("GRU 有 3 组权重（更新门、重置门、候选状态）",
                                    "A GRU has 3 sets (update gate, reset gate, candidate state)")))
        steps.append(Step(title=Bi("差值正好是一组权重的参数量", "The difference is exactly one set of weights"),
                          part="difference", formula='N_"LSTM" - N_"GRU"', work=f"{lstm} - {gru}",
                          result=f"{lstm - gru}",
                          note=Bi(f"二者之比恒为 4 : 3，与 h、x 无关（每组 {per} 个参数）。",
                                  f"Their ratio is always 4 : 3, whatever h and x (each set has {per} parameters).")))
        parts = [Part("lstm", Bi("LSTM 层的参数量", "Parameters of the LSTM layer"), integer, lstm),
                 Part("gru", Bi("GRU 层的参数量", "Parameters of the GRU layer"), integer, gru),
                 Part("difference", Bi("两者之差", "Their difference"), integer, lstm - gru,
                      depends_on=("lstm", "gru"))]
    elif ask == "stacked":
        l1, l2 = layer_params(cell, h, x, bias), layer_params(cell, h, h, bias)
        steps.append(_layer_step(cell, h, x, bias, "layer1",
                                 Bi(f"第 1 层：输入为 $x$ 维，{gate_zh[cell]}",
                                    f"Layer 1: input size $x$; {gate_en[cell]}"), "N_1"))
        steps.append(Step(title=Bi("第 2 层：输入是第 1 层的隐状态，维度为 $h$，公式中的 $x$ 换成 $h$",
                                   "Layer 2: its input is layer 1's hidden state, so $x$ becomes $h$"),
                          part="layer2", formula=f"N_2 = {_layer_formula(g, bias).replace('(h + x)', '(h + h)')}",
                          work=_layer_work(g, h, h, bias), result=f"{l2}"))
        steps.append(Step(title=Bi("两层的总参数量", "Total parameters of both layers"), part="total",
                          formula="N = N_1 + N_2", work=f"{l1} + {l2}", result=f"{l1 + l2}"))
        parts = [Part("layer1", Bi("第 1 层的参数量", "Parameters of layer 1"), integer, l1),
                 Part("layer2", Bi("第 2 层的参数量", "Parameters of layer 2"), integer, l2),
                 Part("total", Bi("总参数量", "Total parameters"), integer, l1 + l2, depends_on=("layer1", "layer2"))]
    else:
        raise ValueError(f"unknown ask {ask}")
    return Solution(parts, steps)


def recurrent_params_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> float | None:
    if part == "layer" and params["ask"] == "layer":
        return GATES[params["cell"]] * earlier["per_gate"]
    if part == "total":
        return sum(earlier.values())
    if part == "difference":
        return earlier["lstm"] - earlier["gru"]
    return None


# ---------------------------------------------------------------- bptt-gradient
def bptt_factor(w: float, h: float) -> float:
    """∂h_t/∂h_(t−1) = w·(1 − h_t²) for h_t = tanh(w h_(t−1) + u x_t + b)."""
    return w * (1 - h * h)


def steps_until(factor: float, threshold: float) -> int | None:
    """Smallest k ≥ 1 with |factor|^k < threshold (vanishing, threshold < 1) or > threshold (exploding)."""
    f = abs(factor)
    if f == 0 or f == 1 or threshold <= 0:
        return None
    if threshold < 1:
        if f > 1:
            return None
        k = max(1, math.ceil(math.log(threshold) / math.log(f)))
        while f ** k >= threshold:
            k += 1
        while k > 1 and f ** (k - 1) < threshold:
            k -= 1
        return k
    if f < 1:
        return None
    k = max(1, math.ceil(math.log(threshold) / math.log(f)))
    while f ** k <= threshold:
        k += 1
    while k > 1 and f ** (k - 1) > threshold:
        k -= 1
    return k


def _sig(x: float) -> str:
    """A number with 4 significant figures for display (tiny gradients stay readable)."""
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    return num(x, max(4, 3 - mag))


def sig_spec(x: float, figures: int = 3) -> NumberSpec:
    """A number asked to `figures` significant figures: as many decimals as that needs (so the key is shown
    with them), graded with the usual 1 % relative tolerance."""
    if x == 0:
        return NumberSpec(decimals=figures)
    return NumberSpec(decimals=max(0, figures - 1 - math.floor(math.log10(abs(x)))))


def _behaviour(value: float) -> Bi:
    if abs(value) < 1:
        return Bi("绝对值小于 1：梯度随步数增加而指数衰减（梯度消失）。",
                  "Absolute value below 1: the gradient shrinks exponentially with the number of steps (vanishing).")
    return Bi("绝对值大于 1：梯度随步数增加而指数增长（梯度爆炸）。",
              "Absolute value above 1: the gradient grows exponentially with the number of steps (exploding).")


def bptt_values(params: dict[str, Any]) -> dict[str, Any]:
    mode = params["mode"]
    w = params["w"]
    out: dict[str, Any] = {}
    if mode in ("given-h", "given-pre"):
        hs = [math.tanh(a) for a in params["pre"]] if mode == "given-pre" else list(params["h"])
        out["h"] = hs
        out["factors"] = [bptt_factor(w[0], h) for h in hs]
        prod = 1.0
        for f in out["factors"]:
            prod *= f
        out["product"] = prod
    elif mode == "steps":
        out["factor"] = bptt_factor(w[0], params["state"])
        out["steps"] = steps_until(out["factor"], params["threshold"])
    elif mode == "compare":
        out["factors"] = [bptt_factor(wi, params["state"]) for wi in w]
        out["vanish"] = out["factors"][0] ** params["T"]
        out["explode"] = out["factors"][1] ** params["T"]
    else:
        raise ValueError(f"unknown mode {mode}")
    return out


def bptt_gradient(params: dict[str, Any]) -> Solution:
    mode = params["mode"]
    w = params["w"]
    vals = bptt_values(params)
    steps: list[Step] = []
    parts: list[Part] = []
    deriv = Step(title=Bi("链式法则：每经过一步，梯度乘上一个因子", "Chain rule: each step multiplies the gradient by one factor"),
                 formula="h_t = tanh(a_t), quad a_t = w h_(t-1) + u x_t + b",
                 work="(partial h_t)/(partial h_(t-1)) = (1 - tanh^2(a_t)) dot w",
                 result="(partial h_t)/(partial h_(t-1)) = w (1 - h_t^2)")
    steps.append(deriv)
    if mode in ("given-h", "given-pre"):
        T = len(vals["h"])
        if mode == "given-pre":
            steps.append(Step(title=Bi("由预激活值求各时刻的隐状态", "Hidden states from the pre-activations"),
                              part="h", formula="h_t = tanh(a_t)",
                              work="; ".join(f"tanh({p(a)})" for a in params["pre"]),
                              result="h = " + _v(vals["h"])))
        steps.append(Step(title=Bi("逐个时刻计算因子", "The factor at each time step"), part="factors",
                          formula="f_t = w (1 - h_t^2)",
                          work="; ".join(f"{p(w[0])} dot (1 - {p(h, 4)}^2)" for h in vals["h"]),
                          result="f = " + _v(vals["factors"])))
        chain = " dot ".join(f"f_{t}" for t in range(T, 0, -1))
        steps.append(Step(title=Bi(f"连乘得到 $h_{T}$ 对 $h_0$ 的梯度", f"Multiply them: the gradient of $h_{T}$ with "
                                   f"respect to $h_0$"), part="product",
                          formula=f"(partial h_{T})/(partial h_0) = {chain}",
                          work=" dot ".join(p(f) for f in reversed(vals["factors"])),
                          result=f"(partial h_{T})/(partial h_0) approx {_sig(vals['product'])}",
                          note=_behaviour(vals["product"]) if all(abs(f) < 1 for f in vals["factors"]) or
                          all(abs(f) > 1 for f in vals["factors"]) else None))
        if mode == "given-pre":
            parts.append(Part("h", Bi("各时刻隐状态 h_1 … h_T", "Hidden states h_1 … h_T"),
                              VectorSpec(T, decimals=4), _r(vals["h"])))
        parts.append(Part("factors", Bi("各步因子 ∂h_t/∂h_(t−1)", "Per-step factors ∂h_t/∂h_(t−1)"),
                          VectorSpec(T, decimals=4), _r(vals["factors"]),
                          depends_on=("h",) if mode == "given-pre" else ()))
        parts.append(Part("product", Bi(f"梯度 ∂h_{T}/∂h_0", f"Gradient ∂h_{T}/∂h_0"), sig_spec(vals["product"]),
                          round_answer(vals["product"]), depends_on=("factors",)))
    elif mode == "steps":
        a, thr = params["state"], params["threshold"]
        f, k = vals["factor"], vals["steps"]
        steps.append(Step(title=Bi("隐状态保持为常数时，每一步的因子都相同", "With a constant hidden state every factor is the same"),
                          part="factor", formula="f = w (1 - h^2)", work=f"{p(w[0])} dot (1 - {p(a)}^2)",
                          result=f"f = {num(f, 6)}", note=_behaviour(f)))
        vanish = thr < 1
        rel = "<" if vanish else ">"
        steps.append(Step(title=Bi(f"经过 $k$ 步后梯度为 $f^k$；求使 $abs(f)^k {rel} {num(thr)}$ 的最小整数 $k$",
                                   f"After $k$ steps the gradient is $f^k$; find the smallest whole $k$ with "
                                   f"$abs(f)^k {rel} {num(thr)}$"),
                          part="steps", formula=f"k > ln {num(thr)} / ln abs(f)",
                          work=f"ln {num(thr)} / ln {num(abs(f), 6)} approx "
                               f"{num(math.log(thr) / math.log(abs(f)), 3)}",
                          result=f"k = {k}"))
        steps.append(Step(title=Bi("验算", "Check"), part="steps",
                          work=f"abs(f)^{k - 1} approx {_sig(abs(f) ** (k - 1))}, quad abs(f)^{k} approx "
                               f"{_sig(abs(f) ** k)}",
                          result=f"k = {k}"))
        parts = [Part("factor", Bi("每一步的因子 f", "The per-step factor f"), NumberSpec(decimals=4), round_answer(f)),
                 Part("steps", Bi("所需的最少步数 k", "Smallest number of steps k"), NumberSpec(integer=True), k,
                      depends_on=("factor",))]
    else:
        a, T = params["state"], params["T"]
        f1, f2 = vals["factors"]
        steps.append(Step(title=Bi(f"两种权重下的因子（$h = {num(a)}$）", f"The factor for both weights ($h = {num(a)}$)"),
                          part="factors", formula="f = w (1 - h^2)",
                          work=f"{p(w[0])} dot (1 - {p(a)}^2); quad {p(w[1])} dot (1 - {p(a)}^2)",
                          result=f"f_1 = {num(f1, 6)}, quad f_2 = {num(f2, 6)}"))
        steps.append(Step(title=Bi(f"$w = {num(w[0])}$：回传 {T} 步", f"$w = {num(w[0])}$: back through {T} steps"),
                          part="vanish", formula=f"(partial h_{T})/(partial h_0) = f_1^{T}",
                          work=f"{p(f1, 6)}^{T}", result=f"approx {_sig(vals['vanish'])}", note=_behaviour(f1)))
        steps.append(Step(title=Bi(f"$w = {num(w[1])}$：回传 {T} 步", f"$w = {num(w[1])}$: back through {T} steps"),
                          part="explode", formula=f"(partial h_{T})/(partial h_0) = f_2^{T}",
                          work=f"{p(f2, 6)}^{T}", result=f"approx {_sig(vals['explode'])}", note=_behaviour(f2)))
        parts = [Part("factors", Bi("两种权重下每一步的因子", "Per-step factor for each weight"),
                      VectorSpec(2, decimals=4), _r(vals["factors"])),
                 Part("vanish", Bi(f"w = {num(w[0])} 时的梯度", f"Gradient for w = {num(w[0])}"),
                      sig_spec(vals["vanish"]),
                      round_answer(vals["vanish"]), depends_on=("factors",)),
                 Part("explode", Bi(f"w = {num(w[1])} 时的梯度", f"Gradient for w = {num(w[1])}"),
                      sig_spec(vals["explode"]),
                      round_answer(vals["explode"]), depends_on=("factors",))]
    return Solution(parts, steps)


def bptt_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    mode = params["mode"]
    w = params["w"]
    if part == "factors" and mode == "given-pre":
        return [bptt_factor(w[0], h) for h in earlier["h"]]
    if part == "product":
        prod = 1.0
        for f in earlier["factors"]:
            prod *= f
        return prod
    if part == "steps":
        return steps_until(float(earlier["factor"]), params["threshold"])
    if part in ("vanish", "explode"):
        f = earlier["factors"][0 if part == "vanish" else 1]
        return f ** params["T"]
    return None
