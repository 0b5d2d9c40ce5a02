"""Add the lexical model to a trained triage model: fit TF-IDF + LR on train, choose the model's
weight per task on dev (with the model's kept guide rules applied, as in production), then the
review thresholds on the mixed probabilities. Test data is never used."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from claims.lexical import LexicalClassifier
from claims.model import TriageConfig
from claims.rules import RuleSet
from claims.taxonomy import TASKS
from training.baselines import TfidfLogRegBaseline
from training.rule_selection import accuracy_with
from training.trainer import choose_threshold

WEIGHT_GRID: tuple[float, ...] = tuple(round(0.1 * i, 1) for i in range(11))


def fit_lexical(
    texts: Sequence[str], gold: Mapping[str, Sequence[str]], labels: Mapping[str, Sequence[str]]
) -> LexicalClassifier:
    """The TF-IDF + LR baseline, exactly as ``compare`` scores it, in its pickle-free form."""
    baseline = TfidfLogRegBaseline().fit(list(texts), {t: list(gold[t]) for t in TASKS})
    vectorizers = [transformer for _, transformer in baseline.vectorizer_.transformer_list]
    return LexicalClassifier.from_fitted(vectorizers, baseline.classifiers_, labels)


def _mixed(
    model: Mapping[str, np.ndarray], lexical: Mapping[str, np.ndarray], weights: Mapping[str, float]
) -> dict[str, np.ndarray]:
    return {t: weights[t] * model[t] + (1 - weights[t]) * lexical[t] for t in TASKS}


def argmax_labels(probs: Mapping[str, np.ndarray], labels: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The most probable label per task and claim (columns in ``labels[task]`` order)."""
    return {t: [labels[t][i] for i in probs[t].argmax(axis=1)] for t in TASKS}


def choose_weights(
    model_probs: Mapping[str, np.ndarray],
    lexical_probs: Mapping[str, np.ndarray],
    texts: Sequence[str],
    gold: Mapping[str, Sequence[str]],
    labels: Mapping[str, Sequence[str]],
    rules: RuleSet,
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Per task, the model weight with the best dev accuracy after the guide rules (ties: the
    higher weight, i.e. the simpler change from the model alone); and the whole grid as a table."""
    table: dict[str, dict[str, float]] = {}
    for w in WEIGHT_GRID:
        mixed = _mixed(model_probs, lexical_probs, {t: w for t in TASKS})
        table[f"{w:.1f}"] = accuracy_with(rules, texts, argmax_labels(mixed, labels), gold)
    weights = {}
    for task in TASKS:
        best = max(WEIGHT_GRID, key=lambda w: (round(table[f"{w:.1f}"][task], 6), w))
        weights[task] = best
    return weights, table


def add_ensemble(
    model_dir: Path,
    model_probs: Mapping[str, np.ndarray],
    lexical: LexicalClassifier,
    dev_texts: Sequence[str],
    dev_gold: Mapping[str, Sequence[str]],
    *,
    target_accuracy: float = 0.99,
    version: str | None = None,
) -> dict[str, Any]:
    """Save ``lexical`` into ``model_dir/lexical`` and record weights, thresholds and the dev
    numbers behind them in the model's config. Returns what was recorded."""
    config_path = Path(model_dir) / "config.json"
    config = TriageConfig.from_dict(json.loads(config_path.read_text("utf-8")))
    lexical_probs = lexical.predict_proba(list(dev_texts))
    rules = RuleSet(**config.rules) if config.rules else RuleSet.none()
    weights, table = choose_weights(model_probs, lexical_probs, dev_texts, dev_gold, config.labels, rules)
    mixed = _mixed(model_probs, lexical_probs, weights)
    thresholds = {}
    for task in TASKS:
        gold_index = np.array([config.labels[task].index(g) for g in dev_gold[task]])
        thresholds[task] = choose_threshold(
            mixed[task].max(axis=1), mixed[task].argmax(axis=1) == gold_index, target_accuracy
        )
    final = accuracy_with(rules, dev_texts, argmax_labels(mixed, config.labels), dev_gold)
    lexical.save(Path(model_dir) / "lexical")
    config.ensemble = weights
    config.thresholds = thresholds
    if version:
        config.model_version = version
    record = {"weights": weights, "thresholds": thresholds, "dev_accuracy_with_rules": final, "grid": table}
    config.metrics["ensemble_dev"] = record
    config_path.write_text(json.dumps(asdict(config), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return record
