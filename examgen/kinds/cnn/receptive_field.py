"""`receptive-field`: Receptive field.

Receptive field and jump of a unit after stacked conv / pool / dilated layers. Top to bottom: params schema, pure
solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import INT, pick, table
from examgen.kinds.cnn._shared import _whole, rf_table
from examgen.model import Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


# ================================================================ receptive-field
def _check_rf(params: dict[str, Any]) -> None:
    layers = params["layers"]
    types = layer_types(params)
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


# ---------------------------------------------------------------- solver
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


# ---------------------------------------------------------------- sampler and prompt
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
        rows = rf_table(layers)
        if rows[0][1] == 1 or rows[-1][1] > 120 or rows[-1][2] == 1 and ask == "jump":
            continue
        params: dict[str, Any] = {"layers": layers, "layer_types": ",".join(types), "ask": ask}
        if ask == "layer":
            params["at_layer"] = rng.randint(2, n - 1)
        return params


def prompt_rf(params: dict[str, Any]) -> Prompt:
    layers, ask = params["layers"], params["ask"]
    types = layer_types(params)
    n = len(layers)
    rows = [[str(i), "卷积 / conv" if t == "conv" else "最大池化 / max pool", str(k), str(s), str(d)]
            for i, ((k, s, d), t) in enumerate(zip(layers, types), start=1)]
    fig = table(Bi("网络结构（从输入开始）", "Layers (from the input)"), ["层 / layer", "类型 / type", "k", "s", "d"], rows)
    intro_zh = (f"某网络由下表中的 {n} 层依次堆叠而成，$k$ 为卷积核（池化窗口）大小，$s$ 为步长，$d$ 为空洞率"
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


# ---------------------------------------------------------------- typical mistakes
def _rf_wrong(params: dict[str, Any], rule: str) -> Any:
    """The answer with one wrong rule: 'no-jump' (r_l = r_(l−1) + k′ − 1, strides ignored), 'no-dilation' (k′ = k),
    'own-stride' (the layer's own stride already in the jump: r_l = r_(l−1) + (k′ − 1)·j_l)."""
    layers, ask = params["layers"], params["ask"]
    r, j, rs = 1, 1, []
    for k, s, d in layers:
        ke = k if rule == "no-dilation" else k + (k - 1) * (d - 1)
        if rule == "own-stride":
            j *= s
            r += (ke - 1) * j
        else:
            r += (ke - 1) * (1 if rule == "no-jump" else j)
            j *= s
        rs.append(r)
    n = len(layers)
    m = (params.get("at_layer") or n) if ask == "layer" else n
    if ask == "each":
        return rs
    if ask == "jump":
        return {"rf": rs[-1]}
    return rs[m - 1]


def _if(test: Any, rule: str) -> Any:
    def wrong(params: dict[str, Any]) -> Any:
        n = len(params["layers"])
        m = (params.get("at_layer") or n) if params["ask"] == "layer" else n
        return _rf_wrong(params, rule) if test(params["layers"][:m]) else None
    return wrong


MISTAKES = (
    Mistake("strides-ignored", Bi("忽略了前面各层的步长：每层感受野的增量应乘以前面各层步长之积 j_(l−1)",
            "ignored the strides of earlier layers: each increment is multiplied by the jump j_(l−1)"),
            "Layer 1", _if(lambda ls: any(s > 1 for _, s, _ in ls[:-1]), "no-jump")),
    Mistake("dilation-ignored", Bi("空洞卷积仍按原卷积核大小 k 计算；等效卷积核大小为 k′ = k + (k − 1)(d − 1)",
            "used k for a dilated layer; its effective size is k′ = k + (k − 1)(d − 1)"),
            "Layer 1", _if(lambda ls: any(d > 1 for _, _, d in ls), "no-dilation")),
    Mistake("own-stride-in-jump", Bi("感受野的增量乘了包含本层步长的 j_l；应乘以前面各层步长之积 j_(l−1)",
            "multiplied the increment by the jump after the layer, j_l; it is the jump before it, j_(l−1)"),
            "Layer 1", _if(lambda ls: any(s > 1 for _, s, _ in ls), "own-stride")),
)


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
    sample=sample_rf, prompt=prompt_rf, solve=receptive_field, schema=RF_SCHEMA,
    example={"layers": [[3, 1, 1], [2, 2, 1], [3, 1, 2], [3, 2, 1]], "layer_types": "conv,pool,conv,conv",
             "ask": "each"},
    mistakes=MISTAKES,
))
