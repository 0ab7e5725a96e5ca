"""Kinds of the chapter 卷积神经网络 (Convolutional neural networks): chapter id `cnn`."""
