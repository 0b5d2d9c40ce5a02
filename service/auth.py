"""API keys per role. A key is random (256 bits), shown once, and stored only as its SHA-256;
a request names its key in the ``X-API-Key`` header. ``admin`` may use every route."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.orm import ApiKey

ROLES: tuple[str, ...] = ("intake", "clerk", "auditor", "admin")
KEY_PREFIX = "ctk_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id (kept on reviews) and its role."""

    key_id: int
    role: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(session: Session, role: str, label: str = "") -> tuple[str, ApiKey]:
    """A new key for ``role``; returns the clear key (to show once) and the stored row."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(key_hash=hash_key(key), prefix=key[:10], role=role, label=label[:64])
    session.add(row)
    session.flush()
    return key, row


def revoke_key(session: Session, key_id: int) -> bool:
    row = session.get(ApiKey, key_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = datetime.now(UTC)
    return True


def active_key_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ApiKey).where(ApiKey.revoked_at.is_(None))) or 0)


def authenticate(session: Session, key: str | None) -> Principal | None:
    """The principal of a valid, unrevoked key, else None (the caller answers 401)."""
    if not key or len(key) > 200:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None)))
    return Principal(row.id, row.role) if row else None
