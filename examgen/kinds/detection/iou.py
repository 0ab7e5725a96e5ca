"""`iou`: Intersection over union.

Intersection area over union area of two boxes. Top to bottom: params schema, pure solver, sampler, prompt,
registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import pick
from examgen.kinds.detection._shared import _FMT_TEXT, FORMATS, _from_corners, to_corners
from examgen.mathfmt import num, p, qt, round_answer
from examgen.model import NumberSpec, Part, Prompt, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


def _check_iou(params: dict[str, Any]) -> None:
    for name in ("box_a", "box_b"):
        x1, y1, x2, y2 = to_corners(params[name], params["box_format"])
        if x2 <= x1 or y2 <= y1:
            raise ParamError(f"{name} has no area in format {params['box_format']}: {params[name]}")


IOU_SCHEMA = Schema({
    "box_a": Param("floats", "box A, 4 numbers in box_format", length=4),
    "box_b": Param("floats", "box B, 4 numbers in box_format", length=4),
    "box_format": Param("str", "xyxy (corners), xywh (top-left, size) or cxcywh (centre, size)",
                        choices=FORMATS),
}, check=_check_iou)


# ---------------------------------------------------------------- solver
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
             work=f"{num(inter)}/{num(union)}", result=f"{qt('IoU')} approx {num(value)}"),
    ]
    return Solution([Part("", Bi("IoU", "IoU"), NumberSpec(decimals=2), round_answer(value))], steps)


# ---------------------------------------------------------------- sampler and prompt
def sample_iou(rng: random.Random) -> dict[str, Any]:
    fmt = pick(rng, FORMATS)
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


# ---------------------------------------------------------------- typical mistakes
def _areas(params: dict[str, Any], plus: float = 0.0) -> tuple[float, float, float]:
    """Intersection and the two areas, with side lengths taken as (x2 − x1 + plus)."""
    a = to_corners(params["box_a"], params["box_format"])
    b = to_corners(params["box_b"], params["box_format"])
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]) + plus)
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]) + plus)
    return iw * ih, (a[2] - a[0] + plus) * (a[3] - a[1] + plus), (b[2] - b[0] + plus) * (b[3] - b[1] + plus)


def _union_no_minus(params: dict[str, Any]) -> float:
    inter, sa, sb = _areas(params)
    return inter / (sa + sb)


def _plus_one(params: dict[str, Any]) -> float:
    inter, sa, sb = _areas(params, plus=1.0)
    return inter / (sa + sb - inter)


def _dice(params: dict[str, Any]) -> float:
    inter, sa, sb = _areas(params)
    return 2 * inter / (sa + sb)


def _read_as_corners(params: dict[str, Any]) -> float | None:
    """Takes (x, y, w, h) or (cx, cy, w, h) for (x1, y1, x2, y2)."""
    a, b = params["box_a"], params["box_b"]
    if params["box_format"] == "xyxy" or a[2] <= a[0] or a[3] <= a[1] or b[2] <= b[0] or b[3] <= b[1]:
        return None
    inter, sa, sb = _areas({"box_a": a, "box_b": b, "box_format": "xyxy"})
    return inter / (sa + sb - inter)


MISTAKES = (
    Mistake("union-keeps-intersection", Bi("并集没有减去交集：U = S_A + S_B", "the union does not subtract the "
            "intersection: U = S_A + S_B"), "Union area", _union_no_minus),
    Mistake("plus-one-pixel", Bi("按像素个数算边长（宽 = x₂ − x₁ + 1），本题是连续坐标", "sides counted in pixels "
            "(w = x₂ − x₁ + 1), but these are continuous coordinates"), "Width of the intersection", _plus_one),
    Mistake("dice-not-iou", Bi("算成了 Dice 系数 2I/(S_A + S_B)", "computed the Dice coefficient 2I/(S_A + S_B)"),
            "Intersection over union", _dice),
    Mistake("format-read-as-corners", Bi("把宽高格式的框当成了两个角点 (x₁, y₁, x₂, y₂)", "read the boxes as corners "
            "(x₁, y₁, x₂, y₂) although they are given with width and height"), "Corners of box A", _read_as_corners),
)


register(Kind(
    name="iou", chapter="detection", section="calculation", points=6,
    title=Bi("交并比 IoU", "Intersection over union"),
    summary=Bi("两个框的交集面积 / 并集面积", "Intersection area over union area of two boxes"),
    conventions=Bi("连续坐标，面积 = 宽 × 高（不加 1）；xywh 为左上角 + 宽高，cxcywh 为中心 + 宽高；保留两位小数",
                   "continuous coordinates, area = width × height (no +1); xywh = top-left + size, cxcywh = centre + size; 2 decimals"),
    variants=("corner format", "top-left + size", "centre + size"),
    sample=sample_iou, prompt=prompt_iou, solve=iou, schema=IOU_SCHEMA,
    example={"box_a": [2, 2, 8, 6], "box_b": [5, 3, 11, 9], "box_format": "xyxy"},
    mistakes=MISTAKES,
))
