"""`yolo-output`: YOLOv1 output size.

S×S×(5B + C) and the total number of outputs. Top to bottom: params schema, pure solver, sampler, prompt,
registration."""

from __future__ import annotations

import math
import random
from typing import Any

from examgen.i18n import Bi
from examgen.kinds._common import all_whole, pick
from examgen.model import NumberSpec, Part, Prompt, ShapeSpec, Solution, Step
from examgen.params import Param, Schema
from examgen.mistakes import Mistake
from examgen.registry import Kind, register


YOLO_SCHEMA = Schema({
    "grid": Param("int", "grid size S (S × S cells)", min=1, max=64),
    "boxes": Param("int", "boxes B per cell", min=1, max=16),
    "classes": Param("int", "number of classes C", min=1, max=10000),
})


# ---------------------------------------------------------------- solver
def yolo_output(params: dict[str, Any]) -> Solution:
    s, b, c = params["grid"], params["boxes"], params["classes"]
    depth = 5 * b + c
    total = s * s * depth
    steps = [
        Step(title=Bi("每个框预测 5 个数：x, y, w, h 和置信度", "Each box predicts 5 numbers: x, y, w, h and confidence"),
             formula="5B", work=f"5 dot {b}", result=f"{5 * b}"),
        Step(title=Bi("每个网格单元的输出长度（框 + 类别概率）", "Values per grid cell (boxes + class probabilities)"),
             formula="5B + C", work=f"5 dot {b} + {c}", result=f"{depth}"),
        Step(title=Bi("输出张量尺寸", "Output tensor shape"), part="shape", formula="S times S times (5B + C)",
             work=f"{s} times {s} times ({5 * b} + {c})", result=f"{s} times {s} times {depth}"),
        Step(title=Bi("预测值总数", "Total number of predicted values"), part="total", formula="S^2 (5B + C)",
             work=f"{s}^2 dot {depth}", result=f"{total}"),
    ]
    parts = [
        Part("shape", Bi("输出张量尺寸", "Output tensor shape"), ShapeSpec(3), [s, s, depth]),
        Part("total", Bi("输出的数值总数", "Total number of output values"), NumberSpec(integer=True), total,
             depends_on=("shape",)),
    ]
    return Solution(parts, steps)


def yolo_carry_forward(params: dict[str, Any], part: str, earlier: dict[str, Any]) -> Any:
    """The total follows from the shape the student gave: 8×8×52 → 3328, right if the shape was wrong."""
    shape = earlier.get("shape")
    if part == "total" and isinstance(shape, (list, tuple)) and len(shape) == 3 and all_whole(shape, positive=True):
        return math.prod(int(round(v)) for v in shape)
    return None


# ---------------------------------------------------------------- sampler and prompt
_DATASETS: dict[int, Bi] = {
    20: Bi("PASCAL VOC 数据集（20 类）", "the PASCAL VOC data set (20 classes)"),
    80: Bi("COCO 数据集（80 类）", "the COCO data set (80 classes)"),
    8: Bi("KITTI 数据集（取 8 类）", "the KITTI data set (8 classes)"),
    10: Bi("BDD100K 数据集（10 类）", "the BDD100K data set (10 classes)"),
    15: Bi("DOTA 遥感数据集（15 类）", "the DOTA aerial data set (15 classes)"),
    45: Bi("TT100K 交通标志数据集（取 45 类）", "the TT100K traffic-sign data set (45 classes)"),
    1: Bi("WIDER FACE 人脸数据集（1 类）", "the WIDER FACE data set (1 class: face)"),
}


def sample_yolo(rng: random.Random) -> dict[str, Any]:
    """Mostly custom data sets (for variety), sometimes a named one such as PASCAL VOC."""
    if rng.random() < 0.12:
        return {"grid": rng.randint(3, 20), "boxes": rng.randint(1, 5),
                "classes": pick(rng, list(_DATASETS))}
    return {"grid": rng.randint(3, 20), "boxes": rng.randint(1, 5), "classes": rng.randint(2, 400)}


def prompt_yolo(params: dict[str, Any]) -> Prompt:
    s, b, c = params["grid"], params["boxes"], params["classes"]
    data = _DATASETS.get(c, Bi(f"一个有 {c} 个类别的数据集", f"a data set with {c} class{'es' if c != 1 else ''}"))
    sp = " " if data.zh[0].isascii() else ""
    zh = (f"YOLOv1 把输入图像划分为 ${s} times {s}$ 的网格，每个网格单元预测 $B = {b}$ 个边界框"
          f"（每个框包含 $x, y, w, h$ 和置信度）以及各类别的条件概率。在{sp}{data.zh}上训练时，"
          f"网络最终输出张量的尺寸是多少？一共输出多少个数？")
    en = (f"YOLOv1 divides the input image into an ${s} times {s}$ grid; each cell predicts $B = {b}$ bounding boxes "
          f"(each with $x, y, w, h$ and a confidence) plus conditional class probabilities. Trained on "
          f"{data.en}, what is the shape of the network's output tensor, and how many numbers does it output?")
    return Prompt(Bi(zh, en))


# ---------------------------------------------------------------- typical mistakes
def _with_depth(depth: Any, boxes_min: int = 1) -> Any:
    def wrong(params: dict[str, Any]) -> dict[str, Any] | None:
        if params["boxes"] < boxes_min:  # with one box per cell B(5 + C) is 5B + C: no mistake to see
            return None
        s = params["grid"]
        d = depth(params["boxes"], params["classes"])
        return {"shape": [s, s, d], "total": s * s * d}
    return wrong


MISTAKES = (
    Mistake("box-without-confidence", Bi("每个框只算了 4 个数（x, y, w, h），漏了置信度", "counted 4 numbers per box "
            "(x, y, w, h) and left out the confidence"), "Each box predicts", _with_depth(lambda b, c: 4 * b + c)),
    Mistake("classes-per-box", Bi("每个框都配了一套类别概率 B(5 + C)；YOLOv1 每个网格单元只有一套",
            "gave every box its own class probabilities, B(5 + C); YOLOv1 has one set per cell"),
            "Values per grid cell", _with_depth(lambda b, c: b * (5 + c), boxes_min=2)),
    Mistake("forgot-classes", Bi("漏了 C 个类别概率", "left out the C class probabilities"), "Values per grid cell",
            _with_depth(lambda b, c: 5 * b)),
)


register(Kind(
    name="yolo-output", chapter="detection", section="calculation", points=4,
    title=Bi("YOLOv1 输出尺寸", "YOLOv1 output size"),
    summary=Bi("S×S×(5B + C) 与输出的数值总数", "S×S×(5B + C) and the total number of outputs"),
    conventions=Bi("每个框 5 个数（x, y, w, h，置信度），每个单元一组类别概率", "5 numbers per box (x, y, w, h, confidence), one set of class probabilities per cell"),
    variants=("PASCAL VOC", "COCO", "custom classes / grid / boxes"),
    sample=sample_yolo, prompt=prompt_yolo, solve=yolo_output, schema=YOLO_SCHEMA,
    carry_forward=yolo_carry_forward, example={"grid": 7, "boxes": 2, "classes": 20},
    mistakes=MISTAKES,
))
