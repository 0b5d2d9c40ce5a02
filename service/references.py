"""External references (the intake system's own id for a claim) are stored as an HMAC, never as
text. The field's pattern admits an IBAN, a phone number, a plate or ``Given.Surname`` as well as
an opaque id, and no recognizer can tell them apart reliably in 64 characters without context;
a keyed hash keeps the lookup (``GET /v1/claims?external_ref=...``) and removes the side door
around the anonymizer. The key is not in the database, so a copy of the database alone cannot
be searched for a guessed phone number. The tenant is part of the hashed value: equal references
of two intake systems do not link their claims."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from service.settings import ServiceSettings

KEY_FILE = "reference.key"


def reference_secret(settings: ServiceSettings) -> bytes:
    """``CLAIMS_REFERENCE_SECRET``, else the key in ``var_dir/reference.key`` (created at the first
    start, readable by the owner only)."""
    if settings.reference_secret is not None:
        return settings.reference_secret.get_secret_value().encode("utf-8")
    path = settings.var_dir / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    return path.read_text(encoding="ascii").strip().encode("ascii")


def _create_key_file(path: Path) -> None:
    """Written under a temporary name, then linked into place: a second process starting at the
    same moment either wins or reads the complete file of the first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def reference_digest(secret: bytes, tenant: str, reference: str) -> str:
    """What is stored and searched for ``reference`` of ``tenant``."""
    return hmac.new(secret, f"{tenant}\x00{reference}".encode(), hashlib.sha256).hexdigest()
