"""examgen: exam practice for a deep-learning and computer-vision course."""

__version__ = "0.1.0"
