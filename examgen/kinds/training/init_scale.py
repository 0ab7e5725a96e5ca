"""`init-scale`: Xavier and He initialization scales.

Fan-in and fan-out of dense and conv layers; Xavier and He uniform bounds, normal standard deviations and variances.
Top to bottom: params schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _tie_free, all_whole, pick, sci
from examgen.mathfmt import num, round_answer
from examgen.model import NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


# ================================================================ init-scale
def _check_init(params: dict[str, Any]) -> None:
    if params["layer"] == "conv" and "kernel" not in params:
        raise ParamError("a conv layer needs its kernel size: kernel=3")
    if params["layer"] == "dense" and "kernel" in params:
        raise ParamError("a dense layer has no kernel")


INIT_SCHEMA = Schema({
    "scheme": Param("str", "xavier, he, or both (compare them)", choices=("xavier", "he", "both")),
    "dist": Param("str", "uniform U(−a, a) or normal N(0, σ²)", choices=("uniform", "normal")),
    "layer": Param("str", "dense (fully connected) or conv", choices=("dense", "conv")),
    "n_in": Param("int", "input units (dense) or input channels C_in (conv)", min=1, max=10**6),
    "n_out": Param("int", "output units (dense) or output channels C_out (conv)", min=1, max=10**6),
    "kernel": Param("int", "square kernel side k (conv)", min=1, max=15, optional=True),
}, check=_check_init)


# ---------------------------------------------------------------- solver
def init_fans(params: dict[str, Any]) -> tuple[int, int]:
    if params["layer"] == "conv":
        k2 = params["kernel"] ** 2
        return k2 * params["n_in"], k2 * params["n_out"]
    return params["n_in"], params["n_out"]


def init_scale(params: dict[str, Any]) -> Solution:
    scheme, dist, layer = params["scheme"], params["dist"], params["layer"]
    fin, fout = init_fans(params)
    uniform = dist == "uniform"
    xv = 2 / (fin + fout)
    hv = 2 / fin
    nin, nout = 'n_"in"', 'n_"out"'
    steps: list[Step] = []
    if layer == "conv":
        k = params["kernel"]
        steps.append(Step(
            title=Bi("卷积层的扇入/扇出：每个输出（输入）单元连接 k×k×C 个权重",
                     "Fan-in / fan-out of a conv layer: each output (input) unit connects to k×k×C weights"),
            part="fan" if scheme != "he" else "fan_in",
            formula=f'{nin} = k^2 C_"in", quad {nout} = k^2 C_"out"',
            work=f"{k}^2 dot {params['n_in']} = {fin}, quad {k}^2 dot {params['n_out']} = {fout}",
            result=f"{nin} = {fin}, quad {nout} = {fout}"))
    else:
        steps.append(Step(
            title=Bi("全连接层的扇入 = 输入神经元数，扇出 = 输出神经元数",
                     "Fan-in of a dense layer = input units, fan-out = output units"),
            part="fan" if scheme != "he" else "fan_in",
            formula=f"{nin} = {fin}, quad {nout} = {fout}",
            result=f"{nin} = {fin}" if scheme == "he" else f"{nin} + {nout} = {fin + fout}"))
    xav_f = (f"a = sqrt(6/({nin} + {nout}))" if uniform else f"sigma = sqrt(2/({nin} + {nout}))")
    xav_w = f"sqrt({6 if uniform else 2}/({fin} + {fout}))"
    he_f = f"a = sqrt(6/{nin})" if uniform else f"sigma = sqrt(2/{nin})"
    he_w = f"sqrt({6 if uniform else 2}/{fin})"
    sym = "a" if uniform else "sigma"
    xs = math.sqrt(3 * xv) if uniform else math.sqrt(xv)
    hs = math.sqrt(3 * hv) if uniform else math.sqrt(hv)
    x_title = Bi("Xavier 初始化：" + ("均匀分布 U(−a, a) 的边界" if uniform else "正态分布 N(0, σ²) 的标准差"),
                 "Xavier initialization: " + ("bound of U(−a, a)" if uniform else "standard deviation of N(0, σ²)"))
    h_title = Bi("He 初始化：" + ("均匀分布 U(−a, a) 的边界" if uniform else "正态分布 N(0, σ²) 的标准差"),
                 "He initialization: " + ("bound of U(−a, a)" if uniform else "standard deviation of N(0, σ²)"))
    if scheme == "both":
        steps += [
            Step(title=x_title, part="xavier", formula=xav_f, work=xav_w, result=f"{sym} approx {num(xs)}"),
            Step(title=h_title, part="he", formula=he_f, work=he_w, result=f"{sym} approx {num(hs)}",
                 note=Bi("He 初始化只看扇入，并把方差放大一倍，以补偿 ReLU 把一半输入置 0；Xavier 适合 tanh/sigmoid。",
                         "He uses only the fan-in and doubles the variance to make up for ReLU zeroing half its "
                         "inputs; Xavier suits tanh/sigmoid.")),
        ]
        parts = [
            Part("fan", Bi("扇入与扇出 (n_in, n_out)", "Fan-in and fan-out (n_in, n_out)"),
                 VectorSpec(2, integer=True), [fin, fout]),
            Part("xavier", Bi(f"Xavier 的 {'边界 a' if uniform else '标准差 σ'}",
                              f"Xavier {'bound a' if uniform else 'standard deviation σ'}"),
                 NumberSpec(decimals=4), round_answer(xs), depends_on=("fan",)),
            Part("he", Bi(f"He 的 {'边界 a' if uniform else '标准差 σ'}",
                          f"He {'bound a' if uniform else 'standard deviation σ'}"),
                 NumberSpec(decimals=4), round_answer(hs), depends_on=("fan",)),
        ]
        return Solution(parts, steps)
    xavier = scheme == "xavier"
    scale, var = (xs, xv) if xavier else (hs, hv)
    steps.append(Step(title=x_title if xavier else h_title, part="scale", formula=xav_f if xavier else he_f,
                      work=xav_w if xavier else he_w, result=f"{sym} approx {num(scale)}"))
    var_f = (f"2/({nin} + {nout})" if xavier else f"2/{nin}")
    var_w = (f"2/({fin} + {fout})" if xavier else f"2/{fin}")
    if uniform:
        steps.append(Step(
            title=Bi("均匀分布 U(−a, a) 的方差为 a²/3", "The variance of U(−a, a) is a²/3"), part="variance",
            formula=f"\"Var\"(W) = a^2/3 = {var_f}", work=var_w, result=f"\"Var\"(W) approx {sci(var)}"))
    else:
        steps.append(Step(
            title=Bi("正态分布的方差 = 标准差的平方", "The variance of the normal distribution is σ²"),
            part="variance", formula=f"\"Var\"(W) = sigma^2 = {var_f}", work=var_w,
            result=f"\"Var\"(W) approx {sci(var)}"))
    fan_part = (Part("fan", Bi("扇入与扇出 (n_in, n_out)", "Fan-in and fan-out (n_in, n_out)"),
                     VectorSpec(2, integer=True), [fin, fout]) if xavier else
                Part("fan_in", Bi("扇入 n_in", "Fan-in n_in"), NumberSpec(integer=True), fin))
    parts = [
        fan_part,
        Part("scale", Bi("边界 a" if uniform else "标准差 σ", "Bound a" if uniform else "Standard deviation σ"),
             NumberSpec(decimals=4), round_answer(scale), depends_on=(fan_part.name,)),
        Part("variance", Bi("权重的方差", "Variance of the weights"), NumberSpec(decimals=6), round_answer(var),
             depends_on=(fan_part.name,)),
    ]
    return Solution(parts, steps)


def init_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """Scale and variance from the student's fans: Xavier 2/(n_in + n_out), He 2/n_in; a = √(3·Var), σ = √Var."""
    if part not in ("scale", "variance", "xavier", "he"):
        return None
    fans = earlier.get("fan", earlier.get("fan_in"))
    fans = [float(v) for v in (fans if isinstance(fans, list) else [fans])]
    if not all_whole(fans, positive=True):  # fans count units: positive whole numbers
        return None
    he = part == "he" or (part in ("scale", "variance") and params["scheme"] == "he")
    var = 2 / fans[0] if he else 2 / (fans[0] + fans[1])
    if var <= 0:
        return None
    if part == "variance":
        return var
    return math.sqrt(3 * var if params["dist"] == "uniform" else var)


# ---------------------------------------------------------------- sampler and prompt
_UNITS = [10, 64, 84, 100, 120, 128, 256, 300, 400, 500, 512, 784, 1000, 1024, 2048, 4096]
_CHANNELS = [1, 3, 16, 32, 64, 96, 128, 192, 256]


def _units(rng: random.Random) -> int:
    """A layer width as people choose them: a common size, a multiple of 16, or a multiple of 10."""
    r = rng.random()
    if r < 0.3:
        return pick(rng, _UNITS)
    if r < 0.65:
        return 16 * rng.randint(1, 128)
    return 10 * rng.randint(1, 200)


def sample_init(rng: random.Random) -> dict[str, Any]:
    params: dict[str, Any] = {"scheme": pick(rng, ["xavier", "xavier", "he", "he", "both"]),
                              "dist": pick(rng, ["uniform", "normal"]), "layer": pick(rng, ["dense", "conv"])}
    if params["layer"] == "dense":
        params["n_in"] = _units(rng)
        params["n_out"] = _units(rng)
    else:
        k = pick(rng, [1, 3, 3, 3, 5, 7])
        cap = 64 if k == 7 else 256
        params["n_in"] = pick(rng, [c for c in _CHANNELS if c <= cap]) if rng.random() < 0.5 else rng.randint(1, cap)
        params["n_out"] = pick(rng, [c for c in _CHANNELS if 8 <= c <= cap]) if rng.random() < 0.5 \
            else rng.randint(8, cap)
        params["kernel"] = k
    fin, fout = init_fans(params)
    if params["scheme"] != "he" and fout < fin / 8:
        return sample_init(rng)  # Xavier must differ clearly from He: (n_in + n_out)/n_in ≥ 1.125
    return params


def prompt_init(params: dict[str, Any]) -> Prompt:
    scheme, uniform = params["scheme"], params["dist"] == "uniform"
    nin, nout = 'n_"in"', 'n_"out"'
    if params["layer"] == "conv":
        k, ci, co = params["kernel"], params["n_in"], params["n_out"]
        layer_zh = (f"某卷积层的输入有 $C_\"in\" = {ci}$ 个通道，使用 $C_\"out\" = {co}$ 个 ${k} times {k}$ 的卷积核。"
                    f"卷积层的扇入取 ${nin} = k^2 C_\"in\"$，扇出取 ${nout} = k^2 C_\"out\"$。")
        layer_en = (f"A convolutional layer takes $C_\"in\" = {ci}$ input channels and has $C_\"out\" = {co}$ kernels "
                    f"of size ${k} times {k}$. Its fan-in is ${nin} = k^2 C_\"in\"$ and its fan-out "
                    f"${nout} = k^2 C_\"out\"$.")
    else:
        layer_zh = (f"某全连接层有 {params['n_in']} 个输入神经元、{params['n_out']} 个输出神经元"
                    f"（扇入 ${nin}$ = 输入数，扇出 ${nout}$ = 输出数）。")
        layer_en = (f"A fully connected layer has {params['n_in']} inputs and {params['n_out']} outputs (fan-in "
                    f"${nin}$ = inputs, fan-out ${nout}$ = outputs).")
    dist_zh = "均匀分布 $U(-a, a)$（其方差为 $a^2/3$）" if uniform else "正态分布 $N(0, sigma^2)$"
    dist_en = "a uniform distribution $U(-a, a)$ (whose variance is $a^2/3$)" if uniform else \
        "a normal distribution $N(0, sigma^2)$"
    what_zh = "边界 $a$" if uniform else "标准差 $sigma$"
    what_en = "the bound $a$" if uniform else "the standard deviation $sigma$"
    xav_zh = f"Xavier（Glorot）初始化使权重方差为 $2/({nin} + {nout})$"
    xav_en = f"Xavier (Glorot) initialization sets the weight variance to $2/({nin} + {nout})$"
    he_zh = f"He（Kaiming）初始化使权重方差为 $2/{nin}$"
    he_en = f"He (Kaiming) initialization sets the weight variance to $2/{nin}$"
    if scheme == "both":
        zh = (f"{layer_zh}权重从{dist_zh}中采样。已知 {xav_zh}，{he_zh}。求该层的扇入与扇出，"
              f"以及两种初始化各自的{what_zh}（保留四位小数）。")
        en = (f"{layer_en} The weights are drawn from {dist_en}. {xav_en}; {he_en}. Find the layer's fan-in and "
              f"fan-out, and {what_en} under each scheme (4 decimals).")
        return Prompt(Bi(zh, en))
    if scheme == "xavier":
        name_zh, name_en = "Xavier（Glorot）初始化", "Xavier (Glorot) initialization"
        var_t = f"2/({nin} + {nout})"
    else:
        name_zh, name_en = "He（Kaiming）初始化", "He (Kaiming) initialization"
        var_t = f"2/{nin}"
    fan_zh = "扇入与扇出" if scheme == "xavier" else "扇入"
    fan_en = "fan-in and fan-out" if scheme == "xavier" else "fan-in"
    zh = (f"{layer_zh}采用 {name_zh}，从{dist_zh}中采样权重，使权重方差为 ${var_t}$。"
          f"求：(1) {fan_zh}；(2) {what_zh}（保留四位小数）；(3) 权重的方差（保留 6 位小数，也可写成分数）。")
    en = (f"{layer_en} It uses {name_en}: the weights are drawn from {dist_en} with variance ${var_t}$. Find "
          f"(1) the {fan_en}, (2) {what_en} (4 decimals) and (3) the weight variance (6 decimals, or a fraction).")
    return Prompt(Bi(zh, en))


# ---------------------------------------------------------------- typical mistakes
def _init_wrong(params: dict[str, Any], *, kernel: bool = True, bound: bool = True, he_gain: float = 2,
                xavier_fan_in: bool = False) -> dict[str, Any]:
    """The fans, scales and variance a student gets who leaves k² out of a conv layer's fans, uses the normal σ as
    the uniform bound, drops He's factor 2, or takes Xavier's variance as 1/n_in."""
    k2 = params["kernel"] ** 2 if params["layer"] == "conv" and kernel else 1
    fin, fout = k2 * params["n_in"], k2 * params["n_out"]
    xv = 1 / fin if xavier_fan_in else 2 / (fin + fout)
    hv = he_gain / fin
    widen = 3 if params["dist"] == "uniform" and bound else 1
    xs, hs = math.sqrt(widen * xv), math.sqrt(widen * hv)
    if params["scheme"] == "both":
        return {"fan": [fin, fout], "xavier": xs, "he": hs}
    xavier = params["scheme"] == "xavier"
    out = {"scale": xs if xavier else hs, "variance": xv if xavier else hv}
    out["fan" if xavier else "fan_in"] = [fin, fout] if xavier else fin
    return out


def _changed(wrong: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Only the parts the mistake changes (a part it leaves right is not a mistake's answer)."""
    right = _init_wrong(params)
    return {k: v for k, v in wrong.items() if v != right[k]} or None  # type: ignore[return-value]


MISTAKES = (
    Mistake("conv-fan-without-kernel", Bi("卷积层的扇入/扇出漏乘了 k²：应为 k²·C_in 与 k²·C_out", "left k² out of "
            "the conv layer's fans: they are k²·C_in and k²·C_out"), "Fan-in / fan-out of a conv layer",
            lambda p: _changed(_init_wrong(p, kernel=False), p) if p["layer"] == "conv" else None),
    Mistake("normal-sigma-as-bound", Bi("把正态分布的标准差 σ 当成了均匀分布的边界；U(−a, a) 的方差是 a²/3，所以 a = √(3·Var)",
            "used the normal σ as the uniform bound; U(−a, a) has variance a²/3, so a = √(3·Var)"),
            ("Xavier initialization", "He initialization"),
            lambda p: _changed(_init_wrong(p, bound=False), p) if p["dist"] == "uniform" else None),
    Mistake("he-without-factor-2", Bi("He 初始化的方差漏了因子 2：应为 2/n_in（以补偿 ReLU 把一半输入置 0）",
            "dropped He's factor 2: the variance is 2/n_in (making up for ReLU zeroing half the inputs)"),
            "He initialization", lambda p: _changed(_init_wrong(p, he_gain=1), p) if p["scheme"] != "xavier" else None),
    Mistake("xavier-fan-in-only", Bi("Xavier 的方差只用了扇入，算成了 1/n_in；应为 2/(n_in + n_out)", "took Xavier's "
            "variance as 1/n_in; it is 2/(n_in + n_out)"), "Xavier initialization",
            lambda p: _changed(_init_wrong(p, xavier_fan_in=True), p) if p["scheme"] != "he" else None),
)


register(Kind(
    name="init-scale", chapter="training", section="calculation", points=6,
    title=Bi("Xavier / He 初始化的尺度", "Xavier and He initialization scales"),
    summary=Bi("全连接层与卷积层的扇入/扇出，Xavier 与 He 的均匀分布边界、正态分布标准差与方差",
               "Fan-in and fan-out of dense and conv layers; Xavier and He uniform bounds, normal standard "
               "deviations and variances"),
    conventions=Bi("卷积层扇入 = k²·C_in，扇出 = k²·C_out；Xavier 方差 2/(n_in + n_out)，He 方差 2/n_in；"
                   "U(−a, a) 的方差为 a²/3；尺度保留四位小数，方差保留 6 位小数",
                   "conv fan-in = k²·C_in, fan-out = k²·C_out; Xavier variance 2/(n_in + n_out), He 2/n_in; "
                   "U(−a, a) has variance a²/3; scales to 4 decimals, variances to 6"),
    variants=("Xavier uniform", "Xavier normal", "He normal", "He uniform", "dense or conv layer",
              "Xavier vs He"),
    sample=_tie_free(sample_init, init_scale), prompt=prompt_init, solve=init_scale, schema=INIT_SCHEMA,
    carry_forward=init_carry_forward,
    example={"scheme": "xavier", "dist": "uniform", "layer": "conv", "n_in": 64, "n_out": 128, "kernel": 3},
    mistakes=MISTAKES,
))
