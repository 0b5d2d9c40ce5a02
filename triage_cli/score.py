"""``claims-triage score``: batch scoring of a claim backlog, resumable and loss-free."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import typer
from tqdm import tqdm

from claims.errors import ClaimsError
from claims.records import ClaimInput, LineError
from claims_runtime.backlog import export_scored, read_backlog
from claims_runtime.scoring import ScoredClaim, score_batch
from claims_runtime.settings import RuntimeSettings

MAX_TEXT_CHARS = 20_000


class Engine(StrEnum):
    local = "local"
    ray = "ray"


def _done_ids(output: Path) -> set[str]:
    """Ids already scored. A torn last line (a crash mid-write) is cut off so it is scored again."""
    if not output.exists():
        return set()
    raw = output.read_bytes()
    lines = raw.split(b"\n")
    keep, ids = [], set()
    for line in lines:
        if not line.strip():
            continue
        try:
            ids.add(json.loads(line)["id"])
            keep.append(line)
        except (json.JSONDecodeError, KeyError, TypeError):
            break  # only the last line can be torn; everything after it is rescored
    cleaned = b"".join(line + b"\n" for line in keep)
    if cleaned != raw:
        output.write_bytes(cleaned)
    return ids


def score(
    input: str = typer.Option(
        ...,
        "--input",
        "-i",
        help='JSONL ({"id", "text"} per line) or Parquet (id, text columns); a path or s3://... URI.',
    ),
    output: Path = typer.Option(..., "--output", "-o", help="Scored lines are appended here."),
    model: Path | None = typer.Option(None, help="Model directory (default: the shipped model)."),
    errors: Path | None = typer.Option(None, help="Where failed lines go (default: OUTPUT.errors.jsonl)."),
    batch_size: int = typer.Option(16, min=1, help="Claims per model call."),
    engine: Engine = typer.Option(Engine.local, help="local: this process; ray: a Ray Data actor pool."),
    ray_address: str | None = typer.Option(
        None, help="Ray cluster to join (auto, HOST:PORT, ray://HOST:10001); default: start one on this machine."
    ),
    actors: int | None = typer.Option(None, min=1, help="Ray actors, one CPU each (default: one per cluster CPU)."),
    export: str | None = typer.Option(
        None, help="Also write the finished output here: .parquet or JSONL, a path or s3://... URI."
    ),
) -> None:
    """Score every line: id, the three labels, confidences, needs_review, model_version.

    Re-running skips ids already in the output. A bad line (invalid JSON, no text, too long) goes
    to the errors file with its line number and reason; the run goes on and exits 1 at the end.
    Both engines write the same line for a claim; with Ray, the model directory and the encoder
    must be readable at the same path on every node.
    """
    from claims_runtime.pipeline import build_pipeline

    errors = errors or output.with_name(output.name + ".errors.jsonl")
    try:
        done = _done_ids(output)
        items = list(read_backlog(input))
        pipeline = build_pipeline(model) if engine is Engine.local else None
    except (ClaimsError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    failures: list[dict[str, object]] = []
    todo: list[tuple[int, ClaimInput]] = []
    seen = set(done)
    for number, item in items:
        if isinstance(item, LineError):
            failures.append({"line": number, "id": item.id, "reason": item.reason})
        elif item.id in seen:
            if item.id not in done:
                failures.append({"line": number, "id": item.id, "reason": "duplicate id in the input"})
        elif len(item.text) > MAX_TEXT_CHARS:
            failures.append({"line": number, "id": item.id, "reason": f"text longer than {MAX_TEXT_CHARS} characters"})
        else:
            seen.add(item.id)
            todo.append((number, item))
    skipped = sum(1 for _, item in items if not isinstance(item, LineError) and item.id in done)
    batches: Iterator[list[ScoredClaim]]
    if pipeline is not None:
        batches = (score_batch(pipeline, todo[start : start + batch_size]) for start in range(0, len(todo), batch_size))
    else:
        settings = RuntimeSettings()
        batches = _ray_batches(todo, model or settings.model_dir, settings, ray_address, actors, batch_size)
    scored = 0
    with output.open("a", encoding="utf-8") as out, tqdm(total=len(todo), desc="scoring", unit="claim") as bar:
        for outcomes in batches:
            for outcome in outcomes:
                if outcome.output is not None:
                    out.write(outcome.output + "\n")
                    scored += 1
                else:
                    failures.append({"line": outcome.line, "id": outcome.id, "reason": outcome.error})
            out.flush()
            os.fsync(out.fileno())
            bar.update(len(outcomes))
    with errors.open("w", encoding="utf-8") as handle:
        for failure in sorted(failures, key=lambda f: int(f["line"])):  # type: ignore[call-overload]
            handle.write(json.dumps(failure, ensure_ascii=False) + "\n")
    typer.echo(
        f"scored {scored} claim(s), skipped {skipped} already in {output}, {len(failures)} failed (see {errors})"
    )
    if export:
        try:
            typer.echo(f"exported {export_scored(output, export)} line(s) to {export}")
        except (ClaimsError, OSError) as exc:
            typer.echo(f"error: export failed: {exc}", err=True)
            raise typer.Exit(1) from None
    raise typer.Exit(1 if failures else 0)


def _ray_batches(
    todo: list[tuple[int, ClaimInput]],
    model_dir: Path,
    settings: RuntimeSettings,
    address: str | None,
    actors: int | None,
    batch_size: int,
) -> Iterator[list[ScoredClaim]]:
    """The Ray engine's outcomes; a missing extra or a cluster failure is a CLI error (what was
    written so far stays, and a rerun resumes)."""
    try:
        from claims_runtime.ray_engine import score_on_ray
    except ImportError:
        typer.echo(
            "error: --engine ray needs the distributed extra: pip install 'claims-triage[distributed]'", err=True
        )
        raise typer.Exit(1) from None
    import ray

    try:
        yield from score_on_ray(
            todo, model_dir=model_dir, settings=settings, address=address, actors=actors, batch_size=batch_size
        )
    except (ray.exceptions.RayError, ConnectionError) as exc:
        typer.echo(f"error: Ray run failed ({type(exc).__name__}); rerun to resume", err=True)
        raise typer.Exit(1) from None
