"""`precision-recall`: Accuracy, precision, recall and F1.

The four metrics from a confusion matrix or a story. Top to bottom: params schema, pure solver, sampler, prompt,
registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _nondegenerate, all_in, pick, table, reusing
from examgen.mathfmt import num, qt, round_answer
from examgen.model import NumberSpec, Part, Prompt, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


def _check_pr(params: dict[str, Any]) -> None:
    if params["tp"] + params["fp"] == 0:
        raise ParamError("precision is undefined: tp + fp = 0")
    if params["tp"] + params["fn"] == 0:
        raise ParamError("recall is undefined: tp + fn = 0")


PR_SCHEMA = Schema({
    "tp": Param("int", "true positives", min=0, max=10**6),
    "fp": Param("int", "false positives", min=0, max=10**6),
    "fn": Param("int", "false negatives", min=0, max=10**6),
    "tn": Param("int", "true negatives", min=0, max=10**6),
}, check=_check_pr)


# ---------------------------------------------------------------- solver
def precision_recall(params: dict[str, Any]) -> Solution:
    tp, fp, fn, tn = params["tp"], params["fp"], params["fn"], params["tn"]
    total = tp + fp + fn + tn
    acc = (tp + tn) / total
    prec = tp / (tp + fp)
    rec = tp / (tp + fn)
    f1 = 2 * tp / (2 * tp + fp + fn)
    TP, FP, FN, TN = qt("TP"), qt("FP"), qt("FN"), qt("TN")
    steps = [
        Step(title=Bi("准确率：预测正确的样本占全部样本的比例", "Accuracy: share of all samples predicted correctly"),
             part="accuracy", formula=f"({TP} + {TN})/({TP} + {FP} + {FN} + {TN})",
             work=f"({tp} + {tn})/({tp} + {fp} + {fn} + {tn}) = {tp + tn}/{total}", result=num(acc)),
        Step(title=Bi("精确率：预测为正的样本中真正为正的比例", "Precision: share of predicted positives that are positive"),
             part="precision", formula=f"{TP}/({TP} + {FP})", work=f"{tp}/({tp} + {fp}) = {tp}/{tp + fp}",
             result=num(prec)),
        Step(title=Bi("召回率：真实为正的样本中被预测为正的比例", "Recall: share of actual positives that are found"),
             part="recall", formula=f"{TP}/({TP} + {FN})", work=f"{tp}/({tp} + {fn}) = {tp}/{tp + fn}",
             result=num(rec)),
        Step(title=Bi("F1：精确率与召回率的调和平均", "F1: harmonic mean of precision and recall"), part="f1",
             formula=f"(2 P R)/(P + R) = (2 {TP})/(2 {TP} + {FP} + {FN})",
             work=f"(2 dot {tp})/(2 dot {tp} + {fp} + {fn}) = {2 * tp}/{2 * tp + fp + fn}", result=num(f1)),
    ]
    spec = NumberSpec(decimals=2)
    parts = [
        Part("accuracy", Bi("准确率", "Accuracy"), spec, round_answer(acc)),
        Part("precision", Bi("精确率", "Precision"), spec, round_answer(prec)),
        Part("recall", Bi("召回率", "Recall"), spec, round_answer(rec)),
        Part("f1", Bi("F1 值", "F1 score"), spec, round_answer(f1), depends_on=("precision", "recall")),
    ]
    return Solution(parts, steps)


def pr_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """F1 = 2PR/(P + R) from the precision and recall the student wrote (the accuracy feeds nothing)."""
    if part != "f1":
        return None
    prec, rec = float(earlier["precision"]), float(earlier["recall"])
    if not all_in([prec, rec], 0, 1):  # precision and recall are fractions
        return None
    return 2 * prec * rec / (prec + rec) if prec + rec else None


# ---------------------------------------------------------------- sampler and prompt
_STORIES = ["matrix", "screening", "spam", "defect"]


def sample_pr(rng: random.Random) -> dict[str, Any]:
    tp = rng.randint(5, 90)
    fp = rng.randint(1, 40)
    fn = rng.randint(1, 40)
    tn = rng.randint(10, 200)
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "story": pick(rng, _STORIES)}


def prompt_pr(params: dict[str, Any]) -> Prompt:
    tp, fp, fn, tn = params["tp"], params["fp"], params["fn"], params["tn"]
    story = params.get("story", "matrix")
    ask_zh = "求准确率、精确率、召回率和 F1 值（保留两位小数）。"
    ask_en = "Compute the accuracy, precision, recall and F1 score (2 decimals)."
    if story == "screening":
        zh = (f"用一个模型筛查 {tp + fp + fn + tn} 张医学影像，其中真正患病的有 {tp + fn} 张。"
              f"模型判为患病的 {tp + fp} 张中，有 {tp} 张确实患病。以患病为正类，{ask_zh}")
        en = (f"A model screens {tp + fp + fn + tn} medical images, {tp + fn} of which really show the disease. "
              f"Of the {tp + fp} images it flags, {tp} really show it. With disease as the positive class, {ask_en[0].lower()}{ask_en[1:]}")
        return Prompt(Bi(zh, en))
    if story == "spam":
        zh = (f"一个垃圾邮件过滤器处理了 {tp + fp + fn + tn} 封邮件：把 {tp} 封垃圾邮件正确拦截，"
              f"误拦了 {fp} 封正常邮件，漏掉了 {fn} 封垃圾邮件，其余 {tn} 封正常邮件正确放行。以垃圾邮件为正类，{ask_zh}")
        en = (f"A spam filter processed {tp + fp + fn + tn} e-mails: it blocked {tp} spam mails correctly, blocked "
              f"{fp} legitimate mails by mistake, let {fn} spam mails through, and passed the other {tn} "
              f"legitimate mails. With spam as the positive class, {ask_en[0].lower()}{ask_en[1:]}")
        return Prompt(Bi(zh, en))
    if story == "defect":
        zh = (f"质检模型检查了 {tp + fp + fn + tn} 个零件，其中有缺陷的 {tp + fn} 个。模型报告了 {tp + fp} 个缺陷件，"
              f"其中 {fp} 个其实是合格品。以缺陷件为正类，{ask_zh}")
        en = (f"An inspection model checked {tp + fp + fn + tn} parts, {tp + fn} of which are defective. It reported "
              f"{tp + fp} defective parts, {fp} of which were actually fine. With defective as the positive class, "
              f"{ask_en[0].lower()}{ask_en[1:]}")
        return Prompt(Bi(zh, en))
    fig = table(Bi("混淆矩阵", "Confusion matrix"), ["", "预测为正 / predicted +", "预测为负 / predicted −"],
                [["实际为正 / actual +", tp, fn], ["实际为负 / actual −", fp, tn]])
    zh = f"某二分类模型在测试集上的混淆矩阵如下表所示。{ask_zh}"
    en = f"The confusion matrix of a binary classifier on a test set is shown below. {ask_en}"
    return Prompt(Bi(zh, en), [fig])


def pr_rounded(params: dict[str, Any]) -> dict[str, Any]:
    """F1 from the precision and recall as written to 2 decimals (accepted next to the key, see examgen.rounding)."""
    tp = params["tp"]
    prec, rec = round(tp / (tp + params["fp"]), 2), round(tp / (tp + params["fn"]), 2)
    return {"f1": 2 * prec * rec / (prec + rec)} if prec + rec else {}


# ---------------------------------------------------------------- typical mistakes
def _swapped(params: dict[str, Any]) -> dict[str, float]:
    """Precision and recall with their denominators exchanged."""
    tp = params["tp"]
    return {"precision": tp / (tp + params["fn"]), "recall": tp / (tp + params["fp"])}


MISTAKES = (
    Mistake("precision-recall-swapped", Bi("精确率与召回率弄反了：精确率的分母是预测为正的样本数 TP + FP",
            "swapped precision and recall: precision divides by the predicted positives TP + FP"), "Precision",
            _swapped),
    Mistake("accuracy-without-tn", Bi("准确率的分子漏了真负例 TN：应为 (TP + TN)/总数", "left the true negatives out of "
            "the accuracy: it is (TP + TN)/total"), "Accuracy",
            lambda p: {"accuracy": p["tp"] / (p["tp"] + p["fp"] + p["fn"] + p["tn"])}),
)


register(Kind(
    name="precision-recall", chapter="training", section="calculation", points=6,
    title=Bi("准确率、精确率、召回率与 F1", "Accuracy, precision, recall and F1"),
    summary=Bi("由混淆矩阵（或文字描述）计算四个指标", "The four metrics from a confusion matrix or a story"),
    conventions=Bi("精确率 = TP/(TP+FP)，召回率 = TP/(TP+FN)，F1 = 2PR/(P+R)；保留两位小数",
                   "precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2PR/(P+R); 2 decimals"),
    variants=("confusion-matrix table", "medical screening", "spam filter", "defect inspection"),
    sample=_nondegenerate(sample_pr, precision_recall), prompt=prompt_pr, solve=reusing(precision_recall),
    rounded=pr_rounded, carry_forward=pr_carry_forward,
    schema=Schema({**PR_SCHEMA.params, "story": Param("str", "how the counts are told", choices=tuple(_STORIES),
                                                         optional=True, default="matrix")}, check=_check_pr),
    example={"tp": 40, "fp": 10, "fn": 20, "tn": 30},
    mistakes=MISTAKES,
))
