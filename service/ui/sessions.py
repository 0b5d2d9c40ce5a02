"""Page sign-in: server-side sessions behind an opaque cookie, CSRF tokens, and a limit on failed
sign-ins. Kept in the process's memory: a restart signs everybody out, which the pages survive
(they send the user to the sign-in form). Each request re-checks that the key is still active, so
revoking a key ends its sessions at once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

SESSION_COOKIE = "claims_session"
LOGIN_CSRF_COOKIE = "claims_login_csrf"
LANGUAGE_COOKIE = "claims_lang"
MAX_SESSIONS = 10_000


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; an absent token never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


@dataclass(frozen=True)
class PageSession:
    """A signed-in person: their key's id (reviews are kept under it), role, the tenants the key
    is granted (``None``: every tenant) and form token."""

    key_id: int
    role: str
    tenants: tuple[str, ...] | None
    csrf: str
    expires_at: float


@dataclass
class SessionStore:
    """Sessions by the SHA-256 of their cookie value (a memory dump shows no usable cookie)."""

    lifetime_seconds: int
    _sessions: dict[str, PageSession] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def _id(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def create(self, key_id: int, role: str, tenants: tuple[str, ...] | None) -> tuple[str, PageSession]:
        """A new session; returns the cookie value and the session."""
        token = new_token()
        session = PageSession(key_id, role, tenants, new_token(), time.time() + self.lifetime_seconds)
        with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:
                self._prune()
            if len(self._sessions) >= MAX_SESSIONS:  # all alive: drop the one closest to expiry
                del self._sessions[min(self._sessions, key=lambda k: self._sessions[k].expires_at)]
            self._sessions[self._id(token)] = session
        return token, session

    def get(self, token: str | None) -> PageSession | None:
        if not token or len(token) > 100:
            return None
        with self._lock:
            session = self._sessions.get(self._id(token))
            if session is not None and session.expires_at <= time.time():
                del self._sessions[self._id(token)]
                return None
        return session

    def end(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._sessions.pop(self._id(token), None)

    def _prune(self) -> None:
        now = time.time()
        for key in [k for k, s in self._sessions.items() if s.expires_at <= now]:
            del self._sessions[key]


@dataclass
class LoginLimiter:
    """At most ``attempts`` failed sign-ins per client address in a sliding window; further
    attempts are refused (429) without checking the key, so guessing cannot go on at speed."""

    attempts: int
    window_seconds: int
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] <= now - self.window_seconds:
            failures.popleft()
        return failures

    def blocked(self, client: str) -> bool:
        with self._lock:
            return len(self._recent(client, time.time())) >= self.attempts

    def failed(self, client: str) -> None:
        now = time.time()
        with self._lock:
            self._recent(client, now).append(now)
            if len(self._failures) > MAX_SESSIONS:  # forget addresses whose window has passed
                for key in [k for k, v in self._failures.items() if not self._recent(k, now)]:
                    del self._failures[key]
