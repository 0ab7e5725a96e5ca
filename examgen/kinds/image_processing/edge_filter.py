"""`edge-filter`: Edge operators.

Roberts / Prewitt / Sobel gradients and magnitude. Top to bottom: params schema, pure solver, sampler, prompt,
registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import all_whole, grid, matrix, pick
from examgen.kinds.image_processing._shared import OPERATORS, _mag, correlate_at, correlate_valid, flipped
from examgen.mathfmt import mat, num, p, round_answer
from examgen.model import MatrixSpec, NumberSpec, Part, Prompt, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


def _check_edge(params: dict[str, Any]) -> None:
    image, kx, ky = params["image"], params["kernel_x"], params["kernel_y"]
    if len(kx) != len(ky) or len(kx[0]) != len(ky[0]):
        raise ParamError("kernel_x and kernel_y must have the same size")
    if len(image) < len(kx) or len(image[0]) < len(kx[0]):
        raise ParamError("the image is smaller than the kernel")
    op = params["operator"]
    if op in OPERATORS and [list(map(list, k)) for k in OPERATORS[op]] != [kx, ky]:  # the prompt names them
        name = op.capitalize()
        raise ParamError(Bi(f"kernel_x、kernel_y 不是 {name} 算子的模板；其他模板请用 operator=custom。",
                            f"kernel_x and kernel_y are not the {name} kernels; for other kernels use "
                            f"operator=custom"))
    at = params.get("at")
    if at is not None:
        if len(at) != 2:
            raise ParamError("at must be [row, col]")
        rows, cols = len(image) - len(kx) + 1, len(image[0]) - len(kx[0]) + 1
        if not (0 <= at[0] < rows and 0 <= at[1] < cols):
            raise ParamError(f"at {at} is outside the {rows}×{cols} output (0-based output coordinates)")


EDGE_SCHEMA = Schema({
    "operator": Param("str", "roberts, prewitt or sobel (names the kernels shown)",
                      choices=tuple(OPERATORS) + ("custom",)),
    "image": Param("matrix", "the gray image"),
    "kernel_x": Param("matrix", "horizontal-gradient kernel Kx"),
    "kernel_y": Param("matrix", "vertical-gradient kernel Ky"),
    "magnitude": Param("str", "l2 = sqrt(Gx²+Gy²), l1 = |Gx|+|Gy|", choices=("l2", "l1")),
    "at": Param("ints", "one output position [row, col], 0-based in output coordinates", length=2, min=0,
                optional=True),
}, check=_check_edge)


# ---------------------------------------------------------------- solver
OPERATOR_NAMES = {"roberts": "Roberts", "prewitt": "Prewitt", "sobel": "Sobel"}


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
            Part("magnitude", Bi("梯度幅值 |G|", "Gradient magnitude |G|"), mag_spec, round_answer(m),
                 depends_on=("gx", "gy")),
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
             [[round_answer(v) for v in r] for r in mg], depends_on=("gx", "gy")),
    ]
    return Solution(parts, steps)


def edge_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """|G| from the student's own Gx and Gy (√(Gx² + Gy²) or |Gx| + |Gy|, as the prompt states), entry by entry."""
    gx, gy = earlier.get("gx"), earlier.get("gy")
    if part != "magnitude" or gx is None or gy is None:
        return None
    if not (all_whole(gx) and all_whole(gy)):  # integer kernels on an integer image give whole gradients
        return None
    kind = params["magnitude"]
    if params.get("at") is not None:
        return _mag(float(gx), float(gy), kind)
    if len(gx) != len(gy) or any(len(a) != len(b) for a, b in zip(gx, gy)):
        return None
    return [[_mag(float(a), float(b), kind) for a, b in zip(ra, rb)] for ra, rb in zip(gx, gy)]


# ---------------------------------------------------------------- sampler and prompt
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
    op = pick(rng, list(OPERATORS))
    kx, ky = OPERATORS[op]
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
            if correlate_at(image, kx, i, j) == 0 and correlate_at(image, ky, i, j) == 0:
                continue
        else:
            gx = correlate_valid(image, kx)
            gy = correlate_valid(image, ky)
            if all(v == 0 for r in gx + gy for v in r):
                continue
        return params


def prompt_edge(params: dict[str, Any]) -> Prompt:
    name = OPERATOR_NAMES.get(params["operator"], "")
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


# ---------------------------------------------------------------- typical mistakes
def _filter(params: dict[str, Any], kernel: list[list[float]]) -> Any:
    """The kernel applied as cross-correlation at the asked position, or over the valid region."""
    at = params.get("at")
    if at is not None:
        return correlate_at(params["image"], kernel, at[0], at[1])
    return correlate_valid(params["image"], kernel)


def _magnitude(params: dict[str, Any], rule: Any) -> Any:
    gx, gy = _filter(params, params["kernel_x"]), _filter(params, params["kernel_y"])
    if params.get("at") is not None:
        return rule(gx, gy)
    return [[rule(a, b) for a, b in zip(ra, rb)] for ra, rb in zip(gx, gy)]


MISTAKES = (
    Mistake("convolution-not-correlation", Bi("把核翻转了 180°（卷积）；本题是互相关，核不翻转",
            "flipped the kernel by 180° (convolution); this is cross-correlation, the kernel is not flipped"),
            "$G_x$", lambda p: {"gx": _filter(p, flipped(p["kernel_x"])), "gy": _filter(p, flipped(p["kernel_y"]))}),
    Mistake("kernels-swapped", Bi("水平核和竖直核用反了；应为 G_x 用 K_x、G_y 用 K_y", "swapped the kernels: G_x uses K_x "
            "and G_y uses K_y"), "$G_x$",
            lambda p: {"gx": _filter(p, p["kernel_y"]), "gy": _filter(p, p["kernel_x"])}),
    Mistake("l1-for-l2", Bi("幅值用了 |G_x| + |G_y|；本题要求 √(G_x² + G_y²)", "took |G_x| + |G_y| as the magnitude; "
            "this asks for √(G_x² + G_y²)"), "Gradient magnitude",
            lambda p: {"magnitude": _magnitude(p, lambda a, b: abs(a) + abs(b))} if p["magnitude"] == "l2" else None),
    Mistake("magnitude-without-root", Bi("幅值忘了开平方：G_x² + G_y²", "forgot the square root: G_x² + G_y²"),
            "Gradient magnitude",
            lambda p: {"magnitude": _magnitude(p, lambda a, b: a * a + b * b)} if p["magnitude"] == "l2" else None),
)


register(Kind(
    name="edge-filter", chapter="image-processing", section="calculation", points=8,
    title=Bi("边缘检测算子", "Edge operators"),
    summary=Bi("Roberts / Prewitt / Sobel 梯度与梯度幅值", "Roberts / Prewitt / Sobel gradients and magnitude"),
    conventions=Bi("互相关（不翻转核），只算有效区域；Roberts 核锚定在 2×2 邻域左上角，3×3 核锚定在中心；幅值 L2 保留两位小数",
                   "cross-correlation (kernel not flipped), valid region only; a 2×2 Roberts kernel is anchored at its "
                   "top-left pixel, a 3×3 kernel at its centre; L2 magnitude to 2 decimals"),
    variants=("Roberts", "Prewitt", "Sobel", "one pixel", "whole map", "L1 / L2 magnitude"),
    sample=sample_edge, prompt=prompt_edge, solve=edge_filter, schema=EDGE_SCHEMA,
    carry_forward=edge_carry_forward,
    example={"operator": "sobel", "image": [[3, 3, 7, 8, 8], [2, 3, 8, 9, 8], [3, 2, 7, 8, 9], [3, 3, 8, 8, 8],
                                            [2, 3, 7, 9, 8]],
             "kernel_x": OPERATORS["sobel"][0], "kernel_y": OPERATORS["sobel"][1],
             "magnitude": "l2", "at": [1, 1]},
    mistakes=MISTAKES,
))
