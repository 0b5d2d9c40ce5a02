"""FastAPI dependencies: the app state, a database session per request, the calling principal;
and the route class that checks the key before the body is read."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Response, Security, status
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from service.auth import Principal, authenticate
from service.state import ServiceState
from service.triager import Triager

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key of a role.")


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


StateDep = Annotated[ServiceState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    session = state.sessions()
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def get_triager(state: StateDep) -> Triager:
    if state.triager is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "model not loaded yet; see /readyz")
    return state.triager


TriagerDep = Annotated[Triager, Depends(get_triager)]


def authorize(session: Session, key: str | None, roles: tuple[str, ...]) -> Principal:
    """The caller when its key is valid and of one of ``roles`` (or admin): else 401 or 403."""
    principal = authenticate(session, key)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or invalid API key (header X-API-Key)",
            headers={"WWW-Authenticate": "ApiKey"},
        )
    if principal.role != "admin" and principal.role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {principal.role!r} may not use this route")
    return principal


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency admitting ``roles`` (and admin): 401 without a valid key, 403 for another role.
    On a ``KeyFirstRoute`` the key was checked already and the principal is reused."""

    def dependency(
        request: Request, session: SessionDep, key: Annotated[str | None, Security(api_key_header)] = None
    ) -> Principal:
        checked = getattr(request.state, "principal", None)
        return checked if isinstance(checked, Principal) else authorize(session, key, roles)

    dependency.roles = roles  # type: ignore[attr-defined]  # read by KeyFirstRoute
    return dependency


class KeyFirstRoute(APIRoute):
    """FastAPI reads and parses the body before it solves any dependency, so a malformed body
    would answer 422 to a caller without a key (or with another role's key) and tell it about the
    route. This route checks the key of its ``require`` dependency before the body is read."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        roles = next(
            (dep.call.roles for dep in self.dependant.dependencies if hasattr(dep.call, "roles")),  # type: ignore[union-attr]
            None,
        )
        if roles is None:
            return handler

        async def key_checked_first(request: Request) -> Response:
            request.state.principal = await run_in_threadpool(_authorize_request, request, roles)
            return await handler(request)

        return key_checked_first


def _authorize_request(request: Request, roles: tuple[str, ...]) -> Principal:
    state = get_state(request)
    session = state.sessions()
    try:
        return authorize(session, request.headers.get(api_key_header.model.name), roles)
    finally:
        session.close()
