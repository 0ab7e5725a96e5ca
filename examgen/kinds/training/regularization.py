"""`regularization`: L1, L2 and elastic-net regularization.

Penalty value and gradient, one regularized gradient step, weight decay. Top to bottom: params schema, pure solver,
sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _ans, _m, all_in, _tenths, _tie_free, _tol, eq, pick, tup
from examgen.mathfmt import num, p, round_answer
from examgen.model import NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


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


# ---------------------------------------------------------------- solver
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
                 Part("w_new", Bi("更新后的权重", "Updated weights"), VectorSpec(n, decimals=4), _ans(new_w),
                      depends_on=("factor",))]
    else:
        g, lr = params["grad"], params["lr"]
        total = [gi + ri for gi, ri in zip(g, grad)]
        new_w = [v - lr * t for v, t in zip(w, total)]
        parts = [Part("total_grad", Bi("总梯度 ∇J", "Total gradient ∇J"), VectorSpec(n, decimals=4), _ans(total)),
                 Part("w_new", Bi("更新后的权重", "Updated weights"), VectorSpec(n, decimals=4), _ans(new_w),
                      depends_on=("total_grad",))]
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


def reg_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """The update from the student's decay factor (c·w − ηg) or total gradient (w − η∇J); ∇R never uses R(w)."""
    if part != "w_new":
        return None
    w, g, lr = params["w"], params["grad"], params["lr"]
    if params["ask"] == "decay":
        c = float(earlier["factor"])
        if not all_in(c, 0, 1, open_lo=True):  # 1 − ηλ (or 1 − 2ηλ) shrinks the weights: 0 < c ≤ 1
            return None
        return [c * v - lr * gi for v, gi in zip(w, g)]
    total = earlier["total_grad"]
    total = [float(t) for t in (total if isinstance(total, list) else [total])]
    return [v - lr * t for v, t in zip(w, total)] if len(total) == len(w) else None


# ---------------------------------------------------------------- sampler and prompt
def _reg_visible(params: dict[str, Any]) -> bool:
    """Forgetting the penalty must give a wrong answer: its share of every gradient and of every update is well
    outside the grading tolerance, and a decay factor is clearly below 1."""
    _, grad = reg_penalty(params)
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


# ---------------------------------------------------------------- typical mistakes
def _reg_wrong(params: dict[str, Any], *, l2_other_form: bool = False, l1_like_l2: bool = False,
               no_penalty: bool = False) -> dict[str, Any]:
    """The answers of a student who takes the other L2 form's coefficient (λ/2 vs λ), differentiates |w| as if it
    were w²/2 (gradient λ₁w), or leaves the penalty out of the update."""
    w, kind, ask = params["w"], params["penalty"], params["ask"]
    half = (params.get("l2_form", "half") == "half") != l2_other_form
    r, grad = 0.0, [0.0] * len(w)
    if kind in ("l1", "elastic"):
        r += params["lam1"] * sum(abs(v) for v in w)
        grad = [gi + params["lam1"] * (v if l1_like_l2 else _sign(v)) for gi, v in zip(grad, w)]
    if kind in ("l2", "elastic"):
        c = 0.5 if half else 1.0
        r += c * params["lam2"] * sum(v * v for v in w)
        grad = [gi + 2 * c * params["lam2"] * v for gi, v in zip(grad, w)]
    if no_penalty:
        grad = [0.0] * len(w)
    if ask == "penalty":
        return {"penalty": r, "grad": grad}
    lr, g = params["lr"], params["grad"]
    if ask == "decay":
        factor = 1 - (1 if half else 2) * lr * params["lam2"] if not no_penalty else 1.0
        return {"factor": factor, "w_new": [factor * v - lr * gi for v, gi in zip(w, g)]}
    total = [gi + ri for gi, ri in zip(g, grad)]
    return {"total_grad": total, "w_new": [v - lr * t for v, t in zip(w, total)]}


def _reg_mistake(applies: Any, **how: bool) -> Any:
    def wrong(params: dict[str, Any]) -> dict[str, Any] | None:
        if not applies(params):
            return None
        right, bad = _reg_wrong(params), _reg_wrong(params, **how)
        return {k: v for k, v in bad.items() if v != right[k]} or None
    return wrong


MISTAKES = (
    Mistake("l2-coefficient-form", Bi("L2 正则项的形式弄错了：(λ₂/2)Σw² 的梯度是 λ₂w，λ₂Σw² 的梯度是 2λ₂w，"
            "要看本题用的是哪一种", "mixed up the L2 form: whether the penalty is (λ₂/2)Σw² or λ₂Σw² decides "
            "whether the gradient is λ₂w or 2λ₂w"), ("Gradient of the penalty", "The L2 gradient"),
            _reg_mistake(lambda p: p["penalty"] != "l1", l2_other_form=True)),
    Mistake("l1-gradient-as-weight", Bi("把 L1 正则项的梯度写成了 λ₁w；λ₁|w| 的次梯度是 λ₁·sign(w)", "took λ₁w as the L1 "
            "gradient; the subgradient of |w| is λ₁·sign(w)"), "Gradient of the penalty",
            _reg_mistake(lambda p: p["penalty"] != "l2" and p["ask"] != "decay", l1_like_l2=True)),
    Mistake("penalty-left-out", Bi("更新时漏了正则项的梯度，只用了数据损失的梯度", "left the penalty's gradient out of "
            "the update and used only the data-loss gradient"),
            ("Total gradient", "The L2 gradient"), _reg_mistake(lambda p: p["ask"] != "penalty", no_penalty=True)),
)


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
    sample=_tie_free(sample_regularization, lambda p: regularization(p, steps_wanted=False)),
    prompt=prompt_regularization, solve=regularization, schema=REG_SCHEMA, carry_forward=reg_carry_forward,
    example={"penalty": "l2", "ask": "step", "w": [0.5, -1.2, 2.0], "lam2": 0.1, "l2_form": "half",
             "grad": [0.3, -0.4, 0.1], "lr": 0.1},
    mistakes=MISTAKES,
))
