"""The application factory. ``create_app()`` wires settings, database, metrics and routers; the
lifespan migrates the database, checks keys, and loads the pipeline in the background so that
``/healthz`` answers at once and ``/readyz`` says 503 until the model is in memory.

Run it with ``claims-triage serve`` (or ``uvicorn --factory service.app:create_app``)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from claims.pipeline import TriagePipeline
from service import db
from service.admission import Admission
from service.auth import active_key_count
from service.docs import mount_docs
from service.observability import BodyLimitMiddleware, RequestMetricsMiddleware, ServiceMetrics
from service.references import reference_secret
from service.routers import audit, claims, review, system
from service.settings import ServiceSettings
from service.state import ServiceState
from service.triager import Triager
from service.ui import mount as mount_pages

logger = logging.getLogger(__name__)

PipelineFactory = Callable[[ServiceSettings], TriagePipeline]
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,40}$")


class ConfigurationError(RuntimeError):
    """The service refuses to start with this configuration."""


def default_pipeline(settings: ServiceSettings) -> TriagePipeline:
    import torch

    from claims_runtime.pipeline import build_pipeline

    torch.set_num_threads(settings.inference_threads)
    return build_pipeline(settings.model_dir, settings=settings)


def create_app(settings: ServiceSettings | None = None, pipeline_factory: PipelineFactory | None = None) -> FastAPI:
    settings = settings or ServiceSettings()
    engine = db.make_engine(settings.db_url)
    state = ServiceState(
        settings=settings,
        engine=engine,
        sessions=db.session_factory(engine),
        metrics=ServiceMetrics(),
        reference_secret=reference_secret(settings),
        admission=Admission(settings.max_in_flight_per_key, settings.max_waiting_per_key),
    )
    factory = pipeline_factory or default_pipeline
    state.metrics.watch_queue(lambda: _queue_size(state))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(_prepare_database, state)
        loader = asyncio.create_task(asyncio.to_thread(_load_pipeline, state, factory))
        try:
            yield
        finally:
            loader.cancel()
            if state.triager is not None:
                state.triager.close()
            engine.dispose()

    app = FastAPI(
        title="Claims triage routing service",
        version="1",
        description=(
            "Triage of insurance claim reports: anonymize, predict damage type, urgency and department, "
            "route or queue for review. Authenticate with the `X-API-Key` header "
            "(keys per role: intake, clerk, auditor, admin; `claims-triage keys create --role ROLE`)."
        ),
        lifespan=lifespan,
        # Docs pages with local assets (service.docs); none at all when docs are off.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.docs_enabled else None,
        # A slash redirect is built from the Host header, which the client chooses.
        redirect_slashes=False,
    )
    app.state.service = state
    mount_docs(app)
    app.include_router(claims.router)
    app.include_router(review.router)
    app.include_router(audit.router)
    app.include_router(system.router)
    mount_pages(app, settings)
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, _database_unavailable)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _internal_error)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout)
    app.add_middleware(RequestMetricsMiddleware, metrics=state.metrics)
    return app


def _prepare_database(state: ServiceState) -> None:
    if state.settings.auto_migrate:
        db.upgrade(state.engine)
    elif not db.is_migrated(state.engine):
        raise ConfigurationError("database schema is not at the newest migration: run `claims-triage db upgrade`")
    with db.session_scope(state.sessions) as session:
        keys = active_key_count(session)
    if keys == 0:
        if state.settings.environment != "development":
            raise ConfigurationError(
                "no API key exists: create one with `claims-triage keys create --role ROLE` before starting "
                "outside development mode"
            )
        logger.warning("no API key exists yet: every request will get 401; `claims-triage keys create --role intake`")
    state.database_ready = True


def _queue_size(state: ServiceState) -> int:
    from service.store import ClaimFilters, count_claims

    with db.session_scope(state.sessions) as session:
        return count_claims(session, ClaimFilters(review_state="needs_review"))


def _load_pipeline(state: ServiceState, factory: PipelineFactory) -> None:
    try:
        state.triager = Triager(factory(state.settings), max_batch=state.settings.max_batch)
        logger.info("model %s ready", state.triager.pipeline.model_version)
    except Exception as error:  # reported by /readyz; the message names files, never claims
        state.load_error = f"{type(error).__name__}: {error}"
        logger.error("loading the model failed: %s", state.load_error)


def _clean_error(error: dict[str, Any]) -> dict[str, Any]:
    """A validation error without the offending input (it may hold personal data). An unknown
    key's name is the client's text too (an IBAN sent as a key): it becomes ``<unknown field>``."""
    loc = [part if isinstance(part, int) or _FIELD_NAME.match(str(part)) else "<field>" for part in error["loc"]]
    if error["type"] == "extra_forbidden" and loc:
        loc[-1] = "<unknown field>"
    return {"loc": loc, "msg": error["msg"], "type": error["type"]}


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": [_clean_error(e) for e in exc.errors()]})


def _allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Methods the OpenAPI schema declares for ``path`` (templates like ``/v1/claims/{claim_id}``)."""
    methods: set[str] = set()
    for template, operations in app.openapi()["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            methods |= {method.upper() for method in operations}
    return sorted(methods)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """As FastAPI's, but a 405 lists every method of the path in ``Allow`` (the router names only
    the first route it matched when one path has several)."""
    if exc.status_code == 405:
        allowed = _allowed_methods(request.app, request.url.path)
        headers = {"Allow": ", ".join(allowed)} if allowed else exc.headers
        return JSONResponse({"detail": "Method Not Allowed"}, status_code=405, headers=headers)
    return await http_exception_handler(request, exc)


async def _database_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
    """The database cannot be reached (restart, failover, full disk): nothing was stored, so the
    client may retry (with its Idempotency-Key) — a 503, not a 500."""
    logger.error("database unavailable (%s) on %s %s", type(exc.orig).__name__, request.method, request.url.path)
    return JSONResponse(
        status_code=503, content={"detail": "database unavailable; retry later"}, headers={"Retry-After": "5"}
    )


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    # Only the type: a message or traceback could quote a claim.
    logger.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return JSONResponse(status_code=500, content={"detail": "internal error"})
