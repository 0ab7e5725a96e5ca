"""`batchnorm`: Batch normalization.

Mini-batch mean, biased variance, normalization, scale and shift; running statistics at test time. Top to bottom:
params schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _ans, _m, all_in, _nondegenerate, _tenths, _tie_free, eq, pick, sci, table, tup
from examgen.kinds.training._shared import bn_stats
from examgen.mathfmt import num, p, round_answer
from examgen.model import MatrixSpec, NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


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
        if bn_stats(row)[1] + params["eps"] <= 0:
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


# ---------------------------------------------------------------- solver
def _tagged(tag: Bi, text_zh: str, text_en: str) -> Bi:
    """`Feature 1: mini-batch mean`, or `Mini-batch mean` when there is no tag."""
    if not tag.en:
        return Bi(text_zh, text_en[:1].upper() + text_en[1:])
    return tag + Bi(text_zh, text_en)


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
                     Part("y", Bi("测试输出 y", "Test-time outputs y"), VectorSpec(m, decimals=2), _ans(ys[0]),
                          depends_on=("std",))]
        else:
            parts = [Part("std", Bi("各特征的分母 √(σ²+ε)", "Denominators √(σ²+ε) per feature"),
                          VectorSpec(feats, decimals=4), _ans(stds)),
                     Part("y", Bi("测试输出 y（每行一个特征）", "Test-time outputs y (one row per feature)"),
                          MatrixSpec(feats, m, decimals=2), [_ans(r) for r in ys], depends_on=("std",))]
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
            Part("var", Bi("方差 σ_B²", "Variance σ_B²"), NumberSpec(decimals=2), round_answer(vrs[0]),
                 depends_on=("mean",)),
            Part("xhat", Bi("规范化后的值 x̂", "Normalized values x̂"), VectorSpec(m, decimals=2), _ans(xhats[0]),
                 depends_on=("mean", "var")),
            Part("y", Bi("输出 y", "Outputs y"), VectorSpec(m, decimals=2), _ans(ys[0]), depends_on=("xhat",)),
        ]
    else:
        parts = [
            Part("mean", Bi("各特征的均值 μ_B", "Mean μ_B of each feature"), VectorSpec(feats, decimals=2), _ans(mus)),
            Part("var", Bi("各特征的方差 σ_B²", "Variance σ_B² of each feature"), VectorSpec(feats, decimals=2),
                 _ans(vrs), depends_on=("mean",)),
            Part("y", Bi("输出 y（每行一个特征）", "Outputs y (one row per feature)"), MatrixSpec(feats, m, decimals=2),
                 [_ans(r) for r in ys], depends_on=("mean", "var")),
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


def bn_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """σ² about the student's μ, x̂ from their μ and σ², y from their x̂ (or μ, σ²; at test time their √(σ²+ε))."""
    batch, gamma, beta, eps = params["batch"], params["gamma"], params["beta"], params["eps"]
    one = len(batch) == 1

    def per_feature(name: str) -> list[float]:
        v = earlier[name]
        v = [float(x) for x in (v if isinstance(v, list) else [v])]
        if len(v) != len(batch):
            raise ValueError("one value per feature")
        return v

    if "var" in earlier and not all_in(earlier["var"], 0):  # a variance is never negative
        return None
    if params["ask"] == "inference":
        if part != "y" or not all_in(earlier["std"], 0, open_lo=True):  # √(σ² + ε) > 0
            return None
        ys = [[g * (x - mu) / den + b for x in row]
              for row, g, b, mu, den in zip(batch, gamma, beta, params["running_mean"], per_feature("std"))]
        return ys[0] if one else ys
    if part == "var":
        vs = [sum((x - mu) ** 2 for x in row) / len(row) for row, mu in zip(batch, per_feature("mean"))]
        return vs[0] if one else vs
    if part == "y" and one:
        return [gamma[0] * float(v) + beta[0] for v in earlier["xhat"]]
    if part in ("xhat", "y"):
        xh = [[(x - mu) / math.sqrt(var + eps) for x in row]
              for row, mu, var in zip(batch, per_feature("mean"), per_feature("var"))]
        if part == "xhat":
            return xh[0]
        return [[g * v + b for v in row] for row, g, b in zip(xh, gamma, beta)]
    return None


# ---------------------------------------------------------------- sampler and prompt
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


def _bn_answers(params: dict[str, Any]) -> Solution:
    """The answers only (no worked steps), for the samplers' checks."""
    return batchnorm(params, steps_wanted=False)


def bn_rounded(params: dict[str, Any]) -> dict[str, Any]:
    """y from the asked intermediates as written (x̂ to 2 decimals; √(σ²+ε) to 4 at test time), see
    examgen.rounding. Only a single feature in training asks for x̂; the other variants carry √(σ²+ε)."""
    batch, gamma, beta = params["batch"], params["gamma"], params["beta"]
    if params["ask"] == "inference":
        dens = [round(math.sqrt(v + params["eps"]), 4) for v in params["running_var"]]
        ys = [[g * (x - mu) / den + b for x in row]
              for row, g, b, mu, den in zip(batch, gamma, beta, params["running_mean"], dens)]
    elif len(batch) == 1:
        mu, var = bn_stats(batch[0])
        ys = [[gamma[0] * round((x - mu) / math.sqrt(var + params["eps"]), 2) + beta[0] for x in batch[0]]]
    else:
        return {}
    return {"y": ys[0] if len(batch) == 1 else ys}


# ---------------------------------------------------------------- typical mistakes
def _bn_wrong(params: dict[str, Any], names: tuple[str, ...], *, ddof: int = 0, affine: bool = True,
              root: bool = True, batch_stats: bool = False) -> dict[str, Any]:
    """Batch norm done another way: the variance divided by m − ddof, no γ/β, divided by σ² + ε instead of its
    root, or (at test time) with the batch's own statistics; the values of the parts `names`."""
    one, eps = len(params["batch"]) == 1, params["eps"]
    cols: dict[str, list[Any]] = {"mean": [], "var": [], "xhat": [], "y": [], "std": []}
    for j, row in enumerate(params["batch"]):
        if params["ask"] == "inference" and not batch_stats:
            mu, var = params["running_mean"][j], params["running_var"][j]
        else:
            mu = sum(row) / len(row)
            var = sum((x - mu) ** 2 for x in row) / (len(row) - ddof)
        den = math.sqrt(var + eps) if root else var + eps
        xh = [(x - mu) / den for x in row]
        g, b = (params["gamma"][j], params["beta"][j]) if affine else (1, 0)
        for key, v in zip(cols, (mu, var, xh, [g * v + b for v in xh], den)):
            cols[key].append(v)
    return {k: cols[k][0] if one else cols[k] for k in names}


def _bn_parts(params: dict[str, Any]) -> tuple[str, ...]:
    if params["ask"] == "inference":
        return ("std", "y")
    return ("var", "xhat", "y") if len(params["batch"]) == 1 else ("var", "y")


MISTAKES = (
    Mistake("unbiased-variance", Bi("方差除以了 m − 1（无偏估计）；BN 用有偏方差，应除以 m", "divided the variance by "
            "m − 1 (unbiased); batch norm uses the biased variance, divided by m"),
            ("Mini-batch variance", "Feature 1: mini-batch variance"),
            lambda p: _bn_wrong(p, _bn_parts(p), ddof=1) if p["ask"] == "train" else None),
    Mistake("forgot-gamma-beta", Bi("规范化之后忘了乘以 γ、加上 β（缩放与平移）",
            "forgot to scale by γ and shift by β after normalizing"),
            ("Scale and shift", "Feature 1: scale and shift", "Normalize, then scale", "Feature 1: normalize, then"),
            lambda p: _bn_wrong(p, ("y",), affine=False)
            if any(g != 1 for g in p["gamma"]) or any(p["beta"]) else None),
    Mistake("divided-by-variance", Bi("除以的是 σ² + ε，忘了开平方（应除以标准差 √(σ² + ε)）", "divided by the variance "
            "σ² + ε instead of its square root (the standard deviation)"),
            ("Normalize: subtract", "Feature 1: normalize: subtract", "At test time", "Feature 1: at test time"),
            lambda p: _bn_wrong(p, _bn_parts(p)[1:] if p["ask"] == "train" else _bn_parts(p), root=False)),
    Mistake("batch-statistics-at-test", Bi("测试时用了当前这批输入自己的均值和方差；应使用训练时累计的滑动平均统计量",
            "used the test batch's own mean and variance; at test time batch norm uses the running statistics"),
            ("At test time", "Feature 1: at test time"),
            lambda p: _bn_wrong(p, ("std", "y"), batch_stats=True) if p["ask"] == "inference" else None),
)


register(Kind(
    name="batchnorm", chapter="training", section="calculation", points=8,
    title=Bi("批量规范化", "Batch normalization"),
    summary=Bi("小批量均值、（有偏）方差、规范化与缩放平移；测试时使用滑动平均统计量",
               "Mini-batch mean, biased variance, normalization, scale and shift; running statistics at test time"),
    conventions=Bi("方差除以 m（有偏）；x̂ = (x − μ)/√(σ² + ε)，ε 在题中给出；y = γx̂ + β；保留两位小数",
                   "variance divides by m (biased); x̂ = (x − μ)/√(σ² + ε) with ε given; y = γx̂ + β; 2 decimals"),
    variants=("one feature", "two features (table)", "inference with running statistics", "γ = 1, β = 0"),
    sample=_nondegenerate(_tie_free(sample_batchnorm, _bn_answers), _bn_answers), prompt=prompt_batchnorm,
    solve=batchnorm, schema=BN_SCHEMA, rounded=bn_rounded, carry_forward=bn_carry_forward,
    example={"ask": "train", "batch": [[-1, 5, 5, 7]], "gamma": [2], "beta": [0.5], "eps": 0},
    mistakes=MISTAKES,
))
