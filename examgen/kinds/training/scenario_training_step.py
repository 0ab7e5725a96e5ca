"""`scenario-training-step`: Comprehensive: one full training step.

Batch norm → inverted dropout → loss (MSE or softmax cross-entropy) → gradient → SGD/momentum update. Top to bottom:
params schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import all_in, _asks, _lbl, _nondegenerate, _r, _tenth, pick, softmax, reusing
from examgen.kinds.training._shared import bn_stats
from examgen.mathfmt import num, p, round_answer, vec
from examgen.mistakes import Mistake
from examgen.model import NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.registry import Kind, register


# ====================================================================== scenario-training-step
def _check_train(params: dict[str, Any]) -> None:
    m = len(params["a"])
    if m < 2:
        raise ParamError("the mini-batch needs at least 2 values")
    if len(set(params["a"])) == 1:
        raise ParamError("the batch values are all equal: the variance is 0 (ε is ignored)")
    if len(params["mask"]) != m or any(v not in (0, 1) for v in params["mask"]):
        raise ParamError(f"mask must be {m} zeros and ones")
    if not 0 < params["keep"] <= 1:
        raise ParamError("keep (the keep probability q) must be in (0, 1]")
    if params["loss"] == "mse":
        if params.get("targets") is None or len(params["targets"]) != m:
            raise ParamError(f"mse needs {m} targets")
        if len(params["w"]) != 1 or len(params["b"]) != 1:
            raise ParamError("mse uses one output weight w and bias b")
        for key in ("sample", "label", "update"):
            if params.get(key) is not None:
                raise ParamError(f"'{key}' is only used with loss=ce")
    else:
        k = len(params["w"])
        if k < 2 or len(params["b"]) != k:
            raise ParamError("ce needs one weight and one bias per class (at least 2 classes)")
        if params.get("targets") is not None:
            raise ParamError("'targets' is only used with loss=mse")
        for key, hi in (("sample", m), ("label", k), ("update", k)):
            if params.get(key) is None or not 1 <= params[key] <= hi:
                raise ParamError(f"ce needs {key} between 1 and {hi} (1-based)")
    if params["optimizer"] == "momentum":
        for key in ("momentum", "velocity", "momentum_form"):
            if params.get(key) is None:
                raise ParamError(f"momentum needs '{key}'")
    else:
        for key in ("momentum", "velocity", "momentum_form"):
            if params.get(key) is not None:
                raise ParamError(f"'{key}' is only used with optimizer=momentum")


TRAIN_SCHEMA = Schema({
    "a": Param("floats", "pre-activations of one unit over the mini-batch"),
    "gamma": Param("float", "batch-norm scale γ"),
    "beta": Param("float", "batch-norm shift β"),
    "keep": Param("float", "keep probability q of inverted dropout"),
    "mask": Param("ints", "dropout mask (1 = kept)"),
    "loss": Param("str", "mse or ce (softmax cross-entropy)", choices=("mse", "ce")),
    "w": Param("floats", "output weight(s): [w] for mse, one per class for ce"),
    "b": Param("floats", "output bias(es), like w"),
    "targets": Param("floats", "targets t_i (mse)", optional=True),
    "sample": Param("int", "which sample's loss (1-based, ce)", optional=True),
    "label": Param("int", "its true class (1-based, ce)", optional=True),
    "update": Param("int", "which weight w_j to update (1-based, ce)", optional=True),
    "optimizer": Param("str", "sgd or momentum", choices=("sgd", "momentum")),
    "lr": Param("float", "learning rate η", min=0),
    "momentum": Param("float", "momentum coefficient μ", min=0, max=1, optional=True),
    "velocity": Param("float", "velocity v before the step", optional=True),
    "momentum_form": Param("str", "add-grad: v ← μv + g, w ← w − ηv; sub-lr: v ← μv − ηg, w ← w + v",
                           choices=("add-grad", "sub-lr"), optional=True),
}, check=_check_train)


# ---------------------------------------------------------------- solver
# ====================================================================== scenario-training-step
def training_values(params: dict[str, Any]) -> dict[str, Any]:
    a, gamma, beta = params["a"], params["gamma"], params["beta"]
    mu, var = bn_stats(a)
    sd = math.sqrt(var)
    xhat = [(x - mu) / sd for x in a]
    bn = [gamma * v + beta for v in xhat]
    out: dict[str, Any] = {"mu": mu, "var": var, "sd": sd, "xhat": xhat, "bn": bn}
    out["dropout"] = dropout_values(params, bn)
    out.update(loss_values(params, out["dropout"]))
    out["v_new"], out["w_new"] = update_values(params, out["grad"])
    return out


def dropout_values(params: dict[str, Any], bn: list[float]) -> list[float]:
    return [m * v / params["keep"] for m, v in zip(params["mask"], bn)]


def loss_values(params: dict[str, Any], d: list[float]) -> dict[str, Any]:
    w, b = params["w"], params["b"]
    if params["loss"] == "mse":
        t = params["targets"]
        out = [w[0] * v + b[0] for v in d]
        m = len(d)
        loss = sum((o - y) ** 2 for o, y in zip(out, t)) / m
        grad = 2 / m * sum((o - y) * v for o, y, v in zip(out, t, d))
        return {"out": out, "loss": loss, "grad": grad}
    s = params["sample"] - 1
    z = [wk * d[s] + bk for wk, bk in zip(w, b)]
    probs = softmax(z)
    c, j = params["label"] - 1, params["update"] - 1
    return {"z": z, "probs": probs, "loss": -math.log(probs[c]), "grad": (probs[j] - (1 if j == c else 0)) * d[s]}


def update_values(params: dict[str, Any], grad: float) -> tuple[float | None, float]:
    j = params["update"] - 1 if params["loss"] == "ce" else 0
    w, lr = params["w"][j], params["lr"]
    if params["optimizer"] == "sgd":
        return None, w - lr * grad
    beta, v = params["momentum"], params["velocity"]
    if params["momentum_form"] == "add-grad":
        v_new = beta * v + grad
        return v_new, w - lr * v_new
    v_new = beta * v - lr * grad
    return v_new, w + v_new


def scenario_training(params: dict[str, Any]) -> Solution:
    vals = training_values(params)
    a, gamma, beta, keep, mask = params["a"], params["gamma"], params["beta"], params["keep"], params["mask"]
    m = len(a)
    steps = [
        Step(title=Bi("批量规范化：先求这个 mini-batch 的均值与方差（除以 m，忽略 ε）",
                      "Batch norm: mean and variance of the mini-batch (divide by m, ε ignored)"), part="bn",
             formula="mu_B = 1/m sum_i a_i, quad sigma_B^2 = 1/m sum_i (a_i - mu_B)^2",
             work=f"mu_B = ({' + '.join(p(x) for x in a)})/{m}",
             result=f"mu_B = {num(vals['mu'])}, quad sigma_B^2 = {num(vals['var'])}, quad sigma_B = {num(vals['sd'])}"),
        Step(title=Bi("标准化后再缩放平移", "Normalize, then scale and shift"), part="bn",
             formula="y_i = gamma (a_i - mu_B)/sigma_B + beta",
             work="; ".join(f"{p(gamma)} dot ({p(x)} - {p(vals['mu'])})/{num(vals['sd'])} + {p(beta)}" for x in a),
             result="y approx " + vec(vals["bn"])),
        Step(title=Bi(f"inverted dropout：乘以掩码，再除以保留概率 {num(keep)}",
                      f"Inverted dropout: apply the mask, then divide by the keep probability {num(keep)}"),
             part="dropout", formula="d_i = r_i y_i / q",
             work="; ".join(f"{mk} dot {p(y)}/{num(keep)}" for mk, y in zip(mask, vals["bn"])),
             result="d approx " + vec(vals["dropout"])),
    ]
    d = vals["dropout"]
    if params["loss"] == "mse":
        t = params["targets"]
        steps += [
            Step(title=Bi("输出层与均方误差损失", "Output layer and mean squared error"), part="loss",
                 formula="o_i = w d_i + b, quad L = 1/m sum_i (o_i - t_i)^2",
                 work="o approx " + vec(vals["out"]) + "; quad L = (" +
                      " + ".join(f"({num(o)} - {p(y)})^2" for o, y in zip(vals["out"], t)) + f")/{m}",
                 result=f"L approx {num(vals['loss'])}"),
            Step(title=Bi("损失对权重 w 的梯度", "Gradient of the loss with respect to w"), part="grad",
                 formula="(partial L)/(partial w) = 2/m sum_i (o_i - t_i) d_i",
                 work=f"2/{m} dot (" + " + ".join(f"({num(o - y)}) dot {p(v)}" for o, y, v in
                                                  zip(vals["out"], t, d)) + ")",
                 result=f"(partial L)/(partial w) approx {num(vals['grad'])}"),
        ]
        wname = "w"
    else:
        s, c, j = params["sample"], params["label"], params["update"]
        z = vals["z"]
        steps += [
            Step(title=Bi(f"第 {s} 个样本的类别得分", f"Class scores of sample {s}"), part="probs",
                 formula=f"z_k = w_k d_{s} + b_k",
                 work="; ".join(f"{p(wk)} dot {p(d[s - 1])} + {p(bk)}" for wk, bk in zip(params["w"], params["b"])),
                 result="z approx " + vec(z)),
            Step(title=Bi("softmax 得到各类概率", "Softmax gives the class probabilities"), part="probs",
                 formula="p_k = exp(z_k) / sum_j exp(z_j)",
                 work=" + ".join(f"exp({num(zk)})" for zk in z) + f" approx {num(sum(math.exp(v) for v in z))}",
                 result="p approx " + vec(vals["probs"])),
            Step(title=Bi(f"交叉熵损失：真实类别为第 {c} 类", f"Cross-entropy loss: the true class is {c}"), part="loss",
                 formula=f"L = -ln p_{c}", work=f"-ln {num(vals['probs'][c - 1])}",
                 result=f"L approx {num(vals['loss'])}"),
            Step(title=Bi(f"对 $w_{j}$ 的梯度：softmax 交叉熵对得分 $z_k$ 的梯度为 $p_k - t_k$（$t$ 为真实类别的 "
                          f"one-hot 向量），再乘以 $d_{s}$",
                          f"Gradient for $w_{j}$: the softmax cross-entropy gradient for the score $z_k$ is "
                          f"$p_k - t_k$ ($t$ is the one-hot true class), times $d_{s}$"), part="grad",
                 formula=f"(partial L)/(partial w_{j}) = (p_{j} - t_{j}) d_{s}",
                 work=f"({num(vals['probs'][j - 1])} - {1 if j == c else 0}) dot {p(d[s - 1])}",
                 result=f"(partial L)/(partial w_{j}) approx {num(vals['grad'])}"),
        ]
        wname = f"w_{j}"
    g = vals["grad"]
    w_old = params["w"][params["update"] - 1 if params["loss"] == "ce" else 0]
    lr = params["lr"]
    if params["optimizer"] == "sgd":
        steps.append(Step(title=Bi("SGD 更新", "SGD update"), part="w_new", formula=f"{wname} arrow.l {wname} - eta g",
                          work=f"{p(w_old)} - {num(lr)} dot {p(g)}", result=f"{wname} approx {num(vals['w_new'])}"))
    elif params["momentum_form"] == "add-grad":
        steps += [
            Step(title=Bi("动量：更新速度", "Momentum: update the velocity"), part="w_new",
                 formula="v arrow.l mu v + g", work=f"{num(params['momentum'])} dot {p(params['velocity'])} + {p(g)}",
                 result=f"v approx {num(vals['v_new'])}"),
            Step(title=Bi("沿速度方向更新权重", "Move the weight along the velocity"), part="w_new",
                 formula=f"{wname} arrow.l {wname} - eta v", work=f"{p(w_old)} - {num(lr)} dot {p(vals['v_new'])}",
                 result=f"{wname} approx {num(vals['w_new'])}"),
        ]
    else:
        steps += [
            Step(title=Bi("动量：更新速度", "Momentum: update the velocity"), part="w_new",
                 formula="v arrow.l mu v - eta g",
                 work=f"{num(params['momentum'])} dot {p(params['velocity'])} - {num(lr)} dot {p(g)}",
                 result=f"v approx {num(vals['v_new'])}"),
            Step(title=Bi("权重加上速度", "Add the velocity to the weight"), part="w_new",
                 formula=f"{wname} arrow.l {wname} + v", work=f"{p(w_old)} + {p(vals['v_new'])}",
                 result=f"{wname} approx {num(vals['w_new'])}"),
        ]
    spec_m = VectorSpec(m, decimals=4)
    parts = [
        Part("bn", _lbl("a", "批量规范化的输出 y", "Batch-norm output y"), spec_m, _r(vals["bn"]), weight=1.5),
        Part("dropout", _lbl("b", "dropout 后的输出 d", "Output d after dropout"), spec_m, _r(vals["dropout"]),
             depends_on=("bn",)),
    ]
    if params["loss"] == "ce":
        parts.append(Part("probs", _lbl("c", "softmax 概率", "Softmax probabilities"), VectorSpec(len(params["w"]),
                          decimals=4), _r(vals["probs"]), depends_on=("dropout",)))
        parts.append(Part("loss", _lbl("c", "交叉熵损失", "Cross-entropy loss"), NumberSpec(decimals=4),
                          round_answer(vals["loss"]), depends_on=("probs",)))
        parts.append(Part("grad", _lbl("d", f"梯度 ∂L/∂w_{params['update']}", f"Gradient ∂L/∂w_{params['update']}"),
                          NumberSpec(decimals=4), round_answer(g), depends_on=("probs", "dropout")))
    else:
        parts.append(Part("loss", _lbl("c", "均方误差损失", "Mean squared error"), NumberSpec(decimals=4),
                          round_answer(vals["loss"]), depends_on=("dropout",)))
        parts.append(Part("grad", _lbl("d", "梯度 ∂L/∂w", "Gradient ∂L/∂w"), NumberSpec(decimals=4), round_answer(g),
                          depends_on=("dropout",)))
    parts.append(Part("w_new", _lbl("e", "更新后的权重", "Updated weight"), NumberSpec(decimals=4),
                      round_answer(vals["w_new"]), depends_on=("grad",)))
    return Solution(parts, steps)


def scenario_training_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    probs = earlier.get("probs")
    if probs is not None and (not all_in(probs, 0, 1, open_lo=True) or abs(sum(probs) - 1) > 0.02):
        return None  # not a softmax output
    if part == "dropout":
        return dropout_values(params, list(earlier["bn"]))
    if part == "probs":
        return loss_values(params, list(earlier["dropout"]))["probs"]
    if part == "loss":
        if params["loss"] == "mse":
            return loss_values(params, list(earlier["dropout"]))["loss"]
        return -math.log(earlier["probs"][params["label"] - 1])
    if part == "grad":
        if params["loss"] == "mse":
            return loss_values(params, list(earlier["dropout"]))["grad"]
        j, c, s = params["update"] - 1, params["label"] - 1, params["sample"] - 1
        return (earlier["probs"][j] - (1 if j == c else 0)) * earlier["dropout"][s]
    if part == "w_new":
        return update_values(params, float(earlier["grad"]))[1]
    return None


# ---------------------------------------------------------------- sampler and prompt
def _patterns() -> list[tuple[int, int, int, int]]:
    """Integer deviations (sum 0) whose population standard deviation is a whole number and that are not all ±σ."""
    out = []
    for a in range(-6, 7):
        for b in range(-6, 7):
            for c in range(-6, 7):
                d = -(a + b + c)
                if not -6 <= d <= 6:
                    continue
                ss = a * a + b * b + c * c + d * d
                if ss == 0 or ss % 4:
                    continue
                sd = int(round((ss // 4) ** 0.5))
                if sd * sd * 4 != ss or len({abs(a), abs(b), abs(c), abs(d)}) == 1:
                    continue
                out.append((a, b, c, d))
    return out


_PATTERNS = _patterns()


def sample_train(rng: random.Random) -> dict[str, Any]:
    loss = pick(rng, ["mse", "ce"])
    optimizer = pick(rng, ["sgd", "momentum", "momentum"])
    while True:
        dev = pick(rng, _PATTERNS)
        scale = pick(rng, [0.5, 1, 1, 2])
        centre = rng.randint(-4, 6) + pick(rng, [0, 0, 0.5])
        a = [round(centre + scale * d, 1) for d in dev]
        params: dict[str, Any] = {
            "a": a, "gamma": _tenth(rng, 5, 20), "beta": _tenth(rng, -10, 10), "keep": pick(rng, [0.5, 0.8, 0.8]),
            "mask": [1] * 4, "loss": loss,
        }
        while sum(params["mask"]) in (0, 1, 4):
            params["mask"] = [1 if rng.random() < 0.7 else 0 for _ in range(4)]
        if loss == "mse":
            params["w"] = [_tenth(rng, -15, 15, True)]
            params["b"] = [_tenth(rng, -5, 5)]
            params["targets"] = [_tenth(rng, -20, 20) for _ in range(4)]
        else:
            params["w"] = [_tenth(rng, -15, 15, True) for _ in range(3)]
            params["b"] = [_tenth(rng, -5, 5) for _ in range(3)]
            params["sample"] = pick(rng, [i + 1 for i, v in enumerate(params["mask"]) if v])
            params["label"] = rng.randint(1, 3)
            params["update"] = rng.randint(1, 3)
        params["optimizer"] = optimizer
        params["lr"] = pick(rng, [0.1, 0.1, 0.05, 0.01, 0.5])
        if optimizer == "momentum":
            params["momentum"] = pick(rng, [0.9, 0.9, 0.8, 0.5])
            params["velocity"] = _tenth(rng, -10, 10, True)
            params["momentum_form"] = pick(rng, ["add-grad", "sub-lr"])
        vals = training_values(params)
        if abs(vals["grad"]) < 0.01 or abs(vals["w_new"] - params["w"][params.get("update", 1) - 1]) < 0.001:
            continue
        if loss == "ce" and not 0.02 < vals["probs"][params["label"] - 1] < 0.98:
            continue
        return params


def prompt_train(params: dict[str, Any]) -> Prompt:
    a, mask = params["a"], params["mask"]
    m = len(a)
    q = num(params["keep"])
    batch = ", ".join(num(v) for v in a)
    bn_zh = (f"某隐藏单元在一个 mini-batch（${m}$ 个样本）上的预激活值为 $a = ({batch})$。先做批量规范化"
             f"（$gamma = {num(params['gamma'])}$，$beta = {num(params['beta'])}$，方差除以 $m$，忽略 $epsilon$），"
             f"再做 inverted dropout（保留概率 $q = {q}$，掩码 $r = ({', '.join(map(str, mask))})$，1 表示保留，"
             f"保留下来的值除以 $q$）。")
    bn_en = (f"One hidden unit has pre-activations $a = ({batch})$ over a mini-batch of ${m}$ samples. They go through "
             f"batch norm ($gamma = {num(params['gamma'])}$, $beta = {num(params['beta'])}$, variance divided by $m$, "
             f"$epsilon$ ignored) and then inverted dropout (keep probability $q = {q}$, mask "
             f"$r = ({', '.join(map(str, mask))})$ with 1 = kept; kept values are divided by $q$).")
    if params["optimizer"] == "sgd":
        opt_zh = f"用 SGD（学习率 $eta = {num(params['lr'])}$）"
        opt_en = f"with SGD (learning rate $eta = {num(params['lr'])}$)"
    else:
        rule = ("$v arrow.l mu v + g$, $w arrow.l w - eta v$" if params["momentum_form"] == "add-grad"
                else "$v arrow.l mu v - eta g$, $w arrow.l w + v$")
        opt_zh = (f"用动量法（{rule.replace('$, $', '$，$')}，$g$ 为 (d) 中的梯度，$mu = {num(params['momentum'])}$，"
                  f"$eta = {num(params['lr'])}$，当前速度 $v = {num(params['velocity'])}$）")
        opt_en = (f"with momentum ({rule}, where $g$ is the gradient of (d), $mu = {num(params['momentum'])}$, "
                  f"$eta = {num(params['lr'])}$, current velocity $v = {num(params['velocity'])}$)")
    if params["loss"] == "mse":
        t = ", ".join(num(v) for v in params["targets"])
        w, b = num(params["w"][0]), num(params["b"][0])
        out_zh = (f"输出层为 $o_i = w d_i + b$（$w = {w}$，$b = {b}$），目标值 $t = ({t})$，损失为均方误差 "
                  f"$L = 1/m sum_i (o_i - t_i)^2$。")
        out_en = (f"The output layer is $o_i = w d_i + b$ ($w = {w}$, $b = {b}$), the targets are $t = ({t})$ and the "
                  f"loss is the mean squared error $L = 1/m sum_i (o_i - t_i)^2$.")
        asks = _asks([("a", Bi("批量规范化的输出 $y$", "the batch-norm output $y$")),
                      ("b", Bi("dropout 后的输出 $d$", "the output $d$ after dropout")),
                      ("c", Bi("损失 $L$", "the loss $L$")),
                      ("d", Bi("梯度 $(partial L)/(partial w)$", "the gradient $(partial L)/(partial w)$")),
                      ("e", Bi(f"{opt_zh}更新一步后的 $w$", f"$w$ after one update {opt_en}"))])
    else:
        s, c, j = params["sample"], params["label"], params["update"]
        ws = ", ".join(num(v) for v in params["w"])
        bs = ", ".join(num(v) for v in params["b"])
        k = len(params["w"])
        out_zh = (f"第 ${s}$ 个样本的 ${k}$ 个类别得分为 $z_k = w_k d_{s} + b_k$（$w = ({ws})$，$b = ({bs})$），"
                  f"经 softmax 后计算交叉熵损失，其真实类别为第 ${c}$ 类（本步只用这个样本的损失更新；"
                  f"样本和类别都从 1 开始编号）。")
        out_en = (f"For sample ${s}$ the ${k}$ class scores are $z_k = w_k d_{s} + b_k$ ($w = ({ws})$, $b = ({bs})$); "
                  f"a softmax and the cross-entropy loss follow, and its true class is class ${c}$ (this update uses "
                  f"only this sample's loss; samples and classes are numbered from 1).")
        asks = _asks([("a", Bi("批量规范化的输出 $y$", "the batch-norm output $y$")),
                      ("b", Bi("dropout 后的输出 $d$", "the output $d$ after dropout")),
                      ("c", Bi("softmax 概率 $p$ 与损失 $L$", "the softmax probabilities $p$ and the loss $L$")),
                      ("d", Bi(f"梯度 $(partial L)/(partial w_{j})$", f"the gradient $(partial L)/(partial w_{j})$")),
                      ("e", Bi(f"{opt_zh}更新一步后的 $w_{j}$", f"$w_{j}$ after one update {opt_en}"))])
    zh = f"{bn_zh}{out_zh}结果保留四位小数。求：{asks.zh}"
    en = f"{bn_en} {out_en} Give 4 decimals. Find {asks.en}"
    return Prompt(Bi(zh, en))


# ---------------------------------------------------------------- typical mistakes
def _bn_other(params: dict[str, Any], ddof: int = 0, affine: bool = True) -> dict[str, Any] | None:
    """Batch norm with the variance divided by m − ddof, or without γ and β."""
    if not affine and params["gamma"] == 1 and params["beta"] == 0:
        return None
    a = params["a"]
    mu = sum(a) / len(a)
    sd = math.sqrt(sum((x - mu) ** 2 for x in a) / (len(a) - ddof))
    g, b = (params["gamma"], params["beta"]) if affine else (1, 0)
    return {"bn": [g * (x - mu) / sd + b for x in a]}


def _dropout_unscaled(params: dict[str, Any]) -> dict[str, Any] | None:
    """Dropout that only applies the mask (the kept values not divided by q)."""
    if params["keep"] == 1:
        return None
    return {"dropout": [mk * y for mk, y in zip(params["mask"], training_values(params)["bn"])]}


def _grad_other(params: dict[str, Any]) -> dict[str, Any] | None:
    """MSE: the gradient without the factor 2; cross-entropy: p_j d_s without subtracting 1 for the true class."""
    vals = training_values(params)
    d = vals["dropout"]
    if params["loss"] == "mse":
        m = len(d)
        return {"grad": sum((o - y) * v for o, y, v in zip(vals["out"], params["targets"], d)) / m}
    if params["update"] != params["label"]:
        return None
    return {"grad": vals["probs"][params["update"] - 1] * d[params["sample"] - 1]}


def _momentum_ignored(params: dict[str, Any]) -> dict[str, Any] | None:
    """A plain SGD step where the question asks for momentum."""
    if params["optimizer"] != "momentum":
        return None
    return {"w_new": update_values({**params, "optimizer": "sgd"}, training_values(params)["grad"])[1]}


MISTAKES = (
    Mistake("unbiased-variance", Bi("方差除以了 m − 1（无偏估计）；BN 用有偏方差，除以 m", "divided the variance by "
            "m − 1 (unbiased); batch norm divides by m"), "Batch norm: mean and variance",
            lambda p: _bn_other(p, ddof=1)),
    Mistake("forgot-gamma-beta", Bi("标准化后忘了乘 γ、加 β", "forgot to scale by γ and shift by β after normalizing"),
            "Normalize, then scale", lambda p: _bn_other(p, affine=False)),
    Mistake("dropout-no-rescale", Bi("inverted dropout 只乘了掩码，没有把保留的值除以 q",
            "applied the mask only: inverted dropout also divides the kept values by q"), "Inverted dropout",
            _dropout_unscaled),
    Mistake("gradient-term-missing", Bi("梯度漏了一项：MSE 的梯度有系数 2；softmax 交叉熵对真实类别的得分梯度是 p − 1",
            "left a term out of the gradient: the MSE gradient has the factor 2; for the true class the softmax "
            "cross-entropy gradient is p − 1"), ("Gradient of the loss", "Gradient for"), _grad_other),
    Mistake("momentum-ignored", Bi("没有用动量，直接做了一步 SGD：w − ηg", "ignored the momentum and took a plain SGD "
            "step w − ηg"), "Momentum: update the velocity", _momentum_ignored),
)


register(Kind(
    name="scenario-training-step", chapter="training", section="comprehensive", points=12,
    title=Bi("综合：一次完整的训练步", "Comprehensive: one full training step"),
    summary=Bi("批量规范化 → inverted dropout → 损失（MSE 或 softmax 交叉熵）→ 梯度 → SGD/动量更新",
               "Batch norm → inverted dropout → loss (MSE or softmax cross-entropy) → gradient → SGD/momentum update"),
    conventions=Bi("BN 方差除以 m、忽略 ε；dropout 保留值除以 q；样本和类别从 1 开始编号；保留四位小数；后面的小问按你前面的答案继续计算也给分",
                   "BN variance divided by m, ε ignored; dropout divides kept values by q; samples and classes "
                   "numbered from 1; 4 decimals; later parts earn credit when carried forward"),
    variants=("MSE over the batch", "softmax cross-entropy of one sample", "SGD", "momentum (two conventions)"),
    sample=_nondegenerate(sample_train, scenario_training), prompt=prompt_train, solve=reusing(scenario_training),
    schema=TRAIN_SCHEMA,
    carry_forward=scenario_training_carry_forward, mistakes=MISTAKES,
    example={"a": [1.0, 3.0, 3.0, 9.0], "gamma": 1.0, "beta": 0.5, "keep": 0.8, "mask": [1, 0, 1, 1], "loss": "mse",
             "w": [0.5], "b": [0.1], "targets": [0.0, 1.0, 1.0, 2.0], "optimizer": "momentum", "lr": 0.1,
             "momentum": 0.9, "velocity": 0.2, "momentum_form": "add-grad"},
))
