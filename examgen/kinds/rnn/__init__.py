"""Kinds of the chapter 循环神经网络 (Recurrent neural networks): chapter id `rnn`."""
