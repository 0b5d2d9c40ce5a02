"""Build the production pipeline (anonymizer + triage model + guide rules): the same for score,
evaluate and the service, so what was measured is what runs."""

from __future__ import annotations

from pathlib import Path

from claims.pipeline import TriagePipeline
from claims_runtime.settings import RuntimeSettings


def build_pipeline(
    model_dir: Path | None = None, *, merge: bool = True, settings: RuntimeSettings | None = None
) -> TriagePipeline:
    """The shipped model by default; the adapter is merged into the encoder for speed."""
    from claims.anonymizer import Anonymizer
    from claims.model import TriageModel
    from claims.rules import RuleSet, guide_rule_hook

    settings = settings or RuntimeSettings()
    model = TriageModel.from_pretrained(model_dir or settings.model_dir, settings.encoder_path, merge=merge)
    return TriagePipeline(
        anonymizer=Anonymizer.build(settings.encoder_path, use_pii_model=settings.use_pii_model),
        classifier=model,
        labels=model.config.labels,
        thresholds=model.config.thresholds,
        model_version=model.config.model_version,
        rules=guide_rule_hook(RuleSet(**model.config.rules)) if any(model.config.rules.values()) else None,
        rule_names=[name for name, on in model.config.rules.items() if on],
    )
