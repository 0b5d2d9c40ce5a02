"""Sign-in, sign-out and the language switch. The sign-in form carries a CSRF token tied to a
short-lived cookie (double submit), so a foreign site cannot sign a browser in under its key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from service.auth import authenticate
from service.deps import SessionDep
from service.ui.i18n import LANGUAGES
from service.ui.pages import render, safe_next, ui_state
from service.ui.sessions import (
    LANGUAGE_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    new_token,
    tokens_match,
)

router = APIRouter(prefix="/ui", include_in_schema=False)
PAGE_ROLES = ("clerk", "auditor", "admin")
HOME = {"clerk": "/ui/review", "auditor": "/ui/audit", "admin": "/ui/review"}


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_form(request: Request, *, message: str | None = None, status_code: int = 200) -> Response:
    token = new_token()
    response = render(
        request,
        "login.html",
        {"csrf": token, "message": message, "next": safe_next(request.query_params.get("next"), "")},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict", secure=_secure(request), path="/ui"
    )
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    signed_out = request.query_params.get("m") == "out"
    return _login_form(request, message="signed_out" if signed_out else None)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    api_key: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), csrf):
        return render(request, "error.html", {"title": "forbidden_title", "message": "csrf_failed"}, status_code=403)
    ui = ui_state(request)
    client = request.client.host if request.client else "unknown"
    if ui.limiter.blocked(client):
        response = _login_form(request, message="login_limited", status_code=429)
        response.headers["Retry-After"] = str(ui.limiter.window_seconds)
        return response
    principal = authenticate(session, api_key.strip())
    if principal is None or principal.role not in PAGE_ROLES:
        ui.limiter.failed(client)
        return _login_form(request, message="login_failed", status_code=401)
    token, page_session = ui.sessions.create(principal.key_id, principal.role, principal.tenants)
    response = RedirectResponse(safe_next(next, HOME[principal.role]), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=ui.sessions.lifetime_seconds,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/ui",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/ui")
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    ui = ui_state(request)
    token = request.cookies.get(SESSION_COOKIE)
    user = ui.sessions.get(token)
    if user is not None and not tokens_match(user.csrf, csrf):
        return render(request, "error.html", {"title": "forbidden_title", "message": "csrf_failed"}, status_code=403)
    ui.sessions.end(token)
    response = RedirectResponse("/ui/login?m=out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/ui")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str) -> Response:
    """Sets the page language (a preference, no personal data) and returns to the page."""
    response = RedirectResponse(safe_next(request.query_params.get("next"), "/ui/login"), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, code, max_age=365 * 86400, samesite="strict", secure=_secure(request), path="/ui"
        )
    return response


@router.get("")
@router.get("/")
def home(request: Request) -> Response:
    """The signed-in person's start page; the sign-in form for anybody else."""
    user = ui_state(request).sessions.get(request.cookies.get(SESSION_COOKIE))
    return RedirectResponse(HOME[user.role] if user else "/ui/login", status_code=303)
