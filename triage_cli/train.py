"""``claims-triage train --recipe recipes/NAME.yaml``: build a complete model bundle by one recipe."""

from __future__ import annotations

from pathlib import Path

import typer

from claims.errors import ClaimsError
from claims_runtime.settings import RuntimeSettings


def train(
    recipe: Path = typer.Option(..., "--recipe", "-r", help="Recipe file, e.g. recipes/triage-facts.yaml."),
    out: Path = typer.Option(Path("models"), help="Where the bundle directory <version> is created."),
) -> None:
    """Anonymize train/dev once with the production anonymizer, fine-tune, calibrate, mix, choose
    review thresholds on dev, and save a NEW bundle directory (never overwrites one)."""
    import logging

    from tqdm import tqdm

    from claims_runtime.pipeline import build_anonymizer, pii_tagger_sha256
    from training.recipe import run_recipe

    logging.getLogger("training").setLevel(logging.INFO)
    settings = RuntimeSettings()
    try:
        anonymizer = build_anonymizer(settings)

        def anonymize(texts: list[str]) -> list[str]:
            return [anonymizer.anonymize(t).text for t in tqdm(texts, desc="anonymizing", unit="claim")]

        target = run_recipe(recipe, anonymize, settings.encoder_path, out, pii_tagger_sha256())
    except (ClaimsError, ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"saved to {target}")
