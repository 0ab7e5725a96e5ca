"""`scenario-image-pipeline`: Comprehensive: smoothing, gradients and an edge map.

Mean/Gaussian smoothing → Sobel gradients → magnitude → thresholded edge map. Top to bottom: params schema, pure
solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _asks, _lbl, grid, matrix, pick
from examgen.kinds.image_processing._shared import OPERATORS, _mag, correlate_valid, flipped
from examgen.mathfmt import mat, num, p, round_answer
from examgen.model import MatrixSpec, Part, Prompt, Solution, Step
from examgen.mistakes import Mistake
from examgen.params import Param, Schema
from examgen.registry import Kind, register


# ====================================================================== scenario-image-pipeline
def _check_img(params: dict[str, Any]) -> None:
    image = params["image"]
    if len(image) < 5 or len(image[0]) < 5:
        raise ParamError("the image must be at least 5×5 (3×3 smoothing, then a 3×3 Sobel kernel)")
    if any(v < 0 or not float(v).is_integer() for r in image for v in r):
        raise ParamError("pixel values must be whole numbers ≥ 0")


IMG_SCHEMA = Schema({
    "image": Param("matrix", "gray image, whole numbers ≥ 0 (at least 5×5)"),
    "smoothing": Param("str", "mean (1/9) or gaussian ([1 2 1; 2 4 2; 1 2 1]/16)", choices=("mean", "gaussian")),
    "magnitude": Param("str", "l2 = sqrt(Gx²+Gy²), l1 = |Gx|+|Gy|", choices=("l2", "l1")),
    "threshold": Param("float", "edge when the magnitude is ≥ this", min=0),
}, check=_check_img)


# ---------------------------------------------------------------- solver
# ====================================================================== scenario-image-pipeline
SMOOTHERS = {"mean": ([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 9), "gaussian": ([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 16)}


def round_half_up(num_: int, den: int) -> int:
    """num/den rounded to the nearest integer, halves upward (exact integer arithmetic)."""
    return (2 * num_ + den) // (2 * den)


def image_smooth(params: dict[str, Any]) -> tuple[list[list[int]], list[list[int]]]:
    """Weighted 3×3 sums over the valid region, and the smoothed image (sum / divisor, rounded half up)."""
    image = [[int(v) for v in row] for row in params["image"]]
    gauss = params["smoothing"] == "gaussian"
    div = SMOOTHERS[params["smoothing"]][1]
    sums = []
    for i in range(len(image) - 2):
        r0, r1, r2 = image[i], image[i + 1], image[i + 2]
        row = []
        for j in range(len(r0) - 2):
            if gauss:
                row.append(r0[j] + 2 * r0[j + 1] + r0[j + 2] + 2 * r1[j] + 4 * r1[j + 1] + 2 * r1[j + 2]
                           + r2[j] + 2 * r2[j + 1] + r2[j + 2])
            else:
                row.append(sum(r0[j:j + 3]) + sum(r1[j:j + 3]) + sum(r2[j:j + 3]))
        sums.append(row)
    return sums, [[round_half_up(v, div) for v in row] for row in sums]


def image_values(params: dict[str, Any]) -> tuple[tuple[tuple[float, ...], ...], ...]:
    """(sums, smoothed, Gx, Gy, |G|) as tuples of rows. Memoized by value (the generator checks a draw with them,
    then the solver uses them for the same image)."""
    return _image_values(tuple(map(tuple, params["image"])), params["smoothing"], params["magnitude"])


@lru_cache(maxsize=16)
def _image_values(image: tuple, smoothing: str, magnitude: str) -> tuple[tuple[tuple[float, ...], ...], ...]:
    sums, smooth = image_smooth({"image": image, "smoothing": smoothing})
    return tuple(tuple(map(tuple, m)) for m in (sums, smooth, *image_gradients(smooth, magnitude)))


def image_gradients(smooth: list[list[float]], kind: str) -> tuple[list[list[float]], ...]:
    kx, ky = OPERATORS["sobel"]
    gx = correlate_valid(smooth, kx)
    gy = correlate_valid(smooth, ky)
    mg = [[_mag(a, b, kind) for a, b in zip(ra, rb)] for ra, rb in zip(gx, gy)]
    return gx, gy, mg


def edge_map(mag: list[list[float]], threshold: float) -> list[list[int]]:
    return [[1 if v >= threshold else 0 for v in row] for row in mag]


def _sum_terms(image: list[list[float]], kernel: list[list[int]], i: int, j: int) -> str:
    terms = []
    for u in range(3):
        for v in range(3):
            k = kernel[u][v]
            x = image[i + u][j + v]
            if k == 0:
                continue
            mag_ = abs(k)
            t = p(x) if mag_ == 1 else f"{mag_} dot {p(x)}"
            terms.append(("- " if k < 0 else "+ ") + t)
    text = " ".join(terms)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]


def scenario_image(params: dict[str, Any]) -> Solution:
    kind, thr = params["magnitude"], params["threshold"]
    kernel, div = SMOOTHERS[params["smoothing"]]
    sums, smooth, gx, gy, mg = image_values(params)
    edges = edge_map(mg, thr)
    name_zh = "均值滤波" if params["smoothing"] == "mean" else "高斯滤波"
    name_en = "mean filter" if params["smoothing"] == "mean" else "Gaussian filter"
    sr, sc = len(smooth), len(smooth[0])
    steps = [
        Step(title=Bi(f"{name_zh}：只在图像内部（不填充）计算，输出尺寸 {sr}×{sc}",
                      f"{name_en}: computed inside the image only (no padding); output size {sr}×{sc}"),
             part="smooth", formula=f"S(i, j) = 1/{div} sum_(u,v) K(u,v) dot I(i+u, j+v)",
             work=f"S(0, 0) = ({_sum_terms(params['image'], kernel, 0, 0)})/{div} = {sums[0][0]}/{div}",
             result=f"S(0, 0) = {smooth[0][0]}",
             note=Bi("其余位置同理，结果四舍五入为整数。", "The other positions likewise, each rounded to a whole number.")),
        Step(title=Bi("各位置的加权和（除以归一化系数前）", "Weighted sums at every position (before dividing)"),
             part="smooth", result="mat(" + "; ".join(", ".join(str(v) for v in r) for r in sums) + ")"),
        Step(title=Bi(f"除以 {div} 并四舍五入，得到平滑图像", f"Divide by {div} and round: the smoothed image"),
             part="smooth", result="S = " + mat(smooth)),
    ]
    kx, ky = OPERATORS["sobel"]
    gr, gc = len(gx), len(gx[0])
    steps.append(Step(title=Bi(f"在平滑图像上用 Sobel 算子（互相关，不翻转）计算 $G_x$，有效区域 {gr}×{gc}",
                               f"Sobel $G_x$ on the smoothed image (cross-correlation, no flipping), valid region "
                               f"{gr}×{gc}"),
                      part="gx", formula="G_x (i,j) = sum_(u,v) K_x (u,v) dot S(i+u, j+v)",
                      work="; quad ".join(f"{_sum_terms(smooth, kx, i, j)} = {num(gx[i][j])}"
                                          for i in range(gr) for j in range(gc)),
                      result="G_x = " + mat(gx)))
    steps.append(Step(title=Bi("同样用 Sobel 竖直核计算 $G_y$", "$G_y$ with the vertical Sobel kernel"), part="gy",
                      formula="G_y (i,j) = sum_(u,v) K_y (u,v) dot S(i+u, j+v)",
                      work="; quad ".join(f"{_sum_terms(smooth, ky, i, j)} = {num(gy[i][j])}"
                                          for i in range(gr) for j in range(gc)),
                      result="G_y = " + mat(gy)))
    mag_formula = "|G| = sqrt(G_x^2 + G_y^2)" if kind == "l2" else "|G| = |G_x| + |G_y|"
    steps.append(Step(title=Bi("梯度幅值", "Gradient magnitude"), part="magnitude", formula=mag_formula,
                      work="; quad ".join(
                          (f"sqrt({p(a)}^2 + {p(b)}^2)" if kind == "l2" else f"|{num(a)}| + |{num(b)}|")
                          for ra, rb in zip(gx, gy) for a, b in zip(ra, rb)),
                      result="|G| approx " + mat(mg, 2) if kind == "l2" else "|G| = " + mat(mg)))
    steps.append(Step(title=Bi(f"阈值化：幅值 ≥ {num(thr)} 记为边缘 1，否则为 0",
                               f"Threshold: magnitude ≥ {num(thr)} is an edge (1), otherwise 0"),
                      part="edges", formula=f"E = [|G| >= {num(thr)}]", result="E = " + mat(edges)))
    parts = [
        Part("smooth", _lbl("a", "平滑后的图像（内部区域，取整）", "Smoothed image (interior, rounded)"),
             MatrixSpec(sr, sc, integer=True), [list(r) for r in smooth], weight=1.5),
        Part("gx", _lbl("b", "水平梯度 Gx", "Horizontal gradient Gx"), MatrixSpec(gr, gc, integer=True),
             [[int(v) for v in r] for r in gx], depends_on=("smooth",)),
        Part("gy", _lbl("b", "竖直梯度 Gy", "Vertical gradient Gy"), MatrixSpec(gr, gc, integer=True),
             [[int(v) for v in r] for r in gy], depends_on=("smooth",)),
        Part("magnitude", _lbl("c", "梯度幅值 |G|", "Gradient magnitude |G|"),
             MatrixSpec(gr, gc, decimals=2) if kind == "l2" else MatrixSpec(gr, gc, integer=True),
             [[round_answer(v) for v in r] for r in mg], depends_on=("gx", "gy")),
        Part("edges", _lbl("d", "边缘图（1 = 边缘）", "Edge map (1 = edge)"), MatrixSpec(gr, gc, integer=True), edges,
             depends_on=("magnitude",), weight=0.5),
    ]
    return Solution(parts, steps)


def scenario_image_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    kind = params["magnitude"]
    if part in ("gx", "gy"):
        kx, ky = OPERATORS["sobel"]
        return correlate_valid(earlier["smooth"], kx if part == "gx" else ky)
    if part == "magnitude":
        return [[_mag(a, b, kind) for a, b in zip(ra, rb)] for ra, rb in zip(earlier["gx"], earlier["gy"])]
    if part == "edges":
        return edge_map(earlier["magnitude"], params["threshold"])
    return None


# ---------------------------------------------------------------- sampler and prompt
def _edge_image(rng: random.Random, rows: int, cols: int) -> list[list[int]]:
    """A dark and a bright region split by a straight edge, with ±1 noise (values 0–9)."""
    low, high = rng.randint(0, 3), rng.randint(6, 9)
    orient = pick(rng, ["vertical", "horizontal", "diagonal", "anti"])
    cut = rng.randint(2, min(rows, cols) - 2)
    rnd = rng.random
    img = []
    for r in range(rows):
        row = []
        for c in range(cols):
            if orient == "vertical":
                side = c >= cut
            elif orient == "horizontal":
                side = r >= cut
            elif orient == "diagonal":
                side = c - r >= cut - 2
            else:
                side = r + c >= cut + 2
            v = (high if side else low) + int(rnd() * 3) - 1
            row.append(9 if v > 9 else 0 if v < 0 else v)
        img.append(row)
    return img


def sample_img(rng: random.Random) -> dict[str, Any]:
    rows, cols = pick(rng, [(5, 5), (5, 5), (5, 6), (6, 5)])
    smoothing = pick(rng, ["mean", "gaussian"])
    magnitude = pick(rng, ["l2", "l2", "l1"])
    while True:
        image = _edge_image(rng, rows, cols)
        params: dict[str, Any] = {"image": image, "smoothing": smoothing, "magnitude": magnitude}
        _, _, _, _, mg = image_values(params)  # an exact .5 rounds up (四舍五入, stated in the prompt)
        mags = sorted(v for r in mg for v in r)
        if mags[-1] < 2:
            continue
        if len(mags) == 1:
            cands = [t for t in range(1, int(2 * mags[0]) + 2) if abs(t - mags[0]) >= max(1, 0.1 * mags[0])]
        else:
            cands = [t for t in range(1, int(mags[-1]) + 1) if mags[0] < t <= mags[-1]
                     and all(abs(t - v) >= 1 for v in mags)]
        if not cands:
            continue
        params["threshold"] = pick(rng, cands)
        return params


def prompt_img(params: dict[str, Any]) -> Prompt:
    image = params["image"]
    rows, cols = len(image), len(image[0])
    kernel, div = SMOOTHERS[params["smoothing"]]
    name_zh = "均值滤波" if params["smoothing"] == "mean" else "高斯滤波"
    name_en = "mean filter" if params["smoothing"] == "mean" else "Gaussian filter"
    thr = num(params["threshold"])
    l2 = params["magnitude"] == "l2"
    mag = "$|G| = sqrt(G_x^2 + G_y^2)$" if l2 else "$|G| = |G_x| + |G_y|$"
    asks = _asks([
        ("a", Bi(f"用 3×3 {name_zh}（核见下图，加权和除以 {div} 后四舍五入为整数）平滑图像，只计算不需要填充的内部区域，"
                 f"写出平滑后的图像 $S$({rows - 2}×{cols - 2})",
                 f"Smooth the image with the 3×3 {name_en} below (weighted sum divided by {div}, rounded to a whole "
                 f"number, halves rounded up), only where no padding is needed, and give the smoothed image $S$ "
                 f"({rows - 2}×{cols - 2})")),
        ("b", Bi(f"在 $S$ 上用 Sobel 算子（$K_x$、$K_y$ 见下图）计算梯度图 $G_x$、$G_y$（只算有效区域，"
                 f"{rows - 4}×{cols - 4}）",
                 f"Apply the Sobel kernels $K_x$, $K_y$ below to $S$ and give the gradient maps $G_x$, $G_y$ (valid "
                 f"region, {rows - 4}×{cols - 4})")),
        ("c", Bi(f"计算梯度幅值 {mag}" + ("（保留两位小数）" if l2 else ""),
                 f"Compute the gradient magnitude {mag}" + (" (2 decimals)" if l2 else ""))),
        ("d", Bi(f"以阈值 $T = {thr}$ 得到边缘图：$|G| >= {thr}$ 记为 1（边缘），否则为 0",
                 f"Give the edge map with threshold $T = {thr}$: 1 (edge) where $|G| >= {thr}$, otherwise 0")),
    ])
    conv_zh = "所有滤波都按互相关计算（核不翻转），$G(i, j) = sum_(u,v) K(u,v) dot I(i+u, j+v)$。"
    conv_en = ("Every filter is applied as cross-correlation (kernel not flipped): "
               "$G(i, j) = sum_(u,v) K(u,v) dot I(i+u, j+v)$.")
    zh = f"下图为 {rows}×{cols} 的灰度图像 $I$，按“平滑 → Sobel 梯度 → 阈值化”的流程做边缘检测。{conv_zh}{asks.zh}"
    en = (f"The figure shows a {rows}×{cols} gray image $I$. Detect edges in three stages: smoothing → Sobel "
          f"gradients → thresholding. {conv_en} {asks.en}")
    kx, ky = OPERATORS["sobel"]
    figs = [grid(Bi("图像 $I$", "Image $I$"), image),
            matrix(Bi(f"平滑核 $K$（再除以 {div}）", f"Smoothing kernel $K$ (then divide by {div})"), kernel),
            matrix(Bi("$K_x$", "$K_x$"), kx), matrix(Bi("$K_y$", "$K_y$"), ky)]
    return Prompt(Bi(zh, en), figs)


# ---------------------------------------------------------------- typical mistakes
def _sobel_flipped(params: dict[str, Any]) -> dict[str, Any]:
    """Sobel applied as a convolution (kernels rotated by 180°) on the smoothed image."""
    smooth = [list(r) for r in image_values(params)[1]]
    kx, ky = OPERATORS["sobel"]
    return {"gx": correlate_valid(smooth, flipped(kx)), "gy": correlate_valid(smooth, flipped(ky))}


def _truncated(params: dict[str, Any]) -> dict[str, Any] | None:
    """The weighted sums divided with the fraction cut off (integer division) instead of rounded."""
    sums, smooth = image_values(params)[:2]
    div = SMOOTHERS[params["smoothing"]][1]
    cut = [[v // div for v in row] for row in sums]
    return None if cut == [list(r) for r in smooth] else {"smooth": cut}


def _l1_for_l2(params: dict[str, Any]) -> dict[str, Any] | None:
    """|G_x| + |G_y| where √(G_x² + G_y²) is asked."""
    if params["magnitude"] != "l2":
        return None
    _, _, gx, gy, _ = image_values(params)
    if all(a * b == 0 for ra, rb in zip(gx, gy) for a, b in zip(ra, rb)):
        return None  # one component is 0 everywhere: both magnitudes agree
    return {"magnitude": [[_mag(a, b, "l1") for a, b in zip(ra, rb)] for ra, rb in zip(gx, gy)]}


MISTAKES = (
    Mistake("sobel-as-convolution", Bi("把 Sobel 核翻转了 180°（卷积）；本题按互相关计算，核不翻转",
            "flipped the Sobel kernels by 180° (convolution); this pipeline uses cross-correlation"),
            "Sobel", _sobel_flipped),
    Mistake("smoothing-truncated", Bi("平滑时直接舍去了小数部分；应四舍五入",
            "cut off the fraction of the smoothed values instead of rounding them"), "Divide by", _truncated),
    Mistake("l1-for-l2", Bi("幅值用了 |G_x| + |G_y|；本题要求 √(G_x² + G_y²)", "took |G_x| + |G_y| as the magnitude; "
            "this asks for √(G_x² + G_y²)"), "Gradient magnitude", _l1_for_l2),
)


register(Kind(
    name="scenario-image-pipeline", chapter="image-processing", section="comprehensive", points=12,
    title=Bi("综合：平滑、梯度与边缘图", "Comprehensive: smoothing, gradients and an edge map"),
    summary=Bi("均值/高斯平滑 → Sobel 梯度 → 梯度幅值 → 阈值化边缘图",
               "Mean/Gaussian smoothing → Sobel gradients → magnitude → thresholded edge map"),
    conventions=Bi("互相关、只算有效区域；平滑结果四舍五入为整数；|G| ≥ T 为边缘；梯度、幅值、边缘图按你前面的答案继续计算也给分",
                   "cross-correlation, valid region only; smoothed values rounded to whole numbers; edge where |G| ≥ "
                   "T; gradients, magnitude and edge map earn credit when carried forward"),
    variants=("mean filter", "Gaussian filter", "5×5 image (one gradient pixel)", "5×6 / 6×5 image (two pixels)",
              "L2 or L1 magnitude"),
    sample=sample_img, prompt=prompt_img, solve=scenario_image, schema=IMG_SCHEMA,
    carry_forward=scenario_image_carry_forward, mistakes=MISTAKES,
    example={"image": [[1, 2, 2, 8, 9, 9], [2, 1, 3, 8, 8, 9], [1, 2, 6, 9, 8, 8], [2, 6, 8, 8, 9, 9],
                       [6, 8, 9, 9, 8, 9]],
             "smoothing": "mean", "magnitude": "l2", "threshold": 12},
))
