"""Build the production pipeline (anonymizer + triage model + policy): the same for score,
evaluate, compare, training and the service, so what was measured is what runs."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from claims.pipeline import TriagePipeline
from claims_runtime.settings import RuntimeSettings


def build_anonymizer(
    settings: RuntimeSettings | None = None, *, rules_only: bool = False, pii_model_dir: Path | None = None
) -> Any:
    """The production anonymizer (patterns + PII tagger), or the patterns alone."""
    from claims.anonymizer import Anonymizer

    settings = settings or RuntimeSettings()
    if rules_only:
        return Anonymizer.build(None, use_pii_model=False)
    return Anonymizer.build(settings.encoder_path, pii_model_dir=pii_model_dir, use_pii_model=settings.use_pii_model)


def pii_tagger_sha256(pii_model_dir: Path | None = None) -> str:
    """Digest of the PII tagger's files (recorded in every model bundle trained on its output)."""
    from claims.anonymizer.settings import AnonymizerConfig

    directory = Path(pii_model_dir or AnonymizerConfig.load().pii_model.resolved_path())
    digest = hashlib.sha256()
    for file in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def build_pipeline(
    model_dir: Path | None = None, *, merge: bool = True, settings: RuntimeSettings | None = None
) -> TriagePipeline:
    """The shipped model by default (adapter merged into the encoder for speed), the policy of
    ``CLAIMS_POLICY`` (default: the guide)."""
    from claims.model import TriageModel
    from claims.policy import load_policy

    settings = settings or RuntimeSettings()
    directory = Path(model_dir or settings.model_dir)
    model = TriageModel.from_pretrained(directory, settings.encoder_path, merge=merge)
    return TriagePipeline(
        anonymizer=build_anonymizer(settings),
        model=model,
        policy=load_policy(settings.policy),
        thresholds=model.config.thresholds,
        model_version=model.config.model_version,
    )
