"""`yolo-cell`: The YOLOv1 cell responsible for an object.

The cell containing the object's centre, the normalized offset inside it and the normalized size. Top to bottom:
params schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import pick
from examgen.kinds.detection._shared import _FMT_TEXT, FORMATS, _from_corners, to_corners
from examgen.mathfmt import num, p, round_answer
from examgen.model import Part, Prompt, Solution, Step, VectorSpec
from examgen.mistakes import Mistake
from examgen.params import Param, Schema
from examgen.registry import Kind, register


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


# ---------------------------------------------------------------- solver
def _eq(x: float) -> str:
    """`=` when the value shows exactly with 4 decimals, else `approx`."""
    return "=" if abs(round(x, 4) - x) < 1e-12 else "approx"


def yolo_cell_values(params: dict[str, Any]) -> dict[str, Any]:
    w_img, h_img = params["image_wh"]
    s = params["grid"]
    x1, y1, x2, y2 = to_corners(params["box"], params["box_format"])
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    cw, ch = w_img / s, h_img / s
    col, row = math.floor(cx / cw), math.floor(cy / ch)
    return {"cx": cx, "cy": cy, "cw": cw, "ch": ch, "col": col, "row": row,
            "ox": cx / cw - col, "oy": cy / ch - row, "w": (x2 - x1) / w_img, "h": (y2 - y1) / h_img,
            "bw": x2 - x1, "bh": y2 - y1}


def yolo_cell(params: dict[str, Any]) -> Solution:
    w_img, h_img = params["image_wh"]
    s = params["grid"]
    base = params["index_base"]
    fmt = params["box_format"]
    bx = params["box"]
    v = yolo_cell_values(params)
    steps: list[Step] = []
    if fmt == "xyxy":
        steps.append(Step(title=Bi("由左上角与右下角求框的中心和宽高", "Centre and size of the box from its corners"),
                          formula="c_x = (x_1 + x_2)/2, quad c_y = (y_1 + y_2)/2, quad w = x_2 - x_1, quad h = y_2 - y_1",
                          work=(f"c_x = ({p(bx[0])} + {p(bx[2])})/2, quad c_y = ({p(bx[1])} + {p(bx[3])})/2, quad "
                                f"w = {p(bx[2])} - {p(bx[0])}, quad h = {p(bx[3])} - {p(bx[1])}"),
                          result=f"c_x = {num(v['cx'])}, quad c_y = {num(v['cy'])}, quad w = {num(v['bw'])}, quad "
                                 f"h = {num(v['bh'])}"))
    elif fmt == "xywh":
        steps.append(Step(title=Bi("由左上角与宽高求框的中心", "Centre of the box from its top-left corner and size"),
                          formula="c_x = x + w/2, quad c_y = y + h/2",
                          work=f"c_x = {p(bx[0])} + {p(bx[2])}/2, quad c_y = {p(bx[1])} + {p(bx[3])}/2",
                          result=f"c_x = {num(v['cx'])}, quad c_y = {num(v['cy'])}"))
    steps.append(Step(title=Bi("每个网格单元的大小", "Size of one grid cell"),
                      formula="W/S times H/S", work=f"{w_img}/{s} times {h_img}/{s}",
                      result=f"{num(v['cw'])} times {num(v['ch'])}"))
    one = " + 1" if base == 1 else ""
    steps.append(Step(
        title=Bi("目标中心落在哪个网格单元，该单元就负责预测这个目标" + ("，编号从 1 开始再加 1" if base == 1 else "（编号从 0 开始）"),
                 "The cell that contains the object's centre is responsible for it" +
                 (" (1-based: add 1)" if base == 1 else " (0-based)")),
        part="cell",
        formula=f"\"row\" = floor(c_y/(H/S)){one}, quad \"col\" = floor(c_x/(W/S)){one}",
        work=f"floor({num(v['cy'])}/{num(v['ch'])}){one}, quad floor({num(v['cx'])}/{num(v['cw'])}){one}",
        result=f"(\"row\", \"col\") = ({v['row'] + base}, {v['col'] + base})"))
    steps.append(Step(
        title=Bi("中心相对该单元左上角的偏移，按单元大小归一化到 [0, 1)",
                 "Offset of the centre from the cell's top-left corner, normalized by the cell size to [0, 1)"),
        part="offset",
        formula="x = c_x/(W/S) - \"col\"_0, quad y = c_y/(H/S) - \"row\"_0",
        work=f"x = {num(v['cx'])}/{num(v['cw'])} - {v['col']}, quad y = {num(v['cy'])}/{num(v['ch'])} - {v['row']}",
        result=f"x {_eq(v['ox'])} {num(v['ox'])}, quad y {_eq(v['oy'])} {num(v['oy'])}"))
    steps.append(Step(
        title=Bi("宽高按整幅图像的宽高归一化", "Width and height normalized by the image size"), part="size",
        formula="w/W, quad h/H", work=f"{num(v['bw'])}/{w_img}, quad {num(v['bh'])}/{h_img}",
        result=f"w {_eq(v['w'])} {num(v['w'])}, quad h {_eq(v['h'])} {num(v['h'])}"))
    parts = [
        Part("cell", Bi(f"负责的网格单元（行，列），从 {base} 开始", f"Responsible cell (row, column), {base}-based"),
             VectorSpec(2, integer=True), [v["row"] + base, v["col"] + base]),
        Part("offset", Bi("中心偏移 (x, y)", "Centre offset (x, y)"), VectorSpec(2, decimals=3),
             [round_answer(v["ox"]), round_answer(v["oy"])], depends_on=("cell",)),
        Part("size", Bi("归一化宽高 (w, h)", "Normalized size (w, h)"), VectorSpec(2, decimals=3),
             [round_answer(v["w"]), round_answer(v["h"])]),
    ]
    return Solution(parts, steps)


def yolo_cell_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """Offsets measured from the cell the student chose (follow-through credit)."""
    if part != "offset":
        return None
    v = yolo_cell_values(params)
    row, col = (int(round(x)) - params["index_base"] for x in earlier["cell"])
    return [v["cx"] / v["cw"] - col, v["cy"] / v["ch"] - row]


# ---------------------------------------------------------------- sampler and prompt
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


# ---------------------------------------------------------------- typical mistakes
def _cell_as(params: dict[str, Any], base: int, swap: bool) -> dict[str, Any] | None:
    """The responsible cell numbered from `base`, written (column, row) when `swap`; None when it is the key."""
    v = yolo_cell_values(params)
    cell = [v["col"] + base, v["row"] + base] if swap else [v["row"] + base, v["col"] + base]
    return None if cell == [v["row"] + params["index_base"], v["col"] + params["index_base"]] else {"cell": cell}


def _offset_by_image(params: dict[str, Any]) -> dict[str, Any]:
    """The centre normalized by the whole image, (c_x / W, c_y / H), instead of measured inside its cell."""
    w_img, h_img = params["image_wh"]
    v = yolo_cell_values(params)
    return {"offset": [v["cx"] / w_img, v["cy"] / h_img]}


def _size_by_cell(params: dict[str, Any]) -> dict[str, Any]:
    """Width and height divided by the cell size W/S, H/S instead of the image size."""
    v = yolo_cell_values(params)
    return {"size": [v["bw"] / v["cw"], v["bh"] / v["ch"]]}


MISTAKES = (
    Mistake(id="row-column-swapped", step="The cell that contains",
            text=Bi("行号和列号写反了：行由 c_y 决定，列由 c_x 决定",
                    "swapped row and column: the row comes from c_y, the column from c_x"),
            wrong=lambda p: _cell_as(p, p["index_base"], swap=True)),
    Mistake(id="wrong-index-base", step="The cell that contains",
            text=Bi("网格编号的起点弄错了（题目规定从 0 或从 1 开始）",
                    "numbered the cells from the wrong start (the problem says 0- or 1-based)"),
            wrong=lambda p: _cell_as(p, 1 - p["index_base"], swap=False)),
    Mistake(id="offset-by-image", step="Offset of the centre", wrong=_offset_by_image,
            text=Bi("中心偏移按整幅图像归一化了（c_x/W）；YOLOv1 的偏移是相对所在单元、按单元大小归一化的",
                    "normalized the centre by the whole image (c_x/W); YOLOv1 offsets are relative to the cell, "
                    "by the cell size")),
    Mistake(id="size-by-cell", step="Width and height normalized", wrong=_size_by_cell,
            text=Bi("宽高按单元大小归一化了；YOLOv1 的宽高按整幅图像的宽高归一化",
                    "normalized the width and height by the cell size; YOLOv1 divides them by the image size")),
)


register(Kind(
    name="yolo-cell", chapter="detection", section="calculation", points=6,
    title=Bi("YOLOv1 负责预测的网格单元", "The YOLOv1 cell responsible for an object"),
    summary=Bi("目标中心所在的网格单元、单元内的归一化偏移与按图像归一化的宽高",
               "The cell containing the object's centre, the normalized offset inside it and the normalized size"),
    conventions=Bi("中心所在单元负责预测；偏移按单元大小归一化到 [0, 1)，宽高按图像大小归一化；题中注明编号从 0 或 1 开始；三位小数",
                   "the cell containing the centre is responsible; offsets normalized by the cell size to [0, 1), "
                   "size by the image size; 0- or 1-based as stated; 3 decimals"),
    variants=("centre + size", "corners", "top-left + size", "0- / 1-based cells", "non-square cells"),
    sample=sample_yolo_cell, prompt=prompt_yolo_cell, solve=yolo_cell, schema=YOLO_CELL_SCHEMA,
    carry_forward=yolo_cell_carry_forward, mistakes=MISTAKES,
    example={"image_wh": [448, 448], "grid": 7, "box": [200, 150, 120, 80], "box_format": "cxcywh",
             "index_base": 0},
))
