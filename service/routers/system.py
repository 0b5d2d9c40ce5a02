"""Liveness, readiness, Prometheus metrics and the active model."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.auth import Principal
from service.db import ping
from service.deps import KeyFirstRoute, StateDep, require
from service.routers.claims import ERRORS
from service.schemas import ActiveModel

router = APIRouter(route_class=KeyFirstRoute)


@router.get("/healthz", tags=["system"], summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    tags=["system"],
    summary="Model, anonymizer and database are ready",
    responses={503: {"description": "Not ready yet (or loading failed)."}},
)
def readyz(state: StateDep, response: Response) -> dict[str, object]:
    checks = {
        "database": state.database_ready and ping(state.engine),
        "model": state.triager is not None,
        "anonymizer": state.triager is not None,
    }
    ready = all(checks.values())
    if not ready:
        response.status_code = 503
    body: dict[str, object] = {"status": "ready" if ready else "not ready", "checks": checks}
    if state.load_error:
        body["error"] = state.load_error
    return body


@router.get("/metrics", tags=["system"], summary="Prometheus metrics", response_class=Response)
def metrics(state: StateDep) -> Response:
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/v1/models/active", tags=["models"], response_model=ActiveModel, responses=ERRORS)
def active_model(
    state: StateDep, _: Annotated[Principal, Depends(require("intake", "clerk", "auditor"))]
) -> ActiveModel:
    if state.triager is None:
        raise HTTPException(503, "model not loaded yet; see /readyz")
    pipeline = state.triager.pipeline
    return ActiveModel(
        model_version=pipeline.model_version,
        labels=pipeline.labels,
        thresholds=dict(pipeline.thresholds),
        policy=pipeline.policy.name,
        rules={task: [r.id for r in (*p.rules, p.default)] for task, p in pipeline.policy.tasks.items()},
        facts=list(pipeline.model.fact_names),
    )
