"""Generators for image processing (chapter 3): edge operators and Otsu thresholding."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.generators._common import grid, matrix, pick, table
from examgen.i18n import Bi
from examgen.model import Prompt
from examgen.params import Param, Schema
from examgen.registry import Kind, register
from examgen.solver import imaging as solver


# ---------------------------------------------------------------- edge-filter
def _check_edge(params: dict[str, Any]) -> None:
    image, kx, ky = params["image"], params["kernel_x"], params["kernel_y"]
    if len(kx) != len(ky) or len(kx[0]) != len(ky[0]):
        raise ParamError("kernel_x and kernel_y must have the same size")
    if len(image) < len(kx) or len(image[0]) < len(kx[0]):
        raise ParamError("the image is smaller than the kernel")
    at = params.get("at")
    if at is not None:
        if len(at) != 2:
            raise ParamError("at must be [row, col]")
        rows, cols = len(image) - len(kx) + 1, len(image[0]) - len(kx[0]) + 1
        if not (0 <= at[0] < rows and 0 <= at[1] < cols):
            raise ParamError(f"at {at} is outside the {rows}×{cols} output (0-based output coordinates)")


EDGE_SCHEMA = Schema({
    "operator": Param("str", "roberts, prewitt or sobel (names the kernels shown)",
                      choices=tuple(solver.OPERATORS) + ("custom",)),
    "image": Param("matrix", "the gray image"),
    "kernel_x": Param("matrix", "horizontal-gradient kernel Kx"),
    "kernel_y": Param("matrix", "vertical-gradient kernel Ky"),
    "magnitude": Param("str", "l2 = sqrt(Gx²+Gy²), l1 = |Gx|+|Gy|", choices=("l2", "l1")),
    "at": Param("ints", "one output position [row, col], 0-based in output coordinates", length=2, min=0,
                optional=True),
}, check=_check_edge)


def _edge_image(rng: random.Random, rows: int, cols: int) -> list[list[int]]:
    low, high = rng.randint(0, 3), rng.randint(5, 9)
    orient = pick(rng, ["vertical", "horizontal", "diagonal", "anti"])
    cut = rng.randint(1, max(1, min(rows, cols) - 2))
    img = []
    for r in range(rows):
        row = []
        for c in range(cols):
            side = {"vertical": c >= cut, "horizontal": r >= cut, "diagonal": c - r >= cut - 1,
                    "anti": r + c >= cut + 1}[orient]
            v = (high if side else low) + rng.randint(-1, 1)
            row.append(min(9, max(0, v)))
        img.append(row)
    return img


def sample_edge(rng: random.Random) -> dict[str, Any]:
    op = pick(rng, list(solver.OPERATORS))
    kx, ky = solver.OPERATORS[op]
    k = len(kx)
    single = rng.random() < 0.55
    while True:
        if single:
            size = 5 if k == 3 else pick(rng, [3, 4])
        else:
            size = 4 if k == 3 else 3
        image = _edge_image(rng, size, size)
        params: dict[str, Any] = {"operator": op, "image": image, "kernel_x": kx, "kernel_y": ky,
                                  "magnitude": "l2" if rng.random() < 0.7 else "l1"}
        out = size - k + 1
        if single:
            params["at"] = [rng.randrange(out), rng.randrange(out)]
            i, j = params["at"]
            if solver.correlate_at(image, kx, i, j) == 0 and solver.correlate_at(image, ky, i, j) == 0:
                continue
        else:
            gx = solver.correlate_valid(image, kx)
            gy = solver.correlate_valid(image, ky)
            if all(v == 0 for r in gx + gy for v in r):
                continue
        return params


def prompt_edge(params: dict[str, Any]) -> Prompt:
    name = solver.OPERATOR_NAMES.get(params["operator"], "")
    image = params["image"]
    kx, ky = params["kernel_x"], params["kernel_y"]
    k = len(kx)
    h, w = len(image), len(image[0])
    l2 = params["magnitude"] == "l2"
    mag = "$|G| = sqrt(G_x^2 + G_y^2)$" if l2 else "$|G| = |G_x| + |G_y|$"
    dec_zh = "（保留两位小数）" if l2 else ""
    dec_en = " (2 decimals)" if l2 else ""
    conv_zh = "卷积核按互相关方式作用（不翻转），即 $G = sum_(u,v) K(u,v) dot I(i+u, j+v)$。"
    conv_en = "Apply the kernels as cross-correlation (no flipping): $G = sum_(u,v) K(u,v) dot I(i+u, j+v)$."
    op_zh = f" {name} 算子" if name else "下列算子"
    op_en = f"the {name} operator" if name else "the operator below"
    figs_kernels = [matrix(Bi("$K_x$", "$K_x$"), kx), matrix(Bi("$K_y$", "$K_y$"), ky)]
    at = params.get("at")
    if at is not None:
        i, j = at
        cells = [(i + u, j + v) for u in range(k) for v in range(k)]
        if k == 3:
            where_zh = f"图中灰色 3×3 邻域的中心像素（第 {i + 2} 行第 {j + 2} 列，从 1 开始计数）"
            where_en = f"the centre pixel of the shaded 3×3 neighbourhood (row {i + 2}, column {j + 2}, counting from 1)"
        else:
            where_zh = f"图中灰色 2×2 邻域（左上角为第 {i + 1} 行第 {j + 1} 列，从 1 开始计数）"
            where_en = f"the shaded 2×2 neighbourhood (top-left pixel at row {i + 1}, column {j + 1}, counting from 1)"
        zh = (f"下图为 {h}×{w} 的灰度图像 $I$。用{op_zh}（卷积核 $K_x$、$K_y$ 如下）计算{where_zh}处的梯度分量 "
              f"$G_x$、$G_y$ 以及梯度幅值 {mag}{dec_zh}。{conv_zh}")
        en = (f"The figure shows a {h}×{w} gray image $I$. Using {op_en} (kernels $K_x$, $K_y$ below), compute the "
              f"gradient components $G_x$, $G_y$ at {where_en} and the gradient magnitude {mag}{dec_en}. {conv_en}")
        figs = [grid(Bi("图像 $I$", "Image $I$"), image, cells)] + figs_kernels
    else:
        zh = (f"下图为 {h}×{w} 的灰度图像 $I$。用{op_zh}（卷积核 $K_x$、$K_y$ 如下）对图像做不填充（valid）的滤波，"
              f"写出梯度图 $G_x$、$G_y$ 和梯度幅值图 {mag}{dec_zh}。{conv_zh}")
        en = (f"The figure shows a {h}×{w} gray image $I$. Filter it with {op_en} (kernels $K_x$, $K_y$ below) "
              f"without padding (valid region) and give the gradient maps $G_x$, $G_y$ and the magnitude map "
              f"{mag}{dec_en}. {conv_en}")
        figs = [grid(Bi("图像 $I$", "Image $I$"), image)] + figs_kernels
    return Prompt(Bi(zh, en), figs)


register(Kind(
    name="edge-filter", chapter="image-processing", section="calculation", points=8,
    title=Bi("边缘检测算子", "Edge operators"),
    summary=Bi("Roberts / Prewitt / Sobel 梯度与梯度幅值", "Roberts / Prewitt / Sobel gradients and magnitude"),
    conventions=Bi("互相关（不翻转核），只算有效区域；Roberts 核锚定在 2×2 邻域左上角，3×3 核锚定在中心；幅值 L2 保留两位小数",
                   "cross-correlation (kernel not flipped), valid region only; a 2×2 Roberts kernel is anchored at its "
                   "top-left pixel, a 3×3 kernel at its centre; L2 magnitude to 2 decimals"),
    variants=("Roberts", "Prewitt", "Sobel", "one pixel", "whole map", "L1 / L2 magnitude"),
    sample=sample_edge, prompt=prompt_edge, solve=solver.edge_filter, schema=EDGE_SCHEMA,
    example={"operator": "sobel", "image": [[3, 3, 7, 8, 8], [2, 3, 8, 9, 8], [3, 2, 7, 8, 9], [3, 3, 8, 8, 8],
                                            [2, 3, 7, 9, 8]],
             "kernel_x": solver.OPERATORS["sobel"][0], "kernel_y": solver.OPERATORS["sobel"][1],
             "magnitude": "l2", "at": [1, 1]},
))


# ---------------------------------------------------------------- otsu
def _check_otsu(params: dict[str, Any]) -> None:
    hist = params["histogram"]
    levels = [lv for lv, _ in hist]
    if any(not float(lv).is_integer() or lv < 0 for lv in levels) or len(set(levels)) != len(levels):
        raise ParamError("histogram levels must be distinct whole numbers ≥ 0")
    if any(n < 0 or not float(n).is_integer() for _, n in hist):
        raise ParamError("histogram counts must be whole numbers ≥ 0")
    if sum(1 for _, n in hist if n > 0) < 2:
        raise ParamError("the histogram needs at least two occupied gray levels")
    params["histogram"] = [[int(lv), int(n)] for lv, n in sorted(hist)]
    image = params.get("image")
    if image is not None and solver.histogram_of(image) != [[lv, n] for lv, n in params["histogram"] if n > 0]:
        raise ParamError("the histogram does not match the image")


OTSU_SCHEMA = Schema({
    "histogram": Param("pairs", "list of [gray level, pixel count]", min=0),
    "image": Param("matrix", "the image the histogram was counted from (optional, shown to the student)",
                   optional=True),
}, check=_check_otsu)


def _unique_best(hist: list[list[int]]) -> bool:
    table_rows = solver.otsu_table(hist)
    if len(table_rows) < 2:
        return False
    vals = sorted((r[5] for r in table_rows), reverse=True)
    return vals[0] > 0 and vals[0] - vals[1] >= 0.03 * vals[0]


def sample_otsu(rng: random.Random) -> dict[str, Any]:
    variant = pick(rng, ["table", "table", "image", "sparse"])
    while True:
        if variant == "sparse":
            levels = sorted(rng.sample(range(0, 16), rng.randint(4, 6)))
        elif variant == "image":
            levels = list(range(0, 8))
        else:
            levels = list(range(0, rng.choice([6, 8, 8])))
        centre_a, centre_b = rng.choice(levels[: len(levels) // 2]), rng.choice(levels[len(levels) // 2:])
        counts = []
        for lv in levels:
            near = min(abs(lv - centre_a), abs(lv - centre_b))
            counts.append(max(0, rng.randint(0, 3) + (6 - 2 * near if near < 3 else 0)))
        hist = [[lv, n] for lv, n in zip(levels, counts)]
        if variant == "image":
            side = pick(rng, [4, 5])
            total = side * side
            pixels = [lv for lv, n in hist for _ in range(n)]
            if len(pixels) < total:
                continue
            rng.shuffle(pixels)
            pixels = pixels[:total]
            image = [pixels[r * side:(r + 1) * side] for r in range(side)]
            hist = solver.histogram_of(image)
            if len(hist) < 3 or not _unique_best(hist):
                continue
            return {"histogram": hist, "image": image}
        if sum(1 for _, n in hist if n > 0) < 3 or sum(counts) > 60 or not _unique_best(hist):
            continue
        return {"histogram": hist}


def prompt_otsu(params: dict[str, Any]) -> Prompt:
    rule_zh = ("以阈值 $T$ 把像素分为两类：灰度 $<= T$ 为类 0，灰度 $> T$ 为类 1；类间方差 "
               "$sigma_B^2 = w_0 w_1 (mu_0 - mu_1)^2$，其中 $w$ 为各类像素所占比例，$mu$ 为各类平均灰度。")
    rule_en = ("A threshold $T$ splits the pixels into class 0 (gray level $<= T$) and class 1 (gray level $> T$); "
               "the between-class variance is $sigma_B^2 = w_0 w_1 (mu_0 - mu_1)^2$, where $w$ are the classes' "
               "pixel proportions and $mu$ their mean gray levels.")
    ask_zh = "用 Otsu（大津）算法求最佳阈值 $T$ 及对应的最大类间方差（保留三位小数）。"
    ask_en = "Use Otsu's method to find the optimal threshold $T$ and the maximal between-class variance (3 decimals)."
    if params.get("image") is not None:
        image = params["image"]
        n = len(image)
        zh = f"下图为一幅 {n}×{n} 的灰度图像。{rule_zh}{ask_zh}"
        en = f"The figure shows a {n}×{n} gray image. {rule_en} {ask_en}"
        return Prompt(Bi(zh, en), [grid(Bi("图像", "Image"), image)])
    hist = params["histogram"]
    fig = table(Bi("灰度直方图", "Gray-level histogram"), ["灰度 / level", "像素数 / pixels"],
                [[lv, n] for lv, n in hist])
    fig.rows = [[str(lv) for lv, _ in hist], [str(n) for _, n in hist]]
    fig.header = None
    fig.kind = "table"
    zh = f"某灰度图像的直方图如下表（第一行为灰度级，第二行为像素数）。{rule_zh}{ask_zh}"
    en = f"The histogram of a gray image is given below (first row: gray level, second row: pixel count). {rule_en} {ask_en}"
    return Prompt(Bi(zh, en), [fig])


register(Kind(
    name="otsu", chapter="image-processing", section="calculation", points=8,
    title=Bi("Otsu 阈值分割", "Otsu thresholding"),
    summary=Bi("遍历阈值，取类间方差最大者", "Try every threshold; keep the one with the largest between-class variance"),
    conventions=Bi("类 0 = 灰度 ≤ T；σ_B² = w0·w1·(μ0 − μ1)²，w 为比例；两类都非空的 T 才参与比较；方差保留三位小数",
                   "class 0 = levels ≤ T; σ_B² = w0·w1·(μ0 − μ1)² with w as proportions; only T with both classes "
                   "non-empty; variance to 3 decimals"),
    variants=("histogram table", "small image", "sparse gray levels"),
    sample=sample_otsu, prompt=prompt_otsu, solve=solver.otsu, schema=OTSU_SCHEMA,
    example={"histogram": [[0, 2], [1, 5], [2, 3], [3, 1], [4, 1], [5, 4], [6, 6], [7, 2]]},
))
