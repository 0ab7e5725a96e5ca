"""Generators for recurrent networks (chapter 9): a vanilla RNN unrolled in time, one GRU step, parameter counts of
recurrent layers, and vanishing / exploding gradients through time."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.generators._common import matrix, pick, decimal
from examgen.i18n import Bi
from examgen.mathfmt import num
from examgen.model import Prompt
from examgen.params import Param, Schema
from examgen.registry import Kind, register
from examgen.solver import sequences as solver


def _tenth(rng: random.Random, lo: int, hi: int, nonzero: bool = False) -> float:
    """A one-decimal number lo/10 … hi/10 (optionally never 0)."""
    while True:
        v = rng.randint(lo, hi)
        if v or not nonzero:
            return round(v / 10, 1)


def _vec_text(v: list[float]) -> str:
    return num(v[0]) if len(v) == 1 else "(" + ", ".join(num(x) for x in v) + ")^T"


def _dims(n: int, m: int) -> Bi:
    if n == 1 and m == 1:
        return Bi("隐状态和输入都是标量", "hidden state and input are scalars")
    return Bi(f"隐状态维度 {n}，输入维度 {m}", f"hidden size {n}, input size {m}")


# ---------------------------------------------------------------- rnn-step
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
        vals = solver.rnn_values(params)
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
    sample=sample_rnn, prompt=prompt_rnn, solve=solver.rnn_step, schema=RNN_SCHEMA,
    carry_forward=solver.rnn_carry_forward,
    example={"W_hh": [[0.5]], "W_xh": [[1.0]], "b": [0.2], "h0": [0.0], "xs": [[1.0], [-0.5]],
             "W_hy": [[2.0]], "b_y": [-0.5]},
))


# ---------------------------------------------------------------- gru-step
_GW = ("W_z", "W_r", "W_h")
_GB = ("b_z", "b_r", "b_h")


def _check_gru(params: dict[str, Any]) -> None:
    n, m = len(params["h_prev"]), len(params["x"])
    for w in _GW:
        if len(params[w]) != n or any(len(r) != n + m for r in params[w]):
            raise ParamError(f"{w} must be {n}×{n + m} (it acts on the concatenation [h_prev, x])")
    for b in _GB:
        if len(params[b]) != n:
            raise ParamError(f"{b} must have {n} entries")


GRU_SCHEMA = Schema({
    "x": Param("floats", "input x_t"),
    "h_prev": Param("floats", "previous hidden state h_(t-1)"),
    **{w: Param("matrix", f"{w}: hidden × (hidden + input), acting on [h_prev, x] "
                          f"({'[r ⊙ h_prev, x]' if w == 'W_h' else '[h_prev, x]'})") for w in _GW},
    **{b: Param("floats", f"bias {b}") for b in _GB},
}, check=_check_gru)


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
        vals = solver.gru_values(params)
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
    sample=sample_gru, prompt=prompt_gru, solve=solver.gru_step, schema=GRU_SCHEMA,
    carry_forward=solver.gru_carry_forward,
    example={"x": [1.0], "h_prev": [0.5], "W_z": [[0.5, -0.4]], "W_r": [[0.3, 0.8]], "W_h": [[0.6, 0.2]],
             "b_z": [0.1], "b_r": [0.0], "b_h": [-0.2]},
))


# ---------------------------------------------------------------- recurrent-params
_ASKS = ("layer", "output", "compare", "stacked")


def _check_recurrent(params: dict[str, Any]) -> None:
    if params["ask"] == "output" and params.get("outputs") is None:
        raise ParamError("ask=output needs 'outputs' (the number of output units K)")
    if params["ask"] != "output" and params.get("outputs") is not None:
        raise ParamError("'outputs' is only used with ask=output")
    if params["ask"] == "compare" and params["cell"] != "lstm":
        raise ParamError("ask=compare compares LSTM with GRU: set cell=lstm")


RECURRENT_SCHEMA = Schema({
    "cell": Param("str", "rnn, lstm or gru", choices=("rnn", "lstm", "gru")),
    "hidden": Param("int", "hidden size h", min=1, max=10000),
    "input": Param("int", "input size x", min=1, max=100000),
    "bias": Param("str", "single = one bias vector per gate; double = PyTorch's b_ih and b_hh",
                  choices=("single", "double")),
    "ask": Param("str", "layer (one gate + layer), output (+ FC output layer), compare (LSTM vs GRU), "
                        "stacked (2 layers)",
                 choices=_ASKS),
    "outputs": Param("int", "output units K of the FC layer (ask=output)", min=1, max=100000, optional=True),
    "story": Param("str", "how the sizes are told: plain or text (word embeddings)", choices=("plain", "text"),
                   optional=True),
}, check=_check_recurrent)


def sample_recurrent(rng: random.Random) -> dict[str, Any]:
    ask = pick(rng, _ASKS)
    if ask == "compare":
        cell = "lstm"
    elif ask == "layer":  # "one set (one gate)" needs a gated cell
        cell = pick(rng, ["lstm", "gru"])
    else:
        cell = pick(rng, ["rnn", "lstm", "lstm", "gru", "gru"])
    if rng.random() < 0.5:
        h = pick(rng, [8, 10, 16, 20, 32, 50, 64, 100, 128, 200, 256, 512])
    else:
        h = rng.randint(3, 80)
    if rng.random() < 0.4:
        x = pick(rng, [1, 3, 10, 26, 28, 50, 64, 100, 128, 200, 256, 300])
    else:
        x = rng.randint(2, 120)
    params: dict[str, Any] = {"cell": cell, "hidden": h, "input": x, "bias": pick(rng, ["single", "double"]),
                              "ask": ask}
    if ask == "output":
        params["outputs"] = pick(rng, [2, 3, 5, 10, 10, 20, 100]) if rng.random() < 0.5 else rng.randint(2, 12)
        params["story"] = pick(rng, ["plain", "text"])
    return params


def prompt_recurrent(params: dict[str, Any]) -> Prompt:
    cell, h, x, bias, ask = params["cell"], params["hidden"], params["input"], params["bias"], params["ask"]
    name = solver.CELL_NAMES[cell]
    if bias == "double":
        bz = '按 PyTorch 的约定，每组权重带两个偏置向量 $b_"ih"$ 和 $b_"hh"$（各 $h$ 个数）'
        be = 'following PyTorch, every set of weights has two bias vectors $b_"ih"$ and $b_"hh"$ ($h$ numbers each)'
    else:
        bz = "每组权重只带一个偏置向量（$h$ 个数）"
        be = "every set of weights has a single bias vector ($h$ numbers)"
    sets_zh = ("（每个门以及候选状态各有一组作用于 $[h_(t-1), x_t]$ 的权重）" if cell != "rnn"
               else "($h_t = tanh(W x_t + U h_(t-1) + b)$)")
    sets_en = (" (each gate and the candidate state has its own set of weights acting on $[h_(t-1), x_t]$)"
               if cell != "rnn" else " ($h_t = tanh(W x_t + U h_(t-1) + b)$)")
    if ask == "layer":
        zh = (f"一个单层 {name}{sets_zh}的输入维度为 $x = {x}$，隐状态维度为 $h = {h}$，{bz}。"
              f"求：(1) 一组权重（一个门）的参数量；(2) 整个 {name} 层的参数量。")
        en = (f"A single {name} layer{sets_en} has input size $x = {x}$ and hidden size $h = {h}$; {be}. "
              f"Find (1) the parameters of one set of weights (one gate) and (2) the parameters of the whole "
              f"{name} layer.")
    elif ask == "output":
        k = params["outputs"]
        if params.get("story", "plain") == "text":
            zh = (f"用 {name} 做文本分类：每个词用 ${x}$ 维的词向量表示，{name} 的隐状态维度为 ${h}$，"
                  f"最后时刻的隐状态经过一个全连接层（带偏置）输出 ${k}$ 个类别的得分。{bz}。"
                  f"求：(1) {name} 层的参数量；(2) 全连接输出层的参数量；(3) 总参数量（词向量本身不计）。")
            article = "A" if name == "GRU" else "An"
            en = (f"{article} {name} classifies texts: every word is a ${x}$-dimensional word vector, the {name} has "
                  f"hidden size "
                  f"${h}$, and its last hidden state goes through a fully connected layer (with bias) giving ${k}$ "
                  f"class scores. {be[0].upper()}{be[1:]}. Find (1) the parameters of the {name} layer, (2) those "
                  f"of the output layer and (3) the total (not counting the word vectors).")
        else:
            zh = (f"一个单层 {name}{sets_zh}的输入维度为 $x = {x}$，隐状态维度为 $h = {h}$，{bz}；其后接一个全连接"
                  f"输出层（带偏置），把隐状态映射为 $K = {k}$ 个输出。求：(1) {name} 层的参数量；(2) 输出层的参数量；"
                  f"(3) 总参数量。")
            en = (f"A single {name} layer{sets_en} has input size $x = {x}$ and hidden size $h = {h}$; {be}. A fully "
                  f"connected output layer (with bias) maps the hidden state to $K = {k}$ outputs. Find (1) the "
                  f"parameters of the {name} layer, (2) those of the output layer and (3) the total.")
    elif ask == "compare":
        zh = (f"输入维度 $x = {x}$，隐状态维度 $h = {h}$，{bz}。分别求一个 LSTM 层和一个 GRU 层的参数量，"
              f"以及 LSTM 层比 GRU 层多出的参数量。")
        en = (f"The input size is $x = {x}$ and the hidden size $h = {h}$; {be}. Find the parameters of an LSTM "
              f"layer and of a GRU layer, and how many more parameters the LSTM layer has.")
    else:
        each_zh = ("每层的每个门以及候选状态各有一组作用于 $[h_(t-1), x_t]$ 的权重" if cell != "rnn"
                   else "每层按 $h_t = tanh(W x_t + U h_(t-1) + b)$ 计算")
        each_en = ("in each layer every gate and the candidate state has its own set of weights acting on "
                   "$[h_(t-1), x_t]$" if cell != "rnn" else "each layer computes $h_t = tanh(W x_t + U h_(t-1) + b)$")
        zh = (f"两层堆叠的 {name}：第 1 层输出的隐状态序列作为第 2 层的输入，{each_zh}。网络输入维度为 $x = {x}$，"
              f"两层的隐状态维度都是 $h = {h}$，{bz}。求：(1) 第 1 层的参数量；(2) 第 2 层的参数量；(3) 总参数量。")
        en = (f"A two-layer stacked {name}: the hidden-state sequence of layer 1 is the input of layer 2, and "
              f"{each_en}. The input size is $x = {x}$ and both layers have hidden size $h = {h}$; {be}. Find the "
              f"parameters of (1) layer 1, (2) layer 2 and (3) both layers together.")
    return Prompt(Bi(zh, en))


register(Kind(
    name="recurrent-params", chapter="rnn", section="calculation", points=6,
    title=Bi("循环层的参数量", "Parameters of recurrent layers"),
    summary=Bi("RNN 1 组、GRU 3 组、LSTM 4 组权重，每组 h(h + x) + h 个参数",
               "RNN 1, GRU 3, LSTM 4 sets of weights, each with h(h + x) + h parameters"),
    conventions=Bi("每组权重：W(h×x)+ U(h×h)+ 偏置 h（PyTorch 约定为两个偏置，2h）；全连接输出层 K·h + K",
                   "each set: W (h×x) + U (h×h) + a bias of h (PyTorch: two biases, 2h); FC output layer K·h + K"),
    variants=("one layer (per gate + layer)", "with an output layer", "text classification story",
              "LSTM vs GRU", "two stacked layers", "one or two bias vectors (PyTorch)"),
    sample=sample_recurrent, prompt=prompt_recurrent, solve=solver.recurrent_params, schema=RECURRENT_SCHEMA,
    carry_forward=solver.recurrent_params_carry_forward,
    example={"cell": "lstm", "hidden": 128, "input": 300, "bias": "single", "ask": "output", "outputs": 2},
))


# ---------------------------------------------------------------- bptt-gradient
_MODES = ("given-h", "given-pre", "steps", "compare")


def _check_bptt(params: dict[str, Any]) -> None:
    mode = params["mode"]
    need = {"given-h": ("h",), "given-pre": ("pre",), "steps": ("state", "threshold"), "compare": ("state", "T")}
    allowed = set(need[mode])
    for key in ("h", "pre", "state", "threshold", "T"):
        if key in allowed and params.get(key) is None:
            raise ParamError(f"mode {mode} needs '{key}'")
        if key not in allowed and params.get(key) is not None:
            raise ParamError(f"'{key}' is not used with mode {mode}")
    w = params["w"]
    if len(w) != (2 if mode == "compare" else 1):
        raise ParamError("w must be one weight (two weights [small, large] for mode compare)")
    if any(v == 0 for v in w):
        raise ParamError("w must not be 0")
    if mode == "given-h" and any(abs(v) >= 1 for v in params["h"]):
        raise ParamError("hidden states of a tanh RNN lie strictly between -1 and 1")
    if mode in ("steps", "compare") and abs(params["state"]) >= 1:
        raise ParamError("the hidden state of a tanh RNN lies strictly between -1 and 1")
    if mode == "steps":
        f = abs(solver.bptt_factor(w[0], params["state"]))
        thr = params["threshold"]
        if thr <= 0 or thr == 1:
            raise ParamError("threshold must be positive and not 1")
        if (thr < 1) != (f < 1) or f == 1:
            raise ParamError(f"|f| = {f:g}: a threshold below 1 needs |f| < 1 (vanishing), above 1 needs |f| > 1")
        if solver.steps_until(f, thr) is None or solver.steps_until(f, thr) > 10000:
            raise ParamError("the gradient takes too many steps to cross the threshold")
    if mode == "compare" and params["T"] < 1:
        raise ParamError("T must be at least 1")


BPTT_SCHEMA = Schema({
    "mode": Param("str", "given-h, given-pre, steps or compare", choices=_MODES),
    "w": Param("floats", "recurrent weight w (two weights [small, large] for compare)"),
    "h": Param("floats", "hidden states h_1 … h_T (given-h)", optional=True),
    "pre": Param("floats", "pre-activations a_1 … a_T (given-pre)", optional=True),
    "state": Param("float", "constant hidden state h (steps, compare)", optional=True),
    "threshold": Param("float", "threshold ε < 1 (vanishing) or M > 1 (exploding) (steps)", optional=True),
    "T": Param("int", "number of steps back (compare)", min=1, max=200, optional=True),
}, check=_check_bptt)


def _w(rng: random.Random) -> float:
    v = _tenth(rng, 3, 20)
    return -v if rng.random() < 0.2 else v


def sample_bptt(rng: random.Random) -> dict[str, Any]:
    mode = pick(rng, _MODES)
    if mode == "given-h":
        T = pick(rng, [3, 4, 4, 5])
        while True:
            params = {"mode": mode, "w": [_w(rng)],
                      "h": [round(rng.choice([-1, 1]) * rng.randint(5, 90) / 100, 2) for _ in range(T)]}
            if 1e-4 <= abs(solver.bptt_values(params)["product"]) <= 1e4:
                return params
    if mode == "given-pre":
        T = pick(rng, [2, 3, 3])
        while True:
            params = {"mode": mode, "w": [_w(rng)], "pre": [_tenth(rng, -20, 20, True) for _ in range(T)]}
            if 1e-4 <= abs(solver.bptt_values(params)["product"]) <= 1e4:
                return params
    if mode == "steps":
        while True:
            w = _w(rng)
            a = round(rng.choice([-1, 1]) * rng.randint(5, 95) / 100, 2)
            f = abs(solver.bptt_factor(w, a))
            if 0.98 <= f <= 1.02 or f < 0.05:
                continue
            thr = pick(rng, [0.1, 0.05, 0.01, 0.001, 0.0001]) if f < 1 else pick(rng, [10, 50, 100, 1000])
            k = solver.steps_until(f, thr)
            if k is None or not 2 <= k <= 60:
                continue
            # a clear crossing: rounding f to 4 decimals cannot move k
            if f ** k > 0.97 * thr and f ** k < 1.03 * thr or 0.97 * thr < f ** (k - 1) < 1.03 * thr:
                continue
            return {"mode": mode, "w": [w], "state": a, "threshold": thr}
    while True:
        if rng.random() < 0.3:
            w = [0.5, 1.5]
        else:
            w = [_tenth(rng, 3, 9), _tenth(rng, 11, 20)]
        a = round(rng.randint(5, 50) / 100, 2)
        f1, f2 = w[0] * (1 - a * a), w[1] * (1 - a * a)
        T = rng.randint(5, 20)
        if f2 < 1.03 or f1 ** T < 1e-4 or f2 ** T > 1e4:
            continue
        return {"mode": mode, "w": w, "state": a, "T": T}


def prompt_bptt(params: dict[str, Any]) -> Prompt:
    mode, w = params["mode"], params["w"]
    model_zh = ("标量循环神经网络 $h_t = tanh(a_t)$，$a_t = w h_(t-1) + u x_t + b$。沿时间反向传播（BPTT）时，"
                "梯度每回传一步都要乘以 $(partial h_t)/(partial h_(t-1))$（提示：$tanh'(a) = 1 - tanh^2(a)$）。")
    model_en = ("A scalar RNN computes $h_t = tanh(a_t)$ with $a_t = w h_(t-1) + u x_t + b$. In backpropagation "
                "through "
                "time (BPTT) every step back multiplies the gradient by $(partial h_t)/(partial h_(t-1))$ (hint: "
                "$tanh'(a) = 1 - tanh^2(a)$).")
    sig_zh, sig_en = "保留三位有效数字", "3 significant figures"
    if mode in ("given-h", "given-pre"):
        key = "h" if mode == "given-h" else "pre"
        T = len(params[key])
        seq = ", ".join(num(v) for v in params[key])
        if mode == "given-h":
            rec_zh = f"前向传播记录下的隐状态为 $h_1, dots, h_{T} = {seq}$"
            rec_en = f"the forward pass recorded the hidden states $h_1, dots, h_{T} = {seq}$"
            ask_zh = (f"求：(1) 每一步的因子 $(partial h_t)/(partial h_(t-1))$，$t = 1, dots, {T}$（保留四位小数）；"
                      f"(2) 梯度 $(partial h_{T})/(partial h_0)$（{sig_zh}）。")
            ask_en = (f"Find (1) the factor $(partial h_t)/(partial h_(t-1))$ for $t = 1, dots, {T}$ (4 decimals) and "
                      f"(2) the gradient $(partial h_{T})/(partial h_0)$ ({sig_en}).")
        else:
            rec_zh = f"前向传播记录下的预激活值为 $a_1, dots, a_{T} = {seq}$"
            rec_en = f"the forward pass recorded the pre-activations $a_1, dots, a_{T} = {seq}$"
            ask_zh = (f"求：(1) 各时刻隐状态 $h_1, dots, h_{T}$（保留四位小数）；(2) 每一步的因子 "
                      f"$(partial h_t)/(partial h_(t-1))$（保留四位小数）；(3) 梯度 $(partial h_{T})/(partial h_0)$"
                      f"（{sig_zh}）。")
            ask_en = (f"Find (1) the hidden states $h_1, dots, h_{T}$ (4 decimals), (2) the factors "
                      f"$(partial h_t)/(partial h_(t-1))$ (4 decimals) and (3) the gradient "
                      f"$(partial h_{T})/(partial h_0)$ ({sig_en}).")
        zh = f"{model_zh}已知循环权重 $w = {num(w[0])}$，{rec_zh}。{ask_zh}"
        en = f"{model_en} The recurrent weight is $w = {num(w[0])}$ and {rec_en}. {ask_en}"
    elif mode == "steps":
        a, thr = params["state"], params["threshold"]
        if thr < 1:
            goal_zh = f"首次小于 $epsilon = {num(thr)}$（梯度消失）"
            goal_en = f"first falls below $epsilon = {num(thr)}$ (vanishing gradient)"
        else:
            goal_zh = f"首次大于 $M = {num(thr)}$（梯度爆炸）"
            goal_en = f"first exceeds $M = {num(thr)}$ (exploding gradient)"
        zh = (f"{model_zh}设循环权重 $w = {num(w[0])}$，且在一段很长的序列上隐状态几乎不变，始终为 $h_t = {num(a)}$。"
              f"求：(1) 每一步的因子 $f = (partial h_t)/(partial h_(t-1))$（保留四位小数）；(2) 回传 $k$ 步后的梯度大小 "
              f"$abs((partial h_t)/(partial h_(t-k))) = abs(f)^k$ {goal_zh}所需的最少步数 $k$。")
        en = (f"{model_en} Let $w = {num(w[0])}$ and suppose that over a long sequence the hidden state barely "
              f"changes, "
              f"staying at $h_t = {num(a)}$. Find (1) the per-step factor $f = (partial h_t)/(partial h_(t-1))$ "
              f"(4 decimals) and (2) the smallest number of steps $k$ for which the gradient size "
              f"$abs((partial h_t)/(partial h_(t-k))) = abs(f)^k$ {goal_en}.")
    else:
        a, T = params["state"], params["T"]
        zh = (f"{model_zh}两个这样的网络只有循环权重不同：$w_1 = {num(w[0])}$，$w_2 = {num(w[1])}$。假设沿序列两者的隐状态"
              f"都保持在 $h_t = {num(a)}$。求：(1) 两个网络每一步的因子 $f_1, f_2$（保留四位小数）；(2) 回传 ${T}$ 步后的"
              f"梯度 $(partial h_{T})/(partial h_0)$，分别对 $w_1$ 与 $w_2$ 作答（{sig_zh}），并说明哪个出现梯度消失、"
              f"哪个出现梯度爆炸。")
        en = (f"{model_en} Two such networks differ only in the recurrent weight: $w_1 = {num(w[0])}$ and "
              f"$w_2 = {num(w[1])}$. Suppose both keep the hidden state at $h_t = {num(a)}$ along the sequence. Find "
              f"(1) the per-step factors $f_1, f_2$ (4 decimals) and (2) the gradient $(partial h_{T})/(partial h_0)$ "
              f"after ${T}$ steps back for $w_1$ and for $w_2$ ({sig_en}); which one vanishes and which one explodes?")
    return Prompt(Bi(zh, en))


register(Kind(
    name="bptt-gradient", chapter="rnn", section="calculation", points=6,
    title=Bi("RNN 的梯度消失与梯度爆炸", "Vanishing and exploding gradients in an RNN"),
    summary=Bi("沿时间反向传播：梯度是各步因子 w(1 − h_t²) 的连乘", "BPTT: the gradient is a product of factors w(1 − h_t²)"),
    conventions=Bi("∂h_t/∂h_(t−1) = w(1 − h_t²)；因子保留四位小数，梯度保留三位有效数字；后面的小问按你前面的答案继续计算也给分",
                   "∂h_t/∂h_(t−1) = w(1 − h_t²); factors to 4 decimals, gradients to 3 significant figures; later "
                   "parts also earn credit when carried forward from your earlier answers"),
    variants=("recorded hidden states", "recorded pre-activations", "steps until vanishing / exploding",
              "w small vs w large"),
    sample=sample_bptt, prompt=prompt_bptt, solve=solver.bptt_gradient, schema=BPTT_SCHEMA,
    carry_forward=solver.bptt_carry_forward,
    example={"mode": "compare", "w": [0.5, 1.5], "state": 0.2, "T": 10},
))
