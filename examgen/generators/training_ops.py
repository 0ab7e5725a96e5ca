"""Generators for the building blocks of training: activation functions and dropout (chapter 1), batch
normalization, regularization, optimizers and initialization (chapter 5), and cross-entropy losses for
segmentation (chapter 7)."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.generators._common import grid, pick, table
from examgen.i18n import Bi
from examgen.mathfmt import num
from examgen.model import Prompt
from examgen.params import Param, Schema
from examgen.registry import Kind, register
from examgen.solver import training_ops as solver
from examgen.solver.training_ops import sci, tup


def _tenths(rng: random.Random, lo: int, hi: int, nonzero: bool = False) -> float:
    """A number with one decimal in [lo/10, hi/10]."""
    while True:
        k = rng.randint(lo, hi)
        if k or not nonzero:
            return k / 10


def _flat(value: Any) -> list[float]:
    if isinstance(value, list):
        return [x for v in value for x in _flat(v)]
    return [value]


def has_tie(sol: Any) -> bool:
    """True when an answer sits (within float noise) exactly half-way between two roundings to the decimals asked
    for, e.g. 0.125 to 2 decimals: both roundings would be defensible, so such problems are not generated."""
    for part in sol.parts:
        d = getattr(part.spec, "decimals", None)
        if d is None or getattr(part.spec, "integer", False):
            continue
        for v in _flat(part.answer):
            x = abs(float(v)) * 10 ** d
            if abs(x - math.floor(x) - 0.5) < 1e-4:
                return True
    return False


def _tie_free(sample: Any, solve: Any) -> Any:
    """Wrap a sampler so that it draws again while the answer key has a rounding tie (`solve` may skip the
    worked steps: only the answers are looked at)."""
    def wrapped(rng: random.Random) -> dict[str, Any]:
        while True:
            params = sample(rng)
            if not has_tie(solve(params)):
                return params
    wrapped.__name__ = sample.__name__
    wrapped.__doc__ = sample.__doc__
    return wrapped


def _m(x: float) -> str:
    """A number inside inline math."""
    return num(x)


# ================================================================ activation
def _check_activation(params: dict[str, Any]) -> None:
    fn, ask, xs = params["function"], params["ask"], params["inputs"]
    if ask == "chain" and fn != "sigmoid":
        raise ParamError("the chain (vanishing-gradient) variant is about sigmoid: use function=sigmoid")
    if fn == "leaky_relu" and "slope" not in params:
        raise ParamError("leaky_relu needs the negative slope: slope=0.01")
    if fn != "leaky_relu" and "slope" in params:
        raise ParamError("slope only applies to leaky_relu")
    if fn in ("relu", "leaky_relu") and any(x == 0 for x in xs):
        raise ParamError("ReLU is not differentiable at 0: give non-zero inputs")
    if len(xs) > 8:
        raise ParamError("give at most 8 inputs")


ACT_SCHEMA = Schema({
    "function": Param("str", "activation function", choices=("sigmoid", "tanh", "relu", "leaky_relu")),
    "ask": Param("str", "values = f(x) and f'(x) at the inputs; chain = sigmoid-derivative product over layers",
                 choices=("values", "chain")),
    "inputs": Param("floats", "inputs x (values) or the pre-activations z_l of the layers (chain)", min=-50, max=50),
    "slope": Param("float", "negative slope α of leaky_relu", min=0.001, max=0.999, optional=True),
}, check=_check_activation)

_ACT_DEF = {
    "sigmoid": Bi("sigmoid 函数 $sigma(x) = 1/(1 + e^(-x))$", "the sigmoid $sigma(x) = 1/(1 + e^(-x))$"),
    "tanh": Bi("双曲正切函数 $tanh(x) = (e^x - e^(-x))/(e^x + e^(-x))$",
               "the hyperbolic tangent $tanh(x) = (e^x - e^(-x))/(e^x + e^(-x))$"),
    "relu": Bi("ReLU 函数 $f(x) = max(0, x)$", "ReLU, $f(x) = max(0, x)$"),
}


def sample_activation(rng: random.Random) -> dict[str, Any]:
    fn = pick(rng, ["sigmoid", "sigmoid", "tanh", "tanh", "relu", "leaky_relu", "chain", "chain"])
    if fn == "chain":
        n = rng.randint(2, 4)
        return {"function": "sigmoid", "ask": "chain", "inputs": [_tenths(rng, -20, 20) for _ in range(n)]}
    n = rng.randint(2, 4)
    if fn in ("sigmoid", "tanh"):
        lim = 30 if fn == "sigmoid" else 20
        xs = [k / 10 for k in rng.sample(range(-lim, lim + 1), n)]
        return {"function": fn, "ask": "values", "inputs": xs}
    while True:
        xs = [k / 10 for k in rng.sample([k for k in range(-30, 31) if k], n)]
        if any(x > 0 for x in xs) and any(x < 0 for x in xs):
            break
    params: dict[str, Any] = {"function": fn, "ask": "values", "inputs": xs}
    if fn == "leaky_relu":
        params["slope"] = pick(rng, [0.01, 0.02, 0.05, 0.1, 0.1, 0.2, 0.3])
    return params


def prompt_activation(params: dict[str, Any]) -> Prompt:
    xs = params["inputs"]
    if params["ask"] == "chain":
        n = len(xs)
        zs = ", ".join(f"z_{i + 1} = {_m(z)}" for i, z in enumerate(xs))
        zh = (f"一个 {n} 层的全连接网络，每层的激活函数都是 sigmoid $sigma(z) = 1/(1 + e^(-z))$。反向传播时，梯度每经过一层"
              f"都要乘以该层的导数 $sigma'(z_l)$（为突出激活函数的影响，设各层权重均为 1）。"
              f"(1) 利用 $sigma'(z)$ 的最大值，求 {n} 层导数连乘积 $product_(l=1)^{n} sigma'(z_l)$ 的上界；"
              f"(2) 若各层的预激活值依次为 ${zs}$，求实际的连乘积。"
              f"（结果保留 6 位小数，也可以写成科学计数法，如 1.23e-4。）")
        en = (f"A {n}-layer fully connected network uses the sigmoid $sigma(z) = 1/(1 + e^(-z))$ in every layer. "
              f"During back-propagation the gradient is multiplied by each layer's derivative $sigma'(z_l)$ "
              f"(take every weight as 1 to isolate the activation). (1) Using the largest value of $sigma'(z)$, "
              f"give an upper bound on the product $product_(l=1)^{n} sigma'(z_l)$ over the {n} layers. "
              f"(2) If the pre-activations are ${zs}$, compute the actual product. "
              f"(6 decimals, or scientific notation such as 1.23e-4.)")
        return Prompt(Bi(zh, en))
    fn = params["function"]
    xv = tup(xs)
    if fn == "leaky_relu":
        a = _m(params["slope"])
        d = Bi(f"Leaky ReLU 函数（负区间斜率 $alpha = {a}$）：$x > 0$ 时 $f(x) = x$，$x <= 0$ 时 $f(x) = alpha x$",
               f"Leaky ReLU with negative slope $alpha = {a}$: $f(x) = x$ for $x > 0$ and $f(x) = alpha x$ for "
               f"$x <= 0$")
    else:
        d = _ACT_DEF[fn]
    zero_zh = "（输入都不为 0，不必考虑不可导点。）" if fn in ("relu", "leaky_relu") else ""
    zero_en = " (No input is 0, so the kink does not matter.)" if fn in ("relu", "leaky_relu") else ""
    sp = " " if d.zh[0].isascii() else ""
    zh = (f"激活函数取{sp}{d.zh}。对输入 $x = {xv}$ 逐个计算函数值 $f(x)$ 与导数 $f'(x)$，"
          f"按输入的顺序写出（保留四位小数）。{zero_zh}")
    en = (f"The activation function is {d.en}. For the inputs $x = {xv}$, compute the values $f(x)$ and the "
          f"derivatives $f'(x)$, in the order of the inputs (4 decimals).{zero_en}")
    return Prompt(Bi(zh, en))


register(Kind(
    name="activation", chapter="cnn", section="calculation", points=6,
    title=Bi("激活函数及其导数", "Activation functions and their derivatives"),
    summary=Bi("sigmoid / tanh / ReLU / Leaky ReLU 的函数值与导数；sigmoid 导数连乘与梯度消失",
               "Values and derivatives of sigmoid, tanh, ReLU, leaky ReLU; products of sigmoid derivatives and "
               "vanishing gradients"),
    conventions=Bi("σ'(x) = σ(x)(1 − σ(x)) ≤ 0.25；tanh'(x) = 1 − tanh²(x)；ReLU 类函数的输入不为 0；"
                   "函数值与导数保留四位小数，连乘积保留 6 位小数",
                   "σ'(x) = σ(x)(1 − σ(x)) ≤ 0.25; tanh'(x) = 1 − tanh²(x); no zero inputs for ReLU-type "
                   "functions; values and derivatives to 4 decimals, products to 6 decimals"),
    variants=("sigmoid", "tanh", "ReLU", "leaky ReLU", "vanishing-gradient product over n layers"),
    sample=_tie_free(sample_activation, solver.activation), prompt=prompt_activation, solve=solver.activation,
    schema=ACT_SCHEMA,
    example={"function": "sigmoid", "ask": "values", "inputs": [-1.0, 0.0, 2.0]},
))


# ================================================================ dropout
_PS = [0.2, 0.25, 0.4, 0.5, 0.5, 0.5, 0.6, 0.75, 0.8]


def _check_dropout(params: dict[str, Any]) -> None:
    ask = params["ask"]
    if ask == "expected":
        for key in ("units", "value"):
            if key not in params:
                raise ParamError(f"ask=expected needs '{key}'")
        for key in ("x", "mask"):
            if key in params:
                raise ParamError(f"ask=expected does not use '{key}'")
        return
    for key in ("x", "mask"):
        if key not in params:
            raise ParamError(f"ask={ask} needs '{key}'")
    for key in ("units", "value"):
        if key in params:
            raise ParamError(f"ask={ask} does not use '{key}'")
    if len(params["x"]) != len(params["mask"]):
        raise ParamError("x and mask must have the same length")


DROPOUT_SCHEMA = Schema({
    "ask": Param("str", "mask = kept units and training output; train-test = training and test outputs; "
                 "expected = expected kept units and one unit's outputs", choices=("mask", "train-test", "expected")),
    "convention": Param("str", "inverted (divide by 1 − p in training) or classic (multiply by 1 − p at test)",
                        choices=("inverted", "classic")),
    "p": Param("float", "drop probability p", min=0.01, max=0.99),
    "keep_stated": Param("bool", "the prompt states the keep probability q = 1 − p instead of p", optional=True),
    "x": Param("floats", "the layer's activations before dropout", optional=True),
    "mask": Param("ints", "dropout mask, 1 = kept, 0 = dropped", min=0, max=1, optional=True),
    "units": Param("int", "number of units in the layer (ask=expected)", min=1, max=10**6, optional=True),
    "value": Param("float", "one unit's activation before dropout (ask=expected)", optional=True),
}, check=_check_dropout)


def sample_dropout(rng: random.Random) -> dict[str, Any]:
    ask = pick(rng, ["mask", "train-test", "train-test", "expected"])
    params: dict[str, Any] = {"ask": ask, "convention": pick(rng, ["inverted", "inverted", "classic"]),
                              "p": pick(rng, _PS)}
    if rng.random() < 0.3:
        params["keep_stated"] = True
    if ask == "expected":
        p = params["p"]
        if p in (0.25, 0.5, 0.75) and rng.random() < 0.3:
            params["units"] = pick(rng, [64, 128, 256, 512, 1024, 2048, 4096])
        else:
            params["units"] = 20 * rng.randint(1, 60)
        params["value"] = _tenths(rng, 1, 50)
        return params
    n = rng.randint(4, 7)
    while True:
        mask = [1 if rng.random() < 1 - params["p"] else 0 for _ in range(n)]
        if 0 < sum(mask) < n:
            break
    params["x"] = [_tenths(rng, 1, 30) for _ in range(n)]
    params["mask"] = mask
    return params


def prompt_dropout(params: dict[str, Any]) -> Prompt:
    p, ask = params["p"], params["ask"]
    inverted = params["convention"] == "inverted"
    if params.get("keep_stated"):
        prob = Bi(f"保留概率 $q = {_m(1 - p)}$（每个神经元以概率 $q$ 被保留，否则输出置 0）",
                  f"keep probability $q = {_m(1 - p)}$ (each unit is kept with probability $q$, otherwise its "
                  f"output is set to 0)")
    else:
        prob = Bi(f"丢弃概率 $p = {_m(p)}$（每个神经元以概率 $p$ 被置 0）",
                  f"drop probability $p = {_m(p)}$ (each unit's output is set to 0 with probability $p$)")
    if inverted:
        conv = Bi("采用 inverted dropout（训练时把保留下来的输出除以保留概率，测试时不做任何缩放）",
                  "inverted dropout (in training the kept outputs are divided by the keep probability; nothing is "
                  "scaled at test time)")
    else:
        conv = Bi("采用原始（经典）dropout（训练时不缩放，测试时不丢弃、把输出乘以保留概率）",
                  "classic dropout (no scaling in training; at test time nothing is dropped and the outputs are "
                  "multiplied by the keep probability)")
    if ask == "expected":
        n, a = params["units"], params["value"]
        zh = (f"某隐藏层有 {n} 个神经元，训练时使用随机失活（dropout），{prob.zh}，{conv.zh}。"
              f"(1) 一次前向传播平均保留多少个神经元？(2) 某神经元在 dropout 之前的输出为 ${_m(a)}$，"
              f"训练时若它被保留，输出是多少？(3) 测试时该神经元的输出是多少？（保留三位小数）")
        en = (f"A hidden layer has {n} units and uses dropout in training with {prob.en}, as {conv.en}. "
              f"(1) How many units are kept on average in one forward pass? (2) One unit's output before dropout "
              f"is ${_m(a)}$: what does it output in training when it is kept? (3) What does it output at test "
              f"time? (3 decimals)")
        return Prompt(Bi(zh, en))
    xs, mask = params["x"], params["mask"]
    given_zh = (f"某全连接层（激活之后）的输出为 $x = {tup(xs)}$。训练时对它使用随机失活（dropout），{prob.zh}，"
                f"{conv.zh}。")
    given_en = (f"A fully connected layer (after its activation) outputs $x = {tup(xs)}$. In training it uses dropout "
                f"with {prob.en}, as {conv.en}. ")
    mask_zh = f"本次前向传播生成的掩码为 $m = {tup(mask)}$（1 表示保留，0 表示丢弃）。"
    mask_en = f"The mask drawn for this forward pass is $m = {tup(mask)}$ (1 = kept, 0 = dropped). "
    if ask == "mask":
        zh = given_zh + mask_zh + "求：(1) 被保留的神经元个数；(2) 训练时该层的输出（保留三位小数）。"
        en = (given_en + mask_en + "Find (1) the number of kept units and (2) the layer's training-time output "
              "(3 decimals).")
    else:
        zh = given_zh + mask_zh + "求：(1) 这次训练前向传播时该层的输出；(2) 测试时同一输入下该层的输出（保留三位小数）。"
        en = (given_en + mask_en + "Find (1) the layer's output in this training forward pass and (2) its output "
              "for the same input at test time (3 decimals).")
    return Prompt(Bi(zh, en))


register(Kind(
    name="dropout", chapter="cnn", section="calculation", points=6,
    title=Bi("随机失活 dropout", "Dropout"),
    summary=Bi("掩码、inverted 与经典 dropout 的缩放、训练与测试的输出、保留个数的期望",
               "Masks, inverted vs classic scaling, training and test outputs, expected kept units"),
    conventions=Bi("p 为丢弃概率（或给出保留概率 q = 1 − p）；inverted：训练时除以 1 − p，测试时不变；"
                   "经典：训练时不缩放，测试时乘以 1 − p；掩码 1 = 保留；保留三位小数",
                   "p is the drop probability (or the keep probability q = 1 − p is given); inverted: divide by "
                   "1 − p in training, nothing at test; classic: no scaling in training, multiply by 1 − p at test; "
                   "mask 1 = kept; 3 decimals"),
    variants=("apply a mask", "training vs test output", "expected kept units", "inverted / classic",
              "drop or keep probability"),
    sample=sample_dropout, prompt=prompt_dropout, solve=solver.dropout, schema=DROPOUT_SCHEMA,
    example={"ask": "train-test", "convention": "inverted", "p": 0.5, "x": [1.2, 0.4, 2.0, 0.8],
             "mask": [1, 0, 1, 0]},
))


# ================================================================ batchnorm
_DEVS: dict[int, tuple[list[tuple[int, ...]], list[tuple[int, ...]]]] = {}


def _deviations(m: int) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]]:
    """Integer deviations (summing to 0) of m values whose mean square is a whole number: (all, perfect squares).
    Built once per m, on first use."""
    if m not in _DEVS:
        import itertools

        every, square = [], []
        for head in itertools.product(range(-5, 6), repeat=m - 1):
            last = -sum(head)
            if abs(last) > 6:
                continue
            devs = head + (last,)
            ss = sum(d * d for d in devs)
            if ss == 0 or ss % m:
                continue
            every.append(devs)
            r = math.isqrt(ss // m)
            if r * r == ss // m:
                square.append(devs)
        _DEVS[m] = (every, square)
    return _DEVS[m]


def _check_bn(params: dict[str, Any]) -> None:
    batch = params["batch"]
    feats, m = len(batch), len(batch[0])
    if feats > 4 or m > 8:
        raise ParamError("give at most 4 features (rows) and 8 samples (columns)")
    for key in ("gamma", "beta"):
        if len(params[key]) != feats:
            raise ParamError(f"{key} needs one value per feature (row of batch): {feats}")
    if params["ask"] == "inference":
        for key in ("running_mean", "running_var"):
            if key not in params or len(params[key]) != feats:
                raise ParamError(f"ask=inference needs {key} with one value per feature")
        if any(v < 0 for v in params["running_var"]) or any(v + params["eps"] <= 0 for v in params["running_var"]):
            raise ParamError("running_var + eps must be positive")
        return
    for key in ("running_mean", "running_var"):
        if key in params:
            raise ParamError(f"ask=train uses the batch statistics, not {key}")
    if m < 2:
        raise ParamError("a mini-batch needs at least 2 samples")
    for row in batch:
        if solver.bn_stats(row)[1] + params["eps"] <= 0:
            raise ParamError("a feature has zero variance and eps = 0: the normalization is undefined")


BN_SCHEMA = Schema({
    "ask": Param("str", "train = batch statistics; inference = running statistics", choices=("train", "inference")),
    "batch": Param("matrix", "one row per feature, one column per sample"),
    "gamma": Param("floats", "scale γ, one per feature"),
    "beta": Param("floats", "shift β, one per feature"),
    "eps": Param("float", "ε added to the variance", min=0, max=1),
    "running_mean": Param("floats", "running mean per feature (ask=inference)", optional=True),
    "running_var": Param("floats", "running variance per feature (ask=inference)", min=0, optional=True),
}, check=_check_bn)


def _bn_row(rng: random.Random, m: int) -> list[float]:
    every, square = _deviations(m)
    devs = list(pick(rng, square if square and rng.random() < 0.7 else every))
    rng.shuffle(devs)
    c = pick(rng, [1, 1, 1, 2, 0.5])
    if rng.random() < 0.3:
        mu = _tenths(rng, -20, 60)
    elif c == 0.5:
        mu = rng.randint(-6, 12) / 2
    else:
        mu = rng.randint(-5, 10)
    return [round(mu + c * d, 2) for d in devs]


def _gamma_beta(rng: random.Random, plain: bool) -> tuple[float, float]:
    if plain:
        return 1, 0
    return pick(rng, [0.5, 0.8, 1, 1.2, 1.5, 2, 2.5, 3]), pick(rng, [-1, -0.5, 0, 0.2, 0.5, 1, 1.5, 2])


def sample_batchnorm(rng: random.Random) -> dict[str, Any]:
    variant = pick(rng, ["one", "one", "two", "inference"])
    eps = pick(rng, [0, 0, 1e-5])
    plain = rng.random() < 0.15
    if variant == "inference":
        feats, m = pick(rng, [1, 1, 2]), rng.randint(2, 3)
        gb = [_gamma_beta(rng, plain) for _ in range(feats)]
        return {"ask": "inference",
                "batch": [[_tenths(rng, -20, 40) for _ in range(m)] for _ in range(feats)],
                "gamma": [g for g, _ in gb], "beta": [b for _, b in gb], "eps": pick(rng, [0, 1e-5, 1e-5]),
                "running_mean": [_tenths(rng, -10, 20) for _ in range(feats)],
                "running_var": [pick(rng, [0.25, 0.64, 0.81, 1, 1.44, 2.25, 4, 6.25]) for _ in range(feats)]}
    feats = 1 if variant == "one" else 2
    m = rng.randint(3, 5) if feats == 1 else rng.randint(3, 4)
    gb = [_gamma_beta(rng, plain) for _ in range(feats)]
    return {"ask": "train", "batch": [_bn_row(rng, m) for _ in range(feats)],
            "gamma": [g for g, _ in gb], "beta": [b for _, b in gb], "eps": eps}


def prompt_batchnorm(params: dict[str, Any]) -> Prompt:
    batch, gamma, beta, eps = params["batch"], params["gamma"], params["beta"], params["eps"]
    feats, m = len(batch), len(batch[0])
    eps_t = sci(eps)
    if feats == 1:
        gb = f"$gamma = {_m(gamma[0])}$，$beta = {_m(beta[0])}$，$epsilon = {eps_t}$"
        gb_en = f"$gamma = {_m(gamma[0])}$, $beta = {_m(beta[0])}$, $epsilon = {eps_t}$"
    else:
        gb = f"$gamma = {tup(gamma)}$，$beta = {tup(beta)}$（依次对应各特征），$epsilon = {eps_t}$"
        gb_en = f"$gamma = {tup(gamma)}$, $beta = {tup(beta)}$ (one per feature), $epsilon = {eps_t}$"
    figs = []
    if feats > 1:
        caption = (Bi("测试输入（每行一个特征，每列一个样本）", "Test inputs (one row per feature, one column per sample)")
                   if params["ask"] == "inference" else
                   Bi("小批量数据（每行一个特征，每列一个样本）", "Mini-batch (one row per feature, one column per sample)"))
        figs.append(table(caption,
                          ["", *[f"#{i + 1}" for i in range(m)]],
                          [[f"特征 {j + 1} / feature {j + 1}", *batch[j]] for j in range(feats)]))
    if params["ask"] == "inference":
        if feats == 1:
            stats = f"$mu_\"run\" = {_m(params['running_mean'][0])}$，$sigma_\"run\"^2 = {_m(params['running_var'][0])}$"
            stats_en = (f"$mu_\"run\" = {_m(params['running_mean'][0])}$, "
                        f"$sigma_\"run\"^2 = {_m(params['running_var'][0])}$")
            data_zh = f"测试时输入该特征的 {m} 个值为 $x = {tup(batch[0])}$"
            data_en = f"The test inputs of the feature are $x = {tup(batch[0])}$"
            ask_zh, ask_en = "", ""
        else:
            stats = (f"$mu_\"run\" = {tup(params['running_mean'])}$，"
                     f"$sigma_\"run\"^2 = {tup(params['running_var'])}$")
            stats_en = (f"$mu_\"run\" = {tup(params['running_mean'])}$, "
                        f"$sigma_\"run\"^2 = {tup(params['running_var'])}$")
            data_zh = f"测试时输入的 {m} 个样本见下表"
            data_en = f"The {m} test samples are given in the table"
            ask_zh, ask_en = "按表格的形状写成矩阵，", " as a matrix shaped like the table"
        zh = (f"批量规范化（BN）层训练结束后，记录的滑动平均（running）统计量为 {stats}，可学习参数 {gb}。"
              f"{data_zh}。测试阶段 BN 使用滑动平均统计量而不是当前批次的统计量，"
              f"即 $y = gamma (x - mu_\"run\")/sqrt(sigma_\"run\"^2 + epsilon) + beta$。"
              f"求分母 $sqrt(sigma_\"run\"^2 + epsilon)$（保留四位小数）和输出 $y$（{ask_zh}保留两位小数）。")
        en = (f"After training, a batch-normalization (BN) layer holds the running statistics {stats_en} and the "
              f"learned parameters {gb_en}. {data_en}. At test time BN uses the running statistics, not those of "
              f"the current batch: $y = gamma (x - mu_\"run\")/sqrt(sigma_\"run\"^2 + epsilon) + beta$. "
              f"Compute the denominator $sqrt(sigma_\"run\"^2 + epsilon)$ (4 decimals) and the outputs $y$"
              f"{ask_en} (2 decimals).")
        return Prompt(Bi(zh, en), figs)
    rule_zh = ("$hat(x)_i = (x_i - mu_B)/sqrt(sigma_B^2 + epsilon)$，$y_i = gamma hat(x)_i + beta$，"
               "其中方差为有偏估计（除以 $m$）")
    rule_en = ("$hat(x)_i = (x_i - mu_B)/sqrt(sigma_B^2 + epsilon)$ and $y_i = gamma hat(x)_i + beta$, with the "
               "biased variance (divide by $m$)")
    if feats == 1:
        zh = (f"训练时，批量规范化（BN）层收到一个 $m = {m}$ 的小批量，某个特征的取值为 $x = {tup(batch[0])}$，"
              f"参数 {gb}。BN 的计算为 {rule_zh}。求：(1) 小批量均值 $mu_B$；(2) 小批量方差 $sigma_B^2$；"
              f"(3) 规范化后的 $hat(x)$；(4) 输出 $y$（保留两位小数）。")
        en = (f"In training, a batch-normalization (BN) layer receives a mini-batch of $m = {m}$ samples; one "
              f"feature takes the values $x = {tup(batch[0])}$, and {gb_en}. BN computes {rule_en}. Find (1) the "
              f"mini-batch mean $mu_B$, (2) the mini-batch variance $sigma_B^2$, (3) the normalized values "
              f"$hat(x)$ and (4) the outputs $y$ (2 decimals).")
    else:
        zh = (f"训练时，批量规范化（BN）层收到一个 $m = {m}$ 的小批量，每个样本有 {feats} 个特征（见下表），"
              f"各特征分别规范化，参数 {gb}。BN 的计算为 {rule_zh}。求各特征的均值 $mu_B$、方差 $sigma_B^2$，"
              f"以及输出 $y$（按表格的形状写成 {feats}×{m} 矩阵；保留两位小数）。")
        en = (f"In training, a batch-normalization (BN) layer receives a mini-batch of $m = {m}$ samples with "
              f"{feats} features each (table below); each feature is normalized on its own, with {gb_en}. BN "
              f"computes {rule_en}. Find each feature's mean $mu_B$ and variance $sigma_B^2$, and the outputs $y$ "
              f"(a {feats}×{m} matrix shaped like the table; 2 decimals).")
    return Prompt(Bi(zh, en), figs)


register(Kind(
    name="batchnorm", chapter="training", section="calculation", points=8,
    title=Bi("批量规范化", "Batch normalization"),
    summary=Bi("小批量均值、（有偏）方差、规范化与缩放平移；测试时使用滑动平均统计量",
               "Mini-batch mean, biased variance, normalization, scale and shift; running statistics at test time"),
    conventions=Bi("方差除以 m（有偏）；x̂ = (x − μ)/√(σ² + ε)，ε 在题中给出；y = γx̂ + β；保留两位小数",
                   "variance divides by m (biased); x̂ = (x − μ)/√(σ² + ε) with ε given; y = γx̂ + β; 2 decimals"),
    variants=("one feature", "two features (table)", "inference with running statistics", "γ = 1, β = 0"),
    sample=_tie_free(sample_batchnorm, lambda p: solver.batchnorm(p, steps_wanted=False)), prompt=prompt_batchnorm,
    solve=solver.batchnorm, schema=BN_SCHEMA,
    example={"ask": "train", "batch": [[-1, 5, 5, 7]], "gamma": [2], "beta": [0.5], "eps": 0},
))


# ================================================================ regularization
def _check_reg(params: dict[str, Any]) -> None:
    kind, ask = params["penalty"], params["ask"]
    need = {"l1": ("lam1",), "l2": ("lam2", "l2_form"), "elastic": ("lam1", "lam2", "l2_form")}[kind]
    for key in need:
        if key not in params:
            raise ParamError(f"penalty={kind} needs '{key}'")
    for key in ("lam1", "lam2", "l2_form"):
        if key in params and key not in need:
            raise ParamError(f"penalty={kind} does not use '{key}'")
    if kind in ("l1", "elastic") and any(v == 0 for v in params["w"]):
        raise ParamError("the L1 penalty has no gradient at w_i = 0: give non-zero weights")
    if ask == "decay" and kind != "l2":
        raise ParamError("ask=decay is the weight-decay form of the L2 penalty: use penalty=l2")
    if ask == "penalty":
        for key in ("grad", "lr"):
            if key in params:
                raise ParamError(f"ask=penalty does not use '{key}'")
        return
    for key in ("grad", "lr"):
        if key not in params:
            raise ParamError(f"ask={ask} needs '{key}'")
    if len(params["grad"]) != len(params["w"]):
        raise ParamError("grad must have one entry per weight")


REG_SCHEMA = Schema({
    "penalty": Param("str", "l1, l2 or elastic (L1 + L2)", choices=("l1", "l2", "elastic")),
    "ask": Param("str", "penalty = R(w) and its gradient; step = one gradient step; decay = weight-decay form of L2",
                 choices=("penalty", "step", "decay")),
    "w": Param("floats", "current weights"),
    "lam1": Param("float", "L1 coefficient λ1 (penalty λ1·Σ|w_i|)", min=0, optional=True),
    "lam2": Param("float", "L2 coefficient λ2", min=0, optional=True),
    "l2_form": Param("str", "half = (λ2/2)·Σw², full = λ2·Σw²", choices=("half", "full"), optional=True),
    "grad": Param("floats", "gradient g of the data loss (ask=step/decay)", optional=True),
    "lr": Param("float", "learning rate η (ask=step/decay)", min=0, optional=True),
}, check=_check_reg)


def _tol(v: float, d: int) -> float:
    """The grading tolerance of a value asked to d decimals (as in examgen.grading)."""
    return max(0.01 * abs(v), 0.5 * 10.0 ** (-d))


def _reg_visible(params: dict[str, Any]) -> bool:
    """Forgetting the penalty must give a wrong answer: its share of every gradient and of every update is well
    outside the grading tolerance, and a decay factor is clearly below 1."""
    _, grad = solver.reg_penalty(params)
    lr = params["lr"]
    for wi, gi, ri in zip(params["w"], params["grad"], grad):
        total = gi + ri
        new = wi - lr * total
        if abs(lr * ri) <= 2 * _tol(new, 4) or abs(ri) <= 2 * _tol(total, 4):
            return False
    if params["ask"] == "decay":
        c = params["lr"] * params["lam2"] * (1 if params["l2_form"] == "half" else 2)
        if not 0.03 <= c <= 0.6:
            return False
    return True


def sample_regularization(rng: random.Random) -> dict[str, Any]:
    kind = pick(rng, ["l1", "l2", "l2", "elastic"])
    ask = pick(rng, ["penalty", "step", "decay"] if kind == "l2" else ["penalty", "step"])
    n = rng.randint(3, 4)
    step = ask != "penalty"
    while True:
        params: dict[str, Any] = {"penalty": kind, "ask": ask,
                                  "w": [_tenths(rng, -20, 20, True) for _ in range(n)]}
        if kind in ("l1", "elastic"):
            params["lam1"] = pick(rng, [0.05, 0.1, 0.2, 0.5] if step else [0.01, 0.05, 0.1, 0.2, 0.5])
        if kind in ("l2", "elastic"):
            params["lam2"] = pick(rng, [0.1, 0.2, 0.5, 1] if step else [0.01, 0.05, 0.1, 0.2, 0.5, 1])
            params["l2_form"] = pick(rng, ["half", "full"])
        if not step:
            return params
        params["grad"] = [_tenths(rng, -15, 15) for _ in range(n)]
        params["lr"] = pick(rng, [0.05, 0.1, 0.1, 0.2, 0.5])
        if _reg_visible(params):
            return params


def _reg_text(params: dict[str, Any]) -> tuple[str, Bi]:
    kind = params["penalty"]
    half = params.get("l2_form") == "half"
    l1 = "lambda_1 sum_i abs(w_i)"
    l2 = "lambda_2/2 sum_i w_i^2" if half else "lambda_2 sum_i w_i^2"
    formula = {"l1": l1, "l2": l2, "elastic": f"{l1} + {l2}"}[kind]
    consts = []
    if "lam1" in params:
        consts.append(f"$lambda_1 = {_m(params['lam1'])}$")
    if "lam2" in params:
        consts.append(f"$lambda_2 = {_m(params['lam2'])}$")
    name = {"l1": Bi("L1 正则项", "an L1 penalty"), "l2": Bi("L2 正则项", "an L2 penalty"),
            "elastic": Bi("弹性网络正则项（L1 与 L2 的组合）", "an elastic-net penalty (L1 plus L2)")}[kind]
    return formula, name + Bi("（" + "，".join(consts) + "）", " (" + ", ".join(consts) + ")")


def prompt_regularization(params: dict[str, Any]) -> Prompt:
    formula, name = _reg_text(params)
    w, ask = params["w"], params["ask"]
    sub_zh = "，L1 项在 $w_i != 0$ 处的导数为 $lambda_1 \"sign\"(w_i)$" if params["penalty"] != "l2" else ""
    sub_en = "; the L1 term has derivative $lambda_1 \"sign\"(w_i)$ at $w_i != 0$" if params["penalty"] != "l2" else ""
    sp = " " if name.zh[0].isascii() else ""
    head_zh = f"为防止过拟合，在损失函数中加入{sp}{name.zh}：$R(w) = {formula}${sub_zh}。当前权重为 $w = {tup(w)}$。"
    head_en = (f"To reduce overfitting, {name.en} is added to the loss: $R(w) = {formula}${sub_en}. The current "
               f"weights are $w = {tup(w)}$.")
    if ask == "penalty":
        zh = head_zh + "求：(1) 正则项的值 $R(w)$；(2) 正则项对 $w$ 的梯度 $nabla R$（保留四位小数）。"
        en = head_en + " Find (1) the penalty $R(w)$ and (2) its gradient $nabla R$ with respect to $w$ (4 decimals)."
        return Prompt(Bi(zh, en))
    g, lr = tup(params["grad"]), _m(params["lr"])
    if ask == "step":
        zh = (head_zh + f"数据损失对 $w$ 的梯度为 $g = {g}$，学习率 $eta = {lr}$。用梯度下降对总损失（数据损失 + 正则项）"
              f"更新一步。求：(1) 总梯度 $nabla J = g + nabla R$；(2) 更新后的权重（保留四位小数）。")
        en = (head_en + f" The gradient of the data loss is $g = {g}$ and the learning rate is $eta = {lr}$. Take one "
              f"gradient-descent step on the total loss (data loss + penalty). Find (1) the total gradient "
              f"$nabla J = g + nabla R$ and (2) the updated weights (4 decimals).")
        return Prompt(Bi(zh, en))
    zh = (head_zh + f"数据损失对 $w$ 的梯度为 $g = {g}$，学习率 $eta = {lr}$。把梯度下降的一步写成“权重衰减”的形式 "
          f"$w arrow.l c dot w - eta g$。求：(1) 衰减因子 $c$；(2) 更新后的权重（保留四位小数）。")
    en = (head_en + f" The gradient of the data loss is $g = {g}$ and the learning rate is $eta = {lr}$. Write one "
          f"gradient-descent step in weight-decay form $w arrow.l c dot w - eta g$. Find (1) the decay factor $c$ and "
          f"(2) the updated weights (4 decimals).")
    return Prompt(Bi(zh, en))


register(Kind(
    name="regularization", chapter="training", section="calculation", points=6,
    title=Bi("L1 / L2 / 弹性网络正则化", "L1, L2 and elastic-net regularization"),
    summary=Bi("正则项的值与梯度、带正则的一步梯度下降、权重衰减", "Penalty value and gradient, one regularized "
               "gradient step, weight decay"),
    conventions=Bi("L2 写成 (λ/2)Σw² 或 λΣw²（题中注明）；L1 的导数取 λ·sign(w)，权重不为 0；保留四位小数",
                   "L2 is (λ/2)Σw² or λΣw² (stated); the L1 derivative is λ·sign(w), weights are non-zero; "
                   "4 decimals"),
    variants=("L1", "L2 (½λ‖w‖² or λ‖w‖²)", "elastic net", "penalty and gradient", "one gradient step",
              "weight decay"),
    sample=_tie_free(sample_regularization, lambda p: solver.regularization(p, steps_wanted=False)),
    prompt=prompt_regularization, solve=solver.regularization, schema=REG_SCHEMA,
    example={"penalty": "l2", "ask": "step", "w": [0.5, -1.2, 2.0], "lam2": 0.1, "l2_form": "half",
             "grad": [0.3, -0.4, 0.1], "lr": 0.1},
))


# ================================================================ optimizer-step
_OPT_KEYS = {"momentum": ("beta", "momentum_form", "state0"), "rmsprop": ("rho", "eps", "state0"),
             "adam": ("beta1", "beta2", "eps")}
_OPT_REQUIRED = {"momentum": ("beta", "momentum_form"), "rmsprop": ("rho", "eps"), "adam": ("beta1", "beta2", "eps")}


def _check_opt(params: dict[str, Any]) -> None:
    opt = params["optimizer"]
    for key in _OPT_REQUIRED[opt]:
        if key not in params:
            raise ParamError(f"optimizer={opt} needs '{key}'")
    for key in ("beta", "momentum_form", "state0", "rho", "eps", "beta1", "beta2"):
        if key in params and key not in _OPT_KEYS[opt]:
            raise ParamError(f"optimizer={opt} does not use '{key}'")
    dim = len(params["w0"])
    if dim > 4:
        raise ParamError("give at most 4 parameters")
    grads = params["grads"]
    if len(grads) > 5:
        raise ParamError("give at most 5 steps")
    if any(len(g) != dim for g in grads):
        raise ParamError(f"every row of grads needs {dim} entries (one per parameter)")
    if "state0" in params and len(params["state0"]) != dim:
        raise ParamError(f"state0 needs {dim} entries")
    if opt == "rmsprop" and any(v < 0 for v in params.get("state0", [])):
        raise ParamError("the RMSProp state s is a mean of squares: it cannot be negative")
    if opt in ("rmsprop", "adam") and params["eps"] == 0 and any(v == 0 for g in grads for v in g):
        raise ParamError("eps = 0 with a zero gradient can divide by zero: give eps > 0")


OPT_SCHEMA = Schema({
    "optimizer": Param("str", "momentum, rmsprop or adam", choices=("momentum", "rmsprop", "adam")),
    "w0": Param("floats", "initial parameters"),
    "grads": Param("matrix", "one row of gradients per step"),
    "lr": Param("float", "learning rate η", min=0),
    "beta": Param("float", "momentum coefficient β (momentum)", min=0, max=0.9999, optional=True),
    "momentum_form": Param("str", "add-grad: v ← βv + g, w ← w − ηv; lr-inside: v ← βv − ηg, w ← w + v",
                           choices=("add-grad", "lr-inside"), optional=True),
    "state0": Param("floats", "initial velocity v0 (momentum) or s0 (rmsprop); default 0", optional=True),
    "rho": Param("float", "decay rate ρ (rmsprop)", min=0, max=0.9999, optional=True),
    "beta1": Param("float", "β1 (adam)", min=0, max=0.9999, optional=True),
    "beta2": Param("float", "β2 (adam)", min=0, max=0.9999, optional=True),
    "eps": Param("float", "ε in the denominator (rmsprop, adam)", min=0, max=1, optional=True),
}, check=_check_opt)


def _opt_ok(params: dict[str, Any]) -> bool:
    """Every update moves every parameter by a clear amount (far beyond the 1 % grading tolerance)."""
    w = list(params["w0"])
    for st in solver.optimizer_trace(params):
        for a, b in zip(w, st["w"]):
            d = abs(b - a)
            if d < 0.01 or d < 0.05 * max(abs(a), abs(b)):
                return False
        w = st["w"]
    return True


def sample_optimizer(rng: random.Random) -> dict[str, Any]:
    opt = pick(rng, ["momentum", "rmsprop", "adam"])
    dim = pick(rng, [1, 1, 2])
    while True:
        n_steps = pick(rng, [1, 2, 2]) if opt != "adam" else pick(rng, [1, 2, 2, 2])
        params: dict[str, Any] = {
            "optimizer": opt,
            "w0": [_tenths(rng, -20, 20, True) for _ in range(dim)],
            "grads": [[_tenths(rng, -20, 20, True) for _ in range(dim)] for _ in range(n_steps)],
            "lr": pick(rng, [0.05, 0.1, 0.1, 0.2, 0.5]),
        }
        if opt == "momentum":
            params["beta"] = pick(rng, [0.9, 0.9, 0.8, 0.5])
            params["momentum_form"] = pick(rng, ["add-grad", "lr-inside"])
            if rng.random() < 0.35:
                params["state0"] = [_tenths(rng, -10, 10, True) for _ in range(dim)]
        elif opt == "rmsprop":
            params["rho"] = pick(rng, [0.9, 0.9, 0.99, 0.8, 0.5])
            params["eps"] = 1e-8
            if rng.random() < 0.35:
                params["state0"] = [pick(rng, [0.01, 0.04, 0.09, 0.16, 0.25, 0.5, 1]) for _ in range(dim)]
        else:
            params["beta1"] = 0.9
            params["beta2"] = pick(rng, [0.999, 0.999, 0.99])
            params["eps"] = 1e-8
            params["lr"] = pick(rng, [0.01, 0.05, 0.1, 0.1, 0.2])
        if _opt_ok(params):
            return params


def _grads_text(grads: list[list[float]]) -> str:
    return ", ".join(f"g_{t + 1} = {tup(g)}" for t, g in enumerate(grads))


def prompt_optimizer(params: dict[str, Any]) -> Prompt:
    opt, lr = params["optimizer"], _m(params["lr"])
    dim = len(params["w0"])
    n = len(params["grads"])
    w0 = tup(params["w0"])
    zero = [0.0] * dim
    if opt == "momentum":
        b = _m(params["beta"])
        v0 = tup(params.get("state0") or zero)
        if params["momentum_form"] == "add-grad":
            rule = "v_t = beta v_(t-1) + g_t, quad w_t = w_(t-1) - eta v_t"
        else:
            rule = "v_t = beta v_(t-1) - eta g_t, quad w_t = w_(t-1) + v_t"
        name = Bi("动量梯度下降法", "SGD with momentum")
        consts = f"beta = {b}, quad eta = {lr}"
        init = f"w_0 = {w0}, quad v_0 = {v0}"
        state = Bi(f"第 {n} 步后的速度 $v_{n}$", f"the velocity $v_{n}$ after step {n}")
    elif opt == "rmsprop":
        s0 = tup(params.get("state0") or zero)
        rule = "s_t = rho s_(t-1) + (1 - rho) g_t^2, quad w_t = w_(t-1) - eta g_t/(sqrt(s_t) + epsilon)"
        name = Bi("RMSProp 优化器", "RMSProp")
        consts = f"rho = {_m(params['rho'])}, quad eta = {lr}, quad epsilon = {sci(params['eps'])}"
        init = f"w_0 = {w0}, quad s_0 = {s0}"
        state = Bi(f"第 {n} 步后的 $s_{n}$（保留 6 位小数）", f"$s_{n}$ after step {n} (6 decimals)")
    else:
        rule = ("m_t = beta_1 m_(t-1) + (1 - beta_1) g_t, quad v_t = beta_2 v_(t-1) + (1 - beta_2) g_t^2, quad "
                "hat(m)_t = m_t/(1 - beta_1^t), quad hat(v)_t = v_t/(1 - beta_2^t), quad "
                "w_t = w_(t-1) - eta hat(m)_t/(sqrt(hat(v)_t) + epsilon)")
        name = Bi("Adam（自适应矩估计）优化器", "Adam")
        consts = (f"beta_1 = {_m(params['beta1'])}, quad beta_2 = {_m(params['beta2'])}, quad eta = {lr}, quad "
                  f"epsilon = {sci(params['eps'])}")
        init = f"w_0 = {w0}, quad m_0 = v_0 = {tup(zero)}"
        state = Bi(f"第 {n} 步的偏差修正矩 $hat(m)_{n}$ 和 $hat(v)_{n}$",
                   f"the bias-corrected moments $hat(m)_{n}$ and $hat(v)_{n}$ at step {n}")
    if dim == 1:
        dim_zh, dim_en = "参数 $w$ 是标量", "The parameter $w$ is a scalar"
    else:
        dim_zh = f"参数 $w$ 是 {dim} 维向量，所有运算逐分量进行"
        dim_en = f"The parameter $w$ is a {dim}-vector and every operation is element-wise"
    t_zh = "（$t$ 从 1 开始计数）" if opt == "adam" else ""
    t_en = " ($t$ counts from 1)" if opt == "adam" else ""
    steps_zh = "第 1 步的梯度为" if n == 1 else f"前 {n} 步计算得到的梯度依次为"
    steps_en = "The gradient at step 1 is" if n == 1 else f"The gradients of the first {n} steps are"
    if n == 1:
        ws, ws_en = "这一步之后的参数 $w_1$", "the parameters $w_1$ after the step"
    else:
        ws = "每一步之后的参数 " + "、".join(f"$w_{t + 1}$" for t in range(n))
        ws_en = "the parameters " + " and ".join(f"$w_{t + 1}$" for t in range(n)) + " after each step"
    sp = " " if name.zh[0].isascii() else ""
    zh = (f"用{sp}{name.zh}更新参数，更新规则为 ${rule}${t_zh}，其中 ${consts}$。{dim_zh}，初始值 ${init}$。"
          f"{steps_zh} ${_grads_text(params['grads'])}$。求{state.zh}，以及{ws}"
          f"（除注明外保留四位小数）。")
    en = (f"Parameters are updated with {name.en}: ${rule}${t_en}, where ${consts}$. {dim_en}; initially "
          f"${init}$. {steps_en} ${_grads_text(params['grads'])}$. Find {state.en} and {ws_en} "
          f"(4 decimals unless stated).")
    return Prompt(Bi(zh, en))


register(Kind(
    name="optimizer-step", chapter="training", section="calculation", points=8,
    title=Bi("优化器的更新步骤", "Optimizer update steps"),
    summary=Bi("动量梯度下降、RMSProp、带偏差修正的 Adam：一到两步更新", "SGD with momentum, RMSProp and Adam with "
               "bias correction: one or two update steps"),
    conventions=Bi("更新公式在题中给出（动量有 v ← βv + g, w ← w − ηv 与 v ← βv − ηg, w ← w + v 两种写法）；"
                   "Adam 的 t 从 1 开始，m₀ = v₀ = 0；保留四位小数（RMSProp 的 s 保留 6 位）",
                   "the update rules are stated (momentum as v ← βv + g, w ← w − ηv or v ← βv − ηg, w ← w + v); "
                   "Adam counts t from 1 with m₀ = v₀ = 0; 4 decimals (6 for the RMSProp state s)"),
    variants=("SGD with momentum (two forms)", "RMSProp", "Adam with bias correction", "scalar or 2-vector",
              "one or two steps"),
    sample=_tie_free(sample_optimizer, lambda p: solver.optimizer_step(p, steps_wanted=False)), prompt=prompt_optimizer,
    solve=solver.optimizer_step, schema=OPT_SCHEMA,
    example={"optimizer": "adam", "w0": [1.0], "grads": [[0.5], [-0.2]], "lr": 0.1, "beta1": 0.9, "beta2": 0.999,
             "eps": 1e-8},
))


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
    fin, fout = solver.init_fans(params)
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
    xav_zh = f"Xavier(Glorot)初始化使权重方差为 $2/({nin} + {nout})$"
    xav_en = f"Xavier (Glorot) initialization sets the weight variance to $2/({nin} + {nout})$"
    he_zh = f"He(Kaiming)初始化使权重方差为 $2/{nin}$"
    he_en = f"He (Kaiming) initialization sets the weight variance to $2/{nin}$"
    if scheme == "both":
        zh = (f"{layer_zh}权重从{dist_zh}中采样。已知 {xav_zh}，{he_zh}。求该层的扇入与扇出，"
              f"以及两种初始化各自的{what_zh}（保留四位小数）。")
        en = (f"{layer_en} The weights are drawn from {dist_en}. {xav_en}; {he_en}. Find the layer's fan-in and "
              f"fan-out, and {what_en} under each scheme (4 decimals).")
        return Prompt(Bi(zh, en))
    if scheme == "xavier":
        name_zh, name_en = "Xavier(Glorot)初始化", "Xavier (Glorot) initialization"
        var_t = f"2/({nin} + {nout})"
    else:
        name_zh, name_en = "He(Kaiming)初始化", "He (Kaiming) initialization"
        var_t = f"2/{nin}"
    fan_zh = "扇入与扇出" if scheme == "xavier" else "扇入"
    fan_en = "fan-in and fan-out" if scheme == "xavier" else "fan-in"
    zh = (f"{layer_zh}采用 {name_zh}，从{dist_zh}中采样权重，使权重方差为 ${var_t}$。"
          f"求：(1) {fan_zh}；(2) {what_zh}（保留四位小数）；(3) 权重的方差（保留 6 位小数，也可写成分数）。")
    en = (f"{layer_en} It uses {name_en}: the weights are drawn from {dist_en} with variance ${var_t}$. Find "
          f"(1) the {fan_en}, (2) {what_en} (4 decimals) and (3) the weight variance (6 decimals, or a fraction).")
    return Prompt(Bi(zh, en))


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
    sample=_tie_free(sample_init, solver.init_scale), prompt=prompt_init, solve=solver.init_scale, schema=INIT_SCHEMA,
    example={"scheme": "xavier", "dist": "uniform", "layer": "conv", "n_in": 64, "n_out": 128, "kernel": 3},
))


# ================================================================ cross-entropy
def _check_ce(params: dict[str, Any]) -> None:
    ask = params["ask"]
    uses = {"softmax": ("logits", "target"), "pixel": ("shape", "probs", "labels"),
            "weighted": ("shape", "probs", "labels", "class_weights", "weight_norm"),
            "focal": ("shape", "probs_fg", "labels", "gamma", "alpha")}[ask]
    optional = {"alpha"}
    for key in ("logits", "target", "shape", "probs", "labels", "class_weights", "weight_norm", "probs_fg",
                "gamma", "alpha"):
        if key in params and key not in uses:
            raise ParamError(f"ask={ask} does not use '{key}'")
        if key in uses and key not in optional and key not in params:
            raise ParamError(f"ask={ask} needs '{key}'")
    if ask == "softmax":
        if len(params["logits"]) > 10:
            raise ParamError("give at most 10 logits")
        if not 0 <= params["target"] < len(params["logits"]):
            raise ParamError(f"target is a class number from 0 to {len(params['logits']) - 1}")
        return
    rows, cols = params["shape"]
    n = rows * cols
    if rows < 1 or cols < 1 or n > 16:
        raise ParamError("shape is [rows, cols] with at most 16 pixels")
    if len(params["labels"]) != n:
        raise ParamError(f"labels needs {n} entries (the pixels row by row)")
    if ask == "focal":
        if len(params["probs_fg"]) != n:
            raise ParamError(f"probs_fg needs {n} entries (the pixels row by row)")
        if any(not 0 < v < 1 for v in params["probs_fg"]):
            raise ParamError("probabilities must lie strictly between 0 and 1")
        if any(y not in (0, 1) for y in params["labels"]):
            raise ParamError("focal-loss labels are 0 (background) or 1 (foreground)")
        if "alpha" in params and not 0 <= params["alpha"] <= 1:
            raise ParamError("alpha must lie in [0, 1]")
        return
    probs = params["probs"]
    c = len(probs[0])
    if len(probs) != n:
        raise ParamError(f"probs needs {n} rows (one per pixel, row by row)")
    if c < 2:
        raise ParamError("probs needs at least 2 classes (columns)")
    for row in probs:
        if any(v < 0 for v in row) or abs(sum(row) - 1) > 1e-6:
            raise ParamError("each row of probs must be a probability distribution (non-negative, summing to 1)")
    if any(not 0 <= y < c for y in params["labels"]):
        raise ParamError(f"labels are class numbers from 0 to {c - 1}")
    if any(probs[i][y] <= 0 for i, y in enumerate(params["labels"])):
        raise ParamError("a pixel gives probability 0 to its true class: the loss is infinite")
    if ask == "weighted":
        if len(params["class_weights"]) != c:
            raise ParamError(f"class_weights needs {c} entries")
        if any(w < 0 for w in params["class_weights"]):
            raise ParamError("class weights must be ≥ 0")
        if params["weight_norm"] == "weights" and sum(params["class_weights"][y] for y in params["labels"]) <= 0:
            raise ParamError("the weights of the pixels sum to 0")


CE_SCHEMA = Schema({
    "ask": Param("str", "softmax, pixel (mean pixel-wise CE), weighted (class-weighted CE) or focal",
                 choices=("softmax", "pixel", "weighted", "focal")),
    "logits": Param("floats", "logits z (softmax)", min=-50, max=50, optional=True),
    "target": Param("int", "true class, numbered from 0 (softmax)", min=0, optional=True),
    "shape": Param("ints", "mask size [rows, cols]", length=2, min=1, optional=True),
    "probs": Param("matrix", "one row per pixel (row by row), one column per class", optional=True),
    "labels": Param("ints", "true class of each pixel, row by row, from 0 (focal: 1 = foreground)", min=0,
                    optional=True),
    "class_weights": Param("floats", "weight of each class (weighted)", optional=True),
    "weight_norm": Param("str", "weights = divide by the sum of the pixels' weights; pixels = divide by N",
                         choices=("weights", "pixels"), optional=True),
    "probs_fg": Param("floats", "predicted foreground probability of each pixel (focal)", optional=True),
    "gamma": Param("float", "focusing parameter γ (focal)", min=0, max=10, optional=True),
    "alpha": Param("float", "balance α for the foreground, 1 − α for the background (focal; omit for none)",
                   optional=True),
}, check=_check_ce)


def _dist(rng: random.Random, c: int) -> list[float]:
    """A probability vector with entries that are multiples of 0.05 (none below 0.05)."""
    if c == 2:
        k = rng.randint(1, 19)
        return [round(k / 20, 2), round(1 - k / 20, 2)]
    while True:
        a, b = rng.randint(1, 18), rng.randint(1, 18)
        if a + b <= 19:
            return [round(a / 20, 2), round(b / 20, 2), round((20 - a - b) / 20, 2)]


def sample_ce(rng: random.Random) -> dict[str, Any]:
    ask = pick(rng, ["softmax", "softmax", "pixel", "weighted", "focal"])
    if ask == "softmax":
        c = pick(rng, [3, 3, 4])
        while True:
            if rng.random() < 0.4:
                z = [float(rng.randint(-2, 3)) for _ in range(c)]
            else:
                z = [_tenths(rng, -20, 30) for _ in range(c)]
            if len(set(z)) > 1:
                return {"ask": "softmax", "logits": z, "target": rng.randrange(c)}
    if ask == "focal":
        rows, cols = pick(rng, [(2, 2), (2, 2), (1, 4), (1, 3), (2, 3)])
        n = rows * cols
        while True:
            labels = [rng.randint(0, 1) for _ in range(n)]
            if 0 < sum(labels) < n:
                break
        params: dict[str, Any] = {"ask": "focal", "shape": [rows, cols],
                                  "probs_fg": [round(rng.randint(1, 19) / 20, 2) for _ in range(n)],
                                  "labels": labels, "gamma": pick(rng, [2, 2, 2, 1, 3, 0.5])}
        alpha = pick(rng, [None, 0.25, 0.25, 0.5, 0.75])
        if alpha is not None:
            params["alpha"] = alpha
        return params
    rows, cols = pick(rng, [(2, 2), (2, 2), (2, 2), (1, 3), (1, 4), (2, 3)])
    n = rows * cols
    c = pick(rng, [2, 3, 3])
    while True:
        labels = [rng.randrange(c) for _ in range(n)]
        if len(set(labels)) > 1:
            break
    params = {"ask": ask, "shape": [rows, cols], "probs": [_dist(rng, c) for _ in range(n)], "labels": labels}
    if ask == "weighted":
        losses = [-math.log(params["probs"][i][y]) for i, y in enumerate(labels)]
        plain = sum(losses) / n
        for _ in range(20):
            cw = [pick(rng, [0.5, 1, 1, 1.5, 2, 3, 4, 5]) for _ in range(c)]
            ws = [cw[y] for y in labels]
            by_n = sum(w * v for w, v in zip(ws, losses)) / n
            by_w = by_n * n / sum(ws)
            # the weighting and its denominator both matter: the three candidate answers differ clearly
            if min(abs(by_n - by_w), abs(by_n - plain), abs(by_w - plain)) > 3 * _tol(max(by_n, by_w, plain), 4):
                break
        else:
            return sample_ce(rng)  # no weights make a difference here (e.g. every pixel has the same loss)
        params["class_weights"] = cw
        params["weight_norm"] = pick(rng, ["weights", "pixels"])
    return params


def prompt_ce(params: dict[str, Any]) -> Prompt:
    ask = params["ask"]
    if ask == "softmax":
        z, y = params["logits"], params["target"]
        c = len(z)
        zh = (f"某分类网络对一个样本（或一个像素）输出 {c} 个类别的 logit $z = {tup(z)}$（类别从 0 开始编号），"
              f"其真实类别为 {y}。先用 softmax $p_k = e^(z_k)/(sum_j e^(z_j))$ 得到各类概率，再计算交叉熵损失 "
              f"$L = -ln p_y$（自然对数）。求 softmax 概率和损失（保留四位小数）。")
        en = (f"A classifier outputs the logits $z = {tup(z)}$ for {c} classes (numbered from 0) for one sample (or "
              f"pixel); the true class is {y}. Apply the softmax $p_k = e^(z_k)/(sum_j e^(z_j))$ and compute the "
              f"cross-entropy $L = -ln p_y$ (natural log). Give the softmax probabilities and the loss (4 decimals).")
        return Prompt(Bi(zh, en))
    rows, cols = params["shape"]
    labels = params["labels"]
    label_grid = [labels[r * cols:(r + 1) * cols] for r in range(rows)]
    size = f"{rows}×{cols}"
    if ask == "focal":
        probs = params["probs_fg"]
        pg = [probs[r * cols:(r + 1) * cols] for r in range(rows)]
        g = _m(params["gamma"])
        figs = [grid(Bi("真实标签（1 = 前景，0 = 背景）", "Ground truth (1 = foreground, 0 = background)"), label_grid),
                grid(Bi("预测为前景的概率 $p$", "Predicted foreground probability $p$"), pg)]
        if "alpha" in params:
            a = _m(params["alpha"])
            fl = "\"FL\" = -alpha_t (1 - p_t)^gamma ln p_t"
            al_zh = f"，$alpha_t$ 对前景取 $alpha = {a}$、对背景取 $1 - alpha$"
            al_en = f", $alpha_t$ is $alpha = {a}$ for foreground and $1 - alpha$ for background"
        else:
            fl = "\"FL\" = -(1 - p_t)^gamma ln p_t"
            al_zh = al_en = ""
        zh = (f"前景/背景二分类分割网络在一块 {size} 的区域上输出每个像素为前景的概率（见下图）。为了让训练关注难分的像素，"
              f"采用 focal loss ${fl}$，其中 $gamma = {g}$，前景像素 $p_t = p$、背景像素 $p_t = 1 - p${al_zh}，"
              f"$ln$ 为自然对数。求：(1) 这些像素普通交叉熵 $-ln p_t$ 的平均值；(2) 每个像素的 focal loss"
              f"（按行依次写出）；(3) focal loss 的平均值（保留四位小数）。")
        en = (f"A foreground/background segmentation network outputs, for a {size} patch, each pixel's probability of "
              f"being foreground (figure). To focus training on hard pixels it uses the focal loss ${fl}$ with "
              f"$gamma = {g}$, where $p_t = p$ for foreground pixels and $p_t = 1 - p$ for background pixels{al_en}; "
              f"$ln$ is the natural log. Find (1) the mean plain cross-entropy $-ln p_t$ over these pixels, (2) each "
              f"pixel's focal loss (row by row) and (3) the mean focal loss (4 decimals).")
        return Prompt(Bi(zh, en), figs)
    probs = params["probs"]
    c = len(probs[0])
    figs = [grid(Bi("真实标签（类别编号）", "Ground-truth labels (class numbers)"), label_grid)]
    for k in range(c):
        figs.append(grid(Bi(f"预测为类别 {k} 的概率", f"Predicted probability of class {k}"),
                         [[probs[r * cols + j][k] for j in range(cols)] for r in range(rows)]))
    head_zh = (f"语义分割网络在一块 {size} 的区域上输出每个像素属于 {c} 个类别（编号 0 到 {c - 1}）的 softmax 概率，"
               f"真实标签与各类别的概率图见下图。")
    head_en = (f"A semantic-segmentation network outputs, for a {size} patch, each pixel's softmax probabilities over "
               f"{c} classes (numbered 0 to {c - 1}); the ground-truth labels and per-class probability maps are shown "
               f"below.")
    if ask == "pixel":
        zh = (head_zh + "损失函数为逐像素交叉熵 $L_i = -ln p_(i, y_i)$（自然对数），整块区域的损失取所有像素的平均。"
              f"求每个像素的交叉熵（写成 {size} 矩阵）以及平均损失（保留四位小数）。")
        en = (head_en + " The loss is the pixel-wise cross-entropy $L_i = -ln p_(i, y_i)$ (natural log), averaged "
              f"over all pixels. Give each pixel's cross-entropy (as a {size} matrix) and the mean loss (4 decimals).")
        return Prompt(Bi(zh, en), figs)
    cw = params["class_weights"]
    by_w = params["weight_norm"] == "weights"
    weights = "，".join(f"$w_{k} = {_m(w)}$" for k, w in enumerate(cw))
    weights_en = ", ".join(f"$w_{k} = {_m(w)}$" for k, w in enumerate(cw))
    rule = ("L = (sum_i w_(y_i) L_i)/(sum_i w_(y_i))" if by_w else "L = 1/N sum_i w_(y_i) L_i")
    norm_zh = "除以这些像素的权重之和" if by_w else f"除以像素总数 $N = {rows * cols}$"
    norm_en = ("divided by the sum of those pixels' weights" if by_w
               else f"divided by the pixel count $N = {rows * cols}$")
    zh = (head_zh + f"为缓解类别不均衡，采用类别加权的交叉熵：类别权重为 {weights}，每个像素的交叉熵 "
          f"$L_i = -ln p_(i, y_i)$（自然对数）乘以其真实类别的权重后求和，再{norm_zh}，即 ${rule}$。"
          f"求每个像素的（未加权）交叉熵（写成 {size} 矩阵）以及加权损失 $L$（保留四位小数）。")
    en = (head_en + f" To counter class imbalance the loss is a class-weighted cross-entropy with class weights "
          f"{weights_en}: each pixel's cross-entropy $L_i = -ln p_(i, y_i)$ (natural log) is multiplied by the weight "
          f"of its true class, summed, and {norm_en}: ${rule}$. Give each pixel's (unweighted) cross-entropy (as a "
          f"{size} matrix) and the weighted loss $L$ (4 decimals).")
    return Prompt(Bi(zh, en), figs)


register(Kind(
    name="cross-entropy", chapter="segmentation", section="calculation", points=8,
    title=Bi("交叉熵与 focal loss", "Cross-entropy and focal loss"),
    summary=Bi("softmax 交叉熵、逐像素交叉熵、类别加权交叉熵与 focal loss",
               "Softmax cross-entropy, pixel-wise and class-weighted cross-entropy, focal loss"),
    conventions=Bi("自然对数；类别从 0 开始编号；像素按行依次排列；加权平均的分母在题中注明；保留四位小数",
                   "natural log; classes numbered from 0; pixels row by row; the weighted mean's denominator is "
                   "stated; 4 decimals"),
    variants=("softmax + cross-entropy", "pixel-wise cross-entropy", "class-weighted cross-entropy",
              "focal loss (with or without α)"),
    sample=_tie_free(sample_ce, lambda p: solver.cross_entropy(p, steps_wanted=False)), prompt=prompt_ce,
    solve=solver.cross_entropy, schema=CE_SCHEMA,
    example={"ask": "softmax", "logits": [2.0, 1.0, 0.1], "target": 0},
))
