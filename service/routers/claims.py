"""Claims: intake (``POST /v1/claims``), reading, listing, and the clerk's review."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Response, status
from starlette.concurrency import run_in_threadpool

from claims.anonymizer.engine import AnonymizerInputError
from service.auth import Principal
from service.deps import KeyFirstRoute, SessionDep, StateDep, TriagerDep, require
from service.references import reference_digest
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
    get_claim,
    list_claims,
    reviews_of,
    tenant_names,
)
from service.views import claim_decision, claim_detail

router = APIRouter(prefix="/v1/claims", tags=["claims"], route_class=KeyFirstRoute)

ClaimId = Annotated[str, Path(min_length=1, max_length=36, description="The id returned at intake.")]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The body could not be parsed."},
    401: {"model": Problem, "description": "Missing or invalid API key."},
    403: {"model": Problem, "description": "The key's role may not use this route."},
}
BUSY: dict[int | str, dict[str, Any]] = {
    429: {"model": Problem, "description": "This API key has its share of requests in flight; see Retry-After."},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ClaimDecision,
    responses={
        **ERRORS,
        **BUSY,
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
    the anonymized text. Safe to retry with the same ``Idempotency-Key``: the replay gets the
    original answer. The claim belongs to the key's tenant."""
    # Idempotency keys are scoped to the calling API key (two intake systems may pick the same).
    scoped_key = f"{principal.key_id}:{idempotency_key}" if idempotency_key is not None else None
    if scoped_key is not None:
        try:
            replay = await run_in_threadpool(find_replay, session, scoped_key, body)
        except IdempotencyConflict:
            raise HTTPException(422, "Idempotency-Key was already used with a different body") from None
        if replay is not None:
            response.headers["Idempotent-Replayed"] = "true"
            return replay.model_copy(update={"external_ref": body.external_ref})
    # Give the connection back while the model works: under load, requests wait for the model,
    # and each would otherwise hold a pooled connection (and an open transaction) meanwhile.
    await run_in_threadpool(session.close)
    async with state.admission.slot(principal.key_id):
        try:
            decision = await triager.triage(body.text)
        except AnonymizerInputError as error:
            raise HTTPException(422, str(error)) from None
    tenant = principal.home_tenant
    ref_hash = (
        None if body.external_ref is None else reference_digest(state.reference_secret, tenant, body.external_ref)
    )
    try:
        answer, created = await run_in_threadpool(
            create_claim, session, body, decision, scoped_key, tenant=tenant, external_ref_hash=ref_hash
        )
    except IdempotencyConflict:
        raise HTTPException(422, "Idempotency-Key was already used with a different body") from None
    if created:
        state.metrics.record_decision(decision)
    else:
        response.headers["Idempotent-Replayed"] = "true"
    return answer.model_copy(update={"external_ref": body.external_ref})


@router.get("", response_model=ClaimPage, responses=ERRORS, summary="List claims")
def list_(
    session: SessionDep,
    state: StateDep,
    principal: Annotated[Principal, Depends(require("intake", "clerk", "auditor"))],
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
    """Newest first, of the tenants the key may see. Label filters match the labels in force (the
    clerk's once reviewed); ``external_ref`` finds the claims submitted with that reference."""
    ref_hashes = None
    if external_ref is not None:  # hashed per tenant: one digest for each tenant the key sees
        tenants = principal.tenants or tuple(tenant_names(session))
        ref_hashes = tuple(reference_digest(state.reference_secret, tenant, external_ref) for tenant in tenants)
    filters = ClaimFilters(
        tenants=principal.tenants,
        damage_type=damage_type.value if damage_type else None,
        urgency=urgency.value if urgency else None,
        department=department.value if department else None,
        review_state=review_state,
        model_version=model_version,
        external_ref_hashes=ref_hashes,
        created_from=created_from,
        created_to=created_to,
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
    principal: Annotated[Principal, Depends(require("intake", "clerk", "auditor"))],
) -> ClaimDetail:
    """Another tenant's claim is a 404, as if it did not exist."""
    claim = get_claim(session, claim_id, principal.tenants)
    if claim is None:
        raise HTTPException(404, "no such claim")
    return claim_detail(claim, reviews_of(session, claim_id))


@router.post(
    "/{claim_id}/review",
    response_model=ClaimDetail,
    responses={
        **ERRORS,
        **BUSY,
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
            tenants=principal.tenants,
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
