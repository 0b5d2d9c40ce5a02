"""``claims-triage evaluate``: the full pipeline (anonymize -> classify -> rules) on a labeled file."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from tqdm import tqdm

from claims.errors import ClaimsError
from claims.taxonomy import TASKS


def evaluate(
    data: Path = typer.Option(..., "--data", "-d", help="Labeled claim file (markup is stripped first)."),
    model: Path | None = typer.Option(None, help="Model directory (default: the shipped model)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    plots: Path | None = typer.Option(None, help="Write confusion-matrix PNGs into this directory."),
    batch_size: int = typer.Option(16, min=1),
) -> None:
    """Per task: accuracy, macro-F1, per-class precision/recall/F1/support, confusion matrix, per
    language, and selective accuracy at the model's review thresholds."""
    from claims.metrics import evaluate_predictions, plot_confusion_matrices
    from claims.records import read_labeled
    from claims_runtime.pipeline import build_pipeline

    try:
        claims = read_labeled(data)
        pipeline = build_pipeline(model)
    except (ClaimsError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    decisions = []
    for start in tqdm(range(0, len(claims), batch_size), desc="evaluating", unit="batch"):
        decisions += pipeline.triage([c.text for c in claims[start : start + batch_size]])
    predictions = {t: [d.label(t) for d in decisions] for t in TASKS}
    confidences = {t: [d.labels[t].confidence for d in decisions] for t in TASKS}
    report = evaluate_predictions(claims, predictions, confidences, pipeline.thresholds)
    routed = [not d.needs_review for d in decisions]
    all_right = [all(d.label(t) == c.labels[t] for t in TASKS) for d, c in zip(decisions, claims, strict=True)]
    auto = sum(routed)
    overall = {
        "claims": len(claims),
        "auto_routed_share": round(auto / len(claims), 4),
        "auto_routed_all_three_correct": round(
            sum(r and a for r, a in zip(routed, all_right, strict=True)) / max(1, auto), 4
        ),
        "reviewed_all_three_correct": round(
            sum((not r) and a for r, a in zip(routed, all_right, strict=True)) / max(1, len(claims) - auto), 4
        ),
        "model_version": pipeline.model_version,
        "rules_decided": sum(d.rule is not None for d in decisions),
    }
    if plots:
        plots.mkdir(parents=True, exist_ok=True)
        plot_confusion_matrices(report, plots)
    if as_json:
        typer.echo(json.dumps({"overall": overall, **report.to_dict()}, indent=2, ensure_ascii=False))
        return
    typer.echo(report.format_text())
    typer.echo(
        f"\nreview routing: {overall['auto_routed_share']:.1%} of claims routed automatically, "
        f"{overall['auto_routed_all_three_correct']:.1%} of them right on all three tasks; "
        f"{overall['reviewed_all_three_correct']:.1%} of the reviewed ones were right before review"
    )
