"""Reading and writing claims and reviews: idempotent creation, filtered listing, the review
queue, and reviews with optimistic concurrency (two clerks never silently overwrite each other)."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claims.pipeline import TriageDecision
from claims.taxonomy import TASKS, load_taxonomy
from service.orm import Claim, ClaimReview, IdempotencyRecord
from service.schemas import ClaimDecision, ClaimIn
from service.views import claim_decision

URGENCY_RANK = {label: rank for rank, label in enumerate(load_taxonomy().labels("urgency"))}


class IdempotencyConflict(Exception):
    """The key was used before with a different body."""


class ReviewConflict(Exception):
    """The claim was reviewed concurrently (someone else's review landed since it was read)."""


class AlreadyReviewed(ReviewConflict):
    """The claim was reviewed already and no override was asked for."""


@dataclass(frozen=True)
class ClaimFilters:
    """``tenants``: the tenants the caller may see (``None``: all); every read goes through it."""

    tenants: tuple[str, ...] | None = None
    damage_type: str | None = None
    urgency: str | None = None
    department: str | None = None
    review_state: str | None = None
    model_version: str | None = None
    external_ref_hashes: tuple[str, ...] | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def request_digest(body: ClaimIn) -> str:
    """Fingerprint of a request body (canonical JSON), to tell a replay from a reuse of the key."""
    return digest(json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False))


def find_replay(session: Session, idempotency_key: str, body: ClaimIn) -> ClaimDecision | None:
    """The answer an earlier request with this key got (as it was then, not the claim's state
    now); raises on a different body."""
    record = session.get(IdempotencyRecord, digest(idempotency_key))
    if record is None:
        return None
    if record.request_hash != request_digest(body):
        raise IdempotencyConflict
    if record.response is not None:
        return ClaimDecision.model_validate(record.response)
    claim = session.get(Claim, record.claim_id)  # a record from before answers were stored
    return None if claim is None else claim_decision(claim)


def create_claim(
    session: Session,
    body: ClaimIn,
    decision: TriageDecision,
    idempotency_key: str | None,
    *,
    tenant: str,
    external_ref_hash: str | None,
) -> tuple[ClaimDecision, bool]:
    """Store the anonymized claim and its decision; returns (answer, created). When a concurrent
    request with the same key won the race, returns its answer with ``created=False``."""
    labels = {task: decision.labels[task] for task in TASKS}
    claim = Claim(
        id=str(uuid.uuid4()),
        created_at=datetime.now(UTC),
        tenant=tenant,
        channel=body.channel,
        external_ref_hash=external_ref_hash,
        anonymized_text=decision.anonymized_text,
        entity_counts=dict(decision.entity_counts),
        predicted_damage_type=labels["damage_type"].label,
        predicted_urgency=labels["urgency"].label,
        predicted_department=labels["department"].label,
        confidence_damage_type=labels["damage_type"].confidence,
        confidence_urgency=labels["urgency"].confidence,
        confidence_department=labels["department"].confidence,
        needs_review=decision.needs_review,
        review_reasons=list(decision.review_reasons),
        explanation=decision.explanation,
        model_version=decision.model_version,
        damage_type=labels["damage_type"].label,
        urgency=labels["urgency"].label,
        department=labels["department"].label,
        urgency_rank=URGENCY_RANK[labels["urgency"].label],
        review_state="needs_review" if decision.needs_review else "auto_routed",
        review_count=0,
    )
    session.add(claim)
    answer = claim_decision(claim)
    if idempotency_key is not None:
        session.add(
            IdempotencyRecord(
                key_hash=digest(idempotency_key),
                request_hash=request_digest(body),
                claim_id=claim.id,
                response=answer.model_dump(mode="json"),
            )
        )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        if idempotency_key is None:
            raise
        existing = find_replay(session, idempotency_key, body)
        if existing is None:
            raise
        return existing, False
    return answer, True


def _filtered(query: Select[Any], filters: ClaimFilters) -> Select[Any]:
    if filters.tenants is not None:
        query = query.where(Claim.tenant.in_(filters.tenants))
    if filters.external_ref_hashes is not None:
        query = query.where(Claim.external_ref_hash.in_(filters.external_ref_hashes))
    for column in ("damage_type", "urgency", "department", "review_state", "model_version"):
        value = getattr(filters, column)
        if value is not None:
            query = query.where(getattr(Claim, column) == value)
    if filters.created_from is not None:
        query = query.where(Claim.created_at >= filters.created_from)
    if filters.created_to is not None:
        query = query.where(Claim.created_at < filters.created_to)
    return query


def count_claims(session: Session, filters: ClaimFilters) -> int:
    return int(session.scalar(_filtered(select(func.count()).select_from(Claim), filters)) or 0)


def list_claims(session: Session, filters: ClaimFilters, limit: int, offset: int) -> tuple[list[Claim], int]:
    """Newest first."""
    count = count_claims(session, filters)
    rows = session.scalars(
        _filtered(select(Claim), filters).order_by(Claim.created_at.desc(), Claim.id).limit(limit).offset(offset)
    )
    return list(rows), count


def tenant_names(session: Session) -> list[str]:
    """Every tenant that has claims."""
    return list(session.scalars(select(Claim.tenant).distinct()))


def get_claim(session: Session, claim_id: str, tenants: tuple[str, ...] | None) -> Claim | None:
    """The claim, when it belongs to one of ``tenants`` (another tenant's claim does not exist)."""
    claim = session.get(Claim, claim_id)
    if claim is None or (tenants is not None and claim.tenant not in tenants):
        return None
    return claim


def review_queue(
    session: Session, department: str | None, limit: int, offset: int, tenants: tuple[str, ...] | None = None
) -> tuple[list[Claim], int]:
    """Claims waiting for a clerk: most urgent first, then oldest first."""
    filters = ClaimFilters(tenants=tenants, review_state="needs_review", department=department)
    count = count_claims(session, filters)
    rows = session.scalars(
        _filtered(select(Claim), filters)
        .order_by(Claim.urgency_rank, Claim.created_at, Claim.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), count


def reviews_of(session: Session, claim_id: str) -> list[ClaimReview]:
    return list(session.scalars(select(ClaimReview).where(ClaimReview.claim_id == claim_id).order_by(ClaimReview.id)))


def record_review(
    session: Session,
    claim: Claim,
    labels: dict[str, str],
    *,
    reviewer_key_id: int,
    comment: str | None,
    override: bool,
) -> ClaimReview:
    """Apply the clerk's labels and append the history row in one transaction. The UPDATE only
    matches while nobody else reviewed since ``claim`` was read, so a race ends in a conflict."""
    if claim.review_state == "reviewed" and not override:
        raise AlreadyReviewed
    now = datetime.now(UTC)
    result = session.execute(
        update(Claim)
        .where(Claim.id == claim.id, Claim.review_count == claim.review_count)
        .values(
            **labels,
            urgency_rank=URGENCY_RANK[labels["urgency"]],
            review_state="reviewed",
            reviewed_at=now,
            review_count=claim.review_count + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise ReviewConflict
    review = ClaimReview(
        claim_id=claim.id,
        created_at=now,
        reviewer_key_id=reviewer_key_id,
        previous_damage_type=claim.damage_type,
        previous_urgency=claim.urgency,
        previous_department=claim.department,
        comment=comment,
        override=override,
        **labels,
    )
    session.add(review)
    session.commit()
    session.refresh(claim)
    return review
