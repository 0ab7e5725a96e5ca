"""Audited short-answer rubrics of cnn.yaml and training.yaml: answers that swap or negate a claim lose its key
point, while the reference answers and common correct phrasings still earn full marks (real bank, real grader)."""

from __future__ import annotations

import pytest

from examgen.bank import find_item, load_bank
from examgen.grading import grade, match_key_points


def found(item_id: str, text: str) -> list[bool]:
    return grade(find_item(item_id), text).parts[0].key_points


def full(item_id: str, text: str) -> bool:
    v = grade(find_item(item_id), text)
    return v.earned == v.max_points


# (item, wrong answer, key points it must now miss)
WRONG = [
    ("training-metrics-09", "精确率 = TP/(TP+FN)，表示实际为阳性的样本中被预测为阳性的比例；召回率 = TP/(TP+FP)，表示预测为阳性的"
     "样本中实际为阳性的比例。类别不均衡时准确率被多数类主导。", [0, 1]),
    ("training-metrics-09", "Precision = TP/(TP+FN): the fraction of actual positives predicted as positive. Recall = "
     "TP/(TP+FP): the fraction of predicted positives that are actually positive.", [0, 1]),
    ("cnn-resdeg-s01", "网络加深后准确率下降。这是过拟合，因为训练误差下降而测试误差上升", [1]),
    ("cnn-resdeg-s01", "Deeper networks get worse accuracy. This is overfitting: the training error decreases while the "
     "test error rises.", [1]),
    ("training-overfit-13", "早停：当训练误差上升时停止训练", [1]),
    ("training-overfit-13", "Early stopping: stop training when the training error starts to rise.", [1]),
    ("cnn-resid-s01", "反向传播时残差结构缓解了梯度消失问题。", [1]),
    ("cnn-resid-s01", "In backpropagation the shortcut helps against vanishing gradients.", [1]),
    ("training-reg-09", "L1 加入平方和使权重变小；L2 加入绝对值之和产生稀疏。弹性网络结合两者。", [0, 1]),
    ("training-reg-09", "L1 adds the sum of squared weights and keeps them small; L2 adds the sum of absolute values "
     "and gives sparse weights. Elastic net combines both.", [0, 1]),
    ("training-init-08", "全零初始化使神经元相同，无法打破对称性。Xavier 适用于 ReLU，He 适用于 sigmoid/tanh", [1, 2]),
    ("training-init-08", "Zero init makes the neurons identical, so symmetry is not broken. Xavier suits ReLU, while He "
     "suits sigmoid and tanh.", [1, 2]),
    ("cnn-sigmoid-s01", "sigmoid 没有饱和区，不会梯度消失；输出以0为中心；含指数运算，计算量大。", [0, 1]),
    ("cnn-sigmoid-s01", "sigmoid 不存在饱和区，也不会导致梯度消失；输出以 0 为中心。", [0, 1]),
    ("cnn-sigmoid-s01", "Sigmoid does not saturate, so there are no vanishing gradients; its output is zero-centered; "
     "it needs an exponential.", [0, 1]),
]


@pytest.mark.parametrize("item_id,text,missed", WRONG)
def test_swapped_or_negated_claims_lose_their_key_points(item_id, text, missed):
    kp = found(item_id, text)
    assert not any(kp[i] for i in missed), kp


# correct answers that must score full marks (besides the reference answers)
RIGHT = [
    ("training-metrics-09", "精确率 = TP / (TP + FP)，即预测为正的样本中真正为正的比例；召回率 = TP / (TP + FN)，即实际为正的样本中"
     "被找出的比例。类别不均衡时，准确率会被多数类主导。"),
    ("training-metrics-09", "精确率（P）＝TP／（TP＋FP），召回率（R）＝TP／（TP＋FN）。样本不平衡时只看准确率会误导。"),
    ("training-metrics-09", "Precision (P) = TP/(TP+FP) and recall (R) = TP/(TP+FN). With imbalanced classes accuracy "
     "is dominated by the majority class."),
    ("cnn-resdeg-s01", "退化是指网络加深后准确率饱和然后下降。它不是过拟合，因为训练误差也上升了。"),
    ("cnn-resdeg-s01", "更深的网络准确率反而下降；并非过拟合：更深网络的训练误差更高。"),
    ("cnn-resdeg-s01", "With more depth accuracy saturates and then drops. It is not overfitting because the training "
     "error also increases."),
    ("cnn-resdeg-s01", "Accuracy degrades for deeper nets, but this isn't overfitting: even the training error "
     "increases."),
    ("training-overfit-13", "用验证集评估泛化能力；早停是在验证集损失不再下降、开始上升时停止训练；交叉验证采用 k 折轮流验证并取平均。"),
    ("training-overfit-13", "The validation set evaluates generalization. Early stopping: stop training when the "
     "validation loss no longer improves or starts to increase. Cross-validation uses k-fold and averages."),
    ("cnn-resid-s01", "正向：捷径把输入直接传到后面的层。反向：梯度为 ∂L/∂H·(1+∂F/∂x)，有 +1 项，不会消失。因此很深的网络也容易收敛。"),
    ("cnn-resid-s01", "Forward: the identity shortcut passes the input directly. Backward: the gradient contains a +1 "
     "term so it does not vanish. So very deep networks still converge."),
    ("cnn-rf-s01", "感受野是输入中影响该神经元输出的区域，由卷积核的大小和步幅确定。卷积核是提取特征的权重矩阵，参数通过反向传播学习得到。"),
    ("cnn-rf-s01", "The receptive field is the input region that affects a neuron; it depends on the size of the "
     "kernel and the stride of each layer. A kernel is a weight matrix that extracts features; its weights are "
     "learned by backprop."),
    ("training-reg-09", "L1 正则化加入权重绝对值之和，会产生稀疏权重；L2 正则化加入权重平方和，使权重变小，即权重衰减。弹性网络结合了 L1 和 L2。"),
    ("training-reg-09", "L1 正则是在损失函数上加 λΣ|w|，容易让很多权重为 0，起到特征选择的作用；L2 正则是加 λΣw²，让权重整体较小。"
     "弹性网络是两者的组合。"),
    ("training-reg-09", "L1：惩罚权重的绝对值之和，得到稀疏解；L2：惩罚权重的平方和，权重衰减。弹性网络同时使用 L1 和 L2（两者结合）。"),
    ("training-reg-09", "L1 正则化的惩罚项是权重的绝对值之和，容易产生稀疏权重；L2 正则化的惩罚项是权重的平方和，使权重较小。弹性网络把两者结合。"),
    ("training-reg-09", "L1 regularization adds the sum of absolute values of the weights and produces sparse weights; "
     "L2 regularization adds the sum of squared weights and keeps the weights small (weight decay). Elastic net "
     "combines both."),
    ("training-reg-09", "L1 adds λΣ|w| to the loss, which drives many weights to zero; L2 adds λΣw², which shrinks "
     "weights (weight decay). The elastic net is a combination of L1 and L2."),
    ("training-reg-09", "L1: penalty on the absolute values of the weights, giving sparse solutions. L2: penalty on "
     "the squares, giving small weights. Elastic net: both combined."),
    ("training-reg-09", "L1 penalizes the absolute values of the weights and makes many of them exactly zero (sparse). "
     "L2 penalizes the squared weights, giving small weights. Elastic net combines both penalties."),
    ("training-init-08", "全零初始化时同层神经元输出相同、梯度相同，无法打破对称性。Xavier 初始化适用于 sigmoid 和 tanh，He 初始化适用于 ReLU。"),
    ("training-init-08", "权重全为0会导致对称性问题，所有神经元学到一样的东西。Xavier 适合 tanh/sigmoid 这类激活函数；He（Kaiming）初始化适合 ReLU。"),
    ("training-init-08", "若都初始化为 0，各神经元完全相同，对称性无法打破。sigmoid、tanh 用 Xavier 初始化，ReLU 用 He 初始化。"),
    ("training-init-08", "全 0 初始化使所有神经元相同（对称）。Xavier 主要用于 tanh；Kaiming 初始化用于 ReLU。"),
    ("training-init-08", "With all-zero weights every neuron computes the same output and gets the same gradient, so "
     "symmetry is never broken. Xavier initialization is suited to sigmoid and tanh, while He initialization is "
     "suited to ReLU."),
    ("training-init-08", "Zero init makes all neurons identical (the symmetry problem). Use Xavier for tanh/sigmoid "
     "and He (Kaiming) for ReLU."),
    ("training-init-08", "If all weights are 0 the neurons stay the same, symmetry. Xavier works well with tanh and "
     "sigmoid; He init is designed for ReLU."),
    ("training-init-08", "All-zero weights keep the neurons identical, a symmetry that is never broken. Xavier "
     "(Glorot) suits tanh-like activations; Kaiming suits ReLU."),
    ("cnn-sigmoid-s01", "sigmoid 容易饱和，输入很大或很小时梯度接近 0，导致梯度消失；输出不是以 0 为中心的，收敛慢；含有指数运算，计算量大。"),
    ("cnn-sigmoid-s01", "① 两端饱和区导数趋于 0，深层网络容易梯度消失；② 输出恒为正，非零中心；③ 指数计算开销大。"),
    ("cnn-sigmoid-s01", "sigmoid 的导数最大只有 0.25，多层相乘后出现梯度消失，在饱和区尤其严重；其输出不是零均值的；并且要计算指数。"),
    ("cnn-sigmoid-s01", "存在饱和区，梯度接近 0，导致梯度消失；输出不是 0 中心的，收敛较慢；含指数运算，计算量大。"),
    ("cnn-sigmoid-s01", "Sigmoid saturates for large |x|, so the gradient is close to 0 and vanishing gradients occur "
     "in deep networks; its output is not zero-centered, which slows convergence; and computing the exponential is "
     "expensive."),
    ("cnn-sigmoid-s01", "Saturation: in the flat regions the derivative approaches 0, causing vanishing gradients. "
     "Outputs are not zero-centred (always positive). Exponentials are costly."),
    ("cnn-sigmoid-s01", "The derivative is at most 0.25, so gradients vanish through many saturated layers; outputs "
     "are always positive rather than zero-mean; the exponential is expensive to compute."),
    ("cnn-sigmoid-s01", "It saturates at both ends, which leads to vanishing gradients; the output is "
     "non-zero-centered, so updates zig-zag; the exponential is slow."),
]


@pytest.mark.parametrize("item_id,text", RIGHT)
def test_correct_phrasings_earn_full_marks(item_id, text):
    assert full(item_id, text), found(item_id, text)


AUDITED = sorted({i for i, _, _ in WRONG} | {i for i, _ in RIGHT} | {"training-vanish-11"})


@pytest.mark.parametrize("item_id", AUDITED)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reference_answers_earn_full_marks(item_id, lang):
    assert full(item_id, load_bank().by_id()[item_id].answer[lang])


@pytest.mark.parametrize("text,expected", [
    ("好的参数初始化和批量归一化可以稳定梯度。", True),
    ("使用批量标准化（BN）。", True),
    ("每个卷积层后加 BN 层。", True),
    ("Add BN layers after each convolution.", True),
    ("Abnormally large gradients come from a subnetwork.", False),  # 'bn' inside words is not batch norm
])
def test_vanish_batch_norm_point(text, expected):
    assert found("training-vanish-11", text)[3] is expected


def test_optimizer_texts_name_the_second_moment_correctly():
    items = load_bank().by_id()
    texts = [items["training-optim-04"].explanation, items["training-optim-08"].options[1]]
    for t in texts:
        assert "梯度平方的二阶矩" not in t.zh and "second moment of the squared" not in t.en
        assert "梯度平方的指数滑动平均" in t.zh


def test_xavier_texts_do_not_call_sigmoid_zero_centred():
    items = load_bank().by_id()
    explanation, answer = items["training-init-02"].explanation, items["training-init-08"].answer
    for zh, en in [(explanation.zh, explanation.en), (answer["zh"], answer["en"])]:
        assert "sigmoid 这类" not in zh and "sigmoid、tanh 这类" not in zh
        assert "such as tanh and sigmoid" not in en and "like sigmoid and tanh" not in en
        assert "也常用于 sigmoid" in zh and "also commonly used with sigmoid" in en


def test_hough_concept_name_is_whole():
    name = load_bank().concepts["ccv-hough"].name
    assert name.zh == "霍夫变换（参数空间投票，ρ–θ 直线形式）"
    assert name.en == "Hough transform (voting in parameter space, ρ–θ line form)"


@pytest.mark.parametrize("item_id, text, point, found", [
    # PReLU is a fix for dying ReLU as much as Leaky ReLU is
    ("cnn-relu-s01", "缺点：神经元可能死亡（dead ReLU）；改进：PReLU", 3, True),
    # the notes wrongly say a global convolution has fewer parameters: repeating that loses the point
    ("cnn-gconv-s01", "用100个12×12×20的卷积核，输出1×1×100，权重288000，比全连接层少，适合全卷积", 2, False),
    ("cnn-gconv-s01", "用100个12×12×20的卷积核，输出1×1×100，权重288000个，和全连接层一样", 2, True),
    ("cnn-gconv-s01", "100 kernels of 12×12×20 give 1×1×100; 288000 weights, the same as the FC layer", 2, True),
    # weight decay is L2 regularization, named or not
    ("training-overfit-12", "早停；数据增强；权重衰减：在损失里加权重平方和；dropout", 2, True),
    ("training-overfit-12", "early stopping; augmentation; regularization with a weight penalty; dropout", 2, True),
])
def test_audit_follow_ups(item_id, text, point, found):
    problem = find_item(item_id)
    assert match_key_points(text, problem.parts[0].spec)[point] is found
