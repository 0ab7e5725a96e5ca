"""Solvers for convolution arithmetic: pure functions params -> Solution."""

from __future__ import annotations

from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import qt
from examgen.model import NumberSpec, Part, ShapeSpec, Solution, Step


def conv_out_len(n: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """Output length of a convolution: floor((n - F' + 2P)/S) + 1 with F' = F + (F - 1)(d - 1)."""
    eff = kernel + (kernel - 1) * (dilation - 1)
    return (n - eff + 2 * padding) // stride + 1


def conv_output(params: dict[str, Any]) -> Solution:
    h, w = params["input_hw"]
    k, s, pad, d = params["kernel"], params["stride"], params["padding"], params["dilation"]
    c_out = params["out_channels"]
    steps: list[Step] = []
    f = k
    if d > 1:
        f = k + (k - 1) * (d - 1)
        steps.append(Step(
            title=Bi("空洞卷积的等效卷积核大小", "Effective kernel size of the dilated convolution"),
            formula="F' = F + (F - 1)(d - 1)", work=f"F' = {k} + ({k} - 1)({d} - 1)", result=f"F' = {f}"))
    fs = "F'" if d > 1 else "F"
    outs = []
    for name, n in (("H", h), ("W", w)):
        num = n - f + 2 * pad
        out = num // s + 1
        outs.append(out)
        exact = num % s == 0
        formula = f"{name}_\"out\" = ({name} - {fs} + 2P)/S + 1" if exact else \
            f"{name}_\"out\" = floor(({name} - {fs} + 2P)/S) + 1"
        inner = f"({n} - {f} + 2 dot {pad})/{s}"
        work = f"{inner} + 1" if exact else f"floor({inner}) + 1 = floor({num}/{s}) + 1"
        title = Bi("输出特征图的高度", "Output height") if name == "H" else Bi("输出特征图的宽度", "Output width")
        if name == "W" and w == h:
            steps.append(Step(title=Bi("宽度与高度相同", "The width works out the same"),
                              formula="", work="", result=f"W_\"out\" = {out}"))
            continue
        steps.append(Step(title=title, formula=formula, work=work, result=f"{name}_\"out\" = {out}"))
    steps.append(Step(
        title=Bi("输出通道数等于卷积核的个数", "Output channels = number of kernels"),
        formula="C_\"out\" = K", work="", result=f"C_\"out\" = {c_out}"))
    steps.append(Step(title=Bi("输出特征图尺寸", "Output feature-map size"), formula="", work="",
                      result=f"{outs[0]} times {outs[1]} times {c_out}"))
    part = Part("", Bi("输出尺寸 H×W×C", "Output size H×W×C"), ShapeSpec(3), [outs[0], outs[1], c_out])
    return Solution([part], steps)


def stacked_conv_params(params: dict[str, Any]) -> Solution:
    c, k, n, bias = params["channels"], params["small_kernel"], params["num_layers"], params["bias"]
    c_in = params.get("in_channels", c)
    r = n * (k - 1) + 1
    bias_n = c if bias else 0
    first = k * k * c_in * c + bias_n
    per = k * k * c * c + bias_n
    stacked = first + (n - 1) * per
    single = r * r * c_in * c + bias_n
    b = " + C" if bias else ""
    bw = f" + {c}" if bias else ""
    steps = [Step(title=Bi(f"{n} 个 {k}×{k} 卷积（步长 1）堆叠后的感受野",
                           f"Receptive field of {n} stacked {k}×{k} convolutions (stride 1)"),
                  formula="R = n(k - 1) + 1", work=f"R = {n}({k} - 1) + 1", result=f"R = {r}")]
    if c_in == c:
        steps += [
            Step(title=Bi(f"一个 {k}×{k} 卷积层的参数量（输入、输出通道均为 C）",
                          f"Parameters of one {k}×{k} layer (C channels in and out)"),
                 formula=f"k^2 C^2{b}", work=f"{k}^2 dot {c}^2{bw}", result=f"{per}"),
            Step(title=Bi(f"{n} 层堆叠的参数量", f"Parameters of the {n}-layer stack"), part="stacked",
                 formula=f"n(k^2 C^2{b})", work=f"{n} dot {per}", result=f"{stacked}"),
        ]
        single_formula, single_work = f"R^2 C^2{b}", f"{r}^2 dot {c}^2{bw}"
    else:
        steps += [
            Step(title=Bi(f"第 1 层（{c_in} → {c} 通道）的参数量", f"Parameters of layer 1 ({c_in} → {c} channels)"),
                 formula=f"k^2 C_\"in\" C{b}", work=f"{k}^2 dot {c_in} dot {c}{bw}", result=f"{first}"),
            Step(title=Bi(f"其余每层（{c} → {c} 通道）的参数量", f"Parameters of each other layer ({c} → {c} channels)"),
                 formula=f"k^2 C^2{b}", work=f"{k}^2 dot {c}^2{bw}", result=f"{per}"),
            Step(title=Bi(f"{n} 层堆叠的参数量", f"Parameters of the {n}-layer stack"), part="stacked",
                 formula=f"{first} + (n - 1) dot {per}", work=f"{first} + {n - 1} dot {per}", result=f"{stacked}"),
        ]
        single_formula, single_work = f"R^2 C_\"in\" C{b}", f"{r}^2 dot {c_in} dot {c}{bw}"
    steps += [
        Step(title=Bi(f"感受野相同的单个 {r}×{r} 卷积的参数量",
                      f"Parameters of a single {r}×{r} convolution with the same receptive field"),
             part="single", formula=single_formula, work=single_work, result=f"{single}"),
        Step(title=Bi("比较", "Comparison"), formula=f"{qt('stacked')}/{qt('single')}",
             work=f"{stacked}/{single}", result=f"{stacked / single:.4f}".rstrip("0").rstrip("."),
             note=Bi("堆叠小卷积核参数更少、非线性更强、网络更深，而感受野相同。",
                     "Stacked small kernels use fewer parameters and add non-linearity and depth for the same "
                     "receptive field.")),
    ]
    parts = [
        Part("stacked", Bi(f"{n} 层 {k}×{k} 卷积的总参数量", f"Parameters of the {n} stacked {k}×{k} layers"),
             NumberSpec(integer=True), stacked),
        Part("single", Bi(f"单个 {r}×{r} 卷积的参数量", f"Parameters of one {r}×{r} layer"), NumberSpec(integer=True),
             single),
    ]
    return Solution(parts, steps)
