"""`otsu`: Otsu thresholding.

Try every threshold; keep the one with the largest between-class variance. Top to bottom: params schema, pure
solver, sampler, prompt, registration."""

from __future__ import annotations

import random
from typing import Any

from examgen.errors import ParamError
from examgen.i18n import Bi
from examgen.kinds._common import grid, pick, table
from examgen.mathfmt import num, round_answer
from examgen.model import NumberSpec, Part, Prompt, Solution, Step
from examgen.params import Param, Schema
from examgen.registry import Kind, register


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
    if image is not None and histogram_of(image) != [[lv, n] for lv, n in params["histogram"] if n > 0]:
        raise ParamError("the histogram does not match the image")


OTSU_SCHEMA = Schema({
    "histogram": Param("pairs", "list of [gray level, pixel count]", min=0),
    "image": Param("matrix", "the image the histogram was counted from (optional, shown to the student)",
                   optional=True),
}, check=_check_otsu)


# ---------------------------------------------------------------- solver
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


# ---------------------------------------------------------------- sampler and prompt
def _unique_best(hist: list[list[int]]) -> bool:
    table_rows = otsu_table(hist)
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
            hist = histogram_of(image)
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
    sample=sample_otsu, prompt=prompt_otsu, solve=otsu, schema=OTSU_SCHEMA,
    example={"histogram": [[0, 2], [1, 5], [2, 3], [3, 1], [4, 1], [5, 4], [6, 6], [7, 2]]},
))
