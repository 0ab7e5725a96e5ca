"""Solvers for the comprehensive (综合) scenarios: multi-part problems telling one story, each part graded on its
own, later parts re-graded from the student's own earlier answers (carry-forward hooks below).

The arithmetic reuses the core solvers (convolution length, box corners, correlation, LSTM cell) and the small
helpers of the chapter modules (receptive-field table, all-point AP, batch statistics, softmax, box overlaps)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import mat, num, p, round_answer, vec
from examgen.model import LabelsSpec, MatrixSpec, NumberSpec, Part, ShapeSpec, Solution, Step, VectorSpec
from examgen.solver import rnn as rnn_solver
from examgen.solver import sequences as seq_solver
from examgen.solver.cnn import conv_out_len
from examgen.solver.cnn_layers import rf_table
from examgen.solver.detection_ops import inter_union
from examgen.solver.imaging import OPERATORS, correlate_valid
from examgen.solver.metrics import pr_table, voc_ap
from examgen.solver.training_ops import bn_stats, softmax

INT = NumberSpec(integer=True)
LETTERS = "ABCDEFGHIJ"


def _n(x: float) -> str:
    """`num` with a fast path for whole numbers (areas of integer boxes)."""
    if type(x) is int:
        return str(x)
    return str(int(x)) if x == int(x) else num(x)


def _lbl(tag: str, zh: str, en: str) -> Bi:
    return Bi(f"({tag}) {zh}", f"({tag}) {en}")


def _shape(dims: list[int]) -> str:
    return " times ".join(str(d) for d in dims)


def _r(values: list[float]) -> list[float]:
    return [round_answer(v) for v in values]


def _v(values: list[float], d: int = 4) -> str:
    return num(values[0], d) if len(values) == 1 else vec(values, d)


# ====================================================================== scenario-cnn-design
def cnn_layers(params: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """(name, config) of the feature layers in order: conv = [K, k, s, p], pool = [f, s]."""
    out = [("conv1", params["conv1"]), ("pool1", params["pool1"]), ("conv2", params["conv2"])]
    if params.get("pool2") is not None:
        out.append(("pool2", params["pool2"]))
    return out


def cnn_next_shape(name: str, cfg: list[int], shape: list[float]) -> list[int]:
    """Output shape of one layer from its input shape [H, W, C]."""
    h, w, c = (int(round(v)) for v in shape)
    if name.startswith("conv"):
        k_out, k, s, pad = cfg
        return [conv_out_len(h, k, s, pad), conv_out_len(w, k, s, pad), k_out]
    f, s = cfg
    return [conv_out_len(h, f, s, 0), conv_out_len(w, f, s, 0), c]


def cnn_values(params: dict[str, Any]) -> dict[str, Any]:
    shape = list(params["input"])
    out: dict[str, Any] = {}
    c_in = shape[2]
    for name, cfg in cnn_layers(params):
        shape = cnn_next_shape(name, cfg, shape)
        out[name] = shape
        if name.startswith("conv"):
            k_out, k = cfg[0], cfg[1]
            out[name + "_params"] = k * k * c_in * k_out + k_out
            c_in = k_out
    flat = out[cnn_layers(params)[-1][0]]
    out["flat"] = flat[0] * flat[1] * flat[2]
    out["fc_params"] = out["flat"] * params["fc"] + params["fc"]
    out["total"] = out["conv1_params"] + out["conv2_params"] + out["fc_params"]
    c1, p1, c2 = params["conv1"], params["pool1"], params["conv2"]
    out["rf_table"] = rf_table([[c1[1], c1[2], 1], [p1[0], p1[1], 1], [c2[1], c2[2], 1]])
    out["rf"] = out["rf_table"][-1][1]
    return out


def scenario_cnn(params: dict[str, Any]) -> Solution:
    vals = cnn_values(params)
    layers = cnn_layers(params)
    steps: list[Step] = []
    parts: list[Part] = []
    shape = list(params["input"])
    prev_name = ""
    names = {"conv1": ("卷积层 conv1", "conv1"), "pool1": ("池化层 pool1", "pool1"),
             "conv2": ("卷积层 conv2", "conv2"), "pool2": ("池化层 pool2", "pool2")}
    tags = "abcd"
    for idx, (name, cfg) in enumerate(layers):
        out = vals[name]
        h, w, _ = shape
        if name.startswith("conv"):
            k_out, k, s, pad = cfg
            formula = 'H_"out" = (H - F + 2P)/S + 1'
            work = f"({h} - {k} + 2 dot {pad})/{s} + 1"
            if w != h:
                work += f"; quad ({w} - {k} + 2 dot {pad})/{s} + 1"
            title = Bi(f"{names[name][0]} 的输出：{k}×{k} 卷积核，步长 {s}，填充 {pad}；通道数 = 卷积核个数 {k_out}",
                       f"Output of {names[name][1]}: {k}×{k} kernels, stride {s}, padding {pad}; channels = "
                       f"{k_out} kernels")
        else:
            f, s = cfg
            formula = 'H_"out" = (H - F)/S + 1'
            work = f"({h} - {f})/{s} + 1" + (f"; quad ({w} - {f})/{s} + 1" if w != h else "")
            title = Bi(f"{names[name][0]} 的输出：{f}×{f} 窗口，步长 {s}；池化不改变通道数",
                       f"Output of {names[name][1]}: {f}×{f} window, stride {s}; pooling keeps the channels")
        steps.append(Step(title=title, part=name, formula=formula, work=work, result=_shape(out)))
        parts.append(Part(name, _lbl(tags[idx], f"{names[name][0]} 的输出尺寸", f"Output shape of {name}"),
                          ShapeSpec(3), out, depends_on=(prev_name,) if prev_name else ()))
        shape, prev_name = out, name
    tag_i = len(layers)
    c_in = params["input"][2]
    for name in ("conv1", "conv2"):
        k_out, k = params[name][0], params[name][1]
        steps.append(Step(title=Bi(f"{name} 的参数量：每个卷积核 {k}×{k}×{c_in} 个权重加 1 个偏置",
                                   f"Parameters of {name}: each kernel has {k}×{k}×{c_in} weights plus 1 bias"),
                          part=name + "_params", formula='(F^2 C_"in" + 1) K',
                          work=f"({k}^2 dot {c_in} + 1) dot {k_out}", result=f"{vals[name + '_params']}"))
        c_in = k_out
    last = layers[-1][0]
    n_fc = params["fc"]
    steps.append(Step(title=Bi(f"全连接层的参数量：把 {last} 的输出展平为 {vals['flat']} 维向量，每个输出单元一行权重加 1 个偏置",
                               f"Parameters of the FC layer: {last}'s output flattens to {vals['flat']} values; each "
                               f"output unit has one row of weights plus 1 bias"),
                      part="fc_params", formula='(H W C + 1) N',
                      work=f"({_shape(vals[last]).replace(' times ', ' dot ')} + 1) dot {n_fc}",
                      result=f"{vals['fc_params']}"))
    steps.append(Step(title=Bi("总参数量（池化层没有参数）", "Total parameters (pooling layers have none)"), part="total",
                      formula='N_"conv1" + N_"conv2" + N_"fc"',
                      work=f"{vals['conv1_params']} + {vals['conv2_params']} + {vals['fc_params']}",
                      result=f"{vals['total']}"))
    r, j = 1, 1
    rf_layers = [("conv1", params["conv1"][1], params["conv1"][2]), ("pool1", params["pool1"][0], params["pool1"][1]),
                 ("conv2", params["conv2"][1], params["conv2"][2])]
    for (name, k, s), (_, r_new, j_new) in zip(rf_layers, vals["rf_table"]):
        steps.append(Step(title=Bi(f"感受野逐层累加：经过 {name}（核 {k}，步长 {s}）",
                                   f"Receptive field, layer by layer: through {name} (kernel {k}, stride {s})"),
                          part="rf", formula="r_l = r_(l-1) + (k_l - 1) j_(l-1), quad j_l = j_(l-1) s_l",
                          work=f"r = {r} + ({k} - 1) dot {j}, quad j = {j} dot {s}",
                          result=f"r = {r_new}, quad j = {j_new}"))
        r, j = r_new, j_new
    parts += [
        Part("conv1_params", _lbl(chr(ord("a") + tag_i), "conv1 的参数量", "Parameters of conv1"), INT,
             vals["conv1_params"]),
        Part("conv2_params", _lbl(chr(ord("a") + tag_i + 1), "conv2 的参数量", "Parameters of conv2"), INT,
             vals["conv2_params"]),
        Part("fc_params", _lbl(chr(ord("a") + tag_i + 2), "全连接层的参数量", "Parameters of the FC layer"), INT,
             vals["fc_params"], depends_on=(last,)),
        Part("total", _lbl(chr(ord("a") + tag_i + 3), "总参数量", "Total parameters"), INT, vals["total"],
             depends_on=("conv1_params", "conv2_params", "fc_params")),
        Part("rf", _lbl(chr(ord("a") + tag_i + 4), "conv2 单元在输入图像上的感受野", "Receptive field of a conv2 unit"),
             INT, vals["rf"], weight=1.5),
    ]
    return Solution(parts, steps)


def scenario_cnn_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    layers = dict(cnn_layers(params))
    if part in ("pool1", "conv2", "pool2"):
        (shape,) = earlier.values()
        return cnn_next_shape(part, layers[part], shape)
    if part == "fc_params":
        (shape,) = earlier.values()
        h, w, c = (int(round(v)) for v in shape)
        return h * w * c * params["fc"] + params["fc"]
    if part == "total":
        return sum(earlier.values())
    return None


# ====================================================================== scenario-detection
def det_overlaps(params: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """(intersection, union) of every prediction (rows) with every ground-truth box (columns)."""
    gts = params["gt"]
    return [[inter_union(pb, gb) for gb in gts] for pb in params["preds"]]


def det_nms(params: dict[str, Any]) -> tuple[list[int], list[tuple[int, list[tuple[int, float, float, float]]]]]:
    """Greedy NMS by descending score; a box whose IoU with a kept box exceeds the threshold is suppressed."""
    corners = params["preds"]
    remaining = sorted(range(len(corners)), key=lambda i: -params["scores"][i])
    kept: list[int] = []
    rounds = []
    thr = params["nms_threshold"]
    while remaining:
        best = remaining.pop(0)
        kept.append(best)
        comps, survivors = [], []
        box = corners[best]
        for j in remaining:
            inter, union = inter_union(box, corners[j])
            v = inter / union
            comps.append((j, inter, union, v))
            if v <= thr:
                survivors.append(j)
        rounds.append((best, comps))
        remaining = survivors
    return kept, rounds


def det_match(params: dict[str, Any], ious: list[list[float]], kept: list[int]) -> list[tuple[int, int, float, bool]]:
    """VOC matching of the kept boxes, by descending score: (box, best GT, IoU, is TP)."""
    order = sorted(kept, key=lambda i: -params["scores"][i])
    used: set[int] = set()
    out = []
    for i in order:
        row = ious[i]
        g = max(range(len(row)), key=lambda c: (row[c], -c))
        tp = row[g] >= params["match_threshold"] and g not in used
        if tp:
            used.add(g)
        out.append((i, g, row[g], tp))
    return out


def det_metrics(params: dict[str, Any], kept: list[int], tp: set[int]) -> tuple[float, float, float]:
    order = sorted(kept, key=lambda i: -params["scores"][i])
    flags = [1 if i in tp else 0 for i in order]
    n_gt = len(params["gt"])
    prec, rec, _ = pr_table(flags, n_gt)
    hits = sum(flags)
    return hits / len(order), hits / n_gt, voc_ap(prec, rec)


_DET_IOU_FORMULA = '"IoU" = I/(S_A + S_B - I)'
_DET_SORT_TITLE = Bi("NMS：按置信度从高到低排序", "NMS: sort by descending score")
_DET_KEPT_TITLE = Bi("NMS 后保留的框", "Boxes kept after NMS")
_DET_PREC_TITLE = Bi("NMS 后的精确率：TP 占保留框的比例", "Precision after NMS: share of kept boxes that are TP")
_DET_REC_TITLE = Bi("召回率：被检出的真实框占全部真实框的比例", "Recall: share of ground-truth boxes found")
_DET_CUM_TITLE = Bi("按置信度排序，逐个计算累计精确率与召回率", "Cumulative precision and recall down the ranking")
_DET_AP_TITLE = Bi("全点插值 AP：精度取包络（其后的最大精确率），在每个 TP 处累加 ΔR × 包络精度；"
                   "未检出的真实框使召回率达不到 1",
                   "All-point AP: take the precision envelope (largest precision at or after each rank) "
                   "and add ΔR × envelope precision at each TP; missed ground truths keep recall below 1")
_DET_DUP_NOTE = ("{gt} 已被置信度更高的框匹配（重复检测）：FP", "{gt} was already matched by a higher-scoring box (duplicate): FP")


def scenario_detection(params: dict[str, Any]) -> Solution:
    preds, gts, scores = params["preds"], params["gt"], params["scores"]
    thr, mt = params["nms_threshold"], params["match_threshold"]
    n, g = len(preds), len(gts)
    names = LETTERS[:n]
    gt_math = [f"G_{k + 1}" for k in range(g)] if g > 1 else ["G"]
    gt_names = [f"${gm}$" for gm in gt_math]  # for titles and notes (inline math)
    overlaps = det_overlaps(params)
    ious = [[inter / union for inter, union in row] for row in overlaps]
    steps: list[Step] = []
    for i in range(n):
        name = names[i]
        works = "; quad ".join([f"{_n(inter)}/{_n(union)}" for inter, union in overlaps[i]])
        results = "; quad ".join([f'"IoU"({name}, {gn}) approx {num(v, 4)}' for gn, v in zip(gt_math, ious[i])])
        steps.append(Step(Bi(f"框 {name} 与真实框的 IoU（交集面积 / 并集面积）",
                             f"IoU of box {name} with the ground truth (intersection / union)"),
                          _DET_IOU_FORMULA, works, results, "iou"))
    kept, rounds = det_nms(params)
    by_score = sorted(range(n), key=lambda i: -scores[i])
    steps.append(Step(_DET_SORT_TITLE, "", "", " > ".join([f"{names[i]}({num(scores[i])})" for i in by_score]),
                      "kept"))
    thr_t = num(thr)
    for best, comps in rounds:
        bn = names[best]
        if not comps:
            steps.append(Step(Bi(f"只剩框 {bn}，保留", f"Only {bn} is left: keep it"), "", "", bn, "kept"))
            continue
        work = "; quad ".join([f'"IoU"({bn}, {names[j]}) = {_n(inter)}/{_n(union)} approx {num(v, 3)}'
                               for j, inter, union, v in comps if inter > 0])
        apart = [names[j] for j, inter, _, _ in comps if inter == 0]
        note = None
        if apart:
            note = Bi(f"{'、'.join(apart)} 与 {bn} 不相交，IoU = 0。",
                      f"{', '.join(apart)} {'does' if len(apart) == 1 else 'do'} not overlap {bn}: IoU = 0.")
        gone = [names[j] for j, _, _, v in comps if v > thr]
        res_zh = ("抑制 " + "、".join(gone)) if gone else "没有框被抑制"
        res_en = ("suppress " + ", ".join(gone)) if gone else "nothing suppressed"
        steps.append(Step(Bi(f"保留当前置信度最高的框 {bn}，抑制与它 IoU > {thr_t} 的框：{res_zh}",
                             f"Keep the highest-scoring box left, {bn}, and suppress boxes with IoU > {thr_t} to it: "
                             f"{res_en}"), "", work, bn, "kept", note))
    kept_sorted = [i for i in by_score if i in kept]
    steps.append(Step(_DET_KEPT_TITLE, "", "", ", ".join(names[i] for i in kept_sorted), "kept"))
    match = det_match(params, ious, kept)
    mt_t = num(mt)
    for i, gk, v, tp in match:
        gt_name = gt_names[gk]
        if tp:
            note = Bi(f"IoU ≥ {mt_t} 且 {gt_name} 尚未匹配：TP", f"IoU ≥ {mt_t} and {gt_name} is still free: TP")
        elif v >= mt:
            note = Bi(_DET_DUP_NOTE[0].format(gt=gt_name), _DET_DUP_NOTE[1].format(gt=gt_name))
        else:
            note = Bi(f"IoU < {mt_t}：FP", f"IoU < {mt_t}: FP")
        sc = num(scores[i])
        steps.append(Step(Bi(f"框 {names[i]}（置信度 {sc}）与 IoU 最大的真实框 {gt_name} 匹配",
                             f"Box {names[i]} (score {sc}) against its best ground truth {gt_name}"),
                          "", f'"IoU" approx {num(v, 4)}', '"TP"' if tp else '"FP"', "tp", note))
    tp_set = {i for i, _, _, t in match if t}
    flags = [1 if i in tp_set else 0 for i in kept_sorted]
    ps, rs, cum = pr_table(flags, g)
    n_tp, n_kept = cum[-1], len(kept_sorted)
    prec, rec, ap = n_tp / n_kept, n_tp / g, voc_ap(ps, rs)
    steps.append(Step(_DET_PREC_TITLE, 'P = "TP"/("TP" + "FP")', f"{n_tp}/{n_kept}", f"P approx {num(prec, 4)}",
                      "precision"))
    steps.append(Step(_DET_REC_TITLE, 'R = "TP"/N_"GT"', f"{n_tp}/{g}", f"R approx {num(rec, 4)}", "recall"))
    steps.append(Step(_DET_CUM_TITLE, 'P_k = "TP"_k/k, quad R_k = "TP"_k/N_"GT"',
                      "; quad ".join(f"{names[i]}: {c}/{k}, {c}/{g}"
                                     for k, (i, c) in enumerate(zip(kept_sorted, cum), start=1)),
                      "; quad ".join(f"({num(pk, 3)}, {num(rk, 3)})" for pk, rk in zip(ps, rs)), "ap"))
    env = list(ps)
    for k in range(len(env) - 2, -1, -1):
        if env[k + 1] > env[k]:
            env[k] = env[k + 1]
    terms, prev = [], 0.0
    for k, f in enumerate(flags):
        if f:
            terms.append(f"({num(rs[k], 3)} - {num(prev, 3)}) dot {num(env[k], 3)}")
            prev = rs[k]
    steps.append(Step(_DET_AP_TITLE, '"AP" = sum_k (R_k - R_(k-1)) dot tilde(P)_k',
                      " + ".join(terms) if terms else "0", f'"AP" approx {num(ap, 4)}', "ap"))
    if g == 1:
        iou_part = Part("iou", _DET_LABELS["iou1"], VectorSpec(n, decimals=2), _r([row[0] for row in ious]))
    else:
        iou_part = Part("iou", _DET_LABELS["iou2"], MatrixSpec(n, g, decimals=2), [_r(row) for row in ious])
    labels = LabelsSpec(tuple(names), ordered=False)
    parts = [
        iou_part,
        Part("kept", _DET_LABELS["kept"], labels, [names[i] for i in kept_sorted]),
        Part("tp", _DET_LABELS["tp"], labels, [names[i] for i in kept_sorted if i in tp_set],
             depends_on=("iou", "kept")),
        Part("precision", _DET_LABELS["precision"], _DEC3, round_answer(prec), depends_on=("tp", "kept"), weight=0.5),
        Part("recall", _DET_LABELS["recall"], _DEC3, round_answer(rec), depends_on=("tp",), weight=0.5),
        Part("ap", _DET_LABELS["ap"], _DEC3, round_answer(ap), depends_on=("tp", "kept"), weight=1.5),
    ]
    return Solution(parts, steps)


_DEC3 = NumberSpec(decimals=3)
_DET_LABELS = {
    "iou1": _lbl("a", "各预测框与真实框的 IoU", "IoU of each prediction with the ground truth"),
    "iou2": _lbl("a", "IoU 矩阵（行：预测框，列：真实框）", "IoU matrix (rows: predictions, columns: ground truths)"),
    "kept": _lbl("b", "NMS 后保留的框", "Boxes kept by NMS"),
    "tp": _lbl("c", "保留框中的 TP", "Kept boxes that are TP"),
    "precision": _lbl("d", "精确率", "Precision"),
    "recall": _lbl("d", "召回率", "Recall"),
    "ap": _lbl("e", "AP（全点插值）", "AP (all-point interpolation)"),
}


def _as_matrix(values: Any, rows: int) -> list[list[float]]:
    if values and not isinstance(values[0], list):
        return [[float(v)] for v in values]
    return [[float(v) for v in r] for r in values]


def scenario_detection_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    n = len(params["preds"])
    index = {LETTERS[i]: i for i in range(n)}
    if part == "tp":
        ious = _as_matrix(earlier["iou"], n)
        kept = [index[x] for x in dict.fromkeys(earlier["kept"])]
        match = det_match(params, ious, kept)
        return [LETTERS[i] for i, _, _, t in match if t]
    if part == "recall":
        return len(set(earlier["tp"])) / len(params["gt"])
    if part in ("precision", "ap"):
        kept = [index[x] for x in dict.fromkeys(earlier["kept"])]
        tp = {index[x] for x in earlier["tp"]} & set(kept)
        prec, _, ap = det_metrics(params, kept, tp)
        return prec if part == "precision" else ap
    return None


# ====================================================================== scenario-image-pipeline
SMOOTHERS = {"mean": ([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 9), "gaussian": ([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 16)}


def round_half_up(num_: int, den: int) -> int:
    """num/den rounded to the nearest integer, halves upward (exact integer arithmetic)."""
    return (2 * num_ + den) // (2 * den)


def image_smooth(params: dict[str, Any]) -> tuple[list[list[int]], list[list[int]]]:
    """Weighted 3×3 sums over the valid region, and the smoothed image (sum / divisor, rounded half up)."""
    image = [[int(v) for v in row] for row in params["image"]]
    gauss = params["smoothing"] == "gaussian"
    div = SMOOTHERS[params["smoothing"]][1]
    sums = []
    for i in range(len(image) - 2):
        r0, r1, r2 = image[i], image[i + 1], image[i + 2]
        row = []
        for j in range(len(r0) - 2):
            if gauss:
                row.append(r0[j] + 2 * r0[j + 1] + r0[j + 2] + 2 * r1[j] + 4 * r1[j + 1] + 2 * r1[j + 2]
                           + r2[j] + 2 * r2[j + 1] + r2[j + 2])
            else:
                row.append(sum(r0[j:j + 3]) + sum(r1[j:j + 3]) + sum(r2[j:j + 3]))
        sums.append(row)
    return sums, [[round_half_up(v, div) for v in row] for row in sums]


def image_values(params: dict[str, Any]) -> tuple[tuple[tuple[float, ...], ...], ...]:
    """(sums, smoothed, Gx, Gy, |G|) as tuples of rows. Memoized by value (the generator checks a draw with them,
    then the solver uses them for the same image)."""
    return _image_values(tuple(map(tuple, params["image"])), params["smoothing"], params["magnitude"])


@lru_cache(maxsize=16)
def _image_values(image: tuple, smoothing: str, magnitude: str) -> tuple[tuple[tuple[float, ...], ...], ...]:
    sums, smooth = image_smooth({"image": image, "smoothing": smoothing})
    return tuple(tuple(map(tuple, m)) for m in (sums, smooth, *image_gradients(smooth, magnitude)))


def _mag(gx: float, gy: float, kind: str) -> float:
    return math.hypot(gx, gy) if kind == "l2" else abs(gx) + abs(gy)


def image_gradients(smooth: list[list[float]], kind: str) -> tuple[list[list[float]], ...]:
    kx, ky = OPERATORS["sobel"]
    gx = correlate_valid(smooth, kx)
    gy = correlate_valid(smooth, ky)
    mg = [[_mag(a, b, kind) for a, b in zip(ra, rb)] for ra, rb in zip(gx, gy)]
    return gx, gy, mg


def edge_map(mag: list[list[float]], threshold: float) -> list[list[int]]:
    return [[1 if v >= threshold else 0 for v in row] for row in mag]


def _sum_terms(image: list[list[float]], kernel: list[list[int]], i: int, j: int) -> str:
    terms = []
    for u in range(3):
        for v in range(3):
            k = kernel[u][v]
            x = image[i + u][j + v]
            if k == 0:
                continue
            mag_ = abs(k)
            t = p(x) if mag_ == 1 else f"{mag_} dot {p(x)}"
            terms.append(("- " if k < 0 else "+ ") + t)
    text = " ".join(terms)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]


def scenario_image(params: dict[str, Any]) -> Solution:
    kind, thr = params["magnitude"], params["threshold"]
    kernel, div = SMOOTHERS[params["smoothing"]]
    sums, smooth, gx, gy, mg = image_values(params)
    edges = edge_map(mg, thr)
    name_zh = "均值滤波" if params["smoothing"] == "mean" else "高斯滤波"
    name_en = "mean filter" if params["smoothing"] == "mean" else "Gaussian filter"
    sr, sc = len(smooth), len(smooth[0])
    steps = [
        Step(title=Bi(f"{name_zh}：只在图像内部（不填充）计算，输出尺寸 {sr}×{sc}",
                      f"{name_en}: computed inside the image only (no padding); output size {sr}×{sc}"),
             part="smooth", formula=f"S(i, j) = 1/{div} sum_(u,v) K(u,v) dot I(i+u, j+v)",
             work=f"S(0, 0) = ({_sum_terms(params['image'], kernel, 0, 0)})/{div} = {sums[0][0]}/{div}",
             result=f"S(0, 0) = {smooth[0][0]}",
             note=Bi("其余位置同理，结果四舍五入为整数。", "The other positions likewise, each rounded to a whole number.")),
        Step(title=Bi("各位置的加权和（除以归一化系数前）", "Weighted sums at every position (before dividing)"),
             part="smooth", result="mat(" + "; ".join(", ".join(str(v) for v in r) for r in sums) + ")"),
        Step(title=Bi(f"除以 {div} 并四舍五入，得到平滑图像", f"Divide by {div} and round: the smoothed image"),
             part="smooth", result="S = " + mat(smooth)),
    ]
    kx, ky = OPERATORS["sobel"]
    gr, gc = len(gx), len(gx[0])
    steps.append(Step(title=Bi(f"在平滑图像上用 Sobel 算子（互相关，不翻转）计算 $G_x$，有效区域 {gr}×{gc}",
                               f"Sobel $G_x$ on the smoothed image (cross-correlation, no flipping), valid region "
                               f"{gr}×{gc}"),
                      part="gx", formula="G_x (i,j) = sum_(u,v) K_x (u,v) dot S(i+u, j+v)",
                      work="; quad ".join(f"{_sum_terms(smooth, kx, i, j)} = {num(gx[i][j])}"
                                          for i in range(gr) for j in range(gc)),
                      result="G_x = " + mat(gx)))
    steps.append(Step(title=Bi("同样用 Sobel 竖直核计算 $G_y$", "$G_y$ with the vertical Sobel kernel"), part="gy",
                      formula="G_y (i,j) = sum_(u,v) K_y (u,v) dot S(i+u, j+v)",
                      work="; quad ".join(f"{_sum_terms(smooth, ky, i, j)} = {num(gy[i][j])}"
                                          for i in range(gr) for j in range(gc)),
                      result="G_y = " + mat(gy)))
    mag_formula = "|G| = sqrt(G_x^2 + G_y^2)" if kind == "l2" else "|G| = |G_x| + |G_y|"
    steps.append(Step(title=Bi("梯度幅值", "Gradient magnitude"), part="magnitude", formula=mag_formula,
                      work="; quad ".join(
                          (f"sqrt({p(a)}^2 + {p(b)}^2)" if kind == "l2" else f"|{num(a)}| + |{num(b)}|")
                          for ra, rb in zip(gx, gy) for a, b in zip(ra, rb)),
                      result="|G| approx " + mat(mg, 2) if kind == "l2" else "|G| = " + mat(mg)))
    steps.append(Step(title=Bi(f"阈值化：幅值 ≥ {num(thr)} 记为边缘 1，否则为 0",
                               f"Threshold: magnitude ≥ {num(thr)} is an edge (1), otherwise 0"),
                      part="edges", formula=f"E = [|G| >= {num(thr)}]", result="E = " + mat(edges)))
    parts = [
        Part("smooth", _lbl("a", "平滑后的图像（内部区域，取整）", "Smoothed image (interior, rounded)"),
             MatrixSpec(sr, sc, integer=True), [list(r) for r in smooth], weight=1.5),
        Part("gx", _lbl("b", "水平梯度 Gx", "Horizontal gradient Gx"), MatrixSpec(gr, gc, integer=True),
             [[int(v) for v in r] for r in gx], depends_on=("smooth",)),
        Part("gy", _lbl("b", "竖直梯度 Gy", "Vertical gradient Gy"), MatrixSpec(gr, gc, integer=True),
             [[int(v) for v in r] for r in gy], depends_on=("smooth",)),
        Part("magnitude", _lbl("c", "梯度幅值 |G|", "Gradient magnitude |G|"),
             MatrixSpec(gr, gc, decimals=2) if kind == "l2" else MatrixSpec(gr, gc, integer=True),
             [[round_answer(v) for v in r] for r in mg], depends_on=("gx", "gy")),
        Part("edges", _lbl("d", "边缘图（1 = 边缘）", "Edge map (1 = edge)"), MatrixSpec(gr, gc, integer=True), edges,
             depends_on=("magnitude",), weight=0.5),
    ]
    return Solution(parts, steps)


def scenario_image_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    kind = params["magnitude"]
    if part in ("gx", "gy"):
        kx, ky = OPERATORS["sobel"]
        return correlate_valid(earlier["smooth"], kx if part == "gx" else ky)
    if part == "magnitude":
        return [[_mag(a, b, kind) for a, b in zip(ra, rb)] for ra, rb in zip(earlier["gx"], earlier["gy"])]
    if part == "edges":
        return edge_map(earlier["magnitude"], params["threshold"])
    return None


# ====================================================================== scenario-sequence
LSTM_W = ("W_f", "W_i", "W_c", "W_o")
LSTM_B = ("b_f", "b_i", "b_c", "b_o")
GRU_W = ("W_z", "W_r", "W_h")
GRU_B = ("b_z", "b_r", "b_h")


def lstm_step_values(params: dict[str, Any], x: list[float], h: list[float], c: list[float]) -> dict[str, list[float]]:
    return rnn_solver.lstm_cell(params, x, h, c)


def gru_step_values(params: dict[str, Any], x: list[float], h: list[float]) -> dict[str, list[float]]:
    return seq_solver.gru_cell(params, x, h)


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
        v1 = rnn_solver.lstm_cell(weights, list(xs[0]), list(h0), list(c0))
        v2 = rnn_solver.lstm_cell(weights, list(xs[1]), v1["h"], v1["c"])
        out.update(c1=v1["c"], h1=v1["h"], c2=v2["c"], h2=v2["h"], steps=(v1, v2))
    else:
        v1 = seq_solver.gru_cell(weights, list(xs[0]), list(h0))
        v2 = seq_solver.gru_cell(weights, list(xs[1]), v1["h"])
        out.update(z1=v1["z"], h_tilde1=v1["h_tilde"], h1=v1["h"], h2=v2["h"], steps=(v1, v2))
    out["params"] = seq_solver.layer_params("lstm" if lstm else "gru", hid, inp, "single")
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
                          "; ".join([f"{f[o]} dot tanh({f[cc]})" for o, cc in zip(vals["o"], vals["c"])]),
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
    g = seq_solver.GATES[cell]
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
             formula="mu = 1/m sum_i a_i, quad sigma^2 = 1/m sum_i (a_i - mu)^2",
             work=f"mu = ({' + '.join(p(x) for x in a)})/{m}",
             result=f"mu = {num(vals['mu'])}, quad sigma^2 = {num(vals['var'])}, quad sigma = {num(vals['sd'])}"),
        Step(title=Bi("标准化后再缩放平移", "Normalize, then scale and shift"), part="bn",
             formula="y_i = gamma (a_i - mu)/sigma + beta",
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
                 work=" + ".join(f"exp({p(zk)})" for zk in z) + f" approx {num(sum(math.exp(v) for v in z))}",
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
