"""Fine-tune the triage model: LoRA adapter + damage_type head + fact heads.

Loss: class-weighted cross-entropy for damage_type plus binary cross-entropy per fact (positive
facts weighted up, they are rare). Early stopping on what the product is judged by: dev accuracy
of damage_type and of urgency and department as the policy derives them from the predicted facts.
The best epoch's weights are restored; calibration and thresholds are the recipe's next steps
(:mod:`training.recipe`). The test split is never used here.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from claims.model import TriageConfig, TriageModel, amount_targets

logger = logging.getLogger(__name__)


@dataclass
class TrainingArguments:
    """Typed training options (a recipe's ``training:`` section)."""

    epochs: int = field(default=5, metadata={"help": "Maximum epochs."})
    batch_size: int = field(default=16, metadata={"help": "Claims per optimisation step."})
    learning_rate: float = field(default=5e-4, metadata={"help": "Learning rate of the LoRA adapter."})
    head_learning_rate: float = field(default=3e-3, metadata={"help": "Learning rate of the heads."})
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    patience: int = field(default=2, metadata={"help": "Epochs without dev gain before stopping."})
    class_weighting: bool = field(default=True, metadata={"help": "Weight rare damage types up (1/sqrt freq)."})
    fact_loss_weight: float = field(default=4.0, metadata={"help": "Weight of the mean fact BCE in the loss."})
    max_fact_pos_weight: float = field(default=4.0, metadata={"help": "Cap of a rare fact's positive weight."})
    bf16_autocast: bool = field(default=True, metadata={"help": "bfloat16 autocast where the CPU supports it."})
    seed: int = 13

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError(f"epochs={self.epochs} and batch_size={self.batch_size} must be at least 1")
        if self.fact_loss_weight <= 0 or self.max_fact_pos_weight < 1:
            raise ValueError("fact_loss_weight must be > 0 and max_fact_pos_weight >= 1")


@dataclass
class TrainingResult:
    best_epoch: int
    history: list[dict[str, Any]]
    minutes: float


def class_weights(labels: Sequence[str], order: Sequence[str]) -> torch.Tensor:
    counts = np.array([max(1, sum(label == name for label in labels)) for name in order], dtype=np.float64)
    weights = 1.0 / np.sqrt(counts)
    return torch.tensor(weights / weights.mean(), dtype=torch.float32)


def fact_pos_weights(facts: np.ndarray, cap: float) -> torch.Tensor:
    """sqrt(negatives / positives) per fact, within [1, cap]: rare facts count more, not absurdly."""
    positives = facts.sum(axis=0)
    ratio = np.sqrt((len(facts) - positives + 1.0) / (positives + 1.0))
    return torch.tensor(np.clip(ratio, 1.0, cap), dtype=torch.float32)


def bf16_supported() -> bool:
    """The CPU has bfloat16 matrix or vector units (AMX-BF16 or AVX512-BF16)."""
    try:
        flags = Path("/proc/cpuinfo").read_text("utf-8")
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


def _batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches (less padding), in random order."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


#: Scores a model on dev: returns named accuracies; their mean decides the best epoch.
DevScorer = Callable[[TriageModel], dict[str, float]]


def train_triage(
    train_texts: list[str],
    train_damage: Sequence[str],
    train_facts: np.ndarray,
    train_amounts: Sequence[float | None],
    encoder_dir: Path,
    dev_scorer: DevScorer,
    args: TrainingArguments | None = None,
    config: TriageConfig | None = None,
    init_from: Path | None = None,
) -> tuple[TriageModel, TrainingResult]:
    """Train on anonymized texts (from ``init_from``'s adapter and heads when given); return the
    model with its best dev epoch's weights restored."""
    args = args or TrainingArguments()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    model = TriageModel.for_training(encoder_dir, config)
    if init_from is not None:
        model.load_weights(init_from)
    cfg = model.config
    if train_facts.shape != (len(train_texts), len(cfg.facts)):
        raise ValueError(f"fact matrix has shape {train_facts.shape}, expected {(len(train_texts), len(cfg.facts))}")
    damage_targets = torch.tensor([cfg.damage_labels.index(x) for x in train_damage])
    fact_targets = torch.tensor(train_facts, dtype=torch.float32)
    money_targets = torch.tensor(amount_targets(list(train_amounts)))
    damage_loss = nn.CrossEntropyLoss(
        weight=class_weights(train_damage, cfg.damage_labels) if args.class_weighting else None
    )
    pos_weight = fact_pos_weights(train_facts, args.max_fact_pos_weight)
    fact_loss = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    # The weighted loss shifts each fact's logit by log(pos_weight); the model undoes it at once,
    # so dev scoring during training and every later step see unbiased probabilities.
    cfg.fact_logit_offsets = {name: -float(np.log(w)) for name, w in zip(cfg.facts, pos_weight.tolist(), strict=True)}
    money_loss = nn.BCEWithLogitsLoss()
    adapter_params = [p for p in model.encoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [
            {"params": adapter_params, "lr": args.learning_rate},
            {"params": list(model.heads.parameters()), "lr": args.head_learning_rate},
        ],
        weight_decay=args.weight_decay,
    )
    token_ids = [model.token_ids(t) for t in train_texts]
    steps_per_epoch = math.ceil(len(train_texts) / args.batch_size)
    total_steps = steps_per_epoch * args.epochs
    warmup = max(1, int(args.warmup_ratio * total_steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.05, 1 - s / total_steps)
    )
    use_bf16 = args.bf16_autocast and bf16_supported()
    logger.info("training with %s", "bfloat16 autocast" if use_bf16 else "float32")
    started = time.monotonic()
    history: list[dict[str, Any]] = []
    best_score, best_epoch, best_state, stale = -1.0, 0, None, 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        running = 0.0
        bar = tqdm(
            _batches([len(t) for t in token_ids], args.batch_size, rng),
            desc=f"epoch {epoch}/{args.epochs}",
            unit="batch",
        )
        for step, batch in enumerate(bar, start=1):
            inputs = model.pad([token_ids[i] for i in batch])
            with torch.autocast("cpu", dtype=torch.bfloat16) if use_bf16 else nullcontext():
                logits = model(**inputs)
            loss = (
                damage_loss(logits["damage"].float(), damage_targets[batch])
                + args.fact_loss_weight * fact_loss(logits["facts"].float(), fact_targets[batch])
                + money_loss(logits["amount"].float(), money_targets[batch])
            )
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], 1.0)
            optimizer.step()
            scheduler.step()
            running += float(loss.detach())
            bar.set_postfix(loss=f"{running / step:.3f}")
        scores = dev_scorer(model)
        mean = float(np.mean(list(scores.values())))
        record = {
            "epoch": epoch,
            "train_loss": round(running / steps_per_epoch, 4),
            "dev": {k: round(v, 4) for k, v in scores.items()},
            "minutes": round((time.monotonic() - started) / 60, 1),
        }
        history.append(record)
        tqdm.write(f"epoch {epoch}: {record}")
        if mean > best_score:
            best_score, best_epoch, stale = mean, epoch, 0
            best_state = {
                k: v.detach().clone() for k, v in model.state_dict().items() if "lora_" in k or k.startswith("heads.")
            }
        else:
            stale += 1
            if stale >= args.patience:
                break
    assert best_state is not None
    model.load_state_dict(best_state, strict=False)
    model.eval()
    return model, TrainingResult(best_epoch, history, (time.monotonic() - started) / 60)
