"""`smoothing-filter`: Smoothing filters: mean, Gaussian, median.

3×3 mean / Gaussian / median filter at a pixel or over the valid region. Top to bottom: params schema, pure solver,
sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import grid, matrix, pick
from examgen.kinds.image_processing._shared import Matrix, _mat
from examgen.mathfmt import num, round_answer
from examgen.model import MatrixSpec, NumberSpec, Part, Prompt, Solution, Step
from examgen.mistakes import Mistake
from examgen.params import Param, Schema
from examgen.registry import Kind, register


FILTERS = ("mean", "gaussian", "median", "compare")


def _check_smooth(params: dict[str, Any]) -> None:
    image, flt = params["image"], params["filter"]
    h, w = len(image), len(image[0])
    if h < 3 or w < 3 or h > 12 or w > 12:
        raise ParamError(f"the image must be 3×3 to 12×12, got {h}×{w}")
    if flt == "gaussian":
        k, d = params.get("kernel"), params.get("divisor")
        if k is None or d is None:
            raise ParamError("filter=gaussian needs kernel (3×3 integer weights) and divisor (e.g. 16)")
        if len(k) != 3 or len(k[0]) != 3:
            raise ParamError("kernel must be 3×3")
        if d <= 0:
            raise ParamError("divisor must be positive")
    elif params.get("kernel") is not None or params.get("divisor") is not None:
        raise ParamError(f"kernel and divisor are only used with filter=gaussian (filter={flt} has a fixed window)")
    at = params.get("at")
    if flt == "compare" and at is None:
        raise ParamError("filter=compare needs at, the 0-based [row, col] of the pixel")
    if at is not None and not (1 <= at[0] <= h - 2 and 1 <= at[1] <= w - 2):
        raise ParamError(f"at {at} must be an interior pixel (0-based row 1 … {h - 2}, column 1 … {w - 2})")


SMOOTH_SCHEMA = Schema({
    "filter": Param("str", "mean (3×3), gaussian (kernel / divisor), median (3×3) or compare (mean vs median)",
                    choices=FILTERS),
    "image": Param("matrix", "the gray image"),
    "kernel": Param("matrix", "3×3 integer weights (gaussian only)", optional=True),
    "divisor": Param("float", "the weights are divided by this (gaussian only), e.g. 16", optional=True),
    "at": Param("ints", "one centre pixel [row, col], 0-based; omit for the whole valid region", length=2, min=0,
                optional=True),
}, check=_check_smooth)


# ---------------------------------------------------------------- solver
def _eq(x: float, d: int = 2) -> str:
    """`=` when the value is exact with `d` decimals, else `approx`."""
    return "=" if abs(round(x, d) - x) < 1e-12 else "approx"


MEAN_KERNEL = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
GAUSS_KERNEL = [[1, 2, 1], [2, 4, 2], [1, 2, 1]]


def window(image: Matrix, i: int, j: int) -> list[list[float]]:
    """The 3×3 neighbourhood centred on pixel (i, j)."""
    return [image[i + u][j - 1:j + 2] for u in (-1, 0, 1)]


def weighted_at(image: Matrix, kernel: Matrix, divisor: float, i: int, j: int) -> tuple[float, float]:
    """(weighted sum, sum / divisor) of the 3×3 kernel centred on (i, j); correlation (symmetric kernels)."""
    s = sum(kernel[u][v] * image[i + u - 1][j + v - 1] for u in range(3) for v in range(3))
    return s, s / divisor


def median_at(image: Matrix, i: int, j: int) -> tuple[list[float], float]:
    vals = sorted(v for row in window(image, i, j) for v in row)
    return vals, vals[4]


def _kernel_of(params: dict[str, Any]) -> tuple[Matrix, float]:
    if params["filter"] == "gaussian":
        return params["kernel"], params["divisor"]
    return MEAN_KERNEL, 9


def _weighted_work(image: Matrix, kernel: Matrix, divisor: float, i: int, j: int) -> str:
    terms = []
    for u in range(3):
        for v in range(3):
            k, x = kernel[u][v], image[i + u - 1][j + v - 1]
            if k == 0:
                continue
            terms.append(num(x) if k == 1 else f"{num(k)} dot {num(x)}")
    s, val = weighted_at(image, kernel, divisor, i, j)
    return f"({' + '.join(terms)})/{num(divisor)} = {num(s)}/{num(divisor)}"


def smoothing_filter(params: dict[str, Any]) -> Solution:
    image = params["image"]
    flt = params["filter"]
    at = params.get("at")
    steps: list[Step] = []
    mean_formula = "g(i, j) = 1/9 sum_(u = -1)^1 sum_(v = -1)^1 f(i + u, j + v)"
    if flt == "gaussian":
        kernel, divisor = _kernel_of(params)
        w_formula = f"g(i, j) = 1/{num(divisor)} sum_(u, v) K(u, v) dot f(i + u, j + v)"
    else:
        kernel, divisor = MEAN_KERNEL, 9
        w_formula = mean_formula
    med_formula = "g(i, j) = \"median\"(f(i + u, j + v)), quad u, v in {-1, 0, 1}"
    if at is not None:
        i, j = at
        rc = Bi(f"第 {i + 1} 行第 {j + 1} 列", f"row {i + 1}, column {j + 1}")
        if flt in ("mean", "gaussian", "compare"):
            k, d = (kernel, divisor) if flt != "compare" else (MEAN_KERNEL, 9)
            s, val = weighted_at(image, k, d, i, j)
            name = Bi("高斯加权平均", "Gaussian weighted average") if flt == "gaussian" else \
                Bi("均值（9 个像素的平均）", "mean of the 9 pixels")
            steps.append(Step(
                title=Bi(f"对{rc.zh}像素的 3×3 邻域求{name.zh}",
                         f"{name.en[0].upper()}{name.en[1:]} of the 3×3 neighbourhood of the pixel at {rc.en}"),
                part="mean" if flt == "compare" else "", formula=w_formula if flt == "gaussian" else mean_formula,
                work=_weighted_work(image, k, d, i, j), result=f"g {_eq(val)} {num(val, 2)}"))
        if flt in ("median", "compare"):
            vals, med = median_at(image, i, j)
            steps.append(Step(
                title=Bi(f"把{rc.zh}像素的 3×3 邻域的 9 个值从小到大排序，取第 5 个（中间）值",
                         f"Sort the 9 values of the 3×3 neighbourhood of the pixel at {rc.en} and take the 5th "
                         "(middle) one"),
                part="median" if flt == "compare" else "", formula=med_formula,
                work="(" + ", ".join(num(v) for v in vals) + ")", result=f"g = {num(med)}"))
        if flt == "compare":
            _, mean_val = weighted_at(image, MEAN_KERNEL, 9, i, j)
            steps.append(Step(
                title=Bi("比较：椒盐噪声这样的极端值会把均值拉偏，中值滤波则直接把它排除在外",
                         "Compare: an extreme value such as salt-and-pepper noise drags the mean, while the median "
                         "simply leaves it out"),
                result=f"{num(mean_val, 2)} quad \"vs\" quad {num(median_at(image, i, j)[1])}"))
            parts = [
                Part("mean", Bi("均值滤波结果", "Mean filter output"), NumberSpec(decimals=2),
                     round_answer(mean_val)),
                Part("median", Bi("中值滤波结果", "Median filter output"), NumberSpec(integer=True),
                     round_answer(median_at(image, i, j)[1])),
            ]
            return Solution(parts, steps)
        if flt == "median":
            value = median_at(image, i, j)[1]
            return Solution([Part("", Bi(f"{rc.zh}像素的中值滤波结果", f"Median-filtered value at {rc.en}"),
                                  NumberSpec(integer=True), round_answer(value))], steps)
        value = weighted_at(image, kernel, divisor, i, j)[1]
        return Solution([Part("", Bi(f"{rc.zh}像素的滤波结果", f"Filtered value at {rc.en}"), NumberSpec(decimals=2),
                              round_answer(value))], steps)
    rows, cols = len(image), len(image[0])
    out_r, out_c = rows - 2, cols - 2
    steps.append(Step(title=Bi("只计算 3×3 窗口完全落在图像内的像素（有效区域，不填充）",
                               "Only pixels whose 3×3 window lies inside the image are computed (valid region, "
                               "no padding)"),
                      formula="(H - 2) times (W - 2)", work=f"({rows} - 2) times ({cols} - 2)",
                      result=f"{out_r} times {out_c}"))
    if flt == "median":
        out = []
        for i in range(1, rows - 1):
            row = []
            for j in range(1, cols - 1):
                vals, med = median_at(image, i, j)
                row.append(med)
                steps.append(Step(
                    title=Bi(f"以第 {i + 1} 行第 {j + 1} 列为中心的窗口：排序后取第 5 个值",
                             f"Window centred on row {i + 1}, column {j + 1}: sort, take the 5th value"),
                    formula=med_formula if (i, j) == (1, 1) else "",
                    work="(" + ", ".join(num(v) for v in vals) + ")", result=f"g = {num(med)}"))
            out.append(row)
        steps.append(Step(title=Bi("中值滤波后的有效区域", "Median-filtered valid region"), result=_mat(out)))
        return Solution([Part("", Bi("中值滤波结果（有效区域）", "Median-filtered valid region"),
                              MatrixSpec(out_r, out_c, integer=True), out)], steps)
    out_v = []
    steps.append(Step(title=Bi(f"第一个位置（左上角窗口，中心在第 2 行第 2 列）：对应元素相乘再求和，再除以 {num(divisor)}",
                               "First position (top-left window, centred on row 2, column 2): multiply, add, divide "
                               f"by {num(divisor)}"),
                      formula=w_formula, work=_weighted_work(image, kernel, divisor, 1, 1),
                      result=f"g {_eq(weighted_at(image, kernel, divisor, 1, 1)[1])} "
                             f"{num(weighted_at(image, kernel, divisor, 1, 1)[1], 2)}"))
    for i in range(1, rows - 1):
        sums, vals = [], []
        for j in range(1, cols - 1):
            s, v = weighted_at(image, kernel, divisor, i, j)
            sums.append(f"{num(s)}/{num(divisor)}")
            vals.append(v)
        out_v.append(vals)
        steps.append(Step(title=Bi(f"窗口中心在第 {i + 1} 行的各位置（窗口每次右移一格）",
                                   f"Windows centred on row {i + 1} (slide one pixel at a time)"),
                          work=", quad ".join(sums), result=", quad ".join(num(v, 2) for v in vals)))
    steps.append(Step(title=Bi("平滑后的有效区域（保留两位小数）", "Smoothed valid region (2 decimals)"),
                      result=_mat(out_v, 2)))
    return Solution([Part("", Bi("滤波结果（有效区域）", "Filtered valid region"),
                          MatrixSpec(out_r, out_c, decimals=2), [[round_answer(v) for v in r] for r in out_v])], steps)


# ---------------------------------------------------------------- sampler and prompt
def _smooth_image(rng: random.Random, h: int, w: int, lo: int, hi: int) -> list[list[int]]:
    """A gentle ramp around a random base level in [lo, hi] plus noise, kept within 1 … 99."""
    base = rng.randint(lo, hi)
    gx, gy = rng.randint(-3, 3), rng.randint(-3, 3)
    spread = max(1, (hi - lo) // 6)
    return [[min(99, max(1, base + gx * c + gy * r + rng.randint(-spread, spread))) for c in range(w)]
            for r in range(h)]


def sample_smooth(rng: random.Random) -> dict[str, Any]:
    flt = pick(rng, ["mean", "mean", "gaussian", "gaussian", "median", "median", "compare"])
    single = flt == "compare" or rng.random() < 0.5
    while True:
        if single:
            h, w = pick(rng, [(5, 5), (5, 5), (4, 5), (5, 6), (6, 6), (4, 4)])
        else:
            h, w = pick(rng, [(4, 4), (4, 5), (5, 5), (5, 4)])
        if flt in ("median", "compare"):
            image = _smooth_image(rng, h, w, 20, 90)
            for _ in range(rng.randint(2, max(2, h * w // 6))):
                image[rng.randrange(h)][rng.randrange(w)] = pick(rng, [0, 255])
        elif single:
            image = _smooth_image(rng, h, w, 10, 60)
        else:
            image = [[rng.randint(0, 9) for _ in range(w)] for _ in range(h)]
        params: dict[str, Any] = {"filter": flt, "image": image}
        if flt == "gaussian":
            params["kernel"] = [row[:] for row in GAUSS_KERNEL]
            params["divisor"] = 16
        if single:
            i, j = rng.randint(1, h - 2), rng.randint(1, w - 2)
            if flt in ("median", "compare"):
                # put a noise pixel at the centre (salt or pepper) so that the median matters
                if image[i][j] not in (0, 255):
                    image[i][j] = pick(rng, [0, 255])
            params["at"] = [i, j]
            win = [v for row in window(image, i, j) for v in row]
            if len(set(win)) < 3:
                continue
        elif len({v for row in image for v in row}) < 4:
            continue
        return params


def prompt_smooth(params: dict[str, Any]) -> Prompt:
    image, flt = params["image"], params["filter"]
    h, w = len(image), len(image[0])
    at = params.get("at")
    figs = []
    noisy = any(v in (0, 255) for row in image for v in row) and flt in ("median", "compare")
    noise_zh = "图像受到椒盐噪声污染（0 和 255 为噪声点）。" if noisy else ""
    noise_en = " The image is corrupted by salt-and-pepper noise (0 and 255 are noise pixels)." if noisy else ""
    if flt == "mean":
        op_zh, op_en = "3×3 均值滤波（窗口内 9 个像素的算术平均）", "a 3×3 mean filter (the average of the 9 pixels in the window)"
    elif flt == "gaussian":
        d = num(params["divisor"])
        op_zh = f"3×3 高斯滤波（用下面的整数核加权求和，再除以 {d}）"
        op_en = f"a 3×3 Gaussian filter (weight with the integer kernel below, then divide by {d})"
        figs.append(matrix(Bi(f"高斯核 $K$（结果除以 {d}）", f"Gaussian kernel $K$ (divide by {d})"), params["kernel"]))
    elif flt == "median":
        op_zh, op_en = "3×3 中值滤波（窗口内 9 个值从小到大排序后取第 5 个）", \
            "a 3×3 median filter (sort the 9 values in the window and take the 5th)"
    else:
        op_zh = "3×3 均值滤波（9 个像素的平均）和 3×3 中值滤波（9 个值排序后取第 5 个）"
        op_en = "a 3×3 mean filter (average of the 9 pixels) and a 3×3 median filter (the 5th of the 9 sorted values)"
    dec_zh = "" if flt == "median" else "（保留两位小数）"
    dec_en = "" if flt == "median" else " (2 decimals)"
    if at is not None:
        i, j = at
        cells = [(i + u, j + v) for u in (-1, 0, 1) for v in (-1, 0, 1)]
        figs.insert(0, grid(Bi("图像", "Image"), image, cells))
        if flt == "compare":
            ask_zh = (f"分别用 {op_zh}处理第 {i + 1} 行第 {j + 1} 列的像素（从 1 开始计数，即图中灰色窗口的中心），"
                      f"求两种滤波的输出{dec_zh}，并说明哪种更适合去除这种噪声。")
            ask_en = (f"Apply {op_en} at row {i + 1}, column {j + 1} (counting from 1: the centre of the shaded "
                      f"window) and give both outputs{dec_en}; which filter suits this noise better?")
        else:
            ask_zh = f"对第 {i + 1} 行第 {j + 1} 列的像素（从 1 开始计数，即图中灰色窗口的中心）做 {op_zh}，求输出值{dec_zh}。"
            ask_en = (f"Apply {op_en} to the pixel at row {i + 1}, column {j + 1} (counting from 1: the centre of the "
                      f"shaded window) and give the output{dec_en}.")
    else:
        figs.insert(0, grid(Bi("图像", "Image"), image))
        ask_zh = (f"对图像做 {op_zh}，只计算 3×3 窗口完全落在图像内的像素（有效区域，不填充），"
                  f"写出 ${h - 2} times {w - 2}$ 的输出矩阵{dec_zh}。")
        ask_en = (f"Filter the image with {op_en}, computing only pixels whose 3×3 window lies inside the image "
                  f"(valid region, no padding), and give the ${h - 2} times {w - 2}$ output{dec_en}.")
    zh = f"下图为一幅 {h}×{w} 的灰度图像。{noise_zh}{ask_zh}"
    en = f"The figure shows a {h}×{w} gray image.{noise_en} {ask_en}"
    return Prompt(Bi(zh, en), figs)


# ---------------------------------------------------------------- typical mistakes
def _at_each(params: dict[str, Any], value: Any) -> Any:
    """`value(i, j)` at the asked pixel, or over the valid region."""
    at = params.get("at")
    if at is not None:
        return value(*at)
    image = params["image"]
    return [[value(i, j) for j in range(1, len(image[0]) - 1)] for i in range(1, len(image) - 1)]


def _median_unsorted(params: dict[str, Any]) -> Any:
    """The 5th of the 9 window values in reading order, without sorting them first (the centre pixel itself)."""
    if params["filter"] not in ("median", "compare"):
        return None
    value = _at_each(params, lambda i, j: [v for row in window(params["image"], i, j) for v in row][4])
    return {"median": value} if params["filter"] == "compare" else value


def _gauss_by_nine(params: dict[str, Any]) -> Any:
    """The Gaussian weighted sum divided by 9, the number of pixels, instead of the sum of the weights."""
    if params["filter"] != "gaussian":
        return None
    return _at_each(params, lambda i, j: weighted_at(params["image"], params["kernel"], 9, i, j)[1])


_UNSORTED = Bi("中值滤波没有先排序，直接取了窗口中第 5 个（中心）像素",
               "took the 5th (centre) value of the window without sorting the 9 values first")
_BY_NINE = Bi("高斯加权和除以了像素个数 9；应除以权重之和（归一化系数）",
              "divided the Gaussian weighted sum by 9, the pixel count; divide by the sum of the weights")
MISTAKES = (
    Mistake("median-without-sorting", _UNSORTED, ("Sort the 9", "Window centred on row 2, column 2"), _median_unsorted),
    Mistake("gaussian-divided-by-9", _BY_NINE, ("Gaussian weighted average", "First position"), _gauss_by_nine),
)


register(Kind(
    name="smoothing-filter", chapter="image-processing", section="calculation", points=6,
    title=Bi("平滑滤波：均值、高斯与中值", "Smoothing filters: mean, Gaussian, median"),
    summary=Bi("3×3 均值 / 高斯 / 中值滤波在一个像素或整个有效区域上的输出", "3×3 mean / Gaussian / median filter at a "
               "pixel or over the valid region"),
    conventions=Bi("窗口以像素为中心；只算有效区域（不填充）；均值与高斯结果保留两位小数；中值取 9 个值排序后的第 5 个",
                   "the window is centred on the pixel; valid region only (no padding); mean and Gaussian to 2 "
                   "decimals; the median is the 5th of the 9 sorted values"),
    variants=("mean filter", "Gaussian 1/16 kernel", "median on salt-and-pepper noise", "mean vs median",
              "one pixel / whole valid region"),
    sample=sample_smooth, prompt=prompt_smooth, solve=smoothing_filter, schema=SMOOTH_SCHEMA, mistakes=MISTAKES,
    example={"filter": "median", "image": [[52, 55, 61, 59, 79], [62, 255, 55, 104, 94], [63, 65, 66, 0, 77],
                                           [64, 70, 70, 69, 76], [66, 72, 71, 72, 80]], "at": [1, 1]},
))
