"""The clerks' work list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.auth import Principal
from service.deps import KeyFirstRoute, SessionDep, require
from service.routers.claims import ERRORS
from service.schemas import ClaimPage, Department
from service.store import review_queue
from service.views import claim_decision

router = APIRouter(prefix="/v1/review-queue", tags=["review"], route_class=KeyFirstRoute)


@router.get("", response_model=ClaimPage, responses=ERRORS, summary="Claims waiting for a clerk")
def queue(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require("clerk"))],
    department: Department | None = None,  # type: ignore[valid-type]
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ClaimPage:
    """Most urgent first (kritisch, hoch, mittel, niedrig), then oldest first; the tenants the
    clerk's key is granted."""
    rows, count = review_queue(session, department.value if department else None, limit, offset, principal.tenants)
    return ClaimPage(data=[claim_decision(c) for c in rows], count=count)
