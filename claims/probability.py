"""The two squashing functions every model of the product uses (one copy each)."""

from __future__ import annotations

import numpy as np


def softmax(x: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum so large logits do not overflow."""
    shifted = x - x.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Element-wise logistic function, clipped so extreme logits do not overflow."""
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40.0, 40.0)))  # type: ignore[no-any-return]
