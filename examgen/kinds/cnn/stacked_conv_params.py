"""`stacked-conv-params`: Parameters of stacked small kernels.

n stacked k×k convs vs one large conv with the same receptive field. Top to bottom: params schema, pure solver,
sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.i18n import Bi
from examgen.kinds._common import pick
from examgen.mathfmt import qt
from examgen.model import NumberSpec, Part, Prompt, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


STACKED_SCHEMA = Schema({
    "channels": Param("int", "channels C of every layer (input = output)", min=1, max=4096),
    "small_kernel": Param("int", "side k of the small kernel", min=2, max=15),
    "num_layers": Param("int", "number n of stacked layers", min=2, max=10),
    "bias": Param("bool", "count one bias per output channel"),
    "in_channels": Param("int", "channels entering the first layer (default: C)", min=1, max=4096, optional=True),
})


# ---------------------------------------------------------------- solver
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


# ---------------------------------------------------------------- sampler and prompt
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


# ---------------------------------------------------------------- typical mistakes
def _counts(params: dict[str, Any], bias: bool, same_in: bool, r: int | None = None) -> dict[str, int]:
    """(stacked, single) counted with the given bias choice, input channels and receptive field."""
    c, k, n = params["channels"], params["small_kernel"], params["num_layers"]
    c_in = params.get("in_channels", c)
    b = c if bias else 0
    r = n * (k - 1) + 1 if r is None else r
    first = k * k * c_in * c + b
    rest = k * k * (c_in if same_in else c) * c + b
    return {"stacked": first + (n - 1) * rest, "single": r * r * c_in * c + b}


def _no_bias(params: dict[str, Any]) -> dict[str, int] | None:
    return _counts(params, False, False) if params["bias"] else None


def _every_layer_c_in(params: dict[str, Any]) -> dict[str, int] | None:
    if params.get("in_channels", params["channels"]) == params["channels"]:
        return None
    return {"stacked": _counts(params, params["bias"], True)["stacked"]}


def _rf_sum_of_kernels(params: dict[str, Any]) -> dict[str, int]:
    return {"single": _counts(params, params["bias"], False, r=params["num_layers"] * params["small_kernel"])["single"]}


MISTAKES = (
    Mistake("forgot-bias", Bi("漏算了偏置：每层还有 C 个偏置", "forgot the biases: each layer has C of them"),
            "Parameters of", _no_bias),
    Mistake("every-layer-input-channels", Bi("每一层都按输入图像的通道数 C_in 算了；只有第 1 层的输入是 C_in 个通道，"
            "其余各层的输入是 C 个通道",
            "used the image's channels for every layer; only layer 1 sees C_in, the others see C"),
            "Parameters of each other layer", _every_layer_c_in),
    Mistake("rf-sum-of-kernels", Bi("把感受野算成了 n·k；堆叠 n 个 k×k 卷积的感受野是 n(k − 1) + 1",
            "took the receptive field as n·k; n stacked k×k convolutions see n(k − 1) + 1"),
            "Receptive field of", _rf_sum_of_kernels),
)


register(Kind(
    name="stacked-conv-params", chapter="cnn", section="calculation", points=4,
    title=Bi("堆叠小卷积核的参数量", "Parameters of stacked small kernels"),
    summary=Bi("n 个 k×k 卷积与同感受野的大卷积的参数量对比", "n stacked k×k convs vs one large conv with the same receptive field"),
    conventions=Bi("感受野 R = n(k − 1) + 1；每层参数 k²·C_in·C（+C 个偏置）",
                   "receptive field R = n(k − 1) + 1; a layer has k²·C_in·C weights (+C biases)"),
    variants=("two 3×3 vs 5×5", "three 3×3 vs 7×7", "two 5×5 vs 9×9", "with / without bias", "RGB input"),
    sample=sample_stacked, prompt=prompt_stacked, solve=stacked_conv_params, schema=STACKED_SCHEMA,
    example={"channels": 64, "small_kernel": 3, "num_layers": 2, "bias": False},
    mistakes=MISTAKES,
))
