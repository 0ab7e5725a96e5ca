"""Generators for object detection (chapter 8): IoU and the YOLOv1 output size."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.generators._common import pick
from examgen.i18n import Bi
from examgen.model import Prompt
from examgen.params import Param, Schema
from examgen.registry import Kind, register
from examgen.solver import detection as solver


# ---------------------------------------------------------------- iou
def _check_iou(params: dict[str, Any]) -> None:
    for name in ("box_a", "box_b"):
        x1, y1, x2, y2 = solver.to_corners(params[name], params["box_format"])
        if x2 <= x1 or y2 <= y1:
            raise ParamError(f"{name} has no area in format {params['box_format']}: {params[name]}")


IOU_SCHEMA = Schema({
    "box_a": Param("floats", "box A, 4 numbers in box_format", length=4),
    "box_b": Param("floats", "box B, 4 numbers in box_format", length=4),
    "box_format": Param("str", "xyxy (corners), xywh (top-left, size) or cxcywh (centre, size)",
                        choices=solver.FORMATS),
}, check=_check_iou)

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


def sample_iou(rng: random.Random) -> dict[str, Any]:
    fmt = pick(rng, solver.FORMATS)
    step = 2 if fmt == "cxcywh" else 1  # even sizes keep the centre on integer coordinates
    while True:
        boxes = []
        for _ in range(2):
            w = step * rng.randint(2 // step + 1, 12 // step)
            h = step * rng.randint(2 // step + 1, 12 // step)
            x1, y1 = rng.randint(0, 14), rng.randint(0, 14)
            boxes.append((x1, y1, x1 + w, y1 + h))
        (a, b) = boxes
        iw = min(a[2], b[2]) - max(a[0], b[0])
        ih = min(a[3], b[3]) - max(a[1], b[1])
        if iw > 0 and ih > 0 and a != b:
            return {"box_a": _from_corners(*a, fmt), "box_b": _from_corners(*b, fmt), "box_format": fmt}


def prompt_iou(params: dict[str, Any]) -> Prompt:
    fmt = _FMT_TEXT[params["box_format"]]
    a = ", ".join(str(v) for v in params["box_a"])
    b = ", ".join(str(v) for v in params["box_b"])
    zh = (f"目标检测中，预测框 A 与真实框 B 均以 {fmt.zh}的形式给出（图像坐标，x 向右、y 向下）："
          f"A = $({a})$，B = $({b})$。求两框的交并比 IoU（保留两位小数）。")
    en = (f"In object detection, a predicted box A and a ground-truth box B are given as {fmt.en} in image "
          f"coordinates (x to the right, y down): A = $({a})$, B = $({b})$. Compute their IoU (2 decimals).")
    return Prompt(Bi(zh, en))


register(Kind(
    name="iou", chapter="detection", section="calculation", points=6,
    title=Bi("交并比 IoU", "Intersection over union"),
    summary=Bi("两个框的交集面积 / 并集面积", "Intersection area over union area of two boxes"),
    conventions=Bi("连续坐标，面积 = 宽 × 高（不加 1）；xywh 为左上角 + 宽高，cxcywh 为中心 + 宽高；保留两位小数",
                   "continuous coordinates, area = width × height (no +1); xywh = top-left + size, cxcywh = centre + size; 2 decimals"),
    variants=("corner format", "top-left + size", "centre + size"),
    sample=sample_iou, prompt=prompt_iou, solve=solver.iou, schema=IOU_SCHEMA,
    example={"box_a": [2, 2, 8, 6], "box_b": [5, 3, 11, 9], "box_format": "xyxy"},
))


# ---------------------------------------------------------------- yolo-output
YOLO_SCHEMA = Schema({
    "grid": Param("int", "grid size S (S × S cells)", min=1, max=64),
    "boxes": Param("int", "boxes B per cell", min=1, max=16),
    "classes": Param("int", "number of classes C", min=1, max=10000),
})

_DATASETS: dict[int, Bi] = {
    20: Bi("PASCAL VOC 数据集（20 类）", "the PASCAL VOC data set (20 classes)"),
    80: Bi("COCO 数据集（80 类）", "the COCO data set (80 classes)"),
    8: Bi("KITTI 数据集（取 8 类）", "the KITTI data set (8 classes)"),
    10: Bi("BDD100K 数据集（10 类）", "the BDD100K data set (10 classes)"),
    15: Bi("DOTA 遥感数据集（15 类）", "the DOTA aerial data set (15 classes)"),
    45: Bi("TT100K 交通标志数据集（取 45 类）", "the TT100K traffic-sign data set (45 classes)"),
    1: Bi("WIDER FACE 人脸数据集（1 类）", "the WIDER FACE data set (1 class: face)"),
}


def sample_yolo(rng: random.Random) -> dict[str, Any]:
    """Mostly custom data sets (for variety), sometimes a named one such as PASCAL VOC."""
    if rng.random() < 0.12:
        return {"grid": rng.randint(3, 20), "boxes": rng.randint(1, 5),
                "classes": pick(rng, list(_DATASETS))}
    return {"grid": rng.randint(3, 20), "boxes": rng.randint(1, 5), "classes": rng.randint(2, 400)}


def prompt_yolo(params: dict[str, Any]) -> Prompt:
    s, b, c = params["grid"], params["boxes"], params["classes"]
    data = _DATASETS.get(c, Bi(f"一个有 {c} 个类别的数据集", f"a data set with {c} class{'es' if c != 1 else ''}"))
    sp = " " if data.zh[0].isascii() else ""
    zh = (f"YOLOv1 把输入图像划分为 ${s} times {s}$ 的网格，每个网格单元预测 $B = {b}$ 个边界框"
          f"（每个框包含 $x, y, w, h$ 和置信度）以及各类别的条件概率。在{sp}{data.zh}上训练时，"
          f"网络最终输出张量的尺寸是多少？一共输出多少个数？")
    en = (f"YOLOv1 divides the input image into an ${s} times {s}$ grid; each cell predicts $B = {b}$ bounding boxes "
          f"(each with $x, y, w, h$ and a confidence) plus conditional class probabilities. Trained on "
          f"{data.en}, what is the shape of the network's output tensor, and how many numbers does it output?")
    return Prompt(Bi(zh, en))


register(Kind(
    name="yolo-output", chapter="detection", section="calculation", points=4,
    title=Bi("YOLOv1 输出尺寸", "YOLOv1 output size"),
    summary=Bi("S×S×(5B + C) 与输出的数值总数", "S×S×(5B + C) and the total number of outputs"),
    conventions=Bi("每个框 5 个数（x, y, w, h，置信度），每个单元一组类别概率", "5 numbers per box (x, y, w, h, confidence), one set of class probabilities per cell"),
    variants=("PASCAL VOC", "COCO", "custom classes / grid / boxes"),
    sample=sample_yolo, prompt=prompt_yolo, solve=solver.yolo_output, schema=YOLO_SCHEMA,
    example={"grid": 7, "boxes": 2, "classes": 20},
))
