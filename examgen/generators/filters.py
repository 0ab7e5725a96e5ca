"""Generators for image filtering (chapter 3): smoothing filters, binary morphology and the steps of Canny."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.generators._common import grid, matrix, pick
from examgen.i18n import Bi
from examgen.mathfmt import num
from examgen.model import Prompt
from examgen.params import Param, Schema
from examgen.registry import Kind, register
from examgen.solver import filters as solver


def _ri(rng: random.Random, a: int, b: int) -> int:
    """A uniform integer in [a, b] from `rng.random()` (several times faster than `randint` in tight loops)."""
    return a + int(rng.random() * (b - a + 1))


def _binary(m: list[list[Any]]) -> bool:
    return all(v in (0, 1) for row in m for v in row)


# ---------------------------------------------------------------- smoothing-filter
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
                    choices=solver.FILTERS),
    "image": Param("matrix", "the gray image"),
    "kernel": Param("matrix", "3×3 integer weights (gaussian only)", optional=True),
    "divisor": Param("float", "the weights are divided by this (gaussian only), e.g. 16", optional=True),
    "at": Param("ints", "one centre pixel [row, col], 0-based; omit for the whole valid region", length=2, min=0,
                optional=True),
}, check=_check_smooth)


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
            params["kernel"] = [row[:] for row in solver.GAUSS_KERNEL]
            params["divisor"] = 16
        if single:
            i, j = rng.randint(1, h - 2), rng.randint(1, w - 2)
            if flt in ("median", "compare"):
                # put a noise pixel at the centre (salt or pepper) so that the median matters
                if image[i][j] not in (0, 255):
                    image[i][j] = pick(rng, [0, 255])
            params["at"] = [i, j]
            win = [v for row in solver.window(image, i, j) for v in row]
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
    sample=sample_smooth, prompt=prompt_smooth, solve=solver.smoothing_filter, schema=SMOOTH_SCHEMA,
    example={"filter": "median", "image": [[52, 55, 61, 59, 79], [62, 255, 55, 104, 94], [63, 65, 66, 0, 77],
                                           [64, 70, 70, 69, 76], [66, 72, 71, 72, 80]], "at": [1, 1]},
))


# ---------------------------------------------------------------- morphology
def _check_morph(params: dict[str, Any]) -> None:
    img = params["image"]
    h, w = len(img), len(img[0])
    if h < 3 or w < 3 or h > 12 or w > 12:
        raise ParamError(f"the image must be 3×3 to 12×12, got {h}×{w}")
    if not _binary(img):
        raise ParamError("the image must be binary (0 = background, 1 = foreground)")


MORPH_SCHEMA = Schema({
    "image": Param("matrix", "binary image (1 = foreground)"),
    "operation": Param("str", "erosion, dilation, opening (erode then dilate) or closing (dilate then erode)",
                       choices=solver.OPERATIONS),
    "element": Param("str", "3×3 structuring element centred on the pixel", choices=tuple(solver.ELEMENTS)),
}, check=_check_morph)


def sample_morph(rng: random.Random) -> dict[str, Any]:
    op = pick(rng, solver.OPERATIONS)
    el = pick(rng, ["square", "square", "cross", "cross", "hline", "vline"])
    se = solver.ELEMENTS[el]
    while True:
        h, w = _ri(rng, 5, 7), _ri(rng, 5, 7)
        img = [[0] * w for _ in range(h)]
        margin = 1 if rng.random() < 0.7 else 0
        for _ in range(_ri(rng, 1, 2)):
            rh, rw = _ri(rng, 2, max(2, h - 2 * margin - 1)), _ri(rng, 2, max(2, w - 2 * margin - 1))
            r0 = _ri(rng, margin, max(margin, h - margin - rh))
            c0 = _ri(rng, margin, max(margin, w - margin - rw))
            for r in range(r0, min(h, r0 + rh)):
                for c in range(c0, min(w, c0 + rw)):
                    img[r][c] = 1
        for _ in range(_ri(rng, 1, 3)):
            r, c = _ri(rng, 0, h - 1), _ri(rng, 0, w - 1)
            # specks and bumps for erosion / opening, holes and notches for dilation / closing
            img[r][c] = 1 if op in ("erosion", "opening") else 0
        ones = sum(map(sum, img))
        if ones < 4 or ones > h * w - 4:
            continue
        if op in ("erosion", "dilation"):
            out = solver.erode(img, se) if op == "erosion" else solver.dilate(img, se)
            mid = out
        elif op == "opening":
            mid = solver.erode(img, se)
            out = solver.dilate(mid, se)
        else:
            mid = solver.dilate(img, se)
            out = solver.erode(mid, se)
        total = h * w
        if out == img or mid == img or not 0 < sum(map(sum, out)) < total or not 0 < sum(map(sum, mid)) < total:
            continue
        return {"image": img, "operation": op, "element": el}


_OP_TEXT = {
    "erosion": Bi("腐蚀", "erosion"),
    "dilation": Bi("膨胀", "dilation"),
    "opening": Bi("开运算（先腐蚀后膨胀）", "opening (erosion followed by dilation)"),
    "closing": Bi("闭运算（先膨胀后腐蚀）", "closing (dilation followed by erosion)"),
}
_EL_TEXT = {"square": Bi("3×3 方形", "3×3 square"), "cross": Bi("3×3 十字形", "3×3 cross"),
            "hline": Bi("1×3 水平线段", "1×3 horizontal line"), "vline": Bi("3×1 竖直线段", "3×1 vertical line")}


def prompt_morph(params: dict[str, Any]) -> Prompt:
    img, op, el = params["image"], params["operation"], params["element"]
    h, w = len(img), len(img[0])
    opt, elt = _OP_TEXT[op], _EL_TEXT[el]
    figs = [grid(Bi("二值图像 $A$", "Binary image $A$"), img),
            grid(Bi("结构元素 $B$（灰色为中心/原点）", "Structuring element $B$ (shaded: centre / origin)"),
                 solver.ELEMENTS[el], [(1, 1)])]
    rule_zh = ("约定：结构元素的中心放在被处理的像素上，只看 $B$ 中为 1 的位置；腐蚀时这些位置覆盖的像素全为 1 才输出 1，"
               "膨胀时其中有一个为 1 就输出 1；图像外的像素一律按 0 处理（每一步都如此）。")
    rule_en = ("Conventions: the element's centre is placed on the pixel being processed and only the 1-positions of "
               "$B$ count; erosion outputs 1 only if all pixels they cover are 1, dilation outputs 1 if any of them "
               "is 1; pixels outside the image always count as 0 (in every step).")
    if op in ("opening", "closing"):
        first = Bi("腐蚀", "eroded") if op == "opening" else Bi("膨胀", "dilated")
        ask_zh = f"写出第一步{first.zh}后的中间结果和{opt.zh.split('(')[0]}的最终结果。"
        ask_en = f"Give the intermediate {first.en} image after the first step and the final result."
    else:
        ask_zh, ask_en = f"写出{opt.zh}的结果。", "Give the result."
    zh = (f"下图为 {h}×{w} 的二值图像 $A$（1 为前景，0 为背景）和 {elt.zh}结构元素 $B$。"
          f"用 $B$ 对 $A$ 做{opt.zh}。{rule_zh}{ask_zh}")
    en = (f"The figure shows a {h}×{w} binary image $A$ (1 = foreground, 0 = background) and a {elt.en} "
          f"structuring element $B$. Apply {opt.en} to $A$ with $B$. {rule_en} {ask_en}")
    return Prompt(Bi(zh, en), figs)


register(Kind(
    name="morphology", chapter="image-processing", section="calculation", points=6,
    title=Bi("形态学：腐蚀、膨胀、开运算与闭运算", "Morphology: erosion, dilation, opening, closing"),
    summary=Bi("用 3×3 结构元素对小二值图像做腐蚀、膨胀、开运算、闭运算", "Erosion, dilation, opening and closing of a "
               "small binary image with a 3×3 structuring element"),
    conventions=Bi("结构元素以中心为原点；图像外的像素按 0 处理（每一步）；开 = 先腐蚀后膨胀，闭 = 先膨胀后腐蚀",
                   "the element's origin is its centre; outside pixels count as 0 (in every step); opening = erode "
                   "then dilate, closing = dilate then erode"),
    variants=("erosion", "dilation", "opening", "closing", "square / cross / line elements"),
    sample=sample_morph, prompt=prompt_morph, solve=solver.morphology, schema=MORPH_SCHEMA,
    carry_forward=solver.morphology_carry_forward,
    example={"image": [[0, 0, 0, 0, 0], [0, 1, 1, 1, 0], [0, 1, 1, 1, 0], [0, 1, 1, 1, 1], [0, 0, 0, 0, 0]],
             "operation": "opening", "element": "square"},
))


# ---------------------------------------------------------------- canny-steps
def _check_canny(params: dict[str, Any]) -> None:
    mag = params["magnitude"]
    h, w = len(mag), len(mag[0])
    if h < 2 or w < 2 or h > 10 or w > 10:
        raise ParamError(f"the maps must be 2×2 to 10×10, got {h}×{w}")
    if any(v < 0 for row in mag for v in row):
        raise ParamError("gradient magnitudes must be ≥ 0")
    if not 0 < params["low"] < params["high"]:
        raise ParamError("thresholds must satisfy 0 < low < high")
    d = params.get("direction")
    if params["ask"] == "threshold":
        if d is not None:
            raise ParamError("ask=threshold starts from a map after NMS and takes no direction")
        return
    if d is None:
        raise ParamError(f"ask={params['ask']} needs the direction map (degrees)")
    if len(d) != h or len(d[0]) != w:
        raise ParamError("direction must have the same size as magnitude")
    if params["ask"] == "nms" and any(v not in (0, 45, 90, 135) for row in d for v in row):
        raise ParamError("ask=nms takes directions already quantized to 0, 45, 90, 135 (use ask=full otherwise)")


CANNY_SCHEMA = Schema({
    "magnitude": Param("matrix", "gradient magnitude map M"),
    "direction": Param("matrix", "gradient direction in degrees (counter-clockwise from +x, y up)", optional=True),
    "low": Param("float", "low threshold T_L (weak edge: T_L ≤ M < T_H)"),
    "high": Param("float", "high threshold T_H (strong edge: M ≥ T_H)"),
    "ask": Param("str", "full (quantize, NMS, thresholds, hysteresis), nms (directions given quantized) or "
                 "threshold (the map is already thinned)", choices=solver.CANNY_ASKS),
}, check=_check_canny)

# along-gradient coordinate of a pixel for each gradient direction (ridges are lines of constant coordinate)
_ALONG = {0: lambda r, c: c, 90: lambda r, c: r, 45: lambda r, c: c - r, 135: lambda r, c: r + c}


def _canny_maps(rng: random.Random, h: int, w: int) -> tuple[list[list[int]], list[list[int]], int, int]:
    """A ridge (an edge line) with noisy, distinct magnitudes and noisy directions, plus thresholds."""
    rnd = rng.random
    d0 = pick(rng, [0, 45, 90, 135])
    along = _ALONG[d0]
    coords = [[along(r, c) for c in range(w)] for r in range(h)]
    t0 = _ri(rng, min(map(min, coords)) + 1, max(map(max, coords)) - 1)
    low, high = _ri(rng, 20, 35), _ri(rng, 50, 70)
    mag, ang = [], []
    used = {low, high}  # distinct magnitudes: no ties in NMS and nothing on a threshold
    for crow in coords:
        mrow, arow = [], []
        for t in crow:
            d = abs(t - t0)
            if d == 0:
                u = rnd()
                if u < 0.65:  # mostly strong, sometimes weak
                    v = high + 1 + int(u / 0.65 * (95 - high))
                else:
                    v = low + 1 + int((u - 0.65) / 0.35 * (high - low - 1))
            elif d == 1:
                v = 10 + int(rnd() * 46)
            else:
                v = int(rnd() * 31)
            while v in used:
                v += 1
            used.add(v)
            u = rnd()
            if u < 0.075:  # an outlier direction
                a = int(u / 0.075 * 360) - 179
            else:
                a = d0 + int(rnd() * 41) - 20 + (180 if u >= 0.5375 else 0)  # the gradient may point either way
            r = a % 45
            if 20 < r < 25:  # keep 3° away from the quantization boundaries 22.5° + k·45°
                a += -3 if r < 22.5 else 3
            a = (a + 180) % 360 - 180
            mrow.append(v)
            arow.append(180 if a == -180 else a)
        mag.append(mrow)
        ang.append(arow)
    return mag, ang, low, high


def _canny_ok(mag: list[list[int]], dirs: list[list[int]] | None, low: int, high: int, need_drop: bool) -> bool:
    """No tie that the tie rule would decide, NMS suppresses at least one would-be edge pixel, no value on a
    threshold, strong and weak pixels both occur, and hysteresis keeps (and, if asked, drops) a weak pixel."""
    if dirs is not None:
        thin = []
        suppressed_edge = False
        for mrow, prow in zip(mag, solver.neighbour_pairs(mag, dirs)):
            trow = []
            for v, (a, b) in zip(mrow, prow):
                m = a if a > b else b
                if v >= m:
                    if v == m and v > 0:
                        return False  # a tie with the larger neighbour: the answer would hang on the tie rule
                    trow.append(v)
                else:
                    suppressed_edge = suppressed_edge or v >= low
                    trow.append(0)
            thin.append(trow)
        if not suppressed_edge:
            return False
    else:
        thin = mag
    strong = weak = False
    for row in thin:
        for v in row:
            if v == low or v == high:
                return False
            if v > high:
                strong = True
            elif v > low:
                weak = True
    if not (strong and weak):
        return False
    codes = solver.classify(thin, low, high)
    kept = dropped = False
    for crow, erow in zip(codes, solver.hysteresis(codes)):
        for c, e in zip(crow, erow):
            if c == 1:
                if e:
                    kept = True
                else:
                    dropped = True
    return kept and (dropped or not need_drop)


def sample_canny(rng: random.Random) -> dict[str, Any]:
    ask = pick(rng, solver.CANNY_ASKS)
    while True:
        if ask == "full":
            h, w = 4, 4
        elif ask == "nms":
            h, w = pick(rng, [(4, 4), (4, 5), (5, 5)])
        else:
            h, w = pick(rng, [(5, 5), (5, 5), (5, 6), (6, 5), (6, 6)])
        mag, ang, low, high = _canny_maps(rng, h, w)
        dirs = [[solver.quantize(a) for a in row] for row in ang]
        if ask == "threshold":
            thin = solver.canny_nms(mag, dirs)
            # an isolated weak response far from the edge, which hysteresis must drop
            if rng.random() < 0.8:
                for _ in range(8):  # probe for a pixel with no edge response in its 3×3 neighbourhood
                    i, j = _ri(rng, 0, h - 1), _ri(rng, 0, w - 1)
                    if all(v < low for row in thin[max(0, i - 1):i + 2] for v in row[max(0, j - 1):j + 2]):
                        thin[i][j] = _ri(rng, low + 1, high - 1)
                        break
            if not _canny_ok(thin, None, low, high, need_drop=True):
                continue
            return {"magnitude": thin, "low": low, "high": high, "ask": ask}
        if not _canny_ok(mag, dirs, low, high, need_drop=False):
            continue
        return {"magnitude": mag, "direction": ang if ask == "full" else dirs, "low": low, "high": high,
                "ask": ask}


def prompt_canny(params: dict[str, Any]) -> Prompt:
    ask, mag = params["ask"], params["magnitude"]
    h, w = len(mag), len(mag[0])
    low, high = num(params["low"]), num(params["high"])
    figs = [grid(Bi("梯度幅值 $M$", "Gradient magnitude $M$"), mag)]
    quant_zh = ("(1) 把方向对 180° 取模后量化到最近的 0°、45°、90°、135°：[0°, 22.5°) 与 [157.5°, 180°) → 0°，"
                "[22.5°, 67.5°) → 45°，[67.5°, 112.5°) → 90°，[112.5°, 157.5°) → 135°；")
    quant_en = ("(1) take each direction modulo 180° and quantize it to the nearest of 0°, 45°, 90°, 135°: "
                "[0°, 22.5°) and [157.5°, 180°) → 0°, [22.5°, 67.5°) → 45°, [67.5°, 112.5°) → 90°, "
                "[112.5°, 157.5°) → 135°;")
    nms_zh = ("非极大值抑制：沿量化后的梯度方向与两个相邻像素比较——0°：左、右；45°：右上、左下；90°：上、下；"
              "135°：左上、右下。幅值大于或等于两个邻居时保留原值，否则置 0；图像外的邻居幅值按 0 计；")
    nms_en = ("non-maximum suppression: compare each pixel with its two neighbours along the quantized gradient "
              "direction (0°: left and right; 45°: upper right and lower left; 90°: up and down; 135°: upper left "
              "and lower right); keep its magnitude if it is greater than or equal to both, otherwise set it to 0; "
              "neighbours outside the image count as 0;")
    thr_zh = (f"双阈值 $T_L = {low}$、$T_H = {high}$：$M >= T_H$ 为强边缘（记 2），$T_L <= M < T_H$ 为弱边缘（记 1），"
              f"其余为非边缘（记 0）；")
    thr_en = (f"double threshold $T_L = {low}$, $T_H = {high}$: $M >= T_H$ is a strong edge (code 2), "
              f"$T_L <= M < T_H$ a weak edge (code 1), anything else a non-edge (code 0);")
    hys_zh = "滞后边界跟踪：弱边缘若与强边缘 8 邻接（可经由其他弱边缘连通）则保留为边缘，否则删除。"
    hys_en = ("hysteresis: a weak pixel stays an edge if it is 8-connected to a strong pixel (possibly through "
              "other weak pixels), otherwise it is dropped.")
    dir_zh = "方向以度为单位，从 x 轴正方向逆时针量取（按图像画面，x 向右、y 向上，90° 指向正上方）。"
    dir_en = ("Directions are in degrees, counter-clockwise from the +x axis as the image is drawn (x to the right, "
              "y up, so 90° points straight up).")
    if ask == "full":
        figs.append(grid(Bi("梯度方向 $theta$（度）", "Gradient direction $theta$ (degrees)"), params["direction"]))
        zh = (f"Canny 边缘检测在求出梯度后还有几步。下图给出 {h}×{w} 的梯度幅值图 $M$ 和梯度方向图 $theta$。{dir_zh}"
              f"依次完成：{quant_zh}(2) {nms_zh}(3) {thr_zh}(4) {hys_zh}"
              f"写出量化后的方向图、抑制后的幅值图、2/1/0 分类图和最终边缘图（1 = 边缘，0 = 非边缘）。")
        en = (f"After the gradients, Canny edge detection has a few more steps. The figure gives a {h}×{w} gradient "
              f"magnitude map $M$ and direction map $theta$. {dir_en} Carry out: {quant_en} (2) {nms_en} "
              f"(3) {thr_en} (4) {hys_en} Give the quantized direction map, the magnitude map after suppression, "
              f"the 2/1/0 class map and the final edge map (1 = edge, 0 = non-edge).")
    elif ask == "nms":
        figs.append(grid(Bi("量化后的梯度方向（度）", "Quantized gradient direction (degrees)"), params["direction"]))
        zh = (f"Canny 边缘检测中，已求得 {h}×{w} 的梯度幅值图 $M$ 和量化后的梯度方向图（见下图）。{dir_zh}"
              f"依次完成：(1) {nms_zh}(2) {thr_zh}(3) {hys_zh}"
              f"写出抑制后的幅值图、2/1/0 分类图和最终边缘图（1 = 边缘，0 = 非边缘）。")
        en = (f"In Canny edge detection, the {h}×{w} gradient magnitude map $M$ and the quantized direction map are "
              f"given below. {dir_en} Carry out: (1) {nms_en} (2) {thr_en} (3) {hys_en} Give the magnitude map after "
              f"suppression, the 2/1/0 class map and the final edge map (1 = edge, 0 = non-edge).")
    else:
        zh = (f"Canny 边缘检测中，下图是经过非极大值抑制后的 {h}×{w} 梯度幅值图 $M$。依次完成：(1) {thr_zh}(2) {hys_zh}"
              f"写出 2/1/0 分类图和最终边缘图（1 = 边缘，0 = 非边缘）。")
        en = (f"In Canny edge detection, the figure shows a {h}×{w} gradient magnitude map $M$ after non-maximum "
              f"suppression. Carry out: (1) {thr_en} (2) {hys_en} Give the 2/1/0 class map and the final edge map "
              f"(1 = edge, 0 = non-edge).")
    return Prompt(Bi(zh, en), figs)


register(Kind(
    name="canny-steps", chapter="image-processing", section="calculation", points=10,
    title=Bi("Canny 边缘检测的后续步骤", "The later steps of Canny edge detection"),
    summary=Bi("方向量化、非极大值抑制、双阈值与滞后边界跟踪", "Direction quantization, non-maximum suppression, double "
               "threshold and hysteresis"),
    conventions=Bi("方向从 x 轴逆时针量（y 向上）；0°比左右、45°比右上左下、90°比上下、135°比左上右下；不小于两邻居即保留，图外按 0；"
                   "M ≥ T_H 强（2），T_L ≤ M < T_H 弱（1）；弱边缘经 8 邻接连到强边缘才保留",
                   "directions counter-clockwise from +x (y up); 0° compares left/right, 45° upper right/lower left, "
                   "90° up/down, 135° upper left/lower right; keep when ≥ both, outside = 0; M ≥ T_H strong (2), "
                   "T_L ≤ M < T_H weak (1); weak pixels stay only when 8-connected to a strong one"),
    variants=("full pipeline from raw directions", "NMS from quantized directions", "double threshold + hysteresis",
              "vertical / horizontal / diagonal edges"),
    sample=sample_canny, prompt=prompt_canny, solve=solver.canny_steps, schema=CANNY_SCHEMA,
    carry_forward=solver.canny_carry_forward,
    example={"magnitude": [[10, 40, 90, 30], [5, 35, 80, 20], [12, 50, 45, 25], [8, 30, 70, 15]],
             "direction": [[5, 170, -10, 0], [20, 0, 10, -175], [100, 45, 30, 0], [0, 10, -175, 0]],
             "low": 30, "high": 60, "ask": "full"},
))
