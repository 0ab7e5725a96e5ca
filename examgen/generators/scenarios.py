"""Comprehensive (综合) scenarios: 10–15-point multi-part problems that tell one story — design a small CNN, run a
detector's post-processing and evaluation, an edge-detection pipeline, an unrolled recurrent cell, one training
step. Each part is graded on its own; later parts carry forward from the student's own earlier answers."""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

from examgen.errors import ParamError
from examgen.generators._common import grid, matrix, pick, table
from examgen.i18n import Bi
from examgen.mathfmt import num
from examgen.model import Prompt
from examgen.params import Param, Schema
from examgen.registry import Kind, register
from examgen.solver import scenarios as solver
from examgen.solver.imaging import OPERATORS


def _tenth(rng: random.Random, lo: int, hi: int, nonzero: bool = False) -> float:
    """A one-decimal number lo/10 … hi/10, uniformly (optionally never 0)."""
    span = hi - lo + 1
    while True:
        v = lo + int(rng.random() * span)
        if v or not nonzero:
            return round(v / 10, 1)


_TENTHS = {v: round(v / 10, 1) for v in range(-20, 21)}  # what `_tenth` returns, looked up


def _tenths(rng: random.Random, lo: int, hi: int, count: int) -> list[float]:
    """`count` draws of `_tenth(rng, lo, hi)` (the same numbers from the same stream, faster)."""
    rnd, span, table = rng.random, hi - lo + 1, _TENTHS
    return [table[lo + int(rnd() * span)] for _ in range(count)]


def _vec_text(v: list[float]) -> str:
    return num(v[0]) if len(v) == 1 else "(" + ", ".join(num(x) for x in v) + ")^T"


def _asks(items: list[tuple[str, Bi]]) -> Bi:
    """`(a) …;(b) …。` in both languages."""
    zh = "；".join(f"({t}) {b.zh}" for t, b in items) + "。"
    en = "; ".join(f"({t}) {b.en}" for t, b in items) + "."
    return Bi(zh, en)


# ====================================================================== scenario-cnn-design
def _check_cnn(params: dict[str, Any]) -> None:
    h, w, c = params["input"]
    try:
        vals = solver.cnn_values(params)
    except (ValueError, ZeroDivisionError) as exc:
        raise ParamError(f"these layers do not fit the input: {exc}") from None
    for name, _ in solver.cnn_layers(params):
        if min(vals[name][:2]) < 1:
            raise ParamError(f"{name} has no output left (shape {vals[name]}); use a larger input or smaller kernels")
    for name in ("conv1", "conv2"):
        k_out, k, s, pad = params[name]
        if min(k_out, k, s) < 1 or pad < 0:
            raise ParamError(f"{name} must be [kernels ≥ 1, size ≥ 1, stride ≥ 1, padding ≥ 0]")
    for name in ("pool1", "pool2"):
        if params.get(name) is not None and min(params[name]) < 1:
            raise ParamError(f"{name} must be [window ≥ 1, stride ≥ 1]")


CNN_SCHEMA = Schema({
    "input": Param("ints", "input image [H, W, C]", length=3, min=1, max=4096),
    "conv1": Param("ints", "first conv layer [kernels K, size k, stride S, padding P]", length=4, min=0, max=4096),
    "pool1": Param("ints", "first max-pooling layer [window f, stride S]", length=2, min=1, max=64),
    "conv2": Param("ints", "second conv layer [kernels K, size k, stride S, padding P]", length=4, min=0, max=4096),
    "pool2": Param("ints", "optional second max-pooling layer [window f, stride S]", length=2, min=1, max=64,
                   optional=True),
    "fc": Param("int", "outputs N of the final fully connected layer", min=1, max=100000),
}, check=_check_cnn)


def _exact(n: int, k: int, s: int, pad: int) -> bool:
    return n + 2 * pad >= k and (n + 2 * pad - k) % s == 0


def sample_cnn(rng: random.Random) -> dict[str, Any]:
    with_pool2 = rng.random() < 0.5
    same = rng.random() < 0.35
    while True:
        c = pick(rng, [1, 3, 3])
        s1 = 2 if rng.random() < 0.25 else 1
        # a stride-2 first layer with an odd kernel divides exactly only on odd input sizes
        h = pick(rng, [27, 31, 35, 39, 47, 55, 63, 67]) if s1 == 2 else pick(rng, [24, 28, 32, 32, 36, 40, 48, 56, 64])
        w = h if rng.random() < 0.8 else h + pick(rng, [8, 16, 24])
        k1 = pick(rng, [3, 5, 5, 7])
        p1 = (k1 - 1) // 2 if same else pick(rng, [0, 0, 1, 2])
        k2 = pick(rng, [3, 3, 5])
        p2 = (k2 - 1) // 2 if same else pick(rng, [0, 0, 1])
        f1 = pick(rng, [2, 2, 2, 3])
        params: dict[str, Any] = {
            "input": [h, w, c],
            "conv1": [pick(rng, [4, 6, 8, 10, 12, 16, 20, 32]), k1, s1, p1],
            "pool1": [f1, f1],
            "conv2": [pick(rng, [8, 12, 16, 24, 32, 48, 64]), k2, 1, p2],
            "fc": pick(rng, [10, 10, 5, 20, 84, 100, 120]),
        }
        if with_pool2:
            params["pool2"] = [2, 2]
        ok = True
        size = [h, w]
        for name, cfg in solver.cnn_layers(params):
            k, s, pad = (cfg[1], cfg[2], cfg[3]) if name.startswith("conv") else (cfg[0], cfg[1], 0)
            if not all(_exact(n, k, s, pad) for n in size):
                ok = False
                break
            size = [(n + 2 * pad - k) // s + 1 for n in size]
        if not ok or min(size) < 2:
            continue
        vals = solver.cnn_values(params)
        if vals["flat"] > 6000:
            continue
        return params


def _cnn_part_list(params: dict[str, Any]) -> list[tuple[str, Bi]]:
    out = [(name, Bi(f"{name} 的输出尺寸（高×宽×通道）", f"the output shape of {name} (H×W×C)"))
           for name, _ in solver.cnn_layers(params)]
    out += [("conv1_params", Bi("conv1 的参数量", "the parameters of conv1")),
            ("conv2_params", Bi("conv2 的参数量", "the parameters of conv2")),
            ("fc_params", Bi("全连接层的参数量", "the parameters of the FC layer")),
            ("total", Bi("整个网络的总参数量", "the total number of parameters")),
            ("rf", Bi("conv2 输出特征图上一个单元在输入图像上的感受野大小（边长）",
                      "the receptive field (side length, on the input image) of one unit of conv2's output"))]
    return out


def prompt_cnn(params: dict[str, Any]) -> Prompt:
    h, w, c = params["input"]
    kind_zh = "灰度" if c == 1 else " RGB 彩色"
    kind_en = "gray" if c == 1 else "RGB colour"
    rows = [["输入 / input", f"{h}×{w}×{c}"]]
    for name, cfg in solver.cnn_layers(params):
        if name.startswith("conv"):
            k_out, k, s, pad = cfg
            rows.append([name, f"{k_out} × conv {k}×{k}, S = {s}, P = {pad}, ReLU"])
        else:
            rows.append([name, f"max pool {cfg[0]}×{cfg[0]}, S = {cfg[1]}"])
    rows.append(["fc", f"flatten → FC → {params['fc']}"])
    fig = table(Bi("网络结构", "Architecture"), ["层 / layer", "配置 / configuration"], rows)
    asks = _asks([(chr(ord("a") + i), b) for i, (_, b) in enumerate(_cnn_part_list(params))])
    zh = (f"一个用于 {params['fc']} 类图像分类的小型卷积神经网络，输入为 {h}×{w}×{c} 的{kind_zh}图像，结构见下表"
          f"（“6 × conv 5×5”表示 6 个 5×5 的卷积核；S 为步长，P 为四周各填充 0 的个数；ReLU 不改变尺寸；"
          f"每个卷积核带 1 个偏置，池化层没有参数，全连接层带偏置）。求：{asks.zh}")
    en = (f"A small CNN for {params['fc']}-class image classification takes a {h}×{w}×{c} {kind_en} image; its layers "
          f"are listed below (“6 × conv 5×5” means six 5×5 kernels; S is the stride, P the zero padding on each side; "
          f"ReLU keeps the size; every kernel has one bias, pooling layers have no parameters, the FC layer has "
          f"biases). Find {asks.en}")
    return Prompt(Bi(zh, en), [fig])


register(Kind(
    name="scenario-cnn-design", chapter="cnn", section="comprehensive", points=12,
    title=Bi("综合：小型卷积网络的设计", "Comprehensive: designing a small CNN"),
    summary=Bi("逐层输出尺寸、各层参数量、总参数量与感受野", "Per-layer output shapes, parameters, total and receptive field"),
    conventions=Bi("输出 = (W − F + 2P)/S + 1；卷积参数 (F²·C_in + 1)·K；全连接 (H·W·C + 1)·N；"
                   "感受野 r_l = r_(l−1) + (k_l − 1)·j_(l−1)；"
                   "后面的尺寸与参数量按你前面的答案继续计算也给分",
                   "out = (W − F + 2P)/S + 1; conv parameters (F²·C_in + 1)·K; FC (H·W·C + 1)·N; receptive field "
                   "r_l = r_(l−1) + (k_l − 1)·j_(l−1); later shapes and counts earn credit when carried forward"),
    variants=("conv–pool–conv–FC", "conv–pool–conv–pool–FC", "same padding", "stride-2 first conv",
              "gray or RGB input", "non-square input"),
    sample=sample_cnn, prompt=prompt_cnn, solve=solver.scenario_cnn, schema=CNN_SCHEMA,
    carry_forward=solver.scenario_cnn_carry_forward,
    example={"input": [32, 32, 1], "conv1": [6, 5, 1, 0], "pool1": [2, 2], "conv2": [16, 5, 1, 0], "pool2": [2, 2],
             "fc": 120},
))


# ====================================================================== scenario-detection
def _check_det(params: dict[str, Any]) -> None:
    n, g = len(params["preds"]), len(params["gt"])
    if not 1 <= g <= 4:
        raise ParamError("give 1 to 4 ground-truth boxes")
    if not 2 <= n <= len(solver.LETTERS):
        raise ParamError(f"give 2 to {len(solver.LETTERS)} predicted boxes")
    if len(params["scores"]) != n:
        raise ParamError("give one score per predicted box")
    if len(set(params["scores"])) != n:
        raise ParamError("scores must be distinct (NMS and AP need a strict ranking)")
    for name in ("preds", "gt"):
        for b in params[name]:
            if b[2] <= b[0] or b[3] <= b[1]:
                raise ParamError(f"box {b} in {name} has no area: write (x1, y1, x2, y2) with x2 > x1, y2 > y1")


DET_SCHEMA = Schema({
    "gt": Param("boxes", "ground-truth boxes (x1, y1, x2, y2)"),
    "preds": Param("boxes", "predicted boxes A, B, … (x1, y1, x2, y2)"),
    "scores": Param("floats", "confidence of each predicted box", min=0, max=1),
    "nms_threshold": Param("float", "NMS suppresses boxes with IoU > this to a kept box", min=0, max=1),
    "match_threshold": Param("float", "a kept box is TP when its best IoU with a free ground truth is ≥ this",
                             min=0, max=1),
}, check=_check_det)


def _ri(rng: random.Random, lo: int, hi: int) -> int:
    """A uniform whole number lo … hi (like randint, from one call of rng.random)."""
    return lo + int(rng.random() * (hi - lo + 1))


def _jitter(rng: random.Random, box: list[int], amp: int = 4) -> list[int]:
    rnd, span = rng.random, 2 * amp + 1
    while True:
        b = [v - amp + int(rnd() * span) for v in box]
        if b[2] - b[0] >= 4 and b[3] - b[1] >= 4 and b != box:
            return b


def _iou(a: list[int], b: list[int]) -> float:
    ax1, ay1, ax2, ay2 = a
    bx1, by1, bx2, by2 = b
    iw = (ax2 if ax2 < bx2 else bx2) - (ax1 if ax1 > bx1 else bx1)
    if iw <= 0:
        return 0.0
    ih = (ay2 if ay2 < by2 else by2) - (ay1 if ay1 > by1 else by1)
    if ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter)


def _clear(box: list[int], gts: list[list[int]], preds: list[list[int]], thr: float) -> bool:
    """No IoU of the new box sits within 0.03 of a threshold (0.5 for matching, `thr` for NMS), and its best
    ground truth is unambiguous."""
    to_gt = [_iou(box, gt) for gt in gts]
    for v in to_gt:
        if -0.03 < v - 0.5 < 0.03:
            return False
    if len(to_gt) > 1 and min(to_gt) > 0 and abs(to_gt[0] - to_gt[1]) < 0.03:
        return False
    for o in preds:
        if -0.03 < _iou(box, o) - thr < 0.03:
            return False
    return True


def sample_det(rng: random.Random) -> dict[str, Any]:
    g = pick(rng, [1, 1, 2])
    while True:
        n = rng.randint(4, 6)
        extras = rng.randint(0, min(2, n - g - 1))  # some object gets at least two detections
        jitters = n - extras
        if jitters > 3 * g:
            extras, jitters = n - 3 * g, 3 * g
        per_gt = [jitters] if g == 1 else [rng.randint(max(1, jitters - 3), min(3, jitters - 1))]
        if g == 2:
            per_gt.append(jitters - per_gt[0])
        thr = pick(rng, [0.3, 0.4, 0.5, 0.5, 0.6])
        gts: list[list[int]] = []
        while len(gts) < g:  # far enough inside the image that jittered and extra boxes keep x, y ≥ 0
            bw, bh = _ri(rng, 6, 16), _ri(rng, 6, 16)
            x1, y1 = _ri(rng, 12, 52), _ri(rng, 12, 40)
            box = [x1, y1, x1 + bw, y1 + bh]
            if all(box[0] > o[2] + 2 or o[0] > box[2] + 2 or box[1] > o[3] + 2 or o[1] > box[3] + 2 for o in gts):
                gts.append(box)
        preds: list[list[int]] = []
        # the first detection of each object fits it well, the second is a duplicate that NMS must remove
        # (IoU with the first above the threshold), further ones are looser; extras are background boxes
        bases = [(gt, i) for gt, k in zip(gts, per_gt) for i in range(k)] + [(None, 0)] * extras
        first: list[int] = []
        for base, i in bases:
            for _ in range(30):
                if base is not None:
                    box = _jitter(rng, base, 2 if i < 2 else 4)
                else:
                    anchor = rng.choice(gts)
                    bw, bh = _ri(rng, 5, 14), _ri(rng, 5, 14)
                    x1, y1 = anchor[0] + _ri(rng, -12, 12), anchor[1] + _ri(rng, -12, 12)
                    box = [x1, y1, x1 + bw, y1 + bh]
                if base is not None and i == 1 and _iou(box, first) <= thr + 0.03:
                    continue
                if _clear(box, gts, preds, thr):
                    if base is not None and i == 0:
                        first = box
                    preds.append(box)
                    break
        if len(preds) != n:
            continue
        rng.shuffle(preds)
        scores = [v / 100 for v in rng.sample(range(30, 100), n)]
        if _det_interesting(gts, preds, scores, thr):
            return {"gt": gts, "preds": preds, "scores": scores, "nms_threshold": thr, "match_threshold": 0.5}


def _det_interesting(gts: list[list[int]], preds: list[list[int]], scores: list[float], thr: float) -> bool:
    """NMS removes some boxes but keeps at least two, at least one kept box is a TP, and precision and recall are
    not both 1. (Greedy NMS keeps a box exactly when its IoU with every higher-scoring kept box is ≤ thr; a
    hypothesis test checks this shortcut against the classic NMS loop and the VOC matching.)"""
    kept: list[list[int]] = []
    for i in sorted(range(len(preds)), key=scores.__getitem__, reverse=True):
        box = preds[i]
        for k in kept:
            if _iou(box, k) > thr:
                break
        else:
            kept.append(box)
    if len(kept) == len(preds) or len(kept) < 2:
        return False
    used: set[int] = set()
    for box in kept:  # VOC matching at IoU 0.5, by descending score; the first of equal IoUs is the best
        best, best_v = 0, -1.0
        for c, gt in enumerate(gts):
            v = _iou(box, gt)
            if v > best_v:
                best, best_v = c, v
        if best_v >= 0.5 and best not in used:
            used.add(best)
    return bool(used) and not (len(used) == len(kept) == len(gts))


def prompt_det(params: dict[str, Any]) -> Prompt:
    g, n = len(params["gt"]), len(params["preds"])
    names = solver.LETTERS[:n]
    gt_names = [f"G_{k + 1}" for k in range(g)] if g > 1 else ["G"]
    gts = "，".join(f"${gn} = ({', '.join(str(v) for v in b)})$" for gn, b in zip(gt_names, params["gt"]))
    gts_en = ", ".join(f"${gn} = ({', '.join(str(v) for v in b)})$" for gn, b in zip(gt_names, params["gt"]))
    rows = [[names[i], *[str(v) for v in b], num(params["scores"][i])] for i, b in enumerate(params["preds"])]
    fig = table(Bi("预测框", "Predicted boxes"), ["框 / box", "x1", "y1", "x2", "y2", "置信度 / score"], rows)
    asks = _det_asks(g > 1, params["nms_threshold"], params["match_threshold"])
    zh = (f"某图像中有 {g} 个真实框（同一类别）{gts}。检测器输出了 {n} 个预测框及其置信度（见下表）。坐标均为左上角与"
          f"右下角 $(x_1, y_1, x_2, y_2)$，x 向右、y 向下，面积 = 宽 × 高。{asks.zh}")
    en = (f"An image contains {g} ground-truth box{'es' if g > 1 else ''} of one class: {gts_en}. A detector outputs "
          f"the {n} scored boxes in the table. All boxes are corners $(x_1, y_1, x_2, y_2)$ with x to the right and y "
          f"down; area = width × height. {asks.en}")
    return Prompt(Bi(zh, en), [fig])


@lru_cache(maxsize=256)
def _det_asks(several: bool, nms_threshold: float, match_threshold: float) -> Bi:
    """The questions of scenario-detection, which depend only on these three values."""
    thr, mt = num(nms_threshold), num(match_threshold)
    return _asks([
        ("a", Bi("计算每个预测框与" + ("各真实框" if several else "真实框") + "的 IoU（保留两位小数）",
                 "Compute the IoU of every predicted box with " + ("each ground-truth box" if several else
                                                                    "the ground truth") + " (2 decimals)")),
        ("b", Bi(f"以阈值 {thr} 做非极大值抑制（NMS）：按置信度从高到低，每次保留剩余框中置信度最高者，删除与它 IoU > {thr} "
                 f"的框；写出保留下来的框",
                 f"Run non-maximum suppression with threshold {thr}: by descending score, keep the best remaining box "
                 f"and remove the boxes whose IoU with it is > {thr}; list the boxes kept")),
        ("c", Bi(f"把保留的框按置信度从高到低与真实框匹配：若它与 IoU 最大的真实框的 IoU ≥ {mt} 且该真实框尚未被匹配，"
                 f"则为 TP，否则为 FP；写出其中的 TP 框",
                 f"Match the kept boxes to the ground truth by descending score: a box is a TP when its IoU with its "
                 f"best ground-truth box is ≥ {mt} and that box is not matched yet, otherwise an FP; list the TP "
                 f"boxes")),
        ("d", Bi("计算 NMS 后的精确率和召回率（保留三位小数）", "Compute the precision and recall after NMS (3 decimals)")),
        ("e", Bi("计算保留框的 AP：按 VOC2010 以后的全点插值（精度取包络 $tilde(P)(r) = max_(r' >= r) P(r')$，"
                 "$\"AP\" = sum Delta R dot tilde(P)$），保留三位小数",
                 "Compute the AP of the kept boxes with the all-point interpolation of VOC2010 and later (precision "
                 "envelope $tilde(P)(r) = max_(r' >= r) P(r')$, $\"AP\" = sum Delta R dot tilde(P)$), 3 decimals")),
    ])


register(Kind(
    name="scenario-detection", chapter="detection", section="comprehensive", points=15,
    title=Bi("综合：检测结果的后处理与评价", "Comprehensive: post-processing and evaluating detections"),
    summary=Bi("IoU、非极大值抑制、TP/FP 判定、精确率/召回率与 AP", "IoU, NMS, TP/FP marking, precision/recall and AP"),
    conventions=Bi("NMS 删除 IoU > 阈值的框；按置信度从高到低匹配，IoU ≥ 0.5 且真实框未被匹配为 TP；AP 用全点插值；"
                   "TP、精确率、召回率、AP 按你前面的答案继续计算也给分",
                   "NMS removes boxes with IoU > threshold; matching by descending score, TP when IoU ≥ 0.5 with a "
                   "free ground truth; all-point interpolated AP; TP, precision, recall and AP earn credit when "
                   "carried "
                   "forward"),
    variants=("one ground truth", "two ground truths (IoU matrix)", "duplicate detections", "background false "
              "positives", "NMS threshold 0.3–0.6"),
    sample=sample_det, prompt=prompt_det, solve=solver.scenario_detection, schema=DET_SCHEMA,
    carry_forward=solver.scenario_detection_carry_forward,
    example={"gt": [[10, 10, 30, 30]], "preds": [[12, 10, 32, 30], [10, 12, 28, 32], [30, 30, 40, 40],
                                                 [9, 9, 29, 31]],
             "scores": [0.9, 0.8, 0.95, 0.6], "nms_threshold": 0.5, "match_threshold": 0.5},
))


# ====================================================================== scenario-image-pipeline
def _check_img(params: dict[str, Any]) -> None:
    image = params["image"]
    if len(image) < 5 or len(image[0]) < 5:
        raise ParamError("the image must be at least 5×5 (3×3 smoothing, then a 3×3 Sobel kernel)")
    if any(v < 0 or not float(v).is_integer() for r in image for v in r):
        raise ParamError("pixel values must be whole numbers ≥ 0")


IMG_SCHEMA = Schema({
    "image": Param("matrix", "gray image, whole numbers ≥ 0 (at least 5×5)"),
    "smoothing": Param("str", "mean (1/9) or gaussian ([1 2 1; 2 4 2; 1 2 1]/16)", choices=("mean", "gaussian")),
    "magnitude": Param("str", "l2 = sqrt(Gx²+Gy²), l1 = |Gx|+|Gy|", choices=("l2", "l1")),
    "threshold": Param("float", "edge when the magnitude is ≥ this", min=0),
}, check=_check_img)


def _edge_image(rng: random.Random, rows: int, cols: int) -> list[list[int]]:
    """A dark and a bright region split by a straight edge, with ±1 noise (values 0–9)."""
    low, high = rng.randint(0, 3), rng.randint(6, 9)
    orient = pick(rng, ["vertical", "horizontal", "diagonal", "anti"])
    cut = rng.randint(2, min(rows, cols) - 2)
    rnd = rng.random
    img = []
    for r in range(rows):
        row = []
        for c in range(cols):
            if orient == "vertical":
                side = c >= cut
            elif orient == "horizontal":
                side = r >= cut
            elif orient == "diagonal":
                side = c - r >= cut - 2
            else:
                side = r + c >= cut + 2
            v = (high if side else low) + int(rnd() * 3) - 1
            row.append(9 if v > 9 else 0 if v < 0 else v)
        img.append(row)
    return img


def sample_img(rng: random.Random) -> dict[str, Any]:
    rows, cols = pick(rng, [(5, 5), (5, 5), (5, 6), (6, 5)])
    smoothing = pick(rng, ["mean", "gaussian"])
    magnitude = pick(rng, ["l2", "l2", "l1"])
    while True:
        image = _edge_image(rng, rows, cols)
        params: dict[str, Any] = {"image": image, "smoothing": smoothing, "magnitude": magnitude}
        _, _, _, _, mg = solver.image_values(params)  # an exact .5 rounds up (四舍五入, stated in the prompt)
        mags = sorted(v for r in mg for v in r)
        if mags[-1] < 2:
            continue
        if len(mags) == 1:
            cands = [t for t in range(1, int(2 * mags[0]) + 2) if abs(t - mags[0]) >= max(1, 0.1 * mags[0])]
        else:
            cands = [t for t in range(1, int(mags[-1]) + 1) if mags[0] < t <= mags[-1]
                     and all(abs(t - v) >= 1 for v in mags)]
        if not cands:
            continue
        params["threshold"] = pick(rng, cands)
        return params


def prompt_img(params: dict[str, Any]) -> Prompt:
    image = params["image"]
    rows, cols = len(image), len(image[0])
    kernel, div = solver.SMOOTHERS[params["smoothing"]]
    name_zh = "均值滤波" if params["smoothing"] == "mean" else "高斯滤波"
    name_en = "mean filter" if params["smoothing"] == "mean" else "Gaussian filter"
    thr = num(params["threshold"])
    l2 = params["magnitude"] == "l2"
    mag = "$|G| = sqrt(G_x^2 + G_y^2)$" if l2 else "$|G| = |G_x| + |G_y|$"
    asks = _asks([
        ("a", Bi(f"用 3×3 {name_zh}（核见下图，加权和除以 {div} 后四舍五入为整数）平滑图像，只计算不需要填充的内部区域，"
                 f"写出平滑后的图像 $S$({rows - 2}×{cols - 2})",
                 f"Smooth the image with the 3×3 {name_en} below (weighted sum divided by {div}, rounded to a whole "
                 f"number, halves rounded up), only where no padding is needed, and give the smoothed image $S$ "
                 f"({rows - 2}×{cols - 2})")),
        ("b", Bi(f"在 $S$ 上用 Sobel 算子（$K_x$、$K_y$ 见下图）计算梯度图 $G_x$、$G_y$（只算有效区域，"
                 f"{rows - 4}×{cols - 4}）",
                 f"Apply the Sobel kernels $K_x$, $K_y$ below to $S$ and give the gradient maps $G_x$, $G_y$ (valid "
                 f"region, {rows - 4}×{cols - 4})")),
        ("c", Bi(f"计算梯度幅值 {mag}" + ("（保留两位小数）" if l2 else ""),
                 f"Compute the gradient magnitude {mag}" + (" (2 decimals)" if l2 else ""))),
        ("d", Bi(f"以阈值 $T = {thr}$ 得到边缘图：$|G| >= {thr}$ 记为 1（边缘），否则为 0",
                 f"Give the edge map with threshold $T = {thr}$: 1 (edge) where $|G| >= {thr}$, otherwise 0")),
    ])
    conv_zh = "所有滤波都按互相关计算（核不翻转），$G(i, j) = sum_(u,v) K(u,v) dot I(i+u, j+v)$。"
    conv_en = ("Every filter is applied as cross-correlation (kernel not flipped): "
               "$G(i, j) = sum_(u,v) K(u,v) dot I(i+u, j+v)$.")
    zh = f"下图为 {rows}×{cols} 的灰度图像 $I$，按“平滑 → Sobel 梯度 → 阈值化”的流程做边缘检测。{conv_zh}{asks.zh}"
    en = (f"The figure shows a {rows}×{cols} gray image $I$. Detect edges in three stages: smoothing → Sobel "
          f"gradients → thresholding. {conv_en} {asks.en}")
    kx, ky = OPERATORS["sobel"]
    figs = [grid(Bi("图像 $I$", "Image $I$"), image),
            matrix(Bi(f"平滑核 $K$（再除以 {div}）", f"Smoothing kernel $K$ (then divide by {div})"), kernel),
            matrix(Bi("$K_x$", "$K_x$"), kx), matrix(Bi("$K_y$", "$K_y$"), ky)]
    return Prompt(Bi(zh, en), figs)


register(Kind(
    name="scenario-image-pipeline", chapter="image-processing", section="comprehensive", points=12,
    title=Bi("综合：平滑、梯度与边缘图", "Comprehensive: smoothing, gradients and an edge map"),
    summary=Bi("均值/高斯平滑 → Sobel 梯度 → 梯度幅值 → 阈值化边缘图",
               "Mean/Gaussian smoothing → Sobel gradients → magnitude → thresholded edge map"),
    conventions=Bi("互相关、只算有效区域；平滑结果四舍五入为整数；|G| ≥ T 为边缘；梯度、幅值、边缘图按你前面的答案继续计算也给分",
                   "cross-correlation, valid region only; smoothed values rounded to whole numbers; edge where |G| ≥ "
                   "T; gradients, magnitude and edge map earn credit when carried forward"),
    variants=("mean filter", "Gaussian filter", "5×5 image (one gradient pixel)", "5×6 / 6×5 image (two pixels)",
              "L2 or L1 magnitude"),
    sample=sample_img, prompt=prompt_img, solve=solver.scenario_image, schema=IMG_SCHEMA,
    carry_forward=solver.scenario_image_carry_forward,
    example={"image": [[1, 2, 2, 8, 9, 9], [2, 1, 3, 8, 8, 9], [1, 2, 6, 9, 8, 8], [2, 6, 8, 8, 9, 9],
                       [6, 8, 9, 9, 8, 9]],
             "smoothing": "mean", "magnitude": "l2", "threshold": 12},
))


# ====================================================================== scenario-sequence
def _check_seq(params: dict[str, Any]) -> None:
    cell = params["cell"]
    n, m = len(params["h0"]), len(params["xs"][0])
    if len(params["xs"]) != 2:
        raise ParamError("xs must have two rows: x_1 and x_2")
    ws, bs = (solver.LSTM_W, solver.LSTM_B) if cell == "lstm" else (solver.GRU_W, solver.GRU_B)
    other = (solver.GRU_W + solver.GRU_B) if cell == "lstm" else (solver.LSTM_W + solver.LSTM_B + ("c0",))
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
    **{w: Param("matrix", f"{w} (LSTM), acting on [h_prev, x]", optional=True) for w in solver.LSTM_W},
    **{b: Param("floats", f"{b} (LSTM)", optional=True) for b in solver.LSTM_B},
    **{w: Param("matrix", f"{w} (GRU), acting on [h_prev, x] ([r ⊙ h_prev, x] for W_h)", optional=True)
       for w in solver.GRU_W},
    **{b: Param("floats", f"{b} (GRU)", optional=True) for b in solver.GRU_B},
    "deploy": Param("ints", "[hidden size, input size] of the deployed layer (parameter count)", length=2, min=1),
    "story": Param("str", "sensor, text or plain", choices=("sensor", "text", "plain"), optional=True),
}, check=_check_seq)


def sample_seq(rng: random.Random) -> dict[str, Any]:
    cell = pick(rng, ["lstm", "gru"])
    n, m = pick(rng, [(1, 1), (1, 1), (2, 1), (1, 2), (2, 2)])
    story = pick(rng, ["sensor", "text", "plain"])
    while True:
        params: dict[str, Any] = {"cell": cell, "xs": [[_tenth(rng, -10, 10, True) for _ in range(m)]
                                                       for _ in range(2)], "h0": [0.0] * n}
        if cell == "lstm":
            params["c0"] = [0.0] * n
        ws, bs = (solver.LSTM_W, solver.LSTM_B) if cell == "lstm" else (solver.GRU_W, solver.GRU_B)
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
        vals = solver.sequence_values(params)
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
        ws, bs = solver.LSTM_W, solver.LSTM_B
        init = f"$h_0 = {_vec_text(params['h0'])}$", f"$C_0 = {_vec_text(params['c0'])}$"
    else:
        ws, bs = solver.GRU_W, solver.GRU_B
        init = (f"$h_0 = {_vec_text(params['h0'])}$",)
    biases = [f"${b} = {_vec_text(params[b])}$" for b in bs]
    ask_a, ask_b = _SEQ_ASKS[cell]
    asks = _asks([("a", ask_a), ("b", ask_b),
                  ("c", Bi(f"实际部署的模型中该层输入维度为 ${inp}$、隐状态维度为 ${hid}$（每组权重带一个偏置向量），"
                           f"求该层的参数量",
                           f"in the deployed model this layer has input size ${inp}$ and hidden size ${hid}$ (one bias "
                           f"vector per set of weights): how many parameters does it have"))])
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
    sample=sample_seq, prompt=prompt_seq, solve=solver.scenario_sequence, schema=SEQ_SCHEMA,
    carry_forward=solver.scenario_sequence_carry_forward,
    example={"cell": "lstm", "xs": [[1.0], [-0.5]], "h0": [0.0], "c0": [0.0], "W_f": [[0.5, 0.4]],
             "W_i": [[0.3, 0.8]], "W_c": [[0.6, 1.0]], "W_o": [[-0.2, 0.7]], "b_f": [0.1], "b_i": [0.0],
             "b_c": [-0.1], "b_o": [0.2], "deploy": [128, 50]},
))


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
        vals = solver.training_values(params)
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
                  f"经 softmax 后计算交叉熵损失，其真实类别为第 ${c}$ 类（本步只用这个样本的损失更新）。")
        out_en = (f"For sample ${s}$ the ${k}$ class scores are $z_k = w_k d_{s} + b_k$ ($w = ({ws})$, $b = ({bs})$); "
                  f"a softmax and the cross-entropy loss follow, and its true class is ${c}$ (this update uses only "
                  f"this sample's loss).")
        asks = _asks([("a", Bi("批量规范化的输出 $y$", "the batch-norm output $y$")),
                      ("b", Bi("dropout 后的输出 $d$", "the output $d$ after dropout")),
                      ("c", Bi("softmax 概率 $p$ 与损失 $L$", "the softmax probabilities $p$ and the loss $L$")),
                      ("d", Bi(f"梯度 $(partial L)/(partial w_{j})$", f"the gradient $(partial L)/(partial w_{j})$")),
                      ("e", Bi(f"{opt_zh}更新一步后的 $w_{j}$", f"$w_{j}$ after one update {opt_en}"))])
    zh = f"{bn_zh}{out_zh}结果保留四位小数。求：{asks.zh}"
    en = f"{bn_en} {out_en} Give 4 decimals. Find {asks.en}"
    return Prompt(Bi(zh, en))


register(Kind(
    name="scenario-training-step", chapter="training", section="comprehensive", points=12,
    title=Bi("综合：一次完整的训练步", "Comprehensive: one full training step"),
    summary=Bi("批量规范化 → inverted dropout → 损失（MSE 或 softmax 交叉熵）→ 梯度 → SGD/动量更新",
               "Batch norm → inverted dropout → loss (MSE or softmax cross-entropy) → gradient → SGD/momentum update"),
    conventions=Bi("BN 方差除以 m、忽略 ε；dropout 保留值除以 q；保留四位小数；后面的小问按你前面的答案继续计算也给分",
                   "BN variance divided by m, ε ignored; dropout divides kept values by q; 4 decimals; later parts "
                   "earn credit when carried forward"),
    variants=("MSE over the batch", "softmax cross-entropy of one sample", "SGD", "momentum (two conventions)"),
    sample=sample_train, prompt=prompt_train, solve=solver.scenario_training, schema=TRAIN_SCHEMA,
    carry_forward=solver.scenario_training_carry_forward,
    example={"a": [1.0, 3.0, 3.0, 9.0], "gamma": 1.0, "beta": 0.5, "keep": 0.8, "mask": [1, 0, 1, 1], "loss": "mse",
             "w": [0.5], "b": [0.1], "targets": [0.0, 1.0, 1.0, 2.0], "optimizer": "momentum", "lr": 0.1,
             "momentum": 0.9, "velocity": 0.2, "momentum_form": "add-grad"},
))
