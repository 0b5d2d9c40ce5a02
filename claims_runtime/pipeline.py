"""Build the production pipeline (anonymizer + triage model + guide rules): the same for score,
evaluate and the service, so what was measured is what runs."""

from __future__ import annotations

from pathlib import Path

from claims.pipeline import Classifier, TriagePipeline
from claims_runtime.settings import RuntimeSettings


def build_pipeline(
    model_dir: Path | None = None, *, merge: bool = True, settings: RuntimeSettings | None = None
) -> TriagePipeline:
    """The shipped model by default; the adapter is merged into the encoder for speed."""
    from claims.anonymizer import Anonymizer
    from claims.lexical import LexicalClassifier, MixedClassifier
    from claims.model import TriageModel
    from claims.rules import RuleSet, guide_rule_hook

    settings = settings or RuntimeSettings()
    directory = Path(model_dir or settings.model_dir)
    model = TriageModel.from_pretrained(directory, settings.encoder_path, merge=merge)
    classifier: Classifier = model
    if model.config.ensemble:
        classifier = MixedClassifier(model, LexicalClassifier.load(directory / "lexical"), model.config.ensemble)
    return TriagePipeline(
        anonymizer=Anonymizer.build(settings.encoder_path, use_pii_model=settings.use_pii_model),
        classifier=classifier,
        labels=model.config.labels,
        thresholds=model.config.thresholds,
        model_version=model.config.model_version,
        rules=guide_rule_hook(RuleSet(**model.config.rules)) if any(model.config.rules.values()) else None,
        rule_names=[name for name, on in model.config.rules.items() if on],
    )
