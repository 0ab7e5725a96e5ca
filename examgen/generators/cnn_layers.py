"""Generators for CNN layer arithmetic (chapters 1 and 7 of the notes): parameter counts, convolution and pooling
maps, receptive fields, dilated convolution, spatial pyramid pooling and skip-connection fusion."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.generators._common import grid, matrix, pick, table
from examgen.i18n import Bi
from examgen.model import Prompt
from examgen.params import Param, Schema
from examgen.registry import Kind, register
from examgen.solver import cnn_layers as solver

_NICE_CHANNELS = [3, 8, 16, 20, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512]


def _shape(dims: list[int]) -> str:
    return " times ".join(str(d) for d in dims)


def _whole(name: str, rows: list[list[Any]], lo: float | None = None, hi: float | None = None) -> None:
    for r in rows:
        for v in r:
            if not float(v).is_integer():
                raise ParamError(f"{name} must hold whole numbers, got {v}")
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                raise ParamError(f"{name} entries must lie in [{lo:g}, {hi:g}], got {v}")


def _bias_text(bias: bool, what: Bi = Bi("卷积核", "kernel")) -> Bi:
    if bias:
        return Bi(f"每个{what.zh}带 1 个偏置", f"each {what.en} has one bias")
    return Bi("不计偏置", "ignore biases")


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


def sample_params(rng: random.Random) -> dict[str, Any]:
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
    sample=sample_params, prompt=prompt_params, solve=solver.conv_params, schema=PARAMS_SCHEMA,
    example={"layer": "global", "input_shape": [12, 12, 20], "out": 100, "bias": True},
))


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
        _, pre, out = solver.feature_map(params)
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


register(Kind(
    name="conv-feature-map", chapter="cnn", section="calculation", points=6,
    title=Bi("卷积运算求特征响应图", "Computing a convolution feature map"),
    summary=Bi("小图像与卷积核的互相关：步长、补零、偏置与 ReLU", "Cross-correlation of a small image with a kernel: "
               "stride, zero padding, bias and ReLU"),
    conventions=Bi("互相关（卷积核不翻转），下标从 0 开始；补零；输出 ⌊(H − k + 2P)/S⌋ + 1",
                   "cross-correlation (kernel not flipped), 0-based indices; zero padding; output "
                   "⌊(H − k + 2P)/S⌋ + 1"),
    variants=("valid, stride 1", "stride 2", "zero padding", "padding and stride 2", "bias + ReLU"),
    sample=sample_fmap, prompt=prompt_fmap, solve=solver.conv_feature_map, schema=FMAP_SCHEMA,
    example={"image": [[1, 2, 0, 3], [4, 1, 2, 0], [0, 3, 1, 2], [2, 0, 4, 1]], "kernel": [[1, 0], [-1, 2]],
             "stride": 1, "padding": 0},
))


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
            "both": ("最大池化和平均池化", "max pooling and average pooling")}[mode]
    floored = (h - f) % s != 0 or (w - f) % s != 0
    if c and c > 1:
        what_zh = f"某 ${_shape([h, w, c])}$ 特征图的第 1 个通道如下图所示。"
        what_en = f"The figure shows the first channel of a ${_shape([h, w, c])}$ feature map."
        ask_zh = f"求池化后整个特征图的尺寸（高×宽×通道），以及图中这个通道的{name[0]}结果"
        ask_en = (f"Give the size of the whole pooled feature map (height × width × channels) and the {name[1]} "
                  f"result for the channel shown")
    else:
        what_zh = f"下图为 {h}×{w} 的单通道特征图。"
        what_en = f"The figure shows a {h}×{w} single-channel feature map."
        ask_zh = f"求池化后的尺寸和{name[0]}结果"
        ask_en = f"Give the pooled size and the {name[1]} result"
    if mode != "max":
        ask_zh += "（平均值保留两位小数）"
        ask_en += " (averages to 2 decimals)"
    overlap_zh = "（窗口有重叠）" if s < f else ""
    overlap_en = " (the windows overlap)" if s < f else ""
    zh = (f"{what_zh}对其做 ${f} times {f}$ 的{name[0]}，步长 $S = {s}${overlap_zh}，不填充"
          f"{',放不下的窗口舍去' if floored else ''}。{ask_zh}。")
    en = (f"{what_en} Apply ${f} times {f}$ {name[1]} with stride $S = {s}${overlap_en} and no padding"
          f"{' (windows that do not fit are dropped)' if floored else ''}. {ask_en}.")
    return Prompt(Bi(zh, en), [grid(Bi("特征图", "Feature map"), image)])


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
    sample=sample_pool, prompt=prompt_pool, solve=solver.pool_output, schema=POOL_SCHEMA,
    example={"image": [[1, 3, 2, 4], [5, 6, 1, 0], [7, 2, 9, 8], [3, 1, 4, 6]], "window": 2, "stride": 2,
             "mode": "both"},
))


# ================================================================ receptive-field
def _check_rf(params: dict[str, Any]) -> None:
    layers = params["layers"]
    types = solver.layer_types(params)
    if any(len(r) != 3 for r in layers):
        raise ParamError("every layer is a row [kernel, stride, dilation]")
    _whole("layers", layers, 1, 64)
    if len(types) != len(layers):
        raise ParamError(f"layer_types names {len(types)} layers but layers has {len(layers)} rows")
    for t, (_, _, d) in zip(types, layers):
        if t not in ("conv", "pool"):
            raise ParamError(f"layer type must be conv or pool, got '{t}'")
        if t == "pool" and d != 1:
            raise ParamError("a pooling layer has dilation 1")
    m = params.get("at_layer")
    if params["ask"] == "layer":
        if m is None or not 1 <= m <= len(layers):
            raise ParamError(f"ask=layer needs at_layer between 1 and {len(layers)}")
    elif m is not None:
        raise ParamError("at_layer only applies to ask=layer")


RF_SCHEMA = Schema({
    "layers": Param("matrix", "one row [kernel k, stride s, dilation d] per layer, input side first", min=1),
    "layer_types": Param("str", "comma-separated conv/pool per layer, e.g. 'conv,conv,pool'"),
    "ask": Param("str", "final = RF of the last layer, each = RF after every layer, jump = jump and RF of the last "
                 "layer, layer = RF after layer at_layer", choices=("final", "each", "jump", "layer")),
    "at_layer": Param("int", "1-based layer for ask=layer", min=1, optional=True),
}, check=_check_rf)


def sample_rf(rng: random.Random) -> dict[str, Any]:
    ask = pick(rng, ["final", "final", "each", "jump", "layer"])
    while True:
        n = rng.randint(3, 5) if ask == "layer" or rng.random() < 0.85 else 2
        layers, types = [], []
        for i in range(n):
            if i > 0 and types[-1] == "conv" and rng.random() < 0.3:
                layers.append([pick(rng, [2, 2, 3]), 2, 1])
                types.append("pool")
            else:
                k = pick(rng, [1, 2, 3, 3, 3, 4, 5, 5, 7])
                s = pick(rng, [1, 1, 2]) if k > 1 else 1
                d = pick(rng, [1, 1, 1, 2, 3, 4]) if k in (3, 5) and s == 1 else 1
                layers.append([k, s, d])
                types.append("conv")
        rows = solver.rf_table(layers)
        if rows[0][1] == 1 or rows[-1][1] > 120 or rows[-1][2] == 1 and ask == "jump":
            continue
        params: dict[str, Any] = {"layers": layers, "layer_types": ",".join(types), "ask": ask}
        if ask == "layer":
            params["at_layer"] = rng.randint(2, n - 1)
        return params


def prompt_rf(params: dict[str, Any]) -> Prompt:
    layers, ask = params["layers"], params["ask"]
    types = solver.layer_types(params)
    n = len(layers)
    rows = [[str(i), "卷积 / conv" if t == "conv" else "最大池化 / max pool", str(k), str(s), str(d)]
            for i, ((k, s, d), t) in enumerate(zip(layers, types), start=1)]
    fig = table(Bi("网络结构（从输入开始）", "Layers (from the input)"), ["层 / layer", "类型 / type", "k", "s", "d"], rows)
    intro_zh = (f"某网络由下表中的 {n} 层依次堆叠而成，$k$ 为卷积核（池化窗口）大小，$s$ 为步长，$d$ 为膨胀率"
                f"（$d = 1$ 为普通卷积，空洞卷积的等效卷积核为 $k + (k - 1)(d - 1)$）。感受野指输入图像上能影响某个输出单元的区域边长"
                f"（以像素计，为区域首尾像素的跨度，不考虑图像边界与填充）。")
    intro_en = (f"A network stacks the {n} layers in the table; $k$ is the kernel (pooling window) size, $s$ the stride "
                f"and $d$ the dilation rate ($d = 1$ is an ordinary convolution; a dilated kernel spans "
                f"$k + (k - 1)(d - 1)$ pixels). The receptive field of a unit is the side length, in input pixels, of the "
                f"input region that can affect it (the span from its first to its last pixel; ignore image borders and "
                f"padding).")
    if ask == "final":
        ask_zh, ask_en = "求最后一层一个输出单元的感受野。", "Find the receptive field of one unit of the last layer."
    elif ask == "each":
        ask_zh = f"依次求第 1 至第 {n} 层输出单元的感受野（写成 {n} 个数）。"
        ask_en = f"Find the receptive field of a unit after each of layers 1 to {n} ({n} numbers)."
    elif ask == "jump":
        ask_zh = ("求：(1) 最后一层相邻两个输出单元在输入图像上相隔多少像素（即各层步长之积）；"
                  "(2) 最后一层一个输出单元的感受野。")
        ask_en = ("Find (1) how many input pixels apart two neighbouring units of the last layer are (the product of "
                  "the strides); (2) the receptive field of one unit of the last layer.")
    else:
        m = params["at_layer"]
        ask_zh = f"求第 {m} 层输出单元的感受野。"
        ask_en = f"Find the receptive field of a unit of layer {m}."
    return Prompt(Bi(intro_zh + ask_zh, intro_en + " " + ask_en), [fig])


register(Kind(
    name="receptive-field", chapter="cnn", section="calculation", points=6,
    title=Bi("感受野", "Receptive field"),
    summary=Bi("卷积 / 池化 / 空洞卷积堆叠后输出单元的感受野与步长之积",
               "Receptive field and jump of a unit after stacked conv / pool / dilated layers"),
    conventions=Bi("r₀ = j₀ = 1；r_l = r_(l−1) + (k′ − 1)·j_(l−1)，j_l = j_(l−1)·s_l，k′ = k + (k − 1)(d − 1)；"
                   "以输入像素计，不考虑边界",
                   "r₀ = j₀ = 1; r_l = r_(l−1) + (k′ − 1)·j_(l−1), j_l = j_(l−1)·s_l, k′ = k + (k − 1)(d − 1); in "
                   "input pixels, ignoring borders"),
    variants=("last layer", "every layer", "jump and receptive field", "an intermediate layer", "with dilation",
              "with pooling"),
    sample=sample_rf, prompt=prompt_rf, solve=solver.receptive_field, schema=RF_SCHEMA,
    example={"layers": [[3, 1, 1], [2, 2, 1], [3, 1, 2], [3, 2, 1]], "layer_types": "conv,pool,conv,conv",
             "ask": "each"},
))


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
    ke = solver.effective_kernel(k, rates[0])
    if ask == "same":
        if params["stride"] != 1:
            raise ParamError("ask=same assumes stride 1")
        if (ke - 1) % 2:
            raise ParamError(f"an effective kernel of {ke} cannot keep the size with symmetric padding")
        if params.get("padding") is not None:
            raise ParamError("ask=same asks for the padding; leave it out")
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
        h = pick(rng, [28, 32, 56, 64, 65, 96, 128, 129, 224])
        return {"ask": "same", "kernel": k, "rates": [d], "input_hw": [h, h], "stride": 1,
                "in_channels": c_in, "out_channels": c_out, "bias": bias}
    k = pick(rng, [3, 3, 3, 5])
    d = pick(rng, [2, 2, 3, 4, 6])
    ke = solver.effective_kernel(k, d)
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
              f"${k} times {k}$ 空洞卷积层，膨胀率依次为 {rl.replace(', ', '、')}，步长均为 1，每层四周填充 $d(k - 1)/2$ 个 0 使尺寸不变，"
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
        zh = (f"对大小为 {size} 的特征图做 ${k} times {k}$ 的空洞卷积，膨胀率 $d = {d}$，步长 1，共 {c_out} 个卷积核，"
              f"{bt.zh}。{rule_zh}求：(1) 等效卷积核大小 $k'$；(2) 要使输出特征图的宽高与输入相同，四周各需填充多少个 0；"
              f"(3) 该层的参数量。")
        en = (f"A ${k} times {k}$ dilated convolution with rate $d = {d}$ and stride 1 is applied to a {size} feature "
              f"map with {c_out} kernels; {bt.en}. {rule_en} Find (1) the effective kernel size $k'$; (2) the zero "
              f"padding per side that keeps the output's height and width equal to the input's; (3) the number of "
              f"parameters of the layer.")
        return Prompt(Bi(zh, en))
    s, pad = params["stride"], params["padding"]
    ke = solver.effective_kernel(k, d)
    floored = (h - ke + 2 * pad) % s != 0 or (w - ke + 2 * pad) % s != 0
    zh = (f"对大小为 {size} 的特征图做空洞卷积：卷积核 ${k} times {k}$，膨胀率 $d = {d}$，步长 $S = {s}$，"
          f"四周各填充 $P = {pad}$ 个 0，共 {c_out} 个卷积核，{bt.zh}。{rule_zh}求：(1) 等效卷积核大小 $k'$；"
          f"(2) 输出特征图的尺寸（高×宽×通道{'，除不尽时向下取整' if floored else ''}）；(3) 该层的参数量。")
    en = (f"A dilated convolution is applied to a {size} feature map: ${k} times {k}$ kernels with rate $d = {d}$, "
          f"stride $S = {s}$, zero padding $P = {pad}$ on each side, {c_out} kernels; {bt.en}. {rule_en} Find (1) "
          f"the effective kernel size $k'$; (2) the output size (height × width × channels"
          f"{', rounding down' if floored else ''}); (3) the number of parameters of the layer.")
    return Prompt(Bi(zh, en))


register(Kind(
    name="dilated-conv", chapter="segmentation", section="calculation", points=6,
    title=Bi("空洞卷积", "Dilated (atrous) convolution"),
    summary=Bi("等效卷积核、输出尺寸、保持尺寸的填充、堆叠空洞卷积的感受野；参数量与膨胀率无关",
               "Effective kernel, output size, 'same' padding, receptive field of stacked dilated convs; the "
               "parameter count does not depend on the rate"),
    conventions=Bi("k′ = k + (k − 1)(d − 1)；输出 ⌊(H − k′ + 2P)/S⌋ + 1；参数量 k²·C_in·C_out(+C_out)；"
                   "步长 1 的堆叠感受野 1 + Σ(k − 1)d",
                   "k′ = k + (k − 1)(d − 1); output ⌊(H − k′ + 2P)/S⌋ + 1; parameters k²·C_in·C_out (+C_out); "
                   "stacked stride-1 receptive field 1 + Σ(k − 1)d"),
    variants=("one layer: k', output size, parameters", "stacked rates (e.g. 1, 2, 4): receptive field and "
              "parameters", "'same' padding"),
    sample=sample_dilated, prompt=prompt_dilated, solve=solver.dilated_conv, schema=DILATED_SCHEMA,
    carry_forward=solver.dilated_carry_forward,
    example={"ask": "stack", "kernel": 3, "rates": [1, 2, 4], "input_hw": [64, 64], "stride": 1,
             "in_channels": 256, "out_channels": 256, "bias": False},
))


# ================================================================ spp-length
def _spp_bins_ok(a: int, levels: list[int]) -> bool:
    for n in levels:
        win, st = solver.spp_window(a, n)
        if st < 1 or (a - win) // st + 1 != n:
            return False
    return True


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


register(Kind(
    name="spp-length", chapter="segmentation", section="calculation", points=4,
    title=Bi("空间金字塔池化（SPP）的输出长度", "Output length of spatial pyramid pooling"),
    summary=Bi("任意大小的特征图经 SPP 得到定长向量 C·Σn²;SPP-net 的窗口与步长",
               "Any map size gives the fixed length C·Σn²; SPP-net's pooling window and stride"),
    conventions=Bi("每级 n×n 个格子、每格每通道一个值；SPP-net 窗口 ⌈a/n⌉、步长 ⌊a/n⌋",
                   "n×n bins per level, one value per bin and channel; SPP-net window ⌈a/n⌉, stride ⌊a/n⌋"),
    variants=("output length", "two map sizes, same length", "length and the next FC layer", "window and stride "
              "per level"),
    sample=sample_spp, prompt=prompt_spp, solve=solver.spp_length, schema=SPP_SCHEMA,
    carry_forward=solver.spp_carry_forward,
    example={"levels": [4, 2, 1], "channels": 256, "input_hw": [13, 13], "ask": "window"},
))


# ================================================================ skip-fusion-channels
def _check_fusion(params: dict[str, Any]) -> None:
    arch = params["arch"]
    hs, ws, cs = params["skip_shape"]
    hm, wm, cm = params["main_shape"]
    if arch == "unet":
        if hs < hm or ws < wm or (hs - hm) % 2 or (ws - wm) % 2:
            raise ParamError("U-Net centre-crops the encoder map: skip_shape must be at least as large as main_shape, "
                             "with an even difference")
    elif arch == "fcn":
        if [hs, ws] != [hm, wm]:
            raise ParamError("FCN adds maps of the same height and width")
        if params["conv_out"] != cm:
            raise ParamError("the score convolution must output main_shape's channel count (the classes)")
    elif arch == "resnet":
        if [hs, ws, cs] != [hm, wm, cm]:
            if hs % hm or ws % wm or hs // hm != ws // wm:
                raise ParamError("a projection shortcut needs the skip map to be an integer multiple of the main map")
            if params["conv_out"] != cm:
                raise ParamError("the projection must output main_shape's channel count")
    elif [hs, ws, cs] != [hm, wm, cm]:
        raise ParamError("arch=compare fuses two maps of the same shape")


FUSION_SCHEMA = Schema({
    "arch": Param("str", "unet (concatenate), fcn (score conv + add), resnet (identity or projection shortcut) or "
                  "compare (concatenate vs add)", choices=("unet", "fcn", "resnet", "compare")),
    "skip_shape": Param("ints", "encoder / shortcut feature map H, W, C", length=3, min=1, max=4096),
    "main_shape": Param("ints", "decoder / upsampled / residual-branch map H, W, C", length=3, min=1, max=4096),
    "conv_kernel": Param("int", "side k of the convolution in question", min=1, max=15),
    "conv_out": Param("int", "kernels of that convolution", min=1, max=4096),
    "bias": Param("bool", "count one bias per kernel"),
}, check=_check_fusion)


def sample_fusion(rng: random.Random) -> dict[str, Any]:
    arch = pick(rng, ["unet", "unet", "fcn", "resnet", "resnet", "compare"])
    bias = rng.random() < 0.5
    if arch == "unet":
        c_skip = pick(rng, [16, 32, 64, 128, 256, 512]) if rng.random() < 0.6 else 16 * rng.randint(1, 40)
        c_up = c_skip if rng.random() < 0.6 else pick(rng, [c_skip // 2, c_skip * 2, 16 * rng.randint(1, 40)])
        h = rng.randint(4, 200)
        w = h if rng.random() < 0.8 else rng.randint(4, 200)
        crop = pick(rng, [0, 0, 4, 8, 16, 2 * rng.randint(1, 20)])
        n = pick(rng, [c_up, c_skip, c_skip // 2]) if rng.random() < 0.6 else 16 * rng.randint(1, 40)
        return {"arch": "unet", "skip_shape": [h + crop, w + crop, c_skip], "main_shape": [h, w, c_up],
                "conv_kernel": pick(rng, [3, 3, 3, 1]), "conv_out": max(1, n), "bias": bias}
    if arch == "fcn":
        h = rng.randint(4, 64)
        w = h if rng.random() < 0.7 else rng.randint(4, 64)
        c_skip = pick(rng, [256, 512, 512]) if rng.random() < 0.5 else 32 * rng.randint(2, 24)
        k = pick(rng, [21, 21, 19, 2, 11, 151]) if rng.random() < 0.5 else rng.randint(2, 60)
        return {"arch": "fcn", "skip_shape": [h, w, c_skip], "main_shape": [h, w, k], "conv_kernel": 1,
                "conv_out": k, "bias": bias}
    if arch == "resnet":
        h = pick(rng, [7, 14, 28, 56, 112]) if rng.random() < 0.5 else rng.randint(4, 128)
        c = pick(rng, [64, 128, 256, 512]) if rng.random() < 0.5 else 16 * rng.randint(1, 48)
        if rng.random() < 0.5:
            n = pick(rng, [c, c, 2 * c]) if rng.random() < 0.5 else 16 * rng.randint(1, 48)
            return {"arch": "resnet", "skip_shape": [h, h, c], "main_shape": [h, h, c], "conv_kernel": 3,
                    "conv_out": n, "bias": bias}
        c2 = pick(rng, [2 * c, 2 * c, 4 * c]) if rng.random() < 0.7 else 16 * rng.randint(1, 48)
        st = pick(rng, [2, 2, 1])
        return {"arch": "resnet", "skip_shape": [h * st, h * st, c], "main_shape": [h, h, c2], "conv_kernel": 1,
                "conv_out": c2, "bias": bias}
    h = rng.randint(4, 128)
    c = pick(rng, [16, 32, 64, 128, 256]) if rng.random() < 0.5 else 16 * rng.randint(1, 32)
    n = pick(rng, [c, c // 2 or 1, 2 * c]) if rng.random() < 0.5 else 16 * rng.randint(1, 32)
    return {"arch": "compare", "skip_shape": [h, h, c], "main_shape": [h, h, c], "conv_kernel": pick(rng, [3, 3, 1]),
            "conv_out": n, "bias": bias}


def prompt_fusion(params: dict[str, Any]) -> Prompt:
    arch = params["arch"]
    skip, main = params["skip_shape"], params["main_shape"]
    k, n = params["conv_kernel"], params["conv_out"]
    bt = _bias_text(params["bias"])
    s_txt, m_txt = f"${_shape(skip)}$", f"${_shape(main)}$"
    if arch == "unet":
        crop_zh = crop_en = ""
        if skip[:2] != main[:2]:
            crop_zh = f"（先中心裁剪到 {main[0]}×{main[1]}）"
            crop_en = f" (centre-cropped to {main[0]}×{main[1]} first)"
        zh = (f"U-Net 解码器中，上采样后的特征图大小为 {m_txt}，通过跳跃连接与编码器对应层的特征图 {s_txt}{crop_zh}"
              f"按通道拼接（concatenate），随后接 {n} 个 ${k} times {k}$ 的卷积核，{bt.zh}。"
              f"求：(1) 拼接后特征图的尺寸（高×宽×通道）；(2) 该卷积层的参数量。")
        en = (f"In a U-Net decoder the upsampled feature map is {m_txt}; a skip connection concatenates it along the "
              f"channels with the matching encoder map {s_txt}{crop_en}, and {n} kernels of size ${k} times {k}$ "
              f"follow; {bt.en}. Find (1) the size after the concatenation (height × width × channels); (2) the number "
              f"of parameters of that convolution.")
    elif arch == "fcn":
        zh = (f"FCN 融合多层特征时，先把浅层池化层的特征图 {s_txt} 用 {n} 个 ${k} times {k}$ 卷积变成 {n} 类的得分图"
              f"（{bt.zh}），再与深层得分图上采样后的结果 {m_txt} 逐元素相加。求：(1) 该 ${k} times {k}$ 卷积层的参数量；"
              f"(2) 相加后特征图的尺寸。")
        en = (f"To fuse layers, FCN first turns a shallow pooling-layer map {s_txt} into scores for {n} classes with "
              f"{n} ${k} times {k}$ kernels ({bt.en}), then adds the upsampled deep score map {m_txt} element-wise. "
              f"Find (1) the number of parameters of the ${k} times {k}$ convolution; (2) the size after the addition.")
    elif arch == "resnet" and skip == main:
        zh = (f"ResNet 残差块的输入 $x$ 大小为 {s_txt}，残差分支输出 $F(x)$ 大小为 {m_txt}，通过恒等捷径相加得 "
              f"$y = F(x) + x$，随后接 {n} 个 ${k} times {k}$ 的卷积核，{bt.zh}。求：(1) $y$ 的尺寸；(2) 该卷积层的参数量。")
        en = (f"In a ResNet block the input $x$ is {s_txt} and the residual branch outputs $F(x)$ of size {m_txt}; an "
              f"identity shortcut gives $y = F(x) + x$, followed by {n} kernels of size ${k} times {k}$; {bt.en}. Find "
              f"(1) the size of $y$; (2) the number of parameters of that convolution.")
    elif arch == "resnet":
        st = skip[0] // main[0]
        zh = (f"ResNet 某残差块的输入 $x$ 大小为 {s_txt}，残差分支输出 $F(x)$ 大小为 {m_txt}，两者形状不同，不能直接相加。"
              f"捷径上用 {n} 个 ${k} times {k}$、步长为 {st} 的卷积把 $x$ 投影成与 $F(x)$ 相同的形状（{bt.zh}），"
              f"再相加 $y = F(x) + W_s x$。求：(1) 投影卷积的参数量；(2) $y$ 的尺寸。")
        en = (f"A ResNet block has input $x$ of size {s_txt} and residual output $F(x)$ of size {m_txt}; the shapes "
              f"differ, so they cannot be added directly. The shortcut projects $x$ with {n} ${k} times {k}$ kernels of "
              f"stride {st} to the shape of $F(x)$ ({bt.en}), then $y = F(x) + W_s x$. Find (1) the number of "
              f"parameters of the projection; (2) the size of $y$.")
    else:
        zh = (f"两个大小均为 {s_txt} 的特征图 $A$、$B$ 需要融合：方式一按通道拼接（U-Net），方式二逐元素相加（FCN / ResNet）。"
              f"两种方式融合后都接 {n} 个 ${k} times {k}$ 的卷积核，{bt.zh}。求：(1) 拼接后的尺寸；(2) 相加后的尺寸；"
              f"(3) 拼接方式下该卷积层的参数量；(4) 相加方式下该卷积层的参数量。")
        en = (f"Two feature maps $A$ and $B$, both {s_txt}, are fused either by concatenation along the channels "
              f"(U-Net) or by element-wise addition (FCN / ResNet). Either way {n} kernels of size ${k} times {k}$ "
              f"follow; {bt.en}. Find (1) the size after concatenation; (2) the size after addition; (3) the "
              f"parameters of the convolution after concatenation; (4) the parameters of the convolution after "
              f"addition.")
    return Prompt(Bi(zh, en))


register(Kind(
    name="skip-fusion-channels", chapter="segmentation", section="calculation", points=4,
    title=Bi("跳跃连接的特征融合：拼接与相加", "Skip-connection fusion: concatenation vs addition"),
    summary=Bi("U-Net 拼接通道数相加；FCN / ResNet 逐元素相加形状不变；其后卷积的参数量",
               "U-Net concatenation adds channels; FCN / ResNet addition keeps the shape; parameters of the next "
               "convolution"),
    conventions=Bi("拼接沿通道方向，宽高须相同（U-Net 先中心裁剪）；相加要求形状完全相同；卷积参数 k²·C_in·C_out(+C_out)",
                   "concatenation is along the channels and needs equal height and width (U-Net centre-crops "
                   "first); addition needs identical shapes; conv parameters k²·C_in·C_out (+C_out)"),
    variants=("U-Net concatenation", "U-Net with cropping", "FCN score + add", "ResNet identity", "ResNet projection",
              "concatenation vs addition"),
    sample=sample_fusion, prompt=prompt_fusion, solve=solver.skip_fusion, schema=FUSION_SCHEMA,
    carry_forward=solver.fusion_carry_forward,
    example={"arch": "unet", "skip_shape": [64, 64, 512], "main_shape": [56, 56, 512], "conv_kernel": 3,
             "conv_out": 512, "bias": True},
))
