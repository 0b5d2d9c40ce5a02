"""FastAPI dependencies: the app state, a database session per request, the calling principal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

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


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency admitting ``roles`` (and admin): 401 without a valid key, 403 for another role."""

    def dependency(session: SessionDep, key: Annotated[str | None, Security(api_key_header)] = None) -> Principal:
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

    return dependency
