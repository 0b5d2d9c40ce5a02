"""``claims-triage score``: batch scoring of a claim backlog, resumable and loss-free."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
from tqdm import tqdm

from claims.errors import ClaimsError
from claims.records import ClaimInput, LineError, iter_inputs

MAX_TEXT_CHARS = 20_000


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
    input: Path = typer.Option(..., "--input", "-i", help='JSONL, one {"id", "text"} per line.'),
    output: Path = typer.Option(..., "--output", "-o", help="Scored lines are appended here."),
    model: Path | None = typer.Option(None, help="Model directory (default: the shipped model)."),
    errors: Path | None = typer.Option(None, help="Where failed lines go (default: OUTPUT.errors.jsonl)."),
    batch_size: int = typer.Option(16, min=1, help="Claims per model call."),
) -> None:
    """Score every line: id, the three labels, confidences, needs_review, model_version.

    Re-running skips ids already in the output. A bad line (invalid JSON, no text, too long) goes
    to the errors file with its line number and reason; the run goes on and exits 1 at the end.
    """
    from claims.anonymizer import AnonymizerInputError
    from claims_runtime.pipeline import build_pipeline

    errors = errors or output.with_name(output.name + ".errors.jsonl")
    try:
        done = _done_ids(output)
        items = list(iter_inputs(input))
        pipeline = build_pipeline(model)
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
    with output.open("a", encoding="utf-8") as out, tqdm(total=len(todo), desc="scoring", unit="claim") as bar:
        for start in range(0, len(todo), batch_size):
            chunk = todo[start : start + batch_size]
            try:
                decisions = pipeline.triage([item.text for _, item in chunk])
                pairs = list(zip(chunk, decisions, strict=True))
            except AnonymizerInputError:
                pairs = []  # one bad text in the batch: decide claim by claim to isolate it
                for entry in chunk:
                    try:
                        pairs.append((entry, pipeline.triage([entry[1].text])[0]))
                    except AnonymizerInputError as exc:
                        failures.append({"line": entry[0], "id": entry[1].id, "reason": str(exc)})
            for (_, item), decision in pairs:
                out.write(json.dumps({"id": item.id, **decision.to_dict()}, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
            bar.update(len(chunk))
    with errors.open("w", encoding="utf-8") as handle:
        for failure in sorted(failures, key=lambda f: int(f["line"])):  # type: ignore[call-overload]
            handle.write(json.dumps(failure, ensure_ascii=False) + "\n")
    scored = len(todo) - sum(1 for f in failures if any(f["line"] == n for n, _ in todo))
    typer.echo(
        f"scored {scored} claim(s), skipped {skipped} already in {output}, {len(failures)} failed (see {errors})"
    )
    raise typer.Exit(1 if failures else 0)
