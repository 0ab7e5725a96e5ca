"""Solvers for detection operations: greedy non-maximum suppression and the YOLOv1 responsible cell."""

from __future__ import annotations

import math
from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import num, p, qt, round_answer
from examgen.model import LabelsSpec, NumberSpec, Part, Solution, Step, VectorSpec
from examgen.solver.detection import to_corners

LABELS = "ABCDEFGHIJ"
IOU = qt("IoU")


# ---------------------------------------------------------------- nms
def _eq3(x: float) -> str:
    return "=" if abs(round(x, 3) - x) < 1e-12 else "approx"


def inter_union(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> tuple[float, float]:
    """Intersection and union areas of two corner boxes (continuous coordinates, no +1)."""
    ax1, ay1, ax2, ay2 = a
    bx1, by1, bx2, by2 = b
    iw = (ax2 if ax2 < bx2 else bx2) - (ax1 if ax1 > bx1 else bx1)
    ih = (ay2 if ay2 < by2 else by2) - (ay1 if ay1 > by1 else by1)
    inter = iw * ih if iw > 0 and ih > 0 else 0
    return inter, (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter


def nms_run(params: dict[str, Any]) -> tuple[list[int], list[tuple[int, list[tuple[int, float, float, float]]]]]:
    """Greedy NMS. Returns the kept indices (in the order they are kept) and, for each round, the kept box and
    its comparisons (other index, intersection, union, IoU) with the boxes still in play."""
    fmt = params["box_format"]
    corners = [to_corners(b, fmt) for b in params["boxes"]]
    scores = params["scores"]
    thr = params["iou_threshold"]
    remaining = sorted(range(len(scores)), key=lambda i: -scores[i])
    kept: list[int] = []
    rounds = []
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


# ---------------------------------------------------------------- yolo-cell
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
