"""Database rows to API bodies. SQLite hands back naive datetimes: they are UTC by construction."""

from __future__ import annotations

from datetime import UTC, datetime

from service.orm import Claim, ClaimReview
from service.schemas import ClaimDecision, ClaimDetail, Explanation, FinalLabels, LabelOut, ReviewOut


def utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def claim_decision(claim: Claim) -> ClaimDecision:
    reviewed = claim.review_state == "reviewed"
    return ClaimDecision(
        id=claim.id,
        created_at=utc(claim.created_at),  # type: ignore[arg-type]
        tenant=claim.tenant,
        channel=claim.channel,
        external_ref=None,  # stored as a keyed hash only; echoed in the intake answer alone
        damage_type=LabelOut(label=claim.predicted_damage_type, confidence=claim.confidence_damage_type),
        urgency=LabelOut(label=claim.predicted_urgency, confidence=claim.confidence_urgency),
        department=LabelOut(label=claim.predicted_department, confidence=claim.confidence_department),
        needs_review=claim.needs_review,
        review_reasons=list(claim.review_reasons),
        explanation=Explanation.model_validate(claim.explanation) if claim.explanation is not None else None,
        model_version=claim.model_version,
        review_state=claim.review_state,  # type: ignore[arg-type]
        final=FinalLabels(damage_type=claim.damage_type, urgency=claim.urgency, department=claim.department)
        if reviewed
        else None,
        reviewed_at=utc(claim.reviewed_at),
        entity_counts=dict(claim.entity_counts),
    )


def review_out(review: ClaimReview) -> ReviewOut:
    return ReviewOut(
        id=review.id,
        created_at=utc(review.created_at),  # type: ignore[arg-type]
        reviewer_key_id=review.reviewer_key_id,
        damage_type=review.damage_type,
        urgency=review.urgency,
        department=review.department,
        previous=FinalLabels(
            damage_type=review.previous_damage_type,
            urgency=review.previous_urgency,
            department=review.previous_department,
        ),
        comment=review.comment,
        override=review.override,
    )


def claim_detail(claim: Claim, reviews: list[ClaimReview]) -> ClaimDetail:
    return ClaimDetail(
        **claim_decision(claim).model_dump(),
        anonymized_text=claim.anonymized_text,
        reviews=[review_out(r) for r in reviews],
    )
