"""Kinds of the chapter 分割任务 (Segmentation): chapter id `segmentation`."""
