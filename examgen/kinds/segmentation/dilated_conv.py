"""`dilated-conv`: Dilated (atrous) convolution.

Effective kernel, output size, 'same' padding, receptive field of stacked dilated convs; the parameter count does
not depend on the rate. Top to bottom: params schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import all_whole, _NICE_CHANNELS, INT, _bias_text, _shape, pick
from examgen.model import Part, Prompt, ShapeSpec, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


# ================================================================ dilated-conv
def _check_dilated(params: dict[str, Any]) -> None:
    ask, k, rates = params["ask"], params["kernel"], params["rates"]
    if ask == "stack":
        if len(rates) < 2:
            raise ParamError("ask=stack needs at least two dilation rates")
        if params["stride"] != 1:
            raise ParamError("ask=stack assumes stride 1")
        if any(d * (k - 1) % 2 for d in rates):
            raise ParamError("the 'same' padding d(k − 1)/2 of a stacked layer must be a whole number")
        if params.get("padding") is not None:
            raise ParamError("ask=stack uses the 'same' padding d(k − 1)/2 in every layer; leave padding out")
        return
    if len(rates) != 1:
        raise ParamError(f"ask={ask} takes a single dilation rate")
    ke = effective_kernel(k, rates[0])
    if ask == "same":
        if params["stride"] != 1:
            raise ParamError("ask=same assumes stride 1")
        if (ke - 1) % 2:
            raise ParamError(f"an effective kernel of {ke} cannot keep the size with symmetric padding")
        if params.get("padding") is not None:
            raise ParamError("ask=same asks for the padding; leave it out")
        if min(params["input_hw"]) < ke:
            h, w = params["input_hw"]
            raise ParamError(Bi(f"等效卷积核 {ke} 大于 {h}×{w} 的输入；'same' 填充要求输入边长不小于 k′。",
                                f"the effective kernel {ke} is larger than the {h}×{w} input; 'same' padding needs "
                                f"an input at least k' wide"))
        return
    pad = params.get("padding")
    if pad is None:
        raise ParamError("ask=single needs padding")
    h, w = params["input_hw"]
    if h + 2 * pad < ke or w + 2 * pad < ke:
        raise ParamError(f"the effective kernel {ke} is larger than the padded input")


DILATED_SCHEMA = Schema({
    "ask": Param("str", "single = one layer's k', output and parameters; stack = RF and parameters of stacked "
                 "layers; same = k', 'same' padding and parameters", choices=("single", "stack", "same")),
    "kernel": Param("int", "kernel side k", min=2, max=15),
    "rates": Param("ints", "dilation rate(s) d, one per layer", min=1, max=64),
    "input_hw": Param("ints", "input height and width", length=2, min=1, max=4096),
    "stride": Param("int", "stride S (1 for stack / same)", min=1, max=16),
    "padding": Param("int", "zero padding P per side (ask=single only)", min=0, max=64, optional=True),
    "in_channels": Param("int", "input channels", min=1, max=4096),
    "out_channels": Param("int", "kernels per layer", min=1, max=4096),
    "bias": Param("bool", "count one bias per kernel"),
}, check=_check_dilated)


# ---------------------------------------------------------------- solver
def effective_kernel(k: int, d: int) -> int:
    return k + (k - 1) * (d - 1)


def dilated_values(params: dict[str, Any]) -> dict[str, Any]:
    ask, k, rates = params["ask"], params["kernel"], params["rates"]
    c_in, c_out, bias = params["in_channels"], params["out_channels"], params["bias"]
    out: dict[str, Any] = {}
    if ask == "stack":
        out["rf"] = 1 + sum((k - 1) * d for d in rates)
        out["params"] = k * k * c_in * c_out + (len(rates) - 1) * k * k * c_out * c_out + \
            (len(rates) * c_out if bias else 0)
        return out
    d = rates[0]
    ke = effective_kernel(k, d)
    out["eff"] = ke
    out["params"] = k * k * c_in * c_out + (c_out if bias else 0)
    if ask == "same":
        out["padding"] = (ke - 1) // 2
    else:
        h, w = params["input_hw"]
        s, pad = params["stride"], params["padding"]
        out["output"] = [(h - ke + 2 * pad) // s + 1, (w - ke + 2 * pad) // s + 1, c_out]
    return out


def dilated_conv(params: dict[str, Any]) -> Solution:
    ask, k, rates = params["ask"], params["kernel"], params["rates"]
    c_in, c_out, bias = params["in_channels"], params["out_channels"], params["bias"]
    vals = dilated_values(params)
    b_f = ' + C_"out"' if bias else ""
    b_w = f" + {c_out}" if bias else ""
    steps: list[Step] = []
    if ask == "stack":
        n = len(rates)
        r, work = 1, []
        for i, d in enumerate(rates, start=1):
            ke = effective_kernel(k, d)
            r_new = r + ke - 1
            steps.append(Step(
                title=Bi(f"第 {i} 层：空洞率 $d = {d}$，等效卷积核 {ke}×{ke}，步长 1，感受野增加 $k' - 1$",
                         f"Layer {i}: rate $d = {d}$, effective kernel {ke}×{ke}, stride 1, so the receptive field "
                         f"grows by $k' - 1$"), part="rf",
                formula=f"k' = k + (k - 1)(d - 1), quad r_{i} = r_{i - 1} + (k' - 1)",
                work=f"k' = {k} + ({k} - 1)({d} - 1) = {ke}, quad r_{i} = {r} + ({ke} - 1)",
                result=f"r_{i} = {r_new}"))
            r = r_new
            work.append(f"({k} - 1) dot {d}")
        g = 0
        for d in rates:
            g = math.gcd(g, d)
        steps.append(Step(title=Bi("合起来：步长均为 1 时感受野 = 1 + Σ(k − 1)·d", "Together: with stride 1 the "
                                   "receptive field is 1 + Σ(k − 1)·d"), part="rf",
                          formula="r = 1 + sum_i (k - 1) d_i", work="1 + " + " + ".join(work), result=f"r = {vals['rf']}",
                          note=None if g == 1 else Bi(
                              f"空洞率有公约数 {g}，区域内只有每隔 {g} 个的像素真正参与计算（网格效应）；"
                              f"HDC 用 1, 2, 5 这类互质的空洞率来避免。",
                              f"The rates share the factor {g}, so only every {g}th pixel of the region is actually "
                              f"used (the gridding effect); HDC picks rates such as 1, 2, 5 to avoid it.")))
        first = k * k * c_in * c_out
        per = k * k * c_out * c_out
        steps.append(Step(title=Bi("空洞卷积不增加参数：每层仍是 k×k 个权重/通道对", "Dilation adds no parameters: each "
                                   "layer still has k×k weights per channel pair"), part="params",
                          formula=f'k^2 C_"in" C_"out"{b_f}', work=f"{k}^2 dot {c_in} dot {c_out}{b_w}",
                          result=f"{first + (c_out if bias else 0)}"))
        if n > 1:
            steps.append(Step(title=Bi(f"其余 {n - 1} 层的输入、输出通道均为 {c_out}",
                                       f"The other {n - 1} layer{'s' if n > 2 else ''} {'have' if n > 2 else 'has'} "
                                       f"{c_out} channels in and out"), part="params",
                              formula=f'k^2 C_"out"^2{b_f}', work=f"{k}^2 dot {c_out}^2{b_w}",
                              result=f"{per + (c_out if bias else 0)}"))
            steps.append(Step(title=Bi("总参数量", "Total parameters"), part="params",
                              formula="sum_i P_i", work=f"{first + (c_out if bias else 0)} + {n - 1} dot "
                                                       f"{per + (c_out if bias else 0)}", result=f"{vals['params']}"))
        parts = [Part("rf", Bi("最后一层输出单元的感受野", "Receptive field of a last-layer unit"), INT, vals["rf"]),
                 Part("params", Bi("这几层的总参数量", "Total parameters of the stack"), INT, vals["params"])]
        return Solution(parts, steps)
    d = rates[0]
    ke = vals["eff"]
    steps.append(Step(title=Bi(f"空洞卷积的等效卷积核大小：相邻权重之间插入 $d - 1 = {d - 1}$ 个空洞",
                               f"Effective kernel size: $d - 1 = {d - 1}$ hole{'s' if d > 2 else ''} between "
                               f"neighbouring weights"),
                      part="eff", formula="k' = k + (k - 1)(d - 1)", work=f"k' = {k} + ({k} - 1)({d} - 1)",
                      result=f"k' = {ke}"))
    parts = [Part("eff", Bi("等效卷积核大小 k'", "Effective kernel size k'"), INT, ke)]
    if ask == "same":
        steps.append(Step(title=Bi("步长为 1 时保持尺寸不变需要 $k' - 1 = 2P$",
                                   "With stride 1 the size is kept when $k' - 1 = 2P$"), part="padding",
                          formula="P = (k' - 1)/2 = d(k - 1)/2", work=f"P = ({ke} - 1)/2", result=f"P = {vals['padding']}"))
        parts.append(Part("padding", Bi("每侧填充 P", "Padding P per side"), INT, vals["padding"], depends_on=("eff",)))
    else:
        h, w = params["input_hw"]
        s, pad = params["stride"], params["padding"]
        oh, ow, _ = vals["output"]
        for name, n, o in (("H", h, oh), ("W", w, ow)):
            if name == "W" and w == h:
                steps.append(Step(title=Bi("宽度同理", "The width works out the same"), part="output",
                                  result=f'W_"out" = {o}'))
                continue
            exact = (n - ke + 2 * pad) % s == 0
            steps.append(Step(
                title=Bi("用等效卷积核计算输出高度" if name == "H" else "输出宽度",
                         "Output height with the effective kernel" if name == "H" else "Output width"), part="output",
                formula=(f"{name}_\"out\" = ({name} - k' + 2P)/S + 1" if exact
                         else f"{name}_\"out\" = floor(({name} - k' + 2P)/S) + 1"),
                work=(f"({n} - {ke} + 2 dot {pad})/{s} + 1" if exact else f"floor(({n} - {ke} + 2 dot {pad})/{s}) + 1"),
                result=f'{name}_"out" = {o}'))
        steps.append(Step(title=Bi("输出通道数 = 卷积核个数", "Output channels = number of kernels"), part="output",
                          formula='H_"out" times W_"out" times C_"out"', result=_shape(vals["output"])))
        parts.append(Part("output", Bi("输出特征图尺寸 H×W×C", "Output size H×W×C"), ShapeSpec(3), vals["output"],
                          depends_on=("eff",)))
    steps.append(Step(title=Bi("参数量与空洞率无关：仍只有 k×k 个位置有权重", "The parameter count ignores the dilation: "
                               "only the k×k positions carry weights"), part="params",
                      formula=f'k^2 C_"in" C_"out"{b_f}', work=f"{k}^2 dot {c_in} dot {c_out}{b_w}",
                      result=f"{vals['params']}"))
    parts.append(Part("params", Bi("该层的参数量", "Parameters of the layer"), INT, vals["params"]))
    return Solution(parts, steps)


def dilated_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """`output` / `padding` recomputed from the student's effective kernel size."""
    if not all_whole(earlier["eff"], positive=True):  # a kernel size is a positive whole number
        return None
    ke = int(round(earlier["eff"]))
    if part == "padding":
        return (ke - 1) / 2
    if part == "output":
        h, w = params["input_hw"]
        s, pad = params["stride"], params["padding"]
        return [(h - ke + 2 * pad) // s + 1, (w - ke + 2 * pad) // s + 1, params["out_channels"]]
    return None


# ---------------------------------------------------------------- sampler and prompt
_RATE_STACKS = [[1, 2, 4], [1, 2, 5], [1, 2, 3], [2, 2, 2], [1, 3, 5], [2, 4, 8], [1, 2, 4, 8], [1, 1, 2],
                [2, 4], [3, 3], [1, 2], [1, 2, 5, 9], [6, 12], [1, 6, 12]]


def _channels(rng: random.Random) -> int:
    return pick(rng, _NICE_CHANNELS[4:]) if rng.random() < 0.5 else 16 * rng.randint(1, 32)


def sample_dilated(rng: random.Random) -> dict[str, Any]:
    ask = pick(rng, ["single", "single", "stack", "same"])
    bias = rng.random() < 0.5
    c_in, c_out = _channels(rng), _channels(rng)
    if ask == "stack":
        h = pick(rng, [32, 33, 64, 65, 97, 128, 129, 256, 513])
        return {"ask": "stack", "kernel": 3, "rates": list(pick(rng, _RATE_STACKS)), "input_hw": [h, h], "stride": 1,
                "in_channels": c_in, "out_channels": c_out, "bias": bias}
    if ask == "same":
        k, d = pick(rng, [(3, 2), (3, 3), (3, 4), (3, 6), (3, 8), (3, 12), (3, 18), (3, 24), (5, 2), (5, 3), (7, 2)])
        ke = effective_kernel(k, d)
        h = pick(rng, [x for x in (28, 32, 56, 64, 65, 96, 128, 129, 224) if x >= ke])
        return {"ask": "same", "kernel": k, "rates": [d], "input_hw": [h, h], "stride": 1,
                "in_channels": c_in, "out_channels": c_out, "bias": bias}
    k = pick(rng, [3, 3, 3, 5])
    d = pick(rng, [2, 2, 3, 4, 6])
    ke = effective_kernel(k, d)
    s = pick(rng, [1, 1, 2])
    pad = pick(rng, [0, d, (ke - 1) // 2, 1, 2])
    h = rng.randint(max(ke, 8), 130)
    w = h if rng.random() < 0.8 else rng.randint(max(ke, 8), 130)
    h += (h - ke + 2 * pad) % s
    w += (w - ke + 2 * pad) % s
    return {"ask": "single", "kernel": k, "rates": [d], "input_hw": [h, w], "stride": s, "padding": pad,
            "in_channels": c_in, "out_channels": c_out, "bias": bias}


def prompt_dilated(params: dict[str, Any]) -> Prompt:
    ask, k, rates = params["ask"], params["kernel"], params["rates"]
    h, w = params["input_hw"]
    c_in, c_out = params["in_channels"], params["out_channels"]
    bt = _bias_text(params["bias"])
    size = f"${_shape([h, w, c_in])}$"
    rule_zh = "空洞卷积在卷积核相邻权重之间插入 $d - 1$ 个空洞，等效卷积核大小为 $k' = k + (k - 1)(d - 1)$。"
    rule_en = ("A dilated convolution inserts $d - 1$ holes between neighbouring weights, so its effective size is "
               "$k' = k + (k - 1)(d - 1)$.")
    if ask == "stack":
        n = len(rates)
        rl = ", ".join(str(d) for d in rates)
        zh = (f"DeepLab 等分割网络用堆叠的空洞卷积扩大感受野。输入特征图大小为 {size}，依次经过 {n} 个 "
              f"${k} times {k}$ 空洞卷积层，空洞率依次为 {rl.replace(', ', '、')}，步长均为 1，每层四周填充 $d(k - 1)/2$ 个 0 使尺寸不变，"
              f"每层都有 {c_out} 个卷积核，{bt.zh}。{rule_zh}感受野按输入上受影响区域的边长计（首尾像素的跨度，"
              f"中间的空洞也算在内）。求：(1) 最后一层一个输出单元在输入特征图上的感受野；(2) 这 {n} 层的总参数量。")
        en = (f"Segmentation networks such as DeepLab stack dilated convolutions to enlarge the receptive field. A "
              f"{size} feature map passes through {n} dilated convolution layers with ${k} times {k}$ kernels and "
              f"rates {rl} in turn, all with stride 1 and zero padding $d(k - 1)/2$ so the size is kept. Every layer "
              f"has {c_out} kernels; {bt.en}. {rule_en} The receptive field is the side length of the affected input "
              f"region (the span from its first to its last pixel, holes included). Find (1) the receptive field, on "
              f"the input map, of one unit of the last layer; (2) the total number of parameters of the {n} layers.")
        return Prompt(Bi(zh, en))
    d = rates[0]
    if ask == "same":
        zh = (f"对大小为 {size} 的特征图做 ${k} times {k}$ 的空洞卷积，空洞率 $d = {d}$，步长 1，共 {c_out} 个卷积核，"
              f"{bt.zh}。{rule_zh}求：(1) 等效卷积核大小 $k'$；(2) 要使输出特征图的宽高与输入相同，四周各需填充多少个 0；"
              f"(3) 该层的参数量。")
        en = (f"A ${k} times {k}$ dilated convolution with rate $d = {d}$ and stride 1 is applied to a {size} feature "
              f"map with {c_out} kernels; {bt.en}. {rule_en} Find (1) the effective kernel size $k'$; (2) the zero "
              f"padding per side that keeps the output's height and width equal to the input's; (3) the number of "
              f"parameters of the layer.")
        return Prompt(Bi(zh, en))
    s, pad = params["stride"], params["padding"]
    ke = effective_kernel(k, d)
    floored = (h - ke + 2 * pad) % s != 0 or (w - ke + 2 * pad) % s != 0
    zh = (f"对大小为 {size} 的特征图做空洞卷积：卷积核 ${k} times {k}$，空洞率 $d = {d}$，步长 $S = {s}$，"
          f"四周各填充 $P = {pad}$ 个 0，共 {c_out} 个卷积核，{bt.zh}。{rule_zh}求：(1) 等效卷积核大小 $k'$；"
          f"(2) 输出特征图的尺寸（高×宽×通道{'，除不尽时向下取整' if floored else ''}）；(3) 该层的参数量。")
    en = (f"A dilated convolution is applied to a {size} feature map: ${k} times {k}$ kernels with rate $d = {d}$, "
          f"stride $S = {s}$, zero padding $P = {pad}$ on each side, {c_out} kernels; {bt.en}. {rule_en} Find (1) "
          f"the effective kernel size $k'$; (2) the output size (height × width × channels"
          f"{', rounding down' if floored else ''}); (3) the number of parameters of the layer.")
    return Prompt(Bi(zh, en))


# ---------------------------------------------------------------- typical mistakes
def _eff_as_dk(params: dict[str, Any]) -> dict[str, Any] | None:
    """k′ taken as d·k (the kernel 'stretched' by d) instead of k + (k − 1)(d − 1); later parts follow from it."""
    if params["ask"] == "stack" or params["rates"][0] == 1:
        return None
    ke = params["rates"][0] * params["kernel"]
    if params["ask"] == "same":
        return {"eff": ke}
    h, w = params["input_hw"]
    s, pad = params["stride"], params["padding"]
    return {"eff": ke, "output": [(h - ke + 2 * pad) // s + 1, (w - ke + 2 * pad) // s + 1, params["out_channels"]]}


def _params_over_eff(params: dict[str, Any]) -> dict[str, Any] | None:
    """Counts a weight at every position of the dilated k′×k′ window, holes included."""
    rates = params["rates"]
    if all(d == 1 for d in rates):
        return None
    c_in, c_out = params["in_channels"], params["out_channels"]
    sizes = [effective_kernel(params["kernel"], d) ** 2 for d in rates]
    weights = sizes[0] * c_in * c_out + sum(n * c_out * c_out for n in sizes[1:])
    return {"params": weights + (len(rates) * c_out if params["bias"] else 0)}


MISTAKES = (
    Mistake("eff-as-dk", Bi("等效卷积核大小算成了 d·k；应为 k + (k − 1)(d − 1)", "took the effective kernel size as d·k; "
            "it is k + (k − 1)(d − 1)"), "Effective kernel size", _eff_as_dk),
    Mistake("params-over-eff", Bi("按等效卷积核 k′×k′ 计算了参数量；空洞处没有权重，仍是 k×k", "counted parameters over the "
            "k′×k′ effective kernel; the holes carry no weights, so it stays k×k"),
            ("The parameter count", "Dilation adds no"), _params_over_eff),
    Mistake("rf-ignores-dilation", Bi("堆叠感受野没乘空洞率，按普通 k×k 卷积算成了 1 + n(k − 1)", "left the dilation out "
            "of the stacked receptive field, 1 + n(k − 1) as for plain k×k convolutions"), "Layer 1",
            lambda q: {"rf": 1 + len(q["rates"]) * (q["kernel"] - 1)} if q["ask"] == "stack" and max(q["rates"]) > 1 else None),
)


register(Kind(
    name="dilated-conv", chapter="segmentation", section="calculation", points=6,
    title=Bi("空洞卷积", "Dilated (atrous) convolution"),
    summary=Bi("等效卷积核、输出尺寸、保持尺寸的填充、堆叠空洞卷积的感受野；参数量与空洞率无关",
               "Effective kernel, output size, 'same' padding, receptive field of stacked dilated convs; the "
               "parameter count does not depend on the rate"),
    conventions=Bi("k′ = k + (k − 1)(d − 1)；输出 ⌊(H − k′ + 2P)/S⌋ + 1；参数量 k²·C_in·C_out(+C_out)；"
                   "步长 1 的堆叠感受野 1 + Σ(k − 1)d",
                   "k′ = k + (k − 1)(d − 1); output ⌊(H − k′ + 2P)/S⌋ + 1; parameters k²·C_in·C_out (+C_out); "
                   "stacked stride-1 receptive field 1 + Σ(k − 1)d"),
    variants=("one layer: k', output size, parameters", "stacked rates (e.g. 1, 2, 4): receptive field and "
              "parameters", "'same' padding"),
    sample=sample_dilated, prompt=prompt_dilated, solve=dilated_conv, schema=DILATED_SCHEMA,
    carry_forward=dilated_carry_forward,
    example={"ask": "stack", "kernel": 3, "rates": [1, 2, 4], "input_hw": [64, 64], "stride": 1,
             "in_channels": 256, "out_channels": 256, "bias": False},
    mistakes=MISTAKES,
))
