"""`conv-output`: Convolution output size.

Output feature-map size from input size, kernel, stride, padding and dilation. Top to bottom: params schema, pure
solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import pick
from examgen.model import Part, Prompt, ShapeSpec, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


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


# ---------------------------------------------------------------- solver
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


# ---------------------------------------------------------------- sampler and prompt
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
        zh = (f"某层对大小为 {size} 的特征图做空洞卷积：卷积核大小 ${k} times {k}$，空洞率（dilation rate）$d = {d}$，"
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


# ---------------------------------------------------------------- typical mistakes
def _sides(params: dict[str, Any], rule: str) -> list[int] | None:
    """H and W out with one wrong rule: 'ceil' (rounds the division up), 'no-plus-one', 'pad-once' (P, not 2P),
    'no-dilation' (F instead of F′)."""
    k, s, pad, d = params["kernel"], params["stride"], params["padding"], params["dilation"]
    f = k if rule == "no-dilation" else k + (k - 1) * (d - 1)
    outs = []
    for n in params["input_hw"]:
        top = n - f + (pad if rule == "pad-once" else 2 * pad)
        if rule == "ceil":
            outs.append(-(-top // s) + 1)
        elif rule == "no-plus-one":
            outs.append(top // s)
        else:
            outs.append(top // s + 1)
    return outs


def _wrong_shape(rule: str, when: Any) -> Any:
    def wrong(params: dict[str, Any]) -> list[int] | None:
        if not when(params):
            return None
        return _sides(params, rule) + [params["out_channels"]]
    return wrong


def _in_channels(params: dict[str, Any]) -> list[int] | None:
    if params["in_channels"] == params["out_channels"]:
        return None
    return _sides(params, "") + [params["in_channels"]]


def _exact(params: dict[str, Any]) -> bool:
    f = params["kernel"] + (params["kernel"] - 1) * (params["dilation"] - 1)
    return all((n - f + 2 * params["padding"]) % params["stride"] == 0 for n in params["input_hw"])


MISTAKES = (
    Mistake("ceil-not-floor", Bi("除不尽时向上取整了；应向下取整（floor）", "rounded the division up; it is rounded "
            "down (floor)"), "Output height", _wrong_shape("ceil", lambda p: not _exact(p))),
    Mistake("forgot-plus-one", Bi("忘了公式末尾的 + 1", "forgot the + 1 at the end of the formula"),
            "Output height", _wrong_shape("no-plus-one", lambda p: True)),
    Mistake("padding-once", Bi("填充只加了一次（P 而不是 2P）", "added the padding once (P instead of 2P)"),
            "Output height", _wrong_shape("pad-once", lambda p: p["padding"] > 0)),
    Mistake("ignored-dilation", Bi("空洞卷积仍用原卷积核大小 F，而不是等效大小 F′", "used the kernel size F instead of "
            "the dilated size F′"), "Effective kernel size", _wrong_shape("no-dilation", lambda p: p["dilation"] > 1)),
    Mistake("channels-from-input", Bi("输出通道数取了输入通道数；应等于卷积核个数", "took the input channels as the "
            "output channels; they equal the number of kernels"), "Output channels", _in_channels),
)


register(Kind(
    name="conv-output", chapter="cnn", section="calculation", points=4,
    title=Bi("卷积输出尺寸", "Convolution output size"),
    summary=Bi("由输入尺寸、卷积核、步长、填充、空洞率求输出特征图尺寸",
               "Output feature-map size from input size, kernel, stride, padding and dilation"),
    conventions=Bi("输出 = ⌊(W − F′ + 2P)/S⌋ + 1，F′ = F + (F − 1)(d − 1)；通道数 = 卷积核个数；答案写成 H×W×C",
                   "out = ⌊(W − F′ + 2P)/S⌋ + 1 with F′ = F + (F − 1)(d − 1); channels = number of kernels; answer H×W×C"),
    variants=("plain", "same padding", "dilated", "non-square input", "floored division"),
    sample=sample_conv, prompt=prompt_conv, solve=conv_output, schema=CONV_SCHEMA,
    example={"input_hw": [227, 227], "in_channels": 3, "kernel": 11, "stride": 4, "padding": 0, "dilation": 1,
             "out_channels": 96},
    mistakes=MISTAKES,
))
