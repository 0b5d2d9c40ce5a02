"""``claims-triage data check-corpus``: the shipped corpus's quality gate (also run by CI)."""

from __future__ import annotations

from pathlib import Path

import typer

from claims.corpus import corpus_stats, coverage_problems, near_duplicates, overused_openings
from claims.errors import ClaimsError
from claims.records import LabeledClaim, read_labeled
from claims.taxonomy import TASKS
from claims.validation import validate_file

SPLITS = ("train", "dev", "test")


def check_corpus(
    directory: Path = typer.Argument(Path("data/claims"), help="Directory with train/dev/test.jsonl."),
    jaccard: float = typer.Option(0.3, help="Near-duplicate threshold (word 5-gram Jaccard)."),
    opening_share: float = typer.Option(0.02, help="Largest share of claims one 4-word opening may start."),
    coverage: bool = typer.Option(True, help="Enforce the corpus coverage minima."),
) -> None:
    """Validate each split, then check near-duplicates, openings, leakage and coverage. Exit 1 on any problem."""
    problems: list[str] = []
    splits: dict[str, list[LabeledClaim]] = {}
    for split in SPLITS:
        path = directory / f"{split}.jsonl"
        report = validate_file(path)
        problems += [f"{path}: {p}" for p in report.problems]
        if report.ok:
            try:
                splits[split] = read_labeled(path)
            except ClaimsError as exc:
                problems.append(str(exc))
    everything = [c for claims in splits.values() for c in claims]
    ids = [c.id for c in everything]
    duplicate_ids = sorted({i for i in ids if ids.count(i) > 1})
    if duplicate_ids:
        problems.append(f"ids used in more than one split: {', '.join(duplicate_ids[:10])}")
    split_of = {c.id: name for name, claims in splits.items() for c in claims}
    for a, b, score in near_duplicates(everything, jaccard):
        where = "across splits" if split_of[a] != split_of[b] else f"in {split_of[a]}"
        problems.append(f"near-duplicates {where}: {a} and {b} (5-gram Jaccard {score:.2f})")
    for opening, count in overused_openings(everything, opening_share):
        problems.append(f"opening '{opening}' starts {count} claims (more than {opening_share:.1%})")
    if coverage:
        problems += coverage_problems(splits)
    stats = corpus_stats(splits)
    typer.echo(f"claims: {stats.total} ({', '.join(f'{k} {v}' for k, v in stats.splits.items())})")
    for task in TASKS:
        typer.echo(f"{task}: " + ", ".join(f"{k} {v}" for k, v in stats.labels[task].most_common()))
    typer.echo(
        f"rules named in notes: {sum(stats.rules.values())} ({sum(stats.rules.values()) / max(1, stats.total):.1%})"
    )
    typer.echo(
        f"claims with 1-6 spans: {stats.share_with_1_to_max_spans:.1%}; spans: "
        + ", ".join(f"{k} {v}" for k, v in stats.spans.most_common())
    )
    typer.echo(
        f"median words: {stats.median_words:g}; damage_type x department combinations: {len(stats.combinations)}"
    )
    for problem in problems:
        typer.echo(f"problem: {problem}", err=True)
    typer.echo("corpus OK" if not problems else f"corpus FAILED: {len(problems)} problem(s)")
    raise typer.Exit(1 if problems else 0)
