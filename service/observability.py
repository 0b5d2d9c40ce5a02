"""Prometheus metrics and request logging. Labels are route templates, methods, status codes and
label ids only: never a claim's text, id or reference."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claims.pipeline import TriageDecision

logger = logging.getLogger("service.access")


class ServiceMetrics:
    """One registry per app, so several apps (tests) never share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "claims_http_requests_total",
            "HTTP requests by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "claims_http_request_duration_seconds",
            "Request latency by route template.",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.predictions = Counter(
            "claims_predictions_total",
            "Predicted labels by task.",
            ["model_version", "task", "label"],
            registry=self.registry,
        )
        self.triaged = Counter(
            "claims_triaged_total",
            "Claims triaged, by whether they need review (review rate = true / all).",
            ["model_version", "needs_review"],
            registry=self.registry,
        )
        self.reviews = Counter(
            "claims_reviews_total",
            "Clerk reviews, by whether the clerk kept every predicted label.",
            ["agreed"],
            registry=self.registry,
        )

    def watch_queue(self, count_waiting: Callable[[], int]) -> None:
        """Report the review queue's length at every scrape (no label: a single number)."""
        self.registry.register(_QueueCollector(count_waiting))

    def record_decision(self, decision: TriageDecision) -> None:
        for task, label in decision.labels.items():
            self.predictions.labels(decision.model_version, task, label.label).inc()
        self.triaged.labels(decision.model_version, str(decision.needs_review).lower()).inc()


class _QueueCollector(Collector):
    def __init__(self, count_waiting: Callable[[], int]) -> None:
        self.count_waiting = count_waiting

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            waiting = self.count_waiting()
        except Exception:  # database down: /readyz says so; the scrape still answers
            logger.warning("review queue size unavailable")
            return
        yield GaugeMetricFamily("claims_review_queue_size", "Claims waiting for a clerk.", value=waiting)


KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _method_label(scope: Scope) -> str:
    """The request method when it is a standard one, else ``OTHER``: the method is the client's
    text, and each new label value would be a new series (and a new word in the log)."""
    method = scope.get("method", "")
    return method if method in KNOWN_METHODS else "OTHER"


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class RequestMetricsMiddleware:
    """Counts and times every request by route template; adds ``X-Request-ID``; logs one line per
    request (method, route template, status, ms) — no path parameters, query or body."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = uuid.uuid4().hex
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route, method = _route_template(scope), _method_label(scope)
            elapsed = time.perf_counter() - start
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(elapsed)
            logger.info("%s %s %d %.1fms id=%s", method, route, status, elapsed * 1000, request_id)


class BodyLimitMiddleware:
    """Answers 413 to a body over ``max_bytes`` (declared or streamed) before any handler runs,
    and 408 (closing the connection) to a body not complete within ``timeout`` seconds: a client
    sending one byte every few seconds would otherwise hold its connection forever."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _refuse(send, 413, f"request body larger than {self.max_bytes} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        try:
            async with asyncio.timeout(self.timeout):
                while more:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_bytes:
                        await _refuse(send, 413, f"request body larger than {self.max_bytes} bytes")
                        return
                    chunks.append(chunk)
                    more = message.get("more_body", False)
        except TimeoutError:
            await _refuse(send, 408, f"request body not complete within {self.timeout:g} s", close=True)
            return
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Send, status: int, detail: str, *, close: bool = False) -> None:
    payload: dict[str, Any] = {"detail": detail}
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:  # the rest of the body may still come: the connection cannot carry another request
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
