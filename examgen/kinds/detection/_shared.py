"""Helpers shared by several kinds of chapter `detection`."""

from __future__ import annotations

from examgen.i18n import Bi


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


def inter_union(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> tuple[float, float]:
    """Intersection and union areas of two corner boxes (continuous coordinates, no +1)."""
    ax1, ay1, ax2, ay2 = a
    bx1, by1, bx2, by2 = b
    iw = (ax2 if ax2 < bx2 else bx2) - (ax1 if ax1 > bx1 else bx1)
    ih = (ay2 if ay2 < by2 else by2) - (ay1 if ay1 > by1 else by1)
    inter = iw * ih if iw > 0 and ih > 0 else 0
    return inter, (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter


def voc_ap(precision: list[float], recall: list[float]) -> float:
    """All-point interpolated AP (VOC 2010+): precision envelope, area under the stepwise curve."""
    mrec = [0.0] + list(recall) + [1.0]
    mpre = [0.0] + list(precision) + [0.0]
    for i in range(len(mpre) - 2, -1, -1):
        if mpre[i + 1] > mpre[i]:
            mpre[i] = mpre[i + 1]
    return sum((mrec[i] - mrec[i - 1]) * mpre[i] for i in range(1, len(mrec)) if mrec[i] != mrec[i - 1])


def ap_without_envelope(precision: list[float], recall: list[float]) -> float:
    """AP with each rank's own precision instead of the envelope (a typical mistake: no interpolation)."""
    total, prev = 0.0, 0.0
    for p_k, r_k in zip(precision, recall):
        total += (r_k - prev) * p_k
        prev = r_k
    return total


def pr_table(flags: list[int], num_gt: int) -> tuple[list[float], list[float], list[int]]:
    """Precision, recall and cumulative TP at each rank of a ranked list of TP/FP flags."""
    prec, rec, cum = [], [], []
    t = 0
    for k, f in enumerate(flags, start=1):
        t += f
        cum.append(t)
        prec.append(t / k)
        rec.append(t / num_gt)
    return prec, rec, cum


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
