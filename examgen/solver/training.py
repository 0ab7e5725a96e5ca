"""Solvers for evaluation metrics."""

from __future__ import annotations

from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import num, qt, round_answer
from examgen.model import NumberSpec, Part, Solution, Step


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
        Part("f1", Bi("F1 值", "F1 score"), spec, round_answer(f1)),
    ]
    return Solution(parts, steps)
