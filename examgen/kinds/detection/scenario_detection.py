"""`scenario-detection`: Comprehensive: post-processing and evaluating detections.

IoU, NMS, TP/FP marking, precision/recall and AP. Top to bottom: params schema, pure solver, sampler, prompt,
registration."""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _asks, _lbl, _r, pick, table
from examgen.kinds.detection._shared import ap_without_envelope, inter_union, pr_table, voc_ap
from examgen.kinds.detection.nms import Rounds, greedy_nms
from examgen.mathfmt import num, round_answer
from examgen.model import LabelsSpec, MatrixSpec, NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.mistakes import Mistake
from examgen.params import Param, Schema
from examgen.registry import Kind, register


# ====================================================================== scenario-detection
def _check_det(params: dict[str, Any]) -> None:
    n, g = len(params["preds"]), len(params["gt"])
    if not 1 <= g <= 4:
        raise ParamError("give 1 to 4 ground-truth boxes")
    if not 2 <= n <= len(LETTERS):
        raise ParamError(f"give 2 to {len(LETTERS)} predicted boxes")
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


# ---------------------------------------------------------------- solver
LETTERS = "ABCDEFGHIJ"


def _n(x: float) -> str:
    """`num` with a fast path for whole numbers (areas of integer boxes)."""
    if type(x) is int:
        return str(x)
    return str(int(x)) if x == int(x) else num(x)


# ====================================================================== scenario-detection
def det_overlaps(params: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """(intersection, union) of every prediction (rows) with every ground-truth box (columns)."""
    gts = params["gt"]
    return [[inter_union(pb, gb) for gb in gts] for pb in params["preds"]]


def det_nms(params: dict[str, Any]) -> tuple[list[int], Rounds]:
    """Greedy NMS of the predictions by descending score (the nms kind's own procedure)."""
    return greedy_nms(params["preds"], params["scores"], params["nms_threshold"])


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
        results = "; quad ".join([f'"IoU"({name}, {gn}) approx {num(v)}' for gn, v in zip(gt_math, ious[i])])
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
                          "", f'"IoU" approx {num(v)}', '"TP"' if tp else '"FP"', "tp", note))
    tp_set = {i for i, _, _, t in match if t}
    flags = [1 if i in tp_set else 0 for i in kept_sorted]
    ps, rs, cum = pr_table(flags, g)
    n_tp, n_kept = cum[-1], len(kept_sorted)
    prec, rec, ap = n_tp / n_kept, n_tp / g, voc_ap(ps, rs)
    steps.append(Step(_DET_PREC_TITLE, 'P = "TP"/("TP" + "FP")', f"{n_tp}/{n_kept}", f"P approx {num(prec)}",
                      "precision"))
    steps.append(Step(_DET_REC_TITLE, 'R = "TP"/N_"GT"', f"{n_tp}/{g}", f"R approx {num(rec)}", "recall"))
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
                      " + ".join(terms) if terms else "0", f'"AP" approx {num(ap)}', "ap"))
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


# ---------------------------------------------------------------- sampler and prompt
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
    """NMS removes some boxes but keeps at least two, at least one kept box is a TP, precision and recall are not
    both 1, and the AP differs from the precision at 3 decimals. (Greedy NMS keeps a box exactly when its IoU with every higher-scoring kept box is ≤ thr; a
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
    flags: list[int] = []
    for box in kept:  # VOC matching at IoU 0.5, by descending score; the first of equal IoUs is the best
        best, best_v = 0, -1.0
        for c, gt in enumerate(gts):
            v = _iou(box, gt)
            if v > best_v:
                best, best_v = c, v
        flags.append(int(best_v >= 0.5 and best not in used))
        if flags[-1]:
            used.add(best)
    if not used or len(used) == len(kept) == len(gts):
        return False
    prec, rec, _ = pr_table(flags, len(gts))  # an AP equal to the precision would teach nothing new
    return round(voc_ap(prec, rec), 3) != round(len(used) / len(kept), 3)


def prompt_det(params: dict[str, Any]) -> Prompt:
    g, n = len(params["gt"]), len(params["preds"])
    names = LETTERS[:n]
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


# ---------------------------------------------------------------- typical mistakes
def _area(b: list[float]) -> float:
    return (b[2] - b[0]) * (b[3] - b[1])


def _union_no_minus(params: dict[str, Any]) -> dict[str, Any]:
    """IoU with the union taken as S_A + S_B (the intersection not subtracted)."""
    rows = [[inter / (_area(pb) + _area(gb)) for (inter, _), gb in zip(row, params["gt"])]
            for row, pb in zip(det_overlaps(params), params["preds"])]
    return {"iou": [r[0] for r in rows] if len(params["gt"]) == 1 else rows}


def _kept_and_ious(params: dict[str, Any]) -> tuple[list[int], list[list[float]]]:
    kept, _ = det_nms(params)
    return kept, [[inter / union for inter, union in row] for row in det_overlaps(params)]


def _duplicates_as_tp(params: dict[str, Any]) -> dict[str, Any] | None:
    """Every kept box whose best IoU reaches the threshold is a TP, even when that ground truth is taken."""
    kept, ious = _kept_and_ious(params)
    match = det_match(params, ious, kept)
    loose = [LETTERS[i] for i, _, v, _ in match if v >= params["match_threshold"]]
    return None if len(loose) == sum(t for *_, t in match) else {"tp": loose}


def _no_interpolation(params: dict[str, Any]) -> dict[str, Any] | None:
    """AP summed with the raw precision at each TP rank instead of the envelope."""
    kept, ious = _kept_and_ious(params)
    tp = {i for i, _, _, t in det_match(params, ious, kept) if t}
    order = sorted(kept, key=lambda i: -params["scores"][i])
    prec, rec, _ = pr_table([1 if i in tp else 0 for i in order], len(params["gt"]))
    raw = ap_without_envelope(prec, rec)
    return None if abs(raw - voc_ap(prec, rec)) < 5e-4 else {"ap": raw}


MISTAKES = (
    Mistake("union-keeps-intersection", Bi("并集没有减去交集：U = S_A + S_B", "the union does not subtract the "
            "intersection: U = S_A + S_B"), "IoU of box", _union_no_minus),
    Mistake("duplicates-as-tp", Bi("重复检测也算成了 TP：一个真实框只能匹配一个（置信度最高的）检测框",
            "counted a duplicate as TP: a ground truth matches only one (the highest-scoring) box"), "Box ",
            _duplicates_as_tp),
    Mistake("ap-without-interpolation", Bi("AP 没有取精度包络，直接用了各 TP 处的精确率",
            "took the raw precision at each TP for the AP, without the envelope"), "All-point AP", _no_interpolation),
)


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
    sample=sample_det, prompt=prompt_det, solve=scenario_detection, schema=DET_SCHEMA,
    carry_forward=scenario_detection_carry_forward, mistakes=MISTAKES,
    example={"gt": [[10, 10, 30, 30]], "preds": [[12, 10, 32, 30], [10, 12, 28, 32], [30, 30, 40, 40],
                                                 [9, 9, 29, 31]],
             "scores": [0.9, 0.8, 0.95, 0.6], "nms_threshold": 0.5, "match_threshold": 0.5},
))
