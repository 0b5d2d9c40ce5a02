"""Pages for people: clerks work the review queue, auditors read the audit. Server-rendered
(Jinja2), no JavaScript, every asset served from ``/ui/static``; German with an English switch.
``mount(app)`` is all the application factory calls."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.settings import ServiceSettings
from service.ui import audit, review, signin
from service.ui.pages import LoginRequired, PageForbidden, UiState, render
from service.ui.sessions import LoginLimiter, SessionStore

STATIC = Path(__file__).resolve().parent / "static"
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
]


class PageHeadersMiddleware:
    """Security headers on every ``/ui`` response; pages (not static files) are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == "/ui" or path.startswith("/ui/")):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in dict(SECURITY_HEADERS)]
                headers += SECURITY_HEADERS
                if not path.startswith("/ui/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _login_required(request: Request, exc: Exception) -> Response:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/ui/login?next={quote(here, safe='')}", status_code=303)


async def _forbidden(request: Request, exc: Exception) -> Response:
    user = exc.user if isinstance(exc, PageForbidden) else None
    return render(
        request, "error.html", {"title": "forbidden_title", "message": "forbidden"}, user=user, status_code=403
    )


def mount(app: FastAPI, settings: ServiceSettings) -> None:
    """Add the pages, their static files, headers and error pages to ``app``."""
    app.state.ui = UiState(
        sessions=SessionStore(lifetime_seconds=settings.ui_session_minutes * 60),
        limiter=LoginLimiter(settings.ui_login_attempts, settings.ui_login_window_seconds),
    )
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    for module in (signin, review, audit):
        app.include_router(module.router)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(PageForbidden, _forbidden)
    app.add_middleware(PageHeadersMiddleware)
