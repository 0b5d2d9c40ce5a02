"""``claims-triage data``: check claim files."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from claims.taxonomy import TASKS
from claims.validation import ValidationReport, validate_file
from triage_cli.corpus import check_corpus

app = typer.Typer(help="Check labeled claim files.", no_args_is_help=True)
app.command("check-corpus")(check_corpus)


def _summary_lines(report: ValidationReport) -> list[str]:
    s = report.summary
    lines = [f"claims: {s.claims}"]
    for task in TASKS:
        counts = ", ".join(f"{label} {n}" for label, n in sorted(s.labels[task].items(), key=lambda kv: -kv[1]))
        lines.append(f"{task}: {counts}")
    spans = ", ".join(f"{t} {n}" for t, n in s.spans.most_common())
    lines.append(f"personal-data spans: {sum(s.spans.values())} in {s.claims_with_spans} claims ({spans})")
    lines.append("languages: " + ", ".join(f"{lang} {n}" for lang, n in s.languages.most_common()))
    stats = s.length_stats()
    if stats:
        lines.append("words per claim: " + ", ".join(f"{k} {v:g}" for k, v in stats.items()))
    return lines


@app.command()
def validate(
    file: Path = typer.Argument(..., help="Labeled claim file (JSONL, shared data format)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    max_problems: int = typer.Option(0, help="Show at most this many problems (0: all)."),
) -> None:
    """Check every rule of the data format; print a summary. Exit 1 listing every problem."""
    report = validate_file(file)
    if as_json:
        s = report.summary
        payload = {
            "ok": report.ok,
            "problems": [{"line": p.line, "id": p.id, "message": p.message} for p in report.problems],
            "summary": {
                "claims": s.claims,
                "labels": {t: dict(c) for t, c in s.labels.items()},
                "spans": dict(s.spans),
                "claims_with_spans": s.claims_with_spans,
                "languages": dict(s.languages),
                "words": s.length_stats(),
            },
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        shown = report.problems[: max_problems or None]
        for problem in shown:
            typer.echo(f"{file}: {problem}", err=True)
        if len(shown) < len(report.problems):
            typer.echo(f"... and {len(report.problems) - len(shown)} more problems", err=True)
        if report.summary.claims:
            typer.echo("\n".join(_summary_lines(report)))
        status = "valid" if report.ok else f"INVALID: {len(report.problems)} problem(s)"
        typer.echo(f"{file}: {status}")
    raise typer.Exit(0 if report.ok else 1)
