"""`activation`: Activation functions and their derivatives.

Values and derivatives of sigmoid, tanh, ReLU, leaky ReLU; products of sigmoid derivatives and vanishing gradients.
Top to bottom: params schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _ans, all_in, _m, _tenths, _tie_free, pick, sci, tup
from examgen.mathfmt import num, p, round_answer
from examgen.model import NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


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


# ---------------------------------------------------------------- solver
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
        Part("derivative", Bi(f"{name} 的导数值", f"{name} derivatives"), VectorSpec(n, decimals=4), _ans(df),
             depends_on=("value",) if fn in ("sigmoid", "tanh") else ()),
    ]
    return Solution(parts, steps)


def activation_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """The derivative from the student's function values: σ(1 − σ) or 1 − tanh² (ReLU's depends on x alone)."""
    if part != "derivative" or params["function"] not in ("sigmoid", "tanh"):
        return None
    vals = [float(v) for v in earlier["value"]]
    if params["function"] == "sigmoid":  # σ ∈ (0, 1)
        return [v * (1 - v) for v in vals] if all_in(vals, 0, 1, open_lo=True, open_hi=True) else None
    if not all_in(vals, -1, 1, open_lo=True, open_hi=True):  # tanh ∈ (−1, 1)
        return None
    return [1 - v * v for v in vals]


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


# ---------------------------------------------------------------- sampler and prompt
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
        # relu with 1.0 as its only positive input has f(x) = f'(x): the derivative part would accept the values
        if any(x > 0 for x in xs) and any(x < 0 for x in xs) and (fn != "relu" or any(x > 0 and x != 1.0 for x in xs)):
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


# ---------------------------------------------------------------- typical mistakes
def _derivative_of(params: dict[str, Any], rule: Any) -> dict[str, Any] | None:
    """sigmoid / tanh derivatives from a wrong `rule(x, f(x))`; for the chain, their product."""
    if params["function"] not in ("sigmoid", "tanh"):
        return None
    xs = params["inputs"]
    f = activation_values(params["function"], xs)[0] if params["ask"] == "values" else [sigmoid(z) for z in xs]
    ds = [rule(x, v) for x, v in zip(xs, f)]
    return {"derivative": ds} if params["ask"] == "values" else {"product": math.prod(ds)}


# (x, f(x)) -> derivative: the right sigmoid and tanh forms, and the same forms fed the input x instead of f(x)
_SIG_FORM, _TANH_FORM = (lambda x, v: v * (1 - v)), (lambda x, v: 1 - v * v)
_ON_INPUT = {"sigmoid": lambda x, v: x * (1 - x), "tanh": lambda x, v: 1 - x * x}
_SWAPPED = {"sigmoid": _TANH_FORM, "tanh": _SIG_FORM}


MISTAKES = (
    Mistake("derivative-of-input", Bi("导数公式里代入了输入 x 而不是函数值（如 σ'(x) 写成 x(1 − x)）",
            "put the input x into the derivative formula instead of the function value (e.g. σ'(x) as x(1 − x))"),
            ("The sigmoid derivative", "The tanh derivative", "Sigmoid value and derivative"),
            lambda q: _derivative_of(q, _ON_INPUT.get(q["function"]))),
    Mistake("sigmoid-tanh-derivative-swapped", Bi("把 sigmoid 与 tanh 的导数公式用反了（σ(1 − σ) 与 1 − tanh²）",
            "swapped the sigmoid and tanh derivative formulas (σ(1 − σ) vs 1 − tanh²)"),
            ("The sigmoid derivative", "The tanh derivative", "Sigmoid value and derivative"),
            lambda q: _derivative_of(q, _SWAPPED.get(q["function"]))),
    Mistake("leaky-derivative-zero", Bi("把 Leaky ReLU 在负区间的导数当成了 0（那是 ReLU 的导数），应为 α", "took the leaky ReLU "
            "derivative for negative inputs as 0 (that is ReLU); it is α"), "Leaky ReLU derivative",
            lambda q: {"derivative": activation_values("relu", q["inputs"])[1]} if q["function"] == "leaky_relu" else None),
)


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
    sample=_tie_free(sample_activation, activation), prompt=prompt_activation, solve=activation,
    schema=ACT_SCHEMA, carry_forward=activation_carry_forward,
    example={"function": "sigmoid", "ask": "values", "inputs": [-1.0, 0.0, 2.0]},
    mistakes=MISTAKES,
))
