"""``claims-triage compare``: every baseline and the triage model, scored by the same evaluation
code on the same anonymized texts; prints the README's Markdown table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from claims.errors import ClaimsError
from claims.taxonomy import TASKS
from claims_runtime.settings import RuntimeSettings


def compare(
    data: Path = typer.Option(Path("data/claims"), help="Directory with train.jsonl and the evaluated split."),
    split: str = typer.Option("test", help="Split to score: dev or test."),
    model: Path | None = typer.Option(None, help="Triage model directory (default: the shipped model)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a Markdown table."),
) -> None:
    """Fit majority, keyword rules, TF-IDF + LR and frozen e5 + LR on anonymized train, score all
    of them and the triage model (facts + policy) on the same anonymized split."""
    from tqdm import tqdm

    from claims.encoder import embed, load_encoder
    from claims.metrics import evaluate_predictions
    from claims.records import read_labeled
    from claims_runtime.pipeline import build_pipeline
    from training.baselines import EmbeddingLogRegBaseline, KeywordRuleClassifier, MajorityBaseline, TfidfLogRegBaseline

    settings = RuntimeSettings()
    try:
        train_claims = read_labeled(data / "train.jsonl")
        eval_claims = read_labeled(data / f"{split}.jsonl")
        pipeline = build_pipeline(model)
        tokenizer, encoder = load_encoder(settings.encoder_path)
    except (ClaimsError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None

    def anonymized(claims: list[Any]) -> list[str]:
        return [pipeline.anonymize([c.text])[0].text for c in tqdm(claims, desc="anonymizing", unit="claim")]

    train_texts = anonymized(train_claims)
    eval_texts = anonymized(eval_claims)
    train_labels = {t: [c.labels[t] for c in train_claims] for t in TASKS}

    def e5(texts: list[str]):  # type: ignore[no-untyped-def]
        import numpy as np

        return np.concatenate([embed(tokenizer, encoder, texts[i : i + 32]) for i in range(0, len(texts), 32)])

    baselines: dict[str, Any] = {
        "majority class": MajorityBaseline(),
        "keyword rules (guide)": KeywordRuleClassifier(),
        "TF-IDF word+char + LR": TfidfLogRegBaseline(),
        "frozen e5 + LR": EmbeddingLogRegBaseline(e5),
    }
    rows = {}
    for name, baseline in baselines.items():
        typer.echo(f"fitting {name} ...", err=True)
        predictions = baseline.fit(train_texts, train_labels).predict(eval_texts)
        rows[name] = evaluate_predictions(eval_claims, predictions)
    decisions = pipeline.decide(eval_texts)
    rows[f"triage model ({pipeline.model_version}): facts + {pipeline.policy.name} policy"] = evaluate_predictions(
        eval_claims, {t: [d.label(t) for d in decisions] for t in TASKS}
    )
    if as_json:
        typer.echo(json.dumps({name: report.to_dict() for name, report in rows.items()}, indent=2))
        return
    header = "| model | " + " | ".join(f"{t} acc | {t} macro-F1" for t in TASKS) + " |"
    typer.echo(f"{split} split, {len(eval_claims)} claims\n\n{header}\n|---|" + "---|---|" * len(TASKS))
    for name, report in rows.items():
        cells = " | ".join(f"{report.tasks[t].accuracy:.3f} | {report.tasks[t].macro_f1:.3f}" for t in TASKS)
        typer.echo(f"| {name} | {cells} |")
