"""``claims-triage train``: fine-tune the triage model on anonymized claims."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from claims.errors import ClaimsError
from claims.taxonomy import TASKS
from claims_runtime.settings import RuntimeSettings


def anonymized_texts(anonymizer, claims) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts exactly as production sees them: anonymized by the production anonymizer."""
    from tqdm import tqdm

    return [anonymizer.anonymize(c.text).text for c in tqdm(claims, desc="anonymizing", unit="claim")]


def choose_rules(model_dir: Path, encoder_dir: Path, dev_texts: list[str], dev_gold: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    """Measure the guide rules on dev on top of the trained model; record the kept ones in its config."""
    from claims.model import TriageConfig, TriageModel
    from training.rule_selection import select_rules

    model = TriageModel.from_pretrained(model_dir, encoder_dir, merge=True)
    rules, table = select_rules(dev_texts, model.predict(dev_texts), dev_gold)
    config_path = model_dir / "config.json"
    config = TriageConfig.from_dict(json.loads(config_path.read_text("utf-8")))
    config.rules = rules
    config.metrics["guide_rules_dev_accuracy"] = table
    from dataclasses import asdict

    config_path.write_text(json.dumps(asdict(config), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return rules, table


def train(
    data: Path = typer.Option(Path("data/claims"), help="Directory with train.jsonl and dev.jsonl."),
    out: Path = typer.Option(..., help="Directory to save the model to, e.g. models/NAME."),
    epochs: int = typer.Option(6, min=1, help="Maximum epochs (early stopping on dev macro-F1)."),
    batch_size: int = typer.Option(16, min=1),
    learning_rate: float = typer.Option(5e-4, help="LoRA learning rate."),
    max_length: int = typer.Option(256, min=16, help="Tokens per claim (longer claims: head + tail)."),
    truncation: str = typer.Option("head_tail", help="head_tail or head."),
    max_minutes: float = typer.Option(40.0, help="Do not start another epoch after this many minutes."),
    seed: int = typer.Option(13),
    version: str = typer.Option("", help="Model version recorded in the model (default: the directory name)."),
) -> None:
    """Anonymize train/dev with the production anonymizer, fine-tune, calibrate on dev, save."""
    from claims.anonymizer import Anonymizer
    from claims.model import TriageConfig
    from claims.records import read_labeled
    from training.trainer import TrainingArguments, train_triage

    settings = RuntimeSettings()
    try:
        config = TriageConfig(max_length=max_length, truncation=truncation, model_version=version or out.name)  # type: ignore[arg-type]
        args = TrainingArguments(
            epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, max_minutes=max_minutes, seed=seed
        )
        train_claims = read_labeled(data / "train.jsonl")
        dev_claims = read_labeled(data / "dev.jsonl")
        anonymizer = Anonymizer.build(settings.encoder_path)
        dev_texts = anonymized_texts(anonymizer, dev_claims)
        dev_gold = {t: [c.labels[t] for c in dev_claims] for t in TASKS}
        result = train_triage(
            anonymized_texts(anonymizer, train_claims),
            {t: [c.labels[t] for c in train_claims] for t in TASKS},
            dev_texts,
            dev_gold,
            settings.encoder_path,
            out,
            args,
            config,
        )
        rules, table = choose_rules(out, settings.encoder_path, dev_texts, dev_gold)
    except (ClaimsError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        json.dumps(
            {"best_epoch": result.best_epoch, "dev_macro_f1": result.dev_macro_f1, "minutes": round(result.minutes, 1)}
        )
    )
    typer.echo(f"saved to {out}")
