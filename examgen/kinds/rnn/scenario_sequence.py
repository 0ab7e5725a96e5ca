"""`scenario-sequence`: Comprehensive: unrolling a recurrent cell.

An LSTM or GRU unrolled for two steps, plus the layer's parameter count. Top to bottom: params schema, pure solver,
sampler, prompt, registration."""

from __future__ import annotations

import math
import random
from functools import lru_cache
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import INT, _asks, _lbl, _r, _tenth, matrix, pick
from examgen.kinds.rnn._shared import (GATES, GATES_ONLY, _candidate, _vec_text, gru_cell, layer_params, lstm_cell,
                                      set_params, sigmoid)
from examgen.mathfmt import num, p, vec
from examgen.model import Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


# ====================================================================== scenario-sequence
LSTM_W = ("W_f", "W_i", "W_c", "W_o")
LSTM_B = ("b_f", "b_i", "b_c", "b_o")
GRU_W = ("W_z", "W_r", "W_h")
GRU_B = ("b_z", "b_r", "b_h")


# ====================================================================== scenario-sequence
def _check_seq(params: dict[str, Any]) -> None:
    cell = params["cell"]
    n, m = len(params["h0"]), len(params["xs"][0])
    if len(params["xs"]) != 2:
        raise ParamError("xs must have two rows: x_1 and x_2")
    ws, bs = (LSTM_W, LSTM_B) if cell == "lstm" else (GRU_W, GRU_B)
    other = (GRU_W + GRU_B) if cell == "lstm" else (LSTM_W + LSTM_B + ("c0",))
    for key in other:
        if params.get(key) is not None:
            raise ParamError(f"'{key}' does not belong to a {cell.upper()} cell")
    if cell == "lstm":
        if params.get("c0") is None or len(params["c0"]) != n:
            raise ParamError(f"an LSTM needs c0 with {n} entries")
    for w in ws:
        if params.get(w) is None or len(params[w]) != n or any(len(r) != n + m for r in params[w]):
            raise ParamError(f"{w} must be {n}×{n + m} (it acts on [h_prev, x])")
    for b in bs:
        if params.get(b) is None or len(params[b]) != n:
            raise ParamError(f"{b} must have {n} entries")
    if len(params["deploy"]) != 2 or min(params["deploy"]) < 1:
        raise ParamError("deploy must be [hidden size, input size] of the deployed layer")


SEQ_SCHEMA = Schema({
    "cell": Param("str", "lstm or gru", choices=("lstm", "gru")),
    "xs": Param("matrix", "inputs x_1, x_2 (one row each)"),
    "h0": Param("floats", "initial hidden state h_0"),
    "c0": Param("floats", "initial cell state C_0 (LSTM)", optional=True),
    **{w: Param("matrix", f"{w} (LSTM), acting on [h_prev, x]", optional=True) for w in LSTM_W},
    **{b: Param("floats", f"{b} (LSTM)", optional=True) for b in LSTM_B},
    **{w: Param("matrix", f"{w} (GRU), acting on [h_prev, x] ([r ⊙ h_prev, x] for W_h)", optional=True)
       for w in GRU_W},
    **{b: Param("floats", f"{b} (GRU)", optional=True) for b in GRU_B},
    "deploy": Param("ints", "[hidden size, input size] of the deployed layer (parameter count)", length=2, min=1),
    "story": Param("str", "sensor, text or plain", choices=("sensor", "text", "plain"), optional=True),
}, check=_check_seq)


# ---------------------------------------------------------------- solver
def _v(values: list[float], d: int | None = None) -> str:
    return num(values[0], d) if len(values) == 1 else vec(values, d)


def lstm_step_values(params: dict[str, Any], x: list[float], h: list[float], c: list[float]) -> dict[str, list[float]]:
    return lstm_cell(params, x, h, c)


def gru_step_values(params: dict[str, Any], x: list[float], h: list[float]) -> dict[str, list[float]]:
    return gru_cell(params, x, h)


def sequence_values(params: dict[str, Any]) -> dict[str, Any]:
    """Gates and states of both time steps and the deployed layer's parameter count. Memoized by value (the
    generator checks a draw with it, then the solver uses it for the same numbers); treat the result as
    read-only."""
    lstm = params["cell"] == "lstm"
    key = (lstm, tuple(map(tuple, params["xs"])), tuple(params["h0"]), tuple(params["c0"]) if lstm else (),
           tuple(tuple(map(tuple, params[w])) for w in (LSTM_W if lstm else GRU_W)),
           tuple(tuple(params[b]) for b in (LSTM_B if lstm else GRU_B)), tuple(params["deploy"]))
    return _sequence_values(key)


@lru_cache(maxsize=16)
def _sequence_values(key: tuple) -> dict[str, Any]:
    lstm, xs, h0, c0, ws, bs, (hid, inp) = key
    weights = dict(zip(LSTM_W if lstm else GRU_W, ws)) | dict(zip(LSTM_B if lstm else GRU_B, bs))
    out: dict[str, Any] = {}
    if lstm:
        v1 = lstm_cell(weights, list(xs[0]), list(h0), list(c0))
        v2 = lstm_cell(weights, list(xs[1]), v1["h"], v1["c"])
        out.update(c1=v1["c"], h1=v1["h"], c2=v2["c"], h2=v2["h"], steps=(v1, v2))
    else:
        v1 = gru_cell(weights, list(xs[0]), list(h0))
        v2 = gru_cell(weights, list(xs[1]), v1["h"])
        out.update(z1=v1["z"], h_tilde1=v1["h_tilde"], h1=v1["h"], h2=v2["h"], steps=(v1, v2))
    out["params"] = layer_params("lstm" if lstm else "gru", hid, inp, "single")
    return out


_LSTM_GATES = (("f", "W_f", "b_f", "sigma", Bi("遗忘门", "forget gate"), "f"),
               ("i", "W_i", "b_i", "sigma", Bi("输入门", "input gate"), "i"),
               ("c_tilde", "W_c", "b_c", "tanh", Bi("候选细胞状态", "candidate cell state"), "tilde(C)"),
               ("o", "W_o", "b_o", "sigma", Bi("输出门", "output gate"), "o"))
_GRU_GATES = (("z", "W_z", "b_z", "sigma", Bi("更新门", "update gate"), "z"),
              ("r", "W_r", "b_r", "sigma", Bi("重置门", "reset gate"), "r"))


class _Fmt(dict):
    """Formatted numbers for substitution, computed once per solve (the one-decimal weights and inputs of the
    generator are there from the start)."""

    def __missing__(self, x: float) -> str:
        s = self[x] = p(x)
        return s


_TENTHS_TEXT = {v / 10: p(v / 10) for v in range(-20, 21)}


def _affine_text(f: _Fmt, w: list[list[float]], z: list[float], b: list[float]) -> str:
    """`W z + b` written out row by row; products with a zero entry of z are left out."""
    rows = []
    for row, bi in zip(w, b):
        terms = [f"{f[wi]} dot {f[zi]}" for wi, zi in zip(row, z) if zi != 0]
        terms.append(f[bi])
        rows.append(" + ".join(terms))
    return rows[0] if len(rows) == 1 else "(" + "; ".join(rows) + ")"


def _cell_texts(t: int, lstm: bool) -> dict[str, Any]:
    """The fixed texts of time step t (titles, formulas, parts): the same for every problem, built once."""
    head = Bi(f"$t = {t}$：", f"$t = {t}$: ")
    tp = f"{t - 1}"
    gates = []
    for key, w, b, act, name, sym in (_LSTM_GATES if lstm else _GRU_GATES):
        if lstm:
            part = f"h{t}" if key == "o" else f"c{t}"
        else:
            part = ("z1" if key == "z" else "h_tilde1") if t == 1 else "h2"
        gates.append((key, w, b, act, head + name, f"{sym}_{t} = {act}({w} v_{t} + {b})", part, f"{sym}_{t} approx "))
    return {
        "cat": (head + Bi(f"拼接 $h_{tp}$ 与 $x_{t}$", f"concatenate $h_{tp}$ and $x_{t}$"), f"v_{t} = [h_{tp}, x_{t}]",
                ("c" if lstm else "z") + str(t) if (lstm or t == 1) else "h2"),
        "gates": gates,
        "cell": head + Bi("更新细胞状态", "update the cell state"),
        "out": head + Bi("输出隐状态", "output the hidden state"),
        "cand": head + Bi("用重置门缩放旧状态，求候选隐状态", "scale the old state by the reset gate; candidate state"),
        "interp": head + Bi("在旧状态与候选状态之间按更新门插值",
                            "interpolate between the old state and the candidate with the update gate"),
    }


_CELL_TEXTS = {(t, lstm): _cell_texts(t, lstm) for t in (1, 2) for lstm in (True, False)}


def _cell_steps(params: dict[str, Any], t: int, x: list[float], h: list[float], c: list[float] | None,
                vals: dict[str, list[float]], f: _Fmt) -> list[Step]:
    """The worked steps of one time step of the unrolled cell (LSTM when `c` is given, else GRU)."""
    lstm = c is not None
    texts = _CELL_TEXTS[(t, lstm)]
    tp = t - 1
    z = h + x
    title, formula, part = texts["cat"]
    steps = [Step(title, formula, "", f"v_{t} = {_v(z)}", part)]
    for key, w, b, act, title, formula, part, res in texts["gates"]:
        steps.append(Step(title, formula,
                          f"{act}({_affine_text(f, params[w], z, params[b])}) = {act}({_v(vals['pre_' + key])})",
                          res + _v(vals[key]), part))
    if lstm:
        steps.append(Step(texts["cell"], f"C_{t} = f_{t} dot.o C_{tp} + i_{t} dot.o tilde(C)_{t}",
                          "; ".join([f"{f[a]} dot {f[b]} + {f[g]} dot {f[d]}" for a, b, g, d in
                                     zip(vals["f"], c, vals["i"], vals["c_tilde"])]),
                          f"C_{t} approx {_v(vals['c'])}", f"c{t}"))
        steps.append(Step(texts["out"], f"h_{t} = o_{t} dot.o tanh(C_{t})",
                          "; ".join([f"{f[o]} dot tanh({num(cc)})" for o, cc in zip(vals["o"], vals["c"])]),
                          f"h_{t} approx {_v(vals['h'])}", f"h{t}"))
        return steps
    reset = [ri * hi for ri, hi in zip(vals["r"], h)]
    steps.append(Step(texts["cand"], f"tilde(h)_{t} = tanh(W_h [r_{t} dot.o h_{tp}, x_{t}] + b_h)",
                      f"r_{t} dot.o h_{tp} approx {_v(reset)}; quad "
                      f"tanh({_affine_text(f, params['W_h'], reset + x, params['b_h'])}) = "
                      f"tanh({_v(vals['pre_h_tilde'])})",
                      f"tilde(h)_{t} approx {_v(vals['h_tilde'])}", "h_tilde1" if t == 1 else "h2"))
    steps.append(Step(texts["interp"], f"h_{t} = (1 - z_{t}) dot.o h_{tp} + z_{t} dot.o tilde(h)_{t}",
                      "; ".join([f"(1 - {f[zz]}) dot {f[hp]} + {f[zz]} dot {f[ht]}" for zz, hp, ht in
                                 zip(vals["z"], h, vals["h_tilde"])]),
                      f"h_{t} approx {_v(vals['h'])}", f"h{t}"))
    return steps


def scenario_sequence(params: dict[str, Any]) -> Solution:
    cell = params["cell"]
    xs = [list(x) for x in params["xs"]]
    vals = sequence_values(params)
    n = len(params["h0"])
    spec = _VEC4.get(n) or VectorSpec(n, decimals=4)
    f = _Fmt(_TENTHS_TEXT)
    v1, v2 = vals["steps"]
    lstm = cell == "lstm"
    steps = _cell_steps(params, 1, xs[0], list(params["h0"]), list(params["c0"]) if lstm else None, v1, f)
    steps += _cell_steps(params, 2, xs[1], v1["h"], v1["c"] if lstm else None, v2, f)
    hid, inp = params["deploy"]
    g = GATES[cell]
    steps.append(Step(_SEQ_PARAMS_TITLES[cell], f"N = {g}(h(h + x) + h)", f"{g} dot ({hid} dot ({hid} + {inp}) + {hid})",
                      f"N = {vals['params']}", "params"))
    labels = _SEQ_LABELS
    if cell == "lstm":
        parts = [
            Part("c1", labels["c1"], spec, _r(vals["c1"])),
            Part("h1", labels["h1"], spec, _r(vals["h1"]), depends_on=("c1",)),
            Part("c2", labels["c2"], spec, _r(vals["c2"]), depends_on=("c1", "h1")),
            Part("h2", labels["h2"], spec, _r(vals["h2"]), depends_on=("c2", "h1")),
        ]
    else:
        parts = [
            Part("z1", labels["z1"], spec, _r(vals["z1"])),
            Part("h_tilde1", labels["h_tilde1"], spec, _r(vals["h_tilde1"])),
            Part("h1", labels["h1"], spec, _r(vals["h1"]), depends_on=("z1", "h_tilde1")),
            Part("h2", labels["h2"], spec, _r(vals["h2"]), depends_on=("h1",), weight=1.5),
        ]
    parts.append(Part("params", labels["params"], INT, vals["params"]))
    return Solution(parts, steps)


_VEC4 = {n: VectorSpec(n, decimals=4) for n in (1, 2)}
_SEQ_PARAMS_TITLES = {
    cell: Bi(f"参数量：{cell.upper()} 有 {g} 组作用于 $[h_(t-1), x_t]$ 的权重，每组 $h(h + x) + h$ 个参数",
             f"Parameters: {'an' if cell == 'lstm' else 'a'} {cell.upper()} has {g} sets of weights "
             f"on $[h_(t-1), x_t]$, each with $h(h + x) + h$ parameters")
    for cell, g in (("lstm", 4), ("gru", 3))}
_SEQ_LABELS = {
    "c1": _lbl("a", "细胞状态 C_1", "Cell state C_1"), "h1": _lbl("a", "隐状态 h_1", "Hidden state h_1"),
    "c2": _lbl("b", "细胞状态 C_2", "Cell state C_2"), "h2": _lbl("b", "隐状态 h_2", "Hidden state h_2"),
    "z1": _lbl("a", "更新门 z_1", "Update gate z_1"), "h_tilde1": _lbl("a", "候选状态 h̃_1", "Candidate h̃_1"),
    "params": _lbl("c", "部署模型中该层的参数量", "Parameters of the deployed layer"),
}


def scenario_sequence_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    xs = [list(x) for x in params["xs"]]
    h0 = list(params["h0"])
    if params["cell"] == "lstm":
        if part == "h1":
            o1 = lstm_step_values(params, xs[0], h0, list(params["c0"]))["o"]
            return [o * math.tanh(c) for o, c in zip(o1, earlier["c1"])]
        if part == "c2":
            return lstm_step_values(params, xs[1], list(earlier["h1"]), list(earlier["c1"]))["c"]
        if part == "h2":
            o2 = lstm_step_values(params, xs[1], list(earlier["h1"]), [0.0] * len(h0))["o"]
            return [o * math.tanh(c) for o, c in zip(o2, earlier["c2"])]
        return None
    if part == "h1":
        return [(1 - z) * hp + z * ht for z, hp, ht in zip(earlier["z1"], h0, earlier["h_tilde1"])]
    if part == "h2":
        return gru_step_values(params, xs[1], list(earlier["h1"]))["h"]
    return None


# ---------------------------------------------------------------- sampler and prompt
_TENTHS = {v: round(v / 10, 1) for v in range(-20, 21)}  # what `_tenth` returns, looked up


def _tenths(rng: random.Random, lo: int, hi: int, count: int) -> list[float]:
    """`count` draws of `_tenth(rng, lo, hi)` (the same numbers from the same stream, faster)."""
    rnd, span, table = rng.random, hi - lo + 1, _TENTHS
    return [table[lo + int(rnd() * span)] for _ in range(count)]


def sample_seq(rng: random.Random) -> dict[str, Any]:
    cell = pick(rng, ["lstm", "gru"])
    n, m = pick(rng, [(1, 1), (1, 1), (2, 1), (1, 2), (2, 2)])
    story = pick(rng, ["sensor", "text", "plain"])
    while True:
        params: dict[str, Any] = {"cell": cell, "xs": [[_tenth(rng, -10, 10, True) for _ in range(m)]
                                                       for _ in range(2)], "h0": [0.0] * n}
        if cell == "lstm":
            params["c0"] = [0.0] * n
        ws, bs = (LSTM_W, LSTM_B) if cell == "lstm" else (GRU_W, GRU_B)
        flat = _tenths(rng, -10, 10, len(ws) * n * (n + m))  # W_… row by row, in the order of `ws`
        for k, w in enumerate(ws):
            params[w] = [flat[(k * n + r) * (n + m):(k * n + r + 1) * (n + m)] for r in range(n)]
        flat = _tenths(rng, -5, 5, len(bs) * n)
        for k, b in enumerate(bs):
            params[b] = flat[k * n:(k + 1) * n]
        hid = pick(rng, [16, 32, 64, 100, 128, 256]) if rng.random() < 0.5 else rng.randint(4, 80)
        inp = pick(rng, [1, 3, 8, 26, 50, 100, 300]) if rng.random() < 0.5 else rng.randint(2, 64)
        params["deploy"] = [hid, inp]
        params["story"] = story
        vals = sequence_values(params)
        if any(abs(v) < 0.01 for k in ("h1", "h2") for v in vals[k]):
            continue
        if any(abs(a - b) < 0.01 for a, b in zip(vals["h1"], vals["h2"])):
            continue
        return params


_SEQ_LEADS = {"sensor": Bi("用循环网络预测传感器读数序列，", "A recurrent network predicts a sequence of sensor readings. "),
              "text": Bi("用循环网络处理一个长度为 2 的词序列（已编码为向量），",
                         "A recurrent network reads a two-word sequence (already encoded as vectors). "),
              "plain": Bi("", "")}
_SEQ_EQS = {
    "lstm": ("$f_t = sigma(W_f [h_(t-1), x_t] + b_f)$, $i_t = sigma(W_i [h_(t-1), x_t] + b_i)$, "
             "$tilde(C)_t = tanh(W_c [h_(t-1), x_t] + b_c)$, $o_t = sigma(W_o [h_(t-1), x_t] + b_o)$, "
             "$C_t = f_t dot.o C_(t-1) + i_t dot.o tilde(C)_t$, $h_t = o_t dot.o tanh(C_t)$"),
    "gru": ("$z_t = sigma(W_z [h_(t-1), x_t] + b_z)$, $r_t = sigma(W_r [h_(t-1), x_t] + b_r)$, "
            "$tilde(h)_t = tanh(W_h [r_t dot.o h_(t-1), x_t] + b_h)$, "
            "$h_t = (1 - z_t) dot.o h_(t-1) + z_t dot.o tilde(h)_t$"),
}
_SEQ_EQS_ZH = {cell: eqs.replace("$, $", "$，$") for cell, eqs in _SEQ_EQS.items()}
_SEQ_DECIMALS = {"lstm": "$h$、$C$ 与各门的值", "gru": "$h$、$tilde(h)$ 与各门的值"}
_SEQ_ASKS = {
    "lstm": (Bi("$t = 1$ 时的细胞状态 $C_1$ 和隐状态 $h_1$", "the cell state $C_1$ and hidden state $h_1$ at $t = 1$"),
             Bi("$t = 2$ 时的 $C_2$ 和 $h_2$", "$C_2$ and $h_2$ at $t = 2$")),
    "gru": (Bi("$t = 1$ 时的更新门 $z_1$、候选状态 $tilde(h)_1$ 和隐状态 $h_1$",
               "the update gate $z_1$, candidate $tilde(h)_1$ and hidden state $h_1$ at $t = 1$"),
            Bi("$t = 2$ 时的隐状态 $h_2$", "the hidden state $h_2$ at $t = 2$")),
}
_SEQ_CONV = {"lstm": Bi("", ""),
             "gru": Bi("（本题约定 $z_t$ 越大越多地采用新的候选状态，与 PyTorch 中 $z$ 的含义相反）",
                       " (here a larger $z_t$ takes more of the new candidate — the opposite of PyTorch's $z$)")}


def prompt_seq(params: dict[str, Any]) -> Prompt:
    cell = params["cell"]
    n, m = len(params["h0"]), len(params["xs"][0])
    x1, x2 = (_vec_text(x) for x in params["xs"])
    hid, inp = params["deploy"]
    lead = _SEQ_LEADS[params.get("story", "plain")]
    dims_zh = "隐状态和输入都是标量" if n == 1 and m == 1 else f"隐状态维度 {n}，输入维度 {m}"
    dims_en = "scalar hidden state and input" if n == 1 and m == 1 else f"hidden size {n}, input size {m}"
    eqs, conv = _SEQ_EQS[cell], _SEQ_CONV[cell]
    if cell == "lstm":
        ws, bs = LSTM_W, LSTM_B
        init = f"$h_0 = {_vec_text(params['h0'])}$", f"$C_0 = {_vec_text(params['c0'])}$"
    else:
        ws, bs = GRU_W, GRU_B
        init = (f"$h_0 = {_vec_text(params['h0'])}$",)
    biases = [f"${b} = {_vec_text(params[b])}$" for b in bs]
    ask_a, ask_b = _SEQ_ASKS[cell]
    asks = _asks([("a", ask_a), ("b", ask_b),
                  ("c", Bi(f"实际部署的模型中该层输入维度为 ${inp}$、隐状态维度为 ${hid}$（每组权重带一个偏置向量），"
                           f"求该层的参数量",
                           f"the number of parameters of this layer in the deployed model, where it has input size "
                           f"${inp}$ and hidden size ${hid}$ (one bias vector per set of weights)"))])
    zh = (f"{lead.zh}该网络用一个 {cell.upper()} 单元（{dims_zh}）按时间展开两步，计算为：{_SEQ_EQS_ZH[cell]}{conv.zh}。"
          f"权重矩阵作用在拼接向量上（见下图），偏置 {'，'.join(biases)}；初始状态 {'，'.join(init)}，输入 $x_1 = {x1}$，$x_2 = {x2}$。"
          f"{_SEQ_DECIMALS[cell]}保留四位小数。求：{asks.zh}")
    article = "An" if cell == "lstm" else "A"
    en = (f"{lead.en}{article} {cell.upper()} cell ({dims_en}) is unrolled for two steps; it computes "
          f"{eqs}{conv.en}. The "
          f"weight matrices act on the concatenations (shown below); the biases are {', '.join(biases)}; the initial "
          f"state is {', '.join(init)} and the inputs are $x_1 = {x1}$, $x_2 = {x2}$. Give states and gates to 4 "
          f"decimals. Find {asks.en}")
    figs = [matrix(Bi(f"${w}$", f"${w}$"), params[w]) for w in ws]
    return Prompt(Bi(zh, en), figs)


# ---------------------------------------------------------------- typical mistakes
def _lstm_by(rule: str | None) -> Any:
    """An LSTM step with a wrong rule: σ for the candidate, f and i swapped in the cell update, h = o ⊙ C."""
    def cell(w: dict[str, Any], x: list[float], h: list[float], c: list[float]) -> dict[str, list[float]]:
        v = lstm_cell(w, x, h, c)
        f, i = (v["i"], v["f"]) if rule == "gates-swapped" else (v["f"], v["i"])
        cand = [sigmoid(a) for a in v["pre_c_tilde"]] if rule == "candidate-sigmoid" else v["c_tilde"]
        c_new = [fv * cv + iv * tv for fv, cv, iv, tv in zip(f, c, i, cand)]
        squash = (lambda u: u) if rule == "hidden-without-tanh" else math.tanh
        return {"c": c_new, "h": [o * squash(cv) for o, cv in zip(v["o"], c_new)]}
    return cell


def _gru_by(rule: str | None) -> Any:
    """A GRU step with a wrong rule: z taken as the share of the old state, or the candidate without r."""
    def cell(w: dict[str, Any], x: list[float], h: list[float]) -> dict[str, list[float]]:
        v = gru_cell(w, x, h)
        cand = _candidate(w, [1.0] * len(h), h, x)[1] if rule == "candidate-without-reset" else v["h_tilde"]
        old = v["z"] if rule == "z-reversed" else [1 - z for z in v["z"]]
        return {"z": v["z"], "h_tilde": cand, "h": [a * hp + (1 - a) * t for a, hp, t in zip(old, h, cand)]}
    return cell


_LSTM_RULES = ("candidate-sigmoid", "gates-swapped", "hidden-without-tanh")


def _unrolled(params: dict[str, Any], rule: str | None = None, bias: bool = True) -> dict[str, list[float]] | None:
    """Parts (a) and (b) unrolled with a wrong rule of one cell (None for the other cell), or without biases."""
    lstm = params["cell"] == "lstm"
    if rule is not None and (rule in _LSTM_RULES) != lstm:
        return None
    w = params if bias else {**params, **{b: [0.0] * len(params[b]) for b in (LSTM_B if lstm else GRU_B)}}
    (x1, x2), h0 = params["xs"], list(params["h0"])
    if lstm:
        cell = _lstm_by(rule)
        s1 = cell(w, list(x1), h0, list(params["c0"]))
        s2 = cell(w, list(x2), s1["h"], s1["c"])
        return {"c1": s1["c"], "h1": s1["h"], "c2": s2["c"], "h2": s2["h"]}
    cell = _gru_by(rule)
    s1 = cell(w, list(x1), h0)
    return {"z1": s1["z"], "h_tilde1": s1["h_tilde"], "h1": s1["h"], "h2": cell(w, list(x2), s1["h"])["h"]}


def _without_tanh(params: dict[str, Any]) -> dict[str, list[float]] | None:
    """h = o ⊙ C; None when every |C| < 0.2, where tanh(C) is C within the grading tolerance."""
    if params["cell"] != "lstm" or all(abs(c) < 0.2 for k in ("c1", "c2") for c in sequence_values(params)[k]):
        return None
    return _unrolled(params, "hidden-without-tanh")


def _without_reset(params: dict[str, Any]) -> dict[str, list[float]] | None:
    """h̃_2 without r_2; None when that moves h_2 by no more than the grading tolerance (r_2 ⊙ h_1 ≈ h_1)."""
    from examgen.grading import tolerance

    wrong = _unrolled(params, "candidate-without-reset")
    if wrong is None or all(abs(a - b) <= tolerance(b, 4, False) for a, b in
                            zip(wrong["h2"], sequence_values(params)["h2"])):
        return None
    return {"h2": wrong["h2"]}


def _deployed(params: dict[str, Any], sets: dict[str, int], recurrent: bool = True) -> dict[str, int]:
    hid, inp = params["deploy"]
    return {"params": sets[params["cell"]] * set_params(hid, inp, recurrent=recurrent)}


MISTAKES = (
    Mistake("candidate-sigmoid", Bi("候选细胞状态用了 σ；C̃_t 应该用 tanh", "used σ for the candidate cell state; C̃_t "
            "uses tanh"), "$t = 1$: candidate cell state", lambda p: _unrolled(p, "candidate-sigmoid")),
    Mistake("gates-swapped", Bi("细胞更新把遗忘门和输入门用反了：应为 C_t = f_t ⊙ C_(t−1) + i_t ⊙ C̃_t",
            "swapped the forget and input gates in the cell update: C_t = f_t ⊙ C_(t−1) + i_t ⊙ C̃_t"),
            "$t = 1$: update the cell state", lambda p: _unrolled(p, "gates-swapped")),
    Mistake("hidden-without-tanh", Bi("算成了 h_t = o_t ⊙ C_t，漏了 tanh", "took h_t = o_t ⊙ C_t without the tanh"),
            "$t = 1$: output the hidden state", lambda p: _without_tanh(p)),
    Mistake("z-reversed", Bi("更新门用反了，写成了 h_t = z_t ⊙ h_(t−1) + (1 − z_t) ⊙ h̃_t；本题中 z_t 是新候选状态所占的比例",
            "reversed the update gate, writing h_t = z_t ⊙ h_(t−1) + (1 − z_t) ⊙ h̃_t; here z_t is the share of the new "
            "candidate"), "$t = 1$: interpolate", lambda p: _unrolled(p, "z-reversed")),
    Mistake("candidate-without-reset", Bi("t = 2 的候选状态没有用重置门缩放 h_1：应为 tanh(W_h [r_2 ⊙ h_1, x_2] + b_h)",
            "left the reset gate out of the candidate at t = 2: it is tanh(W_h [r_2 ⊙ h_1, x_2] + b_h)"),
            "$t = 2$: scale the old state", lambda p: _without_reset(p)),
    Mistake("forgot-bias", Bi("门和候选状态的计算漏了偏置 b", "left the biases b out of the gates and the candidate"),
            ("$t = 1$: forget gate", "$t = 1$: update gate"), lambda p: _unrolled(p, bias=False)),
    Mistake("gates-only-count", Bi("参数量只数了门的权重（LSTM 3 组、GRU 2 组），漏了候选状态那一组",
            "counted the gates' weights only (LSTM 3 sets, GRU 2), leaving out the candidate state's set"),
            "Parameters:", lambda p: _deployed(p, GATES_ONLY)),
    Mistake("forgot-recurrent-weights", Bi("参数量每组漏了循环权重 U(h×h)，只算了 W(h×x) 和偏置",
            "left the recurrent weights U (h×h) out of each set, counting only W (h×x) and the bias"),
            "Parameters:", lambda p: _deployed(p, GATES, recurrent=False)),
)


register(Kind(
    name="scenario-sequence", chapter="rnn", section="comprehensive", points=12,
    title=Bi("综合：循环单元按时间展开", "Comprehensive: unrolling a recurrent cell"),
    summary=Bi("LSTM 或 GRU 展开两个时刻的前向计算，以及该层的参数量",
               "An LSTM or GRU unrolled for two steps, plus the layer's parameter count"),
    conventions=Bi("权重作用于 [h_(t−1), x_t]；GRU 约定 h_t = (1 − z_t) ⊙ h_(t−1) + z_t ⊙ h̃_t；保留四位小数；"
                   "h_1、C_2、h_2 按你前面的答案继续计算也给分",
                   "weights act on [h_(t−1), x_t]; GRU: h_t = (1 − z_t) ⊙ h_(t−1) + z_t ⊙ h̃_t; 4 decimals; h_1, "
                   "C_2 and h_2 earn credit when carried forward"),
    variants=("LSTM", "GRU", "scalar cell", "hidden size 2 / input size 2", "sensor or text story"),
    sample=sample_seq, prompt=prompt_seq, solve=scenario_sequence, schema=SEQ_SCHEMA,
    carry_forward=scenario_sequence_carry_forward,
    example={"cell": "lstm", "xs": [[1.0], [-0.5]], "h0": [0.0], "c0": [0.0], "W_f": [[0.5, 0.4]],
             "W_i": [[0.3, 0.8]], "W_c": [[0.6, 1.0]], "W_o": [[-0.2, 0.7]], "b_f": [0.1], "b_i": [0.0],
             "b_c": [-0.1], "b_o": [0.2], "deploy": [128, 50]},
    mistakes=MISTAKES,
))
