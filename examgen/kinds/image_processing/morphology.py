"""`morphology`: Morphology: erosion, dilation, opening, closing.

Erosion, dilation, opening and closing of a small binary image with a 3×3 structuring element. Top to bottom: params
schema, pure solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import _ri, grid, pick
from examgen.kinds.image_processing._shared import Matrix, _mat
from examgen.model import MatrixSpec, Part, Prompt, Solution, Step
from examgen.mistakes import Mistake
from examgen.params import Param, Schema
from examgen.registry import Kind, register


ELEMENTS: dict[str, list[list[int]]] = {
    "square": [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
    "cross": [[0, 1, 0], [1, 1, 1], [0, 1, 0]],
    "hline": [[0, 0, 0], [1, 1, 1], [0, 0, 0]],
    "vline": [[0, 1, 0], [0, 1, 0], [0, 1, 0]],
}
OPERATIONS = ("erosion", "dilation", "opening", "closing")


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
                       choices=OPERATIONS),
    "element": Param("str", "3×3 structuring element centred on the pixel", choices=tuple(ELEMENTS)),
}, check=_check_morph)


# ---------------------------------------------------------------- solver
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


# ---------------------------------------------------------------- sampler and prompt
def _binary(m: list[list[Any]]) -> bool:
    return all(v in (0, 1) for row in m for v in row)


def sample_morph(rng: random.Random) -> dict[str, Any]:
    op = pick(rng, OPERATIONS)
    el = pick(rng, ["square", "square", "cross", "cross", "hline", "vline"])
    se = ELEMENTS[el]
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
            out = erode(img, se) if op == "erosion" else dilate(img, se)
            mid = out
        elif op == "opening":
            mid = erode(img, se)
            out = dilate(mid, se)
        else:
            mid = dilate(img, se)
            out = erode(mid, se)
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
                 ELEMENTS[el], [(1, 1)])]
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


# ---------------------------------------------------------------- typical mistakes
def _swapped(params: dict[str, Any]) -> dict[str, Any]:
    """Erosion and dilation swapped (so an opening is computed as a closing and the other way round)."""
    img, se, op = params["image"], ELEMENTS[params["element"]], params["operation"]
    if op in ("erosion", "dilation"):
        return {"": dilate(img, se) if op == "erosion" else erode(img, se)}
    first = dilate(img, se) if op == "opening" else erode(img, se)
    second = erode(first, se) if op == "opening" else dilate(first, se)
    return {"eroded" if op == "opening" else "dilated": first, "result": second}


def _erode_outside_one(img: Matrix, se: Matrix) -> list[list[int]]:
    """Erosion with the pixels outside the image counted as 1 (as OpenCV's default border does)."""
    w = len(img[0])
    padded = [[1] * (w + 2)] + [[1] + list(row) + [1] for row in img] + [[1] * (w + 2)]
    return [row[1:-1] for row in erode(padded, se)[1:-1]]


def _outside_one(params: dict[str, Any]) -> dict[str, Any] | None:
    img, se, op = params["image"], ELEMENTS[params["element"]], params["operation"]
    if op == "dilation":
        return None
    before = dilate(img, se) if op == "closing" else img
    wrong = _erode_outside_one(before, se)
    if wrong == erode(before, se):
        return None  # no foreground touches the border: the convention changes nothing
    if op == "erosion":
        return {"": wrong}
    return {"eroded": wrong, "result": dilate(wrong, se)} if op == "opening" else {"result": wrong}


MISTAKES = (
    Mistake("erosion-dilation-swapped", Bi("把腐蚀和膨胀弄反了（腐蚀要求覆盖的像素全为 1，膨胀只要有一个 1）",
            "swapped erosion and dilation (erosion needs all covered pixels to be 1, dilation any one)"),
            ("Erosion", "Dilation", "Opening, step 1", "Closing, step 1"), _swapped),
    Mistake("outside-counts-as-one", Bi("腐蚀时把图像外的像素当成了 1；本题约定图像外一律按 0",
            "counted pixels outside the image as 1 when eroding; here outside pixels are always 0"),
            ("Erosion", "Opening, step 1", "Closing, step 2"), _outside_one),
)


register(Kind(
    name="morphology", chapter="image-processing", section="calculation", points=6,
    title=Bi("形态学：腐蚀、膨胀、开运算与闭运算", "Morphology: erosion, dilation, opening, closing"),
    summary=Bi("用 3×3 结构元素对小二值图像做腐蚀、膨胀、开运算、闭运算", "Erosion, dilation, opening and closing of a "
               "small binary image with a 3×3 structuring element"),
    conventions=Bi("结构元素以中心为原点；图像外的像素按 0 处理（每一步）；开 = 先腐蚀后膨胀，闭 = 先膨胀后腐蚀",
                   "the element's origin is its centre; outside pixels count as 0 (in every step); opening = erode "
                   "then dilate, closing = dilate then erode"),
    variants=("erosion", "dilation", "opening", "closing", "square / cross / line elements"),
    sample=sample_morph, prompt=prompt_morph, solve=morphology, schema=MORPH_SCHEMA,
    carry_forward=morphology_carry_forward, mistakes=MISTAKES,
    example={"image": [[0, 0, 0, 0, 0], [0, 1, 1, 1, 0], [0, 1, 1, 1, 0], [0, 1, 1, 1, 1], [0, 0, 0, 0, 0]],
             "operation": "opening", "element": "square"},
))
