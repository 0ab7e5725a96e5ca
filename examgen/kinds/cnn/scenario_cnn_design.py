"""`scenario-cnn-design`: Comprehensive: designing a small CNN.

Per-layer output shapes, parameters, total and receptive field. Top to bottom: params schema, pure solver, sampler,
prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import INT, _asks, _lbl, _shape, pick, table
from examgen.kinds.cnn._shared import rf_table
from examgen.mistakes import Mistake
from examgen.model import Part, Prompt, ShapeSpec, Solution, Step
from examgen.params import Param, Schema
from examgen.registry import Kind, register


# ====================================================================== scenario-cnn-design
def _check_cnn(params: dict[str, Any]) -> None:
    h, w, c = params["input"]
    try:
        vals = cnn_values(params)
    except (ValueError, ZeroDivisionError) as exc:
        raise ParamError(f"these layers do not fit the input: {exc}") from None
    for name, _ in cnn_layers(params):
        if min(vals[name][:2]) < 1:
            raise ParamError(f"{name} has no output left (shape {vals[name]}); use a larger input or smaller kernels")
    for name in ("conv1", "conv2"):
        k_out, k, s, pad = params[name]
        if min(k_out, k, s) < 1 or pad < 0:
            raise ParamError(f"{name} must be [kernels ≥ 1, size ≥ 1, stride ≥ 1, padding ≥ 0]")
    for name in ("pool1", "pool2"):
        if params.get(name) is not None and min(params[name]) < 1:
            raise ParamError(f"{name} must be [window ≥ 1, stride ≥ 1]")


CNN_SCHEMA = Schema({
    "input": Param("ints", "input image [H, W, C]", length=3, min=1, max=4096),
    "conv1": Param("ints", "first conv layer [kernels K, size k, stride S, padding P]", length=4, min=0, max=4096),
    "pool1": Param("ints", "first max-pooling layer [window f, stride S]", length=2, min=1, max=64),
    "conv2": Param("ints", "second conv layer [kernels K, size k, stride S, padding P]", length=4, min=0, max=4096),
    "pool2": Param("ints", "optional second max-pooling layer [window f, stride S]", length=2, min=1, max=64,
                   optional=True),
    "fc": Param("int", "outputs N of the final fully connected layer", min=1, max=100000),
}, check=_check_cnn)


# ---------------------------------------------------------------- solver
def conv_out_len(n: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """Output length of a convolution: floor((n - F' + 2P)/S) + 1 with F' = F + (F - 1)(d - 1)."""
    eff = kernel + (kernel - 1) * (dilation - 1)
    return (n - eff + 2 * padding) // stride + 1


# ====================================================================== scenario-cnn-design
def cnn_layers(params: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """(name, config) of the feature layers in order: conv = [K, k, s, p], pool = [f, s]."""
    out = [("conv1", params["conv1"]), ("pool1", params["pool1"]), ("conv2", params["conv2"])]
    if params.get("pool2") is not None:
        out.append(("pool2", params["pool2"]))
    return out


def cnn_next_shape(name: str, cfg: list[int], shape: list[float]) -> list[int]:
    """Output shape of one layer from its input shape [H, W, C]."""
    h, w, c = (int(round(v)) for v in shape)
    if name.startswith("conv"):
        k_out, k, s, pad = cfg
        return [conv_out_len(h, k, s, pad), conv_out_len(w, k, s, pad), k_out]
    f, s = cfg
    return [conv_out_len(h, f, s, 0), conv_out_len(w, f, s, 0), c]


def cnn_values(params: dict[str, Any]) -> dict[str, Any]:
    shape = list(params["input"])
    out: dict[str, Any] = {}
    c_in = shape[2]
    for name, cfg in cnn_layers(params):
        shape = cnn_next_shape(name, cfg, shape)
        out[name] = shape
        if name.startswith("conv"):
            k_out, k = cfg[0], cfg[1]
            out[name + "_params"] = k * k * c_in * k_out + k_out
            c_in = k_out
    flat = out[cnn_layers(params)[-1][0]]
    out["flat"] = flat[0] * flat[1] * flat[2]
    out["fc_params"] = out["flat"] * params["fc"] + params["fc"]
    out["total"] = out["conv1_params"] + out["conv2_params"] + out["fc_params"]
    c1, p1, c2 = params["conv1"], params["pool1"], params["conv2"]
    out["rf_table"] = rf_table([[c1[1], c1[2], 1], [p1[0], p1[1], 1], [c2[1], c2[2], 1]])
    out["rf"] = out["rf_table"][-1][1]
    return out


def scenario_cnn(params: dict[str, Any]) -> Solution:
    vals = cnn_values(params)
    layers = cnn_layers(params)
    steps: list[Step] = []
    parts: list[Part] = []
    shape = list(params["input"])
    prev_name = ""
    names = {"conv1": ("卷积层 conv1", "conv1"), "pool1": ("池化层 pool1", "pool1"),
             "conv2": ("卷积层 conv2", "conv2"), "pool2": ("池化层 pool2", "pool2")}
    tags = "abcd"
    for idx, (name, cfg) in enumerate(layers):
        out = vals[name]
        h, w, _ = shape
        if name.startswith("conv"):
            k_out, k, s, pad = cfg
            formula = 'H_"out" = (H - F + 2P)/S + 1'
            work = f"({h} - {k} + 2 dot {pad})/{s} + 1"
            if w != h:
                work += f"; quad ({w} - {k} + 2 dot {pad})/{s} + 1"
            title = Bi(f"{names[name][0]} 的输出：{k}×{k} 卷积核，步长 {s}，填充 {pad}；通道数 = 卷积核个数 {k_out}",
                       f"Output of {names[name][1]}: {k}×{k} kernels, stride {s}, padding {pad}; channels = "
                       f"{k_out} kernels")
        else:
            f, s = cfg
            formula = 'H_"out" = (H - F)/S + 1'
            work = f"({h} - {f})/{s} + 1" + (f"; quad ({w} - {f})/{s} + 1" if w != h else "")
            title = Bi(f"{names[name][0]} 的输出：{f}×{f} 窗口，步长 {s}；池化不改变通道数",
                       f"Output of {names[name][1]}: {f}×{f} window, stride {s}; pooling keeps the channels")
        steps.append(Step(title=title, part=name, formula=formula, work=work, result=_shape(out)))
        parts.append(Part(name, _lbl(tags[idx], f"{names[name][0]} 的输出尺寸", f"Output shape of {name}"),
                          ShapeSpec(3), out, depends_on=(prev_name,) if prev_name else ()))
        shape, prev_name = out, name
    tag_i = len(layers)
    c_in = params["input"][2]
    for name in ("conv1", "conv2"):
        k_out, k = params[name][0], params[name][1]
        steps.append(Step(title=Bi(f"{name} 的参数量：每个卷积核 {k}×{k}×{c_in} 个权重加 1 个偏置",
                                   f"Parameters of {name}: each kernel has {k}×{k}×{c_in} weights plus 1 bias"),
                          part=name + "_params", formula='(F^2 C_"in" + 1) K',
                          work=f"({k}^2 dot {c_in} + 1) dot {k_out}", result=f"{vals[name + '_params']}"))
        c_in = k_out
    last = layers[-1][0]
    n_fc = params["fc"]
    steps.append(Step(title=Bi(f"全连接层的参数量：把 {last} 的输出展平为 {vals['flat']} 维向量，每个输出单元一行权重加 1 个偏置",
                               f"Parameters of the FC layer: {last}'s output flattens to {vals['flat']} values; each "
                               f"output unit has one row of weights plus 1 bias"),
                      part="fc_params", formula='(H W C + 1) N',
                      work=f"({_shape(vals[last]).replace(' times ', ' dot ')} + 1) dot {n_fc}",
                      result=f"{vals['fc_params']}"))
    steps.append(Step(title=Bi("总参数量（池化层没有参数）", "Total parameters (pooling layers have none)"), part="total",
                      formula='N_"conv1" + N_"conv2" + N_"fc"',
                      work=f"{vals['conv1_params']} + {vals['conv2_params']} + {vals['fc_params']}",
                      result=f"{vals['total']}"))
    r, j = 1, 1
    rf_layers = [("conv1", params["conv1"][1], params["conv1"][2]), ("pool1", params["pool1"][0], params["pool1"][1]),
                 ("conv2", params["conv2"][1], params["conv2"][2])]
    for (name, k, s), (_, r_new, j_new) in zip(rf_layers, vals["rf_table"]):
        steps.append(Step(title=Bi(f"感受野逐层累加：经过 {name}（核 {k}，步长 {s}）",
                                   f"Receptive field, layer by layer: through {name} (kernel {k}, stride {s})"),
                          part="rf", formula="r_l = r_(l-1) + (k_l - 1) j_(l-1), quad j_l = j_(l-1) s_l",
                          work=f"r = {r} + ({k} - 1) dot {j}, quad j = {j} dot {s}",
                          result=f"r = {r_new}, quad j = {j_new}"))
        r, j = r_new, j_new
    parts += [
        Part("conv1_params", _lbl(chr(ord("a") + tag_i), "conv1 的参数量", "Parameters of conv1"), INT,
             vals["conv1_params"]),
        Part("conv2_params", _lbl(chr(ord("a") + tag_i + 1), "conv2 的参数量", "Parameters of conv2"), INT,
             vals["conv2_params"], depends_on=("pool1",)),  # its input channels are pool1's
        Part("fc_params", _lbl(chr(ord("a") + tag_i + 2), "全连接层的参数量", "Parameters of the FC layer"), INT,
             vals["fc_params"], depends_on=(last,)),
        Part("total", _lbl(chr(ord("a") + tag_i + 3), "总参数量", "Total parameters"), INT, vals["total"],
             depends_on=("conv1_params", "conv2_params", "fc_params")),
        Part("rf", _lbl(chr(ord("a") + tag_i + 4), "conv2 单元在输入图像上的感受野", "Receptive field of a conv2 unit"),
             INT, vals["rf"], weight=1.5),
    ]
    return Solution(parts, steps)


def scenario_cnn_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    layers = dict(cnn_layers(params))
    if part in ("pool1", "conv2", "pool2"):
        (shape,) = earlier.values()
        return cnn_next_shape(part, layers[part], shape)
    if part == "conv2_params":
        (shape,) = earlier.values()
        n, k = params["conv2"][0], params["conv2"][1]
        return (k * k * int(round(shape[2])) + 1) * n
    if part == "fc_params":
        (shape,) = earlier.values()
        h, w, c = (int(round(v)) for v in shape)
        return h * w * c * params["fc"] + params["fc"]
    if part == "total":
        return sum(earlier.values())
    return None


# ---------------------------------------------------------------- sampler and prompt
def _exact(n: int, k: int, s: int, pad: int) -> bool:
    return n + 2 * pad >= k and (n + 2 * pad - k) % s == 0


def sample_cnn(rng: random.Random) -> dict[str, Any]:
    with_pool2 = rng.random() < 0.5
    same = rng.random() < 0.35
    while True:
        c = pick(rng, [1, 3, 3])
        s1 = 2 if rng.random() < 0.25 else 1
        # a stride-2 first layer with an odd kernel divides exactly only on odd input sizes
        h = pick(rng, [27, 31, 35, 39, 47, 55, 63, 67]) if s1 == 2 else pick(rng, [24, 28, 32, 32, 36, 40, 48, 56, 64])
        w = h if rng.random() < 0.8 else h + pick(rng, [8, 16, 24])
        k1 = pick(rng, [3, 5, 5, 7])
        p1 = (k1 - 1) // 2 if same else pick(rng, [0, 0, 1, 2])
        k2 = pick(rng, [3, 3, 5])
        p2 = (k2 - 1) // 2 if same else pick(rng, [0, 0, 1])
        f1 = pick(rng, [2, 2, 2, 3])
        params: dict[str, Any] = {
            "input": [h, w, c],
            "conv1": [pick(rng, [4, 6, 8, 10, 12, 16, 20, 32]), k1, s1, p1],
            "pool1": [f1, f1],
            "conv2": [pick(rng, [8, 12, 16, 24, 32, 48, 64]), k2, 1, p2],
            "fc": pick(rng, [10, 10, 5, 20, 84, 100, 120]),
        }
        if with_pool2:
            params["pool2"] = [2, 2]
        ok = True
        size = [h, w]
        for name, cfg in cnn_layers(params):
            k, s, pad = (cfg[1], cfg[2], cfg[3]) if name.startswith("conv") else (cfg[0], cfg[1], 0)
            if not all(_exact(n, k, s, pad) for n in size):
                ok = False
                break
            size = [(n + 2 * pad - k) // s + 1 for n in size]
        if not ok or min(size) < 2:
            continue
        vals = cnn_values(params)
        if vals["flat"] > 6000:
            continue
        return params


def _cnn_part_list(params: dict[str, Any]) -> list[tuple[str, Bi]]:
    out = [(name, Bi(f"{name} 的输出尺寸（高×宽×通道）", f"the output shape of {name} (H×W×C)"))
           for name, _ in cnn_layers(params)]
    out += [("conv1_params", Bi("conv1 的参数量", "the parameters of conv1")),
            ("conv2_params", Bi("conv2 的参数量", "the parameters of conv2")),
            ("fc_params", Bi("全连接层的参数量", "the parameters of the FC layer")),
            ("total", Bi("整个网络的总参数量", "the total number of parameters")),
            ("rf", Bi("conv2 输出特征图上一个单元在输入图像上的感受野大小（边长）",
                      "the receptive field (side length, on the input image) of one unit of conv2's output"))]
    return out


def prompt_cnn(params: dict[str, Any]) -> Prompt:
    h, w, c = params["input"]
    kind_zh = "灰度" if c == 1 else " RGB 彩色"
    kind_en = "gray" if c == 1 else "RGB colour"
    rows = [["输入 / input", f"{h}×{w}×{c}"]]
    for name, cfg in cnn_layers(params):
        if name.startswith("conv"):
            k_out, k, s, pad = cfg
            rows.append([name, f"{k_out} × conv {k}×{k}, S = {s}, P = {pad}, ReLU"])
        else:
            rows.append([name, f"max pool {cfg[0]}×{cfg[0]}, S = {cfg[1]}"])
    rows.append(["fc", f"flatten → FC → {params['fc']}"])
    fig = table(Bi("网络结构", "Architecture"), ["层 / layer", "配置 / configuration"], rows)
    asks = _asks([(chr(ord("a") + i), b) for i, (_, b) in enumerate(_cnn_part_list(params))])
    zh = (f"一个用于 {params['fc']} 类图像分类的小型卷积神经网络，输入为 {h}×{w}×{c} 的{kind_zh}图像，结构见下表"
          f"（“6 × conv 5×5”表示 6 个 5×5 的卷积核；S 为步长，P 为四周各填充 0 的个数；ReLU 不改变尺寸；"
          f"每个卷积核带 1 个偏置，池化层没有参数，全连接层带偏置；除不尽时向下取整，放不下的窗口舍去）。求：{asks.zh}")
    en = (f"A small CNN for {params['fc']}-class image classification takes a {h}×{w}×{c} {kind_en} image; its layers "
          f"are listed below (“6 × conv 5×5” means six 5×5 kernels; S is the stride, P the zero padding on each side; "
          f"ReLU keeps the size; every kernel has one bias, pooling layers have no parameters, the FC layer has "
          f"biases; when a division is not exact, round down: windows that do not fit are dropped). Find {asks.en}")
    return Prompt(Bi(zh, en), [fig])


# ---------------------------------------------------------------- typical mistakes
def _changed(params: dict[str, Any], wrong: dict[str, Any]) -> dict[str, Any]:
    key = cnn_values(params)
    return {name: v for name, v in wrong.items() if v != key[name]}


def _no_bias(params: dict[str, Any]) -> dict[str, Any]:
    """Every layer's parameters counted without biases."""
    v = cnn_values(params)
    k1, k2, n = params["conv1"][0], params["conv2"][0], params["fc"]
    return {"conv1_params": v["conv1_params"] - k1, "conv2_params": v["conv2_params"] - k2,
            "fc_params": v["fc_params"] - n, "total": v["total"] - k1 - k2 - n}


def _no_depth(params: dict[str, Any]) -> dict[str, Any]:
    """Conv kernels counted as k×k, without the input channels (depth)."""
    v = cnn_values(params)
    (k1, f1), (k2, f2) = params["conv1"][:2], params["conv2"][:2]
    c1, c2 = (f1 * f1 + 1) * k1, (f2 * f2 + 1) * k2
    return _changed(params, {"conv1_params": c1, "conv2_params": c2, "total": c1 + c2 + v["fc_params"]})


def _rf_without_strides(params: dict[str, Any]) -> dict[str, Any]:
    """The receptive field as 1 + Σ(k − 1), the strides of the earlier layers left out."""
    ks = (params["conv1"][1], params["pool1"][0], params["conv2"][1])
    return _changed(params, {"rf": 1 + sum(k - 1 for k in ks)})


def _no_padding(params: dict[str, Any]) -> dict[str, Any] | None:
    """The output shapes computed as if the convolutions had no padding (the later shapes from those)."""
    unpadded = {**params, "conv1": params["conv1"][:3] + [0], "conv2": params["conv2"][:3] + [0]}
    try:
        wrong = cnn_values(unpadded)
    except (ValueError, ZeroDivisionError):
        return None
    shapes = [name for name, _ in cnn_layers(params)]
    if any(min(wrong[name][:2]) < 1 for name in shapes):
        return None
    return _changed(params, {name: wrong[name] for name in shapes})


MISTAKES = (
    Mistake("forgot-bias", Bi("参数量漏了偏置：每个卷积核、每个全连接输出单元各有 1 个偏置",
            "left out the biases: every kernel and every FC output unit has one"), "Parameters of conv1", _no_bias),
    Mistake("kernel-without-depth", Bi("卷积核只算了 k×k，漏了深度：卷积核的深度等于输入通道数",
            "counted a kernel as k×k only: its depth equals the number of input channels"),
            ("Parameters of conv1", "Parameters of conv2"), _no_depth),
    Mistake("rf-without-strides", Bi("感受野直接把 (k − 1) 相加，漏了前面各层步长的累积（j）",
            "added up the (k − 1) terms without the product of the earlier strides (the jump j)"),
            "Receptive field, layer by layer", _rf_without_strides),
    Mistake("ignored-padding", Bi("计算卷积输出尺寸时漏了填充 2P", "left out the padding 2P in the conv output size"),
            ("Output of conv1", "Output of conv2"), _no_padding),
)


register(Kind(
    name="scenario-cnn-design", chapter="cnn", section="comprehensive", points=12,
    title=Bi("综合：小型卷积网络的设计", "Comprehensive: designing a small CNN"),
    summary=Bi("逐层输出尺寸、各层参数量、总参数量与感受野", "Per-layer output shapes, parameters, total and receptive field"),
    conventions=Bi("输出 = ⌊(W − F + 2P)/S⌋ + 1（除不尽时向下取整）；卷积参数 (F²·C_in + 1)·K；全连接 (H·W·C + 1)·N；"
                   "感受野 r_l = r_(l−1) + (k_l − 1)·j_(l−1)；"
                   "后面的尺寸与参数量按你前面的答案继续计算也给分",
                   "out = ⌊(W − F + 2P)/S⌋ + 1 (round down when not exact); conv parameters (F²·C_in + 1)·K; FC (H·W·C + 1)·N; receptive field "
                   "r_l = r_(l−1) + (k_l − 1)·j_(l−1); later shapes and counts earn credit when carried forward"),
    variants=("conv–pool–conv–FC", "conv–pool–conv–pool–FC", "same padding", "stride-2 first conv",
              "gray or RGB input", "non-square input"),
    sample=sample_cnn, prompt=prompt_cnn, solve=scenario_cnn, schema=CNN_SCHEMA,
    carry_forward=scenario_cnn_carry_forward, mistakes=MISTAKES,
    example={"input": [32, 32, 1], "conv1": [6, 5, 1, 0], "pool1": [2, 2], "conv2": [16, 5, 1, 0], "pool2": [2, 2],
             "fc": 120},
))
