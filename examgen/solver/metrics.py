"""Solvers for evaluation metrics: multi-class confusion matrices and VOC average precision (pure Python)."""

from __future__ import annotations

from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import num, qt, round_answer
from examgen.model import NumberSpec, Part, Solution, Step, VectorSpec

TP, FP, FN = qt("TP"), qt("FP"), qt("FN")


def _eq(x: float, d: int = 3) -> str:
    """`=` when the value is exact with `d` decimals, else `approx`."""
    return "=" if abs(round(x, d) - x) < 1e-12 else "approx"

# ---------------------------------------------------------------- confusion-matrix
# Class names shown with a confusion matrix: (zh, en) per class, at most 4 classes in generated problems.
NAME_SETS: dict[str, tuple[tuple[str, str], ...]] = {
    "letters": (("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E"), ("F", "F"), ("G", "G"), ("H", "H")),
    "animals": (("猫", "cat"), ("狗", "dog"), ("鸟", "bird"), ("兔", "rabbit")),
    "traffic": (("汽车", "car"), ("行人", "pedestrian"), ("自行车", "bicycle"), ("卡车", "truck")),
    "fruit": (("苹果", "apple"), ("香蕉", "banana"), ("橙子", "orange"), ("葡萄", "grape")),
}
ASKS = ("class", "per-class", "macro", "micro", "weighted")
LAYOUTS = ("actual-rows", "predicted-rows")


def class_names(params: dict[str, Any]) -> list[Bi]:
    """The class names of a confusion-matrix problem (letters when the set is too short)."""
    k = len(params["matrix"])
    names = NAME_SETS.get(params.get("names", "letters"), NAME_SETS["letters"])
    if len(names) < k:
        names = NAME_SETS["letters"]
    return [Bi(zh, en) for zh, en in names[:k]]


def cm_counts(m: list[list[int]]) -> dict[str, list[int] | int]:
    """Per-class TP, FP, FN and supports of a matrix with rows = actual, columns = predicted."""
    k = len(m)
    rows = [sum(r) for r in m]
    cols = [sum(m[i][j] for i in range(k)) for j in range(k)]
    tp = [m[i][i] for i in range(k)]
    return {"tp": tp, "fp": [cols[i] - tp[i] for i in range(k)], "fn": [rows[i] - tp[i] for i in range(k)],
            "rows": rows, "cols": cols, "n": sum(rows)}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _sum_text(values: list[int]) -> str:
    return " + ".join(str(v) for v in values) if values else "0"


def _mean_text(values: list[float]) -> str:
    return "(" + " + ".join(num(v, 3) for v in values) + f")/{len(values)}"


def confusion_matrix(params: dict[str, Any]) -> Solution:
    m = params["matrix"]
    ask = params["ask"]
    layout = params.get("layout", "actual-rows")
    k = len(m)
    c = cm_counts(m)
    tp, fp, fn, rows, cols, n = c["tp"], c["fp"], c["fn"], c["rows"], c["cols"], c["n"]
    prec = [tp[i] / cols[i] for i in range(k)]
    rec = [tp[i] / rows[i] for i in range(k)]
    f1 = [_f1(prec[i], rec[i]) for i in range(k)]
    acc = sum(tp) / n
    names = class_names(params)
    steps: list[Step] = []
    # how the matrix is laid out decides whether FP lies along a column or a row of the figure
    if layout == "actual-rows":
        fp_where, fn_where = Bi("该列", "its column"), Bi("该行", "its row")
        fp_formula = f"{FP}_k = sum_(i != k) M_(i k)"
        fn_formula = f"{FN}_k = sum_(j != k) M_(k j)"
    else:
        fp_where, fn_where = Bi("该行", "its row"), Bi("该列", "its column")
        fp_formula = f"{FP}_k = sum_(j != k) M_(k j)"
        fn_formula = f"{FN}_k = sum_(i != k) M_(i k)"

    def counts_step(i: int, part: str = "") -> Step:
        fp_vals = [m[r][i] for r in range(k) if r != i]
        fn_vals = [m[i][col] for col in range(k) if col != i]
        nm = names[i]
        return Step(
            title=Bi(f"类别「{nm.zh}」的 TP、FP、FN：TP 为对角线元素，FP 为{fp_where.zh}其余元素之和"
                     f"（被误判为{nm.zh}），FN 为{fn_where.zh}其余元素之和（{nm.zh}被漏判）",
                     f"TP, FP, FN of class {nm.en}: TP is the diagonal entry, FP the rest of {fp_where.en} "
                     f"(others predicted as {nm.en}), FN the rest of {fn_where.en} ({nm.en} missed)"),
            part=part, formula=f"{TP}_k = M_(k k), quad {fp_formula}, quad {fn_formula}",
            work=f"{TP} = {tp[i]}, quad {FP} = {_sum_text(fp_vals)}, quad {FN} = {_sum_text(fn_vals)}",
            result=f"{TP} = {tp[i]}, quad {FP} = {fp[i]}, quad {FN} = {fn[i]}")

    def prf_steps(i: int, parts: tuple[str, str, str]) -> list[Step]:
        nm = names[i]
        return [
            Step(title=Bi(f"「{nm.zh}」的精确率：预测为{nm.zh}的样本中真正是{nm.zh}的比例",
                          f"Precision of {nm.en}: share of samples predicted as {nm.en} that really are {nm.en}"),
                 part=parts[0], formula=f"P = {TP}/({TP} + {FP})",
                 work=f"{tp[i]}/({tp[i]} + {fp[i]}) = {tp[i]}/{cols[i]}", result=f"P {_eq(prec[i], 4)} {num(prec[i])}"),
            Step(title=Bi(f"「{nm.zh}」的召回率：真实为{nm.zh}的样本中被找出的比例",
                          f"Recall of {nm.en}: share of actual {nm.en} samples that are found"),
                 part=parts[1], formula=f"R = {TP}/({TP} + {FN})",
                 work=f"{tp[i]}/({tp[i]} + {fn[i]}) = {tp[i]}/{rows[i]}", result=f"R {_eq(rec[i], 4)} {num(rec[i])}"),
            Step(title=Bi(f"「{nm.zh}」的 F1：精确率与召回率的调和平均", f"F1 of {nm.en}: harmonic mean of P and R"),
                 part=parts[2], formula=f"F_1 = (2 P R)/(P + R) = (2 {TP})/(2 {TP} + {FP} + {FN})",
                 work=f"(2 dot {tp[i]})/(2 dot {tp[i]} + {fp[i]} + {fn[i]}) = {2 * tp[i]}/{2 * tp[i] + fp[i] + fn[i]}",
                 result=f"F_1 {_eq(f1[i], 4)} {num(f1[i])}"),
        ]

    def acc_step(part: str = "accuracy") -> Step:
        return Step(title=Bi("准确率：对角线元素之和（预测正确的样本数）除以样本总数",
                             "Accuracy: the diagonal sum (correct predictions) over all samples"),
                    part=part, formula="A = (sum_k M_(k k))/N",
                    work=f"({_sum_text(tp)})/{n} = {sum(tp)}/{n}", result=f"A {_eq(acc, 4)} {num(acc)}")

    spec = NumberSpec(decimals=3)
    if ask == "class":
        t = params["target"]
        steps.append(counts_step(t))
        steps += prf_steps(t, ("precision", "recall", "f1"))
        steps.append(acc_step())
        nm = names[t]
        parts = [
            Part("precision", Bi(f"「{nm.zh}」的精确率", f"Precision of {nm.en}"), spec, round_answer(prec[t])),
            Part("recall", Bi(f"「{nm.zh}」的召回率", f"Recall of {nm.en}"), spec, round_answer(rec[t])),
            Part("f1", Bi(f"「{nm.zh}」的 F1", f"F1 of {nm.en}"), spec, round_answer(f1[t]),
                 depends_on=("precision", "recall")),
            Part("accuracy", Bi("准确率", "Accuracy"), spec, round_answer(acc)),
        ]
        return Solution(parts, steps)

    for i in range(k):
        steps.append(counts_step(i))
    if ask == "micro":
        stp, sfp, sfn = sum(tp), sum(fp), sum(fn)
        mp, mr = stp / (stp + sfp), stp / (stp + sfn)
        mf = _f1(mp, mr)
        steps += [
            Step(title=Bi("微平均：先把各类的 TP、FP、FN 分别相加", "Micro average: first add up TP, FP and FN over the classes"),
                 formula=f"sum_k {TP}_k, quad sum_k {FP}_k, quad sum_k {FN}_k",
                 work=f"{_sum_text(tp)}, quad {_sum_text(fp)}, quad {_sum_text(fn)}",
                 result=f"{stp}, quad {sfp}, quad {sfn}"),
            Step(title=Bi("微平均精确率", "Micro-averaged precision"), part="micro_p",
                 formula=f"P_\"micro\" = (sum_k {TP}_k)/(sum_k {TP}_k + sum_k {FP}_k)",
                 work=f"{stp}/({stp} + {sfp})", result=f"P_\"micro\" {_eq(mp, 4)} {num(mp)}"),
            Step(title=Bi("微平均召回率", "Micro-averaged recall"), part="micro_r",
                 formula=f"R_\"micro\" = (sum_k {TP}_k)/(sum_k {TP}_k + sum_k {FN}_k)",
                 work=f"{stp}/({stp} + {sfn})", result=f"R_\"micro\" {_eq(mr, 4)} {num(mr)}"),
            Step(title=Bi("微平均 F1", "Micro-averaged F1"), part="micro_f1",
                 formula="F_(1,\"micro\") = (2 P_\"micro\" R_\"micro\")/(P_\"micro\" + R_\"micro\")",
                 work=f"(2 dot {num(mp)} dot {num(mr)})/({num(mp)} + {num(mr)})",
                 result=f"F_(1,\"micro\") {_eq(mf, 4)} {num(mf)}",
                 note=Bi("单标签多分类中每个错分样本恰好是一个 FP 和一个 FN，所以微平均 P = R = F1 = 准确率。",
                         "In single-label multi-class classification every error is exactly one FP and one FN, "
                         "so micro P = R = F1 = accuracy.")),
        ]
        for i in range(k):
            steps.append(Step(title=Bi(f"「{names[i].zh}」的 F1", f"F1 of {names[i].en}"), part="macro_f1",
                              formula=f"F_1 = (2 {TP})/(2 {TP} + {FP} + {FN})",
                              work=f"(2 dot {tp[i]})/(2 dot {tp[i]} + {fp[i]} + {fn[i]})",
                              result=f"F_1 {_eq(f1[i], 4)} {num(f1[i])}"))
        macro_f1 = sum(f1) / k
        steps.append(Step(title=Bi("宏平均 F1：各类 F1 的算术平均（与微平均比较）",
                                   "Macro-averaged F1: the plain mean of the per-class F1 (compare with micro)"),
                          part="macro_f1", formula="F_(1,\"macro\") = 1/K sum_k F_(1,k)", work=_mean_text(f1),
                          result=f"F_(1,\"macro\") {_eq(macro_f1, 4)} {num(macro_f1)}"))
        parts = [
            Part("micro_p", Bi("微平均精确率", "Micro-averaged precision"), spec, round_answer(mp)),
            Part("micro_r", Bi("微平均召回率", "Micro-averaged recall"), spec, round_answer(mr)),
            Part("micro_f1", Bi("微平均 F1", "Micro-averaged F1"), spec, round_answer(mf),
                 depends_on=("micro_p", "micro_r")),
            Part("macro_f1", Bi("宏平均 F1", "Macro-averaged F1"), spec, round_answer(macro_f1)),
        ]
        return Solution(parts, steps)

    for i in range(k):
        steps += prf_steps(i, ("precision", "recall", "f1") if ask == "per-class" else ("", "", ""))
    vspec = VectorSpec(k, decimals=3)
    if ask == "per-class":
        steps.append(acc_step())
        parts = [
            Part("precision", Bi("各类的精确率（按类别顺序）", "Precision of each class (in class order)"), vspec,
                 [round_answer(v) for v in prec]),
            Part("recall", Bi("各类的召回率（按类别顺序）", "Recall of each class (in class order)"), vspec,
                 [round_answer(v) for v in rec]),
            Part("f1", Bi("各类的 F1（按类别顺序）", "F1 of each class (in class order)"), vspec,
                 [round_answer(v) for v in f1], depends_on=("precision", "recall")),
            Part("accuracy", Bi("准确率", "Accuracy"), spec, round_answer(acc)),
        ]
        return Solution(parts, steps)
    if ask == "macro":
        mp, mr, mf = sum(prec) / k, sum(rec) / k, sum(f1) / k
        steps += [
            Step(title=Bi("宏平均精确率：各类精确率的算术平均", "Macro-averaged precision: mean of the per-class precisions"),
                 part="macro_p", formula="P_\"macro\" = 1/K sum_k P_k", work=_mean_text(prec),
                 result=f"P_\"macro\" {_eq(mp, 4)} {num(mp)}"),
            Step(title=Bi("宏平均召回率：各类召回率的算术平均", "Macro-averaged recall: mean of the per-class recalls"),
                 part="macro_r", formula="R_\"macro\" = 1/K sum_k R_k", work=_mean_text(rec),
                 result=f"R_\"macro\" {_eq(mr, 4)} {num(mr)}"),
            Step(title=Bi("宏平均 F1：各类 F1 的算术平均", "Macro-averaged F1: mean of the per-class F1 scores"),
                 part="macro_f1", formula="F_(1,\"macro\") = 1/K sum_k F_(1,k)", work=_mean_text(f1),
                 result=f"F_(1,\"macro\") {_eq(mf, 4)} {num(mf)}"),
            acc_step(),
        ]
        parts = [
            Part("macro_p", Bi("宏平均精确率", "Macro-averaged precision"), spec, round_answer(mp)),
            Part("macro_r", Bi("宏平均召回率", "Macro-averaged recall"), spec, round_answer(mr)),
            Part("macro_f1", Bi("宏平均 F1", "Macro-averaged F1"), spec, round_answer(mf)),
            Part("accuracy", Bi("准确率", "Accuracy"), spec, round_answer(acc)),
        ]
        return Solution(parts, steps)
    if ask == "weighted":
        wp = sum(rows[i] * prec[i] for i in range(k)) / n
        wr = sum(rows[i] * rec[i] for i in range(k)) / n
        wf = sum(rows[i] * f1[i] for i in range(k)) / n

        def wtext(values: list[float]) -> str:
            return "(" + " + ".join(f"{rows[i]} dot {num(values[i], 3)}" for i in range(k)) + f")/{n}"

        steps += [
            Step(title=Bi("各类的支持数（真实样本数，即每类的真实数目）作为权重",
                          "Supports (number of actual samples of each class) are the weights"),
                 formula="n_k = " + TP + "_k + " + FN + "_k", work=", ".join(str(v) for v in rows),
                 result=f"N = {n}"),
            Step(title=Bi("加权平均精确率", "Weighted-average precision"), part="weighted_p",
                 formula="P_w = 1/N sum_k n_k P_k", work=wtext(prec), result=f"P_w {_eq(wp, 4)} {num(wp)}"),
            Step(title=Bi("加权平均召回率", "Weighted-average recall"), part="weighted_r",
                 formula="R_w = 1/N sum_k n_k R_k", work=wtext(rec), result=f"R_w {_eq(wr, 4)} {num(wr)}",
                 note=Bi("n_k R_k = TP_k，所以加权平均召回率恰好等于准确率。",
                         "n_k R_k = TP_k, so the weighted recall is exactly the accuracy.")),
            Step(title=Bi("加权平均 F1", "Weighted-average F1"), part="weighted_f1",
                 formula="F_(1,w) = 1/N sum_k n_k F_(1,k)", work=wtext(f1), result=f"F_(1,w) {_eq(wf, 4)} {num(wf)}"),
        ]
        parts = [
            Part("weighted_p", Bi("加权平均精确率", "Weighted-average precision"), spec, round_answer(wp)),
            Part("weighted_r", Bi("加权平均召回率", "Weighted-average recall"), spec, round_answer(wr)),
            Part("weighted_f1", Bi("加权平均 F1", "Weighted-average F1"), spec, round_answer(wf)),
        ]
        return Solution(parts, steps)
    raise ValueError(f"unknown ask {ask}")


def confusion_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """F1 from the student's own precision and recall (follow-through credit)."""
    if part == "f1":
        p, r = earlier["precision"], earlier["recall"]
        if isinstance(p, list):
            return [_f1(a, b) for a, b in zip(p, r)]
        return _f1(p, r)
    if part == "micro_f1":
        return _f1(earlier["micro_p"], earlier["micro_r"])
    return None


# ---------------------------------------------------------------- average-precision
def match_detections(params: dict[str, Any]) -> list[int]:
    """TP (1) / FP (0) of each detection, in the given order.

    With `tp` the flags are given. With `ious` / `gt_ids` (VOC matching): detections are taken by descending score;
    one is a TP when its IoU with its best-matching ground truth is ≥ the threshold and that ground truth has not
    been matched by a higher-scoring detection; otherwise it is an FP."""
    if params.get("tp") is not None:
        return [int(v) for v in params["tp"]]
    scores, ious, gts, thr = params["scores"], params["ious"], params["gt_ids"], params["iou_threshold"]
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    used: set[int] = set()
    flags = [0] * len(scores)
    for i in order:
        if ious[i] >= thr and gts[i] not in used:
            used.add(gts[i])
            flags[i] = 1
    return flags


def voc_ap(precision: list[float], recall: list[float]) -> float:
    """All-point interpolated AP (VOC 2010+): precision envelope, area under the stepwise curve."""
    mrec = [0.0] + list(recall) + [1.0]
    mpre = [0.0] + list(precision) + [0.0]
    for i in range(len(mpre) - 2, -1, -1):
        if mpre[i + 1] > mpre[i]:
            mpre[i] = mpre[i + 1]
    return sum((mrec[i] - mrec[i - 1]) * mpre[i] for i in range(1, len(mrec)) if mrec[i] != mrec[i - 1])


def pr_table(flags: list[int], num_gt: int) -> tuple[list[float], list[float], list[int]]:
    """Precision, recall and cumulative TP at each rank of a ranked list of TP/FP flags."""
    prec, rec, cum = [], [], []
    t = 0
    for k, f in enumerate(flags, start=1):
        t += f
        cum.append(t)
        prec.append(t / k)
        rec.append(t / num_gt)
    return prec, rec, cum


def _frac(a: int, b: int) -> str:
    return f"{a}/{b}"


def _ap_steps(flags: list[int], labels: list[str], scores: list[float], num_gt: int, part_table: str,
              part_ap: str, cls: Bi | None) -> tuple[list[Step], list[float], list[float], float]:
    prec, rec, cum = pr_table(flags, num_gt)
    n = len(flags)
    steps: list[Step] = []
    pre_zh = f"{cls.zh}：" if cls else ""
    pre_en = f"{cls.en}: " if cls else ""
    for k in range(n):
        tag = "TP" if flags[k] else "FP"
        steps.append(Step(
            title=Bi(f"{pre_zh}第 {k + 1} 名 {labels[k]}（置信度 {num(scores[k])}，{tag}）："
                     f"累计 TP = {cum[k]}，累计 FP = {k + 1 - cum[k]}",
                     f"{pre_en}rank {k + 1}, {labels[k]} (score {num(scores[k])}, {tag}): "
                     f"cumulative TP = {cum[k]}, FP = {k + 1 - cum[k]}"),
            part=part_table, formula=f"P_k = {TP}_k/k, quad R_k = {TP}_k/N_\"GT\"",
            work=f"P_{k + 1} = {_frac(cum[k], k + 1)}, quad R_{k + 1} = {_frac(cum[k], num_gt)}",
            result=f"P_{k + 1} {_eq(prec[k])} {num(prec[k], 3)}, quad R_{k + 1} {_eq(rec[k])} {num(rec[k], 3)}"))
    env = list(prec)
    for i in range(n - 2, -1, -1):
        env[i] = max(env[i], env[i + 1])
    steps.append(Step(
        title=Bi(f"{pre_zh}精度包络：每个位置取其后（召回率不小于它）的最大精确率",
                 f"{pre_en}precision envelope: at each rank the largest precision at this or any later rank"),
        part=part_ap, formula="tilde(P)_k = max_(j >= k) P_j",
        result="(" + ", ".join(num(v, 3) for v in env) + ")"))
    terms, work, prev = [], [], 0.0
    for k in range(n):
        if flags[k]:
            terms.append((rec[k] - prev) * env[k])
            work.append(f"({num(rec[k], 3)} - {num(prev, 3)}) dot {num(env[k], 3)}")
            prev = rec[k]
    ap = voc_ap(prec, rec)
    steps.append(Step(
        title=Bi(f"{pre_zh}AP = 阶梯形 P-R 曲线下的面积：只在召回率增加处（每个 TP）累加 ΔR × 包络精度",
                 f"{pre_en}AP = area under the stepwise P-R curve: add ΔR × envelope precision wherever recall "
                 "grows (at each TP)"),
        part=part_ap, formula=f"{qt('AP')} = sum_k (R_k - R_(k-1)) dot tilde(P)_k",
        work=" + ".join(work) if work else "0", result=f"{qt('AP')} {_eq(ap, 4)} {num(ap, 4)}"))
    return steps, prec, rec, ap


def average_precision(params: dict[str, Any]) -> Solution:
    scores = params["scores"]
    n = len(scores)
    labels = [f"D{i + 1}" for i in range(n)]
    flags = match_detections(params)
    num_gt = params["num_gt"]
    steps: list[Step] = []
    ask = params.get("ask", "ap")
    spec = NumberSpec(decimals=3)
    if params.get("classes") is not None:
        classes = params["classes"]
        aps = []
        names = [Bi("类别 1", "Class 1"), Bi("类别 2", "Class 2")]
        for ci in (1, 2):
            idx = sorted((i for i in range(n) if classes[i] == ci), key=lambda i: -scores[i])
            steps.append(Step(
                title=Bi(f"类别 {ci}：按置信度从高到低排序其检测结果，共有 $N_\"GT\" = {num_gt[ci - 1]}$ 个真实目标",
                         f"Class {ci}: sort its detections by descending score; it has $N_\"GT\" = {num_gt[ci - 1]}$ "
                         "ground-truth objects"),
                result=", ".join(f"{qt(labels[i])} ({num(scores[i])}, {TP if flags[i] else FP})" for i in idx)))
            st, _, _, ap = _ap_steps([flags[i] for i in idx], [labels[i] for i in idx], [scores[i] for i in idx],
                                     num_gt[ci - 1], "ap", "ap", names[ci - 1])
            steps += st
            aps.append(ap)
        m = sum(aps) / 2
        steps.append(Step(title=Bi("mAP：各类别 AP 的平均", "mAP: the mean of the per-class APs"), part="map",
                          formula=f"{qt('mAP')} = 1/C sum_c {qt('AP')}_c",
                          work=f"({num(aps[0], 4)} + {num(aps[1], 4)})/2", result=f"{qt('mAP')} {_eq(m, 4)} {num(m, 4)}"))
        parts = [
            Part("ap", Bi("两个类别的 AP（类别 1，类别 2）", "AP of the two classes (class 1, class 2)"),
                 VectorSpec(2, decimals=3), [round_answer(a) for a in aps]),
            Part("map", Bi("mAP", "mAP"), spec, round_answer(m), depends_on=("ap",)),
        ]
        return Solution(parts, steps)
    order = sorted(range(n), key=lambda i: -scores[i])
    if order != list(range(n)):
        steps.append(Step(title=Bi("按置信度从高到低排序", "Sort the detections by descending score"),
                          result=" > ".join(f"{qt(labels[i])} ({num(scores[i])})" for i in order)))
    if params.get("ious") is not None:
        thr = params["iou_threshold"]
        used: set[int] = set()
        for i in order:
            g, v = params["gt_ids"][i], params["ious"][i]
            if v < thr:
                why = Bi(f"IoU = {num(v)} < {num(thr)}，为 FP", f"IoU = {num(v)} < {num(thr)}: FP")
            elif g in used:
                why = Bi(f"IoU = {num(v)} ≥ {num(thr)}，但真实框 G{g} 已被更高置信度的检测匹配（重复检测），为 FP",
                         f"IoU = {num(v)} ≥ {num(thr)}, but G{g} is already matched by a higher score "
                         "(duplicate): FP")
            else:
                used.add(g)
                why = Bi(f"IoU = {num(v)} ≥ {num(thr)} 且 G{g} 尚未被匹配，为 TP",
                         f"IoU = {num(v)} ≥ {num(thr)} and G{g} is still unmatched: TP")
            steps.append(Step(title=Bi(f"判定 {labels[i]}（置信度 {num(scores[i])}，最匹配 G{g}）：{why.zh}",
                                       f"Judge {labels[i]} (score {num(scores[i])}, best match G{g}): {why.en}"),
                              formula=f"{qt('IoU')} >= t", work=f"{num(v)} {'>=' if v >= thr else '<'} {num(thr)}",
                              result=TP if flags[i] else FP))
    ranked = [flags[i] for i in order]
    st, prec, rec, ap = _ap_steps(ranked, [labels[i] for i in order], [scores[i] for i in order], num_gt[0],
                                  "precision" if ask == "table" else "", "ap", None)
    steps += st
    parts = []
    if ask == "table":
        parts += [
            Part("precision", Bi("按排名的精确率 P_1 … P_n", "Precision at each rank P_1 … P_n"),
                 VectorSpec(n, decimals=3), [round_answer(v) for v in prec]),
            Part("recall", Bi("按排名的召回率 R_1 … R_n", "Recall at each rank R_1 … R_n"),
                 VectorSpec(n, decimals=3), [round_answer(v) for v in rec]),
        ]
    parts.append(Part("ap", Bi("AP", "AP"), spec, round_answer(ap),
                      depends_on=("precision", "recall") if ask == "table" else ()))
    return Solution(parts, steps)


def ap_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """AP from the student's own P/R table, mAP from the student's own APs."""
    if part == "ap" and "precision" in earlier:
        return voc_ap(list(earlier["precision"]), list(earlier["recall"]))
    if part == "map":
        aps = earlier["ap"]
        return sum(aps) / len(aps)
    return None
