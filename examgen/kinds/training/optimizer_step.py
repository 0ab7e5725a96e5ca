"""`optimizer-step`: Optimizer update steps.

SGD with momentum, RMSProp and Adam with bias correction: one or two update steps. Top to bottom: params schema,
pure solver, sampler, prompt, registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _ans, _m, all_in, _nondegenerate, _tenths, _tie_free, eq, pick, sci, tup
from examgen.mathfmt import num, p, round_answer
from examgen.model import NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


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


# ---------------------------------------------------------------- solver
def _spec(n: int, d: int) -> NumberSpec | VectorSpec:
    return NumberSpec(decimals=d) if n == 1 else VectorSpec(n, decimals=d)


def _one(values: list[float]) -> Any:
    return round_answer(values[0]) if len(values) == 1 else _ans(values)


def _comp(fmt: Any, *cols: list[float]) -> str:
    """Per-component work joined by `;`: `_comp(lambda a, b: f"{a} + {b}", xs, ys)`."""
    return "; ".join(fmt(*vals) for vals in zip(*cols))


def optimizer_trace(params: dict[str, Any], rounded: bool = False) -> list[dict[str, list[float]]]:
    """The state after each step: keys w and the optimizer's state variables. `rounded`: every intermediate
    rounded as a student writes it (4 decimals; RMSProp's s to 6) and carried (see `examgen.rounding`)."""
    def rd(xs: list[float], d: int = 4) -> list[float]:
        return [round(x, d) for x in xs] if rounded else xs

    def sq(x: float) -> float:
        return round(math.sqrt(x), 4) if rounded else math.sqrt(x)

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
                state = rd([beta * v + gi for v, gi in zip(state, g)])
                w = rd([wi - lr * v for wi, v in zip(w, state)])
            else:
                state = rd([beta * v - lr * gi for v, gi in zip(state, g)])
                w = rd([wi + v for wi, v in zip(w, state)])
            out.append({"v": state, "w": w})
        elif opt == "rmsprop":
            rho = params["rho"]
            state = rd([rho * s + (1 - rho) * gi * gi for s, gi in zip(state, g)], 6)
            w = rd([wi - lr * gi / (sq(s) + eps) for wi, gi, s in zip(w, g, state)])
            out.append({"s": state, "w": w})
        else:
            b1, b2 = params["beta1"], params["beta2"]
            m = rd([b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)])
            state = rd([b2 * v + (1 - b2) * gi * gi for v, gi in zip(state, g)])
            mh = rd([mi / (1 - b1 ** t) for mi in m])
            vh = rd([v / (1 - b2 ** t) for v in state])
            w = rd([wi - lr * a / (sq(b) + eps) for wi, a, b in zip(w, mh, vh)])
            out.append({"m": m, "v": state, "m_hat": mh, "v_hat": vh, "w": w})
    return out


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
    state_parts = tuple(part.name for part in parts)  # the asked state after the last step
    for t, st in enumerate(trace, start=1):
        deps = (() if t == 1 else (f"w{t - 1}",)) + (state_parts if t == n_steps else ())
        parts.append(Part(f"w{t}", Bi(f"第 {t} 步后的参数 w", f"Parameters w after step {t}"), _spec(dim, 4),
                          _one(st["w"]), depends_on=deps))
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


def optimizer_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """w_t = w_(t−1) + its update from the student's w_(t−1) and, at the last step, their v, s or m̂ and v̂."""
    if not (part.startswith("w") and part[1:].isdigit()):
        return None
    t = int(part[1:])
    trace = optimizer_trace(params)
    dim = len(params["w0"])

    def vec(x: Any) -> list[float]:
        v = [float(a) for a in (x if isinstance(x, list) else [x])]
        if len(v) != dim:
            raise ValueError("wrong length")
        return v

    if not all_in([earlier[k] for k in ("s", "v_hat") if k in earlier], 0):  # RMSProp s and Adam v̂ are ≥ 0
        return None
    w_prev = vec(earlier[f"w{t - 1}"]) if t > 1 else list(params["w0"])
    st = {k: vec(earlier[k]) if k in earlier else v for k, v in trace[t - 1].items()}
    opt, lr, eps, g = params["optimizer"], params["lr"], params.get("eps", 1e-8), params["grads"][t - 1]
    if opt == "momentum":
        sign = -lr if params["momentum_form"] == "add-grad" else 1.0
        w = [wi + sign * v for wi, v in zip(w_prev, st["v"])]
    elif opt == "rmsprop":
        w = [wi - lr * gi / (math.sqrt(s) + eps) for wi, gi, s in zip(w_prev, g, st["s"])]
    else:
        w = [wi - lr * a / (math.sqrt(b) + eps) for wi, a, b in zip(w_prev, st["m_hat"], st["v_hat"])]
    return w[0] if dim == 1 else w


# ---------------------------------------------------------------- sampler and prompt
# ================================================================ optimizer-step
_OPT_KEYS = {"momentum": ("beta", "momentum_form", "state0"), "rmsprop": ("rho", "eps", "state0"),
             "adam": ("beta1", "beta2", "eps")}
_OPT_REQUIRED = {"momentum": ("beta", "momentum_form"), "rmsprop": ("rho", "eps"), "adam": ("beta1", "beta2", "eps")}


def _opt_ok(params: dict[str, Any]) -> bool:
    """Every update moves every parameter by a clear amount (far beyond the 1 % grading tolerance)."""
    w = list(params["w0"])
    for st in optimizer_trace(params):
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


def optimizer_rounded(params: dict[str, Any]) -> dict[str, Any]:
    """The answers reached with every intermediate rounded as written down (for `Part.accept`)."""
    trace = optimizer_trace(params, rounded=True)
    final = trace[-1]
    out = {name: final[key] for name, key in (("v", "v"), ("s", "s"), ("m_hat", "m_hat"), ("v_hat", "v_hat"))
           if key in final}
    out.update({f"w{t}": st["w"] for t, st in enumerate(trace, start=1)})
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}


def _opt_answers(params: dict[str, Any]) -> Solution:
    """The answers only (no worked steps), for the samplers' checks."""
    return optimizer_step(params, steps_wanted=False)


# ---------------------------------------------------------------- typical mistakes
def _wrong_trace(params: dict[str, Any], *, correct_bias: bool = True, root: bool = True, decay: bool = True,
                 form: str | None = None, velocity: bool = True) -> dict[str, Any]:
    """The answers of a student who skips Adam's bias correction, forgets the square root of s or v̂, lets RMSProp's
    s grow without decay (AdaGrad), writes the velocity in the other momentum form, or drops the velocity (plain
    SGD): the final state and every w_t."""
    opt, lr, eps = params["optimizer"], params["lr"], params.get("eps", 1e-8)
    w = list(params["w0"])
    v = list(params.get("state0") or [0.0] * len(w))
    m = [0.0] * len(w)
    out: dict[str, Any] = {}
    for t, g in enumerate(params["grads"], start=1):
        if opt == "momentum":
            beta = params["beta"]
            if not velocity:
                w = [wi - lr * gi for wi, gi in zip(w, g)]
            elif (form or params["momentum_form"]) == "add-grad":
                v = [beta * vi + gi for vi, gi in zip(v, g)]
                w = [wi - lr * vi for wi, vi in zip(w, v)]
            else:
                v = [beta * vi - lr * gi for vi, gi in zip(v, g)]
                w = [wi + vi for wi, vi in zip(w, v)]
            if velocity:
                out["v"] = v
        elif opt == "rmsprop":
            rho = params["rho"] if decay else 1.0
            v = [rho * s + (1 - rho if decay else 1.0) * gi * gi for s, gi in zip(v, g)]
            w = [wi - lr * gi / ((math.sqrt(s) if root else s) + eps) for wi, gi, s in zip(w, g, v)]
            out["s"] = v
        else:
            b1, b2 = params["beta1"], params["beta2"]
            m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
            v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
            mh = [mi / (1 - b1 ** t) for mi in m] if correct_bias else m
            vh = [vi / (1 - b2 ** t) for vi in v] if correct_bias else v
            w = [wi - lr * a / ((math.sqrt(b) if root else b) + eps) for wi, a, b in zip(w, mh, vh)]
            out["m_hat"], out["v_hat"] = mh, vh
        out[f"w{t}"] = w
    return {k: vals[0] if len(vals) == 1 else vals for k, vals in out.items()}


def _same_value(a: Any, b: Any) -> bool:
    """Equal up to float noise (the two momentum forms reach the same w by different arithmetic)."""
    if isinstance(a, list):
        return all(_same_value(x, y) for x, y in zip(a, b))
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


def _unless_same(wrong: dict[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
    """The parts the mistake changes (none: the mistake does not apply)."""
    right = _wrong_trace(params)
    return {k: v for k, v in wrong.items() if not _same_value(v, right[k])} or None


def _opt_mistake(opt: str, **how: Any) -> Any:
    return lambda p: _unless_same(_wrong_trace(p, **how), p) if p["optimizer"] == opt else None


_OTHER_FORM = {"add-grad": "lr-inside", "lr-inside": "add-grad"}

MISTAKES = (
    Mistake("adam-no-bias-correction", Bi("Adam 漏了偏差修正：应为 m̂ = m/(1 − β₁ᵗ)，v̂ = v/(1 − β₂ᵗ)", "skipped Adam's "
            "bias correction: m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)"), "Step 1: bias-correct",
            _opt_mistake("adam", correct_bias=False)),
    Mistake("adam-no-square-root", Bi("Adam 的分母忘了开方：应除以 √v̂ + ε", "forgot the square root in Adam's "
            "denominator: divide by √v̂ + ε"), "Step 1: update the parameters", _opt_mistake("adam", root=False)),
    Mistake("rmsprop-no-square-root", Bi("RMSProp 的分母忘了开方：应除以 √s + ε", "forgot the square root in "
            "RMSProp's denominator: divide by √s + ε"), "Step 1: scale the step", _opt_mistake("rmsprop", root=False)),
    Mistake("rmsprop-no-decay", Bi("把 g² 直接累加到 s 上（那是 AdaGrad）；RMSProp 用滑动平均 s = ρs + (1 − ρ)g²",
            "added g² to s without decay (that is AdaGrad); RMSProp keeps a moving average s = ρs + (1 − ρ)g²"),
            "Step 1: update the moving average", _opt_mistake("rmsprop", decay=False)),
    Mistake("momentum-other-form", Bi("速度用了动量法的另一种写法（η 放在速度之内或之外）；应按题目给出的公式更新速度",
            "wrote the velocity in the other momentum form (η inside or outside v); this problem defines v as stated"),
            "Step 1: update the velocity",
            lambda p: _unless_same(_wrong_trace(p, form=_OTHER_FORM[p["momentum_form"]]), p)
            if p["optimizer"] == "momentum" else None),
    Mistake("momentum-ignored", Bi("忽略了动量，按普通 SGD 更新 w ← w − ηg", "ignored the momentum and took plain SGD "
            "steps w ← w − ηg"), "Step 1: update the velocity", _opt_mistake("momentum", velocity=False)),
)


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
    sample=_nondegenerate(_tie_free(sample_optimizer, _opt_answers), _opt_answers), prompt=prompt_optimizer,
    solve=optimizer_step, schema=OPT_SCHEMA, rounded=optimizer_rounded, carry_forward=optimizer_carry_forward,
    example={"optimizer": "adam", "w0": [1.0], "grads": [[0.5], [-0.2]], "lr": 0.1, "beta1": 0.9, "beta2": 0.999,
             "eps": 1e-8},
    mistakes=MISTAKES,
))
