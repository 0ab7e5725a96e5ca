"""`average-precision`: Average precision and mAP.

Precision/recall table of ranked detections and all-point interpolated AP (VOC2010+), mAP. Top to bottom: params
schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import FP, TP, _eq, pick, table, all_in
from examgen.kinds.detection._shared import ap_without_envelope, pr_table, voc_ap
from examgen.mathfmt import num, qt, round_answer
from examgen.model import NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.mistakes import Mistake
from examgen.params import Param, Schema
from examgen.registry import Kind, register


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


# ---------------------------------------------------------------- solver
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
        work=" + ".join(work) if work else "0", result=f"{qt('AP')} {_eq(ap, 4)} {num(ap)}"))
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
                          work=f"({num(aps[0])} + {num(aps[1])})/2", result=f"{qt('mAP')} {_eq(m, 4)} {num(m)}"))
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
    """AP from the student's own P/R table, mAP from the student's own APs (each in [0, 1])."""
    if not all_in(list(earlier.values()), 0, 1):
        return None
    if part == "ap" and "precision" in earlier:
        return voc_ap(list(earlier["precision"]), list(earlier["recall"]))
    if part == "map":
        aps = earlier["ap"]
        return sum(aps) / len(aps)
    return None


# ---------------------------------------------------------------- sampler and prompt
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
            flags = match_detections(params)
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


# ---------------------------------------------------------------- typical mistakes
def _ranked_tables(params: dict[str, Any], flags: list[int]) -> list[tuple[list[float], list[float]]]:
    """(precision, recall) down the ranking of each class (one class, or the two of the mAP form)."""
    scores, classes = params["scores"], params.get("classes")
    n = len(scores)
    groups = [[i for i in range(n) if classes[i] == c] for c in (1, 2)] if classes else [list(range(n))]
    out = []
    for group, ngt in zip(groups, params["num_gt"]):
        ranked = sorted(group, key=lambda i: -scores[i])
        prec, rec, _ = pr_table([flags[i] for i in ranked], ngt)
        out.append((prec, rec))
    return out


def _no_interpolation(params: dict[str, Any]) -> dict[str, Any] | None:
    """Sums ΔR × P_k with the raw precision at each rank (no envelope)."""
    tables = _ranked_tables(params, match_detections(params))
    raw = [ap_without_envelope(p_, r_) for p_, r_ in tables]
    if all(abs(a - voc_ap(p_, r_)) < 5e-4 for a, (p_, r_) in zip(raw, tables)):
        return None  # the envelope changes nothing here
    return {"ap": raw if params.get("classes") else raw[0]}


def _duplicates_as_tp(params: dict[str, Any]) -> dict[str, Any] | None:
    """Every detection with IoU ≥ the threshold counted as a TP, even when its ground truth is already matched."""
    if params.get("ious") is None:
        return None
    flags = [1 if v >= params["iou_threshold"] else 0 for v in params["ious"]]
    if flags == match_detections(params):
        return None
    (prec, rec), = _ranked_tables(params, flags)
    out: dict[str, Any] = {"ap": voc_ap(prec, rec)}
    if params.get("ask", "ap") == "table":
        out.update(precision=prec, recall=rec)
    return out


def _pr_swapped(params: dict[str, Any]) -> dict[str, Any] | None:
    """Precision and recall swapped: TP_k / N_GT written as P_k and TP_k / k as R_k."""
    if params.get("ask", "ap") != "table":
        return None
    (prec, rec), = _ranked_tables(params, match_detections(params))
    return {"precision": rec, "recall": prec}


MISTAKES = (
    Mistake("ap-without-interpolation", Bi("没有取精度包络：直接用各排名处的精确率 P_k 乘 ΔR",
            "no precision envelope: multiplied ΔR by the raw precision P_k at each rank"),
            ("Class 1: precision envelope", "precision envelope"), _no_interpolation),
    Mistake("duplicates-as-tp", Bi("重复检测也算成了 TP：同一真实框只能被置信度最高的那个检测框匹配一次",
            "counted duplicate detections as TP: a ground truth is matched only once, by the highest-scoring box"),
            "Judge", _duplicates_as_tp),
    Mistake("precision-recall-swapped", Bi("精确率与召回率写反了；应为 P_k = TP_k/k，R_k = TP_k/N_GT",
            "swapped precision and recall; they are P_k = TP_k/k, R_k = TP_k/N_GT"), "rank 1", _pr_swapped),
)


register(Kind(
    name="average-precision", chapter="detection", section="calculation", points=8,
    title=Bi("平均精度 AP 与 mAP", "Average precision and mAP"),
    summary=Bi("由排序后的检测结果求 P-R 表，按全点插值（VOC2010+）计算 AP 与 mAP",
               "Precision/recall table of ranked detections and all-point interpolated AP (VOC2010+), mAP"),
    conventions=Bi("全点插值：精度包络 P̃(r) = max_{r' ≥ r} P(r')，AP = Σ ΔR·P̃；IoU ≥ 阈值且真实框未被匹配才算 TP；保留三位小数",
                   "all-point interpolation: envelope P̃(r) = max over r' ≥ r of P(r'), AP = Σ ΔR·P̃; TP needs IoU ≥ "
                   "threshold and an unmatched ground truth; 3 decimals"),
    variants=("ranked TP/FP list", "unsorted list", "IoU and duplicate detections", "P/R table", "mAP over two classes"),
    sample=sample_ap, prompt=prompt_ap, solve=average_precision, schema=AP_SCHEMA,
    carry_forward=ap_carry_forward, mistakes=MISTAKES,
    example={"scores": [0.95, 0.9, 0.8, 0.7, 0.6, 0.5], "tp": [1, 0, 1, 1, 0, 1], "num_gt": [5], "ask": "ap"},
))
