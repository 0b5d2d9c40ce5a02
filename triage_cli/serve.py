"""``claims-triage serve``, ``keys`` and ``db``: run the routing service and manage its keys and schema."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

keys_app = typer.Typer(help="API keys of the routing service (one role per key; shown once).", no_args_is_help=True)
db_app = typer.Typer(help="The service's database schema (Alembic migrations).", no_args_is_help=True)


def serve(
    host: str | None = typer.Option(None, help="Default CLAIMS_HOST or 127.0.0.1."),
    port: int | None = typer.Option(None, help="Default CLAIMS_PORT or 8000."),
    log_level: str = typer.Option("info", help="uvicorn log level."),
) -> None:
    """Start the routing service (FastAPI on uvicorn) with the settings from CLAIMS_* variables."""
    import uvicorn

    from service.app import create_app
    from service.server import server_config
    from service.settings import ServiceSettings

    settings = ServiceSettings()
    # The root logger was set up by the CLI callback (warnings only); the service logs one line per
    # request (route template, status, ms) at info.
    logging.getLogger().setLevel(getattr(logging, log_level.upper(), logging.INFO))
    typer.echo(f"database: {_redacted(settings.db_url)}; model: {settings.model_dir}", err=True)
    config = server_config(
        create_app(settings),
        settings,
        host=host or settings.host,
        port=port or settings.port,
        log_level=log_level,
        access_log=False,  # service.access logs route templates instead of raw paths
    )
    uvicorn.Server(config).run()


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _sessions() -> AbstractContextManager[Session]:
    """A session on the configured database, migrated first (keys need the schema)."""
    from service import db
    from service.settings import ServiceSettings

    settings = ServiceSettings()
    engine = db.make_engine(settings.db_url)
    db.upgrade(engine)
    return db.session_scope(db.session_factory(engine))


@keys_app.command("create")
def keys_create(
    role: str = typer.Option(..., "--role", help="intake, clerk, auditor or admin."),
    label: str = typer.Option("", help="A note on who uses the key (no personal data)."),
    tenant: list[str] = typer.Option(  # noqa: B008 (typer's way to declare a repeatable option)
        [],
        "--tenant",
        help=(
            "intake: the one tenant (intake system) the key belongs to, default 'default'; clerk/auditor: "
            "a tenant the key may see (repeat for several; none: all tenants)."
        ),
    ),
) -> None:
    """Create a key and print it once (only its hash is stored)."""
    from service.auth import ROLES, create_key, key_tenants

    if role not in ROLES:
        typer.echo(f"error: unknown role {role!r}; roles: {', '.join(ROLES)}", err=True)
        raise typer.Exit(2)
    try:
        key_tenants(role, tenant)
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    with _sessions() as session:
        key, row = create_key(session, role, label, tenant)
        key_id, granted = row.id, row.tenants
    typer.echo(key)
    scope = ", ".join(granted) if granted else "all tenants"
    typer.echo(f"key id {key_id}, role {role}, {scope}: store it now, it cannot be shown again", err=True)


@keys_app.command("list")
def keys_list() -> None:
    """Keys by id, role, tenants, prefix, label, created and revoked (never the key)."""
    from sqlalchemy import select

    from service.orm import ApiKey

    with _sessions() as session:
        for row in session.scalars(select(ApiKey).order_by(ApiKey.id)):
            revoked = row.revoked_at.isoformat() if row.revoked_at else "-"
            tenants = ",".join(row.tenants) if row.tenants else "*"
            typer.echo(
                f"{row.id}\t{row.role}\t{tenants}\t{row.prefix}…\t{row.label or '-'}\t"
                f"{row.created_at.isoformat()}\t{revoked}"
            )


@keys_app.command("revoke")
def keys_revoke(key_id: int = typer.Argument(..., help="The id shown by `keys list`.")) -> None:
    """Revoke a key at once."""
    from service.auth import revoke_key

    with _sessions() as session:
        done = revoke_key(session, key_id)
    if not done:
        typer.echo(f"error: no active key with id {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked key {key_id}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to CLAIMS_DATABASE_URL (SQLite under var/ by default)."""
    from service import db
    from service.settings import ServiceSettings

    settings = ServiceSettings()
    db.upgrade(db.make_engine(settings.db_url))
    typer.echo(f"database at the newest migration: {_redacted(settings.db_url)}")
