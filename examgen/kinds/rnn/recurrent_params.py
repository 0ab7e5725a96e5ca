"""`recurrent-params`: Parameters of recurrent layers.

RNN 1, GRU 3, LSTM 4 sets of weights, each with h(h + x) + h parameters. Top to bottom: params schema, pure solver,
sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import pick
from examgen.kinds.rnn._shared import GATES, GATES_ONLY, layer_params, set_params
from examgen.model import NumberSpec, Part, Prompt, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


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


# ---------------------------------------------------------------- solver
CELL_NAMES = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}


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
        return Step(title=Bi(f"每组权重：输入权重 $W$（$h times x$）、循环权重 $U$（$h times h$）和{bias_zh}",
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


# ---------------------------------------------------------------- sampler and prompt
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
    name = CELL_NAMES[cell]
    if bias == "double":
        bz = '按 PyTorch 的约定，每组权重带两个偏置向量 $b_"ih"$ 和 $b_"hh"$（各 $h$ 个数）'
        be = 'following PyTorch, every set of weights has two bias vectors $b_"ih"$ and $b_"hh"$ ($h$ numbers each)'
    else:
        bz = "每组权重只带一个偏置向量（$h$ 个数）"
        be = "every set of weights has a single bias vector ($h$ numbers)"
    sets_zh = ("（每个门以及候选状态各有一组作用于 $[h_(t-1), x_t]$ 的权重）" if cell != "rnn"
               else "（$h_t = tanh(W x_t + U h_(t-1) + b)$）")
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


# ---------------------------------------------------------------- typical mistakes
def _recount(params: dict[str, Any], per_set: Any, sets: dict[str, int] = GATES, fc_bias: bool = True,
             layer2_input: int | None = None) -> dict[str, int]:
    """Every part counted with a wrong rule: `per_set(h, x)` parameters per set of weights, `sets` sets per cell,
    the FC layer with or without its biases, layer 2 fed `layer2_input` inputs."""
    cell, h, x, ask = params["cell"], params["hidden"], params["input"], params["ask"]
    if ask == "layer":
        return {"per_gate": per_set(h, x), "layer": sets[cell] * per_set(h, x)}
    if ask == "output":
        k = params["outputs"]
        layer, out = sets[cell] * per_set(h, x), k * h + (k if fc_bias else 0)
        return {"layer": layer, "output": out, "total": layer + out}
    if ask == "compare":
        lstm, gru = sets["lstm"] * per_set(h, x), sets["gru"] * per_set(h, x)
        return {"lstm": lstm, "gru": gru, "difference": lstm - gru}
    l1, l2 = sets[cell] * per_set(h, x), sets[cell] * per_set(h, layer2_input or h)
    return {"layer1": l1, "layer2": l2, "total": l1 + l2}


def _biases(params: dict[str, Any]) -> int:
    return 2 if params["bias"] == "double" else 1


MISTAKES = (
    Mistake("forgot-recurrent-weights", Bi("每组只算了输入权重 W(h×x) 和偏置，漏了循环权重 U(h×h)",
            "counted only the input weights W (h×x) and the biases of each set, leaving out the recurrent weights "
            "U (h×h)"), ("One set of weights", "Layer 1", "LSTM layer", "GRU layer", "RNN layer"),
            lambda p: _recount(p, lambda h, x: set_params(h, x, _biases(p), recurrent=False))),
    Mistake("forgot-bias", Bi("只数了权重，漏了偏置（全连接层的偏置也要算）",
            "counted the weights only and left out the biases (the FC layer's too)"),
            ("One set of weights", "Layer 1", "LSTM layer", "GRU layer", "RNN layer"),
            lambda p: _recount(p, lambda h, x: set_params(h, x, 0), fc_bias=False)),
    Mistake("one-bias-not-two", Bi("按 PyTorch 约定每组有 b_ih、b_hh 两个偏置（2h），只算了一个",
            "counted one bias per set, but PyTorch's convention has two, b_ih and b_hh (2h)"),
            ("One set of weights", "Layer 1", "LSTM layer", "GRU layer", "RNN layer"),
            lambda p: _recount(p, set_params) if p["bias"] == "double" else None),
    Mistake("gates-only", Bi("只数了门的权重（LSTM 3 组、GRU 2 组），漏了候选状态那一组",
            "counted the gates' weights only (LSTM 3 sets, GRU 2), leaving out the candidate state's set"),
            ("Number of weight sets", "Layer 1", "An LSTM has", "LSTM layer", "GRU layer"),
            lambda p: _recount(p, lambda h, x: set_params(h, x, _biases(p)), GATES_ONLY)
            if p["cell"] != "rnn" or p["ask"] == "compare" else None),
    Mistake("layer2-input-size", Bi("第 2 层的输入维度仍按 x 计算；它的输入是第 1 层的隐状态，维度为 h",
            "counted layer 2 with input size x; its input is layer 1's hidden state, of size h"), "Layer 2",
            lambda p: _recount(p, lambda h, x: set_params(h, x, _biases(p)), layer2_input=p["input"])
            if p["ask"] == "stacked" and p["input"] != p["hidden"] else None),
)


register(Kind(
    name="recurrent-params", chapter="rnn", section="calculation", points=6,
    title=Bi("循环层的参数量", "Parameters of recurrent layers"),
    summary=Bi("RNN 1 组、GRU 3 组、LSTM 4 组权重，每组 h(h + x) + h 个参数",
               "RNN 1, GRU 3, LSTM 4 sets of weights, each with h(h + x) + h parameters"),
    conventions=Bi("每组权重：W(h×x)+ U(h×h)+ 偏置 h（PyTorch 约定为两个偏置，2h）；全连接输出层 K·h + K",
                   "each set: W (h×x) + U (h×h) + a bias of h (PyTorch: two biases, 2h); FC output layer K·h + K"),
    variants=("one layer (per gate + layer)", "with an output layer", "text classification story",
              "LSTM vs GRU", "two stacked layers", "one or two bias vectors (PyTorch)"),
    sample=sample_recurrent, prompt=prompt_recurrent, solve=recurrent_params, schema=RECURRENT_SCHEMA,
    carry_forward=recurrent_params_carry_forward,
    example={"cell": "lstm", "hidden": 128, "input": 300, "bias": "single", "ask": "output", "outputs": 2},
    mistakes=MISTAKES,
))
