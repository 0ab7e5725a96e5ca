"""Audit fixes in the detection, image-processing, rnn, segmentation, transfer, vision-tasks and classic-cv banks:
rubric labels that YAML had cut in half, rubrics that gave full marks to swapped answers or rejected the notes'
own wording, fill blanks that rejected correct spellings, and explanations that said something false.

Every check runs the real grader (`examgen.grading`) on the shipped bank."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from examgen import bank
from examgen.bank import find_item
from examgen.grading import grade, match_key_points

BANK_DIR = Path(bank.__file__).resolve().parent.parent / "question_bank"


def key_points(item_id: str, text: str) -> list[bool]:
    problem = find_item(item_id)
    assert problem is not None, item_id
    return match_key_points(text, problem.parts[0].spec)


def score(item_id: str, text: str) -> float:
    problem = find_item(item_id)
    assert problem is not None, item_id
    return grade(problem, text).to_json("en")["score"]


def item(item_id: str) -> bank.Item:
    return bank.load_bank().by_id()[item_id]


# ---------------------------------------------------------------- rubric labels: one {zh, en} mapping each
def _rubric_points(node, where):
    """Every `point` of every rubric entry found anywhere in a parsed bank file."""
    if isinstance(node, dict):
        if isinstance(node.get("rubric"), list):
            for i, kp in enumerate(node["rubric"]):
                yield f"{where}/{node.get('id', '?')}/rubric[{i}]", kp.get("point") if isinstance(kp, dict) else kp
        for key, value in node.items():
            yield from _rubric_points(value, where)
    elif isinstance(node, list):
        for value in node:
            yield from _rubric_points(value, where)


def test_every_rubric_label_of_the_shipped_bank_is_one_zh_en_mapping():
    files = sorted(BANK_DIR.glob("*.yaml"))
    assert files
    bad, seen = [], 0
    for path in files:
        for where, point in _rubric_points(yaml.safe_load(path.read_text(encoding="utf-8")), path.name):
            seen += 1
            ok = (isinstance(point, dict) and set(point) == {"zh", "en"}
                  and all(isinstance(point[lg], str) and point[lg].strip() for lg in ("zh", "en")))
            if not ok:
                bad.append((where, point))
    assert seen > 100  # the walk really reached the rubrics
    assert bad == []


@pytest.mark.parametrize("item_id, index, zh, en", [
    ("detection-stage-06", 0, "两阶段先生成候选区域再分类回归",
     "Two-stage first generates region proposals, then classifies/regresses"),
    ("detection-stage-06", 2, "单阶段（YOLO）直接回归，速度快可实时", "One-stage (YOLO) regresses directly, fast and real-time"),
    ("detection-yoloidea-05", 0, "检测转化为回归，一个 CNN 处理整张图像",
     "Detection as regression with one CNN over the whole image"),
    ("detection-yoloidea-05", 1, "S×S 网格，物体中心所在网格负责",
     "S×S grid; the cell containing the object centre is responsible"),
    ("detection-yololim-04", 1, "每个网格只预测一个类别，重叠物体难以处理", "One class per cell; overlapping objects are hard"),
    ("detection-yololim-04", 3, "长宽比单一，泛化差", "Limited aspect ratios, poor generalisation"),
    ("detection-nms-06", 0, "按得分排序，保留得分最高的框", "Sort by score and keep the highest-scoring box"),
    ("image-processing-operators-s1", 2, "Sobel 中心权重为 2，平滑/抗噪更强",
     "Sobel weights the centre by 2, so it smooths / resists noise more"),
    ("image-processing-otsu-s1", 1, "类间方差公式，w 为两类像素比例",
     "Between-class variance formula with w as class proportions"),
    ("image-processing-otsu-s1", 2, "遍历所有阈值，取 g 最大者", "Try every threshold and take the one with maximum g"),
    ("segmentation-task-05", 1, "语义分割不区分同类个体，实例分割要区分每个个体",
     "Semantic segmentation does not separate objects of one class; instance segmentation separates every individual"),
    ("segmentation-loss-06", 1, "类别不均衡，用加权交叉熵", "Class imbalance, handled with weighted cross-entropy"),
    ("segmentation-loss-06", 2, "难易样本，用 focal loss", "Easy vs hard examples, handled with focal loss"),
    ("segmentation-unet-06", 1, "U-Net 通道拼接，FCN 对应像素相加", "U-Net concatenates channels; FCN adds pixel-wise"),
    ("segmentation-unetpp-06", 0, "嵌套密集跳跃连接，类似 DenseNet", "Nested dense skip connections like DenseNet"),
    ("segmentation-unetpp-06", 1, "深度监督，多个位置计算损失", "Deep supervision with losses at several positions"),
    ("segmentation-unetpp-06", 2, "各子网络单独监督，推理时可按速度需求剪枝",
     "Sub-networks supervised separately, so they can be pruned at inference for speed"),
    ("segmentation-dilated-07", 0, "在卷积核元素间插入空洞，由空洞率控制",
     "Holes inserted between kernel taps, controlled by the dilation rate"),
    ("segmentation-dilated-07", 2, "不需要池化，不降低分辨率/不丢失信息",
     "No pooling needed, so resolution/information is not lost"),
    ("transfer-methods-s1", 0, "特征提取：冻结预训练层，只训练新分类器",
     "Feature extraction: freeze pre-trained layers, train only a new classifier"),
    ("vision-tasks-four-s1", 2, "语义分割逐像素分类，只分类别", "Semantic segmentation classifies every pixel, classes only"),
])
def test_labels_that_yaml_had_cut_are_whole_again(item_id, index, zh, en):
    label = find_item(item_id).parts[0].spec.key_points[index].text
    assert (label.zh, label.en) == (zh, en)


# ---------------------------------------------------------------- swapped answers no longer score full marks
def test_openclose_s1_ties_each_operation_to_its_order():
    swapped = "开运算是先膨胀后腐蚀，可以填充小洞；闭运算是先腐蚀后膨胀，可以去除小物体"
    found = key_points("image-processing-openclose-s1", swapped)
    assert found[0] is False and found[2] is False  # the two order points
    assert score("image-processing-openclose-s1", swapped) < 1.0
    for text in ("开运算：先腐蚀后膨胀，去除小物体；闭运算（先膨胀后腐蚀）填充小洞",
                 "开运算就是先腐蚀再膨胀，去除噪点；闭运算就是先膨胀再腐蚀，填充小孔",
                 "Opening: erosion then dilation, removes small objects. Closing = dilation then erosion, fills holes.",
                 "Opening (erosion followed by dilation) removes noise; closing (dilation followed by erosion) fills gaps",
                 "Opening erodes first and removes small noise; closing dilates first and fills small holes"):
        assert key_points("image-processing-openclose-s1", text) == [True] * 4, text


def test_nms_06_needs_iou_above_the_threshold():
    assert key_points("detection-nms-06", "删除与它 IoU 小于阈值的框")[1] is False
    assert key_points("detection-nms-06", "remove the boxes whose IoU with it is below the threshold")[1] is False
    for text in ("删除与它 IoU 大于阈值的框", "删除与它重叠超过阈值的框", "remove boxes whose IoU > threshold",
                 "delete boxes whose overlap with it exceeds the threshold", "IoU greater than the threshold: delete"):
        assert key_points("detection-nms-06", text)[1] is True, text


def test_morph_s1_ties_each_effect_to_its_operation():
    for swapped in ("膨胀使物体收缩变细；腐蚀使物体扩张变粗",
                    "Dilation makes objects shrink and thinner; erosion makes objects expand and thicker"):
        assert key_points("image-processing-morph-s1", swapped) == [False, False], swapped
        assert score("image-processing-morph-s1", swapped) == 0.0
    for text in ("膨胀使物体扩张变粗；腐蚀使物体收缩变细", "膨胀：物体变大变粗；腐蚀：物体变小变细",
                 "膨胀会使物体变大，腐蚀会使物体变小",
                 "Dilation expands objects and makes them thicker; erosion shrinks objects and makes them thinner",
                 "Dilation grows the foreground objects; erosion shrinks the objects"):
        assert key_points("image-processing-morph-s1", text) == [True, True], text


def test_unet_06_ties_concatenation_to_unet_and_addition_to_fcn():
    for swapped in ("U-Net adds, FCN concatenates", "U-Net 相加，FCN 拼接"):
        assert key_points("segmentation-unet-06", swapped)[1] is False, swapped
    for text in ("U-Net concatenates channels while FCN adds pixel-wise", "U-Net 用通道拼接，FCN 是对应像素相加",
                 "UNet 是拼接，FCN 是相加", "skip connections are concatenated in U-Net, whereas FCN adds"):
        assert key_points("segmentation-unet-06", text)[1] is True, text


# ---------------------------------------------------------------- the notes' own wording earns the point
def test_gate_06_accepts_gates_near_0_or_1():
    for text in ("门使用 sigmoid 函数，输出接近0或1", "门用 sigmoid，输出为 0 或者 1 附近的值",
                 "the gates use a sigmoid, so they are close to 0 or close to 1", "sigmoid gates near 0 or near 1"):
        assert key_points("rnn-gate-06", text)[0] is True, text
    assert key_points("rnn-gate-06", "门使用 tanh，输出接近0或1")[0] is False  # sigmoid is still required


def test_lstm_13_input_and_output_gate_in_the_notes_words():
    for text in ("输入门决定放入哪些内容", "输入门决定更新哪些值", "输入门决定存入细胞状态的内容",
                 "the input gate decides what to store in the cell state",
                 "the input gate decides which values to update", "the input gate adds the candidate to the cell"):
        assert key_points("rnn-lstm-13", text)[1] is True, text
    for text in ("输出门决定输出哪个部分", "输出门决定细胞状态将输出什么", "输出门决定输出多少",
                 "the output gate decides what to output", "the output gate decides how much of the cell state goes out",
                 "the output gate decides what parts of the cell state are shown"):
        assert key_points("rnn-lstm-13", text)[2] is True, text
    # the short words do not make the point free for an answer about another gate
    for text in ("遗忘门决定丢弃哪些信息并更新细胞状态；输入门和输出门也都使用 sigmoid。",
                 "LSTM 加入了遗忘门、输入门和输出门，遗忘门添加了保留长期记忆的能力。",
                 "The forget gate decides what to drop and the cell state is updated by adding; the input gate and the "
                 "output gate use sigmoid too; the cell state stores long-term memory."):
        assert key_points("rnn-lstm-13", text)[1] is False, text
    assert key_points("rnn-lstm-13", "The forget gate decides how much of the old state to keep; the output gate "
                                     "uses a sigmoid.")[2] is False


@pytest.mark.parametrize("text", ["候选值取值在 -1~1 之间", "取值 −1~1", "候选值范围为 -1～1", "范围是 －1～1",
                                  "取值 -1至1 之间的实数"])
def test_lstm_14_accepts_tilde_ranges(text):
    assert key_points("rnn-lstm-14", text)[2] is True


# ---------------------------------------------------------------- fill blanks accept the correct spellings
@pytest.mark.parametrize("item_id, answer", [
    ("image-processing-canny-02", "non maximum suppression; dual-threshold"),
    ("image-processing-canny-02", "non-maximal suppression; double threshold"),
    ("image-processing-canny-02", "非最大值抑制；双阈值法"),
    ("rnn-basics-03", "上一时刻的隐藏状态"),
    ("rnn-basics-03", "隐层状态"),
    ("rnn-basics-03", "隐藏层状态"),
    ("rnn-basics-03", "previous hidden state"),
    ("rnn-basics-03", "h(t-1)"),
    ("rnn-basics-03", "h_t-1"),
    ("transfer-when-05", "数据集大小；相似度"),
    ("transfer-when-05", "数据规模；差异程度"),
    ("transfer-when-05", "size; difference"),
])
def test_fill_blanks_accept_correct_spellings(item_id, answer):
    assert score(item_id, answer) == 1.0


def test_fill_blanks_still_reject_wrong_answers():
    assert score("image-processing-canny-02", "non maximum suppression; hysteresis") == 0.5
    assert score("rnn-basics-03", "cell state") == 0.0
    assert score("transfer-when-05", "size; difficulty") == 0.5


# ---------------------------------------------------------------- explanations and options that said something false
def test_openclose_02_no_longer_says_closing_enlarges_dots():
    expl = item("image-processing-openclose-02").explanation
    assert "闭运算去不掉噪点" in expl.zh and "闭运算和膨胀反而会放大噪点" not in expl.zh
    assert "closing does not remove them" in expl.en and "closing or dilation would enlarge" not in expl.en


@pytest.mark.parametrize("item_id", ["segmentation-spp-01", "segmentation-spp-05"])
def test_spp_explanations_read_the_notes_as_lost_asterisks(item_id):
    expl = item(item_id).explanation
    assert "「4*4、16*16、全局」丢了星号" in expl.zh and "排版错误" not in expl.zh
    assert '"4*4, 16*16, global" with the asterisks lost' in expl.en and "garbled" not in expl.en
    assert "4×4、2×2、1×1" in expl.zh and "4×4, 2×2, 1×1" in expl.en


def test_template_03_option_b_says_zero_mean_ncc():
    option_b = item("classic-cv-template-03").options[1]
    assert option_b.zh.startswith("零均值归一化互相关（先减去均值的 NCC）")
    assert option_b.en.startswith("Zero-mean normalised cross-correlation (NCC with the means subtracted)")


@pytest.mark.parametrize("text, found", [
    ("等效卷积核更大", False), ("effectively larger", False),   # the word alone, no formula: the point is the formula
    ("等效尺寸 F + (F − 1)(d − 1)", True), ("effective size (k-1)*d+1", True), ("k' = k + (k−1)(r−1)", True),
    ("d(k-1)+1", True),
])
def test_dilated_effective_kernel_point_needs_the_formula(text, found):
    assert key_points("segmentation-dilated-07", text)[3] is found
