"""`cross-entropy`: Cross-entropy and focal loss.

Softmax cross-entropy, pixel-wise and class-weighted cross-entropy, focal loss. Top to bottom: params schema, pure
solver, sampler, prompt, registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import (
    _ans, _m, all_in, _nondegenerate, _tenths, _tie_free, _tol, grid, pick, softmax, tup,
)
from examgen.mathfmt import num, p, round_answer
from examgen.mistakes import Mistake
from examgen.model import MatrixSpec, NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.registry import Kind, register


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


# ---------------------------------------------------------------- solver
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
                 Part("loss", Bi("交叉熵损失", "Cross-entropy loss"), NumberSpec(decimals=4), round_answer(loss),
                      depends_on=("probs",))]
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
            Part("mean", Bi("平均 focal loss", "Mean focal loss"), NumberSpec(decimals=4), round_answer(sum(fls) / n),
                 depends_on=("fl",)),
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
            Step(title=Bi(f"Focal loss：用 (1 − p_t)^γ（γ = {g}）降低易分样本的权重",
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
        parts.append(Part("mean", Bi("平均交叉熵", "Mean cross-entropy"), NumberSpec(decimals=4), round_answer(mean),
                          depends_on=("losses",)))
    else:
        cw = params["class_weights"]
        ws = [cw[y] for y in labels]
        by_weights = params["weight_norm"] == "weights"
        mean = sum(w * v for w, v in zip(ws, losses)) / (sum(ws) if by_weights else n)
        parts.append(Part("mean", Bi("类别加权的交叉熵", "Class-weighted cross-entropy"), NumberSpec(decimals=4),
                          round_answer(mean), depends_on=("losses",)))
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


def ce_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """The loss −ln p_y from the student's softmax probabilities; a mean from their per-pixel losses."""
    ask = params["ask"]
    if ask == "softmax":
        probs = [float(v) for v in earlier["probs"]]
        if not all_in(probs, 0, 1, open_lo=True) or abs(sum(probs) - 1) > 0.02:  # not a softmax output
            return None
        py = probs[params["target"]]
        return -math.log(py) if part == "loss" else None
    if part != "mean":
        return None
    if ask == "focal":
        fls = [float(v) for v in earlier["fl"]]
        return sum(fls) / len(fls) if all_in(fls, 0) else None  # a focal loss is never negative
    losses = [float(v) for row in earlier["losses"] for v in row]  # the pixels row by row, as the labels
    if not all_in(losses, 0):  # −ln p ≥ 0
        return None
    if ask == "pixel":
        return sum(losses) / len(losses)
    ws = [params["class_weights"][y] for y in params["labels"]]
    if len(losses) != len(ws):
        return None
    total = sum(w * v for w, v in zip(ws, losses))
    return total / (sum(ws) if params["weight_norm"] == "weights" else len(ws))


# ---------------------------------------------------------------- sampler and prompt
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


def _ce_answers(params: dict[str, Any]) -> Solution:
    """The answers only (no worked steps), for the samplers' checks."""
    return cross_entropy(params, steps_wanted=False)


# ---------------------------------------------------------------- typical mistakes
def _ce_with(params: dict[str, Any], log: Any = math.log, probs: Any = None, focal_p: bool = False,
             alpha_swapped: bool = False, weighting: str = "") -> dict[str, Any]:
    """The answers computed another way: another logarithm, other softmax probabilities, the focal loss with p in
    place of p_t or with α and 1 − α swapped, or the class weights divided another way ('n': by N, 'sum': by the
    sum of the weights, 'none': left out)."""
    ask = params["ask"]
    if ask == "softmax":
        ps = probs(params["logits"]) if probs else softmax(params["logits"])
        out: dict[str, Any] = {"loss": -log(ps[params["target"]])}
        if probs:
            out["probs"] = ps
        return out
    rows, cols = params["shape"]
    if ask == "focal":
        labels, gamma, alpha = params["labels"], params["gamma"], params.get("alpha")
        pts = [pv if y == 1 or focal_p else 1 - pv for pv, y in zip(params["probs_fg"], labels)]
        ats = [1.0 if alpha is None else (alpha if (y == 1) != alpha_swapped else 1 - alpha) for y in labels]
        ces = [-log(pt) for pt in pts]
        fls = [a * (1 - pt) ** gamma * ce for a, pt, ce in zip(ats, pts, ces)]
        out = {"fl": fls, "mean": sum(fls) / len(fls)}
        if not alpha_swapped:
            out["ce"] = sum(ces) / len(ces)
        return out
    labels = params["labels"]
    losses = [-log(params["probs"][i][y]) for i, y in enumerate(labels)]
    out = {"mean": sum(losses) / len(losses)}
    if not weighting:
        out["losses"] = [losses[r * cols:(r + 1) * cols] for r in range(rows)]
    if ask == "weighted" and weighting != "none":
        ws = [params["class_weights"][y] for y in labels]
        by_weights = params["weight_norm"] == "weights" if not weighting else weighting == "sum"
        out["mean"] = sum(w * v for w, v in zip(ws, losses)) / (sum(ws) if by_weights else len(ws))
    return out


def _sigmoid(z: list[float]) -> list[float]:
    return [1 / (1 + math.exp(-v)) for v in z]


MISTAKES = (
    Mistake("log10-not-ln", Bi("用了常用对数 lg（计算器的 log 键）；交叉熵用自然对数 ln",
            "used the base-10 log (a calculator's log key); cross-entropy uses the natural log ln"),
            ("Cross-entropy keeps only", "Pixel-wise cross-entropy", "Plain cross-entropy"),
            lambda p: _ce_with(p, log=math.log10)),
    Mistake("sigmoid-not-softmax", Bi("对每个 logit 单独用了 sigmoid；多分类要用 softmax 归一化",
            "applied the sigmoid to each logit on its own; a multi-class output is normalized by the softmax"),
            "Softmax", lambda p: _ce_with(p, probs=_sigmoid) if p["ask"] == "softmax" else None),
    Mistake("weights-other-denominator", Bi("加权求和后除错了分母（除以像素数与除以权重之和混淆了）",
            "divided the weighted sum by the wrong denominator (the pixel count and the sum of the weights mixed "
            "up)"), ("Weighted mean", "Weighted sum divided"),
            lambda p: _ce_with(p, weighting="n" if p["weight_norm"] == "weights" else "sum")
            if p["ask"] == "weighted" else None),
    Mistake("weights-left-out", Bi("忘了乘类别权重，算成了普通的平均交叉熵", "left out the class weights and took "
            "the plain mean cross-entropy"), "Each pixel takes the weight",
            lambda p: _ce_with(p, weighting="none") if p["ask"] == "weighted" else None),
    Mistake("p-for-pt", Bi("背景像素也直接用了前景概率 p；应取真实类别的概率 p_t = 1 − p",
            "used the foreground probability p for background pixels too; p_t = 1 − p there"),
            "Probability p_t", lambda p: _ce_with(p, focal_p=True) if p["ask"] == "focal" else None),
    Mistake("alpha-swapped", Bi("α 与 1 − α 用反了：前景取 α，背景取 1 − α",
            "swapped α and 1 − α: α weights the foreground, 1 − α the background"), "Class-balance weight",
            lambda p: _ce_with(p, alpha_swapped=True)
            if p["ask"] == "focal" and p.get("alpha") not in (None, 0.5) else None),
)


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
    sample=_nondegenerate(_tie_free(sample_ce, _ce_answers), _ce_answers), prompt=prompt_ce,
    solve=cross_entropy, schema=CE_SCHEMA, carry_forward=ce_carry_forward, mistakes=MISTAKES,
    example={"ask": "softmax", "logits": [2.0, 1.0, 0.1], "target": 0},
))
