"""The one place a batch of claims becomes output lines. The local engine calls :func:`score_batch`
in its own process and every Ray actor calls it on its node, so both engines decide a claim with
the same pipeline and write the same line for it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from claims.pipeline import TriageDecision, TriagePipeline
from claims.records import ClaimInput


@dataclass(frozen=True)
class ScoredClaim:
    """One claim's outcome: its output line, or the reason it failed (never its text)."""

    line: int
    id: str
    output: str | None = None
    error: str | None = None


def output_line(claim_id: str, decision: TriageDecision) -> str:
    """The scored line as written to the output: the id and the decision, nothing personal."""
    return json.dumps({"id": claim_id, **decision.to_dict()}, ensure_ascii=False)


def score_batch(pipeline: TriagePipeline, batch: Sequence[tuple[int, ClaimInput]]) -> list[ScoredClaim]:
    """Decide a batch in one model call; when the anonymizer refuses a text, decide claim by claim
    so only that claim fails."""
    from claims.anonymizer import AnonymizerInputError

    try:
        decisions = pipeline.triage([item.text for _, item in batch])
    except AnonymizerInputError as exc:
        if len(batch) == 1:
            number, item = batch[0]
            return [ScoredClaim(number, item.id, error=str(exc))]
        return [outcome for entry in batch for outcome in score_batch(pipeline, [entry])]
    return [
        ScoredClaim(number, item.id, output=output_line(item.id, decision))
        for (number, item), decision in zip(batch, decisions, strict=True)
    ]
