"""Fine-tune the triage model: LoRA adapter + three heads, class-weighted, early stopping on dev.

After training, the best epoch's weights are restored, a temperature per head is fitted on dev
(calibration), and a per-task confidence threshold is chosen on dev so that claims routed without
review are at least ``target_accuracy`` correct. The test split is never used here.
"""

from __future__ import annotations

import copy
import logging
import math
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.metrics import f1_score
from torch import nn
from tqdm import tqdm

from claims.model import TriageConfig, TriageModel, softmax
from claims.taxonomy import TASKS

logger = logging.getLogger(__name__)


@dataclass
class TrainingArguments:
    """Typed options of ``claims-triage train``."""

    epochs: int = field(default=6, metadata={"help": "Maximum epochs."})
    batch_size: int = field(default=16, metadata={"help": "Claims per optimisation step."})
    learning_rate: float = field(default=5e-4, metadata={"help": "Learning rate of the LoRA adapter."})
    head_learning_rate: float = field(default=3e-3, metadata={"help": "Learning rate of the heads."})
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    patience: int = field(default=2, metadata={"help": "Epochs without dev macro-F1 gain before stopping."})
    class_weighting: bool = field(default=True, metadata={"help": "Weight rare classes up (inverse sqrt frequency)."})
    target_accuracy: float = field(default=0.99, metadata={"help": "Accuracy required of auto-routed dev claims."})
    max_minutes: float = field(default=40.0, metadata={"help": "Stop starting new epochs after this time."})
    seed: int = 13

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError(f"epochs={self.epochs} and batch_size={self.batch_size} must be at least 1")
        if not 0.5 <= self.target_accuracy <= 1.0:
            raise ValueError(f"target_accuracy={self.target_accuracy} must be within [0.5, 1]")


@dataclass
class TrainingResult:
    best_epoch: int
    history: list[dict[str, Any]]
    dev_macro_f1: dict[str, float]
    minutes: float


def class_weights(labels: Sequence[str], order: Sequence[str]) -> torch.Tensor:
    counts = np.array([max(1, sum(label == name for label in labels)) for name in order], dtype=np.float64)
    weights = 1.0 / np.sqrt(counts)
    return torch.tensor(weights / weights.mean(), dtype=torch.float32)


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The temperature minimising dev negative log-likelihood (grid search, robust on small dev sets)."""
    best_t, best_nll = 1.0, math.inf
    for t in np.exp(np.linspace(np.log(0.25), np.log(8.0), 121)):
        probs = softmax(logits / t)
        nll = -float(np.mean(np.log(probs[np.arange(len(gold)), gold] + 1e-12)))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def choose_threshold(confidence: np.ndarray, correct: np.ndarray, target: float) -> float:
    """Lowest confidence threshold whose auto-routed share is at least ``target`` correct.

    Scanning thresholds from high to low keeps the largest coverage that still meets the target;
    if even the most confident claim misses it, nothing is auto-routed (threshold above 1).
    """
    order = np.argsort(-confidence)
    hits = np.cumsum(correct[order])
    best = 1.01
    for k in range(len(order)):
        if hits[k] / (k + 1) >= target:
            best = float(confidence[order[k]])
    return best


def _batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches (less padding), in random order."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def dev_scores(
    model: TriageModel, texts: list[str], gold: Mapping[str, Sequence[str]]
) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    logits = model.logits(texts)
    scores = {}
    for task in TASKS:
        pred = [model.config.labels[task][i] for i in logits[task].argmax(axis=1)]
        scores[task] = float(
            f1_score(gold[task], pred, labels=model.config.labels[task], average="macro", zero_division=0)
        )
    return scores, logits


def train_triage(
    train_texts: list[str],
    train_labels: Mapping[str, Sequence[str]],
    dev_texts: list[str],
    dev_labels: Mapping[str, Sequence[str]],
    encoder_dir: Path,
    out_dir: Path,
    args: TrainingArguments | None = None,
    config: TriageConfig | None = None,
) -> TrainingResult:
    """Train on anonymized texts, calibrate and choose thresholds on dev, save to ``out_dir``."""
    args = args or TrainingArguments()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    model = TriageModel.for_training(encoder_dir, config)
    cfg = model.config
    targets = {task: torch.tensor([cfg.labels[task].index(x) for x in train_labels[task]]) for task in TASKS}
    losses = {
        task: nn.CrossEntropyLoss(
            weight=class_weights(train_labels[task], cfg.labels[task]) if args.class_weighting else None
        )
        for task in TASKS
    }
    adapter_params = [p for n, p in model.encoder.named_parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [
            {"params": adapter_params, "lr": args.learning_rate},
            {"params": list(model.heads.parameters()), "lr": args.head_learning_rate},
        ],
        weight_decay=args.weight_decay,
    )
    lengths = [len(t) for t in train_texts]
    steps_per_epoch = math.ceil(len(train_texts) / args.batch_size)
    total_steps = steps_per_epoch * args.epochs
    warmup = max(1, int(args.warmup_ratio * total_steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.05, 1 - s / total_steps)
    )
    started = time.monotonic()
    history: list[dict[str, Any]] = []
    best_score, best_epoch, best_state, stale = -1.0, 0, None, 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        running = 0.0
        bar = tqdm(_batches(lengths, args.batch_size, rng), desc=f"epoch {epoch}/{args.epochs}", unit="batch")
        for step, batch in enumerate(bar, start=1):
            inputs = model.encode_texts([train_texts[i] for i in batch])
            logits = model(**inputs)
            loss = sum(losses[task](logits[task], targets[task][batch]) for task in TASKS)
            optimizer.zero_grad()
            loss.backward()  # type: ignore[union-attr]
            torch.nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], 1.0)
            optimizer.step()
            scheduler.step()
            running += float(loss.detach())  # type: ignore[union-attr]
            bar.set_postfix(loss=f"{running / step:.3f}")
        scores, _ = dev_scores(model, dev_texts, dev_labels)
        mean_f1 = float(np.mean(list(scores.values())))
        record = {
            "epoch": epoch,
            "train_loss": round(running / steps_per_epoch, 4),
            "dev_macro_f1": {k: round(v, 4) for k, v in scores.items()},
            "minutes": round((time.monotonic() - started) / 60, 1),
        }
        history.append(record)
        tqdm.write(f"epoch {epoch}: {record}")
        if mean_f1 > best_score:
            best_score, best_epoch, stale = mean_f1, epoch, 0
            best_state = {
                k: v.detach().clone() for k, v in model.state_dict().items() if "lora_" in k or k.startswith("heads.")
            }
        else:
            stale += 1
        if stale >= args.patience or (time.monotonic() - started) / 60 > args.max_minutes:
            break
    assert best_state is not None
    model.load_state_dict(best_state, strict=False)
    scores, logits = dev_scores(model, dev_texts, dev_labels)
    for task in TASKS:
        gold = np.array([cfg.labels[task].index(x) for x in dev_labels[task]])
        cfg.temperatures[task] = fit_temperature(logits[task], gold)
        probs = softmax(logits[task] / cfg.temperatures[task])
        cfg.thresholds[task] = choose_threshold(probs.max(axis=1), probs.argmax(axis=1) == gold, args.target_accuracy)
    minutes = (time.monotonic() - started) / 60
    cfg.metrics = {
        "best_epoch": best_epoch,
        "history": history,
        "dev_macro_f1": scores,
        "training_minutes": round(minutes, 1),
        "train_claims": len(train_texts),
        "args": copy.deepcopy(vars(args)),
    }
    model.save_pretrained(out_dir)
    return TrainingResult(best_epoch, history, scores, minutes)
