"""Kinds of the chapter 卷积神经网络的优化 (Training and optimization): chapter id `training`."""
