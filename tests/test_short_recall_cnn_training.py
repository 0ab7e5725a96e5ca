"""Recall of the short-answer rubrics of cnn.yaml and training.yaml: for each of the 24 short items, three Chinese
and two English correct answers written the way students write them under exam pressure (shorter than the
reference, other synonyms and textbook terms, other word order, formulas for words) must earn full marks through
the real bank and the real grader. The answers marked "needed a new synonym" scored below 1.0 before the keywords
named there were added to the rubric."""

from __future__ import annotations

import pytest

from examgen.bank import find_item
from examgen.grading import grade, match_key_points

ANSWERS = [
    # cnn-rf-s01
    ('cnn-rf-s01', 'zh1', "感受野：输出特征图上一个像素在输入图像上映射的区域大小，由前面各层的卷积核尺寸和步长决定。"
     "卷积核（滤波器）是由一组权重组成的小矩阵，用来提取特征，其参数通过反向传播训练得到。"),
    ('cnn-rf-s01', 'zh2', "感受野就是影响某个神经元输出的输入范围，取决于卷积核大小、步幅以及层数，层越深感受野越大。"
     "卷积核即滤波器，是提取图像特征的数字矩阵，参数由梯度下降学习而来，不是人工设计的。"),
    # needed a new synonym: “BP 算法” for backpropagation
    ('cnn-rf-s01', 'zh3', "神经元能“看到”的那块输入区域叫感受野，和 kernel size、stride 有关。卷积核是一个权值矩阵，"
     "在图像上滑动做卷积以提取特征；参数先随机初始化，再用 BP 算法训练得到。"),
    ('cnn-rf-s01', 'en1', "Receptive field: the area of the input image that a neuron can see, i.e. that "
     "influences its output. It depends on the filter size and the stride of the previous layers. A kernel "
     "(filter) is a small weight matrix used to extract features; its weights are learned during training "
     "with backpropagation."),
    ('cnn-rf-s01', 'en2', "The receptive field is the patch of the input that affects one output unit; "
     "it grows with depth and is set by the kernel sizes and strides. A kernel is a matrix of learnable "
     "weights that slides over the image to extract features; its parameters are learned by gradient descent, "
     "not designed by hand."),
    # cnn-layers-s01
    ('cnn-layers-s01', 'zh1', "主要有卷积层、激活层、池化层和全连接层。卷积层：用卷积核提取局部特征；激活层："
     "引入非线性（如 ReLU）；池化层：降采样，减小特征图尺寸和参数量；全连接层：放在最后，把特征映射到样本标记空间，"
     "输出各类别的得分。"),
    # needed a new synonym: “输出分类结果” (分类) for the class-score role
    ('cnn-layers-s01', 'zh2', "卷积层负责特征提取；激活函数层做非线性映射，使网络能拟合复杂函数；池化层下采样，"
     "压缩参数量、减少计算；全连接层整合前面的特征，输出分类结果。"),
    ('cnn-layers-s01', 'zh3', "CNN = 卷积层 + 激活层 + 池化层 + 全连接层。卷积层：滤波器对输入做卷积，提取不同层次的特征。"
     "激活层：对卷积结果做非线性变换。池化层：缩小特征图、降低维度，减轻过拟合。全连接层：将学到的特征映射到类别空间进行分类。"),
    ('cnn-layers-s01', 'en1', "Conv layers extract local features with learned filters; activation layers "
     "(e.g. ReLU) add non-linearity; pooling layers downsample the feature maps and reduce computation; "
     "the FC layer at the end maps the features to class scores."),
    ('cnn-layers-s01', 'en2', "A CNN consists of convolutional, activation, pooling and fully connected "
     "layers. Convolution: feature extraction. Activation: introduces nonlinearity. Pooling: reduces the "
     "spatial size. Fully connected: combines the features and outputs the class probabilities."),
    # cnn-pool-s01
    ('cnn-pool-s01', 'zh1', "池化就是在特征图的局部区域内取一个代表值替代该区域。常见有最大池化和平均池化。"
     "作用：降低特征图尺寸，减少计算量和参数；具有平移不变性；去除冗余信息，一定程度上防止过拟合。"),
    ('cnn-pool-s01', 'zh2', "池化是对特征图的局部区域做降采样，如 max pooling（取最大值）、average pooling（取均值）。"
     "特点：没有参数；减小特征图大小和计算量；对小的平移不敏感，即平移不变性；降维，缓解过拟合。"),
    ('cnn-pool-s01', 'zh3', "在一个小窗口内取最大值（最大池化）或平均值（平均池化）作为输出。作用：下采样、"
     "压缩特征维度，减少后续参数量；具有一定的平移不变性（特征不变性）；减轻过拟合。"),
    ('cnn-pool-s01', 'en1', "Pooling summarizes a small window of the feature map by one value — max pooling "
     "or average (mean) pooling. It downsamples the feature map, reducing its size and the computation, "
     "gives some translation invariance, and by reducing dimensions helps prevent overfitting."),
    # needed a new synonym: “smaller … fewer” for reducing size/computation
    ('cnn-pool-s01', 'en2', "Pooling = downsampling over local regions, e.g. max-pool and avg-pool. No "
     "learnable parameters. Effects: smaller feature maps, so fewer parameters and less computation; invariance "
     "to small shifts; fewer dimensions, so less overfitting."),
    # cnn-sigmoid-s01
    ('cnn-sigmoid-s01', 'zh1', "① 有饱和区，输入很大或很小时导数趋于0，反向传播时造成梯度消失；② 输出不是零中心的（恒大于0），"
     "收敛慢；③ 有指数运算，计算开销大。"),
    # needed a new synonym: “要算 e^(-x)” for the exponential
    ('cnn-sigmoid-s01', 'zh2', "sigmoid 两端饱和，饱和区梯度几乎为 0，深层网络中容易梯度消失；输出均值不为 "
     "0，不是以 0 为中心；要算 e^(-x)，比较耗时。"),
    ('cnn-sigmoid-s01', 'zh3', "缺点：1. 梯度消失：σ'(x)=σ(x)(1−σ(x))≤0.25，|x| 较大时进入饱和区，梯度接近0；"
     "2. 非0中心化的输出，使收敛变慢；3. 含指数运算，计算量大。"),
    ('cnn-sigmoid-s01', 'en1', "It saturates: for large |x| the derivative is almost 0, so gradients vanish "
     "in deep nets. Its outputs are not zero-centered (always positive), which slows down convergence. "
     "The exponential is expensive to compute."),
    # needed a new synonym: “gradient ≈ 0” and “computing exp(-x)”
    ('cnn-sigmoid-s01', 'en2', "Drawbacks: saturation at both ends → gradient ≈ 0 → vanishing gradient "
     "problem; the output in (0,1) is not zero-centred; computing exp(-x) is costly."),
    # cnn-relu-s01
    ('cnn-relu-s01', 'zh1', "优点：计算简单，没有指数运算，收敛快；x>0 时梯度恒为 1，缓解梯度消失；稀疏激活，"
     "缓解过拟合。缺点：神经元坏死（Dead ReLU），输入为负时梯度为 0，权重不再更新。改进：Leaky ReLU，负半轴给一个很小的斜率，"
     "如 0.01x。"),
    # needed a new synonym: “运算快” (运算, not 计算)
    ('cnn-relu-s01', 'zh2', "ReLU=max(0,x)。优点：① 运算快；② 正区间导数为 1，不会梯度弥散；③ 部分神经元输出为 "
     "0，带来稀疏性。缺点：负区间梯度为 0，神经元可能“死亡”。改进：用 Leaky ReLU / PReLU，负区间取小斜率。"),
    ('cnn-relu-s01', 'zh3', "优点：计算速度快（只需比较大小）、正半轴梯度恒为1能防止梯度消失并加速收敛、"
     "稀疏激活。缺点：死亡ReLU问题——输入一直小于0的神经元永远输出0。改进：Leaky ReLU，在 x<0 时乘一个小系数 "
     "α（如 0.01）。"),
    ('cnn-relu-s01', 'en1', "Pros: cheap to compute (no exponential); the gradient is 1 for x > 0, so no "
     "vanishing gradient; sparse activations. Con: dying ReLU — neurons stuck at negative input output "
     "0 and never update. Fix: Leaky ReLU with a small slope for x < 0."),
    ('cnn-relu-s01', 'en2', "Advantages: simple and fast to compute; the derivative is 1 for positive inputs, "
     "which alleviates vanishing gradients; sparse activation. Disadvantage: dead neurons whose output "
     "is always zero. Improvement: Leaky ReLU, f(x)=0.01x for x<0."),
    # cnn-gconv-s01
    ('cnn-gconv-s01', 'zh1', "用 100 个 12×12×20 的卷积核（步长 1、不填充）做卷积，输出 1×1×100。权重数 "
     "= 12×12×20×100 = 288000，和全连接层完全一样，参数量没有减少。好处：网络变成全卷积网络，可以输入任意尺寸的图像，"
     "适合语义分割。"),
    ('cnn-gconv-s01', 'zh2', "把全连接层换成 100 个 12*12*20 的卷积核，输出为 1*1*100；参数 12*12*20*100 "
     "= 288,000（加偏置 288,100），与 FC 层相同。优点是可以接受更大尺寸的输入，输出得分图，便于滑动窗口和分割。"),
    ('cnn-gconv-s01', 'zh3', "全局卷积：卷积核尺寸等于输入特征图尺寸，即 100 个 12x12x20 的卷积核，得到 "
     "1x1x100 的输出。参数量 12x12x20x100 = 288000，与原全连接层相等（数学上等价）。好处：全卷积网络（FCN）不限制输入尺寸，"
     "可做分割等密集预测。"),
    ('cnn-gconv-s01', 'en1', "Use 100 filters of size 12×12×20 with no padding; each gives one number, "
     "so the output is 1×1×100. Weights: 12·12·20·100 = 288,000 — the same as the FC layer, no saving. "
     "Benefit: the net becomes fully convolutional and can take inputs of any size, e.g. for segmentation."),
    ('cnn-gconv-s01', 'en2', "Replace the FC layer by a conv layer with 100 kernels of 12x12x20, giving "
     "a 1x1x100 output. #weights = 288000 (+100 biases), identical to the FC layer. Advantage: a fully "
     "convolutional network accepts larger images and outputs a score map."),
    # cnn-share-s01
    ('cnn-share-s01', 'zh1', "稀疏连接：输出特征图上的每个神经元只与输入的一个局部区域（感受野）相连，而不是像全连接那样与所有输入相连。"
     "参数共享：同一个卷积核在图像的不同位置滑动时使用同一组权重。因此参数量只取决于卷积核大小和个数，与输入图像大小无关，"
     "比全连接层少得多。"),
    ('cnn-share-s01', 'zh2', "局部连接指每个输出只连接输入中 k×k 的邻域；权值共享指一个卷积核在所有位置共用相同的权重。"
     "这样参数从全连接的 (H·W·C)×N 减少到 k·k·C·N，远少于全连接。"),
    ('cnn-share-s01', 'zh3', "稀疏连接：特征图某位置的计算结果只与原图对应位置的局部区域有关，与其他位置无连接。"
     "参数共享：卷积核扫过整幅图像，各个位置用的是同样的参数。所以卷积层的参数量与图像尺寸无关，比全连接网络少很多。"),
    ('cnn-share-s01', 'en1', "Sparse connectivity: each output unit is connected only to a small local "
     "patch of the input (its receptive field), not to all inputs as in a fully connected layer. Parameter "
     "sharing: the same kernel weights are reused at every position. So the number of parameters depends "
     "only on the kernel size and count, not on the image size — far fewer than a fully connected layer."),
    ('cnn-share-s01', 'en2', "Local connectivity: a neuron only sees a k×k neighbourhood of the input. "
     "Weight sharing: one filter is slid across the whole image with the same weights at all locations. "
     "Hence the parameter count is k·k·C per filter, independent of the image size and much smaller than "
     "for a fully connected layer."),
    # cnn-dropproc-s01
    ('cnn-dropproc-s01', 'zh1', "训练时：① 每个 mini-batch 以概率 p 随机丢弃部分隐藏神经元（输入输出层不变）；"
     "② 在剩下的网络上前向、反向传播，只更新保留的神经元的参数；③ 恢复被丢弃的神经元，再随机丢弃另一批，"
     "重复这个过程。测试时：不丢弃，用全部神经元，输出乘以保留概率 (1−p)。"),
    ('cnn-dropproc-s01', 'zh2', "1) 随机让一半隐藏神经元失活（输出置0）；2) 前向传播后把损失反向传播，用梯度下降更新未被删除神经元的 "
     "w、b；3) 恢复被删的神经元，对下一批数据重新随机选一批删除，循环进行。测试阶段使用完整网络，权重乘以 "
     "(1-p) 进行缩放（inverted dropout 则无需缩放）。"),
    # needed a new synonym: “删掉” for deleting neurons
    ('cnn-dropproc-s01', 'zh3', "每次迭代随机删掉一部分神经元 → 用剩余的子网络做前向和反向传播，更新没被删掉的神经元 "
     "→ 把删掉的神经元恢复，下一次迭代重新随机删。测试时不做 dropout，所有神经元都参与，激活值乘以保留概率 "
     "1-p。"),
    # needed a new synonym: “drop hidden units”, “for the next batch”
    ('cnn-dropproc-s01', 'en1', "Training: for each mini-batch randomly drop hidden units with probability "
     "p; forward and back-propagate through the thinned net and update only the remaining weights; then "
     "restore the dropped units and sample a new mask for the next batch. Test: use all units and scale "
     "the activations by (1−p) (not needed with inverted dropout)."),
    # needed a new synonym: “multiplied by 1−p” at test time
    ('cnn-dropproc-s01', 'en2', "Each training step: randomly remove hidden neurons (prob. p, e.g. 0.5), "
     "keep the input/output ones; do forward and backprop on the reduced network and update the weights "
     "of the kept neurons; restore the removed neurons and repeat with a new random subset. At test time "
     "nothing is dropped, all neurons are used, and outputs are multiplied by 1−p."),
    # cnn-dropwhy-s01
    ('cnn-dropwhy-s01', 'zh1', "① 集成效果：每次随机丢弃不同神经元相当于训练一个不同的子网络，最终相当于对很多子网络取平均，"
     "不同网络的过拟合互相抵消；② 减少神经元之间的共适应，一个神经元不能依赖某几个特定神经元，学到更鲁棒的特征；"
     "③ 每次更新参与计算的参数减少，降低了模型复杂度（容量）。"),
    ('cnn-dropwhy-s01', 'zh2', "1. 类似 bagging：相当于训练了很多不同的网络再求平均；2. 打破神经元之间固定的依赖关系（co-adaptation），"
     "两个神经元不一定同时出现；3. 每次只有部分参数参与训练，模型容量变小，不容易过拟合。"),
    ('cnn-dropwhy-s01', 'zh3', "从三个角度：集成学习——dropout 相当于训练了指数多个共享权重的子网络，测试时近似对它们取平均；"
     "防止共适应——神经元不能依赖其他特定神经元同时存在，必须单独学到有用特征；降低模型容量——每次迭代中参与更新的参数量大大减少。"),
    ('cnn-dropwhy-s01', 'en1', "(1) Ensemble: every mask gives a different sub-network, so dropout trains "
     "many networks and averages them; their errors cancel out. (2) It prevents co-adaptation: a neuron "
     "cannot rely on specific other neurons being present. (3) Fewer parameters are updated at each step, "
     "which reduces the effective capacity of the model."),
    ('cnn-dropwhy-s01', 'en2', "Dropout ≈ averaging an ensemble of exponentially many thinned subnetworks; "
     "it reduces co-adaptation between units (hidden units can't count on each other); and in each iteration "
     "only part of the parameters participate, lowering the model capacity."),
    # cnn-alex-s01
    ('cnn-alex-s01', 'zh1', "1. 使用 ReLU 激活函数代替 sigmoid；2. 使用 Dropout 防止过拟合；3. 数据增强（随机裁剪、"
     "翻转）；4. 用双 GPU 并行训练；另外还用了 LRN 和重叠池化。"),
    # needed a new synonym: “扩充数据集” for data augmentation
    ('cnn-alex-s01', 'zh2', "首次在深层 CNN 中用 ReLU；全连接层加随机失活；通过图像平移、水平翻转、裁剪来扩充数据集；"
     "多 GPU 加速训练。"),
    ('cnn-alex-s01', 'zh3', "ReLU 激活、Dropout、数据扩增、GPU 训练、带动量的 SGD、LRN 局部响应归一化。"),
    ('cnn-alex-s01', 'en1', "ReLU instead of tanh/sigmoid, dropout in the FC layers, data augmentation "
     "(crops and flips), and training on two GPUs."),
    ('cnn-alex-s01', 'en2', "It used ReLU activations, dropout regularization, augmented the training data "
     "with random crops/flips, and trained on GPUs; also local response normalization and overlapping pooling."),
    # cnn-vgg-s01
    ('cnn-vgg-s01', 'zh1', "两个 3×3 卷积堆叠的感受野等于一个 5×5 卷积。参数：2×(3×3×C×C)=18C²，而 5×5 "
     "为 25C²，更少。而且多了一层 ReLU，非线性更强，网络更深。"),
    ('cnn-vgg-s01', 'zh2', "小卷积核堆叠能获得和大卷积核一样的感受野，同时参数更少（2·9C² = 18C² < 25C²），"
     "层数增加带来更多非线性激活，表达能力更强。"),
    ('cnn-vgg-s01', 'zh3', "参数：两个 3×3：2×3×3×C² = 18C²；一个 5×5：5×5×C² = 25C²，减少了 28%。两层 "
     "3×3 的感受野与 5×5 相同，中间多一次激活函数，非线性增强，深度也加深了。"),
    ('cnn-vgg-s01', 'en1', "Two stacked 3×3 convs see a 5×5 region, i.e. the same receptive field, but "
     "have 2·9C² = 18C² weights versus 25C² for one 5×5. The extra ReLU adds non-linearity and the network "
     "is deeper."),
    ('cnn-vgg-s01', 'en2', "Same receptive field with fewer parameters: 18C^2 vs 25C^2. More layers mean "
     "more nonlinear activations and more depth."),
    # cnn-incep-s01
    ('cnn-incep-s01', 'zh1', "Inception 把输入同时送进 1×1、3×3、5×5 卷积和 3×3 最大池化四个并行分支，再把各分支输出在通道维上拼接。"
     "优点：不同大小的卷积核提取多尺度特征；在 3×3、5×5 之前用 1×1 卷积降维，减少参数和计算量。"),
    ('cnn-incep-s01', 'zh2', "并联结构：多个分支（1x1、3x3、5x5 卷积和池化）分别处理同一输入，结果按深度拼接。"
     "好处：同时获得不同尺度的特征；1x1 卷积减少通道数，降低计算量；既保持稀疏性又能用密集矩阵计算。"),
    # needed a new synonym: “压缩通道” for 1×1 reduction
    ('cnn-incep-s01', 'zh3', "结构：多分支并行 + concat（按通道叠加）。优点：多尺度特征融合；1×1 卷积做 "
     "bottleneck 压缩通道，参数量大幅下降。"),
    ('cnn-incep-s01', 'en1', "Several parallel branches — 1×1, 3×3 and 5×5 convolutions plus 3×3 max pooling "
     "— are applied to the same input and their outputs are concatenated along the channel dimension. This "
     "captures multi-scale features, and 1×1 convolutions before the larger kernels reduce the number of "
     "channels, so parameters and computation drop."),
    # needed a new synonym: “cut the channel count”
    ('cnn-incep-s01', 'en2', "Inception = parallel 1x1/3x3/5x5 conv + pooling branches, outputs stacked "
     "depth-wise (concatenation). Advantages: features at different scales in one layer; 1x1 bottleneck "
     "convs cut the channel count and the compute."),
    # cnn-resdeg-s01
    # needed a new synonym: “层数增加”, “训练集上的误差也更大”
    ('cnn-resdeg-s01', 'zh1', "退化：网络层数增加到一定程度后，准确率先饱和然后迅速下降。这不是过拟合，"
     "因为深层网络在训练集上的误差也更大，是优化困难导致的。"),
    # needed a new synonym: “训练误差本身也变高”
    ('cnn-resdeg-s01', 'zh2', "随着深度增加，训练集和测试集上的准确率都下降，这就是退化。并非过拟合：过拟合是训练误差低、"
     "测试误差高，而退化时训练误差本身也变高了。"),
    # needed a new synonym: “连训练误差都更高”
    ('cnn-resdeg-s01', 'zh3', "深层网络比浅层网络效果更差，准确率饱和后下降（degradation）。不是过拟合，"
     "因为更深的网络连训练误差都更高，说明是优化问题。"),
    ('cnn-resdeg-s01', 'en1', "Degradation: when we keep adding layers, accuracy saturates and then gets "
     "worse. It is not overfitting, since the deeper model also has a higher training error."),
    ('cnn-resdeg-s01', 'en2', "Deeper plain networks show higher training AND test error than shallower "
     "ones (accuracy drops). Not overfitting, because overfitting would give a low training error; here "
     "the training error goes up too."),
    # cnn-resid-s01
    ('cnn-resid-s01', 'zh1', "残差块 H(x)=F(x)+x。正向传播：输入可以通过捷径直接传到后面的层，信息不会丢失；"
     "反向传播：∂H/∂x = 1 + ∂F/∂x，即使 ∂F/∂x 很小梯度也不会消失。所以即使网络很深也容易训练、收敛。"),
    ('cnn-resid-s01', 'zh2', "前向：跳跃连接把浅层特征直接送到深层，保证信息传递，而且只需学习残差 F(x)=H(x)−x，"
     "更容易。反向：梯度多了一个 +1，可以直接回传到浅层，缓解梯度消失。因此上百层的超深网络也能收敛。"),
    ('cnn-resid-s01', 'zh3', "从正向看，shortcut 实现跨层输入，某层学不好时信息还能直接传下去；从反向看，"
     "加了残差连接后梯度 = 原梯度 × (1 + ∂F/∂x)，+1 使梯度不会变得很小。结果：非常深的网络也容易收敛。"),
    ('cnn-resid-s01', 'en1', "Forward: the skip connection carries the input straight to later layers, "
     "and a block only has to learn the residual F(x) = H(x) − x. Backward: ∂H/∂x = 1 + ∂F/∂x, so the gradient "
     "always has the identity term and can't vanish. Therefore very deep ResNets still train and converge."),
    # needed a new synonym: “hundreds of layers” for very deep networks
    ('cnn-resid-s01', 'en2', "In the forward pass information flows directly through the identity shortcut; "
     "in backprop the +1 from the shortcut keeps the gradient from vanishing. That is why networks with "
     "hundreds of layers still converge."),
    # training-metrics-09
    ('training-metrics-09', 'zh1', "精确率 P = TP/(TP+FP)，指预测为正的样本里真正为正的比例（查得准不准）；"
     "召回率 R = TP/(TP+FN)，指真实为正的样本中被预测出来的比例（查得全不全）。类别不平衡时，模型全猜多数类准确率也很高，"
     "所以只看准确率没有意义。"),
    ('training-metrics-09', 'zh2', "查准率（精确率）：预测为正例的样本中实际为正例的比例，P=TP/(TP+FP)。"
     "查全率（召回率）：所有正例中被正确预测出来的比例，R=TP/(TP+FN)。样本不均衡时，例如负样本占 99%，全预测为负也有 "
     "99% 的准确率，但一个正样本都没找到。"),
    # needed a new synonym: “精确率是 TP/(TP+FP)”, “召回率是 TP/(TP+FN)”
    ('training-metrics-09', 'zh3', "精确率是 TP/(TP+FP)，召回率是 TP/(TP+FN)。前者衡量预测为阳性的有多少是真的，"
     "后者衡量真正的阳性找出了多少。数据类别不均衡时，准确率主要由多数类决定，不能反映少数类的识别效果。"),
    ('training-metrics-09', 'en1', "Precision = TP / (TP + FP): of everything predicted positive, how much "
     "is really positive. Recall = TP / (TP + FN): of all real positives, how many we found. With class "
     "imbalance a model that always predicts the majority class gets high accuracy, so accuracy is misleading."),
    ('training-metrics-09', 'en2', "Precision P = TP/(TP+FP) — how many predicted positives are correct; "
     "recall R = TP/(TP+FN) — how many actual positives are detected. If 99% of the samples are negative, "
     "predicting all negative gives 99% accuracy but finds no positives, so accuracy alone is useless for "
     "imbalanced data."),
    # training-overfit-12
    ('training-overfit-12', 'zh1', "① 早停：验证集误差开始上升时停止训练；② 数据增强：翻转、裁剪、旋转来扩充训练集；"
     "③ L1/L2 正则化：在损失中加权重惩罚项；④ Dropout：训练时随机丢弃神经元。"),
    # needed a new synonym: “提前终止” for early stopping
    ('training-overfit-12', 'zh2', "1. 增加训练数据 / 数据增强；2. 加正则项（L2 权重衰减或 L1）；3. 随机失活，"
     "以概率 p 把神经元输出置 0；4. 提前终止：在验证集性能不再提升时就停止。"),
    # needed a new synonym: “数据扩增” for data augmentation
    ('training-overfit-12', 'zh3', "方法：数据扩增（平移、翻转等）、L2 正则化（权重衰减）、dropout、早停法。"
     "做法：数据扩增增加样本多样性；L2 在损失函数中加 λΣw²；dropout 随机让神经元失活；早停是在验证集 loss "
     "上升时结束训练。"),
    ('training-overfit-12', 'en1', "Early stopping (stop when the validation loss starts rising), data "
     "augmentation (flips, crops, rotations), L1/L2 regularization (a penalty on the weights in the loss), "
     "and dropout (randomly drop neurons during training)."),
    ('training-overfit-12', 'en2', "1) Get more data or augment it; 2) weight decay / L2 penalty; 3) dropout "
     "— zero random activations while training; 4) early stopping on a validation set."),
    # training-overfit-13
    ('training-overfit-13', 'zh1', "把数据分成训练集和验证集，训练集用来更新参数，验证集用来评估泛化能力；"
     "交叉验证是多次划分（如 k 折）轮流作为验证集再取平均。早停：训练时监测验证集误差，当验证集误差不再下降反而上升时停止训练，"
     "因为继续训练会拟合训练集的噪声，造成过拟合。"),
    # needed a new synonym: “不再提高”
    ('training-overfit-13', 'zh2', "训练集训练、验证集评估模型性能；k 折交叉验证把数据分成 k 份，每次用一份做验证，"
     "结果取平均。早停即验证集准确率不再提高时提前停止训练，保存验证集上最好的模型。之后训练误差虽然下降，"
     "但验证误差会升高，说明开始过拟合。"),
    # needed a new synonym: “验证 loss 不再降低”
    ('training-overfit-13', 'zh3', "早停法：每个 epoch 后在验证集上计算 loss，若连续几轮验证 loss 不再降低就停止训练。"
     "验证集不参与训练，可以评估模型的泛化性能；交叉验证用 K 折轮流验证并平均。早停避免模型继续拟合训练数据中的噪声。"),
    # needed a new synonym: “stops decreasing and starts to go up”
    ('training-overfit-13', 'en1', "Train on the training set and use a held-out validation set to estimate "
     "generalization; k-fold cross-validation rotates which fold is the validation set and averages the "
     "scores. Early stopping: watch the validation loss and stop training once it stops decreasing and "
     "starts to go up, since from then on the model just memorizes noise (overfitting)."),
    ('training-overfit-13', 'en2', "Validation set: data not used for training, used to evaluate generalization. "
     "Cross-validation: split into k folds, each fold serves as validation once, then average. Early stopping "
     "= stop when the validation accuracy no longer improves and keep the best checkpoint; continuing would "
     "only fit noise."),
    # training-reg-09
    # needed a new synonym: “L1 正则：损失函数加上 λ∑|w|” (∑ typed by an IME), “L2 正则：加上 λ∑w²”
    ('training-reg-09', 'zh1', "L1 正则：损失函数加上 λ∑|w|，即权重绝对值之和，会使很多权重变成 0，得到稀疏解；"
     "L2 正则：加上 λ∑w²，即权重平方和，使权重都比较小（权重衰减）；弹性网络就是把 L1 和 L2 结合起来。"),
    # needed a new synonym: “L1：惩罚项是 λΣ|w|”
    ('training-reg-09', 'zh2', "L1：惩罚项是 λΣ|w|，倾向于产生稀疏权重（很多为 0），可做特征选择。L2：惩罚项是 "
     "λΣw²，使权重整体变小但不为 0。弹性网络 = L1 和 L2 两种惩罚的组合。"),
    # needed a new synonym: “L1 正则化加的是权重绝对值之和”
    ('training-reg-09', 'zh3', "L1 正则化加的是权重绝对值之和，会让部分权重为 0（稀疏）；L2 正则化加的是权重的平方和，"
     "防止权重过大；弹性网络同时使用 L1 和 L2，综合两者优点。"),
    ('training-reg-09', 'en1', "L1 adds λΣ|w| (the sum of absolute weights), which gives sparse weights "
     "with many exactly 0. L2 adds λΣw² (the sum of squares), which keeps the weights small, i.e. weight "
     "decay. Elastic net = a combination of L1 and L2."),
    # needed a new synonym: “L1 regularization penalizes the sum of |w|”
    ('training-reg-09', 'en2', "L1 regularization penalizes the sum of |w|, which pushes many weights to "
     "zero (sparse, feature selection). L2 regularization penalizes the sum of w², shrinking all weights "
     "toward zero without making them exactly zero (weight decay). Elastic net uses both penalties together."),
    # training-vanish-11
    ('training-vanish-11', 'zh1', "① 残差连接（ResNet），恒等映射让梯度可以直接回传；② 用 ReLU 代替 sigmoid；"
     "③ 梯度裁剪，防止梯度爆炸；④ BN 批归一化；⑤ Xavier / He 初始化。残差有效是因为 ∂y/∂x = 1 + ∂F/∂x，"
     "梯度不会消失。"),
    # needed a new synonym: “多出一个 +1 项”
    ('training-vanish-11', 'zh2', "方法：ReLU 等非饱和激活函数、批量归一化、合适的权重初始化、梯度截断（防梯度爆炸）、"
     "残差结构、Adam 优化器。残差结构 y=F(x)+x，求导后多出一个 +1 项，即使 F 的导数很小梯度也能传回浅层。"),
    # needed a new synonym: “梯度剪裁”
    ('training-vanish-11', 'zh3', "1. 换用 ReLU 激活；2. 加 BN 层；3. He 初始化；4. 梯度剪裁，解决梯度爆炸；"
     "5. ResNet 跳跃连接。残差为什么有效：跳跃连接是恒等映射，反向传播时梯度可以不经过卷积层直接流回前面的层。"),
    ('training-vanish-11', 'en1', "Use ReLU instead of sigmoid, batch normalization, He/Xavier initialization, "
     "gradient clipping against exploding gradients, and residual (skip) connections. ResNets work because "
     "y = x + F(x) gives ∂y/∂x = 1 + ∂F/∂x, so the gradient flows back through the identity path even if "
     "∂F/∂x is small."),
    ('training-vanish-11', 'en2', "Remedies: non-saturating activations (ReLU), BN, careful init (Xavier/He), "
     "clipping the gradient norm to stop explosions, residual connections, Adam. Residual connections work "
     "because the shortcut adds an identity term to the Jacobian, so gradients don't vanish."),
    # training-vanish-12
    # needed a new synonym: “传到很早的时间步”
    ('training-vanish-12', 'zh1', "不准确。门控机制主要是缓解梯度消失，而不是过拟合。LSTM 的细胞状态是加法更新的："
     "C_t = f_t·C_{t−1} + i_t·C̃_t，当遗忘门 f_t 接近 1 时，梯度可以沿着细胞状态几乎不衰减地传到很早的时间步。"),
    ('training-vanish-12', 'zh2', "这个说法不对，门控解决的是梯度消失问题。三个门用 sigmoid，输出在 0~1 "
     "之间；细胞状态通过相加的方式更新（C_t=f_t*C_{t-1}+i_t*C~_t），遗忘门≈1 时梯度能够很好地回传，不会指数衰减；"
     "门为 0 时说明之前的信息无关，不需要回传梯度。"),
    # needed a new synonym: “f_t 趋近于 1”
    ('training-vanish-12', 'zh3', "不准确。LSTM 的门控是为了减轻长序列训练中的梯度消失。细胞状态像传送带，"
     "只有遗忘门相乘和输入门相加，∂C_t/∂C_{t−1}=f_t，当 f_t 趋近于 1 时梯度沿细胞状态传递基本不衰减。"),
    ('training-vanish-12', 'en1', "Not accurate — the gates mainly fight vanishing gradients, not overfitting. "
     "The cell state is updated additively, C_t = f_t * C_{t-1} + i_t * g_t, so ∂C_t/∂C_{t-1} = f_t; if "
     "the forget gate is ≈ 1 the gradient passes back through many time steps almost unchanged."),
    ('training-vanish-12', 'en2', "The claim is wrong: gating addresses the vanishing gradient problem. "
     "The cell state acts as a conveyor belt with an additive update; when the forget gate is close to "
     "1 the gradient flows along it without shrinking, and a gate near 0 simply means the old information "
     "is irrelevant."),
    # training-init-08
    ('training-init-08', 'zh1', "全 0 初始化时，同一层每个神经元的输出和梯度都一样，更新后仍然相同，对称性无法打破，"
     "等于只有一个神经元。Xavier 初始化适用于 tanh（以及 sigmoid）；He 初始化适用于 ReLU。"),
    # needed a new synonym: “Xavier 对应 tanh/sigmoid … He（Kaiming）初始化对应 ReLU”
    ('training-init-08', 'zh2', "权重全为 0 时，各神经元输出相同、梯度相同，参数更新也一样，存在对称性问题。"
     "Xavier 对应 tanh/sigmoid，方差为 2/(n_in+n_out)；He（Kaiming）初始化对应 ReLU，方差为 2/n_in。"),
    # needed a new synonym: “同样的梯度”, “ReLU 网络用 He 初始化”
    ('training-init-08', 'zh3', "若全部初始化为 0，反向传播时每个神经元得到同样的梯度，始终无法打破对称性。"
     "Xavier 初始化适合 sigmoid 和 tanh；ReLU 网络用 He 初始化。"),
    # needed a new synonym: “He is for ReLU” (no “init” after He)
    ('training-init-08', 'en1', "If every weight is 0, all neurons in a layer compute the same thing and "
     "get the same update — the symmetry is never broken. Xavier is for tanh/sigmoid, He is for ReLU."),
    # needed a new synonym: “Xavier with tanh … He (Kaiming) init with ReLU”
    ('training-init-08', 'en2', "Zero init gives identical neurons and identical gradients (the symmetry "
     "problem), so the layer acts like one neuron. Use Xavier with tanh or sigmoid, and He (Kaiming) init "
     "with ReLU."),
    # training-bn-08
    ('training-bn-08', 'zh1', "1. 缓解梯度消失，使激活值不落在饱和区；2. 减少内部协变量偏移（ICS），可以用更大的学习率，"
     "加快收敛；3. 降低对权重初始化的依赖；4. 有轻微的正则化效果，减轻过拟合。"),
    # needed a new synonym: “梯度弥散”
    ('training-bn-08', 'zh2', "BN 把每层输入标准化为均值 0、方差 1：防止梯度弥散；解决 internal covariate "
     "shift，允许较大学习率，训练更快；对初始化不那么敏感；mini-batch 带来的噪声有一定正则作用。"),
    # needed a new synonym: “学习速率” (the notes' word)
    ('training-bn-08', 'zh3', "作用：① 防止梯度消失 / 爆炸；② 缓解内部协变量偏移，可以提高学习速率；③ 减少对好的初始化的依赖；"
     "④ 一定程度上防止过拟合。"),
    ('training-bn-08', 'en1', "BN keeps activations normalized (mean 0, variance 1), which prevents vanishing "
     "gradients; it reduces internal covariate shift, so we can use higher learning rates; it makes training "
     "less sensitive to initialization; and it acts as a slight regularizer (less overfitting)."),
    # needed a new synonym: “a larger LR”, “weight init”
    ('training-bn-08', 'en2', "Faster, more stable training: it fights vanishing gradients, reduces internal "
     "covariate shift (allows a larger LR), lowers the dependence on weight init, and has a mild regularization "
     "effect."),
    # training-optim-09
    # needed a new synonym: “Adam = 动量 + RMSProp”
    ('training-optim-09', 'zh1', "动量法：用梯度的指数加权平均来更新，像小球有惯性，能加速收敛、减少震荡。"
     "RMSProp：对梯度平方做指数滑动平均，用它去除梯度，相当于给每个参数自适应的学习率。Adam = 动量 + RMSProp，"
     "同时用一阶矩和二阶矩估计。因为 m、v 初始为 0，前几步估计偏小（偏向 0），所以要做偏差修正 m̂ = m/(1−β1^t)。"),
    # needed a new synonym: “g²” for the squared gradient
    ('training-optim-09', 'zh2', "Momentum：v = βv + (1−β)g，沿一致方向加速、抑制振荡；RMSProp：s = βs "
     "+ (1−β)g²，w -= lr·g/√(s+ε)，对每个参数自适应调整步长；Adam 结合两者，用一阶矩 m 和二阶矩 v。偏差修正："
     "m、v 初值为 0，初期估计偏向 0，需除以 (1−β^t)。"),
    # needed a new synonym: “从 0 开始”
    ('training-optim-09', 'zh3', "动量法积累之前的梯度方向，减小振荡、加快收敛；RMSProp 用梯度平方的移动平均调整每个参数的学习率；"
     "Adam 把动量和 RMSProp 结合起来。Adam 中一阶、二阶矩都从 0 开始，训练初期估计值偏小，所以需要偏差校正。"),
    # needed a new synonym: “corrects the bias”, “start at 0”
    ('training-optim-09', 'en1', "Momentum keeps a running average of past gradients, so updates build "
     "up speed in consistent directions and oscillations are damped. RMSProp divides the gradient by the "
     "root of a moving average of squared gradients — an adaptive learning rate per parameter. Adam combines "
     "momentum and RMSProp. Since m and v start at 0, they are biased toward 0 in the early steps, so Adam "
     "corrects the bias by dividing them by (1 − β^t)."),
    # needed a new synonym: “g^2”, “Adam = momentum + RMSProp”
    ('training-optim-09', 'en2', "Momentum: exponentially weighted average of gradients (like a heavy ball, "
     "accelerates and reduces zig-zag). RMSProp: scales the learning rate of each parameter by 1/sqrt(moving "
     "average of g^2). Adam = momentum + RMSProp (first and second moment estimates). Bias correction is "
     "needed because m and v are initialized to zero, so the early estimates are too small."),
    # training-error-07
    ('training-error-07', 'zh1', "降低训练误差：用更大更深的模型、训练更久、调好超参数或换更好的优化器。"
     "降低验证/测试误差：增加数据（数据增强）、正则化、dropout、早停、简化模型。贝叶斯误差是理论上能达到的最低误差（常用人类水平代替）。"
     "训练误差与贝叶斯误差的差距是可避免偏差，大则欠拟合，先降训练误差；验证误差与训练误差之差是方差，大则过拟合，"
     "先降验证误差。"),
    ('training-error-07', 'zh2', "训练误差高（欠拟合）→ 更复杂的模型、训练更长时间、调超参；验证误差高（过拟合）→ "
     "更多数据、正则化、简化模型。贝叶斯误差是误差的下界；训练误差 − 贝叶斯误差 = 偏差，验证误差 − 训练误差 "
     "= 方差，哪个差距大就先解决哪个。"),
    # needed a new synonym: “加深网络、延长训练”, “最优可能误差”
    ('training-error-07', 'zh3', "如果训练误差离贝叶斯误差（最优可能误差，可用人类误差近似）较远，说明偏差大，"
     "应先降训练误差：加深网络、延长训练、优化超参数。如果训练误差接近贝叶斯误差但验证误差明显更高，说明方差大，"
     "应降低验证误差：扩充数据、加正则、Dropout。"),
    ('training-error-07', 'en1', "Lower training error: a bigger/deeper model, train longer, a better optimizer "
     "and hyper-parameters. Lower validation/test error: more data or augmentation, regularization/dropout/early "
     "stopping, a simpler model. Bayes error = the lowest error achievable (≈ human-level). Avoidable bias "
     "= training error − Bayes error; variance = validation error − training error. Fix whichever gap is "
     "larger first: high bias → reduce training error, high variance → reduce validation error."),
    ('training-error-07', 'en2', "Compare the errors: the Bayes error is the best achievable (minimum) "
     "error. If the training error is far above it, bias (underfitting) dominates: use a larger model, "
     "train longer, tune hyper-parameters. If the dev/validation error is much higher than the training "
     "error, variance (overfitting) dominates: get more data, add regularization, simplify the model."),
]


@pytest.mark.parametrize("item_id,tag,text", ANSWERS, ids=[f"{i}-{t}" for i, t, _ in ANSWERS])
def test_correct_answer_earns_full_marks(item_id, tag, text):
    problem = find_item(item_id)
    score = grade(problem, text).to_json("en")["score"]
    assert score == 1.0, match_key_points(text, problem.parts[0].spec)


def test_every_short_item_of_both_chapters_is_covered():
    from examgen.bank import load_bank

    short = {it.id for it in load_bank().items if it.type == "short" and it.chapter in ("cnn", "training")}
    covered = {i for i, _, _ in ANSWERS}
    assert covered == short
    for item_id in short:
        tags = sorted(t for i, t, _ in ANSWERS if i == item_id)
        assert tags == ["en1", "en2", "zh1", "zh2", "zh3"], (item_id, tags)


# The synonyms added for recall must not hand out a key point for free: answers that only look similar, or that
# swap a claim using the newly accepted phrasing, still miss it. (item, text, key point index)
NOT_EARNED = [
    # the definition of sigmoid alone says nothing about the cost of the exponential ("算 e^" is needed)
    ("cnn-sigmoid-s01", "sigmoid：σ(x) = 1/(1+e^(−x))，输出在 0 到 1 之间。", 2),
    ("cnn-sigmoid-s01", "The sigmoid is σ(x) = 1/(1+exp(−x)).", 2),
    # "dropout" + "random" is not "randomly deleting neurons" ("drop" alone is not a keyword)
    ("cnn-dropproc-s01", "Dropout 是一种随机的正则化方法。", 0),
    ("cnn-dropproc-s01", "Dropout is a random regularizer for the network.", 0),
    # swapped Xavier/He with the newly accepted phrasings
    ("training-init-08", "Xavier 对应 ReLU，He 初始化对应 tanh。", 1),
    ("training-init-08", "Xavier 对应 ReLU，He 初始化对应 tanh。", 2),
    ("training-init-08", "Use Xavier with ReLU and He init with tanh.", 1),
    ("training-init-08", "Use Xavier with ReLU and He init with tanh.", 2),
    # swapped L1/L2 with the newly accepted phrasings
    ("training-reg-09", "L1 正则：加上 λ∑w²，使权重变小；L2 正则：加上 λ∑|w|，产生稀疏。", 0),
    ("training-reg-09", "L1 正则：加上 λ∑w²，使权重变小；L2 正则：加上 λ∑|w|，产生稀疏。", 1),
    ("training-reg-09", "L1 regularization penalizes the sum of w², L2 regularization penalizes the sum of |w|.", 0),
    ("training-reg-09", "L1 regularization penalizes the sum of w², L2 regularization penalizes the sum of |w|.", 1),
    # early stopping on the training error, with the new "升高"
    ("training-overfit-13", "早停：训练误差升高时停止训练。", 1),
    # the new depth phrasing does not turn overfitting into "not overfitting"
    ("cnn-resdeg-s01", "网络层数增加后准确率下降，这是过拟合，训练误差本身很低。", 1),
]


@pytest.mark.parametrize("item_id,text,kp", NOT_EARNED)
def test_look_alike_or_swapped_answers_miss_the_point(item_id, text, kp):
    assert not match_key_points(text, find_item(item_id).parts[0].spec)[kp]
