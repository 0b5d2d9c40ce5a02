"""What every page shares: templates, the language, the signed-in person (a dependency that sends
strangers to the sign-in form and answers another role with 403), and the CSRF check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from claims.taxonomy import TASKS, load_taxonomy
from service.deps import SessionDep
from service.orm import ApiKey
from service.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
from service.ui.sessions import LANGUAGE_COOKIE, SESSION_COOKIE, LoginLimiter, PageSession, SessionStore

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
templates.env.globals["TASKS"] = TASKS


@dataclass
class UiState:
    sessions: SessionStore
    limiter: LoginLimiter


class LoginRequired(Exception):
    """No valid session: the handler redirects to the sign-in form, remembering the page."""


class PageForbidden(Exception):
    """Signed in, but the role may not open this page."""

    def __init__(self, user: PageSession) -> None:
        self.user = user


def ui_state(request: Request) -> UiState:
    state: UiState = request.app.state.ui
    return state


def language(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def task_title(task: str, lang: str) -> str:
    spec = load_taxonomy()[task]
    return spec.title_en if lang == "en" else spec.title_de


def render(
    request: Request, name: str, context: dict[str, Any], *, user: PageSession | None = None, status_code: int = 200
) -> HTMLResponse:
    lang = language(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    base = {
        "lang": lang,
        "t": translator(lang),
        "task_title": lambda task: task_title(task, lang),
        "user": user,
        "here": here,
        "here_quoted": quote(here, safe=""),
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def safe_next(target: str | None, fallback: str) -> str:
    """A page of this service to go to after sign-in, never another site (open redirect)."""
    if target and target.startswith("/ui/") and "//" not in target and "\\" not in target and len(target) < 500:
        return target
    return fallback


def page_user(*roles: str) -> Callable[..., PageSession]:
    """A dependency admitting ``roles`` (and admin) with a live session of a still-active key."""

    def dependency(request: Request, session: SessionDep) -> PageSession:
        store = ui_state(request).sessions
        token = request.cookies.get(SESSION_COOKIE)
        user = store.get(token)
        if user is None:
            raise LoginRequired
        key = session.get(ApiKey, user.key_id)
        if key is None or key.revoked_at is not None:
            store.end(token)
            raise LoginRequired
        if user.role != "admin" and user.role not in roles:
            raise PageForbidden(user)
        return user

    return dependency


ClerkDep = Annotated[PageSession, Depends(page_user("clerk"))]
AuditorDep = Annotated[PageSession, Depends(page_user("auditor"))]
