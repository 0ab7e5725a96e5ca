"""Generators for detection operations (chapter 8): non-maximum suppression and the YOLOv1 responsible cell."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.generators._common import pick, table
from examgen.i18n import Bi
from examgen.model import Prompt
from examgen.params import Param, Schema
from examgen.registry import Kind, register
from examgen.solver import detection_ops as solver
from examgen.solver.detection import FORMATS, to_corners

_FMT_TEXT = {
    "xyxy": Bi("$(x_1, y_1, x_2, y_2)$（左上角与右下角）", "$(x_1, y_1, x_2, y_2)$ (top-left and bottom-right corners)"),
    "xywh": Bi("$(x, y, w, h)$（左上角坐标与宽高）", "$(x, y, w, h)$ (top-left corner, width and height)"),
    "cxcywh": Bi("$(c_x, c_y, w, h)$（中心坐标与宽高）", "$(c_x, c_y, w, h)$ (centre, width and height)"),
}


def _from_corners(x1: int, y1: int, x2: int, y2: int, fmt: str) -> list[int]:
    if fmt == "xyxy":
        return [x1, y1, x2, y2]
    if fmt == "xywh":
        return [x1, y1, x2 - x1, y2 - y1]
    return [(x1 + x2) // 2, (y1 + y2) // 2, x2 - x1, y2 - y1]


def _ri(rng: random.Random, a: int, b: int) -> int:
    """A uniform integer in [a, b] from `rng.random()` (several times faster than `randint` in tight loops)."""
    return a + int(rng.random() * (b - a + 1))


# ---------------------------------------------------------------- nms
def _check_nms(params: dict[str, Any]) -> None:
    boxes, scores = params["boxes"], params["scores"]
    n = len(boxes)
    if not 1 <= n <= len(solver.LABELS):
        raise ParamError(f"give 1 to {len(solver.LABELS)} boxes (labelled A, B, C …)")
    if len(scores) != n:
        raise ParamError(f"scores must have one entry per box ({n})")
    if len(set(scores)) != n:
        raise ParamError("scores must be distinct (ties make the order ambiguous)")
    for i, b in enumerate(boxes):
        x1, y1, x2, y2 = to_corners(b, params["box_format"])
        if x2 <= x1 or y2 <= y1:
            raise ParamError(f"box {solver.LABELS[i]} has no area in format {params['box_format']}: {b}")


NMS_SCHEMA = Schema({
    "boxes": Param("boxes", "boxes A, B, C … in box_format"),
    "scores": Param("floats", "confidence of each box (distinct)", min=0, max=1),
    "iou_threshold": Param("float", "a box is suppressed when its IoU with a kept box is > this", min=0, max=1),
    "box_format": Param("str", "xyxy (corners), xywh (top-left, size) or cxcywh (centre, size)", choices=FORMATS),
    "count_suppressed": Param("bool", "also ask how many boxes are suppressed", optional=True, default=False),
}, check=_check_nms)


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
                inter, union = solver.inter_union(corners[i], corners[j])
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
                [[solver.LABELS[i], "(" + ", ".join(str(v) for v in boxes[i]) + ")", scores[i]] for i in range(n)])
    count_zh = "并指出共有多少个框被抑制" if params.get("count_suppressed") else ""
    count_en = ", and say how many boxes are suppressed" if params.get("count_suppressed") else ""
    zh = (f"目标检测器对同一类别输出了 {n} 个候选框 {'、'.join(solver.LABELS[:n])}，坐标以 {fmt.zh}的形式给出"
          f"（图像坐标，x 向右、y 向下，面积 = 宽 × 高）。用贪心的非极大值抑制（NMS）去除冗余框："
          f"按置信度从高到低排序，保留置信度最高的框，删除与它的 IoU $> {thr}$ 的框，再在剩下的框中重复。"
          f"按保留的先后顺序写出最终保留的框{count_zh}。")
    en = (f"A detector outputs {n} candidate boxes {', '.join(solver.LABELS[:n])} of the same class, given as "
          f"{fmt.en} in image coordinates (x to the right, y down, area = width × height). Remove redundant boxes "
          f"with greedy non-maximum suppression (NMS): sort by descending score, keep the best box, delete every box "
          f"whose IoU with it is $> {thr}$, and repeat on the boxes left. List the kept boxes in the order they are "
          f"kept{count_en}.")
    return Prompt(Bi(zh, en), [fig])


register(Kind(
    name="nms", chapter="detection", section="calculation", points=8,
    title=Bi("非极大值抑制", "Non-maximum suppression"),
    summary=Bi("贪心 NMS：按置信度排序，保留最高者，抑制 IoU 超过阈值的框", "Greedy NMS: keep the best box, suppress "
               "boxes whose IoU with it exceeds the threshold, repeat"),
    conventions=Bi("IoU > 阈值才抑制（等于阈值保留）；按保留顺序（置信度从高到低）写框的字母；面积 = 宽 × 高（不加 1）",
                   "suppress when IoU > threshold (equal is kept); list the box letters in the order kept (by "
                   "descending score); area = width × height (no +1)"),
    variants=("corner format", "top-left + size", "centre + size", "threshold 0.3 … 0.7", "count the suppressed"),
    sample=sample_nms, prompt=prompt_nms, solve=solver.nms, schema=NMS_SCHEMA,
    carry_forward=solver.nms_carry_forward,
    example={"boxes": [[2, 2, 10, 10], [3, 3, 11, 11], [12, 4, 18, 12], [1, 2, 9, 9]],
             "scores": [0.9, 0.75, 0.8, 0.6], "iou_threshold": 0.5, "box_format": "xyxy"},
))


# ---------------------------------------------------------------- yolo-cell
def _check_yolo(params: dict[str, Any]) -> None:
    w, h = params["image_wh"]
    s = params["grid"]
    if w < s or h < s:
        raise ParamError("the image must be at least S pixels wide and high")
    x1, y1, x2, y2 = to_corners(params["box"], params["box_format"])
    if x2 <= x1 or y2 <= y1:
        raise ParamError(f"the box has no area in format {params['box_format']}: {params['box']}")
    if x1 < 0 or y1 < 0 or x2 > w or y2 > h:
        raise ParamError(f"the box {params['box']} is not inside the {w}×{h} image")


YOLO_CELL_SCHEMA = Schema({
    "image_wh": Param("ints", "image width and height [W, H] in pixels", length=2, min=1, max=10000),
    "grid": Param("int", "grid size S (S × S cells)", min=1, max=64),
    "box": Param("floats", "the object's box, 4 numbers in box_format (pixels)", length=4),
    "box_format": Param("str", "xyxy (corners), xywh (top-left, size) or cxcywh (centre, size)", choices=FORMATS),
    "index_base": Param("int", "cells numbered from 0 or from 1", choices=(0, 1)),
}, check=_check_yolo)


def sample_yolo_cell(rng: random.Random) -> dict[str, Any]:
    s = pick(rng, [3, 4, 5, 6, 7, 7, 7, 8, 9, 10, 13])
    cw = pick(rng, [16, 20, 32, 40, 48, 50, 64, 80, 100])
    ch = cw if rng.random() < 0.7 else pick(rng, [16, 20, 32, 40, 48, 50, 64, 80, 100])
    w_img, h_img = s * cw, s * ch
    fmt = pick(rng, FORMATS)
    step = 2 if fmt == "cxcywh" else 1
    while True:
        bw = step * rng.randint(max(2, w_img // 12) // step, int(w_img * 0.8) // step)
        bh = step * rng.randint(max(2, h_img // 12) // step, int(h_img * 0.8) // step)
        x1, y1 = rng.randint(0, w_img - bw), rng.randint(0, h_img - bh)
        # the centre must not sit on a cell boundary (2·c is compared with 2·k·cell to stay in integers)
        if (2 * x1 + bw) % (2 * cw) == 0 or (2 * y1 + bh) % (2 * ch) == 0:
            continue
        return {"image_wh": [w_img, h_img], "grid": s, "box": _from_corners(x1, y1, x1 + bw, y1 + bh, fmt),
                "box_format": fmt, "index_base": pick(rng, [0, 1])}


def prompt_yolo_cell(params: dict[str, Any]) -> Prompt:
    w, h = params["image_wh"]
    s = params["grid"]
    base = params["index_base"]
    fmt = _FMT_TEXT[params["box_format"]]
    box = ", ".join(str(v) for v in params["box"])
    zh = (f"YOLOv1 把 ${w} times {h}$（宽 × 高）的输入图像划分为 ${s} times {s}$ 的网格。某目标的真实框以 {fmt.zh}"
          f"的形式给出为 $({box})$（像素坐标，原点在图像左上角，x 向右、y 向下）。求：(1) 负责预测该目标的网格单元的"
          f"行号和列号（从 {base} 开始编号，最上面一行、最左边一列为第 {base} 行、第 {base} 列）；(2) 目标中心相对于"
          f"该单元左上角的偏移 $(x, y)$，以单元的宽、高归一化，取值在 [0, 1) 内；(3) 框的宽和高 $(w, h)$，以整幅图像的"
          f"宽、高归一化。（小数保留三位）")
    en = (f"YOLOv1 divides a ${w} times {h}$ (width × height) input image into an ${s} times {s}$ grid. An object's "
          f"ground-truth box is $({box})$ as {fmt.en} (pixels, origin at the image's top-left corner, x to the right, "
          f"y down). Find (1) the row and column of the grid cell responsible for the object (numbered from {base}: "
          f"the top row and the left column are row {base} and column {base}); (2) the offset $(x, y)$ of the "
          f"object's centre from that cell's top-left corner, normalized by the cell's width and height, in "
          f"[0, 1); (3) the box's width and height $(w, h)$ normalized by the image's width and height. "
          f"(3 decimals)")
    return Prompt(Bi(zh, en))


register(Kind(
    name="yolo-cell", chapter="detection", section="calculation", points=6,
    title=Bi("YOLOv1 负责预测的网格单元", "The YOLOv1 cell responsible for an object"),
    summary=Bi("目标中心所在的网格单元、单元内的归一化偏移与按图像归一化的宽高",
               "The cell containing the object's centre, the normalized offset inside it and the normalized size"),
    conventions=Bi("中心所在单元负责预测；偏移按单元大小归一化到 [0, 1)，宽高按图像大小归一化；题中注明编号从 0 或 1 开始；三位小数",
                   "the cell containing the centre is responsible; offsets normalized by the cell size to [0, 1), "
                   "size by the image size; 0- or 1-based as stated; 3 decimals"),
    variants=("centre + size", "corners", "top-left + size", "0- / 1-based cells", "non-square cells"),
    sample=sample_yolo_cell, prompt=prompt_yolo_cell, solve=solver.yolo_cell, schema=YOLO_CELL_SCHEMA,
    carry_forward=solver.yolo_cell_carry_forward,
    example={"image_wh": [448, 448], "grid": 7, "box": [200, 150, 120, 80], "box_format": "cxcywh",
             "index_base": 0},
))
