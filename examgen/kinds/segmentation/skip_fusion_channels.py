"""`skip-fusion-channels`: Skip-connection fusion: concatenation vs addition.

U-Net concatenation adds channels; FCN / ResNet addition keeps the shape; parameters of the next convolution. Top to
bottom: params schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import all_whole, INT, _bias_text, _shape, pick
from examgen.model import Part, Prompt, ShapeSpec, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


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


# ---------------------------------------------------------------- solver
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
    if not isinstance(shape, list) or len(shape) != 3 or not all_whole(shape, positive=True):
        return None
    k, n = params["conv_kernel"], params["conv_out"]
    return k * k * int(shape[2]) * n + (n if params["bias"] else 0)


# ---------------------------------------------------------------- sampler and prompt
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
        zh = (f"U-Net 解码器中，上采样后的特征图大小为 {m_txt}，通过跳跃连接与编码器对应层的特征图 {s_txt}{crop_zh or ' '}"
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


# ---------------------------------------------------------------- typical mistakes
def _conv(params: dict[str, Any], c_in: int, bias: bool | None = None) -> int:
    """Parameters of the convolution in question for `c_in` input channels (biases as given unless `bias`)."""
    k, n = params["conv_kernel"], params["conv_out"]
    return k * k * c_in * n + (n if (params["bias"] if bias is None else bias) else 0)


def _concat_keeps(params: dict[str, Any]) -> dict[str, Any] | None:
    """Concatenation taken as if the channels stayed those of the decoder map."""
    (hm, wm, cm), arch = params["main_shape"], params["arch"]
    if arch == "unet":
        return {"fused": [hm, wm, cm], "params": _conv(params, cm)}
    return {"concat": [hm, wm, cm], "concat_params": _conv(params, cm)} if arch == "compare" else None


def _add_stacks(params: dict[str, Any]) -> dict[str, Any] | None:
    """Element-wise addition taken as a concatenation: the channels of the two (equal) maps add up."""
    (hm, wm, cm), arch = params["main_shape"], params["arch"]
    if arch == "compare":
        return {"add": [hm, wm, 2 * cm], "add_params": _conv(params, 2 * cm)}
    if arch == "resnet" and params["skip_shape"] == params["main_shape"]:
        return {"fused": [hm, wm, 2 * cm], "params": _conv(params, 2 * cm)}
    return {"fused": [hm, wm, 2 * cm]} if arch in ("fcn", "resnet") else None


def _no_bias(params: dict[str, Any]) -> dict[str, int] | None:
    if not params["bias"]:
        return None
    (_, _, cs), (_, _, cm) = params["skip_shape"], params["main_shape"]
    c_in = {"unet": cs + cm, "fcn": cs, "resnet": cs}.get(params["arch"])
    if c_in is None:
        return {"concat_params": _conv(params, cs + cm, False), "add_params": _conv(params, cm, False)}
    return {"params": _conv(params, c_in, False)}


MISTAKES = (
    Mistake("concat-keeps-channels", Bi("把按通道拼接当成了通道数不变；拼接后通道数相加",
            "took the concatenation as keeping the channel count; concatenating adds the channels"),
            ("U-Net concatenates", "Concatenation (U-Net)"), _concat_keeps),
    Mistake("add-stacks-channels", Bi("把逐元素相加当成了拼接，通道数加倍；相加后形状不变",
            "took the element-wise addition for a concatenation and doubled the channels; a sum keeps the shape"),
            ("FCN adds", "Identity shortcut", "After the projection", "Element-wise addition"), _add_stacks),
    Mistake("skip-not-cropped", Bi("拼接后的宽高用了编码器特征图未裁剪的尺寸；U-Net 先中心裁剪到解码器的大小",
            "gave the size with the encoder map's uncropped height and width; U-Net centre-crops it to the "
            "decoder's first"), "Centre-crop",
            lambda p: {"fused": [*p["skip_shape"][:2], p["skip_shape"][2] + p["main_shape"][2]]}
            if p["arch"] == "unet" and p["skip_shape"][:2] != p["main_shape"][:2] else None),
    Mistake("forgot-bias", Bi("卷积层的参数量漏了偏置（每个卷积核 1 个）", "left the biases (one per kernel) out of the "
            "convolution's parameters"), ("The ", "First ", "3×3 convolution", "1×1 convolution"), _no_bias),
)


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
    sample=sample_fusion, prompt=prompt_fusion, solve=skip_fusion, schema=FUSION_SCHEMA,
    carry_forward=fusion_carry_forward,
    example={"arch": "unet", "skip_shape": [64, 64, 512], "main_shape": [56, 56, 512], "conv_kernel": 3,
             "conv_out": 512, "bias": True},
    mistakes=MISTAKES,
))
