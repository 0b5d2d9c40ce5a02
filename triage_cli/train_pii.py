"""``claims-triage train-pii``: train the PII tagger on the corpus markup, reproducibly."""

from __future__ import annotations

from pathlib import Path

import typer

from claims.errors import ClaimsError
from claims_runtime.settings import RuntimeSettings


def train_pii(
    data: Path = typer.Option(Path("data/claims"), help="Directory with train.jsonl and dev.jsonl."),
    out: Path = typer.Option(Path("claims/anonymizer/pii_model"), help="Where to save the trained head."),
    copies: int = typer.Option(2, help="Value-swapped copies of each training claim."),
    epochs: int = typer.Option(12, help="Maximum epochs."),
    layers: int = typer.Option(4, help="Encoder layers the tagger runs on."),
    seed: int = typer.Option(13, help="Random seed (training order, value swapping)."),
    max_chars: int = typer.Option(0, help="Cut every example to a window of this many characters (0: whole)."),
    snippets: int = typer.Option(
        0, help="Extra short examples: form fields, signatures, thread headers, business names."
    ),
    warm_start: Path | None = typer.Option(None, help="Continue from this trained head (e.g. the shipped one)."),
) -> None:
    """Train on train.jsonl (plus value-swapped copies), keep the best epoch on dev.jsonl, save."""
    from claims.anonymizer.pii_model import PiiTaggerConfig
    from claims.records import read_labeled
    from training.pii import PiiTrainingArguments
    from training.pii import train_pii as run

    try:
        train = read_labeled(data / "train.jsonl")
        dev = read_labeled(data / "dev.jsonl")
        best = run(
            train,
            dev,
            RuntimeSettings().encoder_path,
            out,
            PiiTrainingArguments(
                copies=copies, epochs=epochs, seed=seed, max_chars=max_chars, snippets=snippets, warm_start=warm_start
            ),
            PiiTaggerConfig(encoder_layers=layers),
        )
    except (ClaimsError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"saved PII model to {out}; best dev epoch: {best}")
