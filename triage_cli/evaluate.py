"""``claims-triage evaluate``: the full pipeline (anonymize -> facts -> policy) on a labeled file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import typer
from tqdm import tqdm

from claims.errors import ClaimsError
from claims.taxonomy import TASKS


def evaluate(
    data: Path = typer.Option(..., "--data", "-d", help="Labeled claim file (markup is stripped first)."),
    model: Path | None = typer.Option(None, help="Model directory (default: the shipped model)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    plots: Path | None = typer.Option(None, help="Write confusion-matrix PNGs into this directory."),
    facts: Path | None = typer.Option(
        None, help="Fact annotations of the same claims (data/facts format): adds accuracy per fact."
    ),
    batch_size: int = typer.Option(16, min=1),
) -> None:
    """Per task: accuracy, macro-F1, per-class precision/recall/F1/support, confusion matrix, per
    language, and selective accuracy at the model's review thresholds."""
    from claims.metrics import evaluate_predictions, fact_report, plot_confusion_matrices
    from claims.policy.annotations import read_fact_file
    from claims.records import read_labeled
    from claims_runtime.pipeline import build_pipeline

    try:
        claims = read_labeled(data)
        gold_facts = read_fact_file(facts) if facts else None
        if gold_facts is not None and (missing := [c.id for c in claims if c.id not in gold_facts]):
            raise ClaimsError(f"{len(missing)} claims have no fact annotation in {facts} (first: {missing[0]})")
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
    overall: dict[str, Any] = {
        "claims": len(claims),
        "auto_routed_share": round(auto / len(claims), 4),
        "auto_routed_all_three_correct": round(
            sum(r and a for r, a in zip(routed, all_right, strict=True)) / max(1, auto), 4
        ),
        "reviewed_all_three_correct": round(
            sum((not r) and a for r, a in zip(routed, all_right, strict=True)) / max(1, len(claims) - auto), 4
        ),
        "model_version": pipeline.model_version,
        "policy": pipeline.policy.name,
        "rules_fired": {
            task: dict(Counter(d.rules[task] for d in decisions).most_common()) for task in ("urgency", "department")
        },
    }
    if gold_facts is not None:
        overall["facts"] = fact_report(
            [(gold_facts[c.id].true, gold_facts[c.id].amount_eur) for c in claims],
            [d.explanation["facts"] for d in decisions],
            pipeline.model.fact_names,
        )
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
    if "facts" in overall:
        typer.echo("\nfacts (accuracy at p >= 0.5, 95% CI; precision / recall; gold support):")
        for name, row in overall["facts"].items():
            low, high = row["ci95"]
            extra = ""
            if "precision" in row:
                p = "n/a" if row["precision"] is None else f"{row['precision']:.2f}"
                r = "n/a" if row["recall"] is None else f"{row['recall']:.2f}"
                extra = f"  P {p} R {r}"
            typer.echo(f"  {name:<26}{row['accuracy']:.3f} ({low:.3f}-{high:.3f}){extra}  n={row['support']}")
