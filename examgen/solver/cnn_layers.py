"""Solvers for CNN layer arithmetic: parameter counts, convolution and pooling maps, receptive fields, dilated
convolution, spatial pyramid pooling and skip-connection fusion. Pure functions params -> Solution."""

from __future__ import annotations

import math
from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import mat, num, p, round_answer
from examgen.model import MatrixSpec, NumberSpec, Part, ShapeSpec, Solution, Step, VectorSpec

INT = NumberSpec(integer=True)


def _shape(dims: list[int] | tuple[int, ...]) -> str:
    return " times ".join(str(d) for d in dims)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


# ---------------------------------------------------------------- conv-params
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


# ---------------------------------------------------------------- conv-feature-map
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
        steps.append(Step(title=Bi(f"窗口每次移动 {s} 格，依次算出所有位置", f"Slide the window {s} pixel(s) at a time "
                                   "to get every position"), part="map", formula=formula, result="O = " + mat(out)))
    parts = []
    if s > 1 or pad:
        parts.append(Part("size", Bi("输出特征响应图的尺寸 H×W", "Output size H×W"), ShapeSpec(2), [oh, ow]))
    parts.append(Part("map", Bi("输出特征响应图", "Output feature map"), MatrixSpec(oh, ow, integer=True),
                      [[int(v) for v in r] for r in out]))
    return Solution(parts, steps)


# ---------------------------------------------------------------- pool-output
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


# ---------------------------------------------------------------- receptive-field
def rf_table(layers: list[list[int]]) -> list[tuple[int, int, int]]:
    """(effective kernel, receptive field r_l, jump j_l) after each layer; r_0 = j_0 = 1 on the input."""
    r, j = 1, 1
    rows = []
    for k, s, d in layers:
        ke = k + (k - 1) * (d - 1)
        r = r + (ke - 1) * j
        j = j * s
        rows.append((ke, r, j))
    return rows


def layer_types(params: dict[str, Any]) -> list[str]:
    return [t.strip() for t in params["layer_types"].split(",")]


def receptive_field(params: dict[str, Any]) -> Solution:
    layers, ask = params["layers"], params["ask"]
    types = layer_types(params)
    rows = rf_table(layers)
    n = len(layers)
    m = (params.get("at_layer") or n) if ask == "layer" else n
    steps = [Step(title=Bi("输入图像上：每个像素只看到自己，相邻像素间隔 1", "On the input: each pixel sees itself, "
                           "neighbours are 1 apart"), result="r_0 = 1, quad j_0 = 1")]
    r_prev, j_prev = 1, 1
    for idx, ((k, s, d), (ke, r, j), t) in enumerate(zip(layers, rows, types), start=1):
        if idx > m:
            break
        name = ("卷积", "conv") if t == "conv" else ("池化", "pool")
        if d > 1:
            ke_f, ke_w = f"k'_{idx} = k + (k - 1)(d - 1), quad ", f"k'_{idx} = {k} + ({k} - 1)({d} - 1) = {ke}, quad "
        else:
            ke_f, ke_w = "", ""
        kk = f"k'_{idx}" if d > 1 else f"k_{idx}"
        steps.append(Step(
            title=Bi(f"第 {idx} 层（{name[0]}，$k = {k}$，$s = {s}$" + (f"，$d = {d}$" if d > 1 else "") + "）",
                     f"Layer {idx} ({name[1]}, $k = {k}$, $s = {s}$" + (f", $d = {d}$" if d > 1 else "") + ")"),
            formula=f"{ke_f}r_{idx} = r_{idx - 1} + ({kk} - 1) dot j_{idx - 1}, quad j_{idx} = j_{idx - 1} dot s_{idx}",
            work=f"{ke_w}r_{idx} = {r_prev} + ({ke} - 1) dot {j_prev}, quad j_{idx} = {j_prev} dot {s}",
            result=f"r_{idx} = {r}, quad j_{idx} = {j}",
            part="jump" if ask == "jump" and idx == n else ""))
        r_prev, j_prev = r, j
    if ask == "each":
        parts = [Part("", Bi("各层输出单元的感受野", "Receptive field after each layer"), VectorSpec(n, integer=True),
                      [r for _, r, _ in rows])]
    elif ask == "jump":
        parts = [Part("jump", Bi("最后一层相邻单元在输入上的间隔（步长之积）", "Jump of the last layer (product of strides)"),
                      INT, rows[-1][2]),
                 Part("rf", Bi("最后一层输出单元的感受野", "Receptive field of a last-layer unit"), INT, rows[-1][1])]
    elif ask == "layer":
        parts = [Part("", Bi(f"第 {m} 层输出单元的感受野", f"Receptive field after layer {m}"), INT, rows[m - 1][1])]
    else:
        parts = [Part("", Bi("最后一层输出单元的感受野", "Receptive field of a last-layer unit"), INT, rows[-1][1])]
    return Solution(parts, steps)


# ---------------------------------------------------------------- dilated-conv
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
                title=Bi(f"第 {i} 层：膨胀率 $d = {d}$，等效卷积核 {ke}×{ke}，步长 1，感受野增加 $k' - 1$",
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
                              f"膨胀率有公约数 {g}，区域内只有每隔 {g} 个的像素真正参与计算（网格效应）；"
                              f"HDC 用 1, 2, 5 这类互质的膨胀率来避免。",
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
    steps.append(Step(title=Bi("参数量与膨胀率无关：仍只有 k×k 个位置有权重", "The parameter count ignores the dilation: "
                               "only the k×k positions carry weights"), part="params",
                      formula=f'k^2 C_"in" C_"out"{b_f}', work=f"{k}^2 dot {c_in} dot {c_out}{b_w}",
                      result=f"{vals['params']}"))
    parts.append(Part("params", Bi("该层的参数量", "Parameters of the layer"), INT, vals["params"]))
    return Solution(parts, steps)


def dilated_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """`output` / `padding` recomputed from the student's effective kernel size."""
    ke = int(round(earlier["eff"]))
    if part == "padding":
        return (ke - 1) / 2
    if part == "output":
        h, w = params["input_hw"]
        s, pad = params["stride"], params["padding"]
        return [(h - ke + 2 * pad) // s + 1, (w - ke + 2 * pad) // s + 1, params["out_channels"]]
    return None


# ---------------------------------------------------------------- spp-length
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
        n = params["fc_out"]
        return int(round(earlier["length"])) * n + n
    return None


# ---------------------------------------------------------------- skip-fusion-channels
def fusion_values(params: dict[str, Any]) -> dict[str, Any]:
    arch = params["arch"]
    hs, ws, cs = params["skip_shape"]
    hm, wm, cm = params["main_shape"]
    k, n, bias = params["conv_kernel"], params["conv_out"], params["bias"]
    b = n if bias else 0
    out: dict[str, Any] = {}
    if arch == "unet":
        out["fused"] = [hm, wm, cs + cm]
        out["params"] = k * k * (cs + cm) * n + b
    elif arch == "fcn":
        out["params"] = k * k * cs * n + b
        out["fused"] = [hm, wm, cm]
    elif arch == "resnet":
        out["fused"] = [hm, wm, cm]
        out["params"] = k * k * (cs if [hs, ws, cs] != [hm, wm, cm] else cm) * n + b
    else:
        out["concat"] = [hm, wm, cs + cm]
        out["add"] = [hm, wm, cm]
        out["concat_params"] = k * k * (cs + cm) * n + b
        out["add_params"] = k * k * cm * n + b
    return out


def skip_fusion(params: dict[str, Any]) -> Solution:
    arch = params["arch"]
    hs, ws, cs = skip = params["skip_shape"]
    hm, wm, cm = main = params["main_shape"]
    k, n, bias = params["conv_kernel"], params["conv_out"], params["bias"]
    vals = fusion_values(params)
    b_f = ' + C_"out"' if bias else ""
    b_w = f" + {n}" if bias else ""
    steps: list[Step] = []
    parts: list[Part] = []

    def conv_step(c_in: int, part: str, title: Bi) -> Step:
        return Step(title=title, part=part, formula=f'k^2 dot C_"in" dot C_"out"{b_f}',
                    work=f"{k}^2 dot {c_in} dot {n}{b_w}", result=f"{k * k * c_in * n + (n if bias else 0)}")

    if arch == "unet":
        if hs != hm or ws != wm:
            steps.append(Step(title=Bi(f"编码器特征图先中心裁剪到与解码器特征图相同的 {hm}×{wm}（每边裁掉 "
                                       f"{(hs - hm) // 2} 行、{(ws - wm) // 2} 列）",
                                       f"Centre-crop the encoder map to the decoder's {hm}×{wm} ({(hs - hm) // 2} rows and "
                                       f"{(ws - wm) // 2} columns off each side)"), part="fused",
                              formula=f'{_shape(skip)} arrow.r {_shape([hm, wm, cs])}', result=_shape([hm, wm, cs])))
        steps.append(Step(title=Bi("U-Net 按通道拼接：宽高不变，通道数相加", "U-Net concatenates along the channels: same "
                                   "height and width, channels add up"), part="fused",
                          formula='C = C_"enc" + C_"dec"', work=f"{cs} + {cm}", result=_shape(vals["fused"])))
        steps.append(conv_step(cs + cm, "params", Bi(f"拼接后的 {k}×{k} 卷积：输入通道 {cs + cm}，输出通道 {n}",
                                                      f"The {k}×{k} convolution after the concatenation: "
                                                      f"{cs + cm} channels in, {n} out")))
        parts += [Part("fused", Bi("拼接后的特征图尺寸", "Size after the concatenation"), ShapeSpec(3), vals["fused"]),
                  Part("params", Bi("其后卷积层的参数量", "Parameters of the following convolution"), INT,
                       vals["params"], depends_on=("fused",))]
    elif arch == "fcn":
        steps.append(conv_step(cs, "params", Bi(f"先用 {n} 个 {k}×{k} 卷积把池化层特征（{cs} 通道）变为 {n} 个类别得分图",
                                                f"First {n} {k}×{k} kernels turn the pooling-layer features ({cs} "
                                                f"channels) into {n} class-score maps")))
        steps.append(Step(title=Bi("FCN 逐元素相加：两个得分图尺寸必须完全相同，相加后尺寸不变",
                                   "FCN adds element-wise: both score maps must have the same size, which the sum "
                                   "keeps"), part="fused",
                          formula="F = A + B", work=f"({_shape([hm, wm, n])}) + ({_shape(main)})",
                          result=_shape(vals["fused"])))
        parts += [Part("params", Bi("得分卷积层的参数量", "Parameters of the score convolution"), INT, vals["params"]),
                  Part("fused", Bi("相加融合后的尺寸", "Size after the addition"), ShapeSpec(3), vals["fused"])]
    elif arch == "resnet":
        if list(skip) == list(main):
            steps.append(Step(title=Bi("恒等捷径：$F(x) + x$ 逐元素相加，尺寸与通道数都不变",
                                       "Identity shortcut: $F(x) + x$ is element-wise, so size and channels stay the "
                                       "same"), part="fused", formula="y = F(x) + x",
                              work=f"({_shape(main)}) + ({_shape(skip)})", result=_shape(vals["fused"])))
            steps.append(conv_step(cm, "params", Bi(f"相加后的 {k}×{k} 卷积：输入通道 {cm}，输出通道 {n}",
                                                    f"The {k}×{k} convolution after the addition: {cm} channels in, "
                                                    f"{n} out")))
            parts += [Part("fused", Bi("相加后的尺寸", "Size after the addition"), ShapeSpec(3), vals["fused"]),
                      Part("params", Bi("其后卷积层的参数量", "Parameters of the following convolution"), INT,
                           vals["params"], depends_on=("fused",))]
        else:
            st = hs // hm
            steps.append(conv_step(cs, "params", Bi(f"形状不同不能直接相加：捷径上用 {n} 个 {k}×{k} 卷积（步长 {st}）投影到 "
                                                    f"{_shape(main).replace(' times ', '×')}",
                                                    f"The shapes differ, so the shortcut uses {n} {k}×{k} kernels "
                                                    f"(stride {st}) to project to "
                                                    f"{_shape(main).replace(' times ', '×')}")))
            steps.append(Step(title=Bi("投影后逐元素相加，尺寸与残差分支输出相同", "After the projection the element-wise "
                                       "sum has the residual branch's size"), part="fused",
                              formula="y = F(x) + W_s x", work=f"({_shape(main)}) + ({_shape(main)})",
                              result=_shape(vals["fused"])))
            parts += [Part("params", Bi("投影捷径的参数量", "Parameters of the projection shortcut"), INT, vals["params"]),
                      Part("fused", Bi("相加后的尺寸", "Size after the addition"), ShapeSpec(3), vals["fused"])]
    else:
        steps += [
            Step(title=Bi("拼接（U-Net）：通道数相加", "Concatenation (U-Net): channels add up"), part="concat",
                 formula='C = C_1 + C_2', work=f"{cs} + {cm}", result=_shape(vals["concat"])),
            Step(title=Bi("逐元素相加（FCN / ResNet）：尺寸与通道数不变", "Element-wise addition (FCN / ResNet): size and "
                          "channels unchanged"), part="add", formula="F = A + B",
                 work=f"({_shape(skip)}) + ({_shape(main)})", result=_shape(vals["add"])),
            conv_step(cs + cm, "concat_params", Bi(f"拼接后接 {k}×{k} 卷积（{cs + cm} → {n} 通道）",
                                                   f"{k}×{k} convolution after the concatenation ({cs + cm} → {n} "
                                                   "channels)")),
            conv_step(cm, "add_params", Bi(f"相加后接 {k}×{k} 卷积（{cm} → {n} 通道）",
                                           f"{k}×{k} convolution after the addition ({cm} → {n} channels)")),
        ]
        steps[-1].note = Bi("拼接保留了两路特征、特征更“厚”，但其后卷积的参数量和显存占用也更大。",
                            "Concatenation keeps both inputs (a thicker feature) but the next convolution needs more "
                            "parameters and memory.")
        parts += [
            Part("concat", Bi("拼接后的尺寸", "Size after concatenation"), ShapeSpec(3), vals["concat"]),
            Part("add", Bi("相加后的尺寸", "Size after addition"), ShapeSpec(3), vals["add"]),
            Part("concat_params", Bi("拼接后卷积层的参数量", "Parameters of the convolution after concatenation"), INT,
                 vals["concat_params"], depends_on=("concat",)),
            Part("add_params", Bi("相加后卷积层的参数量", "Parameters of the convolution after addition"), INT,
                 vals["add_params"], depends_on=("add",)),
        ]
    return Solution(parts, steps)


def fusion_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """A following convolution's parameter count recomputed from the student's fused shape."""
    dep = {"params": "fused", "concat_params": "concat", "add_params": "add"}.get(part)
    if dep is None or dep not in earlier:
        return None
    shape = earlier[dep]
    if not isinstance(shape, list) or len(shape) != 3:
        return None
    k, n = params["conv_kernel"], params["conv_out"]
    return k * k * int(shape[2]) * n + (n if params["bias"] else 0)
