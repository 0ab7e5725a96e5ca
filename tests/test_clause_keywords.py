"""Key points whose claim counts only next to what it is about: `clause_keywords` must all be found in one clause
of the answer (split at ，。；;!?, '. ', and/but/while/whereas, 而/但), as an alternative to `keywords` anywhere."""

from __future__ import annotations

import pytest

from examgen.bank import find_item
from examgen.keypoints import clauses, match_key_points
from examgen.i18n import Bi
from examgen.model import KeyPoint, RubricSpec


def test_clauses_split_where_a_claim_ends():
    assert clauses("L1 加入绝对值之和，产生稀疏；L2 加入平方和。Use Xavier for tanh and He for ReLU, while 0.5 stays") == [
        "l1加入绝对值之和", "产生稀疏", "l2加入平方和", "usexavierfortanh", "heforrelu", "0.5stays"]
    assert clauses("P = TP/(TP+FP). R = 0.75") == ["p=tp/(tp+fp)", "r=0.75"]  # '. ' ends a sentence, 0.75 stays
    assert clauses("L1 使权重变为 0，从而产生稀疏；开运算先腐蚀而后膨胀") == ["l1使权重变为0", "从而产生稀疏", "开运算先腐蚀", "后膨胀"]
    assert clauses("池化不但减小尺寸，但也丢失位置") == ["池化不但减小尺寸", "也丢失位置"]  # 不但 'not only'
    assert clauses("L1 正则因而产生稀疏解，进而起到特征选择的作用") == ["l1正则因而产生稀疏解", "进而起到特征选择的作用"]


def test_a_separator_inside_brackets_ends_no_clause():
    assert clauses("输入门 i_t = σ(W_i·[h_{t-1}, x_t] + b_i)；输出门 o_t") == ["输入门i_t=σ(w_i·[h_{t-1},x_t]+b_i)", "输出门o_t"]


@pytest.mark.parametrize("text, want", [
    ("输入门，决定写入哪些新信息", ["输入门决定写入哪些新信息"]),              # the subject left out after a comma
    ("遗忘门是一个 sigmoid 层，它决定丢弃什么", ["遗忘门是一个sigmoid层它决定丢弃什么"]),
    ("The input gate is a sigmoid layer and decides what is written", ["theinputgateisasigmoidlayerdecideswhatiswritten"]),
    ("The input gate, which is a sigmoid, controls the writing", ["theinputgatewhichisasigmoidcontrolsthewriting"]),
    ("遗忘门，决定丢弃；输入门，决定写入", ["遗忘门决定丢弃", "输入门决定写入"]),     # not across a hard end
    ("Roberts 模板最小，只有 2×2", ["roberts模板最小只有2×2"]),
    ("Sobel 抗噪性更好，因为中心像素权重更大", ["sobel抗噪性更好因为中心像素权重更大"]),   # a reason goes on too
    ("Opening = erode, then dilate; closing", ["opening=erodethendilate", "closing"]),  # and the next step
    ("开运算：先做腐蚀，再做膨胀，消除小物体", ["开运算:先做腐蚀再做膨胀", "消除小物体"]),
    ("Xavier 适用于 ReLU，He 适用于 tanh", ["xavier适用于relu", "he适用于tanh"]),  # a new subject: a new clause
])
def test_a_clause_that_goes_on_with_its_subject_stays_with_it(text, want):
    assert clauses(text) == want


_XAVIER = RubricSpec((KeyPoint(Bi("Xavier 适用于 tanh", "Xavier suits tanh"), 1.0, (("never-typed",),),
                               (("xavier", "glorot"), ("tanh", "sigmoid"))),))


@pytest.mark.parametrize("text, found", [
    ("Xavier 适用于 tanh；He 适用于 ReLU", True),
    ("He 适用于 ReLU，Xavier 适用于 tanh", True),
    ("Glorot initialization suits sigmoid networks", True),
    ("Xavier 适用于 ReLU，He 适用于 tanh", False),         # the classic swap
    ("Xavier suits ReLU, while He suits tanh", False),
    ("Xavier suits ReLU. He suits tanh.", False),
    ("Use Xavier for ReLU and He for tanh", False),
    ("Xavier 和 He 分别适用于 ReLU 和 tanh", False),          # 'respectively': the order decides, not checked
    ("Xavier and He suit ReLU and tanh respectively", False),
])
def test_clause_keywords_count_only_in_one_clause(text, found):
    assert match_key_points(text, _XAVIER) == [found]


def test_keywords_anywhere_still_count():
    spec = RubricSpec((KeyPoint(Bi("x", "x"), 1.0, (("xavier",), ("tanh",)), (("never",),)),))
    assert match_key_points("Xavier suits ReLU, He suits tanh", spec) == [True]


@pytest.mark.parametrize("item_id, text, point, found", [
    ("training-init-08", "Xavier（Glorot）这种初始化比较适合 tanh 或 sigmoid；He 初始化适用于 ReLU", 1, True),
    ("training-init-08", "Glorot initialization is the usual choice for tanh networks; He for ReLU", 1, True),
    ("training-init-08", "Xavier suits ReLU. He suits tanh and sigmoid.", 1, False),
    ("training-metrics-09", "精确率（即查准率）的计算为 TP/(TP+FP)；召回率（查全率）计算为 TP/(TP+FN)", 0, True),
    ("training-metrics-09", "精确率（即查准率）的计算为 TP/(TP+FP)；召回率（查全率）计算为 TP/(TP+FN)", 1, True),
    ("training-metrics-09", "Precision is computed as TP/(TP+FN). Recall is computed as TP/(TP+FP).", 0, False),
    ("training-reg-09", "L1 正则项把权重绝对值之和加到损失里会产生稀疏解；L2 正则项把权重的平方和加到损失里让权重变小", 0, True),
    ("training-reg-09", "L1 正则项把权重绝对值之和加到损失里会产生稀疏解；L2 正则项把权重的平方和加到损失里让权重变小", 1, True),
    ("training-reg-09", "L1 uses the squares and keeps weights small; L2 uses absolute values and gives sparse weights",
     0, False),
    ("image-processing-openclose-s1", "Opening applies an erosion first and then a dilation", 0, True),
    ("image-processing-openclose-s1", "Opening applies a dilation first and then an erosion", 0, False),
])
def test_bank_items_with_clause_keywords(item_id, text, point, found):
    """Phrasings no list of tied phrases had (they fail on the bank before clause_keywords), and swaps."""
    assert match_key_points(text, find_item(item_id).parts[0].spec)[point] is found
