"""Claims: intake (``POST /v1/claims``), reading, listing, and the clerk's review."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Response, status
from starlette.concurrency import run_in_threadpool

from claims.anonymizer.engine import AnonymizerInputError
from service.auth import Principal
from service.deps import SessionDep, StateDep, TriagerDep, require
from service.orm import Claim
from service.reviewing import ClaimNotFound, review_claim
from service.schemas import (
    ClaimDecision,
    ClaimDetail,
    ClaimIn,
    ClaimPage,
    DamageType,
    Department,
    IsoDateTime,
    Problem,
    ReviewIn,
    ReviewState,
    Urgency,
)
from service.store import (
    AlreadyReviewed,
    ClaimFilters,
    IdempotencyConflict,
    ReviewConflict,
    create_claim,
    find_replay,
    list_claims,
    reviews_of,
)
from service.views import claim_decision, claim_detail, utc

router = APIRouter(prefix="/v1/claims", tags=["claims"])

ClaimId = Annotated[str, Path(min_length=1, max_length=36, description="The id returned at intake.")]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The body could not be parsed."},
    401: {"model": Problem, "description": "Missing or invalid API key."},
    403: {"model": Problem, "description": "The key's role may not use this route."},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ClaimDecision,
    responses={
        **ERRORS,
        413: {"model": Problem, "description": "Body over 64 KiB."},
        422: {"model": Problem, "description": "Invalid body, or Idempotency-Key reused with another body."},
        503: {"model": Problem, "description": "Model still loading."},
    },
    summary="Triage a new claim",
)
async def create(
    body: ClaimIn,
    response: Response,
    # The key is checked before anything else (a bad key is 401 even while the model loads).
    principal: Annotated[Principal, Depends(require("intake"))],
    state: StateDep,
    session: SessionDep,
    triager: TriagerDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            pattern=r"^[\x21-\x7e]{1,255}$",
            description="Repeating a request with the same key returns the original answer.",
        ),
    ] = None,
) -> ClaimDecision:
    """Anonymizes the text, predicts the three labels, applies the guide's rules and stores only
    the anonymized text. Safe to retry with the same ``Idempotency-Key``."""
    # Keys are scoped to the calling API key: two intake systems never see each other's claims.
    scoped_key = f"{principal.key_id}:{idempotency_key}" if idempotency_key is not None else None
    if scoped_key is not None:
        try:
            replay = await run_in_threadpool(find_replay, session, scoped_key, body)
        except IdempotencyConflict:
            raise HTTPException(422, "Idempotency-Key was already used with a different body") from None
        if replay is not None:
            response.headers["Idempotent-Replayed"] = "true"
            return claim_decision(replay)
    # Give the connection back while the model works: under load, requests wait for the model,
    # and each would otherwise hold a pooled connection (and an open transaction) meanwhile.
    await run_in_threadpool(session.close)
    try:
        decision = await triager.triage(body.text)
    except AnonymizerInputError as error:
        raise HTTPException(422, str(error)) from None
    try:
        claim, created = await run_in_threadpool(create_claim, session, body, decision, scoped_key)
    except IdempotencyConflict:
        raise HTTPException(422, "Idempotency-Key was already used with a different body") from None
    if created:
        state.metrics.record_decision(decision)
    else:
        response.headers["Idempotent-Replayed"] = "true"
    return claim_decision(claim)


@router.get("", response_model=ClaimPage, responses=ERRORS, summary="List claims")
def list_(
    session: SessionDep,
    _: Annotated[Principal, Depends(require("intake", "clerk", "auditor"))],
    damage_type: DamageType | None = None,  # type: ignore[valid-type]
    urgency: Urgency | None = None,  # type: ignore[valid-type]
    department: Department | None = None,  # type: ignore[valid-type]
    review_state: ReviewState | None = None,
    model_version: Annotated[str | None, Query(max_length=64)] = None,
    external_ref: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9._:/-]{1,64}$")] = None,
    created_from: IsoDateTime | None = None,
    created_to: IsoDateTime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ClaimPage:
    """Newest first. Label filters match the labels in force (the clerk's once reviewed)."""
    filters = ClaimFilters(
        damage_type=damage_type.value if damage_type else None,
        urgency=urgency.value if urgency else None,
        department=department.value if department else None,
        review_state=review_state,
        model_version=model_version,
        external_ref=external_ref,
        created_from=utc(created_from),
        created_to=utc(created_to),
    )
    rows, count = list_claims(session, filters, limit, offset)
    return ClaimPage(data=[claim_decision(c) for c in rows], count=count)


@router.get(
    "/{claim_id}",
    response_model=ClaimDetail,
    responses={**ERRORS, 404: {"model": Problem, "description": "No such claim."}},
    summary="One claim with its anonymized text and review history",
)
def get(
    claim_id: ClaimId,
    session: SessionDep,
    _: Annotated[Principal, Depends(require("intake", "clerk", "auditor"))],
) -> ClaimDetail:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise HTTPException(404, "no such claim")
    return claim_detail(claim, reviews_of(session, claim_id))


@router.post(
    "/{claim_id}/review",
    response_model=ClaimDetail,
    responses={
        **ERRORS,
        404: {"model": Problem, "description": "No such claim."},
        409: {"model": Problem, "description": "Already reviewed; send override=true to change."},
        422: {"model": Problem, "description": "Unknown label id or invalid body."},
    },
    summary="Record a clerk's final labels",
)
async def review(
    claim_id: ClaimId,
    body: ReviewIn,
    principal: Annotated[Principal, Depends(require("clerk"))],
    state: StateDep,
    session: SessionDep,
    triager: TriagerDep,
) -> ClaimDetail:
    """Every review is appended to the claim's history; the labels in force become the clerk's."""
    labels = {"damage_type": body.damage_type.value, "urgency": body.urgency.value, "department": body.department.value}
    try:
        claim = await review_claim(
            state,
            session,
            triager,
            claim_id,
            labels,
            comment=body.comment,
            override=body.override,
            reviewer_key_id=principal.key_id,
        )
    except ClaimNotFound:
        raise HTTPException(404, "no such claim") from None
    except AlreadyReviewed:
        raise HTTPException(409, "claim already reviewed; send override=true to change its labels") from None
    except ReviewConflict:
        raise HTTPException(409, "claim was reviewed concurrently; reload and send override=true") from None
    except AnonymizerInputError as error:
        raise HTTPException(422, str(error)) from None
    return claim_detail(claim, await run_in_threadpool(reviews_of, session, claim_id))
