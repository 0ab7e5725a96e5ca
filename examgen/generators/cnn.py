"""Generators for convolution arithmetic (chapter 1 of the notes)."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.generators._common import pick
from examgen.i18n import Bi
from examgen.model import Prompt
from examgen.params import Param, Schema
from examgen.registry import Kind, register
from examgen.solver import cnn as solver


# ---------------------------------------------------------------- conv-output
def _check_conv(params: dict[str, Any]) -> None:
    h, w = params["input_hw"]
    eff = params["kernel"] + (params["kernel"] - 1) * (params["dilation"] - 1)
    for n in (h, w):
        if n + 2 * params["padding"] < eff:
            raise ParamError(f"the (dilated) kernel {eff} is larger than the padded input {n} + 2·{params['padding']}")


CONV_SCHEMA = Schema({
    "input_hw": Param("ints", "input height and width [H, W]", length=2, min=1, max=4096),
    "in_channels": Param("int", "input channels", min=1, max=4096),
    "kernel": Param("int", "square kernel side F", min=1, max=64),
    "stride": Param("int", "stride S", min=1, max=64),
    "padding": Param("int", "zero padding P per side", min=0, max=64),
    "dilation": Param("int", "dilation rate d (1 = ordinary convolution)", min=1, max=16),
    "out_channels": Param("int", "number of kernels", min=1, max=4096),
}, check=_check_conv)


def sample_conv(rng: random.Random) -> dict[str, Any]:
    variant = pick(rng, ["plain", "plain", "same", "dilated", "rect", "floor"])
    while True:
        k = pick(rng, [1, 3, 3, 5, 5, 7, 11])
        s = pick(rng, [1, 1, 2, 2, 4]) if k != 11 else 4
        d = 1
        pad = pick(rng, [0, 0, 1, 2, 3])
        if variant == "same":
            s, pad = 1, (k - 1) // 2
        if variant == "dilated":
            k, d, s = 3, pick(rng, [2, 3, 4]), pick(rng, [1, 1, 2])
            pad = pick(rng, [0, d])
        h = pick(rng, [7, 13, 14, 15, 27, 28, 31, 32, 55, 56, 57, 64, 112, 224, 227])
        w = h if variant != "rect" else pick(rng, [h // 2 + 1, h + 16, 2 * h - 1, h + 1, h + 4])
        eff = k + (k - 1) * (d - 1)
        if h + 2 * pad < eff or w + 2 * pad < eff:
            continue
        exact = (h - eff + 2 * pad) % s == 0 and (w - eff + 2 * pad) % s == 0
        if exact == (variant == "floor"):
            continue
        return {"input_hw": [h, w], "in_channels": pick(rng, [1, 3, 16, 32, 64, 96, 128, 256]),
                "kernel": k, "stride": s, "padding": pad, "dilation": d,
                "out_channels": pick(rng, [6, 8, 16, 32, 64, 96, 128, 256, 384, 512])}


def prompt_conv(params: dict[str, Any]) -> Prompt:
    h, w = params["input_hw"]
    c, k, s, pad, d, n = (params[x] for x in ("in_channels", "kernel", "stride", "padding", "dilation",
                                               "out_channels"))
    size = f"${h} times {w} times {c}$"
    eff = k + (k - 1) * (d - 1)
    floored = (h - eff + 2 * pad) % s != 0 or (w - eff + 2 * pad) % s != 0
    if d > 1:
        pad_zh = "不做填充（$P = 0$）" if pad == 0 else f"四周各填充 $P = {pad}$ 圈 0"
        zh = (f"某层对大小为 {size} 的特征图做空洞卷积：卷积核大小 ${k} times {k}$，膨胀率（dilation rate）$d = {d}$，"
              f"步长 $S = {s}$，{pad_zh}，共 {n} 个卷积核。求输出特征图的尺寸（高×宽×通道）。")
        en = (f"A layer applies a dilated convolution to a {size} feature map: {n} kernels of size ${k} times {k}$ "
              f"with dilation rate $d = {d}$, stride $S = {s}$ and zero padding $P = {pad}$ on each side. "
              f"Give the output size (height × width × channels).")
    else:
        pad_zh = "不做填充（$P = 0$）" if pad == 0 else f"四周各填充 $P = {pad}$ 圈 0"
        zh = (f"卷积层的输入特征图大小为 {size}，使用 {n} 个 ${k} times {k}$ 的卷积核，步长 $S = {s}$，"
              f"{pad_zh}。求输出特征图的尺寸（高×宽×通道）。")
        en = (f"A convolutional layer takes a {size} input and uses {n} kernels of size ${k} times {k}$ with "
              f"stride $S = {s}$ and zero padding $P = {pad}$ on each side. Give the output size "
              f"(height × width × channels).")
    if floored:
        zh += "（除不尽时向下取整。）"
        en += " (Round down when the division is not exact.)"
    return Prompt(Bi(zh, en))


register(Kind(
    name="conv-output", chapter="cnn", section="calculation", points=4,
    title=Bi("卷积输出尺寸", "Convolution output size"),
    summary=Bi("由输入尺寸、卷积核、步长、填充、膨胀率求输出特征图尺寸",
               "Output feature-map size from input size, kernel, stride, padding and dilation"),
    conventions=Bi("输出 = ⌊(W − F′ + 2P)/S⌋ + 1，F′ = F + (F − 1)(d − 1)；通道数 = 卷积核个数；答案写成 H×W×C",
                   "out = ⌊(W − F′ + 2P)/S⌋ + 1 with F′ = F + (F − 1)(d − 1); channels = number of kernels; answer H×W×C"),
    variants=("plain", "same padding", "dilated", "non-square input", "floored division"),
    sample=sample_conv, prompt=prompt_conv, solve=solver.conv_output, schema=CONV_SCHEMA,
    example={"input_hw": [227, 227], "in_channels": 3, "kernel": 11, "stride": 4, "padding": 0, "dilation": 1,
             "out_channels": 96},
))


# ---------------------------------------------------------------- stacked-conv-params
STACKED_SCHEMA = Schema({
    "channels": Param("int", "channels C of every layer (input = output)", min=1, max=4096),
    "small_kernel": Param("int", "side k of the small kernel", min=2, max=15),
    "num_layers": Param("int", "number n of stacked layers", min=2, max=10),
    "bias": Param("bool", "count one bias per output channel"),
    "in_channels": Param("int", "channels entering the first layer (default: C)", min=1, max=4096, optional=True),
})


def sample_stacked(rng: random.Random) -> dict[str, Any]:
    k, n = pick(rng, [(3, 2), (3, 2), (3, 3), (3, 3), (5, 2), (3, 4), (2, 2), (2, 3), (5, 3)])
    c = pick(rng, [8, 16, 32, 64, 128, 256, 512]) if rng.random() < 0.15 else rng.randint(2, 512)
    params = {"channels": c, "small_kernel": k, "num_layers": n, "bias": rng.random() < 0.5}
    if rng.random() < 0.5:
        params["in_channels"] = pick(rng, [1, 3, 3, max(1, c // 2), 2 * c, rng.randint(1, 64)])
    return params


def prompt_stacked(params: dict[str, Any]) -> Prompt:
    c, k, n, bias = params["channels"], params["small_kernel"], params["num_layers"], params["bias"]
    c_in = params.get("in_channels", c)
    r = n * (k - 1) + 1
    bz = "每个卷积核带 1 个偏置" if bias else "不计偏置"
    be = "each kernel has one bias" if bias else "ignore biases"
    if c_in == c:
        ch_zh = f"设每一层的输入、输出通道数均为 $C = {c}$"
        ch_en = f"Let every layer have $C = {c}$ input and output channels"
    else:
        ch_zh = f"设输入特征图有 ${c_in}$ 个通道，每一层都输出 $C = {c}$ 个通道"
        ch_en = f"Let the input have ${c_in}$ channel{'s' if c_in != 1 else ''} and every layer output $C = {c}$ channels"
    zh = (f"VGG 用多个小卷积核代替大卷积核。{ch_zh}，步长为 1，{bz}。"
          f"求：(1) {n} 个 ${k} times {k}$ 卷积层堆叠的总参数量；"
          f"(2) 与其感受野相同的单个 ${r} times {r}$ 卷积层（同样输出 {c} 个通道）的参数量。")
    en = (f"VGG replaces large kernels with stacks of small ones. {ch_en}, stride 1; {be}. "
          f"Find (1) the parameters of {n} stacked ${k} times {k}$ convolution layers and (2) the parameters of "
          f"the single ${r} times {r}$ layer (also with {c} output channels) that has the same receptive field.")
    return Prompt(Bi(zh, en))


register(Kind(
    name="stacked-conv-params", chapter="cnn", section="calculation", points=4,
    title=Bi("堆叠小卷积核的参数量", "Parameters of stacked small kernels"),
    summary=Bi("n 个 k×k 卷积与同感受野的大卷积的参数量对比", "n stacked k×k convs vs one large conv with the same receptive field"),
    conventions=Bi("感受野 R = n(k − 1) + 1；每层参数 k²·C_in·C（+C 个偏置）",
                   "receptive field R = n(k − 1) + 1; a layer has k²·C_in·C weights (+C biases)"),
    variants=("two 3×3 vs 5×5", "three 3×3 vs 7×7", "two 5×5 vs 9×9", "with / without bias", "RGB input"),
    sample=sample_stacked, prompt=prompt_stacked, solve=solver.stacked_conv_params, schema=STACKED_SCHEMA,
    example={"channels": 64, "small_kernel": 3, "num_layers": 2, "bias": False},
))
