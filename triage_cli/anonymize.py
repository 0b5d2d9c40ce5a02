"""``claims-triage anonymize`` and ``anonymize-eval``: remove personal data, and measure how well."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from tqdm import tqdm

from claims.errors import ClaimsError
from claims.records import LineError, iter_inputs, read_labeled
from claims_runtime.settings import RuntimeSettings


def _anonymizer(rules_only: bool, pii_model: Path | None):  # type: ignore[no-untyped-def]
    from claims_runtime.pipeline import build_anonymizer

    return build_anonymizer(RuntimeSettings(), rules_only=rules_only, pii_model_dir=pii_model)


def anonymize(
    input: Path = typer.Option(..., "--input", "-i", help='JSONL file, one {"id", "text"} per line.'),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the anonymized lines."),
    rules_only: bool = typer.Option(False, help="Pattern recognizers only, without the PII model."),
    pii_model: Path | None = typer.Option(None, help="PII model directory (default: the shipped one)."),
) -> None:
    """Write {"id", "text": anonymized, "entities": [{type, start, end, score}]} per input line.

    Offsets refer to the original text; no original value appears in the output. Bad lines are
    reported (line number and reason) and skipped; the exit code is 1 when any line failed.
    """
    from claims.anonymizer import AnonymizerInputError

    try:
        anonymizer = _anonymizer(rules_only, pii_model)
        lines = list(iter_inputs(input))
    except ClaimsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    failed = 0
    with output.open("w", encoding="utf-8") as handle:
        for number, item in tqdm(lines, desc="anonymizing", unit="claim"):
            if isinstance(item, LineError):
                failed += 1
                typer.echo(f"{input}:{number}: {item.reason}", err=True)
                continue
            try:
                result = anonymizer.anonymize(item.text)
            except AnonymizerInputError as exc:
                failed += 1
                typer.echo(f"{input}:{number} (id {item.id}): {exc}", err=True)
                continue
            entities = [{"type": e.type, "start": e.start, "end": e.end, "score": e.score} for e in result.entities]
            handle.write(
                json.dumps({"id": item.id, "text": result.text, "entities": entities}, ensure_ascii=False) + "\n"
            )
    typer.echo(f"anonymized {len(lines) - failed} claim(s) into {output}; {failed} line(s) failed")
    raise typer.Exit(1 if failed else 0)


def anonymize_eval(
    data: Path = typer.Option(..., "--data", "-d", help="Labeled claim file with [[TYPE:value]] markup."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    rules_only: bool = typer.Option(False, help="Pattern recognizers only, without the PII model."),
    pii_model: Path | None = typer.Option(None, help="PII model directory (default: the shipped one)."),
) -> None:
    """Per type: gold spans, recall (>= 80% of characters covered), precision, F2 and the ids of claims
    with a surviving value (never the value); plus how many amounts and loss dates were kept."""
    from claims.anonymizer.evaluation import evaluate_anonymizer

    try:
        claims = read_labeled(data)
        anonymizer = _anonymizer(rules_only, pii_model)
    except ClaimsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    report = evaluate_anonymizer(
        anonymizer.analyze, claims, progress=lambda xs: tqdm(xs, desc="evaluating", unit="claim")
    )
    payload = report.to_dict()
    payload["mode"] = "rules only" if rules_only else "rules + PII model"
    if as_json:
        typer.echo(json.dumps(payload, indent=2))
        return
    typer.echo(f"{data}: {report.claims} claims, {payload['mode']} (95% Wilson intervals)")
    typer.echo(
        f"{'type':16} {'gold':>5} {'recall':>7} {'recall 95% CI':>13} {'found':>6} {'precision':>9} "
        f"{'precision 95% CI':>16} {'F2':>6}  claims with surviving value"
    )
    per_type: dict[str, dict] = payload["per_type"]  # type: ignore[assignment]
    overall: dict = payload["overall"]  # type: ignore[assignment]
    rows: list[tuple[str, dict]] = [*per_type.items(), ("all", overall)]
    for typ, row in rows:
        ids = row.get("claims_with_surviving_value", [])
        shown = ", ".join(ids[:8]) + (f" (+{len(ids) - 8})" if len(ids) > 8 else "")
        typer.echo(
            f"{typ:16} {row['gold']:>5} {row['recall']:>7.3f} {_interval(row['recall_ci95']):>13} {row['detected']:>6} "
            f"{row['precision']:>9.3f} {_interval(row['precision_ci95']):>16} {row['f2']:>6.3f}  {shown}"
        )
    slices: dict[str, dict[str, dict]] = payload["slices"]  # type: ignore[assignment]
    for name, by_type in slices.items():
        present = {t: r for t, r in by_type.items() if r["gold"]}
        summary = "; ".join(
            f"{t} {r['recall']:.3f} of {r['gold']} {_interval(r['recall_ci95'])}" for t, r in present.items()
        )
        typer.echo(f"slice {name}: recall {summary or 'no gold values'}")
    typer.echo(
        f"amounts kept: {payload['amounts_kept']:.3f} of {payload['amounts_seen']}; loss dates kept: {payload['loss_dates_kept']:.3f} of {payload['dates_seen']}"
    )


def _interval(bounds: list[float]) -> str:
    return f"{bounds[0]:.3f}-{bounds[1]:.3f}"
