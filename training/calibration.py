"""Calibration and review thresholds, chosen on dev only: a temperature for the damage_type
softmax, one per fact sigmoid, and per task the confidence above which claims skip review."""

from __future__ import annotations

import math

import numpy as np

from claims.probability import sigmoid, softmax

#: Temperatures tried (log-spaced); a grid is robust on small dev sets and never diverges.
TEMPERATURE_GRID = np.exp(np.linspace(np.log(0.25), np.log(8.0), 121))


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The softmax temperature minimising dev negative log-likelihood."""
    best_t, best_nll = 1.0, math.inf
    for t in TEMPERATURE_GRID:
        probs = softmax(logits / t)
        nll = -float(np.mean(np.log(probs[np.arange(len(gold)), gold] + 1e-12)))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def fit_binary_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The sigmoid temperature minimising dev binary log-loss of one fact."""
    best_t, best_nll = 1.0, math.inf
    for t in TEMPERATURE_GRID:
        p = np.clip(sigmoid(logits / t), 1e-12, 1 - 1e-12)
        nll = -float(np.mean(gold * np.log(p) + (1 - gold) * np.log(1 - p)))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def choose_threshold(confidence: np.ndarray, correct: np.ndarray, target: float) -> float:
    """Lowest confidence threshold whose auto-routed share is at least ``target`` correct.

    Scanning thresholds from high to low keeps the largest coverage that still meets the target;
    if even the most confident claim misses it, nothing is auto-routed (threshold above 1).
    """
    order = np.argsort(-confidence, kind="stable")
    hits = np.cumsum(correct[order])
    best = 1.01
    for k in range(len(order)):
        # Only cut between distinct confidences: claims with equal confidence go together.
        if k + 1 < len(order) and confidence[order[k + 1]] == confidence[order[k]]:
            continue
        if hits[k] / (k + 1) >= target:
            best = float(confidence[order[k]])
    return best
