"""Short answers that say the opposite of the key (a property given to the wrong entity, a claim negated, "X, not Y"
turned into "Y, not X") lose the key point they reverse, while correct phrasings, including ones students really
write, keep it. The points changed here and how:

- training-vanish-12 #0 (gates mitigate vanishing gradients, not overfitting): found by the verdict ("不准确",
  "wrong", "not overfitting" …) with vanishing gradients anywhere, or by vanishing gradients in one clause with the
  gates / "真正" / "mainly" / a positive verb; "the claim is accurate: … overfitting, not vanishing gradients" no.
- cnn-pool-s01 #1 (downsampling shrinks the maps) and #3 (helps against overfitting): `deny_negated`; #3 also ties
  overfitting to a verb that reduces it in one clause ("减少计算量，但不能防止过拟合" no longer counts).
- image-processing-operators-s1 #0 Roberts ↔ 2×2 / diagonal, #1 Prewitt/Sobel ↔ 3×3, #2 Sobel ↔ centre weight:
  clause keywords, and for #2 a list entry "Sobel：3×3，… 权重为 2 …" or "Sobel 的抗噪 …" anywhere.
- rnn-gru-08 #0 update gate ↔ merging forget + input gates; rnn-lstm-14 #0 forget gate ↔ old cell state and #1 input
  gate ↔ candidate; training-optim-09 #1 RMSProp ↔ squared gradients: clause keywords.
- image-processing-openclose-s1 #0/#2 the order: 先腐后膨 / 先膨后腐 and arrow forms, `deny_negated` ("不是腐蚀再膨胀";
  "不是先腐蚀再膨胀" still finds it through 腐蚀再膨胀); transfer-methods-s1, rnn-lstm-13 #2, rnn-gate-06 (σ(, adding,
  "is 1"; #1 additive update `deny_negated`): synonyms for phrasings that lost points.

A swap marked `# was found` found its point on the bank before this change (checked against the YAML of HEAD); a
correct phrasing marked `# new` did not. Real bank, real matcher."""

from __future__ import annotations

import pytest

from examgen.bank import find_item, load_bank
from examgen.grading import grade
from examgen.keypoints import match_key_points

VAN = "training-vanish-12"               # 0: the gates mitigate vanishing gradients, not overfitting
POOL = "cnn-pool-s01"                    # 1: downsampling shrinks the maps, 3: helps against overfitting
OPS = "image-processing-operators-s1"    # 0: Roberts 2×2 diagonal, 1: Prewitt/Sobel 3×3, 2: Sobel centre weight 2
GRU = "rnn-gru-08"                       # 0: forget + input gates merged into the update gate
LSTM = "rnn-lstm-14"                     # 0: forget gate × old cell state, 1: input gate × candidate, added
OPT = "training-optim-09"                # 1: RMSProp averages the squared gradients, adaptive learning rate
OC = "image-processing-openclose-s1"     # 0: opening = erosion then dilation, 1: removes dots, 2: closing, 3: fills
TL = "transfer-methods-s1"               # 0: feature extraction freezes, 1: fine-tuning trains on, 2: combination
LSTM13 = "rnn-lstm-13"                   # 2: the output gate decides what of the cell state becomes h_t
GATE = "rnn-gate-06"                     # 0: sigmoid in (0,1), 1: additive cell update, 2: gate near 1 lets it flow


def _found(item_id: str, text: str, point: int) -> bool:
    return match_key_points(text, find_item(item_id).parts[0].spec)[point]


@pytest.mark.parametrize("item_id, point, text", [
    # "X, not Y" turned around, or the claim called accurate
    (VAN, 0, "The claim is accurate: the gates mainly reduce overfitting, not vanishing gradients. The cell state is "
             "updated additively, and with a gate near 1 the gradient flows back almost undiminished."),  # was found
    (VAN, 0, "这个说法准确，门控主要是为了减少过拟合，而不是缓解梯度消失。细胞状态是加法更新的，门接近 1 时梯度几乎无衰减地回传。"),  # was found
    (VAN, 0, "这个说法准确，门控机制是为了减少过拟合，不是为了缓解梯度消失。"),  # was found
    (VAN, 0, "说法正确，门控的作用是防止过拟合；梯度消失要靠残差连接解决。"),  # was found
    (VAN, 0, "It is accurate: the LSTM gates prevent overfitting. Vanishing gradients are solved by ReLU."),  # was found
    (VAN, 0, "这个说法没有错误，门控是为了减少过拟合，而不是缓解梯度消失。"),  # was found
    (VAN, 0, "There is nothing wrong with the claim: the gates reduce overfitting, not vanishing gradients."),  # was found
    # pooling does not downsample / does not help against overfitting
    (POOL, 1, "池化不是下采样，也不会减小特征图尺寸。"),  # was found
    (POOL, 1, "池化不会减小特征图尺寸，反而会增大它。"),  # was found
    (POOL, 1, "Pooling does not reduce the size of the feature maps."),  # was found
    (POOL, 1, "Pooling doesn't shrink the feature maps and does not reduce the computation."),
    (POOL, 3, "池化不是下采样，它会增大特征图尺寸，增加计算量。常见的有最大池化和平均池化。池化具有平移不变性，但不能防止过拟合。"),  # was found
    (POOL, 3, "池化不是下采样，它会增大特征图尺寸，不能防止过拟合。"),  # was found
    (POOL, 3, "池化降低了特征图尺寸，但并不能缓解过拟合。"),  # was found
    (POOL, 3, "池化层减少了计算量，但并不能防止过拟合。"),
    (POOL, 3, "Pooling does not reduce the size of the feature map and cannot prevent overfitting."),  # was found
    (POOL, 3, "Pooling reduces the size of the feature maps, but it does not help against overfitting."),  # was found
    (POOL, 3, "Pooling shrinks the dimensions; it won't reduce overfitting."),  # was found
    # the kernel sizes swapped between Roberts and Prewitt/Sobel
    (OPS, 0, "Roberts is a 3×3 kernel and Prewitt and Sobel are 2×2 diagonal differences."),  # was found
    (OPS, 0, "Roberts 是 3×3 模板，Prewitt 和 Sobel 是 2×2 的对角差分。"),  # was found
    (OPS, 0, "Roberts 算子使用 3×3 模板；Prewitt、Sobel 使用 2×2 模板。"),  # was found
    (OPS, 0, "Roberts uses 3x3 kernels, Prewitt and Sobel use 2x2 kernels."),  # was found
    (OPS, 1, "Roberts is a 3×3 kernel and Prewitt and Sobel are 2×2 diagonal differences."),  # was found
    (OPS, 1, "Roberts 是 3×3 模板，Prewitt 和 Sobel 是 2×2 的对角差分。"),  # was found
    (OPS, 1, "Roberts 算子使用 3×3 模板；Prewitt、Sobel 使用 2×2 模板。"),  # was found
    (OPS, 1, "Roberts uses 3x3 kernels, Prewitt and Sobel use 2x2 kernels."),  # was found
    # the centre weight given to Prewitt
    (OPS, 2, "Prewitt weights the centre by 2, so it smooths more than Sobel; Roberts localises edges precisely."),  # was found
    (OPS, 2, "Prewitt gives more weight to the centre, so it is more robust to noise than Sobel."),  # was found
    (OPS, 2, "Prewitt 中心权重为 2，比 Sobel 平滑作用更强。"),  # was found
    (OPS, 2, "Prewitt 的中心权重为 2，抗噪能力比 Sobel 强。"),  # was found
    (OPS, 2, "Prewitt 对中心像素赋予权重 2，平滑效果更好；Sobel 各点权重相同。"),  # was found
    # the reset gate as the merged gate
    (GRU, 0, "GRU 把遗忘门和输入门合并成重置门，并增加了更新门。"),  # was found
    (GRU, 0, "GRU 用重置门合并了遗忘门和输入门，更新门决定隐藏状态。"),  # was found
    (GRU, 0, "GRU merges the forget and input gates into a reset gate and adds an update gate."),  # was found
    (GRU, 0, "The reset gate merges the forget and input gates; the update gate is new."),  # was found
    # the forget and input gates swapped in the cell-state update
    (LSTM, 0, "旧细胞状态乘以输入门，候选值乘以遗忘门后相加。"),  # was found
    (LSTM, 0, "输入门控制旧细胞状态保留多少；遗忘门决定加入多少候选值。"),  # was found
    (LSTM, 0, "The old cell state is multiplied by the input gate, and the candidate times the forget gate is "
              "added."),  # was found
    (LSTM, 0, "The input gate scales the previous cell state; the forget gate scales the candidate, which is "
              "added."),  # was found
    (LSTM, 1, "旧细胞状态乘以输入门，候选值乘以遗忘门后相加。"),  # was found
    (LSTM, 1, "输入门控制旧细胞状态保留多少；遗忘门决定加入多少候选值。"),
    (LSTM, 1, "The old cell state is multiplied by the input gate, and the candidate times the forget gate is "
              "added."),  # was found
    (LSTM, 1, "The input gate scales the previous cell state; the forget gate scales the candidate, which is "
              "added."),  # was found
    # momentum and RMSProp swapped
    (OPT, 1, "RMSProp 累积历史梯度，加速并抑制振荡；动量法用梯度平方的滑动平均自适应调整学习率。"),  # was found
    (OPT, 1, "动量法对梯度平方做滑动平均，给每个参数自适应的学习率；RMSProp 像小球一样有惯性。"),  # was found
    (OPT, 1, "RMSProp accumulates past gradients to accelerate and damp oscillation; momentum keeps a moving average "
             "of squared gradients for an adaptive per-parameter learning rate."),  # was found
    (OPT, 1, "Momentum squares the gradients to adapt the learning rate per parameter, and RMSProp accumulates a "
             "velocity."),  # was found
    # opening and closing: the order swapped or negated (deny_negated on 0 and 2)
    (OC, 0, "闭运算先腐后膨，开运算先膨后腐。"),
    (OC, 0, "开运算（膨胀→腐蚀），闭运算（腐蚀→膨胀）。"),
    (OC, 0, "开运算先做膨胀，再做腐蚀；闭运算先做腐蚀，再做膨胀。"),
    (OC, 0, "开运算不是腐蚀再膨胀。"),
    (OC, 0, "Opening is not erosion then dilation; closing is not dilation then erosion."),  # was found
    (OC, 0, "Opening isn't erode→dilate, closing isn't dilate→erode."),
    (OC, 0, "Opening (dilation->erosion), closing (erosion->dilation)."),
    (OC, 2, "闭运算先腐后膨，开运算先膨后腐。"),
    (OC, 2, "开运算（膨胀→腐蚀），闭运算（腐蚀→膨胀）。"),
    (OC, 2, "闭运算不是膨胀后腐蚀。"),
    (OC, 2, "Opening is not erosion then dilation; closing is not dilation then erosion."),  # was found
    (OC, 2, "Opening (dilation->erosion), closing (erosion->dilation)."),
    # feature extraction without freezing
    (TL, 0, "特征提取：不冻住 backbone，分类头和主干一起训练。"),
    (TL, 0, "Feature extraction: the backbone is not fixed; the head is trained with it."),
    (TL, 0, "Feature extraction: the pre-trained weights aren't locked; the head is trained together with them."),
    # the cell state not updated additively (deny_negated on 1)
    (GATE, 1, "门用 sigmoid 输出 0 到 1；细胞状态不是加法更新；门接近 1 时梯度会被阻断，无法回传。"),  # was found
    (GATE, 1, "细胞状态没有相加。"),
    (GATE, 1, "The cell state is not additive."),  # was found
    (GATE, 0, "门使用 tanh，输出接近 0 或 1。"),
    (GATE, 0, "The gates use tanh, so they lie in (0,1)."),
])
def test_a_swapped_or_opposite_claim_does_not_find_the_point(item_id, point, text):
    assert _found(item_id, text, point) is False


@pytest.mark.parametrize("item_id, point, text", [
    (VAN, 0, "不准确，门控机制主要缓解的是梯度消失问题，而不是过拟合。"),
    (VAN, 0, "这个说法不对，门控解决的是梯度消失问题。"),
    (VAN, 0, "门控主要是为了缓解梯度消失。"),
    (VAN, 0, "不准确，真正缓解的是梯度消失问题。"),
    (VAN, 0, "不对，应该是梯度消失。"),
    (VAN, 0, "说法有误。LSTM 通过门控机制，缓解了梯度消失。"),
    (VAN, 0, "这个说法是错误的，LSTM 可以缓解 RNN 的梯度消失问题。"),
    (VAN, 0, "门控机制主要针对梯度消失（以及梯度爆炸），过拟合要靠正则化和 dropout。"),
    (VAN, 0, "不准确，门控缓解的是梯度弥散。"),  # new
    (VAN, 0, "Not accurate — the gates mainly fight vanishing gradients, not overfitting."),
    (VAN, 0, "The claim is wrong: gating addresses the vanishing gradient problem."),
    (VAN, 0, "No. It mitigates the vanishing gradient problem."),
    (VAN, 0, "This is incorrect; LSTM was designed to alleviate vanishing gradients."),
    (VAN, 0, "The gates keep the gradient from vanishing over long sequences."),
    (VAN, 0, "That's wrong. It is about vanishing gradients, not overfitting."),
    (POOL, 1, "池化层减小特征图尺寸，但不改变通道数。"),
    (POOL, 1, "池化是下采样，减少特征图的尺寸，而不是增加。"),
    (POOL, 1, "Pooling shrinks the spatial size but does not change the number of channels."),
    (POOL, 1, "It downsamples the feature map, reducing its size and the computation."),
    (POOL, 3, "池化降维，一定程度上防止过拟合。"),
    (POOL, 3, "池化降维，使网络不容易过拟合。"),
    (POOL, 3, "池化降低了参数量，从而降低过拟合的风险。"),  # new
    (POOL, 3, "池化后参数变少，模型不会过拟合。"),  # new
    (POOL, 3, "池化有一定正则化作用，可防止过拟合。"),  # new
    (POOL, 3, "By reducing dimensions, pooling helps prevent overfitting."),
    (POOL, 3, "Pooling lowers the risk of overfitting."),  # new
    (POOL, 3, "With fewer parameters the network is less prone to overfitting."),  # new
    (POOL, 3, "Fewer parameters, so the model doesn't overfit as easily."),  # new
    (POOL, 3, "Pooling helps somewhat against overfitting."),  # new
    (OPS, 0, "Roberts 为 2×2 对角差分。"),
    (OPS, 0, "Roberts 的模板是 2×2 的，计算对角方向的差分。"),
    (OPS, 0, "Roberts 算子（2×2）沿对角方向求差分。"),
    (OPS, 0, "Roberts：2x2，对角差分，对噪声敏感。"),
    (OPS, 0, "The Roberts cross operator uses two 2×2 kernels."),
    (OPS, 0, "Roberts takes differences along the diagonals."),
    (OPS, 0, "For Roberts, the kernel is 2×2."),
    (OPS, 1, "Prewitt 和 Sobel 都使用 3×3 模板。"),
    (OPS, 1, "Prewitt：3×3 模板，一个方向差分、另一个方向平均。"),
    (OPS, 1, "Sobel 和 Prewitt 都是 3×3 的。"),
    (OPS, 1, "Prewitt and Sobel are 3×3 operators."),
    (OPS, 1, "Prewitt and Sobel both use 3×3 kernels."),
    (OPS, 1, "For Prewitt and Sobel, the kernels are 3×3."),
    (OPS, 2, "Sobel 对中心行（列）赋予权重 2，平滑作用和抗噪能力比 Prewitt 更强。"),
    (OPS, 2, "Sobel：3×3，中间行/列权重为 2，平滑作用更强、抗噪更好。"),
    (OPS, 2, "Sobel 在 Prewitt 的基础上给中心像素加权，所以抗噪更好。"),
    (OPS, 2, "Sobel 的抗噪性更好，因为中心像素权重更大。"),
    (OPS, 2, "Sobel 算子（3×3）中心系数为 2，平滑效果更好。"),  # new
    (OPS, 2, "Sobel 的 kernel 为 [-1 0 1; -2 0 2; -1 0 1]，中间一行加倍，平滑更强。"),  # new
    (OPS, 2, "Sobel gives the centre row weight 2, so it smooths more and resists noise better than Prewitt."),
    (OPS, 2, "Sobel gives more weight to the centre pixels, which makes it smoother."),
    (OPS, 2, "Sobel: 3x3 like Prewitt, but the centre row/column has weight 2, so it smooths more."),
    (OPS, 2, "Sobel is a weighted version of Prewitt (centre weight 2), so it is more robust to noise."),
    (GRU, 0, "GRU 把遗忘门和输入门合成一个更新门，又加了一个重置门。"),
    (GRU, 0, "GRU 将 LSTM 的遗忘门与输入门合并为更新门。"),
    (GRU, 0, "更新门（由遗忘门和输入门融合而来）和重置门。"),
    (GRU, 0, "更新门，由遗忘门和输入门合并而来，决定保留多少过去的信息。"),
    (GRU, 0, "遗忘门和输入门合并，成为更新门。"),
    (GRU, 0, "更新门同时起到遗忘门和输入门的作用。"),  # new
    (GRU, 0, "A GRU combines the forget and input gates into one update gate z_t."),
    (GRU, 0, "The forget gate and the input gate are merged into a single update gate."),
    (GRU, 0, "The update gate, which replaces the forget and input gates, decides how much of the past to keep."),  # new
    (GRU, 0, "The forget and input gates are combined; the result is called the update gate."),
    (LSTM, 0, "C_t = f_t⊙C_{t−1} + i_t⊙C̃_t"),
    (LSTM, 0, "前一项：遗忘门乘旧状态，决定保留多少过去的记忆。"),
    (LSTM, 0, "旧细胞状态经过遗忘门筛选后，再加上经过输入门筛选的候选值。"),
    (LSTM, 0, "遗忘门 f_t，与上一时刻的细胞状态相乘，决定保留多少旧信息。"),
    (LSTM, 0, "旧的细胞状态先乘以遗忘门；然后加上输入门乘以候选值。"),  # new
    (LSTM, 0, "The forget gate scales the previous cell state (keeps or forgets old memory)."),
    (LSTM, 0, "New cell state = forget gate × old cell state + input gate × candidate."),
    (LSTM, 0, "The old cell state, multiplied by the forget gate, keeps what is still useful."),
    (LSTM, 1, "C_t = f_t⊙C_{t−1} + i_t⊙C̃_t"),  # new
    (LSTM, 1, "后一项：输入门乘候选值，决定加入多少新信息。"),  # new
    (LSTM, 1, "输入门与候选值相乘后加到细胞状态上。"),
    (LSTM, 1, "旧的细胞状态先乘以遗忘门；然后加上输入门乘以候选值。"),
    (LSTM, 1, "The input gate scales the new candidate values, which are added to the cell."),
    (LSTM, 1, "New cell state = forget gate × old cell state + input gate × candidate."),
    (LSTM, 1, "The candidate values, scaled by the input gate, are added to the cell state."),
    (OPT, 1, "RMSProp：对梯度平方做指数滑动平均，相当于给每个参数自适应的学习率。"),
    (OPT, 1, "RMSProp 用梯度平方的移动平均调整每个参数的学习率。"),
    (OPT, 1, "RMSProp 中，对梯度的平方做指数加权平均，从而实现每个参数的自适应学习率。"),
    (OPT, 1, "RMSProp，对梯度平方做滑动平均，自适应调整学习率。"),
    (OPT, 1, "RMSProp divides the gradient by the root of a moving average of squared gradients — an adaptive "
             "learning rate per parameter."),
    (OPT, 1, "In RMSProp, a moving average of the squared gradients is kept, which gives each parameter an adaptive "
             "learning rate."),
    (OPT, 1, "For RMSProp, the learning rate is divided by the root of the mean squared gradient, so it is adaptive "
             "per parameter."),
    (OPS, 0, "Roberts is 2-by-2 (diagonal differences); Prewitt and Sobel are 3-by-3."),
    (OPS, 1, "Roberts is 2-by-2 (diagonal differences); Prewitt and Sobel are 3-by-3."),  # new
    (OPS, 1, "Roberts is 2 by 2; Prewitt and Sobel are 3 by 3."),
    (OPS, 1, "Roberts 为 2 乘 2；Prewitt 和 Sobel 为 3 乘 3。"),  # new
    (OPS, 2, "Roberts：2×2，对角差分；Prewitt、Sobel：3×3；Sobel 的中心系数是 2，因此平滑和抗噪能力更强。"),  # new
    (OPS, 2, "Sobel 把中心行的权重设为 2，平滑更强。"),  # new
    (OC, 0, "开运算先腐后膨，去小点；闭运算先膨后腐，补小洞。"),  # new
    (OC, 1, "开运算先腐后膨，去小点；闭运算先膨后腐，补小洞。"),  # new
    (OC, 2, "开运算先腐后膨，去小点；闭运算先膨后腐，补小洞。"),  # new
    (OC, 3, "开运算先腐后膨，去小点；闭运算先膨后腐，补小洞。"),  # new
    (OC, 0, "开运算（腐蚀→膨胀）去除小物体；闭运算（膨胀→腐蚀）填充小孔。"),  # new
    (OC, 2, "开运算（腐蚀→膨胀）去除小物体；闭运算（膨胀→腐蚀）填充小孔。"),  # new
    (OC, 0, "开运算：腐蚀->膨胀；闭运算：膨胀->腐蚀。"),  # new
    (OC, 2, "开运算：腐蚀->膨胀；闭运算：膨胀->腐蚀。"),  # new
    (OC, 0, "开运算是先腐蚀后膨胀，而不是先膨胀后腐蚀。"),
    (OC, 0, "开运算不是先膨胀，而是先腐蚀。"),  # new
    (OC, 2, "闭运算并非先腐蚀，而是先膨胀。"),  # new
    (OC, 0, "开运算：先做腐蚀，再做膨胀；闭运算：先做膨胀，再做腐蚀。"),  # new
    (OC, 2, "开运算：先做腐蚀，再做膨胀；闭运算：先做膨胀，再做腐蚀。"),  # new
    (OC, 0, "Opening (erosion → dilation) removes small objects; closing (dilation -> erosion) fills holes."),  # new
    (OC, 2, "Opening (erosion → dilation) removes small objects; closing (dilation -> erosion) fills holes."),  # new
    (OC, 0, "Opening: erode→dilate. Closing: dilate→erode."),  # new
    (OC, 2, "Opening: erode→dilate. Closing: dilate→erode."),  # new
    (OC, 0, "Opening is erosion followed by dilation, not dilation followed by erosion."),
    (TL, 0, "Feature extraction: the pre-trained weights are not updated, only the new classifier is trained."),  # new
    (TL, 0, "Feature extraction: keep the backbone fixed and train only the new head."),  # new
    (TL, 0, "1. 特征提取：冻住backbone，训练新的分类头；2. fine-tune：整个网络用新数据接着训练；3. 混合：先冻住主干训练分类头，再解冻高层一起微调。"),  # new
    (TL, 1, "1. 特征提取：冻住backbone，训练新的分类头；2. fine-tune：整个网络用新数据接着训练；3. 混合：先冻住主干训练分类头，再解冻高层一起微调。"),  # new
    (TL, 1, "Fine-tuning: train all weights on the new dataset."),  # new
    (TL, 0, "特征提取：预训练参数保持不变，只训练新的全连接层。"),  # new
    (LSTM13, 2, "遗忘门决定丢弃旧信息；输入门决定写入新信息；输出门控制细胞状态有多少传给隐藏状态 h_t。"),  # new
    (LSTM13, 2, "输出门决定细胞状态的哪些部分传到隐藏状态。"),  # new
    (LSTM13, 2, "输出门控制细胞状态中有多少信息传递给 h_t。"),  # new
    (GATE, 0, "The forget gate, a sigmoid, outputs a number between 0 and 1."),
    (GATE, 0, "Because the gates σ(W·[h, x] + b) lie in (0,1), the cell state is updated additively."),  # new
    (GATE, 0, "门 σ(W·[h, x] + b) 的输出在 0 到 1 之间。"),  # new
    (GATE, 1, "Since the cell state is updated by adding, if the forget gate is 1 the gradient passes back unchanged."),  # new
    (GATE, 1, "细胞状态不是乘法更新，而是加法更新。"),
    (GATE, 1, "细胞状态是旧状态乘遗忘门再加上新的候选值。"),  # new
    (GATE, 1, "The cell state is not multiplied repeatedly but updated additively."),
    (GATE, 2, "Since the cell state is updated by adding, if the forget gate is 1 the gradient passes back unchanged."),  # new
    (GATE, 2, "遗忘门等于 1 时，梯度沿细胞状态原样回传。"),  # new
])
def test_a_correct_phrasing_finds_the_point(item_id, point, text):
    assert _found(item_id, text, point) is True


@pytest.mark.parametrize("item_id, text, score", [
    # the tester's answers: 5/5, 5/5, 5/5 and 3/4 before; now only the points they state correctly
    (VAN, "The claim is accurate: the gates mainly reduce overfitting, not vanishing gradients. The cell state is "
          "updated additively, and with a gate near 1 the gradient flows back almost undiminished.", 4 / 5),
    (VAN, "这个说法准确，门控主要是为了减少过拟合，而不是缓解梯度消失。细胞状态是加法更新的，门接近 1 时梯度几乎无衰减地回传。", 4 / 5),
    (OPS, "Roberts is a 3×3 kernel and Prewitt and Sobel are 2×2 diagonal differences. Prewitt weights the centre by "
          "2, so it smooths more than Sobel; Roberts localises edges precisely but is sensitive to noise.", 1 / 5),
    (POOL, "池化不是下采样，它会增大特征图尺寸，增加计算量。常见的有最大池化和平均池化。池化具有平移不变性，但不能防止过拟合。", 2 / 4),
    # and the correct answers that lost points, now full marks
    (OC, "开运算先腐后膨，去小点；闭运算先膨后腐，补小洞。", 1.0),
    (OC, "开运算（腐蚀→膨胀）去除小物体；闭运算（膨胀→腐蚀）填充小孔。", 1.0),
    (LSTM13, "遗忘门决定丢弃旧信息；输入门决定写入新信息；输出门控制细胞状态有多少传给隐藏状态 h_t。", 1.0),
    (GATE, "The forget gate, a sigmoid, outputs a number between 0 and 1, saying how much of the old cell state is "
           "kept. Since the cell state is updated by adding, if the forget gate is 1 the gradient passes back "
           "unchanged.", 1.0),
    (GATE, "门用 sigmoid 输出 0 到 1；细胞状态不是加法更新；门接近 1 时梯度会被阻断，无法回传。", 3 / 5),
])
def test_the_reported_answers_lose_the_reversed_points(item_id, text, score):
    assert grade(find_item(item_id), text).score == pytest.approx(score)


@pytest.mark.parametrize("item_id", [VAN, POOL, OPS, GRU, LSTM, OPT, OC, TL, LSTM13, GATE])
def test_the_reference_answers_still_earn_full_marks(item_id):
    problem, answer = find_item(item_id), load_bank().by_id()[item_id].answer
    for text in (answer["zh"], answer["en"]):
        assert grade(problem, text).score == 1.0, text
