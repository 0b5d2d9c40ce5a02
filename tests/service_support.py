"""Helpers of the service tests: databases (SQLite always, PostgreSQL when the server is there),
a tiny saved model, an app client that waits for readiness, and keys per role."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from claims.model import TriageConfig, TriageModel
from service import db
from service.app import create_app
from service.auth import create_key
from service.settings import ServiceSettings

POSTGRES_URL = os.environ.get("CLAIMS_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("CLAIMS_REQUIRE_POSTGRES") == "1"


def fresh_postgres(url: str) -> str:
    """Empties the test database (a clean schema) and returns its URL."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def database_url(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'claims-triage.db'}"
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("CLAIMS_REQUIRE_POSTGRES=1 but CLAIMS_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server (set CLAIMS_TEST_POSTGRES_URL; .ci/run starts one)")
    return fresh_postgres(POSTGRES_URL)


def save_tiny_model(encoder_dir: Path, out: Path) -> Path:
    model = TriageModel.for_training(encoder_dir, TriageConfig(max_length=32, lora_r=2, model_version="tiny-1"))
    model.config.thresholds = {"damage_type": 0.0, "urgency": 0.0, "department": 0.99}
    model.save_pretrained(out)
    return out


def make_settings(tmp_path: Path, url: str, model_dir: Path, encoder_dir: Path, **overrides: object) -> ServiceSettings:
    return ServiceSettings(
        var_dir=tmp_path / "var",
        database_url=url,
        model_dir=model_dir,
        encoder_dir=encoder_dir,
        use_pii_model=False,
        **overrides,  # type: ignore[arg-type]
    )


def wait_ready(client: TestClient, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get("/readyz")
        if response.status_code == 200:
            return
        assert "error" not in response.json(), response.json()
        time.sleep(0.05)
    raise AssertionError("service not ready in time")


def add_key(settings: ServiceSettings, role: str, tenants: list[str] | None = None) -> str:
    engine = db.make_engine(settings.db_url)
    db.upgrade(engine)
    with db.session_scope(db.session_factory(engine)) as session:
        key, _ = create_key(session, role, tenants=tenants)
    engine.dispose()
    return key


class Api:
    """A ready client plus one key per role."""

    def __init__(self, client: TestClient, settings: ServiceSettings) -> None:
        self.client = client
        self.settings = settings
        self.keys = {role: add_key(settings, role) for role in ("intake", "clerk", "auditor", "admin")}

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[role], **extra}

    def post_claim(self, text: str, key: str | None = None, **fields: object) -> dict[str, object]:
        headers = self.headers("intake", **({"Idempotency-Key": key} if key else {}))
        response = self.client.post("/v1/claims", json={"text": text, **fields}, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]


def running_api(settings: ServiceSettings) -> Iterator[Api]:
    with TestClient(create_app(settings)) as client:
        wait_ready(client)
        yield Api(client, settings)
