"""``claims-triage train-ensemble``: add the lexical model to a trained triage model (dev-chosen mix)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from claims.errors import ClaimsError
from claims.taxonomy import TASKS
from claims_runtime.settings import RuntimeSettings
from triage_cli.train import anonymized_texts


def train_ensemble(
    model: Path = typer.Option(..., help="A trained triage model directory (changed in place)."),
    data: Path = typer.Option(Path("data/claims"), help="Directory with train.jsonl and dev.jsonl."),
    version: str = typer.Option("", help="New model version to record (default: keep)."),
    target_accuracy: float = typer.Option(0.99, help="Accuracy the auto-routed dev claims must reach per task."),
) -> None:
    """Fit TF-IDF + LR on anonymized train claims, choose the model's weight per task and the
    review thresholds on dev, and save it all into the model directory."""
    from claims.anonymizer import Anonymizer
    from claims.model import TriageModel
    from claims.records import read_labeled
    from training.ensemble import add_ensemble, fit_lexical

    settings = RuntimeSettings()
    try:
        train_claims = read_labeled(data / "train.jsonl")
        dev_claims = read_labeled(data / "dev.jsonl")
        triage = TriageModel.from_pretrained(model, settings.encoder_path, merge=True)
        anonymizer = Anonymizer.build(settings.encoder_path, use_pii_model=settings.use_pii_model)
        train_texts = anonymized_texts(anonymizer, train_claims)
        dev_texts = anonymized_texts(anonymizer, dev_claims)
        dev_gold = {t: [c.labels[t] for c in dev_claims] for t in TASKS}
        lexical = fit_lexical(
            train_texts, {t: [c.labels[t] for c in train_claims] for t in TASKS}, triage.config.labels
        )
        record = add_ensemble(
            model,
            triage.predict_proba(dev_texts),
            lexical,
            dev_texts,
            dev_gold,
            target_accuracy=target_accuracy,
            version=version or None,
        )
    except (ClaimsError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps({k: record[k] for k in ("weights", "thresholds", "dev_accuracy_with_rules")}, indent=2))
