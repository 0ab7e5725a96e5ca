"""`conv-feature-map`: Computing a convolution feature map.

Cross-correlation of a small image with a kernel: stride, zero padding, bias and ReLU. Top to bottom: params schema,
pure solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import grid, matrix, pick
from examgen.kinds.cnn._shared import _whole
from examgen.mathfmt import mat, num, p
from examgen.model import MatrixSpec, Part, Prompt, ShapeSpec, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


# ================================================================ conv-feature-map
def _check_fmap(params: dict[str, Any]) -> None:
    image, kernel, pad = params["image"], params["kernel"], params["padding"]
    _whole("image", image)
    _whole("kernel", kernel)
    if len(image) + 2 * pad < len(kernel) or len(image[0]) + 2 * pad < len(kernel[0]):
        raise ParamError("the kernel is larger than the padded image")
    if all(v == 0 for r in kernel for v in r):
        raise ParamError("the kernel is all zeros")


FMAP_SCHEMA = Schema({
    "image": Param("matrix", "the single-channel input image (whole numbers)"),
    "kernel": Param("matrix", "the kernel K (whole numbers), applied as cross-correlation"),
    "stride": Param("int", "stride S", min=1, max=8),
    "padding": Param("int", "zero padding P per side", min=0, max=4),
    "bias": Param("int", "bias b added to every output (optional)", min=-100, max=100, optional=True),
    "relu": Param("bool", "apply ReLU after the bias (optional)", optional=True),
}, check=_check_fmap)


# ---------------------------------------------------------------- solver
def pad_image(image: list[list[int]], padding: int) -> list[list[int]]:
    w = len(image[0]) + 2 * padding
    zeros = [[0] * w for _ in range(padding)]
    return zeros + [[0] * padding + list(r) + [0] * padding for r in image] + [list(z) for z in zeros]


def feature_map(params: dict[str, Any]) -> tuple[list[list[int]], list[list[int]], list[list[int]]]:
    """(padded image, pre-activation map incl. bias, output map after the optional ReLU)."""
    kernel, s = params["kernel"], params["stride"]
    src = pad_image(params["image"], params["padding"])
    kh, kw = len(kernel), len(kernel[0])
    oh = (len(src) - kh) // s + 1
    ow = (len(src[0]) - kw) // s + 1
    b = params.get("bias", 0) or 0
    taps = [(u, v, kernel[u][v]) for u in range(kh) for v in range(kw) if kernel[u][v] != 0]
    pre = [[sum(kv * src[s * i + u][s * j + v] for u, v, kv in taps) + b for j in range(ow)] for i in range(oh)]
    out = [[max(0, x) for x in row] for row in pre] if params.get("relu") else pre
    return src, pre, out


def _weighted_sum(kernel: list[list[int]], src: list[list[int]], r0: int, c0: int) -> str:
    text = ""
    for u, row in enumerate(kernel):
        for v, kv in enumerate(row):
            if kv == 0:
                continue
            term = f"{num(abs(kv))} dot {p(src[r0 + u][c0 + v])}"
            if not text:
                text = ("-" if kv < 0 else "") + term
            else:
                text += (" - " if kv < 0 else " + ") + term
    return text or "0"


def conv_feature_map(params: dict[str, Any]) -> Solution:
    image, kernel = params["image"], params["kernel"]
    s, pad = params["stride"], params["padding"]
    b = params.get("bias", 0) or 0
    relu = bool(params.get("relu"))
    h, w = len(image), len(image[0])
    kh, kw = len(kernel), len(kernel[0])
    src, pre, out = feature_map(params)
    oh, ow = len(out), len(out[0])
    steps: list[Step] = []
    if pad:
        steps.append(Step(title=Bi(f"四周各补 {pad} 圈 0，得到填充后的图像 $I_p$",
                                   f"Pad {pad} ring{'s' if pad > 1 else ''} of zeros around the image to get $I_p$"),
                          formula="I_p", result="I_p = " + mat(src)))
    src_name = "I_p" if pad else "I"
    sizes = []
    for name, n, k in (("H", h, kh), ("W", w, kw)):
        num_ = n - k + 2 * pad
        exact = num_ % s == 0
        o = num_ // s + 1
        formula = f'{name}_"out" = ({name} - k + 2P)/S + 1' if exact else f'{name}_"out" = floor(({name} - k + 2P)/S) + 1'
        work = f"({n} - {k} + 2 dot {pad})/{s} + 1" if exact else f"floor(({n} - {k} + 2 dot {pad})/{s}) + 1"
        sizes.append(Step(title=Bi("输出的高度" if name == "H" else "输出的宽度",
                                   "Output height" if name == "H" else "Output width"),
                          part="size", formula=formula, work=work, result=f'{name}_"out" = {o}'))
    if h == w and kh == kw:
        sizes[1] = Step(title=Bi("宽度同理", "The width works out the same"), part="size", result=f'W_"out" = {ow}')
    steps += sizes
    bias_f = " + b" if b else ""
    formula = f"O(i,j) = sum_(u,v) K(u,v) dot {src_name}(S i + u, S j + v){bias_f}"
    shown = [(0, 0)] + ([(0, 1)] if ow > 1 else [])
    for i, j in shown:
        work = _weighted_sum(kernel, src, s * i, s * j)
        if b:
            work = f"({work}) {'+' if b > 0 else '-'} {abs(b)}"
        sym = "Z" if relu else "O"
        rows_zh = f"第 {s * i}–{s * i + kh - 1} 行、第 {s * j}–{s * j + kw - 1} 列"
        if (i, j) == (0, 0):
            t_zh = f"输出位置 (0, 0)：卷积核覆盖 ${src_name}$ 左上角的窗口（{rows_zh}），对应元素相乘再求和"
            t_en = (f"Output (0, 0): the kernel covers the top-left window of ${src_name}$ (rows {s * i}–{s * i + kh - 1}, "
                    f"columns {s * j}–{s * j + kw - 1}); multiply element-wise and add")
        else:
            t_zh = f"输出位置 (0, 1)：窗口向右移动 $S = {s}$ 格（{rows_zh}），同样相乘再求和"
            t_en = (f"Output (0, 1): the window moves $S = {s}$ column{'s' if s > 1 else ''} to the right (rows "
                    f"{s * i}–{s * i + kh - 1}, columns {s * j}–{s * j + kw - 1}); multiply and add again")
        steps.append(Step(
            title=Bi(t_zh, t_en),
            part="map", formula=formula.replace("O(i,j)", f"{sym}(i,j)"), work=work,
            result=f"{sym}({i},{j}) = {num(pre[i][j])}"))
    if relu:
        steps.append(Step(title=Bi("所有位置加偏置后的结果（激活前）" if b else "所有位置的结果（激活前）",
                                   "All positions with the bias (before activation)" if b
                                   else "All positions (before activation)"),
                          part="map", formula=formula.replace("O(i,j)", "Z(i,j)"), result="Z = " + mat(pre)))
        steps.append(Step(title=Bi("逐元素做 ReLU：负值变为 0", "Apply ReLU element-wise: negatives become 0"),
                          part="map", formula='O = max(0, Z)', result="O = " + mat(out)))
    else:
        pixels = "1 pixel" if s == 1 else f"{s} pixels"
        steps.append(Step(title=Bi(f"窗口每次移动 {s} 格，依次算出所有位置",
                                   f"Slide the window {pixels} at a time to get every position"),
                          part="map", formula=formula, result="O = " + mat(out)))
    parts = []
    if s > 1 or pad:
        parts.append(Part("size", Bi("输出特征响应图的尺寸 H×W", "Output size H×W"), ShapeSpec(2), [oh, ow]))
    parts.append(Part("map", Bi("输出特征响应图", "Output feature map"), MatrixSpec(oh, ow, integer=True),
                      [[int(v) for v in r] for r in out]))
    return Solution(parts, steps)


# ---------------------------------------------------------------- sampler and prompt
# (kernel, stride, padding) -> image sides giving an exact output of 2..4 per side
_FMAP_SIDES = {
    ("valid", 2): [3, 4, 5], ("valid", 3): [4, 5],
    ("stride", 2): [4, 6], ("stride", 3): [5, 7],
    ("pad", 3): [3, 4],
    ("pad_stride", 3): [3, 5],
}


def sample_fmap(rng: random.Random) -> dict[str, Any]:
    variant = pick(rng, ["valid", "valid", "stride", "pad", "pad_stride", "relu"])
    k = 3 if variant in ("pad", "pad_stride") else pick(rng, [2, 3, 3])
    s = 2 if variant in ("stride", "pad_stride") else 1
    pad = 1 if variant in ("pad", "pad_stride") else 0
    sides = _FMAP_SIDES[("valid" if variant == "relu" else variant, k)]
    while True:
        h, w = pick(rng, sides), pick(rng, sides)
        oh, ow = (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1
        if oh * ow * k * k > 81 or oh * ow > 12:
            continue
        kernel = [[int(rng.random() * 5) - 2 for _ in range(k)] for _ in range(k)]
        if sum(1 for r in kernel for v in r if v != 0) < min(3, k * k - 1):
            continue
        image = [[int(rng.random() * 10) for _ in range(w)] for _ in range(h)]
        params: dict[str, Any] = {"image": image, "kernel": kernel, "stride": s, "padding": pad}
        if variant == "relu":
            params["bias"] = pick(rng, [-3, -2, -1, 1, 2, 3])
            params["relu"] = True
        _, pre, out = feature_map(params)
        flat = [v for r in out for v in r]
        if all(v == 0 for v in flat) or len(set(flat)) < 2:
            continue
        if variant == "relu" and not any(v < 0 for r in pre for v in r):
            continue
        return params


def prompt_fmap(params: dict[str, Any]) -> Prompt:
    image, kernel, s, pad = params["image"], params["kernel"], params["stride"], params["padding"]
    h, w = len(image), len(image[0])
    kh, kw = len(kernel), len(kernel[0])
    b = params.get("bias") or 0
    relu = bool(params.get("relu"))
    src = "I_p" if pad else "I"
    floored = (h + 2 * pad - kh) % s != 0 or (w + 2 * pad - kw) % s != 0
    setting_zh = f"步长 $S = {s}$，" + (f"四周各填充 $P = {pad}$ 圈 0（记填充后的图像为 $I_p$）" if pad else "不填充")
    setting_en = f"stride $S = {s}$, " + (f"zero padding $P = {pad}$ on every side (call the padded image $I_p$)"
                                          if pad else "no padding")
    rule_zh = (f"按深度学习框架的惯例，卷积按互相关计算（卷积核不翻转）："
               f"$O(i,j) = sum_(u,v) K(u,v) dot {src}(S i + u, S j + v)$，下标从 0 开始。")
    rule_en = (f"As in deep-learning libraries, the convolution is a cross-correlation (the kernel is not flipped): "
               f"$O(i,j) = sum_(u,v) K(u,v) dot {src}(S i + u, S j + v)$ with 0-based indices.")
    extra_zh, extra_en = "", ""
    if relu and b:
        extra_zh = f"每个位置的结果再加偏置 $b = {b}$，然后经过 ReLU 激活 $max(0, z)$。"
        extra_en = f" Each result then gets the bias $b = {b}$ and passes through the ReLU $max(0, z)$."
    elif relu:
        extra_zh = "每个位置的结果再经过 ReLU 激活 $max(0, z)$。"
        extra_en = " Each result then passes through the ReLU $max(0, z)$."
    elif b:
        extra_zh = f"每个位置的结果再加偏置 $b = {b}$。"
        extra_en = f" Each result then gets the bias $b = {b}$."
    ask_size = s > 1 or pad > 0
    ask_zh = "求输出特征响应图的尺寸和各位置的值。" if ask_size else "求输出特征响应图。"
    ask_en = "Give the size of the output feature map and its values." if ask_size else "Give the output feature map."
    if floored:
        ask_zh += "（尺寸除不尽时向下取整，放不下的窗口舍去。）"
        ask_en += " (Round the size down; windows that do not fit are dropped.)"
    zh = (f"下图为 {h}×{w} 的单通道输入图像 $I$ 和 {kh}×{kw} 卷积核 $K$，{setting_zh}。{rule_zh}{extra_zh}{ask_zh}")
    en = (f"The figure shows a {h}×{w} single-channel image $I$ and a {kh}×{kw} kernel $K$; {setting_en}. "
          f"{rule_en}{extra_en} {ask_en}")
    figs = [grid(Bi("输入图像 $I$", "Input image $I$"), image), matrix(Bi("卷积核 $K$", "Kernel $K$"), kernel)]
    return Prompt(Bi(zh, en), figs)


# ---------------------------------------------------------------- typical mistakes
def _as_if(params: dict[str, Any], **changed: Any) -> dict[str, Any]:
    """The answer a student gets by running the right method on params with `changed` (map, and size if asked)."""
    out = feature_map({**params, **changed})[2]
    answer: dict[str, Any] = {"map": out}
    if params["stride"] > 1 or params["padding"]:
        answer["size"] = [len(out), len(out[0])]
    return answer


def _flipped(params: dict[str, Any]) -> dict[str, Any] | None:
    """True convolution: the kernel rotated by 180° before sliding it (the course uses cross-correlation)."""
    flipped = [list(reversed(r)) for r in reversed(params["kernel"])]
    return None if flipped == params["kernel"] else _as_if(params, kernel=flipped)


MISTAKES = (
    Mistake("flipped-kernel", Bi("把卷积核旋转了 180°（数学定义的卷积）；本题按互相关计算，卷积核不翻转", "rotated the kernel by "
            "180° (true convolution); this is cross-correlation, the kernel is not flipped"), "Output (0, 0)", _flipped),
    Mistake("forgot-bias", Bi("做 ReLU 之前忘了加偏置 b", "applied ReLU without adding the bias b"),
            "All positions", lambda q: _as_if(q, bias=0) if q.get("bias") else None),
    Mistake("ignored-padding", Bi("没有补零，直接在原图上滑动卷积核", "slid the kernel over the image without the zero "
            "padding"), "Output height", lambda q: _as_if(q, padding=0) if q["padding"] else None),
)


register(Kind(
    name="conv-feature-map", chapter="cnn", section="calculation", points=6,
    title=Bi("卷积运算求特征响应图", "Computing a convolution feature map"),
    summary=Bi("小图像与卷积核的互相关：步长、补零、偏置与 ReLU", "Cross-correlation of a small image with a kernel: "
               "stride, zero padding, bias and ReLU"),
    conventions=Bi("互相关（卷积核不翻转），下标从 0 开始；补零；输出 ⌊(H − k + 2P)/S⌋ + 1",
                   "cross-correlation (kernel not flipped), 0-based indices; zero padding; output "
                   "⌊(H − k + 2P)/S⌋ + 1"),
    variants=("valid, stride 1", "stride 2", "zero padding", "padding and stride 2", "bias + ReLU"),
    sample=sample_fmap, prompt=prompt_fmap, solve=conv_feature_map, schema=FMAP_SCHEMA,
    example={"image": [[1, 2, 0, 3], [4, 1, 2, 0], [0, 3, 1, 2], [2, 0, 4, 1]], "kernel": [[1, 0], [-1, 2]],
             "stride": 1, "padding": 0},
    mistakes=MISTAKES,
))
