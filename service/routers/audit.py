"""The auditors' numbers: model against clerks, per task, class, model version and period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.audit import Period, audit_report
from service.auth import Principal
from service.deps import SessionDep, require
from service.routers.claims import ERRORS
from service.schemas import AuditReport, IsoDateTime
from service.views import utc

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/metrics", response_model=AuditReport, responses=ERRORS, summary="Model accuracy against clerks")
def metrics(
    session: SessionDep,
    _: Annotated[Principal, Depends(require("auditor"))],
    model_version: Annotated[str | None, Query(max_length=64)] = None,
    created_from: IsoDateTime | None = None,
    created_to: IsoDateTime | None = None,
    period: Period = "all",
) -> AuditReport:
    """Accuracy of the stored predictions against the clerks' final labels (reviewed claims only),
    with Wilson 95 % intervals, per-class recall, confusion matrices and the share of claims routed
    without review, for claims created in ``[created_from, created_to)``, per model version and,
    with ``period``, per UTC day, ISO week or month."""
    return audit_report(
        session,
        model_version=model_version,
        created_from=utc(created_from),
        created_to=utc(created_to),
        period=period,
    )
