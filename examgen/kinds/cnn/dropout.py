"""`dropout`: Dropout.

Masks, inverted vs classic scaling, training and test outputs, expected kept units. Top to bottom: params schema,
pure solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _ans, _m, _tenths, eq, pick, tup
from examgen.mistakes import Mistake
from examgen.mathfmt import num, round_answer
from examgen.model import NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.registry import Kind, register


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


# ---------------------------------------------------------------- solver
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


# ---------------------------------------------------------------- sampler and prompt
# ================================================================ dropout
_PS = [0.2, 0.25, 0.4, 0.5, 0.5, 0.5, 0.6, 0.75, 0.8]


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


# ---------------------------------------------------------------- typical mistakes
def _with_keep(params: dict[str, Any], keep: float, inverted: bool) -> dict[str, Any]:
    """The training (and test) outputs a student gets with keep probability `keep` and this scaling rule."""
    if params["ask"] == "expected":
        a = params["value"]
        return {"kept_value": a / keep if inverted else a, "test": a if inverted else keep * a}
    train = [m * x / keep if inverted else m * x for m, x in zip(params["mask"], params["x"])]
    if params["ask"] == "mask":
        return {"output": train}
    return {"train": train, "test": list(params["x"]) if inverted else [keep * x for x in params["x"]]}


def _no_rescale(params: dict[str, Any]) -> dict[str, Any] | None:
    """Inverted dropout applied like the classic one in training: the kept outputs are not divided by 1 − p."""
    if params["convention"] != "inverted":
        return None
    out = _with_keep(params, 1 - params["p"], inverted=False)
    out.pop("test", None)
    return out


def _p_as_keep(params: dict[str, Any]) -> dict[str, Any] | None:
    """Scales with the drop probability p where the keep probability 1 − p belongs. Classic dropout scales only
    at test time: a mask problem (training output only) has nothing to scale."""
    inverted = params["convention"] == "inverted"
    if params["p"] == 0.5 or (not inverted and params["ask"] == "mask"):
        return None
    out = _with_keep(params, params["p"], inverted)
    if not inverted:  # the unscaled training output is right: only the test output changes
        out.pop("kept_value" if params["ask"] == "expected" else "train")
    return out


MISTAKES = (
    Mistake("inverted-no-rescale", Bi("inverted dropout 在训练时忘了把保留下来的输出除以 1 − p", "inverted dropout without "
            "dividing the kept outputs by 1 − p in training"), ("Training: apply", "Inverted dropout"), _no_rescale),
    Mistake("drop-as-keep", Bi("缩放时把丢弃概率 p 当成了保留概率（应使用 1 − p）", "scaled with the drop probability p "
            "instead of the keep probability 1 − p"), ("Training: apply", "Inverted dropout", "Classic dropout"),
            _p_as_keep),
)


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
    sample=sample_dropout, prompt=prompt_dropout, solve=dropout, schema=DROPOUT_SCHEMA,
    example={"ask": "train-test", "convention": "inverted", "p": 0.5, "x": [1.2, 0.4, 2.0, 0.8],
             "mask": [1, 0, 1, 0]},
    mistakes=MISTAKES,
))
