"""The HTTP server around the app: uvicorn with a deadline for a request's line and headers.
uvicorn closes idle keep-alive connections, but a client that sends one header line every few
seconds keeps its connection (and a slot of the server) forever; the body has its own deadline
in ``service.observability.BodyLimitMiddleware``."""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from service.settings import ServiceSettings


def header_deadline_protocol(header_timeout: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol, closing a connection whose request line and headers are not
    complete ``header_timeout`` seconds after the connection opened or the request's first byte."""

    class HeaderDeadlineProtocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._header_timer is None and self.conn.their_state is h11.IDLE:
                self._arm()  # the first byte of a further request on a kept-alive connection
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._header_timer = self.loop.call_later(header_timeout, self._headers_too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_too_slow(self) -> None:
            self._header_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return HeaderDeadlineProtocol


def server_config(app: Any, settings: ServiceSettings, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration the service runs with (``claims-triage serve`` and the tests)."""
    return uvicorn.Config(app, http=header_deadline_protocol(settings.header_timeout), **options)
