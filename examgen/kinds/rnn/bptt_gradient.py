"""`bptt-gradient`: Vanishing and exploding gradients in an RNN.

BPTT: the gradient is a product of factors w(1 − h_t²). Top to bottom: params schema, pure solver, sampler, prompt,
registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _r, pick
from examgen.kinds.rnn._shared import _tenth, _v
from examgen.mathfmt import num, p, round_answer
from examgen.model import NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


_MODES = ("given-h", "given-pre", "steps", "compare")


def _check_bptt(params: dict[str, Any]) -> None:
    mode = params["mode"]
    need = {"given-h": ("h",), "given-pre": ("pre",), "steps": ("state", "threshold"), "compare": ("state", "T")}
    allowed = set(need[mode])
    for key in ("h", "pre", "state", "threshold", "T"):
        if key in allowed and params.get(key) is None:
            raise ParamError(f"mode {mode} needs '{key}'")
        if key not in allowed and params.get(key) is not None:
            raise ParamError(f"'{key}' is not used with mode {mode}")
    w = params["w"]
    if len(w) != (2 if mode == "compare" else 1):
        raise ParamError("w must be one weight (two weights [small, large] for mode compare)")
    if any(v == 0 for v in w):
        raise ParamError("w must not be 0")
    if mode == "given-h" and any(abs(v) >= 1 for v in params["h"]):
        raise ParamError("hidden states of a tanh RNN lie strictly between -1 and 1")
    if mode in ("steps", "compare") and abs(params["state"]) >= 1:
        raise ParamError("the hidden state of a tanh RNN lies strictly between -1 and 1")
    if mode == "steps":
        f = abs(bptt_factor(w[0], params["state"]))
        thr = params["threshold"]
        if thr <= 0 or thr == 1:
            raise ParamError("threshold must be positive and not 1")
        if (thr < 1) != (f < 1) or f == 1:
            raise ParamError(f"|f| = {f:g}: a threshold below 1 needs |f| < 1 (vanishing), above 1 needs |f| > 1")
        if steps_until(f, thr) is None or steps_until(f, thr) > 10000:
            raise ParamError("the gradient takes too many steps to cross the threshold")
    if mode == "compare" and params["T"] < 1:
        raise ParamError("T must be at least 1")


BPTT_SCHEMA = Schema({
    "mode": Param("str", "given-h, given-pre, steps or compare", choices=_MODES),
    "w": Param("floats", "recurrent weight w (two weights [small, large] for compare)"),
    "h": Param("floats", "hidden states h_1 … h_T (given-h)", optional=True),
    "pre": Param("floats", "pre-activations a_1 … a_T (given-pre)", optional=True),
    "state": Param("float", "constant hidden state h (steps, compare)", optional=True),
    "threshold": Param("float", "threshold ε < 1 (vanishing) or M > 1 (exploding) (steps)", optional=True),
    "T": Param("int", "number of steps back (compare)", min=1, max=200, optional=True),
}, check=_check_bptt)


# ---------------------------------------------------------------- solver
def bptt_factor(w: float, h: float) -> float:
    """∂h_t/∂h_(t−1) = w·(1 − h_t²) for h_t = tanh(w h_(t−1) + u x_t + b)."""
    return w * (1 - h * h)


def steps_until(factor: float, threshold: float) -> int | None:
    """Smallest k ≥ 1 with |factor|^k < threshold (vanishing, threshold < 1) or > threshold (exploding)."""
    f = abs(factor)
    if f == 0 or f == 1 or threshold <= 0:
        return None
    if threshold < 1:
        if f > 1:
            return None
        k = max(1, math.ceil(math.log(threshold) / math.log(f)))
        while f ** k >= threshold:
            k += 1
        while k > 1 and f ** (k - 1) < threshold:
            k -= 1
        return k
    if f < 1:
        return None
    k = max(1, math.ceil(math.log(threshold) / math.log(f)))
    while f ** k <= threshold:
        k += 1
    while k > 1 and f ** (k - 1) > threshold:
        k -= 1
    return k


def _sig(x: float) -> str:
    """A number with 4 significant figures for display (tiny gradients stay readable)."""
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    return num(x, max(4, 3 - mag))


def sig_spec(x: float, figures: int = 3) -> NumberSpec:
    """A number asked to `figures` significant figures: as many decimals as that needs (so the key is shown
    with them), graded with the usual 1 % relative tolerance."""
    if x == 0:
        return NumberSpec(decimals=figures)
    return NumberSpec(decimals=max(0, figures - 1 - math.floor(math.log10(abs(x)))))


def _behaviour(value: float) -> Bi:
    if abs(value) < 1:
        return Bi("绝对值小于 1：梯度随步数增加而指数衰减（梯度消失）。",
                  "Absolute value below 1: the gradient shrinks exponentially with the number of steps (vanishing).")
    return Bi("绝对值大于 1：梯度随步数增加而指数增长（梯度爆炸）。",
              "Absolute value above 1: the gradient grows exponentially with the number of steps (exploding).")


def bptt_values(params: dict[str, Any]) -> dict[str, Any]:
    mode = params["mode"]
    w = params["w"]
    out: dict[str, Any] = {}
    if mode in ("given-h", "given-pre"):
        hs = [math.tanh(a) for a in params["pre"]] if mode == "given-pre" else list(params["h"])
        out["h"] = hs
        out["factors"] = [bptt_factor(w[0], h) for h in hs]
        prod = 1.0
        for f in out["factors"]:
            prod *= f
        out["product"] = prod
    elif mode == "steps":
        out["factor"] = bptt_factor(w[0], params["state"])
        out["steps"] = steps_until(out["factor"], params["threshold"])
    elif mode == "compare":
        out["factors"] = [bptt_factor(wi, params["state"]) for wi in w]
        out["vanish"] = out["factors"][0] ** params["T"]
        out["explode"] = out["factors"][1] ** params["T"]
    else:
        raise ValueError(f"unknown mode {mode}")
    return out


def bptt_gradient(params: dict[str, Any]) -> Solution:
    mode = params["mode"]
    w = params["w"]
    vals = bptt_values(params)
    steps: list[Step] = []
    parts: list[Part] = []
    deriv = Step(title=Bi("链式法则：每经过一步，梯度乘上一个因子", "Chain rule: each step multiplies the gradient by one factor"),
                 formula="h_t = tanh(a_t), quad a_t = w h_(t-1) + u x_t + b",
                 work="(partial h_t)/(partial h_(t-1)) = (1 - tanh^2(a_t)) dot w",
                 result="(partial h_t)/(partial h_(t-1)) = w (1 - h_t^2)")
    steps.append(deriv)
    if mode in ("given-h", "given-pre"):
        T = len(vals["h"])
        if mode == "given-pre":
            steps.append(Step(title=Bi("由预激活值求各时刻的隐状态", "Hidden states from the pre-activations"),
                              part="h", formula="h_t = tanh(a_t)",
                              work="; ".join(f"tanh({num(a)})" for a in params["pre"]),
                              result="h = " + _v(vals["h"])))
        steps.append(Step(title=Bi("逐个时刻计算因子", "The factor at each time step"), part="factors",
                          formula="f_t = w (1 - h_t^2)",
                          work="; ".join(f"{p(w[0])} dot (1 - {p(h, 4)}^2)" for h in vals["h"]),
                          result="f = " + _v(vals["factors"])))
        chain = " dot ".join(f"f_{t}" for t in range(T, 0, -1))
        steps.append(Step(title=Bi(f"连乘得到 $h_{T}$ 对 $h_0$ 的梯度", f"Multiply them: the gradient of $h_{T}$ with "
                                   f"respect to $h_0$"), part="product",
                          formula=f"(partial h_{T})/(partial h_0) = {chain}",
                          work=" dot ".join(p(f) for f in reversed(vals["factors"])),
                          result=f"(partial h_{T})/(partial h_0) approx {_sig(vals['product'])}",
                          note=_behaviour(vals["product"]) if all(abs(f) < 1 for f in vals["factors"]) or
                          all(abs(f) > 1 for f in vals["factors"]) else None))
        if mode == "given-pre":
            parts.append(Part("h", Bi("各时刻隐状态 h_1 … h_T", "Hidden states h_1 … h_T"),
                              VectorSpec(T, decimals=4), _r(vals["h"])))
        parts.append(Part("factors", Bi("各步因子 ∂h_t/∂h_(t−1)", "Per-step factors ∂h_t/∂h_(t−1)"),
                          VectorSpec(T, decimals=4), _r(vals["factors"]),
                          depends_on=("h",) if mode == "given-pre" else ()))
        parts.append(Part("product", Bi(f"梯度 ∂h_{T}/∂h_0", f"Gradient ∂h_{T}/∂h_0"), sig_spec(vals["product"]),
                          round_answer(vals["product"]), depends_on=("factors",)))
    elif mode == "steps":
        a, thr = params["state"], params["threshold"]
        f, k = vals["factor"], vals["steps"]
        steps.append(Step(title=Bi("隐状态保持为常数时，每一步的因子都相同", "With a constant hidden state every factor is the same"),
                          part="factor", formula="f = w (1 - h^2)", work=f"{p(w[0])} dot (1 - {p(a)}^2)",
                          result=f"f = {num(f, 6)}", note=_behaviour(f)))
        vanish = thr < 1
        rel = "<" if vanish else ">"
        steps.append(Step(title=Bi(f"经过 $k$ 步后梯度为 $f^k$；求使 $abs(f)^k {rel} {num(thr)}$ 的最小整数 $k$",
                                   f"After $k$ steps the gradient is $f^k$; find the smallest whole $k$ with "
                                   f"$abs(f)^k {rel} {num(thr)}$"),
                          part="steps", formula=f"k > ln {num(thr)} / ln abs(f)",
                          work=f"ln {num(thr)} / ln {num(abs(f), 6)} approx "
                               f"{num(math.log(thr) / math.log(abs(f)), 3)}",
                          result=f"k = {k}"))
        steps.append(Step(title=Bi("验算", "Check"), part="steps",
                          work=f"abs(f)^{k - 1} approx {_sig(abs(f) ** (k - 1))}, quad abs(f)^{k} approx "
                               f"{_sig(abs(f) ** k)}",
                          result=f"k = {k}"))
        parts = [Part("factor", Bi("每一步的因子 f", "The per-step factor f"), NumberSpec(decimals=4), round_answer(f)),
                 Part("steps", Bi("所需的最少步数 k", "Smallest number of steps k"), NumberSpec(integer=True), k,
                      depends_on=("factor",))]
    else:
        a, T = params["state"], params["T"]
        f1, f2 = vals["factors"]
        steps.append(Step(title=Bi(f"两种权重下的因子（$h = {num(a)}$）", f"The factor for both weights ($h = {num(a)}$)"),
                          part="factors", formula="f = w (1 - h^2)",
                          work=f"{p(w[0])} dot (1 - {p(a)}^2); quad {p(w[1])} dot (1 - {p(a)}^2)",
                          result=f"f_1 = {num(f1, 6)}, quad f_2 = {num(f2, 6)}"))
        steps.append(Step(title=Bi(f"$w = {num(w[0])}$：回传 {T} 步", f"$w = {num(w[0])}$: back through {T} steps"),
                          part="vanish", formula=f"(partial h_{T})/(partial h_0) = f_1^{T}",
                          work=f"{p(f1, 6)}^{T}", result=f"approx {_sig(vals['vanish'])}", note=_behaviour(f1)))
        steps.append(Step(title=Bi(f"$w = {num(w[1])}$：回传 {T} 步", f"$w = {num(w[1])}$: back through {T} steps"),
                          part="explode", formula=f"(partial h_{T})/(partial h_0) = f_2^{T}",
                          work=f"{p(f2, 6)}^{T}", result=f"approx {_sig(vals['explode'])}", note=_behaviour(f2)))
        parts = [Part("factors", Bi("两种权重下每一步的因子", "Per-step factor for each weight"),
                      VectorSpec(2, decimals=4), _r(vals["factors"])),
                 Part("vanish", Bi(f"w = {num(w[0])} 时的梯度", f"Gradient for w = {num(w[0])}"),
                      sig_spec(vals["vanish"]),
                      round_answer(vals["vanish"]), depends_on=("factors",)),
                 Part("explode", Bi(f"w = {num(w[1])} 时的梯度", f"Gradient for w = {num(w[1])}"),
                      sig_spec(vals["explode"]),
                      round_answer(vals["explode"]), depends_on=("factors",))]
    return Solution(parts, steps)


def bptt_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    mode = params["mode"]
    w = params["w"]
    if part == "factors" and mode == "given-pre":
        return [bptt_factor(w[0], h) for h in earlier["h"]]
    if part == "product":
        prod = 1.0
        for f in earlier["factors"]:
            prod *= f
        return prod
    if part == "steps":
        return steps_until(float(earlier["factor"]), params["threshold"])
    if part in ("vanish", "explode"):
        f = earlier["factors"][0 if part == "vanish" else 1]
        return f ** params["T"]
    return None


# ---------------------------------------------------------------- sampler and prompt
def _w(rng: random.Random) -> float:
    v = _tenth(rng, 3, 20)
    return -v if rng.random() < 0.2 else v


def sample_bptt(rng: random.Random) -> dict[str, Any]:
    mode = pick(rng, _MODES)
    if mode == "given-h":
        T = pick(rng, [3, 4, 4, 5])
        while True:
            params = {"mode": mode, "w": [_w(rng)],
                      "h": [round(rng.choice([-1, 1]) * rng.randint(5, 90) / 100, 2) for _ in range(T)]}
            if 1e-4 <= abs(bptt_values(params)["product"]) <= 1e4:
                return params
    if mode == "given-pre":
        T = pick(rng, [2, 3, 3])
        while True:
            params = {"mode": mode, "w": [_w(rng)], "pre": [_tenth(rng, -20, 20, True) for _ in range(T)]}
            if 1e-4 <= abs(bptt_values(params)["product"]) <= 1e4:
                return params
    if mode == "steps":
        while True:
            w = _w(rng)
            a = round(rng.choice([-1, 1]) * rng.randint(5, 95) / 100, 2)
            f = abs(bptt_factor(w, a))
            if 0.98 <= f <= 1.02 or f < 0.05:
                continue
            thr = pick(rng, [0.1, 0.05, 0.01, 0.001, 0.0001]) if f < 1 else pick(rng, [10, 50, 100, 1000])
            k = steps_until(f, thr)
            if k is None or not 2 <= k <= 60:
                continue
            # a clear crossing: rounding f to 4 decimals cannot move k
            if f ** k > 0.97 * thr and f ** k < 1.03 * thr or 0.97 * thr < f ** (k - 1) < 1.03 * thr:
                continue
            return {"mode": mode, "w": [w], "state": a, "threshold": thr}
    while True:
        if rng.random() < 0.3:
            w = [0.5, 1.5]
        else:
            w = [_tenth(rng, 3, 9), _tenth(rng, 11, 20)]
        a = round(rng.randint(5, 50) / 100, 2)
        f1, f2 = w[0] * (1 - a * a), w[1] * (1 - a * a)
        T = rng.randint(5, 20)
        if f2 < 1.03 or f1 ** T < 1e-4 or f2 ** T > 1e4:
            continue
        return {"mode": mode, "w": w, "state": a, "T": T}


def prompt_bptt(params: dict[str, Any]) -> Prompt:
    mode, w = params["mode"], params["w"]
    model_zh = ("标量循环神经网络 $h_t = tanh(a_t)$，$a_t = w h_(t-1) + u x_t + b$。沿时间反向传播（BPTT）时，"
                "梯度每回传一步都要乘以 $(partial h_t)/(partial h_(t-1))$（提示：$tanh'(a) = 1 - tanh^2(a)$）。")
    model_en = ("A scalar RNN computes $h_t = tanh(a_t)$ with $a_t = w h_(t-1) + u x_t + b$. In backpropagation "
                "through "
                "time (BPTT) every step back multiplies the gradient by $(partial h_t)/(partial h_(t-1))$ (hint: "
                "$tanh'(a) = 1 - tanh^2(a)$).")
    sig_zh, sig_en = "保留三位有效数字", "3 significant figures"
    if mode in ("given-h", "given-pre"):
        key = "h" if mode == "given-h" else "pre"
        T = len(params[key])
        seq = ", ".join(num(v) for v in params[key])
        if mode == "given-h":
            rec_zh = f"前向传播记录下的隐状态为 $h_1, dots, h_{T} = {seq}$"
            rec_en = f"the forward pass recorded the hidden states $h_1, dots, h_{T} = {seq}$"
            ask_zh = (f"求：(1) 每一步的因子 $(partial h_t)/(partial h_(t-1))$，$t = 1, dots, {T}$（保留四位小数）；"
                      f"(2) 梯度 $(partial h_{T})/(partial h_0)$（{sig_zh}）。")
            ask_en = (f"Find (1) the factor $(partial h_t)/(partial h_(t-1))$ for $t = 1, dots, {T}$ (4 decimals) and "
                      f"(2) the gradient $(partial h_{T})/(partial h_0)$ ({sig_en}).")
        else:
            rec_zh = f"前向传播记录下的预激活值为 $a_1, dots, a_{T} = {seq}$"
            rec_en = f"the forward pass recorded the pre-activations $a_1, dots, a_{T} = {seq}$"
            ask_zh = (f"求：(1) 各时刻隐状态 $h_1, dots, h_{T}$（保留四位小数）；(2) 每一步的因子 "
                      f"$(partial h_t)/(partial h_(t-1))$（保留四位小数）；(3) 梯度 $(partial h_{T})/(partial h_0)$"
                      f"（{sig_zh}）。")
            ask_en = (f"Find (1) the hidden states $h_1, dots, h_{T}$ (4 decimals), (2) the factors "
                      f"$(partial h_t)/(partial h_(t-1))$ (4 decimals) and (3) the gradient "
                      f"$(partial h_{T})/(partial h_0)$ ({sig_en}).")
        zh = f"{model_zh}已知循环权重 $w = {num(w[0])}$，{rec_zh}。{ask_zh}"
        en = f"{model_en} The recurrent weight is $w = {num(w[0])}$ and {rec_en}. {ask_en}"
    elif mode == "steps":
        a, thr = params["state"], params["threshold"]
        if thr < 1:
            goal_zh = f"首次小于 $epsilon = {num(thr)}$（梯度消失）"
            goal_en = f"first falls below $epsilon = {num(thr)}$ (vanishing gradient)"
        else:
            goal_zh = f"首次大于 $M = {num(thr)}$（梯度爆炸）"
            goal_en = f"first exceeds $M = {num(thr)}$ (exploding gradient)"
        zh = (f"{model_zh}设循环权重 $w = {num(w[0])}$，且在一段很长的序列上隐状态几乎不变，始终为 $h_t = {num(a)}$。"
              f"求：(1) 每一步的因子 $f = (partial h_t)/(partial h_(t-1))$（保留四位小数）；(2) 回传 $k$ 步后的梯度大小 "
              f"$abs((partial h_t)/(partial h_(t-k))) = abs(f)^k$ {goal_zh}所需的最少步数 $k$。")
        en = (f"{model_en} Let $w = {num(w[0])}$ and suppose that over a long sequence the hidden state barely "
              f"changes, "
              f"staying at $h_t = {num(a)}$. Find (1) the per-step factor $f = (partial h_t)/(partial h_(t-1))$ "
              f"(4 decimals) and (2) the smallest number of steps $k$ for which the gradient size "
              f"$abs((partial h_t)/(partial h_(t-k))) = abs(f)^k$ {goal_en}.")
    else:
        a, T = params["state"], params["T"]
        zh = (f"{model_zh}两个这样的网络只有循环权重不同：$w_1 = {num(w[0])}$，$w_2 = {num(w[1])}$。假设沿序列两者的隐状态"
              f"都保持在 $h_t = {num(a)}$。求：(1) 两个网络每一步的因子 $f_1, f_2$（保留四位小数）；(2) 回传 ${T}$ 步后的"
              f"梯度 $(partial h_{T})/(partial h_0)$，分别对 $w_1$ 与 $w_2$ 作答（{sig_zh}），并说明哪个出现梯度消失、"
              f"哪个出现梯度爆炸。")
        en = (f"{model_en} Two such networks differ only in the recurrent weight: $w_1 = {num(w[0])}$ and "
              f"$w_2 = {num(w[1])}$. Suppose both keep the hidden state at $h_t = {num(a)}$ along the sequence. Find "
              f"(1) the per-step factors $f_1, f_2$ (4 decimals) and (2) the gradient $(partial h_{T})/(partial h_0)$ "
              f"after ${T}$ steps back for $w_1$ and for $w_2$ ({sig_en}); which one vanishes and which one explodes?")
    return Prompt(Bi(zh, en))


# ---------------------------------------------------------------- typical mistakes
def _with_factor(params: dict[str, Any], factor: Any) -> dict[str, Any] | None:
    """Every part redone with a wrong per-step factor `factor(w, h, a)` (a: the pre-activation, when given);
    None where the misconception does not apply (factor gives None)."""
    mode, w = params["mode"], params["w"]
    if mode in ("given-h", "given-pre"):
        pre = params["pre"] if mode == "given-pre" else [None] * len(params["h"])
        hs = [math.tanh(a) for a in pre] if mode == "given-pre" else list(params["h"])
        fs = [factor(w[0], h, a) for h, a in zip(hs, pre)]
        if None in fs:
            return None
        return {"factors": fs, "product": math.prod(fs)}
    fs = [factor(wi, params["state"], None) for wi in w]
    if None in fs:
        return None
    if mode == "steps":
        k = steps_until(fs[0], params["threshold"])
        return {"factor": fs[0]} if k is None else {"factor": fs[0], "steps": k}
    return {"factors": fs, "vanish": fs[0] ** params["T"], "explode": fs[1] ** params["T"]}


MISTAKES = (
    Mistake("forgot-tanh-derivative", Bi("每步因子只乘了 w，漏了 tanh 的导数 1 − h_t²",
            "took the per-step factor as w alone, leaving out tanh's derivative 1 − h_t²"), "Chain rule",
            lambda p: _with_factor(p, lambda w, h, a: w)),
    Mistake("sigmoid-derivative", Bi("把 tanh 的导数写成了 sigmoid 的导数 h_t(1 − h_t)；tanh′ = 1 − h_t²",
            "used the sigmoid's derivative h_t(1 − h_t) for tanh's, which is 1 − h_t²"), "Chain rule",
            lambda p: _with_factor(p, lambda w, h, a: w * h * (1 - h))),
    Mistake("derivative-at-pre-activation", Bi("导数代入了预激活值：w(1 − a_t²)，应为 w(1 − tanh²(a_t))",
            "put the pre-activation into the derivative, w(1 − a_t²), instead of w(1 − tanh²(a_t))"),
            "The factor at each time step",
            lambda p: _with_factor(p, lambda w, h, a: None if a is None else w * (1 - a * a))),
)


register(Kind(
    name="bptt-gradient", chapter="rnn", section="calculation", points=6,
    title=Bi("RNN 的梯度消失与梯度爆炸", "Vanishing and exploding gradients in an RNN"),
    summary=Bi("沿时间反向传播：梯度是各步因子 w(1 − h_t²) 的连乘", "BPTT: the gradient is a product of factors w(1 − h_t²)"),
    conventions=Bi("∂h_t/∂h_(t−1) = w(1 − h_t²)；因子保留四位小数，梯度保留三位有效数字；后面的小问按你前面的答案继续计算也给分",
                   "∂h_t/∂h_(t−1) = w(1 − h_t²); factors to 4 decimals, gradients to 3 significant figures; later "
                   "parts also earn credit when carried forward from your earlier answers"),
    variants=("recorded hidden states", "recorded pre-activations", "steps until vanishing / exploding",
              "w small vs w large"),
    sample=sample_bptt, prompt=prompt_bptt, solve=bptt_gradient, schema=BPTT_SCHEMA,
    carry_forward=bptt_carry_forward,
    example={"mode": "compare", "w": [0.5, 1.5], "state": 0.2, "T": 10},
    mistakes=MISTAKES,
))
