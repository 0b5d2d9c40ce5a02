"""Typed settings of the routing service (environment prefix ``CLAIMS_``), on top of the runtime
settings that locate the encoder and the model."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator

from claims_runtime.settings import RuntimeSettings


class ServiceSettings(RuntimeSettings):
    """Every field can be set as ``CLAIMS_<NAME>``; the defaults run a development service on
    SQLite under ``var/`` with the shipped model."""

    environment: Literal["development", "production"] = Field(
        default="development",
        description="production refuses to start while no API key exists.",
    )
    var_dir: Path = Field(default=Path("var"), description="Where the embedded SQLite database lives.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db; default SQLite in var_dir.",
    )
    auto_migrate: bool = Field(default=True, description="Apply Alembic migrations at start-up.")
    max_body_bytes: int = Field(default=64 * 1024, gt=0, description="Larger request bodies get 413.")
    inference_threads: int = Field(default=2, ge=1, description="torch threads for the model.")
    max_batch: int = Field(default=8, ge=1, description="Claims triaged together when requests queue up.")
    training_data: Path = Field(
        default_factory=lambda: Path(__file__).resolve().parents[1] / "data" / "claims" / "train.jsonl",
        description="The labeled training split; the audit page compares label shares with it (drift).",
    )
    ui_session_minutes: int = Field(default=480, ge=1, le=7 * 24 * 60, description="Page sign-in lifetime.")
    ui_login_attempts: int = Field(
        default=10, ge=1, description="Failed page sign-ins per client address and window before 429."
    )
    ui_login_window_seconds: int = Field(default=300, ge=1, description="Window of the sign-in limit.")
    public_docs: bool | None = Field(
        default=None,
        description="Serve /docs, /redoc and /openapi.json; default on in development, off in production.",
    )
    max_in_flight_per_key: int = Field(
        default=4, ge=1, description="Requests of one API key in the triager's queue at once; more wait in line."
    )
    max_waiting_per_key: int = Field(
        default=32, ge=0, description="Requests of one API key waiting in line; one more gets 429 with Retry-After."
    )
    header_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a client may take to send a request's line and headers."
    )
    body_timeout: float = Field(default=10.0, gt=0, description="Seconds a client may take to send a request body.")
    reference_secret: SecretStr | None = Field(
        default=None,
        description=(
            "Key of the HMAC that external references are stored as; default: a random key kept in "
            "var_dir/reference.key (set it when several service instances share a database)."
        ),
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @model_validator(mode="after")
    def _sqlite_default(self) -> ServiceSettings:
        if self.database_url is None:
            self.database_url = f"sqlite:///{(self.var_dir / 'claims-triage.db').as_posix()}"
        return self

    @property
    def docs_enabled(self) -> bool:
        return self.public_docs if self.public_docs is not None else self.environment == "development"

    @property
    def db_url(self) -> str:
        assert self.database_url is not None  # set by the validator
        return self.database_url
