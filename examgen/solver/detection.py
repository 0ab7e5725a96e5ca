"""Solvers for detection: IoU and the YOLOv1 output tensor."""

from __future__ import annotations

from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import num, p, qt, round_answer
from examgen.model import NumberSpec, Part, ShapeSpec, Solution, Step

FORMATS = ("xyxy", "xywh", "cxcywh")


def to_corners(box: list[float], fmt: str) -> tuple[float, float, float, float]:
    """(x1, y1, x2, y2) of a box given as xyxy, xywh (top-left + size) or cxcywh (centre + size)."""
    a, b, c, d = box
    if fmt == "xyxy":
        return a, b, c, d
    if fmt == "xywh":
        return a, b, a + c, b + d
    if fmt == "cxcywh":
        return a - c / 2, b - d / 2, a + c / 2, b + d / 2
    raise ValueError(f"unknown box format {fmt}")


def iou(params: dict[str, Any]) -> Solution:
    fmt = params["box_format"]
    a = to_corners(params["box_a"], fmt)
    b = to_corners(params["box_b"], fmt)
    steps: list[Step] = []
    if fmt != "xyxy":
        formula = "(x_1, y_1, x_2, y_2) = (x, y, x + w, y + h)" if fmt == "xywh" else \
            "(x_1, y_1, x_2, y_2) = (c_x - w/2, c_y - h/2, c_x + w/2, c_y + h/2)"
        for name, box, raw in (("A", a, params["box_a"]), ("B", b, params["box_b"])):
            if fmt == "xywh":
                work = f"({p(raw[0])}, {p(raw[1])}, {p(raw[0])} + {p(raw[2])}, {p(raw[1])} + {p(raw[3])})"
            else:
                work = (f"({p(raw[0])} - {p(raw[2])}/2, {p(raw[1])} - {p(raw[3])}/2, "
                        f"{p(raw[0])} + {p(raw[2])}/2, {p(raw[1])} + {p(raw[3])}/2)")
            steps.append(Step(title=Bi(f"把框 {name} 换成左上角与右下角坐标", f"Corners of box {name}"),
                              formula=formula, work=work, result=f"({', '.join(num(v) for v in box)})"))
    ix1, iy1 = max(a[0], b[0]), max(a[1], b[1])
    ix2, iy2 = min(a[2], b[2]), min(a[3], b[3])
    iw, ih = max(0.0, ix2 - ix1), max(0.0, iy2 - iy1)
    inter = iw * ih
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[2] - b[0]) * (b[3] - b[1])
    union = area_a + area_b - inter
    value = inter / union if union > 0 else 0.0
    steps += [
        Step(title=Bi("交集矩形的宽", "Width of the intersection"),
             formula="w_I = max(0, min(x_2^A, x_2^B) - max(x_1^A, x_1^B))",
             work=f"max(0, min({p(a[2])}, {p(b[2])}) - max({p(a[0])}, {p(b[0])}))", result=f"w_I = {num(iw)}"),
        Step(title=Bi("交集矩形的高", "Height of the intersection"),
             formula="h_I = max(0, min(y_2^A, y_2^B) - max(y_1^A, y_1^B))",
             work=f"max(0, min({p(a[3])}, {p(b[3])}) - max({p(a[1])}, {p(b[1])}))", result=f"h_I = {num(ih)}"),
        Step(title=Bi("交集面积", "Intersection area"), formula="I = w_I dot h_I",
             work=f"{num(iw)} dot {num(ih)}", result=f"I = {num(inter)}"),
        Step(title=Bi("两个框的面积", "Areas of the two boxes"), formula="S_A, S_B",
             work=f"{num(a[2] - a[0])} dot {num(a[3] - a[1])}, {num(b[2] - b[0])} dot {num(b[3] - b[1])}",
             result=f"S_A = {num(area_a)}, S_B = {num(area_b)}"),
        Step(title=Bi("并集面积", "Union area"), formula="U = S_A + S_B - I",
             work=f"{num(area_a)} + {num(area_b)} - {num(inter)}", result=f"U = {num(union)}"),
        Step(title=Bi("交并比", "Intersection over union"), formula=f"{qt('IoU')} = I/U",
             work=f"{num(inter)}/{num(union)}", result=f"{qt('IoU')} approx {num(value, 4)}"),
    ]
    return Solution([Part("", Bi("IoU", "IoU"), NumberSpec(decimals=2), round_answer(value))], steps)


def yolo_output(params: dict[str, Any]) -> Solution:
    s, b, c = params["grid"], params["boxes"], params["classes"]
    depth = 5 * b + c
    total = s * s * depth
    steps = [
        Step(title=Bi("每个框预测 5 个数：x, y, w, h 和置信度", "Each box predicts 5 numbers: x, y, w, h and confidence"),
             formula="5B", work=f"5 dot {b}", result=f"{5 * b}"),
        Step(title=Bi("每个网格单元的输出长度（框 + 类别概率）", "Values per grid cell (boxes + class probabilities)"),
             formula="5B + C", work=f"5 dot {b} + {c}", result=f"{depth}"),
        Step(title=Bi("输出张量尺寸", "Output tensor shape"), part="shape", formula="S times S times (5B + C)",
             work=f"{s} times {s} times ({5 * b} + {c})", result=f"{s} times {s} times {depth}"),
        Step(title=Bi("预测值总数", "Total number of predicted values"), part="total", formula="S^2 (5B + C)",
             work=f"{s}^2 dot {depth}", result=f"{total}"),
    ]
    parts = [
        Part("shape", Bi("输出张量尺寸", "Output tensor shape"), ShapeSpec(3), [s, s, depth]),
        Part("total", Bi("输出的数值总数", "Total number of output values"), NumberSpec(integer=True), total),
    ]
    return Solution(parts, steps)
