"""The triage model: multilingual-e5-small with a peft LoRA adapter and one classification head per
task (damage_type, urgency, department) over a shared mean-pooled representation.

Saving is symmetric and pickle-free: ``config.json`` (label orders, temperatures, thresholds,
versions, base model), the peft adapter (``adapter/``, safetensors) and ``heads.safetensors``.
peft saves only the adapter, so the heads are saved and loaded here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from claims import __version__
from claims.encoder import MODEL_NAME, load_encoder, mean_pool
from claims.errors import ClaimsError
from claims.taxonomy import TASKS, load_taxonomy

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
Truncation = Literal["head", "head_tail"]


class ModelLoadError(ClaimsError, ValueError):
    """A model directory is missing, incomplete or of another schema."""


@dataclass
class TriageConfig:
    """Everything that defines a trained triage model; saved as ``config.json``."""

    labels: dict[str, list[str]] = field(default_factory=lambda: {t: list(load_taxonomy().labels(t)) for t in TASKS})
    max_length: int = field(default=256, metadata={"help": "Tokens fed to the encoder per claim."})
    truncation: Truncation = field(default="head_tail", metadata={"help": "Which tokens of a long claim to keep."})
    head_share: float = field(default=0.6, metadata={"help": "Share of kept tokens from the start (head_tail)."})
    prefix: str = "passage: "
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    lora_targets: list[str] = field(default_factory=lambda: ["query", "key", "value", "dense"])
    head_dropout: float = 0.1
    temperatures: dict[str, float] = field(default_factory=lambda: {t: 1.0 for t in TASKS})
    thresholds: dict[str, float] = field(default_factory=lambda: {t: 0.0 for t in TASKS})
    rules: dict[str, bool] = field(default_factory=dict)
    # The model's weight per task in the mix with the lexical model saved in ``lexical/``
    # (claims.lexical.MixedClassifier); empty: the model alone.
    ensemble: dict[str, float] = field(default_factory=dict)
    model_version: str = "untrained"
    base_model: str = MODEL_NAME
    library_version: str = __version__
    schema_version: int = SCHEMA_VERSION
    metrics: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.truncation not in ("head", "head_tail"):
            raise ValueError(f"truncation={self.truncation!r} is not one of 'head', 'head_tail'")
        if not 0.0 < self.head_share <= 1.0:
            raise ValueError(f"head_share={self.head_share} must be in (0, 1]")
        if self.max_length < 16:
            raise ValueError(f"max_length={self.max_length} must be at least 16")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TriageConfig:
        required = ("labels", "max_length", "truncation", "temperatures", "thresholds", "schema_version")
        missing = [k for k in required if k not in data]
        if missing:
            raise ModelLoadError(f"model config lacks {', '.join(missing)}")
        if data["schema_version"] != SCHEMA_VERSION:
            raise ModelLoadError(f"model schema {data['schema_version']} is not {SCHEMA_VERSION}")
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            logger.warning("ignoring unknown model config keys: %s", ", ".join(unknown))
        return cls(**{k: v for k, v in data.items() if k in known})


class TriageModel(nn.Module):
    """Encoder (+ LoRA) -> mean pooling -> one linear head per task."""

    def __init__(self, tokenizer: Any, encoder: Any, config: TriageConfig) -> None:
        super().__init__()
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.config = config
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(config.head_dropout)
        self.heads = nn.ModuleDict({task: nn.Linear(hidden, len(config.labels[task])) for task in TASKS})

    # --- building -------------------------------------------------------------------------------
    @classmethod
    def for_training(cls, encoder_dir: Path, config: TriageConfig | None = None) -> TriageModel:
        """Base encoder with a fresh LoRA adapter (only adapter and heads are trainable)."""
        from peft import LoraConfig, get_peft_model

        config = config or TriageConfig()
        tokenizer, encoder = load_encoder(encoder_dir)
        lora = LoraConfig(
            r=config.lora_r,
            lora_alpha=config.lora_alpha,
            lora_dropout=config.lora_dropout,
            target_modules=config.lora_targets,
            bias="none",
        )
        return cls(tokenizer, get_peft_model(encoder, lora), config)

    @classmethod
    def from_pretrained(cls, directory: Path, encoder_dir: Path, *, merge: bool = False) -> TriageModel:
        """Load a saved model onto the built encoder; ``merge`` folds the adapter into the weights."""
        from peft import PeftModel
        from safetensors.torch import load_file

        directory = Path(directory)
        for name in ("config.json", "heads.safetensors", "adapter/adapter_config.json"):
            if not (directory / name).is_file():
                raise ModelLoadError(f"{directory} is not a triage model (no {name})")
        config = TriageConfig.from_dict(json.loads((directory / "config.json").read_text("utf-8")))
        tokenizer, encoder = load_encoder(encoder_dir)
        peft_model = PeftModel.from_pretrained(encoder, directory / "adapter")
        model = cls(tokenizer, peft_model.merge_and_unload() if merge else peft_model, config)
        model.heads.load_state_dict(load_file(directory / "heads.safetensors"))
        model.eval()
        return model

    def save_pretrained(self, directory: Path) -> None:
        from safetensors.torch import save_file

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.encoder.save_pretrained(directory / "adapter")
        save_file(
            {k: v.detach().contiguous() for k, v in self.heads.state_dict().items()}, directory / "heads.safetensors"
        )
        (directory / "config.json").write_text(
            json.dumps(asdict(self.config), indent=2, ensure_ascii=False) + "\n", "utf-8"
        )

    # --- inputs ---------------------------------------------------------------------------------
    def encode_texts(self, texts: list[str]) -> dict[str, torch.Tensor]:
        """Token ids with the configured truncation: long claims keep their start and their end
        (where writers put the request and the amount), not only the start."""
        budget = self.config.max_length - 2
        bos = self.tokenizer.convert_tokens_to_ids("<s>")
        eos = self.tokenizer.convert_tokens_to_ids("</s>")
        rows = []
        for text in texts:
            ids = self.tokenizer(self.config.prefix + text, add_special_tokens=False)["input_ids"]
            if len(ids) > budget:
                if self.config.truncation == "head":
                    ids = ids[:budget]
                else:
                    head = int(budget * self.config.head_share)
                    ids = ids[:head] + ids[len(ids) - (budget - head) :]
            rows.append([bos, *ids, eos])
        width = max(len(r) for r in rows)
        input_ids = torch.full((len(rows), width), self.tokenizer.pad_token_id)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            input_ids[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
        return {"input_ids": input_ids, "attention_mask": mask}

    # --- forward and prediction -------------------------------------------------------------------
    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pooled = self.dropout(mean_pool(hidden, attention_mask))
        return {task: head(pooled) for task, head in self.heads.items()}

    @torch.inference_mode()
    def logits(self, texts: list[str], batch_size: int = 16) -> dict[str, np.ndarray]:
        """Raw logits per task for (anonymized) texts, batched by length for speed."""
        self.eval()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = {task: np.zeros((len(texts), len(self.config.labels[task])), dtype=np.float32) for task in TASKS}
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            logits = self(**self.encode_texts([texts[i] for i in chunk]))
            for task in TASKS:
                out[task][chunk] = logits[task].float().numpy()
        return out

    def predict_proba(self, texts: list[str], batch_size: int = 16) -> dict[str, np.ndarray]:
        """Calibrated probabilities per task (softmax of logits divided by the task's temperature)."""
        logits = self.logits(texts, batch_size)
        return {task: softmax(logits[task] / self.config.temperatures.get(task, 1.0)) for task in TASKS}

    def predict(self, texts: list[str], batch_size: int = 16) -> dict[str, list[str]]:
        probs = self.predict_proba(texts, batch_size)
        return {task: [self.config.labels[task][i] for i in probs[task].argmax(axis=1)] for task in TASKS}


def softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)
