"""`spp-length`: Output length of spatial pyramid pooling.

Any map size gives the fixed length C·Σn²; SPP-net's pooling window and stride. Top to bottom: params schema, pure
solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import all_whole, INT, _shape, pick
from examgen.model import Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


def _check_spp(params: dict[str, Any]) -> None:
    levels, ask = params["levels"], params["ask"]
    h, w = params["input_hw"]
    if len(set(levels)) != len(levels):
        raise ParamError("pyramid levels must be distinct")
    for hw_name in ("input_hw", "input_hw2"):
        hw = params.get(hw_name)
        if hw is not None and min(hw) < max(levels):
            raise ParamError(f"{hw_name} {hw} is smaller than the finest level {max(levels)}×{max(levels)}")
    if (ask == "fc") != (params.get("fc_out") is not None):
        raise ParamError("fc_out is given exactly when ask=fc")
    if ask == "window":
        if h != w:
            raise ParamError("ask=window uses a square map (input_hw [a, a])")
        if not _spp_bins_ok(h, levels):
            raise ParamError(f"for a {h}×{h} map the SPP-net window/stride rule does not give n×n bins at every level")
        if params.get("input_hw2") is not None:
            raise ParamError("input_hw2 only applies to ask=length")
    elif ask == "fc" and params.get("input_hw2") is not None:
        raise ParamError("input_hw2 only applies to ask=length")


SPP_SCHEMA = Schema({
    "levels": Param("ints", "pyramid levels n (n×n bins each), e.g. [4, 2, 1]", min=1, max=16),
    "channels": Param("int", "channels C of the last conv feature map", min=1, max=8192),
    "input_hw": Param("ints", "height and width of the feature map", length=2, min=1, max=1024),
    "ask": Param("str", "length, fc (length and the parameters of the next FC layer) or window (SPP-net window "
                 "and stride per level)", choices=("length", "fc", "window")),
    "input_hw2": Param("ints", "a second map size (ask=length, optional)", length=2, min=1, max=1024, optional=True),
    "fc_out": Param("int", "neurons of the FC layer after SPP (ask=fc)", min=1, max=100000, optional=True),
}, check=_check_spp)


# ---------------------------------------------------------------- solver
def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def spp_window(n_in: int, bins: int) -> tuple[int, int]:
    """SPP-net pooling window ⌈a/n⌉ and stride ⌊a/n⌋ for an a×a map and an n×n level."""
    return _ceil_div(n_in, bins), n_in // bins


def spp_length(params: dict[str, Any]) -> Solution:
    levels, c, ask = params["levels"], params["channels"], params["ask"]
    h, w = params["input_hw"]
    sq = sum(n * n for n in levels)
    length = c * sq
    steps: list[Step] = []
    parts: list[Part] = []
    if ask == "window":
        wins, strides = [], []
        for n in levels:
            win, st = spp_window(h, n)
            bins = (h - win) // st + 1
            wins.append(win)
            strides.append(st)
            steps.append(Step(
                title=Bi(f"{n}×{n} 这一级：窗口 $ceil(a/n)$，步长 $floor(a/n)$", f"The {n}×{n} level: window $ceil(a/n)$, "
                         f"stride $floor(a/n)$"), part="window",
                formula="w = ceil(a/n), quad t = floor(a/n)",
                work=f"w = ceil({h}/{n}), quad t = floor({h}/{n})",
                result=f"w = {win}, quad t = {st}",
                note=Bi(f"检验：$floor(({h} - {win})/{st}) + 1 = {bins}$，正好 {n}×{n} 个格子。",
                        f"Check: $floor(({h} - {win})/{st}) + 1 = {bins}$, exactly {n}×{n} bins.")))
        parts += [Part("window", Bi("各层池化窗口大小", "Pooling window of each level"), VectorSpec(len(levels), integer=True),
                       wins),
                  Part("stride", Bi("各层池化步长", "Pooling stride of each level"), VectorSpec(len(levels), integer=True),
                       strides)]
    sq_work = " + ".join(f"{n}^2" for n in levels)
    steps.append(Step(title=Bi("每个通道得到的格子数（各级 n×n 之和），与特征图大小无关",
                               "Bins per channel (sum of n×n over the levels), independent of the map size"),
                      part="length", formula="sum_l n_l^2", work=sq_work, result=f"{sq}"))
    steps.append(Step(title=Bi("每个格子对每个通道输出一个数，拼接成定长向量", "Each bin gives one number per channel; "
                               "concatenate into a fixed-length vector"), part="length",
                      formula="L = C dot sum_l n_l^2", work=f"{c} dot {sq}", result=f"L = {length}"))
    hw2 = params.get("input_hw2")
    if hw2 is None:
        parts.append(Part("length", Bi("SPP 输出向量的长度", "Length of the SPP output vector"), INT, length))
    else:
        steps[-1].note = Bi(f"长度只取决于金字塔层级和通道数，与特征图大小无关：{h}×{w} 与 {hw2[0]}×{hw2[1]} 的结果相同。",
                            f"The length depends only on the levels and the channels, not on the map size: "
                            f"{h}×{w} and {hw2[0]}×{hw2[1]} give the same.")
        parts += [Part("length", Bi(f"{h}×{w} 特征图的 SPP 输出长度", f"SPP length for the {h}×{w} map"), INT, length),
                  Part("length2", Bi(f"{hw2[0]}×{hw2[1]} 特征图的 SPP 输出长度",
                                     f"SPP length for the {hw2[0]}×{hw2[1]} map"), INT, length)]
    if ask == "fc":
        n_out = params["fc_out"]
        total = length * n_out + n_out
        steps.append(Step(title=Bi("SPP 后的全连接层：每个神经元连到 L 个输入，另加 1 个偏置",
                                   "The fully-connected layer after SPP: each neuron sees all L inputs, plus a bias"),
                          part="fc_params", formula='L dot N + N', work=f"{length} dot {n_out} + {n_out}",
                          result=f"{total}"))
        parts.append(Part("fc_params", Bi("全连接层的参数量", "Parameters of the fully-connected layer"), INT, total,
                          depends_on=("length",)))
    return Solution(parts, steps)


def spp_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    if part == "fc_params":
        if not all_whole(earlier["length"], positive=True):  # a vector length is a positive whole number
            return None
        n = params["fc_out"]
        return int(round(earlier["length"])) * n + n
    return None


# ---------------------------------------------------------------- sampler and prompt
# ================================================================ spp-length
def _spp_bins_ok(a: int, levels: list[int]) -> bool:
    for n in levels:
        win, st = spp_window(a, n)
        if st < 1 or (a - win) // st + 1 != n:
            return False
    return True


_LEVELS = [[4, 2, 1], [4, 2, 1], [3, 2, 1], [6, 3, 2, 1]]
_WINDOW_SIDES = {tuple(lv): [a for a in range(6, 41) if _spp_bins_ok(a, lv)] for lv in _LEVELS}


def sample_spp(rng: random.Random) -> dict[str, Any]:
    ask = pick(rng, ["length", "length", "fc", "window"])
    levels = list(pick(rng, _LEVELS))
    c = pick(rng, [256, 512]) if rng.random() < 0.3 else 16 * rng.randint(1, 64)
    lo = max(levels)
    if ask == "window":
        a = pick(rng, _WINDOW_SIDES[tuple(levels)])
        return {"levels": levels, "channels": c, "input_hw": [a, a], "ask": "window"}
    h = rng.randint(lo, 40)
    w = h if rng.random() < 0.6 else rng.randint(lo, 40)
    params: dict[str, Any] = {"levels": levels, "channels": c, "input_hw": [h, w], "ask": ask}
    if ask == "length" and rng.random() < 0.5:
        while True:
            h2 = rng.randint(lo, 40)
            w2 = h2 if rng.random() < 0.6 else rng.randint(lo, 40)
            if [h2, w2] != [h, w]:
                break
        params["input_hw2"] = [h2, w2]
    if ask == "fc":
        params["fc_out"] = pick(rng, [1024, 2048, 4096]) if rng.random() < 0.4 else 64 * rng.randint(1, 64)
    return params


def prompt_spp(params: dict[str, Any]) -> Prompt:
    levels, c, ask = params["levels"], params["channels"], params["ask"]
    h, w = params["input_hw"]
    lv = "、".join(f"{n}×{n}" for n in levels)
    lv_en = ", ".join(f"{n}×{n}" for n in levels)
    rule_zh = (f"空间金字塔池化（SPP）层对特征图的每个通道分别做 {lv} 共 {len(levels)} 级最大池化：第 $n$ 级把特征图划分为 "
               f"$n times n$ 个格子，每个格子输出一个最大值；各级结果展平后拼接为一个向量。")
    rule_en = (f"A spatial pyramid pooling (SPP) layer max-pools every channel of the feature map at {len(levels)} "
               f"levels, {lv_en}: level $n$ divides the map into $n times n$ bins and outputs one maximum per bin; the "
               f"results of all levels are flattened and concatenated into one vector.")
    if ask == "window":
        zh = (f"最后一个卷积层输出 ${_shape([h, w, c])}$ 的特征图。{rule_zh}按 SPP-net 的做法，对 $a times a$ 的特征图，"
              f"第 $n$ 级的池化窗口为 $w = ceil(a/n)$、步长为 $t = floor(a/n)$。求：(1) 各级（{lv}）的池化窗口大小；"
              f"(2) 各级的池化步长；(3) SPP 输出向量的长度。")
        en = (f"The last convolutional layer outputs a ${_shape([h, w, c])}$ feature map. {rule_en} As in SPP-net, "
              f"for an $a times a$ map level $n$ uses the window $w = ceil(a/n)$ and the stride $t = floor(a/n)$. Find "
              f"(1) the pooling window of each level ({lv_en}); (2) the stride of each level; (3) the length of the SPP "
              f"output vector.")
        return Prompt(Bi(zh, en))
    hw2 = params.get("input_hw2")
    if hw2 is not None:
        h2, w2 = hw2
        zh = (f"同一网络对两张不同大小的输入图像，最后一个卷积层分别输出 ${_shape([h, w, c])}$ 和 "
              f"${_shape([h2, w2, c])}$ 的特征图。{rule_zh}分别求两种情况下 SPP 输出向量的长度。")
        en = (f"For two input images of different sizes the last convolutional layer of a network outputs a "
              f"${_shape([h, w, c])}$ and a ${_shape([h2, w2, c])}$ feature map. {rule_en} Find the length of the SPP "
              f"output vector in each case.")
        return Prompt(Bi(zh, en))
    zh = f"最后一个卷积层输出 ${_shape([h, w, c])}$ 的特征图。{rule_zh}"
    en = f"The last convolutional layer outputs a ${_shape([h, w, c])}$ feature map. {rule_en}"
    if ask == "fc":
        n = params["fc_out"]
        zh += f"求：(1) SPP 输出向量的长度；(2) 其后含 {n} 个神经元的全连接层的参数量（每个神经元带 1 个偏置）。"
        en += (f" Find (1) the length of the SPP output vector; (2) the number of parameters of the following "
               f"fully-connected layer of {n} neurons (one bias per neuron).")
    else:
        zh += "求 SPP 输出向量的长度。"
        en += " Find the length of the SPP output vector."
    return Prompt(Bi(zh, en))


# ---------------------------------------------------------------- typical mistakes
def _lengths(params: dict[str, Any], length: int, fc_bias: bool = True) -> dict[str, int]:
    """The length parts (and the FC layer's parameters) for a wrongly computed SPP length."""
    out = {"length": length}
    if params.get("input_hw2") is not None:
        out["length2"] = length
    if params["ask"] == "fc":
        out["fc_params"] = length * params["fc_out"] + (params["fc_out"] if fc_bias else 0)
    return out


def _swapped_window(params: dict[str, Any]) -> dict[str, list[int]] | None:
    """Window ⌊a/n⌋ and stride ⌈a/n⌉ (floor and ceil swapped); None where a/n is whole at every level."""
    a, levels = params["input_hw"][0], params["levels"]
    if params["ask"] != "window" or all(a % n == 0 for n in levels):
        return None
    return {"window": [a // n for n in levels], "stride": [_ceil_div(a, n) for n in levels]}


MISTAKES = (
    Mistake("levels-not-squared", Bi("每级只算了 n 个格子；n×n 的一级有 n² 个格子", "counted n bins per level; an n×n "
            "level has n² bins"), "Bins per channel",
            lambda p: _lengths(p, p["channels"] * sum(p["levels"]))),
    Mistake("forgot-channels", Bi("只数了格子数，没有乘通道数 C；每个格子对每个通道各输出一个值",
            "counted the bins only, without multiplying by the channels C; each bin gives one value per channel"),
            "Each bin gives", lambda p: _lengths(p, sum(n * n for n in p["levels"]))),
    Mistake("floor-ceil-swapped", Bi("窗口和步长的取整用反了：窗口 ⌈a/n⌉，步长 ⌊a/n⌋",
            "swapped the rounding of window and stride: the window is ⌈a/n⌉, the stride ⌊a/n⌋"), "The ",
            _swapped_window),
    Mistake("fc-without-bias", Bi("全连接层漏了偏置：参数量为 L·N + N", "left the biases out of the FC layer: it has "
            "L·N + N parameters"), "The fully-connected layer",
            lambda p: {"fc_params": _lengths(p, p["channels"] * sum(n * n for n in p["levels"]), False)["fc_params"]}
            if p["ask"] == "fc" else None),
)


register(Kind(
    name="spp-length", chapter="segmentation", section="calculation", points=4,
    title=Bi("空间金字塔池化（SPP）的输出长度", "Output length of spatial pyramid pooling"),
    summary=Bi("任意大小的特征图经 SPP 得到定长向量 C·Σn²；SPP-net 的窗口与步长",
               "Any map size gives the fixed length C·Σn²; SPP-net's pooling window and stride"),
    conventions=Bi("每级 n×n 个格子、每格每通道一个值；SPP-net 窗口 ⌈a/n⌉、步长 ⌊a/n⌋",
                   "n×n bins per level, one value per bin and channel; SPP-net window ⌈a/n⌉, stride ⌊a/n⌋"),
    variants=("output length", "two map sizes, same length", "length and the next FC layer", "window and stride "
              "per level"),
    sample=sample_spp, prompt=prompt_spp, solve=spp_length, schema=SPP_SCHEMA,
    carry_forward=spp_carry_forward,
    example={"levels": [4, 2, 1], "channels": 256, "input_hw": [13, 13], "ask": "window"},
    mistakes=MISTAKES,
))
