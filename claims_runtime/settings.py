"""Typed runtime settings (environment prefix ``CLAIMS_``) of the CLI and the service; defaults need nothing set."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "claims-triage"


class RuntimeSettings(BaseSettings):
    """Where the CLI and the service find what they build; every field can be set as ``CLAIMS_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CLAIMS_", extra="ignore")

    cache_dir: Path = Field(default_factory=_user_cache_dir, description="Root of built artefacts.")
    encoder_dir: Path | None = Field(
        default=None, description="Built encoder checkpoint; default <cache_dir>/multilingual-e5-small."
    )

    model_dir: Path = Field(
        default_factory=lambda: Path(__file__).resolve().parents[1] / "models" / "triage-facts-1",
        description="The triage model used by score, evaluate and the service.",
    )

    use_pii_model: bool = Field(default=True, description="Run the PII model beside the pattern recognizers.")

    policy: Path | None = Field(
        default=None,
        description="Policy file deciding urgency and department from facts; default: the guide "
        "(claims/policy/guide.yaml). Changing it changes decisions without retraining.",
    )

    @property
    def encoder_path(self) -> Path:
        return self.encoder_dir or self.cache_dir / "multilingual-e5-small"
