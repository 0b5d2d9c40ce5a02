"""The triage model: multilingual-e5-small with a peft LoRA adapter, a damage_type head and one
sigmoid head per fact of ``claims/policy/facts.yaml`` over a shared mean-pooled representation.
Urgency and department are not learned: the policy decides them from the facts.

The bundle directory is owned by ONE pair, :meth:`TriageModel.save_pretrained` and
:meth:`TriageModel.from_pretrained`: ``config.json`` (labels, facts, calibration, thresholds,
provenance), the peft adapter (``adapter/``, safetensors), ``heads.safetensors`` and, when the
recipe kept it, the lexical damage_type model (``lexical/``). Pickle-free throughout.
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
from claims.policy.schema import load_fact_schema
from claims.probability import sigmoid, softmax
from claims.taxonomy import load_taxonomy

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2
DAMAGE = "damage_type"
Truncation = Literal["head", "head_tail"]
AmountSource = Literal["extractor", "model", "extractor_then_model"]
#: How urgency and department are decided from uncertain facts: the policy on the facts that are
#: more likely than not, or the label the policy gives with the highest probability.
DecisionMode = Literal["facts_at_half", "most_probable"]


class ModelLoadError(ClaimsError, ValueError):
    """A model directory is missing, incomplete or of another schema."""


@dataclass
class TriageConfig:
    """Everything that defines a trained triage model; saved as ``config.json``."""

    damage_labels: list[str] = field(default_factory=lambda: list(load_taxonomy().labels(DAMAGE)))
    facts: list[str] = field(default_factory=lambda: list(load_fact_schema().boolean))
    max_length: int = field(default=256, metadata={"help": "Tokens fed to the encoder per claim."})
    truncation: Truncation = field(default="head_tail", metadata={"help": "Which tokens of a long claim to keep."})
    head_share: float = field(default=0.6, metadata={"help": "Share of kept tokens from the start (head_tail)."})
    prefix: str = "passage: "
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    lora_targets: list[str] = field(default_factory=lambda: ["query", "key", "value", "dense"])
    head_dropout: float = 0.1
    #: Calibration: one temperature for the damage_type softmax, one per fact sigmoid (chosen on dev).
    damage_temperature: float = 1.0
    fact_temperatures: dict[str, float] = field(default_factory=dict)
    #: Added to each fact's logit before its temperature: -log(positive weight) of training, which
    #: undoes the prior shift that up-weighting rare positive facts in the loss puts into the logits.
    fact_logit_offsets: dict[str, float] = field(default_factory=dict)
    #: Where the policy's amount comes from: the text's figures (claims.facts), the model's amount
    #: heads, or the figures and the heads where the text has none (chosen on dev by the recipe).
    amount_source: AmountSource = "extractor_then_model"
    decision_mode: DecisionMode = "facts_at_half"
    #: The transformer's weight in the damage_type mix with ``lexical/`` (1.0: no lexical model).
    lexical_weight: float = 1.0
    #: Review thresholds per task on the decision's confidence (chosen on dev).
    thresholds: dict[str, float] = field(default_factory=dict)
    model_version: str = "untrained"
    base_model: str = MODEL_NAME
    library_version: str = __version__
    schema_version: int = SCHEMA_VERSION
    #: Recipe, data and PII-tagger hashes, commit, parent bundle: how this bundle was made.
    provenance: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.truncation not in ("head", "head_tail"):
            raise ValueError(f"truncation={self.truncation!r} is not one of 'head', 'head_tail'")
        if not 0.0 < self.head_share <= 1.0:
            raise ValueError(f"head_share={self.head_share} must be in (0, 1]")
        if self.max_length < 16:
            raise ValueError(f"max_length={self.max_length} must be at least 16")
        if self.amount_source not in ("extractor", "model", "extractor_then_model"):
            raise ValueError(f"amount_source={self.amount_source!r} is not extractor, model or extractor_then_model")
        if not 0.0 <= self.lexical_weight <= 1.0:
            raise ValueError(f"lexical_weight={self.lexical_weight} must be in [0, 1]")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TriageConfig:
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ModelLoadError(
                f"model schema {data.get('schema_version')} is not {SCHEMA_VERSION} (retrain with a recipe)"
            )
        missing = [k for k in ("damage_labels", "facts", "max_length") if k not in data]
        if missing:
            raise ModelLoadError(f"model config lacks {', '.join(missing)}")
        unknown_facts = sorted(set(data["facts"]) - set(load_fact_schema().boolean))
        if unknown_facts:
            raise ModelLoadError(f"model predicts facts the schema does not define: {unknown_facts}")
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            logger.warning("ignoring unknown model config keys: %s", ", ".join(unknown))
        return cls(**{k: v for k, v in data.items() if k in known})


#: The amount heads: is an amount given, and is it >= 500, > 10,000, > 50,000 EUR (the guide's thresholds).
AMOUNT_OUTPUTS = ("amount_known", "amount_ge_500", "amount_gt_10000", "amount_gt_50000")


def amount_targets(amounts: list[float | None]) -> np.ndarray:
    """Training targets of the amount heads from annotated amounts (None: no amount given)."""
    rows = [
        [0.0, 0.0, 0.0, 0.0] if a is None else [1.0, float(a >= 500), float(a > 10_000), float(a > 50_000)]
        for a in amounts
    ]
    return np.array(rows, dtype=np.float32).reshape(len(amounts), len(AMOUNT_OUTPUTS))


def amount_from_heads(probs: np.ndarray) -> float | None:
    """A representative amount in the band the amount heads point to (None: no amount given)."""
    known, ge_500, gt_10k, gt_50k = (float(p) >= 0.5 for p in probs)
    if not known:
        return None
    return 75_000.0 if gt_50k else 20_000.0 if gt_10k else 2_000.0 if ge_500 else 200.0


@dataclass(frozen=True)
class ModelOutput:
    """Calibrated probabilities: ``damage`` (n x damage labels), ``facts`` (n x facts) and
    ``amount`` (n x :data:`AMOUNT_OUTPUTS`)."""

    damage: np.ndarray
    facts: np.ndarray
    amount: np.ndarray


class TriageModel(nn.Module):
    """Encoder (+ LoRA) -> mean pooling -> damage_type head and fact heads."""

    def __init__(self, tokenizer: Any, encoder: Any, config: TriageConfig, lexical: Any | None = None) -> None:
        super().__init__()
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.config = config
        self.lexical = lexical  # claims.lexical.LexicalClassifier for damage_type, or None
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(config.head_dropout)
        self.heads = nn.ModuleDict(
            {
                "damage": nn.Linear(hidden, len(config.damage_labels)),
                "facts": nn.Linear(hidden, len(config.facts)),
                "amount": nn.Linear(hidden, len(AMOUNT_OUTPUTS)),
            }
        )

    @property
    def damage_labels(self) -> list[str]:
        return self.config.damage_labels

    @property
    def fact_names(self) -> list[str]:
        return self.config.facts

    @property
    def amount_source(self) -> str:
        return self.config.amount_source

    @property
    def decision_mode(self) -> str:
        return self.config.decision_mode

    def load_weights(self, directory: Path) -> None:
        """Adapter and heads of a saved bundle onto this (trainable) model: a recipe's warm start."""
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        directory = Path(directory)
        set_peft_model_state_dict(self.encoder, load_file(directory / "adapter" / "adapter_model.safetensors"))
        self.heads.load_state_dict(load_file(directory / "heads.safetensors"))

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
        """Load a bundle onto the built encoder; ``merge`` folds the adapter into the weights."""
        from peft import PeftModel
        from safetensors.torch import load_file

        from claims.lexical import LexicalClassifier

        directory = Path(directory)
        for name in ("config.json", "heads.safetensors", "adapter/adapter_config.json"):
            if not (directory / name).is_file():
                raise ModelLoadError(f"{directory} is not a triage model (no {name})")
        config = TriageConfig.from_dict(json.loads((directory / "config.json").read_text("utf-8")))
        tokenizer, encoder = load_encoder(encoder_dir)
        peft_model = PeftModel.from_pretrained(encoder, directory / "adapter")
        lexical = LexicalClassifier.load(directory / "lexical") if config.lexical_weight < 1.0 else None
        model = cls(tokenizer, peft_model.merge_and_unload() if merge else peft_model, config, lexical)
        model.heads.load_state_dict(load_file(directory / "heads.safetensors"))
        model.eval()
        return model

    def save_pretrained(self, directory: Path) -> None:
        """Write the whole bundle into ``directory`` (the recipe gives a fresh temporary one)."""
        from safetensors.torch import save_file

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.encoder.save_pretrained(directory / "adapter")
        save_file(
            {k: v.detach().float().contiguous() for k, v in self.heads.state_dict().items()},
            directory / "heads.safetensors",
        )
        if self.lexical is not None and self.config.lexical_weight < 1.0:
            self.lexical.save(directory / "lexical")
        (directory / "config.json").write_text(
            json.dumps(asdict(self.config), indent=2, ensure_ascii=False) + "\n", "utf-8"
        )

    # --- inputs ---------------------------------------------------------------------------------
    def token_ids(self, text: str) -> list[int]:
        """Token ids with the configured truncation: long claims keep their start and their end
        (where writers put the request and the amount), not only the start."""
        budget = self.config.max_length - 2
        ids = self.tokenizer(self.config.prefix + text, add_special_tokens=False)["input_ids"]
        if len(ids) > budget:
            if self.config.truncation == "head":
                ids = ids[:budget]
            else:
                head = int(budget * self.config.head_share)
                ids = ids[:head] + ids[len(ids) - (budget - head) :]
        bos = self.tokenizer.convert_tokens_to_ids("<s>")
        eos = self.tokenizer.convert_tokens_to_ids("</s>")
        return [bos, *ids, eos]

    def pad(self, rows: list[list[int]]) -> dict[str, torch.Tensor]:
        width = max(len(r) for r in rows)
        input_ids = torch.full((len(rows), width), self.tokenizer.pad_token_id)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            input_ids[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
        return {"input_ids": input_ids, "attention_mask": mask}

    def encode_texts(self, texts: list[str]) -> dict[str, torch.Tensor]:
        return self.pad([self.token_ids(t) for t in texts])

    # --- forward and prediction -------------------------------------------------------------------
    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pooled = self.dropout(mean_pool(hidden, attention_mask))
        return {name: head(pooled) for name, head in self.heads.items()}

    @torch.inference_mode()
    def logits(self, texts: list[str], batch_size: int = 16) -> dict[str, np.ndarray]:
        """Raw logits (``damage``, ``facts``, ``amount``) for (anonymized) texts, in batches of similar token
        count (little padding), returned in input order."""
        self.eval()
        ids = [self.token_ids(t) for t in texts]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        out = {
            "damage": np.zeros((len(texts), len(self.config.damage_labels)), dtype=np.float32),
            "facts": np.zeros((len(texts), len(self.config.facts)), dtype=np.float32),
            "amount": np.zeros((len(texts), len(AMOUNT_OUTPUTS)), dtype=np.float32),
        }
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            logits = self(**self.pad([ids[i] for i in chunk]))
            for name in out:
                out[name][chunk] = logits[name].float().numpy()
        return out

    def calibrate(self, logits: dict[str, np.ndarray], texts: list[str] | None = None) -> ModelOutput:
        """Logits -> calibrated probabilities (temperatures, then the lexical mix if kept)."""
        damage = softmax(logits["damage"] / self.config.damage_temperature)
        if self.lexical is not None and self.config.lexical_weight < 1.0 and texts is not None:
            w = self.config.lexical_weight
            damage = w * damage + (1.0 - w) * self.lexical.predict_proba(texts)[DAMAGE]
        return ModelOutput(damage=damage, facts=sigmoid(self.fact_logits(logits)), amount=sigmoid(logits["amount"]))

    def fact_logits(self, logits: dict[str, np.ndarray]) -> np.ndarray:
        """Fact logits with the training prior undone and the dev temperature applied."""
        offsets = np.array([self.config.fact_logit_offsets.get(f, 0.0) for f in self.config.facts], dtype=np.float32)
        temps = np.array([self.config.fact_temperatures.get(f, 1.0) for f in self.config.facts], dtype=np.float32)
        return (logits["facts"] + offsets) / temps  # type: ignore[no-any-return]

    def predict(self, texts: list[str], batch_size: int = 16) -> ModelOutput:
        """Calibrated damage_type and fact probabilities for anonymized texts."""
        return self.calibrate(self.logits(texts, batch_size), texts)
