"""Solvers for image processing: edge operators and Otsu thresholding."""

from __future__ import annotations

import math
from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import mat, num, p, round_answer
from examgen.model import MatrixSpec, NumberSpec, Part, Solution, Step

OPERATORS: dict[str, tuple[list[list[int]], list[list[int]]]] = {
    "roberts": ([[1, 0], [0, -1]], [[0, 1], [-1, 0]]),
    "prewitt": ([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]),
    "sobel": ([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
}
OPERATOR_NAMES = {"roberts": "Roberts", "prewitt": "Prewitt", "sobel": "Sobel"}


def correlate_at(image: list[list[float]], kernel: list[list[float]], i: int, j: int) -> float:
    """Cross-correlation (kernel not flipped) of the kernel anchored at output position (i, j)."""
    return sum(kernel[u][v] * image[i + u][j + v] for u in range(len(kernel)) for v in range(len(kernel[0])))


def correlate_valid(image: list[list[float]], kernel: list[list[float]]) -> list[list[float]]:
    kh, kw = len(kernel), len(kernel[0])
    return [[correlate_at(image, kernel, i, j) for j in range(len(image[0]) - kw + 1)]
            for i in range(len(image) - kh + 1)]


def _mag(gx: float, gy: float, kind: str) -> float:
    return math.hypot(gx, gy) if kind == "l2" else abs(gx) + abs(gy)


def _products(image: list[list[float]], kernel: list[list[float]], i: int, j: int) -> str:
    """The weighted sum written out, skipping zero weights: `-3 + 4 - 2 dot 8 + 2 dot 8`."""
    text = ""
    for u in range(len(kernel)):
        for v in range(len(kernel[0])):
            k = kernel[u][v]
            if k == 0:
                continue
            x = image[i + u][j + v]
            mag = abs(k)
            term = p(x) if mag == 1 else f"{num(mag)} dot {p(x)}"
            if not text:
                text = ("-" if k < 0 else "") + term
            else:
                text += (" - " if k < 0 else " + ") + term
    return text or "0"


def edge_filter(params: dict[str, Any]) -> Solution:
    image = params["image"]
    kx, ky = params["kernel_x"], params["kernel_y"]
    kind = params["magnitude"]
    at = params.get("at")
    name = OPERATOR_NAMES.get(params["operator"], params["operator"])
    mag_formula = "|G| = sqrt(G_x^2 + G_y^2)" if kind == "l2" else "|G| = |G_x| + |G_y|"
    mag_spec = NumberSpec(decimals=2) if kind == "l2" else NumberSpec(integer=True)
    steps: list[Step] = []
    if at is not None:
        i, j = at
        gx = correlate_at(image, kx, i, j)
        gy = correlate_at(image, ky, i, j)
        m = _mag(gx, gy, kind)
        steps += [
            Step(title=Bi(f"用 {name} 水平核计算 $G_x$（互相关：对应元素相乘再求和）",
                          f"$G_x$ with the {name} kernel $K_x$ (cross-correlation: multiply and add)"),
                 part="gx", formula="G_x = sum_(u,v) K_x (u,v) dot I(i+u, j+v)",
                 work=_products(image, kx, i, j), result=f"G_x = {num(gx)}"),
            Step(title=Bi(f"用 {name} 竖直核计算 $G_y$", f"$G_y$ with the {name} kernel $K_y$"),
                 part="gy", formula="G_y = sum_(u,v) K_y (u,v) dot I(i+u, j+v)",
                 work=_products(image, ky, i, j), result=f"G_y = {num(gy)}"),
            Step(title=Bi("梯度幅值", "Gradient magnitude"), part="magnitude", formula=mag_formula,
                 work=(f"sqrt({p(gx)}^2 + {p(gy)}^2) = sqrt({num(gx * gx + gy * gy)})" if kind == "l2"
                       else f"|{num(gx)}| + |{num(gy)}|"),
                 result=f"|G| approx {num(m, 2)}" if kind == "l2" else f"|G| = {num(m)}"),
        ]
        parts = [
            Part("gx", Bi("水平梯度 Gx", "Horizontal gradient Gx"), NumberSpec(integer=True), round_answer(gx)),
            Part("gy", Bi("竖直梯度 Gy", "Vertical gradient Gy"), NumberSpec(integer=True), round_answer(gy)),
            Part("magnitude", Bi("梯度幅值 |G|", "Gradient magnitude |G|"), mag_spec, round_answer(m)),
        ]
        return Solution(parts, steps)
    gx = correlate_valid(image, kx)
    gy = correlate_valid(image, ky)
    rows, cols = len(gx), len(gx[0])
    mg = [[_mag(gx[r][c], gy[r][c], kind) for c in range(cols)] for r in range(rows)]
    kh, kw = len(kx), len(kx[0])
    steps += [
        Step(title=Bi("输出尺寸（有效区域，不填充）", "Output size (valid region, no padding)"),
             formula="(H - k + 1) times (W - k + 1)",
             work=f"({len(image)} - {kh} + 1) times ({len(image[0])} - {kw} + 1)", result=f"{rows} times {cols}"),
        Step(title=Bi("第一个位置的 $G_x$（其余位置同理，核每次右移或下移一格）",
                      "$G_x$ at the first position (slide the kernel one pixel at a time for the rest)"),
             part="gx", formula="G_x (0,0) = sum_(u,v) K_x (u,v) dot I(u, v)", work=_products(image, kx, 0, 0),
             result=num(gx[0][0])),
        Step(title=Bi("全部位置的 $G_x$", "$G_x$ at every position"), part="gx", result="G_x = " + mat(gx)),
        Step(title=Bi("第一个位置的 $G_y$", "$G_y$ at the first position"), part="gy",
             formula="G_y (0,0) = sum_(u,v) K_y (u,v) dot I(u, v)", work=_products(image, ky, 0, 0),
             result=num(gy[0][0])),
        Step(title=Bi("全部位置的 $G_y$", "$G_y$ at every position"), part="gy", result="G_y = " + mat(gy)),
        Step(title=Bi("逐位置计算梯度幅值", "Gradient magnitude at every position"), part="magnitude",
             formula=mag_formula, result="|G| = " + mat(mg, 2 if kind == "l2" else 0)),
    ]
    parts = [
        Part("gx", Bi("水平梯度图 Gx", "Horizontal gradient map Gx"), MatrixSpec(rows, cols, integer=True),
             [[round_answer(v) for v in r] for r in gx]),
        Part("gy", Bi("竖直梯度图 Gy", "Vertical gradient map Gy"), MatrixSpec(rows, cols, integer=True),
             [[round_answer(v) for v in r] for r in gy]),
        Part("magnitude", Bi("梯度幅值图 |G|", "Gradient magnitude map |G|"),
             MatrixSpec(rows, cols, decimals=2 if kind == "l2" else None, integer=kind == "l1"),
             [[round_answer(v) for v in r] for r in mg]),
    ]
    return Solution(parts, steps)


def histogram_of(image: list[list[int]]) -> list[list[int]]:
    counts: dict[int, int] = {}
    for row in image:
        for v in row:
            counts[int(v)] = counts.get(int(v), 0) + 1
    return [[level, counts[level]] for level in sorted(counts)]


def otsu_table(histogram: list[list[int]]) -> list[tuple[int, float, float, float, float, float]]:
    """For each threshold T (class 0 = levels ≤ T, both classes non-empty): (T, w0, w1, μ0, μ1, σ_B²)."""
    hist = sorted((int(lv), int(n)) for lv, n in histogram if n > 0)
    total = sum(n for _, n in hist)
    rows = []
    for t_idx in range(len(hist) - 1):
        t = hist[t_idx][0]
        n0 = sum(n for lv, n in hist if lv <= t)
        n1 = total - n0
        s0 = sum(lv * n for lv, n in hist if lv <= t)
        s1 = sum(lv * n for lv, n in hist if lv > t)
        w0, w1 = n0 / total, n1 / total
        m0, m1 = s0 / n0, s1 / n1
        rows.append((t, w0, w1, m0, m1, w0 * w1 * (m0 - m1) ** 2))
    return rows


def otsu(params: dict[str, Any]) -> Solution:
    hist = params["histogram"]
    steps: list[Step] = []
    if params.get("image") is not None:
        steps.append(Step(title=Bi("统计灰度直方图（各灰度级的像素数）", "Count the histogram (pixels per gray level)"),
                          result=", ".join(f"{lv}: {n}" for lv, n in hist)))
    used = sorted((int(lv), int(n)) for lv, n in hist if n > 0)
    total = sum(n for _, n in used)
    mean = sum(lv * n for lv, n in used) / total
    steps.append(Step(title=Bi("像素总数与全局平均灰度", "Pixel count and global mean gray level"),
                      formula="N = sum_k n_k, quad mu = (sum_k k dot n_k)/N",
                      work=f"N = {total}, quad mu = {sum(lv * n for lv, n in used)}/{total}",
                      result=f"mu approx {num(mean)}"))
    table = otsu_table(hist)
    for t, w0, w1, m0, m1, var in table:
        steps.append(Step(
            title=Bi(f"阈值 T = {t}：类 0 为灰度 ≤ {t}，类 1 为灰度 > {t}", f"Threshold T = {t}: class 0 is ≤ {t}, class 1 is > {t}"),
            formula="sigma_B^2 = w_0 w_1 (mu_0 - mu_1)^2",
            work=(f"w_0 = {num(w0)}, w_1 = {num(w1)}, mu_0 = {num(m0)}, mu_1 = {num(m1)}; quad "
                  f"{num(w0)} dot {num(w1)} dot ({num(m0)} - {num(m1)})^2"),
            result=f"sigma_B^2 approx {num(var)}"))
    best = max(table, key=lambda row: row[5])
    steps.append(Step(title=Bi("取类间方差最大的阈值", "Take the threshold with the largest between-class variance"),
                      formula="T^* = arg max_T sigma_B^2 (T)", result=f"T^* = {best[0]}, quad sigma_B^2 approx {num(best[5])}"))
    parts = [
        Part("threshold", Bi("最佳阈值 T", "Optimal threshold T"), NumberSpec(integer=True), best[0]),
        Part("variance", Bi("最大类间方差", "Maximal between-class variance"), NumberSpec(decimals=3),
             round_answer(best[5])),
    ]
    return Solution(parts, steps)
