"""Solvers for the training building blocks: activations, dropout, batch normalization, regularization,
optimizer steps, initialization scales and cross-entropy losses. Pure functions params -> Solution."""

from __future__ import annotations

import math
from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import num, p, round_answer
from examgen.model import MatrixSpec, NumberSpec, Part, Solution, Step, VectorSpec


# ---------------------------------------------------------------- formatting helpers
def tup(values: list[float], d: int = 4) -> str:
    """A short vector written in a row: `(0.5, -0.2)`; a single value stays a bare number."""
    if len(values) == 1:
        return num(values[0], d)
    return "(" + ", ".join(num(v, d) for v in values) + ")"


def sci(x: float, digits: int = 4) -> str:
    """A number in Typst math: plain when ≥ 0.001, else `1.234 times 10^(-5)` (powers of ten as `10^(-5)`)."""
    if x == 0:
        return "0"
    if abs(x) >= 1e-3:
        return num(x, 6)
    e = math.floor(math.log10(abs(x)))
    m = round(x / 10 ** e, digits - 1)
    if abs(m) >= 10:
        m, e = m / 10, e + 1
    if m == 1:
        return f"10^({e})"
    if m == -1:
        return f"-10^({e})"
    return f"{num(m, digits - 1)} times 10^({e})"


def eq(*values: Any) -> str:
    """`=` when every value is shown exactly with 4 decimals, else `approx`."""
    flat: list[float] = []
    for v in values:
        flat.extend(v if isinstance(v, list) else [v])
    exact = all(abs(x * 1e4 - round(x * 1e4)) < 1e-6 for x in flat)
    return "=" if exact else "approx"


def _ans(values: list[float]) -> list[float]:
    return [round_answer(v) for v in values]


def _spec(n: int, d: int) -> NumberSpec | VectorSpec:
    return NumberSpec(decimals=d) if n == 1 else VectorSpec(n, decimals=d)


def _one(values: list[float]) -> Any:
    return round_answer(values[0]) if len(values) == 1 else _ans(values)


# ---------------------------------------------------------------- activation
def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


ACT_NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "Leaky ReLU"}


def activation_values(function: str, xs: list[float], slope: float = 0.01) -> tuple[list[float], list[float]]:
    """f(x) and f'(x) for each input (ReLU-type derivatives at x = 0 are taken as the left derivative)."""
    if function == "sigmoid":
        f = [sigmoid(x) for x in xs]
        return f, [s * (1 - s) for s in f]
    if function == "tanh":
        f = [math.tanh(x) for x in xs]
        return f, [1 - t * t for t in f]
    if function == "relu":
        return [max(0.0, x) for x in xs], [1.0 if x > 0 else 0.0 for x in xs]
    return [x if x > 0 else slope * x for x in xs], [1.0 if x > 0 else slope for x in xs]


def _exp_arg(x: float) -> str:
    """The exponent of e^(-x) with x substituted: e^(-0.5), e^(1.2)."""
    return num(-x)


def activation(params: dict[str, Any]) -> Solution:
    fn, xs = params["function"], params["inputs"]
    if params["ask"] == "chain":
        return _activation_chain(xs)
    slope = params.get("slope", 0.01)
    f, df = activation_values(fn, xs, slope)
    n = len(xs)
    name = ACT_NAMES[fn]
    steps: list[Step] = []
    if fn == "sigmoid":
        steps += [
            Step(title=Bi("逐个输入计算 sigmoid 函数值", "Sigmoid value of each input"), part="value",
                 formula="sigma(x) = 1/(1 + e^(-x))",
                 work="; ".join(f"sigma({num(x)}) = 1/(1 + e^({_exp_arg(x)}))" for x in xs),
                 result=f"sigma(x) approx {tup(f)}"),
            Step(title=Bi("sigmoid 的导数可以用函数值表示", "The sigmoid derivative in terms of its value"),
                 part="derivative", formula="sigma'(x) = sigma(x)(1 - sigma(x))",
                 work="; ".join(f"{num(s)} dot (1 - {num(s)})" for s in f),
                 result=f"sigma'(x) approx {tup(df)}",
                 note=Bi("sigmoid 的导数最大只有 0.25（在 x = 0 处），|x| 较大时进入饱和区，梯度接近 0。",
                         "The sigmoid derivative is at most 0.25 (at x = 0) and nearly 0 in the saturated regions.")),
        ]
    elif fn == "tanh":
        steps += [
            Step(title=Bi("逐个输入计算 tanh 函数值", "tanh value of each input"), part="value",
                 formula="tanh(x) = (e^x - e^(-x))/(e^x + e^(-x))",
                 work="; ".join(f"tanh({num(x)})" for x in xs), result=f"tanh(x) approx {tup(f)}"),
            Step(title=Bi("tanh 的导数可以用函数值表示", "The tanh derivative in terms of its value"),
                 part="derivative", formula="tanh'(x) = 1 - tanh^2(x)",
                 work="; ".join(f"1 - {p(t)}^2" for t in f), result=f"tanh'(x) approx {tup(df)}",
                 note=Bi("tanh 的输出以 0 为中心，导数最大为 1（在 x = 0 处）。",
                         "tanh is zero-centred; its derivative is at most 1 (at x = 0).")),
        ]
    elif fn == "relu":
        steps += [
            Step(title=Bi("ReLU：正数原样输出，负数输出 0", "ReLU: positive inputs pass, negative ones become 0"),
                 part="value", formula="f(x) = max(0, x)", work="; ".join(f"max(0, {num(x)})" for x in xs),
                 result=f"f(x) = {tup(f)}"),
            Step(title=Bi("ReLU 的导数：正区间为 1，负区间为 0", "ReLU derivative: 1 for x > 0, 0 for x < 0"),
                 part="derivative", formula="f'(x) = cases(1 quad x > 0, 0 quad x < 0)",
                 result=f"f'(x) = {tup(df)}",
                 note=Bi("负区间梯度为 0，对应神经元的权重得不到更新（“死亡 ReLU”）。",
                         "The gradient is 0 for negative inputs, so those units stop learning (“dying ReLU”).")),
        ]
    else:
        a = num(slope)
        steps += [
            Step(title=Bi(f"Leaky ReLU（负区间斜率 α = {a}）：正数原样输出，负数乘以 α",
                          f"Leaky ReLU (negative slope α = {a}): positive inputs pass, negative ones are multiplied "
                          f"by α"),
                 part="value", formula="f(x) = cases(x quad x > 0, alpha x quad x <= 0)",
                 work="; ".join(num(x) if x > 0 else f"{a} dot ({num(x)})" for x in xs),
                 result=f"f(x) = {tup(f)}"),
            Step(title=Bi("Leaky ReLU 的导数：正区间为 1，负区间为 α", "Leaky ReLU derivative: 1 for x > 0, α for x < 0"),
                 part="derivative", formula="f'(x) = cases(1 quad x > 0, alpha quad x < 0)",
                 result=f"f'(x) = {tup(df)}",
                 note=Bi("负区间保留一个小斜率，梯度不为 0，避免神经元“死亡”。",
                         "The small negative slope keeps the gradient non-zero, so units do not “die”.")),
        ]
    parts = [
        Part("value", Bi(f"{name} 函数值", f"{name} values"), VectorSpec(n, decimals=4), _ans(f)),
        Part("derivative", Bi(f"{name} 的导数值", f"{name} derivatives"), VectorSpec(n, decimals=4), _ans(df)),
    ]
    return Solution(parts, steps)


def _activation_chain(zs: list[float]) -> Solution:
    n = len(zs)
    bound = 0.25 ** n
    s = [sigmoid(z) for z in zs]
    ds = [v * (1 - v) for v in s]
    prod = 1.0
    for d in ds:
        prod *= d
    steps = [
        Step(title=Bi("sigmoid 导数的最大值（在 z = 0 处取到）", "Largest value of the sigmoid derivative (at z = 0)"),
             formula="sigma'(z) = sigma(z)(1 - sigma(z)) <= sigma'(0)", work="0.5 dot (1 - 0.5)",
             result="sigma'(z) <= 0.25"),
        Step(title=Bi(f"反向传播经过 {n} 层，梯度连乘 {n} 个 sigmoid 导数，其上界为", 
                      f"Back-propagating through {n} layers multiplies {n} sigmoid derivatives; their upper bound"),
             part="bound", formula="product_(l=1)^n sigma'(z_l) <= 0.25^n", work=f"0.25^{n}",
             result=sci(bound)),
        Step(title=Bi("各层的 sigmoid 值与导数", "Sigmoid value and derivative of each layer"),
             formula="sigma'(z_l) = sigma(z_l)(1 - sigma(z_l))",
             work="; ".join(f"sigma'({num(z)}) = {num(v)} dot (1 - {num(v)})" for z, v in zip(zs, s)),
             result=f"sigma'(z_l) approx {tup(ds)}"),
        Step(title=Bi("把各层导数连乘", "Multiply the derivatives of all layers"), part="product",
             formula="product_(l=1)^n sigma'(z_l)", work=" dot ".join(num(d) for d in ds),
             result=f"product_(l=1)^{n} sigma'(z_l) approx {sci(prod)}",
             note=Bi("层数越多，连乘结果按指数衰减，浅层几乎得不到梯度，这就是梯度消失；"
                     "ReLU 在正区间导数为 1，可以缓解这一问题。",
                     "The product shrinks exponentially with depth, so early layers get almost no gradient "
                     "(vanishing gradients); ReLU, with derivative 1 for positive inputs, eases this.")),
    ]
    parts = [
        Part("bound", Bi(f"{n} 层连乘的上界", f"Upper bound over {n} layers"), NumberSpec(decimals=6),
             round_answer(bound)),
        Part("product", Bi("给定输入下的导数连乘积", "Product of the derivatives at the given inputs"),
             NumberSpec(decimals=6), round_answer(prod)),
    ]
    return Solution(parts, steps)


# ---------------------------------------------------------------- dropout
def dropout(params: dict[str, Any]) -> Solution:
    p_drop, conv, ask = params["p"], params["convention"], params["ask"]
    keep = 1 - p_drop
    steps: list[Step] = []
    if params.get("keep_stated"):
        steps.append(Step(title=Bi("由保留概率 q 得到丢弃概率 p", "Drop probability p from the keep probability q"),
                          formula="p = 1 - q", work=f"1 - {num(keep)}", result=f"p = {num(p_drop)}"))
    inverted = conv == "inverted"
    if ask == "expected":
        n_units, a = params["units"], params["value"]
        kept = n_units * keep
        kept_val = a / keep if inverted else a
        mean = keep * kept_val
        test = a if inverted else keep * a
        steps.append(Step(
            title=Bi("每个单元独立地以概率 1 − p 被保留，保留个数的期望", "Each unit is kept with probability 1 − p; "
                     "expected number kept"), part="kept",
            formula="E[K] = N(1 - p)", work=f"{n_units} dot (1 - {num(p_drop)})", result=f"E[K] = {num(kept)}"))
        if inverted:
            steps.append(Step(
                title=Bi("inverted dropout：训练时保留下来的输出要除以 1 − p", "Inverted dropout: a kept output is "
                         "divided by 1 − p during training"), part="kept_value",
                formula="y = a/(1 - p)", work=f"{num(a)}/(1 - {num(p_drop)})", result=f"y {eq(kept_val)} {num(kept_val)}"))
        else:
            steps.append(Step(
                title=Bi("经典 dropout：训练时保留下来的输出不缩放", "Classic dropout: a kept output is not scaled "
                         "during training"), part="kept_value", formula="y = a", result=f"y = {num(kept_val)}"))
        steps.append(Step(
            title=Bi("训练时该单元输出的期望（被丢弃时输出 0）", "Expected training output of the unit (0 when dropped)"),
            formula="E[y] = (1 - p) dot y_\"kept\" + p dot 0", work=f"{num(keep)} dot {num(kept_val)}",
            result=f"E[y] {eq(mean)} {num(mean)}"))
        if inverted:
            steps.append(Step(
                title=Bi("测试时不丢弃也不缩放，输出等于训练时的期望", "At test time nothing is dropped or scaled; the "
                         "output equals the training expectation"), part="test",
                formula="y_\"test\" = a", result=f"y_\"test\" = {num(test)}"))
        else:
            steps.append(Step(
                title=Bi("测试时不丢弃，但要乘以 1 − p，使输出与训练时的期望一致", "At test time nothing is dropped, "
                         "but the output is multiplied by 1 − p to match the training expectation"), part="test",
                formula="y_\"test\" = (1 - p) a", work=f"{num(keep)} dot {num(a)}",
                result=f"y_\"test\" = {num(test)}"))
        parts = [
            Part("kept", Bi("保留单元数的期望", "Expected number of kept units"), NumberSpec(decimals=2),
                 round_answer(kept)),
            Part("kept_value", Bi("训练时该单元被保留时的输出", "Training output of the unit when kept"),
                 NumberSpec(decimals=3), round_answer(kept_val)),
            Part("test", Bi("测试时该单元的输出", "Test-time output of the unit"), NumberSpec(decimals=3),
                 round_answer(test)),
        ]
        return Solution(parts, steps)
    xs, mask = params["x"], params["mask"]
    n = len(xs)
    masked = [m * x for m, x in zip(mask, xs)]
    train = [v / keep for v in masked] if inverted else masked
    parts: list[Part] = []
    if ask == "mask":
        kept = sum(mask)
        steps.append(Step(title=Bi("保留的单元数 = 掩码中 1 的个数", "Kept units = number of 1s in the mask"),
                          part="kept", formula="K = sum_i m_i", work=" + ".join(str(m) for m in mask),
                          result=f"K = {kept}"))
        parts.append(Part("kept", Bi("保留的单元数", "Number of kept units"), NumberSpec(integer=True), kept))
    train_part = "output" if ask == "mask" else "train"
    mask_work = f"m dot.o x = {tup(masked)}"
    if inverted:
        steps.append(Step(
            title=Bi("训练时：乘以掩码后再除以 1 − p(inverted dropout)",
                     "Training: apply the mask, then divide by 1 − p (inverted dropout)"), part=train_part,
            formula="y = (m dot.o x)/(1 - p)", work=f"{mask_work}, quad 1/(1 - {num(p_drop)}) {eq(1 / keep)} {num(1 / keep)}",
            result=f"y {eq(train)} {tup(train)}"))
    else:
        steps.append(Step(
            title=Bi("训练时：只乘以掩码，不缩放（经典 dropout）", "Training: apply the mask, no scaling (classic dropout)"),
            part=train_part, formula="y = m dot.o x", work=mask_work, result=f"y = {tup(train)}"))
    label = Bi("训练时该层的输出", "Training-time output of the layer")
    parts.append(Part(train_part, label, VectorSpec(n, decimals=3), _ans(train)))
    if ask == "train-test":
        test = list(xs) if inverted else [keep * x for x in xs]
        if inverted:
            steps.append(Step(
                title=Bi("测试时：不丢弃、不缩放（缩放已在训练时完成）",
                         "Test time: no dropping and no scaling (the scaling was done in training)"),
                part="test", formula="y_\"test\" = x", result=f"y_\"test\" = {tup(test)}"))
        else:
            steps.append(Step(
                title=Bi("测试时：不丢弃，全部输出乘以 1 − p", "Test time: no dropping; every output is multiplied by 1 − p"),
                part="test", formula="y_\"test\" = (1 - p) x", work=f"{num(keep)} dot {tup(xs)}",
                result=f"y_\"test\" = {tup(test)}"))
        parts.append(Part("test", Bi("测试时该层的输出", "Test-time output of the layer"), VectorSpec(n, decimals=3),
                          _ans(test)))
    return Solution(parts, steps)


# ---------------------------------------------------------------- batchnorm
def _tagged(tag: Bi, text_zh: str, text_en: str) -> Bi:
    """`Feature 1: mini-batch mean`, or `Mini-batch mean` when there is no tag."""
    if not tag.en:
        return Bi(text_zh, text_en[:1].upper() + text_en[1:])
    return tag + Bi(text_zh, text_en)


def bn_stats(row: list[float]) -> tuple[float, float]:
    m = len(row)
    mu = sum(row) / m
    return mu, sum((x - mu) ** 2 for x in row) / m


def batchnorm(params: dict[str, Any], steps_wanted: bool = True) -> Solution:
    batch, gamma, beta, eps = params["batch"], params["gamma"], params["beta"], params["eps"]
    feats = len(batch)
    m = len(batch[0])
    steps: list[Step] = []
    if params["ask"] == "inference":
        mus, vrs = params["running_mean"], params["running_var"]
        stds = [math.sqrt(v + eps) for v in vrs]
        ys = [[gamma[j] * (x - mus[j]) / stds[j] + beta[j] for x in batch[j]] for j in range(feats)]
        if feats == 1:
            parts = [Part("std", Bi("分母 √(σ²+ε)", "Denominator √(σ²+ε)"), NumberSpec(decimals=4),
                          round_answer(stds[0])),
                     Part("y", Bi("测试输出 y", "Test-time outputs y"), VectorSpec(m, decimals=2), _ans(ys[0]))]
        else:
            parts = [Part("std", Bi("各特征的分母 √(σ²+ε)", "Denominators √(σ²+ε) per feature"),
                          VectorSpec(feats, decimals=4), _ans(stds)),
                     Part("y", Bi("测试输出 y（每行一个特征）", "Test-time outputs y (one row per feature)"),
                          MatrixSpec(feats, m, decimals=2), [_ans(r) for r in ys])]
        if not steps_wanted:
            return Solution(parts, steps)
        eps_t = sci(eps)
        for j in range(feats):
            tag = Bi(f"特征 {j + 1}：", f"Feature {j + 1}: ") if feats > 1 else Bi("", "")
            steps.append(Step(
                title=_tagged(tag, "测试时用训练阶段累计的滑动平均均值与方差（不用当前批次的统计量）",
                               "at test time use the running mean and variance from training (not batch statistics)"),
                part="std", formula="sqrt(sigma_\"run\"^2 + epsilon)", work=f"sqrt({num(vrs[j])} + {eps_t})",
                result=f"{eq(stds[j])} {num(stds[j])}"))
            steps.append(Step(
                title=_tagged(tag, "规范化后再缩放、平移", "normalize, then scale and shift"), part="y",
                formula="y = gamma (x - mu_\"run\")/sqrt(sigma_\"run\"^2 + epsilon) + beta",
                work="; ".join(f"{num(gamma[j])} dot ({num(x)} - {p(mus[j])})/{num(stds[j])} + {p(beta[j])}"
                               for x in batch[j]),
                result=f"y {eq(ys[j])} {tup(ys[j])}"))
        return Solution(parts, steps)
    mus, vrs, dens, xhats, ys = [], [], [], [], []
    for j, row in enumerate(batch):
        mu, var = bn_stats(row)
        den = math.sqrt(var + eps)
        xh = [(x - mu) / den for x in row]
        mus.append(mu)
        vrs.append(var)
        dens.append(den)
        xhats.append(xh)
        ys.append([gamma[j] * v + beta[j] for v in xh])
    if feats == 1:
        parts = [
            Part("mean", Bi("均值 μ_B", "Mean μ_B"), NumberSpec(decimals=2), round_answer(mus[0])),
            Part("var", Bi("方差 σ_B²", "Variance σ_B²"), NumberSpec(decimals=2), round_answer(vrs[0])),
            Part("xhat", Bi("规范化后的值 x̂", "Normalized values x̂"), VectorSpec(m, decimals=2), _ans(xhats[0])),
            Part("y", Bi("输出 y", "Outputs y"), VectorSpec(m, decimals=2), _ans(ys[0])),
        ]
    else:
        parts = [
            Part("mean", Bi("各特征的均值 μ_B", "Mean μ_B of each feature"), VectorSpec(feats, decimals=2), _ans(mus)),
            Part("var", Bi("各特征的方差 σ_B²", "Variance σ_B² of each feature"), VectorSpec(feats, decimals=2),
                 _ans(vrs)),
            Part("y", Bi("输出 y（每行一个特征）", "Outputs y (one row per feature)"), MatrixSpec(feats, m, decimals=2),
                 [_ans(r) for r in ys]),
        ]
    if not steps_wanted:
        return Solution(parts, steps)
    eps_t = sci(eps)
    for j, row in enumerate(batch):
        mu, var, den, xh, y = mus[j], vrs[j], dens[j], xhats[j], ys[j]
        tag = Bi(f"特征 {j + 1}：", f"Feature {j + 1}: ") if feats > 1 else Bi("", "")
        devs = [x - mu for x in row]
        steps += [
            Step(title=_tagged(tag, "小批量均值", "mini-batch mean"), part="mean",
                 formula="mu_B = 1/m sum_(i=1)^m x_i", work="(" + " + ".join(p(x) for x in row) + f")/{m}",
                 result=f"mu_B {eq(mu)} {num(mu)}"),
            Step(title=_tagged(tag, "小批量方差（有偏估计，除以 m）", "mini-batch variance (biased: divide by m)"),
                 part="var", formula="sigma_B^2 = 1/m sum_(i=1)^m (x_i - mu_B)^2",
                 work="(" + " + ".join(f"{p(d)}^2" for d in devs) + f")/{m}", result=f"sigma_B^2 {eq(var)} {num(var)}"),
            Step(title=_tagged(tag, "规范化：减均值、除以标准差", "normalize: subtract the mean, divide by the standard deviation"),
                 part="xhat" if feats == 1 else "",
                 formula="hat(x)_i = (x_i - mu_B)/sqrt(sigma_B^2 + epsilon)",
                 work=f"sqrt({num(var)} + {eps_t}) {eq(den)} {num(den)}; quad {tup(devs)}/{num(den)}",
                 result=f"hat(x) {eq(xh)} {tup(xh)}"),
            Step(title=_tagged(tag, "缩放与平移（可学习参数 γ、β）", "scale and shift (learned γ and β)"), part="y",
                 formula="y_i = gamma hat(x)_i + beta",
                 work=f"{num(gamma[j])} dot {tup(xh)} + {p(beta[j])}", result=f"y {eq(y)} {tup(y)}"),
        ]
    return Solution(parts, steps)


# ---------------------------------------------------------------- regularization
def _sign(x: float) -> int:
    return 1 if x > 0 else (-1 if x < 0 else 0)


def reg_penalty(params: dict[str, Any]) -> tuple[float, list[float]]:
    """The penalty R(w) and its (sub)gradient."""
    w, kind = params["w"], params["penalty"]
    half = params.get("l2_form", "half") == "half"
    r, g = 0.0, [0.0] * len(w)
    if kind in ("l1", "elastic"):
        l1 = params["lam1"]
        r += l1 * sum(abs(v) for v in w)
        g = [gi + l1 * _sign(v) for gi, v in zip(g, w)]
    if kind in ("l2", "elastic"):
        l2 = params["lam2"]
        c = 0.5 if half else 1.0
        r += c * l2 * sum(v * v for v in w)
        g = [gi + 2 * c * l2 * v for gi, v in zip(g, w)]
    return r, g


def regularization(params: dict[str, Any], steps_wanted: bool = True) -> Solution:
    w, kind, ask = params["w"], params["penalty"], params["ask"]
    half = params.get("l2_form", "half") == "half"
    n = len(w)
    r, grad = reg_penalty(params)
    if ask == "penalty":
        parts = [Part("penalty", Bi("正则项的值 R(w)", "Penalty R(w)"), NumberSpec(decimals=4), round_answer(r)),
                 Part("grad", Bi("正则项的梯度 ∇R", "Gradient of the penalty ∇R"), VectorSpec(n, decimals=4),
                      _ans(grad))]
    elif ask == "decay":
        g, lr, lam = params["grad"], params["lr"], params["lam2"]
        factor = 1 - lr * lam if half else 1 - 2 * lr * lam
        new_w = [factor * v - lr * gi for v, gi in zip(w, g)]
        parts = [Part("factor", Bi("衰减因子", "Decay factor"), NumberSpec(decimals=4), round_answer(factor)),
                 Part("w_new", Bi("更新后的权重", "Updated weights"), VectorSpec(n, decimals=4), _ans(new_w))]
    else:
        g, lr = params["grad"], params["lr"]
        total = [gi + ri for gi, ri in zip(g, grad)]
        new_w = [v - lr * t for v, t in zip(w, total)]
        parts = [Part("total_grad", Bi("总梯度 ∇J", "Total gradient ∇J"), VectorSpec(n, decimals=4), _ans(total)),
                 Part("w_new", Bi("更新后的权重", "Updated weights"), VectorSpec(n, decimals=4), _ans(new_w))]
    steps: list[Step] = []
    if not steps_wanted:
        return Solution(parts, steps)
    pieces_f, pieces_w, grad_f, grad_w = [], [], [], []
    if kind in ("l1", "elastic"):
        l1 = params["lam1"]
        pieces_f.append("lambda_1 sum_i abs(w_i)")
        pieces_w.append(f"{num(l1)} dot (" + " + ".join(f"abs({num(v)})" for v in w) + ")")
        grad_f.append("lambda_1 \"sign\"(w_i)")
        grad_w.append(f"{num(l1)} dot {tup([_sign(v) for v in w])}")
    if kind in ("l2", "elastic"):
        l2 = params["lam2"]
        pieces_f.append("lambda_2/2 sum_i w_i^2" if half else "lambda_2 sum_i w_i^2")
        coef = f"{num(l2)}/2" if half else num(l2)
        pieces_w.append(f"{coef} dot (" + " + ".join(f"{p(v)}^2" for v in w) + ")")
        grad_f.append("lambda_2 w_i" if half else "2 lambda_2 w_i")
        grad_w.append((f"{num(l2)} dot " if half else f"2 dot {num(l2)} dot ") + tup(w))
    name = {"l1": Bi("L1 正则项", "L1 penalty"), "l2": Bi("L2 正则项", "L2 penalty"),
            "elastic": Bi("弹性网络正则项（L1 + L2）", "Elastic-net penalty (L1 + L2)")}[kind]
    if ask == "penalty":
        detail = []
        if kind in ("l1", "elastic"):
            detail.append(f"sum_i abs(w_i) = {num(sum(abs(v) for v in w))}")
        if kind in ("l2", "elastic"):
            detail.append(f"sum_i w_i^2 = {num(sum(v * v for v in w))}")
        steps.append(Step(title=name, part="penalty", formula="R(w) = " + " + ".join(pieces_f),
                          work="; ".join(detail) + "; quad " + " + ".join(pieces_w), result=f"R(w) {eq(r)} {num(r)}"))
    if ask != "decay":
        steps.append(Step(
            title=Bi("正则项对每个权重的梯度（L1 取符号函数作为次梯度）",
                     "Gradient of the penalty for each weight (L1 uses the sign as its subgradient)")
            if kind != "l2" else Bi("正则项对每个权重的梯度", "Gradient of the penalty for each weight"),
            part="grad" if ask == "penalty" else "",
            formula="(partial R)/(partial w_i) = " + " + ".join(grad_f), work=" + ".join(grad_w),
            result=f"nabla R {eq(grad)} {tup(grad)}"))
    if ask == "penalty":
        return Solution(parts, steps)
    if ask == "decay":
        lam = params["lam2"]
        two = "" if half else "2 "
        steps.append(Step(
            title=Bi("L2 正则项的梯度是 " + ("λ₂w" if half else "2λ₂w") + "，代入梯度下降后合并 w 的同类项",
                     "The L2 gradient is " + ("λ₂w" if half else "2λ₂w") + "; substitute it into gradient descent "
                     "and collect the terms in w"), part="factor",
            formula=f"w - eta (g + {two}lambda_2 w) = (1 - {two}eta lambda_2) w - eta g",
            work=f"1 - {num(lr)} dot {num(lam)}" if half else f"1 - 2 dot {num(lr)} dot {num(lam)}",
            result=f"c {eq(factor)} {num(factor)}",
            note=Bi("每一步都先把权重按比例缩小一点，所以 L2 正则又叫“权重衰减”。",
                    "Every step first shrinks the weights a little, which is why L2 regularization is also "
                    "called weight decay.")))
        steps.append(Step(
            title=Bi("衰减后再减去数据损失的梯度步", "Decay, then take the data-loss gradient step"), part="w_new",
            formula="w\' = c dot w - eta g",
            work=f"{num(factor)} dot {tup(w)} - {num(lr)} dot {tup(g)}", result=f"w\' {eq(new_w)} {tup(new_w)}"))
        return Solution(parts, steps)
    steps.append(Step(
        title=Bi("总梯度 = 数据损失的梯度 + 正则项的梯度", "Total gradient = data-loss gradient + penalty gradient"),
        part="total_grad", formula="nabla J = g + nabla R", work=f"{tup(g)} + {tup(grad)}",
        result=f"nabla J {eq(total)} {tup(total)}"))
    steps.append(Step(
        title=Bi("沿负梯度方向更新一步", "One step against the gradient"), part="w_new",
        formula="w\' = w - eta nabla J", work=f"{tup(w)} - {num(lr)} dot {tup(total)}",
        result=f"w\' {eq(new_w)} {tup(new_w)}"))
    return Solution(parts, steps)


# ---------------------------------------------------------------- optimizer-step
def _comp(fmt: Any, *cols: list[float]) -> str:
    """Per-component work joined by `;`: `_comp(lambda a, b: f"{a} + {b}", xs, ys)`."""
    return "; ".join(fmt(*vals) for vals in zip(*cols))


def optimizer_trace(params: dict[str, Any]) -> list[dict[str, list[float]]]:
    """The state after each step: keys w and the optimizer's state variables."""
    opt, lr, eps = params["optimizer"], params["lr"], params.get("eps", 1e-8)
    w = list(params["w0"])
    dim = len(w)
    state = list(params.get("state0") or [0.0] * dim)
    m = [0.0] * dim
    out = []
    for t, g in enumerate(params["grads"], start=1):
        if opt == "momentum":
            beta = params["beta"]
            if params["momentum_form"] == "add-grad":
                state = [beta * v + gi for v, gi in zip(state, g)]
                w = [wi - lr * v for wi, v in zip(w, state)]
            else:
                state = [beta * v - lr * gi for v, gi in zip(state, g)]
                w = [wi + v for wi, v in zip(w, state)]
            out.append({"v": state, "w": w})
        elif opt == "rmsprop":
            rho = params["rho"]
            state = [rho * s + (1 - rho) * gi * gi for s, gi in zip(state, g)]
            w = [wi - lr * gi / (math.sqrt(s) + eps) for wi, gi, s in zip(w, g, state)]
            out.append({"s": state, "w": w})
        else:
            b1, b2 = params["beta1"], params["beta2"]
            m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
            state = [b2 * v + (1 - b2) * gi * gi for v, gi in zip(state, g)]
            mh = [mi / (1 - b1 ** t) for mi in m]
            vh = [v / (1 - b2 ** t) for v in state]
            w = [wi - lr * a / (math.sqrt(b) + eps) for wi, a, b in zip(w, mh, vh)]
            out.append({"m": m, "v": state, "m_hat": mh, "v_hat": vh, "w": w})
    return out


OPT_NAMES = {"momentum": Bi("动量梯度下降", "SGD with momentum"), "rmsprop": Bi("RMSProp", "RMSProp"),
             "adam": Bi("Adam", "Adam")}


def optimizer_step(params: dict[str, Any], steps_wanted: bool = True) -> Solution:
    opt, lr, eps = params["optimizer"], params["lr"], params.get("eps", 1e-8)
    w_prev = list(params["w0"])
    dim = len(w_prev)
    trace = optimizer_trace(params)
    n_steps = len(trace)
    final = trace[-1]
    parts: list[Part] = []
    if opt == "momentum":
        parts.append(Part("v", Bi(f"第 {n_steps} 步后的速度 v", f"Velocity v after step {n_steps}"), _spec(dim, 4),
                          _one(final["v"])))
    elif opt == "rmsprop":
        parts.append(Part("s", Bi(f"第 {n_steps} 步后的 s", f"s after step {n_steps}"), _spec(dim, 6),
                          _one(final["s"])))
    else:
        parts.append(Part("m_hat", Bi(f"第 {n_steps} 步的修正一阶矩 m̂", f"Bias-corrected m̂ at step {n_steps}"),
                          _spec(dim, 4), _one(final["m_hat"])))
        parts.append(Part("v_hat", Bi(f"第 {n_steps} 步的修正二阶矩 v̂", f"Bias-corrected v̂ at step {n_steps}"),
                          _spec(dim, 4), _one(final["v_hat"])))
    for t, st in enumerate(trace, start=1):
        parts.append(Part(f"w{t}", Bi(f"第 {t} 步后的参数 w", f"Parameters w after step {t}"), _spec(dim, 4),
                          _one(st["w"])))
    steps: list[Step] = []
    if not steps_wanted:
        return Solution(parts, steps)
    prev_state = list(params.get("state0") or [0.0] * dim)
    prev_m = [0.0] * dim
    eta = num(lr)
    eps_t = sci(eps)
    for t, (g, st) in enumerate(zip(params["grads"], trace), start=1):
        last = t == n_steps
        head = Bi(f"第 {t} 步：", f"Step {t}: ")
        if opt == "momentum":
            beta = num(params["beta"])
            if params["momentum_form"] == "add-grad":
                steps.append(Step(
                    title=head + Bi("更新动量（速度）", "update the velocity"), part="v" if last else "",
                    formula="v_t = beta v_(t-1) + g_t",
                    work=_comp(lambda v, gi: f"{beta} dot {p(v)} + {p(gi)}", prev_state, g),
                    result=f"v_{t} {eq(st['v'])} {tup(st['v'])}"))
                steps.append(Step(
                    title=head + Bi("沿速度方向更新参数", "move the parameters along the velocity"), part=f"w{t}",
                    formula="w_t = w_(t-1) - eta v_t",
                    work=_comp(lambda wi, v: f"{num(wi)} - {eta} dot {p(v)}", w_prev, st["v"]),
                    result=f"w_{t} {eq(st['w'])} {tup(st['w'])}"))
            else:
                steps.append(Step(
                    title=head + Bi("更新动量（速度）", "update the velocity"), part="v" if last else "",
                    formula="v_t = beta v_(t-1) - eta g_t",
                    work=_comp(lambda v, gi: f"{beta} dot {p(v)} - {eta} dot {p(gi)}", prev_state, g),
                    result=f"v_{t} {eq(st['v'])} {tup(st['v'])}"))
                steps.append(Step(
                    title=head + Bi("参数加上速度", "add the velocity to the parameters"), part=f"w{t}",
                    formula="w_t = w_(t-1) + v_t",
                    work=_comp(lambda wi, v: f"{num(wi)} + {p(v)}", w_prev, st["v"]),
                    result=f"w_{t} {eq(st['w'])} {tup(st['w'])}"))
            prev_state = st["v"]
        elif opt == "rmsprop":
            rho = params["rho"]
            steps.append(Step(
                title=head + Bi("更新梯度平方的滑动平均", "update the moving average of squared gradients"),
                part="s" if last else "", formula="s_t = rho s_(t-1) + (1 - rho) g_t^2",
                work=_comp(lambda s, gi: f"{num(rho)} dot {p(s)} + {num(1 - rho)} dot {p(gi)}^2", prev_state, g),
                result=f"s_{t} approx {tup(st['s'])}"))
            steps.append(Step(
                title=head + Bi("按 √s 自适应地缩放步长", "scale the step by √s"), part=f"w{t}",
                formula="w_t = w_(t-1) - eta g_t/(sqrt(s_t) + epsilon)",
                work=_comp(lambda wi, gi, s: f"{num(wi)} - {eta} dot {p(gi)}/(sqrt({num(s, 6)}) + {eps_t})",
                           w_prev, g, st["s"]),
                result=f"w_{t} approx {tup(st['w'])}"))
            prev_state = st["s"]
        else:
            b1, b2 = params["beta1"], params["beta2"]
            steps.append(Step(
                title=head + Bi("一阶矩（梯度的滑动平均）与二阶矩（梯度平方的滑动平均）",
                                "first moment (average gradient) and second moment (average squared gradient)"),
                formula="m_t = beta_1 m_(t-1) + (1 - beta_1) g_t, quad v_t = beta_2 v_(t-1) + (1 - beta_2) g_t^2",
                work=_comp(lambda mi, gi: f"{num(b1)} dot {p(mi)} + {num(1 - b1)} dot {p(gi)}", prev_m, g) + "; quad "
                + _comp(lambda v, gi: f"{num(b2)} dot {p(v, 6)} + {num(1 - b2)} dot {p(gi)}^2", prev_state, g),
                result=f"m_{t} approx {tup(st['m'], 6)}, quad v_{t} approx {tup(st['v'], 6)}"))
            steps.append(Step(
                title=head + Bi("一阶矩的偏差修正（抵消 m 从 0 开始带来的偏小）",
                                "bias-correct the first moment (m starts at 0 and is biased toward 0)"),
                part="m_hat" if last else "", formula="hat(m)_t = m_t/(1 - beta_1^t)",
                work=_comp(lambda mi: f"{num(mi, 6)}/(1 - {num(b1)}^{t})", st["m"]),
                result=f"hat(m)_{t} approx {tup(st['m_hat'])}"))
            steps.append(Step(
                title=head + Bi("二阶矩的偏差修正", "bias-correct the second moment"),
                part="v_hat" if last else "", formula="hat(v)_t = v_t/(1 - beta_2^t)",
                work=_comp(lambda v: f"{num(v, 6)}/(1 - {num(b2)}^{t})", st["v"]),
                result=f"hat(v)_{t} approx {tup(st['v_hat'], 6)}"))
            steps.append(Step(
                title=head + Bi("更新参数", "update the parameters"), part=f"w{t}",
                formula="w_t = w_(t-1) - eta hat(m)_t/(sqrt(hat(v)_t) + epsilon)",
                work=_comp(lambda wi, a, b: f"{num(wi)} - {eta} dot {p(a)}/(sqrt({num(b, 6)}) + {eps_t})",
                           w_prev, st["m_hat"], st["v_hat"]),
                result=f"w_{t} approx {tup(st['w'])}"))
            prev_state, prev_m = st["v"], st["m"]
        w_prev = st["w"]
    return Solution(parts, steps)


# ---------------------------------------------------------------- init-scale
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
                 NumberSpec(decimals=4), round_answer(xs)),
            Part("he", Bi(f"He 的 {'边界 a' if uniform else '标准差 σ'}",
                          f"He {'bound a' if uniform else 'standard deviation σ'}"),
                 NumberSpec(decimals=4), round_answer(hs)),
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
             NumberSpec(decimals=4), round_answer(scale)),
        Part("variance", Bi("权重的方差", "Variance of the weights"), NumberSpec(decimals=6), round_answer(var)),
    ]
    return Solution(parts, steps)


# ---------------------------------------------------------------- cross-entropy
def softmax(z: list[float]) -> list[float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    s = sum(e)
    return [v / s for v in e]


def _pix(i: int, cols: int) -> str:
    return f"({i // cols + 1},{i % cols + 1})"


def cross_entropy(params: dict[str, Any], steps_wanted: bool = True) -> Solution:
    ask = params["ask"]
    if ask == "softmax":
        z, y = params["logits"], params["target"]
        probs = softmax(z)
        exps = [math.exp(v) for v in z]
        loss = -math.log(probs[y])
        c = len(z)
        parts = [Part("probs", Bi("softmax 概率", "Softmax probabilities"), VectorSpec(c, decimals=4), _ans(probs)),
                 Part("loss", Bi("交叉熵损失", "Cross-entropy loss"), NumberSpec(decimals=4), round_answer(loss))]
        if not steps_wanted:
            return Solution(parts, [])
        steps = [
            Step(title=Bi("softmax：对每个 logit 取指数再归一化", "Softmax: exponentiate each logit and normalize"),
                 part="probs", formula="p_k = e^(z_k)/(sum_j e^(z_j))",
                 work="; ".join(f"e^({num(v)}) approx {num(e)}" for v, e in zip(z, exps))
                 + f"; quad sum_j e^(z_j) approx {num(sum(exps))}",
                 result=f"p approx {tup(probs)}"),
            Step(title=Bi(f"交叉熵只取真实类别（类别 {y}）的概率，用自然对数",
                          f"Cross-entropy keeps only the probability of the true class (class {y}); natural log"),
                 part="loss", formula="L = -ln p_y = -z_y + ln sum_j e^(z_j)",
                 work=f"-ln {num(probs[y])} = -{p(z[y])} + ln {num(sum(exps))}", result=f"L approx {num(loss)}"),
        ]
        return Solution(parts, steps)
    rows, cols = params["shape"]
    if ask == "focal":
        probs, labels, gamma = params["probs_fg"], params["labels"], params["gamma"]
        alpha = params.get("alpha")
        pts = [pv if y == 1 else 1 - pv for pv, y in zip(probs, labels)]
        ats = [1.0 if alpha is None else (alpha if y == 1 else 1 - alpha) for y in labels]
        ces = [-math.log(pt) for pt in pts]
        fls = [a * (1 - pt) ** gamma * ce for a, pt, ce in zip(ats, pts, ces)]
        n = len(pts)
        parts = [
            Part("ce", Bi("平均交叉熵", "Mean cross-entropy"), NumberSpec(decimals=4), round_answer(sum(ces) / n)),
            Part("fl", Bi("每个像素的 focal loss", "Focal loss of each pixel"), VectorSpec(n, decimals=4), _ans(fls)),
            Part("mean", Bi("平均 focal loss", "Mean focal loss"), NumberSpec(decimals=4), round_answer(sum(fls) / n)),
        ]
        if not steps_wanted:
            return Solution(parts, [])
        g = num(gamma)
        steps = [
            Step(title=Bi("每个像素预测为其真实类别的概率 p_t（前景 y = 1 时 p_t = p，背景时 p_t = 1 − p）",
                          "Probability p_t of each pixel's true class (p_t = p for foreground y = 1, 1 − p for "
                          "background)"),
                 formula="p_t = cases(p quad y = 1, 1 - p quad y = 0)",
                 work="; ".join(num(pv) if y == 1 else f"1 - {num(pv)}" for pv, y in zip(probs, labels)),
                 result=f"p_t = {tup(pts)}"),
        ]
        if alpha is not None:
            steps.append(Step(title=Bi("类别平衡权重 α_t（前景 α，背景 1 − α）",
                                       "Class-balance weight α_t (α for foreground, 1 − α for background)"),
                              formula="alpha_t = cases(alpha quad y = 1, 1 - alpha quad y = 0)",
                              result=f"alpha_t = {tup(ats)}"))
        fl_formula = ("\"FL\" = -alpha_t (1 - p_t)^gamma ln p_t" if alpha is not None
                      else "\"FL\" = -(1 - p_t)^gamma ln p_t")
        steps += [
            Step(title=Bi("普通交叉熵（自然对数）", "Plain cross-entropy (natural log)"), part="ce",
                 formula="\"CE\" = -ln p_t", work="; ".join(f"-ln {num(pt)}" for pt in pts),
                 result=f"\"CE\" approx {tup(ces)}, quad \"mean\" approx {num(sum(ces) / n)}"),
            Step(title=Bi(f"Focal loss：用 (1 − p_t)^γ(γ = {g})降低易分样本的权重",
                          f"Focal loss: (1 − p_t)^γ (γ = {g}) down-weights easy pixels"), part="fl",
                 formula=fl_formula,
                 work="; ".join((f"{num(a)} dot " if alpha is not None else "") + f"(1 - {num(pt)})^{g} dot {num(ce)}"
                                for a, pt, ce in zip(ats, pts, ces)),
                 result=f"\"FL\" approx {tup(fls)}"),
            Step(title=Bi("对全部像素求平均", "Average over all pixels"), part="mean",
                 formula="1/N sum_i \"FL\"_i", work="(" + " + ".join(num(v) for v in fls) + f")/{n}",
                 result=f"\"FL\"_\"mean\" approx {num(sum(fls) / n)}",
                 note=Bi("p_t 越接近 1（越容易分对），(1 − p_t)^γ 越小，难分样本在损失中占主导。",
                         "The closer p_t is to 1 (an easy pixel), the smaller (1 − p_t)^γ, so hard pixels dominate.")),
        ]
        return Solution(parts, steps)
    probs, labels = params["probs"], params["labels"]
    n = len(labels)
    pys = [probs[i][labels[i]] for i in range(n)]
    losses = [-math.log(v) for v in pys]
    grid = [losses[r * cols:(r + 1) * cols] for r in range(rows)]
    parts = [Part("losses", Bi("每个像素的交叉熵", "Cross-entropy of each pixel"),
                  MatrixSpec(rows, cols, decimals=4), [_ans(r) for r in grid])]
    if ask == "pixel":
        mean = sum(losses) / n
        parts.append(Part("mean", Bi("平均交叉熵", "Mean cross-entropy"), NumberSpec(decimals=4), round_answer(mean)))
    else:
        cw = params["class_weights"]
        ws = [cw[y] for y in labels]
        by_weights = params["weight_norm"] == "weights"
        mean = sum(w * v for w, v in zip(ws, losses)) / (sum(ws) if by_weights else n)
        parts.append(Part("mean", Bi("类别加权的交叉熵", "Class-weighted cross-entropy"), NumberSpec(decimals=4),
                          round_answer(mean)))
    if not steps_wanted:
        return Solution(parts, [])
    steps = [
        Step(title=Bi("逐像素取真实类别的预测概率", "Each pixel's predicted probability of its true class"),
             formula="p_(i, y_i)", work="; ".join(f"{_pix(i, cols)}: y = {labels[i]}, p = {num(pys[i])}"
                                                  for i in range(n)),
             result=tup(pys)),
        Step(title=Bi("逐像素交叉熵（自然对数）", "Pixel-wise cross-entropy (natural log)"), part="losses",
             formula="L_i = -ln p_(i, y_i)", work="; ".join(f"-ln {num(v)}" for v in pys),
             result="L approx " + ("mat(" + "; ".join(", ".join(num(v) for v in r) for r in grid) + ")")),
    ]
    if ask == "pixel":
        steps.append(Step(title=Bi("对全部像素求平均", "Average over all pixels"), part="mean",
                          formula="L = 1/N sum_i L_i", work="(" + " + ".join(num(v) for v in losses) + f")/{n}",
                          result=f"L approx {num(mean)}"))
        return Solution(parts, steps)
    steps.append(Step(title=Bi("每个像素按其真实类别取权重", "Each pixel takes the weight of its true class"),
                      formula="w_(y_i)", result=tup(ws)))
    steps.append(Step(
        title=Bi("加权平均（除以权重之和）" if by_weights else "加权求和后除以像素数 N",
                 "Weighted mean (divide by the sum of the weights)" if by_weights
                 else "Weighted sum divided by the number of pixels N"), part="mean",
        formula=("L = (sum_i w_(y_i) L_i)/(sum_i w_(y_i))" if by_weights else "L = 1/N sum_i w_(y_i) L_i"),
        work="(" + " + ".join(f"{num(w)} dot {num(v)}" for w, v in zip(ws, losses)) + ")/"
        + (f"({' + '.join(num(w) for w in ws)})" if by_weights else str(n)),
        result=f"L approx {num(mean)}",
        note=Bi("权重大的类别（通常是像素少的类别）的错误在损失中占得更多，从而缓解类别不均衡。",
                "Mistakes on a heavily weighted class (usually a rare one) count for more, which counters class "
                "imbalance.")))
    return Solution(parts, steps)
