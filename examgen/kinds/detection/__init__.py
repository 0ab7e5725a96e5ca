"""Kinds of the chapter 目标检测 (Object detection): chapter id `detection`."""
