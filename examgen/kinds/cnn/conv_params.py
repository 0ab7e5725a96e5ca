"""`conv-params`: Parameters of convolutional and fully-connected layers.

k×k×C_in×C_out (+C_out), flatten + FC, and the global convolution as an FC layer. Top to bottom: params schema, pure
solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _NICE_CHANNELS, INT, _bias_text, _shape, pick
from examgen.model import Part, Prompt, ShapeSpec, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


# ================================================================ conv-params
def _check_params(params: dict[str, Any]) -> None:
    layer = params["layer"]
    k = params.get("kernel")
    if layer == "conv":
        if k is None:
            raise ParamError("a conv layer needs 'kernel' (the side k of a k×k kernel)")
    elif k is not None:
        raise ParamError(f"'kernel' only applies to layer=conv (a {layer} layer's size follows from input_shape)")


PARAMS_SCHEMA = Schema({
    "layer": Param("str", "conv (k×k kernels), fc (fully connected on the flattened input) or global "
                   "(kernels as large as the input)", choices=("conv", "fc", "global")),
    "input_shape": Param("ints", "input H, W, C ([1, 1, n] for an n-vector into fc)", length=3, min=1, max=100000),
    "out": Param("int", "number of kernels / output neurons", min=1, max=100000),
    "kernel": Param("int", "side k of the k×k kernel (conv only)", min=1, max=64, optional=True),
    "bias": Param("bool", "count one bias per kernel / neuron"),
}, check=_check_params)


# ---------------------------------------------------------------- solver
def conv_params_count(params: dict[str, Any]) -> int:
    layer = params["layer"]
    h, w, c = params["input_shape"]
    n = params["out"]
    per = {"conv": params.get("kernel", 0) ** 2 * c, "fc": h * w * c, "global": h * w * c}[layer]
    return per * n + (n if params["bias"] else 0)


def conv_params(params: dict[str, Any]) -> Solution:
    layer = params["layer"]
    h, w, c = params["input_shape"]
    n, bias = params["out"], params["bias"]
    total = conv_params_count(params)
    b_f = ' + C_"out"' if bias else ""
    b_w = f" + {n}" if bias else ""
    steps: list[Step] = []
    if layer == "conv":
        k = params["kernel"]
        per = k * k * c
        steps += [
            Step(title=Bi("每个卷积核的大小为 $k times k times C_\"in\"$（深度等于输入通道数）",
                          "Each kernel is $k times k times C_\"in\"$ (its depth equals the input channels)"),
                 formula='k times k times C_"in"', work=f"{k} times {k} times {c}", result=f"{per}"),
            Step(title=Bi(f"{n} 个卷积核的权重总数", f"Weights of all {n} kernels"),
                 formula='k^2 dot C_"in" dot C_"out"', work=f"{per} dot {n}", result=f"{per * n}"),
        ]
        if bias:
            steps.append(Step(title=Bi("每个卷积核再加 1 个偏置", "Add one bias per kernel"),
                              formula=f'k^2 dot C_"in" dot C_"out"{b_f}', work=f"{per * n}{b_w}", result=f"{total}"))
        steps[-1].note = Bi(f"参数量与输入特征图的宽高（{h}×{w}）无关：同一个卷积核在所有位置共享参数。",
                            f"The count does not depend on the input's height and width ({h}×{w}): a kernel's "
                            f"weights are shared across all positions.")
        label = Bi("该卷积层的参数量", "Parameters of the convolutional layer")
        return Solution([Part("", label, INT, total)], steps)
    flat = h * w * c
    if layer == "fc":
        if h * w > 1:
            steps.append(Step(title=Bi("把特征图展平成一维向量", "Flatten the feature map into a vector"),
                              formula='N_"in" = H dot W dot C', work=f"{h} dot {w} dot {c}", result=f"{flat}"))
        steps.append(Step(title=Bi("每个输出神经元与全部输入相连", "Every output neuron connects to every input"),
                          formula='N_"in" dot N_"out"', work=f"{flat} dot {n}", result=f"{flat * n}"))
        if bias:
            steps.append(Step(title=Bi("每个输出神经元再加 1 个偏置", "Add one bias per output neuron"),
                              formula='N_"in" dot N_"out" + N_"out"', work=f"{flat * n} + {n}", result=f"{total}"))
        label = Bi("该全连接层的参数量", "Parameters of the fully-connected layer")
        return Solution([Part("", label, INT, total)], steps)
    # global convolution: the kernel covers the whole map
    steps += [
        Step(title=Bi("全局卷积：卷积核与输入特征图一样大，只能放在一个位置", "Global convolution: the kernel is as "
                      "large as the input, so it fits in exactly one position"), part="output",
             formula='H_"out" = (H - F)/S + 1', work=f"({h} - {h})/1 + 1", result='H_"out" = 1'),
        Step(title=Bi("输出尺寸（通道数 = 卷积核个数）", "Output size (channels = number of kernels)"), part="output",
             formula='1 times 1 times C_"out"', result=_shape([1, 1, n])),
        Step(title=Bi(f"每个卷积核的大小为 {h}×{w}×{c}", f"Each kernel is {h}×{w}×{c}"), part="params",
             formula="H dot W dot C", work=f"{h} dot {w} dot {c}", result=f"{flat}"),
        Step(title=Bi("全局卷积层的参数量" + ("（含偏置）" if bias else "（不含偏置）"),
                      "Parameters of the global convolution" + (" (with biases)" if bias else " (no biases)")),
             part="params", formula=f'H dot W dot C dot C_"out"{b_f}', work=f"{flat} dot {n}{b_w}", result=f"{total}"),
        Step(title=Bi("展平后的向量长度", "Length of the flattened vector"), part="flat",
             formula='N_"in" = H dot W dot C', work=f"{h} dot {w} dot {c}", result=f"{flat}",
             note=Bi(f"展平 + 含 {n} 个神经元的全连接层同样有 {total} 个参数：全局卷积就是用卷积实现的全连接运算。",
                     f"Flattening and a fully-connected layer of {n} neurons also has {total} parameters: a global "
                     f"convolution computes exactly a fully-connected layer.")),
    ]
    parts = [
        Part("output", Bi("全局卷积的输出尺寸", "Output size of the global convolution"), ShapeSpec(3), [1, 1, n]),
        Part("params", Bi("全局卷积层的参数量", "Parameters of the global convolution"), INT, total),
        Part("flat", Bi("展平后的向量长度", "Length of the flattened vector"), INT, flat),
    ]
    return Solution(parts, steps)


# ---------------------------------------------------------------- sampler and prompt
MAX_COUNT = 9_999_999
"""The largest parameter count drawn: at most 7 digits, so the multiplication stays workable by hand."""


def sample_params(rng: random.Random) -> dict[str, Any]:
    """A layer whose parameter count has at most 7 digits (draws above `MAX_COUNT` are redrawn)."""
    while True:
        params = _draw_params(rng)
        if conv_params_count(params) <= MAX_COUNT:
            return params


def _draw_params(rng: random.Random) -> dict[str, Any]:
    layer = pick(rng, ["conv", "conv", "fc", "fc", "global", "global"])
    bias = rng.random() < 0.6
    if layer == "conv":
        k = pick(rng, [1, 3, 3, 3, 5, 5, 7, 11])
        c = pick(rng, _NICE_CHANNELS) if rng.random() < 0.6 else 8 * rng.randint(1, 64)
        n = pick(rng, _NICE_CHANNELS[2:]) if rng.random() < 0.6 else 8 * rng.randint(1, 64)
        h = max(k, pick(rng, [7, 13, 14, 27, 28, 32, 56, 64, 112, 224, 227]))
        return {"layer": "conv", "input_shape": [h, h, c], "out": n, "kernel": k, "bias": bias}
    if layer == "fc":
        if rng.random() < 0.35:
            n_in = pick(rng, [120, 256, 512, 784, 1024, 2048, 4096, 9216]) if rng.random() < 0.5 else \
                16 * rng.randint(4, 128)
            shape = [1, 1, n_in]
        else:
            h = rng.randint(2, 14)
            shape = [h, h if rng.random() < 0.8 else rng.randint(2, 14), pick(rng, _NICE_CHANNELS[1:])]
        n = pick(rng, [10, 84, 100, 120, 256, 512, 1000, 1024, 4096]) if rng.random() < 0.5 else 8 * rng.randint(2, 128)
        return {"layer": "fc", "input_shape": shape, "out": n, "bias": bias}
    h = rng.randint(2, 16)
    w = h if rng.random() < 0.85 else rng.randint(2, 16)
    c = pick(rng, _NICE_CHANNELS[1:]) if rng.random() < 0.5 else rng.randint(2, 64)
    n = pick(rng, [10, 20, 50, 100, 128, 256, 1000]) if rng.random() < 0.5 else 10 * rng.randint(1, 50)
    return {"layer": "global", "input_shape": [h, w, c], "out": n, "bias": bias}


def prompt_params(params: dict[str, Any]) -> Prompt:
    layer, (h, w, c), n, bias = params["layer"], params["input_shape"], params["out"], params["bias"]
    size = f"${_shape([h, w, c])}$"
    if layer == "conv":
        k = params["kernel"]
        bt = _bias_text(bias)
        zh = (f"某卷积层的输入特征图大小为 {size}，使用 {n} 个 ${k} times {k}$ 的卷积核（卷积核深度与输入通道数相同），"
              f"{bt.zh}。求该卷积层的参数量。")
        en = (f"A convolutional layer takes a {size} feature map and uses {n} kernels of size ${k} times {k}$ (each "
              f"kernel is as deep as the input); {bt.en}. How many parameters does the layer have?")
        return Prompt(Bi(zh, en))
    if layer == "fc":
        bt = _bias_text(bias, Bi("神经元", "neuron"))
        if h * w == 1:
            zh = f"某全连接层的输入为 {c} 维向量，输出 {n} 个神经元，{bt.zh}。求该全连接层的参数量。"
            en = (f"A fully-connected layer maps a {c}-dimensional input vector to {n} output neurons; {bt.en}. "
                  f"How many parameters does it have?")
        else:
            zh = (f"卷积部分输出大小为 {size} 的特征图，将其展平后送入含 {n} 个神经元的全连接层，{bt.zh}。"
                  f"求该全连接层的参数量。")
            en = (f"The convolutional part outputs a {size} feature map, which is flattened and fed to a "
                  f"fully-connected layer of {n} neurons; {bt.en}. How many parameters does that layer have?")
        return Prompt(Bi(zh, en))
    bt = _bias_text(bias)
    zh = (f"对大小为 {size} 的特征图做全局卷积：使用 {n} 个大小为 ${_shape([h, w, c])}$ 的卷积核（步长 1，不填充），"
          f"{bt.zh}。求：(1) 输出特征图的尺寸（高×宽×通道）；(2) 该层的参数量；"
          f"(3) 若改为先把特征图展平、再接 {n} 个神经元的全连接层，展平后的向量长度是多少？")
    en = (f"A global convolution is applied to a {size} feature map: {n} kernels of size ${_shape([h, w, c])}$ "
          f"(stride 1, no padding); {bt.en}. Find (1) the output size (height × width × channels); (2) the number "
          f"of parameters of the layer; (3) if instead the map were flattened and fed to a fully-connected layer "
          f"of {n} neurons, the length of the flattened vector.")
    return Prompt(Bi(zh, en))


# ---------------------------------------------------------------- typical mistakes
def _count_as(params: dict[str, Any], depth: bool = True, bias: bool = True, per_position: bool = False) -> Any:
    """The parameter count done with one wrong rule: kernels without depth (k×k, not k×k×C_in), no biases, or a
    separate kernel at each of the H×W positions (no weight sharing). The value of the part that holds it."""
    layer, (h, w, c), n = params["layer"], params["input_shape"], params["out"]
    side = params.get("kernel", 0) ** 2 if layer == "conv" else h * w
    per = side * (c if depth else 1) * (h * w if per_position else 1)
    total = per * n + (n if params["bias"] and bias else 0)
    return {"params": total} if layer == "global" else total


MISTAKES = (
    Mistake("forgot-bias", Bi("漏算了偏置：每个卷积核（或神经元）还有 1 个偏置", "forgot the biases: one per kernel / neuron"),
            ("Add one bias", "Parameters of the global convolution"),
            lambda p: _count_as(p, bias=False) if p["bias"] else None),
    Mistake("kernel-without-depth", Bi("每个卷积核只算了 k × k 个权重，漏乘了深度 C_in（卷积核的深度等于输入通道数）",
            "counted a kernel as k × k and left out its depth C_in (a kernel is as deep as the input)"),
            "Each kernel is",
            lambda p: _count_as(p, depth=False) if p["layer"] != "fc" and p["input_shape"][2] > 1 else None),
    Mistake("no-weight-sharing", Bi("按每个位置各用一套卷积核来算（多乘了 H × W）；同一个卷积核在所有位置共享参数",
            "multiplied by the H × W positions; a kernel's weights are shared across all positions"),
            "Weights of all",
            lambda p: _count_as(p, per_position=True) if p["layer"] == "conv" and p["input_shape"][0] > 1 else None),
)


register(Kind(
    name="conv-params", chapter="cnn", section="calculation", points=4,
    title=Bi("卷积层与全连接层的参数量", "Parameters of convolutional and fully-connected layers"),
    summary=Bi("k×k×C_in×C_out (+C_out)，展平 + 全连接，全局卷积等价于全连接",
               "k×k×C_in×C_out (+C_out), flatten + FC, and the global convolution as an FC layer"),
    conventions=Bi("卷积核深度 = 输入通道数；每个卷积核 / 神经元至多 1 个偏置；参数量与输入宽高无关（全局卷积、全连接除外）",
                   "kernel depth = input channels; at most one bias per kernel / neuron; the count of a k×k conv does "
                   "not depend on the input's height and width"),
    variants=("conv layer", "fully connected on a vector", "flatten + fully connected", "global convolution",
              "with / without biases"),
    sample=sample_params, prompt=prompt_params, solve=conv_params, schema=PARAMS_SCHEMA,
    example={"layer": "global", "input_shape": [12, 12, 20], "out": 100, "bias": True},
    mistakes=MISTAKES,
))
