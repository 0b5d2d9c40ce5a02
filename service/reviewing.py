"""A clerk's review, as the API and the pages both submit it: check (the claim is of a tenant the
clerk's key is granted), anonymize the comment (in the key's admission line, like intake), store
with optimistic concurrency, count it in the metrics. One copy, so both paths behave alike."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from service.orm import Claim
from service.state import ServiceState
from service.store import AlreadyReviewed, ReviewConflict, get_claim, record_review
from service.triager import Triager


class ClaimNotFound(Exception):
    """No claim with that id."""


async def review_claim(
    state: ServiceState,
    session: Session,
    triager: Triager,
    claim_id: str,
    labels: dict[str, str],
    *,
    comment: str | None,
    override: bool,
    reviewer_key_id: int,
    tenants: tuple[str, ...] | None,
    seen_review_count: int | None = None,
) -> Claim:
    """Store the clerk's ``labels`` (and the anonymized ``comment``) on the claim. Raises
    ``ClaimNotFound`` (also for a claim of a tenant outside ``tenants``; None: every tenant),
    ``AlreadyReviewed`` (reviewed before, no override), ``ReviewConflict`` (a
    review landed since the clerk loaded the claim: ``seen_review_count`` differs, or a race) and
    the anonymizer's ``AnonymizerInputError``; the admission's 429 ``HTTPException`` when the
    reviewer's key has its share of texts in the anonymizer already."""
    claim = await run_in_threadpool(get_claim, session, claim_id, tenants)
    if claim is None:
        raise ClaimNotFound
    if claim.review_state == "reviewed" and not override:
        raise AlreadyReviewed
    if seen_review_count is not None and claim.review_count != seen_review_count:
        raise ReviewConflict
    stored_comment = None
    if comment is not None and comment.strip():
        async with state.admission.slot(reviewer_key_id):
            stored_comment = await triager.anonymize(comment)
    agreed = all(labels[task] == getattr(claim, f"predicted_{task}") for task in labels)
    await run_in_threadpool(
        record_review,
        session,
        claim,
        labels,
        reviewer_key_id=reviewer_key_id,
        comment=stored_comment,
        override=override,
    )
    state.metrics.reviews.labels(str(agreed).lower()).inc()
    return claim
