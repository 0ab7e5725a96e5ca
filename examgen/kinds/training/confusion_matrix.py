"""`confusion-matrix`: Multi-class confusion matrix.

Per-class precision, recall, F1, macro / micro / weighted averages and accuracy from a 3×3 or 4×4 matrix. Top to
bottom: params schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import all_in, FN, FP, TP, _eq, _nondegenerate, pick, table, reusing
from examgen.mathfmt import num, round_answer
from examgen.mistakes import Mistake
from examgen.model import NumberSpec, Part, Prompt, Solution, Step, VectorSpec
from examgen.params import Param, Schema
from examgen.registry import Kind, register


# Class names shown with a confusion matrix: (zh, en) per class, at most 4 classes in generated problems.
NAME_SETS: dict[str, tuple[tuple[str, str], ...]] = {
    "letters": (("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E"), ("F", "F"), ("G", "G"), ("H", "H")),
    "animals": (("猫", "cat"), ("狗", "dog"), ("鸟", "bird"), ("兔", "rabbit")),
    "traffic": (("汽车", "car"), ("行人", "pedestrian"), ("自行车", "bicycle"), ("卡车", "truck")),
    "fruit": (("苹果", "apple"), ("香蕉", "banana"), ("橙子", "orange"), ("葡萄", "grape")),
}
ASKS = ("class", "per-class", "macro", "micro", "weighted")
LAYOUTS = ("actual-rows", "predicted-rows")


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
    "ask": Param("str", "class (one class), per-class, macro, micro or weighted averages", choices=ASKS),
    "target": Param("int", "0-based index of the class asked for (ask=class)", min=0, max=7, optional=True),
    "names": Param("str", "class names shown", choices=tuple(NAME_SETS), optional=True,
                   default="letters"),
    "layout": Param("str", "how the table is printed: rows = actual (default) or rows = predicted",
                    choices=LAYOUTS, optional=True, default="actual-rows"),
}, check=_check_cm)


# ---------------------------------------------------------------- solver
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
            Step(title=Bi("微平均精确率", "Micro-averaged precision"), part="micro_f1",
                 formula=f"P_\"micro\" = (sum_k {TP}_k)/(sum_k {TP}_k + sum_k {FP}_k)",
                 work=f"{stp}/({stp} + {sfp})", result=f"P_\"micro\" {_eq(mp, 4)} {num(mp)}"),
            Step(title=Bi("微平均召回率", "Micro-averaged recall"), part="micro_f1",
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
        parts = [  # micro P = R = F1 = accuracy: only the F1 is asked (one answer, not three equal ones)
            Part("micro_f1", Bi("微平均 F1", "Micro-averaged F1"), spec, round_answer(mf)),
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
        if not all_in([p, r], 0, 1):  # precision and recall are fractions
            return None
        if isinstance(p, list):
            return [_f1(a, b) for a, b in zip(p, r)]
        return _f1(p, r)
    return None


# ---------------------------------------------------------------- sampler and prompt
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
    ask = pick(rng, ASKS)
    params: dict[str, Any] = {"matrix": m, "ask": ask}
    if ask == "class":
        params["target"] = rng.randrange(k)
    params["names"] = pick(rng, list(NAME_SETS))
    params["layout"] = "predicted-rows" if rng.random() < 0.25 else "actual-rows"
    return params


def _cell(name: Bi) -> str:
    """A class name in the table, "猫 / cat": each language's paper shows its own (`i18n.cell`)."""
    return name.zh if name.zh == name.en else f"{name.zh} / {name.en}"


def prompt_cm(params: dict[str, Any]) -> Prompt:
    m, ask, layout = params["matrix"], params["ask"], params.get("layout", "actual-rows")
    k = len(m)
    names = class_names(params)
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
        ask_zh = ("求微平均（micro，先把各类的 TP、FP、FN 相加，再由总数计算 P、R）F1，"
                  "并求宏平均 F1（各类 F1 的算术平均）加以比较。")
        ask_en = ("Find the micro-averaged F1 (add up TP, FP and FN over the classes first, then compute P and R "
                  "from the totals), and, for comparison, the macro-averaged F1 (the plain mean of the per-class F1 "
                  "scores).")
    else:
        ask_zh = ("以各类的真实样本数（支持数）为权重，求加权平均精确率、加权平均召回率和加权平均 F1"
                  "（加权平均 F1 是各类 F1 按支持数的加权平均，不是由加权 P、R 算出的 F1）。")
        ask_en = ("Using the number of actual samples of each class (its support) as weights, find the weighted-average "
                  "precision, recall and F1 (the weighted-average F1 is the support-weighted mean of the per-class F1 "
                  "scores, not the F1 of the weighted P and R).")
    zh = (f"某 {k} 分类模型在测试集上的混淆矩阵如下表，{lay_zh}。每个类别的 $F_1 = (2 P R)/(P + R)$。"
          f"{ask_zh}（结果保留三位小数）")
    en = (f"The confusion matrix of a {k}-class classifier on a test set is shown below; {lay_en}. The F1 score of "
          f"a class is $F_1 = (2 P R)/(P + R)$. {ask_en} (3 decimals)")
    return Prompt(Bi(zh, en), [fig])


# ---------------------------------------------------------------- typical mistakes
def _stats(m: list[list[int]]) -> tuple[list[float], list[float], list[float], list[int], int]:
    """Per-class P, R, F1, the supports and N of a matrix read with rows = actual."""
    c = cm_counts(m)
    tp, rows, cols = c["tp"], c["rows"], c["cols"]
    prec = [t / s for t, s in zip(tp, cols)]
    rec = [t / s for t, s in zip(tp, rows)]
    return prec, rec, [_f1(a, b) for a, b in zip(prec, rec)], rows, c["n"]


def _answers(m: list[list[int]], ask: str, target: int | None) -> dict[str, Any]:
    """The answer `confusion_matrix` gives for a matrix (the same sums, in the same order, rounded as the key is),
    without writing its steps: the transposed-table mistake asks it for every draw. Not for ask 'micro'."""
    prec, rec, f1, rows, n = _stats(m)
    k = len(m)
    acc = round_answer(sum(m[i][i] for i in range(k)) / n)
    if ask == "class":
        return {"precision": round_answer(prec[target]), "recall": round_answer(rec[target]),
                "f1": round_answer(f1[target]), "accuracy": acc}
    if ask == "per-class":
        return {"precision": [round_answer(v) for v in prec], "recall": [round_answer(v) for v in rec],
                "f1": [round_answer(v) for v in f1], "accuracy": acc}
    if ask == "macro":
        return {"macro_p": round_answer(sum(prec) / k), "macro_r": round_answer(sum(rec) / k),
                "macro_f1": round_answer(sum(f1) / k), "accuracy": acc}
    return {"weighted_p": round_answer(sum(rows[i] * prec[i] for i in range(k)) / n),
            "weighted_r": round_answer(sum(rows[i] * rec[i] for i in range(k)) / n),
            "weighted_f1": round_answer(sum(rows[i] * f1[i] for i in range(k)) / n)}


def _transposed(params: dict[str, Any]) -> dict[str, Any] | None:
    """The table read the wrong way round (rows taken for columns): the per-class P and R trade places, and so do
    the supports; the parts this changes."""
    if params["ask"] == "micro":
        return None  # micro P, R and F1 all equal the accuracy either way
    m, ask, target = params["matrix"], params["ask"], params.get("target")
    key, wrong = _answers(m, ask, target), _answers([list(col) for col in zip(*m)], ask, target)
    return {name: v for name, v in wrong.items() if v != key[name]}


def _f1_of_averages(params: dict[str, Any]) -> dict[str, Any] | None:
    """Macro / weighted F1 taken as the F1 of the averaged P and R."""
    prec, rec, _, rows, n = _stats(params["matrix"])
    k = len(prec)
    if params["ask"] == "macro":
        return {"macro_f1": _f1(sum(prec) / k, sum(rec) / k)}
    if params["ask"] == "weighted":
        return {"weighted_f1": _f1(sum(w * v for w, v in zip(rows, prec)) / n,
                                   sum(w * v for w, v in zip(rows, rec)) / n)}
    return None


def _unweighted(params: dict[str, Any]) -> dict[str, Any] | None:
    """Weighted averages taken as plain means (every class weighted 1)."""
    if params["ask"] != "weighted":
        return None
    prec, rec, f1, _, _ = _stats(params["matrix"])
    k = len(prec)
    return {"weighted_p": sum(prec) / k, "weighted_r": sum(rec) / k, "weighted_f1": sum(f1) / k}


def _micro_as_macro(params: dict[str, Any]) -> dict[str, Any] | None:
    """The micro F1 taken as the mean of the per-class F1 (which is the macro F1)."""
    if params["ask"] != "micro":
        return None
    _, _, f1, _, _ = _stats(params["matrix"])
    return {"micro_f1": sum(f1) / len(f1)}


def _accuracy_as_mean_recall(params: dict[str, Any]) -> dict[str, Any] | None:
    """Accuracy taken as the mean of the per-class recalls (the balanced accuracy)."""
    if params["ask"] not in ("class", "per-class", "macro"):
        return None
    _, rec, _, _, _ = _stats(params["matrix"])
    return {"accuracy": sum(rec) / len(rec)}


MISTAKES = (
    Mistake("rows-columns-swapped", Bi("把表的行和列看反了：精确率用了真实类别的总数、召回率用了预测类别的总数",
            "read the table the wrong way round: precision divided by the actual count and recall by the predicted "
            "count"), "TP, FP, FN of class", _transposed),
    Mistake("f1-of-averages", Bi("用平均后的精确率和召回率再算 F1；题目要求的是各类 F1 的（加权）平均",
            "took the F1 of the averaged precision and recall; the question asks for the (weighted) mean of the "
            "per-class F1 scores"), ("Macro-averaged F1", "Weighted-average F1"), _f1_of_averages),
    Mistake("unweighted-mean", Bi("直接对各类取算术平均，没有按支持数加权", "took the plain mean over the classes "
            "instead of weighting each class by its support"), "Supports", _unweighted),
    Mistake("micro-as-macro", Bi("把各类 F1 的平均当成了微平均；微平均要先把各类的 TP、FP、FN 相加",
            "averaged the per-class F1 scores (that is the macro average); the micro average adds up TP, FP and FN "
            "first"), "Micro average", _micro_as_macro),
    Mistake("accuracy-as-mean-recall", Bi("把各类召回率的平均当成了准确率；准确率 = 对角线之和 / 样本总数",
            "took the mean of the per-class recalls as the accuracy; accuracy is the diagonal sum over all "
            "samples"), "Accuracy", _accuracy_as_mean_recall),
)


register(Kind(
    name="confusion-matrix", chapter="training", section="calculation", points=8,
    title=Bi("多分类混淆矩阵", "Multi-class confusion matrix"),
    summary=Bi("由 3×3 / 4×4 混淆矩阵求各类精确率、召回率、F1，宏平均、微平均与准确率",
               "Per-class precision, recall, F1, macro / micro / weighted averages and accuracy from a 3×3 or 4×4 matrix"),
    conventions=Bi("默认行 = 真实类别、列 = 预测类别（题中注明）；宏平均 F1 = 各类 F1 的算术平均；"
                   "加权平均 F1 = 各类 F1 按支持数加权平均（不是由加权 P、R 算 F1）；保留三位小数",
                   "rows = actual, columns = predicted unless the prompt says otherwise; macro F1 = mean of the "
                   "per-class F1; weighted F1 = support-weighted mean of the per-class F1 (not the F1 of the "
                   "weighted P and R); 3 decimals"),
    variants=("one class", "every class", "macro average", "micro vs macro", "weighted average",
              "transposed table (rows = predicted)"),
    sample=_nondegenerate(sample_cm, confusion_matrix), prompt=prompt_cm, solve=reusing(confusion_matrix), schema=CM_SCHEMA,
    carry_forward=confusion_carry_forward, mistakes=MISTAKES,
    example={"matrix": [[20, 3, 2], [4, 15, 1], [2, 5, 12]], "ask": "macro"},
))
