"""Generators for evaluation metrics: the multi-class confusion matrix (chapter 5) and detection AP (chapter 8)."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.generators._common import pick, table
from examgen.i18n import Bi
from examgen.model import Prompt
from examgen.params import Param, Schema
from examgen.registry import Kind, register
from examgen.solver import metrics as solver


# ---------------------------------------------------------------- confusion-matrix
def _check_cm(params: dict[str, Any]) -> None:
    m = params["matrix"]
    k = len(m)
    if k < 2 or k > 8 or any(len(r) != k for r in m):
        raise ParamError(f"matrix must be square with 2 to 8 classes, got {k}×{len(m[0])}")
    if any(not float(v).is_integer() or v < 0 for r in m for v in r):
        raise ParamError("matrix entries must be whole numbers ≥ 0 (sample counts)")
    for i in range(k):
        if m[i][i] <= 0:
            raise ParamError(f"class {i + 1} has no correct predictions (TP = 0): its F1 is undefined")
    ask = params["ask"]
    if ask == "class":
        t = params.get("target")
        if t is None or not 0 <= t < k:
            raise ParamError(f"ask=class needs target, the 0-based class index (0 … {k - 1})")
    elif params.get("target") is not None:
        raise ParamError("target is only used with ask=class")


CM_SCHEMA = Schema({
    "matrix": Param("matrix", "K×K sample counts, rows = actual class, columns = predicted class", min=0),
    "ask": Param("str", "class (one class), per-class, macro, micro or weighted averages", choices=solver.ASKS),
    "target": Param("int", "0-based index of the class asked for (ask=class)", min=0, max=7, optional=True),
    "names": Param("str", "class names shown", choices=tuple(solver.NAME_SETS), optional=True,
                   default="letters"),
    "layout": Param("str", "how the table is printed: rows = actual (default) or rows = predicted",
                    choices=solver.LAYOUTS, optional=True, default="actual-rows"),
}, check=_check_cm)


def sample_cm(rng: random.Random) -> dict[str, Any]:
    k = 3 if rng.random() < 0.6 else 4
    m = []
    for i in range(k):
        row = []
        for j in range(k):
            if i == j:
                row.append(rng.randint(6, 30))
            else:
                row.append(0 if rng.random() < 0.2 else rng.randint(1, 8))
        m.append(row)
    ask = pick(rng, solver.ASKS)
    params: dict[str, Any] = {"matrix": m, "ask": ask}
    if ask == "class":
        params["target"] = rng.randrange(k)
    params["names"] = pick(rng, list(solver.NAME_SETS))
    params["layout"] = "predicted-rows" if rng.random() < 0.25 else "actual-rows"
    return params


def _cell(name: Bi) -> str:
    return name.zh if name.zh == name.en else f"{name.zh} {name.en}"


def prompt_cm(params: dict[str, Any]) -> Prompt:
    m, ask, layout = params["matrix"], params["ask"], params.get("layout", "actual-rows")
    k = len(m)
    names = solver.class_names(params)
    shown = m if layout == "actual-rows" else [[m[j][i] for j in range(k)] for i in range(k)]
    corner = "实际↓ 预测→ / actual↓ predicted→" if layout == "actual-rows" else "预测↓ 实际→ / predicted↓ actual→"
    fig = table(Bi("混淆矩阵", "Confusion matrix"), [corner] + [_cell(nm) for nm in names],
                [[_cell(names[i])] + shown[i] for i in range(k)])
    if layout == "actual-rows":
        lay_zh = "表中行表示真实类别、列表示预测类别（第 $i$ 行第 $j$ 列为真实类别是 $i$、被预测为 $j$ 的样本数）"
        lay_en = ("rows are the actual classes and columns the predicted classes (row $i$, column $j$ counts samples "
                  "of actual class $i$ predicted as $j$)")
    else:
        lay_zh = "注意表中行表示预测类别、列表示真实类别（第 $i$ 行第 $j$ 列为被预测为 $i$、真实类别是 $j$ 的样本数）"
        lay_en = ("note that rows are the predicted classes and columns the actual classes (row $i$, column $j$ "
                  "counts samples predicted as $i$ whose actual class is $j$)")
    if ask == "class":
        nm = names[params["target"]]
        ask_zh = f"求类别「{nm.zh}」的精确率、召回率和 F1 值，以及模型的准确率。"
        ask_en = f"Find the precision, recall and F1 score of class {nm.en}, and the accuracy of the model."
    elif ask == "per-class":
        ask_zh = "分别求每个类别的精确率、召回率和 F1 值（按表中类别顺序各写成一个向量），以及模型的准确率。"
        ask_en = ("Find the precision, recall and F1 score of every class (each as a vector in the table's class "
                  "order) and the accuracy of the model.")
    elif ask == "macro":
        ask_zh = "求宏平均（macro）精确率、宏平均召回率、宏平均 F1（各类 F1 的算术平均）以及准确率。"
        ask_en = ("Find the macro-averaged precision, macro-averaged recall, macro-averaged F1 (the plain mean of "
                  "the per-class F1 scores) and the accuracy.")
    elif ask == "micro":
        ask_zh = ("求微平均（micro，先把各类的 TP、FP、FN 相加再计算）精确率、召回率和 F1，"
                  "并求宏平均 F1（各类 F1 的算术平均）加以比较。")
        ask_en = ("Find the micro-averaged precision, recall and F1 (add up TP, FP and FN over the classes first), "
                  "and, for comparison, the macro-averaged F1 (the plain mean of the per-class F1 scores).")
    else:
        ask_zh = "以各类的真实样本数（支持数）为权重，求加权平均精确率、加权平均召回率和加权平均 F1。"
        ask_en = ("Using the number of actual samples of each class (its support) as weights, find the weighted-average "
                  "precision, recall and F1.")
    zh = (f"某 {k} 分类模型在测试集上的混淆矩阵如下表，{lay_zh}。每个类别的 $F_1 = (2 P R)/(P + R)$。"
          f"{ask_zh}（结果保留三位小数）")
    en = (f"The confusion matrix of a {k}-class classifier on a test set is shown below; {lay_en}. The F1 score of "
          f"a class is $F_1 = (2 P R)/(P + R)$. {ask_en} (3 decimals)")
    return Prompt(Bi(zh, en), [fig])


register(Kind(
    name="confusion-matrix", chapter="training", section="calculation", points=8,
    title=Bi("多分类混淆矩阵", "Multi-class confusion matrix"),
    summary=Bi("由 3×3 / 4×4 混淆矩阵求各类精确率、召回率、F1，宏平均、微平均与准确率",
               "Per-class precision, recall, F1, macro / micro / weighted averages and accuracy from a 3×3 or 4×4 matrix"),
    conventions=Bi("默认行 = 真实类别、列 = 预测类别（题中注明）；宏平均 F1 = 各类 F1 的算术平均；保留三位小数",
                   "rows = actual, columns = predicted unless the prompt says otherwise; macro F1 = mean of the "
                   "per-class F1; 3 decimals"),
    variants=("one class", "every class", "macro average", "micro vs macro", "weighted average",
              "transposed table (rows = predicted)"),
    sample=sample_cm, prompt=prompt_cm, solve=solver.confusion_matrix, schema=CM_SCHEMA,
    carry_forward=solver.confusion_carry_forward,
    example={"matrix": [[20, 3, 2], [4, 15, 1], [2, 5, 12]], "ask": "macro"},
))


# ---------------------------------------------------------------- average-precision
def _check_ap(params: dict[str, Any]) -> None:
    scores = params["scores"]
    n = len(scores)
    if not 1 <= n <= 20:
        raise ParamError("give 1 to 20 detections")
    if any(not 0 < s <= 1 for s in scores):
        raise ParamError("scores must be in (0, 1]")
    has_tp, has_iou = params.get("tp") is not None, params.get("ious") is not None
    if has_tp == has_iou:
        raise ParamError("give either tp (TP = 1 / FP = 0 per detection) or ious + gt_ids + iou_threshold")
    classes = params.get("classes")
    num_gt = params["num_gt"]
    if classes is not None:
        if not has_tp:
            raise ParamError("the two-class (mAP) form takes tp flags, not ious")
        if len(classes) != n or any(c not in (1, 2) for c in classes):
            raise ParamError("classes must give class 1 or 2 for every detection")
        if len(num_gt) != 2:
            raise ParamError("num_gt must give the ground-truth count of each of the two classes")
        if params.get("ask", "ap") != "ap":
            raise ParamError("the two-class (mAP) form only takes ask=ap")
        for c in (1, 2):
            if c not in classes:
                raise ParamError(f"class {c} has no detections")
    elif len(num_gt) != 1:
        raise ParamError("num_gt must be one number (ground-truth objects of the class)")
    if has_tp:
        tp = params["tp"]
        if len(tp) != n or any(v not in (0, 1) for v in tp):
            raise ParamError("tp must be 1 (TP) or 0 (FP) for every detection")
        groups = [[i for i in range(n) if classes[i] == c] for c in (1, 2)] if classes else [list(range(n))]
        for g, ngt in zip(groups, num_gt):
            if sum(tp[i] for i in g) > ngt:
                raise ParamError("there are more true positives than ground-truth objects")
    else:
        ious, gts, thr = params["ious"], params.get("gt_ids"), params.get("iou_threshold")
        if gts is None or thr is None:
            raise ParamError("ious needs gt_ids (best-matching ground truth, 1-based) and iou_threshold")
        if len(ious) != n or len(gts) != n:
            raise ParamError("ious and gt_ids need one entry per detection")
        if any(not 0 <= v <= 1 for v in ious) or not 0 < thr < 1:
            raise ParamError("IoU values and the threshold must be between 0 and 1")
        if any(not 1 <= g <= num_gt[0] for g in gts):
            raise ParamError(f"gt_ids must be between 1 and num_gt = {num_gt[0]}")
    if len(set(scores)) != n:
        raise ParamError("scores must be distinct (ties make the ranking ambiguous)")


AP_SCHEMA = Schema({
    "scores": Param("floats", "confidence of each detection (distinct)"),
    "num_gt": Param("ints", "ground-truth objects: [N] for one class, [N1, N2] with classes", min=1, max=100),
    "tp": Param("ints", "1 = TP, 0 = FP for each detection", optional=True),
    "ious": Param("floats", "IoU of each detection with its best-matching ground truth", optional=True),
    "gt_ids": Param("ints", "that ground truth's number (1-based)", min=1, optional=True),
    "iou_threshold": Param("float", "a detection needs IoU ≥ this to be a TP", optional=True),
    "classes": Param("ints", "class (1 or 2) of each detection, for mAP over two classes", optional=True),
    "ask": Param("str", "ap (just AP) or table (precision and recall at each rank, then AP)",
                 choices=("ap", "table"), optional=True, default="ap"),
}, check=_check_ap)


def _distinct_scores(rng: random.Random, n: int) -> list[float]:
    return [v / 100 for v in sorted(rng.sample(range(20, 100), n), reverse=True)]


def _flags(rng: random.Random, n: int) -> list[int]:
    while True:
        flags = [1 if rng.random() < 0.75 - 0.05 * k else 0 for k in range(n)]
        if sum(flags) >= 2 and sum(flags) < n:
            return flags


def sample_ap(rng: random.Random) -> dict[str, Any]:
    variant = pick(rng, ["ranked", "shuffled", "iou", "iou", "map"])
    ask = "table" if variant != "map" and rng.random() < 0.4 else "ap"
    if variant == "map":
        n1, n2 = rng.randint(3, 5), rng.randint(3, 5)
        scores = _distinct_scores(rng, n1 + n2)
        classes = [1] * n1 + [2] * n2
        rng.shuffle(classes)
        tp = [0] * (n1 + n2)
        num_gt = []
        for c, nc in ((1, n1), (2, n2)):
            idx = [i for i in range(n1 + n2) if classes[i] == c]
            while True:
                f = [1 if rng.random() < 0.65 else 0 for _ in idx]
                if 1 <= sum(f) < len(idx) or (sum(f) == len(idx) and rng.random() < 0.2):
                    break
            for i, v in zip(idx, f):
                tp[i] = v
            num_gt.append(sum(f) + rng.randint(0, 2))
        return {"scores": scores, "num_gt": num_gt, "tp": tp, "classes": classes, "ask": "ap"}
    if variant == "iou":
        while True:
            n = rng.randint(5, 7)
            ngt = rng.randint(2, 4)
            thr = pick(rng, [0.5, 0.5, 0.5, 0.6, 0.7, 0.75])
            lo, hi = int(round(thr * 100)), 95
            ious, gts = [], []
            for _ in range(n):
                gts.append(rng.randint(1, ngt))
                ious.append(rng.randint(lo + 2, hi) / 100 if rng.random() < 0.7 else rng.randint(10, lo - 2) / 100)
            params = {"scores": _distinct_scores(rng, n), "num_gt": [ngt], "ious": ious, "gt_ids": gts,
                      "iou_threshold": thr, "ask": ask}
            flags = solver.match_detections(params)
            duplicate = any(ious[i] >= thr and not flags[i] for i in range(n))
            if sum(flags) >= 2 and sum(flags) < n and (duplicate or rng.random() < 0.3):
                return params
    n = rng.randint(5, 8)
    flags = _flags(rng, n)
    scores = _distinct_scores(rng, n)
    ntp = sum(flags)
    num_gt = ntp + pick(rng, [0, 0, 1, 1, 2, 3])
    if variant == "shuffled":
        pairs = list(zip(scores, flags))
        while True:
            rng.shuffle(pairs)
            if [s for s, _ in pairs] != scores:
                break
        scores, flags = [s for s, _ in pairs], [f for _, f in pairs]
    return {"scores": scores, "num_gt": [num_gt], "tp": flags, "ask": ask}


_AP_RULE = Bi(
    "按 VOC2010 以后的全点插值（all-point interpolation）计算 AP：按置信度从高到低排序，算出每个排名 $k$ 处的精确率 "
    "$P_k$ 与召回率 $R_k$；用精度包络 $tilde(P)_k = max_(j >= k) P_j$ 代替 $P_k$，AP 为阶梯形 P-R 曲线下的面积 "
    "$sum_k (R_k - R_(k-1)) tilde(P)_k$($R_0 = 0$)。",
    "Use the all-point interpolated AP of VOC2010 and later: sort by descending score, compute the precision $P_k$ "
    "and recall $R_k$ at each rank $k$, replace $P_k$ by the precision envelope $tilde(P)_k = max_(j >= k) P_j$, "
    "and take the area under the stepwise P-R curve, $sum_k (R_k - R_(k-1)) tilde(P)_k$ (with $R_0 = 0$).")


def prompt_ap(params: dict[str, Any]) -> Prompt:
    scores = params["scores"]
    n = len(scores)
    labels = [f"D{i + 1}" for i in range(n)]
    ngt = params["num_gt"]
    table_ask = params.get("ask", "ap") == "table"
    ask_zh = ("写出按置信度排序后每个排名处的精确率 $P_k$ 和召回率 $R_k$（各写成一个向量），并求 AP（保留三位小数）。"
              if table_ask else "求该类别的 AP（保留三位小数）。")
    ask_en = ("Give the precision $P_k$ and recall $R_k$ at each rank after sorting by score (each as a vector), and "
              "the AP (3 decimals)." if table_ask else "Find the AP of this class (3 decimals).")
    if params.get("classes") is not None:
        classes, tp = params["classes"], params["tp"]
        fig = table(Bi("检测结果", "Detections"), ["检测 / detection", "类别 / class", "置信度 / score", "TP/FP"],
                    [[labels[i], str(classes[i]), scores[i], "TP" if tp[i] else "FP"] for i in range(n)])
        zh = (f"某检测器在一个包含两个类别的测试集上输出了 {n} 个检测结果（见下表，TP/FP 已按 IoU 阈值判定好）。"
              f"类别 1 共有 {ngt[0]} 个真实目标，类别 2 共有 {ngt[1]} 个真实目标。{_AP_RULE.zh}"
              f"分别求两个类别的 AP，并求 mAP（两类 AP 的平均）。（保留三位小数）")
        en = (f"A detector outputs {n} detections on a test set with two classes (table below; TP/FP already decided "
              f"by the IoU threshold). Class 1 has {ngt[0]} ground-truth objects and class 2 has {ngt[1]}. "
              f"{_AP_RULE.en} Find the AP of each class and the mAP (the mean of the two APs). (3 decimals)")
        return Prompt(Bi(zh, en), [fig])
    if params.get("ious") is not None:
        thr = params["iou_threshold"]
        fig = table(Bi("检测结果（已按置信度从高到低排列）", "Detections (sorted by descending score)"),
                    ["检测 / detection", "置信度 / score", "最匹配的真实框 / best GT", "IoU"],
                    [[labels[i], scores[i], f"G{params['gt_ids'][i]}", params["ious"][i]] for i in range(n)])
        zh = (f"某类别共有 {ngt[0]} 个真实框 G1…G{ngt[0]}。检测器输出了 {n} 个检测框，下表给出每个检测框的置信度、"
              f"与它 IoU 最大的真实框及该 IoU。按置信度从高到低依次判定：若 IoU $>= {thr}$ 且该真实框尚未被更高置信度的"
              f"检测框匹配，则为 TP（并标记该真实框已匹配），否则为 FP（包括重复检测）。{_AP_RULE.zh}{ask_zh}")
        en = (f"A class has {ngt[0]} ground-truth boxes G1…G{ngt[0]}. A detector outputs {n} boxes; the table gives "
              f"each box's score, the ground truth it overlaps most and that IoU. Judge them in order of descending "
              f"score: a box is a TP if its IoU $>= {thr}$ and that ground truth has not been matched by a "
              f"higher-scoring box (the ground truth is then marked as matched); otherwise it is an FP (this includes "
              f"duplicates). {_AP_RULE.en} {ask_en}")
        return Prompt(Bi(zh, en), [fig])
    tp = params["tp"]
    ranked = all(scores[i] > scores[i + 1] for i in range(n - 1))
    cap = Bi("检测结果（已按置信度从高到低排列）", "Detections (sorted by descending score)") if ranked else \
        Bi("检测结果（未排序）", "Detections (not sorted)")
    fig = table(cap, ["检测 / detection", "置信度 / score", "TP/FP"],
                [[labels[i], scores[i], "TP" if tp[i] else "FP"] for i in range(n)])
    zh = (f"某类别在测试集中共有 {ngt[0]} 个真实目标（ground truth）。检测器对该类别输出了 {n} 个检测结果，"
          f"各自的置信度以及按 IoU 阈值判定的结果（TP/FP）如下表。{_AP_RULE.zh}{ask_zh}")
    en = (f"A class has {ngt[0]} ground-truth objects in the test set. A detector outputs {n} detections of this "
          f"class; their scores and TP/FP decisions (from the IoU threshold) are in the table. {_AP_RULE.en} {ask_en}")
    return Prompt(Bi(zh, en), [fig])


register(Kind(
    name="average-precision", chapter="detection", section="calculation", points=8,
    title=Bi("平均精度 AP 与 mAP", "Average precision and mAP"),
    summary=Bi("由排序后的检测结果求 P-R 表，按全点插值（VOC2010+）计算 AP 与 mAP",
               "Precision/recall table of ranked detections and all-point interpolated AP (VOC2010+), mAP"),
    conventions=Bi("全点插值：精度包络 P̃(r) = max_{r' ≥ r} P(r')，AP = Σ ΔR·P̃；IoU ≥ 阈值且真实框未被匹配才算 TP；保留三位小数",
                   "all-point interpolation: envelope P̃(r) = max over r' ≥ r of P(r'), AP = Σ ΔR·P̃; TP needs IoU ≥ "
                   "threshold and an unmatched ground truth; 3 decimals"),
    variants=("ranked TP/FP list", "unsorted list", "IoU and duplicate detections", "P/R table", "mAP over two classes"),
    sample=sample_ap, prompt=prompt_ap, solve=solver.average_precision, schema=AP_SCHEMA,
    carry_forward=solver.ap_carry_forward,
    example={"scores": [0.95, 0.9, 0.8, 0.7, 0.6, 0.5], "tp": [1, 0, 1, 1, 0, 1], "num_gt": [5], "ask": "ap"},
))
