"""API keys per role. A key is random (256 bits), shown once, and stored only as its SHA-256;
a request names its key in the ``X-API-Key`` header. ``admin`` may use every route.

Tenants: an intake key belongs to one tenant (an intake system) and reads and writes only that
tenant's claims; a clerk's or auditor's key is granted a list of tenants, or all (the default)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.orm import ApiKey

ROLES: tuple[str, ...] = ("intake", "clerk", "auditor", "admin")
KEY_PREFIX = "ctk_"
DEFAULT_TENANT = "default"
TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id (kept on reviews), its role and the tenants it may see
    (``None``: every tenant)."""

    key_id: int
    role: str
    tenants: tuple[str, ...] | None = None

    @property
    def home_tenant(self) -> str:
        """The tenant the claims this key submits belong to."""
        return self.tenants[0] if self.tenants and len(self.tenants) == 1 else DEFAULT_TENANT

    def sees(self, tenant: str) -> bool:
        return self.tenants is None or tenant in self.tenants


def key_tenants(role: str, tenants: list[str]) -> list[str] | None:
    """The tenants stored for a new key: an intake key has exactly one (``default`` unless named);
    other roles the named ones, or ``None`` for all. Raises ``ValueError`` with the reason."""
    for name in tenants:
        if not TENANT_NAME.match(name):
            raise ValueError(f"tenant names are 1-32 of a-z, 0-9, _ and -, starting with a letter or digit: {name!r}")
    if role == "intake":
        if len(tenants) > 1:
            raise ValueError("an intake key belongs to exactly one tenant")
        return tenants or [DEFAULT_TENANT]
    if role == "admin" and tenants:
        raise ValueError("an admin key sees every tenant")
    return sorted(set(tenants)) or None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(session: Session, role: str, label: str = "", tenants: list[str] | None = None) -> tuple[str, ApiKey]:
    """A new key for ``role`` (and ``tenants``, see ``key_tenants``); returns the clear key (to
    show once) and the stored row."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    granted = key_tenants(role, tenants or [])
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(key_hash=hash_key(key), prefix=key[:10], role=role, label=label[:64], tenants=granted)
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
    if row is None:
        return None
    return Principal(row.id, row.role, tuple(row.tenants) if row.tenants is not None else None)
