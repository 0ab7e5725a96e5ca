"""Recall of the short-answer rubrics of segmentation, image-processing, detection, rnn, transfer, vision-tasks and
classic-cv: correct answers as students write them under exam pressure — shorter than the reference, in other
words (语义分割/semantic segmentation, 跳跃连接/skip connection, 转置卷积/upsampling, NMS, 交并比/IoU,
腐蚀/膨胀, 遗忘门/forget gate …), in another order, a point written as a formula — earn full marks.
Three Chinese and two English answers per item; every one states every key point of the item's rubric.

The wrong-answer side (swapped or negated answers keep losing their points) is tests/test_bank_audit_det_img_rnn_seg.py.
Real bank, real grader."""

from __future__ import annotations

import pytest

from examgen.bank import find_item
from examgen.grading import grade, match_key_points

# (item id, answer); per item: zh1, zh2, zh3, en1, en2
ANSWERS: list[tuple[str, str]] = [
    # ---------------------------------------------------------------- segmentation
    ("segmentation-task-05",
     "语义分割：对图像每个像素做分类，判断它属于哪一类（人、车、背景等），同一类的不同物体不加区分。实例分割：在语义分割基础上"
     "还要把同类的不同个体区分开。比如图里有两辆车，语义分割都标成“车”，实例分割标成车1和车2。"),
    ("segmentation-task-05",
     "语义分割是像素级的分类，只分类别。实例分割要把每个物体单独分开。举个例子：三只猫挨在一起，语义分割只得到一块“猫”的区域，"
     "实例分割能分出猫A、猫B、猫C。"),
    ("segmentation-task-05",
     "语义分割给每个像素打标签，不管是不是同一个物体；实例分割还要区分同类中的不同实例。比如街上有多个行人，语义分割全标成行人，"
     "实例分割给每个行人不同的编号。"),
    ("segmentation-task-05",
     "Semantic segmentation labels each pixel with a class, but objects of the same class are not told apart. Instance "
     "segmentation also separates the individual objects. E.g. two dogs in a photo: semantic segmentation gives one "
     "'dog' region, instance segmentation gives dog 1 and dog 2."),
    ("segmentation-task-05",
     "Semantic segmentation = pixel-wise classification (every pixel gets a category). Instance segmentation "
     "additionally distinguishes different instances of the same category. For example, in a crowd semantic "
     "segmentation marks all of them as 'person', while instance segmentation gives every person its own mask."),

    ("segmentation-loss-06",
     "一般用逐像素的交叉熵损失（CE）。还要考虑：①类别不平衡，背景多前景少，可以给不同类别加权重（加权交叉熵）；②难易样本问题，"
     "用 Focal Loss，降低易分样本的权重，让模型关注难分样本。"),
    ("segmentation-loss-06",
     "损失函数：每个像素上算交叉熵然后求平均。问题一：正负样本比例失衡 → 加权 CE；问题二：难分/易分样本 → focal loss，"
     "FL = −(1−p_t)^γ·log(p_t)。"),
    ("segmentation-loss-06",
     "pixel-wise 交叉熵。1. 样本均衡问题：给少数类更大的权重；2. 样本难易问题：focal loss，让难样本在损失中占更大比重。"),
    ("segmentation-loss-06",
     "Per-pixel cross entropy loss. Also consider (1) class imbalance – use weighted CE giving rare classes a higher "
     "weight; (2) hard vs easy pixels – use focal loss, which down-weights the easy examples."),
    ("segmentation-loss-06",
     "Pixel-wise CE, i.e. softmax cross-entropy at every pixel, averaged. Issues: imbalanced classes (background "
     "dominates) → weighted cross-entropy; easy/hard samples → focal loss with the factor (1 − p_t)^γ."),

    ("segmentation-unet-06",
     "U-Net 是 U 型的编码器-解码器结构，左边下采样提取特征，右边用反卷积上采样恢复尺寸，中间用跳跃连接把同层特征传给解码器。"
     "区别：U-Net 把特征在通道维拼接，FCN 是逐元素相加。代价：通道数变多，更占显存。"),
    ("segmentation-unet-06",
     "结构：收缩路径（卷积+池化下采样）+ 扩张路径（转置卷积上采样），左右对称呈 U 形，同层之间有 skip connection。"
     "融合方式：UNet 用的是拼接（concat），FCN 用的是相加（add）。代价是显存占用大。"),
    ("segmentation-unet-06",
     "编码器逐步下采样、解码器逐步上采样，左右对称像字母 U，对应层通过跳跃连接融合。FCN 融合时把对应像素直接相加，而 U-Net "
     "在通道维度上拼接，特征更厚，但显存消耗更大。"),
    ("segmentation-unet-06",
     "U-Net: the encoder downsamples (conv + max pooling), the decoder upsamples with transposed convolutions back to "
     "full resolution, and skip connections copy encoder features to the decoder. U-Net concatenates the feature maps "
     "along the channels, FCN just adds them element-wise. Cost: more channels, so more GPU memory."),
    ("segmentation-unet-06",
     "A contracting path and an expanding path in a U shape, joined by skip connections. Fusion: FCN sums the feature "
     "maps, U-Net stacks them by channel concatenation -> thicker features but a higher memory cost."),

    ("segmentation-unetpp-06",
     "U-Net++ 把 U-Net 的跳跃连接换成嵌套的密集连接（类似 DenseNet），不同深度的特征都拼起来融合。另外加了深度监督，多个输出"
     "各算一个损失。因为每个子网络都有监督、单独就能输出结果，测试时可以把后面的分支剪掉，速度更快。"),
    ("segmentation-unetpp-06",
     "改进：①重新设计跳跃连接，编码器和解码器之间加入密集的嵌套跳连，像 DenseNet 一样把各层特征拼接；②深监督：每个子网络的输出"
     "都计算 loss。剪枝：前面的子网络也单独受监督，能独立给出分割结果，推理时按速度要求只保留浅层子网络即可。"),
    ("segmentation-unetpp-06",
     "U-Net++ = U-Net + 密集跳跃连接 + deep supervision，多个位置都算损失。由于中间层也有监督，可以剪枝，推理更快、参数更少。"),
    ("segmentation-unetpp-06",
     "U-Net++ redesigns the skip pathways as nested, dense skip connections (the DenseNet idea), so features of "
     "different depths are fused. It adds deep supervision: a loss on each sub-network output. Since every sub-network "
     "is trained with its own supervision, at test time you can prune the deeper part and keep a shallow one for "
     "faster inference."),
    ("segmentation-unetpp-06",
     "Dense nested skip connections between encoder and decoder + deep supervision (a loss at several outputs L1–L4). "
     "Pruning: each level already outputs a segmentation, so we can cut off the deeper levels at inference time to "
     "trade accuracy for speed."),

    ("segmentation-dilated-07",
     "空洞卷积（膨胀卷积）就是在卷积核的元素之间插入 0，用扩张率 d 控制间距。DeepLab 用它是因为分割需要大感受野，而池化会降低"
     "分辨率、丢信息。优点：不增加参数量和计算量就能扩大感受野，不用池化，保持分辨率。等效核大小 = k + (k−1)(d−1)。"),
    ("segmentation-dilated-07",
     "空洞卷积：卷积核各元素之间补 0，rate = 2 时 3×3 的核覆盖 5×5 的区域。DeepLab 用它代替池化来增大感受野，避免下采样丢失"
     "细节；感受野变大但参数不变，计算量也不增加，用法只是多设一个 dilation 参数。等效尺寸 K = k + (k−1)(d−1)。"),
    ("segmentation-dilated-07",
     "空洞卷积又叫扩张卷积，在卷积核各元素间加入间隔（由 dilation rate 控制）。分割要求大感受野，但池化会丢信息、降低分辨率，"
     "所以 DeepLab 用空洞卷积：不增加参数、不增加计算就能扩大感受野，不用池化，分辨率不变。卷积核尺寸 k' = (k−1)×d + 1。"),
    ("segmentation-dilated-07",
     "Atrous (dilated) convolution inserts holes between the kernel weights, the spacing set by the dilation rate r. "
     "DeepLab uses it to get a large receptive field without pooling/downsampling, which would lose resolution. "
     "Advantages: bigger receptive field, no extra parameters, no extra computation, easy to use. Effective kernel "
     "size k_eff = k + (k−1)(r−1)."),
    ("segmentation-dilated-07",
     "Dilated convolution = a kernel with gaps (zeros) between its taps, rate d. Why: pooling enlarges the receptive "
     "field but loses spatial detail; dilation enlarges it while keeping the resolution, with the same number of "
     "parameters. The kernel then covers d(k−1)+1 pixels, e.g. 3x3 with d = 2 → 5x5."),

    ("segmentation-smallk-05",
     "三个 3×3 卷积的感受野等于一个 7×7，但参数量只有 3×9C² = 27C²，比 49C² 少。而且每层后都有 ReLU，非线性更多，网络也更深。"),
    ("segmentation-smallk-05",
     "优势：(1) 感受野一样，都是 7×7；(2) 参数量 27C² < 49C²；(3) 多了两次激活函数，非线性表达能力增强；(4) 网络深度增加。"),
    ("segmentation-smallk-05",
     "堆叠小卷积核：参数更少（27C² vs 49C²），引入更多非线性，层数更多、网络更深，而感受野与 7×7 相同。"),
    ("segmentation-smallk-05",
     "Three stacked 3x3 convs see a 7x7 region (same receptive field) with 27C² weights instead of 49C², i.e. fewer "
     "parameters; there are three ReLUs instead of one, so more non-linearity, and the network gets deeper."),
    ("segmentation-smallk-05",
     "Same receptive field (7×7) but fewer params: 3·(3·3·C·C) = 27C² vs 7·7·C² = 49C². More nonlinear activations → "
     "more discriminative. More layers → a deeper network."),

    ("segmentation-spp-05",
     "因为全连接层需要固定维度的输入，以前只能把图片裁剪或缩放到固定大小，会造成信息丢失和形变。SPP 加在最后一个卷积层后面，"
     "把特征图分别分成 4×4、2×2、1×1 的网格，每格做最大池化，每个通道得到 16+4+1 = 21 个值，拼接成固定长度的向量送入全连接层。"),
    ("segmentation-spp-05",
     "原因：FC 层输入尺寸固定，crop/warp 会使图像变形、丢信息。做法：对任意大小的特征图做多尺度池化（4*4、2*2、1*1 共 21 个 "
     "bin），每个 bin 取 max，然后合并成固定长度的特征向量。"),
    ("segmentation-spp-05",
     "传统 CNN 因为全连接层要求输入大小固定，只能对图像裁剪或拉伸。SPP 用金字塔池化：把特征图划成 4×4、2×2、1×1 的格子分别"
     "最大池化，共 21×256 = 5376 维，串联后输入全连接层。"),
    ("segmentation-spp-05",
     "FC layers need a fixed-size input, so images had to be cropped or warped, which distorts them. SPP pools the last "
     "conv feature map at several pyramid levels (4x4, 2x2 and 1x1 bins, max pooling in each bin) and concatenates the "
     "results into a fixed-length vector, so any input size works."),
    ("segmentation-spp-05",
     "Because the fully-connected layer has a fixed input dimension; cropping or resizing loses information. SPP: "
     "spatial pyramid pooling with 16 + 4 + 1 bins per channel, max-pool each bin, concat → a fixed 21·C-dim vector."),

    # ---------------------------------------------------------------- image-processing
    ("image-processing-smooth-s1",
     "目的：去除噪声、提取边缘等特征。均值滤波：邻域像素取平均，权值一样，会使图像模糊。高斯滤波：按高斯分布加权，离中心越近"
     "权重越大，适合高斯噪声。中值滤波：取邻域中值，非线性，对椒盐噪声效果好，能保边。"),
    ("image-processing-smooth-s1",
     "滤波的目的是降噪和为识别提取特征。均值滤波用周围像素的平均值代替中心点，每个点权重一致；高斯滤波的权重随到中心的距离增大"
     "而减小，主要去高斯噪声；中值滤波用排序后的中间值，专门对付椒盐（脉冲）噪声。"),
    ("image-processing-smooth-s1",
     "去噪 + 提取特征。均值：模板内求平均，各点权重相同；高斯：加权平均，离中心近的权重大，适合高斯噪声；中值：取中值，适合"
     "椒盐噪声。"),
    ("image-processing-smooth-s1",
     "Purpose: remove noise and extract features (edges). Mean filter: plain average of the neighbourhood, all weights "
     "equal, blurs edges. Gaussian: weighted average, the weights fall off with distance from the centre; good for "
     "Gaussian noise. Median: takes the median, non-linear, best for salt-and-pepper noise and preserves edges."),
    ("image-processing-smooth-s1",
     "Filtering suppresses noise and helps extract features. Box (mean) filter = uniform average of the window. "
     "Gaussian filter gives nearby pixels larger weights (a Gaussian of the distance) → Gaussian noise. Median filter → "
     "salt & pepper / impulse noise."),

    ("image-processing-operators-s1",
     "Roberts：2×2 模板，沿对角线方向求差分，定位精度高但对噪声很敏感。Prewitt：3×3 模板，一个方向差分、另一个方向平均，有一定"
     "抑噪能力。Sobel：3×3，中间行/列权重为 2，平滑作用更强、抗噪更好，但边缘较粗，定位不如 Roberts 准。"),
    ("image-processing-operators-s1",
     "Roberts 算子是 2×2 的交叉差分，边缘定位准，但易受噪声影响。Prewitt 和 Sobel 都是 3×3；Sobel 给中心加权（系数 2），"
     "抑制噪声的能力比 Prewitt 强，但定位精度稍差。"),
    ("image-processing-operators-s1",
     "Roberts：2x2，对角差分，对噪声敏感，定位准确；Prewitt：3x3，差分 + 平均；Sobel：3x3，加权平均（中心权值 2），抗噪性更好。"),
    ("image-processing-operators-s1",
     "Roberts: 2x2 kernels, diagonal differences; precise edge localisation but very sensitive to noise. Prewitt: 3x3, "
     "difference in one direction plus averaging in the other. Sobel: 3x3 like Prewitt, but the centre row/column has "
     "weight 2, so it smooths more and is more robust to noise; its edges are thicker and localization is a bit worse."),
    ("image-processing-operators-s1",
     "Roberts uses a 2×2 cross (diagonal gradient); it localizes edges well but is noise-sensitive. Prewitt and Sobel "
     "are 3×3 operators; Sobel's weighted centre (1-2-1) makes it less sensitive to noise than Prewitt, at the cost of "
     "slightly blurrier edges."),

    ("image-processing-canny-s1",
     "①高斯滤波去噪；②用 Sobel 算梯度的大小和方向；③非极大值抑制，把宽边缘细化成单像素；④双阈值，分出强边缘、弱边缘；"
     "⑤滞后阈值/边缘连接：与强边缘相连的弱边缘保留，其余去掉。"),
    ("image-processing-canny-s1",
     "1 高斯平滑 2 计算梯度幅值与方向 3 NMS 细化边缘 4 用高低两个阈值筛选边缘 5 滞后跟踪，把弱边缘连到强边缘上。"),
    ("image-processing-canny-s1",
     "先高斯模糊降噪，再用 Sobel 求每个点的梯度强度和梯度方向，然后做非最大值抑制，只留局部最大；接着用双门限划分强、弱边缘，"
     "最后通过滞后处理把边缘连接起来。"),
    ("image-processing-canny-s1",
     "1) Gaussian blur to reduce noise; 2) Sobel gradients → magnitude and direction; 3) non-maximum suppression to thin "
     "the edges to 1 pixel; 4) double thresholding into strong / weak / non-edges; 5) edge tracking by hysteresis: keep "
     "the weak edges connected to strong ones."),
    ("image-processing-canny-s1",
     "Smooth with a Gaussian filter; compute the gradient magnitude and orientation (Sobel); non-max suppression; apply "
     "a high and a low threshold; hysteresis: weak pixels survive only if they are linked to strong edge pixels."),

    ("image-processing-otsu-s1",
     "1. 转灰度，求整幅图的平均灰度 μ；2. 取阈值 T 把像素分为前景和背景两类，算两类像素的占比 w0、w1 和平均灰度 μ0、μ1；"
     "3. 类间方差 g = w0(μ0−μ)² + w1(μ1−μ)²；4. 遍历 0~255 所有阈值，g 最大的 T 就是最佳阈值。"),
    ("image-processing-otsu-s1",
     "灰度化 → 计算全局平均灰度 → 对每个候选阈值 T 把像素分成两类，统计像素比例 ω0、ω1 和均值 μ0、μ1 → 类间方差 "
     "σ² = ω0ω1(μ0−μ1)² → 选使类间方差最大的 T。"),
    ("image-processing-otsu-s1",
     "Otsu：先转成灰度图并求平均灰度；用阈值 T 把图像分为两类，计算各自的概率 w0、w1 和均值；类间方差 g = w0*w1*(μ0-μ1)^2；"
     "T 取遍所有灰度级，g 最大时的 T 即为所求。"),
    ("image-processing-otsu-s1",
     "Convert to grayscale and compute the global mean μ. A threshold T splits the pixels into two classes with "
     "proportions w0, w1 and means μ0, μ1. Between-class variance g = w0·w1·(μ0−μ1)², w = the fraction of pixels in each "
     "class. Try every threshold 0–255 and pick the T that maximizes g."),
    ("image-processing-otsu-s1",
     "Grayscale image, mean gray level μ. A threshold t splits the pixels into background and foreground; ω0, ω1 are the "
     "class probabilities, μ0, μ1 the class means, and σ_B² = ω0ω1(μ0−μ1)² is the between-class variance. Exhaustively "
     "search t and choose the one with the largest σ_B²."),

    ("image-processing-morph-s1",
     "膨胀：前景物体变大、变粗，边界向外扩，可填补小孔；腐蚀：前景物体变小、变细，边界向内缩，可去除小的噪声点。"),
    ("image-processing-morph-s1",
     "膨胀使前景物体扩张，结构元素只要碰到前景就置 1，小洞被填上；腐蚀使前景物体收缩，结构元素必须完全落在前景内，小噪点被去掉。"),
    ("image-processing-morph-s1",
     "膨胀会让物体变粗、变大，能连接断开的地方；腐蚀会让物体变细、变小，能去掉毛刺。"),
    ("image-processing-morph-s1",
     "Dilation grows the object: the structuring element only has to overlap the foreground, so boundaries move outward "
     "and small holes get filled. Erosion shrinks the object: the element must fit completely inside, so boundaries "
     "move inward and small specks disappear."),
    ("image-processing-morph-s1",
     "Dilation: foreground objects get bigger and thicker (boundary pixels added). Erosion: foreground objects get "
     "smaller and thinner (boundary pixels removed)."),

    ("image-processing-openclose-s1",
     "开运算：先腐蚀后膨胀，用来去掉小的噪点、断开细连接、平滑边界；闭运算：先膨胀后腐蚀，用来填充物体内的小孔、连接断开的部分。"),
    ("image-processing-openclose-s1",
     "开运算 = 腐蚀 + 膨胀（先腐蚀），可以消除小物体、毛刺；闭运算 = 膨胀 + 腐蚀（先膨胀），能填补内部小洞、弥合裂缝。"),
    ("image-processing-openclose-s1",
     "开运算先腐蚀再膨胀，主要去除小的干扰点和孤立噪声；闭运算先膨胀再腐蚀，主要填充小空洞、连接邻近区域。"),
    ("image-processing-openclose-s1",
     "Opening = erosion followed by dilation; it removes small objects and noise and breaks thin bridges. Closing = "
     "dilation followed by erosion; it fills small holes and closes narrow gaps."),
    ("image-processing-openclose-s1",
     "Opening: erode, then dilate – gets rid of small specks and noise. Closing: dilate, then erode – fills holes and "
     "joins nearby objects."),

    # ---------------------------------------------------------------- detection
    ("detection-stage-06",
     "两阶段：代表 Faster R-CNN，先用 RPN 生成候选框，再对候选框分类和回归，精度高但速度慢。单阶段：代表 YOLO、SSD，直接用一个"
     "网络回归出类别和位置，速度快、能实时，但精度稍低。"),
    ("detection-stage-06",
     "two-stage（R-CNN 系列）：第一步提取候选区域，第二步分类 + 边框回归；准确率高，慢（约 5 FPS）。one-stage（YOLO）：端到端"
     "直接预测，速度快，适合实时，但效果差一些。"),
    ("detection-stage-06",
     "二阶段方法如 Faster RCNN，先产生 region proposal 再检测，检测效果好但耗时；一阶段方法如 YOLO，把检测当作回归问题一步出"
     "结果，推理快，适合实时场景。"),
    ("detection-stage-06",
     "Two-stage (Faster R-CNN, Mask R-CNN): an RPN proposes regions, then each proposal is classified and its box "
     "refined. More accurate but slower (~5 fps). One-stage (YOLO, SSD): one network predicts boxes and classes in a "
     "single pass, treating detection as regression; very fast, real-time, but usually less accurate."),
    ("detection-stage-06",
     "Two-stage detectors such as Faster R-CNN first generate candidate regions and then classify them: high accuracy, "
     "low speed. One-stage detectors like YOLO regress the boxes directly from the image: high speed (real time), "
     "lower accuracy."),

    ("detection-iou-06",
     "IoU = 预测框∩真实框 / 预测框∪真实框，越大说明框得越准。精确率 P = TP/(TP+FP)，预测为正的里面有多少是对的；召回率 "
     "R = TP/(TP+FN)，真实目标里找出了多少。mAP：先对每一类算 AP（P-R 曲线下面积），再对所有类别求平均。"),
    ("detection-iou-06",
     "IoU（交并比）：两个框相交的面积除以合并的面积。查准率 = TP/(TP+FP)，查全率 = TP/(TP+FN)。mAP 是所有类别 AP 的均值。"),
    ("detection-iou-06",
     "IoU：交集面积 / 并集面积，一般 IoU > 0.5 算检测正确。Precision：检测出来的框中正确的比例；Recall：所有真实物体中被检出"
     "的比例。mAP = 各类别 AP 的平均值，AP 是 PR 曲线下的面积。"),
    ("detection-iou-06",
     "IoU = area of overlap / area of union of the predicted and ground-truth box. Precision = TP/(TP+FP): how many "
     "detections are correct. Recall = TP/(TP+FN): how many objects are found. mAP = the mean over the classes of the AP "
     "(area under the PR curve)."),
    ("detection-iou-06",
     "IoU: the intersection of the two boxes divided by their union (0..1). Precision is TP/(TP+FP), recall is "
     "TP/(TP+FN). AP per class comes from the precision-recall curve; mAP averages the AP over all classes."),

    ("detection-yoloidea-05",
     "YOLOv1 把检测看成回归问题，整张图片输入一个 CNN，一次前向就输出所有框和类别。图像分成 7×7 的网格，物体中心落在哪个格子"
     "就由它负责。每格预测 2 个框，每个框 5 个量 (x, y, w, h, conf)，再加 20 个类别概率，所以每格 2×5+20 = 30，输出 7×7×30。"),
    ("detection-yoloidea-05",
     "核心：一个网络直接回归边界框和类别（one-stage），输入是整幅图。分成 S×S 格子，目标中心所在格子负责预测。输出张量 "
     "S×S×(B×5+C) = 7×7×(2×5+20) = 7×7×30。"),
    ("detection-yoloidea-05",
     "思想：将目标检测转成回归问题，对全图只看一次（You Only Look Once）。把图划成 S×S 个 cell，物体的中心点落在哪个 cell，"
     "就由哪个 cell 负责。每个 cell 输出 B 个 box（每个 5 个值）和 C 个类别概率：7×7×(5×2+20)，共 1470 个数。"),
    ("detection-yoloidea-05",
     "YOLOv1 frames detection as a single regression problem: the whole image goes through one CNN once and the network "
     "outputs box coordinates and class probabilities directly. The image is divided into an S×S grid; the cell that "
     "contains an object's center is responsible for it. Each cell: B boxes × 5 (x, y, w, h, confidence) + C class "
     "probabilities → S×S×(5B+C) = 7×7×30."),
    ("detection-yoloidea-05",
     "Core idea: You Only Look Once – regress the bounding boxes and classes directly from the full image in one pass. "
     "A grid of 7x7 cells; the cell where the object's centre lies predicts it. Per cell 2 boxes × 5 + 20 classes = 30 "
     "values, so the output is 7 x 7 x 30."),

    ("detection-yololim-04",
     "优点：速度快，结构简单，能实时检测视频。缺点：①每个格子只能预测一个类别、两个框，物体重叠或挤在一起时会漏检；②小目标检测"
     "效果差；③长宽比比较固定，遇到不常见比例的物体泛化差。"),
    ("detection-yololim-04",
     "优点：快、端到端、简单。问题：一个网格只负责一类物体，多个物体中心落在同一个格子时检测不出来；对小物体效果不好；框的宽高比"
     "单一。"),
    ("detection-yololim-04",
     "优点是快，45 fps 能做实时。缺点：每个 cell 只预测一个类别，重叠物体无法处理；小物体检测一般；长宽比单一。"),
    ("detection-yololim-04",
     "Pros: very fast (real-time, ~45 fps) and simple – one network, one pass. Cons: each grid cell predicts only one "
     "class (and 2 boxes), so overlapping objects whose centres fall in the same cell are missed; poor on small "
     "objects, especially in groups; limited aspect ratios, so it generalises badly to unusual shapes."),
    ("detection-yololim-04",
     "Strengths: fast, simple, real-time. Weaknesses: one class per grid cell, so crowded or overlapping objects are a "
     "problem; small objects are detected poorly; the bounding-box aspect ratios are limited."),

    ("detection-nms-06",
     "NMS：①把同类的框按置信度从高到低排列；②选出分数最高的框保留；③算其余框和它的 IoU，IoU 超过阈值（比如 0.5）的删掉；"
     "④在剩下的框里重复，直到处理完。Canny 里的 NMS 是对像素做的，沿梯度方向看是不是局部最大值，不是就置 0，用来细化边缘。"),
    ("detection-nms-06",
     "排序 → 取得分最高的框 → 去掉与它交并比 > 阈值的框 → 循环直至没有框。区别：检测中 NMS 去除的是重复框；Canny 中 NMS 是"
     "在梯度方向上比较像素的幅值，抑制非极大点，让边缘变细。"),
    ("detection-nms-06",
     "目标检测的 NMS：按 score 排序，保留最大的，把和它 IoU 大于阈值的框抑制掉，对剩余的框反复执行。Canny 的 NMS 针对梯度"
     "幅值，在梯度方向上只保留局部极大值，用于细化边缘线。"),
    ("detection-nms-06",
     "Sort the boxes (of one class) by confidence, take the top one, remove every other box with IoU > 0.5 with it, and "
     "repeat on the remaining boxes until none is left. Canny's NMS works per pixel on the gradient magnitude: a pixel "
     "is kept only if it is a local maximum along the gradient direction, which thins the edges."),
    ("detection-nms-06",
     "1. pick the box with the highest score; 2. discard the boxes whose IoU with it is above a threshold; 3. go on "
     "with the rest until no boxes remain. Difference: in Canny, NMS suppresses pixels that are not local maxima of the "
     "gradient along its direction, thinning edges rather than removing duplicate boxes."),

    # ---------------------------------------------------------------- rnn
    ("rnn-grad-07",
     "BPTT 时按链式法则，梯度要在各个时间步上连乘 W 和激活函数的导数。如果这些因子的绝对值小于 1，连乘后趋于 0，梯度消失；"
     "如果大于 1，连乘后趋于无穷，梯度爆炸。"),
    ("rnn-grad-07",
     "∂L/∂h_1 = ∏ ∂h_t/∂h_{t−1}，每个时间步都乘一次 W_hh 和 tanh 的导数，序列越长相乘的项越多。|W| < 1 时指数衰减 → 梯度"
     "消失；|W| > 1 时指数增长 → 梯度爆炸。"),
    ("rnn-grad-07",
     "原因是链式法则：反向传播经过多少个时刻就要乘多少次权重矩阵。权重 < 1 越乘越小 → 梯度消失，> 1 越乘越大 → 梯度爆炸。"),
    ("rnn-grad-07",
     "Because of backpropagation through time: by the chain rule the gradient is a product of many Jacobians, one per "
     "time step, each involving W_hh and tanh'. If they are < 1 the product shrinks exponentially → vanishing gradient; "
     "if > 1 it blows up → exploding gradient."),
    ("rnn-grad-07",
     "The gradient w.r.t. early states is a long product of the same factor over the time steps. When the factor's norm "
     "is smaller than 1 the gradient vanishes, when it is bigger than 1 it explodes."),

    ("rnn-lstm-13",
     "遗忘门：决定把细胞状态里哪些旧信息丢掉（sigmoid 输出 0~1，0 表示全忘）。输入门：决定把哪些新信息加进细胞状态，和 tanh "
     "产生的候选值相乘。输出门：决定细胞状态的哪些部分输出，h_t = o_t * tanh(C_t)。"),
    ("rnn-lstm-13",
     "f_t 控制遗忘，决定上一时刻细胞状态保留多少、丢弃多少；i_t 控制新输入写入细胞状态的比例；o_t 控制细胞状态有多少输出到"
     "隐藏状态 h_t。"),
    ("rnn-lstm-13",
     "遗忘门：删除细胞状态中没用的信息；输入门：选择哪些新信息存入细胞状态；输出门：根据细胞状态决定输出什么（h_t）。"),
    ("rnn-lstm-13",
     "Forget gate f_t: decides what to throw away from the old cell state C_{t-1} (0 = forget, 1 = keep). Input gate "
     "i_t: decides which new information from the candidate C̃_t is written to the cell state. Output gate o_t: decides "
     "which part of the cell state is output, h_t = o_t ⊙ tanh(C_t)."),
    ("rnn-lstm-13",
     "The forget gate chooses which information to drop from the cell state; the input gate controls how much of the "
     "new candidate is added to the cell; the output gate filters the cell state to produce the hidden state "
     "h_t = o_t * tanh(C_t)."),

    ("rnn-lstm-14",
     "C_t = f_t * C_{t-1} + i_t * C̃_t。前一项：遗忘门乘旧状态，决定保留多少过去的记忆；后一项：输入门乘候选值，决定加入多少"
     "新信息，两项相加。C̃_t 由 tanh 得到，范围 (-1, 1)。"),
    ("rnn-lstm-14",
     "C_t = f_t⊙C_{t−1} + i_t⊙C̃_t：f_t 是遗忘门，决定上一时刻细胞状态 C_{t−1} 留下多少；i_t 是输入门，C̃_t 是 tanh 产生的"
     "候选记忆，i_t⊙C̃_t 就是新写入的信息。C̃_t ∈ (−1, 1)。"),
    ("rnn-lstm-14",
     "C_t = f_t·C_{t−1} + i_t·C̃_t，即旧细胞状态经过遗忘门筛选后，再加上经过输入门筛选的候选值。候选值用 tanh 计算，在 -1 到 1 "
     "之间（连续值，不只是 ±1）。"),
    ("rnn-lstm-14",
     "C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t. f_t ⊙ C_{t-1}: the forget gate scales the previous cell state (keeps or forgets "
     "old memory). i_t ⊙ C̃_t: the input gate scales the new candidate values, which are added to the cell. "
     "C̃_t = tanh(...) ∈ (-1, 1)."),
    ("rnn-lstm-14",
     "New cell state = forget gate × old cell state + input gate × candidate. The candidate comes from a tanh, so each "
     "entry lies in the open interval (−1, 1), not only ±1."),

    ("rnn-gate-06",
     "LSTM 的门都是 sigmoid，输出在 0~1 之间。细胞状态是相加更新的（C_t = f_t C_{t−1} + i_t C̃_t），反向传播时沿细胞状态只乘 "
     "f_t，不用反复乘 W。当遗忘门接近 1 时，梯度几乎不衰减地传递到很早的时刻，所以缓解了梯度消失。"),
    ("rnn-gate-06",
     "因为细胞状态的更新是加法形式，梯度可以沿着细胞状态这条“传送带”直接回传；门用 sigmoid，值在 (0,1)；遗忘门 ≈ 1 时梯度能"
     "长距离流动而不衰减，门 ≈ 0 时说明过去的信息不重要，不需要传梯度。"),
    ("rnn-gate-06",
     "sigmoid 门的输出介于 0 和 1 之间；细胞状态 C_t 由 f_t⊙C_{t−1} 与 i_t⊙C̃_t 相加得到，不是连乘；f_t 趋近于 1 时梯度可以"
     "几乎无损地反向传播。"),
    ("rnn-gate-06",
     "The gates are sigmoids, so their values are between 0 and 1. The cell state is updated additively "
     "(C_t = f_t⊙C_{t−1} + i_t⊙C̃_t), so along the cell state the gradient is only multiplied by f_t at each step "
     "instead of W·tanh'. If f_t is close to 1, the gradient passes back through many steps almost unchanged."),
    ("rnn-gate-06",
     "Sigmoid gates output values in (0, 1). Because the new cell state is a sum, not a repeated matrix product, "
     "backprop through it just multiplies by the forget gate; with the forget gate ≈ 1 the gradient is carried back "
     "over long time spans without vanishing."),

    ("rnn-gru-08",
     "GRU 把遗忘门和输入门合成一个更新门，又加了一个重置门；同时把细胞状态和隐藏状态合二为一。所以结构更简单，参数少，训练更快。"),
    ("rnn-gru-08",
     "①更新门 z_t 代替了 LSTM 的遗忘门 + 输入门（二者合并）；②重置门 r_t 决定用多少过去的隐藏状态；③去掉单独的细胞状态，"
     "和隐藏状态合并成 h_t，没有输出门。好处：参数更少、计算更快，效果和 LSTM 差不多。"),
    ("rnn-gru-08",
     "GRU 只有两个门：更新门（由遗忘门和输入门融合而来）和重置门；细胞状态与隐藏状态合并为 h_t。参数比 LSTM 少，收敛快。"),
    ("rnn-gru-08",
     "A GRU combines the forget and input gates into one update gate z_t, adds a reset gate r_t, and merges the cell "
     "state with the hidden state (no output gate). Result: a simpler model with fewer parameters that trains faster."),
    ("rnn-gru-08",
     "Only two gates: an update gate (it replaces the LSTM's forget + input gates) and a reset gate; no separate cell "
     "state – the cell state and the hidden state are merged into h_t. Hence fewer parameters and faster training."),

    # ---------------------------------------------------------------- transfer
    ("transfer-why-s1",
     "1. 大数据与少标注：数据多，但大部分没有标签，人工标注成本高；2. 大数据与弱计算：个人没有足够的算力从头训练大模型；"
     "3. 普适模型与个性化需求：通用模型满足不了每个用户的特定需求。"),
    ("transfer-why-s1",
     "三大矛盾：海量数据 vs 标注稀缺；大数据 vs 计算资源不足；通用模型 vs 个性化需求。迁移学习复用已有模型的知识，少标注、少算力"
     "也能得到好模型。"),
    ("transfer-why-s1",
     "①数据有很多，但有标签的很少，人工打标签太费时；②普通人没有 GPU 集群，训不动大模型；③一个通用模型没法照顾到不同用户的"
     "需求，需要定制。"),
    ("transfer-why-s1",
     "1) Lots of data but few labels – labelling by hand is slow and expensive. 2) Big data vs weak computation – most "
     "people don't have the GPUs to train big models from scratch. 3) Universal models vs personalised needs – one "
     "general model can't fit every user's specific needs."),
    ("transfer-why-s1",
     "Contradictions: (a) big data vs scarce annotations; (b) big data vs limited computing power; (c) generic models "
     "vs individual requirements. Transfer learning reuses pre-trained knowledge to get around all three."),

    ("transfer-when-s1",
     "小数据 + 相似：冻结预训练网络，只训练最后的分类层；大数据 + 相似：微调后几层或整个网络；小数据 + 不相似：用前面几层的"
     "特征再训练分类器；大数据 + 不相似：从头训练，或用预训练权重初始化后全部微调。"),
    ("transfer-when-s1",
     "四种情况：①数据少、相似度高：只训练分类器（特征提取）；②数据多、相似度高：fine-tune；③数据少、相似度低：取较低层的特征"
     "训练分类器；④数据多、相似度低：整个网络重新训练。"),
    ("transfer-when-s1",
     "相似 & 数据少 → 固定卷积层，只换分类器训练；相似 & 数据多 → 微调；不相似 & 数据少 → 用浅层特征 + 新分类器；"
     "不相似 & 数据多 → 从零训练或全网微调。"),
    ("transfer-when-s1",
     "Small & similar: freeze the pre-trained conv base and train only a new classifier on top. Large & similar: "
     "fine-tune (some or all layers). Small & different: use features from earlier layers and train a classifier "
     "(maybe fine-tune a few layers). Large & different: train from scratch or fine-tune the whole network."),
    ("transfer-when-s1",
     "Small/similar → use the network as a fixed feature extractor + a new linear classifier. Large/similar → finetune "
     "the pretrained net. Small/dissimilar → take activations from lower layers and train a classifier on them. "
     "Large/dissimilar → retrain all layers (initialised with the pretrained weights)."),

    ("transfer-methods-s1",
     "①特征提取：冻结预训练模型的卷积层，只训练新加的分类器；②微调：用新数据继续训练整个网络，更新所有参数；③二者结合：先冻结"
     "训练分类器，再解冻部分层一起微调。"),
    ("transfer-methods-s1",
     "1）特征提取：把预训练网络当特征提取器，参数固定，只训练顶部的分类器。2）Fine-tuning：在新数据集上对预训练模型接着训练，"
     "所有权重都更新。3）混合：冻结浅层、微调深层。"),
    ("transfer-methods-s1",
     "特征抽取（参数冻结，训练新的分类头）、全网络微调（加载预训练权重后在目标数据上再训练）、两者结合（部分冻结、部分微调）。"),
    ("transfer-methods-s1",
     "1) Feature extraction: freeze the pretrained layers, add and train only a new classifier. 2) Fine-tuning: load the "
     "pretrained model and continue training on the new data, updating the weights. 3) Combination: train the new head "
     "first with the base frozen, then unfreeze the top layers and fine-tune them too."),
    ("transfer-methods-s1",
     "Feature extraction (the pretrained backbone is frozen, only a new classification head is trained); full "
     "fine-tuning (all weights are updated on the target data); a mix of both (freeze the early layers, fine-tune the "
     "later ones)."),

    # ---------------------------------------------------------------- vision-tasks
    ("vision-tasks-four-s1",
     "图像分类：判断整张图属于哪一类。目标检测：找出图中的物体，给出类别和位置（边界框）。语义分割：对每个像素分类。实例分割："
     "在语义分割基础上区分同类的不同个体。区别：语义分割不区分同一类的不同物体，实例分割要把每个物体分开。"),
    ("vision-tasks-four-s1",
     "分类——给一张图打一个标签；检测——类别 + 框；语义分割——像素级分类，只管类别；实例分割——像素级 + 区分每个实例。例如两个人，"
     "语义分割都是“人”，实例分割是人1、人2。"),
    ("vision-tasks-four-s1",
     "图像分类：图像级别的识别，输出类别；目标检测：定位 + 识别，用 bounding box 框出物体；语义分割：逐像素分类；实例分割："
     "逐像素分类，并把同类的不同对象分开。"),
    ("vision-tasks-four-s1",
     "Classification: one label for the whole image. Detection: the classes and locations (bounding boxes) of all "
     "objects. Semantic segmentation: a class for every pixel. Instance segmentation: per-pixel classes, and it also "
     "separates different objects of the same class, which semantic segmentation does not."),
    ("vision-tasks-four-s1",
     "Image classification predicts what the image shows (a single class for the entire image); object detection finds "
     "each object and draws a box around it; semantic segmentation labels each pixel with a class, but all cars are "
     "just 'car'; instance segmentation also differentiates car 1 from car 2."),

    ("vision-tasks-cvipcg-s1",
     "图像处理：输入图像，输出也是图像（如去噪、增强）；计算机视觉：输入图像，输出对图像的理解（类别、位置等）；计算机图形学："
     "输入模型或场景描述，输出图像（渲染）。视觉和图形学是互逆的过程，图像处理常作为视觉的预处理。"),
    ("vision-tasks-cvipcg-s1",
     "数字图像处理：图像 → 图像；计算机视觉：图像 → 语义信息/描述；计算机图形学：三维模型 → 图像。CV 是从图像到模型，CG 是从"
     "模型到图像，两者正好相反。"),
    ("vision-tasks-cvipcg-s1",
     "三者的区别在于输入输出：图像处理是图像进、图像出，做滤波、增强；计算机视觉是图像进、理解出，比如识别物体；图形学是描述进、"
     "图像出，通过渲染生成图像。因此 CV 和 CG 是逆过程。"),
    ("vision-tasks-cvipcg-s1",
     "Image processing: image in, image out (denoising, enhancement). Computer vision: image in, understanding out (what "
     "and where the objects are). Computer graphics: model / scene description in, rendered image out. So CV and CG "
     "are inverse problems, and image processing is often a preprocessing step for CV."),
    ("vision-tasks-cvipcg-s1",
     "Digital image processing (DIP) maps images to images (e.g. filtering, sharpening); computer vision maps an image "
     "to a description or interpretation of the scene; computer graphics goes from a 3D model to an image, i.e. the "
     "reverse of CV."),

    # ---------------------------------------------------------------- classic-cv
    ("classic-cv-hough-s1",
     "流程：灰度化 → 高斯滤波去噪 → Canny 边缘检测 → 取车道所在的 ROI → 霍夫变换找直线。思想：直线用 ρ = x cosθ + y sinθ "
     "表示，图像空间的一个点对应参数空间的一条正弦曲线，每个边缘点给所有可能的 (ρ, θ) 投票，共线点的曲线交于一点，累加器中"
     "票数最多的 (ρ, θ) 就是直线。"),
    ("classic-cv-hough-s1",
     "先转灰度、高斯平滑，再用 Canny 提取边缘点，然后把每个边缘点映射到霍夫空间（ρ-θ）进行累加投票，累加器中超过阈值的峰值点"
     "对应图像中的直线，即车道线。"),
    ("classic-cv-hough-s1",
     "① 灰度 + 高斯模糊；② Canny 得到边缘；③ Hough：x-y 空间的一条直线对应 ρ-θ 空间中的一个点，一个点对应 ρ-θ 空间的一条"
     "曲线；每个边缘点在 ρ-θ 平面上投票，交点处累加值最大的就是检测到的车道线。"),
    ("classic-cv-hough-s1",
     "Grayscale → Gaussian blur → Canny edges → region-of-interest mask → Hough transform. Hough idea: write a line as "
     "ρ = x cosθ + y sinθ; every edge pixel votes for all the (ρ, θ) lines through it in an accumulator; collinear "
     "points vote for the same cell, so the peaks of the accumulator are the lane lines."),
    ("classic-cv-hough-s1",
     "Pipeline: convert to gray, smooth with a Gaussian, detect edges with Canny, keep the road ROI, then Hough. Each "
     "edge point maps to a sinusoid in Hough space, the curves of the points of one line intersect there, so the "
     "accumulator bins with the most votes give the line parameters."),
]

_PER_ITEM = {"zh": 3, "en": 2}


def _lang(text: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


def _ids() -> list[str]:
    seen: dict[tuple[str, str], int] = {}
    out = []
    for item_id, text in ANSWERS:
        key = (item_id, _lang(text))
        seen[key] = seen.get(key, 0) + 1
        out.append(f"{item_id}-{key[1]}{seen[key]}")
    return out


def test_three_chinese_and_two_english_answers_per_item():
    counts: dict[str, dict[str, int]] = {}
    for item_id, text in ANSWERS:
        counts.setdefault(item_id, {"zh": 0, "en": 0})[_lang(text)] += 1
    assert len(counts) == 29
    assert all(c == _PER_ITEM for c in counts.values()), counts
    for item_id in counts:
        problem = find_item(item_id)
        assert problem is not None and problem.parts[0].spec.__class__.__name__ == "RubricSpec", item_id


@pytest.mark.parametrize("item_id, text", ANSWERS, ids=_ids())
def test_correct_short_answer_earns_full_marks(item_id, text):
    problem = find_item(item_id)
    assert problem is not None, item_id
    spec = problem.parts[0].spec
    missed = [kp.text.en for kp, hit in zip(spec.key_points, match_key_points(text, spec)) if not hit]
    assert missed == [], missed
    assert grade(problem, text).to_json("en")["score"] == 1.0
