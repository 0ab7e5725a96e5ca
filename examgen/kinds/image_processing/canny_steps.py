"""`canny-steps`: The later steps of Canny edge detection.

Direction quantization, non-maximum suppression, double threshold and hysteresis. Top to bottom: params schema, pure
solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _ri, grid, pick
from examgen.kinds.image_processing._shared import Matrix, _mat
from examgen.mathfmt import num, round_answer
from examgen.model import MatrixSpec, Part, Prompt, Solution, Step
from examgen.mistakes import Mistake
from examgen.params import Param, Schema
from examgen.registry import Kind, register


CANNY_ASKS = ("full", "nms", "threshold")


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
                 "threshold (the map is already thinned)", choices=CANNY_ASKS),
}, check=_check_canny)


# ---------------------------------------------------------------- solver
def _n(v: Any) -> str:
    """`mathfmt.num` with a fast path for whole numbers."""
    return str(v) if type(v) is int else num(v)


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


def hysteresis(codes: Matrix, diagonal: bool = True) -> list[list[int]]:
    """1 for strong pixels and weak pixels 8-connected to a strong one (possibly through other weak pixels);
    4-connected when not `diagonal`."""
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
                if di and dj and not diagonal:
                    continue
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


# ---------------------------------------------------------------- sampler and prompt
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
        for mrow, prow in zip(mag, neighbour_pairs(mag, dirs)):
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
    codes = classify(thin, low, high)
    kept = dropped = False
    for crow, erow in zip(codes, hysteresis(codes)):
        for c, e in zip(crow, erow):
            if c == 1:
                if e:
                    kept = True
                else:
                    dropped = True
    return kept and (dropped or not need_drop)


def sample_canny(rng: random.Random) -> dict[str, Any]:
    ask = pick(rng, CANNY_ASKS)
    while True:
        if ask == "full":
            h, w = 4, 4
        elif ask == "nms":
            h, w = pick(rng, [(4, 4), (4, 5), (5, 5)])
        else:
            h, w = pick(rng, [(5, 5), (5, 5), (5, 6), (6, 5), (6, 6)])
        mag, ang, low, high = _canny_maps(rng, h, w)
        dirs = [[quantize(a) for a in row] for row in ang]
        if ask == "threshold":
            thin = canny_nms(mag, dirs)
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


# ---------------------------------------------------------------- typical mistakes
def _stages(params: dict[str, Any]) -> tuple[Matrix | None, list[list[int]]]:
    """The quantized directions (None for ask=threshold) and the key's 2/1/0 class map."""
    if params["ask"] == "threshold":
        return None, classify(params["magnitude"], params["low"], params["high"])
    dirs = [[quantize(a) for a in row] for row in params["direction"]]
    return dirs, classify(canny_nms(params["magnitude"], dirs), params["low"], params["high"])


def _four_connected(params: dict[str, Any]) -> dict[str, Any] | None:
    """Hysteresis that links a weak pixel to a strong one only through its 4 side neighbours."""
    codes = _stages(params)[1]
    wrong = hysteresis(codes, diagonal=False)
    return None if wrong == hysteresis(codes) else {"edges": wrong}


def _no_hysteresis(params: dict[str, Any]) -> dict[str, Any] | None:
    """Every weak pixel kept as an edge, connected or not (hysteresis skipped)."""
    codes = _stages(params)[1]
    wrong = [[1 if c else 0 for c in row] for row in codes]
    return None if wrong == hysteresis(codes) else {"edges": wrong}


def _diagonals_y_down(params: dict[str, Any]) -> dict[str, Any] | None:
    """45° and 135° read with y pointing down: 45° compared with upper left / lower right and 135° the other way."""
    dirs = _stages(params)[0]
    if dirs is None:
        return None
    flipped = [[{45: 135, 135: 45}.get(d, d) for d in row] for row in dirs]
    wrong = canny_nms(params["magnitude"], flipped)
    return None if wrong == canny_nms(params["magnitude"], dirs) else {"nms": wrong}


MISTAKES = (
    Mistake("hysteresis-4-connected", Bi("滞后边界跟踪只看了上下左右 4 邻接；题目要求 8 邻接（含对角）",
            "hysteresis with 4-connectivity only; the problem asks for 8-connectivity (diagonals count)"),
            "Hysteresis", _four_connected),
    Mistake("weak-edges-all-kept", Bi("没做滞后边界跟踪：所有弱边缘都保留了，孤立的弱边缘应删除",
            "skipped hysteresis and kept every weak pixel; isolated weak pixels are dropped"), "Hysteresis",
            _no_hysteresis),
    Mistake("diagonals-y-down", Bi("把 45° 和 135° 的比较方向弄反了（按 y 向下理解）；45° 应比较右上与左下",
            "swapped the 45° and 135° neighbours (reading y as pointing down); 45° compares upper right and lower left"),
            "Non-maximum suppression, row 1", _diagonals_y_down),
)


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
    sample=sample_canny, prompt=prompt_canny, solve=canny_steps, schema=CANNY_SCHEMA,
    carry_forward=canny_carry_forward, mistakes=MISTAKES,
    example={"magnitude": [[10, 40, 90, 30], [5, 35, 80, 20], [12, 50, 45, 25], [8, 30, 70, 15]],
             "direction": [[5, 170, -10, 0], [20, 0, 10, -175], [100, 45, 30, 0], [0, 10, -175, 0]],
             "low": 30, "high": 60, "ask": "full"},
))
