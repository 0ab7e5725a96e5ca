"""Key points that tie two things together (an operation and its effect, U-Net and concatenation, a gate and what
it does) found in natural phrasings through `clause_keywords`, while a swapped claim (dilation shrinks, U-Net adds,
the forget gate writes the new information) is not; and segmentation-task-05 without the loose words `each` and
`tell`, which a generic sentence has. Modeled on test_bank_items_with_clause_keywords in test_clause_keywords.py.

Every `True` case below was not found on the bank before these clause keywords (no tied phrase matched it); every
`False` case marked `# was found` was found before. Real bank, real matcher."""

from __future__ import annotations

import pytest

from examgen.bank import find_item
from examgen.keypoints import match_key_points

MORPH = "image-processing-morph-s1"  # 0: dilation expands / thickens, 1: erosion shrinks / thins
UNET = "segmentation-unet-06"        # 1: U-Net concatenates channels, FCN adds
LSTM = "rnn-lstm-13"                 # 0: forget gate discards/keeps, 1: input gate writes new info, 2: output gate
TASK = "segmentation-task-05"        # 1: instance segmentation separates the individuals of a class


def _found(item_id: str, text: str, point: int) -> bool:
    return match_key_points(text, find_item(item_id).parts[0].spec)[point]


@pytest.mark.parametrize("item_id, text, point", [
    (MORPH, "膨胀操作会让前景区域扩大、线条加粗", 0),
    (MORPH, "经过膨胀处理后物体会变粗变大", 0),
    (MORPH, "Dilating the image makes the white regions larger and thicker", 0),
    (MORPH, "After a dilation the foreground regions are bigger", 0),
    (MORPH, "腐蚀处理后前景区域缩小、线条变细", 1),
    (MORPH, "Eroding the image makes the white regions smaller", 1),
    (MORPH, "Erosion peels off a layer of boundary pixels so objects get thinner", 1),
    (UNET, "U-Net 的跳跃连接把编码器和解码器的特征按通道拼接起来，FCN 中则是把特征逐点加起来", 1),
    (UNET, "U-Net 中同层的编码器特征与解码器特征在通道维度上串联；FCN 中对应位置的值求和", 1),
    (UNET, "U-Net's skip connections concatenate the encoder features with the decoder features, while in FCN they "
           "are summed", 1),
    (UNET, "In U-Net the encoder maps are concatenated with the decoder maps; FCN merges them by element-wise addition", 1),
    (UNET, "U-Net fuses the skip features by concatenation along the channels; in FCN they are added", 1),
    (UNET, "U-Net: concatenation; FCN: addition", 1),
    (LSTM, "遗忘门决定保留多少旧的细胞状态", 0),
    (LSTM, "f_t 决定上一时刻的记忆遗忘多少", 0),
    (LSTM, "The forget gate decides how much of the old cell state to keep", 0),
    (LSTM, "The forget gate decides what to forget from the previous cell state", 0),
    (LSTM, "输入门控制把多少候选值加到细胞状态里", 1),
    (LSTM, "The input gate decides which candidate values enter the cell state", 1),
    (LSTM, "The input gate controls what gets added to the memory cell", 1),
    # these three were found before too, by the anywhere word 写入 / candidate that let swaps through: now by a
    # clause that goes on with its subject (after a comma or 'and') and a comma inside brackets that ends nothing
    (LSTM, "输入门 i_t = σ(W_i·[h_{t-1}, x_t] + b_i)，决定把哪些新信息写入细胞状态", 1),
    (LSTM, "输入门，决定写入哪些新的候选值", 1),
    (LSTM, "The input gate is a sigmoid layer and decides which candidate values are stored", 1),
    (LSTM, "输出门决定把细胞状态中的哪些信息输出给隐藏状态", 2),
    (LSTM, "输出门控制细胞状态中有多少内容被输出", 2),
    (LSTM, "The output gate controls which information of the cell state is output as the new hidden state", 2),
    (LSTM, "The output gate multiplies the tanh of the cell state to give h_t", 2),
    (TASK, "Instance segmentation differentiates the individual people of one class", 1),
    (TASK, "Instance segmentation separates the three people into person 1, 2 and 3", 1),
])
def test_natural_phrasings_find_the_point(item_id, text, point):
    assert _found(item_id, text, point) is True


@pytest.mark.parametrize("item_id, text, point", [
    # swapped effects: each operation next to the other's effect
    (MORPH, "膨胀操作会让前景区域缩小；腐蚀操作会让前景区域扩大", 0),
    (MORPH, "膨胀操作会让前景区域缩小；腐蚀操作会让前景区域扩大", 1),
    (MORPH, "Dilating the image makes the regions smaller and thinner, while eroding makes them larger", 0),
    (MORPH, "Dilating the image makes the regions smaller and thinner, while eroding makes them larger", 1),
    (MORPH, "Erosion makes objects bigger and thicker; dilation makes objects smaller and thinner.", 0),
    (MORPH, "Erosion makes objects bigger and thicker; dilation makes objects smaller and thinner.", 1),
    # generic: both operations named, no effect ('large', 'within' are not 'larger', 'thinner')
    (MORPH, "膨胀和腐蚀是形态学的两种基本运算，都用结构元素扫描图像", 0),
    (MORPH, "膨胀和腐蚀是形态学的两种基本运算，都用结构元素扫描图像", 1),
    (MORPH, "Dilation and erosion use a large structuring element within the foreground", 0),
    (MORPH, "Dilation and erosion use a large structuring element within the foreground", 1),
    # U-Net adds, FCN concatenates
    (UNET, "U-Net adds the features, FCN concatenates them", 1),
    (UNET, "U-Net adds instead of concatenating", 1),
    (UNET, "U-Net uses addition instead of concatenation, while FCN concatenates", 1),
    (UNET, "U-Net 用相加的方式融合特征，而 FCN 用通道拼接", 1),
    (UNET, "U-Net 相加，FCN 拼接", 1),
    # one gate doing another's job
    (LSTM, "遗忘门决定哪些新信息写入细胞状态；输入门决定丢弃哪些旧信息", 1),  # was found
    (LSTM, "The forget gate decides which new information is written to the cell state, and the input gate decides "
           "what to discard", 1),  # was found
    (LSTM, "The forget gate decides what new information to store; the input gate is a sigmoid", 1),  # was found
    (LSTM, "The input gate decides how much of the old cell state to keep", 1),  # was found
    (LSTM, "输入门决定输出哪些部分；输出门决定哪些新信息写入细胞状态", 2),  # was found
    (LSTM, "The input gate decides what to output; the output gate decides which new information to write into the "
           "cell state", 2),  # was found
    (LSTM, "遗忘门决定丢弃哪些部分；输出门也使用 sigmoid", 2),  # was found
    (LSTM, "The output gate decides how much of the new candidate is added to the cell state", 2),  # was found
    (LSTM, "The output gate decides how much of the old state to forget", 2),  # was found
    (LSTM, "输入门决定保留多少旧信息；遗忘门决定写入哪些新信息", 0),
    (LSTM, "The input gate decides what to keep from the old cell state; the forget gate decides what new "
           "information is written", 0),
    # generic: the gates named, no role
    (LSTM, "三个门（遗忘门、输入门、输出门）都用 sigmoid，候选值用 tanh", 2),
    (LSTM, "遗忘门、输入门和输出门的输入都是 h_{t-1} 和 x_t，输出在 0 到 1 之间", 0),
    (LSTM, "遗忘门、输入门和输出门的输入都是 h_{t-1} 和 x_t，输出在 0 到 1 之间", 1),
    (LSTM, "遗忘门、输入门和输出门的输入都是 h_{t-1} 和 x_t，输出在 0 到 1 之间", 2),
    (LSTM, "The forget gate, the input gate and the output gate are sigmoid layers with outputs between 0 and 1", 0),
    (LSTM, "The forget gate, the input gate and the output gate are sigmoid layers with outputs between 0 and 1", 1),
    (LSTM, "The forget gate, the input gate and the output gate are sigmoid layers with outputs between 0 and 1", 2),
    (LSTM, "输出门以上一时刻的隐藏状态 h_t-1 和 x_t 为输入", 2),
    # generic sentences that 'each' and 'tell' made count
    (TASK, "Instance segmentation labels each pixel and can tell the class of it.", 1),  # was found
    (TASK, "Semantic and instance segmentation both classify each pixel; they tell us what is in the image", 1),  # was found
])
def test_swapped_or_generic_claims_do_not_find_the_point(item_id, text, point):
    assert _found(item_id, text, point) is False


@pytest.mark.parametrize("text", [
    "Semantic segmentation labels each pixel; instance segmentation also tells each person apart",
    "Instance segmentation tells the objects apart even within one class",
    "Instance segmentation also separates each instance of a class",
    "Instance segmentation can tell which pixels belong to which object",
    "实例分割还要区分同一类别中的每一个个体",
])
def test_task_05_still_finds_a_correct_answer_without_each_and_tell(text):
    assert _found(TASK, text, 1) is True
