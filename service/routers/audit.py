"""The auditors' numbers: model against clerks, per task, class, model version and period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.audit import Period, audit_report
from service.auth import Principal
from service.deps import KeyFirstRoute, SessionDep, require
from service.routers.claims import ERRORS
from service.schemas import AuditReport, IsoDateTime

router = APIRouter(prefix="/v1/audit", tags=["audit"], route_class=KeyFirstRoute)


@router.get("/metrics", response_model=AuditReport, responses=ERRORS, summary="Model accuracy against clerks")
def metrics(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require("auditor"))],
    model_version: Annotated[str | None, Query(max_length=64)] = None,
    created_from: IsoDateTime | None = None,
    created_to: IsoDateTime | None = None,
    period: Period = "all",
    by_tenant: Annotated[bool, Query(description="One report per tenant (of those the key sees).")] = False,
) -> AuditReport:
    """Accuracy of the stored predictions against the clerks' final labels (reviewed claims only),
    with Wilson 95 % intervals, per-class recall, confusion matrices and the share of claims routed
    without review, for claims created in ``[created_from, created_to)``, per model version and,
    with ``period``, per UTC day, ISO week or month; over the tenants the key is granted, split by
    tenant with ``by_tenant``."""
    return audit_report(
        session,
        tenants=principal.tenants,
        by_tenant=by_tenant,
        model_version=model_version,
        created_from=created_from,
        created_to=created_to,
        period=period,
    )
