"""Solvers for image filtering (chapter 3): smoothing filters, binary morphology and the steps of Canny."""

from __future__ import annotations

from typing import Any

from examgen.i18n import Bi
from examgen.mathfmt import num, round_answer
from examgen.model import MatrixSpec, NumberSpec, Part, Solution, Step

Matrix = list[list[Any]]


def _n(v: Any) -> str:
    """`mathfmt.num` with a fast path for whole numbers."""
    return str(v) if type(v) is int else num(v)


def _mat(rows: Matrix, d: int = 4) -> str:
    """`mathfmt.mat` with a fast path for whole numbers."""
    if all(type(v) is int for row in rows for v in row):
        return "mat(" + "; ".join([", ".join(map(str, row)) for row in rows]) + ")"
    return "mat(" + "; ".join(", ".join(num(v, d) for v in row) for row in rows) + ")"


def _eq(x: float, d: int = 2) -> str:
    """`=` when the value is exact with `d` decimals, else `approx`."""
    return "=" if abs(round(x, d) - x) < 1e-12 else "approx"


# ---------------------------------------------------------------- smoothing-filter
MEAN_KERNEL = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
GAUSS_KERNEL = [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
FILTERS = ("mean", "gaussian", "median", "compare")


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


# ---------------------------------------------------------------- morphology
ELEMENTS: dict[str, list[list[int]]] = {
    "square": [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
    "cross": [[0, 1, 0], [1, 1, 1], [0, 1, 0]],
    "hline": [[0, 0, 0], [1, 1, 1], [0, 0, 0]],
    "vline": [[0, 1, 0], [0, 1, 0], [0, 1, 0]],
}
OPERATIONS = ("erosion", "dilation", "opening", "closing")


def _offsets(se: Matrix) -> list[tuple[int, int]]:
    return [(u - 1, v - 1) for u in range(3) for v in range(3) if se[u][v]]


def _masks(img: Matrix) -> list[int]:
    """Each row as a bit mask (bit j = column j)."""
    return [sum(1 << j for j, v in enumerate(row) if v) for row in img]


def _morph(img: Matrix, se: Matrix, combine_all: bool) -> list[list[int]]:
    """Erosion (`combine_all`) or dilation with a 3×3 element centred on the pixel; outside pixels count as 0.

    Rows are bit masks: the pixel at column j + dv moves to column j by a right shift of dv."""
    h, w = len(img), len(img[0])
    full = (1 << w) - 1
    rows = _masks(img)
    offs = _offsets(se)
    out = []
    for i in range(h):
        acc = full if combine_all else 0
        for du, dv in offs:
            r = i + du
            m = rows[r] if 0 <= r < h else 0
            m = (m >> dv) if dv >= 0 else (m << -dv) & full
            acc = acc & m if combine_all else acc | m
        out.append([(acc >> j) & 1 for j in range(w)])
    return out


def erode(img: Matrix, se: Matrix) -> list[list[int]]:
    """Binary erosion, centre of the 3×3 element as origin, pixels outside the image count as 0."""
    return _morph(img, se, True)


def dilate(img: Matrix, se: Matrix) -> list[list[int]]:
    """Binary dilation (symmetric element, so no reflection is needed), outside pixels count as 0."""
    return _morph(img, se, False)


def _changes(before: Matrix, after: Matrix) -> list[str]:
    return [f"({i + 1}, {j + 1})" for i in range(len(before)) for j in range(len(before[0]))
            if bool(before[i][j]) != bool(after[i][j])]


_ERODE = (Bi("腐蚀：结构元素中心放在该像素上，元素覆盖的像素全为 1 时输出 1，否则输出 0（图像外按 0）",
             "Erosion: put the element's centre on the pixel; output 1 only if every pixel it covers is 1 "
             "(outside = 0)"), "g(x) = min_(b in B) f(x + b)")
_DILATE = (Bi("膨胀：结构元素中心放在该像素上，元素覆盖的像素中只要有一个 1 就输出 1（图像外按 0）",
              "Dilation: put the element's centre on the pixel; output 1 if any pixel it covers is 1 (outside = 0)"),
           "g(x) = max_(b in B) f(x + b)")


def _morph_step(kind: str, before: Matrix, after: Matrix, part: str, prefix: Bi | None = None) -> Step:
    title, formula = _ERODE if kind == "erosion" else _DILATE
    ch = _changes(before, after)
    if kind == "erosion":
        note = Bi("变为 0 的像素（行，列，从 1 开始）：" + (", ".join(ch) if ch else "无"),
                  "Pixels that become 0 (row, column, from 1): " + (", ".join(ch) if ch else "none"))
    else:
        note = Bi("变为 1 的像素（行，列，从 1 开始）：" + (", ".join(ch) if ch else "无"),
                  "Pixels that become 1 (row, column, from 1): " + (", ".join(ch) if ch else "none"))
    if prefix is not None:
        title = prefix + title
    return Step(title=title, part=part, formula=formula, result=_mat(after), note=note)


def morphology(params: dict[str, Any]) -> Solution:
    img = params["image"]
    se = ELEMENTS[params["element"]]
    op = params["operation"]
    h, w = len(img), len(img[0])
    spec = MatrixSpec(h, w, integer=True)
    if op in ("erosion", "dilation"):
        out = erode(img, se) if op == "erosion" else dilate(img, se)
        steps = [_morph_step(op, img, out, "")]
        label = Bi("腐蚀结果", "Eroded image") if op == "erosion" else Bi("膨胀结果", "Dilated image")
        return Solution([Part("", label, spec, out)], steps)
    if op == "opening":
        mid = erode(img, se)
        out = dilate(mid, se)
        steps = [_morph_step("erosion", img, mid, "eroded", Bi("开运算第 1 步，", "Opening, step 1. ")),
                 _morph_step("dilation", mid, out, "result", Bi("开运算第 2 步，对腐蚀结果", "Opening, step 2, on the "
                                                                "eroded image. "))]
        steps.append(Step(title=Bi("开运算 = 先腐蚀后膨胀：去掉了比结构元素小的细节",
                                   "Opening = erosion then dilation: details smaller than the element are removed"),
                          formula="\"open\"(f) = \"dilate\"(\"erode\"(f))", result=_mat(out)))
        parts = [Part("eroded", Bi("第 1 步腐蚀的结果", "Step 1: the eroded image"), spec, mid),
                 Part("result", Bi("开运算结果", "Result of the opening"), spec, out, depends_on=("eroded",))]
        return Solution(parts, steps)
    mid = dilate(img, se)
    out = erode(mid, se)
    steps = [_morph_step("dilation", img, mid, "dilated", Bi("闭运算第 1 步，", "Closing, step 1. ")),
             _morph_step("erosion", mid, out, "result", Bi("闭运算第 2 步，对膨胀结果", "Closing, step 2, on the "
                                                           "dilated image. "))]
    steps.append(Step(title=Bi("闭运算 = 先膨胀后腐蚀：填补了小孔和缝隙", "Closing = dilation then erosion: small holes "
                               "and gaps are filled"),
                      formula="\"close\"(f) = \"erode\"(\"dilate\"(f))", result=_mat(out)))
    parts = [Part("dilated", Bi("第 1 步膨胀的结果", "Step 1: the dilated image"), spec, mid),
             Part("result", Bi("闭运算结果", "Result of the closing"), spec, out, depends_on=("dilated",))]
    return Solution(parts, steps)


def morphology_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    if part != "result":
        return None
    se = ELEMENTS[params["element"]]
    if params["operation"] == "opening":
        mid = [[1 if round(v) else 0 for v in row] for row in earlier["eroded"]]
        return dilate(mid, se)
    mid = [[1 if round(v) else 0 for v in row] for row in earlier["dilated"]]
    return erode(mid, se)


# ---------------------------------------------------------------- canny-steps
CANNY_ASKS = ("full", "nms", "threshold")
# neighbours (row, column offsets) compared along each quantized gradient direction; angles are measured
# counter-clockwise from the +x axis as drawn (x to the right, y up), so 45° points to the upper right
NEIGHBOURS = {0: ((0, -1), (0, 1)), 45: ((-1, 1), (1, -1)), 90: ((-1, 0), (1, 0)), 135: ((-1, -1), (1, 1))}


def _quantize(a: float) -> int:
    """Quantize an angle in [0, 180)."""
    if a < 22.5 or a >= 157.5:
        return 0
    if a < 67.5:
        return 45
    if a < 112.5:
        return 90
    return 135


_QUANT = [_quantize(a) for a in range(180)]


def quantize(angle: float) -> int:
    """The nearest of 0°, 45°, 90°, 135° for an angle taken modulo 180°."""
    if type(angle) is int:
        return _QUANT[angle % 180]
    return _quantize(angle % 180)


def neighbour_pairs(mag: Matrix, dirs: Matrix) -> list[list[tuple[float, float]]]:
    """For every pixel, the magnitudes of its two neighbours along its quantized direction (outside = 0)."""
    w = len(mag[0])
    zero = [0] * (w + 2)
    pad = [zero] + [[0] + list(row) + [0] for row in mag] + [zero]
    out = []
    for i, drow in enumerate(dirs):
        row = []
        for j, d in enumerate(drow):
            (a0, a1), (b0, b1) = NEIGHBOURS[d]
            row.append((pad[i + 1 + a0][j + 1 + a1], pad[i + 1 + b0][j + 1 + b1]))
        out.append(row)
    return out


def canny_nms(mag: Matrix, dirs: Matrix) -> list[list[float]]:
    """Keep a pixel when its magnitude is ≥ both neighbours along its direction (outside = 0), else 0."""
    pairs = neighbour_pairs(mag, dirs)
    return [[v if v >= a and v >= b else 0 for v, (a, b) in zip(mrow, prow)] for mrow, prow in zip(mag, pairs)]


def classify(m: Matrix, low: float, high: float) -> list[list[int]]:
    """2 = strong (≥ high), 1 = weak (≥ low and < high), 0 = not an edge."""
    return [[2 if v >= high else 1 if v >= low else 0 for v in row] for row in m]


def hysteresis(codes: Matrix) -> list[list[int]]:
    """1 for strong pixels and weak pixels 8-connected to a strong one (possibly through other weak pixels)."""
    h, w = len(codes), len(codes[0])
    out = [[0] * w for _ in range(h)]
    stack = [(i, j) for i in range(h) for j in range(w) if codes[i][j] == 2]
    for i, j in stack:
        out[i][j] = 1
    while stack:
        i, j = stack.pop()
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                r, c = i + di, j + dj
                if 0 <= r < h and 0 <= c < w and not out[r][c] and codes[r][c] == 1:
                    out[r][c] = 1
                    stack.append((r, c))
    return out


def canny_steps(params: dict[str, Any]) -> Solution:
    ask = params["ask"]
    mag = params["magnitude"]
    low, high = params["low"], params["high"]
    h, w = len(mag), len(mag[0])
    steps: list[Step] = []
    parts: list[Part] = []
    ispec = MatrixSpec(h, w, integer=True)
    if ask in ("full", "nms"):
        raw = params["direction"]
        dirs = [[quantize(a) for a in row] for row in raw]
        if ask == "full":
            steps.append(Step(
                title=Bi("把梯度方向（对 180° 取模）量化到最近的 0°、45°、90°、135°",
                         "Quantize each gradient direction (modulo 180°) to the nearest of 0°, 45°, 90°, 135°"),
                part="direction", work="theta mod 180 = " + _mat([[a % 180 for a in row] for row in raw]),
                formula="theta < 22.5 \"or\" theta >= 157.5 arrow.r 0, quad 22.5 <= theta < 67.5 arrow.r 45, quad "
                        "67.5 <= theta < 112.5 arrow.r 90, quad 112.5 <= theta < 157.5 arrow.r 135",
                result=_mat(dirs)))
            parts.append(Part("direction", Bi("量化后的方向图", "Quantized direction map"), ispec, dirs))
        pairs = neighbour_pairs(mag, dirs)
        nms_map = [[v if v >= a and v >= b else 0 for v, (a, b) in zip(mrow, prow)]
                   for mrow, prow in zip(mag, pairs)]
        for i in range(h):
            items = []
            for j in range(w):
                a, b = pairs[i][j]
                v = mag[i][j]
                keep = v >= a and v >= b
                items.append(f"{_n(v)} {'>=' if keep else '<'} max({_n(a)}, {_n(b)})")
            steps.append(Step(
                title=Bi(f"非极大值抑制，第 {i + 1} 行：与梯度方向上的两个邻居比较，不小于两者才保留（否则置 0）",
                         f"Non-maximum suppression, row {i + 1}: compare with the two neighbours along the gradient; "
                         "keep only if not smaller than both (else 0)"),
                part="nms", formula="M(p) >= max(M(p_1), M(p_2))" if i == 0 else "", work=", quad ".join(items),
                result=", quad ".join(_n(v) for v in nms_map[i])))
        steps.append(Step(title=Bi("非极大值抑制后的幅值图", "Magnitude map after non-maximum suppression"),
                          part="nms", result=_mat(nms_map)))
        parts.append(Part("nms", Bi("非极大值抑制后的幅值图", "Magnitude map after NMS"), ispec,
                          [[round_answer(v) for v in r] for r in nms_map],
                          depends_on=("direction",) if ask == "full" else ()))
        thin = nms_map
    else:
        thin = mag
    codes = classify(thin, low, high)
    steps.append(Step(
        title=Bi(f"双阈值：$M >= {num(high)}$ 为强边缘（2），${num(low)} <= M < {num(high)}$ 为弱边缘（1），其余为非边缘（0）",
                 f"Double threshold: $M >= {num(high)}$ is strong (2), ${num(low)} <= M < {num(high)}$ weak (1), "
                 "the rest non-edge (0)"),
        part="classes",
        formula="c(p) = cases(2 quad \"if\" M(p) >= T_H, 1 quad \"if\" T_L <= M(p) < T_H, 0 quad \"if\" M(p) < T_L)",
        result=_mat(codes)))
    parts.append(Part("classes", Bi("强/弱/非边缘分类图（2/1/0）", "Strong / weak / non-edge map (2/1/0)"), ispec, codes,
                      depends_on=("nms",) if ask != "threshold" else ()))
    edges = hysteresis(codes)
    weak = [(i, j) for i in range(h) for j in range(w) if codes[i][j] == 1]
    kept = [f"({i + 1}, {j + 1})" for i, j in weak if edges[i][j]]
    dropped = [f"({i + 1}, {j + 1})" for i, j in weak if not edges[i][j]]
    steps.append(Step(
        title=Bi("滞后边界跟踪：弱边缘若与强边缘 8 邻接（可经过其他弱边缘相连）则保留，否则删除",
                 "Hysteresis: a weak pixel is kept if it is 8-connected to a strong pixel (possibly through other "
                 "weak pixels), otherwise dropped"),
        part="edges", result=_mat(edges),
        note=Bi("保留的弱边缘（行，列）：" + (", ".join(kept) or "无") + "；删除的弱边缘：" + (", ".join(dropped) or "无"),
                "Weak pixels kept (row, column): " + (", ".join(kept) or "none") + "; dropped: " +
                (", ".join(dropped) or "none"))))
    parts.append(Part("edges", Bi("最终边缘图（1 = 边缘）", "Final edge map (1 = edge)"), ispec, edges,
                      depends_on=("classes",)))
    return Solution(parts, steps)


def canny_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """Each stage recomputed from the student's own previous stage."""
    if part == "nms":
        dirs = [[quantize(v) for v in row] for row in earlier["direction"]]
        return canny_nms(params["magnitude"], dirs)
    if part == "classes":
        return classify(earlier["nms"], params["low"], params["high"])
    if part == "edges":
        return hysteresis([[int(round(v)) for v in row] for row in earlier["classes"]])
    return None
