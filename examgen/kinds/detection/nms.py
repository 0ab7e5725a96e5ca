"""`nms`: Non-maximum suppression.

Greedy NMS: keep the best box, suppress boxes whose IoU with it exceeds the threshold, repeat. Top to bottom: params
schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _ri, pick, table
from examgen.kinds.detection._shared import _FMT_TEXT, FORMATS, _from_corners, inter_union, to_corners
from examgen.mathfmt import num, qt
from examgen.model import LabelsSpec, NumberSpec, Part, Prompt, Solution, Step
from examgen.mistakes import Mistake
from examgen.params import Param, Schema
from examgen.registry import Kind, register


def _check_nms(params: dict[str, Any]) -> None:
    boxes, scores = params["boxes"], params["scores"]
    n = len(boxes)
    if not 1 <= n <= len(LABELS):
        raise ParamError(f"give 1 to {len(LABELS)} boxes (labelled A, B, C …)")
    if len(scores) != n:
        raise ParamError(f"scores must have one entry per box ({n})")
    if len(set(scores)) != n:
        raise ParamError("scores must be distinct (ties make the order ambiguous)")
    for i, b in enumerate(boxes):
        x1, y1, x2, y2 = to_corners(b, params["box_format"])
        if x2 <= x1 or y2 <= y1:
            raise ParamError(f"box {LABELS[i]} has no area in format {params['box_format']}: {b}")


NMS_SCHEMA = Schema({
    "boxes": Param("boxes", "boxes A, B, C … in box_format"),
    "scores": Param("floats", "confidence of each box (distinct)", min=0, max=1),
    "iou_threshold": Param("float", "a box is suppressed when its IoU with a kept box is > this", min=0, max=1),
    "box_format": Param("str", "xyxy (corners), xywh (top-left, size) or cxcywh (centre, size)", choices=FORMATS),
    "count_suppressed": Param("bool", "also ask how many boxes are suppressed", optional=True, default=False),
}, check=_check_nms)


# ---------------------------------------------------------------- solver
LABELS = "ABCDEFGHIJ"
IOU = qt("IoU")


def _eq3(x: float) -> str:
    return "=" if abs(round(x, 3) - x) < 1e-12 else "approx"


Rounds = list[tuple[int, list[tuple[int, float, float, float]]]]


def greedy_nms(corners: list[list[float]], scores: list[float], thr: float) -> tuple[list[int], Rounds]:
    """Greedy NMS over corner boxes: the kept indices (in the order they are kept) and, for each round, the kept
    box and its comparisons (other index, intersection, union, IoU) with the boxes still in play. A box whose IoU
    with a kept box exceeds `thr` is suppressed."""
    remaining = sorted(range(len(scores)), key=lambda i: -scores[i])
    kept: list[int] = []
    rounds: Rounds = []
    while remaining:
        best = remaining.pop(0)
        kept.append(best)
        comps = []
        survivors = []
        for j in remaining:
            inter, union = inter_union(corners[best], corners[j])
            v = inter / union
            comps.append((j, inter, union, v))
            if v <= thr:
                survivors.append(j)
        rounds.append((best, comps))
        remaining = survivors
    return kept, rounds


def nms_run(params: dict[str, Any]) -> tuple[list[int], Rounds]:
    """Greedy NMS of the kind's params (boxes in their stated format)."""
    corners = [to_corners(b, params["box_format"]) for b in params["boxes"]]
    return greedy_nms(corners, params["scores"], params["iou_threshold"])


def nms(params: dict[str, Any]) -> Solution:
    fmt = params["box_format"]
    boxes = params["boxes"]
    scores = params["scores"]
    thr = params["iou_threshold"]
    n = len(boxes)
    steps: list[Step] = []
    if fmt != "xyxy":
        corners = [to_corners(b, fmt) for b in boxes]
        formula = "(x_1, y_1, x_2, y_2) = (x, y, x + w, y + h)" if fmt == "xywh" else \
            "(x_1, y_1, x_2, y_2) = (c_x - w/2, c_y - h/2, c_x + w/2, c_y + h/2)"
        steps.append(Step(title=Bi("把各框换成左上角与右下角坐标", "Convert every box to its corners"),
                          formula=formula,
                          result=", quad ".join(f"{LABELS[i]} = ({', '.join(num(v) for v in corners[i])})"
                                                for i in range(n))))
    order = sorted(range(n), key=lambda i: -scores[i])
    steps.append(Step(title=Bi("按置信度从高到低排序", "Sort the boxes by descending score"),
                      result=" > ".join(f"{LABELS[i]} ({num(scores[i])})" for i in order)))
    kept, rounds = nms_run(params)
    for r, (best, comps) in enumerate(rounds, start=1):
        b = LABELS[best]
        if not comps:
            steps.append(Step(title=Bi(f"第 {r} 轮：只剩 {b}，直接保留", f"Round {r}: only {b} is left; keep it"),
                              result=f"{qt('keep')} {b}"))
            continue
        gone = [LABELS[j] for j, _, _, v in comps if v > thr]
        stay = [LABELS[j] for j, _, _, v in comps if v <= thr]
        work = ", quad ".join(
            f"{IOU}({b}, {LABELS[j]}) = {num(inter)}/{num(union)} {_eq3(v)} {num(v, 3)}" for j, inter, union, v in comps)
        verdict_zh = (f"抑制 {'、'.join(gone)}" if gone else "没有框被抑制") + (f"，{'、'.join(stay)} 留待下一轮" if stay else "")
        verdict_en = (f"suppress {', '.join(gone)}" if gone else "nothing is suppressed") + \
            (f"; {', '.join(stay)} {'goes' if len(stay) == 1 else 'go'} on to the next round" if stay else "")
        steps.append(Step(
            title=Bi(f"第 {r} 轮：保留剩余框中置信度最高的 {b}（{num(scores[best])}），计算它与其余框的 IoU，"
                     f"IoU $> {num(thr)}$ 的框被抑制：{verdict_zh}",
                     f"Round {r}: keep {b} ({num(scores[best])}), the best remaining box; compute its IoU with the "
                     f"others and suppress those with IoU $> {num(thr)}$: {verdict_en}"),
            formula=f"{IOU}(X, Y) = S_(X inter Y)/(S_X + S_Y - S_(X inter Y))", work=work,
            result=(f"{qt('suppressed')}: " + ", ".join(gone)) if gone else qt("none suppressed")))
    steps.append(Step(title=Bi("保留的框（按保留顺序）", "Kept boxes (in the order they are kept)"), part="kept",
                      result=" ".join(LABELS[i] for i in kept)))
    parts = [Part("kept", Bi("保留的框（按置信度从高到低）", "Kept boxes (by descending score)"),
                  LabelsSpec(tuple(LABELS[:n]), ordered=True), [LABELS[i] for i in kept])]
    if params.get("count_suppressed"):
        steps.append(Step(title=Bi("被抑制的框数", "Number of suppressed boxes"), part="suppressed",
                          formula="n - n_\"kept\"", work=f"{n} - {len(kept)}", result=str(n - len(kept))))
        parts.append(Part("suppressed", Bi("被抑制的框数", "Number of suppressed boxes"), NumberSpec(integer=True),
                          n - len(kept), depends_on=("kept",)))
    return Solution(parts, steps)


def nms_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    if part == "suppressed":
        return len(params["boxes"]) - len(earlier["kept"])
    return None


# ---------------------------------------------------------------- sampler and prompt
_THRESHOLDS = (0.3, 0.4, 0.5, 0.5, 0.6, 0.7)


def sample_nms(rng: random.Random) -> dict[str, Any]:
    fmt = pick(rng, FORMATS)
    step = 2 if fmt == "cxcywh" else 1  # even sizes keep the centre on integer coordinates
    while True:
        n = _ri(rng, 4, 6)
        k = _ri(rng, 1, 3)
        bases = []
        for _ in range(k):
            w, h = step * _ri(rng, 5 // step, 14 // step), step * _ri(rng, 5 // step, 14 // step)
            bases.append((_ri(rng, 0, 24), _ri(rng, 0, 24), w, h))
        corners = []
        for i in range(n):
            x, y, w, h = bases[i % k] if i < k else pick(rng, bases)
            x, y = max(0, x + _ri(rng, -2, 2)), max(0, y + _ri(rng, -2, 2))
            w, h = max(2, w + step * _ri(rng, -2 // step, 2 // step)), max(2, h + step * _ri(rng, -2 // step, 2 // step))
            corners.append((x, y, x + w, y + h))
        if len(set(corners)) < n:
            continue
        ious = [[0.0] * n for _ in range(n)]
        values = []
        for i in range(n):
            for j in range(i + 1, n):
                inter, union = inter_union(corners[i], corners[j])
                ious[i][j] = ious[j][i] = inter / union
                values.append(inter / union)
        scores = [v / 100 for v in rng.sample(range(30, 100), n)]
        order = sorted(range(n), key=lambda i: -scores[i])
        # thresholds with no IoU within ±0.02 (a unique answer) that keep at least two boxes and suppress one
        good = []
        for thr in _THRESHOLDS:
            if any(abs(v - thr) <= 0.02 for v in values):
                continue
            remaining, kept = order, 0
            while remaining:
                best = remaining[0]
                kept += 1
                remaining = [j for j in remaining[1:] if ious[best][j] <= thr]
            if 2 <= kept < n:
                good.append(thr)
        if good:
            return {"boxes": [_from_corners(*c, fmt) for c in corners], "scores": scores,
                    "iou_threshold": pick(rng, good), "box_format": fmt, "count_suppressed": rng.random() < 0.4}


def prompt_nms(params: dict[str, Any]) -> Prompt:
    boxes, scores, thr = params["boxes"], params["scores"], params["iou_threshold"]
    n = len(boxes)
    fmt = _FMT_TEXT[params["box_format"]]
    fig = table(Bi("候选框", "Candidate boxes"), ["框 / box", "坐标 / coordinates", "置信度 / score"],
                [[LABELS[i], "(" + ", ".join(str(v) for v in boxes[i]) + ")", scores[i]] for i in range(n)])
    count_zh = "并指出共有多少个框被抑制" if params.get("count_suppressed") else ""
    count_en = ", and say how many boxes are suppressed" if params.get("count_suppressed") else ""
    zh = (f"目标检测器对同一类别输出了 {n} 个候选框 {'、'.join(LABELS[:n])}，坐标以 {fmt.zh}的形式给出"
          f"（图像坐标，x 向右、y 向下，面积 = 宽 × 高）。用贪心的非极大值抑制（NMS）去除冗余框："
          f"按置信度从高到低排序，保留置信度最高的框，删除与它的 IoU $> {thr}$ 的框，再在剩下的框中重复。"
          f"按保留的先后顺序写出最终保留的框{count_zh}。")
    en = (f"A detector outputs {n} candidate boxes {', '.join(LABELS[:n])} of the same class, given as "
          f"{fmt.en} in image coordinates (x to the right, y down, area = width × height). Remove redundant boxes "
          f"with greedy non-maximum suppression (NMS): sort by descending score, keep the best box, delete every box "
          f"whose IoU with it is $> {thr}$, and repeat on the boxes left. List the kept boxes in the order they are "
          f"kept{count_en}.")
    return Prompt(Bi(zh, en), [fig])


# ---------------------------------------------------------------- typical mistakes
def _in_label_order(params: dict[str, Any]) -> dict[str, Any] | None:
    """Greedy NMS run in the table's order A, B, C … without sorting by score first."""
    corners = [to_corners(b, params["box_format"]) for b in params["boxes"]]
    kept, _ = greedy_nms(corners, [-i for i in range(len(corners))], params["iou_threshold"])
    return None if kept == nms_run(params)[0] else {"kept": [LABELS[i] for i in kept]}


def _one_round(params: dict[str, Any]) -> dict[str, Any] | None:
    """Suppresses only against the best box and keeps everything else (the rounds are not repeated)."""
    kept, rounds = nms_run(params)
    best, comps = rounds[0]
    once = [best] + [j for j, _, _, v in comps if v <= params["iou_threshold"]]
    return None if once == kept else {"kept": [LABELS[i] for i in once]}


MISTAKES = (
    Mistake("not-sorted-by-score", Bi("没有先按置信度排序，而是按 A、B、C … 的顺序做抑制",
            "did not sort by score first: suppressed in the order A, B, C …"), "Sort the boxes", _in_label_order),
    Mistake("single-round", Bi("只用置信度最高的框抑制了一轮，没有在剩下的框中重复",
            "suppressed only against the best box and did not repeat on the boxes left"), "Round 2", _one_round),
)


register(Kind(
    name="nms", chapter="detection", section="calculation", points=8,
    title=Bi("非极大值抑制", "Non-maximum suppression"),
    summary=Bi("贪心 NMS：按置信度排序，保留最高者，抑制 IoU 超过阈值的框", "Greedy NMS: keep the best box, suppress "
               "boxes whose IoU with it exceeds the threshold, repeat"),
    conventions=Bi("IoU > 阈值才抑制（等于阈值保留）；按保留顺序（置信度从高到低）写框的字母；面积 = 宽 × 高（不加 1）",
                   "suppress when IoU > threshold (equal is kept); list the box letters in the order kept (by "
                   "descending score); area = width × height (no +1)"),
    variants=("corner format", "top-left + size", "centre + size", "threshold 0.3 … 0.7", "count the suppressed"),
    sample=sample_nms, prompt=prompt_nms, solve=nms, schema=NMS_SCHEMA,
    carry_forward=nms_carry_forward, mistakes=MISTAKES,
    example={"boxes": [[2, 2, 10, 10], [3, 3, 11, 11], [12, 4, 18, 12], [1, 2, 9, 9]],
             "scores": [0.9, 0.75, 0.8, 0.6], "iou_threshold": 0.5, "box_format": "xyxy"},
))
