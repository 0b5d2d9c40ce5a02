"""Typed configuration of the anonymizer, read from the packaged ``config.yaml``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from claims.records import PII_TYPES


class PiiModelConfig(BaseModel):
    """Where the trained PII model lives and which of its predictions to trust."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    path: str = "pii_model"
    min_score: float = Field(0.5, ge=0.0, le=1.0)
    entities: list[str] = Field(default_factory=lambda: list(PII_TYPES))

    def resolved_path(self) -> Path:
        path = Path(self.path)
        return path if path.is_absolute() else Path(str(resources.files("claims.anonymizer"))) / path


class AnonymizerConfig(BaseModel):
    """Everything that shapes what the anonymizer removes."""

    model_config = ConfigDict(extra="forbid")

    languages: list[str] = Field(default_factory=lambda: ["de", "en"])
    score_threshold: float = Field(0.35, ge=0.0, le=1.0)
    context_similarity_factor: float = 0.35
    min_score_with_context_similarity: float = 0.4
    context_prefix_count: int = 5
    context_suffix_count: int = 1
    max_text_chars: int = 100_000
    # Read spoken and spelled-out values ("null eins sieben ...") through claims.anonymizer.spoken.
    spoken_values: bool = True
    pii_model: PiiModelConfig = PiiModelConfig(min_score=0.5)
    entities: list[str] = Field(default_factory=lambda: list(PII_TYPES))

    @classmethod
    def load(cls, path: Path | None = None) -> AnonymizerConfig:
        """Read a YAML file (default: the packaged ``config.yaml``)."""
        text = (
            Path(path).read_text(encoding="utf-8")
            if path
            else resources.files("claims.anonymizer").joinpath("config.yaml").read_text(encoding="utf-8")
        )
        return cls.model_validate(yaml.safe_load(text))
