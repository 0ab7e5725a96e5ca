"""`pool-output`: Pooling: output size and values.

Max / average pooling, window 2 or 3, stride 2 or equal to the window. Top to bottom: params schema, pure solver,
sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _shape, grid, pick
from examgen.kinds.cnn._shared import _whole
from examgen.mathfmt import mat, num, round_answer
from examgen.model import MatrixSpec, Part, Prompt, ShapeSpec, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


# ================================================================ pool-output
def _check_pool(params: dict[str, Any]) -> None:
    image, f = params["image"], params["window"]
    _whole("image", image)
    if f > len(image) or f > len(image[0]):
        raise ParamError(f"the {f}×{f} window is larger than the {len(image)}×{len(image[0])} map")


POOL_SCHEMA = Schema({
    "image": Param("matrix", "the feature map (one channel, whole numbers)"),
    "window": Param("int", "pooling window F (F×F)", min=1, max=16),
    "stride": Param("int", "stride S", min=1, max=16),
    "mode": Param("str", "max, avg or both", choices=("max", "avg", "both")),
    "channels": Param("int", "channels C of the whole feature map (the figure shows one; optional)", min=1,
                      max=4096, optional=True),
}, check=_check_pool)


# ---------------------------------------------------------------- solver
def pool_map(image: list[list[float]], window: int, stride: int, mode: str) -> list[list[float]]:
    oh = (len(image) - window) // stride + 1
    ow = (len(image[0]) - window) // stride + 1
    out = []
    for i in range(oh):
        row = []
        for j in range(ow):
            cells = [image[stride * i + u][stride * j + v] for u in range(window) for v in range(window)]
            row.append(max(cells) if mode == "max" else sum(cells) / len(cells))
        out.append(row)
    return out


def pool_output(params: dict[str, Any]) -> Solution:
    image, f, s, mode = params["image"], params["window"], params["stride"], params["mode"]
    c = params.get("channels", 1) or 1
    h, w = len(image), len(image[0])
    oh, ow = (h - f) // s + 1, (w - f) // s + 1
    steps: list[Step] = []
    for name, n, o in (("H", h, oh), ("W", w, ow)):
        exact = (n - f) % s == 0
        if name == "W" and w == h:
            steps.append(Step(title=Bi("宽度同理", "The width works out the same"), part="size", result=f'W_"out" = {o}'))
            continue
        steps.append(Step(
            title=Bi("池化输出的高度（不填充）" if name == "H" else "池化输出的宽度（不填充）",
                     "Pooled height (no padding)" if name == "H" else "Pooled width (no padding)"), part="size",
            formula=f'{name}_"out" = ({name} - F)/S + 1' if exact else f'{name}_"out" = floor(({name} - F)/S) + 1',
            work=f"({n} - {f})/{s} + 1" if exact else f"floor(({n} - {f})/{s}) + 1", result=f'{name}_"out" = {o}'))
    dims = [oh, ow] + ([c] if c > 1 else [])
    if c > 1:
        steps.append(Step(title=Bi("池化对每个通道分别进行，通道数不变", "Pooling works on each channel separately; "
                                   "the channel count is unchanged"), part="size",
                          formula='H_"out" times W_"out" times C', result=_shape(dims)))
    modes = ["max", "avg"] if mode == "both" else [mode]
    first = [image[u][v] for u in range(f) for v in range(f)]
    parts = [Part("size", Bi("池化后的尺寸", "Size after pooling"), ShapeSpec(len(dims)), dims)]
    for m in modes:
        out = pool_map(image, f, s, m)
        if m == "max":
            steps.append(Step(title=Bi(f"第一个 {f}×{f} 窗口（左上角）取最大值", f"First {f}×{f} window (top-left): "
                                       "take the maximum"), part=m,
                              formula="O(0,0) = max_(u,v) I(u,v)", work="max(" + ", ".join(num(x) for x in first) + ")",
                              result=f"O(0,0) = {num(max(first))}"))
            label = Bi("最大池化结果", "Max-pooling output")
            spec = MatrixSpec(oh, ow, integer=True)
            res = mat(out)
        else:
            avg = sum(first) / len(first)
            steps.append(Step(title=Bi(f"第一个 {f}×{f} 窗口（左上角）取平均值", f"First {f}×{f} window (top-left): "
                                       "take the mean"), part=m,
                              formula=f"O(0,0) = 1/{f * f} sum_(u,v) I(u,v)",
                              work="(" + " + ".join(num(x) for x in first) + f")/{f * f} = {num(sum(first))}/{f * f}",
                              result=f"O(0,0) {'=' if abs(avg * 100 - round(avg * 100)) < 1e-9 else 'approx'} {num(avg, 2)}"))
            label = Bi("平均池化结果（保留两位小数）", "Average-pooling output (2 decimals)")
            spec = MatrixSpec(oh, ow, decimals=2)
            res = mat(out, 2)
        what = ("取每个窗口的最大值", "the maximum of each window") if m == "max" else \
            ("取每个窗口的平均值", "the mean of each window")
        steps.append(Step(title=Bi(f"窗口每次移动 {s} 格，{what[0]}", f"Slide the window {s} pixels at a time and "
                                   f"take {what[1]}"), part=m, result=("O_\"max\" = " if m == "max" else "O_\"avg\" = ") + res))
        parts.append(Part(m, label, spec, [[round_answer(v) if m == "avg" else int(v) for v in r] for r in out]))
    return Solution(parts, steps)


# ---------------------------------------------------------------- sampler and prompt
# (window, stride) -> map sides that give an exact output of 2 or 3
_POOL_SIDES = {(2, 2): [4, 6], (3, 3): [6, 9], (3, 2): [5, 7]}


def sample_pool(rng: random.Random) -> dict[str, Any]:
    mode = pick(rng, ["max", "max", "avg", "avg", "both"])
    f, s = pick(rng, [(2, 2), (2, 2), (3, 3), (3, 2)])
    sides = _POOL_SIDES[(f, s)]
    h = pick(rng, sides[:1] if f == 3 and s == 3 else sides)
    w = pick(rng, sides)
    image = [[int(rng.random() * 10) for _ in range(w)] for _ in range(h)]
    while max(max(r) for r in image) == 0:  # never an all-zero map
        image = [[int(rng.random() * 10) for _ in range(w)] for _ in range(h)]
    params: dict[str, Any] = {"image": image, "window": f, "stride": s, "mode": mode}
    if rng.random() < 0.4:
        params["channels"] = pick(rng, [3, 8, 16, 32, 64, 96, 128, 256])
    return params


def prompt_pool(params: dict[str, Any]) -> Prompt:
    image, f, s, mode = params["image"], params["window"], params["stride"], params["mode"]
    c = params.get("channels")
    h, w = len(image), len(image[0])
    name = {"max": ("最大池化", "max pooling"), "avg": ("平均池化", "average pooling"),
            "both": ("最大池化与平均池化", "max pooling and average pooling")}[mode]
    floored = (h - f) % s != 0 or (w - f) % s != 0
    if c and c > 1:
        what_zh = f"某 ${_shape([h, w, c])}$ 特征图的第 1 个通道如下图所示。"
        what_en = f"The figure shows the first channel of a ${_shape([h, w, c])}$ feature map."
        ask_zh = f"求池化后整个特征图的尺寸（高×宽×通道），以及图中这个通道的{name[0]}的结果"
        ask_en = (f"Give the size of the whole pooled feature map (height × width × channels) and the {name[1]} "
                  f"result for the channel shown")
    else:
        what_zh = f"下图为 {h}×{w} 的单通道特征图。"
        what_en = f"The figure shows a {h}×{w} single-channel feature map."
        ask_zh = f"求池化后的尺寸，以及{name[0]}的结果"
        ask_en = f"Give the pooled size and the {name[1]} result"
    if mode != "max":
        ask_zh += "（平均值保留两位小数）"
        ask_en += " (averages to 2 decimals)"
    overlap_zh = "（窗口有重叠）" if s < f else ""
    overlap_en = " (the windows overlap)" if s < f else ""
    zh = (f"{what_zh}对其做 ${f} times {f}$ 的{name[0]}，步长 $S = {s}${overlap_zh}，不填充"
          f"{'，放不下的窗口舍去' if floored else ''}。{ask_zh}。")
    en = (f"{what_en} Apply ${f} times {f}$ {name[1]} with stride $S = {s}${overlap_en} and no padding"
          f"{' (windows that do not fit are dropped)' if floored else ''}. {ask_en}.")
    return Prompt(Bi(zh, en), [grid(Bi("特征图", "Feature map"), image)])


# ---------------------------------------------------------------- typical mistakes
def _modes(params: dict[str, Any]) -> list[str]:
    return ["max", "avg"] if params["mode"] == "both" else [params["mode"]]


def _tiled(params: dict[str, Any]) -> dict[str, Any] | None:
    """Overlapping windows slid by F (side by side) instead of by the stride S."""
    image, f, s = params["image"], params["window"], params["stride"]
    if s >= f:
        return None
    out: dict[str, Any] = {"size": [(len(image) - f) // f + 1, (len(image[0]) - f) // f + 1]
                           + ([params["channels"]] if params.get("channels", 1) > 1 else [])}
    for m in _modes(params):
        out[m] = [[round(v, 2) for v in r] for r in pool_map(image, f, f, m)]
    return out


def _no_plus_one(params: dict[str, Any]) -> dict[str, Any]:
    """Output size (H − F)/S without the + 1."""
    image, f, s = params["image"], params["window"], params["stride"]
    c = params.get("channels", 1)
    return {"size": [(len(image) - f) // s, (len(image[0]) - f) // s] + ([c] if c > 1 else [])}


def _mean_over_f(params: dict[str, Any]) -> dict[str, Any] | None:
    """Average pooling dividing each window's sum by F instead of by the F² cells."""
    if "avg" not in _modes(params):
        return None
    f = params["window"]
    return {"avg": [[round(v * f, 2) for v in r] for r in pool_map(params["image"], f, params["stride"], "avg")]}


MISTAKES = (
    Mistake("slid-by-window", Bi("重叠池化时窗口每次移动了 F 格（变成了互不重叠），应按步长 S 移动", "moved the overlapping "
            "window by F (side by side) instead of by the stride S"), "Pooled height", _tiled),
    Mistake("forgot-plus-one", Bi("计算输出尺寸时漏了公式末尾的 + 1", "forgot the + 1 at the end of the output-size "
            "formula"), "Pooled height", _no_plus_one),
    Mistake("mean-over-f", Bi("平均池化时除以了 F，应除以窗口内的 F² 个数", "averaged by dividing by F instead of by the "
            "F² cells of the window"), "First", _mean_over_f),
)


register(Kind(
    name="pool-output", chapter="cnn", section="calculation", points=4,
    title=Bi("池化的输出尺寸与结果", "Pooling: output size and values"),
    summary=Bi("最大 / 平均池化，窗口 2 或 3，步长 2 或等于窗口", "Max / average pooling, window 2 or 3, stride 2 or "
               "equal to the window"),
    conventions=Bi("不填充；输出 ⌊(H − F)/S⌋ + 1；池化逐通道进行，通道数不变；平均值保留两位小数",
                   "no padding; output ⌊(H − F)/S⌋ + 1; pooling is per channel and keeps the channel count; "
                   "averages to 2 decimals"),
    variants=("2×2 max pooling", "2×2 average pooling", "3×3 stride 3", "overlapping 3×3 stride 2",
              "max and average", "with channels"),
    sample=sample_pool, prompt=prompt_pool, solve=pool_output, schema=POOL_SCHEMA,
    example={"image": [[1, 3, 2, 4], [5, 6, 1, 0], [7, 2, 9, 8], [3, 1, 4, 6]], "window": 2, "stride": 2,
             "mode": "both"},
    mistakes=MISTAKES,
))
