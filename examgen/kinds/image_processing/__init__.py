"""Kinds of the chapter 进阶图像处理 (Filtering, edges, Otsu and morphology): chapter id `image-processing`."""
